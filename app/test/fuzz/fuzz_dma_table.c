/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * libFuzzer target: the IOAS mapping table (eal_dma_table.c) against a
 * model that owns each page of a small address space. Every 3 bytes of
 * input are one operation (add, find, can_remove, remove, or an add and
 * a remove that wrap around the 64-bit space) on pages [start, start +
 * len); after each, the table's answer, its areas and its stats must be
 * the model's. Any difference aborts.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eal_dma_table.h"

#define PAGES 64
#define PAGE 4096ull
#define BASE (1ull << 40)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The model: which area (its start page) owns each page, -1 if none. */
static int owner[PAGES];
static unsigned int area_len[PAGES];	/* by start page */

static uint64_t
iova_of(unsigned int page)
{
	return BASE + page * PAGE;
}

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, __VA_ARGS__); \
		fprintf(stderr, "\n"); \
		abort(); \
	} \
} while (0)

/* Start pages of the areas [start, start + len) overlaps, in order. */
static unsigned int
model_find(unsigned int start, unsigned int len, unsigned int *first)
{
	unsigned int p, n = 0, before = 0;
	int last = -1;

	for (p = 0; p < PAGES; p++)
		if (owner[p] == (int)p && p + area_len[p] <= start)
			before++;
	*first = before;
	for (p = start; p < start + len && p < PAGES; p++) {
		if (owner[p] >= 0 && owner[p] != last) {
			last = owner[p];
			n++;
		}
	}
	return n;
}

static int
model_can_remove(unsigned int start, unsigned int len)
{
	unsigned int p, first;

	if (len == 0)
		return -EINVAL;
	if (model_find(start, len, &first) == 0)
		return -ENOENT;
	for (p = start; p < start + len && p < PAGES; p++) {
		if (owner[p] < 0)
			continue;
		if ((unsigned int)owner[p] < start ||
				owner[p] + area_len[owner[p]] > start + len)
			return -EINVAL;
	}
	return 0;
}

static void
check_table(const struct eal_dma_table *t)
{
	unsigned int p, i = 0;
	uint64_t nb, len, bytes = 0;

	for (p = 0; p < PAGES; p++) {
		if (owner[p] != (int)p)
			continue;
		CHECK(i < t->nb, "table has %u areas, the model more", t->nb);
		CHECK(t->areas[i].iova == iova_of(p) &&
			t->areas[i].len == area_len[p] * PAGE &&
			t->areas[i].va == iova_of(p) + 1,
			"area %u is %#llx+%#llx, the model's page %u+%u", i,
			(unsigned long long)t->areas[i].iova,
			(unsigned long long)t->areas[i].len, p, area_len[p]);
		bytes += area_len[p] * PAGE;
		i++;
	}
	CHECK(i == t->nb, "table has %u areas, the model %u", t->nb, i);
	eal_dma_table_stats(t, &nb, &len);
	CHECK(nb == t->nb && len == bytes, "stats %llu/%llu, not %u/%llu",
		(unsigned long long)nb, (unsigned long long)len, t->nb,
		(unsigned long long)bytes);
}

static void
op_add(struct eal_dma_table *t, unsigned int start, unsigned int len)
{
	struct eal_dma_area a = {
		.va = iova_of(start) + 1, .iova = iova_of(start),
		.len = len * PAGE, .kind = EAL_DMA_PAGE,
	};
	unsigned int p, first;
	int want, got;

	if (len == 0)
		want = -EINVAL;
	else if (model_find(start, len, &first) > 0)
		want = -EEXIST;
	else
		want = 0;
	got = eal_dma_table_add(t, &a);
	CHECK(got == want, "add %u+%u: %d, not %d", start, len, got, want);
	if (got == 0) {
		for (p = start; p < start + len; p++)
			owner[p] = start;
		area_len[start] = len;
	}
}

static void
op_find(struct eal_dma_table *t, unsigned int start, unsigned int len)
{
	unsigned int want_first, first, want, got;

	want = model_find(start, len, &want_first);
	got = eal_dma_table_find(t, iova_of(start), len * PAGE, &first);
	CHECK(got == want, "find %u+%u: %u areas, not %u", start, len, got,
		want);
	CHECK(got == 0 || first == want_first,
		"find %u+%u: first %u, not %u", start, len, first, want_first);
}

static void
op_remove(struct eal_dma_table *t, unsigned int start, unsigned int len,
	int only_check)
{
	unsigned int p, first;
	int want = model_can_remove(start, len), got;

	if (only_check) {
		got = eal_dma_table_can_remove(t, iova_of(start), len * PAGE);
		CHECK(got == want, "can_remove %u+%u: %d, not %d", start, len,
			got, want);
		return;
	}
	if (want == 0)
		want = model_find(start, len, &first);
	got = eal_dma_table_remove(t, iova_of(start), len * PAGE);
	CHECK(got == want, "remove %u+%u: %d, not %d", start, len, got, want);
	if (got > 0)
		for (p = start; p < start + len; p++)
			owner[p] = -1;
}

/* Ranges that wrap past 2^64 are refused and change nothing. */
static void
op_wrap(struct eal_dma_table *t, unsigned int pages)
{
	struct eal_dma_area a = {
		.iova = UINT64_MAX - PAGE + 1, .len = (pages + 2) * PAGE,
	};

	CHECK(eal_dma_table_add(t, &a) == -EINVAL, "a wrapping add");
	CHECK(eal_dma_table_remove(t, a.iova, a.len) == -EINVAL,
		"a wrapping remove");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eal_dma_table t = { 0 };
	unsigned int start, len;
	size_t i;

	memset(owner, -1, sizeof(owner));
	for (i = 0; i + 3 <= size; i += 3) {
		start = data[i + 1] % PAGES;
		len = data[i + 2] % (PAGES - start + 1);
		switch (data[i] % 6) {
		case 0: op_add(&t, start, len); break;
		case 1: op_find(&t, start, len); break;
		case 2: op_remove(&t, start, len, 1); break;
		case 3: op_remove(&t, start, len, 0); break;
		case 4: op_wrap(&t, len); break;
		default: op_add(&t, start, 1); break;
		}
		check_table(&t);
	}
	eal_dma_table_clear(&t);
	return 0;
}
