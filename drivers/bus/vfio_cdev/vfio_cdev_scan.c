/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * From /dev/vfio/devices/vfioN to a PCI device identity: sysfs says which
 * device a cdev is (class/vfio-dev/vfioN/dev holds major:minor, device
 * links to the PCI device), and the node must be that very character
 * device. Anything else is refused, never followed.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <rte_memory.h>
#include <rte_pci.h>
#include <rte_string_fns.h>
#include <rte_vfio_cdev.h>

#include "vfio_cdev_private.h"

/* sysfs attributes are short; anything longer is garbage. */
#define ATTR_MAX 64

bool
vfio_cdev_name_valid(const char *name)
{
	size_t i, len = strlen(name);

	if (len <= 4 || len >= VFIO_CDEV_NAME_LEN || strncmp(name, "vfio", 4))
		return false;
	for (i = 4; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return false;
	}
	return true;
}

static void
devices_dir(char *buf, size_t len)
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

/* "0x8086" (or "8086") up to max, nothing else. */
static int
parse_hex(const char *s, unsigned long max, unsigned long *val)
{
	char *end;

	if (strncmp(s, "0x", 2) == 0)
		s += 2;
	if (*s == '\0' || strspn(s, "0123456789abcdefABCDEF") != strlen(s))
		return -1;
	errno = 0;
	*val = strtoul(s, &end, 16);
	if (errno != 0 || *end != '\0' || *val > max)
		return -1;
	return 0;
}

/* "major:minor", both decimal, nothing else. */
static int
parse_devt(const char *s, dev_t *devt)
{
	unsigned int maj, min;
	int n = -1;

	if (strspn(s, "0123456789:") != strlen(s) ||
			sscanf(s, "%u:%u%n", &maj, &min, &n) != 2 ||
			s[n] != '\0')
		return -1;
	*devt = makedev(maj, min);
	return 0;
}

static int
parse_numa(const char *s, int *node)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < -1 || v >= INT_MAX)
		return -1;
	*node = v < 0 ? SOCKET_ID_ANY : (int)v;
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
check_node(const char *name, dev_t devt)
{
	char dir[PATH_MAX], node[PATH_MAX];
	struct stat st;

	devices_dir(dir, sizeof(dir));
	snprintf(node, sizeof(node), "%s/%s", dir, name);
	if (lstat(node, &st) < 0) {
		VFIO_CDEV_LOG(ERR, "%s: cannot stat %s: %s", name, node,
			strerror(errno));
		return -1;
	}
	if (!S_ISCHR(st.st_mode)) {
		VFIO_CDEV_LOG(ERR, "%s: %s is %s, not the character device sysfs names; refusing it",
			name, node, file_type(st.st_mode));
		return -1;
	}
	if (st.st_rdev != devt) {
		VFIO_CDEV_LOG(ERR, "%s: %s is device %u:%u but sysfs says %u:%u; refusing it",
			name, node, major(st.st_rdev), minor(st.st_rdev),
			major(devt), minor(devt));
		return -1;
	}
	return 0;
}

