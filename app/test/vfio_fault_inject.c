/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#include <errno.h>
#include <fcntl.h>
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

#include "eal_iommufd_uapi.h"
#include "vfio_cdev_uapi.h"
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
	bool hit;
	struct vfio_fault_call failed;
} fault;

void
vfio_fault_arm(unsigned int nth, int err, const char *fn)
{
	fault.calls = 0;
	fault.err = err;
	fault.only = fn;
	fault.hit = false;
	fault.nth = nth;
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
	va_list ap;

	if (fault.nth == 0 ||
			(fault.only != NULL && strcmp(fault.only, fn) != 0) ||
			++fault.calls != fault.nth)
		return false;
	fault.hit = true;
	fault.failed.fn = fn;
	fault.failed.offset = offset;
	fault.failed.len = len;
	va_start(ap, fmt);
	vsnprintf(fault.failed.what, sizeof(fault.failed.what), fmt, ap);
	va_end(ap);
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
