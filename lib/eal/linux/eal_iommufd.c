/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * The process's iommufd and its one IOAS (cdev mode, primary process):
 * opened when VFIO is enabled, closed at rte_eal_cleanup() unless
 * external users still hold it. The table records every area EAL mapped
 * (eal_dma_table.h): the kernel cannot unmap part of an area, so unmaps
 * go area by area, never reaching what others mapped in gaps.
 *
 * The lock guards the table and the ranges, never an ioctl that pins or
 * unpins: an area is recorded "busy" under the lock, mapped or unmapped
 * without it, then committed or rolled back. So a memory event callback,
 * which holds the memory hotplug lock, never waits for an application's
 * mapping of a large buffer.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_memory.h>
#include <rte_vfio_cdev.h>

#include "eal_iommufd.h"
#include "eal_iova_ranges.h"
#include "eal_vfio_cdev.h"
#include "eal_vfio_mode.h"

/* Ranges a message lists at most. */
#define LOGGED_RANGES 4u

static struct {
	int fd;			/* /dev/iommu, -1 when closed */
	uint32_t ioas_id;
	bool eal_holds;		/* EAL's own reference, until cleanup */
	unsigned int refs;	/* external users' references */
	struct eal_iova_ranges ranges;
	struct eal_dma_table table;
	uint64_t nb_map_ioctls, nb_unmap_ioctls, nb_file_map_ioctls;
	bool map_file;		/* the kernel has IOMMU_IOAS_MAP_FILE */
	bool noiommu;		/* VFIO in no-IOMMU mode: IOVAs are PAs */
	bool no_map_file;	/* --vfio-no-map-file */
	pthread_mutex_t lock;	/* all the above */
} iommufd = {
	.fd = -1,
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

int
eal_iommufd_fd(void)
{
	return iommufd.fd;
}

uint32_t
eal_iommufd_ioas_id(void)
{
	return iommufd.ioas_id;
}

static int
query_ranges(void *ctx __rte_unused, struct iommu_ioas_iova_ranges *q)
{
	q->ioas_id = iommufd.ioas_id;
	return ioctl(iommufd.fd, IOMMU_IOAS_IOVA_RANGES, q) < 0 ? -errno : 0;
}

int
eal_iommufd_ranges_update(void)
{
	struct eal_iova_ranges fresh = { 0 }, stale;
	uint64_t last;
	unsigned int i;
	int ret;

	/* a quick ioctl: read under the lock, so that two attaches in a
	 * row cannot leave the older, wider ranges behind
	 */
	pthread_mutex_lock(&iommufd.lock);
	ret = eal_iova_ranges_read(&fresh, query_ranges, NULL);
	if (ret == 0) {
		stale = iommufd.ranges;
		iommufd.ranges = fresh;
	}
	pthread_mutex_unlock(&iommufd.lock);
	if (ret < 0) {
		RTE_LOG(ERR, EAL, "VFIO cdev mode: IOMMU_IOAS_IOVA_RANGES of IOAS %u: %s\n",
			iommufd.ioas_id, strerror(-ret));
		rte_errno = -ret;
		return -1;
	}
	eal_iova_ranges_free(&stale);
	for (i = 0; i < fresh.nb; i++)
		RTE_LOG(DEBUG, EAL, "VFIO cdev mode: IOAS range %u: 0x%" PRIx64 "-0x%" PRIx64 "\n",
			i, (uint64_t)fresh.r[i].start, (uint64_t)fresh.r[i].last);
	/* EAL then refuses to allocate memory the IOMMU cannot address */
	last = eal_iova_ranges_last(&fresh);
	if (last != 0 && last < UINT64_MAX)
		rte_mem_set_dma_mask(64 - __builtin_clzll(last));
	return 0;
}

/* The two object ioctls, on any iommufd: 0 or -errno. */
static int
ioas_alloc(int fd, uint32_t *id)
{
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };

	if (ioctl(fd, IOMMU_IOAS_ALLOC, &alloc) < 0)
		return -errno;
	*id = alloc.out_ioas_id;
	return 0;
}

