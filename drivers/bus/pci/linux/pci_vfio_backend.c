/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#include <errno.h>
#include <stddef.h>

#include <rte_log.h>
#include <rte_vfio_cdev.h>

#include "pci_vfio_backend.h"
#include "private.h"

static const struct rte_pci_vfio_backend *cdev_backend;

int
rte_pci_vfio_backend_register(const struct rte_pci_vfio_backend *backend)
{
	if (cdev_backend != NULL && cdev_backend != backend)
		return -EBUSY;
	cdev_backend = backend;
	return 0;
}

/* cdev mode in an application built without drivers/bus/vfio_cdev. */
static int
missing_is_enabled(void)
{
	return 1;	/* so that mapping a device says why it cannot */
}

static int
missing_map(struct rte_pci_device *dev)
{
	RTE_LOG(ERR, EAL, "%s: VFIO cdev mode, but the application is built without its backend (drivers/bus/vfio_cdev); use --vfio-mode=group\n",
		dev->name);
	return -1;
}

static int
missing_unmap(struct rte_pci_device *dev __rte_unused)
{
	return -1;
}

static const struct rte_pci_vfio_backend missing_backend = {
	.name = "none",
	.is_enabled = missing_is_enabled,
	.map_resource = missing_map,
	.unmap_resource = missing_unmap,
};

const struct rte_pci_vfio_backend *
pci_vfio_backend(void)
{
	if (rte_vfio_mode_get() != RTE_VFIO_MODE_CDEV)
		return NULL;
	return cdev_backend != NULL ? cdev_backend : &missing_backend;
}
