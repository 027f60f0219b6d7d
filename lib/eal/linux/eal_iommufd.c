/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * The process's iommufd and its one IOAS (cdev mode, primary process):
 * created when VFIO is enabled, filled with DPDK's memory when the first
 * device is attached (then kept in sync by a memory event callback),
 * emptied of it when the last device goes, as group mode's container is
 * when its last group leaves, and closed at rte_eal_cleanup().
 *
 * What is mapped is what group mode maps (eal_vfio.c): EAL's memory and
 * external heaps (rte_malloc_heap_memory_add()) with valid IOVAs, mapped
 * and unmapped as memory events say; external memory that is not a heap
 * (rte_extmem_register()) is the application's to map with
 * rte_dev_dma_map(). Unlike group mode, whose first walk cannot tell an
 * external heap from other external memory and maps neither, heaps that
 * exist when the first device is attached are mapped too.
 *
 * The kernel cannot unmap part of a mapped area, so how memory is cut
 * into mappings decides what can be freed alone (eal_dma_table.h):
 * memory DPDK never frees (-m/--socket-mem preallocation, --legacy-mem)
 * is mapped in maximal VA-contiguous runs, one ioctl each; memory it may
 * free, one page per mapping, so that a free never unmaps a page still in
 * use. Unmapping goes area by area, so that it never reaches a mapping an
 * external user made in a gap.
 *
 * One mutex guards the table, the ranges and the ioctls that follow them;
 * what goes wrong under it is logged once it is released.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
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

#include "eal_dma_table.h"
#include "eal_internal_cfg.h"
#include "eal_memcfg.h"
#include "eal_iova_ranges.h"
#include "eal_private.h"
#include "eal_iommufd.h"
#include "eal_iommufd_uapi.h"

#define MEM_EVENT_CLB_NAME "vfio_cdev_mem_event_clb"

/* Ranges a message lists at most. */
#define REPORT_RANGES 8u

static struct {
	int fd;			/* /dev/iommu, -1 when closed */
	uint32_t ioas_id;
	bool eal_holds;		/* EAL's own reference, until cleanup */
	unsigned int refs;	/* external users' references */
	bool dma_ready;		/* memory mapped, callback registered */
	unsigned int dma_users;	/* devices attached since dma_ready */
	struct eal_iova_ranges ranges;
	struct eal_dma_table table;
	uint64_t nb_map_ioctls, nb_unmap_ioctls;
	pthread_mutex_t lock;	/* all the above but dma_ready */
	pthread_mutex_t prepare_lock;	/* dma_ready, dma_users, what sets them */
} iommufd = {
	.fd = -1,
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.prepare_lock = PTHREAD_MUTEX_INITIALIZER,
};

/* What went wrong under the lock, logged after it. */
struct dma_report {
	enum {
		REPORT_NONE,
		REPORT_RANGE,	/* [iova, +len) outside the allowed ranges */
		REPORT_ALIGN,	/* [iova, +len) not aligned as the IOAS needs */
		REPORT_OVERLAP,	/* [iova, +len) overlaps a mapping */
		REPORT_CUT,	/* [iova, +len) would cut [va, got) */
		REPORT_NOTHING,	/* nothing mapped in [iova, +len) */
		REPORT_OWN,	/* [iova, +len) holds DPDK's own memory */
		REPORT_MAP,	/* IOMMU_IOAS_MAP of va at iova failed: err */
		REPORT_UNMAP,	/* IOMMU_IOAS_UNMAP of an area failed: err */
		REPORT_UNMAP_LEN, /* it unmapped got bytes, not len */
		REPORT_GONE,	/* the area was no longer mapped */
		REPORT_TABLE,	/* the table could not record it: err */
	} what;
	int err;
	uint64_t va, iova, len, got;
	uint64_t last, alignment;	/* of the ranges, for RANGE/ALIGN */
	struct iommu_iova_range ranges[REPORT_RANGES];
	unsigned int nb_ranges, total_ranges;
};

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

