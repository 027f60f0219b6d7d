/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * cdev mode in VFIO's no-IOMMU mode (Linux 7.3's noiommu-vfioN cdevs; run
 * in the test bed by testbed/tests/noiommu.sh, with a device attached): a
 * device reaches physical addresses, so IOVA is PA, DPDK's memory is in
 * the IOAS at its PA as the kernel's lookup says, and a mapping whose
 * IOVA is not the memory's PA is refused and leaves nothing behind, or,
 * made while no device was attached, keeps a device from attaching.
 * Skipped in any other setup.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_memory.h>
#include <rte_memzone.h>
#include <rte_vfio.h>
#include <rte_vfio_cdev.h>

#include "test.h"
#include "eal_iommufd_uapi.h"

static int iommufd = -1;
static uint32_t ioas_id;

static int
noiommu_setup(void)
{
	if (rte_vfio_mode_get() != RTE_VFIO_MODE_CDEV ||
			rte_vfio_noiommu_is_enabled() != 1)
		return TEST_SKIPPED;
	TEST_ASSERT_EQUAL(rte_eal_iova_mode(), RTE_IOVA_PA,
		"no-IOMMU mode without IOVA as PA");
	TEST_ASSERT_SUCCESS(rte_vfio_cdev_ioas_get(&iommufd, &ioas_id),
		"no IOAS");
	return TEST_SUCCESS;
}

static void
noiommu_teardown(void)
{
	if (iommufd < 0)
		return;
	close(iommufd);
	iommufd = -1;
	rte_vfio_cdev_ioas_put();
}

/* The kernel's answer for iova: 0 and the PA, or -errno. */
static int
kernel_pa(uint64_t iova, uint64_t *pa)
{
	struct iommu_ioas_noiommu_get_pa q = {
		.size = sizeof(q), .ioas_id = ioas_id, .iova = iova,
		.length = 1,
	};

	if (ioctl(iommufd, IOMMU_IOAS_NOIOMMU_GET_PA, &q) < 0)
		return -errno;
	*pa = q.out_phys;
	return 0;
}

/* A memzone's IOVA is its PA, and the IOAS maps it there. */
static int
test_memory_at_pa(void)
{
	const struct rte_memzone *mz;
	uint64_t iova, phys, pa = 0;
	int ret;

	mz = rte_memzone_reserve("noiommu_pa", 4096, SOCKET_ID_ANY, 0);
	TEST_ASSERT_NOT_NULL(mz, "memzone: %s", rte_strerror(rte_errno));
	iova = mz->iova;
	phys = rte_mem_virt2phy(mz->addr);
	ret = kernel_pa(iova, &pa);
	rte_memzone_free(mz);
	TEST_ASSERT_EQUAL(iova, phys, "IOVA 0x%" PRIx64 " is not the PA 0x%"
		PRIx64, iova, phys);
	TEST_ASSERT_SUCCESS(ret, "GET_PA of IOVA 0x%" PRIx64 ": %s", iova,
		strerror(-ret));
	TEST_ASSERT_EQUAL(pa, iova, "IOAS maps IOVA 0x%" PRIx64
		" to PA 0x%" PRIx64, iova, pa);
	return TEST_SUCCESS;
}

/* Two pages of anonymous memory, not physically contiguous, and their
 * PAs; unmapped (2 pages) by the caller. -1 if the test cannot have them.
 */
static int
two_pages(uint8_t **buf, uint64_t *pa0, uint64_t *pa1)
{
	const size_t pg = sysconf(_SC_PAGESIZE);

	*buf = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (*buf == MAP_FAILED)
		return -1;
	*pa0 = rte_mem_virt2phy(*buf);
	*pa1 = rte_mem_virt2phy(*buf + pg);
	if (*pa0 != RTE_BAD_IOVA && *pa1 != RTE_BAD_IOVA && *pa1 != *pa0 + pg)
		return 0;
	munmap(*buf, 2 * pg);
	return -1;
}

/*
 * The application's mappings: at the memory's PA, mapped; at another
 * page's PA, refused, with nothing left at that IOVA in the IOAS.
 */
