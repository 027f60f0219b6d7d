#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# modes: group cdev
# VFIO telemetry, read with DPDK's usertools/dpdk-telemetry.py from a
# running testpmd: /vfio/mode, /vfio_cdev/devices and /vfio_cdev/ioas,
# after forwarding, after a port is detached and after it is attached
# again. cdev mode lists each device with the cdev and device number
# sysfs gives for it (opened by EAL), and an IOAS that holds DPDK's
# memory, pinned uncharged (root has CAP_IPC_LOCK); group mode lists no
# device and has no IOAS.
. "$(dirname "$0")/lib.sh"

# snapshot NAME: the three replies, one JSON line each, in NAME.json
snapshot() {
	printf '%s\n' /vfio/mode /vfio_cdev/devices /vfio_cdev/ioas |
		/usr/bin/python3 "$STAGED_DPDK/usertools/dpdk-telemetry.py" \
		> "$VFIO_CDEV_RUN/$1.json" ||
		fail "dpdk-telemetry.py failed"
	[ "$(wc -l < "$VFIO_CDEV_RUN/$1.json")" -eq 3 ] ||
		{ cat "$VFIO_CDEV_RUN/$1.json"; fail "not 3 replies"; }
}

# check NAME DEVICE...: NAME.json is what MODE with DEVICEs mapped shows
check() {
	local name=$1
	shift
	/usr/bin/python3 - "$MODE" "$VFIO_CDEV_RUN/$name.json" "$@" <<'PY' ||
import json, os, sys
mode, path, devices = sys.argv[1], sys.argv[2], sys.argv[3:]
tel = {}
for line in open(path):
    tel.update(json.loads(line))
def fail(msg):
    print("FAIL: %s: %s" % (path, msg))
    sys.exit(1)
m = tel["/vfio/mode"]
if m["mode"] != mode or m["requested"] != mode:
    fail("/vfio/mode is %s" % m)
cols, ioas = tel["/vfio_cdev/devices"], tel["/vfio_cdev/ioas"]
devs = {pci: {k: cols[k][i] for k in cols} for i, pci in enumerate(cols["pci"])}
if mode == "group":
    if devs or ioas is not None:
        fail("group mode shows cdev devices %s or an IOAS %s" % (devs, ioas))
    print("note: %s: %s" % (os.path.basename(path), json.dumps(m)))
    sys.exit(0)
if sorted(devs) != sorted(devices):
    fail("devices %s, expected %s" % (sorted(devs), devices))
for bdf, d in devs.items():
    sysfs = "/sys/bus/pci/devices/%s/vfio-dev" % bdf
    cdev = os.listdir(sysfs)
    devt = open("%s/%s/dev" % (sysfs, cdev[0])).read().strip()
    if [d["cdev"]] != cdev or d["devt"] != devt or d["state"] != "ready" \
            or d["fd"] != "opened":
        fail("%s: %s; sysfs: %s %s" % (bdf, d, cdev, devt))
if not ioas["iova_ranges"] or ioas["mappings"] < 1 or \
        ioas["bytes"] < 2 << 20 or ioas["bytes"] % (2 << 20) or \
        ioas["map_ioctls"] < ioas["mappings"]:
    fail("IOAS %s" % ioas)
noiommu = open("/sys/module/vfio/parameters/enable_unsafe_noiommu_mode").read().strip() == "Y"
if ioas["noiommu"] != int(noiommu):
    fail("IOAS noiommu %s in %s no-IOMMU mode" % (ioas["noiommu"],
         "VFIO's" if noiommu else "not"))
# root: CAP_IPC_LOCK, nothing charged; the kernel counts the pages pinned
if ioas["accounting"] != "none" or ioas["pinned_bytes"] < ioas["bytes"]:
    fail("IOAS accounting %s, %s bytes pinned" % (ioas["accounting"],
         ioas["pinned_bytes"]))
print("note: %s: %s" % (os.path.basename(path), json.dumps(tel)))
PY
		fail "telemetry of $name"
}

testpmd_start primary "$MODE_ARG" -a "$E1000E_A" -a "$E1000E_B" \
	-- -i --nb-cores=1 --forward-mode=io
forward_for 2
snapshot forwarding
check forwarding "$E1000E_A" "$E1000E_B"

testpmd_cmd "port stop 1"
testpmd_cmd "port close 1"
testpmd_cmd "device detach $E1000E_B"
snapshot detached
check detached "$E1000E_A"

testpmd_cmd "port attach $E1000E_B"
snapshot attached
check attached "$E1000E_A" "$E1000E_B"
testpmd_stop
