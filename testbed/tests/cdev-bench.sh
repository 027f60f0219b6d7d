#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# testbed: --hugepages 640
# Benchmark, figures only: mapping 1 GiB of preallocated 2 MiB pages for
# DMA (a) into the IOAS in maximal runs, (b) one page per mapping, (c) into
# a legacy type1 container as group mode does, in one run; and probing one
# device in cdev and in group mode.
. "$(dirname "$0")/lib.sh"

# bench MODE: vfio_cdev_perf_autotest in MODE, its figures as notes
bench() {
	local log=$VFIO_CDEV_RUN/bench-$1.log
	VFIO_CDEV_TEST_GROUP_DEV=$E1000E_B \
	VFIO_CDEV_TEST_HOTPLUG="$VIRTIO" \
	DPDK_TEST=vfio_cdev_perf_autotest "$DPDK_TEST" \
		-l 0-1 -n 1 -m 1024 --vfio-mode="$1" -a "$E1000E_A" \
		--file-prefix="bench-$1" < /dev/null > "$log" 2>&1 ||
		{ tail -30 "$log"; fail "benchmark in $1 mode failed"; }
	grep -E '^(DPDK memory|\([abc]\)|probe of)' "$log" | sed 's/^/note: /'
}

bench cdev
bench group
cdev=$(sed -n 's/^probe of .* in cdev mode: \([0-9.]*\) ms.*/\1/p' "$VFIO_CDEV_RUN/bench-cdev.log")
group=$(sed -n 's/^probe of .* in group mode: \([0-9.]*\) ms.*/\1/p' "$VFIO_CDEV_RUN/bench-group.log")
[ -n "$cdev" ] && [ -n "$group" ] || fail "no probe figures"
note "probe cdev/group: $(awk -v c="$cdev" -v g="$group" 'BEGIN { printf "%.3f", c / g }')"
