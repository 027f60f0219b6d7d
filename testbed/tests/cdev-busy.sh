#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# A process holding a NIC's VFIO group open makes cdev mode report EBUSY
# for that NIC only, in one clear line; the other ports forward.
. "$(dirname "$0")/lib.sh"

group=$(basename "$(readlink "/sys/bus/pci/devices/$E1000E_B/iommu_group")")
sleep 60 3<> "/dev/vfio/$group" &
holder=$!
sleep 0.5

testpmd_forward busy 4 --vfio-mode=cdev \
	-a "$E1000E_A" -a "$E1000E_B" -a "$VIRTIO"
kill "$holder"

log=$VFIO_CDEV_RUN/busy.log
line=$(grep "$E1000E_B ($(cdev_of "$E1000E_B")): VFIO_DEVICE_BIND_IOMMUFD: Device or resource busy; /dev/vfio/$group is open" "$log") ||
	fail "no clear EBUSY line for $E1000E_B"
note "$line"
[ "$(grep -c '^Configuring Port' "$log")" -eq 2 ] ||
	fail "expected exactly the two free ports to be configured"
