/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * The process's iommufd and its one IOAS (cdev mode, primary process):
 * created when VFIO is enabled, filled with all of DPDK's memory when the
 * first device is attached (then kept in sync by a memory event callback),
 * emptied and closed at rte_eal_cleanup().
 *
 * The kernel cannot unmap part of a mapped area, so how memory is cut into
 * mappings decides what can be freed alone (eal_dma_table.h): memory DPDK
 * never frees (-m/--socket-mem preallocation, --legacy-mem) is mapped in
 * maximal VA-contiguous runs, one ioctl each; memory it may free, one page
 * per mapping, so that a free never unmaps a page still in use.
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
#include <rte_cycles.h>
#include <rte_eal_memconfig.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_memory.h>
#include <rte_spinlock.h>
#include <rte_vfio_cdev.h>

#include "eal_dma_table.h"
#include "eal_internal_cfg.h"
#include "eal_private.h"
#include "eal_iommufd.h"
#include "eal_iommufd_uapi.h"

#define MEM_EVENT_CLB_NAME "vfio_cdev_mem_event_clb"
#define IOVA_RANGES_MAX 16u

static struct {
	int fd;			/* /dev/iommu, -1 when closed */
	uint32_t ioas_id;
	bool eal_holds;		/* EAL's own reference, until cleanup */
	unsigned int refs;	/* external users' references */
	bool dma_ready;		/* memory mapped, callback registered */
	bool per_page;		/* map never-freed memory page by page too */
	unsigned int nb_ranges;
	struct iommu_iova_range ranges[IOVA_RANGES_MAX];
	rte_spinlock_t lock;	/* the table and the ioctls that follow it */
	struct eal_dma_table table;
	uint64_t nb_map_ioctls;
} iommufd = { .fd = -1, .lock = RTE_SPINLOCK_INITIALIZER };

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
	iommufd.eal_holds = true;
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
	uint64_t max;
	unsigned int i;

	/* mappings made meanwhile check against the ranges */
	rte_spinlock_lock(&iommufd.lock);
	if (ioctl(iommufd.fd, IOMMU_IOAS_IOVA_RANGES, &q) < 0) {
		rte_errno = errno;
		rte_spinlock_unlock(&iommufd.lock);
		RTE_LOG(ERR, EAL, "VFIO cdev mode: IOMMU_IOAS_IOVA_RANGES failed: %s\n",
			strerror(rte_errno));
		return -1;
	}
	iommufd.nb_ranges = RTE_MIN(q.num_iovas, IOVA_RANGES_MAX);
	max = iova_max();
	rte_spinlock_unlock(&iommufd.lock);

	for (i = 0; i < q.num_iovas && i < IOVA_RANGES_MAX; i++)
		RTE_LOG(DEBUG, EAL, "VFIO cdev mode: IOAS range %u: 0x%" PRIx64 " - 0x%" PRIx64 "\n",
			i, (uint64_t)iommufd.ranges[i].start,
			(uint64_t)iommufd.ranges[i].last);
	/* EAL then refuses to allocate memory the IOMMU cannot address */
	if (max != 0 && max < UINT64_MAX)
		rte_mem_set_dma_mask(64 - __builtin_clzll(max));
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

	uint64_t nb, mapped;

	rte_memseg_walk_thread_unsafe(add_memseg_len, &total);
	eal_dma_table_stats(&iommufd.table, &nb, &mapped);
	if (total < mapped + len)
		total = mapped + len;
	if (getrlimit(RLIMIT_MEMLOCK, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return;
	RTE_LOG(ERR, EAL, "VFIO cdev mode: pinning DPDK's memory for DMA needs RLIMIT_MEMLOCK of at least %" PRIu64 " KiB, it is %" PRIu64 " KiB: raise it (ulimit -l, LimitMEMLOCK= in systemd) or use less memory (-m)\n",
		total >> 10, (uint64_t)rl.rlim_cur >> 10);
}

/* Empty the IOAS, whatever it holds. */
static void
unmap_all(void)
{
	struct iommu_ioas_unmap unmap = {
		.size = sizeof(unmap),
		.ioas_id = iommufd.ioas_id,
		.iova = 0,
		.length = UINT64_MAX,
	};

	if (iommufd.table.nb > 0 &&
			ioctl(iommufd.fd, IOMMU_IOAS_UNMAP, &unmap) < 0)
		RTE_LOG(ERR, EAL, "VFIO cdev mode: emptying the IOAS failed: %s\n",
			strerror(errno));
	eal_dma_table_clear(&iommufd.table);
}

/* Record an area, then map it; nothing recorded if the map fails. */
static int
map_area(uint64_t va, uint64_t iova, uint64_t len, enum eal_dma_kind kind)
{
	const struct eal_dma_area area = {
		.va = va, .iova = iova, .len = len, .kind = kind,
	};
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = iommufd.ioas_id,
		.user_va = va,
		.length = len,
		.iova = iova,
	};
	int ret;

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
	ret = eal_dma_table_add(&iommufd.table, &area);
	if (ret < 0) {
		rte_errno = -ret;
		return -1;
	}
	iommufd.nb_map_ioctls++;
	if (ioctl(iommufd.fd, IOMMU_IOAS_MAP, &map) < 0) {
		rte_errno = errno;
		eal_dma_table_remove(&iommufd.table, iova, len);
		RTE_LOG(ERR, EAL, "VFIO cdev mode: IOMMU_IOAS_MAP of VA 0x%" PRIx64 " at IOVA 0x%" PRIx64 " (%" PRIu64 " bytes) failed: %s\n",
			va, iova, len, strerror(rte_errno));
		if (rte_errno == ENOMEM)
			log_memlock_need(len);
		return -1;
	}
	return 0;
}

