#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The main job: boot the QEMU test bed (building DPDK and the guest kernel
# first if needed) and run dpdk-testpmd there, io-forwarding between the
# two e1000e ports for 20 s, printing port statistics every 5 s.
#
# usage: scripts/testpmd.sh [--vfio-mode=group|cdev|auto] [SECONDS]
set -euo pipefail
. "$(dirname "$0")/common.sh"

mode=--vfio-mode=cdev
secs=20
for a in "$@"; do
	case $a in
	--vfio-mode=*) mode=$a ;;
	[0-9]*) secs=$a ;;
	*) die "usage: scripts/testpmd.sh [--vfio-mode=MODE] [SECONDS]" ;;
	esac
done

"$REPO_DIR/scripts/build.sh" >&2
cd "$REPO_DIR"
exec testbed/run.sh -- timeout --preserve-status -s INT "$secs" \
	"$MESON_DIR/$DPDK_SUBDIR/app/dpdk-testpmd" -l 0-1 -n 1 "$mode" \
	-a 0000:00:02.0 -a 0000:00:03.0 -- \
	--forward-mode=io --tx-first --nb-cores=1 --stats-period=5
