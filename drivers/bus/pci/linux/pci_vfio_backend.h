/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#ifndef PCI_VFIO_BACKEND_H
#define PCI_VFIO_BACKEND_H

/**
 * @file
 * How the PCI bus reaches devices bound to vfio-pci. The stock code
 * (pci_vfio.c) goes through VFIO groups and the legacy container; in
 * --vfio-mode=cdev, the three operations below go to the cdev backend
 * (drivers/bus/vfio_cdev) instead, which registers itself at start-up.
 * All else stays the PCI bus's own: scan, -a/-b, probe, hotplug, SIGBUS
 * handling, and config space and I/O port access through the device fd
 * that the backend puts in the device's interrupt handle.
 */

#include <rte_compat.h>

struct rte_pci_device;

/** What a backend does for vfio-pci devices, as pci_vfio.c does for groups. */
struct rte_pci_vfio_backend {
	/** Name, for messages. */
	const char *name;
	/** Non-zero once this process can map devices. */
	int (*is_enabled)(void);
	/** Open and set the device up, map its BARs, set up its
	 * interrupt handles (pci_vfio_map_resource()). 0 or -1.
	 */
	int (*map_resource)(struct rte_pci_device *dev);
	/** Quiesce the device and undo map_resource(). 0 or -1. */
	int (*unmap_resource)(struct rte_pci_device *dev);
};

/**
 * @internal
 * Register the backend of cdev mode. One backend; a second one is refused.
 *
 * @return
 *   0, or -EBUSY if a backend is registered already.
 */
__rte_internal
int
rte_pci_vfio_backend_register(const struct rte_pci_vfio_backend *backend);

/* The backend for this process's VFIO mode; NULL for groups (stock). */
const struct rte_pci_vfio_backend *
pci_vfio_backend(void);

/* First line of a pci_vfio.c operation: hand it to the backend, if any. */
#define PCI_VFIO_BACKEND_HOOK(op, ...) do { \
	const struct rte_pci_vfio_backend *backend_ = pci_vfio_backend(); \
	if (backend_ != NULL) \
		return backend_->op(__VA_ARGS__); \
} while (0)

#endif /* PCI_VFIO_BACKEND_H */
