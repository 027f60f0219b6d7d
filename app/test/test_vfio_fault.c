/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * Every failure of a system call on the way to a working device rolls
 * back (run in the QEMU test bed, testbed/tests/fault-inject.sh). With
 * vfio_fault_arm(), the probe of the device named by
 * VFIO_FAULT_DEVICE="<BDF>" is made with its 1st, 2nd, ... Nth
 * open/fstat/ioctl/mmap/eventfd/pread/pwrite failing, until a probe makes
 * fewer calls than N.
 *
 * cdev mode's own calls (inside rte_vfio_setup_device(): resolve, open,
 * bind, attach, filling the IOAS) roll back completely: after each failed
 * probe a log line names the device and the errno; the process's fds, its
 * mappings of VFIO device files and the IOAS's mappings are what they
 * were; the device can then be probed again.
 * vfio_fault_first_probe_autotest: no device was probed before, so the
 * walk also goes through opening the IOAS to DMA (DPDK's memory mapped
 * at the first attach). vfio_fault_autotest: while a worker forwards
 * between the two ports of VFIO_CDEV_TEST_PORTS="<BDF> <BDF>", the walk
 * over the probe, then over rte_dev_dma_map() and rte_dev_dma_unmap() of
 * external memory, then over the memory event callback's mappings of
 * DPDK memory rte_malloc() adds; the kernel's mappings are checked with
 * raw IOAS calls and forwarding must go on throughout.
 *
 * vfio_fault_pci_autotest, in either mode: the calls outside
 * rte_vfio_setup_device() (DPDK's pci_vfio.c and the driver, the same
 * code in both modes) fail in turn; each line says what the failure left
 * behind, and fault-inject.sh requires the same lines from a cdev-mode
 * run as from a group-mode one, the reference. cdev mode's IOAS must be
 * left as it was.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_vfio_cdev.h>

#include "test.h"
#include "eal_iommufd.h"
#include "vfio_fault_inject.h"
#include "vfio_test_ioas.h"
#include "vfio_test_ports.h"
#include "vfio_test_proc.h"

/* An errno the paths walked do not treat specially. */
#define FAULT_ERRNO EIO
/* More calls than any probe makes: a walk that gets there is stuck. */
#define MAX_CALLS 1000

static char bdf[RTE_DEV_NAME_MAX_LEN];

static int
same_footprint(const struct proc_footprint *a,
		const struct proc_footprint *b, unsigned int nth, const char *call)
{
	char what[256];

	TEST_ASSERT(!proc_footprint_differs(a, b, what, sizeof(what)),
		"fault %u (%s): %s", nth, call, what);
	return TEST_SUCCESS;
}

/* What EAL logs while a fault is armed; the walk looks for the line that
 * names the device and the errno.
 */
static char *log_buf;
static size_t log_len;
static FILE *log_stream;

static void
log_capture(void)
{
	log_stream = open_memstream(&log_buf, &log_len);
	if (log_stream != NULL)
		rte_openlog_stream(log_stream);
}

/* The first line logged since log_capture() that has both needles. */
static const char *
log_release(const char *a, const char *b, char *line, size_t len)
{
	const char *p, *end;
	const char *found = NULL;

	rte_openlog_stream(NULL);
	if (log_stream == NULL)
		return NULL;
	fclose(log_stream);
	log_stream = NULL;
	for (p = log_buf; p != NULL && *p != '\0' && found == NULL; p = end) {
		end = strchr(p, '\n');
		snprintf(line, len, "%.*s",
			(int)(end != NULL ? end - p : (ptrdiff_t)strlen(p)), p);
		if (strstr(line, a) != NULL && strstr(line, b) != NULL)
			found = line;
		if (end != NULL)
			end++;
	}
	free(log_buf);
	log_buf = NULL;
	return found;
}

/* The device of VFIO_FAULT_DEVICE, in any mode. */
static int
device_setup_any(void)
{
	const char *env = getenv("VFIO_FAULT_DEVICE");

	if (env == NULL || sscanf(env, "%63s", bdf) != 1) {
		printf("no device (VFIO_FAULT_DEVICE): skipped\n");
		return TEST_SKIPPED;
	}
	return TEST_SUCCESS;
}

