#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# testbed: --variant cdev-only
# On a kernel without VFIO groups nor container (kernel/variants/
# cdev-only.config), cdev mode forwards; group mode has nothing to open.
. "$(dirname "$0")/lib.sh"

[ ! -e /dev/vfio/vfio ] || fail "this kernel has the legacy container"
testpmd_forward cdev-only 4 --vfio-mode=cdev -a "$E1000E_A" -a "$E1000E_B"
echo | "$TESTPMD" -l 0-1 -n 1 --vfio-mode=group -a "$E1000E_A" -- -i \
	> "$VFIO_CDEV_RUN/group.log" 2>&1
line=$(grep -m1 'Cannot open VFIO container' "$VFIO_CDEV_RUN/group.log") ||
	fail "group mode did not meet the missing container"
note "group mode: $line"
