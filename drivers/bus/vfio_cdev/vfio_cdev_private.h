/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#ifndef VFIO_CDEV_PRIVATE_H
#define VFIO_CDEV_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <bus_driver.h>
#include <bus_pci_driver.h>
#include <rte_log.h>
#include <rte_tailq.h>

extern int vfio_cdev_logtype;
#define RTE_LOGTYPE_VFIO_CDEV vfio_cdev_logtype

/* One line per message, prefixed so that users can grep for it. */
#define VFIO_CDEV_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, vfio_cdev_logtype, \
		"vfio_cdev: " fmt "\n", ## __VA_ARGS__)

/* Longest cdev name kept: "vfio" and a decimal minor number. */
#define VFIO_CDEV_NAME_LEN 32

/* Log about one device: "0000:00:02.0 (vfio0): ..." */
#define VFIO_CDEV_DEV_LOG(level, dev, fmt, ...) \
	VFIO_CDEV_LOG(level, "%s (%s): " fmt, (dev)->pci.name, \
		(dev)->cdev_name, ## __VA_ARGS__)

/*
 * Where a device is in its life cycle. Each step is undone in reverse
 * order, on failure as on removal.
 */
enum vfio_cdev_state {
	VFIO_CDEV_SCANNED,	/* identity read from sysfs, node checked */
	VFIO_CDEV_OPENED,	/* node open, fstat matches sysfs */
	VFIO_CDEV_BOUND,	/* VFIO_DEVICE_BIND_IOMMUFD done */
	VFIO_CDEV_ATTACHED,	/* attached to the process's IOAS */
	VFIO_CDEV_MAPPED,	/* BARs mapped, interrupts set up, DMA on */
	VFIO_CDEV_PROBED,	/* a PCI driver took it */
};

/* Regions of a vfio-pci device: BAR0-5, ROM, config space, VGA. */
#define VFIO_CDEV_NB_REGIONS 9
#define VFIO_CDEV_CONFIG_REGION 7

struct vfio_cdev_region {
	uint64_t offset;	/* in the device fd */
	uint64_t size;
	uint32_t flags;		/* VFIO_REGION_INFO_FLAG_* */
	struct vfio_region_info *info;	/* BARs: with capabilities (sparse
					 * mmap areas), kept for mapping */
};

/*
 * A PCI device reached through its VFIO cdev. The embedded rte_pci_device
 * is what PCI drivers are given; its rte_device is the one on our bus, and
 * is named by PCI address like in group mode.
 */
struct vfio_cdev_device {
	RTE_TAILQ_ENTRY(vfio_cdev_device) next;
	struct rte_pci_device pci;
	char cdev_name[VFIO_CDEV_NAME_LEN];	/* "vfioN" */
	dev_t devt;				/* what sysfs says the node is */
	enum vfio_cdev_state state;
	int fd;					/* device fd once opened */
	uint32_t devid;				/* iommufd's ID once bound */
	uint32_t dev_flags;			/* VFIO_DEVICE_FLAGS_* */
	struct vfio_cdev_region regions[VFIO_CDEV_NB_REGIONS];
};

RTE_TAILQ_HEAD(vfio_cdev_device_list, vfio_cdev_device);

/* From the generic device (rte_device) to ours. */
#define VFIO_CDEV_DEV(rdev) \
	container_of(rdev, struct vfio_cdev_device, pci.device)

struct vfio_cdev_bus {
	struct rte_bus bus;
	struct vfio_cdev_device_list devices;	/* sorted by PCI address */
};

extern struct vfio_cdev_bus vfio_cdev_bus;

/* vfio_cdev_scan.c: from the filesystem to device identities. */

/* True if name looks like a cdev node name: "vfio" and digits. */
bool vfio_cdev_name_valid(const char *name);

/*
 * Read the identity of cdev `name` (e.g. "vfio0") from sysfs and check
 * that the node under /dev/vfio/devices is the character device sysfs
 * names. Fills dev (zeroed by the caller). Returns 0, or -1 after logging
 * why the device is refused.
 */
int vfio_cdev_identify(const char *name, struct vfio_cdev_device *dev);

/*
 * Scan the cdev directory: hand each new device that is identified to
 * vfio_cdev_add_device(), look up the devargs of known ones again. Does
 * not look at the VFIO mode or --no-pci: the bus scan does. Returns 0, or
 * -1 if the directory exists but cannot be read.
 */
int vfio_cdev_scan_devices(void);

/* vfio_cdev_device.c: from SCANNED to MAPPED and back. */

/* Open, bind, attach, map and set the device up for a driver. On failure
 * everything done is undone and the device is SCANNED again.
 */
int vfio_cdev_device_setup(struct vfio_cdev_device *dev);

/* Undo every step done, down to SCANNED. */
void vfio_cdev_device_teardown(struct vfio_cdev_device *dev);

/* mmap the BARs the kernel lets be mapped (sparse areas honoured). */
int vfio_cdev_map_bars(struct vfio_cdev_device *dev);
void vfio_cdev_unmap_bars(struct vfio_cdev_device *dev);

/* Config space through the device fd; bytes done, or -1. */
int vfio_cdev_config_read(const struct vfio_cdev_device *dev, void *buf,
	size_t len, off_t offset);
int vfio_cdev_config_write(const struct vfio_cdev_device *dev,
	const void *buf, size_t len, off_t offset);

/* vfio_cdev_intr.c: the device's interrupt handle. */

/* MSI-X, else MSI, else INTx (or what --vfio-intr asks): an eventfd and
 * the device fd in a new interrupt handle, interrupts not enabled.
 */
int vfio_cdev_intr_setup(struct vfio_cdev_device *dev);
void vfio_cdev_intr_teardown(struct vfio_cdev_device *dev);

/* vfio_cdev_bus.c: the device list. */

/* True in cdev mode for the PCI address of a device that has a VFIO cdev:
 * such names are parsed by this bus, not by the PCI bus.
 */
bool vfio_cdev_claims(const char *name);

/* The device with this cdev name, if it is on the bus already. */
struct vfio_cdev_device *vfio_cdev_find_by_cdev(const char *cdev_name);

/* Look up the device's -a/-b devargs again (a rescan after hotplug). */
void vfio_cdev_update_devargs(struct vfio_cdev_device *dev);

/* Name the device, apply -a/-b, and put it on the bus (sorted by PCI
 * address) or free it.
 */
void vfio_cdev_add_device(struct vfio_cdev_device *dev);

/* Take the device off the list (the caller frees it). */
void vfio_cdev_remove_from_list(struct vfio_cdev_device *dev);

/* Tear down and free one device (off the list). */
void vfio_cdev_free_device(struct vfio_cdev_device *dev);

/* Tear down and free every device on the list. */
void vfio_cdev_free_devices(void);

/* vfio_cdev_probe.c: PCI drivers on cdev devices. */

int vfio_cdev_bus_probe(void);
int vfio_cdev_plug(struct rte_device *rdev);
int vfio_cdev_unplug(struct rte_device *rdev);
int vfio_cdev_bus_cleanup(void);

#endif /* VFIO_CDEV_PRIVATE_H */
