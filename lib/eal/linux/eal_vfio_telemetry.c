/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * Telemetry of VFIO's mode and of cdev mode's IOAS:
 *   /vfio/mode       the mode in use, what --vfio-mode asked, and why
 *   /vfio_cdev/ioas  the IOAS: id, IOVA ranges and alignment, mappings,
 *                    bytes mapped, map and unmap ioctls, how DPDK's
 *                    memory is mapped (map_by: file or address) and the
 *                    map ioctls by file, external users, noiommu (1
 *                    in no-IOMMU mode: IOVAs are PAs, checked so),
 *                    who pays for pinned memory (accounting: user,
 *                    process or none), the memlock limit and the bytes
 *                    the kernel says the process has pinned (null when
 *                    the process has no IOAS: group mode, or a secondary
 *                    process, which maps nothing)
 *   /vfio_cdev/devices  the devices reached through their cdev, as columns
 *                    (entry i of each is device i): name, cdev, its
 *                    device number, iommufd's device ID (0 if bound
 *                    before EAL got it), state, where the fd came from
 *                    (opened, handed in, handed in bound, primary's);
 *                    empty in group mode
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/sysmacros.h>

#include <rte_common.h>
#include <rte_telemetry.h>
#include <rte_vfio_cdev.h>

#include "eal_iommufd.h"
#include "eal_vfio_cdev.h"
#include "eal_vfio_mode.h"

/* Ranges listed at most: a dict or array holds a bounded number. */
#define TELEMETRY_RANGES 64u

static int
handle_mode(const char *cmd __rte_unused, const char *params __rte_unused,
		struct rte_tel_data *d)
{
	enum rte_vfio_mode requested, effective;
	const char *reason;

	eal_vfio_mode_state(&requested, &effective, &reason);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "mode",
		effective == RTE_VFIO_MODE_AUTO ? "none" :
		rte_vfio_mode_name(effective));
	rte_tel_data_add_dict_string(d, "requested",
		rte_vfio_mode_name(requested));
	rte_tel_data_add_dict_string(d, "reason",
		effective == RTE_VFIO_MODE_AUTO ? "VFIO not enabled" : reason);
	return 0;
}

static int
handle_ioas(const char *cmd __rte_unused, const char *params __rte_unused,
		struct rte_tel_data *d)
{
	struct eal_iommufd_info info;
	struct rte_tel_data *ranges;
	char range[64];
	uint64_t limit;
	unsigned int i;
	int ret;

	ret = eal_iommufd_info_get(&info);
	if (ret < 0)
		return ret;
	ranges = rte_tel_data_alloc();
	if (ranges == NULL) {
		free(info.ranges);
		return -ENOMEM;
	}
	rte_tel_data_start_array(ranges, RTE_TEL_STRING_VAL);
	for (i = 0; i < RTE_MIN(info.nb_ranges, TELEMETRY_RANGES); i++) {
		snprintf(range, sizeof(range), "0x%" PRIx64 "-0x%" PRIx64,
			(uint64_t)info.ranges[i].start,
			(uint64_t)info.ranges[i].last);
		rte_tel_data_add_array_string(ranges, range);
	}
	free(info.ranges);

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "id", info.ioas_id);
	rte_tel_data_add_dict_container(d, "iova_ranges", ranges, 0);
	rte_tel_data_add_dict_int(d, "nb_iova_ranges", info.nb_ranges);
	rte_tel_data_add_dict_u64(d, "iova_alignment", info.alignment);
	rte_tel_data_add_dict_u64(d, "mappings", info.nb_areas);
	rte_tel_data_add_dict_u64(d, "bytes", info.mapped_len);
	rte_tel_data_add_dict_u64(d, "map_ioctls", info.nb_map_ioctls);
	rte_tel_data_add_dict_u64(d, "unmap_ioctls", info.nb_unmap_ioctls);
	rte_tel_data_add_dict_string(d, "map_by",
		info.map_file ? "file" : "address");
	rte_tel_data_add_dict_u64(d, "file_map_ioctls",
		info.nb_file_map_ioctls);
	rte_tel_data_add_dict_int(d, "external_users", info.users);
	rte_tel_data_add_dict_int(d, "noiommu", info.noiommu);
	rte_tel_data_add_dict_string(d, "accounting",
		eal_iommufd_accounting_name(info.accounting));
	limit = eal_iommufd_memlock_limit();
	if (limit == UINT64_MAX)
		rte_tel_data_add_dict_string(d, "memlock_limit", "unlimited");
	else
		rte_tel_data_add_dict_u64(d, "memlock_limit", limit);
	rte_tel_data_add_dict_u64(d, "pinned_bytes",
		eal_iommufd_pinned_bytes());
	return 0;
}

/* The columns of /vfio_cdev/devices: telemetry nests arrays only. */
enum column { NAME, CDEV, DEVT, DEVID, STATE, ORIGIN, NB_COLUMNS };

static const char * const column_names[NB_COLUMNS] = {
	[NAME] = "pci", [CDEV] = "cdev", [DEVT] = "devt", [DEVID] = "devid",
	[STATE] = "state", [ORIGIN] = "fd",
};

static void
add_device(const struct vfio_cdev_device *dev, void *arg)
{
	struct rte_tel_data **col = arg;
	char devt[32];

	snprintf(devt, sizeof(devt), "%u:%u", major(dev->devt),
		minor(dev->devt));
	rte_tel_data_add_array_string(col[NAME], dev->name);
	rte_tel_data_add_array_string(col[CDEV], dev->cdev_name);
	rte_tel_data_add_array_string(col[DEVT], devt);
	rte_tel_data_add_array_u64(col[DEVID], dev->devid);
	rte_tel_data_add_array_string(col[STATE],
		vfio_cdev_state_name(dev->state));
	rte_tel_data_add_array_string(col[ORIGIN],
		vfio_cdev_origin_name(dev->origin));
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

RTE_INIT(vfio_telemetry)
{
	rte_telemetry_register_cmd("/vfio_cdev/devices", handle_devices,
		"Devices reached through their VFIO cdev. Takes no parameters");
	rte_telemetry_register_cmd("/vfio/mode", handle_mode,
		"VFIO mode in use, asked for, and why. Takes no parameters");
	rte_telemetry_register_cmd("/vfio_cdev/ioas", handle_ioas,
		"cdev mode's IOAS: ranges, mappings, bytes, ioctls. Takes no parameters");
}