/* Record a failure; the first one of an operation is what is told. */
static void
note(struct dma_report *rep, int what, int err, uint64_t va, uint64_t iova,
		uint64_t len)
{
	if (rep->what != REPORT_NONE)
		return;
	rep->what = what;
	rep->err = err;
	rep->va = va;
	rep->iova = iova;
	rep->len = len;
}

/* The ranges, for the message; with the lock held. */
static void
note_ranges(struct dma_report *rep)
{
	rep->total_ranges = iommufd.ranges.nb;
	rep->nb_ranges = RTE_MIN(iommufd.ranges.nb, REPORT_RANGES);
	memcpy(rep->ranges, iommufd.ranges.r,
		rep->nb_ranges * sizeof(rep->ranges[0]));
	rep->last = eal_iova_ranges_last(&iommufd.ranges);
	rep->alignment = iommufd.ranges.alignment;
}

static void
log_ranges(const struct dma_report *rep)
{
	unsigned int i;

	for (i = 0; i < rep->nb_ranges; i++)
		RTE_LOG(ERR, EAL, "  IOAS range %u: 0x%" PRIx64 " - 0x%" PRIx64 "\n",
			i, (uint64_t)rep->ranges[i].start,
			(uint64_t)rep->ranges[i].last);
	if (rep->total_ranges > rep->nb_ranges)
		RTE_LOG(ERR, EAL, "  and %u more ranges\n",
			rep->total_ranges - rep->nb_ranges);
}

static void
report(const struct dma_report *rep)
{
	uint64_t end = rep->iova + rep->len - 1;

	switch (rep->what) {
	case REPORT_NONE:
		break;
	case REPORT_RANGE:
		RTE_LOG(ERR, EAL, "VFIO cdev mode: IOVA 0x%" PRIx64 " - 0x%" PRIx64 " (VA 0x%" PRIx64 ") is outside the IOAS ranges the IOMMU allows; %s\n",
			rep->iova, end, rep->va, end > rep->last ?
			"the IOMMU address width is too small for IOVA as VA (with QEMU intel-iommu use aw-bits=48)" :
			"it falls in an IOVA range the IOMMU reserves (MSI window): place DPDK memory elsewhere (--base-virtaddr)");
		log_ranges(rep);
		break;
	case REPORT_ALIGN:
		RTE_LOG(ERR, EAL, "VFIO cdev mode: IOVA 0x%" PRIx64 " (%" PRIu64 " bytes) is not aligned to the %" PRIu64 " bytes the IOMMU maps in; use pages of at least that size\n",
			rep->iova, rep->len, rep->alignment);
		break;
	case REPORT_OVERLAP:
		RTE_LOG(ERR, EAL, "VFIO cdev mode: IOVA 0x%" PRIx64 " - 0x%" PRIx64 " overlaps a mapping already in the IOAS\n",
			rep->iova, end);
		break;
	case REPORT_CUT:
		RTE_LOG(ERR, EAL, "VFIO cdev mode: cannot unmap IOVA 0x%" PRIx64 " - 0x%" PRIx64 ": it cuts the mapping 0x%" PRIx64 " - 0x%" PRIx64 " and the kernel cannot split a mapping; unmap it whole, or map in smaller pieces\n",
			rep->iova, end, rep->va, rep->got - 1);
		break;
	case REPORT_NOTHING:
		RTE_LOG(ERR, EAL, "VFIO cdev mode: nothing is mapped at IOVA 0x%" PRIx64 " - 0x%" PRIx64 "\n",
			rep->iova, end);
		break;
	case REPORT_OWN:
		RTE_LOG(ERR, EAL, "VFIO cdev mode: cannot unmap IOVA 0x%" PRIx64 " - 0x%" PRIx64 ": it holds DPDK's own memory, which EAL maps and unmaps\n",
			rep->iova, end);
		break;
	case REPORT_MAP:
		RTE_LOG(ERR, EAL, "VFIO cdev mode: IOMMU_IOAS_MAP of VA 0x%" PRIx64 " at IOVA 0x%" PRIx64 " (%" PRIu64 " bytes) failed: %s\n",
			rep->va, rep->iova, rep->len, strerror(rep->err));
		break;
	case REPORT_UNMAP:
		RTE_LOG(ERR, EAL, "VFIO cdev mode: IOMMU_IOAS_UNMAP of IOVA 0x%" PRIx64 " (%" PRIu64 " bytes) failed: %s\n",
			rep->iova, rep->len, strerror(rep->err));
		break;
	case REPORT_UNMAP_LEN:
		RTE_LOG(ERR, EAL, "VFIO cdev mode: IOMMU_IOAS_UNMAP of IOVA 0x%" PRIx64 " unmapped %" PRIu64 " bytes, not the %" PRIu64 " EAL had mapped there: the IOAS was changed behind EAL's back; the area is forgotten\n",
			rep->iova, rep->got, rep->len);
		break;
	case REPORT_GONE:
		RTE_LOG(ERR, EAL, "VFIO cdev mode: IOVA 0x%" PRIx64 " (%" PRIu64 " bytes) was no longer mapped: the IOAS was changed behind EAL's back; the area is forgotten\n",
			rep->iova, rep->len);
		break;
	case REPORT_TABLE:
		RTE_LOG(ERR, EAL, "VFIO cdev mode: cannot record the mapping of IOVA 0x%" PRIx64 " (%" PRIu64 " bytes): %s\n",
			rep->iova, rep->len, strerror(rep->err));
		break;
	}
}