/* Unmap the areas [iova, iova + len) covers whole, and forget them. */
static int
unmap_range(uint64_t iova, uint64_t len)
{
	struct iommu_ioas_unmap unmap = {
		.size = sizeof(unmap),
		.ioas_id = iommufd.ioas_id,
		.iova = iova,
		.length = len,
	};
	int ret;

	ret = eal_dma_table_can_remove(&iommufd.table, iova, len);
	if (ret < 0) {
		rte_errno = -ret;
		return -1;
	}
	if (ioctl(iommufd.fd, IOMMU_IOAS_UNMAP, &unmap) < 0) {
		rte_errno = errno;
		RTE_LOG(ERR, EAL, "VFIO cdev mode: IOMMU_IOAS_UNMAP of IOVA 0x%" PRIx64 " (%" PRIu64 " bytes) failed: %s\n",
			iova, len, strerror(errno));
		return -1;
	}
	eal_dma_table_remove(&iommufd.table, iova, len);
	return 0;
}

/* An application's mapping (rte_dev_dma_map() and the like). */
int
rte_vfio_cdev_dma_map(uint64_t va, uint64_t iova, uint64_t len)
{
	unsigned int first;
	int ret;

	if (iommufd.fd < 0) {
		rte_errno = ENODEV;
		return -1;
	}
	rte_spinlock_lock(&iommufd.lock);
	ret = map_area(va, iova, len, EAL_DMA_USER);
	if (ret < 0 && rte_errno == EEXIST &&
			eal_dma_table_find(&iommufd.table, iova, len, &first) == 1 &&
			iommufd.table.areas[first].iova == iova &&
			iommufd.table.areas[first].len == len &&
			iommufd.table.areas[first].va == va) {
		ret = 0;	/* the same mapping again: already there */
	} else if (ret < 0 && rte_errno == EEXIST) {
		RTE_LOG(ERR, EAL, "VFIO cdev mode: IOVA 0x%" PRIx64 " - 0x%" PRIx64 " overlaps a mapping already in the IOAS\n",
			iova, iova + len - 1);
	}
	rte_spinlock_unlock(&iommufd.lock);
	return ret;
}

