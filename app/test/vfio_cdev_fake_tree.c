/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "test.h"
#include "vfio_cdev_fake_tree.h"

#define PCI_DIR "devices/pci0000:00"

/* Memory devices (major 1) that are harmless to open read-write. */
static const unsigned int mem_minors[] = { 3, 5, 7, 8, 9 };	/* null,
							 * zero, full, random, urandom */

dev_t
fake_tree_cdev_devt(unsigned int minor)
{
	return makedev(1, mem_minors[minor % RTE_DIM(mem_minors)]);
}

static int
mkdir_p(const char *path)
{
	char buf[PATH_MAX], *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

static int
write_file(const char *path, const char *content)
{
	int fd, ret = 0;
	size_t len = strlen(content);

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (write(fd, content, len) != (ssize_t)len)
		ret = -1;
	close(fd);
	return ret;
}

int
fake_tree_create(struct fake_tree *t)
{
	char path[PATH_MAX];

	snprintf(t->root, sizeof(t->root), "/tmp/vfio_cdev_test.XXXXXX");
	if (mkdtemp(t->root) == NULL)
		return -1;
	snprintf(t->dev, sizeof(t->dev), "%s/dev", t->root);
	snprintf(t->sys, sizeof(t->sys), "%s/sys", t->root);
	snprintf(path, sizeof(path), "%s/bus/pci/devices", t->sys);
	if (mkdir(t->dev, 0755) < 0 || mkdir_p(path) < 0)
		return -1;
	setenv("VFIO_CDEV_DEV_ROOT", t->dev, 1);
	setenv("VFIO_CDEV_SYS_ROOT", t->sys, 1);
	setenv("SYSFS_PCI_DEVICES", path, 1);
	return 0;
}

int
fake_tree_setup(struct fake_tree *t)
{
	if (geteuid() != 0) {
		printf("fake device nodes need mknod (root): skipped\n");
		return TEST_SKIPPED;
	}
	TEST_ASSERT_SUCCESS(fake_tree_create(t), "cannot create fake tree");
	return TEST_SUCCESS;
}

static int
remove_entry(const char *path, const struct stat *st, int flag,
		struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
fake_tree_destroy(struct fake_tree *t)
{
	unsetenv("VFIO_CDEV_DEV_ROOT");
	unsetenv("VFIO_CDEV_SYS_ROOT");
	unsetenv("SYSFS_PCI_DEVICES");
	if (t->root[0] != '\0')
		nftw(t->root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	t->root[0] = '\0';
}

int
fake_tree_add_iommu(struct fake_tree *t)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/iommu", t->dev);
	return mknod(path, S_IFCHR | 0660, makedev(FAKE_IOMMU_MAJOR, 0));
}

int
fake_tree_add_devices_dir(struct fake_tree *t)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/vfio/devices", t->dev);
	return mkdir_p(path);
}

int
fake_tree_add_iommu_hw(struct fake_tree *t)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/class/iommu/dmar0", t->sys);
	return mkdir_p(path);
}

int
fake_tree_set_noiommu(struct fake_tree *t, const char *value)
{
	char path[PATH_MAX], content[8];

	snprintf(path, sizeof(path), "%s/module/vfio/parameters", t->sys);
	if (mkdir_p(path) < 0)
		return -1;
	snprintf(path, sizeof(path),
		"%s/module/vfio/parameters/enable_unsafe_noiommu_mode", t->sys);
	snprintf(content, sizeof(content), "%s\n", value);
	return write_file(path, content);
}

int
fake_tree_set_node(struct fake_tree *t, unsigned int minor,
		enum fake_node node)
{
	char path[PATH_MAX], other[PATH_MAX];
	dev_t devt = fake_tree_cdev_devt(minor);

