/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_log.h>
#include <rte_vfio_cdev.h>

#include "eal_iommufd.h"
#include "eal_vfio_mode.h"

/* What --vfio-mode asked for, and what it resolved to (AUTO: not yet). */
static enum rte_vfio_mode requested_mode = RTE_VFIO_MODE_AUTO;
static enum rte_vfio_mode effective_mode = RTE_VFIO_MODE_AUTO;

static const char * const mode_names[] = {
	[RTE_VFIO_MODE_AUTO] = "auto",
	[RTE_VFIO_MODE_GROUP] = "group",
	[RTE_VFIO_MODE_CDEV] = "cdev",
};

const char *
rte_vfio_mode_name(enum rte_vfio_mode mode)
{
	if ((unsigned int)mode >= RTE_DIM(mode_names))
		return "unknown";
	return mode_names[mode];
}

int
eal_vfio_mode_parse(const char *arg)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(mode_names); i++) {
		if (strcmp(arg, mode_names[i]) == 0) {
			requested_mode = i;
			effective_mode = RTE_VFIO_MODE_AUTO;
			return 0;
		}
	}
	RTE_LOG(ERR, EAL, "--vfio-mode=%s: invalid mode, expected auto, group or cdev\n",
		arg);
	return -1;
}

static const char *
root_from_env(const char *var, const char *fallback)
{
	const char *root = getenv(var);

	return root != NULL && root[0] != '\0' ? root : fallback;
}

const char *
rte_vfio_cdev_dev_root(void)
{
	return root_from_env("VFIO_CDEV_DEV_ROOT", "/dev");
}

const char *
rte_vfio_cdev_sys_root(void)
{
	return root_from_env("VFIO_CDEV_SYS_ROOT", "/sys");
}

static int
stat_under_dev(const char *rel, struct stat *st, char *path, size_t len)
{
	snprintf(path, len, "%s/%s", rte_vfio_cdev_dev_root(), rel);
	return stat(path, st);
}

/* Auto mode: cdev when the kernel exposes both iommufd and device cdevs,
 * and this process may use iommufd.
 */
static enum rte_vfio_mode
decide_auto(char *reason, size_t len)
{
	char iommu[PATH_MAX], devices[PATH_MAX];
	struct stat st;
	int fd;

	if (stat_under_dev("iommu", &st, iommu, sizeof(iommu)) < 0 ||
			!S_ISCHR(st.st_mode)) {
		snprintf(reason, len, "auto: no %s, kernel without CONFIG_IOMMUFD",
			iommu);
		return RTE_VFIO_MODE_GROUP;
	}
	if (stat_under_dev("vfio/devices", &st, devices, sizeof(devices)) < 0 ||
			!S_ISDIR(st.st_mode)) {
		snprintf(reason, len,
			"auto: no %s, no device bound to vfio-pci or kernel without CONFIG_VFIO_DEVICE_CDEV",
			devices);
		return RTE_VFIO_MODE_GROUP;
	}
	fd = open(iommu, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(reason, len, "auto: cannot open %s: %s", iommu,
			strerror(errno));
		return RTE_VFIO_MODE_GROUP;
	}
	close(fd);
	snprintf(reason, len, "auto: %s and %s present", iommu, devices);
	return RTE_VFIO_MODE_CDEV;
}

enum rte_vfio_mode
rte_vfio_mode_get(void)
{
	char reason[2 * PATH_MAX + 128];

	if (effective_mode != RTE_VFIO_MODE_AUTO)
		return effective_mode;

	if (requested_mode == RTE_VFIO_MODE_AUTO) {
		effective_mode = decide_auto(reason, sizeof(reason));
	} else {
		effective_mode = requested_mode;
		snprintf(reason, sizeof(reason), "--vfio-mode=%s",
			rte_vfio_mode_name(requested_mode));
	}
	RTE_LOG(INFO, EAL, "VFIO mode: %s (%s)\n",
		rte_vfio_mode_name(effective_mode), reason);
	return effective_mode;
}

int
eal_vfio_cdev_enable(void)
{
	char path[PATH_MAX];
	struct stat st;

	if (stat_under_dev("iommu", &st, path, sizeof(path)) < 0) {
		RTE_LOG(ERR, EAL, "VFIO cdev mode: %s: %s; the kernel needs CONFIG_IOMMUFD (see kernel/ in vfio-cdev), or use --vfio-mode=group\n",
			path, strerror(errno));
		return -1;
	}
	if (!S_ISCHR(st.st_mode)) {
		RTE_LOG(ERR, EAL, "VFIO cdev mode: %s is not a character device; remove it and let devtmpfs create it\n",
			path);
		return -1;
	}
	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		RTE_LOG(ERR, EAL, "VFIO cdev mode: secondary processes are not supported; use --vfio-mode=group for multi-process applications\n");
		return -1;
	}
	return eal_iommufd_open(path);
}
