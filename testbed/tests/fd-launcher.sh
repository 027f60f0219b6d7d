#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Fds handed in, the container pattern: dpdk-vfio_launcher (as root)
# opens /dev/iommu with per-process accounting and the two e1000e's cdevs,
# enters a mount namespace that has no /dev/vfio and no /dev/iommu at
# all, drops to an unprivileged user with no capability and starts
# testpmd with --vfio-iommufd and --vfio-device-fd. testpmd forwards, its
# secondary (dpdk-proc-info) reads the ports, telemetry shows the
# accounting; bound by the launcher too. Wrong fds are refused with one
# line each and leave nothing open: a regular file, another device's
# cdev, a bound device with another iommufd.
# Group mode has no way to take fds from a launcher (its container and
# group fds are opened by EAL itself): this test runs in cdev mode only.
. "$(dirname "$0")/lib.sh" cdev

uid=65534	# nobody
LAUNCHER=$DPDK_BUILD/examples/dpdk-vfio_launcher
REAL_TESTPMD=$TESTPMD
[ -x "$LAUNCHER" ] || fail "no $LAUNCHER"

# The namespace: /dev a tmpfs with only the nodes any program uses, and
# the user's own hugetlbfs; the rest of the tree as in the guest.
ready=$VFIO_CDEV_RUN/ns-ready
unshare --mount --propagation private bash -c '
	set -e
	mount -t tmpfs -o mode=0755 none /dev
	mknod -m 0666 /dev/null c 1 3
	mknod -m 0666 /dev/zero c 1 5
	mknod -m 0666 /dev/urandom c 1 9
	mkdir /dev/hugepages
	mount -t hugetlbfs -o uid='$uid',gid='$uid',mode=0700 nodev /dev/hugepages
	touch '"$ready"'
	exec sleep infinity' &
ns_pid=$!
trap 'kill $ns_pid 2> /dev/null' EXIT
for _ in $(seq 100); do [ -e "$ready" ] && break; sleep 0.1; done
[ -e "$ready" ] || fail "no mount namespace"
NS=/proc/$ns_pid/ns/mnt
in_ns() { nsenter --mount="$NS" "$@"; }
in_ns test ! -e /dev/vfio -a ! -e /dev/iommu ||
	fail "the namespace has /dev/vfio or /dev/iommu"
note "namespace: /dev holds $(in_ns ls /dev | tr '\n' ' ')"

# as_user CMD...: CMD in the namespace as the user, no capability
as_user() {
	in_ns setpriv --reuid="$uid" --regid="$uid" --clear-groups \
		--inh-caps=-all --bounding-set=-all "$@"
}

# launch_with ARGS...: testpmd_start and testpmd_forward start testpmd
# through the launcher with these options (a wrapper stands for testpmd)
wrapper=$VFIO_CDEV_RUN/testpmd-launched
launch_with() {
	printf '#!/bin/bash\nexec %q' "$LAUNCHER" > "$wrapper"
	printf ' %q' --user "$uid" --memlock 1G --mount-ns "$NS" "$@" \
		-- "$REAL_TESTPMD" >> "$wrapper"
	printf ' "$@"\n' >> "$wrapper"
	chmod +x "$wrapper"
	TESTPMD=$wrapper
}

# testpmd's process (the wrapper execs the launcher, which execs it)
testpmd_pid() {
	local pid
	pid=$(pgrep -n -x dpdk-testpmd) || fail "no testpmd process"
	echo "$pid"
}