	if (fake_tree_add_devices_dir(t) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/vfio/devices/vfio%u", t->dev, minor);
	if (unlink(path) < 0 && errno != ENOENT)
		return -1;
	switch (node) {
	case FAKE_NODE_OK:
		return mknod(path, S_IFCHR | 0600, devt);
	case FAKE_NODE_WRONG_RDEV:
		return mknod(path, S_IFCHR | 0600,
			fake_tree_cdev_devt(minor + 1));
	case FAKE_NODE_REGULAR:
		return write_file(path, "");
	case FAKE_NODE_SYMLINK:
		/* a real node with the right number, reached by a link */
		snprintf(other, sizeof(other), "%s/decoy%u", t->dev, minor);
		if (unlink(other) < 0 && errno != ENOENT)
			return -1;
		if (mknod(other, S_IFCHR | 0600, devt) < 0)
			return -1;
		return symlink(other, path);
	case FAKE_NODE_BLOCK:
		return mknod(path, S_IFBLK | 0600, devt);
	case FAKE_NODE_NONE:
		return 0;
	}
	return -1;
}

int
fake_tree_add_cdev(struct fake_tree *t, const char *bdf, unsigned int minor)
{
	char path[PATH_MAX], target[PATH_MAX], value[32];
	dev_t devt = fake_tree_cdev_devt(minor);

	snprintf(path, sizeof(path), "%s/" PCI_DIR "/%s/vfio-dev/vfio%u",
		t->sys, bdf, minor);
	if (mkdir_p(path) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/" PCI_DIR "/%s/vfio-dev/vfio%u/dev",
		t->sys, bdf, minor);
	snprintf(value, sizeof(value), "%u:%u\n", major(devt), minor(devt));
	if (write_file(path, value) < 0)
		return -1;

	snprintf(path, sizeof(path), "%s/class/vfio-dev", t->sys);
	if (mkdir_p(path) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/class/vfio-dev/vfio%u", t->sys, minor);
	snprintf(target, sizeof(target), "../../" PCI_DIR "/%s/vfio-dev/vfio%u",
		bdf, minor);
	if (unlink(path) < 0 && errno != ENOENT)
		return -1;
	return symlink(target, path);
}

int
fake_tree_remove_cdev(struct fake_tree *t, const char *bdf,
		unsigned int minor)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/" PCI_DIR "/%s/vfio-dev/vfio%u/dev",
		t->sys, bdf, minor);
	if (unlink(path) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/" PCI_DIR "/%s/vfio-dev/vfio%u",
		t->sys, bdf, minor);
	if (rmdir(path) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/class/vfio-dev/vfio%u", t->sys, minor);
	return unlink(path);
}

int
fake_tree_add_device(struct fake_tree *t, int minor,
		const struct fake_pci *pci, enum fake_node node)
{
	const struct {
		const char *name;
		const char *value;
	} attrs[] = {
		{ "vendor", pci->vendor },
		{ "device", pci->device },
		{ "subsystem_vendor", pci->sub_vendor },
		{ "subsystem_device", pci->sub_device },
		{ "class", pci->class },
	};
	const char *driver = pci->driver != NULL ? pci->driver : "vfio-pci";
	char dir[PATH_MAX], path[PATH_MAX], target[PATH_MAX];
	char value[128];
	unsigned int i;

	snprintf(dir, sizeof(dir), "%s/" PCI_DIR "/%s", t->sys, pci->bdf);
	if (mkdir_p(dir) < 0)
		return -1;
	for (i = 0; i < RTE_DIM(attrs); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, attrs[i].name);
		snprintf(value, sizeof(value), "%s\n", attrs[i].value);
		if (write_file(path, value) < 0)
			return -1;
	}
	/* BARs and ROM as the PCI bus reads them: none */
	snprintf(path, sizeof(path), "%s/resource", dir);
	for (i = 0, value[0] = '\0'; i < 7; i++)
		strcat(value, "0x0 0x0 0x0\n");
	if (write_file(path, value) < 0)
		return -1;

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s", t->sys, pci->bdf);
	snprintf(target, sizeof(target), "../../../" PCI_DIR "/%s", pci->bdf);
	if (symlink(target, path) < 0)
		return -1;

	if (driver[0] != '\0') {
		snprintf(path, sizeof(path), "%s/bus/pci/drivers/%s", t->sys,
			driver);
		if (mkdir_p(path) < 0)
			return -1;
		snprintf(path, sizeof(path), "%s/driver", dir);
		snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s",
			driver);
		if (symlink(target, path) < 0)
			return -1;
	}

	if (minor < 0)
		return 0;
	if (fake_tree_add_cdev(t, pci->bdf, minor) < 0)
		return -1;
	return fake_tree_set_node(t, minor, node);
}

int
fake_tree_write_sys(struct fake_tree *t, const char *rel, const char *content)
{
	char path[PATH_MAX], *slash;

	snprintf(path, sizeof(path), "%s/%s", t->sys, rel);
	slash = strrchr(path, '/');
	*slash = '\0';
	if (mkdir_p(path) < 0)
		return -1;
	*slash = '/';
	return write_file(path, content);
}

int
fake_tree_add_to_group(struct fake_tree *t, const char *bdf,
		unsigned int group)
{
	char dir[PATH_MAX], path[PATH_MAX], target[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/kernel/iommu_groups/%u/devices", t->sys,
		group);
	if (mkdir_p(dir) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, bdf);
	snprintf(target, sizeof(target), "%s/" PCI_DIR "/%s", t->sys, bdf);
	if (symlink(target, path) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/" PCI_DIR "/%s/iommu_group", t->sys,
		bdf);
	snprintf(target, sizeof(target), "%s/kernel/iommu_groups/%u", t->sys,
		group);
	return symlink(target, path);
}

int
fake_tree_remove_sys(struct fake_tree *t, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", t->sys, rel);
	return unlink(path);
}
