#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# cdev mode honours -a and -b given as the PCI address, as in group mode,
# and -a given as vfio_cdev:vfioN.
. "$(dirname "$0")/lib.sh"

# check NAME EXPECTED-PORTS EAL-ARGS...
check() {
	local name=$1 want=$2 got
	shift 2
	echo "show port summary all" | testpmd_interactive "$name" \
		--vfio-mode=cdev "$@"
	got=$(ports_in "$name")
	[ "$got" = "$want" ] || fail "$name ($*): ports [$got], expected [$want]"
	note "$name ($*): ports [$got]"
}

check allow-bdf "$E1000E_B" -a "$E1000E_B"
check allow-cdev "$VIRTIO" -a "vfio_cdev:$(cdev_of "$VIRTIO")"
check allow-both "$E1000E_A $VIRTIO" -a "$E1000E_A" \
	-a "vfio_cdev:$(cdev_of "$VIRTIO")"
check block-bdf "$E1000E_B $VIRTIO" -b "$E1000E_A"
check block-cdev "$E1000E_A $VIRTIO" -b "vfio_cdev:$(cdev_of "$E1000E_B")"
check all "$E1000E_A $E1000E_B $VIRTIO"
