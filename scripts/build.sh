#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Build the reduced static DPDK with vfio-cdev overlaid:
#   cached Debian DPDK tree + patches/dpdk + our directories -> build/dpdk
#   meson/ninja in build/meson.
# Only files whose content changed are rewritten in build/dpdk, so a
# rebuild after editing one of our files is incremental.
#
# usage: scripts/build.sh [--sanitize]
#   --sanitize  the same build with AddressSanitizer and UndefinedBehavior-
#               Sanitizer, in build/meson-asan (the tests' sanitizer runs)
set -euo pipefail
. "$(dirname "$0")/common.sh"

OVERLAY_DIRS=(app doc drivers examples lib)
SRC=$BUILD_DIR/dpdk
STAGE=$BUILD_DIR/.stage
MESON_DIR=$BUILD_DIR/meson

MESON_OPTIONS=(
	-Ddefault_library=static
	-Dplatform=generic
	-Dwerror=true
	-Dtests=true
	-Dexamples=vfio_extmem
	-Denable_apps=dumpcap,pdump,proc-info,test-pmd,test
	-Denable_drivers=bus/pci,bus/vdev,bus/vfio_cdev,mempool/ring,net/bonding,net/e1000,net/null,net/pcap,net/ring,net/virtio
	-Ddisable_libs=bitratestats,cfgfile,flow_classify,gpudev,jobstats,kni,node,pipeline,port,power,table,vhost
)
TARGETS=()
case ${1:-} in
'') ;;
--sanitize)
	# gcc warns of stock DPDK code under the sanitizers (stringop-overflow
	# in lib/bpf); the normal build keeps -Werror for all of it. Not
	# optimised: gcc takes twice as long to optimise instrumented code.
	# Only the programs the sanitizer tests run, and of the autotests
	# only ours (dpdk-test-vfio-cdev): half the work of every autotest.
	MESON_DIR=$BUILD_DIR/meson-asan
	MESON_OPTIONS=("${MESON_OPTIONS[@]/-Dwerror=true/-Dwerror=false}"
		-Dbuildtype=debug -Db_sanitize=address,undefined)
	TARGETS=(app/test/dpdk-test-vfio-cdev app/dpdk-testpmd
		app/dpdk-proc-info examples/dpdk-vfio_extmem) ;;
*) die "usage: scripts/build.sh [--sanitize]" ;;
esac

stage_tree() {
	local p
	rm -rf "$STAGE"
	cp -a "$(dpdk_pristine_dir)" "$STAGE"
	while read -r p; do
		case "$p" in ''|'#'*) continue ;; esac
		patch -d "$STAGE" -p1 --quiet --forward < "$REPO_DIR/patches/dpdk/$p" ||
			die "patch $p does not apply to DPDK $DPDK_DEB_VERSION"
	done < "$REPO_DIR/patches/dpdk/series"
	for p in "${OVERLAY_DIRS[@]}"; do
		[ -d "$REPO_DIR/$p" ] && cp -r "$REPO_DIR/$p/." "$STAGE/$p/"
	done
	# a real directory, not a symlink: DPDK's driver globs need it
	mkdir -p "$SRC"
	rsync -rlc --delete "$STAGE/" "$SRC/"
	rm -rf "$STAGE"
}

configure() {
	local wanted
	wanted=$(printf '%s\n' "${MESON_OPTIONS[@]}")
	if [ -f "$MESON_DIR/build.ninja" ] &&
			[ "$wanted" = "$(cat "$MESON_DIR/.vfio-cdev-options" 2>/dev/null)" ]; then
		return 0
	fi
	rm -rf "$MESON_DIR"
	meson setup "${MESON_OPTIONS[@]}" "$MESON_DIR" "$SRC" > "$MESON_DIR.setup.log" ||
		die "meson setup failed, see $MESON_DIR.setup.log"
	echo "$wanted" > "$MESON_DIR/.vfio-cdev-options"
}

# meson compiles through ccache when it is installed; keep its cache with
# the project's other caches.
export CCACHE_DIR=${CCACHE_DIR:-$CACHE_DIR/ccache-dpdk}

"$REPO_DIR/scripts/setup.sh"
mkdir -p "$BUILD_DIR"
run_stage stage-tree stage_tree
run_stage configure configure
run_stage ninja ninja -C "$MESON_DIR" "${TARGETS[@]}"
# installed as a package would be, into a staging root: what the guest
# test install.sh builds applications against with pkg-config
# (PKG_CONFIG_SYSROOT_DIR=build/install)
if [ ${#TARGETS[@]} -eq 0 ]; then
	rm -rf "$BUILD_DIR/install"
	run_stage install meson install -C "$MESON_DIR" --quiet --no-rebuild \
		--destdir "$BUILD_DIR/install"
fi
log "built: $MESON_DIR/app/dpdk-testpmd $MESON_DIR/app/test/dpdk-test-vfio-cdev"
