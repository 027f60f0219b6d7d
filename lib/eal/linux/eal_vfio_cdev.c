/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * rte_vfio_setup_device() and rte_vfio_release_device() in cdev mode. A
 * primary resolves the device to its cdev, opens it, binds it to the
 * process's iommufd (with the VF token where one is given) and attaches
 * it to the IOAS that holds DPDK's memory; a secondary gets the fd its
 * primary bound. Either way the caller gets a device fd and its
 * vfio_device_info, as from a group, and does the rest itself (the PCI
 * bus: BARs, interrupts, reset). Each step is undone in reverse order, on
 * failure as on release.
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <bus_driver.h>
#include <dev_driver.h>
#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_string_fns.h>
#include <rte_uuid.h>

#include "eal_iommufd.h"
#include "eal_vfio_cdev.h"
#include "eal_vfio_cdev_uapi.h"
#include "eal_vfio_mode.h"

static TAILQ_HEAD(, vfio_cdev_device) devices =
	TAILQ_HEAD_INITIALIZER(devices);
/* The list; never held across more than a lookup, a dup() or a walk. */
static pthread_mutex_t devices_lock = PTHREAD_MUTEX_INITIALIZER;

static const char * const state_names[] = {
	[VFIO_CDEV_RESOLVED] = "resolved",
	[VFIO_CDEV_OPENED] = "opened",
	[VFIO_CDEV_BOUND] = "bound",
	[VFIO_CDEV_ATTACHED] = "attached",
	[VFIO_CDEV_READY] = "ready",
	[VFIO_CDEV_SHARED] = "shared",
};

static const char * const origin_names[] = {
	[VFIO_CDEV_FROM_NODE] = "opened",
	[VFIO_CDEV_FROM_FD] = "handed in",
	[VFIO_CDEV_FROM_BOUND_FD] = "handed in bound",
	[VFIO_CDEV_FROM_PRIMARY] = "primary's",
};

const char *
vfio_cdev_state_name(enum vfio_cdev_state state)
{
	if ((unsigned int)state >= RTE_DIM(state_names))
		return "unknown";
	return state_names[state];
}

const char *
vfio_cdev_origin_name(enum vfio_cdev_origin origin)
{
	if ((unsigned int)origin >= RTE_DIM(origin_names))
		return "unknown";
	return origin_names[origin];
}

int
vfio_cdev_open(struct vfio_cdev_device *dev)
{
	char dir[PATH_MAX], path[PATH_MAX];
	const char *hint = "";
	struct stat st;
	int fd, err;

	vfio_cdev_devices_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, dev->cdev_name);
	/* no link followed, no blocking on whatever else stands there */
	fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		err = errno;
		if (err == EPERM && vfio_cdev_name_noiommu(dev->cdev_name))
			hint = "; a no-IOMMU device needs CAP_SYS_RAWIO";
		else if (err == EACCES || err == EPERM)
			hint = "; run as root or give the user access to it and /dev/iommu";
		VFIO_CDEV_LOG(ERR, dev, "cannot open %s: %s%s", path,
			strerror(err), hint);
		return -err;
	}
	if (fstat(fd, &st) < 0) {
		err = errno;
		VFIO_CDEV_LOG(ERR, dev, "fstat %s: %s", path, strerror(err));
		close(fd);
		return -err;
	}
	if (!S_ISCHR(st.st_mode) || st.st_rdev != dev->devt) {
		VFIO_CDEV_LOG(ERR, dev, "%s opened is not character device %u:%u that sysfs names; refused",
			path, major(dev->devt), minor(dev->devt));
		close(fd);
		return -ENODEV;
	}
	/* the devt matches; sysfs must still give it to this device */
	if (vfio_cdev_check_identity(dev) < 0) {
		close(fd);
		return -ENODEV;
	}
	if (fcntl(fd, F_SETFL, 0) < 0) {
		err = errno;
		VFIO_CDEV_LOG(ERR, dev, "fcntl %s: %s", path, strerror(err));
		close(fd);
		return -err;
	}
	dev->fd = fd;
	dev->state = VFIO_CDEV_OPENED;
	return 0;
}

