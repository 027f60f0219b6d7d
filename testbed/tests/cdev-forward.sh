#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# cdev mode: testpmd forwards between the two e1000e ports and between
# virtio-net and an e1000e port, the NICs opened through
# /dev/vfio/devices and DMA going through the IOAS; auto mode picks cdev
# here and says so.
. "$(dirname "$0")/lib.sh"

testpmd_forward cdev-e1000e-e1000e 10 --vfio-mode=cdev \
	-a "$E1000E_A" -a "$E1000E_B"
testpmd_forward cdev-virtio-e1000e 10 --vfio-mode=cdev \
	-a "$VIRTIO" -a "$E1000E_A"
testpmd_forward auto-e1000e-e1000e 8 -a "$E1000E_A" -a "$E1000E_B"
grep -q 'VFIO mode: cdev (auto: /dev/iommu and /dev/vfio/devices present)' \
	"$VFIO_CDEV_RUN/auto-e1000e-e1000e.log" ||
	fail "auto mode did not pick cdev, or did not say so"
note "auto mode: $(grep -o 'VFIO mode: .*' "$VFIO_CDEV_RUN/auto-e1000e-e1000e.log")"
! grep -q 'Cannot open VFIO container\|VFIO support initialized' \
	"$VFIO_CDEV_RUN/cdev-e1000e-e1000e.log" ||
	fail "cdev mode touched the VFIO container"
