#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# testbed: --kernel 7.3 --variant trace --hugepages 2100 --memory 6144
# alone: its figures are timings; a guest beside it would add noise
# on request: about 5 minutes; testbed/run-tests.sh bench-profile
# Where the time of DMA mapping goes inside the kernel (Linux 7.3 with
# ftrace's function profiler, kernel/variants/trace.config): bench-scale's
# (h) once per mode (rte_malloc() of 4 GiB, dynamic: 2048 hugepages
# faulted in and each mapped for DMA as it comes, then freed and
# unmapped) with the profiler on, for the kernel functions of the map and
# unmap ioctls (type1 and iommufd), of pinning, of the IOMMU's page table
# and of hugepage faults: their calls and time, callees included, per
# mode. Figures only; the profiler slows what it counts, and a kernel
# function the compiler inlined is counted in its caller.
. "$(dirname "$0")/lib.sh"

GIB=4
T=/sys/kernel/tracing
mountpoint -q "$T" || mount -t tracefs nodev "$T" || fail "no tracefs"
[ -e "$T/function_profile_enabled" ] ||
	fail "the kernel has no function profiler (CONFIG_FUNCTION_PROFILER)"

# type1's ioctl and its steps (most are inlined into it), all of
# iommufd's mapping code, pinning, the IOMMU's page table, hugepage faults
FUNCS='vfio_iommu_type1_ioctl vfio_pin_pages_remote vfio_unpin_pages_remote
vfio_remove_dma vfio_unmap_unpin iommufd_ioas_map iommufd_ioas_map_file
iommufd_ioas_unmap iopt_* pfn_reader_* batch_* pin_user_pages_remote
pin_user_pages_fast memfd_pin_folios unpin_user_page_range_dirty_lock
unpin_folios iommu_map iommu_unmap *vtdss_map_pages *vtdss_unmap_pages
intel_iommu_iotlb_sync_map hugetlb_fault folio_zero_user'
: > "$T/set_ftrace_filter"
traced=()
set -f	# the globs are ftrace's
for f in $FUNCS; do
	echo "$f" >> "$T/set_ftrace_filter" 2> /dev/null && traced+=("$f")
done
set +f
# a helper called for every 4 KiB page: counted in its callers, or the
# profiler's own cost for millions of calls would swamp them
echo 'batch_add_pfn*' > "$T/set_ftrace_notrace"
note "kernel $(uname -r): $(wc -l < "$T/set_ftrace_filter") functions profiled (${#traced[@]} of $(wc -w <<< "$FUNCS") names matched)"

# the first run touches the guest's hugepages first, which QEMU then
# allocates: one run before, not profiled
VFIO_BENCH_ALLOC_MB=$((GIB * 1024)) DPDK_TEST=vfio_bench_autotest \
	"$DPDK_TEST" -l 0-1 -n 1 --vfio-mode=group -a "$VIRTIO" \
	--file-prefix=profile < /dev/null > "$VFIO_CDEV_RUN/warm-up.log" 2>&1 ||
	fail "the warm-up run failed"

modes="group cdev-va cdev-file"
for mode in $modes; do
	case $mode in
	group) args=(--vfio-mode=group) ;;
	cdev-va) args=(--vfio-mode=cdev --vfio-no-map-file) ;;
	cdev-file) args=(--vfio-mode=cdev) ;;
	esac
	log=$VFIO_CDEV_RUN/profile-$mode.log
	# enabling clears the counts of the mode before
	echo 1 > "$T/function_profile_enabled"
	VFIO_BENCH_ALLOC_MB=$((GIB * 1024)) DPDK_TEST=vfio_bench_autotest \
		"$DPDK_TEST" -l 0-1 -n 1 "${args[@]}" -a "$VIRTIO" \
		--file-prefix=profile < /dev/null > "$log" 2>&1 ||
		{ echo 0 > "$T/function_profile_enabled"; tail -20 "$log"; fail "$mode mode failed"; }
	echo 0 > "$T/function_profile_enabled"
	# one file per CPU: "function hits time us avg us ..."
	cat "$T"/trace_stat/function[0-9]* |
		awk -v mode="$mode" '$3 ~ /^[0-9.]+$/ && $4 == "us" {
			hits[$1] += $2; us[$1] += $3 }
			END { for (f in hits) print mode, f, hits[f], us[f] }' \
		>> "$VFIO_CDEV_RUN/profile.txt"
	note "$mode: $(sed -n 's/^bench mode=[a-z]* //p' "$log" | tr '\n' ' ')(profiled)"
done

# one row per function, the time it took in each mode (callees included:
# rows overlap), the 30 longest
awk -v modes="$modes" '
	{ hits[$2 " " $1] = $3; ms[$2 " " $1] = $4 / 1000; f[$2] = 1
	  if ($4 > top[$2]) top[$2] = $4 }
	END {
		nm = split(modes, m, " ")
		printf "note: %-32s", "function (calls, ms)"
		for (j = 1; j <= nm; j++)
			printf " %20s", m[j]
		printf "\n"
		n = 0
		for (x in f)
			order[++n] = x
		for (i = 1; i <= n; i++)	# by the most time in any mode
			for (k = i + 1; k <= n; k++)
				if (top[order[k]] > top[order[i]]) {
					t = order[i]; order[i] = order[k]; order[k] = t
				}
		for (i = 1; i <= n && i <= 30; i++) {
			printf "note: %-32s", order[i]
			for (j = 1; j <= nm; j++) {
				k = order[i] " " m[j]
				if (k in hits)
					printf " %8d %9.1f ms", hits[k], ms[k]
				else
					printf " %20s", "-"
			}
			printf "\n"
		}
	}' "$VFIO_CDEV_RUN/profile.txt"
