/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#ifndef VFIO_TEST_IOAS_H
#define VFIO_TEST_IOAS_H

/* What an external user of the IOAS does: its own map and unmap calls,
 * which also tell the tests what the kernel has mapped.
 */

#include <errno.h>
#include <stdint.h>
#include <sys/ioctl.h>

#include "eal_iommufd_uapi.h"

/* 0, or -errno: -EEXIST if the kernel has a mapping there. */
static inline int
vfio_test_raw_map(int fd, uint32_t ioas, uint64_t va, uint64_t iova,
	uint64_t len)
{
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas, .user_va = va, .length = len, .iova = iova,
	};

	return ioctl(fd, IOMMU_IOAS_MAP, &map) < 0 ? -errno : 0;
}

static inline int
vfio_test_raw_unmap(int fd, uint32_t ioas, uint64_t iova, uint64_t len)
{
	struct iommu_ioas_unmap unmap = {
		.size = sizeof(unmap), .ioas_id = ioas, .iova = iova,
		.length = len,
	};

	return ioctl(fd, IOMMU_IOAS_UNMAP, &unmap) < 0 ? -errno : 0;
}

#endif /* VFIO_TEST_IOAS_H */
