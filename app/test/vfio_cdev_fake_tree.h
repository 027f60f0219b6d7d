/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#ifndef VFIO_CDEV_FAKE_TREE_H
#define VFIO_CDEV_FAKE_TREE_H

/*
 * A fake devfs/sysfs pair laid out as the kernel lays out VFIO cdevs:
 *   dev/iommu, dev/vfio/devices/vfioN
 *   sys/devices/pci0000:00/<BDF>/{vendor,device,...,vfio-dev/vfioN/dev}
 *   sys/class/vfio-dev/vfioN -> ../../devices/pci0000:00/<BDF>/vfio-dev/vfioN
 * EAL and the vfio_cdev bus are pointed at it through VFIO_CDEV_DEV_ROOT
 * and VFIO_CDEV_SYS_ROOT. Character nodes need mknod, so root.
 */

#include <stdbool.h>
#include <limits.h>

/* Device numbers of fake nodes: no driver has this major. */
#define FAKE_CDEV_MAJOR 511
#define FAKE_IOMMU_MAJOR 510

struct fake_tree {
	char root[PATH_MAX];
	char dev[PATH_MAX];
	char sys[PATH_MAX];
};

/* What stands at /dev/vfio/devices/vfioN. */
enum fake_node {
	FAKE_NODE_OK,		/* the character device sysfs names */
	FAKE_NODE_WRONG_RDEV,	/* a character device, another minor */
	FAKE_NODE_REGULAR,	/* a regular file */
	FAKE_NODE_SYMLINK,	/* a symlink to a character device */
	FAKE_NODE_BLOCK,	/* a block device with the right numbers */
	FAKE_NODE_NONE,		/* nothing */
};

struct fake_pci {
	const char *bdf;
	const char *vendor, *device, *sub_vendor, *sub_device, *class;
	const char *numa;	/* NULL: no numa_node file */
};

/* True when this process may create device nodes (mknod). */
bool fake_tree_can_mknod(void);

/* Create an empty tree under /tmp and point the environment at it. */
int fake_tree_create(struct fake_tree *t);

/* The same as a test case's setup: TEST_SKIPPED without mknod rights,
 * TEST_FAILED if the tree cannot be made.
 */
int fake_tree_setup(struct fake_tree *t);

/* Remove the tree and restore the environment. */
void fake_tree_destroy(struct fake_tree *t);

/* Create dev/iommu as a character device. */
int fake_tree_add_iommu(struct fake_tree *t);

/* Create dev/vfio/devices (empty). */
int fake_tree_add_devices_dir(struct fake_tree *t);

/* Add PCI device pci with cdev vfio<minor> and the given node. */
int fake_tree_add_device(struct fake_tree *t, unsigned int minor,
	const struct fake_pci *pci, enum fake_node node);

/* Overwrite file rel (relative to the tree's sys/ directory). */
int fake_tree_write_sys(struct fake_tree *t, const char *rel,
	const char *content);

/* Remove file rel (relative to the tree's sys/ directory). */
int fake_tree_remove_sys(struct fake_tree *t, const char *rel);

#endif /* VFIO_CDEV_FAKE_TREE_H */
