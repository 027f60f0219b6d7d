/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * The PCI helpers that drivers call themselves (rte_pci_map_device,
 * rte_pci_read_config, rte_pci_ioport_*, ...), for cdev devices: the PCI
 * bus hands them here (bus_pci_provider.h), so that no group or container
 * code is ever reached for a cdev device.
 */

#include <errno.h>
#include <unistd.h>

#include <bus_pci_provider.h>

#include "vfio_cdev_private.h"

static struct vfio_cdev_device *
cdev_of(struct rte_pci_device *pci)
{
	return container_of(pci, struct vfio_cdev_device, pci);
}

static const struct vfio_cdev_device *
const_cdev_of(const struct rte_pci_device *pci)
{
	return container_of(pci, const struct vfio_cdev_device, pci);
}

/* The device is mapped when set up; a driver may unmap and map again. */
static int
map_device(struct rte_pci_device *pci)
{
	struct vfio_cdev_device *dev = cdev_of(pci);

	if (dev->state < VFIO_CDEV_MAPPED) {
		VFIO_CDEV_DEV_LOG(ERR, dev, "map requested before the device was set up");
		return -1;
	}
	return vfio_cdev_map_bars(dev) < 0 ? -1 : 0;
}

static void
unmap_device(struct rte_pci_device *pci)
{
	vfio_cdev_unmap_bars(cdev_of(pci));
}

static int
read_config(const struct rte_pci_device *pci, void *buf, size_t len,
		off_t offset)
{
	const struct vfio_cdev_device *dev = const_cdev_of(pci);

	if (dev->fd < 0)
		return -1;
	return vfio_cdev_config_read(dev, buf, len, offset);
}

static int
write_config(const struct rte_pci_device *pci, const void *buf, size_t len,
		off_t offset)
{
	const struct vfio_cdev_device *dev = const_cdev_of(pci);

	if (dev->fd < 0)
		return -1;
	return vfio_cdev_config_write(dev, buf, len, offset);
}

/* I/O port BARs (legacy virtio) are read and written through the fd. */
static int
ioport_map(struct rte_pci_device *pci, int bar, struct rte_pci_ioport *p)
{
	struct vfio_cdev_device *dev = cdev_of(pci);

	if (bar < 0 || bar >= PCI_MAX_RESOURCE || dev->fd < 0 ||
			dev->regions[bar].size == 0) {
		VFIO_CDEV_DEV_LOG(ERR, dev, "cannot map I/O port BAR%d", bar);
		return -1;
	}
	p->dev = pci;
	p->base = dev->regions[bar].offset;
	p->len = dev->regions[bar].size;
	return 0;
}

static void
ioport_read(struct rte_pci_ioport *p, void *data, size_t len, off_t offset)
{
	const struct vfio_cdev_device *dev = const_cdev_of(p->dev);

	if (pread(dev->fd, data, len, p->base + offset) != (ssize_t)len)
		VFIO_CDEV_DEV_LOG(ERR, dev, "I/O port read at %#lx failed",
			(unsigned long)offset);
}

static void
ioport_write(struct rte_pci_ioport *p, const void *data, size_t len,
		off_t offset)
{
	const struct vfio_cdev_device *dev = const_cdev_of(p->dev);

	if (pwrite(dev->fd, data, len, p->base + offset) != (ssize_t)len)
		VFIO_CDEV_DEV_LOG(ERR, dev, "I/O port write at %#lx failed",
			(unsigned long)offset);
}

static int
ioport_unmap(struct rte_pci_ioport *p)
{
	p->base = 0;
	return 0;
}

static const struct rte_pci_provider_ops vfio_cdev_pci_ops = {
	.claims = vfio_cdev_claims,
	.map_device = map_device,
	.unmap_device = unmap_device,
	.read_config = read_config,
	.write_config = write_config,
	.ioport_map = ioport_map,
	.ioport_read = ioport_read,
	.ioport_write = ioport_write,
	.ioport_unmap = ioport_unmap,
};

RTE_INIT(vfio_cdev_pci_ops_register)
{
	rte_pci_provider_register(&vfio_cdev_bus.bus, &vfio_cdev_pci_ops);
}
