/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * libFuzzer target: cdev mode's parsers of what sysfs and devfs
 * give it and of --vfio-device-fd (eal_vfio_cdev_parse.c), against a
 * second reading of the same grammar written another way: a "dev"
 * attribute is decimal "major:minor" within 12:20 bits and nothing else;
 * a cdev name is "vfio" and decimal digits, "noiommu-" before them or
 * not, shorter than VFIO_CDEV_NAME_LEN; "ADDR=FD" is a PCI address (4 to 8 hex digits of
 * domain and a colon, or none; 2 of bus, a colon, 2 of device up to 1f, a
 * dot, 1 of function up to 7), '=' and decimal digits up to INT_MAX. The
 * input, up to its first NUL, is the string. Any difference aborts.
 */

#include <limits.h>
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
	size_t n = strlen(s), skip = 0;
	bool want;

	if (n >= 8 && memcmp(s, "noiommu-", 8) == 0)
		skip = 8;
	want = n < VFIO_CDEV_NAME_LEN && n > skip + 4 &&
		memcmp(s + skip, "vfio", 4) == 0 &&
		all_digits(s + skip + 4, n - skip - 4);

	if (vfio_cdev_name_valid(s) != want) {
		fprintf(stderr, "name \"%s\": %s\n", s,
			want ? "refused" : "accepted");
		abort();
	}
}

static bool
all_hex(const char *s, size_t n)
{
	return strspn(s, "0123456789abcdefABCDEF") >= n;
}

/* Fields of "[DOMAIN:]BB:DD.F" by their separators, checked each. */
static bool
read_addr(const char *s, size_t n, char *out)
{
	const char *c1 = memchr(s, ':', n), *c2 = NULL, *dot;
	unsigned long dom = 0, bus, dev, fn;
	char f[4][16];
	size_t len[4], i;

	if (c1 == NULL)
		return false;
	c2 = memchr(c1 + 1, ':', n - (c1 + 1 - s));
	if (c2 == NULL) {	/* no domain */
		c2 = c1;
		c1 = NULL;
	}
	dot = memchr(c2 + 1, '.', n - (c2 + 1 - s));
	if (dot == NULL)
		return false;
	len[0] = c1 != NULL ? (size_t)(c1 - s) : 4;
	len[1] = c2 - (c1 != NULL ? c1 + 1 : s);
	len[2] = dot - (c2 + 1);
	len[3] = n - (dot + 1 - s);
	if (len[0] < 4 || len[0] > 8 || len[1] != 2 || len[2] != 2 ||
			len[3] != 1)
		return false;
	memcpy(f[0], c1 != NULL ? s : "0000", len[0]);
	memcpy(f[1], c1 != NULL ? c1 + 1 : s, len[1]);
	memcpy(f[2], c2 + 1, len[2]);
	memcpy(f[3], dot + 1, len[3]);
	for (i = 0; i < 4; i++) {
		f[i][len[i]] = '\0';
		if (!all_hex(f[i], len[i]))
			return false;
	}
	dom = strtoul(f[0], NULL, 16);
	bus = strtoul(f[1], NULL, 16);
	dev = strtoul(f[2], NULL, 16);
	fn = strtoul(f[3], NULL, 16);
	if (dev > 0x1f || fn > 7)
		return false;
	snprintf(out, VFIO_CDEV_PCI_ADDR_LEN, "%.4lx:%.2lx:%.2lx.%lx", dom,
		bus, dev, fn);
	return true;
}

static void
check_device_fd(const char *s)
{
	const char *eq = strchr(s, '=');
	char want_addr[VFIO_CDEV_PCI_ADDR_LEN], addr[VFIO_CDEV_PCI_ADDR_LEN];
	long long v = -1;
	bool want;
	int fd, got;

	want = eq != NULL && read_addr(s, eq - s, want_addr) &&
		all_digits(eq + 1, strlen(eq + 1)) && strlen(eq + 1) > 0;
	if (want) {
		const char *d = eq + 1;

		while (d[0] == '0' && d[1] != '\0')
			d++;
		want = strlen(d) <= 10;
		if (want)
			v = strtoll(d, NULL, 10);
		want = want && v <= INT_MAX;
	}
	got = vfio_cdev_parse_device_fd(s, addr, &fd);
	if ((got == 0) != want || (want && (fd != v ||
			strcmp(addr, want_addr) != 0))) {
		fprintf(stderr, "\"%s\": parsed %d (%s=%d), want %s (%s=%lld)\n",
			s, got, got == 0 ? addr : "", got == 0 ? fd : -1,
			want ? "accepted" : "refused", want ? want_addr : "", v);
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
	check_device_fd(s);
	free(s);
	return 0;
}
