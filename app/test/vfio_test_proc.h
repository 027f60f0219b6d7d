/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#ifndef VFIO_TEST_PROC_H
#define VFIO_TEST_PROC_H

/* What a process holds, from /proc/self: to see that nothing is left
 * behind.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Open fds of this process, but the one used for counting and epoll
 * fds (EAL's interrupt thread replaces its own now and then).
 */
int proc_fd_count(void);

/* A /proc/self/maps line of a VFIO device file: a BAR (a group's
 * anon_inode:[vfio-device], or /dev/vfio/devices/vfioN).
 */
bool proc_maps_line_is_bar(const char *line);

/* Mappings of VFIO device files. */
int proc_bar_maps_count(void);

/* What a device leaves behind in the process when it goes. */
struct proc_footprint {
	int fds;
	int vfio_maps;		/* mappings of VFIO device files: BARs
				 * (/dev/vfio/devices/vfioN in cdev mode,
				 * anon_inode:[vfio-device] in group mode) */
	uint64_t reserved;	/* bytes of inaccessible anonymous mappings
				 * outside DPDK's memory: BAR reservations */
	uint64_t ioas_maps, ioas_bytes;	/* cdev mode's IOAS */
};

void proc_footprint_measure(struct proc_footprint *fp);

/* Non-zero if now is not was; what says both, for a test's message. */
int proc_footprint_differs(const struct proc_footprint *was,
		const struct proc_footprint *now, char *what, size_t len);

#endif /* VFIO_TEST_PROC_H */