static int
device_setup(void)
{
	if (rte_vfio_mode_get() != RTE_VFIO_MODE_CDEV) {
		printf("not in cdev mode (--vfio-mode=cdev): skipped\n");
		return TEST_SKIPPED;
	}
	return device_setup_any();
}

static int
probe_and_remove(void)
{
	uint16_t port;

	TEST_ASSERT_SUCCESS(rte_dev_probe(bdf), "probe %s", bdf);
	TEST_ASSERT_SUCCESS(rte_eth_dev_get_port_by_name(bdf, &port),
		"no port %s", bdf);
	TEST_ASSERT_SUCCESS(rte_eal_hotplug_remove("pci", bdf), "remove %s",
		bdf);
	return TEST_SUCCESS;
}

struct walk {
	const char *what;
	const char *needle;	/* what the failure's log line names */
	const char *only;	/* the calls walked: all if NULL */
	enum vfio_fault_scope scope;
	unsigned int failed, ioas_maps;
};

/*
 * One step of a walk: op() with the nth call failing. Returns 1 once op
 * made fewer than nth calls (the walk is over), 0 after a fault, or a
 * test failure. A failed op must leave the footprint as it was and log
 * a line with the walk's needle and the errno; an op that gets over the
 * fault (a call it may do without) must have succeeded, and is undone.
 */
static int
walk_step(struct walk *w, unsigned int nth, int (*op)(void),
	void (*undo)(void))
{
	const struct vfio_fault_call *fc;
	struct proc_footprint before, after;
	char line[512];
	const char *call, *logged;
	unsigned int calls;
	int ret;

	proc_footprint_measure(&before);
	log_capture();
	vfio_fault_set_scope(w->scope);
	vfio_fault_arm(nth, FAULT_ERRNO, w->only);
	ret = op();
	calls = vfio_fault_disarm();
	vfio_fault_set_scope(VFIO_FAULT_ALL);
	fc = vfio_fault_failed_call();
	call = fc != NULL ? fc->what : NULL;
	logged = log_release(w->needle, strerror(FAULT_ERRNO), line,
		sizeof(line));
	if (call == NULL) {
		TEST_ASSERT_SUCCESS(ret, "%s: fails with no fault (%u calls)",
			w->what, calls);
		undo();
		printf("%s: %u calls walked, %u failures rolled back\n",
			w->what, nth - 1, w->failed);
		return 1;
	}
	if (ret == 0) {
		/* cdev mode's own calls: none may fail unnoticed */
		printf("fault %u (%s): got over\n", nth, call);
		undo();
		TEST_ASSERT(false, "fault %u (%s): %s went on past a failed call",
			nth, call, w->what);
	}
	proc_footprint_measure(&after);
	TEST_ASSERT_SUCCESS(same_footprint(&before, &after, nth, call),
		"%s: not rolled back", w->what);
	w->failed++;
	w->ioas_maps += strcmp(call, "ioctl IOMMU_IOAS_MAP") == 0;
	TEST_ASSERT_NOT_NULL(logged,
		"fault %u (%s): no log line names %s and \"%s\"", nth, call,
		w->needle, strerror(FAULT_ERRNO));
	printf("fault %u (%s): %s\n", nth, call, logged);
	return 0;
}

static int
probe_op(void)
{
	return rte_dev_probe(bdf);
}

static void
remove_op(void)
{
	rte_eal_hotplug_remove("pci", bdf);
}

/*
 * The device's first probe: the IOAS is still empty, and the probe maps
 * DPDK's memory into it. Only ioctls are walked: a fault the probe gets
 * over before that would let it fill the IOAS, and the walk would not
 * get there.
 */
static int
test_first_probe(void)
{
	struct walk w = { .what = "first probe, ioctls", .needle = bdf,
		.only = "ioctl", .scope = VFIO_FAULT_IN_SETUP };
	uint64_t maps, len;
	unsigned int nth;
	void *mem;
	int ret = 0;

	eal_iommufd_stats(&maps, &len);
	TEST_ASSERT_EQUAL(maps, 0, "a device was probed before");
	/* with dynamic memory, pages to map one by one: faults can hit
	 * the middle of filling the IOAS
	 */
	mem = rte_malloc(NULL, 16 << 20, 0);
	TEST_ASSERT_NOT_NULL(mem, "rte_malloc");
	for (nth = 1; nth < MAX_CALLS && ret == 0; nth++)
		ret = walk_step(&w, nth, probe_op, remove_op);
	TEST_ASSERT_EQUAL(ret, 1, "walk stopped at fault %u", nth - 1);
	rte_free(mem);
	TEST_ASSERT(w.ioas_maps > 0, "no fault hit IOMMU_IOAS_MAP");
	return probe_and_remove();
}