static int
object_destroy(int fd, uint32_t id)
{
	struct iommu_destroy destroy = { .size = sizeof(destroy), .id = id };

	return ioctl(fd, IOMMU_DESTROY, &destroy) < 0 ? -errno : 0;
}

/* A kernel with IOMMU_IOAS_MAP_FILE gets as far as looking up the file
 * (fd -1: EBADF); an older one does not know the ioctl (ENOTTY).
 */
static bool
has_map_file(int fd, uint32_t ioas_id)
{
	struct iommu_ioas_map_file probe = {
		.size = sizeof(probe),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE,
		.ioas_id = ioas_id,
		.fd = -1,
		.length = 1,
	};

	return ioctl(fd, IOMMU_IOAS_MAP_FILE, &probe) < 0 && errno == EBADF;
}

void
eal_iommufd_no_map_file(void)
{
	iommufd.no_map_file = true;
}

bool
eal_iommufd_map_file(void)
{
	return iommufd.map_file && !iommufd.no_map_file;
}

/* Allocate the IOAS in the iommufd fd, EAL's from now on (closed on
 * failure). what names the fd in messages.
 */
static int
setup(int fd, const char *what)
{
	uint32_t id = 0;
	int ret;

	ret = ioas_alloc(fd, &id);
	if (ret < 0) {
		RTE_LOG(ERR, EAL, "VFIO cdev mode: IOMMU_IOAS_ALLOC on %s: %s%s\n",
			what, strerror(-ret), ret == -ENOTTY ?
			" (not an iommufd); refused" : "");
		close(fd);
		return -1;
	}
	iommufd.fd = fd;
	iommufd.ioas_id = id;
	/* what the IOAS allows before any device narrows it */
	if (eal_iommufd_ranges_update() < 0) {
		close(fd);
		iommufd.fd = -1;
		return -1;
	}
	iommufd.eal_holds = true;
	RTE_LOG(DEBUG, EAL, "VFIO cdev mode: iommufd %s, IOAS %u\n", what, id);
	iommufd.map_file = has_map_file(fd, id);
	if (eal_iommufd_map_file())
		RTE_LOG(INFO, EAL, "VFIO cdev mode: hugepage memory mapped by file (IOMMU_IOAS_MAP_FILE)\n");
	else
		RTE_LOG(DEBUG, EAL, "VFIO cdev mode: memory mapped by address (IOMMU_IOAS_MAP_FILE %s)\n",
			iommufd.map_file ? "turned off" : "not in this kernel");
	iommufd.noiommu = eal_vfio_noiommu();
	if (iommufd.noiommu)
		RTE_LOG(INFO, EAL, "VFIO cdev mode: no-IOMMU mode: IOVA as PA, each mapping checked with IOMMU_IOAS_NOIOMMU_GET_PA\n");
	eal_iommufd_accounting_read(fd);
	return 0;
}

int
eal_iommufd_open(const char *path)
{
	int fd;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		RTE_LOG(ERR, EAL, "VFIO cdev mode: cannot open %s: %s%s\n",
			path, strerror(errno), errno == EACCES ?
			"; run as root or give the user access to it" : "");
		return -1;
	}
	return setup(fd, path);
}

/*
 * An iommufd handed in. It must be a character device, the one sysfs
 * says /dev/iommu is where sysfs tells (class/misc/iommu/dev); the IOAS
 * allocation then proves it is an iommufd.
 */
int
eal_iommufd_adopt(int fd)
{
	char what[PATH_MAX + 32];
	struct stat st;
	dev_t devt;

	vfio_cdev_fds_describe(fd, what, sizeof(what));
	if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) ||
			(vfio_cdev_iommu_devt(&devt) == 0 &&
			 st.st_rdev != devt)) {
		RTE_LOG(ERR, EAL, "--vfio-iommufd: %s is not /dev/iommu; refused\n",
			what);
		close(fd);
		return -1;
	}
	return setup(fd, what);
}

int
eal_iommufd_probe_ioas(uint32_t *id)
{
	return ioas_alloc(iommufd.fd, id);
}

int
eal_iommufd_destroy(uint32_t id)
{
	return object_destroy(iommufd.fd, id);
}

