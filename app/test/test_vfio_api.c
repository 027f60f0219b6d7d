/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * EAL's VFIO interface as other DPDK components use it (vhost's async
 * copy, vdpa/ifc and vdpa/sfc, crypto/bcmfs), the same in both modes:
 * testbed/tests/vfio-api.sh runs this in group mode, the reference, and
 * in cdev mode. On the test bed's NICs, named by the environment:
 * VFIO_CDEV_TEST_PORTS="<BDF> <BDF>" (the first sends, the second
 * receives) and VFIO_API_OWN_DEVICE="<BDF>", a device left out with -a
 * for a container of the application's own, whose driver does no DMA
 * before it is started (the container takes mappings only once the
 * device is in it).
 *
 * vfio_api_autotest (with preallocated memory, -m):
 * - VFIO is enabled, for EAL's users that ask rte_vfio_is_enabled();
 * - a NIC receives into application memory mapped only with
 *   rte_vfio_container_dma_map() on the default container;
 * - a device whose group the application bound to a container of its own
 *   (rte_vfio_container_create(), rte_vfio_container_group_bind()) is
 *   probed into that container and receives into DPDK memory the
 *   application mapped there;
 * - rte_vfio_get_container_fd(): the container in group mode; in cdev
 *   mode, which has none, -1 and one line saying so.
 * vfio_api_hold_autotest (with dynamic memory): an rte_malloc() that
 * grows the heap completes while another thread's rte_dev_dma_map() is
 * held inside its map ioctl (vfio_fault_inject.h), as pinning a large
 * buffer would hold it.
 */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <bus_pci_driver.h>
#include <rte_bus_pci.h>
#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memory.h>
#include <rte_vfio.h>
#include <rte_vfio_cdev.h>

#include "test.h"
#include "vfio_fault_inject.h"
#include "vfio_test_ports.h"

/* Long enough for anything but a thread that waits for ever. */
#define DEADLINE_MS 60000

static uint16_t port_tx, port_rx;
static char own_bdf[RTE_DEV_NAME_MAX_LEN];

static int
ports_setup(void)
{
	char a[RTE_DEV_NAME_MAX_LEN], b[RTE_DEV_NAME_MAX_LEN];
	const char *env = getenv("VFIO_CDEV_TEST_PORTS");

	if (env == NULL || sscanf(env, "%63s %63s", a, b) != 2 ||
			rte_eth_dev_get_port_by_name(a, &port_tx) != 0 ||
			rte_eth_dev_get_port_by_name(b, &port_rx) != 0) {
		printf("no ports (VFIO_CDEV_TEST_PORTS): skipped\n");
		return TEST_SKIPPED;
	}
	return vfio_test_port_start(port_tx, false);
}

static void
ports_teardown(void)
{
	rte_eth_dev_stop(port_tx);
	rte_eth_dev_stop(port_rx);
}

static int
test_enabled(void)
{
	TEST_ASSERT_EQUAL(rte_vfio_is_enabled("vfio"), 1,
		"rte_vfio_is_enabled(\"vfio\") is not 1");
	TEST_ASSERT_EQUAL(rte_vfio_is_enabled("vfio_pci"), 1,
		"rte_vfio_is_enabled(\"vfio_pci\") is not 1");
	TEST_ASSERT_EQUAL(rte_vfio_noiommu_is_enabled(), 0,
		"no-IOMMU mode on a host with an IOMMU");
	printf("%s mode: VFIO enabled\n",
		rte_vfio_mode_name(rte_vfio_mode_get()));
	return TEST_SUCCESS;
}

/* An mbuf pool in application memory, IOVA as VA. */
static struct rte_mempool *
ext_pool_create(void *mem, size_t len)
{
	struct rte_mempool *mp;

	mp = rte_mempool_create_empty("vfio_api_ext", 1024,
		sizeof(struct rte_mbuf) + RTE_MBUF_DEFAULT_BUF_SIZE, 0,
		sizeof(struct rte_pktmbuf_pool_private), SOCKET_ID_ANY, 0);
	if (mp == NULL)
		return NULL;
	if (rte_mempool_set_ops_byname(mp, "ring_mp_mc", NULL) != 0)
		goto fail;
	rte_pktmbuf_pool_init(mp, NULL);
	if (rte_mempool_populate_iova(mp, mem, (uintptr_t)mem, len, NULL,
			NULL) <= 0)
		goto fail;
	rte_mempool_obj_iter(mp, rte_pktmbuf_init, NULL);
	return mp;
fail:
	rte_mempool_free(mp);
	return NULL;
}

/*
 * What vhost's async copy and the vDPA drivers do with guest memory: map
 * memory of their own for DMA on the default container. A NIC then
 * receives into it; without the mapping its DMA would fault.
 */
