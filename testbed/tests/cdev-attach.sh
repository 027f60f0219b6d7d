#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# testpmd detaches a cdev port and attaches it again by its cdev name, then
# forwards on it; link state change interrupts reach it.
. "$(dirname "$0")/lib.sh"

cdev=$(cdev_of "$E1000E_A")
{
	echo "port stop 0"
	echo "port close 0"
	echo "device detach $E1000E_A"
	echo "show port summary all"
	sleep 1
	echo "port attach vfio_cdev:$cdev"
	sleep 2
	echo "show port summary all"
	echo "port start all"
	sleep 3
	echo "start tx_first"
	sleep 6
	echo "stop"
	sleep 1
} | testpmd_interactive attach --vfio-mode=cdev -a "$E1000E_A" -a "$E1000E_B"

log=$VFIO_CDEV_RUN/attach.log
grep -q "Device $E1000E_A is detached" "$log" || fail "detach did not happen"
grep -q "Port 0 is attached\|Port 1 is attached\|is attached" "$log" ||
	fail "attach did not happen"
grep -q "link state change event" "$log" ||
	fail "no link state change interrupt reached testpmd"
[ "$(ports_in attach)" = "$E1000E_A $E1000E_B" ] ||
	fail "ports after attach: [$(ports_in attach)]"
awk '/Forward statistics for port/ { port = $6 }
	/RX-packets:/ && port != "" { rx = $2 }
	/TX-packets:/ && port != "" {
		printf "note: after re-attach: port %s RX %d TX %d\n", port, rx, $2
		if (rx == 0 || $2 == 0) bad = 1
		n++; port = ""
	}
	END { exit (n < 2 || bad) }' "$log" || fail "no forwarding after re-attach"
