/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * The IOVA ranges of an IOAS (eal_iova_ranges.c) read through a fake
 * IOMMU_IOAS_IOVA_RANGES that follows the kernel's protocol: as many
 * ranges as there is room for, -EMSGSIZE and the real count when there
 * are more. An IOAS has more than a handful when devices with many
 * reserved regions (RMRRs, PCI windows) are attached.
 */

#include <errno.h>
#include <string.h>

#include "eal_iova_ranges.h"
#include "test.h"

struct fake_ioas {
	unsigned int nb;	/* ranges it has */
	unsigned int grow;	/* ranges added after an ask... */
	unsigned int grow_asks;	/* ...for this many asks */
	uint64_t alignment;
	int fail;		/* -errno to fail with, or 0 */
	unsigned int asks;
};

/* Range i of a fake IOAS: [i * 1 GiB, i * 1 GiB + 256 MiB). */
static struct iommu_iova_range
fake_range(unsigned int i)
{
	return (struct iommu_iova_range){
		.start = (uint64_t)i << 30,
		.last = ((uint64_t)i << 30) + (256 << 20) - 1,
	};
}

static int
fake_query(void *ctx, struct iommu_ioas_iova_ranges *q)
{
	struct fake_ioas *f = ctx;
	struct iommu_iova_range *out = (void *)(uintptr_t)q->allowed_iovas;
	unsigned int i;

	f->asks++;
	if (f->fail != 0)
		return f->fail;
	for (i = 0; i < f->nb && i < q->num_iovas; i++)
		out[i] = fake_range(i);
	q->out_iova_alignment = f->alignment;
	i = q->num_iovas;
	q->num_iovas = f->nb;
	if (f->asks <= f->grow_asks)
		f->nb += f->grow;
	return q->num_iovas > i ? -EMSGSIZE : 0;
}

static int
test_many_ranges(void)
{
	struct fake_ioas f = { .nb = 40, .alignment = 4096 };
	struct eal_iova_ranges r = { 0 };
	unsigned int i;

	TEST_ASSERT_SUCCESS(eal_iova_ranges_read(&r, fake_query, &f), "read");
	TEST_ASSERT_EQUAL(r.nb, 40u, "%u ranges read, not 40", r.nb);
	TEST_ASSERT_EQUAL(f.asks, 2u, "asked %u times", f.asks);
	for (i = 0; i < r.nb; i++)
		TEST_ASSERT(r.r[i].start == fake_range(i).start &&
			r.r[i].last == fake_range(i).last, "range %u", i);
	TEST_ASSERT_EQUAL(r.alignment, 4096u, "alignment");
	TEST_ASSERT_EQUAL(eal_iova_ranges_last(&r), fake_range(39).last,
		"last");

	/* the 40th range allows what is inside it, not past it */
	TEST_ASSERT(eal_iova_ranges_allow(&r, fake_range(39).start, 4096),
		"start of the last range");
	TEST_ASSERT(eal_iova_ranges_allow(&r, fake_range(39).last - 4095,
		4096), "end of the last range");
	TEST_ASSERT(!eal_iova_ranges_allow(&r, fake_range(39).last - 4095,
		8192), "past the last range");
	TEST_ASSERT(!eal_iova_ranges_allow(&r, fake_range(20).last + 1, 4096),
		"in a hole");
	TEST_ASSERT(!eal_iova_ranges_allow(&r, fake_range(20).last - 4095,
		8192), "across a hole");
	TEST_ASSERT(!eal_iova_ranges_allow(&r, 0, 0), "empty");
	TEST_ASSERT(!eal_iova_ranges_allow(&r, UINT64_MAX - 4095, 8192),
		"wrapping");
	eal_iova_ranges_free(&r);
	return TEST_SUCCESS;
}

static int
test_alignment(void)
{
	struct fake_ioas f = { .nb = 1, .alignment = 65536 };
	struct eal_iova_ranges r = { 0 };

	TEST_ASSERT_SUCCESS(eal_iova_ranges_read(&r, fake_query, &f), "read");
	TEST_ASSERT(eal_iova_ranges_aligned(&r, 65536, 2 << 20), "aligned");
	TEST_ASSERT(!eal_iova_ranges_aligned(&r, 4096, 65536),
		"IOVA not aligned");
	TEST_ASSERT(!eal_iova_ranges_aligned(&r, 65536, 4096),
		"length not aligned");
	eal_iova_ranges_free(&r);

	f.alignment = 3 * 4096;
	TEST_ASSERT_EQUAL(eal_iova_ranges_read(&r, fake_query, &f), -EINVAL,
		"an alignment that is not a power of two was taken");
	f.alignment = 0;
	TEST_ASSERT_EQUAL(eal_iova_ranges_read(&r, fake_query, &f), -EINVAL,
		"no alignment was taken");
	return TEST_SUCCESS;
}

/* The count grows between the asks (devices attached meanwhile). */
static int
test_growing(void)
{
	struct fake_ioas f = {
		.nb = 9, .grow = 5, .grow_asks = 1, .alignment = 4096
	};
	struct eal_iova_ranges r = { 0 };

	TEST_ASSERT_SUCCESS(eal_iova_ranges_read(&r, fake_query, &f), "read");
	TEST_ASSERT_EQUAL(r.nb, 14u, "%u ranges", r.nb);
	eal_iova_ranges_free(&r);

	f = (struct fake_ioas){
		.nb = 9, .grow = 100, .grow_asks = 100, .alignment = 4096
	};
	TEST_ASSERT_EQUAL(eal_iova_ranges_read(&r, fake_query, &f), -EAGAIN,
		"a count that never settles was taken");
	TEST_ASSERT_EQUAL(r.nb, 0u, "ranges left after a failure");
	return TEST_SUCCESS;
}

/* A failed read keeps what was there. */
static int
test_failure_keeps(void)
{
	struct fake_ioas f = { .nb = 3, .alignment = 4096 };
	struct eal_iova_ranges r = { 0 };

	TEST_ASSERT_SUCCESS(eal_iova_ranges_read(&r, fake_query, &f), "read");
	f.fail = -EFAULT;
	TEST_ASSERT_EQUAL(eal_iova_ranges_read(&r, fake_query, &f), -EFAULT,
		"failure not passed on");
	TEST_ASSERT_EQUAL(r.nb, 3u, "the ranges were lost");
	TEST_ASSERT(eal_iova_ranges_allow(&r, fake_range(2).start, 4096),
		"the ranges were changed");
	eal_iova_ranges_free(&r);
	TEST_ASSERT(!eal_iova_ranges_allow(&r, 0, 4096), "allowed with none");
	return TEST_SUCCESS;
}

static struct unit_test_suite iova_ranges_suite = {
	.suite_name = "IOAS IOVA ranges",
	.unit_test_cases = {
		TEST_CASE(test_many_ranges),
		TEST_CASE(test_alignment),
		TEST_CASE(test_growing),
		TEST_CASE(test_failure_keeps),
		TEST_CASES_END()
	}
};

static int
test_vfio_cdev_iova_ranges(void)
{
	return unit_test_suite_runner(&iova_ranges_suite);
}

REGISTER_TEST_COMMAND(vfio_cdev_iova_ranges_autotest,
	test_vfio_cdev_iova_ranges);
