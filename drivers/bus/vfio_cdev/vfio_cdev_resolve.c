/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * From a PCI device to its VFIO cdev: sysfs says which cdev a device
 * bound to vfio-pci has (<device>/vfio-dev/vfioN, whose dev file holds
 * major:minor), and the node under /dev/vfio/devices must be that very
 * character device. Anything else is refused, never followed.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <bus_pci_driver.h>
#include <rte_string_fns.h>
#include <rte_vfio_cdev.h>

#include "vfio_cdev_private.h"

/* sysfs attributes read here are short; anything longer is garbage. */
#define ATTR_MAX 64

void
vfio_cdev_devices_dir(char *buf, size_t len)
{
	snprintf(buf, len, "%s/vfio/devices", rte_vfio_cdev_dev_root());
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
		VFIO_CDEV_DEV_LOG(ERR, dev, "cannot stat %s: %s", node,
			strerror(errno));
		return -1;
	}
	if (!S_ISCHR(st.st_mode)) {
		VFIO_CDEV_DEV_LOG(ERR, dev, "%s is %s, not the character device sysfs names; refusing it",
			node, file_type(st.st_mode));
		return -1;
	}
	if (st.st_rdev != dev->devt) {
		VFIO_CDEV_DEV_LOG(ERR, dev, "%s is device %u:%u but sysfs says %u:%u; refusing it",
			node, major(st.st_rdev), minor(st.st_rdev),
			major(dev->devt), minor(dev->devt));
		return -1;
	}
	return 0;
}

/* The device must be bound to vfio-pci itself: group mode (the PCI bus)
 * leaves devices of other drivers, vfio-pci variants included, alone.
 */
static int
check_driver(const struct rte_pci_device *pci, const char *pcidir)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *drv;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/driver", pcidir);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0) {
		VFIO_CDEV_LOG(ERR, "%s: not bound to vfio-pci (%s: %s); bind it to vfio-pci",
			pci->name, path, strerror(errno));
		return -1;
	}
	target[n] = '\0';
	drv = strrchr(target, '/');
	drv = drv != NULL ? drv + 1 : target;
	if (strcmp(drv, "vfio-pci") != 0) {
		VFIO_CDEV_LOG(ERR, "%s: bound to %s, not vfio-pci; leaving it alone as group mode does",
			pci->name, drv);
		return -1;
	}
	return 0;
}

/* The one vfioN under <pcidir>/vfio-dev. */
static int
find_cdev_name(const struct rte_pci_device *pci, const char *pcidir,
		char *name, size_t len)
{
	char path[PATH_MAX];
	struct dirent *e;
	unsigned int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/vfio-dev", pcidir);
	d = opendir(path);
	if (d == NULL) {
		VFIO_CDEV_LOG(ERR, "%s: no %s (%s): the kernel gives the device no VFIO cdev (older than 6.6?); use --vfio-mode=group",
			pci->name, path, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (!vfio_cdev_name_valid(e->d_name))
			continue;
		if (n++ == 0)
			strlcpy(name, e->d_name, len);
	}
	closedir(d);
	if (n != 1) {
		VFIO_CDEV_LOG(ERR, "%s: %s holds %u VFIO devices, expected one; refusing it",
			pci->name, path, n);
		return -1;
	}
	return 0;
}

/* The devt sysfs gives cdev name of the PCI device in pcidir. */
static int
read_devt(const struct vfio_cdev_device *dev, const char *pcidir,
		const char *name, dev_t *devt)
{
	char path[PATH_MAX], buf[ATTR_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/vfio-dev/%s/dev", pcidir, name);
	if (read_attr(path, buf, sizeof(buf)) < 0) {
		if (errno == ENOENT && lstat(path, &st) < 0 &&
				strcmp(name, dev->cdev_name) == 0)
			VFIO_CDEV_DEV_LOG(ERR, dev, "%s does not exist: the kernel lacks CONFIG_VFIO_DEVICE_CDEV; use --vfio-mode=group or a kernel with the fragment in vfio-cdev's kernel/",
				path);
		else
			VFIO_CDEV_DEV_LOG(ERR, dev, "cannot read %s: %s", path,
				strerror(errno));
		return -1;
	}
	if (vfio_cdev_parse_devt(buf, devt) < 0) {
		VFIO_CDEV_DEV_LOG(ERR, dev, "%s holds \"%s\", not major:minor; refusing it",
			path, buf);
		return -1;
	}
	return 0;
}

static void
pci_dir(const struct vfio_cdev_device *dev, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", rte_pci_get_sysfs_path(), dev->pci->name);
}

int
vfio_cdev_resolve(struct vfio_cdev_device *dev)
{
	char pcidir[PATH_MAX];

	strlcpy(dev->cdev_name, "no cdev", sizeof(dev->cdev_name));
	pci_dir(dev, pcidir, sizeof(pcidir));
	if (check_driver(dev->pci, pcidir) < 0 ||
			find_cdev_name(dev->pci, pcidir, dev->cdev_name,
				sizeof(dev->cdev_name)) < 0 ||
			read_devt(dev, pcidir, dev->cdev_name, &dev->devt) < 0 ||
			check_node(dev) < 0)
		return -1;
	dev->state = VFIO_CDEV_RESOLVED;
	return 0;
}

/*
 * A device has a vfio-dev/vfioN entry only for its own cdev, and the open
 * fd keeps vfioN from going to another device: if the PCI device, still
 * bound to vfio-pci, has that entry with that devt, the node opened is
 * its own.
 */
int
vfio_cdev_check_identity(const struct vfio_cdev_device *dev)
{
	char pcidir[PATH_MAX];
	dev_t devt;

	pci_dir(dev, pcidir, sizeof(pcidir));
	if (check_driver(dev->pci, pcidir) < 0 ||
			read_devt(dev, pcidir, dev->cdev_name, &devt) < 0 ||
			devt != dev->devt) {
		VFIO_CDEV_DEV_LOG(ERR, dev, "the device's cdev is no longer %s (%u:%u) now that it is open: the node opened belongs to another device; refusing it",
			dev->cdev_name, major(dev->devt), minor(dev->devt));
		return -1;
	}
	return 0;
}

enum vfio_cdev_sriov
vfio_cdev_sriov_role(const struct vfio_cdev_device *dev, char *pf,
		size_t len)
{
	char pcidir[PATH_MAX], path[PATH_MAX], target[PATH_MAX];
	const char *name;
	ssize_t n;

	pci_dir(dev, pcidir, sizeof(pcidir));
	snprintf(path, sizeof(path), "%s/physfn", pcidir);
	n = readlink(path, target, sizeof(target) - 1);
	if (n >= 0) {
		target[n] = '\0';
		name = strrchr(target, '/');
		strlcpy(pf, name != NULL ? name + 1 : target, len);
		snprintf(path, sizeof(path), "%s/physfn/driver", pcidir);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			return VFIO_CDEV_SRIOV_NONE;
		target[n] = '\0';
		name = strrchr(target, '/');
		return strcmp(name != NULL ? name + 1 : target, "vfio-pci") == 0 ?
			VFIO_CDEV_SRIOV_VF : VFIO_CDEV_SRIOV_NONE;
	}
	snprintf(path, sizeof(path), "%s/sriov_totalvfs", pcidir);
	return access(path, F_OK) == 0 ? VFIO_CDEV_SRIOV_PF :
		VFIO_CDEV_SRIOV_NONE;
}
