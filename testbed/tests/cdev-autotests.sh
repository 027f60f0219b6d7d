#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# testbed: --expect-iommu-fault
# dpdk-test autotests on the test bed's devices in cdev mode: the IOAS
# follows rte_malloc while ports forward, DMA goes through the IOAS (an
# unmapped buffer makes the IOMMU fault, hence the expected fault), the
# PCI helpers work, external users of the
# IOAS and external memory get what they ask, the IOAS outlives
# rte_eal_cleanup() for its users, Rx queue interrupts arrive, memory is
# mapped by file where the kernel has IOMMU_IOAS_MAP_FILE and that saves
# ioctls (by address with --vfio-no-map-file or before 6.13). QEMU's e1000e
# raises no Rx queue interrupt with DPDK's em driver in group mode
# either, so that test receives on virtio-net.
. "$(dirname "$0")/lib.sh"

# How the kernel lets EAL map hugepages: by file from 6.13
# (IOMMU_IOAS_MAP_FILE), else by address.
map_by=address
IFS=. read -r major minor _ < /proc/sys/kernel/osrelease
if [ "$major" -gt 6 ] || { [ "$major" -eq 6 ] && [ "$minor" -ge 13 ]; }; then
	map_by=file
fi

# autotest NAME RX-PORT OTHER-PORT [EAL-ARG...]
autotest() {
	local t=$1 rx=$2 other=$3 log rc=0
	shift 3
	log=$VFIO_CDEV_RUN/$t$(printf '%s' "$@" | tr -c 'a-z0-9' '_').log
	VFIO_CDEV_TEST_PORTS="$other $rx" VFIO_CDEV_TEST_MAP_BY=$map_by \
	DPDK_TEST=$t "$DPDK_TEST" -l 0-1 -n 1 \
		--vfio-mode=cdev -a "$rx" -a "$other" --file-prefix="$t" "$@" \
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
# preallocated memory, in runs: a file per page (by address), one file
# per list (by file), then by address as asked
autotest vfio_cdev_map_by_autotest "$E1000E_B" "$E1000E_A" -m 256
autotest vfio_cdev_map_by_autotest "$E1000E_B" "$E1000E_A" -m 256 \
	--single-file-segments
map_by=address autotest vfio_cdev_map_by_autotest "$E1000E_B" "$E1000E_A" \
	-m 256 --vfio-no-map-file
