/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "eal_dma_table.h"

static uint64_t
area_end(const struct eal_dma_area *a)
{
	return a->iova + a->len;
}

/* Index of the first area ending after iova (areas are sorted). */
static unsigned int
first_after(const struct eal_dma_table *t, uint64_t iova)
{
	unsigned int lo = 0, hi = t->nb, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (area_end(&t->areas[mid]) <= iova)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

unsigned int
eal_dma_table_find(const struct eal_dma_table *t, uint64_t iova, uint64_t len,
		unsigned int *first)
{
	unsigned int i = first_after(t, iova), n = 0;
	uint64_t last = iova + len - 1;

	*first = i;
	if (len == 0)
		return 0;	/* an empty range overlaps nothing */
	if (last < iova)
		last = UINT64_MAX;	/* up to the end of the space */
	while (i + n < t->nb && t->areas[i + n].iova <= last)
		n++;
	return n;
}

int
eal_dma_table_add(struct eal_dma_table *t, const struct eal_dma_area *a)
{
	struct eal_dma_area *grown;
	unsigned int i;

	if (a->len == 0 || a->iova + a->len < a->iova)
		return -EINVAL;
	if (eal_dma_table_find(t, a->iova, a->len, &i) != 0)
		return -EEXIST;
	if (t->nb == t->cap) {
		unsigned int cap = t->cap == 0 ? 64 : 2 * t->cap;

		grown = realloc(t->areas, cap * sizeof(*grown));
		if (grown == NULL)
			return -ENOMEM;
		t->areas = grown;
		t->cap = cap;
	}
	memmove(&t->areas[i + 1], &t->areas[i],
		(t->nb - i) * sizeof(t->areas[0]));
	t->areas[i] = *a;
	t->nb++;
	return 0;
}

int
eal_dma_table_can_remove(const struct eal_dma_table *t, uint64_t iova,
		uint64_t len)
{
	unsigned int i, n;

	if (len == 0 || iova + len < iova)
		return -EINVAL;
	n = eal_dma_table_find(t, iova, len, &i);
	if (n == 0)
		return -ENOENT;
	if (t->areas[i].iova < iova ||
			area_end(&t->areas[i + n - 1]) > iova + len)
		return -EINVAL;
	return 0;
}

int
eal_dma_table_remove(struct eal_dma_table *t, uint64_t iova, uint64_t len)
{
	unsigned int i, n;
	int ret;

	ret = eal_dma_table_can_remove(t, iova, len);
	if (ret < 0)
		return ret;
	n = eal_dma_table_find(t, iova, len, &i);
	memmove(&t->areas[i], &t->areas[i + n],
		(t->nb - i - n) * sizeof(t->areas[0]));
	t->nb -= n;
	return n;
}

void
eal_dma_table_stats(const struct eal_dma_table *t, uint64_t *nb_areas,
		uint64_t *len)
{
	unsigned int i;

	*nb_areas = t->nb;
	*len = 0;
	for (i = 0; i < t->nb; i++)
		*len += t->areas[i].len;
}

void
eal_dma_table_clear(struct eal_dma_table *t)
{
	free(t->areas);
	t->areas = NULL;
	t->nb = 0;
	t->cap = 0;
}
