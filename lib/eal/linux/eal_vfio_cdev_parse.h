/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#ifndef EAL_VFIO_CDEV_PARSE_H
#define EAL_VFIO_CDEV_PARSE_H

/*
 * What cdev mode reads from sysfs and devfs names, parsed strictly:
 * anything but the exact form the kernel writes is refused. No DPDK
 * dependency, so that the fuzz targets (app/test/fuzz) take it alone.
 */

#include <stdbool.h>
#include <sys/types.h>

/* Longest cdev name, with its NUL ("vfio" and a decimal number). */
#define VFIO_CDEV_NAME_LEN 32

/* "vfioN": "vfio" and decimal digits, shorter than VFIO_CDEV_NAME_LEN. */
bool vfio_cdev_name_valid(const char *name);

/*
 * A sysfs "dev" attribute, "major:minor" in decimal with nothing else,
 * each within what a Linux dev_t holds (12 and 20 bits). 0, or -1.
 */
int vfio_cdev_parse_devt(const char *s, dev_t *devt);

#endif /* EAL_VFIO_CDEV_PARSE_H */
