#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The DPDK tree the top-level meson.build builds as its subproject: Debian's
# DPDK source package (fetched by scripts/setup.sh into the cache), with
# patches/dpdk applied and this repository's own directories laid over it.
# Only files whose content changed are rewritten, so that a rebuild after
# editing one of our files recompiles only what uses it.
#
# usage: scripts/stage-dpdk.sh DEST [STAMP]   stage into DEST, then touch STAMP
#        scripts/stage-dpdk.sh --inputs       the files the tree is made of
#                                             (meson reconfigures when one
#                                             changes)
set -euo pipefail
. "$(dirname "$0")/common.sh"

OVERLAY_DIRS=(app doc drivers examples lib)

inputs() {
	local p
	cd "$REPO_DIR"
	echo scripts/stage-dpdk.sh
	echo scripts/common.sh
	echo patches/dpdk/series
	sed -e '/^#/d' -e '/^$/d' -e 's|^|patches/dpdk/|' patches/dpdk/series
	# the fuzz corpus is scripts/fuzz.sh's, not the build's
	for p in "${OVERLAY_DIRS[@]}"; do
		[ ! -d "$p" ] || find "$p" -type f -not -path 'app/test/fuzz/corpus/*'
	done | sort
}

stage() {
	local dest=$1 p
	[ -f "$(dpdk_pristine_dir)/VERSION" ] || "$REPO_DIR/scripts/setup.sh" >&2
	# not local: the EXIT trap removes it
	tmp=$(mktemp -d "${dest%/*}/.stage.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	cp -a "$(dpdk_pristine_dir)/." "$tmp/"
	while read -r p; do
		case "$p" in ''|'#'*) continue ;; esac
		patch -d "$tmp" -p1 --quiet --forward < "$REPO_DIR/patches/dpdk/$p" ||
			die "patch $p does not apply to DPDK $DPDK_DEB_VERSION"
	done < "$REPO_DIR/patches/dpdk/series"
	for p in "${OVERLAY_DIRS[@]}"; do
		[ -d "$REPO_DIR/$p" ] && cp -r "$REPO_DIR/$p/." "$tmp/$p/"
	done
	mkdir -p "$dest"
	rsync -rlc --delete "$tmp/" "$dest/"
}

case ${1:-} in
--inputs) inputs ;;
''|-*) die "usage: scripts/stage-dpdk.sh DEST [STAMP] | --inputs" ;;
*)
	mkdir -p "$(dirname "$1")"
	stage "$1"
	[ -z "${2:-}" ] || touch "$2" ;;
esac
