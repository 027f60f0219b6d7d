/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/* The interval logic of EAL's DMA mapping table (eal_dma_table.h). */

#include <errno.h>
#include <inttypes.h>

#include "eal_dma_table.h"
#include "test.h"

#define KB 1024ULL

static struct eal_dma_table table;

static int
add(uint64_t iova, uint64_t len, enum eal_dma_kind kind)
{
	const struct eal_dma_area a = {
		.va = iova + 0x1000000, .iova = iova, .len = len, .kind = kind,
	};

	return eal_dma_table_add(&table, &a);
}

static void
clear(void)
{
	eal_dma_table_clear(&table);
}

static int
expect_stats(uint64_t nb, uint64_t len)
{
	uint64_t n, l;

	eal_dma_table_stats(&table, &n, &l);
	TEST_ASSERT_EQUAL(n, nb, "%" PRIu64 " areas, expected %" PRIu64, n, nb);
	TEST_ASSERT_EQUAL(l, len, "%" PRIu64 " bytes, expected %" PRIu64, l,
		len);
	return TEST_SUCCESS;
}

static int
test_adjacent(void)
{
	TEST_ASSERT_SUCCESS(add(8 * KB, 4 * KB, EAL_DMA_PAGE), "page");
	TEST_ASSERT_SUCCESS(add(4 * KB, 4 * KB, EAL_DMA_PAGE),
		"page just before");
	TEST_ASSERT_SUCCESS(add(12 * KB, 64 * KB, EAL_DMA_RUN),
		"run just after");
	TEST_ASSERT_SUCCESS(expect_stats(3, 72 * KB), "stats");
	TEST_ASSERT_EQUAL(table.areas[0].iova, 4 * KB, "not sorted");
	TEST_ASSERT_EQUAL(table.areas[2].kind, EAL_DMA_RUN, "kind");
	return TEST_SUCCESS;
}

static int
test_overlaps(void)
{
	TEST_ASSERT_SUCCESS(add(16 * KB, 16 * KB, EAL_DMA_RUN), "run");
	TEST_ASSERT_EQUAL(add(8 * KB, 12 * KB, EAL_DMA_USER), -EEXIST,
		"overlap at the start");
	TEST_ASSERT_EQUAL(add(28 * KB, 8 * KB, EAL_DMA_USER), -EEXIST,
		"overlap at the end");
	TEST_ASSERT_EQUAL(add(20 * KB, 4 * KB, EAL_DMA_USER), -EEXIST,
		"inside");
	TEST_ASSERT_EQUAL(add(0, 64 * KB, EAL_DMA_USER), -EEXIST, "around");
	TEST_ASSERT_EQUAL(add(0, 0, EAL_DMA_USER), -EINVAL, "empty");
	TEST_ASSERT_EQUAL(add(UINT64_MAX - KB, 4 * KB, EAL_DMA_USER), -EINVAL,
		"wraps");
	return expect_stats(1, 16 * KB);
}

static int
test_remap_same_range(void)
{
	TEST_ASSERT_SUCCESS(add(4 * KB, 4 * KB, EAL_DMA_USER), "map");
	TEST_ASSERT_EQUAL(add(4 * KB, 4 * KB, EAL_DMA_USER), -EEXIST,
		"the same range again");
	TEST_ASSERT_EQUAL(eal_dma_table_remove(&table, 4 * KB, 4 * KB), 1,
		"unmap");
	TEST_ASSERT_SUCCESS(add(4 * KB, 4 * KB, EAL_DMA_USER),
		"map again after the unmap");
	return expect_stats(1, 4 * KB);
}

static int
test_partial_free(void)
{
	TEST_ASSERT_SUCCESS(add(0, 64 * KB, EAL_DMA_RUN), "run");
	TEST_ASSERT_EQUAL(eal_dma_table_remove(&table, 0, 4 * KB), -EINVAL,
		"the start of a run");
	TEST_ASSERT_EQUAL(eal_dma_table_remove(&table, 60 * KB, 4 * KB),
		-EINVAL, "the end of a run");
	TEST_ASSERT_EQUAL(eal_dma_table_remove(&table, 16 * KB, 4 * KB),
		-EINVAL, "the middle of a run");
	TEST_ASSERT_SUCCESS(expect_stats(1, 64 * KB), "nothing removed");
	TEST_ASSERT_EQUAL(eal_dma_table_remove(&table, 0, 64 * KB), 1,
		"the whole run");
	return expect_stats(0, 0);
}

