/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

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

	if (len <= 4 || len >= VFIO_CDEV_NAME_LEN || strncmp(name, "vfio", 4))
		return false;
	for (i = 4; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return false;
	}
	return true;
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
