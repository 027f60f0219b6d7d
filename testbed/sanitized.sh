#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Run a guest test with the sanitizer build of DPDK (scripts/build.sh
# --sanitize: AddressSanitizer, LeakSanitizer, UndefinedBehaviorSanitizer).
# Every process of the test writes its reports to a file of the run
# directory rather than to its output, so a report fails the test even
# from a process the test expects to fail; the reports are printed.
#
# usage (in the guest, through testbed/run-tests.sh --sanitized):
#   testbed/sanitized.sh TEST-SCRIPT [ARG...]
set -uo pipefail
. "$(dirname "$0")/../scripts/common.sh"

reports=$VFIO_CDEV_RUN/sanitizer
rm -rf "$reports"
mkdir -p "$reports"
chmod 1777 "$reports"	# tests run programs as other users too
export VFIO_CDEV_DPDK_BUILD=$ASAN_DIR/$DPDK_SUBDIR
# it has our autotests alone
export VFIO_CDEV_DPDK_TEST=$VFIO_CDEV_DPDK_BUILD/app/test/dpdk-test-vfio-cdev
[ -x "$VFIO_CDEV_DPDK_TEST" ] ||
	die "no sanitizer build in $VFIO_CDEV_DPDK_BUILD: scripts/build.sh --sanitize"
# stdbuf preloads its library ahead of ASan's runtime: harmless, allowed
export ASAN_OPTIONS=$SANITIZER_ASAN_OPTIONS:log_path=$reports/asan:verify_asan_link_order=0
# DPDK's default base address (4 GiB) lies in ASan's shadow gap: its
# memory would go wherever mmap puts it, where a secondary process may
# already have mapped something of its own. A primary started by
# testpmd_start puts it where neither has anything.
export VFIO_CDEV_EAL_EXTRA=--base-virtaddr=0x200000000000
export UBSAN_OPTIONS=$SANITIZER_UBSAN_OPTIONS:log_path=$reports/ubsan

rc=0
"$@" || rc=$?
# UBSan, run with ASan, writes to stderr whatever UBSAN_OPTIONS says: the
# test's logs are searched too
found=$({
	find "$reports" -type f
	grep -rlE 'runtime error:|ERROR: (AddressSanitizer|LeakSanitizer)' \
		"$VFIO_CDEV_RUN" --exclude-dir=sanitizer --exclude=console.log
} | sort)
if [ -n "$found" ]; then
	for f in $found; do
		echo "sanitizer report in ${f#"$VFIO_CDEV_RUN"/}:"
		grep -m1 -A30 -E 'runtime error:|ERROR: ' "$f" || head -30 "$f"
	done
	echo "FAIL: sanitizer reports in $(echo "$found" | wc -l) file(s)"
	exit 1
fi
echo "note: no sanitizer report"
exit "$rc"
