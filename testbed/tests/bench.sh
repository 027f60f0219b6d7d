#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# testbed: --hugepages 640
# alone: its figures are timings; a guest beside it would add noise
# Benchmark, figures only: cdev mode against stock group mode's own code
# path, on the same devices in one guest boot, the modes taking turns
# ($PAIRS pairs, the order swapped every other pair); medians and
# cdev/group:
#   (a) rte_eal_init() with the two e1000e and virtio-net, -m 1024
#   (b) the same with dynamic memory
#   (c) probing virtio-net again, in the process of (a), once detached
#   (d) DMA map ioctls during start and unmap ioctls at exit of a run of
#       (a), counted by strace
#   (e) detaching and probing virtio-net
#   (f) io forwarding between the two e1000e, packets/s over 2 s
# Asserts nothing about time; a run that fails fails the test.
. "$(dirname "$0")/lib.sh"

PAIRS=${PAIRS:-5}
results=$VFIO_CDEV_RUN/bench.txt	# lines "MODE FIGURE VALUE"
: > "$results"

# dpdk_bench MODE RUN EAL-ARGS...: vfio_bench_autotest once; its figures
# go to $results as "MODE RUN.NAME VALUE".
dpdk_bench() {
	local mode=$1 run=$2 log
	shift 2
	log=$VFIO_CDEV_RUN/bench-$run-$mode.log
	DPDK_TEST=vfio_bench_autotest "$DPDK_TEST" -l 0-1 -n 1 \
		--vfio-mode="$mode" -a "$E1000E_A" -a "$E1000E_B" -a "$VIRTIO" \
		--file-prefix=bench "$@" < /dev/null > "$log" 2>&1 ||
		{ tail -20 "$log"; fail "benchmark run $run in $mode mode failed"; }
	sed -n 's/^bench mode=[a-z]* //p' "$log" | tr ' ' '\n' |
		sed "s/^\(.*\)=/$mode $run.\1 /" >> "$results"
}

# forward_rate MODE N: packets/s both e1000e receive, as testpmd measures
# them over 2 s of io forwarding once it is under way.
forward_rate() {
	testpmd_start "bench-f-$1-$2" --vfio-mode="$1" \
		-a "$E1000E_A" -a "$E1000E_B" -- -i --nb-cores=1 --forward-mode=io
	start_tx_first
	sleep 1
	testpmd_cmd "show port stats all"
	sleep 2
	testpmd_cmd "show port stats all"
	testpmd_cmd "stop"
	testpmd_stop
	awk -v mode="$1" '/NIC statistics for port/ { nic = $6 }
		/Rx-pps:/ && nic != "" { pps[nic] = $2; nic = "" }
		END { for (p in pps) sum += pps[p]; print mode, "f", sum }' \
		"$TESTPMD_LOG" >> "$results"
}

# ioctl_counts MODE RUN EAL-ARGS...: DMA map ioctls until the test starts
# (the write of its first line), unmap ioctls after, from strace.
ioctl_counts() {
	local mode=$1 run=$2 trace=$VFIO_CDEV_RUN/strace-$2-$1.txt map unmap
	shift 2
	case $mode in
	group) map='VFIO_IOMMU_MAP_DMA|0x3b, 0x71,'
		unmap='VFIO_IOMMU_UNMAP_DMA|0x3b, 0x72,' ;;
	cdev) map='IOMMU_IOAS_MAP[^_]|0x3b, 0x85,'
		unmap='IOMMU_IOAS_UNMAP|0x3b, 0x86,' ;;
	esac
	DPDK_TEST=vfio_bench_autotest strace -f -qq -e trace=ioctl,write \
		-e signal=none -o "$trace" "$DPDK_TEST" -l 0-1 -n 1 \
		--vfio-mode="$mode" -a "$E1000E_A" -a "$E1000E_B" -a "$VIRTIO" \
		--file-prefix=bench "$@" < /dev/null > /dev/null 2>&1 ||
		fail "strace run in $mode mode failed"
	awk -v mode="$mode" -v run="$run" -v map="$map" -v unmap="$unmap" '
		/write\(.*bench mode=/ { started = 1 }
		/ioctl\(/ && $0 ~ map && !started { m++ }
		/ioctl\(/ && $0 ~ unmap && started { u++ }
		END {
			print mode, run ".map", m + 0
			print mode, run ".unmap", u + 0
		}' "$trace" >> "$results"
}

# modes_by_turns I: the two modes, the order swapped every other time
modes_by_turns() {
	if [ $(($1 % 2)) -eq 1 ]; then echo group cdev; else echo cdev group; fi
}

for i in $(seq "$PAIRS"); do
	for mode in $(modes_by_turns "$i"); do
		VFIO_BENCH_DEVICE=$VIRTIO dpdk_bench "$mode" a -m 1024
		forward_rate "$mode" "$i"
	done
done
# (b) is short and as noisy: more pairs
for i in $(seq $((PAIRS + 2))); do
	for mode in $(modes_by_turns "$i"); do
		dpdk_bench "$mode" b
	done
done
for mode in group cdev; do
	ioctl_counts "$mode" d -m 1024
done

# The table: median of each figure per mode, and cdev/group.
bench_medians "$results" | awk '
	{ med[$1 " " $2] = $3; runs[$1 " " $2] = $4 }
	END {
		n = split("a.init_ms b.init_ms a.probe_ms d.map d.unmap a.replug_ms f", fig, " ")
		split("(a) rte_eal_init, -m 1024, 3 NICs (ms)|(b) rte_eal_init, dynamic memory (ms)|(c) probe of one device (ms)|(d) DMA map ioctls during start of (a)|(d) DMA unmap ioctls at exit of (a)|(e) detach + attach of one device (ms)|(f) io forwarding e1000e<->e1000e (pps)", label, "|")
		printf "note: %-44s %12s %12s %10s %6s\n", "figure (median of runs)", "group", "cdev", "cdev/group", "goal"
		for (k = 1; k <= n; k++) {
			g = med["group " fig[k]]; c = med["cdev " fig[k]]
			printf "note: %-44s %12.2f %12.2f %10.3f %6s   (%d + %d runs)\n",
				label[k], g, c, (g > 0 ? c / g : 0),
				(fig[k] == "f" ? ">=0.97" : "<=1.0"),
				runs["group " fig[k]], runs["cdev " fig[k]]
		}
	}'
