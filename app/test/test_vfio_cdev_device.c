/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * EAL's VFIO cdev device side against fake devfs/sysfs trees: which cdev
 * a device resolves to, what is refused, that the node opened is the
 * device's even when the kernel hands its number to another device
 * meanwhile, that a failed rte_vfio_setup_device() in cdev mode leaves no
 * fd behind (fd 0 included) and hands nothing out, and who gives a VF
 * token at bind.
 * The nodes are memory devices under other names, so opening works and
 * the VFIO ioctls fail (ENOTTY), as they would on a foreign device.
 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <rte_errno.h>
#include <rte_string_fns.h>

#include "test.h"
#include "vfio_test_proc.h"
#include "vfio_cdev_fake_tree.h"
#include "eal_vfio_cdev.h"

static struct fake_tree tree;

static const struct fake_pci e1000e_a = {
	"0000:00:02.0", "0x8086", "0x10d3", "0x8086", "0x0000", "0x020000", NULL
};
static const struct fake_pci e1000e_b = {
	"0000:00:03.0", "0x8086", "0x10d3", "0x8086", "0x0000", "0x020000", NULL
};
static const struct fake_pci virtio_net = {
	"0000:00:04.0", "0x1af4", "0x1041", "0x1af4", "0x1100", "0x020000", NULL
};
static const struct fake_pci unbound = {
	"0000:00:06.0", "0x8086", "0x10d3", "0x8086", "0x0000", "0x020000", ""
};

/* A device as rte_vfio_setup_device() starts it. */
static struct vfio_cdev_device dev;

/* What the PCI bus passes as sysfs_base: the fake tree's. */
static const char *
sysfs_base(void)
{
	return getenv("SYSFS_PCI_DEVICES");
}

static void
dev_set(const char *bdf)
{
	memset(&dev, 0, sizeof(dev));
	strlcpy(dev.name, bdf, sizeof(dev.name));
	snprintf(dev.sysfs_dir, sizeof(dev.sysfs_dir), "%s/%s", sysfs_base(),
		bdf);
	dev.fd = -1;
}

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

/* The three devices above as vfio0 (virtio), vfio1 and vfio2 (e1000e):
 * cdev numbers do not follow PCI order, as on a real machine.
 */
static int
add_three(enum fake_node vfio1_node)
{
	TEST_ASSERT_SUCCESS(fake_tree_add_device(&tree, 0, &virtio_net,
		FAKE_NODE_OK), "add vfio0");
	TEST_ASSERT_SUCCESS(fake_tree_add_device(&tree, 1, &e1000e_a,
		vfio1_node), "add vfio1");
	TEST_ASSERT_SUCCESS(fake_tree_add_device(&tree, 2, &e1000e_b,
		FAKE_NODE_OK), "add vfio2");
	return TEST_SUCCESS;
}

static int
expect_resolved(const char *bdf, unsigned int minor)
{
	char name[VFIO_CDEV_NAME_LEN];

	dev_set(bdf);
	TEST_ASSERT_SUCCESS(vfio_cdev_resolve(&dev), "%s not resolved", bdf);
	snprintf(name, sizeof(name), "vfio%u", minor);
	TEST_ASSERT_SUCCESS(strcmp(dev.cdev_name, name), "%s: cdev %s, not %s",
		bdf, dev.cdev_name, name);
	TEST_ASSERT_EQUAL(dev.devt, fake_tree_cdev_devt(minor), "%s: devt",
		bdf);
	return TEST_SUCCESS;
}

static int
test_name_valid(void)
{
	static const char * const good[] = {
		"vfio0", "vfio17", "vfio4095", "noiommu-vfio0",
		"noiommu-vfio1234567890123456789",
	};
	static const char * const bad[] = {
		"vfio", "vfio-1", "vfio1a", "vfi0", "0000:00:02.0", "", "VFIO0",
		"vfio1234567890123456789012345678", "noiommu-vfio",
		"noiommu-", "noiommuvfio0", "noiommu-noiommu-vfio0",
		"NOIOMMU-vfio0", "noiommu-vfio12345678901234567890",
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(good); i++)
		TEST_ASSERT(vfio_cdev_name_valid(good[i]), "%s refused",
			good[i]);
	for (i = 0; i < RTE_DIM(bad); i++)
		TEST_ASSERT(!vfio_cdev_name_valid(bad[i]), "%s accepted",
			bad[i]);
	return TEST_SUCCESS;
}

