#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# A user's own applications in cdev mode: DPDK's examples/l2fwd and the
# project's examples/vfio_extmem, built with make against the installed
# DPDK (meson install into build/install, found by pkg-config --static;
# scripts/build.sh builds them on the host, faster than under TCG),
# forward between the two e1000e ports. l2fwd gets its traffic from a
# testpmd sending on the e1000; vfio_extmem receives into memory of its
# own, mapped with rte_dev_dma_map(), and sends the first burst itself.
. "$(dirname "$0")/lib.sh" cdev

# built on the host by scripts/build.sh, against DPDK installed under a
# staging root (meson install --destdir) with pkg-config --static
apps=$BUILD_DIR/install-examples
for name in l2fwd vfio_extmem; do
	[ -x "$apps/$name/build/$name" ] ||
		fail "no $apps/$name/build/$name: scripts/build.sh builds it"
	# pkg-config --static's libraries, from the staging root
	grep -q -- "-L$BUILD_DIR/install/.* -l:librte_eal.a" "$apps/$name.log" ||
		fail "$name was not linked with the installed static libraries"
	note "$name built with make static against $BUILD_DIR/install"
done

# l2fwd on the e1000e pair (one lcore for both), while testpmd sends from
# the e1000 (its forwarding lcore is the other one)
log=$VFIO_CDEV_RUN/l2fwd.log
stdbuf -oL "$apps/l2fwd/build/l2fwd" -l 0 -n 1 --vfio-mode=cdev \
	--file-prefix=l2fwd -a "$E1000E_A" -a "$E1000E_B" -- -p 0x3 -q 2 -P -T 1 \
	> "$log" 2>&1 &
l2fwd=$!
wait_line "$l2fwd" "$log" 'entering main loop' l2fwd
gen_log=$VFIO_CDEV_RUN/generator.log
stdbuf -oL "$TESTPMD" -l 0-1 -n 1 --vfio-mode=cdev --file-prefix=gen \
	-a "$E1000" -- --forward-mode=txonly --stats-period=1 \
	--total-num-mbufs=$TESTPMD_MBUFS \
	> "$gen_log" 2>&1 < /dev/null &
gen=$!
wait_line "$gen" "$gen_log" 'Tx-pps' "testpmd (generator)"
sleep 8
kill -INT "$gen" "$l2fwd"
wait "$gen" || { tail -20 "$gen_log"; fail "testpmd (generator) failed"; }
wait "$l2fwd" || { tail -20 "$log"; fail "l2fwd failed"; }
awk '/Statistics for port/ { p = $4 }
	/Packets sent:/ { tx[p] = $3 }
	/Packets received:/ { rx[p] = $3 }
	END {
		for (p in rx) {
			printf "note: l2fwd: port %s RX %d TX %d packets\n", p, rx[p], tx[p]
			n++
			if (rx[p] == 0 || tx[p] == 0)
				bad = 1
		}
		exit (n != 2 || bad)
	}' "$log" || { tail -30 "$log"; fail "l2fwd did not forward on both ports"; }

# vfio_extmem on the same pair, seeding the traffic itself
extmem_forward "$apps/vfio_extmem/build/vfio_extmem" \
	--vfio-mode=cdev --file-prefix=extmem
