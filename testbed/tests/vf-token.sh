#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# testbed: --sriov
# VF tokens in cdev mode, on the test bed's SR-IOV NVMe: its PF bound to
# vfio-pci, a VF created, and a process owning the PF with
# --vfio-vf-token (vfio_cdev_vf_token_autotest). On the patched 6.12
# (kernel/patches, the default here) and on 7.3, which checks the token
# at bind itself (vf-token@7.3), VFIO_DEVICE_BIND_IOMMUFD refuses
# the VF without the token or with another one, and takes the right one;
# DPDK opens the VF with --vfio-vf-token, and without it or with another
# token fails with a message naming the token; auto mode picks cdev for
# the VF with its token. vf-token-unpatched.sh runs this on the unpatched
# kernel ("unchecked"): the VF binds without any token, DPDK refuses to
# bind it without the token it was given, and auto mode picks group mode
# for it, which checks the token, so that the VF probes as it did before
# cdev mode.
. "$(dirname "$0")/lib.sh" cdev

expect=${1:-checked}
PF=0000:00:09.0
VF=0000:00:09.1	# its first VF (SR-IOV offset 1)
bind_to vfio-pci "$PF"
sync=/tmp/vf-token
mkdir -p "$sync"

# wait_sync NAME: until the PF's owner creates $sync/NAME
wait_sync() {
	local i
	for i in $(seq 1200); do
		[ -e "$sync/$1" ] && return 0
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.1
	done
	tail -30 "$owner"
	fail "the PF's owner did not get to $1"
}

token=$(cat /proc/sys/kernel/random/uuid)
wrong=$(cat /proc/sys/kernel/random/uuid)
owner=$VFIO_CDEV_RUN/owner.log
VFIO_TOKEN_PF=$PF VFIO_TOKEN_WRONG=$wrong VFIO_TOKEN_SYNC=$sync \
VFIO_TOKEN_PLAIN=$E1000 \
VFIO_TOKEN_CHECKED=$([ "$expect" = checked ] && echo 1 || echo 0) \
DPDK_TEST=vfio_cdev_vf_token_autotest \
	"$DPDK_TEST" -l 0 -n 1 -m 64 --vfio-mode=cdev --vfio-vf-token="$token" \
	-a "$PF" -a "$VF" --file-prefix=owner < /dev/null > "$owner" 2>&1 &
pid=$!

# The VF is created once the owner holds the PF: opening the PF resets it,
# and QEMU's PF reset takes its VFs away.
wait_sync pf-ready
echo 1 > "/sys/bus/pci/devices/$PF/sriov_numvfs" ||
	fail "cannot create a VF of $PF (vfio_pci.enable_sriov=1, CONFIG_PCI_IOV?)"
[ "$(basename "$(readlink "/sys/bus/pci/devices/$PF/virtfn0")")" = "$VF" ] ||
	fail "the VF of $PF is not $VF"
[ "$(basename "$(readlink "/sys/bus/pci/devices/$VF/driver")")" = vfio-pci ] ||
	bind_to vfio-pci "$VF"
note "PF $PF, VF $VF, both on vfio-pci"
# written then renamed: the owner must never read a file not yet written
echo "$VF" > "$sync/vf.new" && mv "$sync/vf.new" "$sync/vf"
wait_sync holding

# Another process probes the VF without a token, with another one and
# with the PF's, in group mode (the reference: VFIO_GROUP_GET_DEVICE_FD
# checks the token on any kernel) and in cdev mode; each outcome is
# "MODE TOKEN: done|refused", the cdev one with its message.
other() {
	local mode=$1 name=$2 log=$VFIO_CDEV_RUN/other-$1-$2.log
	shift 2
	VFIO_TOKEN_PF=$PF VFIO_TOKEN_VF=$VF VFIO_TOKEN_CHECKED=0 \
	DPDK_TEST=vfio_cdev_vf_probe_autotest "$DPDK_TEST" -l 1 -n 1 -m 64 \
		--vfio-mode="$mode" -a "$VF" --file-prefix=other "$@" \
		< /dev/null > "$log" 2>&1
	echo "$mode $name: $(sed -n 's/^probe of the VF from another process: //p' "$log")"
	grep -h "VFIO_DEVICE_BIND_IOMMUFD\|VFIO mode: .*(auto" "$log" | sed 's/^/    /'
}
outcomes=$(for mode in group cdev; do
	other "$mode" none
	other "$mode" wrong --vfio-vf-token="$wrong"
	other "$mode" right --vfio-vf-token="$token"
done
other auto right --vfio-vf-token="$token")
touch "$sync/release"
wait "$pid" || { tail -30 "$owner"; fail "vfio_cdev_vf_token_autotest failed"; }
grep -q 'Tests Skipped :      0' "$owner" || { tail -20 "$owner"; fail "skipped"; }
grep -E '^(bind of|VF bind|probe of)' "$owner" | sed 's/^/note: /'
echo "$outcomes" | sed -e 's/^    /note:     /' -e t -e 's/^/note: another process, /'

# outcome MODE TOKEN WANT [MESSAGE]
outcome() {
	grep -qx "$1 $2: $3" <<< "$outcomes" ||
		fail "another process, $1 mode, token $2: not $3"
	[ -z "${4:-}" ] || grep -qF -- "$4" <<< "$outcomes" ||
		fail "no message \"$4\""
}
outcome group none refused
outcome group wrong refused
outcome group right done
if [ "$expect" = checked ]; then
	outcome cdev none refused "is on vfio-pci: give its VF token with --vfio-vf-token"
	outcome cdev wrong refused "--vfio-vf-token is not the token set for PF"
	outcome cdev right done
	# auto: cdev, which can give the VF its token
	outcome auto right done "VFIO mode: cdev (auto:"
else
	# the hole the patch closes: bound without the token
	outcome cdev none done
	outcome cdev wrong refused "the kernel cannot check it at bind"
	outcome cdev right refused "the kernel cannot check it at bind"
	# auto: group, which can, as it did before cdev mode
	outcome auto right done "VFIO mode: group (auto: --vfio-vf-token, and VF $VF cannot be given it at bind"
fi
