/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * Fds handed in by whoever started the process (a privileged launcher, a
 * container runtime), so that it never opens /dev/iommu nor
 * /dev/vfio/devices itself:
 *   --vfio-iommufd=FD          the iommufd to use
 *   --vfio-device-fd=ADDR=FD   a device's VFIO cdev, unbound or bound to
 *                              that iommufd (repeated for each device)
 * They imply cdev mode. Each fd is checked when the option is parsed (open,
 * for reading and writing) and becomes EAL's: close-on-exec from then on,
 * taken once, closed when done with or refused; those no device took are
 * closed at cleanup.
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_log.h>
#include <rte_string_fns.h>

#include "eal_vfio_cdev.h"

struct handed_device {
	TAILQ_ENTRY(handed_device) next;
	char addr[VFIO_CDEV_PCI_ADDR_LEN];
	int fd;
};

static TAILQ_HEAD(, handed_device) handed_devices =
	TAILQ_HEAD_INITIALIZER(handed_devices);
static int handed_iommufd = -1;
/* what was given, true once the fds are taken */
static bool iommufd_given, devices_given;
/* The above: devices are taken at probe and at hotplug, from any thread. */
static pthread_mutex_t handed_lock = PTHREAD_MUTEX_INITIALIZER;

/* An fd handed in must be open for reading and writing; it then stays
 * with EAL and no child of the process inherits it. A refused one is left
 * as it is: EAL's initialisation fails.
 */
static int
take(int fd, const char *option)
{
	char what[PATH_MAX + 32];
	int flags;

	flags = fcntl(fd, F_GETFL);
	if (flags < 0) {
		RTE_LOG(ERR, EAL, "%s: fd %d is not open; the process that starts this one must pass it\n",
			option, fd);
		return -1;
	}
	if ((flags & O_ACCMODE) != O_RDWR) {
		vfio_cdev_fds_describe(fd, what, sizeof(what));
		RTE_LOG(ERR, EAL, "%s: %s is not open for reading and writing; refused\n",
			option, what);
		return -1;
	}
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
		RTE_LOG(ERR, EAL, "%s: fd %d: fcntl: %s\n", option, fd,
			strerror(errno));
		return -1;
	}
	return fd;
}

/* One fd stands for one thing: refused if already given for another. */
static bool
fd_given(int fd, const char *option)
{
	struct handed_device *h;
	const char *other = NULL;

	if (fd == handed_iommufd)
		other = "the iommufd";
	TAILQ_FOREACH(h, &handed_devices, next) {
		if (h->fd == fd)
			other = h->addr;
	}
	if (other == NULL)
		return false;
	RTE_LOG(ERR, EAL, "%s: fd %d is already given for %s\n", option, fd,
		other);
	return true;
}

int
vfio_cdev_fds_parse_iommufd(const char *arg)
{
	int fd;

	if (vfio_cdev_parse_fd(arg, &fd) < 0) {
		RTE_LOG(ERR, EAL, "--vfio-iommufd=%s: expected a file descriptor number\n",
			arg);
		return -1;
	}
	if (fd == handed_iommufd)
		return 0;
	if (fd_given(fd, "--vfio-iommufd") || take(fd, "--vfio-iommufd") < 0)
		return -1;
	if (handed_iommufd >= 0)	/* the last one given is used */
		close(handed_iommufd);
	handed_iommufd = fd;
	iommufd_given = true;
	return 0;
}

int
vfio_cdev_fds_parse_device(const char *arg)
{
	struct handed_device *h;
	char addr[VFIO_CDEV_PCI_ADDR_LEN];
	int fd;

	if (vfio_cdev_parse_device_fd(arg, addr, &fd) < 0) {
		RTE_LOG(ERR, EAL, "--vfio-device-fd=%s: expected PCI address=fd, e.g. 0000:00:02.0=5\n",
			arg);
		return -1;
	}
	TAILQ_FOREACH(h, &handed_devices, next) {
		if (strcmp(h->addr, addr) == 0) {
			RTE_LOG(ERR, EAL, "--vfio-device-fd: %s given twice\n",
				addr);
			return -1;
		}
	}
	if (fd_given(fd, "--vfio-device-fd") ||
			take(fd, "--vfio-device-fd") < 0)
		return -1;
	h = calloc(1, sizeof(*h));
	if (h == NULL) {
		close(fd);
		return -1;
	}
	strlcpy(h->addr, addr, sizeof(h->addr));
	h->fd = fd;
	TAILQ_INSERT_TAIL(&handed_devices, h, next);
	devices_given = true;
	return 0;
}

bool
vfio_cdev_fds_given(void)
{
	return iommufd_given || devices_given;
}

bool
vfio_cdev_fds_iommufd_given(void)
{
	return iommufd_given;
}

const char *
vfio_cdev_fds_option(void)
{
	return iommufd_given ? "--vfio-iommufd" : "--vfio-device-fd";
}

void
vfio_cdev_fds_describe(int fd, char *buf, size_t len)
{
	char link[64], target[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0) {
		snprintf(buf, len, "fd %d", fd);
		return;
	}
	target[n] = '\0';
	snprintf(buf, len, "fd %d (%s)", fd, target);
}

int
vfio_cdev_fds_take_iommufd(void)
{
	int fd;

	pthread_mutex_lock(&handed_lock);
	fd = handed_iommufd;
	handed_iommufd = -1;
	pthread_mutex_unlock(&handed_lock);
	return fd;
}

int
vfio_cdev_fds_take_device(const char *addr)
{
	struct handed_device *h;
	int fd = -1;

	pthread_mutex_lock(&handed_lock);
	TAILQ_FOREACH(h, &handed_devices, next) {
		if (strcmp(h->addr, addr) == 0)
			break;
	}
	if (h != NULL) {
		TAILQ_REMOVE(&handed_devices, h, next);
		fd = h->fd;
		free(h);
	}
	pthread_mutex_unlock(&handed_lock);
	return fd;
}

void
vfio_cdev_fds_release(void)
{
	struct handed_device *h;

	pthread_mutex_lock(&handed_lock);
	if (handed_iommufd >= 0)
		close(handed_iommufd);
	handed_iommufd = -1;
	while ((h = TAILQ_FIRST(&handed_devices)) != NULL) {
		RTE_LOG(DEBUG, EAL, "--vfio-device-fd: %s was not used; fd %d closed\n",
			h->addr, h->fd);
		TAILQ_REMOVE(&handed_devices, h, next);
		close(h->fd);
		free(h);
	}
	pthread_mutex_unlock(&handed_lock);
}
