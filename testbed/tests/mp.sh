#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# modes: group cdev
# Secondary processes of a testpmd primary, started without --vfio-mode,
# take the primary's mode. A secondary testpmd forwards between the ports
# (the primary does not), and sees a device the primary attaches while it
# runs, with its link state read from the device; dpdk-proc-info shows the
# counters; a secondary asking for the other mode is refused in one line,
# one asking for the primary's is not; a device the primary does not use
# is refused in a secondary, the others come up.
. "$(dirname "$0")/lib.sh"

other=cdev
[ "$MODE" = cdev ] && other=group
testpmd_start primary "$MODE_ARG" -a "$E1000E_A" -a "$E1000E_B" \
	-- -i --nb-cores=1 --total-num-mbufs=8192
testpmd_start secondary --proc-type=secondary -a "$E1000E_A" \
	-a "$E1000E_B" -- -i --nb-cores=1 --forward-mode=io
line=$(grep -m1 "VFIO mode: " "$TESTPMD_LOG")
note "secondary: $line"
[[ $line == *"VFIO mode: $MODE (the primary process's)"* ]] ||
	fail "the secondary did not take the primary's mode"
forward_for 2
forwarded "$TESTPMD_LOG" "secondary" || fail "the secondary did not forward"
if [ "$MODE" = cdev ]; then
	# the bound device fds the secondary got: no child may inherit them
	# (testpmd is the child of timeout)
	pid=$(pgrep -P "$TESTPMD_PID" | head -1)
	n=0
	for fd in /proc/"$pid"/fd/*; do
		[[ $(readlink "$fd") == /dev/vfio/devices/vfio* ]] || continue
		flags=$(awk '/^flags:/ { print $2 }' "/proc/$pid/fdinfo/${fd##*/}")
		(( 8#$flags & 8#2000000 )) || fail "the secondary's device fd ${fd##*/} is not close-on-exec (flags $flags)"
		n=$((n + 1))
	done
	[ "$n" -eq 2 ] || fail "the secondary holds $n device fds, expected 2"
	note "the secondary's $n device fds are close-on-exec"
fi

testpmd_use primary
testpmd_cmd "port attach $VIRTIO"
testpmd_cmd "port start 2"
testpmd_use secondary
testpmd_cmd "show port summary all"
line=$(grep -E "^2 +[0-9a-fA-F:]+ +$VIRTIO +net_virtio +up" "$TESTPMD_LOG") ||
	{ tail -10 "$TESTPMD_LOG"; fail "the device attached in the primary is not up in the secondary"; }
note "secondary, after the primary attached $VIRTIO: $(echo $line)"

"$PROC_INFO" -- --stats \
	> "$VFIO_CDEV_RUN/proc-info.log" 2>&1 ||
	{ tail -20 "$VFIO_CDEV_RUN/proc-info.log"; fail "dpdk-proc-info failed"; }
rx=$(awk '/NIC statistics for port 1 /{ p = 1 } p && /RX-packets:/ { print $2; exit }' \
	"$VFIO_CDEV_RUN/proc-info.log")
note "dpdk-proc-info --stats: port 1 RX-packets ${rx:-none}"
[ "${rx:-0}" -gt 0 ] || { cat "$VFIO_CDEV_RUN/proc-info.log"; fail "no counters from dpdk-proc-info"; }

"$PROC_INFO" "$MODE_ARG" -- --stats \
	> "$VFIO_CDEV_RUN/proc-info-same.log" 2>&1 ||
	{ tail -10 "$VFIO_CDEV_RUN/proc-info-same.log"; fail "a secondary asking for the primary's mode was refused"; }
! "$PROC_INFO" --vfio-mode="$other" -- --stats \
	> "$VFIO_CDEV_RUN/proc-info-other.log" 2>&1 ||
	fail "a secondary asking for another mode than the primary's ran"
line=$(grep -m1 "the primary process runs in $MODE mode" \
	"$VFIO_CDEV_RUN/proc-info-other.log") || fail "no clear refusal"
note "--vfio-mode=$other in a secondary: $line"

# a device the primary does not use: refused in the secondary, with
# pci_vfio.c's line in both modes
"$PROC_INFO" -a "$E1000E_A" -a "$E1000" -- --stats \
	> "$VFIO_CDEV_RUN/proc-info-unused.log" 2>&1
line=$(grep -m1 "$E1000 cannot find TAILQ entry for PCI device" \
	"$VFIO_CDEV_RUN/proc-info-unused.log") ||
	{ tail -10 "$VFIO_CDEV_RUN/proc-info-unused.log"; fail "no message for a device the primary does not use"; }
note "a device the primary does not use: $line"
grep -q "NIC statistics for port 0" "$VFIO_CDEV_RUN/proc-info-unused.log" ||
	fail "the device the primary uses did not come up beside it"
testpmd_stop
testpmd_use primary
testpmd_stop
