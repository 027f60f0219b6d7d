/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * cdev mode on real devices (run in the QEMU test bed, see
 * testbed/tests/cdev-autotests.sh): the IOAS follows rte_malloc while a
 * port forwards, DMA really goes through the IOAS (unmapping makes the
 * IOMMU fault), the PCI helpers drivers call work, external heaps and
 * external users' mappings are handled as they should, and Rx queue
 * interrupts arrive; memory is mapped by file where the kernel can. Two
 * ports on one segment are named by the environment:
 * VFIO_CDEV_TEST_PORTS="<BDF> <BDF>" (the second one
 * receives; for the interrupt test it must support Rx queue interrupts).
 * Without them (e.g. on a machine with no device) the tests are skipped.
 */

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bus_pci_driver.h>
#include <rte_bus_pci.h>
#include <rte_dev.h>
#include <rte_eal_memconfig.h>
#include <rte_fbarray.h>
#include <rte_epoll.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memory.h>
#include <rte_mempool.h>
#include <rte_vfio.h>
#include <rte_vfio_cdev.h>

#include "test.h"
#include "eal_iommufd.h"
#include "vfio_test_ioas.h"
#include "vfio_test_ports.h"

static uint16_t port_a, port_b;

/* Ports named by VFIO_CDEV_TEST_PORTS; -1 if the test cannot run. */
static int
find_ports(void)
{
	char a[RTE_DEV_NAME_MAX_LEN], b[RTE_DEV_NAME_MAX_LEN];
	const char *env = getenv("VFIO_CDEV_TEST_PORTS");

	if (env == NULL || sscanf(env, "%63s %63s", a, b) != 2 ||
			rte_vfio_mode_get() != RTE_VFIO_MODE_CDEV ||
			rte_eth_dev_get_port_by_name(a, &port_a) != 0 ||
			rte_eth_dev_get_port_by_name(b, &port_b) != 0) {
		printf("no cdev ports (VFIO_CDEV_TEST_PORTS, --vfio-mode=cdev): skipped\n");
		return -1;
	}
	return 0;
}

static int
ports_setup(bool rxq_intr)
{
	if (find_ports() < 0)
		return TEST_SKIPPED;
	TEST_ASSERT_SUCCESS(vfio_test_port_start(port_a, false), "port a");
	TEST_ASSERT_SUCCESS(vfio_test_port_start(port_b, rxq_intr), "port b");
	return TEST_SUCCESS;
}

static int
ports_setup_polled(void)
{
	return ports_setup(false);
}

static int
ports_setup_rxq_intr(void)
{
	return ports_setup(true);
}

static void
ports_teardown(void)
{
	rte_eth_dev_stop(port_a);
	rte_eth_dev_stop(port_b);
}

/* Map ioctls by file so far. */
static uint64_t
file_map_ioctls(void)
{
	struct eal_iommufd_info info;

	if (eal_iommufd_info_get(&info) < 0)
		return 0;
	free(info.ranges);
	return info.nb_file_map_ioctls;
}

/*
 * While a worker forwards, 64 MiB allocated with rte_malloc are mapped in
 * the IOAS (page by page, by file if VFIO_CDEV_TEST_MAP_BY is "file") and
 * unmapped again once freed; forwarding goes on.
 */
