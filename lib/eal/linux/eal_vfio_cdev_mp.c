/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * Device fds for secondary processes in cdev mode. A VFIO cdev can be
 * bound once, so a secondary cannot open the device itself: it asks its
 * primary over EAL's VFIO mp channel, as group mode asks for group fds,
 * and gets the bound fd (SCM_RIGHTS). The secondary never binds,
 * attaches nor maps DMA: the IOAS and the memory are the primary's.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_string_fns.h>

#include "eal_vfio.h"
#include "eal_vfio_cdev.h"

#define MP_TIMEOUT_S 5

/* The request: the channel's header, then the device's name. */
struct cdev_request {
	struct vfio_mp_param hdr;	/* req SOCKET_REQ_CDEV_DEVICE */
	char name[RTE_DEV_NAME_MAX_LEN];
};

/* The reply: the header (result 0 or -errno), then the cdev it is. */
struct cdev_reply {
	struct vfio_mp_param hdr;
	char cdev_name[VFIO_CDEV_NAME_LEN];
	uint32_t major, minor;
};

bool
vfio_cdev_mp_is_request(const struct rte_mp_msg *msg)
{
	struct vfio_mp_param hdr;

	if (msg->len_param != sizeof(struct cdev_request))
		return false;
	memcpy(&hdr, msg->param, sizeof(hdr));
	return hdr.req == SOCKET_REQ_CDEV_DEVICE;
}

/* Primary: rte_mp_msg's param is not aligned for the structures, hence
 * the copies in and out.
 */
int
vfio_cdev_mp_answer(const struct rte_mp_msg *msg, const void *peer)
{
	struct rte_mp_msg reply = { .len_param = sizeof(struct cdev_reply) };
	struct cdev_reply r = { .hdr.req = SOCKET_REQ_CDEV_DEVICE };
	struct cdev_request req;
	dev_t devt = 0;
	int fd = -EINVAL, ret;

	memcpy(&req, msg->param, sizeof(req));
	if (memchr(req.name, '\0', sizeof(req.name)) != NULL)
		fd = vfio_cdev_dup_for_secondary(req.name, r.cdev_name,
			sizeof(r.cdev_name), &devt);
	strlcpy(reply.name, EAL_VFIO_MP, sizeof(reply.name));
	r.hdr.result = fd < 0 ? fd : 0;
	r.major = major(devt);
	r.minor = minor(devt);
	memcpy(reply.param, &r, sizeof(r));
	if (fd >= 0) {
		reply.fds[0] = fd;
		reply.num_fds = 1;
	}
	/* sent outside the devices' lock; the duplicate is ours to close */
	ret = rte_mp_reply(&reply, peer);
	if (fd >= 0)
		close(fd);
	return ret;
}

int
vfio_cdev_mp_request(struct vfio_cdev_device *dev)
{
	struct timespec ts = { .tv_sec = MP_TIMEOUT_S };
	struct rte_mp_msg msg = { .len_param = sizeof(struct cdev_request) };
	struct cdev_request req = { .hdr.req = SOCKET_REQ_CDEV_DEVICE };
	struct rte_mp_reply reply = { 0 };
	const struct rte_mp_msg *rep;
	struct cdev_reply r;
	int fd = -EIO, i;

	strlcpy(msg.name, EAL_VFIO_MP, sizeof(msg.name));
	strlcpy(req.name, dev->name, sizeof(req.name));
	memcpy(msg.param, &req, sizeof(req));
	if (rte_mp_request_sync(&msg, &reply, &ts) < 0 ||
			reply.nb_received != 1) {
		RTE_LOG(ERR, EAL, "%s: no answer from the primary process for the device fd: %s\n",
			dev->name, rte_strerror(rte_errno));
		goto out;
	}
	rep = &reply.msgs[0];
	memcpy(&r, rep->param, RTE_MIN(sizeof(r), (size_t)rep->len_param));
	if (rep->len_param != sizeof(r) ||
			(r.hdr.result == 0 && rep->num_fds != 1) ||
			memchr(r.cdev_name, '\0', sizeof(r.cdev_name)) == NULL) {
		RTE_LOG(ERR, EAL, "%s: the primary process's answer is malformed (another DPDK version?)\n",
			dev->name);
	} else if (r.hdr.result == -ENODEV) {
		fd = -ENODEV;
		RTE_LOG(ERR, EAL, "%s: the primary process does not use the device; attach it there first\n",
			dev->name);
	} else if (r.hdr.result < 0) {
		fd = r.hdr.result;
		RTE_LOG(ERR, EAL, "%s: the primary process refused the device fd: %s\n",
			dev->name, strerror(-fd));
	} else {
		fd = rep->fds[0];
		strlcpy(dev->cdev_name, r.cdev_name, sizeof(dev->cdev_name));
		dev->devt = makedev(r.major, r.minor);
		/* recvmsg() does not set it: no child may inherit the device */
		if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
			fd = -errno;
			RTE_LOG(ERR, EAL, "%s: fcntl of the device fd: %s\n",
				dev->name, strerror(-fd));
		}
	}
	/* fds that came but are not kept */
	for (i = 0; i < rep->num_fds; i++) {
		if (rep->fds[i] != fd)
			close(rep->fds[i]);
	}
out:
	free(reply.msgs);
	return fd;
}