static int
test_unknown_range(void)
{
	TEST_ASSERT_SUCCESS(add(16 * KB, 4 * KB, EAL_DMA_PAGE), "page");
	TEST_ASSERT_EQUAL(eal_dma_table_remove(&table, 0, 16 * KB), -ENOENT,
		"before");
	TEST_ASSERT_EQUAL(eal_dma_table_remove(&table, 20 * KB, 4 * KB),
		-ENOENT, "just after");
	TEST_ASSERT_EQUAL(eal_dma_table_remove(&table, 0, 0), -EINVAL,
		"empty");
	return expect_stats(1, 4 * KB);
}

/* One unmap may take several whole areas, gaps between them included. */
static int
test_remove_several(void)
{
	TEST_ASSERT_SUCCESS(add(0, 4 * KB, EAL_DMA_PAGE), "page 0");
	TEST_ASSERT_SUCCESS(add(4 * KB, 4 * KB, EAL_DMA_PAGE), "page 1");
	TEST_ASSERT_SUCCESS(add(16 * KB, 4 * KB, EAL_DMA_PAGE), "page 4");
	TEST_ASSERT_SUCCESS(add(32 * KB, 4 * KB, EAL_DMA_PAGE), "page 8");
	TEST_ASSERT_EQUAL(eal_dma_table_remove(&table, 4 * KB, 24 * KB), 2,
		"pages 1 and 4, with the gap");
	TEST_ASSERT_SUCCESS(expect_stats(2, 8 * KB), "left");
	TEST_ASSERT_EQUAL(table.areas[1].iova, 32 * KB, "the right ones left");
	TEST_ASSERT_EQUAL(eal_dma_table_remove(&table, 0, UINT64_MAX), 2,
		"everything");
	return expect_stats(0, 0);
}

/* Many areas in reverse order: growth and sorted insertion. */
static int
test_many(void)
{
	unsigned int i, first;

	for (i = 1000; i > 0; i--)
		TEST_ASSERT_SUCCESS(add(i * 8 * KB, 4 * KB, EAL_DMA_PAGE),
			"page %u", i);
	TEST_ASSERT_SUCCESS(expect_stats(1000, 4000 * KB), "stats");
	for (i = 1; i < table.nb; i++)
		TEST_ASSERT(table.areas[i - 1].iova < table.areas[i].iova,
			"not sorted at %u", i);
	TEST_ASSERT_EQUAL(eal_dma_table_find(&table, 80 * KB, 24 * KB, &first),
		3, "pages 10, 11, 12 overlap [80K, 104K)");
	TEST_ASSERT_EQUAL(table.areas[first].iova, 80 * KB, "first found");
	TEST_ASSERT_EQUAL(eal_dma_table_find(&table, 82 * KB, 0, &first), 0,
		"an empty range inside page 10 overlaps it");
	TEST_ASSERT_EQUAL(eal_dma_table_find(&table, UINT64_MAX - KB, 2 * KB,
		&first), 0, "a range wrapping past 2^64 finds pages");
	return TEST_SUCCESS;
}

static struct unit_test_suite dma_table_suite = {
	.suite_name = "EAL DMA mapping table",
	.teardown = NULL,
	.unit_test_cases = {
		TEST_CASE_ST(NULL, clear, test_adjacent),
		TEST_CASE_ST(NULL, clear, test_overlaps),
		TEST_CASE_ST(NULL, clear, test_remap_same_range),
		TEST_CASE_ST(NULL, clear, test_partial_free),
		TEST_CASE_ST(NULL, clear, test_unknown_range),
		TEST_CASE_ST(NULL, clear, test_remove_several),
		TEST_CASE_ST(NULL, clear, test_many),
		TEST_CASES_END()
	}
};

static int
test_vfio_cdev_dma_table(void)
{
	return unit_test_suite_runner(&dma_table_suite);
}

REGISTER_TEST_COMMAND(vfio_cdev_dma_table_autotest, test_vfio_cdev_dma_table);
