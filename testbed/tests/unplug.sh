#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# modes: group cdev
# testpmd --hot-plug forwards on three ports when the kernel takes one back
# (unbind from vfio-pci): the device request reaches testpmd, which removes
# the port; the unbind returns within a second; the other ports keep
# forwarding. Bound to vfio-pci again, the device is attached by its PCI
# address and forwards.
. "$(dirname "$0")/lib.sh"

testpmd_start unplug "$MODE_ARG" -a "$E1000E_A" -a "$E1000E_B" -a "$VIRTIO" \
	-- -i --hot-plug --nb-cores=1 --forward-mode=io --port-topology=loop
log=$TESTPMD_LOG
start_tx_first
sleep 2
testpmd_cmd "show port stats 0"
rx_before=$(rx_packets "$log" 0)
[ "$rx_before" -gt 0 ] || fail "port 0 does not forward to begin with"

start=$(date +%s%N)
echo "$E1000E_B" > /sys/bus/pci/drivers/vfio-pci/unbind
ms=$(( ($(date +%s%N) - start) / 1000000 ))
note "unbind of $E1000E_B returned after $ms ms"
[ "$ms" -lt 1000 ] || fail "the unbind waited $ms ms for the device"
sleep 2
testpmd_cmd "show port stats 0"
rx_after=$(rx_packets "$log" 0)
note "port 0 received $((rx_after - rx_before)) packets while port 1 went away"
[ "$rx_after" -gt "$rx_before" ] || fail "port 0 stopped forwarding"
grep -q "^Device is detached" "$log" && grep -q "^Now total ports is 2" "$log" ||
	{ tail -20 "$log"; fail "the port of $E1000E_B was not removed"; }

echo "$E1000E_B" > /sys/bus/pci/drivers_probe
testpmd_cmd "stop"
testpmd_cmd "port attach $E1000E_B"
testpmd_cmd "port start 1"
start_tx_first
sleep 3
testpmd_cmd "show port stats 1"
testpmd_cmd "stop"
testpmd_stop
grep -q "^Port 1 is attached. Now total ports is 3" "$log" ||
	{ tail -20 "$log"; fail "$E1000E_B was not attached again"; }
rx=$(rx_packets "$log" 1)
note "re-attached port 1 received $rx packets"
[ "$rx" -gt 0 ] || fail "the re-attached port does not forward"