static int
test_parse_devt(void)
{
	static const struct {
		const char *s;
		unsigned int maj, min;
	} good[] = {
		{ "511:0", 511, 0 }, { "1:3", 1, 3 },
		{ "4095:1048575", 4095, 1048575 }, { "007:08", 7, 8 },
	};
	static const char * const bad[] = {
		"", ":", "1:", ":1", "1:2:3", "+1:2", " 1:2", "1: 2", "1:-2",
		"1:2\n", "1:2x", "4096:0", "1:1048576", "4294967296:0",
		"1:4294967297", "18446744073709551617:1", "a:b",
	};
	unsigned int i;
	dev_t devt;

	for (i = 0; i < RTE_DIM(good); i++) {
		TEST_ASSERT_SUCCESS(vfio_cdev_parse_devt(good[i].s, &devt),
			"\"%s\" refused", good[i].s);
		TEST_ASSERT(major(devt) == good[i].maj &&
			minor(devt) == good[i].min, "\"%s\" read as %u:%u",
			good[i].s, major(devt), minor(devt));
	}
	for (i = 0; i < RTE_DIM(bad); i++)
		TEST_ASSERT_FAIL(vfio_cdev_parse_devt(bad[i], &devt),
			"\"%s\" accepted", bad[i]);
	return TEST_SUCCESS;
}

/* --vfio-device-fd's ADDR=FD, and the fd of --vfio-iommufd */
static int
test_parse_device_fd(void)
{
	static const struct {
		const char *s, *addr;
		int fd;
	} good[] = {
		{ "0000:00:02.0=5", "0000:00:02.0", 5 },
		{ "00:02.0=0", "0000:00:02.0", 0 },
		{ "0001:AB:1f.7=2147483647", "0001:ab:1f.7", 2147483647 },
		{ "12345678:ff:00.0=12", "12345678:ff:00.0", 12 },
		{ "10000:00:02.0=3", "10000:00:02.0", 3 },
	};
	static const char * const bad[] = {
		"", "=", "=3", "0000:00:02.0", "0000:00:02.0=", "00:02.0=x",
		"0000:00:02.0=-1", "0000:00:02.0=2147483648", "000:00:02.0=3",
		"123456789:00:02.0=3", "0000:0:02.0=3", "0000:00:2.0=3",
		"0000:00:20.0=3", "0000:00:02.8=3", "0000:00:02.0=3 ",
		" 0000:00:02.0=3", "0000:00:02.0=+3", "0000-00:02.0=3",
		"0000:00:02=3", "0000:00:02.00=3", "net_tap0=3", "g0:02.0=3",
	};
	char addr[VFIO_CDEV_PCI_ADDR_LEN];
	unsigned int i;
	int fd;

	for (i = 0; i < RTE_DIM(good); i++) {
		TEST_ASSERT_SUCCESS(vfio_cdev_parse_device_fd(good[i].s, addr,
			&fd), "\"%s\" refused", good[i].s);
		TEST_ASSERT(strcmp(addr, good[i].addr) == 0 &&
			fd == good[i].fd, "\"%s\" read as %s=%d", good[i].s,
			addr, fd);
	}
	for (i = 0; i < RTE_DIM(bad); i++)
		TEST_ASSERT_FAIL(vfio_cdev_parse_device_fd(bad[i], addr, &fd),
			"\"%s\" accepted", bad[i]);
	TEST_ASSERT(vfio_cdev_parse_fd("007", &fd) == 0 && fd == 7, "007");
	TEST_ASSERT_FAIL(vfio_cdev_parse_fd("", &fd), "empty fd accepted");
	return TEST_SUCCESS;
}

