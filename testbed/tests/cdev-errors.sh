#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Errors users hit in cdev mode, each one clear line naming the device, the
# step, the error and what to do, the other devices still coming up:
# permission denied on one node, RLIMIT_MEMLOCK too low for the pinned
# memory. (No /dev/iommu and the group held by another process have their
# own tests; an IOVA outside the IOAS ranges is cdev-iova-range.)
. "$(dirname "$0")/lib.sh"

# expect_line LOG TEXT: the log has a line with TEXT; show it.
expect_line() {
	local line
	line=$(grep -F -m1 -- "$2" "$VFIO_CDEV_RUN/$1.log") ||
		{ tail -30 "$VFIO_CDEV_RUN/$1.log"; fail "$1: no line with: $2"; }
	note "$1: $line"
}

# Permission denied: a user who may open /dev/iommu and all nodes but one.
# That device is refused, the other three come up.
locked=$(cdev_of "$E1000E_B")
chmod 0666 /dev/iommu /dev/vfio/devices/*
chmod 0600 "/dev/vfio/devices/$locked"
ulimit -l unlimited
HOME=/tmp setpriv --reuid=65534 --regid=65534 --clear-groups -- \
	stdbuf -oL "$TESTPMD" -l 0-1 -n 1 --no-huge -m 256 --vfio-mode=cdev \
	--file-prefix=nobody -- --forward-mode=io --tx-first --nb-cores=1 \
	--total-num-mbufs=16384 --stats-period=3 > "$VFIO_CDEV_RUN/eacces.log" 2>&1 &
pid=$!
wait_line "$pid" "$VFIO_CDEV_RUN/eacces.log" 'Throughput (since last show)' testpmd
sleep 3
kill -INT "$pid"
wait "$pid" || fail "eacces: testpmd failed"
chmod 0600 /dev/vfio/devices/* && chmod 0660 /dev/iommu
expect_line eacces "$E1000E_B ($locked): cannot open /dev/vfio/devices/$locked: Permission denied; run as root"
[ "$(grep -c '^Configuring Port' "$VFIO_CDEV_RUN/eacces.log")" -eq 3 ] ||
	fail "eacces: the three open devices did not come up"

# RLIMIT_MEMLOCK: without CAP_IPC_LOCK, 4 MiB cannot pin the 64 MiB DPDK
# has when the device is attached: the device is not used.
setpriv --inh-caps=-ipc_lock --bounding-set=-ipc_lock -- bash -c \
	"ulimit -l 4096; exec $TESTPMD -l 0-1 -n 1 -m 64 --vfio-mode=cdev \
	-a $E1000E_A -- --nb-cores=1 --total-num-mbufs=2048" < /dev/null \
	> "$VFIO_CDEV_RUN/memlock.log" 2>&1
expect_line memlock "pinning needs 65536 KiB of RLIMIT_MEMLOCK (4096 KiB limit"
expect_line memlock "$E1000E_A ($(cdev_of "$E1000E_A")): DPDK memory not mapped for DMA"
! grep -q '^Configuring Port' "$VFIO_CDEV_RUN/memlock.log" ||
	fail "memlock: the device was used without its memory mapped"
