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

bool
fake_tree_can_mknod(void)
{
	return geteuid() == 0;
}

int
fake_tree_create(struct fake_tree *t)
{
	snprintf(t->root, sizeof(t->root), "/tmp/vfio_cdev_test.XXXXXX");
	if (mkdtemp(t->root) == NULL)
		return -1;
	snprintf(t->dev, sizeof(t->dev), "%s/dev", t->root);
	snprintf(t->sys, sizeof(t->sys), "%s/sys", t->root);
	if (mkdir(t->dev, 0755) < 0 || mkdir(t->sys, 0755) < 0)
		return -1;
	setenv("VFIO_CDEV_DEV_ROOT", t->dev, 1);
	setenv("VFIO_CDEV_SYS_ROOT", t->sys, 1);
	return 0;
}

int
fake_tree_setup(struct fake_tree *t)
{
	if (!fake_tree_can_mknod()) {
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

static int
add_node(struct fake_tree *t, unsigned int minor, enum fake_node node)
{
	char path[PATH_MAX], other[PATH_MAX];

	snprintf(path, sizeof(path), "%s/vfio/devices/vfio%u", t->dev, minor);
	switch (node) {
	case FAKE_NODE_OK:
		return mknod(path, S_IFCHR | 0600,
			makedev(FAKE_CDEV_MAJOR, minor));
	case FAKE_NODE_WRONG_RDEV:
		return mknod(path, S_IFCHR | 0600,
			makedev(FAKE_CDEV_MAJOR, minor + 100));
	case FAKE_NODE_REGULAR:
		return write_file(path, "");
	case FAKE_NODE_SYMLINK:
		/* a real node with the right number, reached by a link */
		snprintf(other, sizeof(other), "%s/decoy%u", t->dev, minor);
		if (mknod(other, S_IFCHR | 0600,
				makedev(FAKE_CDEV_MAJOR, minor)) < 0)
			return -1;
		return symlink(other, path);
	case FAKE_NODE_BLOCK:
		return mknod(path, S_IFBLK | 0600,
			makedev(FAKE_CDEV_MAJOR, minor));
	case FAKE_NODE_NONE:
		return 0;
	}
	return -1;
}

int
fake_tree_add_device(struct fake_tree *t, unsigned int minor,
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
		{ "numa_node", pci->numa },
	};
	char dir[PATH_MAX], path[PATH_MAX], target[PATH_MAX];
	char value[64];
	unsigned int i;

	snprintf(dir, sizeof(dir), "%s/" PCI_DIR "/%s", t->sys, pci->bdf);
	if (mkdir_p(dir) < 0)
		return -1;
	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		if (attrs[i].value == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, attrs[i].name);
		snprintf(value, sizeof(value), "%s\n", attrs[i].value);
		if (write_file(path, value) < 0)
			return -1;
	}

	snprintf(path, sizeof(path), "%s/vfio-dev/vfio%u", dir, minor);
	if (mkdir_p(path) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/vfio-dev/vfio%u/dev", dir, minor);
	snprintf(value, sizeof(value), "%u:%u\n", FAKE_CDEV_MAJOR, minor);
	if (write_file(path, value) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/vfio-dev/vfio%u/device", dir, minor);
	snprintf(target, sizeof(target), "../../../%s", pci->bdf);
	if (symlink(target, path) < 0)
		return -1;

	snprintf(path, sizeof(path), "%s/class/vfio-dev", t->sys);
	if (mkdir_p(path) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/class/vfio-dev/vfio%u", t->sys, minor);
	snprintf(target, sizeof(target), "../../" PCI_DIR "/%s/vfio-dev/vfio%u",
		pci->bdf, minor);
	if (symlink(target, path) < 0)
		return -1;

	if (fake_tree_add_devices_dir(t) < 0)
		return -1;
	return add_node(t, minor, node);
}

int
fake_tree_write_sys(struct fake_tree *t, const char *rel, const char *content)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", t->sys, rel);
	return write_file(path, content);
}

int
fake_tree_remove_sys(struct fake_tree *t, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", t->sys, rel);
	return unlink(path);
}
