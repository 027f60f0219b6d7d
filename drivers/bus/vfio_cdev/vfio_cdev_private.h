/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#ifndef VFIO_CDEV_PRIVATE_H
#define VFIO_CDEV_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <bus_pci_driver.h>
#include <rte_log.h>
#include <rte_tailq.h>

#include "vfio_cdev_parse.h"

extern int vfio_cdev_logtype;
#define RTE_LOGTYPE_VFIO_CDEV vfio_cdev_logtype

#define VFIO_CDEV_LOG(level, fmt, ...) \
	RTE_LOG(level, VFIO_CDEV, fmt "\n", ## __VA_ARGS__)

/* Log about one device: "0000:00:02.0 (vfio0): ..." */
#define VFIO_CDEV_DEV_LOG(level, dev, fmt, ...) \
	VFIO_CDEV_LOG(level, "%s (%s): " fmt, (dev)->pci->name, \
		(dev)->cdev_name, ## __VA_ARGS__)

/*
 * Where a device is in its life cycle. Each step is undone in reverse
 * order, on failure as on unmap.
 */
enum vfio_cdev_state {
	VFIO_CDEV_RESOLVED,	/* cdev known from sysfs, node checked */
	VFIO_CDEV_OPENED,	/* node open, and it is this device's */
	VFIO_CDEV_BOUND,	/* VFIO_DEVICE_BIND_IOMMUFD done */
	VFIO_CDEV_ATTACHED,	/* attached to the process's IOAS */
	VFIO_CDEV_MAPPED,	/* BARs, interrupts, DMA on: in the PMD's hands */
	VFIO_CDEV_SHARED,	/* a secondary's: the primary's fd, its BARs */
};

struct vfio_cdev_region {
	uint64_t offset;	/* in the device fd */
	uint64_t size;
	uint32_t flags;		/* VFIO_REGION_INFO_FLAG_* */
	struct vfio_region_info *info;	/* BARs: with capabilities (sparse
					 * mmap areas), kept for mapping */
};

/*
 * What the backend keeps about a PCI device it has mapped; the device
 * itself is the PCI bus's.
 */
struct vfio_cdev_device {
	RTE_TAILQ_ENTRY(vfio_cdev_device) next;
	struct rte_pci_device *pci;
	char cdev_name[VFIO_CDEV_NAME_LEN];	/* "vfioN" */
	dev_t devt;				/* what sysfs says the node is */
	enum vfio_cdev_state state;
	int fd;					/* device fd once opened */
	uint32_t devid;				/* iommufd's ID once bound */
	uint32_t dev_flags;			/* VFIO_DEVICE_FLAGS_* */
	struct vfio_cdev_region regions[PCI_MAX_RESOURCE];	/* BARs */
	struct vfio_cdev_region config;		/* config space */
	struct {
		void *addr;
		size_t len;
	} bars[PCI_MAX_RESOURCE];		/* what is mmapped */
	bool intr_set;				/* dev->intr_handle filled */
	bool req_armed;				/* device request IRQ armed */
	bool dma_held;				/* counted by rte_vfio_cdev_dma_prepare() */
};

/* vfio_cdev_backend.c: what the PCI bus calls (pci_vfio_backend.h). */

/* Set up dev for its driver (pci_vfio_map_resource()). 0 or -1. */
int vfio_cdev_map_resource(struct rte_pci_device *pci);

/* Quiesce it and undo the set-up (pci_vfio_unmap_resource()). 0 or -1. */
int vfio_cdev_unmap_resource(struct rte_pci_device *pci);

/* The devices mapped in this process, looked up by PCI address with
 * the list locked (the multi-process thread looks too).
 */
void vfio_cdev_devices_lock(void);
void vfio_cdev_devices_unlock(void);
struct vfio_cdev_device *vfio_cdev_find_by_name(const char *name);

/* Call fn on each device mapped in this process, the list locked. */
void vfio_cdev_devices_walk(void (*fn)(const struct vfio_cdev_device *dev,
	void *arg), void *arg);

/* The state's name, as telemetry shows it. */
const char *vfio_cdev_state_name(enum vfio_cdev_state state);

/* vfio_cdev_mp.c: device fds for secondary processes. */

/*
 * Secondary: ask the primary for the fd of dev->pci, and where it mapped
 * the BARs (NULL for those it did not). Returns the fd, or -errno after
 * logging why.
 */
int vfio_cdev_mp_request(const struct vfio_cdev_device *dev,
	void *bar_va[PCI_MAX_RESOURCE]);

/* vfio_cdev_resolve.c: from a PCI address to its cdev. */

/*
 * Find the cdev of dev->pci in sysfs (its vfio-dev/vfioN and the devt
 * there) and check that the node under /dev/vfio/devices is that
 * character device. The device must be bound to vfio-pci itself, not to
 * a variant driver (the PCI bus leaves those alone too). Fills
 * cdev_name and devt. Returns 0, or -1 after logging why.
 */
int vfio_cdev_resolve(struct vfio_cdev_device *dev);

/*
 * Once the node is open: check again that the PCI device's cdev is the
 * one opened. The open fd holds the cdev number, so a number the kernel
 * gave to another device meanwhile is caught here. 0, or -1 logged.
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

/* /dev/vfio/devices (or what stands for it in tests). */
void vfio_cdev_devices_dir(char *buf, size_t len);

/* vfio_cdev_device.c: from RESOLVED to MAPPED and back. */

/* Open, bind, attach, map and set the device up for its driver. On
 * failure everything done is undone, and rte_errno is set.
 */
int vfio_cdev_device_setup(struct vfio_cdev_device *dev);

/* Quiesce the device and undo every step done. */
void vfio_cdev_device_teardown(struct vfio_cdev_device *dev);

/* In a secondary process: the fd the primary bound, the BARs where the
 * primary mapped them. On failure nothing is left, and rte_errno is set.
 */
int vfio_cdev_device_share(struct vfio_cdev_device *dev);

/* The steps of vfio_cdev_device_setup(), for tests of their failures. */
int vfio_cdev_open(struct vfio_cdev_device *dev);
void vfio_cdev_close(struct vfio_cdev_device *dev);

/* vfio_cdev_intr.c: the device's interrupt handles, as group mode sets
 * them up (pci_vfio.c): the device fd and an eventfd in
 * dev->pci->intr_handle, and the device request IRQ, whose handler asks
 * the PCI bus to unplug the device.
 */

/* Make both handles hold no fd (the PCI bus allocates them with 0). */
void vfio_cdev_intr_init(struct vfio_cdev_device *dev);

/* A secondary's handles: the device fd only, as in group mode. */
void vfio_cdev_intr_share(struct vfio_cdev_device *dev);

/* MSI-X, else MSI, else INTx (or what --vfio-intr asks). 0 or -errno. */
int vfio_cdev_intr_setup(struct vfio_cdev_device *dev);
void vfio_cdev_intr_teardown(struct vfio_cdev_device *dev);
int vfio_cdev_req_enable(struct vfio_cdev_device *dev);
void vfio_cdev_req_disable(struct vfio_cdev_device *dev);

#endif /* VFIO_CDEV_PRIVATE_H */
