/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <linux/vfio.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_vfio.h>

#include "eal_iommufd_uapi.h"
#include "eal_vfio_cdev_uapi.h"
#include "vfio_fault_inject.h"

/* What the linker's --wrap makes of the real calls (glibc's 64-bit
 * names, those meson's _FILE_OFFSET_BITS=64 asks for).
 */
int __real_open64(const char *path, int flags, ...);
int __real_fstat64(int fd, struct stat *st);
int __real_ioctl(int fd, unsigned long request, ...);
void *__real_mmap64(void *addr, size_t len, int prot, int flags, int fd,
	off_t off);
int __real_eventfd(unsigned int count, int flags);
ssize_t __real_pread64(int fd, void *buf, size_t n, off_t off);
ssize_t __real_pwrite64(int fd, const void *buf, size_t n, off_t off);

int __real_rte_vfio_setup_device(const char *sysfs_base,
	const char *dev_addr, int *vfio_dev_fd,
	struct vfio_device_info *device_info);
int __real_rte_vfio_release_device(const char *sysfs_base,
	const char *dev_addr, int fd);

int __wrap_rte_vfio_setup_device(const char *sysfs_base,
	const char *dev_addr, int *vfio_dev_fd,
	struct vfio_device_info *device_info);
int __wrap_rte_vfio_release_device(const char *sysfs_base,
	const char *dev_addr, int fd);
int __wrap_open64(const char *path, int flags, ...);
int __wrap_fstat64(int fd, struct stat *st);
int __wrap_ioctl(int fd, unsigned long request, ...);
void *__wrap_mmap64(void *addr, size_t len, int prot, int flags, int fd,
	off_t off);
int __wrap_eventfd(unsigned int count, int flags);
ssize_t __wrap_pread64(int fd, void *buf, size_t n, off_t off);
ssize_t __wrap_pwrite64(int fd, const void *buf, size_t n, off_t off);

static __thread struct {
	unsigned int nth;	/* 0: not armed */
	unsigned int calls;
	int err;
	const char *only;	/* the function counted, or NULL for all */
	enum vfio_fault_scope scope;
	unsigned int in_setup, in_release;	/* depth of those calls */
	bool hit;
	struct vfio_fault_call failed;
	const char *hold;	/* what to hold, or NULL */
} fault;

/* The one held call of the process, if any. */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool held, released;
} hold = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
};

void
vfio_fault_arm(unsigned int nth, int err, const char *fn)
{
	fault.calls = 0;
	fault.err = err;
	fault.only = fn;
	fault.hit = false;
	fault.nth = nth;
}

void
vfio_fault_set_scope(enum vfio_fault_scope scope)
{
	fault.scope = scope;
}

void
vfio_fault_hold_arm(const char *what)
{
	pthread_mutex_lock(&hold.lock);
	hold.held = false;
	hold.released = false;
	pthread_mutex_unlock(&hold.lock);
	fault.hold = what;
}

int
vfio_fault_hold_wait(unsigned int timeout_ms)
{
	uint64_t end = rte_get_timer_cycles() +
		rte_get_timer_hz() * timeout_ms / 1000;
	bool held;

	do {
		pthread_mutex_lock(&hold.lock);
		held = hold.held;
		pthread_mutex_unlock(&hold.lock);
		if (held)
			return 0;
		rte_delay_ms(10);
	} while (rte_get_timer_cycles() < end);
	return -1;
}

void
vfio_fault_hold_release(void)
{
	pthread_mutex_lock(&hold.lock);
	hold.released = true;
	pthread_cond_broadcast(&hold.cond);
	pthread_mutex_unlock(&hold.lock);
}

/* Hold this call if it is the one to hold. */
static void
maybe_hold(const char *what)
{
	if (fault.hold == NULL || strncmp(what, fault.hold,
			strlen(fault.hold)) != 0)
		return;
	fault.hold = NULL;
	pthread_mutex_lock(&hold.lock);
	hold.held = true;
	while (!hold.released)
		pthread_cond_wait(&hold.cond, &hold.lock);
	pthread_mutex_unlock(&hold.lock);
}

/* Whether the call is in the scope the walk counts. */
static bool
in_scope(void)
{
	switch (fault.scope) {
	case VFIO_FAULT_IN_SETUP:
		return fault.in_setup > 0;
	case VFIO_FAULT_OUT_OF_SETUP:
		return fault.in_setup == 0 && fault.in_release == 0;
	default:
		return true;
	}
}

int
__wrap_rte_vfio_setup_device(const char *sysfs_base, const char *dev_addr,
		int *vfio_dev_fd, struct vfio_device_info *device_info)
{
	int ret;

	fault.in_setup++;
	ret = __real_rte_vfio_setup_device(sysfs_base, dev_addr, vfio_dev_fd,
		device_info);
	fault.in_setup--;
	return ret;
}

