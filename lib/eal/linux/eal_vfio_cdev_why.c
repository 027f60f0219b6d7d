/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * Why a device cannot be bound in cdev mode, from what the kernel can be
 * asked. VFIO_DEVICE_BIND_IOMMUFD overloads its errnos (Linux 6.12):
 * EPERM is a device of the IOMMU group owned elsewhere (a kernel driver,
 * another process's iommufd) as well as interrupts the IOMMU cannot
 * isolate; EINVAL is a device bound through another cdev fd, an IOMMU
 * that cannot enforce cache coherency, or a flag the kernel does not
 * know; EBUSY is the device's group open. Each is told apart where sysfs
 * and /proc can tell it.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <rte_string_fns.h>

#include "eal_vfio_cdev.h"
#include "eal_vfio_cdev_uapi.h"
#include "eal_vfio_mode.h"

/* Drivers that leave a device's DMA to its owner: such a sibling keeps no
 * group from being claimed (driver_managed_dma), nor does one of VFIO's.
 */
static bool
driver_leaves_dma(const char *drv)
{
	return strncmp(drv, "vfio", 4) == 0 || strcmp(drv, "pcieport") == 0 ||
		strcmp(drv, "pci-stub") == 0;
}

/* "0000:01:02.0 (e1000)", the first device of the group whose kernel
 * driver owns its DMA, or an empty string.
 */
static void
sibling_on_kernel_driver(const struct vfio_cdev_device *dev, char *buf,
		size_t len)
{
	char dir[PATH_MAX], target[PATH_MAX], rel[NAME_MAX + 8];
	const char *drv;
	struct dirent *e;
	DIR *d;

	buf[0] = '\0';
	snprintf(dir, sizeof(dir), "%s/iommu_group/devices", dev->sysfs_dir);
	d = opendir(dir);
	if (d == NULL)
		return;
	while (buf[0] == '\0' && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, dev->name) == 0)
			continue;
		snprintf(rel, sizeof(rel), "%s/driver", e->d_name);
		drv = vfio_cdev_link_name(dir, rel, target, sizeof(target));
		if (drv != NULL && !driver_leaves_dma(drv))
			snprintf(buf, len, "%s (%s)", e->d_name, drv);
	}
	closedir(d);
}

bool
vfio_cdev_msi_isolated(void)
{
	char dir[PATH_MAX], path[PATH_MAX + 32], chip[64];
	bool isolated = false;
	struct dirent *e;
	ssize_t n;
	DIR *d;
	int fd;

	/* the interrupt chips say whether interrupt remapping (x86) or an
	 * ITS (arm64) isolates MSIs
	 */
	snprintf(dir, sizeof(dir), "%s/kernel/irq", eal_vfio_sys_root());
	d = opendir(dir);
	if (d == NULL)
		return false;
	while (!isolated && (e = readdir(d)) != NULL) {
		snprintf(path, sizeof(path), "%s/%s/chip_name", dir, e->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, chip, sizeof(chip) - 1);
		close(fd);
		if (n <= 0)
			continue;
		chip[n] = '\0';
		isolated = strncmp(chip, "IR-", 3) == 0 ||
			strstr(chip, "ITS") != NULL;
	}
	closedir(d);
	return isolated;
}

bool
vfio_cdev_unsafe_interrupts_group_only(void)
{
	return eal_vfio_module_param_set("vfio_iommu_type1",
			"allow_unsafe_interrupts") &&
		!eal_vfio_module_param_set("iommufd",
			"allow_unsafe_interrupts") &&
		!vfio_cdev_msi_isolated();
}

/* "process 1234 (qemu-system-x86)" holding a file whose path is node, in
 * buf; empty if none this process may see.
 */
