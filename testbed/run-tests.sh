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
# --sanitized runs the tests named with the sanitizer build instead
# (scripts/build.sh --sanitize; testbed/sanitized.sh), as "asan:NAME".
#
# usage: testbed/run-tests.sh [--sanitized] [TEST-NAME[MODE]...]
set -uo pipefail
. "$(dirname "$0")/../scripts/common.sh"
cd "$REPO_DIR"

failures=0
wrapper=()
prefix=
if [ "${1:-}" = --sanitized ]; then
	shift
	[ $# -gt 0 ] || die "--sanitized needs the names of the tests"
	wrapper=(testbed/sanitized.sh)
	prefix=asan:
fi

# check NAME EXPECTED-STATUS RUN-ARGS...: the run of NAME[MODE] is kept
# as NAME-MODE.
check() {
	local name=$1 want=$2 start rc=0 run out
	shift 2
	start=$(date +%s)
	run=${name//[\[\]:]/-}
	run=${run%-}
	out=$BUILD_DIR/testbed/$run.out
	testbed/run.sh --name "$run" "$@" > "$out" 2>&1 || rc=$?
	# QEMU 7.2 has crashed (SIGSEGV) under a guest test, and a guest has
	# hung before its init, each once: such a run says nothing of the
	# test, which runs once more; both runs are reported
	if [ "$rc" -eq 126 ] && [ "$want" -ne 126 ]; then
		echo "guest-test $name: QEMU crashed or the guest did not boot, run again ($(grep -h 'QEMU itself crashed\|did not boot' "$out"))"
		mv "$out" "$out.qemu-crash"
		rc=0
		testbed/run.sh --name "$run" "$@" > "$out" 2>&1 || rc=$?
	fi
	if [ "$rc" -eq "$want" ]; then
		echo "guest-test $name: pass ($(( $(date +%s) - start )) s)"
	else
		echo "guest-test $name: FAIL, status $rc, expected $want ($(( $(date +%s) - start )) s)"
		tail -40 "$out" | sed 's/^/    /'
		failures=$((failures + 1))
	fi
	sed -n 's/^note: /    /p' "$out"
}

mkdir -p "$BUILD_DIR/testbed"
tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
	for t in testbed/tests/*.sh; do
		[ "${t##*/}" = lib.sh ] || tests+=("$(basename "$t" .sh)")
	done
	tests+=(runner-status runner-fault-fails runner-fault-expected runner-fault-missing
		runner-qemu-crash)
fi

FAULT_LINE='DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x7f0000000000 [fault reason 0x06] PTE Read access is not set'
for t in "${tests[@]}"; do
	case $t in
	runner-status)
		check "$t" 7 -- sh -c 'exit 7' ;;
	runner-fault-fails)
		check "$t" 1 -- sh -c "echo '$FAULT_LINE' > /dev/kmsg" ;;
	runner-fault-expected)
		check "$t" 0 --expect-iommu-fault -- \
			sh -c "echo '$FAULT_LINE' > /dev/kmsg" ;;
	runner-fault-missing)
		check "$t" 1 --expect-iommu-fault -- true ;;
	runner-qemu-crash)	# QEMU killed as a crash would: told apart
		( sleep 15; pkill -SEGV -f "runs/$t/console.log" ) &
		check "$t" 126 -- sleep 120
		wait ;;
	*)
		name=${t%%\[*}
		want=${t#"$name"}
		want=${want#[}
		want=${want%]}
		[ -x "testbed/tests/$name.sh" ] || die "no guest test $name"
		# a test may ask for runner options on a "# testbed:" line
		read -ra opts <<< "$(sed -n 's/^# testbed: //p' "testbed/tests/$name.sh")"
		read -ra modes <<< "$(sed -n 's/^# modes: //p' "testbed/tests/$name.sh")"
		if [ ${#modes[@]} -eq 0 ]; then
			check "$prefix$name" 0 "${opts[@]}" -- "${wrapper[@]}" \
				"testbed/tests/$name.sh"
			continue
		fi
		for mode in "${modes[@]}"; do
			[ -z "$want" ] || [ "$want" = "$mode" ] || continue
			check "$prefix$name[$mode]" 0 "${opts[@]}" -- \
				"${wrapper[@]}" "testbed/tests/$name.sh" "$mode"
		done ;;
	esac
done
[ "$failures" -eq 0 ]
