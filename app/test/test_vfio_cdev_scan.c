/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * Scan of the vfio_cdev bus against fake devfs/sysfs trees: what is found,
 * what is refused, and what -a/-b let through.
 */

#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_memory.h>

#include "test.h"
#include "vfio_cdev_fake_tree.h"
#include "vfio_cdev_private.h"

static struct fake_tree tree;

static const struct fake_pci e1000e_a = {
	"0000:00:02.0", "0x8086", "0x10d3", "0x8086", "0x0000", "0x020000", "-1"
};
static const struct fake_pci e1000e_b = {
	"0000:00:03.0", "0x8086", "0x10d3", "0x8086", "0x0000", "0x020000", NULL
};
static const struct fake_pci virtio_net = {
	"0000:00:04.0", "0x1af4", "0x1041", "0x1af4", "0x1100", "0x020000", "0"
};

static int
tree_setup(void)
{
	return fake_tree_setup(&tree);
}

static void
tree_teardown(void)
{
	vfio_cdev_free_devices();
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

static unsigned int
count_devices(void)
{
	struct vfio_cdev_device *dev;
	unsigned int n = 0;

	RTE_TAILQ_FOREACH(dev, &vfio_cdev_bus.devices, next)
		n++;
	return n;
}

static int
cmp_name(const struct rte_device *dev, const void *name)
{
	return strcmp(dev->name, name);
}

static struct vfio_cdev_device *
find_dev(const char *bdf)
{
	struct rte_device *d;

	d = vfio_cdev_bus.bus.find_device(NULL, cmp_name, bdf);
	if (d == NULL)
		return NULL;
	return container_of(d, struct vfio_cdev_device, pci.device);
}

/* Exactly the devices named, in this order. */
static int
expect_devices(const char * const *bdfs, unsigned int n)
{
	struct vfio_cdev_device *dev;
	unsigned int i = 0;

	TEST_ASSERT_EQUAL(count_devices(), n, "expected %u devices, found %u",
		n, count_devices());
	RTE_TAILQ_FOREACH(dev, &vfio_cdev_bus.devices, next) {
		TEST_ASSERT_SUCCESS(strcmp(dev->pci.device.name, bdfs[i]),
			"device %u is %s, expected %s", i,
			dev->pci.device.name, bdfs[i]);
		i++;
	}
	return TEST_SUCCESS;
}

static int
test_scan_identity(void)
{
	static const char * const all[] = {
		"0000:00:02.0", "0000:00:03.0", "0000:00:04.0"
	};
	struct vfio_cdev_device *dev;

	TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_OK), "tree");
	TEST_ASSERT_SUCCESS(vfio_cdev_scan_devices(), "scan failed");
	TEST_ASSERT_SUCCESS(expect_devices(all, 3), "device list");

	dev = find_dev("0000:00:04.0");
	TEST_ASSERT_NOT_NULL(dev, "virtio device not found by name");
	TEST_ASSERT_SUCCESS(strcmp(dev->cdev_name, "vfio0"), "cdev name %s",
		dev->cdev_name);
	TEST_ASSERT_EQUAL(dev->devt, makedev(FAKE_CDEV_MAJOR, 0), "devt");
	TEST_ASSERT_EQUAL(dev->pci.id.vendor_id, 0x1af4, "vendor");
	TEST_ASSERT_EQUAL(dev->pci.id.device_id, 0x1041, "device");
	TEST_ASSERT_EQUAL(dev->pci.id.subsystem_vendor_id, 0x1af4, "sub vendor");
	TEST_ASSERT_EQUAL(dev->pci.id.subsystem_device_id, 0x1100, "sub device");
	TEST_ASSERT_EQUAL(dev->pci.id.class_id, 0x020000, "class");
	TEST_ASSERT_EQUAL(dev->pci.device.numa_node, 0, "numa");
	TEST_ASSERT_EQUAL(dev->pci.addr.devid, 4, "address");
	TEST_ASSERT_EQUAL(dev->pci.kdrv, RTE_PCI_KDRV_VFIO, "kdrv");
	TEST_ASSERT(dev->pci.device.bus == &vfio_cdev_bus.bus, "bus");
	TEST_ASSERT_EQUAL(dev->state, VFIO_CDEV_SCANNED, "state");

	dev = find_dev("0000:00:02.0");
	TEST_ASSERT_NOT_NULL(dev, "e1000e device not found by name");
	TEST_ASSERT_SUCCESS(strcmp(dev->cdev_name, "vfio1"), "cdev name");
	TEST_ASSERT_EQUAL(dev->pci.id.device_id, 0x10d3, "device");
	TEST_ASSERT_EQUAL(dev->pci.device.numa_node, SOCKET_ID_ANY,
		"numa -1 means any socket");

	dev = find_dev("0000:00:03.0");
	TEST_ASSERT_NOT_NULL(dev, "second e1000e not found by name");
	TEST_ASSERT_EQUAL(dev->pci.device.numa_node, SOCKET_ID_ANY,
		"no numa_node file means any socket");
	return TEST_SUCCESS;
}