/* Only the application's own mappings, and only whole. */
int
rte_vfio_cdev_dma_unmap(uint64_t iova, uint64_t len)
{
	unsigned int first, n, i;
	int ret = -1;

	if (iommufd.fd < 0) {
		rte_errno = ENODEV;
		return -1;
	}
	rte_spinlock_lock(&iommufd.lock);
	n = eal_dma_table_find(&iommufd.table, iova, len, &first);
	for (i = first; i < first + n; i++) {
		if (iommufd.table.areas[i].kind != EAL_DMA_USER) {
			RTE_LOG(ERR, EAL, "VFIO cdev mode: cannot unmap IOVA 0x%" PRIx64 " - 0x%" PRIx64 ": it holds DPDK's own memory, which EAL maps and unmaps\n",
				iova, iova + len - 1);
			rte_errno = EPERM;
			goto out;
		}
	}
	ret = unmap_range(iova, len);
	if (ret < 0 && rte_errno == EINVAL && n > 0)
		RTE_LOG(ERR, EAL, "VFIO cdev mode: cannot unmap IOVA 0x%" PRIx64 " - 0x%" PRIx64 ": it cuts the mapping 0x%" PRIx64 " - 0x%" PRIx64 " and the kernel cannot split a mapping; unmap it whole, or map in smaller pieces\n",
			iova, iova + len - 1,
			(uint64_t)iommufd.table.areas[first].iova,
			(uint64_t)(iommufd.table.areas[first + n - 1].iova +
			iommufd.table.areas[first + n - 1].len - 1));
	else if (ret < 0 && rte_errno == ENOENT)
		RTE_LOG(ERR, EAL, "VFIO cdev mode: nothing is mapped at IOVA 0x%" PRIx64 " - 0x%" PRIx64 "\n",
			iova, iova + len - 1);
out:
	rte_spinlock_unlock(&iommufd.lock);
	return ret;
}

void
rte_vfio_cdev_dma_stats(uint64_t *nb_maps, uint64_t *mapped_len)
{
	rte_spinlock_lock(&iommufd.lock);
	eal_dma_table_stats(&iommufd.table, nb_maps, mapped_len);
	rte_spinlock_unlock(&iommufd.lock);
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
	int ret;

	if (msl == NULL || msl->external)
		return;
	ms = rte_mem_virt2memseg(addr, msl);
	rte_spinlock_lock(&iommufd.lock);
	for (done = 0; done < len; done += ms->len, ms++) {
		if (ms->iova == RTE_BAD_IOVA)
			continue;
		ret = type == RTE_MEM_EVENT_ALLOC ?
			map_area(ms->addr_64, ms->iova, ms->len, EAL_DMA_PAGE) :
			unmap_range(ms->iova, ms->len);
		if (ret < 0) {
			RTE_LOG(ERR, EAL, "VFIO cdev mode: %zu bytes at %p are not %s for DMA: %s\n",
				len - done, RTE_PTR_ADD(addr, done),
				type == RTE_MEM_EVENT_ALLOC ? "mapped" : "unmapped",
				rte_strerror(rte_errno));
			break;
		}
	}
	rte_spinlock_unlock(&iommufd.lock);
}

/* A VA- and IOVA-contiguous run of never-freed memory being gathered. */
struct run {
	uint64_t va, iova, len;
};

static int
flush_run(struct run *r)
{
	int ret = 0;

	if (r->len != 0)
		ret = map_area(r->va, r->iova, r->len, EAL_DMA_RUN);
	r->len = 0;
	return ret;
}

/* Memory DPDK never gives back: it may be mapped in runs. */
static bool
never_freed(const struct rte_memseg *ms)
{
	return eal_get_internal_configuration()->legacy_mem ||
		(ms->flags & RTE_MEMSEG_FLAG_DO_NOT_FREE);
}

static int
map_memseg(const struct rte_memseg_list *msl, const struct rte_memseg *ms,
		void *arg)
{
	struct run *r = arg;

	if (msl->external || ms->iova == RTE_BAD_IOVA)
		return 0;
	if (iommufd.per_page || !never_freed(ms)) {
		if (flush_run(r) < 0)
			return -1;
		return map_area(ms->addr_64, ms->iova, ms->len, EAL_DMA_PAGE);
	}
	if (r->len != 0 && r->va + r->len == ms->addr_64 &&
			r->iova + r->len == ms->iova) {
		r->len += ms->len;
		return 0;
	}
	if (flush_run(r) < 0)
		return -1;
	*r = (struct run){ ms->addr_64, ms->iova, ms->len };
	return 0;
}

/* Map all of EAL's memory; with the memory lock and our lock held. */
static int
map_eal_memory(void)
{
	struct run r = { 0 };

	if (rte_memseg_walk_thread_unsafe(map_memseg, &r) != 0)
		return -1;
	return flush_run(&r);
}

