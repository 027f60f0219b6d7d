#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Every failure of a system call on the way to a working device rolls
# back (app/test/test_vfio_fault.c): the probe of virtio-net with its 1st,
# 2nd, ... call failing, first as the process's first device (its ioctls,
# through filling the IOAS), then while the e1000e pair forwards, and
# rte_dev_dma_map()/rte_dev_dma_unmap() of external memory alike. Each
# failure leaves the fds, the BAR mappings and the IOAS as they were and
# logs the device and the errno; the device then comes up again. Then
# the memory event callback's mappings of memory rte_malloc() adds: a
# failure is logged, and the memory, once freed, leaves the IOAS as it
# was, in the kernel too.
. "$(dirname "$0")/lib.sh" cdev

# autotest NAME EAL-ARGS...
autotest() {
	local t=$1 log=$VFIO_CDEV_RUN/$1.log
	shift
	VFIO_FAULT_DEVICE=$VIRTIO VFIO_CDEV_TEST_PORTS="$E1000E_A $E1000E_B" \
	DPDK_TEST=$t "$DPDK_TEST" -l 0-1 -n 1 --vfio-mode=cdev "$@" \
		--file-prefix="$t" < /dev/null > "$log" 2>&1 ||
		{ grep -E '^fault' "$log" | tail -5; tail -30 "$log"; fail "$t failed"; }
	grep -q 'Tests Skipped :      0' "$log" || { tail -30 "$log"; fail "$t: skipped"; }
	grep -E '^[^:]+: [0-9]+ calls walked|^memory event: ' "$log" | sed "s/^/note: /"
	grep -E '^fault' "$log" | sed "s/^/note:     /"
}

# no device at start (an address with no device keeps the others out),
# and dynamic memory: mapped one page per mapping, so that a fault can
# hit the middle of filling the IOAS
autotest vfio_fault_first_probe_autotest -a 0000:00:1f.7
autotest vfio_fault_autotest -m 256 -a "$E1000E_A" -a "$E1000E_B"
