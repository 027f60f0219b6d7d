/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#ifndef VFIO_TEST_PROC_H
#define VFIO_TEST_PROC_H

/* What a process holds, from /proc/self: to see that nothing is left
 * behind.
 */

#include <stdint.h>

/* Open fds of this process, but the one used for counting and epoll
 * fds (EAL's interrupt thread replaces its own now and then).
 */
int proc_fd_count(void);

/* Lines of /proc/self/maps that contain needle; all lines if NULL. */
int proc_maps_count(const char *needle);

/* What a device leaves behind in the process when it goes. */
struct proc_footprint {
	int fds;
	int vfio_maps;		/* mappings of VFIO device files: BARs
				 * (/dev/vfio/devices/vfioN in cdev mode,
				 * anon_inode:[vfio-device] in group mode) */
	uint64_t ioas_maps, ioas_bytes;	/* cdev mode's IOAS */
};

void proc_footprint_measure(struct proc_footprint *fp);

#endif /* VFIO_TEST_PROC_H */
