#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# modes: group cdev
# testpmd detaches a port by its PCI address and attaches it again, with
# the "pci:" prefix (what rte_eal_hotplug_add("pci", ...) does) and
# without, then forwards on it; link state change interrupts reach it.
. "$(dirname "$0")/lib.sh"

testpmd_start attach "$MODE_ARG" -a "$E1000E_A" -a "$E1000E_B" -- -i --nb-cores=1
for how in "pci:$E1000E_A" "$E1000E_A"; do
	testpmd_cmd "port stop 0"
	testpmd_cmd "port close 0"
	testpmd_cmd "device detach $E1000E_A"
	testpmd_cmd "show port summary all"
	testpmd_cmd "port attach $how"
done
testpmd_cmd "show port summary all"
testpmd_cmd "port start all"
forward_for 6
testpmd_stop

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
