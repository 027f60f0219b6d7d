/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * The vfio_cdev bus: PCI devices bound to vfio-pci, reached through
 * /dev/vfio/devices/vfioN and iommufd when EAL runs in cdev mode.
 * This file holds the bus object, its device list and the -a/-b policy.
 */

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <rte_devargs.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_kvargs.h>
#include <rte_pci.h>
#include <rte_string_fns.h>
#include <rte_vfio_cdev.h>

#include "vfio_cdev_private.h"

RTE_LOG_REGISTER_DEFAULT(vfio_cdev_logtype, INFO);

/*
 * -a/-b name a device by PCI address (as in group mode) or by cdev
 * ("vfio_cdev:vfio0"); in cdev mode this bus parses both. A PCI address
 * given to the PCI bus explicitly ("pci:0000:00:02.0") counts too.
 */
static struct rte_devargs *
devargs_lookup(const struct vfio_cdev_device *dev)
{
	struct rte_pci_addr addr;
	struct rte_devargs *da;

	RTE_EAL_DEVARGS_FOREACH(vfio_cdev_bus.bus.name, da) {
		if (strcmp(da->name, dev->cdev_name) == 0 ||
				(rte_pci_addr_parse(da->name, &addr) == 0 &&
				rte_pci_addr_cmp(&addr, &dev->pci.addr) == 0))
			return da;
	}
	RTE_EAL_DEVARGS_FOREACH("pci", da) {
		if (rte_pci_addr_parse(da->name, &addr) == 0 &&
				rte_pci_addr_cmp(&addr, &dev->pci.addr) == 0)
			return da;
	}
	return NULL;
}

bool
vfio_cdev_claims(const char *name)
{
	struct rte_pci_addr addr;
	char path[PATH_MAX], bdf[PCI_PRI_STR_SIZE];
	struct stat st;

	if (rte_pci_addr_parse(name, &addr) < 0 ||
			rte_vfio_mode_get() != RTE_VFIO_MODE_CDEV)
		return false;
	rte_pci_device_name(&addr, bdf, sizeof(bdf));
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/vfio-dev",
		rte_vfio_cdev_sys_root(), bdf);
	return stat(path, &st) == 0;
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

struct vfio_cdev_device *
vfio_cdev_find_by_cdev(const char *cdev_name)
{
	struct vfio_cdev_device *dev;

	RTE_TAILQ_FOREACH(dev, &vfio_cdev_bus.devices, next) {
		if (strcmp(dev->cdev_name, cdev_name) == 0)
			return dev;
	}
	return NULL;
}

/*
 * Device names are canonical PCI addresses: make a devargs that names the
 * device otherwise (cdev alias, short PCI address) name it canonically,
 * so that lookups by name (hotplug) find it.
 */
static struct rte_devargs *
canonical_devargs(const struct vfio_cdev_device *dev)
{
	struct rte_devargs *da = devargs_lookup(dev);

	if (da != NULL && strcmp(da->name, dev->pci.name) != 0)
		strlcpy(da->name, dev->pci.name, sizeof(da->name));
	return da;
}

