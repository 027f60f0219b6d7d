#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# modes: cdev
# Soak, cdev mode: a port (virtio) stopped, closed, detached by its PCI
# address, attached and started again 200 times (SOAK_ROUNDS), two
# others forwarding after every 10 cycles. What the process holds after
# the 10th round and after the last must be the same: fds, mappings in
# /proc/PID/maps, the IOAS's mappings and bytes (telemetry), and RSS
# within 1 MiB; the forwarding ports must have gone on receiving.
. "$(dirname "$0")/lib.sh"

rounds=${SOAK_ROUNDS:-200}
TESTPMD_TIMEOUT=900	# about 0.5 s a round under TCG

# footprint: "fds N maps N rss_kb N [ioas_mappings N ioas_bytes N]"
footprint() {
	local pid
	pid=$(pgrep -x dpdk-testpmd | head -1)
	printf 'fds %s maps %s rss_kb %s' "$(ls /proc/$pid/fd | wc -l)" \
		"$(wc -l < /proc/$pid/maps)" \
		"$(awk '/^VmRSS/ { print $2 }' /proc/$pid/status)"
	[ "$MODE" = cdev ] || { echo; return; }
	echo /vfio_cdev/ioas |
		/usr/bin/python3 "$STAGED_DPDK/usertools/dpdk-telemetry.py" |
		/usr/bin/python3 -c 'import json, sys
i = json.load(sys.stdin)["/vfio_cdev/ioas"]
print(" ioas_mappings %d ioas_bytes %d" % (i["mappings"], i["bytes"]))'
}

# rx PORT: packets port PORT has received so far
rx() {
	testpmd_cmd "show port stats $1"
	awk -v p="$1" '/NIC statistics for port/ { cur = $6 }
		cur == p && /RX-packets:/ { n = $2 } END { print n }' "$TESTPMD_LOG"
}

testpmd_start primary "$MODE_ARG" -a "$E1000E_A" -a "$E1000E_B" \
	-a "$VIRTIO" -- -i --nb-cores=1 --forward-mode=io
testpmd_cmd "set portlist 0,1"

# testpmd adds an attached port to its forwarding ports and will not stop
# a port while it forwards: ports 0 and 1 forward between blocks of
# cycles, and must go on receiving after each block.
cycle() {
	printf '%s\n' "port stop 2" "port close 2" "device detach $VIRTIO" \
		"port attach $VIRTIO" "port start 2" "set portlist 0,1" \
		>&"$TESTPMD_FD"
	testpmd_cmd
}
block=10
rx_prev=0
forward() {
	local rx_now
	forward_for 1
	rx_now=$(rx 0)
	[ "$rx_now" -gt "$rx_prev" ] || fail "port 0 stopped receiving after round $1"
	rx_prev=$rx_now
}

# Warm up: what the first cycles and the first telemetry query allocate
# once (testpmd's per-port state, telemetry's thread) is not a leak.
warmup=$block
forward 0
cycle
footprint > /dev/null
for i in $(seq 2 "$warmup"); do
	cycle
done
forward "$warmup"
first=$(footprint)
rx_first=$rx_prev
for i in $(seq $((warmup + 1)) "$rounds"); do
	cycle
	[ $((i % block)) -ne 0 ] || forward "$i"
	[ $((i % 50)) -ne 0 ] || note "after round $i: $(footprint)"
done
last=$(footprint)
rx_last=$rx_prev
testpmd_stop
note "after round $warmup: $first; port 0 RX $rx_first"
note "after round $rounds: $last; port 0 RX $rx_last"
[ "$(grep -c "^Device $VIRTIO is detached" "$TESTPMD_LOG")" -eq "$rounds" ] ||
	fail "not $rounds detaches"
[ "$rx_last" -gt "$rx_first" ] || fail "port 0 stopped receiving"
# field NAME FOOTPRINT: the value of NAME in FOOTPRINT
field() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' <<< "$2"; }
for k in fds maps ioas_mappings ioas_bytes; do
	[ "$(field $k "$first")" = "$(field $k "$last")" ] ||
		fail "$k changed over $((rounds - warmup)) rounds"
done
# RSS may move by a few pages (malloc's own bookkeeping), not grow
[ $(( $(field rss_kb "$last") - $(field rss_kb "$first") )) -le 1024 ] ||
	fail "RSS grew by more than 1 MiB over $((rounds - warmup)) rounds"