static uint16_t port_a, port_b;

/* Forwarding between the two ports, in any mode. */
static int
forward_setup_any(void)
{
	char a[RTE_DEV_NAME_MAX_LEN], b[RTE_DEV_NAME_MAX_LEN];
	const char *env = getenv("VFIO_CDEV_TEST_PORTS");

	if (device_setup_any() != TEST_SUCCESS || env == NULL ||
			sscanf(env, "%63s %63s", a, b) != 2 ||
			rte_eth_dev_get_port_by_name(a, &port_a) != 0 ||
			rte_eth_dev_get_port_by_name(b, &port_b) != 0) {
		printf("no ports (VFIO_CDEV_TEST_PORTS): skipped\n");
		return TEST_SKIPPED;
	}
	TEST_ASSERT_SUCCESS(vfio_test_port_start(port_a, false), "port a");
	TEST_ASSERT_SUCCESS(vfio_test_port_start(port_b, false), "port b");
	TEST_ASSERT_SUCCESS(vfio_test_forward_start(port_a, port_b),
		"needs a worker lcore (-l 0-1)");
	return TEST_SUCCESS;
}

static int
forward_setup(void)
{
	if (device_setup() != TEST_SUCCESS)
		return TEST_SKIPPED;
	return forward_setup_any();
}

static void
forward_teardown(void)
{
	vfio_test_forward_stop();
	rte_eth_dev_stop(port_a);
	rte_eth_dev_stop(port_b);
}

/* Forwarding goes on. */
static int
still_forwarding(uint64_t since, const char *when)
{
	TEST_ASSERT(vfio_test_forwarded_beyond(since, VFIO_TEST_DEADLINE_MS) >
		since, "%s: forwarding stopped", when);
	return TEST_SUCCESS;
}

static int
test_probe_while_forwarding(void)
{
	struct walk w = { .what = "probe", .needle = bdf,
		.scope = VFIO_FAULT_IN_SETUP };
	struct proc_footprint start, end;
	uint64_t fwd = vfio_test_forwarded();
	unsigned int nth;
	int ret = 0;

	TEST_ASSERT_SUCCESS(probe_and_remove(), "warm-up");
	proc_footprint_measure(&start);
	/* after each fault, the device comes up (and goes) again */
	for (nth = 1; nth < MAX_CALLS && ret == 0; nth++) {
		ret = walk_step(&w, nth, probe_op, remove_op);
		if (ret == 0 && probe_and_remove() != TEST_SUCCESS)
			ret = -1;
	}
	TEST_ASSERT_EQUAL(ret, 1, "walk stopped at fault %u", nth - 1);
	proc_footprint_measure(&end);
	TEST_ASSERT_SUCCESS(same_footprint(&start, &end, nth, "none"),
		"the walk left something behind");
	return still_forwarding(fwd, "after the probe walk");
}

/* What a failure left behind, as one line the modes can be compared by
 * (the IOAS is cdev mode's alone: checked apart).
 */
static void
left_behind(const struct proc_footprint *a, const struct proc_footprint *b,
		char *buf, size_t len)
{
	snprintf(buf, len, "fds %+d, BAR mappings %+d, reserved %+" PRId64 " bytes",
		b->fds - a->fds, b->vfio_maps - a->vfio_maps,
		(int64_t)(b->reserved - a->reserved));
}

/* Mappings of VFIO device files (BARs), by start address. */
#define VFIO_MAPS_MAX 64
struct vfio_maps {
	unsigned int nb;
	uintptr_t start[VFIO_MAPS_MAX], end[VFIO_MAPS_MAX];
};

