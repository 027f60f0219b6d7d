/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bus_driver.h>
#include <rte_common.h>
#include <rte_eal.h>
#include <rte_log.h>
#include <rte_uuid.h>
#include <rte_vfio_cdev.h>

#include "eal_iommufd.h"
#include "eal_memcfg.h"
#include "eal_vfio_cdev.h"
#include "eal_private.h"
#include "eal_vfio_mode.h"

/* What --vfio-mode asked for, and what it resolved to (AUTO: not yet). */
static enum rte_vfio_mode requested_mode = RTE_VFIO_MODE_AUTO;
static enum rte_vfio_mode effective_mode = RTE_VFIO_MODE_AUTO;
static char mode_reason[2 * PATH_MAX + 128];	/* why effective_mode */

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

/* Test trees only: a set-user-ID or file-capability process ignores them. */
static const char *
root_from_env(const char *var, const char *fallback)
{
	const char *root = secure_getenv(var);

	return root != NULL && root[0] != '\0' ? root : fallback;
}

const char *
eal_vfio_dev_root(void)
{
	return root_from_env("VFIO_CDEV_DEV_ROOT", "/dev");
}

const char *
eal_vfio_sys_root(void)
{
	return root_from_env("VFIO_CDEV_SYS_ROOT", "/sys");
}

static int
stat_under_dev(const char *rel, struct stat *st, char *path, size_t len)
{
	snprintf(path, len, "%s/%s", eal_vfio_dev_root(), rel);
	return stat(path, st);
}

static bool
exists_under_sys(const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", eal_vfio_sys_root(), rel);
	return access(path, F_OK) == 0;
}

/* True if the sysfs directory rel holds an entry whose name starts with
 * prefix (any entry but . and .. if prefix is empty).
 */
static bool
sys_dir_has(const char *rel, const char *prefix)
{
	char path[PATH_MAX];
	struct dirent *e;
	bool found = false;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", eal_vfio_sys_root(), rel);
	d = opendir(path);
	if (d == NULL)
		return false;
	while (!found && (e = readdir(d)) != NULL)
		found = e->d_name[0] != '.' &&
			strncmp(e->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return found;
}

/* True if sysfs lists an IOMMU (dmar0, ivhd0, a virtio-iommu, ...). */
static bool
iommu_present(void)
{
	return sys_dir_has("class/iommu", "");
}

bool
eal_vfio_module_param_set(const char *module, const char *param)
{
	char path[PATH_MAX], c = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/module/%s/parameters/%s",
		eal_vfio_sys_root(), module, param);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c == 'Y' || c == 'y' || c == '1';
}

bool
eal_vfio_noiommu(void)
{
	return eal_vfio_module_param_set("vfio", "enable_unsafe_noiommu_mode");
}

/* True if a device has a no-IOMMU cdev: Linux 7.3 gives them
 * (noiommu-vfioN, CONFIG_VFIO_NOIOMMU); 6.12 gives such devices none.
 */
static bool
noiommu_cdev_seen(void)
{
	return sys_dir_has("class/vfio-dev", VFIO_CDEV_NOIOMMU_PREFIX);
}

/* Why this process cannot use cdev mode, or NULL if it can (as far as
 * can be told before opening anything).
 */
static const char *
cdev_unusable(char *buf, size_t len)
{
	bool noiommu = eal_vfio_noiommu();
	char path[PATH_MAX];
	struct stat st;

	/* an iommufd handed in needs no node */
	if (!vfio_cdev_fds_iommufd_given() &&
			(stat_under_dev("iommu", &st, path, sizeof(path)) < 0 ||
			 !S_ISCHR(st.st_mode))) {
		snprintf(buf, len, exists_under_sys("module/iommufd") ?
			"no %s" :
			"no %s: load iommufd, or use a kernel with CONFIG_IOMMUFD",
			path);
		return buf;
	}
	/* no-IOMMU devices get cdevs from Linux 7.3 */
	if (noiommu && !noiommu_cdev_seen()) {
		snprintf(buf, len, "VFIO runs in no-IOMMU mode, and no device has a noiommu-vfioN cdev (Linux 7.3+ with CONFIG_VFIO_NOIOMMU)");
		return buf;
	}
	if (!noiommu && !iommu_present()) {
		snprintf(buf, len, "no IOMMU (%s/class/iommu is empty)",
			eal_vfio_sys_root());
		return buf;
	}
	return NULL;
}

