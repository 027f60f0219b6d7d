#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# modes: group cdev
# testpmd --hot-plug forwards on three ports when the kernel takes one back
# (unbind from vfio-pci): the device request reaches testpmd, which removes
# the port, and the unbind returns while testpmd runs on (the kernel never
# has to wait for the process to end); the other ports keep forwarding.
# Bound to vfio-pci again, the device is attached by its PCI address and
# forwards.
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
echo "$E1000E_B" > /sys/bus/pci/drivers/vfio-pci/unbind &
unbind=$!
# a deadline, not a measure: an unbind the process does not answer waits
# for its end, which here never comes before the deadline
for _ in $(seq 600); do
	kill -0 "$unbind" 2> /dev/null || break
	sleep 0.1
done
! kill -0 "$unbind" 2> /dev/null ||
	fail "the unbind still waits for the device after 60 s: the device request did not reach testpmd"
wait "$unbind" || fail "the unbind failed"
note "unbind of $E1000E_B returned after $(( ($(date +%s%N) - start) / 1000000 )) ms, testpmd running"
kill -0 "$TESTPMD_PID" || fail "testpmd is gone"
! dmesg | grep -q "No device request channel registered" ||
	fail "the kernel found no device request channel: $(dmesg | grep -m1 'No device request channel')"
for _ in $(seq 300); do
	grep -q "^Now total ports is 2" "$log" && break
	sleep 0.1
done
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