/* Unmap EAL's own mappings (runs and pages), the application's stay. */
static void
unmap_eal_memory(void)
{
	unsigned int i = 0;

	while (i < iommufd.table.nb) {
		const struct eal_dma_area *a = &iommufd.table.areas[i];

		if (a->kind == EAL_DMA_USER || unmap_range(a->iova, a->len) < 0)
			i++;
	}
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
	rte_spinlock_lock(&iommufd.lock);
	if (map_eal_memory() < 0) {
		ret = -1;
		unmap_eal_memory();	/* leave the IOAS as it was */
	}
	rte_spinlock_unlock(&iommufd.lock);
	if (ret == 0 && rte_mem_event_callback_register(MEM_EVENT_CLB_NAME,
			mem_event_callback, NULL) < 0 && rte_errno != ENOTSUP) {
		RTE_LOG(ERR, EAL, "VFIO cdev mode: cannot register memory event callback: %s\n",
			rte_strerror(rte_errno));
		rte_spinlock_lock(&iommufd.lock);
		unmap_eal_memory();
		rte_spinlock_unlock(&iommufd.lock);
		ret = -1;
	}
	rte_mcfg_mem_read_unlock();
	if (ret == 0) {
		uint64_t nb, len;

		iommufd.dma_ready = true;
		rte_vfio_cdev_dma_stats(&nb, &len);
		RTE_LOG(INFO, EAL, "VFIO cdev mode: %" PRIu64 " MiB of memory mapped for DMA in %" PRIu64 " mapping(s)\n",
			len >> 20, nb);
	}
	return ret;
}

int
rte_vfio_cdev_dma_remap(bool per_page, uint64_t *nb_ioctls, uint64_t *cycles)
{
	uint64_t start;
	int ret;

	if (!iommufd.dma_ready) {
		rte_errno = ENODEV;
		return -1;
	}
	rte_mcfg_mem_read_lock();
	rte_spinlock_lock(&iommufd.lock);
	unmap_eal_memory();
	iommufd.per_page = per_page;
	*nb_ioctls = iommufd.nb_map_ioctls;
	start = rte_get_timer_cycles();
	ret = map_eal_memory();
	*cycles = rte_get_timer_cycles() - start;
	*nb_ioctls = iommufd.nb_map_ioctls - *nb_ioctls;
	rte_spinlock_unlock(&iommufd.lock);
	rte_mcfg_mem_read_unlock();
	return ret;
}

/* The last reference is gone: empty, destroy and close. */
static void
release(void)
{
	struct iommu_destroy destroy = {
		.size = sizeof(destroy),
		.id = iommufd.ioas_id,
	};

	unmap_all();
	if (ioctl(iommufd.fd, IOMMU_DESTROY, &destroy) < 0)
		RTE_LOG(DEBUG, EAL, "VFIO cdev mode: IOMMU_DESTROY of IOAS %u: %s\n",
			iommufd.ioas_id, strerror(errno));
	close(iommufd.fd);
	iommufd.fd = -1;
}

int
rte_vfio_cdev_ioas_get(int *fd, uint32_t *ioas_id)
{
	int ret = 0;

	rte_spinlock_lock(&iommufd.lock);
	if (iommufd.fd < 0 || !iommufd.eal_holds) {
		rte_errno = ENODEV;
		ret = -1;
	} else {
		iommufd.refs++;
		*fd = iommufd.fd;
		*ioas_id = iommufd.ioas_id;
	}
	rte_spinlock_unlock(&iommufd.lock);
	return ret;
}

void
rte_vfio_cdev_ioas_put(void)
{
	rte_spinlock_lock(&iommufd.lock);
	if (iommufd.refs > 0 && --iommufd.refs == 0 && !iommufd.eal_holds)
		release();
	rte_spinlock_unlock(&iommufd.lock);
}

void
eal_iommufd_close(void)
{
	if (iommufd.fd < 0 || !iommufd.eal_holds)
		return;
	if (iommufd.dma_ready) {
		rte_mem_event_callback_unregister(MEM_EVENT_CLB_NAME, NULL);
		iommufd.dma_ready = false;
	}
	rte_spinlock_lock(&iommufd.lock);
	iommufd.eal_holds = false;
	if (iommufd.refs == 0) {
		release();
	} else {
		/* its users keep the IOAS and their own mappings, not EAL's */
		unmap_eal_memory();
		RTE_LOG(INFO, EAL, "VFIO cdev mode: IOAS %u kept for its %u external user(s)\n",
			iommufd.ioas_id, iommufd.refs);
	}
	rte_spinlock_unlock(&iommufd.lock);
}