static int
test_default_container_dma(void)
{
	const size_t len = 8 << 20;
	struct rte_mempool *mp;
	unsigned int got;
	void *mem;
	int ret;

	mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	TEST_ASSERT(mem != MAP_FAILED, "mmap");
	TEST_ASSERT_SUCCESS(rte_extmem_register(mem, len, NULL, 0, 4096),
		"extmem register");
	TEST_ASSERT_SUCCESS(rte_vfio_container_dma_map(
		RTE_VFIO_DEFAULT_CONTAINER_FD, (uintptr_t)mem, (uintptr_t)mem,
		len), "rte_vfio_container_dma_map");
	mp = ext_pool_create(mem, len);
	TEST_ASSERT_NOT_NULL(mp, "pool in application memory");

	ret = vfio_test_port_start_pool(port_rx, false, mp);
	got = vfio_test_send_until_received(port_tx, port_rx, DEADLINE_MS);
	printf("received into memory mapped with rte_vfio_container_dma_map(): %u frame(s)\n",
		got);

	/* the queue gives its mbufs back (e1000 does at stop) before the
	 * pool and the mapping go
	 */
	rte_eth_dev_stop(port_rx);
	vfio_test_port_start(port_rx, false);
	rte_eth_dev_stop(port_rx);
	rte_mempool_free(mp);
	TEST_ASSERT_SUCCESS(rte_vfio_container_dma_unmap(
		RTE_VFIO_DEFAULT_CONTAINER_FD, (uintptr_t)mem, (uintptr_t)mem,
		len), "rte_vfio_container_dma_unmap");
	TEST_ASSERT_SUCCESS(rte_extmem_unregister(mem, len), "unregister");
	munmap(mem, len);
	TEST_ASSERT_SUCCESS(ret, "port with the pool in application memory");
	TEST_ASSERT(got > 0, "no frame received into the mapped memory");
	return TEST_SUCCESS;
}

static int
map_memseg(const struct rte_memseg_list *msl, const struct rte_memseg *ms,
		void *arg)
{
	int *cfd = arg;

	if (msl->external || ms->iova == RTE_BAD_IOVA)
		return 0;
	return rte_vfio_container_dma_map(*cfd, ms->addr_64, ms->iova,
		ms->len);
}

static int
unmap_memseg(const struct rte_memseg_list *msl, const struct rte_memseg *ms,
		void *arg)
{
	int *cfd = arg;

	if (msl->external || ms->iova == RTE_BAD_IOVA)
		return 0;
	return rte_vfio_container_dma_unmap(*cfd, ms->addr_64, ms->iova,
		ms->len);
}

/*
 * What vdpa/ifc and vdpa/sfc do: a container of their own, their
 * device's group bound to it, the device probed into it, memory mapped
 * there by them. In cdev mode, such a group stays a group.
 */
static int
test_own_container(void)
{
	const char *env = getenv("VFIO_API_OWN_DEVICE");
	int cfd, group, ret;
	unsigned int got;
	uint16_t port;

	if (env == NULL || sscanf(env, "%63s", own_bdf) != 1) {
		printf("no device (VFIO_API_OWN_DEVICE): skipped\n");
		return TEST_SKIPPED;
	}
	cfd = rte_vfio_container_create();
	TEST_ASSERT(cfd >= 0, "rte_vfio_container_create");
	TEST_ASSERT_EQUAL(rte_vfio_get_group_num(rte_pci_get_sysfs_path(),
		own_bdf, &group), 1, "group of %s", own_bdf);
	TEST_ASSERT(rte_vfio_container_group_bind(cfd, group) >= 0,
		"rte_vfio_container_group_bind");
	TEST_ASSERT_SUCCESS(rte_dev_probe(own_bdf), "probe %s", own_bdf);
	TEST_ASSERT_SUCCESS(rte_eth_dev_get_port_by_name(own_bdf, &port),
		"no port %s", own_bdf);
	/* once a group is in it, the container takes mappings; memory is
	 * preallocated (-m): nothing comes after the walk
	 */
	TEST_ASSERT_SUCCESS(rte_memseg_walk(map_memseg, &cfd),
		"DPDK memory mapped in the container");

	ret = vfio_test_port_start(port, false);
	got = vfio_test_send_until_received(port_tx, port, DEADLINE_MS);
	printf("%s in a container of the application's: %u frame(s) received\n",
		own_bdf, got);
	/* as vdpa/ifc: the memory goes before the device, whose removal
	 * empties the container
	 */
	rte_eth_dev_stop(port);
	TEST_ASSERT_SUCCESS(rte_memseg_walk(unmap_memseg, &cfd),
		"DPDK memory unmapped from the container");
	TEST_ASSERT_SUCCESS(rte_eal_hotplug_remove("pci", own_bdf),
		"remove %s", own_bdf);
	/* the removal closed the group: destroying unbinds what is left */
	TEST_ASSERT_SUCCESS(rte_vfio_container_destroy(cfd),
		"rte_vfio_container_destroy");
	TEST_ASSERT_SUCCESS(ret, "port %s", own_bdf);
	TEST_ASSERT(got > 0, "nothing received in the application's container");
	return TEST_SUCCESS;
}

/* What a log line said, from rte_openlog_stream(). */
static char *log_buf;
static size_t log_len;

