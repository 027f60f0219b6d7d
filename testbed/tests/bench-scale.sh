#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# testbed: --hugepages 2100 --memory 6144
# alone: its figures are timings; a guest beside it would add noise
# on request: about 25 minutes; testbed/run-tests.sh bench-scale@7.3
# Benchmark at scale, figures only: 4 GiB of hugepages mapped for DMA in
# group mode, in cdev mode by address (IOMMU_IOAS_MAP, --vfio-no-map-file)
# and in cdev mode by file (IOMMU_IOAS_MAP_FILE, where the kernel has it),
# the three taking turns in one guest boot ($ROUNDS rounds, the order
# rotated each round); medians, ms per GiB and the ratios to group mode:
#   (g) -m 4096, virtio-net the only device: rte_eal_init(), and detaching
#       and probing it again (the last device: all 4 GiB unmapped, then
#       mapped again, in both modes)
#   (h) dynamic memory: rte_malloc() of 4 GiB (the heap grows by 2048
#       pages, each mapped for DMA as it comes) and its rte_free()
# Then where the time goes, from one more run of each under strace -T:
# the map ioctls' count and the time the kernel spent in them, against
# the figure.
# Asserts nothing about time; a run that fails fails the test.
. "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-5}
GIB=4
results=$VFIO_CDEV_RUN/bench-scale.txt	# lines "MODE FIGURE VALUE"
: > "$results"

# mode_args MODE: the EAL options of a mode of this benchmark
mode_args() {
	case $1 in
	group) echo --vfio-mode=group ;;
	cdev-va) echo --vfio-mode=cdev --vfio-no-map-file ;;
	cdev-file) echo --vfio-mode=cdev ;;
	esac
}

# scale_run MODE RUN EAL-ARGS...: vfio_bench_autotest on virtio-net alone
scale_run() {
	local mode=$1 run=$2 log
	shift 2
	log=$VFIO_CDEV_RUN/scale-$run-$mode.log
	# shellcheck disable=SC2046 # mode_args gives separate words
	DPDK_TEST=vfio_bench_autotest "$DPDK_TEST" -l 0-1 -n 1 \
		$(mode_args "$mode") -a "$VIRTIO" --file-prefix=scale "$@" \
		< /dev/null > "$log" 2>&1 ||
		{ tail -20 "$log"; fail "run $run in $mode mode failed"; }
	sed -n 's/^bench mode=[a-z]* //p' "$log" | tr ' ' '\n' |
		sed "s/^\(.*\)=/$mode $run.\1 /" >> "$results"
}

# Is mapping by file there to compare? (6.13+)
modes="group cdev-va"
DPDK_TEST=vfio_bench_autotest "$DPDK_TEST" -l 0-1 -n 1 --vfio-mode=cdev \
	-a "$VIRTIO" --file-prefix=scale < /dev/null \
	> "$VFIO_CDEV_RUN/scale-probe.log" 2>&1 ||
	fail "vfio_bench_autotest in cdev mode failed"
! grep -q 'mapped by file' "$VFIO_CDEV_RUN/scale-probe.log" ||
	modes="$modes cdev-file"
note "kernel $(uname -r): modes $modes"

for i in $(seq "$ROUNDS"); do
	# rotate the order every round
	order=$modes
	for _ in $(seq $((i % $(wc -w <<< "$modes")))); do
		order="${order#* } ${order%% *}"
	done
	for mode in $order; do
		VFIO_BENCH_DEVICE=$VIRTIO scale_run "$mode" g -m $((GIB * 1024))
		VFIO_BENCH_ALLOC_MB=$((GIB * 1024)) scale_run "$mode" h
	done
done

# Where the time goes: the map ioctls of (g)'s start and of (h), timed by
# strace, against the figure of that run.
for mode in $modes; do
	for run in g h; do
		trace=$VFIO_CDEV_RUN/strace-$run-$mode.txt
		if [ "$run" = g ]; then
			set -- -m $((GIB * 1024))
			unset VFIO_BENCH_ALLOC_MB
		else
			set --
			export VFIO_BENCH_ALLOC_MB=$((GIB * 1024))
		fi
		# shellcheck disable=SC2046
		DPDK_TEST=vfio_bench_autotest strace -f -qq -T -e trace=ioctl \
			-e signal=none -o "$trace" "$DPDK_TEST" -l 0-1 -n 1 \
			$(mode_args "$mode") -a "$VIRTIO" --file-prefix=scale "$@" \
			< /dev/null > "$trace.out" 2>&1 ||
			fail "strace run $run in $mode mode failed"
		awk -v mode="$mode" -v run="$run" '
			/VFIO_IOMMU_MAP_DMA|0x3b, 0x71,|IOMMU_IOAS_MAP|0x3b, 0x85,|0x3b, 0x8f,/ {
				n++; t += substr($NF, 2, length($NF) - 2)
			}
			END { printf "%s %s.map_ioctls %d\n%s %s.map_kernel_ms %.2f\n",
				mode, run, n, mode, run, t * 1000 }' "$trace" >> "$results"
		sed -n 's/^bench mode=[a-z]* //p' "$trace.out" | tr ' ' '\n' |
			sed "s/^\(.*\)=/$mode $run.traced_\1 /" >> "$results"
	done
done

# The table: medians, ms per GiB, and the ratio to group mode.
bench_medians "$results" | awk -v gib="$GIB" -v modes="$modes" '
	{ med[$1 " " $2] = $3; runs[$1 " " $2] = $4 }
	END {
		nm = split(modes, m, " ")
		n = split("g.init_ms g.probe_ms h.alloc_ms h.free_ms", fig, " ")
		split("(g) rte_eal_init, -m 4096|(g) detach + probe, 4 GiB mapped|(h) rte_malloc of 4 GiB, dynamic|(h) rte_free of 4 GiB", label, "|")
		printf "note: %-36s", "figure (median, ms per GiB)"
		for (j = 1; j <= nm; j++)
			printf " %10s", m[j]
		for (j = 2; j <= nm; j++)
			printf " %10s", m[j] "/g"
		printf "\n"
		for (k = 1; k <= n; k++) {
			printf "note: %-36s", label[k]
			for (j = 1; j <= nm; j++)
				printf " %10.1f", med[m[j] " " fig[k]] / gib
			g = med["group " fig[k]]
			for (j = 2; j <= nm; j++)
				printf " %10.3f", (g > 0 ? med[m[j] " " fig[k]] / g : 0)
			printf "   (%d runs each)\n", runs["group " fig[k]]
		}
		printf "note: where the time goes (one run under strace -T):\n"
		split("g.traced_init_ms h.traced_alloc_ms", tfig, " ")
		for (r = 1; r <= 2; r++) {
			run = substr(tfig[r], 1, 1)
			for (j = 1; j <= nm; j++)
				printf "note:   (%s) %-9s %5d map ioctls, %9.1f ms in them, of %9.1f ms\n",
					run, m[j], med[m[j] " " run ".map_ioctls"],
					med[m[j] " " run ".map_kernel_ms"],
					med[m[j] " " tfig[r]]
		}
	}'
