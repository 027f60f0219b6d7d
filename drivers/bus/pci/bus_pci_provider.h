/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#ifndef BUS_PCI_PROVIDER_H
#define BUS_PCI_PROVIDER_H

/**
 * @file
 * PCI device providers: buses other than "pci" that hand rte_pci_device
 * objects to the PCI drivers registered on the PCI bus (the vfio_cdev bus
 * does). PCI drivers call some PCI helpers themselves (rte_pci_map_device,
 * rte_pci_read_config, rte_pci_ioport_*, ...); for a provider's devices,
 * those helpers call the provider's operations instead.
 */

#include <sys/types.h>

#include <bus_driver.h>
#include <bus_pci_driver.h>
#include <rte_compat.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What a provider does for the PCI helpers, for its own devices. */
struct rte_pci_provider_ops {
	/** True if the device named (a PCI address) is the provider's: the
	 * PCI bus then leaves the name, in -a/-b and hotplug, to it.
	 */
	bool (*claims)(const char *name);
	int (*map_device)(struct rte_pci_device *dev);
	void (*unmap_device)(struct rte_pci_device *dev);
	int (*read_config)(const struct rte_pci_device *dev, void *buf,
		size_t len, off_t offset);
	int (*write_config)(const struct rte_pci_device *dev, const void *buf,
		size_t len, off_t offset);
	int (*ioport_map)(struct rte_pci_device *dev, int bar,
		struct rte_pci_ioport *p);
	void (*ioport_read)(struct rte_pci_ioport *p, void *data, size_t len,
		off_t offset);
	void (*ioport_write)(struct rte_pci_ioport *p, const void *data,
		size_t len, off_t offset);
	int (*ioport_unmap)(struct rte_pci_ioport *p);
};

/**
 * @internal
 * Make bus a PCI device provider. One provider at a time.
 *
 * @return
 *   0, or -EBUSY if another bus is registered already.
 */
__rte_internal
int
rte_pci_provider_register(const struct rte_bus *bus,
	const struct rte_pci_provider_ops *ops);

/**
 * @internal
 * Walk the drivers registered on the PCI bus: the first with prev NULL,
 * then the one after prev; NULL at the end.
 */
__rte_internal
struct rte_pci_driver *
rte_pci_provider_next_driver(const struct rte_pci_driver *prev);

/**
 * @internal
 * True if the driver's ID table matches the device, with the PCI bus's
 * own rules (wildcards included).
 */
__rte_internal
bool
rte_pci_provider_match(const struct rte_pci_driver *drv,
	const struct rte_pci_device *dev);

#ifdef __cplusplus
}
#endif

#endif /* BUS_PCI_PROVIDER_H */