/* A bus whose devices use the default container itself (the fslmc bus
 * opens its groups in it): only group mode has one.
 */
static const char * const container_buses[] = { "fslmc" };

static int
any_device(const struct rte_device *dev __rte_unused,
		const void *data __rte_unused)
{
	return 0;
}

static const char *
container_bus_used(void)
{
	const struct rte_bus *bus;
	unsigned int i;

	for (i = 0; i < RTE_DIM(container_buses); i++) {
		bus = rte_bus_find_by_name(container_buses[i]);
		if (bus != NULL && bus->find_device != NULL &&
				bus->find_device(NULL, any_device, NULL) != NULL)
			return container_buses[i];
	}
	return NULL;
}

/* Auto mode: cdev where this host's vfio-pci devices have cdevs and this
 * process may use iommufd, and nothing needs what only group mode gives
 * (its container; no-IOMMU mode, which it has always driven; interrupts
 * the IOMMU cannot isolate, allowed for type1 only; a VF token the
 * kernel cannot check at bind); else group.
 */
static enum rte_vfio_mode
decide_auto(char *reason, size_t len)
{
	char why[PATH_MAX + 128], iommu[PATH_MAX], devices[PATH_MAX];
	char path[PATH_MAX];
	const char *bus, *vf;
	rte_uuid_t token;
	struct stat st;
	int fd;

	if (vfio_cdev_fds_given()) {
		snprintf(reason, len, "auto: fds handed in with %s",
			vfio_cdev_fds_option());
		return RTE_VFIO_MODE_CDEV;
	}
	if (cdev_unusable(why, sizeof(why)) != NULL) {
		snprintf(reason, len, "auto: %s", why);
		return RTE_VFIO_MODE_GROUP;
	}
	if (stat_under_dev("vfio/devices", &st, devices, sizeof(devices)) < 0 ||
			!S_ISDIR(st.st_mode)) {
		snprintf(reason, len, "auto: no %s (no device has a VFIO cdev)",
			devices);
		return RTE_VFIO_MODE_GROUP;
	}
	/* no-IOMMU mode as group mode has always run it, where it can */
	if (eal_vfio_noiommu() &&
			stat_under_dev("vfio/vfio", &st, path, sizeof(path)) == 0) {
		snprintf(reason, len, "auto: VFIO runs in no-IOMMU mode, and %s is there",
			path);
		return RTE_VFIO_MODE_GROUP;
	}
	bus = container_bus_used();
	if (bus != NULL) {
		snprintf(reason, len, "auto: the %s bus uses the VFIO container",
			bus);
		return RTE_VFIO_MODE_GROUP;
	}
	if (vfio_cdev_unsafe_interrupts_group_only()) {
		snprintf(reason, len, "auto: the IOMMU does not isolate MSIs, which vfio_iommu_type1 allows and iommufd does not");
		return RTE_VFIO_MODE_GROUP;
	}
	rte_eal_vfio_get_vf_token(token);
	vf = rte_uuid_is_null(token) ? NULL :
		vfio_cdev_vf_token_refused(token);
	if (vf != NULL) {
		snprintf(reason, len, "auto: --vfio-vf-token, and VF %s cannot be given it at bind (kernel before 6.17)",
			vf);
		return RTE_VFIO_MODE_GROUP;
	}
	stat_under_dev("iommu", &st, iommu, sizeof(iommu));
	fd = open(iommu, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(reason, len, "auto: cannot open %s: %s", iommu,
			strerror(errno));
		return RTE_VFIO_MODE_GROUP;
	}
	close(fd);
	snprintf(reason, len, "auto: %s, %s and %s", iommu, devices,
		eal_vfio_noiommu() ?
		"no-IOMMU devices with cdevs only (no VFIO container)" :
		"an IOMMU present");
	return RTE_VFIO_MODE_CDEV;
}

