#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Build the libFuzzer targets of app/test/fuzz with clang (ASan and UBSan
# on) and run them side by side, each for FUZZ_SECONDS (default 50), from
# its committed seed corpus (app/test/fuzz/corpus/NAME) plus what earlier
# runs found (build/fuzz/corpus-NAME). Prints "fuzz NAME: no crash (...)" or
# "fuzz NAME: CRASH ..." with the input that crashed; exits non-zero on
# a crash or a target that does not build.
set -euo pipefail
. "$(dirname "$0")/common.sh"

SECONDS_EACH=${FUZZ_SECONDS:-50}
OUT=$BUILD_DIR/fuzz
FUZZ_DIR=$REPO_DIR/app/test/fuzz
DPDK_INCLUDE=$(dpdk_pristine_dir)/lib/eal/include

# target NAME: the sources each target takes, ours only
declare -A SOURCES=(
	[dma_table]="$REPO_DIR/lib/eal/common/eal_dma_table.c"
	[sysfs_parse]="$REPO_DIR/lib/eal/linux/eal_vfio_cdev_parse.c"
)

# fuzz NAME: run the built target; its verdict in $OUT/fuzz_NAME.verdict
fuzz() {
	local name=$1 bin=$OUT/fuzz_$1 log=$OUT/fuzz_$1.log
	mkdir -p "$OUT/corpus-$name" "$OUT/crashes-$name"
	if "$bin" -max_total_time="$SECONDS_EACH" -timeout=10 \
			-artifact_prefix="$OUT/crashes-$name/" \
			"$OUT/corpus-$name" "$FUZZ_DIR/corpus/$name" > "$log" 2>&1; then
		echo "fuzz $name: no crash ($(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | tail -1)s, corpus $(ls "$OUT/corpus-$name" | wc -l) inputs)"
	else
		echo "fuzz $name: CRASH, input in $OUT/crashes-$name:"
		grep -v '^#\|^INFO' "$log" | head -20 | sed 's/^/    /'
	fi > "$OUT/fuzz_$name.verdict"
}

"$REPO_DIR/scripts/setup.sh"
mkdir -p "$OUT"
names=$(printf '%s\n' "${!SOURCES[@]}" | sort)
for name in $names; do
	clang-14 -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -Wall -Wextra -Werror \
		-DALLOW_INTERNAL_API -I "$DPDK_INCLUDE" \
		-I "$REPO_DIR/lib/eal/common" \
		-I "$REPO_DIR/lib/eal/linux" \
		"$FUZZ_DIR/fuzz_$name.c" ${SOURCES[$name]} -o "$OUT/fuzz_$name" ||
		die "fuzz target $name does not build"
done
# one target a core: libFuzzer runs one process
for name in $names; do
	rm -f "$OUT/fuzz_$name.verdict"
	fuzz "$name" &
done
wait
crashes=0
for name in $names; do
	if [ ! -f "$OUT/fuzz_$name.verdict" ]; then
		echo "fuzz $name: CRASH, no verdict (the run itself failed)"
		crashes=$((crashes + 1))
		continue
	fi
	cat "$OUT/fuzz_$name.verdict"
	grep -q ': CRASH' "$OUT/fuzz_$name.verdict" && crashes=$((crashes + 1))
done
[ "$crashes" -eq 0 ]
