/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * What EAL maps in the IOAS (cdev mode), as group mode maps it in its
 * container (eal_vfio.c): EAL's memory and external heaps with valid
 * IOVAs, from the first device attached until the last one goes, kept in
 * sync with memory events; and the application's mappings made with
 * rte_vfio_container_dma_map() on the default container (rte_dev_dma_map()
 * goes there too). External memory that is not a heap
 * (rte_extmem_register()) is the application's to map.
 *
 * How memory is cut into areas decides what can be freed alone: memory
 * DPDK never frees (-m/--socket-mem preallocation, --legacy-mem) is mapped
 * in maximal VA- and IOVA-contiguous runs, one ioctl each; memory it may
 * free, one page per area, so that a free never unmaps a page in use.
 *
 * Where the kernel has IOMMU_IOAS_MAP_FILE (6.13), memory with a file
 * (hugetlbfs or memfd) is mapped by file and offset where that takes no
 * more ioctls than by VA: a page mapped alone, and a run that is one
 * piece of one file (--single-file-segments), which the kernel then takes
 * a folio at a time (4 GiB on 7.3: 2.4 ms, against 28 ms by VA). A run of
 * a file per page, DPDK's default, is mapped by VA in one ioctl rather
 * than in one per page by file (341 ms). Memory DPDK keeps no file for
 * (--legacy-mem, --no-huge as a rule, external heaps) is mapped by VA.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_eal_memconfig.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_memory.h>

#include "eal_internal_cfg.h"
#include "eal_iommufd.h"
#include "eal_private.h"

#define MEM_EVENT_CLB_NAME "vfio_cdev_mem_event_clb"

static struct {
	bool ready;		/* DPDK's memory mapped, callback registered */
	unsigned int users;	/* devices attached since ready */
	pthread_mutex_t lock;	/* the above, and what changes them */
} dma = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

/* The areas DPDK's own memory makes. */
#define DPDK_KINDS (1u << EAL_DMA_RUN | 1u << EAL_DMA_PAGE)

/* Memory DPDK never gives back: it may be mapped in runs. */
static bool
never_freed(const struct rte_memseg_list *msl, const struct rte_memseg *ms)
{
	return !msl->external &&
		(eal_get_internal_configuration()->legacy_mem ||
		(ms->flags & RTE_MEMSEG_FLAG_DO_NOT_FREE));
}

/* A segment's file and offset, with the memory lock held; fd -1 where
 * it has none or the kernel does not map files.
 */
static int
file_of(const struct rte_memseg_list *msl, const struct rte_memseg *ms,
		uint64_t *offset)
{
	size_t off;
	int fd;

	if (msl->external || !eal_iommufd_map_file())
		return -1;
	fd = rte_memseg_get_fd_thread_unsafe(ms);
	if (fd < 0 || rte_memseg_get_fd_offset_thread_unsafe(ms, &off) < 0)
		return -1;
	*offset = off;
	return fd;
}

/* A VA- and IOVA-contiguous run of never-freed memory being gathered;
 * fd >= 0 while it is one piece of one file, from offset.
 */
struct walk {
	uint64_t va, iova, len, offset;
	int fd;
	int err;
};

static int
flush_run(struct walk *w)
{
	int ret = 0;

	if (w->len != 0)
		ret = eal_iommufd_map_file_at(w->va, w->iova, w->len,
			EAL_DMA_RUN, w->fd, w->offset);
	w->len = 0;
	w->err = -ret;
	return ret < 0 ? -1 : 0;
}

/* Map one page alone, by file where it can. */
static int
map_page(const struct rte_memseg_list *msl, const struct rte_memseg *ms)
{
	uint64_t offset = 0;
	int fd = file_of(msl, ms, &offset);

	return eal_iommufd_map_file_at(ms->addr_64, ms->iova, ms->len,
		EAL_DMA_PAGE, fd, offset);
}

static int
map_memseg(const struct rte_memseg_list *msl, const struct rte_memseg *ms,
		void *arg)
{
	struct walk *w = arg;
	uint64_t offset = 0;
	int fd, ret;

	/* group mode's walk: EAL's memory and external heaps */
	if ((msl->external && msl->heap == 0) || ms->iova == RTE_BAD_IOVA)
		return 0;
	if (!never_freed(msl, ms)) {
		if (flush_run(w) < 0)
			return -1;
		ret = map_page(msl, ms);
		w->err = -ret;
		return ret < 0 ? -1 : 0;
	}
	fd = file_of(msl, ms, &offset);
	if (w->len != 0 && w->va + w->len == ms->addr_64 &&
			w->iova + w->len == ms->iova) {
		/* a file per page (DPDK's default): by VA, still one ioctl */
		if (fd < 0 || fd != w->fd || offset != w->offset + w->len)
			w->fd = -1;
		w->len += ms->len;
		return 0;
	}
	if (flush_run(w) < 0)
		return -1;
	w->va = ms->addr_64;
	w->iova = ms->iova;
	w->len = ms->len;
	w->fd = fd;
	w->offset = offset;
	return 0;
}

/*
 * Map or unmap each page of a memory event, as group mode does. A page
 * that fails to map leaves the rest of the event unmapped: they would
 * fail alike, and 22.11 cannot refuse the allocation, so the failure is
 * logged. Freeing unmaps the pages mapped alone, and only those: a page
 * in a run stays until the run goes, one never mapped or mapped by the
 * application is not EAL's to unmap.
 */