static int
test_resolve(void)
{
	TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_OK), "tree");
	TEST_ASSERT_SUCCESS(expect_resolved("0000:00:02.0", 1), "a");
	TEST_ASSERT_SUCCESS(expect_resolved("0000:00:03.0", 2), "b");
	TEST_ASSERT_SUCCESS(expect_resolved("0000:00:04.0", 0), "virtio");
	return TEST_SUCCESS;
}

/* 0000:00:02.0 is refused; the others still resolve; no fd is left. */
static int
expect_a_refused(void)
{
	int fds = proc_fd_count();

	dev_set("0000:00:02.0");
	TEST_ASSERT_FAIL(vfio_cdev_resolve(&dev), "0000:00:02.0 accepted");
	TEST_ASSERT_EQUAL(proc_fd_count(), fds, "fd left behind");
	TEST_ASSERT_SUCCESS(expect_resolved("0000:00:03.0", 2), "b");
	return expect_resolved("0000:00:04.0", 0);
}

static int
test_rdev_mismatch(void)
{
	TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_WRONG_RDEV), "tree");
	return expect_a_refused();
}

static int
test_regular_file(void)
{
	TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_REGULAR), "tree");
	return expect_a_refused();
}

static int
test_symlink(void)
{
	TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_SYMLINK), "tree");
	return expect_a_refused();
}

static int
test_block_device(void)
{
	TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_BLOCK), "tree");
	return expect_a_refused();
}

static int
test_node_missing(void)
{
	TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_NONE), "tree");
	return expect_a_refused();
}

/* vfio-dev/vfioN exists without dev when VFIO_DEVICE_CDEV is off. */
static int
test_cdev_support_off(void)
{
	TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_OK), "tree");
	TEST_ASSERT_SUCCESS(fake_tree_remove_sys(&tree,
		"devices/pci0000:00/0000:00:02.0/vfio-dev/vfio1/dev"),
		"remove dev");
	return expect_a_refused();
}

/* A device bound to vfio-pci on a kernel without VFIO cdevs: refused,
 * not taken for a device VFIO does not manage.
 */
static int
test_no_vfio_dev(void)
{
	int ret;

	TEST_ASSERT_SUCCESS(fake_tree_add_device(&tree, -1, &e1000e_a,
		FAKE_NODE_NONE), "add");
	dev_set("0000:00:02.0");
	ret = vfio_cdev_resolve(&dev);
	TEST_ASSERT(ret < 0 && ret != -ENOENT,
		"resolved without vfio-dev, or said not managed (%d)", ret);
	return TEST_SUCCESS;
}

static int
test_two_cdevs(void)
{
	TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_OK), "tree");
	TEST_ASSERT_SUCCESS(fake_tree_add_cdev(&tree, "0000:00:02.0", 7),
		"second cdev");
	TEST_ASSERT_SUCCESS(fake_tree_set_node(&tree, 7, FAKE_NODE_OK), "node");
	return expect_a_refused();
}

/*
 * A device VFIO does not manage (another driver, or none) is "not
 * managed" (-ENOENT), which rte_vfio_setup_device() reports as group mode
 * does; one of a VFIO variant driver resolves, as group mode's
 * rte_vfio_setup_device() opens it (the PCI bus leaves those alone).
 */
static int
test_other_drivers(void)
{
	static const struct {
		const char *driver;
		int minor;	/* its cdev, or none */
		int want;
	} cases[] = {
		{ "e1000e", -1, -ENOENT }, { "", -1, -ENOENT },
		{ "mlx5_vfio_pci", 1, 0 }, { "virtio_vfio_pci", 1, 0 },
	};
	struct fake_pci other = e1000e_a;
	unsigned int i;
	int ret;

	for (i = 0; i < RTE_DIM(cases); i++) {
		printf("driver \"%s\"\n", cases[i].driver);
		other.driver = cases[i].driver;
		TEST_ASSERT_SUCCESS(fake_tree_add_device(&tree, cases[i].minor,
			&other, FAKE_NODE_OK), "add");
		dev_set("0000:00:02.0");
		ret = vfio_cdev_resolve(&dev);
		tree_teardown();
		TEST_ASSERT_EQUAL(ret, cases[i].want, "driver \"%s\": %d",
			cases[i].driver, ret);
		TEST_ASSERT_SUCCESS(tree_setup(), "tree");
	}
	return TEST_SUCCESS;
}

