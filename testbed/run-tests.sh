#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The guest test suite: each testbed/tests/*.sh in its own guest boot, then
# the runner's own checks (status passing, IOMMU fault detection, a QEMU
# crash told apart). A run in which QEMU itself crashed is made once more
# and both are reported. A test
# with a "# modes: M..." line runs once per mode, in a boot of its own,
# with the mode as its argument (NAME[MODE]): the parity tests, whose
# group-mode run is the reference for the cdev-mode one.
# Prints "guest-test NAME: pass|FAIL (N s)" per test; exits non-zero if
# any failed. Needs the DPDK build (scripts/build.sh).
# A test named NAME[MODE]@7.3 runs on the 7.3 kernel (testbed/run.sh
# --kernel 7.3) instead of 6.12.
# A test named asan:NAME[MODE] runs with the sanitizer build instead
# (scripts/build.sh --sanitize; testbed/sanitized.sh); --sanitized does
# so for every test named. --all adds every test (what no name means)
# but those with a "# on request:" line (the benchmark at scale), which
# run when named.
# --jobs N boots up to N guests side by side (default 1): a guest keeps
# about one core busy, and its tests wait on timers much of the time. A
# test with a "# alone:" line (the benchmark) runs after
# the others, with no other guest beside it.
#
# usage: testbed/run-tests.sh [--sanitized] [--jobs N] [--all]
#                              [[asan:]TEST-NAME[MODE][@7.3]...]
set -uo pipefail
. "$(dirname "$0")/../scripts/common.sh"
cd "$REPO_DIR"

sanitized=0
all=0
jobs=1
while [ $# -gt 0 ]; do
	case $1 in
	--sanitized)
		sanitized=1
		shift ;;
	--all)
		all=1
		shift ;;
	--jobs)
		[[ ${2:-} =~ ^[1-9][0-9]*$ ]] || die "--jobs needs a number"
		jobs=$2
		shift 2 ;;
	*) break ;;
	esac