void
vfio_cdev_close(struct vfio_cdev_device *dev)
{
	if (dev->fd >= 0)
		close(dev->fd);
	dev->fd = -1;
	dev->state = VFIO_CDEV_RESOLVED;
}

/*
 * The fd handed in for the device (--vfio-device-fd), EAL's already: it
 * must be the device's cdev, the devt sysfs gives it, and may be bound
 * (to the iommufd handed in; attach_ioas() proves it).
 */
static int
adopt_fd(struct vfio_cdev_device *dev)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	char what[PATH_MAX + 32], owner[PATH_MAX];
	struct stat st;
	int err;

	vfio_cdev_fds_describe(dev->fd, what, sizeof(what));
	if (fstat(dev->fd, &st) < 0 || !S_ISCHR(st.st_mode)) {
		VFIO_CDEV_LOG(ERR, dev, "--vfio-device-fd: %s is not a VFIO device cdev; refused",
			what);
		return -ENODEV;
	}
	if (st.st_rdev != dev->devt) {
		if (vfio_cdev_devt_owner(st.st_rdev, owner, sizeof(owner)) == 0)
			VFIO_CDEV_LOG(ERR, dev, "--vfio-device-fd: %s is the cdev of %s, not of this device; refused",
				what, owner);
		else
			VFIO_CDEV_LOG(ERR, dev, "--vfio-device-fd: %s is character device %u:%u, not a VFIO device cdev; refused",
				what, major(st.st_rdev), minor(st.st_rdev));
		return -ENODEV;
	}
	dev->state = VFIO_CDEV_OPENED;
	/* only a bound fd answers (an unbound one: EINVAL) */
	if (ioctl(dev->fd, VFIO_DEVICE_GET_INFO, &info) == 0) {
		dev->origin = VFIO_CDEV_FROM_BOUND_FD;
		return 0;
	}
	err = errno;
	if (err == EINVAL)
		return 0;
	VFIO_CDEV_LOG(ERR, dev, "--vfio-device-fd: %s: VFIO_DEVICE_GET_INFO: %s",
		what, strerror(err));
	return -err;
}

/* A PF's owner sets the VF token its VFs' users must give, as group
 * mode does when it opens the PF with "vf_token=" (any kernel).
 */
static int
set_vf_token(struct vfio_cdev_device *dev, const rte_uuid_t token)
{
	uint8_t buf[sizeof(struct vfio_device_feature) + sizeof(rte_uuid_t)];
	struct vfio_device_feature *f = (void *)buf;
	int err;

	f->argsz = sizeof(buf);
	f->flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_PCI_VF_TOKEN;
	memcpy(f->data, token, sizeof(rte_uuid_t));
	if (ioctl(dev->fd, VFIO_DEVICE_FEATURE, f) == 0)
		return 0;
	err = errno;
	VFIO_CDEV_LOG(ERR, dev, "VFIO_DEVICE_FEATURE_PCI_VF_TOKEN: %s",
		strerror(err));
	return -err;
}

static void
log_bind_error(struct vfio_cdev_device *dev, int err, const uint8_t *token,
		enum vfio_cdev_sriov role, const char *pf)
{
	char why[PATH_MAX];

