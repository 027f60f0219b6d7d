#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# DPDK memory at IOVAs the IOAS does not allow (here: placed with
# --base-virtaddr and -m over the MSI window the IOMMU reserves at
# 0xfee00000):
# cdev mode refuses it with a clear message naming the ranges, and the
# device is not used. (Memory above the IOMMU's address width is refused
# earlier by EAL's DMA mask.)
. "$(dirname "$0")/lib.sh"

log=$VFIO_CDEV_RUN/range.log
"$TESTPMD" -l 0-1 -n 1 --vfio-mode=cdev --base-virtaddr=0xfe000000 -m 64 \
	-a "$E1000E_A" -- --nb-cores=1 --total-num-mbufs=2048 \
	< /dev/null > "$log" 2>&1
line=$(grep -m1 "is in a window the IOMMU reserves (MSI): move DPDK memory with --base-virtaddr" "$log") ||
	{ tail -20 "$log"; fail "no clear IOVA range message"; }
note "$line"
note "$(grep -m1 'IOAS range 1:' "$log")"
grep -q "$E1000E_A ($(cdev_of "$E1000E_A")): DPDK memory not mapped for DMA" "$log" ||
	fail "no line naming the device"
! grep -q '^Configuring Port' "$log" || fail "the device was used anyway"
