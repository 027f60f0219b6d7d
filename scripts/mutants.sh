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
no-rdev-check|drivers/bus/vfio_cdev/vfio_cdev_resolve.c|s/st.st_rdev != dev->devt/0/
follow-symlinks|drivers/bus/vfio_cdev/vfio_cdev_resolve.c|s/if (lstat(node, &st)/if (stat(node, \&st)/
no-chr-check|drivers/bus/vfio_cdev/vfio_cdev_resolve.c|s/!S_ISCHR(st.st_mode)/0/
lax-devt|drivers/bus/vfio_cdev/vfio_cdev_parse.c|s/\*p != .\\0.)/0)/
devt-out-of-range|drivers/bus/vfio_cdev/vfio_cdev_parse.c|s/if (v > max)/if (v > max \&\& 0)/
any-driver|drivers/bus/vfio_cdev/vfio_cdev_resolve.c|s/strcmp(drv, "vfio-pci") != 0/0/
first-of-several-cdevs|drivers/bus/vfio_cdev/vfio_cdev_resolve.c|s/if (n != 1) {/if (n == 0) {/
open-follows-links|drivers/bus/vfio_cdev/vfio_cdev_device.c|s/ | O_NOFOLLOW//
open-no-fstat-check|drivers/bus/vfio_cdev/vfio_cdev_device.c|s/st.st_rdev != dev->devt/0/
open-no-identity-check|drivers/bus/vfio_cdev/vfio_cdev_device.c|s/if (vfio_cdev_check_identity(dev) < 0) {/if (0) {/
intr-handles-keep-fd0|drivers/bus/vfio_cdev/vfio_cdev_device.c|s/^\tvfio_cdev_intr_init(dev);/\t(void)0;/
table-no-overlap-check|lib/eal/common/eal_dma_table.c|s/if (eal_dma_table_find(t, a->iova, a->len, \&i) != 0)/if (eal_dma_table_find(t, a->iova, a->len, \&i) != 0 \&\& 0)/
table-cuts-areas|lib/eal/common/eal_dma_table.c|s/area_end(\&t->areas\[i + n - 1\]) > iova + len)/0)/
auto-always-cdev|lib/eal/linux/eal_vfio_mode.c|s/return RTE_VFIO_MODE_GROUP;/return RTE_VFIO_MODE_CDEV;/
auto-ignores-noiommu|lib/eal/linux/eal_vfio_mode.c|s/if (vfio_noiommu()) {/if (vfio_noiommu() \&\& 0) {/
auto-ignores-missing-iommu|lib/eal/linux/eal_vfio_mode.c|s/if (!iommu_present()) {/if (!iommu_present() \&\& 0) {/
accept-any-mode|lib/eal/linux/eal_vfio_mode.c|s/strcmp(arg, mode_names\[i\]) == 0/1/
vf-of-any-pf|drivers/bus/vfio_cdev/vfio_cdev_resolve.c|s/"vfio-pci") == 0 ?/"vfio-pci") == 0 || 1 ?/
no-pf-role|drivers/bus/vfio_cdev/vfio_cdev_resolve.c|s/access(path, F_OK) == 0 ? VFIO_CDEV_SRIOV_PF/access(path, F_OK) != 0 ? VFIO_CDEV_SRIOV_PF/'

# Killed in the guest by fault-inject.sh (testbed/tests/fault-mutants.sh).
GUEST_MUTANTS='
fstat-failure-leaks-fd|drivers/bus/vfio_cdev/vfio_cdev_device.c|/"fstat %s: %s", path/{n;s/close(fd);/(void)0;/}
failed-setup-keeps-bars|drivers/bus/vfio_cdev/vfio_cdev_device.c|/^fail_bars:/{n;s/unmap_bars(dev);/(void)0;/}
failed-setup-keeps-intr|drivers/bus/vfio_cdev/vfio_cdev_device.c|/^fail_intr:/{n;s/vfio_cdev_intr_teardown(dev);/(void)0;/}
dma-never-released|drivers/bus/vfio_cdev/vfio_cdev_device.c|s/rte_vfio_cdev_dma_release();/(void)0;/
remove-keeps-bars|drivers/bus/vfio_cdev/vfio_cdev_device.c|s/^\t\tmunmap(dev->bars\[i\].addr, dev->bars\[i\].len);/\t\t(void)0;/
req-eventfd-leaks|drivers/bus/vfio_cdev/vfio_cdev_intr.c|/^fail:/{n;s/close(fd);/(void)0;/}
partial-fill-kept|lib/eal/linux/eal_iommufd.c|s/unmap_dpdk_memory(\&rep);\t\/\* leave the IOAS as it was \*\//(void)0;/
failed-map-recorded|lib/eal/linux/eal_iommufd.c|s/eal_dma_table_remove(\&iommufd.table, iova, len);/(void)0;/
refused-unmap-succeeds|lib/eal/linux/eal_iommufd.c|s/if (unmap_area(first, rep) < 0) {/if (unmap_area(first, rep) < 0 \&\& 0) {/
failed-bar-keeps-reservation|drivers/bus/vfio_cdev/vfio_cdev_device.c|/^fail_unmap:/{n;n;s/munmap(base, reg->size);/(void)0;/}
free-unmaps-unmapped-pages|lib/eal/linux/eal_iommufd.c|s/ms->iova, ms->len, \&first) == 0)/ms->iova, ms->len, \&first) == 0xffffffffu)/
map-skips-setup|drivers/bus/vfio_cdev/vfio_cdev_backend.c|s/ret = vfio_cdev_device_setup(dev);/ret = 0;/
unmap-skips-teardown|drivers/bus/vfio_cdev/vfio_cdev_backend.c|s/^\tvfio_cdev_device_teardown(dev);/\t(void)0;/'

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
# changes FILE.
mutate() {
	cp "$REPO_DIR/$2" "$SRC/$2"
	sed -i "$3" "$SRC/$2"
	cmp -s "$REPO_DIR/$2" "$SRC/$2" && return 1
	ninja -C "${4:-$MESON_DIR}" "$TEST_TARGET" > /dev/null ||
		die "mutant $1 does not build"
}

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
while IFS='|' read -r name file expr; do
	[ -n "$name" ] || continue
	mutate "$name" "$file" "$expr" ||
		die "guest mutant $name: its expression no longer changes $file"
	mkdir -p "$BUILD_DIR/mutants/$name"
	cp "$MESON_DIR/$TEST_TARGET" "$BUILD_DIR/mutants/$name/"
	cp "$REPO_DIR/$file" "$SRC/$file"
done <<< "$GUEST_MUTANTS"
[ "$survivors" -eq 0 ]
