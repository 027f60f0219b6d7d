/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#ifndef EAL_VFIO_MODE_H
#define EAL_VFIO_MODE_H

/* The --vfio-mode EAL option and what cdev mode needs from EAL. */

#include <stdbool.h>

#include <rte_vfio_cdev.h>

/* Record the mode asked for with --vfio-mode; -1 if arg is not a mode. */
int eal_vfio_mode_parse(const char *arg);

/*
 * Settle the VFIO mode when VFIO is enabled: a primary publishes it for
 * its secondaries, a secondary takes its primary's (and refuses another
 * --vfio-mode). In cdev mode, the primary opens /dev/iommu and allocates
 * the IOAS instead of the legacy container. Returns RTE_VFIO_MODE_GROUP
 * (go on with the container), RTE_VFIO_MODE_CDEV (done), or -1 with a
 * logged reason.
 */
int eal_vfio_mode_enable(void);

/* Directories that stand for /dev and /sys (VFIO_CDEV_DEV_ROOT and
 * VFIO_CDEV_SYS_ROOT, for tests with a fake tree; set-user-ID and
 * file-capability processes ignore them).
 */
const char *eal_vfio_dev_root(void);
const char *eal_vfio_sys_root(void);

/* True if the module's parameter (under eal_vfio_sys_root()) reads Y. */
bool eal_vfio_module_param_set(const char *module, const char *param);

/* True if VFIO runs without IOMMU (vfio's enable_unsafe_noiommu_mode). */
bool eal_vfio_noiommu(void);

/* What --vfio-mode asked for, the mode in use (RTE_VFIO_MODE_AUTO while
 * VFIO is not enabled) and why, for telemetry.
 */
void eal_vfio_mode_state(enum rte_vfio_mode *requested,
	enum rte_vfio_mode *effective, const char **reason);

#endif /* EAL_VFIO_MODE_H */
