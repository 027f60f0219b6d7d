# SPDX-License-Identifier: BSD-3-Clause
# Shared settings of the vfio-cdev scripts: sourced, never run.
#
# Versions are pinned here and nowhere else.

DPDK_DEB_VERSION=22.11.11-0+deb12u1
DPDK_UPSTREAM_VERSION=${DPDK_DEB_VERSION%%-*}
# the test-bed kernels (kernel/build.sh --kernel): 6.12 is Debian 12's
# package, installed; 7.3 a binary package of trixie-backports, fetched
# and unpacked into the cache (never installed)
LINUX_SOURCE_PKG=linux-source-6.12
LINUX_73_PKG=linux-source-7.3
LINUX_73_VERSION=7.3.4-1~bpo13+1
LINUX_73_SUITE=trixie-backports

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE_DIR=${VFIO_CDEV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vfio-cdev}
BUILD_DIR=${VFIO_CDEV_BUILD:-$REPO_DIR/build}

# The DPDK build needs python3-pyelftools: use Debian's python, not a
# pyenv one that may come first on PATH.
export PATH=/usr/bin:/usr/sbin:/bin:/sbin:$PATH

log() { printf '[vfio-cdev] %s\n' "$*" >&2; }
die() { printf '[vfio-cdev] error: %s\n' "$*" >&2; exit 1; }

# run_stage NAME CMD...: run a step and print how long it took.
run_stage() {
	local name=$1 start rc
	shift
	start=$(date +%s)
	"$@"
	rc=$?
	log "stage '$name' took $(( $(date +%s) - start )) s (exit $rc)"
	return $rc
}

# Options of the sanitizer runs (scripts/build.sh --sanitize). No
# alternate signal stack: gcc 12's ASan reports its own write into a
# cancelled thread's stack when it removes that stack at the thread's exit
# (DPDK cancels its control threads at cleanup). UBSan stops at the first
# report; its suppressions are stock DPDK's, each with why.
SANITIZER_ASAN_OPTIONS=detect_leaks=1:use_sigaltstack=0
SANITIZER_UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:suppressions=$REPO_DIR/testbed/ubsan.supp

dpdk_pristine_dir() { echo "$CACHE_DIR/dpdk-$DPDK_DEB_VERSION/dpdk-$DPDK_UPSTREAM_VERSION"; }

# The DPDK tree the top-level meson.build stages (scripts/stage-dpdk.sh),
# the scripts' meson builds of it (scripts/build.sh: the plain one and the
# sanitizer one), and DPDK's build inside one of them.
STAGED_DPDK=$REPO_DIR/subprojects/dpdk
MESON_DIR=$BUILD_DIR/meson
ASAN_DIR=$BUILD_DIR/meson-asan
DPDK_SUBDIR=subprojects/dpdk
