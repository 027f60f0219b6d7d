#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Auto mode (the default) picks cdev here, where /dev/iommu,
# /dev/vfio/devices and an IOMMU are present, says so, and forwards.
. "$(dirname "$0")/lib.sh"

testpmd_forward auto 4 -a "$E1000E_A" -a "$E1000E_B"
line=$(grep -m1 'VFIO mode: cdev (auto: /dev/iommu, /dev/vfio/devices and an IOMMU present)' \
	"$VFIO_CDEV_RUN/auto.log") || fail "auto mode did not pick cdev, or did not say so"
note "$line"
