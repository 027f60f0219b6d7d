#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Baseline in group mode (stock VFIO groups and container): testpmd
# forwards between the two e1000e ports, and between virtio-net and an
# e1000e port.
. "$(dirname "$0")/lib.sh"

testpmd_forward group-e1000e-e1000e 10 --vfio-mode=group \
	-a "$E1000E_A" -a "$E1000E_B"
testpmd_forward group-virtio-e1000e 10 --vfio-mode=group \
	-a "$VIRTIO" -a "$E1000E_A"
