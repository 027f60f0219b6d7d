/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * A device's life cycle up to the point its PCI driver can use it, as
 * group mode's pci_vfio_map_resource() brings it there: open the cdev,
 * bind it to the process's iommufd, attach it to the IOAS, read its
 * regions, map its BARs, set up interrupts, enable memory and bus
 * mastering, reset, arm the device request IRQ. Each step is undone in
 * reverse order, on failure as on unmap.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_eal_paging.h>
#include <rte_errno.h>
#include <rte_memory.h>
#include <rte_string_fns.h>
#include <rte_uuid.h>
#include <rte_vfio_cdev.h>

#include "vfio_cdev_private.h"
#include "vfio_cdev_uapi.h"

#define PCI_COMMAND_OFFSET 0x04
#define PCI_COMMAND_MEMORY_BIT 0x2
#define PCI_COMMAND_MASTER_BIT 0x4

/* The PCI bus reads config space and I/O port BARs at these offsets of
 * the device fd (VFIO_GET_REGION_ADDR in eal_vfio.h): vfio-pci's layout.
 */
#define REGION_OFFSET(index) ((uint64_t)(index) << 40)

/* "/dev/vfio/5" for messages about a device held through its group. */
static void
group_name(const struct vfio_cdev_device *dev, char *buf, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s/iommu_group",
		rte_pci_get_sysfs_path(), dev->pci->name);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0) {
		snprintf(buf, len, "its VFIO group");
		return;
	}
	target[n] = '\0';
	snprintf(buf, len, "/dev/vfio/%s", basename(target));
}

int
vfio_cdev_open(struct vfio_cdev_device *dev)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct stat st;
	int fd, err;

	vfio_cdev_devices_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, dev->cdev_name);
	/* no link followed, no blocking on whatever else stands there */
	fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		err = errno;
		if (err == EACCES || err == EPERM)
			VFIO_CDEV_DEV_LOG(ERR, dev, "open %s: %s; run as root, or let the user open %s and /dev/iommu (udev rule, e.g. GROUP=\"vfio\" MODE=\"0660\")",
				path, strerror(err), path);
		else if (err == EBUSY)
			VFIO_CDEV_DEV_LOG(ERR, dev, "open %s: %s; another process has the device open: stop it or leave the device out (-b %s)",
				path, strerror(err), dev->pci->name);
		else
			VFIO_CDEV_DEV_LOG(ERR, dev, "open %s: %s", path,
				strerror(err));
		return -err;
	}
	if (fstat(fd, &st) < 0) {
		err = errno;
		VFIO_CDEV_DEV_LOG(ERR, dev, "fstat %s: %s", path, strerror(err));
		close(fd);
		return -err;
	}
	if (!S_ISCHR(st.st_mode) || st.st_rdev != dev->devt) {
		VFIO_CDEV_DEV_LOG(ERR, dev, "open %s: the node opened is not character device %u:%u that sysfs names; refusing it",
			path, major(dev->devt), minor(dev->devt));
		close(fd);
		return -ENODEV;
	}
	/* the devt matches; sysfs must still give it to this device */
	if (vfio_cdev_check_identity(dev) < 0) {
		close(fd);
		return -ENODEV;
	}
	if (fcntl(fd, F_SETFL, 0) < 0) {
		err = errno;
		VFIO_CDEV_DEV_LOG(ERR, dev, "fcntl %s: %s", path, strerror(err));
		close(fd);
		return -err;
	}
	dev->fd = fd;
	dev->state = VFIO_CDEV_OPENED;
	return 0;
}

void
vfio_cdev_close(struct vfio_cdev_device *dev)
{
	if (dev->fd >= 0)
		close(dev->fd);
	dev->fd = -1;
	dev->state = VFIO_CDEV_RESOLVED;
}

/* A PF's owner sets the VF token its VFs' users must give, as group
 * mode does when it opens the PF with "vf_token=" (any kernel).
 */
static int
set_vf_token(struct vfio_cdev_device *dev, const rte_uuid_t token)
{
	uint8_t buf[sizeof(struct vfio_device_feature) + sizeof(rte_uuid_t)];
	struct vfio_device_feature *f = (void *)buf;
	int err;

	f->argsz = sizeof(buf);
	f->flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_PCI_VF_TOKEN;
	memcpy(f->data, token, sizeof(rte_uuid_t));
	if (ioctl(dev->fd, VFIO_DEVICE_FEATURE, f) == 0)
		return 0;
	err = errno;
	VFIO_CDEV_DEV_LOG(ERR, dev, "VFIO_DEVICE_FEATURE_PCI_VF_TOKEN (--vfio-vf-token for the PF's VFs): %s",
		strerror(err));
	return -err;
}

