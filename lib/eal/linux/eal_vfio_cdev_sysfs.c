/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * From a device to its VFIO cdev: sysfs says which cdev a device bound to
 * a VFIO driver has (<device>/vfio-dev/vfioN, or noiommu-vfioN in no-IOMMU
 * mode on Linux 7.3, whose dev file holds major:minor), and the node under /dev/vfio/devices must be that very
 * character device. Anything else is refused, never followed.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <rte_log.h>
#include <rte_string_fns.h>

#include "eal_vfio_cdev.h"
#include "eal_vfio_mode.h"

/* sysfs attributes read here are short; anything longer is garbage. */
#define ATTR_MAX 64

void
vfio_cdev_devices_dir(char *buf, size_t len)
{
	snprintf(buf, len, "%s/vfio/devices", eal_vfio_dev_root());
}

/* Read a one-line sysfs attribute without its newline; -1 with errno. */
static int
read_attr(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len);
	close(fd);
	if (n < 0)
		return -1;
	if ((size_t)n == len) {
		errno = EOVERFLOW;
		return -1;
	}
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	if (n == 0) {
		errno = ENODATA;
		return -1;
	}
	if (memchr(buf, '\0', n) != NULL) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

const char *
vfio_cdev_link_name(const char *dir, const char *rel, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	n = readlink(path, buf, len - 1);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return basename(buf);
}

static const char *
file_type(mode_t mode)
{
	if (S_ISLNK(mode))
		return "a symlink";
	if (S_ISREG(mode))
		return "a regular file";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISBLK(mode))
		return "a block device";
	return "not a character device";
}

/* The node must be the character device sysfs names, not a stand-in. */
static int
check_node(const struct vfio_cdev_device *dev)
{
	char dir[PATH_MAX], node[PATH_MAX];
	struct stat st;

	vfio_cdev_devices_dir(dir, sizeof(dir));
	snprintf(node, sizeof(node), "%s/%s", dir, dev->cdev_name);
	if (lstat(node, &st) < 0) {
		VFIO_CDEV_LOG(ERR, dev, "cannot stat %s: %s", node,
			strerror(errno));
		return -ENODEV;
	}
	if (!S_ISCHR(st.st_mode)) {
		VFIO_CDEV_LOG(ERR, dev, "%s is %s, not the character device sysfs names; refused",
			node, file_type(st.st_mode));
		return -ENODEV;
	}
	if (st.st_rdev != dev->devt) {
		VFIO_CDEV_LOG(ERR, dev, "%s is device %u:%u, sysfs says %u:%u; refused",
			node, major(st.st_rdev), minor(st.st_rdev),
			major(dev->devt), minor(dev->devt));
		return -ENODEV;
	}
	return 0;
}

/*
 * The one vfioN under vfio-dev. A device without vfio-dev is not bound to
 * a VFIO driver (-ENOENT, as group mode's "not managed by VFIO"), unless
 * its driver is one: then the kernel predates VFIO cdevs.
 */
static int
find_cdev_name(struct vfio_cdev_device *dev)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *drv;
	struct dirent *e;
	unsigned int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/vfio-dev", dev->sysfs_dir);
	d = opendir(path);
	if (d == NULL) {
		drv = vfio_cdev_link_name(dev->sysfs_dir, "driver", target,
			sizeof(target));
		if (drv == NULL || strncmp(drv, "vfio", 4) != 0)
			return -ENOENT;
		VFIO_CDEV_LOG(ERR, dev, "bound to %s but no %s: the kernel has no VFIO cdevs (6.6+ needed); use --vfio-mode=group",
			drv, path);
		return -ENOTSUP;
	}
	while ((e = readdir(d)) != NULL) {
		if (!vfio_cdev_name_valid(e->d_name))
			continue;
		if (n++ == 0)
			strlcpy(dev->cdev_name, e->d_name,
				sizeof(dev->cdev_name));
	}
	closedir(d);
	if (n != 1) {
		VFIO_CDEV_LOG(ERR, dev, "%s holds %u VFIO devices, expected one; refused",
			path, n);
		return -ENODEV;
	}
	return 0;
}

