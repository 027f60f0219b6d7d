/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * Figures, not verdicts, for testbed/tests/bench.sh, which runs this in
 * group mode and in cdev mode by turns, on the same devices: how long
 * rte_eal_init() took with the devices of -a (from this program's first
 * constructor to the test), and how long detaching one of them and
 * probing it again take (the average of a few rounds). That device is
 * named by VFIO_BENCH_DEVICE=<BDF>. With VFIO_BENCH_ALLOC_MB=N, also how
 * long rte_malloc() of N MiB (dynamic memory: the heap grows page by page,
 * each page mapped for DMA) and its rte_free() take.
 */

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <rte_common.h>
#include <rte_dev.h>
#include <rte_malloc.h>
#include <rte_vfio_cdev.h>

#include "test.h"

#define REPLUGS 3

static struct timespec process_start;

RTE_INIT_PRIO(bench_clock_start, LOG)
{
	clock_gettime(CLOCK_MONOTONIC, &process_start);
}

static double
ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1e3 +
		(now.tv_nsec - t->tv_nsec) / 1e6;
}

/* rte_malloc() and rte_free() of mb MiB, timed. */
static int
bench_alloc(unsigned long mb)
{
	double alloc_ms, free_ms;
	struct timespec t;
	void *p;

	clock_gettime(CLOCK_MONOTONIC, &t);
	p = rte_malloc("vfio_bench", mb << 20, 0);
	alloc_ms = ms_since(&t);
	TEST_ASSERT_NOT_NULL(p, "rte_malloc of %lu MiB", mb);
	clock_gettime(CLOCK_MONOTONIC, &t);
	rte_free(p);
	free_ms = ms_since(&t);
	printf("bench mode=%s alloc_ms=%.2f free_ms=%.2f\n",
		rte_vfio_mode_name(rte_vfio_mode_get()), alloc_ms, free_ms);
	return TEST_SUCCESS;
}

static int
test_vfio_bench(void)
{
	const char *alloc_mb = getenv("VFIO_BENCH_ALLOC_MB");
	const char *bdf = getenv("VFIO_BENCH_DEVICE");
	double init_ms = ms_since(&process_start);
	double detach_ms = 0, probe_ms = 0;
	struct timespec t;
	int i;

	printf("bench mode=%s init_ms=%.2f\n",
		rte_vfio_mode_name(rte_vfio_mode_get()), init_ms);
	if (alloc_mb != NULL && *alloc_mb != '\0' &&
			bench_alloc(strtoul(alloc_mb, NULL, 0)) != TEST_SUCCESS)
		return TEST_FAILED;
	if (bdf == NULL)
		return TEST_SUCCESS;

	for (i = 0; i < REPLUGS; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		TEST_ASSERT_SUCCESS(rte_eal_hotplug_remove("pci", bdf),
			"detach %s", bdf);
		detach_ms += ms_since(&t);
		clock_gettime(CLOCK_MONOTONIC, &t);
		TEST_ASSERT_SUCCESS(rte_dev_probe(bdf), "probe %s", bdf);
		probe_ms += ms_since(&t);
	}
	printf("bench mode=%s probe_ms=%.2f replug_ms=%.2f\n",
		rte_vfio_mode_name(rte_vfio_mode_get()), probe_ms / REPLUGS,
		(detach_ms + probe_ms) / REPLUGS);
	return TEST_SUCCESS;
}

REGISTER_TEST_COMMAND(vfio_bench_autotest, test_vfio_bench);
