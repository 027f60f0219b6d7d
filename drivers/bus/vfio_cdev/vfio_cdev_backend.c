/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * The PCI bus's backend for vfio-pci devices in cdev mode: the PCI bus
 * scans, names, matches, probes and plugs devices as in group mode, and
 * calls here where group mode would call pci_vfio_map_resource() and
 * pci_vfio_unmap_resource(): a primary sets the device up itself, a
 * secondary gets it from its primary. This file keeps the devices it has
 * mapped.
 */

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <pci_vfio_backend.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_vfio_cdev.h>

#include "vfio_cdev_private.h"

RTE_LOG_REGISTER_DEFAULT(vfio_cdev_logtype, INFO);

static RTE_TAILQ_HEAD(, vfio_cdev_device) mapped =
	TAILQ_HEAD_INITIALIZER(mapped);
static pthread_mutex_t mapped_lock = PTHREAD_MUTEX_INITIALIZER;

void
vfio_cdev_devices_lock(void)
{
	pthread_mutex_lock(&mapped_lock);
}

void
vfio_cdev_devices_unlock(void)
{
	pthread_mutex_unlock(&mapped_lock);
}

struct vfio_cdev_device *
vfio_cdev_find_by_name(const char *name)
{
	struct vfio_cdev_device *dev;

	TAILQ_FOREACH(dev, &mapped, next) {
		if (strcmp(dev->pci->name, name) == 0)
			return dev;
	}
	return NULL;
}

void
vfio_cdev_devices_walk(void (*fn)(const struct vfio_cdev_device *dev,
		void *arg), void *arg)
{
	struct vfio_cdev_device *dev;

	vfio_cdev_devices_lock();
	TAILQ_FOREACH(dev, &mapped, next)
		fn(dev, arg);
	vfio_cdev_devices_unlock();
}

static struct vfio_cdev_device *
find_mapped(const struct rte_pci_device *pci)
{
	struct vfio_cdev_device *dev;

	TAILQ_FOREACH(dev, &mapped, next) {
		if (dev->pci == pci)
			return dev;
	}
	return NULL;
}

/* The primary can map devices once it has its iommufd; a secondary gets
 * them from its primary.
 */
static int
is_enabled(void)
{
	return rte_eal_process_type() != RTE_PROC_PRIMARY ||
		rte_vfio_cdev_iommufd() >= 0;
}

int
vfio_cdev_map_resource(struct rte_pci_device *pci)
{
	struct vfio_cdev_device *dev;
	int ret;

	/* a driver may map a device the bus mapped for it already */
	vfio_cdev_devices_lock();
	dev = find_mapped(pci);
	vfio_cdev_devices_unlock();
	if (dev != NULL)
		return 0;

	dev = calloc(1, sizeof(*dev));
	if (dev == NULL) {
		VFIO_CDEV_LOG(ERR, "%s: out of memory", pci->name);
		return -1;
	}
	dev->pci = pci;
	dev->fd = -1;
	if (rte_eal_process_type() == RTE_PROC_PRIMARY)
		ret = vfio_cdev_device_setup(dev);
	else
		ret = vfio_cdev_device_share(dev);
	if (ret < 0) {
		free(dev);
		return -1;
	}
	vfio_cdev_devices_lock();
	TAILQ_INSERT_TAIL(&mapped, dev, next);
	vfio_cdev_devices_unlock();
	return 0;
}

int
vfio_cdev_unmap_resource(struct rte_pci_device *pci)
{
	struct vfio_cdev_device *dev;

	/* off the list first: a secondary can no longer be handed its fd */
	vfio_cdev_devices_lock();
	dev = find_mapped(pci);
	if (dev != NULL)
		TAILQ_REMOVE(&mapped, dev, next);
	vfio_cdev_devices_unlock();
	if (dev == NULL) {
		VFIO_CDEV_LOG(ERR, "%s: not mapped", pci->name);
		return -1;
	}
	vfio_cdev_device_teardown(dev);
	free(dev);
	return 0;
}

static const struct rte_pci_vfio_backend vfio_cdev_backend = {
	.name = "vfio_cdev",
	.is_enabled = is_enabled,
	.map_resource = vfio_cdev_map_resource,
	.unmap_resource = vfio_cdev_unmap_resource,
};

RTE_INIT(vfio_cdev_backend_register)
{
	rte_pci_vfio_backend_register(&vfio_cdev_backend);
}