static int
test_scan_twice(void)
{
	TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_OK), "tree");
	TEST_ASSERT_SUCCESS(vfio_cdev_scan_devices(), "first scan");
	TEST_ASSERT_SUCCESS(vfio_cdev_scan_devices(), "second scan");
	TEST_ASSERT_EQUAL(count_devices(), 3, "a rescan must not add twice");
	return TEST_SUCCESS;
}

/* vfio1 (0000:00:02.0) is refused, the other two still come up. */
static int
expect_vfio1_refused(void)
{
	static const char * const rest[] = { "0000:00:03.0", "0000:00:04.0" };

	TEST_ASSERT_SUCCESS(vfio_cdev_scan_devices(), "scan failed");
	return expect_devices(rest, 2);
}

static int
test_scan_rdev_mismatch(void)
{
	TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_WRONG_RDEV), "tree");
	return expect_vfio1_refused();
}

static int
test_scan_regular_file(void)
{
	TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_REGULAR), "tree");
	return expect_vfio1_refused();
}

static int
test_scan_symlink(void)
{
	TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_SYMLINK), "tree");
	return expect_vfio1_refused();
}

static int
test_scan_block_device(void)
{
	TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_BLOCK), "tree");
	return expect_vfio1_refused();
}

static int
test_scan_node_missing(void)
{
	TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_NONE), "tree");
	return expect_vfio1_refused();
}

/* vfio-dev/vfioN exists without dev when VFIO_DEVICE_CDEV is off. */
static int
test_scan_cdev_support_off(void)
{
	TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_OK), "tree");
	TEST_ASSERT_SUCCESS(fake_tree_remove_sys(&tree, "class/vfio-dev/vfio1/dev"),
		"remove dev");
	return expect_vfio1_refused();
}

static int
test_scan_no_devices_dir(void)
{
	TEST_ASSERT_SUCCESS(vfio_cdev_scan_devices(),
		"a missing /dev/vfio/devices is no scan failure");
	TEST_ASSERT_EQUAL(count_devices(), 0, "no devices expected");
	return TEST_SUCCESS;
}

static int
test_scan_empty_devices_dir(void)
{
	TEST_ASSERT_SUCCESS(fake_tree_add_devices_dir(&tree), "mkdir");
	TEST_ASSERT_SUCCESS(vfio_cdev_scan_devices(), "scan failed");
	TEST_ASSERT_EQUAL(count_devices(), 0, "no devices expected");
	return TEST_SUCCESS;
}

/* Each bad sysfs content makes vfio1 refused, whatever it is. */
static int
test_scan_garbage(void)
{
	static const struct {
		const char *file;	/* under class/vfio-dev/vfio1/ */
		const char *content;
	} cases[] = {
		{ "dev", "" },
		{ "dev", "511\n" },
		{ "dev", "511:x\n" },
		{ "dev", "511:1:2\n" },
		{ "dev", "-511:1\n" },
		{ "dev", "511:1 \n" },
		{ "device/vendor", "" },
		{ "device/vendor", "zzzz\n" },
		{ "device/vendor", "0x18086\n" },
		{ "device/vendor", "0x\n" },
		{ "device/vendor", " 0x8086\n" },
		{ "device/device", "+10d3\n" },
		{ "device/device", "0x10d3 junk\n" },
		{ "device/subsystem_vendor", "-1\n" },
		{ "device/subsystem_device", "0x10d3\n\n" },
		{ "device/class", "0x1000000\n" },
		{ "device/numa_node", "abc\n" },
		{ "device/numa_node", "-2\n" },
		{ "device/numa_node", "99999999999999999999\n" },
	};
	char file[64];
	unsigned int i;
	int ret;

	for (i = 0; i < RTE_DIM(cases); i++) {
		printf("garbage case %u: %s = \"%s\"\n", i, cases[i].file,
			cases[i].content);
		TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_OK), "tree");
		snprintf(file, sizeof(file), "class/vfio-dev/vfio1/%s",
			cases[i].file);
		TEST_ASSERT_SUCCESS(fake_tree_write_sys(&tree, file,
			cases[i].content), "write %s", file);
		ret = expect_vfio1_refused();
		tree_teardown();
		TEST_ASSERT_SUCCESS(ret, "case %u accepted garbage", i);
		TEST_ASSERT_SUCCESS(tree_setup(), "tree");
	}
	return TEST_SUCCESS;
}

/* The device link must lead to a PCI address. */
static int
test_scan_not_pci(void)
{
	char target[PATH_MAX];

	TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_OK), "tree");
	snprintf(target, sizeof(target), "%s/class/vfio-dev/vfio1/device",
		tree.sys);
	TEST_ASSERT_SUCCESS(unlink(target), "unlink");
	TEST_ASSERT_SUCCESS(symlink("../../../platform-device", target),
		"symlink");
	return expect_vfio1_refused();
}

/*
 * Scan with one -a/-b argument as EAL would have parsed it, then take it
 * back and restore the buses' scan modes.
 */
