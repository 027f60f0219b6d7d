/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "eal_vfio_cdev_parse.h"

/* Linux's dev_t: MINORBITS 20, 12 bits of major. */
#define DEVT_MAJOR_MAX ((1u << 12) - 1)
#define DEVT_MINOR_MAX ((1u << 20) - 1)

bool
vfio_cdev_name_valid(const char *name)
{
	size_t i, len = strlen(name);

	if (len >= VFIO_CDEV_NAME_LEN)
		return false;
	if (vfio_cdev_name_noiommu(name))
		name += strlen(VFIO_CDEV_NOIOMMU_PREFIX);
	len = strlen(name);
	if (len <= 4 || strncmp(name, "vfio", 4))
		return false;
	for (i = 4; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return false;
	}
	return true;
}

bool
vfio_cdev_name_noiommu(const char *name)
{
	return strncmp(name, VFIO_CDEV_NOIOMMU_PREFIX,
		strlen(VFIO_CDEV_NOIOMMU_PREFIX)) == 0;
}

/* Decimal digits up to a stop character, at most max; the character
 * after them in *end. -1 if there are none or too much.
 */
static int
parse_number(const char *s, unsigned int max, unsigned int *val,
		const char **end)
{
	unsigned long v = 0;
	const char *p;

	for (p = s; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned int)(*p - '0');
		if (v > max)
			return -1;
	}
	if (p == s)
		return -1;
	*val = v;
	*end = p;
	return 0;
}

int
vfio_cdev_parse_devt(const char *s, dev_t *devt)
{
	unsigned int maj, min;
	const char *p;

	if (parse_number(s, DEVT_MAJOR_MAX, &maj, &p) < 0 || *p != ':' ||
			parse_number(p + 1, DEVT_MINOR_MAX, &min, &p) < 0 ||
			*p != '\0')
		return -1;
	*devt = makedev(maj, min);
	return 0;
}

int
vfio_cdev_parse_fd(const char *s, int *fd)
{
	unsigned int v;
	const char *end;

	if (parse_number(s, INT_MAX, &v, &end) < 0 || *end != '\0')
		return -1;
	*fd = (int)v;
	return 0;
}

/* Hex digits, at least min and at most max of them, up to a stop
 * character; their value in *val and the stop in *end. -1 if not so.
 */
static int
parse_hex(const char *s, unsigned int min, unsigned int max,
		unsigned int *val, const char **end)
{
	unsigned int n = 0, v = 0, d;
	const char *p;

	for (p = s; n <= max; p++, n++) {
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			break;
		v = v << 4 | d;
	}
	if (n < min || n > max)
		return -1;
	*val = v;
	*end = p;
	return 0;
}

int
vfio_cdev_parse_device_fd(const char *s, char *addr, int *fd)
{
	unsigned int domain = 0, bus, dev, func;
	const char *p = s;

	/* a first field of more than two digits is the domain */
	if (strspn(s, "0123456789abcdefABCDEF") > 2) {
		if (parse_hex(p, 4, 8, &domain, &p) < 0 || *p != ':')
			return -1;
		p++;
	}
	if (parse_hex(p, 2, 2, &bus, &p) < 0 || *p != ':' ||
			parse_hex(p + 1, 2, 2, &dev, &p) < 0 || *p != '.' ||
			parse_hex(p + 1, 1, 1, &func, &p) < 0 || *p != '=' ||
			dev > 0x1f || func > 7 ||
			vfio_cdev_parse_fd(p + 1, fd) < 0)
		return -1;
	snprintf(addr, VFIO_CDEV_PCI_ADDR_LEN, "%.4x:%.2x:%.2x.%x", domain,
		bus, dev, func);
	return 0;
}
