/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

#ifndef VFIO_TEST_PORTS_H
#define VFIO_TEST_PORTS_H

/* Traffic for the tests on the test bed's NICs: ports on one segment
 * send marked frames, receive them, and forward between two of them.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mempool.h>

#define VFIO_TEST_BURST 32
#define VFIO_TEST_NB_MBUF 4096

/* The process's one mbuf pool (stopped ports may keep its mbufs). */
struct rte_mempool *vfio_test_pool(void);

/* Configure port with one queue pair from the pool and start it. */
int vfio_test_port_start(uint16_t port, bool rxq_intr);

/* The same, receiving into mbufs of rx_pool. */
int vfio_test_port_start_pool(uint16_t port, bool rxq_intr,
	struct rte_mempool *rx_pool);

/* Send n (at most a burst) broadcast frames from port, with a new mark. */
unsigned int vfio_test_send(uint16_t port, unsigned int n);

/* Frames with the last mark that port receives within ms milliseconds. */
unsigned int vfio_test_receive(uint16_t port, unsigned int ms);

/* The same, returning once want of them are in (a deadline, not a
 * window: for tests that only need them to arrive).
 */
unsigned int vfio_test_receive_until(uint16_t port, unsigned int want,
	unsigned int ms);

/* Send bursts from tx until rx receives one of them (at least one frame
 * of the last burst) or ms milliseconds pass: the frames received.
 */
unsigned int vfio_test_send_until_received(uint16_t tx, uint16_t rx,
	unsigned int ms);

/* Deadlines long enough for a loaded host, for what must happen. */
#define VFIO_TEST_DEADLINE_MS 30000

/* A worker lcore forwards between ports a and b, primed with a burst
 * each way, until vfio_test_forward_stop(); -1 without a worker lcore.
 */
int vfio_test_forward_start(uint16_t a, uint16_t b);
void vfio_test_forward_stop(void);

/* Packets the worker has forwarded since it started. */
uint64_t vfio_test_forwarded(void);

/* The same, once it is beyond since or ms milliseconds have passed. */
uint64_t vfio_test_forwarded_beyond(uint64_t since, unsigned int ms);

#endif /* VFIO_TEST_PORTS_H */
