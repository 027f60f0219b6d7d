#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# modes: group cdev
# kill -9 of a secondary while the primary forwards: the primary goes on
# forwarding, and a new secondary attaches and reads the counters.
. "$(dirname "$0")/lib.sh"

testpmd_start primary "$MODE_ARG" -a "$E1000E_A" -a "$E1000E_B" \
	-- -i --nb-cores=1 --forward-mode=io
start_tx_first
# a secondary holding the devices until it is killed
testpmd_start victim --proc-type=secondary -a "$E1000E_A" -a "$E1000E_B" \
	-- -i --nb-cores=1
victim=$TESTPMD_PID
testpmd_use primary
testpmd_cmd "show port stats 0"
before=$(rx_packets "$TESTPMD_LOG" 0)
pkill -9 -P "$victim" dpdk-testpmd || kill -9 "$victim"
sleep 2
testpmd_cmd "show port stats 0"
after=$(rx_packets "$TESTPMD_LOG" 0)
note "port 0 received $((after - before)) packets in the 2 s after the kill"
[ "$after" -gt "$before" ] || fail "the primary stopped forwarding"

"$PROC_INFO" -- --stats \
	> "$VFIO_CDEV_RUN/proc-info.log" 2>&1 ||
	{ tail -20 "$VFIO_CDEV_RUN/proc-info.log"; fail "a new secondary failed"; }
grep -q "NIC statistics for port 0" "$VFIO_CDEV_RUN/proc-info.log" ||
	fail "the new secondary shows no port"
note "a new secondary after the kill: $(grep -c 'NIC statistics for port' "$VFIO_CDEV_RUN/proc-info.log") ports"
testpmd_cmd "stop"
testpmd_stop
