#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# modes: group cdev
# dpdk-test's vfio_hotplug_autotest: virtio-net, the process's only
# device, probed and removed by PCI address 21 times leaves no fd, BAR
# mapping or IOAS mapping behind (the IOAS is empty after each removal,
# unless an external user holds it), and a probe that fails (its VFIO
# group held open) leaves nothing behind either.
. "$(dirname "$0")/lib.sh"

log=$VFIO_CDEV_RUN/hotplug.log
VFIO_TEST_HOTPLUG=$VIRTIO DPDK_TEST=vfio_hotplug_autotest "$DPDK_TEST" \
	-l 0-1 -n 1 "$MODE_ARG" -a 0000:00:1f.7 --file-prefix=hotplug \
	< /dev/null > "$log" 2>&1 || { tail -30 "$log"; fail "autotest failed"; }
grep -q 'Tests Skipped :      0' "$log" || { tail -30 "$log"; fail "skipped"; }
grep -E '^(after|VFIO mode|group mode:|cdev mode:)' "$log" | sed 's/^/note: /'