static void
holder_of(const char *node, char *buf, size_t len)
{
	char fds[64], path[PATH_MAX], target[PATH_MAX], comm[64] = "";
	struct dirent *p, *f;
	DIR *proc, *d;
	ssize_t n;
	int fd;

	buf[0] = '\0';
	proc = opendir("/proc");
	if (proc == NULL)
		return;
	while (buf[0] == '\0' && (p = readdir(proc)) != NULL) {
		if (p->d_name[0] < '1' || p->d_name[0] > '9' ||
				atoi(p->d_name) == getpid())
			continue;
		snprintf(fds, sizeof(fds), "/proc/%s/fd", p->d_name);
		d = opendir(fds);
		if (d == NULL)
			continue;
		while (buf[0] == '\0' && (f = readdir(d)) != NULL) {
			snprintf(path, sizeof(path), "%s/%s", fds, f->d_name);
			n = readlink(path, target, sizeof(target) - 1);
			if (n < 0)
				continue;
			target[n] = '\0';
			if (strcmp(target, node) != 0)
				continue;
			snprintf(path, sizeof(path), "/proc/%s/comm", p->d_name);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			n = fd < 0 ? -1 : read(fd, comm, sizeof(comm) - 1);
			if (fd >= 0)
				close(fd);
			comm[n > 0 ? n : 0] = '\0';
			strtok(comm, "\n");
			snprintf(buf, len, "process %s (%s)", p->d_name, comm);
		}
		closedir(d);
	}
	closedir(proc);
}

int
vfio_cdev_token_checked(int fd, const uint8_t *token)
{
	struct vfio_cdev_bind_iommufd probe = {
		.argsz = sizeof(probe),
		.flags = VFIO_CDEV_BIND_FLAG_TOKEN,
		.iommufd = fd,	/* no iommufd: the bind cannot succeed */
		.token_uuid_ptr = (uintptr_t)token,
	};

	/* a kernel that does not know the flag refuses it first; one that
	 * does goes on to the token or to the fd, which is no iommufd
	 */
	if (ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &probe) == 0)
		return 1;	/* cannot happen: the fd is no iommufd */
	return errno == EINVAL ? 0 : 1;
}

void
vfio_cdev_bind_why(const struct vfio_cdev_device *dev, int err, char *buf,
		size_t len)
{
	char who[128], node[PATH_MAX], group[PATH_MAX];

	switch (err) {
	case EPERM:
		sibling_on_kernel_driver(dev, who, sizeof(who));
		if (who[0] != '\0') {
			snprintf(buf, len, "; its IOMMU group also has %s, not on vfio-pci: bind that device to vfio-pci or unbind it",
				who);
		} else if (!vfio_cdev_msi_isolated()) {
			snprintf(buf, len, "; the IOMMU does not isolate MSIs (no interrupt remapping): enable it, or knowing the risk set iommufd.allow_unsafe_interrupts=1%s",
				eal_vfio_module_param_set("vfio_iommu_type1",
					"allow_unsafe_interrupts") ?
				" as vfio_iommu_type1's is" : "");
		} else {
			snprintf(buf, len, "; a device of its IOMMU group is owned by another process's iommufd (QEMU, another DPDK): stop it or leave the device out");
		}
		break;
	case EINVAL:
		vfio_cdev_devices_dir(node, sizeof(node));
		strlcat(node, "/", sizeof(node));
		strlcat(node, dev->cdev_name, sizeof(node));
		holder_of(node, who, sizeof(who));
		if (who[0] != '\0')
			snprintf(buf, len, "; the device is bound by %s: stop it or leave the device out",
				who);
		else
			snprintf(buf, len, "; the device is bound through another cdev fd, or the IOMMU cannot enforce cache coherency (then use --vfio-mode=group)");
		break;
	case EBUSY:
		vfio_cdev_group_name(dev, group, sizeof(group));
		holder_of(group, who, sizeof(who));
		snprintf(buf, len, "; %s is open%s%s: close it or leave the device out",
			group, who[0] != '\0' ? " by " : "", who);
		break;
	default:
		buf[0] = '\0';
	}
}
