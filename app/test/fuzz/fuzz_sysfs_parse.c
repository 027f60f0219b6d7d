/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * libFuzzer target: cdev mode's parsers of what sysfs and devfs
 * give it (eal_vfio_cdev_parse.c), against a second reading of the same
 * grammar written another way: a "dev" attribute is decimal
 * "major:minor" within 12:20 bits and nothing else; a cdev name is
 * "vfio" and decimal digits, shorter than VFIO_CDEV_NAME_LEN. The input,
 * up to its first NUL, is the string. Any difference aborts.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "eal_vfio_cdev_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
all_digits(const char *s, size_t n)
{
	return n > 0 && strspn(s, "0123456789") >= n;
}

/* The value of n decimal digits, or -1 if above max. */
static long
value(const char *s, size_t n, unsigned long max)
{
	char buf[16];

	while (n > 1 && *s == '0') {
		s++;
		n--;
	}
	if (n > 7)	/* more than 2^20 - 1 */
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return strtoul(buf, NULL, 10) > max ? -1 :
		(long)strtoul(buf, NULL, 10);
}

static void
check_devt(const char *s)
{
	const char *colon = strchr(s, ':');
	long maj = -1, min = -1;
	bool want;
	dev_t devt;
	int got;

	if (colon != NULL && all_digits(s, colon - s) &&
			all_digits(colon + 1, strlen(colon + 1))) {
		maj = value(s, colon - s, 4095);
		min = value(colon + 1, strlen(colon + 1), 1048575);
	}
	want = maj >= 0 && min >= 0;
	got = vfio_cdev_parse_devt(s, &devt);
	if ((got == 0) != want || (want && (major(devt) != maj ||
			minor(devt) != min))) {
		fprintf(stderr, "\"%s\": parsed %d (%u:%u), want %s\n", s, got,
			got == 0 ? major(devt) : 0, got == 0 ? minor(devt) : 0,
			want ? "accepted" : "refused");
		abort();
	}
}

static void
check_name(const char *s)
{
	size_t n = strlen(s);
	bool want = n > 4 && n < VFIO_CDEV_NAME_LEN &&
		memcmp(s, "vfio", 4) == 0 && all_digits(s + 4, n - 4);

	if (vfio_cdev_name_valid(s) != want) {
		fprintf(stderr, "name \"%s\": %s\n", s,
			want ? "refused" : "accepted");
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_devt(s);
	check_name(s);
	free(s);
	return 0;
}
