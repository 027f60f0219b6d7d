/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#ifndef EAL_IOVA_RANGES_H
#define EAL_IOVA_RANGES_H

/*
 * The IOVA ranges an IOMMU address space (an iommufd IOAS) allows, and
 * the alignment its mappings need, as IOMMU_IOAS_IOVA_RANGES reports
 * them: any number of ranges (attached devices' reserved regions cut
 * holes in the space).
 */

#include <stdbool.h>
#include <stdint.h>

#include "eal_iommufd_uapi.h"

struct eal_iova_ranges {
	struct iommu_iova_range *r;	/* as the kernel sorts them */
	unsigned int nb;
	uint64_t alignment;		/* of IOVA and length, in bytes */
};

/*
 * Ask for the ranges as IOMMU_IOAS_IOVA_RANGES does: fill q->num_iovas
 * ranges at q->allowed_iovas and q->out_iova_alignment; if there are
 * more, fail with -EMSGSIZE and q->num_iovas set to how many there are.
 * Returns 0 or -errno.
 */
typedef int (*eal_iova_ranges_query_t)(void *ctx,
	struct iommu_ioas_iova_ranges *q);

/*
 * Read the ranges with query, however many there are, into r (whose
 * content is replaced only on success). 0 or a negative errno.
 */
int eal_iova_ranges_read(struct eal_iova_ranges *r,
	eal_iova_ranges_query_t query, void *ctx);

/* True if one range holds all of [iova, iova + len). */
bool eal_iova_ranges_allow(const struct eal_iova_ranges *r, uint64_t iova,
	uint64_t len);

/* True if iova and len are multiples of the alignment. */
bool eal_iova_ranges_aligned(const struct eal_iova_ranges *r, uint64_t iova,
	uint64_t len);

/* The highest IOVA any range allows (0 with no range). */
uint64_t eal_iova_ranges_last(const struct eal_iova_ranges *r);

void eal_iova_ranges_free(struct eal_iova_ranges *r);

#endif /* EAL_IOVA_RANGES_H */
