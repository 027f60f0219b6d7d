/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#ifndef EAL_IOMMUFD_H
#define EAL_IOMMUFD_H

/*
 * The process's iommufd and its IOAS (cdev mode, primary process).
 * eal_iommufd.c: the fd, the IOAS, its IOVA ranges, the table of what is
 * mapped and the map and unmap ioctls, external users.
 * eal_iommufd_dma.c: what EAL puts in it: DPDK's memory while devices
 * are attached, kept in sync with memory events, and the application's
 * mappings (rte_vfio_container_dma_map() on the default container).
 */

#include <stdbool.h>
#include <stdint.h>

#include "eal_dma_table.h"
#include "eal_iommufd_uapi.h"

/* eal_iommufd.c */

/* Open the iommufd at path and allocate the IOAS; -1 with a logged reason. */
int eal_iommufd_open(const char *path);

/* The same with an iommufd handed in (--vfio-iommufd), EAL's from now
 * on: closed on failure, after a logged reason.
 */
int eal_iommufd_adopt(int fd);

/* Allocate a second, empty IOAS (to prove a device is in this iommufd)
 * and destroy an object by ID: 0 or -errno, nothing logged.
 */
int eal_iommufd_probe_ioas(uint32_t *id);
int eal_iommufd_destroy(uint32_t id);

/*
 * rte_eal_cleanup(): stop following memory, unmap everything and close,
 * or, while external users hold the IOAS, unmap only DPDK's memory.
 */
void eal_iommufd_close(void);

/* The iommufd, or -1 when the process has none. */
int eal_iommufd_fd(void);

/* ID of the IOAS in it. */
uint32_t eal_iommufd_ioas_id(void);

/* Read again the IOVA ranges the IOAS allows: attaching a device changes
 * them. 0, or -1 with rte_errno set and the reason logged.
 */
int eal_iommufd_ranges_update(void);

/*
 * Map [va, va + len) at iova as one area of kind: 0, -EALREADY if that
 * very area is mapped, or a negative errno with the reason logged
 * (-ERANGE outside the allowed ranges, -EINVAL misaligned, -EEXIST
 * overlapping an area, -EFAULT not at its PA in no-IOMMU mode). The lock
 * is not held while the kernel pins.
 */
int eal_iommufd_map(uint64_t va, uint64_t iova, uint64_t len,
	enum eal_dma_kind kind);

/* eal_iommufd_map() of the file fd's pages from offset instead of the
 * VA's (IOMMU_IOAS_MAP_FILE; by VA if fd is -1).
 */
int eal_iommufd_map_file_at(uint64_t va, uint64_t iova, uint64_t len,
	enum eal_dma_kind kind, int fd, uint64_t offset);

/* The kernel maps files (IOMMU_IOAS_MAP_FILE, Linux 6.13) and
 * --vfio-no-map-file did not turn it off.
 */
bool eal_iommufd_map_file(void);

/* --vfio-no-map-file: map DPDK's memory by address only. */
void eal_iommufd_no_map_file(void);

/* No-IOMMU mode: every area is at the physical address of its memory,
 * as the kernel looks it up once a no-IOMMU device is attached (areas
 * mapped before could not be checked). 0, or -EFAULT or -errno with the
 * first that is not logged; the areas stay mapped.
 */
int eal_iommufd_pa_check(void);

/* Any VA, for eal_iommufd_unmap(). */
#define EAL_IOMMUFD_ANY_VA UINT64_MAX

/*
 * Unmap the areas [iova, iova + len) covers, each whole, if all are of a
 * kind in kinds (a mask of 1 << kind) and, unless va is
 * EAL_IOMMUFD_ANY_VA, mapped at va + (their iova - iova). 0, or a negative
 * errno with the reason logged: -ENOENT nothing there, -EINVAL it would
 * cut an area or the VA differs, -EPERM an area of another kind, -EBUSY
 * an area being mapped; -EIO if the kernel refused an area (kept).
 */
int eal_iommufd_unmap(uint64_t va, uint64_t iova, uint64_t len,
	unsigned int kinds);

/* Unmap every area of a kind in kinds, one by one. */
void eal_iommufd_unmap_all(unsigned int kinds);