static int
test_container_fd(void)
{
	FILE *log = open_memstream(&log_buf, &log_len);
	int fd;

	TEST_ASSERT_NOT_NULL(log, "open_memstream");
	rte_openlog_stream(log);
	fd = rte_vfio_get_container_fd();
	rte_openlog_stream(NULL);
	fclose(log);
	printf("rte_vfio_get_container_fd(): %d%s%s", fd,
		log_len > 0 ? ", " : "\n", log_buf);
	if (rte_vfio_mode_get() == RTE_VFIO_MODE_GROUP) {
		TEST_ASSERT(fd >= 0, "no container in group mode");
	} else {
		TEST_ASSERT_EQUAL(fd, -1, "a container in cdev mode");
		TEST_ASSERT_NOT_NULL(strstr(log_buf,
			"cdev mode has no default container"),
			"no line says why");
	}
	free(log_buf);
	log_buf = NULL;
	return TEST_SUCCESS;
}

static struct unit_test_suite api_suite = {
	.suite_name = "EAL's VFIO API, either mode",
	.unit_test_cases = {
		TEST_CASE(test_enabled),
		TEST_CASE_ST(ports_setup, ports_teardown,
			test_default_container_dma),
		TEST_CASE_ST(ports_setup, ports_teardown, test_own_container),
		TEST_CASE(test_container_fd),
		TEST_CASES_END()
	}
};

/* The thread whose mapping is held. */
struct held_map {
	struct rte_device *dev;
	void *mem;
	size_t len;
	const char *ioctl;
	int ret;
};

static void *
held_map_thread(void *arg)
{
	struct held_map *h = arg;

	vfio_fault_hold_arm(h->ioctl);
	h->ret = rte_dev_dma_map(h->dev, h->mem, (uintptr_t)h->mem, h->len);
	return NULL;
}

/* An allocation that grows the heap, in a thread of its own. */
static volatile bool allocated;

static void *
grow_heap_thread(void *arg)
{
	void **p = arg;

	*p = rte_malloc(NULL, 16 << 20, 0);
	allocated = true;
	return NULL;
}

static int
test_map_does_not_stall_malloc(void)
{
	struct held_map h = { .len = 64 << 20 };
	struct rte_eth_dev_info info;
	pthread_t mapper, grower;
	uint64_t end;
	void *p = NULL;
	bool grown;

	TEST_ASSERT_SUCCESS(rte_eth_dev_info_get(port_tx, &info), "dev info");
	h.dev = info.device;
	h.ioctl = rte_vfio_mode_get() == RTE_VFIO_MODE_CDEV ?
		"ioctl IOMMU_IOAS_MAP" : "ioctl VFIO_IOMMU_MAP_DMA";
	h.mem = mmap(NULL, h.len, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	TEST_ASSERT(h.mem != MAP_FAILED, "mmap");
	TEST_ASSERT_SUCCESS(rte_extmem_register(h.mem, h.len, NULL, 0, 4096),
		"extmem register");
	TEST_ASSERT_SUCCESS(pthread_create(&mapper, NULL, held_map_thread, &h),
		"mapper thread");
	TEST_ASSERT_SUCCESS(vfio_fault_hold_wait(DEADLINE_MS),
		"the map never reached %s", h.ioctl);

	allocated = false;
	TEST_ASSERT_SUCCESS(pthread_create(&grower, NULL, grow_heap_thread,
		&p), "allocating thread");
	end = rte_get_timer_cycles() + rte_get_timer_hz() * DEADLINE_MS / 1000;
	while (!allocated && rte_get_timer_cycles() < end)
		rte_delay_ms(10);
	grown = allocated;
	printf("rte_malloc() growing the heap while rte_dev_dma_map() is held in %s: %s\n",
		h.ioctl, grown ? "completed" : "still blocked");

	vfio_fault_hold_release();
	pthread_join(mapper, NULL);
	pthread_join(grower, NULL);
	rte_free(p);
	if (h.ret == 0)
		rte_dev_dma_unmap(h.dev, h.mem, (uintptr_t)h.mem, h.len);
	rte_extmem_unregister(h.mem, h.len);
	munmap(h.mem, h.len);
	TEST_ASSERT(grown, "rte_malloc() waited for another thread's mapping");
	TEST_ASSERT_NOT_NULL(p, "rte_malloc() failed");
	TEST_ASSERT_SUCCESS(h.ret, "the held rte_dev_dma_map() failed");
	return TEST_SUCCESS;
}

static struct unit_test_suite hold_suite = {
	.suite_name = "mapping held, allocation goes on",
	.unit_test_cases = {
		TEST_CASE_ST(ports_setup, ports_teardown,
			test_map_does_not_stall_malloc),
		TEST_CASES_END()
	}
};

static int
test_vfio_api(void)
{
	return unit_test_suite_runner(&api_suite);
}

static int
test_vfio_api_hold(void)
{
	return unit_test_suite_runner(&hold_suite);
}

REGISTER_TEST_COMMAND(vfio_api_autotest, test_vfio_api);
REGISTER_TEST_COMMAND(vfio_api_hold_autotest, test_vfio_api_hold);
