#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Show that the host autotests can fail: build deliberately broken variants
# of our code (one at a time, in the build tree only) and check that the
# vfio-cdev suite fails on each. Restores and rebuilds the real code after.
# Prints "mutant NAME: killed|SURVIVED" and exits non-zero if one survived.
set -euo pipefail
. "$(dirname "$0")/common.sh"

SRC=$BUILD_DIR/dpdk
MESON_DIR=$BUILD_DIR/meson

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

restore() {
	local f
	for f in $(echo "$MUTANTS" | cut -d'|' -f2 | sort -u); do
		cp "$REPO_DIR/$f" "$SRC/$f"
	done
	ninja -C "$MESON_DIR" > /dev/null
}
trap restore EXIT

survivors=0
while IFS='|' read -r name file expr; do
	[ -n "$name" ] || continue
	cp "$REPO_DIR/$file" "$SRC/$file"
	sed -i "$expr" "$SRC/$file"
	if cmp -s "$REPO_DIR/$file" "$SRC/$file"; then
		echo "mutant $name: SURVIVED (its expression no longer changes $file)"
		survivors=$((survivors + 1))
		continue
	fi
	ninja -C "$MESON_DIR" app/test/dpdk-test > /dev/null ||
		die "mutant $name does not build"
	if meson test -C "$MESON_DIR" --no-rebuild --suite vfio-cdev \
			--logbase "mutant-$name" > /dev/null 2>&1; then
		echo "mutant $name: SURVIVED"
		survivors=$((survivors + 1))
	else
		echo "mutant $name: killed"
	fi
	cp "$REPO_DIR/$file" "$SRC/$file"
done <<< "$MUTANTS"
[ "$survivors" -eq 0 ]