# fds_of PID: what the process's fds are, one per line
fds_of() {
	local f
	for f in /proc/"$1"/fd/*; do readlink "$f"; done | sort
}

eal=(-a "$E1000E_A" -a "$E1000E_B" --huge-dir=/dev/hugepages)

# 1. Launched: forwards as the user, in the namespace, from the fds.
launch_with --device "$E1000E_A" --device "$E1000E_B"
testpmd_start launched "${eal[@]}" -- -i --nb-cores=1
pid=$(testpmd_pid)
grep -q "^Uid:.*$uid" /proc/"$pid"/status || fail "testpmd does not run as $uid"
caps=$(grep CapEff /proc/"$pid"/status)
[ "$caps" = "CapEff:	0000000000000000" ] || fail "testpmd has capabilities: $caps"
[ ! -e /proc/"$pid"/root/dev/vfio ] || fail "testpmd sees /dev/vfio"
vfio_fds=$(fds_of "$pid" | grep -x '/dev/iommu\|/dev/vfio/.*' | tr '\n' ' ')
note "testpmd: uid $uid, $caps, VFIO fds: $vfio_fds"
grep -q "VFIO mode: cdev (auto: fds handed in with --vfio-iommufd)" "$TESTPMD_LOG" ||
	fail "auto mode did not take the fds"
line=$(grep -m1 "pinned memory charged" "$TESTPMD_LOG") ||
	fail "no line says how pinned memory is charged"
case $line in *"this process's RLIMIT_MEMLOCK (limit 1048576 KiB)"*) ;;
	*) fail "not per-process accounting: $line" ;; esac
note "$line"
forward_for 4
forwarded "$TESTPMD_LOG" launched || { tail -30 "$TESTPMD_LOG"; fail "no forwarding"; }

# telemetry of the IOAS and devices, read by the user
printf '%s\n' /vfio_cdev/ioas /vfio_cdev/devices |
	as_user /usr/bin/python3 "$STAGED_DPDK/usertools/dpdk-telemetry.py" \
	> "$VFIO_CDEV_RUN/launched.json" || fail "dpdk-telemetry.py failed"
/usr/bin/python3 - "$VFIO_CDEV_RUN/launched.json" <<'PY' || fail "telemetry"
import json, sys
tel = {}
for line in open(sys.argv[1]):
    tel.update(json.loads(line))
ioas, devs = tel["/vfio_cdev/ioas"], tel["/vfio_cdev/devices"]
assert ioas["accounting"] == "process", ioas
assert ioas["memlock_limit"] == 1 << 30, ioas
assert 0 < ioas["bytes"] <= ioas["pinned_bytes"], ioas
assert devs["fd"] == ["handed in", "handed in"], devs
print("note: telemetry: accounting %s, %d bytes mapped, %d pinned, limit %d; fds %s"
      % (ioas["accounting"], ioas["bytes"], ioas["pinned_bytes"],
         ioas["memlock_limit"], devs["fd"]))
PY

# its secondary, as the same user in the same namespace
as_user "$PROC_INFO" --huge-dir=/dev/hugepages -- --stats \
	> "$VFIO_CDEV_RUN/launched-proc-info.log" 2>&1 ||
	{ tail -20 "$VFIO_CDEV_RUN/launched-proc-info.log"; fail "dpdk-proc-info failed"; }
n=$(grep -c 'NIC statistics for port' "$VFIO_CDEV_RUN/launched-proc-info.log")
[ "$n" -eq 2 ] || fail "dpdk-proc-info showed $n ports, not 2"
note "secondary: dpdk-proc-info read both ports"
testpmd_stop

# 2. Bound by the launcher: the same, one device, fd "handed in bound".
launch_with --device "$E1000E_A" --bind
testpmd_start bound -a "$E1000E_A" --huge-dir=/dev/hugepages -- -i --nb-cores=1
testpmd_cmd "show port summary all"
[ "$(ports_in bound)" = "$E1000E_A" ] || fail "the bound device did not probe"
testpmd_stop
note "bound by the launcher: $E1000E_A probed"

# 3. Wrong fds, handed in directly (bash opens them) to testpmd as the
# user in the namespace: each refused with one line; afterwards testpmd
# holds no fd of them (the iommufd is its own).
other=$VFIO_CDEV_RUN/not-a-device
echo > "$other"
exec {iommufd}<> /dev/iommu

# refused NAME LINE ARGS...: testpmd with ARGS refuses E1000E_A saying
# LINE, and holds no VFIO fd but the iommufd, nor the regular file
refused() {
	local name=$1 line=$2
	shift 2
	RUN_WRAP=(nsenter --mount="$NS" prlimit --memlock=1073741824
		setpriv --reuid="$uid" --regid="$uid" --clear-groups
		--inh-caps=-all --bounding-set=-all)
	printf '#!/bin/bash\nexec' > "$wrapper"
	printf ' %q' "${RUN_WRAP[@]}" "$REAL_TESTPMD" >> "$wrapper"
	printf ' "$@"\n' >> "$wrapper"
	TESTPMD=$wrapper
	testpmd_start "$name" "$@" -a "$E1000E_A" --huge-dir=/dev/hugepages \
		-- -i --nb-cores=1
	grep -q -- "$line" "$TESTPMD_LOG" ||
		{ tail -20 "$TESTPMD_LOG"; fail "$name: no line \"$line\""; }
	grep -q "No probed ethernet devices\|Number of available ports: 0" "$TESTPMD_LOG" ||
		testpmd_cmd "show port summary all"
	[ -z "$(ports_in "$name")" ] || fail "$name: a port probed"
	pid=$(testpmd_pid)
	left=$(fds_of "$pid" | grep -x "/dev/vfio/.*\|$other" || true)
	[ -z "$left" ] || fail "$name: fds left open: $left"
	note "$name: $(grep -m1 -- "$line" "$TESTPMD_LOG" | sed 's/^EAL: //')"
	testpmd_stop
}

exec {file}<> "$other"
refused regular-file "is not a VFIO device cdev; refused" \
	--vfio-iommufd="$iommufd" --vfio-device-fd="$E1000E_A=$file"
exec {file}>&-
exec {cdev_b}<> "/dev/vfio/devices/$(cdev_of "$E1000E_B")"
refused other-device "is the cdev of $E1000E_B, not of this device; refused" \
	--vfio-iommufd="$iommufd" --vfio-device-fd="$E1000E_A=$cdev_b"
exec {cdev_b}>&-

# the launcher binds the device to its iommufd; the later
# --vfio-iommufd (the last one given counts) names another
launch_with --device "$E1000E_A" --bind
testpmd_start wrong-iommufd --vfio-iommufd="$iommufd" -a "$E1000E_A" \
	--huge-dir=/dev/hugepages -- -i --nb-cores=1
line="bound to another iommufd than this process's"
grep -q "$line" "$TESTPMD_LOG" ||
	{ tail -20 "$TESTPMD_LOG"; fail "wrong-iommufd: no line \"$line\""; }
testpmd_cmd "show port summary all"
[ -z "$(ports_in wrong-iommufd)" ] || fail "wrong-iommufd: a port probed"
pid=$(testpmd_pid)
left=$(fds_of "$pid" | grep -x '/dev/vfio/.*' || true)
[ -z "$left" ] || fail "wrong-iommufd: fds left open: $left"
[ "$(fds_of "$pid" | grep -cx /dev/iommu)" -eq 1 ] ||
	fail "wrong-iommufd: not one iommufd: $(fds_of "$pid" | grep /dev/iommu)"
note "wrong-iommufd: $(grep -m1 "$line" "$TESTPMD_LOG" | sed 's/^EAL: //')"
testpmd_stop
exec {iommufd}>&-
