#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The guest tests can fail: scripts/mutants.sh builds our autotests
# (dpdk-test-vfio-cdev) with one deliberate break each in cdev mode's
# device steps and IOAS code (a leaked fd or device, an IOAS mapping left
# or forgotten, a freed page unmapped that EAL never mapped, the table's
# lock held while the kernel pins), kept in build/mutants/NAME/ with the
# guest test that must then fail (its "killer": fault-inject.sh, without
# its walk of pci_vfio.c, unless said otherwise); each must make that
# test fail.
. "$(dirname "$0")/lib.sh" cdev

mutants=$BUILD_DIR/mutants
[ -n "$(ls "$mutants" 2> /dev/null)" ] ||
	fail "no mutants in $mutants: scripts/mutants.sh builds them"
survivors=0
for m in "$mutants"/*/; do
	name=$(basename "$m")
	run=$VFIO_CDEV_RUN/mutant-$name
	read -ra killer < "$m/killer"
	mkdir -p "$run"
	if VFIO_CDEV_RUN=$run VFIO_CDEV_DPDK_TEST=$m/dpdk-test-vfio-cdev \
			VFIO_FAULT_CDEV_ONLY=1 \
			"$(dirname "$0")/${killer[0]}" "${killer[@]:1}" \
			> "$run/out.log" 2>&1; then
		note "mutant $name: SURVIVED ${killer[*]}"
		survivors=$((survivors + 1))
	else
		note "mutant $name: killed by ${killer[*]} ($(grep -h -m1 -o 'Test assert.*' "$run"/*.log | head -1 | cut -c1-150))"
	fi
done
[ "$survivors" -eq 0 ] || fail "$survivors mutant(s) survived"