/* The mode a secondary process shares with its primary: what the primary
 * published in the shared configuration (group if it published none).
 */
static enum rte_vfio_mode
primary_mode(void)
{
	uint8_t mode = rte_eal_get_configuration()->mem_config->vfio_mode;

	return mode == RTE_VFIO_MODE_CDEV ? RTE_VFIO_MODE_CDEV :
		RTE_VFIO_MODE_GROUP;
}

enum rte_vfio_mode
rte_vfio_mode_get(void)
{
	char *reason = mode_reason;
	size_t len = sizeof(mode_reason);

	if (effective_mode != RTE_VFIO_MODE_AUTO)
		return effective_mode;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		effective_mode = primary_mode();
		snprintf(reason, len, "the primary process's");
	} else if (requested_mode == RTE_VFIO_MODE_AUTO) {
		effective_mode = decide_auto(reason, len);
	} else {
		effective_mode = requested_mode;
		snprintf(reason, len, "--vfio-mode=%s",
			rte_vfio_mode_name(requested_mode));
	}
	RTE_LOG(INFO, EAL, "VFIO mode: %s (%s)\n",
		rte_vfio_mode_name(effective_mode), reason);
	return effective_mode;
}

void
eal_vfio_mode_state(enum rte_vfio_mode *requested,
		enum rte_vfio_mode *effective, const char **reason)
{
	*requested = requested_mode;
	*effective = effective_mode;
	*reason = mode_reason;
}

/* cdev mode: the primary opens the iommufd and allocates the IOAS;
 * secondaries get device fds from it.
 */
static int
cdev_enable(void)
{
	char path[PATH_MAX], why[PATH_MAX + 128];
	struct stat st;
	int fd;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	if (cdev_unusable(why, sizeof(why)) != NULL) {
		RTE_LOG(ERR, EAL, "VFIO cdev mode cannot be used: %s%s\n",
			why, vfio_cdev_fds_given() ? "" :
			"; use --vfio-mode=group or auto");
		return -1;
	}
	if (container_bus_used() != NULL)
		RTE_LOG(WARNING, EAL, "VFIO cdev mode: the %s bus needs the VFIO container, which only group mode has\n",
			container_bus_used());
	fd = vfio_cdev_fds_take_iommufd();
	if (fd >= 0)
		return eal_iommufd_adopt(fd);
	stat_under_dev("iommu", &st, path, sizeof(path));
	return eal_iommufd_open(path);
}

int
eal_vfio_mode_enable(void)
{
	enum rte_vfio_mode mode = rte_vfio_mode_get();

	if (rte_eal_process_type() == RTE_PROC_PRIMARY) {
		rte_eal_get_configuration()->mem_config->vfio_mode = mode;
	} else if (requested_mode != RTE_VFIO_MODE_AUTO &&
			requested_mode != mode) {
		RTE_LOG(ERR, EAL, "--vfio-mode=%s: the primary process runs in %s mode, which its secondaries share; leave --vfio-mode out\n",
			rte_vfio_mode_name(requested_mode),
			rte_vfio_mode_name(mode));
		return -1;
	} else if (vfio_cdev_fds_given()) {
		RTE_LOG(ERR, EAL, "%s: a secondary process gets its devices from the primary; leave it out\n",
			vfio_cdev_fds_option());
		return -1;
	}
	if (mode != RTE_VFIO_MODE_CDEV && vfio_cdev_fds_given()) {
		RTE_LOG(ERR, EAL, "%s: fds handed in are for cdev mode, not %s mode; leave out --vfio-mode=%s\n",
			vfio_cdev_fds_option(), rte_vfio_mode_name(mode),
			rte_vfio_mode_name(mode));
		return -1;
	}
	if (mode != RTE_VFIO_MODE_CDEV)
		return RTE_VFIO_MODE_GROUP;
	return cdev_enable() < 0 ? -1 : RTE_VFIO_MODE_CDEV;
}
