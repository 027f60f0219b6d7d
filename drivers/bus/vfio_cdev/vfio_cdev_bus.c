/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * The vfio_cdev bus: PCI devices bound to vfio-pci, reached through
 * /dev/vfio/devices/vfioN and iommufd when EAL runs in cdev mode.
 * This file holds the bus object, its device list and the -a/-b policy.
 */

#include <stdlib.h>
#include <string.h>

#include <rte_devargs.h>
#include <rte_eal.h>
#include <rte_pci.h>
#include <rte_string_fns.h>
#include <rte_vfio_cdev.h>

#include "vfio_cdev_private.h"

RTE_LOG_REGISTER_DEFAULT(vfio_cdev_logtype, INFO);

/*
 * Users write -a/-b with the PCI address, as in group mode; EAL gives
 * such devargs to the PCI bus, which parses PCI addresses. Devargs of our
 * own bus name the cdev ("vfio_cdev:vfio0").
 */
static struct rte_devargs *
devargs_lookup(const struct vfio_cdev_device *dev)
{
	struct rte_pci_addr addr;
	struct rte_devargs *da;

	RTE_EAL_DEVARGS_FOREACH(vfio_cdev_bus.bus.name, da) {
		if (strcmp(da->name, dev->cdev_name) == 0 ||
				strcmp(da->name, dev->pci.name) == 0)
			return da;
	}
	RTE_EAL_DEVARGS_FOREACH("pci", da) {
		if (rte_pci_addr_parse(da->name, &addr) == 0 &&
				rte_pci_addr_cmp(&addr, &dev->pci.addr) == 0)
			return da;
	}
	return NULL;
}

static bool
allowlist_mode(void)
{
	const struct rte_bus *pci = rte_bus_find_by_name("pci");

	return vfio_cdev_bus.bus.conf.scan_mode == RTE_BUS_SCAN_ALLOWLIST ||
		(pci != NULL && pci->conf.scan_mode == RTE_BUS_SCAN_ALLOWLIST);
}

static bool
device_allowed(const struct rte_devargs *da)
{
	if (da != NULL && da->policy == RTE_DEV_BLOCKED)
		return false;
	if (allowlist_mode())
		return da != NULL && da->policy == RTE_DEV_ALLOWED;
	return true;
}

static struct vfio_cdev_device *
find_by_cdev(const char *cdev_name)
{
	struct vfio_cdev_device *dev;

	RTE_TAILQ_FOREACH(dev, &vfio_cdev_bus.devices, next) {
		if (strcmp(dev->cdev_name, cdev_name) == 0)
			return dev;
	}
	return NULL;
}

bool
vfio_cdev_known(const char *cdev_name)
{
	return find_by_cdev(cdev_name) != NULL;
}

void
vfio_cdev_add_device(struct vfio_cdev_device *dev)
{
	struct vfio_cdev_device *pos;
	struct rte_devargs *da;

	rte_pci_device_name(&dev->pci.addr, dev->pci.name,
		sizeof(dev->pci.name));
	dev->pci.device.name = dev->pci.name;
	dev->pci.device.bus = &vfio_cdev_bus.bus;

	da = devargs_lookup(dev);
	if (!device_allowed(da)) {
		VFIO_CDEV_LOG(INFO, "%s (%s): skipped by -a/-b",
			dev->pci.name, dev->cdev_name);
		free(dev);
		return;
	}
	/* Device names are PCI addresses: make an alias devargs name the
	 * device, so that lookups by name (hotplug) find it.
	 */
	if (da != NULL && strcmp(da->name, dev->cdev_name) == 0)
		strlcpy(da->name, dev->pci.name, sizeof(da->name));
	dev->pci.device.devargs = da;

	VFIO_CDEV_LOG(INFO, "%s (%s, %04x:%04x, class %06x, numa %d): found",
		dev->pci.name, dev->cdev_name, dev->pci.id.vendor_id,
		dev->pci.id.device_id, dev->pci.id.class_id,
		dev->pci.device.numa_node);

	RTE_TAILQ_FOREACH(pos, &vfio_cdev_bus.devices, next) {
		if (rte_pci_addr_cmp(&dev->pci.addr, &pos->pci.addr) < 0) {
			TAILQ_INSERT_BEFORE(pos, dev, next);
			return;
		}
	}
	TAILQ_INSERT_TAIL(&vfio_cdev_bus.devices, dev, next);
}

void
vfio_cdev_free_devices(void)
{
	struct vfio_cdev_device *dev, *tmp;

	RTE_TAILQ_FOREACH_SAFE(dev, &vfio_cdev_bus.devices, next, tmp) {
		TAILQ_REMOVE(&vfio_cdev_bus.devices, dev, next);
		free(dev);
	}
}

static int
vfio_cdev_bus_scan(void)
{
	/* decides (and logs) the mode even when PCI is disabled */
	if (rte_vfio_mode_get() != RTE_VFIO_MODE_CDEV)
		return 0;
	if (!rte_eal_has_pci())
		return 0;
	return vfio_cdev_scan_devices();
}

/*
 * Drivers are matched once a device can be opened and bound to iommufd,
 * which the data path adds; until then scanned devices stay unclaimed.
 */
static int
vfio_cdev_bus_probe(void)
{
	return 0;
}

static struct rte_device *
vfio_cdev_find_device(const struct rte_device *start, rte_dev_cmp_t cmp,
		const void *data)
{
	struct vfio_cdev_device *dev;

	if (start != NULL) {
		const struct vfio_cdev_device *prev = container_of(start,
			const struct vfio_cdev_device, pci.device);

		dev = TAILQ_NEXT(prev, next);
	} else {
		dev = TAILQ_FIRST(&vfio_cdev_bus.devices);
	}
	for (; dev != NULL; dev = TAILQ_NEXT(dev, next)) {
		if (cmp(&dev->pci.device, data) == 0)
			return &dev->pci.device;
	}
	return NULL;
}

/* Device names given to this bus are cdev names: "vfio_cdev:vfio0". */
static int
vfio_cdev_parse(const char *name, void *addr)
{
	if (!vfio_cdev_name_valid(name))
		return 1;
	if (addr != NULL)
		strlcpy(addr, name, VFIO_CDEV_NAME_LEN);
	return 0;
}

static int
vfio_cdev_bus_cleanup(void)
{
	vfio_cdev_free_devices();
	return 0;
}

struct vfio_cdev_bus vfio_cdev_bus = {
	.bus = {
		.scan = vfio_cdev_bus_scan,
		.probe = vfio_cdev_bus_probe,
		.find_device = vfio_cdev_find_device,
		.parse = vfio_cdev_parse,
		.cleanup = vfio_cdev_bus_cleanup,
	},
	.devices = TAILQ_HEAD_INITIALIZER(vfio_cdev_bus.devices),
};

RTE_REGISTER_BUS(vfio_cdev, vfio_cdev_bus.bus);