static void
log_bind_error(struct vfio_cdev_device *dev, int err, bool token_given,
		enum vfio_cdev_sriov role, const char *pf)
{
	char group[PATH_MAX];

	if (err == EINVAL && token_given && role == VFIO_CDEV_SRIOV_VF)
		VFIO_CDEV_DEV_LOG(ERR, dev, "VFIO_DEVICE_BIND_IOMMUFD refuses the VF token: this kernel cannot check VF tokens at bind (Linux 6.17+, or the patch in vfio-cdev's kernel/patches); the VF is not bound without the token given with --vfio-vf-token");
	else if (err == EACCES && role == VFIO_CDEV_SRIOV_VF && !token_given)
		VFIO_CDEV_DEV_LOG(ERR, dev, "VFIO_DEVICE_BIND_IOMMUFD: %s; its PF %s is owned through vfio-pci: give the VF token its owner set with --vfio-vf-token=<UUID>",
			strerror(err), pf);
	else if (err == EACCES && role == VFIO_CDEV_SRIOV_VF)
		VFIO_CDEV_DEV_LOG(ERR, dev, "VFIO_DEVICE_BIND_IOMMUFD: %s; the VF token given with --vfio-vf-token is not the one set for its PF %s",
			strerror(err), pf);
	else if (err == EACCES && role == VFIO_CDEV_SRIOV_PF)
		VFIO_CDEV_DEV_LOG(ERR, dev, "VFIO_DEVICE_BIND_IOMMUFD: %s; the PF's VFs are in use: give their VF token with --vfio-vf-token=<UUID>",
			strerror(err));
	else if (err == EBUSY) {
		group_name(dev, group, sizeof(group));
		VFIO_CDEV_DEV_LOG(ERR, dev, "VFIO_DEVICE_BIND_IOMMUFD: %s; the device is in use through %s or bound by another process: stop that process or leave the device out (-b %s)",
			strerror(err), group, dev->pci->name);
	} else if (err == EPERM)
		VFIO_CDEV_DEV_LOG(ERR, dev, "VFIO_DEVICE_BIND_IOMMUFD: %s; the IOMMU lacks interrupt remapping: enable it (QEMU: intel-iommu,intremap=on) or allow unsafe interrupts (iommufd.allow_unsafe_interrupts=1)",
			strerror(err));
	else
		VFIO_CDEV_DEV_LOG(ERR, dev, "VFIO_DEVICE_BIND_IOMMUFD: %s",
			strerror(err));
}

/*
 * Bind to the process's iommufd. With --vfio-vf-token, a VF of a vfio-pci
 * PF gives the token at bind, which the kernel checks (Linux 6.17, or
 * kernel/patches): never bound without it. A PF gives it too, and sets
 * it for its VFs; a kernel that takes no token at bind checks none for a
 * PF, so the PF is bound without it there and the token set all the same.
 */
static int
bind_iommufd(struct vfio_cdev_device *dev)
{
	struct vfio_cdev_bind_iommufd bind = {
		.argsz = sizeof(bind),
		.iommufd = rte_vfio_cdev_iommufd(),
	};
	enum vfio_cdev_sriov role = VFIO_CDEV_SRIOV_NONE;
	char pf[PCI_PRI_STR_SIZE] = "";
	rte_uuid_t token;
	bool has_token;
	int ret, err;

	if (bind.iommufd < 0) {
		VFIO_CDEV_DEV_LOG(ERR, dev, "bind: no iommufd in this process (cdev mode not enabled)");
		return -ENODEV;
	}
	rte_eal_vfio_get_vf_token(token);
	has_token = !rte_uuid_is_null(token);
	/* sysfs is read only when it matters: a token to give, or a
	 * refusal to explain; a probe without a token skips it
	 */
	if (has_token)
		role = vfio_cdev_sriov_role(dev, pf, sizeof(pf));
	if (has_token && role != VFIO_CDEV_SRIOV_NONE) {
		bind.flags = VFIO_CDEV_BIND_FLAG_TOKEN;
		bind.token_uuid_ptr = (uintptr_t)token;
	}
	ret = ioctl(dev->fd, VFIO_DEVICE_BIND_IOMMUFD, &bind);
	if (ret < 0 && errno == EINVAL && bind.flags != 0 &&
			role == VFIO_CDEV_SRIOV_PF) {
		VFIO_CDEV_DEV_LOG(DEBUG, dev, "this kernel takes no token at bind: PF bound without it, then given it with VFIO_DEVICE_FEATURE_PCI_VF_TOKEN");
		bind.flags = 0;
		ret = ioctl(dev->fd, VFIO_DEVICE_BIND_IOMMUFD, &bind);
	}
	if (ret < 0) {
		err = errno;
		if (!has_token)
			role = vfio_cdev_sriov_role(dev, pf, sizeof(pf));
		log_bind_error(dev, err, has_token, role, pf);
		return -err;
	}
	dev->devid = bind.out_devid;
	dev->state = VFIO_CDEV_BOUND;
	if (role == VFIO_CDEV_SRIOV_PF && has_token)
		return set_vf_token(dev, token);
	return 0;
}

