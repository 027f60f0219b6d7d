# SPDX-License-Identifier: BSD-3-Clause
# Helpers for guest tests: sourced by scripts that testbed/run.sh runs in
# the guest. The NICs are fixed by run.sh.
#
# A test with a "# modes: group cdev" line is a parity test: run-tests.sh
# runs it once per mode, the mode as its first argument ($MODE here, and
# $MODE_ARG, the EAL option); group mode is the reference, cdev mode must
# do the same.
E1000E_A=0000:00:02.0
E1000E_B=0000:00:03.0
VIRTIO=0000:00:04.0
E1000=0000:00:08.0	# 82540EM: INTx only, no MSI nor MSI-X

. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/common.sh"
# the DPDK build whose programs the test runs (another one: the sanitizer
# build, see testbed/sanitized.sh)
DPDK_BUILD=${VFIO_CDEV_DPDK_BUILD:-$MESON_DIR/$DPDK_SUBDIR}
TESTPMD=$DPDK_BUILD/app/dpdk-testpmd
PROC_INFO=$DPDK_BUILD/app/dpdk-proc-info
PDUMP=$DPDK_BUILD/app/dpdk-pdump
# another dpdk-test (a mutant: fault-mutants.sh; the sanitizer build's
# dpdk-test-vfio-cdev) if given
DPDK_TEST=${VFIO_CDEV_DPDK_TEST:-$DPDK_BUILD/app/test/dpdk-test}

MODE=${1:-cdev}
MODE_ARG=--vfio-mode=$MODE

fail() { echo "FAIL: $*"; exit 1; }
# a line the test report shows (testbed/run-tests.sh)
note() { echo "note: $*"; }

# what runs testpmd_forward's testpmd (another user: nonroot.sh)
RUN_AS=()

# testpmd's mbuf pool in the tests: room for the test bed's three ports,
# not testpmd's default of room for 32 (about 400 MB, which takes seconds
# to allocate and set up under TCG at every start). The helpers below
# pass it first, so that a test's own --total-num-mbufs wins.
TESTPMD_MBUFS=16384

