/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * The process's iommufd and its one IOAS (cdev mode, primary process):
 * created when VFIO is enabled, filled with all of DPDK's memory when the
 * first device is attached (then kept in sync by a memory event callback),
 * emptied and closed at rte_eal_cleanup().
 *
 * Memory is mapped one page per IOMMU_IOAS_MAP: the kernel cannot unmap
 * part of a mapped area, so this is what lets any freed page be unmapped
 * without touching its neighbours.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal_memconfig.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_memory.h>
#include <rte_vfio_cdev.h>

#include "eal_iommufd_uapi.h"
#include "eal_iommufd.h"

#define MEM_EVENT_CLB_NAME "vfio_cdev_mem_event_clb"
#define IOVA_RANGES_MAX 16u

static struct {
	int fd;			/* /dev/iommu, -1 when closed */
	uint32_t ioas_id;
	bool dma_ready;		/* memory mapped, callback registered */
	unsigned int nb_ranges;
	struct iommu_iova_range ranges[IOVA_RANGES_MAX];
	uint64_t nb_maps;	/* mappings made and not undone */
	uint64_t mapped_len;
} iommufd = { .fd = -1 };

int
rte_vfio_cdev_iommufd(void)
{
	if (iommufd.fd < 0)
		rte_errno = ENODEV;
	return iommufd.fd;
}

uint32_t
rte_vfio_cdev_ioas_id(void)
{
	return iommufd.ioas_id;
}

int
eal_iommufd_open(const char *path)
{
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	int fd;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		RTE_LOG(ERR, EAL, "VFIO cdev mode: cannot open %s: %s; %s\n",
			path, strerror(errno),
			errno == EACCES ? "run as root or grant access to it with a udev rule" :
			"the kernel needs CONFIG_IOMMUFD (see kernel/ in vfio-cdev)");
		return -1;
	}
	if (ioctl(fd, IOMMU_IOAS_ALLOC, &alloc) < 0) {
		RTE_LOG(ERR, EAL, "VFIO cdev mode: %s: IOMMU_IOAS_ALLOC failed: %s\n",
			path, strerror(errno));
		close(fd);
		return -1;
	}
	iommufd.fd = fd;
	iommufd.ioas_id = alloc.out_ioas_id;
	iommufd.nb_ranges = 0;
	RTE_LOG(DEBUG, EAL, "VFIO cdev mode: iommufd %d, IOAS %u\n", fd,
		alloc.out_ioas_id);
	return 0;
}

static uint64_t
iova_max(void)
{
	uint64_t max = 0;
	unsigned int i;

	for (i = 0; i < iommufd.nb_ranges; i++)
		max = RTE_MAX(max, (uint64_t)iommufd.ranges[i].last);
	return max;
}

int
rte_vfio_cdev_iova_ranges_update(void)
{
	struct iommu_ioas_iova_ranges q = {
		.size = sizeof(q),
		.ioas_id = iommufd.ioas_id,
		.num_iovas = IOVA_RANGES_MAX,
		.allowed_iovas = (uintptr_t)iommufd.ranges,
	};
	unsigned int i;

	if (ioctl(iommufd.fd, IOMMU_IOAS_IOVA_RANGES, &q) < 0) {
		RTE_LOG(ERR, EAL, "VFIO cdev mode: IOMMU_IOAS_IOVA_RANGES failed: %s\n",
			strerror(errno));
		rte_errno = errno;
		return -1;
	}
	iommufd.nb_ranges = RTE_MIN(q.num_iovas, IOVA_RANGES_MAX);
	for (i = 0; i < iommufd.nb_ranges; i++)
		RTE_LOG(DEBUG, EAL, "VFIO cdev mode: IOAS range %u: 0x%" PRIx64 " - 0x%" PRIx64 "\n",
			i, (uint64_t)iommufd.ranges[i].start,
			(uint64_t)iommufd.ranges[i].last);
	/* EAL then refuses to allocate memory the IOMMU cannot address */
	if (iommufd.nb_ranges > 0 && iova_max() < UINT64_MAX)
		rte_mem_set_dma_mask(64 - __builtin_clzll(iova_max()));
	return 0;
}