static void
vfio_maps_read(struct vfio_maps *m)
{
	char line[512];
	FILE *f;

	m->nb = 0;
	f = fopen("/proc/self/maps", "re");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL && m->nb < VFIO_MAPS_MAX) {
		if (proc_maps_line_is_bar(line) &&
				sscanf(line, "%" SCNxPTR "-%" SCNxPTR,
				&m->start[m->nb], &m->end[m->nb]) == 2)
			m->nb++;
	}
	fclose(f);
}

/* Unmap the BAR mappings a failure left behind (not in was): they hold
 * the device file, which would keep the device from coming up again.
 */
static void
unmap_left_bars(const struct vfio_maps *was)
{
	struct vfio_maps now;
	unsigned int i, j;

	vfio_maps_read(&now);
	for (i = 0; i < now.nb; i++) {
		for (j = 0; j < was->nb && was->start[j] != now.start[i]; j++)
			;
		if (j == was->nb)
			munmap((void *)now.start[i], now.end[i] - now.start[i]);
	}
}

/* The device, probed, receives: the traffic of the forwarding ports
 * reaches it on the hub.
 */
static int
device_receives(void)
{
	struct rte_mbuf *m[VFIO_TEST_BURST];
	uint64_t end = rte_get_timer_cycles() +
		rte_get_timer_hz() * VFIO_TEST_DEADLINE_MS / 1000;
	unsigned int got = 0, n;
	uint16_t port;

	TEST_ASSERT_SUCCESS(rte_eth_dev_get_port_by_name(bdf, &port),
		"no port %s", bdf);
	TEST_ASSERT_SUCCESS(vfio_test_port_start(port, false), "start %s", bdf);
	while (got == 0 && rte_get_timer_cycles() < end) {
		n = rte_eth_rx_burst(port, 0, m, RTE_DIM(m));
		rte_pktmbuf_free_bulk(m, n);
		got += n;
	}
	rte_eth_dev_stop(port);
	TEST_ASSERT(got > 0, "%s receives nothing", bdf);
	return TEST_SUCCESS;
}

/*
 * The probe with each call outside rte_vfio_setup_device() failing in
 * turn: DPDK's pci_vfio.c and the driver, the same code in both modes.
 * Each fault prints what it left behind; the modes must agree
 * (fault-inject.sh compares them). The IOAS must be as it was. A probe
 * that gets over a failed call must leave a device that receives. BAR
 * mappings left behind (stock 22.11 leaves them on some failures, in
 * both modes) are unmapped by the test, so that the walk goes on; the
 * device must then come up again.
 */
static int
test_pci_walk(void)
{
	const struct vfio_fault_call *fc;
	struct proc_footprint before, after;
	uint64_t fwd = vfio_test_forwarded();
	unsigned int nth, faults = 0, got_over = 0;
	struct vfio_maps bars;
	char what[128];
	int ret;

	TEST_ASSERT_SUCCESS(probe_and_remove(), "warm-up");
	for (nth = 1; nth < MAX_CALLS; nth++) {
		vfio_maps_read(&bars);
		proc_footprint_measure(&before);
		vfio_fault_set_scope(VFIO_FAULT_OUT_OF_SETUP);
		vfio_fault_arm(nth, FAULT_ERRNO, NULL);
		ret = rte_dev_probe(bdf);
		vfio_fault_disarm();
		vfio_fault_set_scope(VFIO_FAULT_ALL);
		fc = vfio_fault_failed_call();
		if (fc == NULL) {
			TEST_ASSERT_SUCCESS(ret, "fails with no fault");
			remove_op();
			break;
		}
		if (ret == 0) {
			ret = device_receives();
			remove_op();
			printf("pci fault %u (%s): got over\n", nth, fc->what);
			TEST_ASSERT_SUCCESS(ret, "fault %u: got over, but the device does not work",
				nth);
			got_over++;
		} else {
			proc_footprint_measure(&after);
			left_behind(&before, &after, what, sizeof(what));
			printf("pci fault %u (%s): failed, left %s\n", nth,
				fc->what, what);
			TEST_ASSERT(after.ioas_maps == before.ioas_maps &&
				after.ioas_bytes == before.ioas_bytes,
				"fault %u: the IOAS changed", nth);
			unmap_left_bars(&bars);
			faults++;
		}
		TEST_ASSERT_SUCCESS(probe_and_remove(),
			"fault %u: the device does not come up again", nth);
	}
	TEST_ASSERT(nth < MAX_CALLS, "walk stuck");
	TEST_ASSERT(faults > 0, "no fault made the probe fail");
	printf("pci walk: %u calls walked, %u failed the probe, %u got over\n",
		nth - 1, faults, got_over);
	return still_forwarding(fwd, "after the pci walk");
}

