/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * Forward between two ports, receiving into packet buffers that live in
 * memory the application allocated itself, not in DPDK's hugepages: the
 * memory is registered with rte_extmem_register() and mapped for the
 * devices' DMA with rte_dev_dma_map() (into the IOAS in VFIO cdev mode,
 * into the container in group mode), then used as the external buffers
 * of an mbuf pool. At exit the ports are closed, the memory unmapped,
 * unregistered and freed, and the packet counts printed.
 *
 *   dpdk-vfio_extmem [EAL options] -- [--seconds N] [--tx-first]
 */

#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_memory.h>

#define NB_MBUFS 8191
#define MBUF_CACHE 256
#define RING_SIZE 512
#define BURST 32
#define FRAME_LEN 64

static volatile bool force_quit;

struct extmem {
	void *addr;
	size_t len;
	size_t page_sz;
	struct rte_device *dma_dev;	/* the device it is mapped through */
	bool registered;
};

static void
on_signal(int sig __rte_unused)
{
	force_quit = true;
}

/* Anonymous memory of the process, registered with DPDK and mapped for
 * DMA at IOVA = VA. All VFIO devices of a process share one container
 * (group mode) or one IOAS (cdev mode): mapping through one device serves
 * every port.
 */
static int
extmem_create(struct extmem *m, size_t len, struct rte_device *dev)
{
	m->page_sz = sysconf(_SC_PAGESIZE);
	m->len = RTE_ALIGN_CEIL(len, m->page_sz);
	m->addr = mmap(NULL, m->len, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (m->addr == MAP_FAILED) {
		m->addr = NULL;
		printf("cannot allocate %zu bytes: %s\n", m->len, strerror(errno));
		return -1;
	}
	if (rte_extmem_register(m->addr, m->len, NULL, 0, m->page_sz) != 0) {
		printf("rte_extmem_register: %s\n", rte_strerror(rte_errno));
		return -1;
	}
	m->registered = true;
	if (rte_dev_dma_map(dev, m->addr, (uintptr_t)m->addr, m->len) != 0) {
		printf("rte_dev_dma_map of %zu bytes at %p for %s: %s\n",
			m->len, m->addr, rte_dev_name(dev),
			rte_strerror(rte_errno));
		return -1;
	}
	m->dma_dev = dev;
	printf("external memory: %zu bytes at %p, mapped for DMA through %s\n",
		m->len, m->addr, rte_dev_name(dev));
	return 0;
}

static int
extmem_destroy(struct extmem *m)
{
	int ret = 0;

	if (m->dma_dev != NULL && rte_dev_dma_unmap(m->dma_dev, m->addr,
			(uintptr_t)m->addr, m->len) != 0) {
		printf("rte_dev_dma_unmap: %s\n", rte_strerror(rte_errno));
		ret = -1;
	}
	if (m->registered && rte_extmem_unregister(m->addr, m->len) != 0) {
		printf("rte_extmem_unregister: %s\n", rte_strerror(rte_errno));
		ret = -1;
	}
	if (m->addr != NULL)
		munmap(m->addr, m->len);
	return ret;
}

static int
port_init(uint16_t port, struct rte_mempool *pool)
{
	const struct rte_eth_conf conf = { 0 };
	int ret;

	ret = rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(port, 0, RING_SIZE,
			rte_eth_dev_socket_id(port), NULL, pool);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(port, 0, RING_SIZE,
			rte_eth_dev_socket_id(port), NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(port);
	if (ret == 0)
		ret = rte_eth_promiscuous_enable(port);
	if (ret != 0)
		printf("port %u: cannot set up: %s\n", port, rte_strerror(-ret));
	return ret;
}

/* A burst of broadcast frames from each port, so that two ports wired to
 * each other have something to forward.
 */
static void
tx_first(uint16_t port, struct rte_mempool *pool)
{
	struct rte_mbuf *pkts[BURST];
	struct rte_ether_hdr *eth;
	uint16_t i, sent;
	char *frame;

	if (rte_pktmbuf_alloc_bulk(pool, pkts, BURST) != 0)
		return;
	for (i = 0; i < BURST; i++) {
		frame = rte_pktmbuf_append(pkts[i], FRAME_LEN);
		if (frame == NULL)	/* cannot be: a buffer holds 2 KiB */
			continue;
		memset(frame, 0, FRAME_LEN);
		eth = (struct rte_ether_hdr *)frame;
		memset(&eth->dst_addr, 0xff, sizeof(eth->dst_addr));
		rte_eth_macaddr_get(port, &eth->src_addr);
		eth->ether_type = rte_cpu_to_be_16(0x88b5);	/* local */
	}
	sent = rte_eth_tx_burst(port, 0, pkts, BURST);
	rte_pktmbuf_free_bulk(&pkts[sent], BURST - sent);
}

static void
forward(const uint16_t ports[2], unsigned int seconds)
{
	uint64_t end = rte_get_timer_cycles() + seconds * rte_get_timer_hz();
	struct rte_mbuf *pkts[BURST];
	uint16_t nb_rx, nb_tx;
	unsigned int i;

	while (!force_quit &&
			(seconds == 0 || rte_get_timer_cycles() < end)) {
		for (i = 0; i < 2; i++) {
			nb_rx = rte_eth_rx_burst(ports[i], 0, pkts, BURST);
			if (nb_rx == 0)
				continue;
			nb_tx = rte_eth_tx_burst(ports[i ^ 1], 0, pkts, nb_rx);
			rte_pktmbuf_free_bulk(&pkts[nb_tx], nb_rx - nb_tx);
		}
	}
}

static int
parse_args(int argc, char **argv, unsigned int *seconds, bool *seed)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "tx-first", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			*seconds = strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0')
				return -1;
			break;
		case 't':
			*seed = true;
			break;
		default:
			return -1;
		}
	}
	return optind == argc ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct rte_pktmbuf_extmem ext_desc = {
		.elt_size = RTE_MBUF_DEFAULT_BUF_SIZE,
	};
	struct rte_eth_dev_info info;
	struct extmem mem = { 0 };
	struct rte_mempool *pool = NULL;
	struct rte_eth_stats stats;
	uint16_t ports[2], port, n = 0;
	unsigned int seconds = 0, i;
	bool seed = false;
	int ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0)
		rte_exit(EXIT_FAILURE, "cannot initialise EAL: %s\n",
			rte_strerror(rte_errno));
	if (parse_args(argc - ret, argv + ret, &seconds, &seed) != 0)
		rte_exit(EXIT_FAILURE, "usage: %s [EAL options] -- [--seconds N] [--tx-first]\n",
			argv[0]);
	if (rte_eal_iova_mode() != RTE_IOVA_VA)
		rte_exit(EXIT_FAILURE, "external memory is mapped at IOVA = VA: needs IOVA as VA mode (--iova-mode=va)\n");
	RTE_ETH_FOREACH_DEV(port) {
		if (n < 2)
			ports[n] = port;
		n++;
	}
	if (n != 2)
		rte_exit(EXIT_FAILURE, "needs 2 ports, has %u\n", n);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	ret = EXIT_FAILURE;
	if (rte_eth_dev_info_get(ports[0], &info) != 0 ||
			extmem_create(&mem, (size_t)NB_MBUFS * ext_desc.elt_size,
				info.device) != 0)
		goto out;
	ext_desc.buf_ptr = mem.addr;
	ext_desc.buf_iova = (uintptr_t)mem.addr;
	ext_desc.buf_len = mem.len;
	pool = rte_pktmbuf_pool_create_extbuf("extmem_pool", NB_MBUFS,
		MBUF_CACHE, 0, ext_desc.elt_size, rte_socket_id(), &ext_desc, 1);
	if (pool == NULL) {
		printf("cannot create the mbuf pool: %s\n", rte_strerror(rte_errno));
		goto out;
	}
	for (i = 0; i < 2; i++)
		if (port_init(ports[i], pool) != 0)
			goto out;
	if (seed)
		for (i = 0; i < 2; i++)
			tx_first(ports[i], pool);
	printf("forwarding between ports %u and %u%s\n", ports[0], ports[1],
		seconds ? "" : " until SIGINT");
	forward(ports, seconds);
	ret = EXIT_SUCCESS;
	for (i = 0; i < 2; i++) {
		if (rte_eth_stats_get(ports[i], &stats) == 0)
			printf("port %u: RX %" PRIu64 " TX %" PRIu64 " packets\n",
				ports[i], stats.ipackets, stats.opackets);
	}
out:
	for (i = 0; i < n && i < 2; i++) {
		rte_eth_dev_stop(ports[i]);
		rte_eth_dev_close(ports[i]);
	}
	rte_mempool_free(pool);
	if (extmem_destroy(&mem) != 0)
		ret = EXIT_FAILURE;
	rte_eal_cleanup();
	return ret;
}
