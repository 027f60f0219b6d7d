#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# testbed: --expect-iommu-fault
# dpdk-test autotests on the test bed's devices in cdev mode: the IOAS
# follows rte_malloc while ports forward, DMA goes through the IOAS (an
# unmapped buffer makes the IOMMU fault, hence the expected fault), the
# PCI helpers work, external users of the
# IOAS and external memory get what they ask, the IOAS outlives
# rte_eal_cleanup() for its users, Rx queue interrupts arrive. QEMU's e1000e
# raises no Rx queue interrupt with DPDK's em driver in group mode
# either, so that test receives on virtio-net.
. "$(dirname "$0")/lib.sh"

# autotest NAME RX-PORT OTHER-PORT
autotest() {
	local t=$1 log=$VFIO_CDEV_RUN/$1.log rc=0
	VFIO_CDEV_TEST_PORTS="$3 $2" \
	DPDK_TEST=$t "$DPDK_TEST" -l 0-1 -n 1 \
		--vfio-mode=cdev -a "$2" -a "$3" --file-prefix="$t" \
		< /dev/null > "$log" 2>&1 || rc=$?
	grep -E '^(after|IOAS:|mapped|[0-9]+ pages|epoll|STATUS)' "$log" |
		sed "s/^/note: $t: /"
	grep -q 'Tests Skipped :      0' "$log" ||
		{ tail -30 "$log"; fail "$t: skipped"; }
	[ "$rc" -eq 0 ] || { tail -30 "$log"; fail "$t failed"; }
	note "$t: $(grep -c 'succeeded' "$log") test cases passed"
}

autotest vfio_cdev_dma_autotest "$E1000E_B" "$E1000E_A"
autotest vfio_cdev_intr_autotest "$VIRTIO" "$E1000E_A"
autotest vfio_cdev_ioas_cleanup_autotest "$E1000E_B" "$E1000E_A"
