#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Install what the project needs and fetch DPDK's Debian source package.
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

# Print deb-src entries for the machine's own Debian sources (same URIs,
# suites and keys, whatever host they name), restricted to this release.
derive_deb_src() {
	local codename f
	codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
	[ -n "$codename" ] || die "cannot tell the Debian release from /etc/os-release"
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk -v c="$codename" '$1 == "deb" && $0 ~ c {
			$1 = "deb-src"; print }' "$f"
	done > "$1.list.tmp"
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v c="$codename" 'BEGIN { RS = ""; ORS = "\n\n" }
			{
				out = ""; deb = 0; ours = 0
				n = split($0, line, "\n")
				for (i = 1; i <= n; i++) {
					if (line[i] ~ /^#/)
						continue
					if (line[i] ~ /^Types:/) {
						deb = line[i] ~ /[ \t]deb([ \t]|$)/
						line[i] = "Types: deb-src"
					}
					if (line[i] ~ /^Suites:/ && line[i] ~ c)
						ours = 1
					if (line[i] ~ /^Enabled:[ \t]*no/)
						deb = 0
					out = out line[i] "\n"
				}
				if (deb && ours)
					printf "%s\n", out
			}' "$f"
	done > "$1.sources.tmp"
	mv "$1.list.tmp" "$1.list"
	mv "$1.sources.tmp" "$1.sources"
	[ -s "$1.list" ] || [ -s "$1.sources" ] ||
		die "no Debian $codename entry in the apt sources to derive deb-src from"
}

# apt-get/apt-cache with a private source list, so the machine's apt
# setup is untouched: private_apt apt-get|apt-cache ARGS...
private_apt() {
	local tool=$1 dir=$CACHE_DIR/apt
	shift
	"$tool" -q -o Dir::Etc::SourceList=/dev/null \
		-o Dir::Etc::SourceParts="$dir/sources.list.d" \
		-o Dir::State::Lists="$dir/lists" \
		-o Dir::Cache="$dir/cache" "$@"
}

fetch_dpdk() {
	local dest=$CACHE_DIR/dpdk-$DPDK_DEB_VERSION served
	[ -f "$dest/.complete" ] && return 0
	mkdir -p "$CACHE_DIR/apt/sources.list.d" "$CACHE_DIR/apt/lists/partial" \
		"$CACHE_DIR/apt/cache/archives/partial"
	derive_deb_src "$CACHE_DIR/apt/sources.list.d/deb-src"
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

run_stage install-packages install_packages
run_stage fetch-dpdk fetch_dpdk