static int
test_malloc_follows(void)
{
	const size_t size = 64 << 20;
	uint64_t maps0, len0, maps1, len1, maps2, len2, before, by_file;
	const char *want = getenv("VFIO_CDEV_TEST_MAP_BY");
	struct rte_malloc_socket_stats heap0, heap1;
	void *p;

	TEST_ASSERT_SUCCESS(vfio_test_forward_start(port_a, port_b),
		"needs a worker lcore (-l 0-1)");

	eal_iommufd_stats(&maps0, &len0);
	rte_malloc_get_socket_stats(rte_socket_id(), &heap0);
	before = vfio_test_forwarded();
	by_file = file_map_ioctls();
	p = rte_malloc("vfio_cdev_test", size, 0);
	TEST_ASSERT_NOT_NULL(p, "rte_malloc of 64 MiB");
	memset(p, 0x5a, size);
	eal_iommufd_stats(&maps1, &len1);
	by_file = file_map_ioctls() - by_file;
	rte_malloc_get_socket_stats(rte_socket_id(), &heap1);
	TEST_ASSERT(heap1.heap_totalsz_bytes > heap0.heap_totalsz_bytes,
		"the heap did not grow: this test needs dynamic memory (no -m, no --legacy-mem)");
	rte_free(p);
	eal_iommufd_stats(&maps2, &len2);
	vfio_test_forwarded_beyond(before, VFIO_TEST_DEADLINE_MS);
	vfio_test_forward_stop();

	printf("IOAS: %" PRIu64 " bytes in %" PRIu64 " mappings; after rte_malloc: %" PRIu64 " in %" PRIu64 " (%" PRIu64 " by file); after rte_free: %" PRIu64 " in %" PRIu64 "; %" PRIu64 " packets forwarded meanwhile\n",
		len0, maps0, len1, maps1, by_file, len2, maps2,
		vfio_test_forwarded() - before);
	TEST_ASSERT(len1 >= len0 + size, "the new memory is not mapped");
	if (want != NULL && strcmp(want, "file") == 0)
		TEST_ASSERT_EQUAL(by_file, maps1 - maps0,
			"new pages not mapped by file");
	else
		TEST_ASSERT_EQUAL(by_file, 0, "new pages mapped by file");
	TEST_ASSERT_EQUAL(len2, len0, "freed memory is still mapped");
	TEST_ASSERT_EQUAL(maps2, maps0, "mapping count did not come back");
	TEST_ASSERT(vfio_test_forwarded() > before, "forwarding stopped");
	return TEST_SUCCESS;
}

struct page_list {
	uint64_t iova[VFIO_TEST_NB_MBUF];
	uint64_t len[VFIO_TEST_NB_MBUF];
	unsigned int n;
};

/* The distinct memseg pages that back the pool's objects. */
static void
collect_pages(struct rte_mempool *mp __rte_unused, void *arg,
		struct rte_mempool_memhdr *hdr, unsigned int idx __rte_unused)
{
	struct page_list *pl = arg;
	const struct rte_memseg *ms;
	size_t off;

	for (off = 0; off < hdr->len; off += ms->len) {
		ms = rte_mem_virt2memseg(RTE_PTR_ADD(hdr->addr, off), NULL);
		if (ms == NULL)
			return;
		if (pl->n > 0 && pl->iova[pl->n - 1] == ms->iova)
			continue;
		pl->iova[pl->n] = ms->iova;
		pl->len[pl->n] = ms->len;
		pl->n++;
		off = RTE_PTR_DIFF(ms->addr, hdr->addr);
	}
}

/*
 * DMA goes through the IOAS: unmap the pages holding the packet buffers
 * under running ports, and the IOMMU refuses the NICs' DMA (the guest
 * logs a DMAR fault, which the runner is told to expect) and no frame
 * arrives; map them back, and frames flow again. EAL refuses to unmap its
 * own memory, so this goes behind its back, through the external-user
 * API, and puts everything back as it was.
 */
static int
test_dma_fault(void)
{
	static struct page_list pages;
	unsigned int i, got;
	uint32_t ioas;
	int fd;

	got = vfio_test_send_until_received(port_a, port_b,
		VFIO_TEST_DEADLINE_MS);
	printf("mapped: %u frames received\n", got);
	TEST_ASSERT(got > 0, "no frame before the unmap");

	pages.n = 0;
	rte_mempool_mem_iter(vfio_test_pool(), collect_pages, &pages);
	TEST_ASSERT(pages.n > 0, "no page behind the pool");
	TEST_ASSERT_EQUAL(eal_iommufd_dma_unmap(pages.iova[0], pages.iova[0],
		pages.len[0]), -1, "EAL let DPDK's own memory be unmapped");
	TEST_ASSERT_EQUAL(rte_errno, EPERM, "refused for another reason");
	TEST_ASSERT_SUCCESS(rte_vfio_cdev_ioas_get(&fd, &ioas), "IOAS get");
	for (i = 0; i < pages.n; i++)
		TEST_ASSERT_SUCCESS(vfio_test_raw_unmap(fd, ioas, pages.iova[i],
			pages.len[i]), "unmap page %u", i);

	/* an absence: a window is what it takes */
	vfio_test_send(port_a, VFIO_TEST_BURST);
	got = vfio_test_receive(port_b, 500);
	printf("%u pages unmapped: %u frames received intact\n", pages.n, got);

	for (i = 0; i < pages.n; i++)
		TEST_ASSERT_SUCCESS(vfio_test_raw_map(fd, ioas, pages.iova[i],
			pages.iova[i], pages.len[i]), "map page %u back", i);
	rte_vfio_cdev_ioas_put();
	close(fd);
	TEST_ASSERT_EQUAL(got, 0, "frames arrived with their buffers unmapped");

	/* the NICs may have given up on the failed DMA: restart them */
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(port_a), "stop a");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(port_b), "stop b");
	TEST_ASSERT_SUCCESS(rte_eth_dev_start(port_a), "start a");
	TEST_ASSERT_SUCCESS(rte_eth_dev_start(port_b), "start b");
	got = vfio_test_send_until_received(port_a, port_b,
		VFIO_TEST_DEADLINE_MS);
	printf("mapped back: %u frames received\n", got);
	TEST_ASSERT(got > 0, "no frame after mapping back");
	return TEST_SUCCESS;
}

