/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#include <errno.h>
#include <stddef.h>

#include "bus_pci_provider.h"
#include "pci_provider.h"
#include "private.h"

static const struct rte_bus *provider_bus;
static const struct rte_pci_provider_ops *provider_ops;

int
rte_pci_provider_register(const struct rte_bus *bus,
		const struct rte_pci_provider_ops *ops)
{
	if (provider_bus != NULL && provider_bus != bus)
		return -EBUSY;
	provider_bus = bus;
	provider_ops = ops;
	return 0;
}

const struct rte_pci_provider_ops *
pci_provider_ops(const struct rte_pci_device *dev)
{
	if (provider_bus == NULL || dev->device.bus != provider_bus)
		return NULL;
	return provider_ops;
}

bool
pci_provider_claims(const char *name)
{
	return provider_ops != NULL && provider_ops->claims(name);
}

struct rte_pci_driver *
rte_pci_provider_next_driver(const struct rte_pci_driver *prev)
{
	if (prev == NULL)
		return TAILQ_FIRST(&rte_pci_bus.driver_list);
	return TAILQ_NEXT(prev, next);
}

bool
rte_pci_provider_match(const struct rte_pci_driver *drv,
		const struct rte_pci_device *dev)
{
	return rte_pci_match(drv, dev) != 0;
}
