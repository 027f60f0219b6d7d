#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# modes: group cdev
# -a and -b name devices by PCI address, with or without the "pci:" bus
# prefix, and select the same ports in both modes; "show device info all"
# lists the devices on the PCI bus; a NIC left on its kernel driver is
# never touched when -a leaves it out, and never made a port.
. "$(dirname "$0")/lib.sh"

# check NAME EXPECTED-PORTS EAL-ARGS...
check() {
	local name=$1 want=$2 got
	shift 2
	echo "show port summary all" | testpmd_interactive "$name" \
		"$MODE_ARG" "$@"
	got=$(ports_in "$name")
	[ "$got" = "$want" ] || fail "$name ($*): ports [$got], expected [$want]"
	note "$name ($*): ports [$got]"
}

check allow-bdf "$E1000E_B" -a "$E1000E_B"
check allow-prefixed "$VIRTIO" -a "pci:$VIRTIO"
check allow-both "$E1000E_A $VIRTIO" -a "$E1000E_A" -a "pci:$VIRTIO"
check block-bdf "$E1000E_B $VIRTIO $E1000" -b "$E1000E_A"
check block-prefixed "$E1000E_A $VIRTIO $E1000" -b "pci:$E1000E_B"
check all "$E1000E_A $E1000E_B $VIRTIO $E1000"

echo "show device info all" | testpmd_interactive devinfo "$MODE_ARG"
for bdf in "$E1000E_A" "$E1000E_B" "$VIRTIO" "$E1000"; do
	grep -q "Infos for device $bdf " "$VFIO_CDEV_RUN/devinfo.log" ||
		fail "show device info all does not list $bdf"
done
note "show device info all: $(grep -c 'Infos for device' "$VFIO_CDEV_RUN/devinfo.log") devices, bus $(grep -o 'Bus name: [a-z]*' "$VFIO_CDEV_RUN/devinfo.log" | sort -u | tr '\n' ' ')"

# the e1000 on its kernel driver: -a leaves it out, EAL never looks at it
bind_to e1000 "$E1000"
check kernel-nic-allow "$E1000E_A" --log-level=lib.eal:debug -a "$E1000E_A"
! grep -n "$E1000" "$VFIO_CDEV_RUN/kernel-nic-allow.log" ||
	fail "-a $E1000E_A: EAL touched $E1000, which is on its kernel driver"
check kernel-nic-all "$E1000E_A $E1000E_B $VIRTIO"