/* An Rx queue interrupt wakes the waiter when a frame arrives, not before. */
static int
test_rxq_intr(void)
{
	struct rte_epoll_event ev;
	int n;

	TEST_ASSERT_SUCCESS(rte_eth_dev_rx_intr_ctl_q(port_b, 0,
		RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_ADD, NULL),
		"add Rx queue interrupt to the epoll set");
	vfio_test_receive(port_b, 100);
	TEST_ASSERT_SUCCESS(rte_eth_dev_rx_intr_enable(port_b, 0),
		"enable Rx queue interrupt");
	n = rte_epoll_wait(RTE_EPOLL_PER_THREAD, &ev, 1, 300);
	TEST_ASSERT_EQUAL(n, 0, "interrupt without a frame");

	vfio_test_send(port_a, 1);
	n = rte_epoll_wait(RTE_EPOLL_PER_THREAD, &ev, 1, 5000);
	rte_eth_dev_rx_intr_disable(port_b, 0);
	printf("epoll after one frame: %d event(s)\n", n);
	TEST_ASSERT_EQUAL(n, 1, "no Rx queue interrupt for the frame");
	TEST_ASSERT(vfio_test_receive_until(port_b, 1, VFIO_TEST_DEADLINE_MS) > 0,
		"the frame is not there");
	rte_eth_dev_rx_intr_ctl_q(port_b, 0, RTE_EPOLL_PER_THREAD,
		RTE_INTR_EVENT_DEL, NULL);
	return TEST_SUCCESS;
}

/*
 * The PCI helpers drivers call themselves, on a cdev e1000e: config space
 * and its I/O port BAR (IOADDR/IODATA reach the registers indirectly: the
 * STATUS register read that way equals the one read through the mapped
 * BAR0). Both go through the device fd pci_vfio.c put in the interrupt
 * handle, in both modes.
 */
#define E1000_IO_BAR 2
#define E1000_STATUS 0x8

static int
test_pci_helpers(void)
{
	struct rte_eth_dev_info info;
	struct rte_pci_device *pci;
	struct rte_pci_ioport io;
	uint32_t reg = E1000_STATUS, via_io, via_mmio;
	uint16_t vendor;

	TEST_ASSERT_SUCCESS(rte_eth_dev_info_get(port_a, &info), "dev info");
	pci = RTE_DEV_TO_PCI(info.device);
	TEST_ASSERT_EQUAL(rte_pci_read_config(pci, &vendor, sizeof(vendor), 0),
		(int)sizeof(vendor), "config space read");
	TEST_ASSERT_EQUAL(vendor, pci->id.vendor_id, "vendor ID %#x", vendor);

	TEST_ASSERT_SUCCESS(rte_pci_ioport_map(pci, E1000_IO_BAR, &io),
		"map I/O port BAR");
	rte_pci_ioport_write(&io, &reg, sizeof(reg), 0);
	rte_pci_ioport_read(&io, &via_io, sizeof(via_io), 4);
	rte_pci_ioport_unmap(&io);	/* -1 for vfio-pci, in group mode too */
	via_mmio = *(volatile uint32_t *)RTE_PTR_ADD(pci->mem_resource[0].addr,
		E1000_STATUS);
	printf("STATUS through the I/O port BAR %#x, through BAR0 %#x\n",
		via_io, via_mmio);
	TEST_ASSERT_EQUAL(via_io, via_mmio, "I/O port access reads another value");
	return TEST_SUCCESS;
}

/*
 * An external user gets the iommufd (its own duplicate) and IOAS, with a
 * reference per get, maps and unmaps its own memory in it, and puts its
 * references; a put too many does nothing; closing its fd leaves EAL's.
 */