/* The allowed ranges, a few of them, after a refused IOVA. */
static void
log_ranges(void)
{
	struct iommu_iova_range r[LOGGED_RANGES];
	unsigned int i, nb, total;

	pthread_mutex_lock(&iommufd.lock);
	total = iommufd.ranges.nb;
	nb = RTE_MIN(total, LOGGED_RANGES);
	memcpy(r, iommufd.ranges.r, nb * sizeof(r[0]));
	pthread_mutex_unlock(&iommufd.lock);
	for (i = 0; i < nb; i++)
		RTE_LOG(ERR, EAL, "  IOAS range %u: 0x%" PRIx64 "-0x%" PRIx64 "\n",
			i, (uint64_t)r[i].start, (uint64_t)r[i].last);
	if (total > nb)
		RTE_LOG(ERR, EAL, "  and %u more\n", total - nb);
}

static void
log_out_of_range(uint64_t va, uint64_t iova, uint64_t len, uint64_t last)
{
	uint64_t end = iova + len - 1;
	const char *why;

	if (end > last)
		why = rte_eal_iova_mode() == RTE_IOVA_VA ?
			"beyond the IOMMU's address width, too small for IOVA as VA" :
			"beyond the IOMMU's address width";
	else if (rte_eal_iova_mode() == RTE_IOVA_VA)
		why = "in a window the IOMMU reserves (MSI): move DPDK memory with --base-virtaddr";
	else
		why = "in a window the IOMMU reserves (MSI): these physical pages cannot be used for DMA";
	RTE_LOG(ERR, EAL, "VFIO cdev mode: IOVA 0x%" PRIx64 "-0x%" PRIx64 " (VA 0x%" PRIx64 ") is %s\n",
		iova, end, va, why);
	log_ranges();
}

/* Find the area recorded at exactly [iova, iova + len); -1 if none. */
static int
area_at(uint64_t iova, uint64_t len)
{
	unsigned int first;

	if (eal_dma_table_find(&iommufd.table, iova, len, &first) != 1 ||
			iommufd.table.areas[first].iova != iova ||
			iommufd.table.areas[first].len != len)
		return -1;
	return first;
}

/* The same area, mapped and not busy; with the lock. */
static bool
same_area(uint64_t va, uint64_t iova, uint64_t len, enum eal_dma_kind kind)
{
	int i = area_at(iova, len);

	return i >= 0 && iommufd.table.areas[i].kind == kind &&
		!iommufd.table.areas[i].busy &&
		(va == EAL_IOMMUFD_ANY_VA || iommufd.table.areas[i].va == va);
}

int
eal_iommufd_map(uint64_t va, uint64_t iova, uint64_t len,
		enum eal_dma_kind kind)
{
	return eal_iommufd_map_file_at(va, iova, len, kind, -1, 0);
}

/* The map ioctl, by file or by VA: 0 or -errno. */
static int
map_ioctl(uint32_t ioas_id, uint64_t va, uint64_t iova, uint64_t len,
		int fd, uint64_t offset)
{
	const uint32_t flags = IOMMU_IOAS_MAP_FIXED_IOVA |
		IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE;
	struct iommu_ioas_map_file by_file = {
		.size = sizeof(by_file), .flags = flags, .ioas_id = ioas_id,
		.fd = fd, .start = offset, .length = len, .iova = iova,
	};
	struct iommu_ioas_map by_va = {
		.size = sizeof(by_va), .flags = flags, .ioas_id = ioas_id,
		.user_va = va, .length = len, .iova = iova,
	};
	int ret;

	if (fd >= 0)
		ret = ioctl(iommufd.fd, IOMMU_IOAS_MAP_FILE, &by_file);
	else
		ret = ioctl(iommufd.fd, IOMMU_IOAS_MAP, &by_va);
	return ret < 0 ? -errno : 0;
}

/*
 * No-IOMMU mode: a device reaches physical addresses, so the IOVA of an
 * area must be the physical address of the pages the kernel pinned for
 * it (IOMMU_IOAS_NOIOMMU_GET_PA: a contiguous piece a call). 0 if so, or
 * if the kernel has nothing to look it up in (no no-IOMMU device attached
 * yet, or one behind an IOMMU: EOPNOTSUPP); else the reason logged and
 * -EFAULT (another PA) or -errno.
 */
