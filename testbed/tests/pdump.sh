#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# modes: group cdev
# dpdk-pdump, a secondary process, captures what the primary (testpmd,
# forwarding) receives on a port into a pcap file, whose packets are
# counted.
. "$(dirname "$0")/lib.sh"

testpmd_start primary "$MODE_ARG" -a "$E1000E_A" -a "$E1000E_B" \
	-- -i --nb-cores=1 --forward-mode=io
start_tx_first
pcap=/tmp/rx.pcap
log=$VFIO_CDEV_RUN/pdump.log
start=$(date +%s%N)
# line-buffered, to see when it captures; SIGINT before its handler is
# set would be lost (a background job starts with SIGINT ignored)
stdbuf -oL "$PDUMP" -l 1 -- \
	--pdump "port=0,queue=*,rx-dev=$pcap" > "$log" 2>&1 &
pdump=$!
wait_line "$pdump" "$log" 'capture for' dpdk-pdump
note "dpdk-pdump capturing after $(( ($(date +%s%N) - start) / 1000000 )) ms"
sleep 2
kill -INT "$pdump"
wait "$pdump" || { tail -20 "$VFIO_CDEV_RUN/pdump.log"; fail "dpdk-pdump failed"; }
testpmd_cmd "stop"
testpmd_stop
# packets in a pcap file: its records, after the 24-byte header
n=$(/usr/bin/python3 - "$pcap" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
off, n = 24, 0
while off + 16 <= len(data):
    incl = struct.unpack_from("<I", data, off + 8)[0]
    off += 16 + incl
    n += 1
print(n)
PY
)
note "dpdk-pdump captured $n packets of port 0"
[ "$n" -gt 0 ] || { tail -20 "$VFIO_CDEV_RUN/pdump.log"; fail "nothing captured"; }
