#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# testbed: --no-iommu
# VFIO's no-IOMMU mode (no IOMMU, vfio.enable_unsafe_noiommu_mode=1), IOVA
# as PA: group mode forwards, from a secondary too, and auto keeps it (the
# container is there). cdev mode does as much where the kernel gives
# no-IOMMU devices cdevs (7.3: noiommu-vfioN), with DPDK's memory in the
# IOAS at its PA as the kernel's lookup says and a mapping at another PA
# refused; where the kernel gives them none (6.12) it refuses with a line
# that says so.
. "$(dirname "$0")/lib.sh"

[ "$(cat /sys/module/vfio/parameters/enable_unsafe_noiommu_mode)" = Y ] ||
	fail "VFIO is not in no-IOMMU mode"
[ -z "$(ls /sys/class/iommu)" ] || fail "an IOMMU is present"
ls /dev/vfio/noiommu-* > /dev/null 2>&1 || fail "no no-IOMMU group"
cdevs=$(ls /sys/bus/pci/devices/"$E1000E_A"/vfio-dev/ 2> /dev/null || true)
note "kernel $(uname -r): groups $(cd /dev/vfio && echo noiommu-*); $E1000E_A in sysfs vfio-dev: ${cdevs:-none}, nodes: $(ls /dev/vfio/devices 2> /dev/null | tr '\n' ' ')"

# 6.12 names the device vfioN in sysfs but gives it no device node
case $cdevs in
noiommu-vfio*) why='/dev/vfio/vfio is there' ;;
*) why='no device has a noiommu-vfioN cdev' ;;
esac
testpmd_forward auto 4 -a "$E1000E_A" -a "$E1000E_B"
line=$(grep -m1 "VFIO mode: group (auto: VFIO runs in no-IOMMU mode, and $why" \
	"$VFIO_CDEV_RUN/auto.log") || fail "auto did not keep group mode"
note "$line"

modes=group
case $cdevs in
noiommu-vfio*) modes="group cdev" ;;
*) echo | "$TESTPMD" -l 0-1 -n 1 --vfio-mode=cdev -a "$E1000E_A" -- -i \
	> "$VFIO_CDEV_RUN/cdev.log" 2>&1 && fail "cdev mode started"
	line=$(grep -m1 "VFIO cdev mode cannot be used: VFIO runs in no-IOMMU mode, and no device has a noiommu-vfioN cdev" \
		"$VFIO_CDEV_RUN/cdev.log") ||
		{ tail -5 "$VFIO_CDEV_RUN/cdev.log"; fail "cdev mode's refusal"; }
	note "cdev mode: $line" ;;
esac

for mode in $modes; do
	testpmd_forward "$mode" 4 --vfio-mode="$mode" -a "$E1000E_A" -a "$E1000E_B"
	grep -q "Selected IOVA mode 'PA'" "$VFIO_CDEV_RUN/$mode.log" ||
		fail "$mode mode did not use IOVA as PA"
	# a secondary gets the primary's devices and forwards
	testpmd_start "$mode-primary" --vfio-mode="$mode" -a "$E1000E_A" \
		-a "$E1000E_B" -- -i --nb-cores=1
	testpmd_start "$mode-secondary" --proc-type=secondary -a "$E1000E_A" \
		-a "$E1000E_B" -- -i --nb-cores=1 --forward-mode=io
	forward_for 2
	forwarded "$TESTPMD_LOG" "$mode mode's secondary" ||
		fail "$mode mode's secondary did not forward"
	testpmd_stop
	testpmd_use "$mode-primary"
	testpmd_stop
done
[ "$modes" = group ] && exit 0

grep -q 'VFIO cdev mode: no-IOMMU mode: IOVA as PA, each mapping checked' \
	"$VFIO_CDEV_RUN/cdev.log" || fail "cdev mode did not check its mappings"
log=$VFIO_CDEV_RUN/noiommu-autotest.log
DPDK_TEST=vfio_cdev_noiommu_autotest "$DPDK_TEST" -l 0-1 -n 1 \
	--vfio-mode=cdev -a "$E1000E_A" --file-prefix=noiommu \
	< /dev/null > "$log" 2>&1 || { tail -30 "$log"; fail "vfio_cdev_noiommu_autotest failed"; }
grep -q 'Tests Skipped :      0' "$log" ||
	{ tail -30 "$log"; fail "vfio_cdev_noiommu_autotest: skipped"; }
note "cdev mode: $(grep -m1 -o 'no-IOMMU: VA .*refused' "$log")"
note "vfio_cdev_noiommu_autotest: $(grep -c 'succeeded' "$log") test cases passed"