/* Each bad dev file content makes 0000:00:02.0 refused, those around the
 * right numbers too.
 */
static int
test_garbage(void)
{
	static const struct {
		const char *before, *after;	/* around "major:minor" */
	} around[] = {
		{ "", ":2" }, { "-", "" }, { "", " " }, { " ", "" },
		{ "", "\n" }, { "0x", "" }, { "", "x" }, { "+", "" },
	};
	static const char * const whole[] = { "", "\n", "1\n", "1:x\n", ":\n" };
	dev_t devt = fake_tree_cdev_devt(1);
	char content[64];
	unsigned int i, n = RTE_DIM(around) + RTE_DIM(whole);
	int ret;

	for (i = 0; i < n; i++) {
		if (i < RTE_DIM(around))
			snprintf(content, sizeof(content), "%s%u:%u%s\n",
				around[i].before, major(devt), minor(devt),
				around[i].after);
		else
			snprintf(content, sizeof(content), "%s",
				whole[i - RTE_DIM(around)]);
		printf("garbage case %u: \"%s\"\n", i, content);
		TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_OK), "tree");
		TEST_ASSERT_SUCCESS(fake_tree_write_sys(&tree,
			"devices/pci0000:00/0000:00:02.0/vfio-dev/vfio1/dev",
			content), "write");
		ret = expect_a_refused();
		tree_teardown();
		TEST_ASSERT_SUCCESS(ret, "case %u accepted garbage", i);
		TEST_ASSERT_SUCCESS(tree_setup(), "tree");
	}
	return TEST_SUCCESS;
}

/* Resolved, then opened: the fd is the node's, and nothing else stays. */
static int
test_open(void)
{
	struct stat st;
	int fds;

	TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_OK), "tree");
	fds = proc_fd_count();
	TEST_ASSERT_SUCCESS(expect_resolved("0000:00:02.0", 1), "resolve");
	TEST_ASSERT_SUCCESS(vfio_cdev_open(&dev), "open");
	TEST_ASSERT(fstat(dev.fd, &st) == 0 && st.st_rdev == dev.devt,
		"the fd is not the node's device");
	TEST_ASSERT_EQUAL((fcntl(dev.fd, F_GETFL) & O_NONBLOCK), 0,
		"the fd is left non-blocking");
	TEST_ASSERT(fcntl(dev.fd, F_GETFD) & FD_CLOEXEC, "no close-on-exec");
	vfio_cdev_close(&dev);
	TEST_ASSERT_EQUAL(proc_fd_count(), fds, "fd left behind");
	return TEST_SUCCESS;
}

/*
 * The kernel hands out the lowest free vfioN: after an unbind, another
 * device gets the number, node and devt of the first. Between the
 * resolution and the open, 0000:00:02.0's vfio1 goes to 0000:00:05.0, and
 * 0000:00:02.0 comes back as vfio3: the node opens and its devt matches,
 * but it is not 0000:00:02.0's any more.
 */
