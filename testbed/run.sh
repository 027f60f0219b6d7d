#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Run a command inside the QEMU test bed and return its exit status.
#
#   testbed/run.sh [options] -- COMMAND [ARG...]
#
# The guest: q35 under TCG, intel-iommu with interrupt remapping, 2 vCPUs,
# 2 GiB (--memory), the test-bed kernel (kernel/build.sh), the host root
# and this
# repository shared read-only and the build directory read-write, at the
# same paths as on the host (even under /tmp, which the guest overmounts),
# two e1000e (0000:00:02.0, 0000:00:03.0), a modern virtio-net
# (0000:00:04.0) and an e1000 (82540EM, INTx only, 0000:00:08.0) on one
# hub, all bound to vfio-pci before COMMAND runs in the current directory.
#
# Options:
#   --kernel 6.12|7.3      the guest kernel (kernel/build.sh), default 6.12
#   --variant NAME         kernel variant (kernel/variants/), default full
#   --hugepages N          2 MiB hugepages to reserve (default 512)
#   --memory MIB           guest memory (default 2048; the hugepages and
#                          about 1 GiB more)
#   --expect-iommu-fault   COMMAND provokes an IOMMU fault: require one
#   --iommu-aw-bits N      address width of the emulated IOMMU (default 48:
#                          DPDK's IOVA-as-VA addresses need it)
#   --no-iommu             no emulated IOMMU, and VFIO in no-IOMMU mode
#                          (vfio.enable_unsafe_noiommu_mode=1; the kernel
#                          needs CONFIG_VFIO_NOIOMMU, which the test
#                          bed's kernels have)
#   --sriov                an SR-IOV NVMe controller at 0000:00:09.0 (no
#                          namespace; up to 2 VFs), left on no driver, and
#                          vfio_pci.enable_sriov=1
#   --pci-bridge           two more e1000 (82540EM) behind a PCIe-to-PCI
#                          bridge, on the hub: one IOMMU group for both
#   --timeout SECONDS      give up on the guest after this (default 900)
#   --name NAME            name of the run directory (default: a new one)
#
# The console log, the guest dmesg and the status are kept in
# build/testbed/runs/NAME/. An IOMMU (DMAR) fault in the guest fails the
# run unless --expect-iommu-fault is given. Exits 124 if the guest did not
# finish in time, 125 if it stopped without a status, 126 if QEMU itself
# crashed or the guest did not boot, 127 if the guest froze (its init's
# heartbeat stopped for a minute: QEMU's view of its CPUs is kept in
# frozen.txt).
set -euo pipefail
. "$(dirname "$0")/../scripts/common.sh"

variant=full
kver=6.12
hugepages=512
memory=2048
expect_fault=0
timeout_s=900
aw_bits=48
no_iommu=0
sriov=()
bridge=()
append=
name=
while [ $# -gt 0 ]; do
	case $1 in
	--variant) variant=$2; shift 2 ;;
	--kernel) kver=$2; shift 2 ;;
	--hugepages) hugepages=$2; shift 2 ;;
	--memory) memory=$2; shift 2 ;;
	--expect-iommu-fault) expect_fault=1; shift ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--iommu-aw-bits) aw_bits=$2; shift 2 ;;
	--no-iommu) no_iommu=1; shift ;;
	--sriov)
		sriov=(-device nvme-subsys,id=subsys0
			-device nvme,serial=vfio-cdev,subsys=subsys0,addr=0x9,sriov_max_vfs=2,sriov_vq_flexible=4,sriov_vi_flexible=2,max_ioqpairs=6,msix_qsize=3)
		append=" vfio_pci.enable_sriov=1"
		shift ;;
	--pci-bridge)
		bridge=(-device pcie-pci-bridge,id=pcibr,bus=pcie.0,addr=0xa
			-netdev hubport,hubid=0,id=h4 -device e1000,netdev=h4,bus=pcibr,addr=0x1
			-netdev hubport,hubid=0,id=h5 -device e1000,netdev=h5,bus=pcibr,addr=0x2)
		shift ;;
	--name) name=$2; shift 2 ;;
	--) shift; break ;;
	*) die "usage: testbed/run.sh [options] -- COMMAND [ARG...]" ;;
	esac
