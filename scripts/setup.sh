#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Install what the project needs and fetch DPDK's Debian source package;
# with --linux-7.3, also fetch the 7.3 kernel source (a binary package of
# another suite, unpacked into the cache, not installed).
# Idempotent: when everything is present it returns in seconds.
set -euo pipefail
. "$(dirname "$0")/common.sh"

PACKAGES=(
	# DPDK build (with every PCI NIC driver: bnx2x needs zlib)
	build-essential meson ninja-build pkg-config python3-pyelftools
	libnuma-dev libpcap-dev zlib1g-dev dpkg-dev rsync
	# its guides and API documentation
	python3-sphinx python3-sphinx-rtd-theme doxygen
	# applications linked with pkg-config --static libdpdk: libpcap's
	# private dependencies go through dbus to libsystemd
	libsystemd-dev
	# test bed: guest kernel and QEMU
	qemu-system-x86 "$LINUX_SOURCE_PKG" bc bison flex libelf-dev
	libssl-dev cpio ccache kmod xz-utils
	# guest tests: ioctls counted by the benchmark
	strace
	# fuzz targets (scripts/fuzz.sh): clang's libFuzzer and sanitizers
	clang-14 libclang-rt-14-dev
)

install_packages() {
	local missing=() p
	for p in "${PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || die "missing packages: ${missing[*]} (run as root or install them)"
	log "installing: ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null
}

# derive_entries TYPE SUITE OUT: print entries of TYPE (deb, deb-src) for
# the machine's own Debian sources of this release (same URIs and keys,
# whatever host they name) into OUT.list and OUT.sources; for SUITE
# instead of the release's if one is given (the main archive only, not
# the security one).
derive_entries() {
	local type=$1 suite=$2 codename f
	codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
	[ -n "$codename" ] || die "cannot tell the Debian release from /etc/os-release"
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk -v c="$codename" -v t="$type" -v s="$suite" '
			$1 == "deb" && $0 ~ c && !(s != "" && $0 ~ /security/) {
				$1 = t
				if (s != "")
					for (i = 2; i <= NF; i++)
						if ($i ~ "^" c) { $i = s; break }
				print
				if (s != "")
					exit
			}' "$f"
	done > "$3.list.tmp"
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v c="$codename" -v t="$type" -v s="$suite" '
			BEGIN { RS = ""; ORS = "\n\n" }
			{
				out = ""; deb = 0; ours = 0
				n = split($0, line, "\n")
				for (i = 1; i <= n; i++) {
					if (line[i] ~ /^#/)
						continue
					if (line[i] ~ /^Types:/) {
						deb = line[i] ~ /[ \t]deb([ \t]|$)/
						line[i] = "Types: " t
					}
					if (line[i] ~ /^Suites:/ && line[i] ~ c) {
						ours = 1
						if (s != "")
							line[i] = "Suites: " s
					}
					if (line[i] ~ /^URIs:/ && line[i] ~ /security/ &&
							s != "")
						deb = 0
					if (line[i] ~ /^Enabled:[ \t]*no/)
						deb = 0
					out = out line[i] "\n"
				}
				if (deb && ours)
					printf "%s\n", out
			}' "$f"
	done > "$3.sources.tmp"
	mv "$3.list.tmp" "$3.list"
	mv "$3.sources.tmp" "$3.sources"
	[ -s "$3.list" ] || [ -s "$3.sources" ] ||
		die "no Debian $codename entry in the apt sources to derive $type ${suite:-$codename} from"
}

# apt-get/apt-cache with a private source list, so the machine's apt
# setup is untouched: private_apt apt-get|apt-cache ARGS...
private_apt() {
	local tool=$1 dir=${PRIVATE_APT_DIR:-$CACHE_DIR/apt}
	shift
	# root-owned cache: no download as _apt, and no warning about it
	"$tool" -q -o Dir::Etc::SourceList=/dev/null \
		-o APT::Sandbox::User=root \
		-o Dir::Etc::SourceParts="$dir/sources.list.d" \
		-o Dir::State::Lists="$dir/lists" \
		-o Dir::Cache="$dir/cache" "$@"
}

fetch_dpdk() {
	local dest=$CACHE_DIR/dpdk-$DPDK_DEB_VERSION served
	[ -f "$dest/.complete" ] && return 0
	mkdir -p "$CACHE_DIR/apt/sources.list.d" "$CACHE_DIR/apt/lists/partial" \
		"$CACHE_DIR/apt/cache/archives/partial"
	derive_entries deb-src "" "$CACHE_DIR/apt/sources.list.d/deb-src"
	private_apt apt-get update -qq >/dev/null
	served=$(private_apt apt-cache showsrc dpdk 2>/dev/null |
		awk '/^Version:/ { print $2 }' | sort -u | tr '\n' ' ' || true)
	case " $served " in
	*" $DPDK_DEB_VERSION "*) ;;
	*) die "the archive does not serve dpdk $DPDK_DEB_VERSION; it serves: ${served:-nothing}" ;;
	esac
	rm -rf "$dest.tmp"
	mkdir -p "$dest.tmp"
	(cd "$dest.tmp" && private_apt apt-get source -qq "dpdk=$DPDK_DEB_VERSION" >/dev/null 2>&1) ||
		die "apt-get source dpdk=$DPDK_DEB_VERSION failed"
	[ -d "$dest.tmp/dpdk-$DPDK_UPSTREAM_VERSION" ] ||
		die "dpdk source tree missing after apt-get source"
	touch "$dest.tmp/.complete"
	rm -rf "$dest"
	mv "$dest.tmp" "$dest"
	log "DPDK $DPDK_DEB_VERSION source cached in $dest"
}