static int
test_ioas_user(void)
{
	const size_t len = 2 << 20;
	uint32_t ioas, ioas2;
	int fd, fd2;
	void *mem;

	TEST_ASSERT_SUCCESS(rte_vfio_cdev_ioas_get(&fd, &ioas), "get");
	TEST_ASSERT_SUCCESS(rte_vfio_cdev_ioas_get(&fd2, &ioas2), "get again");
	TEST_ASSERT(ioas == ioas2 && ioas == eal_iommufd_ioas_id(),
		"two gets, two IOAS");
	TEST_ASSERT(fd != fd2 && fd != eal_iommufd_fd() &&
		fd2 != eal_iommufd_fd(), "EAL's own fd handed out");
	TEST_ASSERT(fcntl(fd, F_GETFD) & FD_CLOEXEC, "not close-on-exec");

	mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	TEST_ASSERT(mem != MAP_FAILED, "mmap");
	TEST_ASSERT_SUCCESS(vfio_test_raw_map(fd, ioas, (uintptr_t)mem, (uintptr_t)mem,
		len), "the user maps its memory");
	TEST_ASSERT_EQUAL(vfio_test_raw_map(fd2, ioas, (uintptr_t)mem, (uintptr_t)mem,
		len), -EEXIST, "the kernel does not see the mapping");
	TEST_ASSERT_SUCCESS(vfio_test_raw_unmap(fd, ioas, (uintptr_t)mem, len),
		"the user unmaps its memory");
	munmap(mem, len);

	close(fd);
	close(fd2);
	rte_vfio_cdev_ioas_put();
	rte_vfio_cdev_ioas_put();
	rte_vfio_cdev_ioas_put();	/* one too many: nothing happens */
	TEST_ASSERT(fcntl(eal_iommufd_fd(), F_GETFD) >= 0,
		"EAL's iommufd was closed");
	TEST_ASSERT_SUCCESS(rte_vfio_cdev_ioas_get(&fd, &ioas), "get after");
	rte_vfio_cdev_ioas_put();
	close(fd);
	return TEST_SUCCESS;
}

/*
 * External memory (rte_extmem_register) mapped for DMA with
 * rte_dev_dma_map() and with rte_vfio_container_dma_map() on the default
 * container: both reach the IOAS (the kernel sees the mapping: mapping the
 * same IOVA again behind EAL's back fails with EEXIST). Unmapping part of
 * a mapping, or DPDK's own memory, is refused.
 */
static int
test_extmem(void)
{
	const size_t page = 4096, len = 64 * page;
	uint64_t maps0, len0, maps, mapped;
	struct rte_eth_dev_info info;
	uint64_t va;
	uint32_t ioas;
	void *mem;
	int fd;

	TEST_ASSERT_SUCCESS(rte_eth_dev_info_get(port_a, &info), "dev info");
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	TEST_ASSERT(mem != MAP_FAILED, "mmap");
	va = (uintptr_t)mem;
	TEST_ASSERT_SUCCESS(rte_extmem_register(mem, len, NULL, 0, page),
		"extmem register");
	TEST_ASSERT_SUCCESS(rte_vfio_cdev_ioas_get(&fd, &ioas), "IOAS get");
	eal_iommufd_stats(&maps0, &len0);

	TEST_ASSERT_SUCCESS(rte_dev_dma_map(info.device, mem, va, len),
		"rte_dev_dma_map");
	eal_iommufd_stats(&maps, &mapped);
	TEST_ASSERT(maps == maps0 + 1 && mapped == len0 + len, "not recorded");
	TEST_ASSERT_EQUAL(vfio_test_raw_map(fd, ioas, va, va, page), -EEXIST,
		"the kernel has no mapping there");
	TEST_ASSERT_SUCCESS(rte_dev_dma_map(info.device, mem, va, len),
		"the same mapping again is no error");
	TEST_ASSERT_FAIL(rte_dev_dma_unmap(info.device, mem, va, len / 2),
		"half a mapping was unmapped");
	TEST_ASSERT_EQUAL(rte_errno, EINVAL, "refused for another reason");
	/* the right IOVA from another VA: not what was mapped */
	TEST_ASSERT_FAIL(rte_vfio_container_dma_unmap(
		RTE_VFIO_DEFAULT_CONTAINER_FD, va + page, va, len),
		"unmapped with another VA");
	TEST_ASSERT_EQUAL(rte_errno, EINVAL, "refused for another reason");
	TEST_ASSERT_SUCCESS(rte_dev_dma_unmap(info.device, mem, va, len),
		"rte_dev_dma_unmap");
	TEST_ASSERT_SUCCESS(vfio_test_raw_map(fd, ioas, va, va, page),
		"the kernel still has a mapping there");
	TEST_ASSERT_SUCCESS(vfio_test_raw_unmap(fd, ioas, va, page), "raw unmap");

	TEST_ASSERT_SUCCESS(rte_vfio_container_dma_map(
		RTE_VFIO_DEFAULT_CONTAINER_FD, va, va, len),
		"rte_vfio_container_dma_map");
	TEST_ASSERT_EQUAL(vfio_test_raw_map(fd, ioas, va, va, page), -EEXIST,
		"the kernel has no mapping there");
	TEST_ASSERT_SUCCESS(rte_vfio_container_dma_unmap(
		RTE_VFIO_DEFAULT_CONTAINER_FD, va, va, len),
		"rte_vfio_container_dma_unmap");
	eal_iommufd_stats(&maps, &mapped);
	TEST_ASSERT(maps == maps0 && mapped == len0, "not back as it was");

	rte_vfio_cdev_ioas_put();
	close(fd);
	TEST_ASSERT_SUCCESS(rte_extmem_unregister(mem, len), "unregister");
	munmap(mem, len);
	return TEST_SUCCESS;
}

