#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# modes: group cdev
# testpmd with its mbufs in an external heap of hugepages
# (--mp-alloc=xmemhuge: rte_malloc_heap_memory_add() with IOVAs), which
# EAL maps for DMA by itself: packets are forwarded, and the runner fails
# the test on any IOMMU fault.
. "$(dirname "$0")/lib.sh"

testpmd_forward xmemhuge 6 "$MODE_ARG" -a "$E1000E_A" -a "$E1000E_B" \
	-- --mp-alloc=xmemhuge --total-num-mbufs=16384