static int
pa_check(uint32_t ioas_id, uint64_t va, uint64_t iova, uint64_t len)
{
	struct iommu_ioas_noiommu_get_pa q = { .size = sizeof(q) };
	uint64_t off = 0;
	int ret = 0;

	while (off < len) {
		q.ioas_id = ioas_id;
		q.iova = iova + off;
		q.length = len - off;
		if (ioctl(iommufd.fd, IOMMU_IOAS_NOIOMMU_GET_PA, &q) < 0) {
			ret = off == 0 && errno == EOPNOTSUPP ? 0 : -errno;
			break;
		}
		if (q.out_phys != iova + off || q.length == 0) {
			ret = -EFAULT;
			break;
		}
		off += q.length;
	}
	if (ret == -EFAULT)
		RTE_LOG(ERR, EAL, "VFIO cdev mode: no-IOMMU: VA 0x%" PRIx64 " is at PA 0x%" PRIx64 ", not at its IOVA 0x%" PRIx64 ": a device would reach other memory; refused\n",
			va + off, (uint64_t)q.out_phys, iova + off);
	else if (ret < 0)
		RTE_LOG(ERR, EAL, "VFIO cdev mode: IOMMU_IOAS_NOIOMMU_GET_PA of IOVA 0x%" PRIx64 ": %s\n",
			iova + off, strerror(-ret));
	return ret;
}

/* pa_check() of a new area; unmapped if it fails. */
static int
pa_check_new(uint32_t ioas_id, uint64_t va, uint64_t iova, uint64_t len)
{
	struct iommu_ioas_unmap unmap = {
		.size = sizeof(unmap), .ioas_id = ioas_id,
		.iova = iova, .length = len,
	};
	int ret = pa_check(ioas_id, va, iova, len);

	if (ret < 0 && ioctl(iommufd.fd, IOMMU_IOAS_UNMAP, &unmap) < 0)
		RTE_LOG(ERR, EAL, "VFIO cdev mode: IOMMU_IOAS_UNMAP of IOVA 0x%" PRIx64 " (%" PRIu64 " bytes): %s\n",
			iova, len, strerror(errno));
	return ret;
}

int
eal_iommufd_pa_check(void)
{
	struct eal_dma_area *copy;
	unsigned int i, nb;
	uint32_t ioas_id;
	int ret = 0;

	if (!iommufd.noiommu)
		return 0;
	/* the lookups walk page tables: not under the lock */
	pthread_mutex_lock(&iommufd.lock);
	ioas_id = iommufd.ioas_id;
	nb = iommufd.table.nb;
	copy = malloc((nb + 1) * sizeof(*copy));
	if (copy != NULL)
		memcpy(copy, iommufd.table.areas, nb * sizeof(*copy));
	pthread_mutex_unlock(&iommufd.lock);
	if (copy == NULL) {
		RTE_LOG(ERR, EAL, "VFIO cdev mode: no memory to check the IOAS's mappings\n");
		return -ENOMEM;
	}
	for (i = 0; i < nb && ret == 0; i++)
		ret = pa_check(ioas_id, copy[i].va, copy[i].iova, copy[i].len);
	free(copy);
	return ret;
}

int
eal_iommufd_map_file_at(uint64_t va, uint64_t iova, uint64_t len,
		enum eal_dma_kind kind, int fd, uint64_t offset)
{
	const struct eal_dma_area area = {
		.va = va, .iova = iova, .len = len, .kind = kind, .busy = true,
	};
	uint64_t last = 0, nb, mapped;
	uint32_t ioas_id = 0;
	int ret = 0, pa_ret = 0, i;

	pthread_mutex_lock(&iommufd.lock);
	if (iommufd.fd < 0)
		ret = -ENODEV;
	else if (!eal_iova_ranges_allow(&iommufd.ranges, iova, len))
		ret = -ERANGE;
	else if (!eal_iova_ranges_aligned(&iommufd.ranges, iova, len))
		ret = -EINVAL;
	else
		ret = eal_dma_table_add(&iommufd.table, &area);
	if (ret == -EEXIST && same_area(va, iova, len, kind))
		ret = -EALREADY;
	if (ret == 0) {
		iommufd.nb_map_ioctls++;
		iommufd.nb_file_map_ioctls += fd >= 0;
		ioas_id = iommufd.ioas_id;
	}
	last = eal_iova_ranges_last(&iommufd.ranges);
	pthread_mutex_unlock(&iommufd.lock);

