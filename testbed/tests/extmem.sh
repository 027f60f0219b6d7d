#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# modes: group cdev
# examples/vfio_extmem, as the meson build makes it: receives into memory
# of its own mapped with rte_dev_dma_map(), forwarding between the two
# e1000e ports, and unmaps and unregisters it at exit without an error.
. "$(dirname "$0")/lib.sh"

extmem_forward "$DPDK_BUILD/examples/dpdk-vfio_extmem" "$MODE_ARG"
