#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The fault injection test can fail: scripts/mutants.sh builds our
# autotests (dpdk-test-vfio-cdev) with one deliberate break each in the
# device life cycle, the interrupts and the IOAS code (a leaked fd, BAR
# mapping, BAR reservation or IOAS mapping, a refused unmap taken for
# done, a freed page left mapped), kept in build/mutants/NAME/;
# fault-inject.sh must fail with every one of them.
. "$(dirname "$0")/lib.sh" cdev

mutants=$BUILD_DIR/mutants
[ -n "$(ls "$mutants" 2> /dev/null)" ] ||
	fail "no mutants in $mutants: scripts/mutants.sh builds them"
survivors=0
for m in "$mutants"/*/; do
	name=$(basename "$m")
	run=$VFIO_CDEV_RUN/mutant-$name
	mkdir -p "$run"
	if VFIO_CDEV_RUN=$run VFIO_CDEV_DPDK_TEST=$m/dpdk-test-vfio-cdev \
			"$(dirname "$0")/fault-inject.sh" > "$run/out.log" 2>&1; then
		note "mutant $name: SURVIVED"
		survivors=$((survivors + 1))
	else
		note "mutant $name: killed ($(grep -h -m1 -o 'Test assert.*' "$run"/*autotest.log | head -1 | cut -c1-150))"
	fi
done
[ "$survivors" -eq 0 ] || fail "$survivors mutant(s) survived fault-inject.sh"