static int
attach_ioas(struct vfio_cdev_device *dev)
{
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
		.pt_id = rte_vfio_cdev_ioas_id(),
	};
	int err;

	if (ioctl(dev->fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach) < 0) {
		err = errno;
		VFIO_CDEV_DEV_LOG(ERR, dev, "VFIO_DEVICE_ATTACH_IOMMUFD_PT to IOAS %u: %s%s",
			rte_vfio_cdev_ioas_id(), strerror(err),
			err == EADDRINUSE ?
			"; memory already mapped overlaps the device's reserved IOVA regions" : "");
		return -err;
	}
	dev->state = VFIO_CDEV_ATTACHED;

	/* the device's reserved regions narrow what the IOAS allows */
	if (rte_vfio_cdev_iova_ranges_update() < 0 ||
			rte_vfio_cdev_dma_prepare() < 0) {
		err = rte_errno;
		VFIO_CDEV_DEV_LOG(ERR, dev, "cannot map DPDK memory for DMA: %s (see above)",
			strerror(err));
		return -err;
	}
	dev->dma_held = true;
	return 0;
}

static void
detach_ioas(struct vfio_cdev_device *dev)
{
	struct vfio_device_detach_iommufd_pt detach = {
		.argsz = sizeof(detach),
	};

	/* the ranges it narrowed stay narrow until the next attach reads
	 * them again: safe, and one ioctl less per detach
	 */
	if (ioctl(dev->fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &detach) < 0)
		VFIO_CDEV_DEV_LOG(WARNING, dev, "VFIO_DEVICE_DETACH_IOMMUFD_PT: %s",
			strerror(errno));
	if (dev->dma_held)
		rte_vfio_cdev_dma_release();
	dev->dma_held = false;
}

/* Region info with its capability chain; free() the result. NULL with
 * errno on failure.
 */
static struct vfio_region_info *
region_info(const struct vfio_cdev_device *dev, unsigned int index)
{
	struct vfio_region_info *info;
	size_t argsz = sizeof(*info);
	int err;

	for (;;) {
		info = calloc(1, argsz);
		if (info == NULL) {
			errno = ENOMEM;
			return NULL;
		}
		info->argsz = argsz;
		info->index = index;
		if (ioctl(dev->fd, VFIO_DEVICE_GET_REGION_INFO, info) < 0) {
			err = errno;
			free(info);
			errno = err;
			return NULL;
		}
		if (info->argsz <= argsz)
			return info;
		argsz = info->argsz;
		free(info);
	}
}

/*
 * A capability of the region, of at least min_len bytes. The chain is
 * followed only forward and inside the buffer: variant drivers fill it.
 */
static const struct vfio_info_cap_header *
region_cap(const struct vfio_region_info *info, uint16_t id, size_t min_len)
{
	const struct vfio_info_cap_header *h;
	uint32_t off, prev = 0;

	if (!(info->flags & VFIO_REGION_INFO_FLAG_CAPS))
		return NULL;
	for (off = info->cap_offset; off != 0; off = h->next) {
		if (off < sizeof(*info) || off <= prev ||
				off > info->argsz ||
				info->argsz - off < sizeof(*h))
			return NULL;
		h = RTE_PTR_ADD(info, off);
		if (h->id == id)
			return info->argsz - off < min_len ? NULL : h;
		prev = off;
	}
	return NULL;
}