/* Read attribute attr of the PCI device the cdev in sysdir belongs to. */
static int
read_pci_attr(const char *name, const char *sysdir, const char *attr,
		char *buf, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/device/%s", sysdir, attr);
	if (read_attr(path, buf, len) < 0) {
		VFIO_CDEV_LOG(ERR, "%s: cannot read %s: %s", name, path,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int
read_pci_hex(const char *name, const char *sysdir, const char *attr,
		unsigned long max, unsigned long *val)
{
	char buf[ATTR_MAX];

	if (read_pci_attr(name, sysdir, attr, buf, sizeof(buf)) < 0)
		return -1;
	if (parse_hex(buf, max, val) < 0) {
		VFIO_CDEV_LOG(ERR, "%s: %s/device/%s holds \"%s\", not a hex value up to %#lx; refusing it",
			name, sysdir, attr, buf, max);
		return -1;
	}
	return 0;
}

/*
 * BAR physical addresses from the device's "resource" file, for
 * mem_resource[].phys_addr (drivers map BARs through VFIO regions, so
 * a missing or odd file only leaves them 0).
 */
static void
read_bar_addresses(const char *sysdir, struct rte_pci_device *pci)
{
	unsigned long long start, end, flags;
	char path[PATH_MAX];
	unsigned int i;
	FILE *f;

	snprintf(path, sizeof(path), "%s/device/resource", sysdir);
	f = fopen(path, "re");
	if (f == NULL)
		return;
	for (i = 0; i < PCI_MAX_RESOURCE; i++) {
		if (fscanf(f, "%llx %llx %llx", &start, &end, &flags) != 3)
			break;
		pci->mem_resource[i].phys_addr = start;
	}
	fclose(f);
}

static int
read_pci_identity(const char *name, const char *sysdir,
		struct rte_pci_device *pci)
{
	const struct {
		const char *attr;
		uint16_t *field;
	} ids[] = {
		{ "vendor", &pci->id.vendor_id },
		{ "device", &pci->id.device_id },
		{ "subsystem_vendor", &pci->id.subsystem_vendor_id },
		{ "subsystem_device", &pci->id.subsystem_device_id },
	};
	char path[PATH_MAX], target[PATH_MAX], buf[ATTR_MAX];
	unsigned long val;
	unsigned int i;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/device", sysdir);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0) {
		VFIO_CDEV_LOG(ERR, "%s: cannot read link %s: %s", name, path,
			strerror(errno));
		return -1;
	}
	target[n] = '\0';
	if (rte_pci_addr_parse(basename(target), &pci->addr) < 0) {
		VFIO_CDEV_LOG(ERR, "%s: %s leads to %s, not a PCI device; refusing it",
			name, path, target);
		return -1;
	}

	for (i = 0; i < RTE_DIM(ids); i++) {
		if (read_pci_hex(name, sysdir, ids[i].attr, UINT16_MAX,
				&val) < 0)
			return -1;
		*ids[i].field = val;
	}
	if (read_pci_hex(name, sysdir, "class", 0xffffff, &val) < 0)
		return -1;
	pci->id.class_id = val;

	/* like the PCI bus: no numa_node attribute means any socket */
	pci->device.numa_node = SOCKET_ID_ANY;
	snprintf(path, sizeof(path), "%s/device/numa_node", sysdir);
	if (access(path, F_OK) == 0) {
		if (read_pci_attr(name, sysdir, "numa_node", buf,
				sizeof(buf)) < 0)
			return -1;
		if (parse_numa(buf, &pci->device.numa_node) < 0) {
			VFIO_CDEV_LOG(ERR, "%s: %s holds \"%s\", not a NUMA node; refusing it",
				name, path, buf);
			return -1;
		}
	}
	read_bar_addresses(sysdir, pci);
	pci->kdrv = RTE_PCI_KDRV_VFIO;
	return 0;
}

int
vfio_cdev_identify(const char *name, struct vfio_cdev_device *dev)
{
	char sysdir[PATH_MAX], path[PATH_MAX], buf[ATTR_MAX];
	struct stat st;

	snprintf(sysdir, sizeof(sysdir), "%s/class/vfio-dev/%s",
		rte_vfio_cdev_sys_root(), name);
	snprintf(path, sizeof(path), "%s/dev", sysdir);
	if (read_attr(path, buf, sizeof(buf)) < 0) {
		if (errno == ENOENT && stat(sysdir, &st) == 0)
			VFIO_CDEV_LOG(ERR, "%s: %s has no dev file: the kernel lacks CONFIG_VFIO_DEVICE_CDEV; use --vfio-mode=group or a kernel with the fragment in vfio-cdev's kernel/",
				name, sysdir);
		else
			VFIO_CDEV_LOG(ERR, "%s: cannot read %s: %s", name, path,
				strerror(errno));
		return -1;
	}
	if (parse_devt(buf, &dev->devt) < 0) {
		VFIO_CDEV_LOG(ERR, "%s: %s holds \"%s\", not major:minor; refusing it",
			name, path, buf);
		return -1;
	}
	if (check_node(name, dev->devt) < 0)
		return -1;
	if (read_pci_identity(name, sysdir, &dev->pci) < 0)
		return -1;

	strlcpy(dev->cdev_name, name, sizeof(dev->cdev_name));
	dev->state = VFIO_CDEV_SCANNED;
	return 0;
}

int
vfio_cdev_scan_devices(void)
{
	struct vfio_cdev_device *dev;
	char dir[PATH_MAX];
	struct dirent *e;
	DIR *d;

	devices_dir(dir, sizeof(dir));
	d = opendir(dir);
	if (d == NULL) {
		if (errno == ENOENT) {
			VFIO_CDEV_LOG(ERR, "no VFIO cdev devices: %s does not exist; bind devices to vfio-pci on a kernel with CONFIG_VFIO_DEVICE_CDEV",
				dir);
			return 0;
		}
		VFIO_CDEV_LOG(ERR, "cannot open %s: %s", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (!vfio_cdev_name_valid(e->d_name))
			continue;
		dev = vfio_cdev_find_by_cdev(e->d_name);
		if (dev != NULL) {
			vfio_cdev_update_devargs(dev);
			continue;
		}
		dev = calloc(1, sizeof(*dev));
		if (dev == NULL) {
			VFIO_CDEV_LOG(ERR, "%s: out of memory", e->d_name);
			break;
		}
		dev->fd = -1;
		if (vfio_cdev_identify(e->d_name, dev) < 0) {
			free(dev);
			continue;
		}
		vfio_cdev_add_device(dev);
	}
	closedir(d);
	return 0;
}
