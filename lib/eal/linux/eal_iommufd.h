/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#ifndef EAL_IOMMUFD_H
#define EAL_IOMMUFD_H

/* Life cycle of the process's iommufd and IOAS (cdev mode). */

#include <stdint.h>

#include "eal_iommufd_uapi.h"

/* Open the iommufd at path and allocate the IOAS; -1 with a logged reason. */
int eal_iommufd_open(const char *path);

/* Unmap everything, destroy the IOAS, close the iommufd. Idempotent. */
void eal_iommufd_close(void);

/* What the IOAS is and holds, for telemetry. */
struct eal_iommufd_info {
	uint32_t ioas_id;
	unsigned int users;		/* external users' references */
	struct iommu_iova_range *ranges;	/* malloc'd: free() it */
	unsigned int nb_ranges;
	uint64_t alignment;
	uint64_t nb_areas, mapped_len;	/* mappings, bytes */
	uint64_t nb_map_ioctls, nb_unmap_ioctls;
};

/* Fill info; -ENODEV without an IOAS, -ENOMEM. */
int eal_iommufd_info_get(struct eal_iommufd_info *info);

#endif /* EAL_IOMMUFD_H */