# The 7.3 kernel source: its package fetched through a private list
# naming only its suite, unpacked (dpkg-deb -x) into the cache.
fetch_linux_73() {
	local dest=$CACHE_DIR/$LINUX_73_PKG-$LINUX_73_VERSION
	local dir=$CACHE_DIR/apt-$LINUX_73_SUITE deb
	[ -f "$dest/.complete" ] && return 0
	mkdir -p "$dir/sources.list.d" "$dir/lists/partial" \
		"$dir/cache/archives/partial"
	derive_entries deb "$LINUX_73_SUITE" "$dir/sources.list.d/$LINUX_73_SUITE"
	PRIVATE_APT_DIR=$dir private_apt apt-get update -qq >/dev/null
	rm -rf "$dest.tmp"
	mkdir -p "$dest.tmp"
	(cd "$dest.tmp" && PRIVATE_APT_DIR=$dir private_apt apt-get download \
		-qq "$LINUX_73_PKG=$LINUX_73_VERSION" >/dev/null 2>&1) ||
		die "apt-get download $LINUX_73_PKG=$LINUX_73_VERSION from $LINUX_73_SUITE failed"
	deb=$(echo "$dest.tmp"/*.deb)
	dpkg-deb -x "$deb" "$dest.tmp/root"
	[ -f "$dest.tmp/root/usr/src/$LINUX_73_PKG.tar.xz" ] ||
		die "no /usr/src/$LINUX_73_PKG.tar.xz in $deb"
	mv "$dest.tmp/root/usr/src/$LINUX_73_PKG.tar.xz" "$dest.tmp/"
	rm -rf "$dest.tmp/root" "$deb"
	touch "$dest.tmp/.complete"
	rm -rf "$dest"
	mv "$dest.tmp" "$dest"
	log "$LINUX_73_PKG $LINUX_73_VERSION cached in $dest"
}

run_stage install-packages install_packages
run_stage fetch-dpdk fetch_dpdk
[ "${1:-}" != --linux-7.3 ] || run_stage fetch-linux-7.3 fetch_linux_73
