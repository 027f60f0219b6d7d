/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * /vfio_cdev/devices: the devices this process reaches through their
 * cdev, as columns (entry i of each is device i): PCI address, cdev, its
 * device number, iommufd's device ID and where the device is in its life
 * cycle. Empty columns in group mode.
 */

#include <errno.h>
#include <stdio.h>
#include <sys/sysmacros.h>

#include <rte_common.h>
#include <rte_telemetry.h>

#include "vfio_cdev_private.h"

static const char * const state_names[] = {
	[VFIO_CDEV_RESOLVED] = "resolved",
	[VFIO_CDEV_OPENED] = "opened",
	[VFIO_CDEV_BOUND] = "bound",
	[VFIO_CDEV_ATTACHED] = "attached",
	[VFIO_CDEV_MAPPED] = "mapped",
	[VFIO_CDEV_SHARED] = "shared",
};

const char *
vfio_cdev_state_name(enum vfio_cdev_state state)
{
	if ((unsigned int)state >= RTE_DIM(state_names))
		return "unknown";
	return state_names[state];
}

/* The columns of /vfio_cdev/devices: telemetry nests arrays only. */
enum column { PCI, CDEV, DEVT, DEVID, STATE, NB_COLUMNS };

static const char * const column_names[NB_COLUMNS] = {
	[PCI] = "pci", [CDEV] = "cdev", [DEVT] = "devt", [DEVID] = "devid",
	[STATE] = "state",
};

static void
add_device(const struct vfio_cdev_device *dev, void *arg)
{
	struct rte_tel_data **col = arg;
	char devt[32];

	snprintf(devt, sizeof(devt), "%u:%u", major(dev->devt),
		minor(dev->devt));
	rte_tel_data_add_array_string(col[PCI], dev->pci->name);
	rte_tel_data_add_array_string(col[CDEV], dev->cdev_name);
	rte_tel_data_add_array_string(col[DEVT], devt);
	rte_tel_data_add_array_u64(col[DEVID], dev->devid);
	rte_tel_data_add_array_string(col[STATE],
		vfio_cdev_state_name(dev->state));
}

static int
handle_devices(const char *cmd __rte_unused,
		const char *params __rte_unused, struct rte_tel_data *d)
{
	struct rte_tel_data *col[NB_COLUMNS];
	unsigned int i;

	for (i = 0; i < NB_COLUMNS; i++) {
		col[i] = rte_tel_data_alloc();
		if (col[i] == NULL) {
			while (i-- > 0)
				rte_tel_data_free(col[i]);
			return -ENOMEM;
		}
		rte_tel_data_start_array(col[i], i == DEVID ?
			RTE_TEL_U64_VAL : RTE_TEL_STRING_VAL);
	}
	vfio_cdev_devices_walk(add_device, col);
	rte_tel_data_start_dict(d);
	for (i = 0; i < NB_COLUMNS; i++)
		rte_tel_data_add_dict_container(d, column_names[i], col[i], 0);
	return 0;
}

RTE_INIT(vfio_cdev_telemetry)
{
	rte_telemetry_register_cmd("/vfio_cdev/devices", handle_devices,
		"Devices reached through their VFIO cdev, by PCI address. Takes no parameters");
}
