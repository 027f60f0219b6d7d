#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Build the test-bed kernel and print the path of its bzImage:
#   Debian's linux-source-6.12 + patches/series, or
#   Debian's linux-source-7.3 (trixie-backports) + patches/series-7.3
#   tinyconfig + tiny-guest.config + vfio-cdev.config [+ variants/NAME.config]
# No modules. The result is cached by a hash of the kernel, its source
# package version, the fragments, the patches and this script: a cache hit
# costs seconds.
#
# usage: kernel/build.sh [--kernel 6.12|7.3] [--variant cdev-only|noiommu-cdev-only|compat|unpatched|trace]
set -euo pipefail
. "$(dirname "$0")/../scripts/common.sh"

KDIR=$REPO_DIR/kernel
variant=full
kernel=6.12
while [ $# -gt 0 ]; do
	case $1 in
	--variant) variant=${2:?--variant needs a name}; shift 2 ;;
	--kernel) kernel=${2:?--kernel needs 6.12 or 7.3}; shift 2 ;;
	*) die "usage: kernel/build.sh [--kernel 6.12|7.3] [--variant NAME]" ;;
	esac
done

# the source tarball and the patch series of each kernel
case $kernel in
6.12)
	pkg=$LINUX_SOURCE_PKG
	version=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) ||
		die "$pkg is not installed: run scripts/setup.sh"
	tarball=/usr/src/$pkg.tar.xz
	series_file=$KDIR/patches/series ;;
7.3)
	pkg=$LINUX_73_PKG
	version=$LINUX_73_VERSION
	"$REPO_DIR/scripts/setup.sh" --linux-7.3 >&2
	tarball=$CACHE_DIR/$pkg-$version/$pkg.tar.xz
	series_file=$KDIR/patches/series-7.3 ;;
*) die "--kernel $kernel: the test bed has 6.12 and 7.3" ;;
esac

fragments=("$KDIR/tiny-guest.config" "$KDIR/vfio-cdev.config")
if [ "$variant" != full ]; then
	[ -f "$KDIR/variants/$variant.config" ] ||
		die "no kernel variant '$variant' (see kernel/variants/)"
	fragments+=("$KDIR/variants/$variant.config")
fi
mapfile -t series < <(grep -v '^\s*\(#\|$\)' "$series_file" || true)
patches=("${series[@]}")
# a variant may leave the patches out, to show what they change
if [ "$variant" != full ] &&
		grep -q '^# vfio-cdev: without patches' "$KDIR/variants/$variant.config"; then
	patches=()
fi

key=$({
	echo "$pkg $version $variant"
	cat "${fragments[@]}" "$series_file" "$0"
	for p in "${patches[@]}"; do cat "$KDIR/patches/$p"; done
} | sha256sum | cut -c1-16)
name=$variant
[ "$kernel" = 6.12 ] || name=$kernel-$variant
out=$CACHE_DIR/kernel/$name-$key
if [ -f "$out/bzImage" ]; then
	echo "$out/bzImage"
	exit 0
fi
# Every variant is built in one source tree: one build at a time (guest
# tests run side by side may ask for two variants at once); the one that
# waited may find its kernel built meanwhile.
mkdir -p "$BUILD_DIR/kernel" "$CACHE_DIR/kernel"
exec 9> "$BUILD_DIR/kernel/.lock"
flock 9
if [ -f "$out/bzImage" ]; then
	echo "$out/bzImage"
	exit 0
fi

# Debian's tarball, extracted once per package version.
pristine=$CACHE_DIR/linux-source-$version
if [ ! -f "$pristine/.complete" ]; then
	log "extracting $pkg $version"
	rm -rf "$pristine"
	mkdir -p "$pristine"
	tar -C "$pristine" -xf "$tarball"
	touch "$pristine/.complete"
fi

