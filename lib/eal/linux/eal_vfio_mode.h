/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#ifndef EAL_VFIO_MODE_H
#define EAL_VFIO_MODE_H

/* The --vfio-mode EAL option and what cdev mode needs from EAL. */

#include <rte_vfio_cdev.h>

/* Record the mode asked for with --vfio-mode; -1 if arg is not a mode. */
int eal_vfio_mode_parse(const char *arg);

/* Called instead of opening the legacy container when cdev mode is in
 * effect: opens /dev/iommu and allocates the IOAS. -1 with a logged
 * reason.
 */
int eal_vfio_cdev_enable(void);

#endif /* EAL_VFIO_MODE_H */
