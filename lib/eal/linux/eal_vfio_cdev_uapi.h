/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#ifndef EAL_VFIO_CDEV_UAPI_H
#define EAL_VFIO_CDEV_UAPI_H

/*
 * The VFIO cdev ioctls (Linux 6.6+, include/uapi/linux/vfio.h). Debian
 * 12's linux-libc-dev (6.1) predates them, so the numbers and layouts are
 * stated here.
 */

#include <stddef.h>
#include <linux/vfio.h>

/*
 * VFIO_DEVICE_BIND_IOMMUFD's argument as Linux 6.17 has it: the kernel
 * reads argsz bytes of it, so older kernels take it too, but they refuse
 * the token flag.
 */
struct vfio_cdev_bind_iommufd {
	__u32 argsz;
	__u32 flags;
	__s32 iommufd;
	__u32 out_devid;
	__aligned_u64 token_uuid_ptr;	/* with VFIO_CDEV_BIND_FLAG_TOKEN */
};
#define VFIO_CDEV_BIND_FLAG_TOKEN (1 << 0)

#ifndef VFIO_DEVICE_BIND_IOMMUFD
#define VFIO_DEVICE_BIND_IOMMUFD _IO(VFIO_TYPE, VFIO_BASE + 18)

struct vfio_device_attach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
	__u32 pt_id;
};
#define VFIO_DEVICE_ATTACH_IOMMUFD_PT _IO(VFIO_TYPE, VFIO_BASE + 19)

struct vfio_device_detach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
};
#define VFIO_DEVICE_DETACH_IOMMUFD_PT _IO(VFIO_TYPE, VFIO_BASE + 20)
#endif /* VFIO_DEVICE_BIND_IOMMUFD */

#endif /* EAL_VFIO_CDEV_UAPI_H */