static void
free_regions(struct vfio_cdev_device *dev)
{
	unsigned int i;

	for (i = 0; i < PCI_MAX_RESOURCE; i++) {
		free(dev->regions[i].info);
		dev->regions[i] = (struct vfio_cdev_region){ 0 };
	}
	dev->config = (struct vfio_cdev_region){ 0 };
}

/* Region index into reg; with its capabilities kept for BARs. */
static int
read_region(struct vfio_cdev_device *dev, unsigned int index,
		struct vfio_cdev_region *reg)
{
	struct vfio_region_info *r;
	int err;

	r = region_info(dev, index);
	if (r == NULL) {
		err = errno;
		VFIO_CDEV_DEV_LOG(ERR, dev, "VFIO_DEVICE_GET_REGION_INFO %u: %s",
			index, strerror(err));
		return -err;
	}
	reg->offset = r->offset;
	reg->size = r->size;
	reg->flags = r->flags;
	if (index < PCI_MAX_RESOURCE)
		reg->info = r;	/* map_bar() reads it */
	else
		free(r);
	return 0;
}

/* The BARs and config space; not the ROM (telling its size makes the
 * kernel map it, which is slow) nor VGA, which no PMD uses.
 */
static int
read_device_info(struct vfio_cdev_device *dev)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	unsigned int i;
	int err, ret;

	if (ioctl(dev->fd, VFIO_DEVICE_GET_INFO, &info) < 0) {
		err = errno;
		VFIO_CDEV_DEV_LOG(ERR, dev, "VFIO_DEVICE_GET_INFO: %s",
			strerror(err));
		return -err;
	}
	if (!(info.flags & VFIO_DEVICE_FLAGS_PCI) ||
			info.num_regions <= VFIO_PCI_CONFIG_REGION_INDEX) {
		VFIO_CDEV_DEV_LOG(ERR, dev, "not a vfio-pci device (flags %#x, %u regions)",
			info.flags, info.num_regions);
		return -ENODEV;
	}
	dev->dev_flags = info.flags;

	for (i = 0; i < PCI_MAX_RESOURCE; i++) {
		ret = read_region(dev, i, &dev->regions[i]);
		if (ret < 0)
			return ret;
	}
	ret = read_region(dev, VFIO_PCI_CONFIG_REGION_INDEX, &dev->config);
	if (ret < 0)
		return ret;
	if (dev->config.size == 0 || dev->config.offset !=
			REGION_OFFSET(VFIO_PCI_CONFIG_REGION_INDEX)) {
		VFIO_CDEV_DEV_LOG(ERR, dev, "config space region at offset %#" PRIx64 " (%" PRIu64 " bytes), not where vfio-pci puts it; refusing it",
			dev->config.offset, dev->config.size);
		return -ENODEV;
	}
	return 0;
}

static int
config_rw(struct vfio_cdev_device *dev, bool write, uint16_t *val,
		off_t offset)
{
	off_t at = dev->config.offset + offset;
	ssize_t n;

	n = write ? pwrite(dev->fd, val, sizeof(*val), at) :
		pread(dev->fd, val, sizeof(*val), at);
	if (n == sizeof(*val))
		return 0;
	if (n >= 0)
		errno = EIO;
	return -1;
}

/* Set or clear bits of the PCI command register. */
static int
update_command(struct vfio_cdev_device *dev, uint16_t set, uint16_t clear)
{
	uint16_t cmd;
	int err;

	if (config_rw(dev, false, &cmd, PCI_COMMAND_OFFSET) < 0)
		goto fail;
	cmd = (cmd | set) & ~clear;
	if (config_rw(dev, true, &cmd, PCI_COMMAND_OFFSET) < 0)
		goto fail;
	return 0;
fail:
	err = errno;
	VFIO_CDEV_DEV_LOG(ERR, dev, "PCI command register: %s", strerror(err));
	return -err;
}

/*
 * Where BARs go: in the primary after DPDK's memory, as group mode puts
 * them, where secondaries are likely to have room too; in a secondary
 * exactly where the primary put them, since PMDs keep BAR addresses in
 * memory the processes share.
 */
static void *next_bar_va;

static int
list_end(const struct rte_memseg_list *msl, void *arg)
{
	void **end = arg;
	void *e = RTE_PTR_ADD(msl->base_va, msl->len);

	if (e > *end)
		*end = e;
	return 0;
}

/* Reserve len bytes of address space: at want exactly, or if want is
 * NULL, near the next BAR address of the primary. MAP_FAILED with errno.
 */