/* The devt sysfs gives the device's cdev name. */
static int
read_devt(const struct vfio_cdev_device *dev, const char *name, dev_t *devt)
{
	char path[PATH_MAX], buf[ATTR_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/vfio-dev/%s/dev", dev->sysfs_dir,
		name);
	if (read_attr(path, buf, sizeof(buf)) < 0) {
		if (errno == ENOENT && lstat(path, &st) < 0)
			VFIO_CDEV_LOG(ERR, dev, "no %s: the kernel lacks CONFIG_VFIO_DEVICE_CDEV; use --vfio-mode=group",
				path);
		else
			VFIO_CDEV_LOG(ERR, dev, "cannot read %s: %s", path,
				strerror(errno));
		return -ENODEV;
	}
	if (vfio_cdev_parse_devt(buf, devt) < 0) {
		VFIO_CDEV_LOG(ERR, dev, "%s holds \"%s\", not major:minor; refused",
			path, buf);
		return -ENODEV;
	}
	return 0;
}

int
vfio_cdev_resolve(struct vfio_cdev_device *dev)
{
	int ret;

	strlcpy(dev->cdev_name, "no cdev", sizeof(dev->cdev_name));
	ret = find_cdev_name(dev);
	if (ret == 0)
		ret = read_devt(dev, dev->cdev_name, &dev->devt);
	/* a node is opened only if no fd was handed in for the device */
	if (ret == 0 && dev->origin == VFIO_CDEV_FROM_NODE)
		ret = check_node(dev);
	if (ret == 0)
		dev->state = VFIO_CDEV_RESOLVED;
	return ret;
}

/*
 * A device has a vfio-dev/vfioN entry only for its own cdev, and the open
 * fd keeps vfioN from going to another device: if the device still has
 * that entry with that devt, the node opened is its own.
 */
int
vfio_cdev_check_identity(const struct vfio_cdev_device *dev)
{
	dev_t devt;

	if (read_devt(dev, dev->cdev_name, &devt) < 0 || devt != dev->devt) {
		VFIO_CDEV_LOG(ERR, dev, "its cdev is no longer %s (%u:%u) once open: the node opened is another device's; refused",
			dev->cdev_name, major(dev->devt), minor(dev->devt));
		return -1;
	}
	return 0;
}

int
vfio_cdev_iommu_devt(dev_t *devt)
{
	char path[PATH_MAX], buf[ATTR_MAX];

	snprintf(path, sizeof(path), "%s/class/misc/iommu/dev",
		eal_vfio_sys_root());
	if (read_attr(path, buf, sizeof(buf)) < 0)
		return -1;
	return vfio_cdev_parse_devt(buf, devt);
}

int
vfio_cdev_devt_owner(dev_t devt, char *addr, size_t len)
{
	char dir[PATH_MAX], target[PATH_MAX], *vfio_dev;

	snprintf(dir, sizeof(dir), "%s/dev/char", eal_vfio_sys_root());
	snprintf(target, sizeof(target), "%u:%u", major(devt), minor(devt));
	if (vfio_cdev_link_name(dir, target, target, sizeof(target)) == NULL)
		return -1;
	/* .../<device>/vfio-dev/vfioN: the device is two levels up */
	vfio_dev = strstr(target, "/vfio-dev/");
	if (vfio_dev == NULL)
		return -1;
	*vfio_dev = '\0';
	strlcpy(addr, basename(target), len);
	return 0;
}

enum vfio_cdev_sriov
vfio_cdev_sriov_role(const struct vfio_cdev_device *dev, char *pf,
		size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *name;

	name = vfio_cdev_link_name(dev->sysfs_dir, "physfn", target,
		sizeof(target));
	if (name != NULL) {
		strlcpy(pf, name, len);
		name = vfio_cdev_link_name(dev->sysfs_dir, "physfn/driver", target,
			sizeof(target));
		return name != NULL && strcmp(name, "vfio-pci") == 0 ?
			VFIO_CDEV_SRIOV_VF : VFIO_CDEV_SRIOV_NONE;
	}
	snprintf(path, sizeof(path), "%s/sriov_totalvfs", dev->sysfs_dir);
	return access(path, F_OK) == 0 ? VFIO_CDEV_SRIOV_PF :
		VFIO_CDEV_SRIOV_NONE;
}

void
vfio_cdev_group_name(const struct vfio_cdev_device *dev, char *buf,
		size_t len)
{
	char target[PATH_MAX];
	const char *group;

	group = vfio_cdev_link_name(dev->sysfs_dir, "iommu_group", target,
		sizeof(target));
	if (group == NULL)
		snprintf(buf, len, "its VFIO group");
	else
		snprintf(buf, len, "/dev/vfio/%s", group);
}
