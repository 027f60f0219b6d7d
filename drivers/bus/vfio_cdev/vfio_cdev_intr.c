/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * Interrupts of a cdev device, set up as group mode sets them up: the
 * device fd and an eventfd go into an rte_intr_handle of VFIO type, so
 * that EAL's interrupt code (link state, rte_intr_efd_enable() for Rx
 * queue interrupts) works on it unchanged.
 */

#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_interrupts.h>

#include "vfio_cdev_private.h"
#include "vfio_cdev_uapi.h"

static const struct {
	unsigned int index;
	enum rte_intr_mode mode;
	enum rte_intr_handle_type type;
	const char *name;
} intr_kinds[] = {	/* in order of preference */
	{ VFIO_PCI_MSIX_IRQ_INDEX, RTE_INTR_MODE_MSIX,
		RTE_INTR_HANDLE_VFIO_MSIX, "MSI-X" },
	{ VFIO_PCI_MSI_IRQ_INDEX, RTE_INTR_MODE_MSI,
		RTE_INTR_HANDLE_VFIO_MSI, "MSI" },
	{ VFIO_PCI_INTX_IRQ_INDEX, RTE_INTR_MODE_LEGACY,
		RTE_INTR_HANDLE_VFIO_LEGACY, "INTx" },
};

void
vfio_cdev_intr_teardown(struct vfio_cdev_device *dev)
{
	struct rte_intr_handle *h = dev->pci.intr_handle;
	int fd;

	if (h == NULL)
		return;
	fd = rte_intr_fd_get(h);
	if (fd >= 0)
		close(fd);
	rte_intr_instance_free(h);
	dev->pci.intr_handle = NULL;
}

int
vfio_cdev_intr_setup(struct vfio_cdev_device *dev)
{
	enum rte_intr_mode wanted = rte_eal_vfio_intr_mode();
	struct vfio_irq_info irq;
	struct rte_intr_handle *h;
	unsigned int i;
	int fd;

	h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	if (h == NULL) {
		VFIO_CDEV_DEV_LOG(ERR, dev, "cannot allocate an interrupt handle");
		return -ENOMEM;
	}
	dev->pci.intr_handle = h;

	for (i = 0; i < RTE_DIM(intr_kinds); i++) {
		if (wanted != RTE_INTR_MODE_NONE && wanted != intr_kinds[i].mode)
			continue;
		memset(&irq, 0, sizeof(irq));
		irq.argsz = sizeof(irq);
		irq.index = intr_kinds[i].index;
		if (ioctl(dev->fd, VFIO_DEVICE_GET_IRQ_INFO, &irq) < 0) {
			VFIO_CDEV_DEV_LOG(ERR, dev, "VFIO_DEVICE_GET_IRQ_INFO %s: %s",
				intr_kinds[i].name, strerror(errno));
			goto fail;
		}
		if (irq.count == 0 || !(irq.flags & VFIO_IRQ_INFO_EVENTFD)) {
			if (wanted != RTE_INTR_MODE_NONE) {
				VFIO_CDEV_DEV_LOG(ERR, dev, "--vfio-intr asks for %s, which the device does not offer with eventfd",
					intr_kinds[i].name);
				goto fail;
			}
			continue;
		}
		/* room for one event per MSI-X vector (Rx queue interrupts) */
		if (intr_kinds[i].index == VFIO_PCI_MSIX_IRQ_INDEX &&
				(uint32_t)rte_intr_nb_intr_get(h) < irq.count &&
				rte_intr_event_list_update(h, irq.count) < 0) {
			VFIO_CDEV_DEV_LOG(ERR, dev, "cannot size interrupt event list to %u",
				irq.count);
			goto fail;
		}
		fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (fd < 0) {
			VFIO_CDEV_DEV_LOG(ERR, dev, "eventfd: %s", strerror(errno));
			goto fail;
		}
		if (rte_intr_fd_set(h, fd) < 0 ||
				rte_intr_dev_fd_set(h, dev->fd) < 0 ||
				rte_intr_type_set(h, intr_kinds[i].type) < 0) {
			close(fd);
			VFIO_CDEV_DEV_LOG(ERR, dev, "cannot fill the interrupt handle");
			goto fail;
		}
		VFIO_CDEV_DEV_LOG(DEBUG, dev, "%s interrupts, %u vectors",
			intr_kinds[i].name, irq.count);
		return 0;
	}
	VFIO_CDEV_DEV_LOG(ERR, dev, "no usable interrupt (MSI-X, MSI, INTx)");
fail:
	vfio_cdev_intr_teardown(dev);
	return -EIO;
}