	switch (ret) {
	case 0:
		break;
	case -EALREADY:
		return ret;
	case -ERANGE:
		log_out_of_range(va, iova, len, last);
		return ret;
	case -EINVAL:
		RTE_LOG(ERR, EAL, "VFIO cdev mode: IOVA 0x%" PRIx64 " (%" PRIu64 " bytes) is not aligned as the IOMMU maps; use larger pages\n",
			iova, len);
		return ret;
	case -EEXIST:
		RTE_LOG(ERR, EAL, "VFIO cdev mode: IOVA 0x%" PRIx64 "-0x%" PRIx64 " overlaps a mapping in the IOAS\n",
			iova, iova + len - 1);
		return ret;
	default:
		RTE_LOG(ERR, EAL, "VFIO cdev mode: cannot map IOVA 0x%" PRIx64 ": %s\n",
			iova, strerror(-ret));
		return ret;
	}

	/* pinning may take long: not under the lock */
	ret = map_ioctl(ioas_id, va, iova, len, fd, offset);
	if (ret == 0 && iommufd.noiommu)
		pa_ret = pa_check_new(ioas_id, va, iova, len);
	pthread_mutex_lock(&iommufd.lock);
	iommufd.nb_unmap_ioctls += pa_ret < 0;
	i = area_at(iova, len);
	if (i >= 0 && ret == 0 && pa_ret == 0)
		iommufd.table.areas[i].busy = false;
	else if (i >= 0)
		eal_dma_table_remove(&iommufd.table, iova, len);
	pthread_mutex_unlock(&iommufd.lock);
	if (ret == 0)
		return pa_ret;
	if (fd >= 0)
		RTE_LOG(ERR, EAL, "VFIO cdev mode: IOMMU_IOAS_MAP_FILE of fd %d offset 0x%" PRIx64 " at IOVA 0x%" PRIx64 " (%" PRIu64 " bytes): %s\n",
			fd, offset, iova, len, strerror(-ret));
	else
		RTE_LOG(ERR, EAL, "VFIO cdev mode: IOMMU_IOAS_MAP of VA 0x%" PRIx64 " at IOVA 0x%" PRIx64 " (%" PRIu64 " bytes): %s\n",
			va, iova, len, strerror(-ret));
	if (ret == -ENOMEM) {
		eal_iommufd_stats(&nb, &mapped);
		eal_iommufd_memlock_log(mapped, len);
	}
	return ret;
}

/* Unmap an area taken off the others' hands (busy); forget it once the
 * kernel has nothing there any more. 0, or -EIO if the kernel refused it
 * (it stays, no longer busy).
 */
static int
unmap_busy_area(const struct eal_dma_area *a)
{
	struct iommu_ioas_unmap unmap = {
		.size = sizeof(unmap),
		.ioas_id = iommufd.ioas_id,
		.iova = a->iova,
		.length = a->len,
	};
	int err = 0, i;

	if (ioctl(iommufd.fd, IOMMU_IOAS_UNMAP, &unmap) < 0)
		err = errno;
	pthread_mutex_lock(&iommufd.lock);
	iommufd.nb_unmap_ioctls++;
	i = area_at(a->iova, a->len);
	if (i >= 0 && err != 0 && err != ENOENT)
		iommufd.table.areas[i].busy = false;
	else if (i >= 0)
		eal_dma_table_remove(&iommufd.table, a->iova, a->len);
	pthread_mutex_unlock(&iommufd.lock);

	if (err == ENOENT || (err == 0 && unmap.length != a->len))
		RTE_LOG(ERR, EAL, "VFIO cdev mode: IOVA 0x%" PRIx64 " held %" PRIu64 " bytes, not %" PRIu64 ": the IOAS was changed behind EAL's back; area forgotten\n",
			a->iova, err == 0 ? (uint64_t)unmap.length : 0, a->len);
	else if (err != 0)
		RTE_LOG(ERR, EAL, "VFIO cdev mode: IOMMU_IOAS_UNMAP of IOVA 0x%" PRIx64 " (%" PRIu64 " bytes): %s\n",
			a->iova, a->len, strerror(err));
	return err != 0 && err != ENOENT ? -EIO : 0;
}