	if (err == EINVAL && token != NULL && role == VFIO_CDEV_SRIOV_VF &&
			!vfio_cdev_token_checked(dev->fd, token))
		VFIO_CDEV_LOG(ERR, dev, "VFIO_DEVICE_BIND_IOMMUFD refuses the VF token: the kernel cannot check it at bind (needs 6.17+); the VF is not bound without it");
	else if (err == EACCES && role == VFIO_CDEV_SRIOV_VF && token == NULL)
		VFIO_CDEV_LOG(ERR, dev, "VFIO_DEVICE_BIND_IOMMUFD: %s; PF %s is on vfio-pci: give its VF token with --vfio-vf-token",
			strerror(err), pf);
	else if (err == EACCES && role == VFIO_CDEV_SRIOV_VF)
		VFIO_CDEV_LOG(ERR, dev, "VFIO_DEVICE_BIND_IOMMUFD: %s; --vfio-vf-token is not the token set for PF %s",
			strerror(err), pf);
	else if (err == EACCES && role == VFIO_CDEV_SRIOV_PF)
		VFIO_CDEV_LOG(ERR, dev, "VFIO_DEVICE_BIND_IOMMUFD: %s; the PF's VFs are in use: give their token with --vfio-vf-token",
			strerror(err));
	else {
		vfio_cdev_bind_why(dev, err, why, sizeof(why));
		VFIO_CDEV_LOG(ERR, dev, "VFIO_DEVICE_BIND_IOMMUFD: %s%s",
			strerror(err), why);
	}
}

/*
 * Bind to the process's iommufd. With --vfio-vf-token, a VF of a vfio-pci
 * PF gives the token at bind, which the kernel checks (6.17+): never
 * bound without it. A PF gives it too, and sets it for its VFs; a kernel
 * that takes no token at bind checks none for a PF, so the PF is bound
 * without it there and the token set all the same.
 */
static int
bind_iommufd(struct vfio_cdev_device *dev)
{
	struct vfio_cdev_bind_iommufd bind = {
		.argsz = sizeof(bind),
		.iommufd = eal_iommufd_fd(),
	};
	enum vfio_cdev_sriov role = VFIO_CDEV_SRIOV_NONE;
	char pf[RTE_DEV_NAME_MAX_LEN] = "";
	rte_uuid_t token;
	bool has_token;
	int ret, err;

	if (bind.iommufd < 0) {
		VFIO_CDEV_LOG(ERR, dev, "bind: this process has no iommufd");
		return -ENODEV;
	}
	rte_eal_vfio_get_vf_token(token);
	has_token = !rte_uuid_is_null(token);
	if (dev->origin == VFIO_CDEV_FROM_BOUND_FD) {
		/* bound by whoever handed it in, with the token it needed */
		dev->state = VFIO_CDEV_BOUND;
		if (has_token && vfio_cdev_sriov_role(dev, pf, sizeof(pf)) ==
				VFIO_CDEV_SRIOV_PF)
			return set_vf_token(dev, token);
		return 0;
	}
	/* sysfs is read only when it matters: a token to give, or a
	 * refusal to explain
	 */
	if (has_token)
		role = vfio_cdev_sriov_role(dev, pf, sizeof(pf));
	if (has_token && role != VFIO_CDEV_SRIOV_NONE) {
		bind.flags = VFIO_CDEV_BIND_FLAG_TOKEN;
		bind.token_uuid_ptr = (uintptr_t)token;
	}
	ret = ioctl(dev->fd, VFIO_DEVICE_BIND_IOMMUFD, &bind);
	if (ret < 0 && errno == EINVAL && bind.flags != 0 &&
			role == VFIO_CDEV_SRIOV_PF) {
		RTE_LOG(DEBUG, EAL, "%s: no token at bind on this kernel: PF bound without it, then given it\n",
			dev->name);
		bind.flags = 0;
		ret = ioctl(dev->fd, VFIO_DEVICE_BIND_IOMMUFD, &bind);
	}
	if (ret < 0) {
		err = errno;
		if (!has_token)
			role = vfio_cdev_sriov_role(dev, pf, sizeof(pf));
		log_bind_error(dev, err, has_token ? token : NULL, role, pf);
		return -err;
	}
	dev->devid = bind.out_devid;
	dev->state = VFIO_CDEV_BOUND;
	if (role == VFIO_CDEV_SRIOV_PF && has_token)
		return set_vf_token(dev, token);
	return 0;
}

