# SPDX-License-Identifier: BSD-3-Clause
# Helpers for guest tests: sourced by scripts that testbed/run.sh runs in
# the guest. The NICs are fixed by run.sh.
E1000E_A=0000:00:02.0
E1000E_B=0000:00:03.0
VIRTIO=0000:00:04.0

. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/common.sh"
TESTPMD=$BUILD_DIR/meson/app/dpdk-testpmd

fail() { echo "FAIL: $*"; exit 1; }
# a line the test report shows (testbed/run-tests.sh)
note() { echo "note: $*"; }

# testpmd_forward NAME SECONDS EAL-ARGS... : io forwarding with --tx-first
# for SECONDS, log kept as $VFIO_CDEV_RUN/NAME.log. Checks that every
# port received and sent packets; prints the counts and the rates testpmd
# measured over its last 2 s.
testpmd_forward() {
	local name=$1 secs=$2 log
	shift 2
	log=$VFIO_CDEV_RUN/$name.log
	timeout --preserve-status -s INT "$secs" "$TESTPMD" -l 0-1 -n 1 "$@" \
		-- --forward-mode=io --tx-first --nb-cores=1 --stats-period=2 \
		> "$log" 2>&1 ||
		{ tail -20 "$log"; fail "$name: testpmd failed"; }
	awk -v name="$name" '
		/NIC statistics for port/ { nic = $6 }
		/Rx-pps:/ && nic != "" { rxpps[nic] = $2 }
		/Tx-pps:/ && nic != "" { txpps[nic] = $2; nic = "" }
		/Forward statistics for port/ { port = $6 }
		/RX-packets:/ && port != "" { rx[port] = $2 }
		/TX-packets:/ && port != "" { tx[port] = $2; ports[port] = 1; port = "" }
		END {
			n = 0
			for (p in ports) {
				n++
				printf "note: %s: port %s RX %d TX %d packets; last 2 s: RX %d pps, TX %d pps\n",
					name, p, rx[p], tx[p], rxpps[p], txpps[p]
				if (rx[p] == 0 || tx[p] == 0)
					bad = 1
			}
			exit (n < 2 || bad)
		}' "$log" || { tail -30 "$log"; fail "$name: a port did not forward"; }
}

# cdev_of BDF: the device's cdev name (vfioN), from sysfs.
cdev_of() {
	local d
	d=$(echo /sys/bus/pci/devices/"$1"/vfio-dev/vfio*)
	echo "${d##*/}"
}

# testpmd_interactive NAME EAL-ARGS... : testpmd -i reading its commands
# from stdin (a timeout guards it), log in $VFIO_CDEV_RUN/NAME.log.
testpmd_interactive() {
	local name=$1 log
	shift
	log=$VFIO_CDEV_RUN/$name.log
	timeout -s INT 120 "$TESTPMD" -l 0-1 -n 1 "$@" -- -i --nb-cores=1 \
		> "$log" 2>&1 || { tail -30 "$log"; fail "$name: testpmd failed"; }
}

# ports_in NAME: the device names of the ports in the last
# "show port summary all" of NAME's log, sorted, on one line.
ports_in() {
	awk '/Number of available ports/ { n = 0; delete names }
		/^[0-9]+ +[0-9a-fA-F:]+ +[^ ]+ +net_/ { names[n++] = $3 }
		END { for (i = 0; i < n; i++) print names[i] }' \
		"$VFIO_CDEV_RUN/$1.log" | sort | tr '\n' ' ' | sed 's/ $//'
}