static int
query_ranges(void *ctx __rte_unused, struct iommu_ioas_iova_ranges *q)
{
	q->ioas_id = iommufd.ioas_id;
	return ioctl(iommufd.fd, IOMMU_IOAS_IOVA_RANGES, q) < 0 ? -errno : 0;
}

int
rte_vfio_cdev_iova_ranges_update(void)
{
	struct eal_iova_ranges fresh = { 0 }, stale;
	uint64_t last;
	unsigned int i;
	int ret;

	ret = eal_iova_ranges_read(&fresh, query_ranges, NULL);
	if (ret < 0) {
		RTE_LOG(ERR, EAL, "VFIO cdev mode: IOMMU_IOAS_IOVA_RANGES of IOAS %u failed: %s\n",
			iommufd.ioas_id, strerror(-ret));
		rte_errno = -ret;
		return -1;
	}
	/* mappings made meanwhile check against the ranges */
	pthread_mutex_lock(&iommufd.lock);
	stale = iommufd.ranges;
	iommufd.ranges = fresh;
	pthread_mutex_unlock(&iommufd.lock);
	eal_iova_ranges_free(&stale);

	for (i = 0; i < fresh.nb; i++)
		RTE_LOG(DEBUG, EAL, "VFIO cdev mode: IOAS range %u: 0x%" PRIx64 " - 0x%" PRIx64 "\n",
			i, (uint64_t)fresh.r[i].start, (uint64_t)fresh.r[i].last);
	/* EAL then refuses to allocate memory the IOMMU cannot address */
	last = eal_iova_ranges_last(&fresh);
	if (last != 0 && last < UINT64_MAX)
		rte_mem_set_dma_mask(64 - __builtin_clzll(last));
	return 0;
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
	/* what the IOAS allows before any device narrows it */
	if (rte_vfio_cdev_iova_ranges_update() < 0) {
		close(fd);
		iommufd.fd = -1;
		return -1;
	}
	iommufd.eal_holds = true;
	RTE_LOG(DEBUG, EAL, "VFIO cdev mode: iommufd %d, IOAS %u\n", fd,
		alloc.out_ioas_id);
	return 0;
}

/*
 * True if external memory belongs to a heap (rte_malloc_heap_memory_add()
 * gives it the heap's socket ID; rte_extmem_register() a socket ID of its
 * own). With the memory lock held, which guards the heaps too.
 */
static bool
in_external_heap(const struct rte_memseg_list *msl)
{
	const struct rte_mem_config *mcfg =
		rte_eal_get_configuration()->mem_config;
	unsigned int i;

	for (i = 0; i < RTE_MAX_HEAPS; i++) {
		if (mcfg->malloc_heaps[i].name[0] != '\0' &&
				mcfg->malloc_heaps[i].socket_id ==
				(unsigned int)msl->socket_id)
			return true;
	}
	return false;
}