static int
detach(struct vfio_cdev_device *dev)
{
	struct vfio_device_detach_iommufd_pt detach = {
		.argsz = sizeof(detach),
	};

	return ioctl(dev->fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &detach);
}

/*
 * A device bound before EAL got its fd must be bound to EAL's iommufd.
 * An attach names the IOAS by its ID in the iommufd the device is bound
 * to, where another object may have that ID: so the device is first
 * attached to a new, empty IOAS of EAL's, which cannot be destroyed
 * while the device is in it. Detached again after.
 */
static int
check_bound_here(struct vfio_cdev_device *dev)
{
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
	};
	int ret, err = 0;

	ret = eal_iommufd_probe_ioas(&attach.pt_id);
	if (ret < 0) {
		VFIO_CDEV_LOG(ERR, dev, "IOMMU_IOAS_ALLOC: %s", strerror(-ret));
		return ret;
	}
	if (ioctl(dev->fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach) < 0)
		err = errno;
	else if (eal_iommufd_destroy(attach.pt_id) != -EBUSY)
		err = EXDEV;	/* attached to another iommufd's object */
	if (err != ENOENT && err != EINVAL && err != EXDEV && err != 0)
		VFIO_CDEV_LOG(ERR, dev, "VFIO_DEVICE_ATTACH_IOMMUFD_PT: %s",
			strerror(err));
	else if (err != 0)
		VFIO_CDEV_LOG(ERR, dev, "--vfio-device-fd: the fd is bound to another iommufd than this process's (%s); refused",
			vfio_cdev_fds_iommufd_given() ? "--vfio-iommufd" :
			"/dev/iommu");
	if (err == 0 || err == EXDEV)
		detach(dev);
	eal_iommufd_destroy(attach.pt_id);
	return -err;
}

static int
attach_ioas(struct vfio_cdev_device *dev)
{
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
		.pt_id = eal_iommufd_ioas_id(),
	};
	int err;

	if (dev->origin == VFIO_CDEV_FROM_BOUND_FD) {
		err = check_bound_here(dev);
		if (err < 0)
			return err;
	}
	if (ioctl(dev->fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach) < 0) {
		err = errno;
		VFIO_CDEV_LOG(ERR, dev, "VFIO_DEVICE_ATTACH_IOMMUFD_PT to IOAS %u: %s%s",
			attach.pt_id, strerror(err), err == EADDRINUSE ?
			"; memory mapped already overlaps the device's reserved IOVAs" :
			"");
		return -err;
	}
	dev->state = VFIO_CDEV_ATTACHED;

	/* the device's reserved regions narrow what the IOAS allows; the
	 * first device maps DPDK's memory
	 */
	if (eal_iommufd_ranges_update() < 0 || eal_iommufd_dma_hold() < 0) {
		err = rte_errno;
		VFIO_CDEV_LOG(ERR, dev, "DPDK memory not mapped for DMA: %s",
			strerror(err));
		return -err;
	}
	dev->dma_held = true;
	return 0;
}

static void
detach_ioas(struct vfio_cdev_device *dev)
{
	/* the ranges it narrowed stay narrow until the next attach reads
	 * them again: safe, and one ioctl less per detach
	 */
	if (detach(dev) < 0)
		VFIO_CDEV_LOG(WARNING, dev, "VFIO_DEVICE_DETACH_IOMMUFD_PT: %s",
			strerror(errno));
	if (dev->dma_held)
		eal_iommufd_dma_release();
	dev->dma_held = false;
}

static void
teardown(struct vfio_cdev_device *dev)
{
	if (dev->state == VFIO_CDEV_READY || dev->state == VFIO_CDEV_ATTACHED)
		detach_ioas(dev);
	/* closing the fd unbinds (and resets); a handed one is closed too */
	vfio_cdev_close(dev);
}

