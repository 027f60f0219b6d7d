#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# testbed: --no-iommu --kernel 7.3 --variant noiommu-cdev-only
# A no-IOMMU host with cdevs only (Linux 7.3 without VFIO groups,
# kernel/variants/noiommu-cdev-only.config): auto picks cdev mode, which
# forwards with IOVA as PA and shows it in telemetry; group mode has no
# container to open; without CAP_SYS_RAWIO the device cannot be opened,
# which EAL says.
. "$(dirname "$0")/lib.sh"

[ "$(cat /sys/module/vfio/parameters/enable_unsafe_noiommu_mode)" = Y ] ||
	fail "VFIO is not in no-IOMMU mode"
[ ! -e /dev/vfio/vfio ] || fail "this kernel has the legacy container"
ls /dev/vfio/devices/noiommu-vfio* > /dev/null 2>&1 ||
	fail "no noiommu-vfioN cdev: $(ls /dev/vfio/devices 2> /dev/null)"

testpmd_forward auto 4 -a "$E1000E_A" -a "$E1000E_B"
line=$(grep -m1 'VFIO mode: cdev (auto: .*no-IOMMU devices with cdevs only' \
	"$VFIO_CDEV_RUN/auto.log") || fail "auto did not pick cdev mode"
note "$line"
grep -q "Selected IOVA mode 'PA'" "$VFIO_CDEV_RUN/auto.log" ||
	fail "cdev mode did not use IOVA as PA"

# telemetry says so
testpmd_start telemetry -a "$E1000E_A" -- -i
ioas=$(echo /vfio_cdev/ioas |
	/usr/bin/python3 "$STAGED_DPDK/usertools/dpdk-telemetry.py") ||
	fail "dpdk-telemetry.py failed"
testpmd_stop
echo "$ioas" | grep -q '"noiommu": 1' || fail "telemetry: $ioas"
note "telemetry: $(echo "$ioas" | grep -o '"noiommu": [0-9]')"

echo | "$TESTPMD" -l 0-1 -n 1 --vfio-mode=group -a "$E1000E_A" -- -i \
	> "$VFIO_CDEV_RUN/group.log" 2>&1
line=$(grep -m1 'Cannot open VFIO container' "$VFIO_CDEV_RUN/group.log") ||
	fail "group mode did not meet the missing container"
note "group mode: $line"

# opening a no-IOMMU device needs CAP_SYS_RAWIO, and the refusal says so
echo quit | timeout 120 setpriv --bounding-set=-sys_rawio --inh-caps=-sys_rawio \
	"$TESTPMD" -l 0-1 -n 1 --vfio-mode=cdev -a "$E1000E_A" -- -i \
	> "$VFIO_CDEV_RUN/rawio.log" 2>&1 || true
line=$(grep -m1 'cannot open /dev/vfio/devices/noiommu-vfio[0-9]*: Operation not permitted; a no-IOMMU device needs CAP_SYS_RAWIO' \
	"$VFIO_CDEV_RUN/rawio.log") ||
	{ tail -5 "$VFIO_CDEV_RUN/rawio.log"; fail "no CAP_SYS_RAWIO: not said"; }
note "without CAP_SYS_RAWIO: $line"
