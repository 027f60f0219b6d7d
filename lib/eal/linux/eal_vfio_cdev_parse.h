/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#ifndef EAL_VFIO_CDEV_PARSE_H
#define EAL_VFIO_CDEV_PARSE_H

/*
 * What cdev mode reads from sysfs and devfs names, and the fds a user
 * hands in on the command line, parsed strictly: anything but the exact
 * form is refused. No DPDK dependency, so that the fuzz targets
 * (app/test/fuzz) take it alone.
 */

#include <stdbool.h>
#include <sys/types.h>

/* Longest cdev name, with its NUL ("vfio" and a decimal number). */
#define VFIO_CDEV_NAME_LEN 32

/* What a no-IOMMU device's cdev name starts with (Linux 7.3). */
#define VFIO_CDEV_NOIOMMU_PREFIX "noiommu-"

/*
 * "vfioN" ("vfio" and decimal digits) or a no-IOMMU device's
 * "noiommu-vfioN", shorter than VFIO_CDEV_NAME_LEN.
 */
bool vfio_cdev_name_valid(const char *name);

/* The name starts as a no-IOMMU device's does. */
bool vfio_cdev_name_noiommu(const char *name);

/*
 * A sysfs "dev" attribute, "major:minor" in decimal with nothing else,
 * each within what a Linux dev_t holds (12 and 20 bits). 0, or -1.
 */
int vfio_cdev_parse_devt(const char *s, dev_t *devt);

/* Longest PCI address, with its NUL ("0000:00:02.0"; 8 digits of domain). */
#define VFIO_CDEV_PCI_ADDR_LEN 17

/* A file descriptor number: decimal digits, 0 to INT_MAX. 0, or -1. */
int vfio_cdev_parse_fd(const char *s, int *fd);

/*
 * --vfio-device-fd's "ADDR=FD": a PCI address, "DDDD:BB:DD.F" (4 to 8 hex
 * digits of domain) or "BB:DD.F" (domain 0), either case, written into
 * addr (at least VFIO_CDEV_PCI_ADDR_LEN bytes) the way DPDK names PCI
 * devices (lower case, domain of at least 4 digits); then '=' and an fd.
 * 0, or -1.
 */
int vfio_cdev_parse_device_fd(const char *s, char *addr, int *fd);

#endif /* EAL_VFIO_CDEV_PARSE_H */