int
__wrap_rte_vfio_release_device(const char *sysfs_base, const char *dev_addr,
		int fd)
{
	int ret;

	fault.in_release++;
	ret = __real_rte_vfio_release_device(sysfs_base, dev_addr, fd);
	fault.in_release--;
	return ret;
}

unsigned int
vfio_fault_disarm(void)
{
	fault.nth = 0;
	return fault.calls;
}

const struct vfio_fault_call *
vfio_fault_failed_call(void)
{
	return fault.hit ? &fault.failed : NULL;
}

/* Whether this call of fn is the one to fail; if so, errno is set and
 * the call described.
 */
static bool __rte_format_printf(4, 5)
inject(const char *fn, uint64_t offset, size_t len, const char *fmt, ...)
{
	char what[sizeof(fault.failed.what)];
	va_list ap;

	if (fault.hold == NULL && fault.nth == 0)
		return false;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	maybe_hold(what);
	if (fault.nth == 0 || !in_scope() ||
			(fault.only != NULL && strcmp(fault.only, fn) != 0) ||
			++fault.calls != fault.nth)
		return false;
	fault.hit = true;
	fault.failed.fn = fn;
	fault.failed.offset = offset;
	fault.failed.len = len;
	memcpy(fault.failed.what, what, sizeof(what));
	errno = fault.err;
	return true;
}

static const char *
ioctl_name(unsigned long request)
{
#define NAME(r) case r: return #r
	switch (request) {
	NAME(VFIO_GET_API_VERSION);
	NAME(VFIO_CHECK_EXTENSION);
	NAME(VFIO_SET_IOMMU);
	NAME(VFIO_GROUP_GET_STATUS);
	NAME(VFIO_GROUP_SET_CONTAINER);
	NAME(VFIO_GROUP_GET_DEVICE_FD);
	NAME(VFIO_DEVICE_GET_INFO);
	NAME(VFIO_DEVICE_GET_REGION_INFO);
	NAME(VFIO_DEVICE_GET_IRQ_INFO);
	NAME(VFIO_DEVICE_SET_IRQS);
	NAME(VFIO_DEVICE_RESET);
	NAME(VFIO_DEVICE_FEATURE);
	NAME(VFIO_IOMMU_MAP_DMA);
	NAME(VFIO_IOMMU_UNMAP_DMA);
	NAME(VFIO_DEVICE_BIND_IOMMUFD);
	NAME(VFIO_DEVICE_ATTACH_IOMMUFD_PT);
	NAME(VFIO_DEVICE_DETACH_IOMMUFD_PT);
	NAME(IOMMU_DESTROY);
	NAME(IOMMU_IOAS_ALLOC);
	NAME(IOMMU_IOAS_IOVA_RANGES);
	NAME(IOMMU_IOAS_MAP);
	NAME(IOMMU_IOAS_UNMAP);
	default: return NULL;
	}
#undef NAME
}

int
__wrap_open64(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (inject("open", 0, 0, "open %s", path))
		return -1;
	return __real_open64(path, flags, mode);
}

int
__wrap_fstat64(int fd, struct stat *st)
{
	if (inject("fstat", 0, 0, "fstat of fd %d", fd))
		return -1;
	return __real_fstat64(fd, st);
}

int
__wrap_ioctl(int fd, unsigned long request, ...)
{
	const char *name = ioctl_name(request);
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (name != NULL ? inject("ioctl", 0, 0, "ioctl %s", name) :
			inject("ioctl", 0, 0, "ioctl %#lx", request))
		return -1;
	return __real_ioctl(fd, request, arg);
}

void *
__wrap_mmap64(void *addr, size_t len, int prot, int flags, int fd,
	off_t off)
{
	if (inject("mmap", 0, len, "mmap of %zu bytes%s", len,
			fd >= 0 ? " of a file" : ""))
		return MAP_FAILED;
	return __real_mmap64(addr, len, prot, flags, fd, off);
}

int
__wrap_eventfd(unsigned int count, int flags)
{
	if (inject("eventfd", 0, 0, "eventfd"))
		return -1;
	return __real_eventfd(count, flags);
}

ssize_t
__wrap_pread64(int fd, void *buf, size_t n, off_t off)
{
	if (inject("pread", off, n, "pread of %zu bytes at %#llx", n,
			(unsigned long long)off))
		return -1;
	return __real_pread64(fd, buf, n, off);
}

ssize_t
__wrap_pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	if (inject("pwrite", off, n, "pwrite of %zu bytes at %#llx", n,
			(unsigned long long)off))
		return -1;
	return __real_pwrite64(fd, buf, n, off);
}
