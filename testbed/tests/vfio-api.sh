#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# modes: group cdev
# EAL's VFIO interface as other DPDK components use it, the same in both
# modes (app/test/test_vfio_api.c): VFIO enabled; an e1000e receives into
# application memory mapped with rte_vfio_container_dma_map() on the
# default container; an e1000e, its group bound to a container of the
# application's own, is probed into it and receives into the DPDK memory
# mapped there; rte_vfio_get_container_fd() answers or says why not; and
# an allocation that grows the heap completes while another thread's
# rte_dev_dma_map() is held inside its map ioctl.
. "$(dirname "$0")/lib.sh"

# autotest NAME EAL-ARGS...
autotest() {
	local t=$1 log=$VFIO_CDEV_RUN/$1.log rc=0
	shift
	VFIO_CDEV_TEST_PORTS="$VIRTIO $E1000E_A" VFIO_API_OWN_DEVICE=$E1000E_B \
	DPDK_TEST=$t "$DPDK_TEST" -l 0-1 -n 1 "$MODE_ARG" \
		-a "$E1000E_A" -a "$VIRTIO" --file-prefix="$t" "$@" \
		< /dev/null > "$log" 2>&1 || rc=$?
	grep -E '^(group|cdev) mode:|^received|in a container of|^rte_vfio_get_container_fd|^rte_malloc\(\) growing' \
		"$log" | sed "s/^/note: /"
	grep -q 'Tests Skipped :      0' "$log" ||
		{ tail -30 "$log"; fail "$t: skipped"; }
	[ "$rc" -eq 0 ] || { grep 'Test assert' "$log"; tail -20 "$log"; fail "$t failed"; }
}

# preallocated memory: what is mapped in the application's container
# stays all there is
autotest vfio_api_autotest -m 256
# dynamic memory: the allocation grows the heap
autotest vfio_api_hold_autotest