# testpmd_forward NAME SECONDS EAL-ARGS... [-- TESTPMD-ARGS...]: io
# forwarding with --tx-first for SECONDS counted from the start of
# forwarding (a loaded host can take most of ten seconds to start
# testpmd, and QEMU's e1000 holds what it receives for a second after its
# receiver is set up), log kept as $VFIO_CDEV_RUN/NAME.log. Checks that
# every port received and sent packets; prints the counts and the rates
# testpmd measured over its last 2 s.
testpmd_forward() {
	local name=$1 secs=$2 log pid eal=() extra=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		eal+=("$1")
		shift
	done
	[ $# -eq 0 ] || { shift; extra=("$@"); }
	log=$VFIO_CDEV_RUN/$name.log
	timeout -s INT 300 "${RUN_AS[@]}" stdbuf -oL "$TESTPMD" -l 0-1 -n 1 \
		"${eal[@]}" -- --forward-mode=io --tx-first --nb-cores=1 \
		--stats-period=2 --total-num-mbufs=$TESTPMD_MBUFS "${extra[@]}" \
		> "$log" 2>&1 < /dev/null &
	pid=$!
	wait_line "$pid" "$log" "packet forwarding - ports=" "$name: testpmd"
	sleep "$secs"
	kill -INT "$pid"
	wait "$pid" || { tail -20 "$log"; fail "$name: testpmd failed"; }
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

# extmem_forward PROGRAM EAL-ARGS...: examples/vfio_extmem (PROGRAM)
# forwards for 10 s between the two e1000e ports, seeding the traffic
# itself; checks that both ports forwarded and that it exited cleanly
# (its memory unmapped and unregistered). Log: $VFIO_CDEV_RUN/vfio_extmem.log
extmem_forward() {
	local prog=$1 log=$VFIO_CDEV_RUN/vfio_extmem.log
	shift
	"$prog" -l 0 -n 1 "$@" -a "$E1000E_A" -a "$E1000E_B" -- \
		--seconds 10 --tx-first > "$log" 2>&1 < /dev/null ||
		{ tail -20 "$log"; fail "vfio_extmem failed"; }
	grep '^external memory' "$log" | sed 's/^/note: vfio_extmem: /'
	awk '/^port [0-9]+: RX/ {
			print "note: vfio_extmem: " $0
			n++
			if ($4 == 0 || $6 == 0)
				bad = 1
		}
		END { exit (n != 2 || bad) }' "$log" ||
		{ tail -20 "$log"; fail "vfio_extmem did not forward on both ports"; }
}

# cdev_of BDF: the device's cdev name (vfioN), from sysfs.
cdev_of() {
	local d
	d=$(echo /sys/bus/pci/devices/"$1"/vfio-dev/vfio*)
	echo "${d##*/}"
}

# bind_to DRIVER BDF: hand the device to a kernel driver (vfio-pci, e1000,
# ...), as an administrator would.
bind_to() {
	local dev=/sys/bus/pci/devices/$2
	[ -e "$dev/driver" ] && echo "$2" > "$dev/driver/unbind"
	echo "$1" > "$dev/driver_override"
	echo "$2" > /sys/bus/pci/drivers_probe
	[ "$(basename "$(readlink "$dev/driver")")" = "$1" ] ||
		fail "cannot bind $2 to $1"
}

# testpmd_interactive NAME EAL-ARGS... : testpmd -i reading its commands
# from stdin (a timeout guards it), log in $VFIO_CDEV_RUN/NAME.log.
testpmd_interactive() {
	local name=$1 log
	shift
	log=$VFIO_CDEV_RUN/$name.log
	timeout -s INT 120 "$TESTPMD" -l 0-1 -n 1 "$@" -- -i --nb-cores=1 \
		--total-num-mbufs=$TESTPMD_MBUFS > "$log" 2>&1 ||
		{ tail -30 "$log"; fail "$name: testpmd failed"; }
}

# testpmd_start NAME EAL-ARGS... -- TESTPMD-ARGS... : testpmd -i in the
# background, fed by testpmd_cmd once it is ready; log in
# $VFIO_CDEV_RUN/NAME.log ($TESTPMD_LOG), stopped after $TESTPMD_TIMEOUT
# seconds (300) if still running. Several can run (a primary and
# secondaries): testpmd_use NAME picks the one testpmd_cmd talks to, the
# last started at first. Each ends with testpmd_stop.
declare -A TESTPMD_LOGS TESTPMD_PIDS TESTPMD_FDS
# VFIO_CDEV_EAL_EXTRA: EAL options the sanitizer runs add (sanitized.sh)
testpmd_start() {
	local name=$1 fd arg args=() sized=0
	shift
	for arg; do
		args+=("$arg")
		if [ "$arg" = -- ] && [ "$sized" -eq 0 ]; then
			args+=(--total-num-mbufs=$TESTPMD_MBUFS)
			sized=1
		fi
	done
	rm -f "/tmp/testpmd-$name.cmd"
	mkfifo "/tmp/testpmd-$name.cmd"
	# line-buffered, so that the log can be read as testpmd goes
	timeout -s INT "${TESTPMD_TIMEOUT:-300}" stdbuf -oL "$TESTPMD" -l 0-1 -n 1 \
		${VFIO_CDEV_EAL_EXTRA:-} "${args[@]}" \
		< "/tmp/testpmd-$name.cmd" > "$VFIO_CDEV_RUN/$name.log" 2>&1 &
	TESTPMD_PIDS[$name]=$!
	exec {fd}> "/tmp/testpmd-$name.cmd"
	TESTPMD_FDS[$name]=$fd
	TESTPMD_LOGS[$name]=$VFIO_CDEV_RUN/$name.log
	testpmd_use "$name"
	testpmd_cmd
}

testpmd_use() {
	TESTPMD_NAME=$1
	TESTPMD_LOG=${TESTPMD_LOGS[$1]}
	TESTPMD_PID=${TESTPMD_PIDS[$1]}
	TESTPMD_FD=${TESTPMD_FDS[$1]}
}

# wait_line PID LOG TEXT WHAT: until LOG has a line with TEXT, which tells
# that the background program PID is running (e.g. has set its SIGINT
# handler: a background job starts with SIGINT ignored, and a loaded
# guest can take seconds to start a program); fails if PID exits or after
# 120 s.
wait_line() {
	local i
	for i in $(seq 1200); do
		grep -q -- "$3" "$2" && return 0
		kill -0 "$1" 2> /dev/null ||
			{ tail -20 "$2"; fail "$4 exited"; }
		sleep 0.1
	done
	tail -20 "$2"
	fail "$4: no \"$3\" within 120 s"
}

# testpmd_cmd [CMD...]: run a command and wait until it is done. Each
# command is followed by one that prints a line of its own, which is what
# is waited for: the prompt itself is written a byte at a time, and other
# threads' lines can cut into it.
testpmd_cmd() {
	local n i
	n=$(grep -c 'Change verbose level from' "$TESTPMD_LOG")
	[ $# -eq 0 ] || echo "$*" >&"$TESTPMD_FD"
	echo "set verbose 0" >&"$TESTPMD_FD"
	for i in $(seq 600); do
		[ "$(grep -c 'Change verbose level from' "$TESTPMD_LOG")" -gt "$n" ] &&
			return 0
		kill -0 "$TESTPMD_PID" 2> /dev/null ||
			{ tail -30 "$TESTPMD_LOG"; fail "testpmd $TESTPMD_NAME died"; }
		sleep 0.1
	done
	tail -30 "$TESTPMD_LOG"
	fail "testpmd $TESTPMD_NAME did not finish \"$*\" within 60 s"
}

# links_up: every port in the last "show port summary all" of the
# running testpmd has its link up.
links_up() {
	awk '/Number of available ports/ { n = 0; down = 0 }
		/^[0-9]+ +[0-9a-fA-F:]+ +[^ ]+ +net_/ { n++; if ($5 != "up") down = 1 }
		END { exit (n == 0 || down) }' "$TESTPMD_LOG"
}

# start_tx_first: "start tx_first" in the running testpmd once every
# port's link is up. With link state interrupts (-i without --tx-first)
# testpmd does not wait for the links at port start, and a burst sent
# before a link is up is lost (QEMU's e1000e drops it once its receiver
# is reset): in io forwarding that burst's direction then stays silent.
# Fails if the links are not up within 30 s.
start_tx_first() {
	local i
	for i in $(seq 60); do
		testpmd_cmd "show port summary all"
		if links_up; then
			testpmd_cmd "start tx_first"
			return 0
		fi
		sleep 0.5
	done
	tail -20 "$TESTPMD_LOG"
	fail "testpmd $TESTPMD_NAME: links not up within 30 s"
}

# forward_for SECONDS: io forwarding in the running testpmd for SECONDS
# from its start (start_tx_first), then "stop", which prints the forward
# statistics.
forward_for() {
	start_tx_first
	sleep "$1"
	testpmd_cmd "stop"
}

testpmd_stop() {
	echo quit >&"$TESTPMD_FD"
	exec {TESTPMD_FD}>&-
	wait "$TESTPMD_PID" ||
		{ tail -30 "$TESTPMD_LOG"; fail "testpmd $TESTPMD_NAME failed"; }
}

# ports_in NAME: the device names of the ports in the last
# "show port summary all" of NAME's log, sorted, on one line. A row may
# follow the prompt, which testpmd prints again after an event (a link
# state change) that came in the middle of the table.
ports_in() {
	awk '{ sub(/^(testpmd> )+/, "") }
		/Number of available ports/ { n = 0; delete names }
		/^[0-9]+ +[0-9a-fA-F:]+ +[^ ]+ +net_/ { names[n++] = $3 }
		END { for (i = 0; i < n; i++) print names[i] }' \
		"$VFIO_CDEV_RUN/$1.log" | sort | tr '\n' ' ' | sed 's/ $//'
}

# forwarded LOG LABEL: every port in the forward statistics of LOG (what
# testpmd's "stop" prints) received and sent packets; a note each.
forwarded() {
	awk -v label="$2" '/Forward statistics for port/ { port = $6 }
		/RX-packets:/ && port != "" { rx = $2 }
		/TX-packets:/ && port != "" {
			printf "note: %s: port %s RX %d TX %d\n", label, port, rx, $2
			if (rx == 0 || $2 == 0) bad = 1
			n++; port = ""
		}
		END { exit (n < 2 || bad) }' "$1"
}

# rx_packets LOG PORT: RX-packets of PORT in the last "show port stats".
rx_packets() {
	awk -v p="$2" '/NIC statistics for port/ { port = $6 }
		/RX-packets:/ && port == p { rx = $2 }
		END { print rx + 0 }' "$1"
}

# bench_medians FILE: of lines "MODE FIGURE VALUE" (a benchmark's runs),
# one line "MODE FIGURE MEDIAN RUNS" per mode and figure.
bench_medians() {
	awk '
		{ vals[$1 " " $2] = vals[$1 " " $2] " " $3; runs[$1 " " $2]++ }
		END {
			for (key in vals) {
				n = split(vals[key], v, " ")
				for (i = 1; i <= n; i++)
					for (j = i + 1; j <= n; j++)
						if (v[j] + 0 < v[i] + 0) {
							t = v[i]; v[i] = v[j]; v[j] = t
						}
				print key, (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2), runs[key]
			}
		}' "$1"
}
