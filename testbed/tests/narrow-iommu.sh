#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# testbed: --iommu-aw-bits 39
# modes: group cdev
# An IOMMU with 39 address bits cannot take IOVAs from 512 GiB up, where
# --base-virtaddr puts DPDK's memory here: EAL learns the width from the
# IOMMU before it allocates memory (the DMA mask), refuses memory above it
# and says why; with --iova-mode=pa the same ports forward.
. "$(dirname "$0")/lib.sh"

log=$VFIO_CDEV_RUN/va.log
! "$TESTPMD" -l 0-1 -n 1 "$MODE_ARG" --base-virtaddr=0x8000000000 \
	-a "$E1000E_A" -a "$E1000E_B" -- --total-num-mbufs=2048 \
	< /dev/null > "$log" 2>&1 ||
	fail "testpmd ran with IOVAs the IOMMU cannot address"
line=$(grep -m1 "IOVA exceeding limits of current DMA mask" "$log") ||
	{ tail -20 "$log"; fail "no clear message about the DMA mask"; }
note "IOVA as VA: $line"
testpmd_forward pa 4 "$MODE_ARG" --base-virtaddr=0x8000000000 \
	--iova-mode=pa -a "$E1000E_A" -a "$E1000E_B"