/*
 * An external heap (rte_malloc_heap_memory_add() with IOVAs, what
 * testpmd --mp-alloc=xmemhuge does) is mapped in the IOAS when it is
 * added and unmapped when it is removed, as group mode maps it: the
 * kernel sees the mapping come and go. External memory that is not a
 * heap (rte_extmem_register()) stays the application's to map.
 */
static int
test_external_heap(void)
{
	const size_t page = 4096, len = 64 * page;
	rte_iova_t iovas[64];
	uint64_t maps0, len0, maps, mapped;
	unsigned int i;
	uint32_t ioas;
	void *mem;
	int fd;

	mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	TEST_ASSERT(mem != MAP_FAILED, "mmap");
	for (i = 0; i < RTE_DIM(iovas); i++)
		iovas[i] = (uintptr_t)mem + i * page;	/* IOVA as VA */
	TEST_ASSERT_SUCCESS(rte_vfio_cdev_ioas_get(&fd, &ioas), "IOAS get");
	eal_iommufd_stats(&maps0, &len0);

	TEST_ASSERT_SUCCESS(rte_extmem_register(mem, len, NULL, 0, page),
		"extmem register");
	eal_iommufd_stats(&maps, &mapped);
	TEST_ASSERT(maps == maps0 && mapped == len0,
		"memory without a heap was mapped");
	TEST_ASSERT_SUCCESS(rte_extmem_unregister(mem, len), "unregister");

	TEST_ASSERT_SUCCESS(rte_malloc_heap_create("vfio_cdev_xheap"),
		"heap create");
	TEST_ASSERT_SUCCESS(rte_malloc_heap_memory_add("vfio_cdev_xheap", mem,
		len, iovas, RTE_DIM(iovas), page), "heap memory add");
	eal_iommufd_stats(&maps, &mapped);
	printf("IOAS: %" PRIu64 " bytes in %" PRIu64 " mappings; with the external heap: %" PRIu64 " in %" PRIu64 "\n",
		len0, maps0, mapped, maps);
	TEST_ASSERT_EQUAL(mapped, len0 + len, "the external heap is not mapped");
	TEST_ASSERT_EQUAL(vfio_test_raw_map(fd, ioas, iovas[5], iovas[5], page), -EEXIST,
		"the kernel has no mapping of the external heap");

	TEST_ASSERT_SUCCESS(rte_malloc_heap_memory_remove("vfio_cdev_xheap",
		mem, len), "heap memory remove");
	eal_iommufd_stats(&maps, &mapped);
	TEST_ASSERT(maps == maps0 && mapped == len0,
		"the removed external heap is still mapped");
	TEST_ASSERT_SUCCESS(vfio_test_raw_map(fd, ioas, iovas[5], iovas[5], page),
		"the kernel still maps the removed external heap");
	TEST_ASSERT_SUCCESS(vfio_test_raw_unmap(fd, ioas, iovas[5], page), "raw unmap");
	TEST_ASSERT_SUCCESS(rte_malloc_heap_destroy("vfio_cdev_xheap"),
		"heap destroy");
	rte_vfio_cdev_ioas_put();
	close(fd);
	munmap(mem, len);
	return TEST_SUCCESS;
}