static int
test_cdev_reused(void)
{
	static const struct fake_pci other = {
		"0000:00:05.0", "0x8086", "0x10d3", "0x8086", "0x0000",
		"0x020000", NULL
	};
	int fds;

	TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_OK), "tree");
	TEST_ASSERT_SUCCESS(fake_tree_add_device(&tree, -1, &other,
		FAKE_NODE_NONE), "other device");
	fds = proc_fd_count();
	TEST_ASSERT_SUCCESS(expect_resolved("0000:00:02.0", 1), "resolve");

	TEST_ASSERT_SUCCESS(fake_tree_remove_cdev(&tree, "0000:00:02.0", 1),
		"unbind");
	TEST_ASSERT_SUCCESS(fake_tree_add_cdev(&tree, "0000:00:05.0", 1),
		"other device takes vfio1");
	TEST_ASSERT_SUCCESS(fake_tree_add_cdev(&tree, "0000:00:02.0", 3),
		"rebind as vfio3");
	TEST_ASSERT_SUCCESS(fake_tree_set_node(&tree, 3, FAKE_NODE_OK), "node");

	TEST_ASSERT_FAIL(vfio_cdev_open(&dev),
		"another device's cdev was opened for 0000:00:02.0");
	TEST_ASSERT_EQUAL(dev.fd, -1, "fd kept");
	TEST_ASSERT_EQUAL(proc_fd_count(), fds, "fd left behind");
	return expect_resolved("0000:00:02.0", 3);
}

/* The node is replaced by a link between the resolution and the open. */
static int
test_node_swapped(void)
{
	int fds;

	TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_OK), "tree");
	fds = proc_fd_count();
	TEST_ASSERT_SUCCESS(expect_resolved("0000:00:02.0", 1), "resolve");
	TEST_ASSERT_SUCCESS(fake_tree_set_node(&tree, 1, FAKE_NODE_SYMLINK),
		"swap");
	TEST_ASSERT_FAIL(vfio_cdev_open(&dev), "a symlink was followed");
	TEST_ASSERT_EQUAL(proc_fd_count(), fds, "fd left behind");
	return TEST_SUCCESS;
}

/* The node is replaced by another character device between the
 * resolution and the open: what is opened is checked, not just what was
 * looked at.
 */
static int
test_node_replaced(void)
{
	int fds;

	TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_OK), "tree");
	fds = proc_fd_count();
	TEST_ASSERT_SUCCESS(expect_resolved("0000:00:02.0", 1), "resolve");
	TEST_ASSERT_SUCCESS(fake_tree_set_node(&tree, 1, FAKE_NODE_WRONG_RDEV),
		"replace");
	TEST_ASSERT_FAIL(vfio_cdev_open(&dev), "another device was opened");
	TEST_ASSERT_EQUAL(proc_fd_count(), fds, "fd left behind");
	return TEST_SUCCESS;
}

/* The identity of the file at fd 0, to see that nothing closed it. */
static int
stdin_identity(struct stat *st)
{
	return fstat(STDIN_FILENO, st);
}

/* Put a pipe at fd 0 for the test, whatever stdin is. */
static int
stdin_pipe(int *saved, int p[2])
{
	*saved = dup(STDIN_FILENO);
	if (pipe(p) < 0)
		return -1;
	return dup2(p[0], STDIN_FILENO) < 0 ? -1 : 0;
}

static void
stdin_restore(int saved, int p[2])
{
	dup2(saved, STDIN_FILENO);
	close(saved);
	close(p[0]);
	close(p[1]);
}

static int
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/*
 * rte_vfio_setup_device() in cdev mode of a device whose node is not a
 * VFIO device (the process has no iommufd either): refused at the bind,
 * with the fds as they were, fd 0 untouched, and no fd handed out or
 * kept for a release.
 */
