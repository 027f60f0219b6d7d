/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#include <errno.h>
#include <stdlib.h>

#include <rte_common.h>

#include "eal_iova_ranges.h"

/* Room for what an IOAS usually has; more is asked for when needed. */
#define RANGES_FIRST_GUESS 8u

/* Give up if the count keeps growing between two asks (devices
 * attached meanwhile, over and over).
 */
#define RANGES_TRIES 8

int
eal_iova_ranges_read(struct eal_iova_ranges *r, eal_iova_ranges_query_t query,
		void *ctx)
{
	unsigned int cap = RTE_MAX(r->nb, RANGES_FIRST_GUESS), try;
	struct iommu_ioas_iova_ranges q;
	struct iommu_iova_range *buf;
	int ret;

	for (try = 0; try < RANGES_TRIES; try++) {
		buf = calloc(cap, sizeof(*buf));
		if (buf == NULL)
			return -ENOMEM;
		q = (struct iommu_ioas_iova_ranges){
			.size = sizeof(q),
			.num_iovas = cap,
			.allowed_iovas = (uintptr_t)buf,
		};
		ret = query(ctx, &q);
		if (ret == 0 && q.num_iovas <= cap) {
			if (q.out_iova_alignment == 0 ||
					(q.out_iova_alignment &
					(q.out_iova_alignment - 1)) != 0) {
				free(buf);
				return -EINVAL;
			}
			free(r->r);
			r->r = buf;
			r->nb = q.num_iovas;
			r->alignment = q.out_iova_alignment;
			return 0;
		}
		free(buf);
		if (ret != 0 && ret != -EMSGSIZE)
			return ret;
		cap = q.num_iovas;	/* what there is now */
	}
	return -EAGAIN;
}

bool
eal_iova_ranges_allow(const struct eal_iova_ranges *r, uint64_t iova,
		uint64_t len)
{
	unsigned int i;

	if (len == 0 || iova + len - 1 < iova)
		return false;
	for (i = 0; i < r->nb; i++) {
		if (iova >= r->r[i].start && iova + len - 1 <= r->r[i].last)
			return true;
	}
	return false;
}

bool
eal_iova_ranges_aligned(const struct eal_iova_ranges *r, uint64_t iova,
		uint64_t len)
{
	return r->alignment <= 1 ||
		((iova | len) & (r->alignment - 1)) == 0;
}

uint64_t
eal_iova_ranges_last(const struct eal_iova_ranges *r)
{
	uint64_t last = 0;
	unsigned int i;

	for (i = 0; i < r->nb; i++)
		last = RTE_MAX(last, (uint64_t)r->r[i].last);
	return last;
}

void
eal_iova_ranges_free(struct eal_iova_ranges *r)
{
	free(r->r);
	r->r = NULL;
	r->nb = 0;
	r->alignment = 0;
}
