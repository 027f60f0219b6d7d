#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# PID 1 of the test-bed guest (see run.sh): mount what a read-only shared
# root lacks, reserve hugepages, hand the NICs to vfio-pci, run the
# command, keep its status and the dmesg, power off.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mkdir -p /dev/hugepages
mount -t hugetlbfs hugetlbfs /dev/hugepages
# the repository and the build directory at their host paths, which the
# tmpfs mounts above may hide
share() {
	mkdir -p "$2" &&
		mount -t 9p -o "trans=virtio,version=9p2000.L,msize=262144,$3" "$1" "$2"
}
share repo "$VFIO_CDEV_REPO" ro,cache=loose
share build "$VFIO_CDEV_BUILD" rw

poweroff_now() {
	sync
	echo o > /proc/sysrq-trigger
	sleep 30
}

run=$VFIO_CDEV_RUN
if [ ! -f "$run/command" ]; then
	echo "testbed: no command in $run" >&2
	poweroff_now
fi
. "$run/command"

# run.sh's watchdog takes a guest whose heartbeat stops for frozen
( while :; do cut -d' ' -f1 /proc/uptime > "$run/heartbeat"; sleep 5; done ) &
echo $! > /run/testbed-heartbeat.pid

echo "$HUGEPAGES" > /proc/sys/vm/nr_hugepages

# Ethernet controllers go to vfio-pci; driver_override keeps them there.
for dev in /sys/bus/pci/devices/*; do
	[ "$(cat "$dev/class")" = 0x020000 ] || continue
	bdf=${dev##*/}
	echo vfio-pci > "$dev/driver_override"
	[ -e "$dev/driver" ] && echo "$bdf" > "$dev/driver/unbind"
	echo "$bdf" > /sys/bus/pci/drivers_probe
done

echo "testbed: ready after $(cut -d' ' -f1 /proc/uptime) s; running: ${COMMAND[*]}"
"${COMMAND[@]}"
status=$?
echo "testbed: command exited with status $status at $(cut -d' ' -f1 /proc/uptime) s"

dmesg > "$run/dmesg"
echo "$status" > "$run/status"
poweroff_now
