/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#ifndef EAL_VFIO_CDEV_H
#define EAL_VFIO_CDEV_H

/*
 * VFIO cdev mode's side of rte_vfio_setup_device() and
 * rte_vfio_release_device(): how a device fd is obtained (resolve the
 * device to its /dev/vfio/devices/vfioN, open it with the devt and
 * identity checks, bind it to the process's iommufd, attach it to the
 * IOAS) and how a secondary process gets it (the bound fd over EAL's VFIO
 * mp channel). What is done with the fd then is the caller's, as in
 * group mode.
 */

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/types.h>

#include <linux/vfio.h>

#include <rte_dev.h>
#include <rte_eal.h>

#include "eal_vfio_cdev_parse.h"

/* Where a device is in its life cycle; each step is undone in reverse. */
enum vfio_cdev_state {
	VFIO_CDEV_RESOLVED,	/* cdev known from sysfs, node checked */
	VFIO_CDEV_OPENED,	/* node open, and it is this device's */
	VFIO_CDEV_BOUND,	/* VFIO_DEVICE_BIND_IOMMUFD done */
	VFIO_CDEV_ATTACHED,	/* attached to the IOAS, DPDK memory mapped */
	VFIO_CDEV_READY,	/* fd handed to the caller */
	VFIO_CDEV_SHARED,	/* a secondary's: the primary's bound fd */
};

/* Where the device fd came from. */
enum vfio_cdev_origin {
	VFIO_CDEV_FROM_NODE,		/* opened /dev/vfio/devices/vfioN */
	VFIO_CDEV_FROM_FD,		/* --vfio-device-fd, unbound */
	VFIO_CDEV_FROM_BOUND_FD,	/* --vfio-device-fd, bound already */
	VFIO_CDEV_FROM_PRIMARY,		/* a secondary's: the primary's */
};

/* What EAL keeps of a device it reached through its cdev. */
struct vfio_cdev_device {
	TAILQ_ENTRY(vfio_cdev_device) next;
	char name[RTE_DEV_NAME_MAX_LEN];	/* dev_addr, e.g. PCI address */
	char sysfs_dir[PATH_MAX];		/* sysfs_base/dev_addr */
	char cdev_name[VFIO_CDEV_NAME_LEN];	/* "vfioN", "noiommu-vfioN" */
	dev_t devt;				/* what sysfs says the node is */
	enum vfio_cdev_state state;
	enum vfio_cdev_origin origin;
	int fd;					/* device fd once opened */
	uint32_t devid;				/* iommufd's ID once bound */
	bool dma_held;				/* counted by eal_iommufd_dma_hold() */
	bool quiet;				/* only looked at: nothing logged */
};

/* Log about one device: "0000:00:02.0 (vfio0): ..." */
#define VFIO_CDEV_LOG(level, dev, fmt, ...) do { \
	if (!(dev)->quiet) \
		RTE_LOG(level, EAL, "%s (%s): " fmt "\n", (dev)->name, \
			(dev)->cdev_name, ## __VA_ARGS__); \
} while (0)

/* eal_vfio_cdev.c */

/*
 * rte_vfio_setup_device() in cdev mode: a primary opens, binds and
 * attaches the device; a secondary gets the fd its primary bound. Fills
 * *fd and *info as group mode does. 0, or -1 with the reason logged and
 * nothing left behind.
 */
int vfio_cdev_setup_device(const char *sysfs_base, const char *dev_addr,
	int *fd, struct vfio_device_info *info);

/*
 * For auto mode, before any device is set up: the first device of the
 * PCI bus that cdev mode would refuse with the VF token given (a VF of a
 * vfio-pci PF, on a kernel that takes no token at bind, or whose cdev
 * this process cannot open to ask), or NULL.
 */
const char *vfio_cdev_vf_token_refused(const uint8_t *token);

/* True if fd is a device fd vfio_cdev_setup_device() handed out. */
bool vfio_cdev_owns_fd(int fd);

/* rte_vfio_release_device() of such an fd: detach, close. 0 or -1. */
int vfio_cdev_release_device(const char *dev_addr, int fd);

/* Call fn on each device, the list locked (telemetry). */
void vfio_cdev_devices_walk(void (*fn)(const struct vfio_cdev_device *dev,
	void *arg), void *arg);

/* The state's and the origin's names, as telemetry shows them. */
const char *vfio_cdev_state_name(enum vfio_cdev_state state);
const char *vfio_cdev_origin_name(enum vfio_cdev_origin origin);

/* The steps, for tests of their failures. */
int vfio_cdev_open(struct vfio_cdev_device *dev);
void vfio_cdev_close(struct vfio_cdev_device *dev);

/* eal_vfio_cdev_sysfs.c: from a device's sysfs directory to its cdev. */

/*
 * Find the cdev of the device in dev->sysfs_dir (its vfio-dev/vfioN and
 * the devt there) and, unless its fd was handed in, check that the node
 * under /dev/vfio/devices is that character device. Fills cdev_name and
 * devt. 0, -ENOENT if the device is not bound to a VFIO driver at all
 * (group mode's "not managed by VFIO"), or another negative errno after
 * logging why.
 */
