#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Every failure of a system call on the way to a working device rolls
# back (app/test/test_vfio_fault.c).
# cdev mode's own calls: the probe of virtio-net with its 1st, 2nd, ...
# call inside rte_vfio_setup_device() failing, first as the process's
# first device (its ioctls, through filling the IOAS), then while the
# e1000e pair forwards, and rte_dev_dma_map()/rte_dev_dma_unmap() of
# external memory alike. Each failure leaves the fds, the BAR mappings
# and the IOAS as they were and logs the device and the errno; the device
# then comes up again. Then the memory event callback's mappings of
# memory rte_malloc() adds: a failure is logged, and the memory, once
# freed, leaves the IOAS as it was, in the kernel too.
# DPDK's own pci_vfio.c and the driver, the same code in both modes: the
# calls outside rte_vfio_setup_device() fail in turn, in group mode (the
# reference) and in cdev mode, and each failure must leave the same
# behind in both.
. "$(dirname "$0")/lib.sh" cdev

# autotest NAME MODE EAL-ARGS...
autotest() {
	local t=$1 mode=$2 log=$VFIO_CDEV_RUN/$1-$2.log
	shift 2
	VFIO_FAULT_DEVICE=$VIRTIO VFIO_CDEV_TEST_PORTS="$E1000E_A $E1000E_B" \
	DPDK_TEST=$t "$DPDK_TEST" -l 0-1 -n 1 --vfio-mode="$mode" "$@" \
		--file-prefix="$t" < /dev/null > "$log" 2>&1 ||
		{ grep -E '^(pci )?fault' "$log" | tail -5; tail -30 "$log"; fail "$t ($mode) failed"; }
	grep -q 'Tests Skipped :      0' "$log" || { tail -30 "$log"; fail "$t ($mode): skipped"; }
	grep -E '^[^:]+: [0-9]+ calls walked|^memory event: ' "$log" | sed "s/^/note: $mode: /"
}

# no device at start (an address with no device keeps the others out),
# and dynamic memory: mapped one page per mapping, so that a fault can
# hit the middle of filling the IOAS
autotest vfio_fault_first_probe_autotest cdev -a 0000:00:1f.7
autotest vfio_fault_autotest cdev -m 256 -a "$E1000E_A" -a "$E1000E_B"
grep -E '^fault' "$VFIO_CDEV_RUN"/vfio_fault_*-cdev.log | sed "s/^[^:]*: */note:     /"

# (fault-mutants.sh, whose mutants are in cdev mode's own code, leaves
# this part out: VFIO_FAULT_CDEV_ONLY=1)
[ -z "${VFIO_FAULT_CDEV_ONLY:-}" ] || exit 0
for mode in group cdev; do
	autotest vfio_fault_pci_autotest "$mode" -m 256 -a "$E1000E_A" \
		-a "$E1000E_B"
	grep '^pci fault' "$VFIO_CDEV_RUN/vfio_fault_pci_autotest-$mode.log" \
		> "$VFIO_CDEV_RUN/pci-walk-$mode"
done
diff -u "$VFIO_CDEV_RUN/pci-walk-group" "$VFIO_CDEV_RUN/pci-walk-cdev" ||
	fail "a fault in pci_vfio.c or the driver ends otherwise in cdev mode than in group mode"
note "pci_vfio.c and the driver: $(wc -l < "$VFIO_CDEV_RUN/pci-walk-cdev") faults end the same in both modes; those that leave something behind (stock DPDK, both modes):"
grep -v 'left fds +0, BAR mappings +0, reserved +0 bytes\|got over' \
	"$VFIO_CDEV_RUN/pci-walk-cdev" | sed "s/^/note:     /"
