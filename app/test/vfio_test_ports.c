/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#include <limits.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "test.h"
#include "vfio_test_ports.h"

#define NB_DESC 256

/* Each vfio_test_send() marks its frames so that a frame received is
 * known to carry data the NIC really moved (not a stale buffer).
 */
#define MARK_OFFSET sizeof(struct rte_ether_hdr)
static uint32_t mark;

static struct rte_mempool *pool;

struct rte_mempool *
vfio_test_pool(void)
{
	if (pool == NULL)
		pool = rte_pktmbuf_pool_create("vfio_cdev_test",
			VFIO_TEST_NB_MBUF, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
			SOCKET_ID_ANY);
	return pool;
}

int
vfio_test_port_start(uint16_t port, bool rxq_intr)
{
	TEST_ASSERT_NOT_NULL(vfio_test_pool(), "mbuf pool");
	return vfio_test_port_start_pool(port, rxq_intr, pool);
}

int
vfio_test_port_start_pool(uint16_t port, bool rxq_intr,
		struct rte_mempool *rx_pool)
{
	struct rte_eth_conf conf = { .intr_conf = { .rxq = rxq_intr } };

	TEST_ASSERT_NOT_NULL(vfio_test_pool(), "mbuf pool");
	TEST_ASSERT_SUCCESS(rte_eth_dev_configure(port, 1, 1, &conf),
		"configure port %u", port);
	TEST_ASSERT_SUCCESS(rte_eth_rx_queue_setup(port, 0, NB_DESC,
		rte_eth_dev_socket_id(port), NULL, rx_pool), "rx queue %u",
		port);
	TEST_ASSERT_SUCCESS(rte_eth_tx_queue_setup(port, 0, NB_DESC,
		rte_eth_dev_socket_id(port), NULL), "tx queue %u", port);
	TEST_ASSERT_SUCCESS(rte_eth_promiscuous_enable(port), "promisc %u",
		port);
	TEST_ASSERT_SUCCESS(rte_eth_dev_start(port), "start port %u", port);
	return TEST_SUCCESS;
}

unsigned int
vfio_test_send(uint16_t port, unsigned int n)
{
	struct rte_mbuf *m[VFIO_TEST_BURST];
	struct rte_ether_hdr *eth;
	unsigned int i, sent;
	char *frame;

	n = RTE_MIN(n, (unsigned int)VFIO_TEST_BURST);
	mark++;
	if (rte_pktmbuf_alloc_bulk(pool, m, n) != 0)
		return 0;
	for (i = 0; i < n; i++) {
		frame = rte_pktmbuf_append(m[i], 64);
		if (frame == NULL)
			break;
		memset(frame, 0, 64);
		eth = (struct rte_ether_hdr *)frame;
		memset(&eth->dst_addr, 0xff, RTE_ETHER_ADDR_LEN);
		rte_eth_macaddr_get(port, &eth->src_addr);
		eth->ether_type = rte_cpu_to_be_16(0x88b5);	/* local experimental */
		memcpy(frame + MARK_OFFSET, &mark, sizeof(mark));
	}
	sent = rte_eth_tx_burst(port, 0, m, i);
	for (i = sent; i < n; i++)
		rte_pktmbuf_free(m[i]);
	return sent;
}

unsigned int
vfio_test_receive(uint16_t port, unsigned int ms)
{
	return vfio_test_receive_until(port, UINT_MAX, ms);
}

unsigned int
vfio_test_receive_until(uint16_t port, unsigned int want, unsigned int ms)
{
	struct rte_mbuf *m[VFIO_TEST_BURST];
	uint64_t end = rte_get_timer_cycles() + rte_get_timer_hz() * ms / 1000;
	unsigned int total = 0, n, i;
	uint32_t got;

	while (total < want && rte_get_timer_cycles() < end) {
		n = rte_eth_rx_burst(port, 0, m, VFIO_TEST_BURST);
		for (i = 0; i < n; i++) {
			if (rte_pktmbuf_data_len(m[i]) >= MARK_OFFSET + sizeof(got)) {
				memcpy(&got, rte_pktmbuf_mtod_offset(m[i], char *,
					MARK_OFFSET), sizeof(got));
				total += got == mark;
			}
			rte_pktmbuf_free(m[i]);
		}
	}
	return total;
}

unsigned int
vfio_test_send_until_received(uint16_t tx, uint16_t rx, unsigned int ms)
{
	uint64_t end = rte_get_timer_cycles() + rte_get_timer_hz() * ms / 1000;
	unsigned int got = 0;

	/* a burst sent before the link is up is lost: send again */
	while (got == 0 && rte_get_timer_cycles() < end) {
		vfio_test_send(tx, VFIO_TEST_BURST);
		got = vfio_test_receive_until(rx, 1, 500);
	}
	return got;
}

static volatile bool forwarding;
static uint64_t forwarded;
static uint16_t fwd_ports[2];
static unsigned int fwd_lcore = RTE_MAX_LCORE;

static int
forward_loop(void *arg __rte_unused)
{
	struct rte_mbuf *m[VFIO_TEST_BURST];
	unsigned int i, n, sent, k;

	while (forwarding) {
		for (i = 0; i < 2; i++) {
			n = rte_eth_rx_burst(fwd_ports[i], 0, m, VFIO_TEST_BURST);
			sent = rte_eth_tx_burst(fwd_ports[i ^ 1], 0, m, n);
			for (k = sent; k < n; k++)
				rte_pktmbuf_free(m[k]);
			forwarded += sent;
		}
	}
	return 0;
}

int
vfio_test_forward_start(uint16_t a, uint16_t b)
{
	fwd_lcore = rte_get_next_lcore(-1, 1, 0);
	if (fwd_lcore >= RTE_MAX_LCORE)
		return -1;
	fwd_ports[0] = a;
	fwd_ports[1] = b;
	forwarded = 0;
	forwarding = true;
	if (rte_eal_remote_launch(forward_loop, NULL, fwd_lcore) != 0) {
		forwarding = false;
		return -1;
	}
	vfio_test_send(a, VFIO_TEST_BURST);
	vfio_test_send(b, VFIO_TEST_BURST);
	return 0;
}

void
vfio_test_forward_stop(void)
{
	forwarding = false;
	if (fwd_lcore < RTE_MAX_LCORE)
		rte_eal_wait_lcore(fwd_lcore);
	fwd_lcore = RTE_MAX_LCORE;
}

uint64_t
vfio_test_forwarded_beyond(uint64_t since, unsigned int ms)
{
	uint64_t end = rte_get_timer_cycles() + rte_get_timer_hz() * ms / 1000;

	while (vfio_test_forwarded() <= since && rte_get_timer_cycles() < end)
		rte_delay_ms(10);
	return vfio_test_forwarded();
}

uint64_t
vfio_test_forwarded(void)
{
	return forwarded;
}