static int
test_setup_fails_cleanly(void)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct stat st0, st1;
	int fds, saved, p[2], ret, fd = -1;

	TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_OK), "tree");
	fds = proc_fd_count();
	TEST_ASSERT_SUCCESS(stdin_pipe(&saved, p), "pipe on fd 0");
	stdin_identity(&st0);
	ret = vfio_cdev_setup_device(sysfs_base(), "0000:00:02.0", &fd,
		&info);
	stdin_identity(&st1);
	stdin_restore(saved, p);

	TEST_ASSERT_EQUAL(ret, -1, "set up a device that is not VFIO");
	TEST_ASSERT_EQUAL(fd, -1, "an fd was handed out");
	TEST_ASSERT(same_file(&st0, &st1), "fd 0 was closed or replaced");
	TEST_ASSERT_EQUAL(proc_fd_count(), fds, "fd left behind");
	TEST_ASSERT(!vfio_cdev_owns_fd(0), "fd 0 is taken for a device");
	TEST_ASSERT_FAIL(vfio_cdev_release_device("0000:00:02.0", 0),
		"a device that failed can be released");
	/* one that is no VFIO device at all: what group mode says */
	TEST_ASSERT_SUCCESS(fake_tree_add_device(&tree, -1, &unbound,
		FAKE_NODE_NONE), "add");
	TEST_ASSERT_EQUAL(vfio_cdev_setup_device(sysfs_base(), unbound.bdf,
		&fd, &info), 1, "a device of no driver is not skipped");
	TEST_ASSERT_EQUAL(proc_fd_count(), fds, "fd left behind");
	return TEST_SUCCESS;
}

/* In the fake tree: the PCI device bdf's sysfs directory. */
static void
device_dir(const char *bdf, char *buf, size_t len)
{
	snprintf(buf, len, "%s/devices/pci0000:00/%s", tree.sys, bdf);
}

/* Make vf a VF of pf (physfn), pf a PF (sriov_totalvfs). */
static int
make_vf(const char *pf, const char *vf)
{
	char path[PATH_MAX], target[PATH_MAX];
	FILE *f;

	device_dir(pf, path, sizeof(path));
	strlcat(path, "/sriov_totalvfs", sizeof(path));
	f = fopen(path, "w");
	TEST_ASSERT_NOT_NULL(f, "%s", path);
	fputs("2\n", f);
	fclose(f);
	device_dir(vf, path, sizeof(path));
	strlcat(path, "/physfn", sizeof(path));
	snprintf(target, sizeof(target), "../%s", pf);
	TEST_ASSERT_SUCCESS(symlink(target, path), "%s", path);
	return TEST_SUCCESS;
}

static int
expect_role(const char *bdf, enum vfio_cdev_sriov want, const char *want_pf)
{
	char pf[RTE_DEV_NAME_MAX_LEN] = "";

	dev_set(bdf);
	TEST_ASSERT_EQUAL(vfio_cdev_sriov_role(&dev, pf, sizeof(pf)), want,
		"%s: SR-IOV role", bdf);
	if (want == VFIO_CDEV_SRIOV_VF)
		TEST_ASSERT_SUCCESS(strcmp(pf, want_pf), "%s: PF %s, not %s",
			bdf, pf, want_pf);
	return TEST_SUCCESS;
}

/* Who gives a VF token at bind: a PF, a VF of a vfio-pci PF; not a VF
 * whose PF has a kernel driver (its token is none of vfio's business),
 * nor a device outside SR-IOV.
 */
static int
test_sriov_role(void)
{
	struct fake_pci pf = e1000e_a, vf = e1000e_a, host_pf = e1000e_a,
		host_vf = e1000e_a;

	pf.bdf = "0000:00:09.0";
	vf.bdf = "0000:00:09.1";
	host_pf.bdf = "0000:00:0a.0";
	host_pf.driver = "igb";
	host_vf.bdf = "0000:00:0a.1";
	TEST_ASSERT_SUCCESS(fake_tree_add_device(&tree, 0, &pf, FAKE_NODE_OK),
		"add the PF");
	TEST_ASSERT_SUCCESS(fake_tree_add_device(&tree, 1, &vf, FAKE_NODE_OK),
		"add the VF");
	TEST_ASSERT_SUCCESS(fake_tree_add_device(&tree, -1, &host_pf,
		FAKE_NODE_OK), "add the igb PF");
	TEST_ASSERT_SUCCESS(fake_tree_add_device(&tree, 2, &host_vf,
		FAKE_NODE_OK), "add its VF");
	TEST_ASSERT_SUCCESS(expect_role(pf.bdf, VFIO_CDEV_SRIOV_NONE, NULL),
		"before SR-IOV");
	TEST_ASSERT_SUCCESS(make_vf(pf.bdf, vf.bdf), "make the VF");
	TEST_ASSERT_SUCCESS(make_vf(host_pf.bdf, host_vf.bdf), "make its VF");
	TEST_ASSERT_SUCCESS(expect_role(pf.bdf, VFIO_CDEV_SRIOV_PF, NULL),
		"PF");
	TEST_ASSERT_SUCCESS(expect_role(vf.bdf, VFIO_CDEV_SRIOV_VF, pf.bdf),
		"VF");
	TEST_ASSERT_SUCCESS(expect_role(host_vf.bdf, VFIO_CDEV_SRIOV_NONE,
		NULL), "VF of a kernel driver's PF");
	return TEST_SUCCESS;
}