/* What DPDK maps for DMA: EAL's memory and external heaps, with IOVAs. */
static bool
mapped_for_dma(const struct rte_memseg_list *msl, const struct rte_memseg *ms)
{
	return (!msl->external || in_external_heap(msl)) &&
		ms->iova != RTE_BAD_IOVA;
}

static int
add_mapped_len(const struct rte_memseg_list *msl, const struct rte_memseg *ms,
		void *total)
{
	if (mapped_for_dma(msl, ms))
		*(uint64_t *)total += ms->len;
	return 0;
}

/*
 * iommufd charges pinned pages to RLIMIT_MEMLOCK (unless CAP_IPC_LOCK):
 * say how much DPDK's memory needs, once.
 */
static void
log_memlock_need(uint64_t len, bool mem_locked)
{
	static bool said;
	uint64_t total = 0, nb, mapped;
	struct rlimit rl;

	if (said)
		return;
	said = true;
	if (mem_locked)
		rte_memseg_walk_thread_unsafe(add_mapped_len, &total);
	else
		rte_memseg_walk(add_mapped_len, &total);
	rte_vfio_cdev_dma_stats(&nb, &mapped);
	total = RTE_MAX(total, mapped + len);
	if (getrlimit(RLIMIT_MEMLOCK, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return;
	RTE_LOG(ERR, EAL, "VFIO cdev mode: pinning DPDK's memory for DMA needs RLIMIT_MEMLOCK of at least %" PRIu64 " KiB, it is %" PRIu64 " KiB: raise it (ulimit -l, LimitMEMLOCK= in systemd) or use less memory (-m)\n",
		total >> 10, (uint64_t)rl.rlim_cur >> 10);
}

/* Record an area, then map it; nothing recorded if the map fails. With
 * the lock held.
 */
static int
map_area(uint64_t va, uint64_t iova, uint64_t len, enum eal_dma_kind kind,
		struct dma_report *rep)
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

	if (!eal_iova_ranges_allow(&iommufd.ranges, iova, len)) {
		note(rep, REPORT_RANGE, ERANGE, va, iova, len);
		note_ranges(rep);
		rte_errno = ERANGE;
		return -1;
	}
	if (!eal_iova_ranges_aligned(&iommufd.ranges, iova, len)) {
		note(rep, REPORT_ALIGN, EINVAL, va, iova, len);
		note_ranges(rep);
		rte_errno = EINVAL;
		return -1;
	}
	ret = eal_dma_table_add(&iommufd.table, &area);
	if (ret < 0) {
		note(rep, ret == -EEXIST ? REPORT_OVERLAP : REPORT_TABLE, -ret,
			va, iova, len);
		rte_errno = -ret;
		return -1;
	}
	iommufd.nb_map_ioctls++;
	if (ioctl(iommufd.fd, IOMMU_IOAS_MAP, &map) < 0) {
		rte_errno = errno;
		eal_dma_table_remove(&iommufd.table, iova, len);
		note(rep, REPORT_MAP, rte_errno, va, iova, len);
		return -1;
	}
	return 0;
}

/*
 * Unmap table area i exactly, and forget it once the kernel has nothing
 * there any more: 0 once it is forgotten (a kernel that had less there
 * than the table said is reported), -1 with rte_errno if the kernel
 * refused and the area stays. With the lock held.
 */
static int
unmap_area(unsigned int i, struct dma_report *rep)
{
	const struct eal_dma_area *a = &iommufd.table.areas[i];
	struct iommu_ioas_unmap unmap = {
		.size = sizeof(unmap),
		.ioas_id = iommufd.ioas_id,
		.iova = a->iova,
		.length = a->len,
	};

	iommufd.nb_unmap_ioctls++;
	if (ioctl(iommufd.fd, IOMMU_IOAS_UNMAP, &unmap) < 0) {
		if (errno != ENOENT) {
			rte_errno = errno;
			note(rep, REPORT_UNMAP, errno, a->va, a->iova, a->len);
			return -1;
		}
		note(rep, REPORT_GONE, ENOENT, a->va, a->iova, a->len);
	} else if (unmap.length != a->len) {
		note(rep, REPORT_UNMAP_LEN, EIO, a->va, a->iova, a->len);
		rep->got = unmap.length;
	}
	eal_dma_table_remove(&iommufd.table, a->iova, a->len);
	return 0;
}

/* Unmap the areas [iova, iova + len) covers whole, one by one. */
static int
unmap_covered(uint64_t iova, uint64_t len, struct dma_report *rep)
{
	unsigned int first, n;
	int ret;

	ret = eal_dma_table_can_remove(&iommufd.table, iova, len);
	n = eal_dma_table_find(&iommufd.table, iova, len, &first);
	if (ret == -EINVAL && n > 0) {
		note(rep, REPORT_CUT, EINVAL, 0, iova, len);
		rep->va = iommufd.table.areas[first].iova;
		rep->got = iommufd.table.areas[first + n - 1].iova +
			iommufd.table.areas[first + n - 1].len;
	} else if (ret < 0) {
		note(rep, ret == -ENOENT ? REPORT_NOTHING : REPORT_TABLE, -ret,
			0, iova, len);
	}
	if (ret < 0) {
		rte_errno = -ret;
		return -1;
	}
	for (ret = 0; n > 0; n--) {
		/* a refused area stays at first; the next is after it */
		if (unmap_area(first, rep) < 0) {
			ret = -1;
			first++;
		}
	}
	return ret;
}

/* An application's mapping (rte_dev_dma_map() and the like). */
int
rte_vfio_cdev_dma_map(uint64_t va, uint64_t iova, uint64_t len)
{
	struct dma_report rep = { .what = REPORT_NONE };
	unsigned int first;
	int ret, err;

	if (iommufd.fd < 0) {
		if (rte_eal_process_type() != RTE_PROC_PRIMARY)
			RTE_LOG(ERR, EAL, "VFIO cdev mode: DMA mapping from a secondary process is not supported; map the memory from the primary process\n");
		rte_errno = ENODEV;
		return -1;
	}
	pthread_mutex_lock(&iommufd.lock);
	ret = map_area(va, iova, len, EAL_DMA_USER, &rep);
	if (ret < 0 && rte_errno == EEXIST &&
			eal_dma_table_find(&iommufd.table, iova, len, &first) == 1 &&
			iommufd.table.areas[first].iova == iova &&
			iommufd.table.areas[first].len == len &&
			iommufd.table.areas[first].va == va) {
		ret = 0;	/* the same mapping again: already there */
		rep.what = REPORT_NONE;
	}
	err = rte_errno;
	pthread_mutex_unlock(&iommufd.lock);
	if (ret < 0) {
		report(&rep);
		if (err == ENOMEM)
			log_memlock_need(len, false);
		rte_errno = err;
	}
	return ret;
}

/* Only the application's own mappings, and only whole. */
int
rte_vfio_cdev_dma_unmap(uint64_t iova, uint64_t len)
{
	struct dma_report rep = { .what = REPORT_NONE };
	unsigned int first, n, i;
	int ret = 0, err;

	if (iommufd.fd < 0) {
		rte_errno = ENODEV;
		return -1;
	}
	pthread_mutex_lock(&iommufd.lock);
	n = eal_dma_table_find(&iommufd.table, iova, len, &first);
	for (i = first; i < first + n; i++) {
		if (iommufd.table.areas[i].kind != EAL_DMA_USER) {
			note(&rep, REPORT_OWN, EPERM, 0, iova, len);
			rte_errno = EPERM;
			ret = -1;
			break;
		}
	}
	if (ret == 0)
		ret = unmap_covered(iova, len, &rep);
	err = rte_errno;
	pthread_mutex_unlock(&iommufd.lock);
	report(&rep);
	if (ret < 0)
		rte_errno = err;
	return ret;
}

void
rte_vfio_cdev_dma_stats(uint64_t *nb_maps, uint64_t *mapped_len)
{
	pthread_mutex_lock(&iommufd.lock);
	eal_dma_table_stats(&iommufd.table, nb_maps, mapped_len);
	pthread_mutex_unlock(&iommufd.lock);
}

int
eal_iommufd_info_get(struct eal_iommufd_info *info)
{
	size_t size;
	int ret = 0;

	memset(info, 0, sizeof(*info));
	pthread_mutex_lock(&iommufd.lock);
	if (iommufd.fd < 0) {
		ret = -ENODEV;
		goto out;
	}
	size = iommufd.ranges.nb * sizeof(*info->ranges);
	info->ranges = malloc(size > 0 ? size : 1);
	if (info->ranges == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(info->ranges, iommufd.ranges.r, size);
	info->nb_ranges = iommufd.ranges.nb;
	info->alignment = iommufd.ranges.alignment;
	info->ioas_id = iommufd.ioas_id;
	info->users = iommufd.refs;
	eal_dma_table_stats(&iommufd.table, &info->nb_areas,
		&info->mapped_len);
	info->nb_map_ioctls = iommufd.nb_map_ioctls;
	info->nb_unmap_ioctls = iommufd.nb_unmap_ioctls;
out:
	pthread_mutex_unlock(&iommufd.lock);
	return ret;
}

/* True if [iova, iova + len) lies in a run: such pages are only freed at
 * rte_eal_cleanup(), which makes them freeable first; the run stays
 * mapped until the IOAS is emptied.
 */
static bool
in_run(uint64_t iova, uint64_t len)
{
	unsigned int first;

	return eal_dma_table_find(&iommufd.table, iova, len, &first) == 1 &&
		iommufd.table.areas[first].kind == EAL_DMA_RUN;
}

/* Map or unmap each page of [addr, addr + len) of one memseg list, as
 * group mode does. A page that fails to map leaves the rest of the event
 * unmapped: they would fail alike, and 22.11 cannot refuse the
 * allocation, so the failure is only logged. Freeing unmaps each page
 * that is mapped, skips those that never were, and goes on past a page
 * the kernel refuses: no freed page stays mapped because of another.
 */
static void
mem_event_callback(enum rte_mem_event type, const void *addr, size_t len,
		void *arg __rte_unused)
{
	const struct rte_memseg_list *msl = rte_mem_virt2memseg_list(addr);
	struct dma_report rep = { .what = REPORT_NONE };
	const struct rte_memseg *ms;
	const void *bad_addr = NULL;
	size_t done, bad_len = 0;
	unsigned int first;
	int err = 0;

	if (msl == NULL)
		return;
	ms = rte_mem_virt2memseg(addr, msl);
	pthread_mutex_lock(&iommufd.lock);
	for (done = 0; done < len; done += ms->len, ms++) {
		if (!mapped_for_dma(msl, ms))
			continue;
		if (type == RTE_MEM_EVENT_ALLOC) {
			if (map_area(ms->addr_64, ms->iova, ms->len,
					EAL_DMA_PAGE, &rep) < 0) {
				err = rte_errno;
				bad_addr = RTE_PTR_ADD(addr, done);
				bad_len = len - done;
				break;
			}
			continue;
		}
		if (in_run(ms->iova, ms->len) || eal_dma_table_find(
				&iommufd.table, ms->iova, ms->len, &first) == 0)
			continue;	/* never freed, or never mapped */
		if (unmap_covered(ms->iova, ms->len, &rep) < 0) {
			if (bad_addr == NULL) {
				err = rte_errno;
				bad_addr = RTE_PTR_ADD(addr, done);
			}
			bad_len += ms->len;
		}
	}
	pthread_mutex_unlock(&iommufd.lock);
	report(&rep);
	if (bad_addr != NULL) {
		RTE_LOG(ERR, EAL, "VFIO cdev mode: %zu bytes at %p are not %s for DMA: %s\n",
			bad_len, bad_addr,
			type == RTE_MEM_EVENT_ALLOC ? "mapped" : "unmapped",
			rte_strerror(err));
		if (err == ENOMEM)
			log_memlock_need(bad_len, true);
	}
}

/* A VA- and IOVA-contiguous run of never-freed memory being gathered. */
struct walk {
	uint64_t va, iova, len;
	struct dma_report *rep;
};

static int
flush_run(struct walk *w)
{
	int ret = 0;

	if (w->len != 0)
		ret = map_area(w->va, w->iova, w->len, EAL_DMA_RUN, w->rep);
	w->len = 0;
	return ret;
}

/* Memory DPDK never gives back: it may be mapped in runs. */
static bool
never_freed(const struct rte_memseg_list *msl, const struct rte_memseg *ms)
{
	return !msl->external &&
		(eal_get_internal_configuration()->legacy_mem ||
		(ms->flags & RTE_MEMSEG_FLAG_DO_NOT_FREE));
}

static int
map_memseg(const struct rte_memseg_list *msl, const struct rte_memseg *ms,
		void *arg)
{
	struct walk *w = arg;

	if (!mapped_for_dma(msl, ms))
		return 0;
	if (!never_freed(msl, ms)) {
		if (flush_run(w) < 0)
			return -1;
		return map_area(ms->addr_64, ms->iova, ms->len, EAL_DMA_PAGE,
			w->rep);
	}
	if (w->len != 0 && w->va + w->len == ms->addr_64 &&
			w->iova + w->len == ms->iova) {
		w->len += ms->len;
		return 0;
	}
	if (flush_run(w) < 0)
		return -1;
	w->va = ms->addr_64;
	w->iova = ms->iova;
	w->len = ms->len;
	return 0;
}

/* Map what DPDK maps for DMA; with the memory lock and our lock held. */
static int
map_dpdk_memory(struct dma_report *rep)
{
	struct walk w = { .rep = rep };

	if (rte_memseg_walk_thread_unsafe(map_memseg, &w) != 0)
		return -1;
	return flush_run(&w);
}

/* Unmap DPDK's mappings (runs and pages), the application's stay; with
 * our lock held.
 */
static void
unmap_dpdk_memory(struct dma_report *rep)
{
	unsigned int i = 0, nb;

	while (i < iommufd.table.nb) {
		nb = iommufd.table.nb;
		if (iommufd.table.areas[i].kind != EAL_DMA_USER)
			unmap_area(i, rep);
		if (iommufd.table.nb == nb)
			i++;	/* kept: a user's, or the kernel refused */
	}
}

int
rte_vfio_cdev_dma_prepare(void)
{
	struct dma_report rep = { .what = REPORT_NONE };
	uint64_t nb, len;
	int ret = 0, err = 0;

	if (iommufd.fd < 0) {
		rte_errno = ENODEV;
		return -1;
	}
	/* two first probes racing: one maps, the other finds it done */
	pthread_mutex_lock(&iommufd.prepare_lock);
	if (iommufd.dma_ready)
		goto out;

	/* no memory comes or goes between the walk and the callback */
	rte_mcfg_mem_read_lock();
	pthread_mutex_lock(&iommufd.lock);
	if (map_dpdk_memory(&rep) < 0) {
		ret = -1;
		err = rte_errno;
		unmap_dpdk_memory(&rep);	/* leave the IOAS as it was */
	}
	pthread_mutex_unlock(&iommufd.lock);
	if (ret < 0) {
		report(&rep);
		if (err == ENOMEM)
			log_memlock_need(0, true);
	} else if (rte_mem_event_callback_register(MEM_EVENT_CLB_NAME,
			mem_event_callback, NULL) < 0 && rte_errno != ENOTSUP) {
		err = rte_errno;
		RTE_LOG(ERR, EAL, "VFIO cdev mode: cannot register memory event callback: %s\n",
			rte_strerror(err));
		pthread_mutex_lock(&iommufd.lock);
		unmap_dpdk_memory(&rep);
		pthread_mutex_unlock(&iommufd.lock);
		report(&rep);
		ret = -1;
	}
	rte_mcfg_mem_read_unlock();
	if (ret == 0) {
		iommufd.dma_ready = true;
		rte_vfio_cdev_dma_stats(&nb, &len);
		RTE_LOG(INFO, EAL, "VFIO cdev mode: %" PRIu64 " MiB of memory mapped for DMA in %" PRIu64 " mapping(s)\n",
			len >> 20, nb);
	}
out:
	if (ret == 0)
		iommufd.dma_users++;
	pthread_mutex_unlock(&iommufd.prepare_lock);
	if (ret < 0)
		rte_errno = err;
	return ret;
}

void
rte_vfio_cdev_dma_release(void)
{
	struct dma_report rep = { .what = REPORT_NONE };

	pthread_mutex_lock(&iommufd.prepare_lock);
	if (iommufd.dma_users == 0 || --iommufd.dma_users > 0 ||
			!iommufd.dma_ready) {
		pthread_mutex_unlock(&iommufd.prepare_lock);
		return;
	}
	/* no device of DPDK's left to DMA: nothing of DPDK's stays pinned,
	 * unless an external user, which may have attached devices of its
	 * own, holds the IOAS (group mode's container keeps its mappings
	 * while any group is in it)
	 */
	rte_mcfg_mem_read_lock();
	pthread_mutex_lock(&iommufd.lock);
	if (iommufd.refs == 0) {
		unmap_dpdk_memory(&rep);
		iommufd.dma_ready = false;
	}
	pthread_mutex_unlock(&iommufd.lock);
	if (!iommufd.dma_ready)
		rte_mem_event_callback_unregister(MEM_EVENT_CLB_NAME, NULL);
	rte_mcfg_mem_read_unlock();
	pthread_mutex_unlock(&iommufd.prepare_lock);
	report(&rep);
}

/* The last reference is gone: empty, destroy and close; with our lock
 * held.
 */
static void
release(struct dma_report *rep)
{
	struct iommu_destroy destroy = {
		.size = sizeof(destroy),
		.id = iommufd.ioas_id,
	};

	while (iommufd.table.nb > 0 && unmap_area(0, rep) == 0)
		;
	eal_dma_table_clear(&iommufd.table);
	eal_iova_ranges_free(&iommufd.ranges);
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

	pthread_mutex_lock(&iommufd.lock);
	if (iommufd.fd < 0 || !iommufd.eal_holds) {
		rte_errno = ENODEV;
		ret = -1;
	} else {
		iommufd.refs++;
		*fd = iommufd.fd;
		*ioas_id = iommufd.ioas_id;
	}
	pthread_mutex_unlock(&iommufd.lock);
	return ret;
}

void
rte_vfio_cdev_ioas_put(void)
{
	struct dma_report rep = { .what = REPORT_NONE };

	pthread_mutex_lock(&iommufd.lock);
	if (iommufd.refs > 0 && --iommufd.refs == 0 && !iommufd.eal_holds)
		release(&rep);
	pthread_mutex_unlock(&iommufd.lock);
	report(&rep);
}

void
eal_iommufd_close(void)
{
	struct dma_report rep = { .what = REPORT_NONE };
	unsigned int users = 0;

	if (iommufd.fd < 0 || !iommufd.eal_holds)
		return;
	pthread_mutex_lock(&iommufd.prepare_lock);
	if (iommufd.dma_ready) {
		rte_mem_event_callback_unregister(MEM_EVENT_CLB_NAME, NULL);
		iommufd.dma_ready = false;
		iommufd.dma_users = 0;
	}
	pthread_mutex_unlock(&iommufd.prepare_lock);

	pthread_mutex_lock(&iommufd.lock);
	iommufd.eal_holds = false;
	if (iommufd.refs == 0) {
		release(&rep);
	} else {
		/* its users keep the IOAS and their own mappings, not EAL's */
		unmap_dpdk_memory(&rep);
		users = iommufd.refs;
	}
	pthread_mutex_unlock(&iommufd.lock);
	report(&rep);
	if (users > 0)
		RTE_LOG(INFO, EAL, "VFIO cdev mode: IOAS %u kept for its %u external user(s)\n",
			iommufd.ioas_id, users);
}