/* External memory, 64 pages, registered and mapped by the application. */
#define EXT_PAGE 4096u
#define EXT_LEN (64 * EXT_PAGE)
static void *ext_mem;
static struct rte_device *ext_dev;
static int ioas_fd;
static uint32_t ioas_id;

static int
dma_map_op(void)
{
	return rte_dev_dma_map(ext_dev, ext_mem, (uintptr_t)ext_mem, EXT_LEN);
}

static int
dma_unmap_op(void)
{
	return rte_dev_dma_unmap(ext_dev, ext_mem, (uintptr_t)ext_mem, EXT_LEN);
}

static void
dma_unmap_undo(void)
{
	dma_unmap_op();
}

static void
dma_map_undo(void)
{
	dma_map_op();
}

/* Whether the kernel has a mapping at the external memory's IOVA. */
static bool
kernel_has_mapping(void)
{
	uint64_t va = (uintptr_t)ext_mem;

	if (vfio_test_raw_map(ioas_fd, ioas_id, va, va, EXT_PAGE) == -EEXIST)
		return true;
	vfio_test_raw_unmap(ioas_fd, ioas_id, va, EXT_PAGE);
	return false;
}

/*
 * rte_dev_dma_map() with each of its calls failing maps nothing, in the
 * table or in the kernel; rte_dev_dma_unmap() with each of its calls
 * failing leaves the mapping where it was, in both.
 */
