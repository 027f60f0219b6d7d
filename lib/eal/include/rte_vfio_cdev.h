/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#ifndef RTE_VFIO_CDEV_H
#define RTE_VFIO_CDEV_H

/**
 * @file
 * VFIO cdev mode of EAL (Linux only).
 *
 * In cdev mode, PCI devices bound to vfio-pci are opened through their
 * device character node (/dev/vfio/devices/vfioN) and bound to an iommufd
 * (/dev/iommu) instead of going through VFIO groups and the legacy
 * container. The mode is chosen with the EAL option
 * --vfio-mode=auto|group|cdev.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_compat.h>

#ifdef __cplusplus
extern "C" {
#endif

/** How EAL reaches devices bound to vfio-pci. */
enum rte_vfio_mode {
	/**
	 * cdev where it can drive the host's vfio-pci devices as group mode
	 * would (/dev/iommu and /dev/vfio/devices exist, an IOMMU, or
	 * no-IOMMU devices with cdevs and no VFIO container), else group.
	 */
	RTE_VFIO_MODE_AUTO = 0,
	/** VFIO groups and the legacy container (stock behaviour). */
	RTE_VFIO_MODE_GROUP,
	/** Device character nodes bound to iommufd. */
	RTE_VFIO_MODE_CDEV,
};

/**
 * @warning
 * @b EXPERIMENTAL: this API may change without prior notice.
 *
 * Get the VFIO mode in effect.
 *
 * With --vfio-mode=auto (the default), the first call decides between
 * group and cdev mode and logs the decision with its reason; later calls
 * return the same answer. A secondary process always runs in its primary
 * process's mode.
 *
 * @return
 *   RTE_VFIO_MODE_GROUP or RTE_VFIO_MODE_CDEV, never RTE_VFIO_MODE_AUTO.
 */
__rte_experimental
enum rte_vfio_mode
rte_vfio_mode_get(void);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change without prior notice.
 *
 * Get the name of a VFIO mode, as written in --vfio-mode.
 *
 * @param mode
 *   A VFIO mode.
 * @return
 *   "auto", "group", "cdev", or "unknown" for an invalid value.
 */
__rte_experimental
const char *
rte_vfio_mode_name(enum rte_vfio_mode mode);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change without prior notice.
 *
 * Get the process's iommufd and the IOAS that holds DPDK's memory, with a
 * reference (external-user protocol, as with VFIO's external users).
 * DPDK's memory is in the IOAS from the first device DPDK attaches; it
 * stays there while a reference is held, even if DPDK's devices go, and
 * leaves with the last reference if no device of DPDK's is attached.
 *
 * While the reference is held, the IOAS is not torn down, not even by
 * rte_eal_cleanup() (which then only removes DPDK's own mappings). The
 * caller may attach its own devices to the IOAS (VFIO_DEVICE_BIND_IOMMUFD
 * and VFIO_DEVICE_ATTACH_IOMMUFD_PT with these IDs) and map its own
 * memory in it (IOMMU_IOAS_MAP), at IOVAs DPDK does not use; it must not
 * unmap what it did not map.
 *
 * @param iommufd
 *   Filled with a close-on-exec duplicate of the iommufd, the caller's to
 *   close (after its last use, before or after the put).
 * @param ioas_id
 *   Filled with the IOAS ID.
 * @return
 *   0, or -1 with rte_errno set: ENODEV when there is no IOAS (not cdev
 *   mode, secondary process, or after rte_eal_cleanup()), EMFILE when the
 *   fd cannot be duplicated.
 */
__rte_experimental
int
rte_vfio_cdev_ioas_get(int *iommufd, uint32_t *ioas_id);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change without prior notice.
 *
 * Put a reference taken with rte_vfio_cdev_ioas_get(). The last put after
 * rte_eal_cleanup() closes the iommufd; a put without a reference (after
 * that, say) does nothing.
 */
__rte_experimental
void
rte_vfio_cdev_ioas_put(void);

#ifdef __cplusplus
}
#endif

#endif /* RTE_VFIO_CDEV_H */