/* Interrupt chips as /sys/kernel/irq shows them. */
static int
irq_chips(const char *msi_chip)
{
	TEST_ASSERT_SUCCESS(fake_tree_write_sys(&tree, "kernel/irq/9/chip_name",
		"IO-APIC\n"), "irq 9");
	TEST_ASSERT_SUCCESS(fake_tree_write_sys(&tree,
		"kernel/irq/24/chip_name", msi_chip), "irq 24");
	return TEST_SUCCESS;
}

/* The tail of the bind error line for err. */
static const char *
why(int err)
{
	static char buf[512];

	vfio_cdev_bind_why(&dev, err, buf, sizeof(buf));
	printf("errno %d: \"%s\"\n", err, buf);
	return buf;
}

/*
 * VFIO_DEVICE_BIND_IOMMUFD's EPERM told apart: a device of the group on a
 * kernel driver (named, whatever the interrupts), interrupts the IOMMU
 * cannot isolate (and the remedy only then), or another owner.
 */
static int
test_bind_eperm(void)
{
	struct fake_pci sibling = e1000e_b;

	sibling.driver = "e1000e";
	TEST_ASSERT_SUCCESS(fake_tree_add_device(&tree, 1, &e1000e_a,
		FAKE_NODE_OK), "a");
	TEST_ASSERT_SUCCESS(fake_tree_add_device(&tree, -1, &sibling,
		FAKE_NODE_NONE), "b");
	TEST_ASSERT_SUCCESS(fake_tree_add_to_group(&tree, e1000e_a.bdf, 5), "a");
	TEST_ASSERT_SUCCESS(fake_tree_add_to_group(&tree, e1000e_b.bdf, 5), "b");
	TEST_ASSERT_SUCCESS(irq_chips("IR-PCI-MSIX-0000:00:02.0\n"), "chips");
	TEST_ASSERT_SUCCESS(expect_resolved(e1000e_a.bdf, 1), "resolve");

	TEST_ASSERT_NOT_NULL(strstr(why(EPERM),
		"its IOMMU group also has 0000:00:03.0 (e1000e), not on vfio-pci"),
		"the sibling on its kernel driver is not named");
	TEST_ASSERT_NULL(strstr(why(EPERM), "allow_unsafe"),
		"unsafe interrupts advised with interrupt remapping on");
	TEST_ASSERT(!vfio_cdev_unsafe_interrupts_group_only(),
		"group-only unsafe interrupts with remapping on");

	/* the sibling unbound, interrupts isolated: another owner */
	TEST_ASSERT_SUCCESS(fake_tree_remove_sys(&tree,
		"devices/pci0000:00/0000:00:03.0/driver"), "unbind b");
	TEST_ASSERT_NOT_NULL(strstr(why(EPERM),
		"owned by another process's iommufd"), "another owner");

	/* no interrupt remapping: that, and its remedy, and no more */
	TEST_ASSERT_SUCCESS(irq_chips("PCI-MSIX-0000:00:02.0\n"), "chips");
	TEST_ASSERT_NOT_NULL(strstr(why(EPERM), "does not isolate MSIs"),
		"no interrupt remapping not told");
	TEST_ASSERT_NULL(strstr(why(EPERM), "vfio_iommu_type1"),
		"type1's parameter named while it is not set");
	TEST_ASSERT(!vfio_cdev_unsafe_interrupts_group_only(),
		"group-only unsafe interrupts with no parameter set");

	/* group mode allowed unsafe interrupts, iommufd not: auto's cue */
	TEST_ASSERT_SUCCESS(fake_tree_write_sys(&tree,
		"module/vfio_iommu_type1/parameters/allow_unsafe_interrupts",
		"Y\n"), "type1 parameter");
	TEST_ASSERT_SUCCESS(fake_tree_write_sys(&tree,
		"module/iommufd/parameters/allow_unsafe_interrupts", "N\n"),
		"iommufd parameter");
	TEST_ASSERT_NOT_NULL(strstr(why(EPERM),
		"allow_unsafe_interrupts=1 as vfio_iommu_type1's is"),
		"type1's parameter not named");
	TEST_ASSERT(vfio_cdev_unsafe_interrupts_group_only(),
		"group-only unsafe interrupts not seen");
	return TEST_SUCCESS;
}

