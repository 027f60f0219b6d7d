#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Show that the tests can fail: build deliberately broken variants of our
# code (one at a time, in the staged DPDK tree only). The host mutants
# must make the vfio-cdev suite fail here; the guest mutants (device life cycle,
# interrupts, IOAS) need real devices: their dpdk-test-vfio-cdev
# binaries are kept in build/mutants/NAME/ for the guest test
# fault-mutants.sh, which must fail fault-inject.sh on each. Restores and rebuilds the real code after.
# The sanitizer mutants (memory errors the plain build may run through)
# must make the host suite of the sanitizer build (scripts/build.sh
# --sanitize) report them.
# Prints "mutant NAME: killed|SURVIVED" for the host and sanitizer
# mutants and exits non-zero if one survived.
set -euo pipefail
. "$(dirname "$0")/common.sh"

SRC=$STAGED_DPDK
TEST_TARGET=$DPDK_SUBDIR/app/test/dpdk-test-vfio-cdev

# name | file | sed expression that breaks it
MUTANTS='
no-rdev-check|lib/eal/linux/eal_vfio_cdev_sysfs.c|s/st.st_rdev != dev->devt/0/
follow-symlinks|lib/eal/linux/eal_vfio_cdev_sysfs.c|s/if (lstat(node, &st)/if (stat(node, \&st)/
no-chr-check|lib/eal/linux/eal_vfio_cdev_sysfs.c|s/!S_ISCHR(st.st_mode)/0/
lax-devt|lib/eal/linux/eal_vfio_cdev_parse.c|s/\*p != .\\0.)/0)/
devt-out-of-range|lib/eal/linux/eal_vfio_cdev_parse.c|s/if (v > max)/if (v > max \&\& 0)/
any-driver-managed|lib/eal/linux/eal_vfio_cdev_sysfs.c|s/strncmp(drv, "vfio", 4) != 0/0/
first-of-several-cdevs|lib/eal/linux/eal_vfio_cdev_sysfs.c|s/if (n != 1) {/if (n == 0) {/
open-follows-links|lib/eal/linux/eal_vfio_cdev.c|s/ | O_NOFOLLOW//
open-no-fstat-check|lib/eal/linux/eal_vfio_cdev.c|s/st.st_rdev != dev->devt/0/
open-no-identity-check|lib/eal/linux/eal_vfio_cdev.c|s/if (vfio_cdev_check_identity(dev) < 0) {/if (0) {/
failed-setup-hands-fd|lib/eal/linux/eal_vfio_cdev.c|s/^\t\tteardown(dev);/\t\t(void)0;/
table-no-overlap-check|lib/eal/common/eal_dma_table.c|s/if (eal_dma_table_find(t, a->iova, a->len, \&i) != 0)/if (eal_dma_table_find(t, a->iova, a->len, \&i) != 0 \&\& 0)/
table-cuts-areas|lib/eal/common/eal_dma_table.c|s/area_end(\&t->areas\[i + n - 1\]) > iova + len)/0)/
auto-always-cdev|lib/eal/linux/eal_vfio_mode.c|s/return RTE_VFIO_MODE_GROUP;/return RTE_VFIO_MODE_CDEV;/
auto-ignores-noiommu|lib/eal/linux/eal_vfio_mode.c|s/if (noiommu \&\& !noiommu_cdev_seen()) {/if (noiommu \&\& !noiommu_cdev_seen() \&\& 0) {/
auto-ignores-missing-iommu|lib/eal/linux/eal_vfio_mode.c|s/if (!noiommu \&\& !iommu_present()) {/if (!noiommu \&\& !iommu_present() \&\& 0) {/
noiommu-needs-iommu|lib/eal/linux/eal_vfio_mode.c|s/if (!noiommu \&\& !iommu_present()) {/if (!iommu_present()) {/
auto-noiommu-ignores-container|lib/eal/linux/eal_vfio_mode.c|s/if (eal_vfio_noiommu() \&\&$/if (0 \&\&/
auto-ignores-container-bus|lib/eal/linux/eal_vfio_mode.c|s/if (bus != NULL) {/if (bus != NULL \&\& 0) {/
cdev-needs-devices-dir|lib/eal/linux/eal_vfio_mode.c|s/if (noiommu \&\& !noiommu_cdev_seen()) {/if (access("\/dev\/vfio\/devices", F_OK) != 0 || (noiommu \&\& !noiommu_cdev_seen())) {/
accept-any-mode|lib/eal/linux/eal_vfio_mode.c|s/strcmp(arg, mode_names\[i\]) == 0/1/
vf-of-any-pf|lib/eal/linux/eal_vfio_cdev_sysfs.c|s/return name != NULL \&\& strcmp(name, "vfio-pci") == 0 ?/return 1 ?/
why-no-sibling|lib/eal/linux/eal_vfio_cdev_why.c|s/if (drv != NULL \&\& !driver_leaves_dma(drv))/if (drv != NULL \&\& !driver_leaves_dma(drv) \&\& 0)/
why-ignores-remapping|lib/eal/linux/eal_vfio_cdev_why.c|s/isolated = strncmp(chip, "IR-", 3) == 0 ||/isolated = 0 ||/
auto-ignores-unsafe-interrupts|lib/eal/linux/eal_vfio_mode.c|s/if (vfio_cdev_unsafe_interrupts_group_only()) {/if (vfio_cdev_unsafe_interrupts_group_only() \&\& 0) {/
no-pf-role|lib/eal/linux/eal_vfio_cdev_sysfs.c|s/access(path, F_OK) == 0 ? VFIO_CDEV_SRIOV_PF/access(path, F_OK) != 0 ? VFIO_CDEV_SRIOV_PF/
fds-need-dev-iommu|lib/eal/linux/eal_vfio_mode.c|s/if (!vfio_cdev_fds_iommufd_given() \&\&/if (1 \&\&/
fds-in-group-mode|lib/eal/linux/eal_vfio_mode.c|s/if (mode != RTE_VFIO_MODE_CDEV \&\& vfio_cdev_fds_given()) {/if (0) {/
fds-ignored-by-auto|lib/eal/linux/eal_vfio_mode.c|s/^\tif (vfio_cdev_fds_given()) {/\tif (0) {/
fd-any-access-mode|lib/eal/linux/eal_vfio_cdev_fds.c|s/(flags \& O_ACCMODE) != O_RDWR/0/
fd-given-twice|lib/eal/linux/eal_vfio_cdev_fds.c|s/if (other == NULL)/if (1)/
iommufd-any-chardev|lib/eal/linux/eal_iommufd.c|s/st.st_rdev != devt))/0))/
device-fd-lax-address|lib/eal/linux/eal_vfio_cdev_parse.c|s/dev > 0x1f || func > 7 ||/0 ||/
noiommu-cdevs-unseen|lib/eal/linux/eal_vfio_mode.c|s/return sys_dir_has("class\/vfio-dev", VFIO_CDEV_NOIOMMU_PREFIX);/return false;/
noiommu-name-refused|lib/eal/linux/eal_vfio_cdev_parse.c|s/\tif (vfio_cdev_name_noiommu(name))/\tif (0)/'

# Killed in the guest (testbed/tests/fault-mutants.sh) by the guest test
# in the fourth field, fault-inject.sh if there is none.
GUEST_MUTANTS='
fstat-failure-leaks-fd|lib/eal/linux/eal_vfio_cdev.c|/"fstat %s: %s", path/{n;s/close(fd);/(void)0;/}
release-keeps-device|lib/eal/linux/eal_vfio_cdev.c|s/^\tteardown(dev);/\t(void)0;/
dma-never-released|lib/eal/linux/eal_vfio_cdev.c|s/eal_iommufd_dma_release();/(void)0;/
partial-fill-kept|lib/eal/linux/eal_iommufd_dma.c|s/eal_iommufd_unmap_all(DPDK_KINDS);\t\/\* the IOAS as it was \*\//(void)0;/
failed-map-recorded|lib/eal/linux/eal_iommufd.c|s/^\t\teal_dma_table_remove(\&iommufd.table, iova, len);/\t\t(void)0;/
refused-unmap-forgotten|lib/eal/linux/eal_iommufd.c|s/if (i >= 0 \&\& err != 0 \&\& err != ENOENT)/if (0)/
free-unmaps-unmapped-pages|lib/eal/linux/eal_iommufd_dma.c|s/if (!eal_iommufd_has_area(ms->addr_64, ms->iova, ms->len,/if (0 \&\& !eal_iommufd_has_area(ms->addr_64, ms->iova, ms->len,/
lock-held-while-pinning|lib/eal/linux/eal_iommufd.c|/pinning may take long: not under the lock/{s/.*/\tpthread_mutex_lock(\&iommufd.lock);/};/ret = map_ioctl(ioas_id, va, iova, len, fd, offset);/{s/$/\n\tpthread_mutex_unlock(\&iommufd.lock);/}|vfio-api.sh cdev'

# Killed by a sanitizer report in the sanitizer build's host suite.
SANITIZER_MUTANTS='
table-grows-short|lib/eal/common/eal_dma_table.c|s/realloc(t->areas, cap \* sizeof(\*grown))/realloc(t->areas, (cap - 1) * sizeof(*grown))/'

restore() {
	local f
	for f in $(printf '%s\n%s\n%s\n' "$MUTANTS" "$GUEST_MUTANTS" \
			"$SANITIZER_MUTANTS" | cut -d'|' -f2 | sort -u); do
		cp "$REPO_DIR/$f" "$SRC/$f"
	done
	ninja -C "$MESON_DIR" > /dev/null
	[ ! -f "$ASAN_DIR/build.ninja" ] ||
		ninja -C "$ASAN_DIR" "$TEST_TARGET" > /dev/null
}
trap restore EXIT

# mutate NAME FILE EXPR [MESON-DIR]: FILE broken in the staged tree,
# dpdk-test-vfio-cdev (our autotests) built; fails if EXPR no longer
# changes FILE. A build that staged the tree again (and so lost the
# mutant) is an error.
mutate() {
	local mutated
	cp "$REPO_DIR/$2" "$SRC/$2"
	sed -i "$3" "$SRC/$2"
	cmp -s "$REPO_DIR/$2" "$SRC/$2" && return 1
	mutated=$(cat "$SRC/$2")
	ninja -C "${4:-$MESON_DIR}" "$TEST_TARGET" > /dev/null ||
		die "mutant $1 does not build"
	[ "$(cat "$SRC/$2")" = "$mutated" ] ||
		die "mutant $1: the build staged the tree again; build both trees first"
}

# Both builds up to date with the repository first: a build that stages
# the tree again in the middle of the check would undo the mutant.
ninja -C "$MESON_DIR" > /dev/null
[ ! -f "$ASAN_DIR/build.ninja" ] || ninja -C "$ASAN_DIR" "$TEST_TARGET" > /dev/null

survivors=0
while IFS='|' read -r name file expr; do
	[ -n "$name" ] || continue
	if ! mutate "$name" "$file" "$expr"; then
		echo "mutant $name: SURVIVED (its expression no longer changes $file)"
		survivors=$((survivors + 1))
		continue
	fi
	if meson test -C "$MESON_DIR" --no-rebuild --suite vfio-cdev \
			--logbase "mutant-$name" > /dev/null 2>&1; then
		echo "mutant $name: SURVIVED"
		survivors=$((survivors + 1))
	else
		echo "mutant $name: killed"
	fi
	cp "$REPO_DIR/$file" "$SRC/$file"
done <<< "$MUTANTS"

[ -f "$ASAN_DIR/build.ninja" ] ||
	die "no sanitizer build in $ASAN_DIR: scripts/build.sh --sanitize"
while IFS='|' read -r name file expr; do
	[ -n "$name" ] || continue
	if ! mutate "$name" "$file" "$expr" "$ASAN_DIR"; then
		echo "mutant $name: SURVIVED (its expression no longer changes $file)"
		survivors=$((survivors + 1))
		continue
	fi
	UBSAN_OPTIONS=$SANITIZER_UBSAN_OPTIONS ASAN_OPTIONS=$SANITIZER_ASAN_OPTIONS \
		meson test -C "$ASAN_DIR" --no-rebuild --suite vfio-cdev \
		--logbase "mutant-$name" > /dev/null 2>&1 || true
	if grep -q 'ERROR: AddressSanitizer\|runtime error:' \
			"$ASAN_DIR/meson-logs/mutant-$name.txt"; then
		echo "mutant $name: killed"
	else
		echo "mutant $name: SURVIVED (no sanitizer report)"
		survivors=$((survivors + 1))
	fi
	cp "$REPO_DIR/$file" "$SRC/$file"
done <<< "$SANITIZER_MUTANTS"

rm -rf "$BUILD_DIR/mutants"
while IFS='|' read -r name file expr killer; do
	[ -n "$name" ] || continue
	mutate "$name" "$file" "$expr" ||
		die "guest mutant $name: its expression no longer changes $file"
	mkdir -p "$BUILD_DIR/mutants/$name"
	cp "$MESON_DIR/$TEST_TARGET" "$BUILD_DIR/mutants/$name/"
	echo "${killer:-fault-inject.sh}" > "$BUILD_DIR/mutants/$name/killer"
	cp "$REPO_DIR/$file" "$SRC/$file"
done <<< "$GUEST_MUTANTS"
[ "$survivors" -eq 0 ]
