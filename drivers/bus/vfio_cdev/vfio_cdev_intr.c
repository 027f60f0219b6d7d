/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * Interrupts of a cdev device, set up in the handles the PCI bus gives
 * the device, as group mode sets them up: the device fd and an eventfd in
 * a handle of VFIO type, so that EAL's interrupt code (link state,
 * rte_intr_efd_enable() for Rx queue interrupts) and the PCI bus's config
 * space helpers work on it unchanged; and the device request IRQ, which
 * the kernel raises when it wants the device back (unbind, VF removal).
 */

#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <bus_driver.h>
#include <rte_eal.h>
#include <rte_interrupts.h>
#include <rte_spinlock.h>

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

/* Make the handle hold nothing: a fresh handle's fds are 0, not -1. */
static void
handle_clear(struct rte_intr_handle *h)
{
	rte_intr_fd_set(h, -1);
	rte_intr_dev_fd_set(h, -1);
	rte_intr_type_set(h, RTE_INTR_HANDLE_UNKNOWN);
}

void
vfio_cdev_intr_init(struct vfio_cdev_device *dev)
{
	if (dev->pci->intr_handle != NULL)
		handle_clear(dev->pci->intr_handle);
	if (dev->pci->vfio_req_intr_handle != NULL)
		handle_clear(dev->pci->vfio_req_intr_handle);
}

void
vfio_cdev_intr_share(struct vfio_cdev_device *dev)
{
	/* as group mode's secondaries: the device fd, no eventfd */
	if (dev->pci->intr_handle != NULL)
		rte_intr_dev_fd_set(dev->pci->intr_handle, dev->fd);
	if (dev->pci->vfio_req_intr_handle != NULL)
		rte_intr_dev_fd_set(dev->pci->vfio_req_intr_handle, dev->fd);
}

void
vfio_cdev_intr_teardown(struct vfio_cdev_device *dev)
{
	struct rte_intr_handle *h = dev->pci->intr_handle;

	if (!dev->intr_set || h == NULL)
		return;
	close(rte_intr_fd_get(h));
	handle_clear(h);
	dev->intr_set = false;
}

/* The kind to use: what --vfio-intr asks for, else the first the device
 * has vectors of; -1 if none. Group mode takes the first kind the kernel
 * offers with eventfds, vectors or not: so does an explicit --vfio-intr
 * here, with a warning, and so does the choice when no kind has vectors.
 */
static int
choose_kind(struct vfio_cdev_device *dev, struct vfio_irq_info *chosen)
{
	enum rte_intr_mode wanted = rte_eal_vfio_intr_mode();
	struct vfio_irq_info irq;
	int i, fallback = -1;

	for (i = 0; i < (int)RTE_DIM(intr_kinds); i++) {
		if (wanted != RTE_INTR_MODE_NONE && wanted != intr_kinds[i].mode)
			continue;
		memset(&irq, 0, sizeof(irq));
		irq.argsz = sizeof(irq);
		irq.index = intr_kinds[i].index;
		if (ioctl(dev->fd, VFIO_DEVICE_GET_IRQ_INFO, &irq) < 0) {
			int err = errno;

			VFIO_CDEV_DEV_LOG(ERR, dev, "VFIO_DEVICE_GET_IRQ_INFO %s: %s",
				intr_kinds[i].name, strerror(err));
			return -err;
		}
		if (!(irq.flags & VFIO_IRQ_INFO_EVENTFD)) {
			if (wanted != RTE_INTR_MODE_NONE) {
				VFIO_CDEV_DEV_LOG(ERR, dev, "--vfio-intr asks for %s, which the device does not offer with eventfds",
					intr_kinds[i].name);
				return -ENOTSUP;
			}
			continue;
		}
		if (irq.count > 0 || wanted != RTE_INTR_MODE_NONE) {
			if (irq.count == 0)
				VFIO_CDEV_DEV_LOG(WARNING, dev, "--vfio-intr asks for %s, but the device has no %s vectors: its interrupts cannot be enabled",
					intr_kinds[i].name, intr_kinds[i].name);
			*chosen = irq;
			return i;
		}
		if (fallback < 0) {
			fallback = i;
			*chosen = irq;
		}
	}
	if (fallback < 0) {
		VFIO_CDEV_DEV_LOG(ERR, dev, "no interrupt the kernel offers with eventfds (MSI-X, MSI, INTx)");
		return -ENOTSUP;
	}
	return fallback;
}