static int
get_info(struct vfio_cdev_device *dev, struct vfio_device_info *info)
{
	int err;

	if (ioctl(dev->fd, VFIO_DEVICE_GET_INFO, info) == 0)
		return 0;
	err = errno;
	VFIO_CDEV_LOG(ERR, dev, "VFIO_DEVICE_GET_INFO: %s", strerror(err));
	return -err;
}

static int
setup_primary(struct vfio_cdev_device *dev, struct vfio_device_info *info)
{
	int ret;

	dev->fd = vfio_cdev_fds_take_device(dev->name);
	if (dev->fd >= 0)
		dev->origin = VFIO_CDEV_FROM_FD;
	ret = vfio_cdev_resolve(dev);
	if (ret == 0)
		ret = dev->fd >= 0 ? adopt_fd(dev) : vfio_cdev_open(dev);
	if (ret == 0)
		ret = bind_iommufd(dev);
	if (ret == 0)
		ret = attach_ioas(dev);
	if (ret == 0)
		ret = get_info(dev, info);
	if (ret < 0)
		return ret;
	dev->state = VFIO_CDEV_READY;
	RTE_LOG(DEBUG, EAL, "%s (%s): bound to iommufd (devid %u), attached to IOAS %u\n",
		dev->name, dev->cdev_name, dev->devid, eal_iommufd_ioas_id());
	return 0;
}

/* The primary's fd, checked to be the cdev the primary says it is. */
static int
setup_secondary(struct vfio_cdev_device *dev, struct vfio_device_info *info)
{
	struct stat st;
	int fd;

	fd = vfio_cdev_mp_request(dev);
	if (fd < 0)
		return fd;
	dev->fd = fd;
	dev->state = VFIO_CDEV_SHARED;
	dev->origin = VFIO_CDEV_FROM_PRIMARY;
	if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) ||
			st.st_rdev != dev->devt) {
		VFIO_CDEV_LOG(ERR, dev, "the fd from the primary process is not character device %u:%u; refused",
			major(dev->devt), minor(dev->devt));
		return -ENODEV;
	}
	return get_info(dev, info);
}

int
vfio_cdev_setup_device(const char *sysfs_base, const char *dev_addr,
		int *fd, struct vfio_device_info *info)
{
	struct vfio_cdev_device *dev;
	int ret;

	dev = calloc(1, sizeof(*dev));
	if (dev == NULL) {
		RTE_LOG(ERR, EAL, "%s: out of memory\n", dev_addr);
		rte_errno = ENOMEM;
		return -1;
	}
	strlcpy(dev->name, dev_addr, sizeof(dev->name));
	snprintf(dev->sysfs_dir, sizeof(dev->sysfs_dir), "%s/%s", sysfs_base,
		dev_addr);
	strlcpy(dev->cdev_name, "no cdev", sizeof(dev->cdev_name));
	dev->fd = -1;
	if (rte_eal_process_type() == RTE_PROC_PRIMARY)
		ret = setup_primary(dev, info);
	else
		ret = setup_secondary(dev, info);
	if (ret == -ENOENT) {
		/* not bound to a VFIO driver: what group mode says */
		RTE_LOG(NOTICE, EAL, "%s not managed by VFIO driver, skipping%s\n",
			dev_addr, dev->fd >= 0 ?
			"; the fd given with --vfio-device-fd is closed" : "");
		vfio_cdev_close(dev);
		free(dev);
		return 1;
	}
	if (ret < 0) {
		teardown(dev);
		free(dev);
		rte_errno = -ret;
		return -1;
	}
	*fd = dev->fd;
	pthread_mutex_lock(&devices_lock);
	TAILQ_INSERT_TAIL(&devices, dev, next);
	pthread_mutex_unlock(&devices_lock);
	return 0;
}

/* PCI devices' sysfs directories, as the PCI bus finds them. */
static void
pci_sysfs_dir(const char *name, char *buf, size_t len)
{
	const char *base = getenv("SYSFS_PCI_DEVICES");

	if (base != NULL)
		snprintf(buf, len, "%s/%s", base, name);
	else
		snprintf(buf, len, "%s/bus/pci/devices/%s",
			eal_vfio_sys_root(), name);
}