done
[ "$sanitized" -eq 0 ] || [ $# -gt 0 ] ||
	die "--sanitized needs the names of the tests"

# check NAME EXPECTED-STATUS RUN-ARGS...: the run of NAME[MODE] is kept
# as NAME-MODE. Its report is printed in one piece when it ends (lanes
# may end together); a failure is counted in $failed_list.
check() {
	local name=$1 want=$2 start rc=0 run out report
	shift 2
	start=$(date +%s)
	run=${name//[\[\]:@]/-}
	run=${run%-}
	out=$BUILD_DIR/testbed/$run.out
	report=$BUILD_DIR/testbed/$run.report
	exec 3>&1 > "$report"
	testbed/run.sh --name "$run" "$@" > "$out" 2>&1 || rc=$?
	# QEMU 7.2 has crashed (SIGSEGV) under a guest test, a guest has
	# hung before its init, and one froze under a test: such a run says
	# nothing of the test, which runs once more; both runs are reported,
	# and a second such run fails the test
	if { [ "$rc" -eq 126 ] || [ "$rc" -eq 127 ]; } && [ "$want" -ne "$rc" ]; then
		echo "guest-test $name: QEMU crashed or the guest did not boot or froze, run again ($(grep -h 'QEMU itself crashed\|did not boot\|guest froze' "$out"))"
		mv "$out" "$out.lost"
		[ ! -f "$BUILD_DIR/testbed/runs/$run/frozen.txt" ] ||
			mv "$BUILD_DIR/testbed/runs/$run/frozen.txt" "$out.frozen.txt"
		rc=0
		testbed/run.sh --name "$run" "$@" > "$out" 2>&1 || rc=$?
	fi
	if [ "$rc" -eq "$want" ]; then
		echo "guest-test $name: pass ($(( $(date +%s) - start )) s)"
	else
		echo "guest-test $name: FAIL, status $rc, expected $want ($(( $(date +%s) - start )) s)"
		tail -40 "$out" | sed 's/^/    /'
		echo "$name" >> "$failed_list"
	fi
	sed -n 's/^note: /    /p' "$out"
	exec 1>&3 3>&-
	flock "$failed_list" cat "$report"
}

# launch COMMAND ARG...: COMMAND (check or a wrapper of it) in the
# background once fewer than $jobs guests run
launch() {
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	"$@" &
}

# QEMU killed as a crash would: told apart
qemu_crash_check() {
	( sleep 15; pkill -SEGV -f "runs/$1/console.log" ) &
	check "$1" 126 -- sleep 120
	wait
}

# a guest frozen under a test (here: its heartbeat stopped, as if its
# init no longer ran): stopped, told apart, its CPUs dumped
frozen_check() {
	check "$1" 127 -- sh -c 'kill -STOP $(cat /run/testbed-heartbeat.pid); sleep 600'
	grep -q 'info status\|VM status' "$BUILD_DIR/testbed/runs/$1/frozen.txt" ||
		{ echo "guest-test $1: FAIL, no QEMU state in frozen.txt"; echo "$1" >> "$failed_list"; }
}

# a test file's "# KEY: VALUE" line
header() { sed -n "s/^# $2: //p" "testbed/tests/$1.sh"; }

mkdir -p "$BUILD_DIR/testbed"
failed_list=$BUILD_DIR/testbed/failed-tests.$$
: > "$failed_list"
alone=()
tests=()
if [ $# -eq 0 ] || [ "$all" -eq 1 ]; then
	for t in testbed/tests/*.sh; do
		t=$(basename "$t" .sh)
		[ "$t" = lib ] || [ -n "$(header "$t" 'on request')" ] ||
			tests+=("$t")
	done
	tests+=(runner-status runner-fault-fails runner-fault-expected runner-fault-missing
		runner-qemu-crash runner-frozen)
fi
tests+=("$@")

FAULT_LINE='DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x7f0000000000 [fault reason 0x06] PTE Read access is not set'

for t in "${tests[@]}"; do
	wrapper=()
	prefix=
	suffix=
	kopts=()
	if [[ $t == *@* ]]; then
		suffix=@${t##*@}
		kopts=(--kernel "${t##*@}")
		t=${t%@*}
	fi
	if [ "$sanitized" -eq 1 ] || [[ $t == asan:* ]]; then
		wrapper=(testbed/sanitized.sh)
		prefix=asan:
		t=${t#asan:}
	fi
	case $t in
	runner-status)
		launch check "$t" 7 -- sh -c 'exit 7' ;;
	runner-fault-fails)
		launch check "$t" 1 -- sh -c "echo '$FAULT_LINE' > /dev/kmsg" ;;
	runner-fault-expected)
		launch check "$t" 0 --expect-iommu-fault -- \
			sh -c "echo '$FAULT_LINE' > /dev/kmsg" ;;
	runner-fault-missing)
		launch check "$t" 1 --expect-iommu-fault -- true ;;
	runner-qemu-crash)
		launch qemu_crash_check "$t" ;;
	runner-frozen)
		launch frozen_check "$t" ;;
	*)
		name=${t%%\[*}
		want=${t#"$name"}
		want=${want#[}
		want=${want%]}
		[ -x "testbed/tests/$name.sh" ] || die "no guest test $name"
		if [ -n "$(header "$name" alone)" ] && [ "$jobs" -gt 1 ]; then
			alone+=("$prefix$t$suffix")
			continue
		fi
		# a test may ask for runner options on a "# testbed:" line
		read -ra opts <<< "$(header "$name" testbed)"
		read -ra modes <<< "$(header "$name" modes)"
		if [ ${#modes[@]} -eq 0 ]; then
			launch check "$prefix$name$suffix" 0 "${kopts[@]}" \
				"${opts[@]}" -- "${wrapper[@]}" "testbed/tests/$name.sh"
			continue
		fi
		for mode in "${modes[@]}"; do
			[ -z "$want" ] || [ "$want" = "$mode" ] || continue
			launch check "$prefix$name[$mode]$suffix" 0 "${kopts[@]}" \
				"${opts[@]}" -- "${wrapper[@]}" "testbed/tests/$name.sh" "$mode"
		done ;;
	esac
done
wait
if [ ${#alone[@]} -gt 0 ]; then
	"$0" "${alone[@]}" ||
		echo "${alone[*]}" >> "$failed_list"
fi
failures=$(wc -l < "$failed_list")
rm -f "$failed_list"
[ "$failures" -eq 0 ]
