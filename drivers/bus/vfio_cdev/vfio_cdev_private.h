/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#ifndef VFIO_CDEV_PRIVATE_H
#define VFIO_CDEV_PRIVATE_H

#include <stdbool.h>
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

/* Where a device is in its life cycle. */
enum vfio_cdev_state {
	VFIO_CDEV_SCANNED,	/* identity read from sysfs, node checked */
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
};

RTE_TAILQ_HEAD(vfio_cdev_device_list, vfio_cdev_device);

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
 * Scan the cdev directory and hand each device not yet known and
 * identified to vfio_cdev_add_device(). Does not look at the VFIO mode or
 * --no-pci: the bus scan does. Returns 0, or -1 if the directory exists
 * but cannot be read.
 */
int vfio_cdev_scan_devices(void);

/* vfio_cdev_bus.c: the device list. */

/* True if a device with this cdev name is on the bus already. */
bool vfio_cdev_known(const char *cdev_name);

/* Name the device, apply -a/-b, and put it on the bus (sorted by PCI
 * address) or free it.
 */
void vfio_cdev_add_device(struct vfio_cdev_device *dev);

/* Free the scanned devices that no driver has taken. */
void vfio_cdev_free_devices(void);

#endif /* VFIO_CDEV_PRIVATE_H */