static int
test_app_mapping_checked(void)
{
	const size_t pg = sysconf(_SC_PAGESIZE);
	uint64_t pa0, pa1, pa = 0;
	uint8_t *buf;
	int ret;

	TEST_ASSERT_SUCCESS(two_pages(&buf, &pa0, &pa1),
		"no two pages apart");
	ret = rte_vfio_container_dma_map(RTE_VFIO_DEFAULT_CONTAINER_FD,
		(uintptr_t)buf, pa0, pg);
	if (ret == 0) {
		ret = kernel_pa(pa0, &pa);
		rte_vfio_container_dma_unmap(RTE_VFIO_DEFAULT_CONTAINER_FD,
			(uintptr_t)buf, pa0, pg);
	}
	if (ret != 0 || pa != pa0) {
		munmap(buf, 2 * pg);
		TEST_ASSERT(0, "map at the PA: %d, PA 0x%" PRIx64, ret, pa);
	}

	/* the first page at the second one's PA */
	ret = rte_vfio_container_dma_map(RTE_VFIO_DEFAULT_CONTAINER_FD,
		(uintptr_t)buf, pa1, pg);
	if (ret == 0)
		rte_vfio_container_dma_unmap(RTE_VFIO_DEFAULT_CONTAINER_FD,
			(uintptr_t)buf, pa1, pg);
	munmap(buf, 2 * pg);
	TEST_ASSERT(ret != 0, "IOVA 0x%" PRIx64 " (another page's PA) mapped",
		pa1);
	ret = kernel_pa(pa1, &pa);
	TEST_ASSERT_EQUAL(ret, -ENOENT,
		"IOVA 0x%" PRIx64 " after the refusal: %d, not ENOENT", pa1, ret);
	return TEST_SUCCESS;
}

/*
 * With no device attached the kernel has nothing to look a mapping up in:
 * it is checked when a device attaches, which is refused while a mapping
 * is at another PA, and goes once that mapping is gone.
 */
static int
test_early_mapping_checked(void)
{
	const size_t pg = sysconf(_SC_PAGESIZE);
	char name[RTE_ETH_NAME_MAX_LEN];
	int mapped, refused, probed;
	uint64_t pa0, pa1;
	uint8_t *buf;

	TEST_ASSERT_SUCCESS(rte_eth_dev_get_name_by_port(0, name),
		"no port 0");
	TEST_ASSERT_SUCCESS(two_pages(&buf, &pa0, &pa1),
		"no two pages apart");
	if (rte_eal_hotplug_remove("pci", name) != 0) {
		munmap(buf, 2 * pg);
		TEST_ASSERT(0, "remove %s", name);
	}
	mapped = rte_vfio_container_dma_map(RTE_VFIO_DEFAULT_CONTAINER_FD,
		(uintptr_t)buf, pa1, pg);
	refused = rte_dev_probe(name) != 0;
	if (mapped == 0)
		rte_vfio_container_dma_unmap(RTE_VFIO_DEFAULT_CONTAINER_FD,
			(uintptr_t)buf, pa1, pg);
	probed = refused ? rte_dev_probe(name) : 0;
	munmap(buf, 2 * pg);
	TEST_ASSERT_SUCCESS(mapped, "with no device attached, mapping refused");
	TEST_ASSERT(refused, "%s attached while IOVA 0x%" PRIx64
		" was at PA 0x%" PRIx64, name, pa1, pa0);
	TEST_ASSERT_SUCCESS(probed, "%s not probed once the mapping went",
		name);
	return TEST_SUCCESS;
}

static struct unit_test_suite noiommu_suite = {
	.suite_name = "VFIO cdev mode, no-IOMMU",
	.unit_test_cases = {
		TEST_CASE_ST(noiommu_setup, noiommu_teardown,
			test_memory_at_pa),
		TEST_CASE_ST(noiommu_setup, noiommu_teardown,
			test_app_mapping_checked),
		TEST_CASE_ST(noiommu_setup, noiommu_teardown,
			test_early_mapping_checked),
		TEST_CASES_END()
	}
};

static int
test_vfio_cdev_noiommu(void)
{
	return unit_test_suite_runner(&noiommu_suite);
}

REGISTER_TEST_COMMAND(vfio_cdev_noiommu_autotest, test_vfio_cdev_noiommu);
