#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# testbed: --pci-bridge
# modes: group cdev
# Two NICs that share an IOMMU group (conventional PCI behind a
# PCIe-to-PCI bridge), one of them left on its kernel driver: the other
# is refused, in group mode with its stock "not viable" line, in cdev
# mode with a line naming the sibling and its driver (not the interrupt
# remapping the IOMMU has). With both on vfio-pci, both modes forward
# between them.
. "$(dirname "$0")/lib.sh"

nics=()
for dev in /sys/bus/pci/devices/0000:01:*; do
	[ "$(cat "$dev/class")" = 0x020000 ] && nics+=("${dev##*/}")
done
[ ${#nics[@]} -eq 2 ] || fail "not two NICs behind the bridge: ${nics[*]}"
a=${nics[0]} b=${nics[1]}
group=$(basename "$(readlink "/sys/bus/pci/devices/$a/iommu_group")")
[ "$group" = "$(basename "$(readlink "/sys/bus/pci/devices/$b/iommu_group")")" ] ||
	fail "$a and $b are not in one IOMMU group"
note "$a and $b in IOMMU group $group"

bind_to e1000 "$b"
log=$VFIO_CDEV_RUN/sibling-on-e1000.log
"$TESTPMD" -l 0-1 -n 1 "$MODE_ARG" -a "$a" -- --nb-cores=1 \
	--total-num-mbufs=$TESTPMD_MBUFS < /dev/null > "$log" 2>&1
! grep -q '^Configuring Port' "$log" ||
	fail "$a was used with its group not all on vfio-pci"
if [ "$MODE" = group ]; then
	want="$a VFIO group is not viable"
else
	want="$a ($(cdev_of "$a")): VFIO_DEVICE_BIND_IOMMUFD: Operation not permitted; its IOMMU group also has $b (e1000), not on vfio-pci"
fi
line=$(grep -F -m1 -- "$want" "$log") || { tail -20 "$log"; fail "no line: $want"; }
note "$b on e1000: $line"
! grep -q "interrupt remapping\|allow_unsafe" "$log" ||
	fail "the refusal blames interrupts: $(grep -m1 'interrupt remapping\|allow_unsafe' "$log")"

bind_to vfio-pci "$b"
testpmd_forward siblings 6 "$MODE_ARG" -a "$a" -a "$b"