int vfio_cdev_resolve(struct vfio_cdev_device *dev);

/* The devt of /dev/iommu as sysfs gives it; -1 where sysfs does not. */
int vfio_cdev_iommu_devt(dev_t *devt);

/* The device whose VFIO cdev devt is (its sysfs name, e.g. a PCI
 * address, in addr); -1 if devt is no VFIO cdev sysfs shows.
 */
int vfio_cdev_devt_owner(dev_t devt, char *addr, size_t len);

/* The last component of the link at dir/rel, in buf; NULL with errno. */
const char *vfio_cdev_link_name(const char *dir, const char *rel, char *buf,
	size_t len);

/*
 * Once the node is open: check again that the device's cdev is the one
 * opened. The open fd holds the cdev number, so a number the kernel gave
 * to another device meanwhile is caught here. 0, or -1 logged.
 */
int vfio_cdev_check_identity(const struct vfio_cdev_device *dev);

/* What a device is to SR-IOV, as far as VF tokens go. */
enum vfio_cdev_sriov {
	VFIO_CDEV_SRIOV_NONE,	/* not a PF, nor a VF of a vfio-pci PF */
	VFIO_CDEV_SRIOV_PF,	/* a PF: its owner sets its VFs' token */
	VFIO_CDEV_SRIOV_VF,	/* a VF of a PF bound to vfio-pci */
};

/* The device's part in SR-IOV, from sysfs; pf gets a VF's PF address. */
enum vfio_cdev_sriov vfio_cdev_sriov_role(const struct vfio_cdev_device *dev,
	char *pf, size_t len);

/* "/dev/vfio/5" for messages about a device's group. */
void vfio_cdev_group_name(const struct vfio_cdev_device *dev, char *buf,
	size_t len);

/* /dev/vfio/devices (or what stands for it in tests). */
void vfio_cdev_devices_dir(char *buf, size_t len);

/* eal_vfio_cdev_why.c: why a device cannot be bound. */

/* The tail of the line that reports VFIO_DEVICE_BIND_IOMMUFD failing with
 * err: its cause, as far as sysfs and /proc tell it, and what to do;
 * empty if there is nothing to add.
 */
void vfio_cdev_bind_why(const struct vfio_cdev_device *dev, int err,
	char *buf, size_t len);

/*
 * Whether the kernel takes a VF token at bind, asked on the open, unbound
 * fd of a PF or VF (a device that is neither refuses any token). 1 or 0.
 */
int vfio_cdev_token_checked(int fd, const uint8_t *token);

/* True if the IOMMU isolates MSIs (interrupt remapping, an ITS). */
bool vfio_cdev_msi_isolated(void);

/* True if group mode may use interrupts the IOMMU cannot isolate
 * (vfio_iommu_type1.allow_unsafe_interrupts) and cdev mode may not.
 */
bool vfio_cdev_unsafe_interrupts_group_only(void);

/* eal_vfio_cdev_fds.c: fds handed in (--vfio-iommufd, --vfio-device-fd). */

/* Parse the options' values; the fds must be open for reading and
 * writing, and become close-on-exec. 0, or -1 logged.
 */
int vfio_cdev_fds_parse_iommufd(const char *arg);
int vfio_cdev_fds_parse_device(const char *arg);

/* True if any fd, or an iommufd, was handed in; the option that did it,
 * for messages.
 */
bool vfio_cdev_fds_given(void);
bool vfio_cdev_fds_iommufd_given(void);
const char *vfio_cdev_fds_option(void);

/* The handed iommufd, or the fd handed for the PCI device addr, now the
 * caller's to close; -1 if none. Each is given once.
 */
int vfio_cdev_fds_take_iommufd(void);
int vfio_cdev_fds_take_device(const char *addr);

/* "fd 5 (/dev/vfio/devices/vfio0)": what /proc says the fd is. */
void vfio_cdev_fds_describe(int fd, char *buf, size_t len);

/* Cleanup: close the fds nothing took. */
void vfio_cdev_fds_release(void);

/* eal_vfio_cdev_mp.c: device fds for secondary processes. */

/* True if msg, received on EAL's VFIO mp channel, asks for a device fd. */
bool vfio_cdev_mp_is_request(const struct rte_mp_msg *msg);

/* Primary: answer it with the bound fd of the device asked for. */
int vfio_cdev_mp_answer(const struct rte_mp_msg *msg, const void *peer);

/* Secondary: the fd of device dev->name, close-on-exec, with the cdev's
 * name and devt as the primary has them. fd or -errno, logged.
 */
int vfio_cdev_mp_request(struct vfio_cdev_device *dev);

/* Primary: a close-on-exec duplicate of the fd of device name, taken
 * under the list's lock so that it cannot be closed meanwhile, with its
 * cdev's name and devt; -ENODEV if the device is not in use.
 */
int vfio_cdev_dup_for_secondary(const char *name, char *cdev_name,
	size_t len, dev_t *devt);

#endif /* EAL_VFIO_CDEV_H */
