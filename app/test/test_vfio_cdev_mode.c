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
#include <stdbool.h>
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

/* Run a child EAL with up to two args after the common ones, and
 * in_fd, if not -1, as its fd 0 (process_dup() closes any other fd the
 * child would inherit); keep its log.
 */
static int
run_child_fd(int in_fd, const char *arg1, const char *arg2)
{
	const char *argv[] = {
		prgname, "--no-huge", "-m", "32", "--no-shconf",
		"--file-prefix=vfio_cdev_mode", "--log-level=lib.eal:info",
		"--no-pci", arg1, arg2,
	};
	int saved_in, saved_out, saved_err, fd, status;
	ssize_t n;

	fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	fflush(stdout);
	fflush(stderr);
	saved_in = dup(STDIN_FILENO);
	saved_out = dup(STDOUT_FILENO);
	saved_err = dup(STDERR_FILENO);
	if (in_fd >= 0)
		dup2(in_fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	status = process_dup(argv, RTE_DIM(argv) - (arg2 == NULL),
		CHILD_ACTION);
	fflush(stdout);
	dup2(saved_in, STDIN_FILENO);
	dup2(saved_out, STDOUT_FILENO);
	dup2(saved_err, STDERR_FILENO);
	close(saved_in);
	close(saved_out);
	close(saved_err);

	n = pread(fd, child_log, sizeof(child_log) - 1, 0);
	close(fd);
	child_log[n > 0 ? n : 0] = '\0';
	printf("--- child with %s %s: status %d ---\n%s--- end ---\n", arg1,
		arg2 != NULL ? arg2 : "", status, child_log);
	return status;
}

static int
run_child(const char *mode_arg)
{
	return run_child_fd(-1, mode_arg, NULL);
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

/* No-IOMMU mode: the refusal says whether the kernel gives no-IOMMU
 * devices cdevs (7.3) or not (6.12: no noiommu-vfioN in sysfs).
 */
static int
test_cdev_noiommu_mode(void)
{
	TEST_ASSERT_SUCCESS(cdev_host(), "host");
	TEST_ASSERT_SUCCESS(fake_tree_set_noiommu(&tree, "Y"), "noiommu");
	return expect_cdev_refused("VFIO runs in no-IOMMU mode, and no device has a noiommu-vfioN cdev");
}

/* A no-IOMMU host of Linux 7.3: no IOMMU, a noiommu-vfioN cdev, and
 * the VFIO container if with_container.
 */
static int
noiommu_cdev_host(bool with_container)
{
	char path[PATH_MAX];
	int fd;

	TEST_ASSERT_SUCCESS(fake_tree_add_iommu(&tree), "iommu");
	TEST_ASSERT_SUCCESS(fake_tree_add_devices_dir(&tree), "devices dir");
	TEST_ASSERT_SUCCESS(fake_tree_set_noiommu(&tree, "Y"), "noiommu");
	TEST_ASSERT_SUCCESS(fake_tree_write_sys(&tree,
		"class/vfio-dev/noiommu-vfio0/dev", "511:0\n"),
		"noiommu cdev");
	if (!with_container)
		return TEST_SUCCESS;
	snprintf(path, sizeof(path), "%s/vfio/vfio", tree.dev);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	TEST_ASSERT(fd >= 0, "%s", path);
	close(fd);
	return TEST_SUCCESS;
}

/* cdev mode drives noiommu-vfioN cdevs, with no IOMMU: it gets as far as
 * the fake /dev/iommu.
 */
static int
test_cdev_noiommu_cdevs(void)
{
	TEST_ASSERT_SUCCESS(noiommu_cdev_host(false), "host");
	TEST_ASSERT(run_child("--vfio-mode=cdev") != 0,
		"cdev mode with an unusable /dev/iommu must fail");
	TEST_ASSERT_NULL(strstr(child_log, "cannot be used"),
		"cdev mode refused no-IOMMU devices with cdevs");
	return expect_log("/iommu: No such device or address");
}

/* Auto keeps group mode on a no-IOMMU host that has the container... */
static int
test_auto_noiommu_container(void)
{
	TEST_ASSERT_SUCCESS(noiommu_cdev_host(true), "host");
	TEST_ASSERT_SUCCESS(run_child("--vfio-mode=auto"),
		"auto mode failed");
	TEST_ASSERT_SUCCESS(expect_log("VFIO mode: group (auto: VFIO runs in no-IOMMU mode, and "),
		"decision");
	return expect_log("/vfio/vfio is there)");
}

/* ...and goes for cdev mode on one with cdevs only (here as far as
 * opening the fake /dev/iommu).
 */
static int
test_auto_noiommu_cdevs_only(void)
{
	TEST_ASSERT_SUCCESS(noiommu_cdev_host(false), "host");
	TEST_ASSERT_SUCCESS(run_child("--vfio-mode=auto"),
		"auto mode failed");
	return expect_log("VFIO mode: group (auto: cannot open ");
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

/*
 * Fds handed in (--vfio-iommufd, --vfio-device-fd): checked when parsed,
 * refused with one line each; an iommufd handed in makes auto pick cdev
 * and needs no /dev/iommu, and is refused if it is not one. The test bed
 * (fd-launcher.sh) runs them for real.
 */

/* The child runs with args, path open as asked as its fd 0 (or none):
 * it must fail, saying line.
 */
static int
expect_refused(const char *path, int flags, const char *arg1,
		const char *arg2, const char *line)
{
	int fd = -1, status;

	if (path != NULL) {
		fd = open(path, flags | O_CLOEXEC, 0600);
		TEST_ASSERT(fd >= 0, "cannot open %s", path);
	}
	status = run_child_fd(fd, arg1, arg2);
	if (fd >= 0)
		close(fd);
	TEST_ASSERT(status != 0, "%s %s accepted", arg1,
		arg2 != NULL ? arg2 : "");
	return expect_log(line);
}

static int
test_fds_malformed(void)
{
	static const char * const bad[] = {
		"--vfio-iommufd=", "--vfio-iommufd=x", "--vfio-iommufd=-1",
		"--vfio-iommufd=3 ", "--vfio-iommufd=99999999999",
	};
	static const char * const bad_dev[] = {
		"--vfio-device-fd=3", "--vfio-device-fd=0000:00:02.0",
		"--vfio-device-fd=0000:00:02.0=", "--vfio-device-fd==3",
		"--vfio-device-fd=0000:00:02=3", "--vfio-device-fd=00:02.8=3",
		"--vfio-device-fd=0000:00:20.0=3", "--vfio-device-fd=net_tap0=3",
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(bad); i++)
		TEST_ASSERT_SUCCESS(expect_refused(NULL, 0, bad[i], NULL,
			"expected a file descriptor number"), "%s", bad[i]);
	for (i = 0; i < RTE_DIM(bad_dev); i++)
		TEST_ASSERT_SUCCESS(expect_refused(NULL, 0, bad_dev[i], NULL,
			"expected PCI address=fd, e.g. 0000:00:02.0=5"), "%s",
			bad_dev[i]);
	return TEST_SUCCESS;
}

static int
test_fds_not_usable(void)
{
	TEST_ASSERT_SUCCESS(expect_refused(NULL, 0, "--vfio-iommufd=999",
		NULL, "--vfio-iommufd: fd 999 is not open"), "closed fd");
	TEST_ASSERT_SUCCESS(expect_refused("/dev/null", O_RDONLY,
		"--vfio-device-fd=0000:00:02.0=0", NULL,
		"fd 0 (/dev/null) is not open for reading and writing; refused"),
		"read-only fd");
	TEST_ASSERT_SUCCESS(expect_refused("/dev/null", O_RDWR,
		"--vfio-device-fd=0000:00:02.0=0",
		"--vfio-device-fd=00:02.0=0",
		"--vfio-device-fd: 0000:00:02.0 given twice"), "twice");
	TEST_ASSERT_SUCCESS(expect_refused("/dev/null", O_RDWR,
		"--vfio-device-fd=0000:00:02.0=0", "--vfio-iommufd=0",
		"--vfio-iommufd: fd 0 is already given for 0000:00:02.0"),
		"one fd for two things");
	return TEST_SUCCESS;
}

/* The fds are cdev mode's: group mode refuses them, auto picks cdev. */
static int
test_fds_mode(void)
{
	TEST_ASSERT_SUCCESS(fake_tree_add_iommu(&tree), "iommu");
	TEST_ASSERT_SUCCESS(expect_refused("/dev/null", O_RDWR,
		"--vfio-mode=group", "--vfio-iommufd=0",
		"--vfio-iommufd: fds handed in are for cdev mode, not group mode; leave out --vfio-mode=group"),
		"group mode");
	return expect_refused("/dev/null", O_RDWR, "--vfio-mode=auto",
		"--vfio-iommufd=0",
		"VFIO mode: cdev (auto: fds handed in with --vfio-iommufd)");
}

/*
 * An iommufd handed in needs no /dev/iommu (the tree has none) and must
 * be one: /dev/null is refused by the IOAS allocation it cannot do where
 * sysfs does not say what /dev/iommu is, by its device number where it
 * does; a regular file for not being a character device.
 */
static int
test_fds_not_iommufd(void)
{
	char path[PATH_MAX];

	TEST_ASSERT_SUCCESS(fake_tree_add_iommu_hw(&tree), "IOMMU");
	TEST_ASSERT_SUCCESS(expect_refused("/dev/null", O_RDWR,
		"--vfio-mode=cdev", "--vfio-iommufd=0",
		"IOMMU_IOAS_ALLOC on fd 0 (/dev/null): Inappropriate ioctl for device (not an iommufd); refused"),
		"ioctl");
	TEST_ASSERT_NULL(strstr(child_log, "cannot be used"),
		"/dev/iommu asked for");
	TEST_ASSERT_SUCCESS(fake_tree_write_sys(&tree, "class/misc/iommu/dev",
		"10:123\n"), "misc dev");
	TEST_ASSERT_SUCCESS(expect_refused("/dev/null", O_RDWR,
		"--vfio-mode=cdev", "--vfio-iommufd=0",
		"--vfio-iommufd: fd 0 (/dev/null) is not /dev/iommu; refused"),
		"devt");
	snprintf(path, sizeof(path), "%s/not-an-iommufd", tree.dev);
	return expect_refused(path, O_RDWR | O_CREAT, "--vfio-mode=cdev",
		"--vfio-iommufd=0", "not-an-iommufd) is not /dev/iommu; refused");
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
		TEST_CASE_ST(tree_setup, tree_teardown, test_cdev_noiommu_cdevs),
		TEST_CASE_ST(tree_setup, tree_teardown,
			test_auto_noiommu_container),
		TEST_CASE_ST(tree_setup, tree_teardown,
			test_auto_noiommu_cdevs_only),
		TEST_CASE_ST(tree_setup, tree_teardown,
			test_cdev_unopenable_iommufd),
		TEST_CASE(test_fds_malformed),
		TEST_CASE(test_fds_not_usable),
		TEST_CASE_ST(tree_setup, tree_teardown, test_fds_mode),
		TEST_CASE_ST(tree_setup, tree_teardown, test_fds_not_iommufd),
		TEST_CASES_END()
	}
};

static int
test_vfio_cdev_mode(void)
{
	return unit_test_suite_runner(&vfio_cdev_mode_suite);
}

REGISTER_TEST_COMMAND(vfio_cdev_mode_autotest, test_vfio_cdev_mode);
