#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The kernel offers the cdev interface: /dev/iommu, and for each NIC a
# /dev/vfio/devices/vfioN node that is the device sysfs names.
. "$(dirname "$0")/lib.sh"

[ -c /dev/iommu ] || fail "/dev/iommu is not a character device"
for bdf in "$E1000E_A" "$E1000E_B" "$VIRTIO" "$E1000"; do
	dir=$(echo /sys/bus/pci/devices/$bdf/vfio-dev/vfio*)
	[ -f "$dir/dev" ] || fail "$bdf: no vfio-dev/vfioN/dev"
	node=/dev/vfio/devices/${dir##*/}
	[ -c "$node" ] || fail "$bdf: $node is not a character device"
	want=$(cat "$dir/dev")
	got=$(printf '%d:%d' "0x$(stat -c %t "$node")" "0x$(stat -c %T "$node")")
	[ "$want" = "$got" ] || fail "$bdf: $node is $got, sysfs says $want"
	note "$bdf: $node is $got as sysfs says"
done