/* The IOAS can take [iova, iova + len) if one allowed range holds it all. */
static bool
iova_allowed(uint64_t iova, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < iommufd.nb_ranges; i++) {
		if (iova >= iommufd.ranges[i].start &&
				iova + len - 1 <= iommufd.ranges[i].last)
			return true;
	}
	return false;
}

static void
log_ranges(void)
{
	unsigned int i;

	for (i = 0; i < iommufd.nb_ranges; i++)
		RTE_LOG(ERR, EAL, "  IOAS range %u: 0x%" PRIx64 " - 0x%" PRIx64 "\n",
			i, (uint64_t)iommufd.ranges[i].start,
			(uint64_t)iommufd.ranges[i].last);
}

static int
add_memseg_len(const struct rte_memseg_list *msl, const struct rte_memseg *ms,
		void *total)
{
	if (!msl->external)
		*(uint64_t *)total += ms->len;
	return 0;
}

/*
 * iommufd charges pinned pages to RLIMIT_MEMLOCK (unless CAP_IPC_LOCK):
 * say how much DPDK's memory needs. Called with the memory lock held.
 */
static void
log_memlock_need(uint64_t len)
{
	static bool said;
	uint64_t total = 0;
	struct rlimit rl;

	if (said)
		return;
	said = true;

	rte_memseg_walk_thread_unsafe(add_memseg_len, &total);
	if (total < iommufd.mapped_len + len)
		total = iommufd.mapped_len + len;
	if (getrlimit(RLIMIT_MEMLOCK, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return;
	RTE_LOG(ERR, EAL, "VFIO cdev mode: pinning DPDK's memory for DMA needs RLIMIT_MEMLOCK of at least %" PRIu64 " KiB, it is %" PRIu64 " KiB: raise it (ulimit -l, LimitMEMLOCK= in systemd) or use less memory (-m)\n",
		total >> 10, (uint64_t)rl.rlim_cur >> 10);
}

int
rte_vfio_cdev_dma_map(uint64_t va, uint64_t iova, uint64_t len)
{
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = iommufd.ioas_id,
		.user_va = va,
		.length = len,
		.iova = iova,
	};

	if (iommufd.fd < 0) {
		rte_errno = ENODEV;
		return -1;
	}
	if (!iova_allowed(iova, len)) {
		RTE_LOG(ERR, EAL, "VFIO cdev mode: IOVA 0x%" PRIx64 " - 0x%" PRIx64 " (VA 0x%" PRIx64 ") is outside the IOAS ranges the IOMMU allows; %s\n",
			iova, iova + len - 1, va,
			iova + len - 1 > iova_max() ?
			"the IOMMU address width is too small for IOVA as VA (with QEMU intel-iommu use aw-bits=48)" :
			"it falls in an IOVA range the IOMMU reserves (MSI window): place DPDK memory elsewhere (--base-virtaddr)");
		log_ranges();
		rte_errno = ERANGE;
		return -1;
	}
	if (ioctl(iommufd.fd, IOMMU_IOAS_MAP, &map) < 0) {
		rte_errno = errno;
		RTE_LOG(ERR, EAL, "VFIO cdev mode: IOMMU_IOAS_MAP of VA 0x%" PRIx64 " at IOVA 0x%" PRIx64 " (%" PRIu64 " bytes) failed: %s\n",
			va, iova, len, strerror(errno));
		if (rte_errno == ENOMEM)
			log_memlock_need(len);
		return -1;
	}
	iommufd.nb_maps++;
	iommufd.mapped_len += len;
	return 0;
}

static int
ioas_unmap(uint64_t iova, uint64_t len, uint64_t *unmapped)
{
	struct iommu_ioas_unmap unmap = {
		.size = sizeof(unmap),
		.ioas_id = iommufd.ioas_id,
		.iova = iova,
		.length = len,
	};

	if (ioctl(iommufd.fd, IOMMU_IOAS_UNMAP, &unmap) < 0) {
		rte_errno = errno;
		RTE_LOG(ERR, EAL, "VFIO cdev mode: IOMMU_IOAS_UNMAP of IOVA 0x%" PRIx64 " (%" PRIu64 " bytes) failed: %s\n",
			iova, len, strerror(errno));
		return -1;
	}
	*unmapped = unmap.length;
	return 0;
}

/* Empty the IOAS, whatever it holds. */
static void
unmap_all(void)
{
	uint64_t unmapped = 0;

	if (iommufd.nb_maps > 0)
		ioas_unmap(0, UINT64_MAX, &unmapped);
	iommufd.nb_maps = 0;
	iommufd.mapped_len = 0;
}

int
rte_vfio_cdev_dma_unmap(uint64_t iova, uint64_t len)
{
	uint64_t unmapped = 0;

	if (iommufd.fd < 0) {
		rte_errno = ENODEV;
		return -1;
	}
	if (ioas_unmap(iova, len, &unmapped) < 0)
		return -1;
	iommufd.nb_maps--;
	iommufd.mapped_len -= unmapped;
	return 0;
}

void
rte_vfio_cdev_dma_stats(uint64_t *nb_maps, uint64_t *mapped_len)
{
	*nb_maps = iommufd.nb_maps;
	*mapped_len = iommufd.mapped_len;
}

/* Map or unmap each page of [addr, addr + len) of one memseg list. After
 * a failure (logged) the rest of the event would fail alike: stop there.
 */
static void
mem_event_callback(enum rte_mem_event type, const void *addr, size_t len,
		void *arg __rte_unused)
{
	const struct rte_memseg_list *msl = rte_mem_virt2memseg_list(addr);
	const struct rte_memseg *ms;
	size_t done;

	if (msl == NULL || msl->external)
		return;
	ms = rte_mem_virt2memseg(addr, msl);
	for (done = 0; done < len; done += ms->len, ms++) {
		if (ms->iova == RTE_BAD_IOVA)
			continue;
		if (type == RTE_MEM_EVENT_ALLOC ?
				rte_vfio_cdev_dma_map(ms->addr_64, ms->iova, ms->len) :
				rte_vfio_cdev_dma_unmap(ms->iova, ms->len)) {
			RTE_LOG(ERR, EAL, "VFIO cdev mode: %zu bytes at %p are not %s for DMA\n",
				len - done, RTE_PTR_ADD(addr, done),
				type == RTE_MEM_EVENT_ALLOC ? "mapped" : "unmapped");
			return;
		}
	}
}

static int
map_memseg(const struct rte_memseg_list *msl, const struct rte_memseg *ms,
		void *arg __rte_unused)
{
	if (msl->external || ms->iova == RTE_BAD_IOVA)
		return 0;
	return rte_vfio_cdev_dma_map(ms->addr_64, ms->iova, ms->len);
}

int
rte_vfio_cdev_dma_prepare(void)
{
	int ret = 0;

	if (iommufd.dma_ready)
		return 0;
	if (iommufd.fd < 0) {
		rte_errno = ENODEV;
		return -1;
	}

	/* no memory comes or goes between the walk and the callback */
	rte_mcfg_mem_read_lock();
	if (rte_memseg_walk_thread_unsafe(map_memseg, NULL) != 0) {
		ret = -1;
	} else if (rte_mem_event_callback_register(MEM_EVENT_CLB_NAME,
			mem_event_callback, NULL) < 0 && rte_errno != ENOTSUP) {
		RTE_LOG(ERR, EAL, "VFIO cdev mode: cannot register memory event callback: %s\n",
			rte_strerror(rte_errno));
		ret = -1;
	}
	rte_mcfg_mem_read_unlock();

	if (ret < 0) {
		unmap_all();	/* leave the IOAS empty, as it was */
		return -1;
	}
	iommufd.dma_ready = true;
	return 0;
}

void
eal_iommufd_close(void)
{
	struct iommu_destroy destroy = {
		.size = sizeof(destroy),
		.id = iommufd.ioas_id,
	};

	if (iommufd.fd < 0)
		return;
	if (iommufd.dma_ready) {
		rte_mem_event_callback_unregister(MEM_EVENT_CLB_NAME, NULL);
		iommufd.dma_ready = false;
	}
	unmap_all();
	if (ioctl(iommufd.fd, IOMMU_DESTROY, &destroy) < 0)
		RTE_LOG(DEBUG, EAL, "VFIO cdev mode: IOMMU_DESTROY of IOAS %u: %s\n",
			iommufd.ioas_id, strerror(errno));
	close(iommufd.fd);
	iommufd.fd = -1;
}