static int
scan_with_devargs(enum rte_devtype type, const char *arg, char *name_after,
		size_t len)
{
	struct rte_bus *pci = rte_bus_find_by_name("pci");
	enum rte_bus_scan_mode pci_mode = pci->conf.scan_mode;
	enum rte_bus_scan_mode own_mode = vfio_cdev_bus.bus.conf.scan_mode;
	struct rte_devargs *da, *added = NULL;
	int ret;

	TEST_ASSERT_SUCCESS(rte_devargs_add(type, arg), "devargs %s", arg);
	RTE_EAL_DEVARGS_FOREACH(NULL, da)
		added = da;	/* inserted last */
	ret = vfio_cdev_scan_devices();
	if (name_after != NULL)
		snprintf(name_after, len, "%s", added->name);
	rte_devargs_remove(added);
	pci->conf.scan_mode = pci_mode;
	vfio_cdev_bus.bus.conf.scan_mode = own_mode;
	return ret;
}

static int
test_allow_by_bdf(void)
{
	static const char * const only[] = { "0000:00:03.0" };

	TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_OK), "tree");
	TEST_ASSERT_SUCCESS(scan_with_devargs(RTE_DEVTYPE_ALLOWED,
		"0000:00:03.0", NULL, 0), "scan");
	return expect_devices(only, 1);
}

static int
test_allow_by_cdev(void)
{
	static const char * const only[] = { "0000:00:04.0" };
	char name[RTE_DEV_NAME_MAX_LEN];

	TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_OK), "tree");
	TEST_ASSERT_SUCCESS(scan_with_devargs(RTE_DEVTYPE_ALLOWED,
		"vfio_cdev:vfio0", name, sizeof(name)), "scan");
	TEST_ASSERT_SUCCESS(strcmp(name, "0000:00:04.0"),
		"alias devargs should now name the device, not %s", name);
	return expect_devices(only, 1);
}

static int
test_block_by_bdf(void)
{
	static const char * const rest[] = { "0000:00:03.0", "0000:00:04.0" };

	TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_OK), "tree");
	TEST_ASSERT_SUCCESS(scan_with_devargs(RTE_DEVTYPE_BLOCKED,
		"0000:00:02.0", NULL, 0), "scan");
	return expect_devices(rest, 2);
}

static int
test_block_by_cdev(void)
{
	static const char * const rest[] = { "0000:00:02.0", "0000:00:03.0" };

	TEST_ASSERT_SUCCESS(add_three(FAKE_NODE_OK), "tree");
	TEST_ASSERT_SUCCESS(scan_with_devargs(RTE_DEVTYPE_BLOCKED,
		"vfio_cdev:vfio0", NULL, 0), "scan");
	return expect_devices(rest, 2);
}

static int
test_parse(void)
{
	static const char * const good[] = { "vfio0", "vfio17", "vfio4095" };
	static const char * const bad[] = {
		"vfio", "vfio-1", "vfio1a", "vfi0", "0000:00:02.0", "", "VFIO0"
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(good); i++)
		TEST_ASSERT_SUCCESS(vfio_cdev_bus.bus.parse(good[i], NULL),
			"%s should parse", good[i]);
	for (i = 0; i < RTE_DIM(bad); i++)
		TEST_ASSERT_FAIL(vfio_cdev_bus.bus.parse(bad[i], NULL),
			"%s should not parse", bad[i]);
	return TEST_SUCCESS;
}

static struct unit_test_suite vfio_cdev_scan_suite = {
	.suite_name = "vfio_cdev bus scan",
	.unit_test_cases = {
		TEST_CASE(test_parse),
		TEST_CASE_ST(tree_setup, tree_teardown, test_scan_identity),
		TEST_CASE_ST(tree_setup, tree_teardown, test_scan_twice),
		TEST_CASE_ST(tree_setup, tree_teardown, test_scan_rdev_mismatch),
		TEST_CASE_ST(tree_setup, tree_teardown, test_scan_regular_file),
		TEST_CASE_ST(tree_setup, tree_teardown, test_scan_symlink),
		TEST_CASE_ST(tree_setup, tree_teardown, test_scan_block_device),
		TEST_CASE_ST(tree_setup, tree_teardown, test_scan_node_missing),
		TEST_CASE_ST(tree_setup, tree_teardown,
			test_scan_cdev_support_off),
		TEST_CASE_ST(tree_setup, tree_teardown, test_scan_no_devices_dir),
		TEST_CASE_ST(tree_setup, tree_teardown,
			test_scan_empty_devices_dir),
		TEST_CASE_ST(tree_setup, tree_teardown, test_scan_garbage),
		TEST_CASE_ST(tree_setup, tree_teardown, test_scan_not_pci),
		TEST_CASE_ST(tree_setup, tree_teardown, test_allow_by_bdf),
		TEST_CASE_ST(tree_setup, tree_teardown, test_allow_by_cdev),
		TEST_CASE_ST(tree_setup, tree_teardown, test_block_by_bdf),
		TEST_CASE_ST(tree_setup, tree_teardown, test_block_by_cdev),
		TEST_CASES_END()
	}
};

static int
test_vfio_cdev_scan(void)
{
	return unit_test_suite_runner(&vfio_cdev_scan_suite);
}

REGISTER_TEST_COMMAND(vfio_cdev_scan_autotest, test_vfio_cdev_scan);
