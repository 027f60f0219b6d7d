/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "vfio_test_proc.h"

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
		n += e->d_name[0] != '.';
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
