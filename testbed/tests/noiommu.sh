#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# testbed: --no-iommu
# VFIO's no-IOMMU mode (no IOMMU, vfio.enable_unsafe_noiommu_mode=1):
# group mode forwards with IOVA as PA, and auto picks it; cdev mode does
# not drive no-IOMMU devices yet and refuses with a line that says what
# the kernel gives them: no cdev (6.12), or a noiommu-vfioN cdev (7.3).
. "$(dirname "$0")/lib.sh"

[ "$(cat /sys/module/vfio/parameters/enable_unsafe_noiommu_mode)" = Y ] ||
	fail "VFIO is not in no-IOMMU mode"
[ -z "$(ls /sys/class/iommu)" ] || fail "an IOMMU is present"
ls /dev/vfio/noiommu-* > /dev/null 2>&1 || fail "no no-IOMMU group"
cdevs=$(ls /sys/bus/pci/devices/"$E1000E_A"/vfio-dev/ 2> /dev/null || true)
note "kernel $(uname -r): groups $(cd /dev/vfio && echo noiommu-*); $E1000E_A in sysfs vfio-dev: ${cdevs:-none}, nodes: $(ls /dev/vfio/devices 2> /dev/null | tr '\n' ' ')"

testpmd_forward group 4 --vfio-mode=group -a "$E1000E_A" -a "$E1000E_B"
grep -q "Selected IOVA mode 'PA'" "$VFIO_CDEV_RUN/group.log" ||
	fail "group mode did not use IOVA as PA"
testpmd_forward auto 4 -a "$E1000E_A" -a "$E1000E_B"
line=$(grep -m1 'VFIO mode: group (auto: VFIO runs in no-IOMMU mode' \
	"$VFIO_CDEV_RUN/auto.log") || fail "auto did not pick group mode"
note "$line"

echo | "$TESTPMD" -l 0-1 -n 1 --vfio-mode=cdev -a "$E1000E_A" -- -i \
	> "$VFIO_CDEV_RUN/cdev.log" 2>&1 && fail "cdev mode started"
# 6.12 names the device vfioN in sysfs but gives it no device node
case $cdevs in
noiommu-vfio*) want='its noiommu-vfioN cdevs are not supported by this backend' ;;
*) want='and no device has a noiommu-vfioN cdev' ;;
esac
line=$(grep -m1 "VFIO cdev mode cannot be used: VFIO runs in no-IOMMU mode.*$want" \
	"$VFIO_CDEV_RUN/cdev.log") || { tail -5 "$VFIO_CDEV_RUN/cdev.log"; fail "cdev mode's refusal"; }
note "cdev mode: $line"