static int
test_dma_map_unmap(void)
{
	struct walk map = { .what = "rte_dev_dma_map", .needle = "IOMMU_IOAS_MAP" };
	struct walk unmap = { .what = "rte_dev_dma_unmap",
		.needle = "IOMMU_IOAS_UNMAP" };
	struct rte_eth_dev_info info;
	uint64_t fwd = vfio_test_forwarded();
	unsigned int nth;
	int ret = 0;

	TEST_ASSERT_SUCCESS(rte_eth_dev_info_get(port_a, &info), "dev info");
	ext_dev = info.device;
	ext_mem = mmap(NULL, EXT_LEN, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	TEST_ASSERT(ext_mem != MAP_FAILED, "mmap");
	TEST_ASSERT_SUCCESS(rte_extmem_register(ext_mem, EXT_LEN, NULL, 0,
		EXT_PAGE), "extmem register");
	TEST_ASSERT_SUCCESS(rte_vfio_cdev_ioas_get(&ioas_fd, &ioas_id),
		"IOAS get");

	for (nth = 1; nth < MAX_CALLS && ret == 0; nth++) {
		ret = walk_step(&map, nth, dma_map_op, dma_unmap_undo);
		if (ret == 0 && kernel_has_mapping())
			ret = -1;
	}
	TEST_ASSERT_EQUAL(ret, 1, "map walk stopped at fault %u", nth - 1);
	TEST_ASSERT(map.failed > 0, "no fault made the map fail");

	TEST_ASSERT_SUCCESS(dma_map_op(), "map");
	ret = 0;
	for (nth = 1; nth < MAX_CALLS && ret == 0; nth++) {
		ret = walk_step(&unmap, nth, dma_unmap_op, dma_map_undo);
		if (ret == 0 && !kernel_has_mapping())
			ret = -1;
	}
	TEST_ASSERT_EQUAL(ret, 1, "unmap walk stopped at fault %u", nth - 1);
	TEST_ASSERT(unmap.failed > 0, "no fault made the unmap fail");
	TEST_ASSERT(kernel_has_mapping(), "the walk's end did not map again");
	TEST_ASSERT_SUCCESS(dma_unmap_op(), "unmap");
	TEST_ASSERT(!kernel_has_mapping(), "still mapped after unmap");

	rte_vfio_cdev_ioas_put();
	close(ioas_fd);
	TEST_ASSERT_SUCCESS(rte_extmem_unregister(ext_mem, EXT_LEN),
		"unregister");
	munmap(ext_mem, EXT_LEN);
	return still_forwarding(fwd, "after the DMA walks");
}

/* Pages of DPDK memory an allocation brings: at most this many checked. */
#define GROW_PAGES_MAX 64

struct grown {
	unsigned int nb;
	void *va[GROW_PAGES_MAX];
	uint64_t iova[GROW_PAGES_MAX];
	size_t page_sz;
};

/* The pages under [p, p + len). */
static void
grown_pages(struct grown *g, const void *p, size_t len)
{
	const struct rte_memseg *ms;
	const void *at;

	g->nb = 0;
	for (at = p; at < RTE_PTR_ADD(p, len) && g->nb < GROW_PAGES_MAX;
			at = RTE_PTR_ADD(ms->addr, ms->len)) {
		ms = rte_mem_virt2memseg(at, NULL);
		if (ms == NULL || ms->len == 0)
			break;
		g->va[g->nb] = ms->addr;
		g->iova[g->nb] = ms->iova;
		g->page_sz = ms->len;
		g->nb++;
	}
}

/* After the free: every page DPDK gave back is unmapped in the kernel
 * (an IOMMU_IOAS_MAP at its IOVA succeeds); those still in use are not
 * checked.
 */
static int
freed_pages_unmapped(const struct grown *g, unsigned int nth)
{
	const struct rte_memseg *ms;
	unsigned int i, freed = 0;
	void *scratch;
	int ret;

	scratch = mmap(NULL, EXT_PAGE, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	TEST_ASSERT(scratch != MAP_FAILED, "mmap");
	for (i = 0; i < g->nb; i++) {
		ms = rte_mem_virt2memseg(g->va[i], NULL);
		if (ms != NULL && ms->addr == g->va[i])
			continue;	/* still DPDK's */
		freed++;
		ret = vfio_test_raw_map(ioas_fd, ioas_id, (uintptr_t)scratch,
			g->iova[i], EXT_PAGE);
		if (ret == 0)
			vfio_test_raw_unmap(ioas_fd, ioas_id, g->iova[i],
				EXT_PAGE);
		if (ret != 0)
			break;
	}
	munmap(scratch, EXT_PAGE);
	TEST_ASSERT(i == g->nb, "fault %u: freed page at IOVA 0x%" PRIx64 " is still mapped in the kernel (%s)",
		nth, g->iova[i], strerror(-ret));
	TEST_ASSERT(freed > 0, "fault %u: rte_free() gave no page back", nth);
	return TEST_SUCCESS;
}

/* The heap's free space, taken up so that an allocation grows the heap
 * by a few pages, not by what is free.
 */
#define FILL_MAX 64
static void *fill[FILL_MAX];

static void
heap_fill(void)
{
	struct rte_malloc_socket_stats st;
	unsigned int i;

	for (i = 0; i < FILL_MAX; i++) {
		if (rte_malloc_get_socket_stats(rte_socket_id(), &st) != 0 ||
				st.greatest_free_size < (1 << 20))
			break;
		/* less than the largest free element: no growth */
		fill[i] = rte_malloc(NULL, st.greatest_free_size - 4096, 0);
		if (fill[i] == NULL)
			break;
	}
}

static void
heap_unfill(void)
{
	unsigned int i;

	for (i = 0; i < FILL_MAX; i++) {
		rte_free(fill[i]);
		fill[i] = NULL;
	}
}

/*
 * Memory DPDK adds while devices are attached is mapped page by page by
 * the memory event callback, whose IOMMU_IOAS_MAP is made to fail in
 * turn. 22.11 cannot refuse the allocation: the failure is logged, the
 * page and the rest of the event stay unmapped, the others mapped. Then
 * rte_free() gives the pages back: the IOAS is as before the allocation,
 * in the table and in the kernel, without a word about the pages that
 * were never mapped.
 */
static int
test_mem_event(void)
{
	struct proc_footprint before, mid, after;
	const struct vfio_fault_call *fc;
	uint64_t fwd = vfio_test_forwarded();
	const size_t len = 8 << 20;	/* a few pages */
	unsigned int nth, faults = 0;
	char line[512];
	struct grown g;
	void *p;

	TEST_ASSERT_SUCCESS(rte_vfio_cdev_ioas_get(&ioas_fd, &ioas_id),
		"IOAS get");
	for (nth = 1; nth < MAX_CALLS; nth++) {
		heap_fill();
		proc_footprint_measure(&before);
		log_capture();
		vfio_fault_arm(nth, FAULT_ERRNO, "ioctl");
		p = rte_malloc(NULL, len, 0);
		vfio_fault_disarm();
		fc = vfio_fault_failed_call();
		TEST_ASSERT_NOT_NULL(p, "fault %u: rte_malloc of %zu bytes", nth,
			len);
		proc_footprint_measure(&mid);
		grown_pages(&g, p, len);
		if (fc == NULL) {
			log_release("", "", line, sizeof(line));
			TEST_ASSERT(mid.ioas_maps >= before.ioas_maps + 2,
				"no memory event mapped pages (%" PRIu64 " mappings, were %" PRIu64 ")",
				mid.ioas_maps, before.ioas_maps);
		} else {
			TEST_ASSERT(strcmp(fc->what, "ioctl IOMMU_IOAS_MAP") == 0,
				"fault %u hit %s", nth, fc->what);
			TEST_ASSERT_NOT_NULL(log_release("are not mapped for DMA",
				strerror(FAULT_ERRNO), line, sizeof(line)),
				"fault %u: no line says what is not mapped", nth);
			TEST_ASSERT_EQUAL(mid.ioas_maps, before.ioas_maps + nth - 1,
				"fault %u: %" PRIu64 " mappings, were %" PRIu64,
				nth, mid.ioas_maps, before.ioas_maps);
			printf("fault %u (%s): %s\n", nth, fc->what, line);
			faults++;
		}
		log_capture();
		rte_free(p);
		TEST_ASSERT(log_release("VFIO cdev mode", "", line,
			sizeof(line)) == NULL, "fault %u: freeing logged: %s",
			nth, line);
		proc_footprint_measure(&after);
		TEST_ASSERT_SUCCESS(same_footprint(&before, &after, nth,
			"rte_free"), "the freed memory left the IOAS changed");
		TEST_ASSERT_SUCCESS(freed_pages_unmapped(&g, nth),
			"stale mapping");
		heap_unfill();
		if (fc == NULL)
			break;
	}
	rte_vfio_cdev_ioas_put();
	close(ioas_fd);
	TEST_ASSERT(faults > 0, "no fault hit the memory event");
	printf("memory event: %u IOMMU_IOAS_MAP failures walked, each logged, the rest of its event unmapped, all given back clean\n",
		faults);
	return still_forwarding(fwd, "after the memory event walk");
}

static struct unit_test_suite first_probe_suite = {
	.suite_name = "faults in a first probe",
	.setup = device_setup,
	.unit_test_cases = {
		TEST_CASE(test_first_probe),
		TEST_CASES_END()
	}
};

static struct unit_test_suite fault_suite = {
	.suite_name = "faults while forwarding",
	.unit_test_cases = {
		TEST_CASE_ST(forward_setup, forward_teardown,
			test_probe_while_forwarding),
		TEST_CASE_ST(forward_setup, forward_teardown,
			test_dma_map_unmap),
		TEST_CASE_ST(forward_setup, forward_teardown, test_mem_event),
		TEST_CASES_END()
	}
};

static struct unit_test_suite pci_suite = {
	.suite_name = "faults in pci_vfio.c, either mode",
	.unit_test_cases = {
		TEST_CASE_ST(forward_setup_any, forward_teardown,
			test_pci_walk),
		TEST_CASES_END()
	}
};

static int
test_vfio_fault_pci(void)
{
	return unit_test_suite_runner(&pci_suite);
}

static int
test_vfio_fault_first_probe(void)
{
	return unit_test_suite_runner(&first_probe_suite);
}

static int
test_vfio_fault(void)
{
	return unit_test_suite_runner(&fault_suite);
}

REGISTER_TEST_COMMAND(vfio_fault_first_probe_autotest,
	test_vfio_fault_first_probe);
REGISTER_TEST_COMMAND(vfio_fault_autotest, test_vfio_fault);
REGISTER_TEST_COMMAND(vfio_fault_pci_autotest, test_vfio_fault_pci);