/* Check and take the areas [iova, iova + len) covers; with the lock. */
static int
take_covered(uint64_t va, uint64_t iova, uint64_t len, unsigned int kinds,
		struct eal_dma_area **taken, unsigned int *nb)
{
	struct eal_dma_area *a;
	unsigned int first, n, i;
	int ret;

	ret = eal_dma_table_can_remove(&iommufd.table, iova, len);
	if (ret < 0)
		return ret;
	n = eal_dma_table_find(&iommufd.table, iova, len, &first);
	a = &iommufd.table.areas[first];
	for (i = 0; i < n; i++) {
		if (!(kinds & (1u << a[i].kind)))
			return -EPERM;
		if (a[i].busy)
			return -EBUSY;
		if (va != EAL_IOMMUFD_ANY_VA && a[i].va - va != a[i].iova - iova)
			return -EINVAL;
	}
	*taken = malloc(n * sizeof(**taken));
	if (*taken == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		a[i].busy = true;
	memcpy(*taken, a, n * sizeof(**taken));
	*nb = n;
	return 0;
}

int
eal_iommufd_unmap(uint64_t va, uint64_t iova, uint64_t len,
		unsigned int kinds)
{
	struct eal_dma_area *taken = NULL;
	unsigned int nb = 0, i;
	int ret;

	pthread_mutex_lock(&iommufd.lock);
	ret = iommufd.fd < 0 ? -ENODEV :
		take_covered(va, iova, len, kinds, &taken, &nb);
	pthread_mutex_unlock(&iommufd.lock);
	if (ret < 0) {
		RTE_LOG(ERR, EAL, "VFIO cdev mode: cannot unmap IOVA 0x%" PRIx64 "-0x%" PRIx64 ": %s\n",
			iova, iova + len - 1,
			ret == -ENOENT ? "nothing is mapped there" :
			ret == -EPERM ? "it holds DPDK's own memory, which EAL maps and unmaps" :
			ret == -EBUSY ? "it is being mapped" :
			ret == -EINVAL ? "it cuts a mapping (the kernel cannot split one) or the VA differs" :
			strerror(-ret));
		return ret;
	}
	for (i = 0; i < nb; i++) {
		if (unmap_busy_area(&taken[i]) < 0)
			ret = -EIO;
	}
	free(taken);
	return ret;
}

void
eal_iommufd_unmap_all(unsigned int kinds)
{
	struct eal_dma_area a;
	unsigned int i = 0;
	bool found;

	for (;;) {
		pthread_mutex_lock(&iommufd.lock);
		while (i < iommufd.table.nb && (iommufd.table.areas[i].busy ||
				!(kinds & (1u << iommufd.table.areas[i].kind))))
			i++;
		found = i < iommufd.table.nb;
		if (found) {
			iommufd.table.areas[i].busy = true;
			a = iommufd.table.areas[i];
		}
		pthread_mutex_unlock(&iommufd.lock);
		if (!found)
			break;
		/* gone, the next area is at i; refused, it stays there */
		if (unmap_busy_area(&a) < 0)
			i++;
	}
}

bool
eal_iommufd_has_area(uint64_t va, uint64_t iova, uint64_t len,
		enum eal_dma_kind kind)
{
	bool found;