done
[ $# -gt 0 ] || die "usage: testbed/run.sh [options] -- COMMAND [ARG...]"
if [ "$no_iommu" -eq 1 ]; then
	iommu=()
	append+=" vfio.enable_unsafe_noiommu_mode=1"
else
	iommu=(-device intel-iommu,intremap=on,aw-bits="$aw_bits",device-iotlb=on)
	append+=" intel_iommu=on"
fi

kernel=$("$REPO_DIR/kernel/build.sh" --kernel "$kver" --variant "$variant")
mkdir -p "$BUILD_DIR/testbed/runs"
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
[ -n "$name" ] || name=$(date +%Y%m%d-%H%M%S)-$$
run=$BUILD_DIR/testbed/runs/$name
rm -rf "$run"
mkdir -p "$run"

# What the guest init runs: the command, where, and what to reserve.
{
	printf 'cd %q\n' "$PWD"
	printf 'HUGEPAGES=%q\n' "$hugepages"
	printf 'COMMAND=('
	printf '%q ' "$@"
	printf ')\n'
} > "$run/command"

# Lines the Intel and virtio IOMMU drivers log for a faulting DMA.
FAULT_PATTERN='DMAR: \[(DMA Read|DMA Write|INTR-REMAP)|DMAR: DRHD: handling fault|virtio_iommu.*fault|iommu.*[Ff]ault (addr|reason)'

start=$(date +%s)
rc=0
# A guest boots in 3-10 s; one that has not reached its init in 60 s is
# stuck (seen: no console output at all, or the kernel's RCU reporting
# that CPU 1's timer never fired). Once running, its init writes a
# heartbeat every 5 s (init.sh); a guest whose heartbeat stops for 60 s
# is frozen (seen once: no output after testpmd probed its ports, QEMU
# nearly idle). Either is stopped and told apart; a frozen one's CPUs are
# asked about first, over QEMU's monitor.
rm -f "$run/no-boot" "$run/frozen.txt" "$run/heartbeat"
qemu_state() {
	/usr/bin/python3 - "$run/monitor.sock" <<'PY'
import re, socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.settimeout(2)
s.connect(sys.argv[1])
out = b""
for cmd in (b"info status", b"info cpus", b"info registers -a"):
    s.sendall(cmd + b"\n")
    time.sleep(1)
    try:
        while True:
            data = s.recv(1 << 16)
            if not data:
                break
            out += data
    except socket.timeout:
        pass
# the monitor echoes what it is sent, redrawn keystroke by keystroke
text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out.decode(errors="replace"))
sys.stdout.write(re.sub(r"\(qemu\) [^\n]*", "(qemu)", text))
PY
}
(
	for _ in $(seq 60); do
		grep -q "testbed: ready" "$run/console.log" 2> /dev/null && break
		sleep 1
	done
	if ! grep -q "testbed: ready" "$run/console.log" 2> /dev/null; then
		touch "$run/no-boot"
		pkill -KILL -f "logfile=$run/console.log"
		exit 0
	fi
	last= since=$(date +%s)
	while sleep 5; do
		beat=$(cat "$run/heartbeat" 2> /dev/null || true)
		if [ "$beat" != "$last" ]; then
			last=$beat
			since=$(date +%s)
		elif [ $(( $(date +%s) - since )) -ge 60 ]; then
			{
				echo "last heartbeat: guest uptime ${last:-none} s"
				ps -o pid,stat,pcpu,time -p "$(pgrep -f "^qemu-system.*logfile=$run/console.log" | head -1)"
				qemu_state
			} > "$run/frozen.txt" 2>&1
			pkill -KILL -f "logfile=$run/console.log"
			exit 0
		fi
	done
) &
watchdog=$!
# no_timer_check: on a loaded host, TCG's IO-APIC timer can miss the
# kernel's boot-time check ("timer doesn't work through Interrupt-remapped
# IO-APIC"), which then panics.
timeout --foreground "$timeout_s" qemu-system-x86_64 \
	-accel tcg -M q35 -cpu max -m "$memory" -smp 2 \
	-display none -vga none -no-reboot \
	-monitor unix:"$run/monitor.sock",server=on,wait=off \
	-chardev stdio,id=con,signal=off,logfile="$run/console.log" \
	-serial chardev:con \
	-kernel "$kernel" \
	-append "console=ttyS0 panic=-1 no_timer_check quiet root=hostroot rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=262144,cache=loose ro init=$REPO_DIR/testbed/init.sh VFIO_CDEV_RUN=$run VFIO_CDEV_REPO=$REPO_DIR VFIO_CDEV_BUILD=$BUILD_DIR$append" \
	-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap \
	"${iommu[@]}" \
	-device virtio-9p-pci,fsdev=root,mount_tag=hostroot,addr=0x5 \
	-fsdev local,id=build,path="$BUILD_DIR",security_model=none,multidevs=remap \
	-device virtio-9p-pci,fsdev=build,mount_tag=build,addr=0x6 \
	-fsdev local,id=repo,path="$REPO_DIR",security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=repo,mount_tag=repo,addr=0x7 \
	-netdev hubport,hubid=0,id=h0 -device e1000e,netdev=h0,addr=0x2 \
	-netdev hubport,hubid=0,id=h1 -device e1000e,netdev=h1,addr=0x3 \
	-netdev hubport,hubid=0,id=h2 \
	-device virtio-net-pci,disable-legacy=on,iommu_platform=on,ats=on,netdev=h2,addr=0x4 \
	-netdev hubport,hubid=0,id=h3 -device e1000,netdev=h3,addr=0x8 \
	"${sriov[@]}" "${bridge[@]}" \
	< /dev/null || rc=$?
log "guest ran $(( $(date +%s) - start )) s; run directory $run"

if [ "$rc" -eq 124 ]; then
	log "the guest did not finish within $timeout_s s"
	exit 124
fi
kill "$watchdog" 2> /dev/null || true
if [ -f "$run/no-boot" ]; then
	log "the guest did not boot within 60 s (QEMU stopped); see $run/console.log"
	exit 126
fi
if [ -f "$run/frozen.txt" ]; then
	log "the guest froze: no heartbeat for 60 s (QEMU stopped); see $run/frozen.txt and $run/console.log"
	exit 127
fi
if [ ! -f "$run/status" ] && [ "$rc" -gt 128 ]; then
	log "QEMU itself crashed (signal $((rc - 128))), not the guest; see $run/console.log"
	exit 126
fi
if [ ! -f "$run/status" ]; then
	log "the guest stopped without a status (QEMU exit $rc); see $run/console.log"
	exit 125
fi
status=$(cat "$run/status")

if grep -Eq "$FAULT_PATTERN" "$run/dmesg"; then
	if [ "$expect_fault" -eq 0 ]; then
		log "IOMMU fault in the guest (see $run/dmesg):"
		grep -E "$FAULT_PATTERN" "$run/dmesg" | head -5 >&2
		[ "$status" -ne 0 ] || status=1
	fi
elif [ "$expect_fault" -eq 1 ]; then
	log "an IOMMU fault was expected but the guest dmesg shows none"
	[ "$status" -ne 0 ] || status=1
fi
exit "$status"