static void
mem_event_callback(enum rte_mem_event type, const void *addr, size_t len,
		void *arg __rte_unused)
{
	const struct rte_memseg_list *msl = rte_mem_virt2memseg_list(addr);
	const struct rte_memseg *ms;
	const void *bad_addr = NULL;
	size_t done, bad_len = 0;
	int err = 0;

	if (msl == NULL)
		return;
	ms = rte_mem_virt2memseg(addr, msl);
	for (done = 0; done < len; done += ms->len, ms++) {
		if (ms->iova == RTE_BAD_IOVA)
			continue;
		if (type == RTE_MEM_EVENT_ALLOC) {
			err = -map_page(msl, ms);
			if (err == 0)
				continue;
			bad_addr = RTE_PTR_ADD(addr, done);
			bad_len = len - done;
			break;
		}
		if (!eal_iommufd_has_area(ms->addr_64, ms->iova, ms->len,
				EAL_DMA_PAGE))
			continue;
		if (eal_iommufd_unmap(ms->addr_64, ms->iova, ms->len,
				1u << EAL_DMA_PAGE) < 0) {
			if (bad_addr == NULL)
				bad_addr = RTE_PTR_ADD(addr, done);
			err = EIO;
			bad_len += ms->len;
		}
	}
	if (bad_addr != NULL)
		RTE_LOG(ERR, EAL, "VFIO cdev mode: %zu bytes at %p are not %s for DMA: %s\n",
			bad_len, bad_addr,
			type == RTE_MEM_EVENT_ALLOC ? "mapped" : "unmapped",
			strerror(err));
}

int
eal_iommufd_dma_hold(void)
{
	struct walk w = { .len = 0 };
	uint64_t nb, len;
	int ret = 0;

	if (eal_iommufd_fd() < 0) {
		rte_errno = ENODEV;
		return -1;
	}
	pthread_mutex_lock(&dma.lock);
	/* what was mapped while no device could tell where it lands */
	ret = eal_iommufd_pa_check();
	if (ret < 0) {
		rte_errno = -ret;
		ret = -1;
	}
	/* two first probes racing: one maps, the other finds it done */
	if (ret < 0 || dma.ready)
		goto out;

	/* no memory comes or goes between the walk and the callback */
	rte_mcfg_mem_read_lock();
	if (rte_memseg_walk_thread_unsafe(map_memseg, &w) != 0 ||
			flush_run(&w) < 0) {
		ret = -1;
		rte_errno = w.err;
	}
	if (ret == 0 && rte_mem_event_callback_register(MEM_EVENT_CLB_NAME,
			mem_event_callback, NULL) < 0 && rte_errno != ENOTSUP) {
		RTE_LOG(ERR, EAL, "VFIO cdev mode: cannot register memory event callback: %s\n",
			rte_strerror(rte_errno));
		ret = -1;
	}
	if (ret < 0)
		eal_iommufd_unmap_all(DPDK_KINDS);	/* the IOAS as it was */
	rte_mcfg_mem_read_unlock();
	if (ret == 0) {
		dma.ready = true;
		eal_iommufd_stats(&nb, &len);
		RTE_LOG(INFO, EAL, "VFIO cdev mode: %" PRIu64 " MiB mapped for DMA in %" PRIu64 " mapping(s)\n",
			len >> 20, nb);
	}
out:
	if (ret == 0)
		dma.users++;
	pthread_mutex_unlock(&dma.lock);
	return ret;
}

/* No device and no external user: DPDK's memory is no longer mapped nor
 * followed. With dma.lock held.
 */
static void
drop_if_unused(void)
{
	if (!dma.ready || dma.users > 0 || eal_iommufd_users() > 0)
		return;
	rte_mcfg_mem_read_lock();
	rte_mem_event_callback_unregister(MEM_EVENT_CLB_NAME, NULL);
	eal_iommufd_unmap_all(DPDK_KINDS);
	rte_mcfg_mem_read_unlock();
	dma.ready = false;
}

void
eal_iommufd_dma_release(void)
{
	pthread_mutex_lock(&dma.lock);
	if (dma.users > 0)
		dma.users--;
	drop_if_unused();
	pthread_mutex_unlock(&dma.lock);
}

void
eal_iommufd_dma_trim(void)
{
	pthread_mutex_lock(&dma.lock);
	drop_if_unused();
	pthread_mutex_unlock(&dma.lock);
}

void
eal_iommufd_dma_stop(void)
{
	pthread_mutex_lock(&dma.lock);
	if (dma.ready)
		rte_mem_event_callback_unregister(MEM_EVENT_CLB_NAME, NULL);
	dma.ready = false;
	dma.users = 0;
	pthread_mutex_unlock(&dma.lock);
}

int
eal_iommufd_dma_map(uint64_t va, uint64_t iova, uint64_t len)
{
	int ret;

	if (eal_iommufd_fd() < 0) {
		if (rte_eal_process_type() != RTE_PROC_PRIMARY)
			RTE_LOG(ERR, EAL, "VFIO cdev mode: DMA mapping from a secondary process is not supported; map from the primary\n");
		rte_errno = ENODEV;
		return -1;
	}
	ret = eal_iommufd_map(va, iova, len, EAL_DMA_USER);
	/* the same mapping again is no error, as in group mode */
	if (ret < 0 && ret != -EALREADY) {
		rte_errno = -ret;
		return -1;
	}
	return 0;
}

int
eal_iommufd_dma_unmap(uint64_t va, uint64_t iova, uint64_t len)
{
	int ret;

	if (eal_iommufd_fd() < 0) {
		rte_errno = ENODEV;
		return -1;
	}
	ret = eal_iommufd_unmap(va, iova, len, 1u << EAL_DMA_USER);
	if (ret < 0) {
		rte_errno = -ret;
		return -1;
	}
	return 0;
}
