/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#ifndef EAL_IOMMUFD_H
#define EAL_IOMMUFD_H

/* Life cycle of the process's iommufd and IOAS (cdev mode). */

/* Open the iommufd at path and allocate the IOAS; -1 with a logged reason. */
int eal_iommufd_open(const char *path);

/* Unmap everything, destroy the IOAS, close the iommufd. Idempotent. */
void eal_iommufd_close(void);

#endif /* EAL_IOMMUFD_H */
