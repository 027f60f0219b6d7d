#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# modes: group cdev
# The e1000 (82540EM) has INTx only. Asked for MSI-X (--vfio-intr=msix),
# it is still probed, its interrupts just cannot be enabled, and testpmd
# keeps reading its commands (a failed interrupt set-up must not close
# fd 0). With --vfio-intr=legacy it forwards and link state change
# interrupts arrive.
. "$(dirname "$0")/lib.sh"

{
	echo "show port summary all"
	sleep 1
	echo "show port info 0"
	sleep 1
} | testpmd_interactive msix "$MODE_ARG" --vfio-intr=msix -a "$E1000"
[ "$(ports_in msix)" = "$E1000" ] ||
	fail "--vfio-intr=msix: ports [$(ports_in msix)], expected [$E1000]"
grep -q "Infos for port 0 " "$VFIO_CDEV_RUN/msix.log" ||
	fail "--vfio-intr=msix: testpmd lost its input after the first command"
note "--vfio-intr=msix: $(grep -m1 -i 'msi-x\|msix' "$VFIO_CDEV_RUN/msix.log")"

testpmd_start legacy "$MODE_ARG" --vfio-intr=legacy -a "$E1000" -a "$E1000E_B" \
	-- -i --nb-cores=1
forward_for 6
testpmd_stop
log=$VFIO_CDEV_RUN/legacy.log
grep -q "Port 0: link state change event" "$log" ||
	fail "--vfio-intr=legacy: no link state change interrupt from $E1000"
forwarded "$log" --vfio-intr=legacy || fail "--vfio-intr=legacy: no forwarding"
