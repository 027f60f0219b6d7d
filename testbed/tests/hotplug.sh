#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# modes: group cdev
# dpdk-test's vfio_hotplug_autotest: virtio-net probed and removed by PCI
# address 21 times leaves no fd, BAR mapping or IOAS mapping behind, and a
# probe that fails (its VFIO group held open) leaves nothing behind either.
. "$(dirname "$0")/lib.sh"

log=$VFIO_CDEV_RUN/hotplug.log
VFIO_TEST_HOTPLUG=$VIRTIO DPDK_TEST=vfio_hotplug_autotest "$DPDK_TEST" \
	-l 0-1 -n 1 "$MODE_ARG" -a "$E1000E_A" --file-prefix=hotplug \
	< /dev/null > "$log" 2>&1 || { tail -30 "$log"; fail "autotest failed"; }
grep -q 'Tests Skipped :      0' "$log" || { tail -30 "$log"; fail "skipped"; }
grep -E '^(after|VFIO mode)' "$log" | sed 's/^/note: /'
