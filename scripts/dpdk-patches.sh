#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Work on the hooks in existing DPDK files as git commits.
#
#   scripts/dpdk-patches.sh tree DIR     make DIR a git repository of the
#                                        cached DPDK tree, one commit per
#                                        patch of patches/dpdk/series
#   scripts/dpdk-patches.sh export DIR   rewrite patches/dpdk and its series
#                                        from the commits of DIR
#
# Our new files live in this repository, not in DIR: a patch only holds
# the changes to files DPDK has.
set -euo pipefail
. "$(dirname "$0")/common.sh"

cmd=${1:-}
dir=${2:-}
[ -n "$dir" ] || die "usage: scripts/dpdk-patches.sh tree|export DIR"
patches=$REPO_DIR/patches/dpdk

case $cmd in
tree)
	[ ! -e "$dir" ] || die "$dir exists"
	"$REPO_DIR/scripts/setup.sh"
	cp -a "$(dpdk_pristine_dir)" "$dir"
	cd "$dir"
	git init -q
	git add -A
	git commit -qm "dpdk $DPDK_DEB_VERSION (Debian)"
	git tag vfio-cdev-base
	while read -r p; do
		case "$p" in ''|'#'*) continue ;; esac
		git am -q "$patches/$p" || die "$p does not apply"
	done < "$patches/series"
	log "$dir: $(git rev-list --count vfio-cdev-base..HEAD) patch commits on vfio-cdev-base"
	;;
export)
	cd "$dir"
	git rev-parse -q --verify vfio-cdev-base > /dev/null ||
		die "$dir was not made by 'scripts/dpdk-patches.sh tree'"
	rm -f "$patches"/*.patch
	git format-patch -q -N --no-signature --zero-commit \
		-o "$patches" vfio-cdev-base..HEAD
	(cd "$patches" && ls -- *.patch > series)
	log "exported $(wc -l < "$patches/series") patches to $patches"
	;;
*)
	die "usage: scripts/dpdk-patches.sh tree|export DIR"
	;;
esac