void
vfio_cdev_update_devargs(struct vfio_cdev_device *dev)
{
	struct rte_devargs *da = canonical_devargs(dev);

	if (dev->state != VFIO_CDEV_PROBED)
		dev->pci.device.devargs = da;
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
	/* as the PCI bus gives it, for rte_eth_dev_info.bus_info */
	if (asprintf(&dev->pci.bus_info, "vendor_id=%" PRIx16 ", device_id=%" PRIx16,
			dev->pci.id.vendor_id, dev->pci.id.device_id) != -1)
		dev->pci.device.bus_info = dev->pci.bus_info;

	da = canonical_devargs(dev);
	if (!device_allowed(da)) {
		VFIO_CDEV_LOG(INFO, "%s (%s): skipped by -a/-b",
			dev->pci.name, dev->cdev_name);
		vfio_cdev_free_device(dev);
		return;
	}
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
vfio_cdev_remove_from_list(struct vfio_cdev_device *dev)
{
	TAILQ_REMOVE(&vfio_cdev_bus.devices, dev, next);
}

void
vfio_cdev_free_device(struct vfio_cdev_device *dev)
{
	vfio_cdev_device_teardown(dev);
	free(dev->pci.bus_info);
	free(dev);
}

void
vfio_cdev_free_devices(void)
{
	struct vfio_cdev_device *dev, *tmp;

	RTE_TAILQ_FOREACH_SAFE(dev, &vfio_cdev_bus.devices, next, tmp) {
		TAILQ_REMOVE(&vfio_cdev_bus.devices, dev, next);
		vfio_cdev_free_device(dev);
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

/* Names this bus parses: cdev names ("vfio0"), and in cdev mode the PCI
 * addresses of devices that have a cdev. Nothing is returned in addr:
 * devices are found by name.
 */
static int
vfio_cdev_parse(const char *name, void *addr __rte_unused)
{
	return !vfio_cdev_name_valid(name) && !vfio_cdev_claims(name);
}

/* Devices are reached with IOVA as VA through the IOAS. */
static enum rte_iova_mode
vfio_cdev_get_iommu_class(void)
{
	return TAILQ_EMPTY(&vfio_cdev_bus.devices) ? RTE_IOVA_DC : RTE_IOVA_VA;
}

static int
vfio_cdev_dma_map(struct rte_device *dev __rte_unused, void *addr,
		uint64_t iova, size_t len)
{
	return rte_vfio_cdev_dma_map((uintptr_t)addr, iova, len);
}

static int
vfio_cdev_dma_unmap(struct rte_device *dev __rte_unused, void *addr __rte_unused,
		uint64_t iova, size_t len)
{
	return rte_vfio_cdev_dma_unmap(iova, len);
}

static int
match_name(const struct rte_device *rdev, const void *name)
{
	const struct vfio_cdev_device *dev = container_of(rdev,
		const struct vfio_cdev_device, pci.device);

	return strcmp(rdev->name, name) != 0 &&
		strcmp(dev->cdev_name, name) != 0;
}

static int
match_kvargs(const struct rte_device *rdev, const void *kvlist)
{
	const char *name;

	if (kvlist == NULL)
		return 0;	/* no filter: every device */
	name = rte_kvargs_get(kvlist, "name");
	return name == NULL || match_name(rdev, name);
}

/* Ethdev iterators: "name=<PCI address or vfioN>". */
static void *
vfio_cdev_dev_iterate(const void *start, const char *str,
		const struct rte_dev_iterator *it __rte_unused)
{
	static const char * const keys[] = { "name", NULL };
	struct rte_kvargs *kvlist = NULL;
	struct rte_device *dev;

	if (str != NULL) {
		kvlist = rte_kvargs_parse(str, keys);
		if (kvlist == NULL) {
			VFIO_CDEV_LOG(ERR, "cannot parse \"%s\" (expected name=<PCI address or vfioN>)",
				str);
			rte_errno = EINVAL;
			return NULL;
		}
	}
	dev = vfio_cdev_find_device(start, match_kvargs, kvlist);
	rte_kvargs_free(kvlist);
	return dev;
}

struct vfio_cdev_bus vfio_cdev_bus = {
	.bus = {
		.scan = vfio_cdev_bus_scan,
		.probe = vfio_cdev_bus_probe,
		.find_device = vfio_cdev_find_device,
		.plug = vfio_cdev_plug,
		.unplug = vfio_cdev_unplug,
		.parse = vfio_cdev_parse,
		.dma_map = vfio_cdev_dma_map,
		.dma_unmap = vfio_cdev_dma_unmap,
		.get_iommu_class = vfio_cdev_get_iommu_class,
		.dev_iterate = vfio_cdev_dev_iterate,
		.cleanup = vfio_cdev_bus_cleanup,
	},
	.devices = TAILQ_HEAD_INITIALIZER(vfio_cdev_bus.devices),
};

RTE_REGISTER_BUS(vfio_cdev, vfio_cdev_bus.bus);
