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
 * (app/test/meson.build), so the calls of DPDK's static libraries, EAL
 * and the PCI bus included, come through here. rte_vfio_setup_device()
 * and rte_vfio_release_device() are wrapped too, so that a walk can count
 * only the calls made inside them (how a device fd is obtained: group or
 * cdev mode's own) or only those outside them (pci_vfio.c's and the
 * driver's, the same in both modes).
 */

#include <stddef.h>
#include <stdint.h>

/* Which calls an armed walk counts. */
enum vfio_fault_scope {
	VFIO_FAULT_ALL,
	VFIO_FAULT_IN_SETUP,	/* inside rte_vfio_setup_device() */
	VFIO_FAULT_OUT_OF_SETUP,	/* outside it and the release */
};

/* Count this thread's calls (only those of function fn, e.g. "ioctl",
 * if not NULL) from now on; the nth (from 1) fails.
 */
void vfio_fault_arm(unsigned int nth, int err, const char *fn);

/* Count only the calls of scope (VFIO_FAULT_ALL until set). */
void vfio_fault_set_scope(enum vfio_fault_scope scope);

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

/*
 * Hold instead of fail: the calling thread's first call whose description
 * starts with what (e.g. "ioctl IOMMU_IOAS_MAP") waits, before it is made,
 * until vfio_fault_hold_release(). vfio_fault_hold_wait() returns once a
 * call is held (0), or -1 after timeout_ms.
 */
void vfio_fault_hold_arm(const char *what);
int vfio_fault_hold_wait(unsigned int timeout_ms);
void vfio_fault_hold_release(void);

#endif /* VFIO_FAULT_INJECT_H */