/* EBUSY names the group node; EINVAL lists what it can be. */
static int
test_bind_ebusy_einval(void)
{
	TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_OK), "tree");
	TEST_ASSERT_SUCCESS(fake_tree_add_to_group(&tree, e1000e_a.bdf, 7),
		"group");
	TEST_ASSERT_SUCCESS(expect_resolved(e1000e_a.bdf, 1), "resolve");
	TEST_ASSERT_NOT_NULL(strstr(why(EBUSY), "/dev/vfio/7 is open"),
		"EBUSY: the group is not named");
	TEST_ASSERT_NOT_NULL(strstr(why(EINVAL),
		"bound through another cdev fd, or the IOMMU cannot enforce cache coherency"),
		"EINVAL: the causes are not listed");
	return TEST_SUCCESS;
}

static struct unit_test_suite vfio_cdev_device_suite = {
	.suite_name = "VFIO cdev devices on fake trees",
	.unit_test_cases = {
		TEST_CASE(test_name_valid),
		TEST_CASE(test_parse_devt),
		TEST_CASE(test_parse_device_fd),
		TEST_CASE_ST(tree_setup, tree_teardown, test_resolve),
		TEST_CASE_ST(tree_setup, tree_teardown, test_rdev_mismatch),
		TEST_CASE_ST(tree_setup, tree_teardown, test_regular_file),
		TEST_CASE_ST(tree_setup, tree_teardown, test_symlink),
		TEST_CASE_ST(tree_setup, tree_teardown, test_block_device),
		TEST_CASE_ST(tree_setup, tree_teardown, test_node_missing),
		TEST_CASE_ST(tree_setup, tree_teardown, test_cdev_support_off),
		TEST_CASE_ST(tree_setup, tree_teardown, test_no_vfio_dev),
		TEST_CASE_ST(tree_setup, tree_teardown, test_two_cdevs),
		TEST_CASE_ST(tree_setup, tree_teardown, test_other_drivers),
		TEST_CASE_ST(tree_setup, tree_teardown, test_garbage),
		TEST_CASE_ST(tree_setup, tree_teardown, test_open),
		TEST_CASE_ST(tree_setup, tree_teardown, test_cdev_reused),
		TEST_CASE_ST(tree_setup, tree_teardown, test_node_swapped),
		TEST_CASE_ST(tree_setup, tree_teardown, test_node_replaced),
		TEST_CASE_ST(tree_setup, tree_teardown, test_setup_fails_cleanly),
		TEST_CASE_ST(tree_setup, tree_teardown, test_sriov_role),
		TEST_CASE_ST(tree_setup, tree_teardown, test_bind_eperm),
		TEST_CASE_ST(tree_setup, tree_teardown, test_bind_ebusy_einval),
		TEST_CASES_END()
	}
};

static int
test_vfio_cdev_device(void)
{
	return unit_test_suite_runner(&vfio_cdev_device_suite);
}

REGISTER_TEST_COMMAND(vfio_cdev_device_autotest, test_vfio_cdev_device);