static void *
reserve_bar(void *want, size_t len)
{
	void *va;

	if (want != NULL) {
		va = mmap(want, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
			MAP_FIXED_NOREPLACE, -1, 0);
		if (va != MAP_FAILED && va != want) {	/* taken as a hint */
			munmap(va, len);
			errno = EEXIST;
			va = MAP_FAILED;
		}
		return va;
	}
	if (next_bar_va == NULL)
		rte_memseg_list_walk(list_end, &next_bar_va);
	va = mmap(next_bar_va, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		-1, 0);
	if (va != MAP_FAILED && va == next_bar_va)
		next_bar_va = RTE_PTR_ALIGN(RTE_PTR_ADD(va, len),
			rte_mem_page_size());
	return va;
}

/* mmap the parts of BAR i the kernel says are mappable, at want if not
 * NULL.
 */
static int
map_bar(struct vfio_cdev_device *dev, unsigned int i, void *want)
{
	const struct vfio_region_info_cap_sparse_mmap *sparse;
	const struct vfio_cdev_region *reg = &dev->regions[i];
	struct vfio_region_sparse_mmap_area whole = { 0, reg->size };
	const struct vfio_region_sparse_mmap_area *areas = &whole;
	uint32_t nb_areas = 1, a;
	void *base, *p;
	size_t cap_len;
	int err;

	if (reg->size == 0 || !(reg->flags & VFIO_REGION_INFO_FLAG_MMAP))
		return 0;	/* I/O port BAR or not mappable: fd access */

	sparse = (const void *)region_cap(reg->info,
		VFIO_REGION_INFO_CAP_SPARSE_MMAP, sizeof(*sparse));
	if (sparse != NULL) {
		cap_len = reg->info->argsz - RTE_PTR_DIFF(sparse, reg->info);
		if ((cap_len - sizeof(*sparse)) / sizeof(sparse->areas[0]) <
				sparse->nr_areas) {
			VFIO_CDEV_DEV_LOG(ERR, dev, "BAR%u: %u sparse mmap areas do not fit the region info; refusing it",
				i, sparse->nr_areas);
			return -EINVAL;
		}
		areas = sparse->areas;
		nb_areas = sparse->nr_areas;
		if (nb_areas == 0)
			return 0;	/* nothing mappable: fd access */
	}

	/* reserve the whole BAR, then map the mappable areas into it */
	base = reserve_bar(want, reg->size);
	if (base == MAP_FAILED)
		goto fail;
	for (a = 0; a < nb_areas; a++) {
		if (areas[a].size == 0)
			continue;
		if (areas[a].offset > reg->size ||
				areas[a].size > reg->size - areas[a].offset) {
			errno = EINVAL;
			goto fail_unmap;
		}
		p = mmap(RTE_PTR_ADD(base, areas[a].offset), areas[a].size,
			PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
			dev->fd, reg->offset + areas[a].offset);
		if (p == MAP_FAILED)
			goto fail_unmap;
	}
	dev->bars[i].addr = base;
	dev->bars[i].len = reg->size;
	dev->pci->mem_resource[i].addr = base;
	return 0;

fail_unmap:
	err = errno;
	munmap(base, reg->size);
	errno = err;
fail:
	err = errno;
	if (want != NULL && err == EEXIST)
		VFIO_CDEV_DEV_LOG(ERR, dev, "BAR%u must go at %p, where the primary process has it, but this process uses that address",
			i, want);
	else
		VFIO_CDEV_DEV_LOG(ERR, dev, "mmap BAR%u (%" PRIu64 " bytes): %s",
			i, reg->size, strerror(err));
	return -err;
}

static void
unmap_bars(struct vfio_cdev_device *dev)
{
	unsigned int i;

	for (i = 0; i < PCI_MAX_RESOURCE; i++) {
		if (dev->bars[i].addr == NULL)
			continue;
		munmap(dev->bars[i].addr, dev->bars[i].len);
		dev->bars[i].addr = NULL;
		dev->pci->mem_resource[i].addr = NULL;
	}
}

/* All mappable BARs; in a secondary (at not NULL) those the primary
 * mapped, where it mapped them.
 */
static int
map_bars(struct vfio_cdev_device *dev, void *const *at)
{
	unsigned int i;
	int ret;

	for (i = 0; i < PCI_MAX_RESOURCE; i++) {
		if (at != NULL && at[i] == NULL)
			continue;
		ret = map_bar(dev, i, at != NULL ? at[i] : NULL);
		if (ret < 0) {
			unmap_bars(dev);
			return ret;
		}
	}
	return 0;
}

