/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_vfio_cdev.h>

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

int
proc_maps_count(const char *needle)
{
	char line[512];
	int n = 0;
	FILE *f;

	f = fopen("/proc/self/maps", "re");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		n += needle == NULL || strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

void
proc_footprint_measure(struct proc_footprint *fp)
{
	fp->fds = proc_fd_count();
	fp->vfio_maps = proc_maps_count("vfio");
	rte_vfio_cdev_dma_stats(&fp->ioas_maps, &fp->ioas_bytes);
}
