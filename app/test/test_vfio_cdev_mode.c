/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * --vfio-mode as users meet it: each value is given to a child EAL
 * (dpdk-test started again), whose exit status and log are checked.
 */

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bus_driver.h>
#include <dev_driver.h>
#include <rte_debug.h>
#include <rte_string_fns.h>
#include <rte_vfio_cdev.h>

#include "test.h"
#include "process.h"
#include "vfio_cdev_fake_tree.h"

#define CHILD_ACTION "test_vfio_mode_flag"
#define LOG_MAX 65536

static struct fake_tree tree;
static char child_log[LOG_MAX];

/* Run a child EAL with args after the common ones; keep its log. */
static int
run_child(const char *mode_arg)
{
	const char *argv[] = {
		prgname, "--no-huge", "-m", "32", "--no-shconf",
		"--file-prefix=vfio_cdev_mode", "--log-level=lib.eal:info",
		mode_arg, "--no-pci",
	};
	int saved_out, saved_err, fd, status;
	ssize_t n;

	fd = open("/tmp", O_TMPFILE | O_RDWR, 0600);
	if (fd < 0)
		return -1;
	fflush(stdout);
	fflush(stderr);
	saved_out = dup(STDOUT_FILENO);
	saved_err = dup(STDERR_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	status = process_dup(argv, RTE_DIM(argv), CHILD_ACTION);
	fflush(stdout);
	dup2(saved_out, STDOUT_FILENO);
	dup2(saved_err, STDERR_FILENO);
	close(saved_out);
	close(saved_err);

	n = pread(fd, child_log, sizeof(child_log) - 1, 0);
	close(fd);
	child_log[n > 0 ? n : 0] = '\0';
	printf("--- child with %s: status %d ---\n%s--- end ---\n", mode_arg,
		status, child_log);
	return status;
}

static int
expect_log(const char *text)
{
	TEST_ASSERT_NOT_NULL(strstr(child_log, text),
		"child log lacks \"%s\"", text);
	return TEST_SUCCESS;
}

/* The tree also keeps the PCI bus away from the host's devices. */
static int
tree_setup(void)
{
	return fake_tree_setup(&tree);
}

static void
tree_teardown(void)
{
	fake_tree_destroy(&tree);
}

/* What a host where cdev mode works has, but the fake /dev/iommu, which
 * cannot be opened (no driver behind its number).
 */
static int
cdev_host(void)
{
	TEST_ASSERT_SUCCESS(fake_tree_add_iommu(&tree), "iommu");
	TEST_ASSERT_SUCCESS(fake_tree_add_devices_dir(&tree), "devices dir");
	TEST_ASSERT_SUCCESS(fake_tree_add_iommu_hw(&tree), "IOMMU");
	return TEST_SUCCESS;
}

static int
test_invalid_values(void)
{
	static const char * const bad[] = {
		"--vfio-mode=bogus", "--vfio-mode=", "--vfio-mode=CDEV",
		"--vfio-mode=cdev,group", "--vfio-mode=groups",
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(bad); i++) {
		TEST_ASSERT(run_child(bad[i]) != 0, "%s was accepted",
			bad[i]);
		TEST_ASSERT_SUCCESS(expect_log("invalid mode, expected auto, group or cdev"),
			"%s: no clear message", bad[i]);
	}
	return TEST_SUCCESS;
}

static int
test_group(void)
{
	TEST_ASSERT_SUCCESS(fake_tree_add_iommu(&tree), "iommu");
	TEST_ASSERT_SUCCESS(run_child("--vfio-mode=group"),
		"group mode failed");
	return expect_log("VFIO mode: group (--vfio-mode=group)");
}

static int
test_auto_without_iommufd(void)
{
	TEST_ASSERT_SUCCESS(fake_tree_add_devices_dir(&tree), "devices dir");
	TEST_ASSERT_SUCCESS(run_child("--vfio-mode=auto"),
		"auto mode failed");
	return expect_log("VFIO mode: group (auto: no ");
}

static int
test_auto_without_cdevs(void)
{
	TEST_ASSERT_SUCCESS(fake_tree_add_iommu(&tree), "iommu");
	TEST_ASSERT_SUCCESS(fake_tree_add_iommu_hw(&tree), "IOMMU");
	TEST_ASSERT_SUCCESS(run_child("--vfio-mode=auto"),
		"auto mode failed");
	TEST_ASSERT_SUCCESS(expect_log("VFIO mode: group (auto: no "),
		"decision");
	return expect_log("vfio/devices (no device has a VFIO cdev)");
}

/*
 * A bus whose devices use the VFIO container itself (DPAA2's fslmc):
 * a child started with VFIO_TEST_FSLMC_BUS has one, with a device.
 */
static struct rte_device fslmc_device = { .name = "dpni.1" };

static int
fslmc_scan(void)
{
	return 0;
}

static int
fslmc_probe(void)
{
	return 0;
}

static struct rte_device *
fslmc_find(const struct rte_device *start, rte_dev_cmp_t cmp,
		const void *data)
{
	if (start != NULL || cmp(&fslmc_device, data) != 0)
		return NULL;
	return &fslmc_device;
}

static struct rte_bus fslmc_bus = {
	.name = "fslmc",
	.scan = fslmc_scan,
	.probe = fslmc_probe,
	.find_device = fslmc_find,
};

RTE_INIT(vfio_test_fslmc_bus)
{
	if (getenv("VFIO_TEST_FSLMC_BUS") != NULL)
		rte_bus_register(&fslmc_bus);
}

/*
 * An IOMMU that cannot isolate MSIs, which the host lets type1 (group
 * mode) use and not iommufd: group mode drives the devices, cdev mode
 * would refuse them, so auto picks group.
 */
static int
test_auto_unsafe_interrupts(void)
{
	TEST_ASSERT_SUCCESS(cdev_host(), "host");
	TEST_ASSERT_SUCCESS(fake_tree_write_sys(&tree, "kernel/irq/24/chip_name",
		"PCI-MSIX-0000:00:02.0\n"), "chip");
	TEST_ASSERT_SUCCESS(fake_tree_write_sys(&tree,
		"module/vfio_iommu_type1/parameters/allow_unsafe_interrupts",
		"Y\n"), "type1 parameter");
	TEST_ASSERT_SUCCESS(run_child("--vfio-mode=auto"), "auto mode failed");
	return expect_log("VFIO mode: group (auto: the IOMMU does not isolate MSIs, which vfio_iommu_type1 allows and iommufd does not)");
}

/* Auto leaves such a host in group mode, where the bus has its container. */
static int
test_auto_with_container_bus(void)
{
	int ret;

	TEST_ASSERT_SUCCESS(cdev_host(), "host");
	setenv("VFIO_TEST_FSLMC_BUS", "1", 1);
	ret = run_child("--vfio-mode=auto");
	unsetenv("VFIO_TEST_FSLMC_BUS");
	TEST_ASSERT_SUCCESS(ret, "auto mode failed");
	return expect_log("VFIO mode: group (auto: the fslmc bus uses the VFIO container)");
}

/* A host without IOMMU: vfio-pci devices are in no-IOMMU groups or none,
 * which VFIO cdevs cannot use.
 */
static int
test_auto_without_iommu(void)
{
	TEST_ASSERT_SUCCESS(fake_tree_add_iommu(&tree), "iommu");
	TEST_ASSERT_SUCCESS(fake_tree_add_devices_dir(&tree), "devices dir");
	TEST_ASSERT_SUCCESS(run_child("--vfio-mode=auto"),
		"auto mode failed");
	return expect_log("VFIO mode: group (auto: no IOMMU (");
}

static int
test_auto_noiommu_mode(void)
{
	TEST_ASSERT_SUCCESS(cdev_host(), "host");
	TEST_ASSERT_SUCCESS(fake_tree_set_noiommu(&tree, "Y"), "noiommu");
	TEST_ASSERT_SUCCESS(run_child("--vfio-mode=auto"),
		"auto mode failed");
	return expect_log("VFIO mode: group (auto: VFIO runs in no-IOMMU mode");
}

/*
 * Auto mode opens /dev/iommu before it picks cdev: the fake node has no
 * driver, so it falls back to group and says why. (The test bed shows
 * auto picking cdev on a real kernel.) "N" is no no-IOMMU mode.
 */
static int
test_auto_needs_usable_iommufd(void)
{
	TEST_ASSERT_SUCCESS(cdev_host(), "host");
	TEST_ASSERT_SUCCESS(fake_tree_set_noiommu(&tree, "N"), "noiommu");
	TEST_ASSERT_SUCCESS(run_child("--vfio-mode=auto"),
		"auto mode failed");
	return expect_log("VFIO mode: group (auto: cannot open ");
}

/* Without an option, auto is in effect. */
static int
test_default_is_auto(void)
{
	TEST_ASSERT_SUCCESS(fake_tree_add_devices_dir(&tree), "devices dir");
	TEST_ASSERT_SUCCESS(run_child("--log-level=lib.eal:info"),
		"default mode failed");
	return expect_log("VFIO mode: group (auto: no ");
}

/* --vfio-mode=cdev where it cannot work: one clear line, EAL fails. */
static int
expect_cdev_refused(const char *why)
{
	TEST_ASSERT(run_child("--vfio-mode=cdev") != 0,
		"cdev mode must fail here");
	TEST_ASSERT_SUCCESS(expect_log("VFIO cdev mode cannot be used: "),
		"no clear message");
	return expect_log(why);
}

static int
test_cdev_without_iommufd(void)
{
	TEST_ASSERT_SUCCESS(fake_tree_add_devices_dir(&tree), "devices dir");
	return expect_cdev_refused("/iommu: load iommufd, or use a kernel with CONFIG_IOMMUFD");
}

/* iommufd loaded but no node (devtmpfs missing, say): no module advice. */
static int
test_cdev_iommufd_loaded_no_node(void)
{
	char path[PATH_MAX];

	TEST_ASSERT_SUCCESS(fake_tree_add_devices_dir(&tree), "devices dir");
	snprintf(path, sizeof(path), "%s/module", tree.sys);
	mkdir(path, 0755);
	strlcat(path, "/iommufd", sizeof(path));
	TEST_ASSERT_SUCCESS(mkdir(path, 0755), "%s", path);
	TEST_ASSERT_SUCCESS(expect_cdev_refused("/iommu; use --vfio-mode"),
		"refusal");
	TEST_ASSERT_NULL(strstr(child_log, "load iommufd"),
		"advice to load a module already loaded");
	return TEST_SUCCESS;
}

/*
 * No device has a cdev yet (/dev/vfio/devices appears with the first
 * one): an application that binds its devices later, and hotplugs them,
 * is not refused for that. The fake /dev/iommu then fails to open.
 */
static int
test_cdev_before_any_device(void)
{
	TEST_ASSERT_SUCCESS(fake_tree_add_iommu(&tree), "iommu");
	TEST_ASSERT_SUCCESS(fake_tree_add_iommu_hw(&tree), "IOMMU");
	TEST_ASSERT(run_child("--vfio-mode=cdev") != 0,
		"cdev mode with an unusable /dev/iommu must fail");
	TEST_ASSERT_SUCCESS(expect_log("/iommu: No such device or address"),
		"did not get to opening /dev/iommu");
	TEST_ASSERT_NULL(strstr(child_log, "cannot be used"),
		"refused for lack of /dev/vfio/devices");
	return TEST_SUCCESS;
}

static int
test_cdev_without_iommu(void)
{
	TEST_ASSERT_SUCCESS(fake_tree_add_iommu(&tree), "iommu");
	TEST_ASSERT_SUCCESS(fake_tree_add_devices_dir(&tree), "devices dir");
	return expect_cdev_refused("no IOMMU (");
}

static int
test_cdev_noiommu_mode(void)
{
	TEST_ASSERT_SUCCESS(cdev_host(), "host");
	TEST_ASSERT_SUCCESS(fake_tree_set_noiommu(&tree, "Y"), "noiommu");
	return expect_cdev_refused("VFIO runs in no-IOMMU mode");
}

/* Everything present but /dev/iommu cannot be opened: said so. */
static int
test_cdev_unopenable_iommufd(void)
{
	TEST_ASSERT_SUCCESS(cdev_host(), "host");
	TEST_ASSERT(run_child("--vfio-mode=cdev") != 0,
		"cdev mode with an unusable /dev/iommu must fail");
	TEST_ASSERT_SUCCESS(expect_log("VFIO mode: cdev (--vfio-mode=cdev)"),
		"decision");
	return expect_log("/iommu: No such device or address");
}

static int
test_mode_names(void)
{
	TEST_ASSERT_SUCCESS(strcmp(rte_vfio_mode_name(RTE_VFIO_MODE_AUTO),
		"auto"), "auto");
	TEST_ASSERT_SUCCESS(strcmp(rte_vfio_mode_name(RTE_VFIO_MODE_GROUP),
		"group"), "group");
	TEST_ASSERT_SUCCESS(strcmp(rte_vfio_mode_name(RTE_VFIO_MODE_CDEV),
		"cdev"), "cdev");
	TEST_ASSERT_SUCCESS(strcmp(rte_vfio_mode_name(42), "unknown"),
		"out of range");
	TEST_ASSERT(rte_vfio_mode_get() != RTE_VFIO_MODE_AUTO,
		"the mode in effect is never auto");
	return TEST_SUCCESS;
}

static struct unit_test_suite vfio_cdev_mode_suite = {
	.suite_name = "--vfio-mode",
	.unit_test_cases = {
		TEST_CASE(test_mode_names),
		TEST_CASE(test_invalid_values),
		TEST_CASE_ST(tree_setup, tree_teardown, test_group),
		TEST_CASE_ST(tree_setup, tree_teardown,
			test_auto_without_iommufd),
		TEST_CASE_ST(tree_setup, tree_teardown, test_auto_without_cdevs),
		TEST_CASE_ST(tree_setup, tree_teardown, test_auto_without_iommu),
		TEST_CASE_ST(tree_setup, tree_teardown, test_auto_noiommu_mode),
		TEST_CASE_ST(tree_setup, tree_teardown,
			test_auto_needs_usable_iommufd),
		TEST_CASE_ST(tree_setup, tree_teardown, test_default_is_auto),
		TEST_CASE_ST(tree_setup, tree_teardown,
			test_auto_with_container_bus),
		TEST_CASE_ST(tree_setup, tree_teardown,
			test_auto_unsafe_interrupts),
		TEST_CASE_ST(tree_setup, tree_teardown,
			test_cdev_without_iommufd),
		TEST_CASE_ST(tree_setup, tree_teardown,
			test_cdev_iommufd_loaded_no_node),
		TEST_CASE_ST(tree_setup, tree_teardown,
			test_cdev_before_any_device),
		TEST_CASE_ST(tree_setup, tree_teardown, test_cdev_without_iommu),
		TEST_CASE_ST(tree_setup, tree_teardown, test_cdev_noiommu_mode),
		TEST_CASE_ST(tree_setup, tree_teardown,
			test_cdev_unopenable_iommufd),
		TEST_CASES_END()
	}
};

static int
test_vfio_cdev_mode(void)
{
	return unit_test_suite_runner(&vfio_cdev_mode_suite);
}

REGISTER_TEST_COMMAND(vfio_cdev_mode_autotest, test_vfio_cdev_mode);
