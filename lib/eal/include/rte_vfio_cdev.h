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
	/** cdev when /dev/iommu and /dev/vfio/devices exist, else group. */
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
 * stays there while a reference is held, even if DPDK's devices go.
 *
 * While the reference is held, the IOAS is not torn down, not even by
 * rte_eal_cleanup() (which then only removes DPDK's own mappings). The
 * caller may attach its own devices to the IOAS (VFIO_DEVICE_BIND_IOMMUFD
 * and VFIO_DEVICE_ATTACH_IOMMUFD_PT with these IDs) and map its own
 * memory in it (IOMMU_IOAS_MAP), at IOVAs DPDK does not use; it must not
 * unmap what it did not map.
 *
 * @param iommufd
 *   Filled with the iommufd; do not close it.
 * @param ioas_id
 *   Filled with the IOAS ID.
 * @return
 *   0, or -1 with rte_errno ENODEV when there is no IOAS (not cdev mode,
 *   secondary process, or after rte_eal_cleanup()).
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

/**
 * @internal
 * Directory that stands for /dev when looking up /dev/iommu and
 * /dev/vfio/devices: the environment variable VFIO_CDEV_DEV_ROOT when set
 * (for tests with a fake tree), else "/dev".
 */
__rte_internal
const char *
rte_vfio_cdev_dev_root(void);

/**
 * @internal
 * Directory that stands for /sys when resolving a cdev to its device: the
 * environment variable VFIO_CDEV_SYS_ROOT when set, else "/sys".
 */
__rte_internal
const char *
rte_vfio_cdev_sys_root(void);

/**
 * @internal
 * The process's iommufd (cdev mode, primary process), or -1 with
 * rte_errno ENODEV when there is none.
 */
__rte_internal
int
rte_vfio_cdev_iommufd(void);

/**
 * @internal
 * ID of the process's IOAS in its iommufd.
 */
__rte_internal
uint32_t
rte_vfio_cdev_ioas_id(void);

/**
 * @internal
 * Make the IOAS hold all of DPDK's memory and follow it from now on:
 * called for each device once it is attached and the IOVA ranges are
 * read (rte_vfio_cdev_iova_ranges_update()); the first call maps, the
 * others count the device. Each success is matched by a
 * rte_vfio_cdev_dma_release().
 *
 * @return
 *   0, or -1 with rte_errno set and the reason logged; the IOAS is left
 *   as it was then.
 */
__rte_internal
int
rte_vfio_cdev_dma_prepare(void);

/**
 * @internal
 * A device counted by rte_vfio_cdev_dma_prepare() is detached; once the
 * last one is, and no external user holds the IOAS, DPDK's memory is
 * unmapped from the IOAS and no longer followed (the application's own
 * mappings stay), as group mode's container drops its mappings when its
 * last group leaves.
 */
__rte_internal
void
rte_vfio_cdev_dma_release(void);

/**
 * @internal
 * Read again the IOVA ranges the IOAS allows: attaching or detaching a
 * device changes them.
 */
__rte_internal
int
rte_vfio_cdev_iova_ranges_update(void);

/**
 * @internal
 * Map the application's [va, va + len) at iova in the IOAS, readable and
 * writable by DMA (rte_dev_dma_map() and the like). Refused: an IOVA range
 * outside the ranges the IOAS allows (ERANGE), overlapping another
 * mapping (EEXIST); the same mapping again is not an error.
 *
 * @return
 *   0, or -1 with rte_errno set and the reason logged.
 */
__rte_internal
int
rte_vfio_cdev_dma_map(uint64_t va, uint64_t iova, uint64_t len);

/**
 * @internal
 * Unmap the application's mapping(s) that [iova, iova + len) covers
 * entirely. Refused: cutting a mapping (EINVAL: the kernel cannot split
 * one), DPDK's own memory (EPERM), nothing mapped there (ENOENT).
 *
 * @return
 *   0, or -1 with rte_errno set and the reason logged.
 */
__rte_internal
int
rte_vfio_cdev_dma_unmap(uint64_t iova, uint64_t len);

/**
 * @internal
 * Number of mappings in the IOAS and the bytes they cover.
 */
__rte_internal
void
rte_vfio_cdev_dma_stats(uint64_t *nb_maps, uint64_t *mapped_len);

#ifdef __cplusplus
}
#endif

#endif /* RTE_VFIO_CDEV_H */