/* BARs, interrupts, memory decoding and bus mastering, reset, device
 * request IRQ: group mode's order.
 */
static int
enable_device(struct vfio_cdev_device *dev)
{
	int ret;

	ret = read_device_info(dev);
	if (ret < 0)
		return ret;
	ret = map_bars(dev, NULL);
	if (ret < 0)
		return ret;
	ret = vfio_cdev_intr_setup(dev);
	if (ret < 0)
		goto fail_bars;
	ret = update_command(dev, PCI_COMMAND_MEMORY_BIT | PCI_COMMAND_MASTER_BIT, 0);
	if (ret < 0)
		goto fail_intr;
	/* vfio-pci saves and restores config space around the reset */
	if ((dev->dev_flags & VFIO_DEVICE_FLAGS_RESET) &&
			ioctl(dev->fd, VFIO_DEVICE_RESET) < 0 && errno != EINVAL) {
		ret = -errno;
		VFIO_CDEV_DEV_LOG(ERR, dev, "VFIO_DEVICE_RESET: %s", strerror(-ret));
		goto fail_master;
	}
	ret = vfio_cdev_req_enable(dev);
	if (ret < 0)
		goto fail_master;
	dev->state = VFIO_CDEV_MAPPED;
	return 0;

fail_master:
	update_command(dev, 0, PCI_COMMAND_MASTER_BIT);
fail_intr:
	vfio_cdev_intr_teardown(dev);
fail_bars:
	unmap_bars(dev);
	return ret;
}

void
vfio_cdev_device_teardown(struct vfio_cdev_device *dev)
{
	switch (dev->state) {
	case VFIO_CDEV_SHARED:	/* a secondary's view of the primary's */
		unmap_bars(dev);
		vfio_cdev_intr_init(dev);
		free_regions(dev);
		vfio_cdev_close(dev);
		break;
	case VFIO_CDEV_MAPPED:
		/* as group mode: no more requests, no DMA, no interrupts */
		vfio_cdev_req_disable(dev);
		update_command(dev, 0, PCI_COMMAND_MASTER_BIT);
		vfio_cdev_intr_teardown(dev);
		unmap_bars(dev);
		/* fall through */
	case VFIO_CDEV_ATTACHED:
		detach_ioas(dev);
		/* fall through */
	case VFIO_CDEV_BOUND:	/* closing the fd unbinds (and resets) */
	case VFIO_CDEV_OPENED:
		free_regions(dev);
		vfio_cdev_close(dev);
		/* fall through */
	case VFIO_CDEV_RESOLVED:
		break;
	}
	dev->state = VFIO_CDEV_RESOLVED;
}

int
vfio_cdev_device_setup(struct vfio_cdev_device *dev)
{
	int ret;

	vfio_cdev_intr_init(dev);
	ret = vfio_cdev_resolve(dev) < 0 ? -ENODEV : 0;
	if (ret == 0)
		ret = vfio_cdev_open(dev);
	if (ret == 0)
		ret = bind_iommufd(dev);
	if (ret == 0)
		ret = attach_ioas(dev);
	if (ret == 0)
		ret = enable_device(dev);
	if (ret < 0) {
		vfio_cdev_device_teardown(dev);
		rte_errno = -ret;
		return -1;
	}
	VFIO_CDEV_DEV_LOG(DEBUG, dev, "bound to iommufd (devid %u), attached to IOAS %u",
		dev->devid, rte_vfio_cdev_ioas_id());
	return 0;
}

int
vfio_cdev_device_share(struct vfio_cdev_device *dev)
{
	void *at[PCI_MAX_RESOURCE];
	int fd, ret;

	vfio_cdev_intr_init(dev);
	strlcpy(dev->cdev_name, "primary's", sizeof(dev->cdev_name));
	fd = vfio_cdev_mp_request(dev, at);
	if (fd < 0) {
		rte_errno = -fd;
		return -1;
	}
	dev->fd = fd;
	dev->state = VFIO_CDEV_OPENED;
	ret = read_device_info(dev);
	if (ret == 0)
		ret = map_bars(dev, at);
	if (ret < 0) {
		vfio_cdev_device_teardown(dev);
		rte_errno = -ret;
		return -1;
	}
	vfio_cdev_intr_share(dev);
	dev->state = VFIO_CDEV_SHARED;
	return 0;
}
