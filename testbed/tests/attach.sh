#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# modes: group cdev
# testpmd detaches a port by its PCI address and attaches it again, with
# the "pci:" prefix (what rte_eal_hotplug_add("pci", ...) does) and
# without, then forwards on it; link state change interrupts reach it.
. "$(dirname "$0")/lib.sh"

{
	for how in "pci:$E1000E_A" "$E1000E_A"; do
		echo "port stop 0"
		echo "port close 0"
		echo "device detach $E1000E_A"
		echo "show port summary all"
		sleep 1
		echo "port attach $how"
		sleep 2
	done
	echo "show port summary all"
	echo "port start all"
	sleep 3
	echo "start tx_first"
	sleep 6
	echo "stop"
	sleep 1
} | testpmd_interactive attach "$MODE_ARG" -a "$E1000E_A" -a "$E1000E_B"

log=$VFIO_CDEV_RUN/attach.log
[ "$(grep -c "^Device $E1000E_A is detached" "$log")" -eq 2 ] ||
	fail "detach by PCI address did not happen twice"
[ "$(grep -c '^Port 0 is attached. Now total ports is 2' "$log")" -eq 2 ] ||
	fail "attach by pci:BDF and by BDF did not both happen"
grep -q "Port 0: link state change event" "$log" ||
	fail "no link state change interrupt reached the re-attached port"
[ "$(ports_in attach)" = "$E1000E_A $E1000E_B" ] ||
	fail "ports after attach: [$(ports_in attach)]"
forwarded "$log" "after re-attach" || fail "no forwarding after re-attach"
