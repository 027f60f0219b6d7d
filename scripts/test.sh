#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Run every vfio-cdev test: build DPDK and the guest kernel first (setup
# included), then the host autotests (fake devfs/sysfs trees, no device
# needed), the mutation check, the fuzz targets, and the guest tests in
# the QEMU test bed.
# Ends with one line "N passed, N failed"; exits non-zero on any failure.
set -euo pipefail
. "$(dirname "$0")/common.sh"

passed=0
failed=0

# run_suite NAME: a meson test suite of the DPDK build. Counts the test
# cases of each autotest (its "Tests Passed/Failed" summary); an autotest
# that fails without one counts as one failure.
run_suite() {
	local suite=$1 rc=0 counts
	meson test -C "$BUILD_DIR/meson" --suite "$suite" --print-errorlogs \
		--logbase "testlog-$suite" || rc=$?
	counts=$(/usr/bin/python3 - "$BUILD_DIR/meson/meson-logs/testlog-$suite.json" <<'PY'
import json, re, sys
ok = bad = 0
for line in open(sys.argv[1]):
    t = json.loads(line)
    p = re.search(r"Tests Passed :\s*(\d+)", t["stdout"])
    f = re.search(r"Tests Failed :\s*(\d+)", t["stdout"])
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
	log "suite $suite: ${counts% *} passed, ${counts#* } failed (meson exit $rc)"
	[ "$rc" -eq 0 ] || [ "${counts#* }" -gt 0 ] || failed=$((failed + 1))
}

run_stage build "$REPO_DIR/scripts/build.sh"
run_stage kernel "$REPO_DIR/kernel/build.sh"
run_stage host-tests run_suite vfio-cdev

# run_counted CHECKER PASS-RE FAIL-RE: run a checker that reports a line
# per check, show the report, count its passes and failures (a checker
# that fails without reporting a failure counts as one).
run_counted() {
	local out rc=0 bad
	out=$("$1") || rc=$?
	echo "$out"
	bad=$(grep -c "$3" <<< "$out" || true)
	passed=$((passed + $(grep -c "$2" <<< "$out" || true)))
	failed=$((failed + bad))
	[ "$rc" -eq 0 ] || [ "$bad" -gt 0 ] || failed=$((failed + 1))
}

# each deliberately broken variant of our code must make the suite fail
run_stage mutants run_counted "$REPO_DIR/scripts/mutants.sh" \
	': killed$' ': SURVIVED'
# libFuzzer targets, about a minute each: any crash fails
run_stage fuzz run_counted "$REPO_DIR/scripts/fuzz.sh" ': no crash' ': CRASH'
run_stage guest-tests run_counted "$REPO_DIR/testbed/run-tests.sh" \
	'^guest-test .*: pass' '^guest-test .*: FAIL'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
