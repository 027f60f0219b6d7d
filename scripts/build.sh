#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Build the top-level meson.build (DPDK with vfio-cdev, every PCI NIC
# driver, static) in build/meson, as `meson setup build && ninja -C build`
# would, plus: warnings as errors, the guides and API documentation
# (sphinx -W, doxygen warnings as errors), and an install into
# build/install.
#
# usage: scripts/build.sh [--sanitize]
#   --sanitize  with AddressSanitizer and UndefinedBehaviorSanitizer, the
#               test bed's NIC drivers only, in build/meson-asan (the
#               tests' sanitizer runs)
set -euo pipefail
. "$(dirname "$0")/common.sh"

MESON_OPTIONS=(-Ddpdk:werror=true -Ddpdk:enable_docs=true)
TARGETS=()
case ${1:-} in
'') ;;
--sanitize)
	# gcc warns of stock DPDK code under the sanitizers (stringop-overflow
	# in lib/bpf); the normal build keeps -Werror for all of it. Not
	# optimised: gcc takes twice as long to optimise instrumented code.
	# Only the programs the sanitizer tests run, and of the autotests
	# only ours (dpdk-test-vfio-cdev): half the work of every autotest.
	MESON_DIR=$ASAN_DIR
	MESON_OPTIONS=(-Ddpdk:werror=false -Dnic_drivers=testbed
		-Dbuildtype=debug -Db_sanitize=address,undefined)
	TARGETS=("$DPDK_SUBDIR/app/test/dpdk-test-vfio-cdev"
		"$DPDK_SUBDIR/app/dpdk-testpmd" "$DPDK_SUBDIR/app/dpdk-proc-info"
		"$DPDK_SUBDIR/examples/dpdk-vfio_extmem") ;;
*) die "usage: scripts/build.sh [--sanitize]" ;;
esac

# meson stages the DPDK tree itself (scripts/stage-dpdk.sh), at setup and
# whenever one of its inputs changed
configure() {
	local wanted
	wanted=$(printf '%s\n' "${MESON_OPTIONS[@]}")
	if [ -f "$MESON_DIR/build.ninja" ] &&
			[ "$wanted" = "$(cat "$MESON_DIR/.vfio-cdev-options" 2>/dev/null)" ]; then
		return 0
	fi
	rm -rf "$MESON_DIR"
	meson setup "${MESON_OPTIONS[@]}" "$MESON_DIR" "$REPO_DIR" > "$MESON_DIR.setup.log" ||
		die "meson setup failed, see $MESON_DIR.setup.log"
	echo "$wanted" > "$MESON_DIR/.vfio-cdev-options"
}

# meson compiles through ccache when it is installed; keep its cache with
# the project's other caches.
export CCACHE_DIR=${CCACHE_DIR:-$CACHE_DIR/ccache-dpdk}

"$REPO_DIR/scripts/setup.sh"
mkdir -p "$BUILD_DIR"
run_stage configure configure
run_stage ninja ninja -C "$MESON_DIR" "${TARGETS[@]}"
# installed as a package would be, into a staging root, and a user's
# applications built against it with make and pkg-config --static (DPDK's
# examples/l2fwd and our examples/vfio_extmem, as installed): the guest
# test install.sh runs them
build_examples() {
	local root=$BUILD_DIR/install pc name src
	pc=$(find "$root" -name libdpdk.pc -print -quit)
	[ -n "$pc" ] || die "no libdpdk.pc in $root"
	rm -rf "$BUILD_DIR/install-examples"
	for name in l2fwd vfio_extmem; do
		src=$(find "$root" -type d -path "*/dpdk/examples/$name" -print -quit)
		[ -n "$src" ] || die "example $name is not installed"
		mkdir -p "$BUILD_DIR/install-examples"
		cp -r "$src" "$BUILD_DIR/install-examples/$name"
		PKG_CONFIG_PATH=${pc%/*} \
		PKGCONF="pkg-config --define-variable=prefix=$root$(sed -n 's/^prefix=//p' "$pc")" \
			make -C "$BUILD_DIR/install-examples/$name" static \
			> "$BUILD_DIR/install-examples/$name.log" 2>&1 ||
			{ tail -20 "$BUILD_DIR/install-examples/$name.log"; die "make static of $name failed"; }
	done
}
if [ ${#TARGETS[@]} -eq 0 ]; then
	rm -rf "$BUILD_DIR/install"
	run_stage install meson install -C "$MESON_DIR" --quiet --no-rebuild \
		--destdir "$BUILD_DIR/install"
	run_stage examples build_examples
fi
log "built: $MESON_DIR/$DPDK_SUBDIR/app/dpdk-testpmd"
