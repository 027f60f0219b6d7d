/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#ifndef EAL_DMA_TABLE_H
#define EAL_DMA_TABLE_H

/*
 * The mappings of an IOMMU address space (an iommufd IOAS) as EAL made
 * them: sorted, never overlapping areas, each one mapping ioctl. An area
 * can only be unmapped whole (IOMMU_IOAS_UNMAP cannot split a mapping),
 * so how memory is cut into areas decides what can be freed alone.
 */

#include <stdbool.h>
#include <stdint.h>

/* How an area was mapped, hence how it may be unmapped. */
enum eal_dma_kind {
	EAL_DMA_RUN,	/* a VA-contiguous run of memory DPDK never frees */
	EAL_DMA_PAGE,	/* one page that DPDK may free on its own */
	EAL_DMA_USER,	/* mapped by the application (rte_dev_dma_map, ...) */
};

struct eal_dma_area {
	uint64_t va;
	uint64_t iova;
	uint64_t len;
	enum eal_dma_kind kind;
	bool busy;	/* being mapped or unmapped: no one else's to touch */
};

struct eal_dma_table {
	struct eal_dma_area *areas;	/* sorted by iova */
	unsigned int nb;
	unsigned int cap;
};

/*
 * Add an area. -EINVAL if it is empty or wraps, -EEXIST if it overlaps an
 * area already there (the same range included), -ENOMEM.
 */
int eal_dma_table_add(struct eal_dma_table *t, const struct eal_dma_area *a);

/*
 * The areas [iova, iova + len) overlaps: index of the first and how many
 * (0 if none).
 */
unsigned int eal_dma_table_find(const struct eal_dma_table *t, uint64_t iova,
	uint64_t len, unsigned int *first);

/*
 * Check that [iova, iova + len) can be unmapped: it covers at least one
 * area and cuts none. 0, -ENOENT if it covers none, -EINVAL if it would
 * cut one (the kernel cannot split a mapping).
 */
int eal_dma_table_can_remove(const struct eal_dma_table *t, uint64_t iova,
	uint64_t len);

/* Remove the areas [iova, iova + len) covers; same checks, nothing
 * removed on error. Returns the number removed or a negative errno.
 */
int eal_dma_table_remove(struct eal_dma_table *t, uint64_t iova, uint64_t len);

/* Bytes and areas in the table. */
void eal_dma_table_stats(const struct eal_dma_table *t, uint64_t *nb_areas,
	uint64_t *len);

/* Forget every area and free the table's memory. */
void eal_dma_table_clear(struct eal_dma_table *t);

#endif /* EAL_DMA_TABLE_H */
