/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#ifndef VFIO_CDEV_FAKE_TREE_H
#define VFIO_CDEV_FAKE_TREE_H

/*
 * A fake devfs/sysfs pair laid out as the kernel lays out PCI devices and
 * their VFIO cdevs:
 *   dev/iommu, dev/vfio/devices/vfioN
 *   sys/devices/pci0000:00/<BDF>/{vendor,...,driver,vfio-dev/vfioN/dev}
 *   sys/bus/pci/devices/<BDF> -> ../../../devices/pci0000:00/<BDF>
 *   sys/class/iommu/, sys/module/vfio/parameters/,
 *   sys/kernel/iommu_groups/N/devices/<BDF>, sys/kernel/irq/N/chip_name
 * EAL's cdev mode and the PCI bus are pointed at it through
 * VFIO_CDEV_DEV_ROOT, VFIO_CDEV_SYS_ROOT and SYSFS_PCI_DEVICES. Device
 * nodes need mknod, so root. A cdev node that sysfs agrees with is a
 * harmless memory device (/dev/null, /dev/zero, ...) under another name,
 * so that it can really be opened; its ioctls then fail with ENOTTY.
 */

#include <stdbool.h>
#include <limits.h>
#include <sys/types.h>

/* Device number of the fake /dev/iommu: no driver has it (ENXIO). */
#define FAKE_IOMMU_MAJOR 510

struct fake_tree {
	char root[PATH_MAX];
	char dev[PATH_MAX];
	char sys[PATH_MAX];
};

/* What stands at /dev/vfio/devices/vfioN. */
enum fake_node {
	FAKE_NODE_OK,		/* the character device sysfs names */
	FAKE_NODE_WRONG_RDEV,	/* a character device, another number */
	FAKE_NODE_REGULAR,	/* a regular file */
	FAKE_NODE_SYMLINK,	/* a symlink to the right character device */
	FAKE_NODE_BLOCK,	/* a block device with the right numbers */
	FAKE_NODE_NONE,		/* nothing */
};

struct fake_pci {
	const char *bdf;
	const char *vendor, *device, *sub_vendor, *sub_device, *class;
	const char *driver;	/* NULL: vfio-pci; "": none */
};

/* The device number fake cdev vfio<minor> has in sysfs. */
dev_t fake_tree_cdev_devt(unsigned int minor);

/* Create an empty tree under /tmp and point the environment at it. */
int fake_tree_create(struct fake_tree *t);

/* The same as a test case's setup: TEST_SKIPPED without mknod rights,
 * TEST_FAILED if the tree cannot be made.
 */
int fake_tree_setup(struct fake_tree *t);

/* Remove the tree and restore the environment. */
void fake_tree_destroy(struct fake_tree *t);

/* Create dev/iommu as a character device (no driver behind it). */
int fake_tree_add_iommu(struct fake_tree *t);

/* Create dev/vfio/devices (empty). */
int fake_tree_add_devices_dir(struct fake_tree *t);

/* List an IOMMU in sys/class/iommu. */
int fake_tree_add_iommu_hw(struct fake_tree *t);

/* Write VFIO's enable_unsafe_noiommu_mode parameter ("Y" or "N"). */
int fake_tree_set_noiommu(struct fake_tree *t, const char *value);

/* Add PCI device pci; with a cdev vfio<minor> and its node unless minor
 * is negative.
 */
int fake_tree_add_device(struct fake_tree *t, int minor,
	const struct fake_pci *pci, enum fake_node node);

/* Give PCI device bdf the cdev vfio<minor> (sysfs side only). */
int fake_tree_add_cdev(struct fake_tree *t, const char *bdf,
	unsigned int minor);

/* Take cdev vfio<minor> away from PCI device bdf (sysfs side only). */
int fake_tree_remove_cdev(struct fake_tree *t, const char *bdf,
	unsigned int minor);

/* Put node at dev/vfio/devices/vfio<minor>, replacing what is there. */
int fake_tree_set_node(struct fake_tree *t, unsigned int minor,
	enum fake_node node);

/* Write file rel (relative to the tree's sys/ directory), creating its
 * directories.
 */
int fake_tree_write_sys(struct fake_tree *t, const char *rel,
	const char *content);

/* Put PCI device bdf in IOMMU group group (kernel/iommu_groups/). */
int fake_tree_add_to_group(struct fake_tree *t, const char *bdf,
	unsigned int group);

/* Remove file rel (relative to the tree's sys/ directory). */
int fake_tree_remove_sys(struct fake_tree *t, const char *rel);

#endif /* VFIO_CDEV_FAKE_TREE_H */
