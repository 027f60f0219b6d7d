/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * Devices for secondary processes. A VFIO cdev can be bound once, so a
 * secondary cannot open the device itself: it asks the primary, which
 * hands it the bound fd over rte_mp (SCM_RIGHTS), as group mode hands
 * out group and container fds, with where it mapped the BARs. The
 * secondary never binds, attaches nor maps DMA: the IOAS and the memory
 * are the primary's.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_string_fns.h>

#include "vfio_cdev_private.h"

#define MP_ACTION "bus_vfio_cdev_fd"
#define MP_TIMEOUT_S 5

/* Copied in and out of rte_mp_msg's param, which is not aligned for it. */
struct mp_param {
	char name[RTE_DEV_NAME_MAX_LEN];	/* PCI address */
	int result;				/* 0 or -errno */
	uint64_t bar_va[PCI_MAX_RESOURCE];	/* 0: not mapped */
};

/* Primary: the fd of the device asked for, sent before it can go. */
static int
answer(const struct rte_mp_msg *msg, const void *peer)
{
	struct rte_mp_msg reply = { .len_param = sizeof(struct mp_param) };
	struct mp_param req, r = { .result = 0 };
	struct vfio_cdev_device *dev;
	unsigned int i;
	int ret;

	strlcpy(reply.name, MP_ACTION, sizeof(reply.name));
	if (msg->len_param != sizeof(req)) {
		r.result = -EINVAL;
		memcpy(reply.param, &r, sizeof(r));
		return rte_mp_reply(&reply, peer);
	}
	memcpy(&req, msg->param, sizeof(req));
	if (memchr(req.name, '\0', sizeof(req.name)) == NULL) {
		r.result = -EINVAL;
		memcpy(reply.param, &r, sizeof(r));
		return rte_mp_reply(&reply, peer);
	}
	strlcpy(r.name, req.name, sizeof(r.name));
	vfio_cdev_devices_lock();
	dev = vfio_cdev_find_by_name(req.name);
	if (dev == NULL || dev->state != VFIO_CDEV_MAPPED) {
		r.result = -ENODEV;
	} else {
		reply.fds[0] = dev->fd;
		reply.num_fds = 1;
		for (i = 0; i < PCI_MAX_RESOURCE; i++)
			r.bar_va[i] = (uintptr_t)dev->bars[i].addr;
	}
	memcpy(reply.param, &r, sizeof(r));
	ret = rte_mp_reply(&reply, peer);
	vfio_cdev_devices_unlock();
	return ret;
}

/* Any process may become a primary: be ready to answer from the start. */
RTE_INIT(vfio_cdev_mp_register)
{
	rte_mp_action_register(MP_ACTION, answer);
}

int
vfio_cdev_mp_request(const struct vfio_cdev_device *dev,
		void *bar_va[PCI_MAX_RESOURCE])
{
	struct timespec ts = { .tv_sec = MP_TIMEOUT_S };
	struct rte_mp_msg req = { .len_param = sizeof(struct mp_param) };
	struct mp_param p = { .result = 0 }, r;
	struct rte_mp_reply reply = { 0 };
	const struct rte_mp_msg *rep;
	unsigned int i;
	int fd = -EIO;

	strlcpy(req.name, MP_ACTION, sizeof(req.name));
	strlcpy(p.name, dev->pci->name, sizeof(p.name));
	memcpy(req.param, &p, sizeof(p));
	if (rte_mp_request_sync(&req, &reply, &ts) < 0 ||
			reply.nb_received != 1) {
		VFIO_CDEV_DEV_LOG(ERR, dev, "the primary process did not answer for the device fd: %s",
			rte_strerror(rte_errno));
		goto out;
	}
	rep = &reply.msgs[0];
	memcpy(&r, rep->param, sizeof(r));
	if (rep->len_param != sizeof(r) || (r.result == 0 &&
			rep->num_fds != 1)) {
		VFIO_CDEV_DEV_LOG(ERR, dev, "the primary process's answer is not one this process understands: are both the same DPDK?");
	} else if (r.result == -ENODEV) {
		fd = -ENODEV;
		VFIO_CDEV_DEV_LOG(ERR, dev, "the primary process has not set the device up (VFIO cdev mode): a secondary can only use devices the primary uses; attach it in the primary first");
	} else if (r.result < 0) {
		fd = r.result;
		VFIO_CDEV_DEV_LOG(ERR, dev, "the primary process refused the device fd: %s",
			strerror(-fd));
	} else {
		fd = rep->fds[0];
		for (i = 0; i < PCI_MAX_RESOURCE; i++)
			bar_va[i] = (void *)(uintptr_t)r.bar_va[i];
	}
	/* fds that came but are not kept */
	for (i = 0; i < (unsigned int)rep->num_fds; i++) {
		if (rep->fds[i] != fd)
			close(rep->fds[i]);
	}
out:
	free(reply.msgs);
	return fd;
}