	pthread_mutex_lock(&iommufd.lock);
	found = same_area(va, iova, len, kind);
	pthread_mutex_unlock(&iommufd.lock);
	return found;
}

void
eal_iommufd_stats(uint64_t *nb_areas, uint64_t *len)
{
	pthread_mutex_lock(&iommufd.lock);
	eal_dma_table_stats(&iommufd.table, nb_areas, len);
	pthread_mutex_unlock(&iommufd.lock);
}

unsigned int
eal_iommufd_users(void)
{
	unsigned int refs;

	pthread_mutex_lock(&iommufd.lock);
	refs = iommufd.refs;
	pthread_mutex_unlock(&iommufd.lock);
	return refs;
}

int
eal_iommufd_info_get(struct eal_iommufd_info *info)
{
	size_t size;
	int ret = 0;

	memset(info, 0, sizeof(*info));
	pthread_mutex_lock(&iommufd.lock);
	if (iommufd.fd < 0) {
		ret = -ENODEV;
		goto out;
	}
	size = iommufd.ranges.nb * sizeof(*info->ranges);
	info->ranges = malloc(size > 0 ? size : 1);
	if (info->ranges == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(info->ranges, iommufd.ranges.r, size);
	info->nb_ranges = iommufd.ranges.nb;
	info->alignment = iommufd.ranges.alignment;
	info->ioas_id = iommufd.ioas_id;
	info->users = iommufd.refs;
	eal_dma_table_stats(&iommufd.table, &info->nb_areas,
		&info->mapped_len);
	info->nb_map_ioctls = iommufd.nb_map_ioctls;
	info->nb_unmap_ioctls = iommufd.nb_unmap_ioctls;
	info->nb_file_map_ioctls = iommufd.nb_file_map_ioctls;
	info->map_file = eal_iommufd_map_file();
	info->noiommu = iommufd.noiommu;
	info->accounting = eal_iommufd_accounting();
out:
	pthread_mutex_unlock(&iommufd.lock);
	return ret;
}

/* Nobody holds the IOAS any more: empty it, destroy it, close. */
static void
release(void)
{
	uint32_t id;
	int fd, ret;

	eal_iommufd_unmap_all(~0u);
	pthread_mutex_lock(&iommufd.lock);
	eal_dma_table_clear(&iommufd.table);
	eal_iova_ranges_free(&iommufd.ranges);
	id = iommufd.ioas_id;
	fd = iommufd.fd;
	iommufd.fd = -1;
	pthread_mutex_unlock(&iommufd.lock);
	ret = object_destroy(fd, id);
	if (ret < 0)
		RTE_LOG(DEBUG, EAL, "VFIO cdev mode: IOMMU_DESTROY of IOAS %u: %s\n",
			id, strerror(-ret));
	close(fd);
}

int
rte_vfio_cdev_ioas_get(int *fd, uint32_t *ioas_id)
{
	int ret = -1, dup_fd;

	pthread_mutex_lock(&iommufd.lock);
	if (iommufd.fd < 0 || !iommufd.eal_holds) {
		rte_errno = ENODEV;
	} else {
		/* the caller's own fd: its close cannot free EAL's number */
		dup_fd = fcntl(iommufd.fd, F_DUPFD_CLOEXEC, 0);
		if (dup_fd < 0) {
			rte_errno = errno;
		} else {
			iommufd.refs++;
			*fd = dup_fd;
			*ioas_id = iommufd.ioas_id;
			ret = 0;
		}
	}
	pthread_mutex_unlock(&iommufd.lock);
	return ret;
}

void
rte_vfio_cdev_ioas_put(void)
{
	bool last, eal_holds;

	pthread_mutex_lock(&iommufd.lock);
	last = iommufd.refs > 0 && --iommufd.refs == 0;
	eal_holds = iommufd.eal_holds;
	pthread_mutex_unlock(&iommufd.lock);
	if (!last)
		return;
	if (eal_holds)
		eal_iommufd_dma_trim();	/* DPDK's memory, if no device */
	else
		release();
}

void
eal_iommufd_close(void)
{
	unsigned int users;

	if (iommufd.fd < 0 || !iommufd.eal_holds)
		return;
	eal_iommufd_dma_stop();
	pthread_mutex_lock(&iommufd.lock);
	iommufd.eal_holds = false;
	users = iommufd.refs;
	pthread_mutex_unlock(&iommufd.lock);
	if (users == 0) {
		release();
		return;
	}
	/* its users keep the IOAS and what was mapped for them, not
	 * DPDK's memory
	 */
	eal_iommufd_unmap_all(1u << EAL_DMA_RUN | 1u << EAL_DMA_PAGE);
	RTE_LOG(INFO, EAL, "VFIO cdev mode: IOAS %u kept for its %u external user(s)\n",
		iommufd.ioas_id, users);
}