# A hard-linked copy to patch: patch(1) replaces the files it changes,
# leaving the pristine tree alone.
work=$BUILD_DIR/kernel
[ "$kernel" = 6.12 ] || work=$BUILD_DIR/kernel-$kernel
tree=$work/src
obj=$work/obj-$variant
klog=$work/build-$variant.log
mkdir -p "$work"
rm -rf "$tree"
cp -al "$pristine/$pkg" "$tree"
for p in "${patches[@]}"; do
	patch -d "$tree" -p1 --quiet --forward < "$KDIR/patches/$p" ||
		die "kernel patch $p does not apply to $pkg $version"
done
# The files any patch touches differ between variants: give them a new
# inode and mtime (not the pristine's, which the hard link shares), so
# that make rebuilds what depends on them in an object tree seeded from
# another variant.
for p in "${series[@]}"; do grep -h '^+++ b/' "$KDIR/patches/$p"; done |
	sed 's|^+++ b/||; s|\t.*||' | sort -u | while read -r f; do
	[ -f "$tree/$f" ] || continue
	cp "$tree/$f" "$tree/$f.new" && mv "$tree/$f.new" "$tree/$f"
done
# A variant starts from the full kernel's objects: kbuild then recompiles
# only what its options and the patches change (a minute, not five).
if [ "$variant" != full ] && [ ! -f "$obj/.config" ] &&
		[ -f "$work/obj-full/arch/x86/boot/bzImage" ]; then
	log "seeding the $variant objects from the full kernel's"
	cp -a "$work/obj-full" "$obj.tmp" && mv "$obj.tmp" "$obj"
fi
mkdir -p "$obj"

kmake() {
	make -C "$tree" O="$obj" CC="ccache gcc" HOSTCC="ccache gcc" \
		KBUILD_BUILD_TIMESTAMP="vfio-cdev $key" \
		KBUILD_BUILD_USER=vfio-cdev KBUILD_BUILD_HOST=testbed "$@"
}
export CCACHE_DIR=$CACHE_DIR/ccache-kernel CCACHE_DEPEND=1 CCACHE_MAXSIZE=2G

log "configuring kernel ($variant), log in $klog"
{
	kmake tinyconfig
	"$tree/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" \
		"${fragments[@]}"
	kmake olddefconfig
} > "$klog" 2>&1 || die "kernel configuration failed, see $klog"

# Every option the fragments ask for (the last fragment naming it wins)
# must survive olddefconfig.
missing=$(cat "${fragments[@]}" |
	sed -n 's/^\(CONFIG_[A-Z0-9_]*=.*\)$/\1/p; s/^# \(CONFIG_[A-Z0-9_]*\) is not set$/\1=n/p' |
	awk -F= '{ want[$1] = $2 } END { for (o in want) print o "=" want[o] }' |
	while IFS== read -r opt val; do
		if [ "$val" = n ]; then
			grep -q "^$opt=" "$obj/.config" && echo "$opt=n"
		else
			grep -qx "$opt=$val" "$obj/.config" || echo "$opt=$val"
		fi
	done || true)
# An option this kernel does not have at all is no loss (7.3 folded
# CONFIG_PROC_SYSCTL into CONFIG_SYSCTL); it is said.
lost=
for m in $missing; do
	opt=${m%%=*}
	if grep -rqx --include='Kconfig*' "\(menu\)\?config ${opt#CONFIG_}" "$tree"; then
		lost="$lost $m"
	else
		log "kernel $kernel has no $opt: left out"
	fi
done
[ -z "$lost" ] || die "kernel config lost:$lost (dependencies unmet?)"

log "building kernel ($variant) with $(nproc) jobs"
kmake -j"$(nproc)" bzImage >> "$klog" 2>&1 || die "kernel build failed, see $klog"

rm -rf "$out.tmp"
mkdir -p "$out.tmp"
cp "$obj/arch/x86/boot/bzImage" "$obj/.config" "$out.tmp/"
rm -rf "$out"
mv "$out.tmp" "$out"
echo "$out/bzImage"
