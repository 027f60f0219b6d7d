/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_memory.h>
#include <rte_vfio_cdev.h>

#include "eal_iommufd.h"
#include "vfio_test_proc.h"

/* EAL's interrupt thread makes a new epoll fd each time its sources
 * change, and closes the old one when it gets to it: not counted.
 */
static int
is_epoll(const char *fd)
{
	char path[64], target[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%s", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return 0;
	target[n] = '\0';
	return strcmp(target, "anon_inode:[eventpoll]") == 0;
}

int
proc_fd_count(void)
{
	struct dirent *e;
	int n = 0;
	DIR *d;

	d = opendir("/proc/self/fd");
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.' && !is_epoll(e->d_name);
	closedir(d);
	return n - 1;	/* opendir's own fd */
}

bool
proc_maps_line_is_bar(const char *line)
{
	return strstr(line, "anon_inode:[vfio-device]") != NULL ||
		strstr(line, "/dev/vfio/devices/") != NULL;
}

int
proc_bar_maps_count(void)
{
	char line[512];
	int n = 0;
	FILE *f;

	f = fopen("/proc/self/maps", "re");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		n += proc_maps_line_is_bar(line);
	fclose(f);
	return n;
}

static int
in_memseg_list(const struct rte_memseg_list *msl, void *arg)
{
	uintptr_t addr = *(uintptr_t *)arg;
	uintptr_t base = (uintptr_t)msl->base_va;

	return addr >= base && addr < base + msl->len;
}

/* Larger inaccessible areas are AddressSanitizer's own (its shadow gap
 * and allocator space, which it carves as it allocates), not BARs.
 */
#define RESERVATION_MAX (UINT64_C(1) << 30)

/* Bytes of address space reserved and inaccessible (anonymous PROT_NONE)
 * outside DPDK's memory: where BARs are mapped, and what is left of such
 * a reservation when a BAR goes but its reservation stays.
 */
static uint64_t
proc_reserved_bytes(void)
{
	uintptr_t start, end;
	uint64_t bytes = 0;
	char line[512], perms[8];
	unsigned long inode;
	int path;
	FILE *f;

	f = fopen("/proc/self/maps", "re");
	if (f == NULL)
		return UINT64_MAX;
	while (fgets(line, sizeof(line), f) != NULL) {
		path = 0;
		if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %7s %*s %*s %lu %n",
				&start, &end, perms, &inode, &path) < 4)
			continue;
		if (strcmp(perms, "---p") != 0 || inode != 0 ||
				(path != 0 && line[path] != '\n' && line[path] != '\0'))
			continue;
		if (end - start < RESERVATION_MAX &&
				rte_memseg_list_walk(in_memseg_list, &start) == 0)
			bytes += end - start;
	}
	fclose(f);
	return bytes;
}

void
proc_footprint_measure(struct proc_footprint *fp)
{
	fp->fds = proc_fd_count();
	fp->vfio_maps = proc_bar_maps_count();
	fp->reserved = proc_reserved_bytes();
	eal_iommufd_stats(&fp->ioas_maps, &fp->ioas_bytes);
}

int
proc_footprint_differs(const struct proc_footprint *was,
		const struct proc_footprint *now, char *what, size_t len)
{
	snprintf(what, len, "%d fds, %d BAR mappings, %" PRIu64 " bytes reserved, IOAS %" PRIu64 " mappings of %" PRIu64 " bytes; were %d, %d, %" PRIu64 ", %" PRIu64 ", %" PRIu64,
		now->fds, now->vfio_maps, now->reserved, now->ioas_maps,
		now->ioas_bytes, was->fds, was->vfio_maps, was->reserved,
		was->ioas_maps, was->ioas_bytes);
	return now->fds != was->fds || now->vfio_maps != was->vfio_maps ||
		now->reserved != was->reserved ||
		now->ioas_maps != was->ioas_maps ||
		now->ioas_bytes != was->ioas_bytes;
}
