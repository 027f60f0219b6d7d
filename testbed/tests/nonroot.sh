#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# testpmd in cdev mode as an unprivileged user with no capability, given
# what cdev mode needs and nothing more: its devices' cdevs and
# /dev/iommu, a hugetlbfs mount of its own, and a memlock limit that
# covers the memory pinned for DMA. It forwards between the two e1000e
# ports; auto mode picks cdev for it. With too low a memlock limit for
# its first device it fails with a line naming the limit it needs;
# without access to /dev/iommu with a line naming the node.
. "$(dirname "$0")/lib.sh" cdev

uid=65534	# nobody
huge=/tmp/nonroot-hugepages
mkdir -p "$huge"
mount -t hugetlbfs -o "uid=$uid,gid=$uid,mode=0700" nodev "$huge" ||
	fail "cannot mount hugetlbfs at $huge"
for bdf in "$E1000E_A" "$E1000E_B"; do
	chown "$uid" "/dev/vfio/devices/$(cdev_of "$bdf")"
done
chgrp "$uid" /dev/iommu
chmod 0660 /dev/iommu

# run_as MEMLOCK-KIB: the command that runs a program as the user, every
# capability dropped, with that memlock limit
run_as() {
	RUN_AS=(prlimit --memlock="$(($1 * 1024))"
		setpriv --reuid="$uid" --regid="$uid" --clear-groups
		--inh-caps=-all --bounding-set=-all env HOME=/tmp)
}

run_as 1024
caps=$("${RUN_AS[@]}" grep CapEff /proc/self/status)
[ "$caps" = "CapEff:	0000000000000000" ] || fail "the user has capabilities: $caps"
note "as uid $uid, $caps"

# EAL options for the user: its own hugetlbfs mount
eal=(--huge-dir="$huge" -a "$E1000E_A" -a "$E1000E_B")

# A limit below the first hugepage: the first device's attach cannot pin
# DPDK's memory, the probe fails, one line says how much it needs.
log=$VFIO_CDEV_RUN/low-memlock.log
run_as 1024
timeout -s INT 30 "${RUN_AS[@]}" "$TESTPMD" -l 0-1 -n 1 --vfio-mode=cdev \
	"${eal[@]}" -- --forward-mode=io --tx-first --nb-cores=1 \
	--total-num-mbufs=$TESTPMD_MBUFS \
	> "$log" 2>&1 < /dev/null
grep -q 'testpmd: No probed ethernet devices' "$log" ||
	{ tail -20 "$log"; fail "a device probed with a 1 MiB memlock limit"; }
need=$(grep -m1 'pinning needs .* KiB of RLIMIT_MEMLOCK' "$log") ||
	{ tail -20 "$log"; fail "no line names the memlock limit"; }
note "1 MiB memlock: $need"

# No access to /dev/iommu: cdev mode says which node; auto mode falls
# back to group mode, which this user cannot use either.
chmod 0600 /dev/iommu
log=$VFIO_CDEV_RUN/no-iommu-access.log
run_as $((1 << 20))
"${RUN_AS[@]}" "$TESTPMD" -l 0-1 -n 1 --vfio-mode=cdev "${eal[@]}" \
	-- -i < /dev/null > "$log" 2>&1 && fail "testpmd ran without /dev/iommu"
line=$(grep -m1 '/dev/iommu' "$log") || { tail -20 "$log"; fail "no line names /dev/iommu"; }
note "no access to /dev/iommu: $line"
chmod 0660 /dev/iommu

# What the guide says: forwarding as the user, in auto mode too. 1 GiB
# of memlock: more than the memory testpmd pins.
run_as $((1 << 20))
testpmd_forward nonroot-cdev 6 --vfio-mode=cdev "${eal[@]}"
testpmd_forward nonroot-auto 6 "${eal[@]}"
auto=$(grep -m1 'VFIO mode: ' "$VFIO_CDEV_RUN/nonroot-auto.log") ||
	{ grep -i vfio "$VFIO_CDEV_RUN/nonroot-auto.log" | head; fail "auto mode said nothing"; }
note "auto mode as the user: $auto"
case $auto in *"VFIO mode: cdev"*) ;; *) fail "auto mode did not pick cdev" ;; esac
