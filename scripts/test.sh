#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Run every vfio-cdev test: build DPDK and the guest kernels first (setup
# included), then the host autotests (fake devfs/sysfs trees, no device
# needed), the mutation check, the fuzz targets, and the guest tests in
# the QEMU test bed: all of them on Linux 6.12, and on 7.3 the set below
# (--full: all of them on 7.3 too).
# Ends with one line "N passed, N failed"; exits non-zero on any failure.
#
# usage: scripts/test.sh [--full]
set -euo pipefail
. "$(dirname "$0")/common.sh"

full=0
case ${1:-} in
--full) full=1 ;;
'') ;;
*) die "usage: scripts/test.sh [--full]" ;;
esac

passed=0
failed=0
SANITIZED_GUEST_TESTS=(cdev-autotests fault-inject 'unplug[cdev]' 'mp[cdev]'
	'telemetry[cdev]' vf-token cdev-errors)
# On 7.3, what differs from 6.12 for cdev mode: the VF token checked at
# bind by the kernel itself (no carried patch), the IOMMU's page tables
# (generic page-table code) under DMA and the IOAS autotests, hugepages
# mapped by file (IOMMU_IOAS_MAP_FILE, in cdev-autotests), fds handed in,
# testpmd forwarding, and no-IOMMU devices with cdevs (noiommu, both
# modes; noiommu-cdev-only names 7.3 itself). Left to --full: the other
# parity tests, which go through the same device and DMA code as on 6.12.
KERNEL_73_TESTS=(vf-token cdev-autotests fd-launcher 'forward[cdev]' noiommu)
# --full: also those run on request that name their kernel (bench-profile)
OWN_KERNEL_TESTS=()
if [ "$full" -eq 1 ]; then
	KERNEL_73_TESTS=()
	for t in "$REPO_DIR"/testbed/tests/*.sh; do
		[ "${t##*/}" != lib.sh ] || continue
		# a test whose header names its kernel runs on that one only
		if ! grep -q '^# testbed:.*--kernel' "$t"; then
			KERNEL_73_TESTS+=("$(basename "$t" .sh)")
		elif grep -q '^# on request:' "$t"; then
			OWN_KERNEL_TESTS+=("$(basename "$t" .sh)")
		fi
	done
fi

# run_suite NAME [MESON-DIR]: a meson test suite of a DPDK build (default
# $MESON_DIR). Counts the test cases of each autotest (its "Tests
# Passed/Failed" summary); an autotest that fails without one counts as
# one failure, and so does each case it skipped (CI runs as root, with
# what every host case needs) or an autotest meson skipped.
run_suite() {
	local suite=$1 dir=${2:-$MESON_DIR} rc=0 counts
	meson test -C "$dir" --suite "$suite" --print-errorlogs --no-rebuild \
		--logbase "testlog-$suite" || rc=$?
	counts=$(/usr/bin/python3 - "$dir/meson-logs/testlog-$suite.json" <<'PY'
import json, re, sys
ok = bad = 0
for line in open(sys.argv[1]):
    t = json.loads(line)
    p = re.search(r"Tests Passed :\s*(\d+)", t["stdout"])
    f = re.search(r"Tests Failed :\s*(\d+)", t["stdout"])
    s = sum(int(n) for n in re.findall(r"Tests Skipped :\s*(\d+)", t["stdout"]))
    if s or t["result"] == "SKIP":
        print("%s: %d case(s) skipped" % (t["name"], s or 1), file=sys.stderr)
        bad += s or 1
    if t["result"] == "SKIP":
        continue
    if t["result"] == "OK" and p:
        ok += int(p.group(1))
    elif t["result"] == "OK":
        ok += 1
    else:
        bad += int(f.group(1)) if f and int(f.group(1)) else 1
        ok += int(p.group(1)) if p else 0
print(ok, bad)
PY
)
	passed=$((passed + ${counts% *}))
	failed=$((failed + ${counts#* }))
	log "suite $suite (${dir##*/}): ${counts% *} passed, ${counts#* } failed (meson exit $rc)"
	[ "$rc" -eq 0 ] || [ "${counts#* }" -gt 0 ] || failed=$((failed + 1))
}

run_stage build "$REPO_DIR/scripts/build.sh"
run_stage build-sanitized "$REPO_DIR/scripts/build.sh" --sanitize
run_stage kernel "$REPO_DIR/kernel/build.sh"
run_stage kernel-7.3 "$REPO_DIR/kernel/build.sh" --kernel 7.3
run_stage host-tests run_suite vfio-cdev
# the same under AddressSanitizer, LeakSanitizer and UBSan: a report
# aborts the autotest
UBSAN_OPTIONS=$SANITIZER_UBSAN_OPTIONS ASAN_OPTIONS=$SANITIZER_ASAN_OPTIONS \
	run_stage host-tests-sanitized run_suite vfio-cdev "$ASAN_DIR"

# run_counted PASS-RE FAIL-RE CHECKER [ARG...]: run a checker that reports
# a line per check, show the report, count its passes and failures (a
# checker that fails without reporting a failure counts as one).
run_counted() {
	local pass=$1 fail=$2 out rc=0 bad
	shift 2
	out=$("$@") || rc=$?
	echo "$out"
	bad=$(grep -c "$fail" <<< "$out" || true)
	passed=$((passed + $(grep -c "$pass" <<< "$out" || true)))
	failed=$((failed + bad))
	[ "$rc" -eq 0 ] || [ "$bad" -gt 0 ] || failed=$((failed + 1))
}

# each deliberately broken variant of our code must make the suite fail
run_stage mutants run_counted ': killed$' ': SURVIVED' \
	"$REPO_DIR/scripts/mutants.sh"
# libFuzzer targets, about a minute each: any crash fails
run_stage fuzz run_counted ': no crash' ': CRASH' "$REPO_DIR/scripts/fuzz.sh"
# the guest tests, two guests side by side, and among them the ones that
# reach every part of our code again with the sanitizer build (asan:):
# device life cycle and every failure in it (fault-inject walks the probe
# and removal), interrupts, the IOAS and its users, the device request,
# secondary processes, telemetry, VF tokens, user errors. The benchmark
# (marked "# alone:") runs after them, alone.
run_stage guest-tests run_counted '^guest-test .*: pass' '^guest-test .*: FAIL' \
	"$REPO_DIR/testbed/run-tests.sh" --jobs 2 --all \
	"${SANITIZED_GUEST_TESTS[@]/#/asan:}" "${KERNEL_73_TESTS[@]/%/@7.3}" \
	"${OWN_KERNEL_TESTS[@]}"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
