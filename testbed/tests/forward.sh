#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# modes: group cdev
# testpmd forwards between the two e1000e ports, between virtio-net and an
# e1000e, and between the INTx-only e1000 and an e1000e. cdev mode never
# touches the legacy container.
. "$(dirname "$0")/lib.sh"

testpmd_forward e1000e-e1000e 6 "$MODE_ARG" -a "$E1000E_A" -a "$E1000E_B"
testpmd_forward virtio-e1000e 6 "$MODE_ARG" -a "$VIRTIO" -a "$E1000E_A"
testpmd_forward e1000-e1000e 6 "$MODE_ARG" -a "$E1000" -a "$E1000E_B"
if [ "$MODE" = cdev ]; then
	! grep -q 'Cannot open VFIO container\|VFIO support initialized' \
		"$VFIO_CDEV_RUN"/*.log || fail "cdev mode touched the VFIO container"
fi