int
vfio_cdev_intr_setup(struct vfio_cdev_device *dev)
{
	struct rte_intr_handle *h = dev->pci->intr_handle;
	struct vfio_irq_info irq;
	int kind, fd;

	if (h == NULL) {
		VFIO_CDEV_DEV_LOG(ERR, dev, "no interrupt handle from the PCI bus");
		return -EINVAL;
	}
	handle_clear(h);
	kind = choose_kind(dev, &irq);
	if (kind < 0)
		return kind;

	/* room for one event per MSI-X vector (Rx queue interrupts) */
	if (intr_kinds[kind].index == VFIO_PCI_MSIX_IRQ_INDEX &&
			(uint32_t)rte_intr_nb_intr_get(h) < irq.count &&
			rte_intr_event_list_update(h, irq.count) < 0) {
		VFIO_CDEV_DEV_LOG(ERR, dev, "cannot size the interrupt event list to %u",
			irq.count);
		return -ENOMEM;
	}
	fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (fd < 0) {
		int err = errno;

		VFIO_CDEV_DEV_LOG(ERR, dev, "eventfd: %s", strerror(err));
		return -err;
	}
	if (rte_intr_fd_set(h, fd) < 0 ||
			rte_intr_dev_fd_set(h, dev->fd) < 0 ||
			rte_intr_type_set(h, intr_kinds[kind].type) < 0) {
		close(fd);
		handle_clear(h);
		VFIO_CDEV_DEV_LOG(ERR, dev, "cannot fill the interrupt handle");
		return -EINVAL;
	}
	dev->intr_set = true;
	VFIO_CDEV_DEV_LOG(DEBUG, dev, "%s interrupts, %u vectors",
		intr_kinds[kind].name, irq.count);
	return 0;
}

/* One unplug request handled at a time, as in group mode. */
static rte_spinlock_t req_lock = RTE_SPINLOCK_INITIALIZER;

/* The kernel wants the device back: let the PCI bus tell the
 * application (RTE_DEV_EVENT_REMOVE), which then detaches it.
 */
static void
req_handler(void *arg)
{
	struct rte_device *rdev = arg;
	struct rte_bus *bus;

	rte_spinlock_lock(&req_lock);
	VFIO_CDEV_LOG(INFO, "%s: the kernel asks for the device back (unbind or removal)",
		rdev->name);
	bus = rte_bus_find_by_device(rdev);
	if (bus == NULL || bus->hot_unplug_handler == NULL ||
			bus->hot_unplug_handler(rdev) != 0)
		VFIO_CDEV_LOG(ERR, "%s: cannot hand the release request to its bus",
			rdev->name);
	rte_spinlock_unlock(&req_lock);
}

int
vfio_cdev_req_enable(struct vfio_cdev_device *dev)
{
	struct rte_intr_handle *h = dev->pci->vfio_req_intr_handle;
	int fd, ret;

	if (h == NULL) {
		VFIO_CDEV_DEV_LOG(ERR, dev, "no request interrupt handle from the PCI bus");
		return -EINVAL;
	}
	handle_clear(h);
	fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		VFIO_CDEV_DEV_LOG(ERR, dev, "eventfd for the request IRQ: %s",
			strerror(-ret));
		return ret;
	}
	if (rte_intr_fd_set(h, fd) < 0 || rte_intr_dev_fd_set(h, dev->fd) < 0 ||
			rte_intr_type_set(h, RTE_INTR_HANDLE_VFIO_REQ) < 0) {
		ret = -EINVAL;
		goto fail;
	}
	ret = rte_intr_callback_register(h, req_handler, &dev->pci->device);
	if (ret < 0) {
		VFIO_CDEV_DEV_LOG(ERR, dev, "cannot register the request IRQ handler: %s",
			strerror(-ret));
		goto fail;
	}
	errno = 0;
	if (rte_intr_enable(h) < 0) {
		/* EAL's message has no errno; the ioctl's is still there */
		ret = errno != 0 ? -errno : -EIO;
		VFIO_CDEV_DEV_LOG(ERR, dev, "cannot enable the device request IRQ (VFIO_DEVICE_SET_IRQS): %s",
			strerror(-ret));
		rte_intr_callback_unregister(h, req_handler, &dev->pci->device);
		goto fail;
	}
	dev->req_armed = true;
	return 0;
fail:
	close(fd);
	handle_clear(h);
	return ret;
}

void
vfio_cdev_req_disable(struct vfio_cdev_device *dev)
{
	struct rte_intr_handle *h = dev->pci->vfio_req_intr_handle;

	if (!dev->req_armed)
		return;
	if (rte_intr_disable(h) < 0)
		VFIO_CDEV_DEV_LOG(WARNING, dev, "cannot disable the device request IRQ");
	rte_intr_callback_unregister_sync(h, req_handler, &dev->pci->device);
	close(rte_intr_fd_get(h));
	handle_clear(h);
	dev->req_armed = false;
}