/* An area of kind is mapped at exactly [iova, iova + len), from va
 * (unless EAL_IOMMUFD_ANY_VA).
 */
bool eal_iommufd_has_area(uint64_t va, uint64_t iova, uint64_t len,
	enum eal_dma_kind kind);

/* Number of areas and bytes they map. */
void eal_iommufd_stats(uint64_t *nb_areas, uint64_t *len);

/* External users holding the IOAS (rte_vfio_cdev_ioas_get()). */
unsigned int eal_iommufd_users(void);

/* Who pays for pinned memory (eal_iommufd_memlock.c). */
enum eal_iommufd_accounting {
	EAL_IOMMUFD_PER_USER,		/* the user's RLIMIT_MEMLOCK */
	EAL_IOMMUFD_PER_PROCESS,	/* the process's RLIMIT_MEMLOCK */
	EAL_IOMMUFD_UNCHARGED,		/* CAP_IPC_LOCK */
};

/* What the IOAS is and holds, for telemetry. */
struct eal_iommufd_info {
	uint32_t ioas_id;
	unsigned int users;		/* external users' references */
	struct iommu_iova_range *ranges;	/* malloc'd: free() it */
	unsigned int nb_ranges;
	uint64_t alignment;
	uint64_t nb_areas, mapped_len;	/* mappings, bytes */
	uint64_t nb_map_ioctls, nb_unmap_ioctls;
	uint64_t nb_file_map_ioctls;	/* of nb_map_ioctls */
	bool map_file;			/* eal_iommufd_map_file() */
	bool noiommu;			/* no-IOMMU mode, IOVAs checked as PAs */
	enum eal_iommufd_accounting accounting;
};

/* Fill info; -ENODEV without an IOAS, -ENOMEM. */
int eal_iommufd_info_get(struct eal_iommufd_info *info);

/* eal_iommufd_dma.c */

/*
 * A device is attached: make the IOAS hold DPDK's memory and follow it
 * (the first call maps, the others count); in no-IOMMU mode, check what
 * the IOAS holds (eal_iommufd_pa_check()). 0, or -1 with rte_errno set,
 * the reason logged and the IOAS as it was. Each success is matched by an
 * eal_iommufd_dma_release().
 */
int eal_iommufd_dma_hold(void);

/*
 * A device counted by eal_iommufd_dma_hold() is detached; once the last
 * one is and no external user holds the IOAS, DPDK's memory is unmapped
 * and no longer followed (the application's mappings stay), as group
 * mode's container drops its mappings when its last group leaves.
 */
void eal_iommufd_dma_release(void);

/* The last external user is gone: the same, if no device is attached. */
void eal_iommufd_dma_trim(void);

/* rte_vfio_container_dma_map() on the default container. 0, or -1 with
 * rte_errno set and the reason logged.
 */
int eal_iommufd_dma_map(uint64_t va, uint64_t iova, uint64_t len);

/* rte_vfio_container_dma_unmap() on the default container. */
int eal_iommufd_dma_unmap(uint64_t va, uint64_t iova, uint64_t len);

/* Stop following memory events (cleanup). */
void eal_iommufd_dma_stop(void);

/* eal_iommufd_memlock.c */

/* Read which accounting applies to pinning through the iommufd fd, and
 * say it (once the IOAS is set up).
 */
void eal_iommufd_accounting_read(int fd);

/* The accounting read, and its name ("user", "process", "none"). */
enum eal_iommufd_accounting eal_iommufd_accounting(void);
const char *eal_iommufd_accounting_name(enum eal_iommufd_accounting a);

/* RLIMIT_MEMLOCK in bytes (UINT64_MAX: unlimited) and the bytes the
 * kernel says this process has pinned.
 */
uint64_t eal_iommufd_memlock_limit(void);
uint64_t eal_iommufd_pinned_bytes(void);

/* A map of len bytes refused with ENOMEM while mapped bytes are mapped:
 * say what pinning needs and what to raise (once).
 */
void eal_iommufd_memlock_log(uint64_t mapped, uint64_t len);

#endif /* EAL_IOMMUFD_H */
