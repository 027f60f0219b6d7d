/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * Figures, not verdicts (run in the QEMU test bed by
 * testbed/tests/cdev-bench.sh): how long mapping DPDK's memory for DMA
 * takes, and with how many ioctls,
 *   (a) into the IOAS in maximal runs (what cdev mode does),
 *   (b) into the IOAS one page per mapping (for comparison only),
 *   (c) into a legacy VFIO type1 container, one mapping per page (what
 *       group mode does),
 * all in one process on the same memory; and how long probing a device
 * takes (run once in cdev mode, once in group mode). Devices come from
 * the environment: VFIO_CDEV_TEST_GROUP_DEV names a device whose VFIO
 * group (c) may use, VFIO_CDEV_TEST_HOTPLUG="<BDF> ..." the device to
 * probe.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_eal_memconfig.h>
#include <rte_eal_paging.h>
#include <rte_ethdev.h>
#include <rte_memory.h>
#include <rte_vfio_cdev.h>

#include "test.h"

static double
ms(uint64_t cycles)
{
	return cycles * 1000.0 / rte_get_timer_hz();
}

struct type1 {
	int container;
	uint64_t nb_ioctls;
};

static int
type1_map_memseg(const struct rte_memseg_list *msl,
		const struct rte_memseg *ms, void *arg)
{
	struct type1 *t = arg;
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = ms->addr_64,
		.iova = ms->iova,
		.size = ms->len,
	};

	if (msl->external)
		return 0;
	t->nb_ioctls++;
	return ioctl(t->container, VFIO_IOMMU_MAP_DMA, &map);
}

/*
 * (c): a type1 container with the group of bdf in it, DPDK's memory mapped
 * one page per VFIO_IOMMU_MAP_DMA as group mode does, then unmapped.
 */
static int
bench_type1(const char *bdf, uint64_t *nb_ioctls, uint64_t *cycles)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap), .iova = 0, .size = 0,
	};
	char path[PATH_MAX], target[PATH_MAX];
	struct type1 t = { .container = -1 };
	int group = -1, ret = -1;
	uint64_t start;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group",
		bdf);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0) {
		printf("type1: %s: %s\n", path, strerror(errno));
		return -1;
	}
	target[n] = '\0';
	snprintf(path, sizeof(path), "/dev/vfio/%s", basename(target));
	t.container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	group = open(path, O_RDWR | O_CLOEXEC);
	if (t.container < 0 || group < 0 ||
			ioctl(group, VFIO_GROUP_GET_STATUS, &status) < 0 ||
			!(status.flags & VFIO_GROUP_FLAGS_VIABLE) ||
			ioctl(group, VFIO_GROUP_SET_CONTAINER, &t.container) < 0 ||
			ioctl(t.container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) < 0) {
		printf("type1: cannot set up a container with %s: %s\n", path,
			strerror(errno));
		goto out;
	}
	rte_mcfg_mem_read_lock();
	start = rte_get_timer_cycles();
	ret = rte_memseg_walk_thread_unsafe(type1_map_memseg, &t);
	*cycles = rte_get_timer_cycles() - start;
	rte_mcfg_mem_read_unlock();
	*nb_ioctls = t.nb_ioctls;
	/* unmap everything: the whole IOVA space */
	unmap.size = UINT64_MAX & ~((uint64_t)rte_mem_page_size() - 1);
	ioctl(t.container, VFIO_IOMMU_UNMAP_DMA, &unmap);
	if (ret != 0)
		printf("type1: VFIO_IOMMU_MAP_DMA failed: %s\n", strerror(errno));
out:
	if (group >= 0)
		close(group);
	if (t.container >= 0)
		close(t.container);
	return ret;
}

static int
test_dma_map_perf(void)
{
	const char *group_dev = getenv("VFIO_CDEV_TEST_GROUP_DEV");
	uint64_t runs_n, runs_c, pages_n, pages_c, t1_n = 0, t1_c = 0, nb, len;

	if (group_dev == NULL || rte_vfio_mode_get() != RTE_VFIO_MODE_CDEV ||
			rte_vfio_cdev_iommufd() < 0) {
		printf("needs cdev mode with a device and VFIO_CDEV_TEST_GROUP_DEV: skipped\n");
		return TEST_SKIPPED;
	}
	rte_vfio_cdev_dma_stats(&nb, &len);
	printf("DPDK memory: %" PRIu64 " MiB\n", len >> 20);

	TEST_ASSERT_SUCCESS(rte_vfio_cdev_dma_remap(true, &pages_n, &pages_c),
		"map page by page");
	TEST_ASSERT_SUCCESS(rte_vfio_cdev_dma_remap(false, &runs_n, &runs_c),
		"map in runs");
	TEST_ASSERT_SUCCESS(bench_type1(group_dev, &t1_n, &t1_c),
		"type1 container");

	printf("(a) IOAS, maximal runs:    %8.2f ms, %5" PRIu64 " ioctls\n",
		ms(runs_c), runs_n);
	printf("(b) IOAS, one per page:    %8.2f ms, %5" PRIu64 " ioctls\n",
		ms(pages_c), pages_n);
	printf("(c) type1, one per page:   %8.2f ms, %5" PRIu64 " ioctls\n",
		ms(t1_c), t1_n);
	printf("(a)/(b) time %.3f, ioctls %.3f; (a)/(c) time %.3f\n",
		(double)runs_c / pages_c, (double)runs_n / pages_n,
		(double)runs_c / t1_c);
	return TEST_SUCCESS;
}

/* Average time of rte_dev_probe() of one device, in this process's mode. */
static int
test_probe_perf(void)
{
	char bdf[RTE_DEV_NAME_MAX_LEN];
	const char *env = getenv("VFIO_CDEV_TEST_HOTPLUG");
	const int rounds = 5;
	uint64_t start, total = 0;
	int i;

	if (env == NULL || sscanf(env, "%63s", bdf) != 1) {
		printf("no device to probe (VFIO_CDEV_TEST_HOTPLUG): skipped\n");
		return TEST_SKIPPED;
	}
	for (i = 0; i < rounds; i++) {
		start = rte_get_timer_cycles();
		TEST_ASSERT_SUCCESS(rte_dev_probe(bdf), "probe %s", bdf);
		total += rte_get_timer_cycles() - start;
		TEST_ASSERT_SUCCESS(rte_eal_hotplug_remove("pci", bdf),
			"remove %s", bdf);
	}
	printf("probe of %s in %s mode: %.2f ms on average over %d\n", bdf,
		rte_vfio_mode_name(rte_vfio_mode_get()), ms(total) / rounds,
		rounds);
	return TEST_SUCCESS;
}

static struct unit_test_suite perf_suite = {
	.suite_name = "vfio_cdev performance",
	.unit_test_cases = {
		TEST_CASE(test_dma_map_perf),
		TEST_CASE(test_probe_perf),
		TEST_CASES_END()
	}
};

static int
test_vfio_cdev_perf(void)
{
	return unit_test_suite_runner(&perf_suite);
}

REGISTER_TEST_COMMAND(vfio_cdev_perf_autotest, test_vfio_cdev_perf);
