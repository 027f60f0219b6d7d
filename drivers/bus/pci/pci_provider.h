/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#ifndef PCI_PROVIDER_H
#define PCI_PROVIDER_H

#include "bus_pci_provider.h"

/* The provider's operations if dev belongs to a provider bus, else NULL. */
const struct rte_pci_provider_ops *
pci_provider_ops(const struct rte_pci_device *dev);

/* True if a provider claims the device of this name. */
bool
pci_provider_claims(const char *name);

/* First line of a PCI helper: let the device's provider do it, if any. */
#define PCI_PROVIDER_HOOK(dev, op, ...) do { \
	const struct rte_pci_provider_ops *ops_ = pci_provider_ops(dev); \
	if (ops_ != NULL) \
		return ops_->op(__VA_ARGS__); \
} while (0)

/* The same for a helper returning nothing. */
#define PCI_PROVIDER_HOOK_VOID(dev, op, ...) do { \
	const struct rte_pci_provider_ops *ops_ = pci_provider_ops(dev); \
	if (ops_ != NULL) { \
		ops_->op(__VA_ARGS__); \
		return; \
	} \
} while (0)

#endif /* PCI_PROVIDER_H */