/* Whether the kernel would take a token at the bind of this VF of a
 * vfio-pci PF; true for any other device (nothing to take).
 */
static bool
token_taken(const char *name, const uint8_t *token)
{
	struct vfio_cdev_device dev = { .fd = -1, .quiet = true };
	char pf[RTE_DEV_NAME_MAX_LEN];
	bool taken;

	strlcpy(dev.name, name, sizeof(dev.name));
	pci_sysfs_dir(name, dev.sysfs_dir, sizeof(dev.sysfs_dir));
	if (vfio_cdev_sriov_role(&dev, pf, sizeof(pf)) != VFIO_CDEV_SRIOV_VF)
		return true;
	if (vfio_cdev_resolve(&dev) < 0 || vfio_cdev_open(&dev) < 0)
		return false;	/* cannot ask, nor bind it */
	taken = vfio_cdev_token_checked(dev.fd, token);
	vfio_cdev_close(&dev);
	return taken;
}

static int
any_device(const struct rte_device *dev __rte_unused,
		const void *data __rte_unused)
{
	return 0;
}

const char *
vfio_cdev_vf_token_refused(const uint8_t *token)
{
	const struct rte_bus *pci = rte_bus_find_by_name("pci");
	const struct rte_device *dev = NULL;

	if (pci == NULL || pci->find_device == NULL)
		return NULL;
	while ((dev = pci->find_device(dev, any_device, NULL)) != NULL) {
		if (!token_taken(dev->name, token))
			return dev->name;
	}
	return NULL;
}

static struct vfio_cdev_device *
find_by_fd(int fd)
{
	struct vfio_cdev_device *dev;

	TAILQ_FOREACH(dev, &devices, next) {
		if (dev->fd == fd)
			return dev;
	}
	return NULL;
}

bool
vfio_cdev_owns_fd(int fd)
{
	bool found;

	pthread_mutex_lock(&devices_lock);
	found = find_by_fd(fd) != NULL;
	pthread_mutex_unlock(&devices_lock);
	return found;
}

int
vfio_cdev_release_device(const char *dev_addr, int fd)
{
	struct vfio_cdev_device *dev;

	/* off the list first: no secondary is handed its fd any more */
	pthread_mutex_lock(&devices_lock);
	dev = find_by_fd(fd);
	if (dev != NULL)
		TAILQ_REMOVE(&devices, dev, next);
	pthread_mutex_unlock(&devices_lock);
	if (dev == NULL) {
		RTE_LOG(ERR, EAL, "%s: fd %d is not a VFIO cdev this process set up\n",
			dev_addr, fd);
		return -1;
	}
	teardown(dev);
	free(dev);
	return 0;
}

int
vfio_cdev_dup_for_secondary(const char *name, char *cdev_name, size_t len,
		dev_t *devt)
{
	struct vfio_cdev_device *dev;
	int fd = -ENODEV;

	pthread_mutex_lock(&devices_lock);
	TAILQ_FOREACH(dev, &devices, next) {
		if (strcmp(dev->name, name) != 0 ||
				dev->state != VFIO_CDEV_READY)
			continue;
		fd = fcntl(dev->fd, F_DUPFD_CLOEXEC, 0);
		if (fd < 0)
			fd = -errno;
		strlcpy(cdev_name, dev->cdev_name, len);
		*devt = dev->devt;
		break;
	}
	pthread_mutex_unlock(&devices_lock);
	return fd;
}

void
vfio_cdev_devices_walk(void (*fn)(const struct vfio_cdev_device *dev,
		void *arg), void *arg)
{
	struct vfio_cdev_device *dev;

	pthread_mutex_lock(&devices_lock);
	TAILQ_FOREACH(dev, &devices, next)
		fn(dev, arg);
	pthread_mutex_unlock(&devices_lock);
}
