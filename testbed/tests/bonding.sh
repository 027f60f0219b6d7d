#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# modes: group cdev
# A bonding device whose slaves are named by PCI address (bonding looks
# them up on the "pci" bus) comes up with both slaves.
. "$(dirname "$0")/lib.sh"

{
	echo "show port summary all"
	echo "show bonding config 2"
} | testpmd_interactive bond "$MODE_ARG" -a "$E1000E_A" -a "$E1000E_B" \
	--vdev "net_bonding0,mode=1,slave=$E1000E_A,slave=$E1000E_B"
log=$VFIO_CDEV_RUN/bond.log
grep -q "net_bonding0" "$log" || { tail -30 "$log"; fail "no bonding port"; }
line=$(grep -m1 "Slaves (2): \[0 1\]" "$log") ||
	{ tail -30 "$log"; fail "the bonding port does not have both slaves"; }
note "bonding: $(echo $line)"
