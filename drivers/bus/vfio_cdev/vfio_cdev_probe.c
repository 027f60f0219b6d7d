/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * Handing devices to the PCI drivers registered on the PCI bus: match by
 * ID table, set the device up (vfio_cdev_device.c), call the driver's
 * probe; and back: remove, tear down.
 */

#include <errno.h>
#include <stdlib.h>

#include <bus_pci_provider.h>
#include <rte_devargs.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>

#include "vfio_cdev_private.h"

/* 0 probed, > 0 the driver declined, < 0 failure (logged). */
static int
probe_with(struct vfio_cdev_device *dev, struct rte_pci_driver *drv)
{
	int ret;

	if ((drv->drv_flags & RTE_PCI_DRV_NEED_IOVA_AS_VA) &&
			rte_eal_iova_mode() != RTE_IOVA_VA) {
		VFIO_CDEV_DEV_LOG(ERR, dev, "driver %s needs IOVA as VA; run without --iova-mode=pa",
			drv->driver.name);
		return -EINVAL;
	}
	if (dev->pci.device.numa_node < 0 && rte_socket_count() > 1)
		VFIO_CDEV_DEV_LOG(INFO, dev, "not NUMA-aware");

	if (vfio_cdev_device_setup(dev) < 0)
		return -rte_errno;

	/* drivers look at their flags through the device while probing */
	dev->pci.driver = drv;
	VFIO_CDEV_DEV_LOG(INFO, dev, "probe PCI driver %s (%x:%04x), socket %d",
		drv->driver.name, dev->pci.id.vendor_id, dev->pci.id.device_id,
		dev->pci.device.numa_node);
	ret = drv->probe(drv, &dev->pci);
	if (ret != 0) {
		if (ret < 0)
			VFIO_CDEV_DEV_LOG(ERR, dev, "driver %s probe failed: %d",
				drv->driver.name, ret);
		dev->pci.driver = NULL;
		vfio_cdev_device_teardown(dev);
		return ret;
	}
	dev->pci.device.driver = &drv->driver;
	dev->state = VFIO_CDEV_PROBED;
	return 0;
}

/* 0 probed, 1 no driver wants it, < 0 failure (logged). */
static int
probe_device(struct vfio_cdev_device *dev)
{
	struct rte_pci_driver *drv = NULL;
	int ret;

	if (dev->state == VFIO_CDEV_PROBED)
		return -EEXIST;
	if (dev->pci.device.devargs != NULL &&
			dev->pci.device.devargs->policy == RTE_DEV_BLOCKED)
		return 1;
	while ((drv = rte_pci_provider_next_driver(drv)) != NULL) {
		if (!rte_pci_provider_match(drv, &dev->pci))
			continue;
		ret = probe_with(dev, drv);
		if (ret <= 0)
			return ret;
	}
	VFIO_CDEV_DEV_LOG(DEBUG, dev, "no PCI driver for %04x:%04x",
		dev->pci.id.vendor_id, dev->pci.id.device_id);
	return 1;
}

int
vfio_cdev_bus_probe(void)
{
	struct vfio_cdev_device *dev;

	/* a device that fails does not keep the others from coming up */
	RTE_TAILQ_FOREACH(dev, &vfio_cdev_bus.devices, next) {
		if (dev->state != VFIO_CDEV_PROBED)
			probe_device(dev);
	}
	return 0;
}

int
vfio_cdev_plug(struct rte_device *rdev)
{
	struct vfio_cdev_device *dev = VFIO_CDEV_DEV(rdev);
	int ret;

	ret = probe_device(dev);
	if (ret == -EEXIST)
		return 0;
	return ret;
}

/* Give the device back: the driver lets go, every step is undone. */
static int
remove_device(struct vfio_cdev_device *dev)
{
	struct rte_pci_driver *drv = dev->pci.driver;
	int ret;

	if (dev->state == VFIO_CDEV_PROBED && drv != NULL) {
		if (drv->remove == NULL)
			return -ENOTSUP;
		ret = drv->remove(&dev->pci);
		if (ret < 0) {
			VFIO_CDEV_DEV_LOG(ERR, dev, "driver %s remove failed: %d",
				drv->driver.name, ret);
			return ret;
		}
	}
	dev->pci.driver = NULL;
	dev->pci.device.driver = NULL;
	vfio_cdev_device_teardown(dev);
	return 0;
}

int
vfio_cdev_unplug(struct rte_device *rdev)
{
	struct vfio_cdev_device *dev = VFIO_CDEV_DEV(rdev);
	int ret;

	ret = remove_device(dev);
	if (ret < 0)
		return ret;
	/* like the PCI bus: a later rte_dev_probe() scans it anew */
	vfio_cdev_remove_from_list(dev);
	rte_devargs_remove(rdev->devargs);
	vfio_cdev_free_device(dev);
	return 0;
}

int
vfio_cdev_bus_cleanup(void)
{
	struct vfio_cdev_device *dev;
	int ret = 0;

	RTE_TAILQ_FOREACH(dev, &vfio_cdev_bus.devices, next) {
		if (remove_device(dev) < 0)
			ret = -1;
	}
	vfio_cdev_free_devices();
	return ret;
}
