/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#ifndef VFIO_FAULT_INJECT_H
#define VFIO_FAULT_INJECT_H

/*
 * Fault injection for the tests, in the spirit of the kernel's fail_nth:
 * once armed, the nth of the calling thread's open, fstat, ioctl, mmap,
 * eventfd, pread and pwrite calls fails with err instead of being made.
 * dpdk-test is linked with -Wl,--wrap for each of them
 * (app/test/meson.build), so the calls of DPDK's static libraries, EAL,
 * the PCI bus and its cdev backend included, come through here.
 */

#include <stddef.h>
#include <stdint.h>

/* Count this thread's calls (only those of function fn, e.g. "ioctl",
 * if not NULL) from now on; the nth (from 1) fails.
 */
void vfio_fault_arm(unsigned int nth, int err, const char *fn);

/* Stop counting; the number of calls counted since arming. */
unsigned int vfio_fault_disarm(void);

/* A call made to fail. */
struct vfio_fault_call {
	const char *fn;		/* "open", "ioctl", "pread", ... */
	char what[128];		/* e.g. "ioctl VFIO_DEVICE_RESET" */
	uint64_t offset;	/* of a pread or pwrite */
	size_t len;		/* of a pread, pwrite or mmap */
};

/* The call made to fail since arming; NULL if none was. */
const struct vfio_fault_call *vfio_fault_failed_call(void);

#endif /* VFIO_FAULT_INJECT_H */
