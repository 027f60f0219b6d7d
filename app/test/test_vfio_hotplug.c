/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * Hotplug of a vfio-pci device by its PCI name, in whatever VFIO mode
 * this process runs (the test bed runs it in group mode, the reference,
 * and in cdev mode; testbed/tests/hotplug.sh): probing and removing
 * leaves no fd, no BAR mapping and no IOAS mapping behind, and a probe
 * that fails (the device's VFIO group held open, so that neither mode can
 * have it) leaves nothing behind either. The device is named by
 * VFIO_TEST_HOTPLUG="<BDF>" and must be the process's only one; without
 * it the tests are skipped.
 */

#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bus_pci_driver.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_vfio_cdev.h>

#include "test.h"
#include "eal_iommufd.h"
#include "vfio_test_proc.h"

#define ROUNDS 20

static char bdf[RTE_DEV_NAME_MAX_LEN];

static int
same_footprint(const struct proc_footprint *a,
		const struct proc_footprint *b, const char *when)
{
	char what[256];
	int differs;

	differs = proc_footprint_differs(a, b, what, sizeof(what));
	printf("%s: %s\n", when, what);
	TEST_ASSERT(!differs, "%s: the process holds more or less than before", when);
	return TEST_SUCCESS;
}

static int
hotplug_setup(void)
{
	const char *env = getenv("VFIO_TEST_HOTPLUG");

	if (env == NULL || sscanf(env, "%63s", bdf) != 1) {
		printf("no device to hotplug (VFIO_TEST_HOTPLUG): skipped\n");
		return TEST_SKIPPED;
	}
	printf("VFIO mode %s, device %s\n",
		rte_vfio_mode_name(rte_vfio_mode_get()), bdf);
	return TEST_SUCCESS;
}

static int
probe_and_remove(int round)
{
	uint16_t port;

	TEST_ASSERT_SUCCESS(rte_dev_probe(bdf), "round %d: probe %s", round,
		bdf);
	TEST_ASSERT_SUCCESS(rte_eth_dev_get_port_by_name(bdf, &port),
		"round %d: no port named %s after probe", round, bdf);
	TEST_ASSERT(proc_bar_maps_count() > 0, "round %d: no BAR mapped", round);
	TEST_ASSERT_SUCCESS(rte_eal_hotplug_remove("pci", bdf),
		"round %d: remove %s", round, bdf);
	TEST_ASSERT_FAIL(rte_eth_dev_get_port_by_name(bdf, &port),
		"round %d: port %s still there", round, bdf);
	return TEST_SUCCESS;
}

/*
 * Probe and remove the device ROUNDS + 1 times: fds, BAR mappings and
 * IOAS mappings come back to where they were. The measure starts after
 * one round, since the first probe may grow the malloc heap, which keeps
 * memory for reuse.
 */
static int
test_hotplug(void)
{
	struct proc_footprint before, after;
	int round;

	for (round = 0; round <= ROUNDS; round++) {
		TEST_ASSERT_SUCCESS(probe_and_remove(round), "round %d", round);
		if (round == 0)
			proc_footprint_measure(&before);
	}
	proc_footprint_measure(&after);
	return same_footprint(&before, &after, "after 20 more rounds");
}

/* /dev/vfio/<group> of the device, opened: neither mode can then have
 * the device (group mode cannot open the group, cdev mode cannot bind).
 */
static int
hold_group(void)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s/iommu_group",
		rte_pci_get_sysfs_path(), bdf);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -1;
	target[n] = '\0';
	snprintf(path, sizeof(path), "/dev/vfio/%s", basename(target));
	return open(path, O_RDWR | O_CLOEXEC);
}

/*
 * A probe that fails partway leaves the process as it was; once the
 * group is let go, the device comes up, and goes, as usual.
 */
static int
test_setup_failure(void)
{
	struct proc_footprint before, after;
	uint16_t port;
	int group, ret;

	/* the heap and the IOAS as a working probe leaves them */
	TEST_ASSERT_SUCCESS(probe_and_remove(0), "warm-up");
	group = hold_group();
	TEST_ASSERT(group >= 0, "cannot hold the VFIO group of %s", bdf);
	proc_footprint_measure(&before);
	ret = rte_dev_probe(bdf);
	proc_footprint_measure(&after);
	close(group);
	TEST_ASSERT(ret != 0, "probe of %s succeeded with its group held",
		bdf);
	TEST_ASSERT_FAIL(rte_eth_dev_get_port_by_name(bdf, &port),
		"a port was created");
	TEST_ASSERT_SUCCESS(same_footprint(&before, &after,
		"after the failed probe"), "failed probe");
	return probe_and_remove(1);
}

/* Mappings in the IOAS (none in group mode, which has none). */
static uint64_t
ioas_maps(void)
{
	uint64_t nb, len;

	eal_iommufd_stats(&nb, &len);
	return nb;
}

/*
 * The process's only device: its probe maps DPDK's memory for DMA and its
 * removal unmaps it all, as group mode's container drops its mappings
 * with its last group; an external user holding the IOAS keeps DPDK's
 * memory there until its last put. (Group mode: the kernel drops the
 * container's mappings, which this process cannot count.)
 */
static int
test_last_device(void)
{
	uint32_t ioas;
	int fd;

	TEST_ASSERT_EQUAL(ioas_maps(), 0, "mappings before the first probe");
	TEST_ASSERT_SUCCESS(rte_dev_probe(bdf), "probe %s", bdf);
	if (rte_vfio_mode_get() != RTE_VFIO_MODE_CDEV) {
		printf("group mode: no IOAS to look at\n");
		return rte_eal_hotplug_remove("pci", bdf);
	}
	TEST_ASSERT(ioas_maps() > 0, "DPDK's memory not mapped at the probe");
	TEST_ASSERT_SUCCESS(rte_eal_hotplug_remove("pci", bdf), "remove");
	TEST_ASSERT_EQUAL(ioas_maps(), 0,
		"the last device is gone, DPDK's memory is still mapped");

	TEST_ASSERT_SUCCESS(rte_dev_probe(bdf), "probe %s again", bdf);
	TEST_ASSERT_SUCCESS(rte_vfio_cdev_ioas_get(&fd, &ioas), "IOAS get");
	TEST_ASSERT_SUCCESS(rte_eal_hotplug_remove("pci", bdf), "remove");
	TEST_ASSERT(ioas_maps() > 0,
		"DPDK's memory unmapped under an external user");
	rte_vfio_cdev_ioas_put();
	close(fd);
	TEST_ASSERT_EQUAL(ioas_maps(), 0,
		"no device, no user: DPDK's memory is still mapped");
	printf("cdev mode: the IOAS empties with the last device, or with the last external user after it\n");
	return TEST_SUCCESS;
}

static struct unit_test_suite hotplug_suite = {
	.suite_name = "vfio-pci hotplug",
	.setup = hotplug_setup,
	.unit_test_cases = {
		TEST_CASE(test_last_device),
		TEST_CASE(test_hotplug),
		TEST_CASE(test_setup_failure),
		TEST_CASES_END()
	}
};

static int
test_vfio_hotplug(void)
{
	return unit_test_suite_runner(&hotplug_suite);
}

REGISTER_TEST_COMMAND(vfio_hotplug_autotest, test_vfio_hotplug);