/*
 * Unmapping goes area by area: an application unmapping two of its
 * mappings with one call over the gap between them leaves alone what an
 * external user of the IOAS mapped in that gap.
 */
static int
test_unmap_spares_gap(void)
{
	const size_t part = 64 * 1024;
	uint64_t a, b, c;
	uint32_t ioas;
	void *mem;
	int fd;

	mem = mmap(NULL, 3 * part, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	TEST_ASSERT(mem != MAP_FAILED, "mmap");
	a = (uintptr_t)mem;
	b = a + part;
	c = b + part;
	TEST_ASSERT_SUCCESS(rte_vfio_cdev_ioas_get(&fd, &ioas), "IOAS get");
	TEST_ASSERT_SUCCESS(eal_iommufd_dma_map(a, a, part), "map a");
	TEST_ASSERT_SUCCESS(eal_iommufd_dma_map(c, c, part), "map c");
	TEST_ASSERT_SUCCESS(vfio_test_raw_map(fd, ioas, b, b, part),
		"the external user maps b in the gap");

	TEST_ASSERT_SUCCESS(eal_iommufd_dma_unmap(a, a, 3 * part),
		"unmap a and c with one call");
	TEST_ASSERT_EQUAL(vfio_test_raw_map(fd, ioas, b, b, part), -EEXIST,
		"the external user's mapping in the gap was unmapped");
	TEST_ASSERT_SUCCESS(vfio_test_raw_map(fd, ioas, a, a, part), "a still mapped");
	TEST_ASSERT_SUCCESS(vfio_test_raw_map(fd, ioas, c, c, part), "c still mapped");
	TEST_ASSERT_SUCCESS(vfio_test_raw_unmap(fd, ioas, a, 3 * part), "clean up");
	rte_vfio_cdev_ioas_put();
	close(fd);
	munmap(mem, 3 * part);
	return TEST_SUCCESS;
}

/* The first 2 MiB page of DPDK's memory no segment uses yet. */
static int
first_free_page(const struct rte_memseg_list *msl, void *arg)
{
	uint64_t *va = arg;
	int idx;

	if (msl->external || msl->page_sz != RTE_PGSIZE_2M)
		return 0;
	/* the walk gives the list const, the fbarray call takes it not */
	idx = rte_fbarray_find_next_free(
		(struct rte_fbarray *)(uintptr_t)&msl->memseg_arr, 0);
	if (idx < 0)
		return 0;
	*va = (uintptr_t)RTE_PTR_ADD(msl->base_va, (size_t)idx * msl->page_sz);
	return 1;
}

/*
 * An application maps its memory at an IOVA that DPDK then uses for a
 * page it allocates (IOVA as VA): the page cannot be mapped (logged), and
 * freeing it must not unmap the application's mapping, which is not
 * EAL's.
 */
static int
test_free_spares_user_mapping(void)
{
	const size_t page = RTE_PGSIZE_2M;
	void *mem, *held[64] = { NULL };
	const struct rte_memseg *ms;
	bool used = false, kept;
	unsigned int i, n;
	uint64_t iova = 0;
	uint32_t ioas;
	int fd;

	rte_mcfg_mem_read_lock();
	rte_memseg_list_walk_thread_unsafe(first_free_page, &iova);
	rte_mcfg_mem_read_unlock();
	if (iova == 0 || rte_eal_iova_mode() != RTE_IOVA_VA) {
		printf("no free 2 MiB page with IOVA as VA (dynamic memory): skipped\n");
		return TEST_SKIPPED;
	}
	mem = mmap(NULL, page, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	TEST_ASSERT(mem != MAP_FAILED, "mmap");
	TEST_ASSERT_SUCCESS(eal_iommufd_dma_map((uintptr_t)mem, iova, page),
		"the application maps at 0x%" PRIx64, iova);

	/* allocate until DPDK uses the page at that address */
	for (n = 0; n < RTE_DIM(held) && !used; n++) {
		held[n] = rte_malloc(NULL, page / 2, 0);
		ms = rte_mem_virt2memseg((void *)(uintptr_t)iova, NULL);
		used = ms != NULL && ms->addr != NULL;
	}
	for (i = 0; i < n; i++)
		rte_free(held[i]);
	TEST_ASSERT_SUCCESS(rte_vfio_cdev_ioas_get(&fd, &ioas), "IOAS get");
	kept = vfio_test_raw_map(fd, ioas, (uintptr_t)mem, iova, page) ==
		-EEXIST;
	rte_vfio_cdev_ioas_put();
	close(fd);
	printf("DPDK allocated the page at 0x%" PRIx64 " after %u allocations and freed it: the application's mapping %s\n",
		iova, n, kept ? "stays" : "is gone");
	TEST_ASSERT(used, "DPDK never allocated the page");
	TEST_ASSERT(kept,
		"freeing DPDK's page unmapped the application's mapping");
	TEST_ASSERT_SUCCESS(eal_iommufd_dma_unmap((uintptr_t)mem, iova, page),
		"the application unmaps its mapping");
	munmap(mem, page);
	return TEST_SUCCESS;
}

/*
 * The IOAS outlives rte_eal_cleanup() while an external user holds it;
 * its last put closes EAL's iommufd (the user's duplicate is the
 * user's), and a put after that is harmless. This ends EAL: run it last,
 * alone.
 */
static int
test_ioas_cleanup(void)
{
	const size_t len = 2 << 20;
	uint32_t ioas;
	void *mem;
	int fd;

	if (rte_vfio_mode_get() != RTE_VFIO_MODE_CDEV ||
			rte_vfio_cdev_ioas_get(&fd, &ioas) < 0) {
		printf("no IOAS (cdev mode with a device): skipped\n");
		return TEST_SKIPPED;
	}
	rte_eal_cleanup();
	TEST_ASSERT(eal_iommufd_fd() >= 0,
		"the iommufd was closed under its user");
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	TEST_ASSERT(mem != MAP_FAILED, "mmap");
	TEST_ASSERT_SUCCESS(vfio_test_raw_map(fd, ioas, (uintptr_t)mem,
		(uintptr_t)mem, len), "the IOAS is gone after cleanup");
	TEST_ASSERT_SUCCESS(vfio_test_raw_unmap(fd, ioas, (uintptr_t)mem, len),
		"unmap");
	printf("after rte_eal_cleanup(): IOAS %u still usable\n", ioas);
	rte_vfio_cdev_ioas_put();
	TEST_ASSERT(eal_iommufd_fd() < 0,
		"the last put did not close the iommufd");
	rte_vfio_cdev_ioas_put();	/* after everything: harmless */
	close(fd);
	munmap(mem, len);
	return TEST_SUCCESS;
}

/* DPDK's own pages (never freed) and whether each has a file of its own. */
struct own_pages {
	uint64_t nb;
	uint64_t nb_sharing;	/* with the page before them */
	int last_fd;
};

static int
count_own_page(const struct rte_memseg_list *msl,
		const struct rte_memseg *ms, void *arg)
{
	struct own_pages *op = arg;
	int fd;

	if (msl->external || !(ms->flags & RTE_MEMSEG_FLAG_DO_NOT_FREE))
		return 0;
	fd = rte_memseg_get_fd_thread_unsafe(ms);
	op->nb++;
	op->nb_sharing += fd >= 0 && fd == op->last_fd;
	op->last_fd = fd;
	return 0;
}

/*
 * DPDK's memory preallocated (-m) is mapped in runs, one ioctl each, as
 * VFIO_CDEV_TEST_MAP_BY says the kernel and options have it: "file"
 * (IOMMU_IOAS_MAP_FILE) for a run that is one piece of one file
 * (--single-file-segments), by address for a run of a file per page
 * (DPDK's default); "address", none by file. Then DMA goes on through
 * what was mapped: frames are forwarded.
 */
static int
test_map_by(void)
{
	const char *want = getenv("VFIO_CDEV_TEST_MAP_BY");
	struct own_pages op = { .last_fd = -1 };
	struct eal_iommufd_info info;
	uint64_t before;
	bool by_file;

	TEST_ASSERT(want != NULL && (strcmp(want, "file") == 0 ||
		strcmp(want, "address") == 0),
		"VFIO_CDEV_TEST_MAP_BY=file|address says what to expect");
	by_file = strcmp(want, "file") == 0;
	rte_memseg_walk(count_own_page, &op);
	TEST_ASSERT(op.nb > 1, "needs memory preallocated (-m)");
	TEST_ASSERT_SUCCESS(eal_iommufd_info_get(&info), "no IOAS");
	free(info.ranges);
	printf("mapped by %s: %" PRIu64 " mappings, %" PRIu64 " map ioctls, %" PRIu64 " by file; %" PRIu64 " pages, %" PRIu64 " sharing a file\n",
		info.map_file ? "file" : "address", info.nb_areas,
		info.nb_map_ioctls, info.nb_file_map_ioctls, op.nb,
		op.nb_sharing);
	TEST_ASSERT_EQUAL(info.map_file, by_file, "mapped by %s, not %s",
		info.map_file ? "file" : "address", want);
	TEST_ASSERT(info.nb_areas < op.nb, "the pages were not mapped in runs");
	TEST_ASSERT_EQUAL(info.nb_map_ioctls, info.nb_areas,
		"not one ioctl per run");
	if (by_file && op.nb_sharing > 0)
		TEST_ASSERT_EQUAL(info.nb_file_map_ioctls, info.nb_areas,
			"a run of one file not mapped by file");
	else
		TEST_ASSERT_EQUAL(info.nb_file_map_ioctls, 0,
			"a run mapped by file in pieces");

	TEST_ASSERT_SUCCESS(vfio_test_forward_start(port_a, port_b),
		"needs a worker lcore (-l 0-1)");
	before = vfio_test_forwarded();
	vfio_test_forwarded_beyond(before, VFIO_TEST_DEADLINE_MS);
	vfio_test_forward_stop();
	TEST_ASSERT(vfio_test_forwarded() > before, "nothing forwarded");
	return TEST_SUCCESS;
}

static struct unit_test_suite dma_suite = {
	.suite_name = "vfio_cdev DMA",
	.unit_test_cases = {
		TEST_CASE_ST(ports_setup_polled, ports_teardown,
			test_malloc_follows),
		TEST_CASE_ST(ports_setup_polled, ports_teardown, test_dma_fault),
		TEST_CASE_ST(ports_setup_polled, ports_teardown,
			test_pci_helpers),
		TEST_CASE_ST(ports_setup_polled, ports_teardown, test_ioas_user),
		TEST_CASE_ST(ports_setup_polled, ports_teardown, test_extmem),
		TEST_CASE_ST(ports_setup_polled, ports_teardown,
			test_external_heap),
		TEST_CASE_ST(ports_setup_polled, ports_teardown,
			test_unmap_spares_gap),
		TEST_CASE_ST(ports_setup_polled, ports_teardown,
			test_free_spares_user_mapping),
		TEST_CASES_END()
	}
};

static struct unit_test_suite intr_suite = {
	.suite_name = "vfio_cdev interrupts",
	.unit_test_cases = {
		TEST_CASE_ST(ports_setup_rxq_intr, ports_teardown, test_rxq_intr),
		TEST_CASES_END()
	}
};

static struct unit_test_suite map_by_suite = {
	.suite_name = "vfio_cdev DMA mapping by file or address",
	.unit_test_cases = {
		TEST_CASE_ST(ports_setup_polled, ports_teardown, test_map_by),
		TEST_CASES_END()
	}
};

static struct unit_test_suite cleanup_suite = {
	.suite_name = "vfio_cdev IOAS after cleanup",
	.unit_test_cases = {
		TEST_CASE(test_ioas_cleanup),
		TEST_CASES_END()
	}
};

/* EAL is gone once this has run: dpdk-test's own way out (timers,
 * rte_eal_cleanup()) would use it, so the process ends here, with the
 * verdict dpdk-test would print and its exit status.
 */
static int
test_vfio_cdev_ioas_cleanup(void)
{
	int ret = unit_test_suite_runner(&cleanup_suite);

	printf("%s\n", ret == 0 ? "Test OK" : "Test Failed");
	fflush(stdout);
	_exit(ret == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}

static int
test_vfio_cdev_dma(void)
{
	return unit_test_suite_runner(&dma_suite);
}

static int
test_vfio_cdev_map_by(void)
{
	return unit_test_suite_runner(&map_by_suite);
}

static int
test_vfio_cdev_intr(void)
{
	return unit_test_suite_runner(&intr_suite);
}

REGISTER_TEST_COMMAND(vfio_cdev_dma_autotest, test_vfio_cdev_dma);
REGISTER_TEST_COMMAND(vfio_cdev_intr_autotest, test_vfio_cdev_intr);
REGISTER_TEST_COMMAND(vfio_cdev_map_by_autotest, test_vfio_cdev_map_by);
REGISTER_TEST_COMMAND(vfio_cdev_ioas_cleanup_autotest,
	test_vfio_cdev_ioas_cleanup);
