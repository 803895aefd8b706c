#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# lab.sh: the labs of the course built on tcplab (doc/labs/).
#
#   lab.sh list                  one line per lab
#   lab.sh make LAB [DIR]        a student tree under DIR (build/labs/LAB):
#                                the tracked files, each region of LAB
#                                replaced by a stub that compiles and is wrong
#   lab.sh check LAB [DIR]       build DIR's unit tests of LAB, run them; when
#                                they pass, the module built from DIR against
#                                Linux TCP in the test VM (LAB_VM=0: not);
#                                TAP and a score
#   lab.sh selftest              every lab: the reference passes its checks,
#                                the skeleton builds and fails them
#
# A region is what lies between the comment lines "/* LAB name: begin */"
# and "/* LAB name: end */" in module/core/ or userspace/tls/ (LAB_DIRS).
# The markers stay in the student's tree so that the region can be found
# again.  Adding a lab:
# markers in the code, a row in LABS, a stub per region in stub(), hints
# in hint() (doc/labs/teachers.md).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Where regions may be: the core, and the TLS helper's library.
LAB_DIRS='module/core userspace/tls'

# name|title|what to read|unit test programs that cover the regions|the
# VM's selftests that put the student's module against Linux TCP
LABS='seq|Sequence numbers modulo 2^32 and the acceptability test|RFC 9293 3.4, 3.10.7.4|test_seq test_tcb|conn_test,wire_states_test
rto|The retransmission timer: SRTT, RTTVAR and RTO|RFC 6298 2, 5|test_rto|wire_fault_test
nonce|The TLS 1.3 per-record nonce|RFC 8446 5.3|tls_test_record tls_test_kat|tls_kat_test,tls_interop_test
cc|Reno: slow start, congestion avoidance, loss|RFC 5681 3.1, 3.2|test_cc|tcpinfo_test
handshake|The three-way handshake and simultaneous open|RFC 9293 3.5, 3.10.7.2-3.10.7.4|test_tcb|conn_test,wire_states_test
close|The four-way close, CLOSING and TIME-WAIT|RFC 9293 3.6, 3.10.4, 3.10.7.4, 3.10.8|test_tcb test_flow|conn_test,wire_states_test
cert|Certificate checks: the chain, the dates, the name, the use|RFC 5280 4.1.2.5, 4.2, 6.1; RFC 9525 6.3, 6.4|tlshelper_test_verify|tls_refuse_test_inet,tls_refuse_test_tcplab
window|Out-of-order data and the receive window|RFC 9293 3.8.6, 3.10.7.4; RFC 7323 2|test_seq test_tcb test_flow|wire_flow_test,wire_rmem_test
recovery|Fast retransmit and NewReno fast recovery|RFC 5681 3.2; RFC 6582 3.2|test_recovery test_tcb|wire_options_test'

KSFT=${KSFT_DIR:-$BUILD/ksft}
# A program that loops on a wrong stub must not hold the check forever.
PROG_TIMEOUT=${LAB_PROG_TIMEOUT:-120}

lab_row() {
	echo "$LABS" | awk -F'|' -v n="$1" '$1 == n' | grep . ||
		die "no lab '$1' (labs: $(echo "$LABS" | cut -d'|' -f1 | xargs))"
}

lab_field() {
	lab_row "$1" | cut -d'|' -f"$2"
}

# The files of tree $2 that hold regions of lab $1, relative to the tree.
lab_files() {
	# shellcheck disable=SC2086
	(cd "$2" && grep -rlE "^[[:space:]]*/\* LAB $1: begin \*/$" $LAB_DIRS | sort)
}

# The stub of region $3 (counted from 1 in the file) of lab $1 in file
# $2: a TODO naming the rule, and just enough to compile without a
# warning.  Every stub is wrong on purpose: the checks must see it.
stub() {
	case "$1:$(basename "$2"):$3" in
	seq:tl_seq.h:1)
		echo '/* TODO (LAB seq): RFC 9293 3.4, a < b modulo 2^32 */'
		echo 'return false;' ;;
	seq:tl_seq.h:2)
		echo '/* TODO (LAB seq): RFC 9293 3.4, a <= b modulo 2^32 */'
		echo 'return false;' ;;
	seq:tl_seq.h:3)
		echo '/* TODO (LAB seq): lo <= x <= hi, even when the interval wraps */'
		echo 'return false;' ;;
	seq:tl_seq.h:4)
		echo '/* TODO (LAB seq): start <= x < start + wnd; a zero window holds nothing */'
		echo 'return false;' ;;
	seq:tl_input.c:1)
		echo '/* TODO (LAB seq): RFC 9293 3.10.7.4, first step: the four cases */'
		echo 'return false;' ;;
	rto:tl_rto.c:1)
		echo '/*'
		echo ' * TODO (LAB rto): RFC 6298 2.2 (first sample), 2.3 (later samples),'
		echo ' * then RTO <- SRTT + max(G, K*RTTVAR), the minimum on the variance'
		echo ' * term as Linux does, within max_rto; 5.7: a sample ends the back-off.'
		echo ' */' ;;
	nonce:tls_nonce.c:1)
		echo '/* TODO (LAB nonce): RFC 8446 5.3, the per-record nonce */'
		echo '(void)static_iv;	/* the TLS tests build with -Wunused-parameter */'
		echo '(void)seq;'
		echo 'memset(nonce, 0, TL_TLS_NONCE_SIZE);' ;;
	cc:tl_cc_reno.c:1)
		echo '/* TODO (LAB cc): RFC 5681 3.1, slow start and congestion avoidance */' ;;
	cc:tl_cc_reno.c:2)
		echo '/* TODO (LAB cc): RFC 5681 3.2 step 2, ssthresh and cwnd on a loss */' ;;
	cc:tl_cc_reno.c:3)
		echo '/* TODO (LAB cc): RFC 5681 3.1 equation (4) and the loss window on a timeout */' ;;
	handshake:tl_input.c:1)
		echo '/* TODO (LAB handshake): RFC 9293 3.10.7.2 third, a SYN to a listener asks the glue for a child */'
		echo '(void)req;' ;;
	handshake:tl_input.c:2)
		echo '/*'
		echo ' * TODO (LAB handshake): RFC 9293 3.10.7.3 fourth, our SYN acknowledged'
		echo ' * (ESTABLISHED) or not (simultaneous open)'
		echo ' */' ;;
	handshake:tl_input.c:3)
		echo '/* TODO (LAB handshake): RFC 9293 3.10.7.4 fifth, the ACK that completes SYN-RECEIVED */' ;;
	close:tl_input.c:1)
		echo '/* TODO (LAB close): RFC 9293 3.10.7.4 eighth, the state a FIN leads to */' ;;
	close:tl_input.c:2)
		echo '/* TODO (LAB close): RFC 9293 3.10.7.4 fifth, an ACK of our FIN */' ;;
	close:tl_user.c:1)
		echo '/* TODO (LAB close): RFC 9293 3.10.4, CLOSE in ESTABLISHED and CLOSE-WAIT */' ;;
	close:tl_tcb.c:1)
		echo '/* TODO (LAB close): RFC 9293 3.10.7.4 eighth, what entering TIME-WAIT does */' ;;
	cert:tls_verify.c:1)
		echo '/* TODO (LAB cert): RFC 9525 6.3, 6.4 and RFC 5280 4.2.1.12: the name and the use */'
		echo '(void)is_server;'
		echo '(void)name;'
		echo 'return gnutls_certificate_verify_peers2(session, st);' ;;
	cert:tls_verify.c:2)
		echo '/* TODO (LAB cert): RFC 5280 6.1, 6.3, RFC 9525 6: what each status bit refuses */'
		echo '(void)st;'
		echo '(void)ss;'
		echo '(void)who;'
		echo '(void)name;'
		echo 'c->chain = c->time = c->name = c->use = c->crl = true;'
		echo 'return 0;' ;;
	window:tl_ooo.c:1)
		echo '/* TODO (LAB window): RFC 9293 3.10.7.4: hold [start, end), sorted and merged */'
		echo 'return -ENOSPC;' ;;
	window:tl_window.c:1)
		echo '/* TODO (LAB window): RFC 7323 2.2 and 2.3, the shift of our window field */'
		echo 'return 0;' ;;
	window:tl_window.c:2)
		echo '/* TODO (LAB window): RFC 9293 3.8.6.2.2, the threshold of receiver SWS avoidance */'
		echo 'return 0;' ;;
	window:tl_window.c:3)
		echo '/* TODO (LAB window): RFC 9293 3.8.6.2.2 and 3.8.6, a larger window, or 0 */'
		echo 'return 0;' ;;
	window:tl_window.c:4)
		echo '/* TODO (LAB window): RFC 9293 3.8.6.2.2 and RFC 7323 2.3, RCV.WND and SEG.WND */'
		echo '(void)tl_rcv_shift;	/* only your code calls it: remove this line */'
		echo 'return 0;' ;;
	recovery:tl_recovery.c:1)
		echo '/* TODO (LAB recovery): RFC 6582 3.2 step 2, "recover" as fast retransmit begins */' ;;
	recovery:tl_recovery.c:2)
		echo '/* TODO (LAB recovery): RFC 5681 3.2 step 3, the retransmission and cwnd (no SACK) */' ;;
	recovery:tl_recovery.c:3)
		echo '/* TODO (LAB recovery): RFC 6582 3.2 step 3, cwnd after a full acknowledgment */' ;;
	recovery:tl_recovery.c:4)
		echo '/*'
		echo ' * TODO (LAB recovery): RFC 5681 3.2 step 4, a further duplicate ACK;'
		echo ' * RFC 6582 3.2 step 3, a partial acknowledgment.'
		echo ' */' ;;
	recovery:tl_recovery.c:5)
		echo '/* TODO (LAB recovery): RFC 6582 3.2 step 4, the state and "recover" after a timeout */' ;;
	*)
		return 1 ;;
	esac
}

# The rule a failed check of lab $1 named $2 is about.  Rules, never code.
hint() {
	case "$1:$2" in
	seq:*acceptab*|seq:*3_10_7_4*)
		echo "RFC 9293 3.10.7.4, first step: a segment is acceptable by one of four cases, chosen by whether its length and the receive window are zero; with data, the first or the last octet must fall in the window" ;;
	seq:*)
		echo "RFC 9293 3.4: sequence numbers are compared modulo 2^32; a comparison, and a window test, must stay right when the numbers wrap past 2^32 - 1" ;;
	rto:*2_1*)
		echo "RFC 6298 2.1: before the first measurement the RTO is the initial value" ;;
	rto:*2_2_2_3*)
		echo "RFC 6298 2.2 and 2.3: the first sample sets SRTT and RTTVAR, later ones update RTTVAR then SRTT, both from the old SRTT (alpha 1/8, beta 1/4); the fields hold 8*SRTT and 4*RTTVAR" ;;
	rto:*2_4_2_5*|rto:*min_rto*)
		echo "RFC 6298 2.4 and 2.5: the RTO has a minimum and a maximum; as in Linux, the minimum bounds the variance term" ;;
	rto:*5_5*|rto:*5_7*)
		echo "RFC 6298 5.5 to 5.7: a new measurement recomputes the RTO and ends the exponential back-off" ;;
	nonce:*)
		echo "RFC 8446 5.3: the 64-bit record sequence number, in network byte order and padded on the left with zeros to the IV length, is XORed with the static IV" ;;
	cc:*slow_start*|cc:*avoidance*)
		echo "RFC 5681 3.1: below ssthresh cwnd grows by at most one SMSS per ACK; above, by about one SMSS per round trip" ;;
	cc:*)
		echo "RFC 5681 3.1 and 3.2: after a loss, ssthresh is half the flight (at least two segments); a timeout brings cwnd to one segment" ;;
	handshake:*simultaneous_open*)
		echo "RFC 9293 3.10.7.3 fourth: a SYN that does not acknowledge ours (both ends opened at once) leads to SYN-RECEIVED and a SYN,ACK; 3.10.7.4 fifth then completes the open" ;;
	handshake:*3_10_7_2*|handshake:*passive*|handshake:*syn_received*)
		echo "RFC 9293 3.10.7.2 third and 3.10.7.4 fifth: a SYN to a listener creates a connection in SYN-RECEIVED; the ACK of its SYN,ACK (SND.UNA < SEG.ACK =< SND.NXT) makes it ESTABLISHED, any other ACK gets a RST" ;;
	handshake:*)
		echo "RFC 9293 3.10.7.3 fourth: once RCV.NXT and IRS are set, SND.UNA > ISS means our SYN was acknowledged: ESTABLISHED, an ACK, and the rest of the segment from the sixth step" ;;
	close:*time_wait*|close:*3_10_8*)
		echo "RFC 9293 3.10.7.4 eighth and 3.10.8: entering TIME-WAIT starts the 2 MSL timer and turns off the other timers; its expiry deletes the TCB" ;;
	close:*3_10_4*)
		echo "RFC 9293 3.10.4: CLOSE queues a FIN after the data and enters FIN-WAIT-1 from ESTABLISHED, LAST-ACK from CLOSE-WAIT" ;;
	close:*)
		echo "RFC 9293 3.10.7.4 fifth and eighth: an ACK of our FIN moves FIN-WAIT-1 to FIN-WAIT-2, CLOSING to TIME-WAIT, LAST-ACK to CLOSED; a FIN moves ESTABLISHED to CLOSE-WAIT, FIN-WAIT-1 to CLOSING (or TIME-WAIT when it also acknowledges our FIN), FIN-WAIT-2 to TIME-WAIT" ;;
	cert:*4_1_2_5*)
		echo "RFC 5280 4.1.2.5: a certificate is valid from notBefore to notAfter, every certificate of the chain; expired and not yet valid are two reasons, and GnuTLS tells them apart" ;;
	cert:*path_before_name*)
		echo "RFC 5280 6.1 before RFC 9525 6: the names on a certificate no trusted path vouches for prove nothing; when several checks fail, the reason is the most telling one" ;;
	cert:*rfc9525*|cert:*rfc6125*)
		echo "RFC 9525 6.3 and 6.4: the name the client asked for is matched against subjectAltName, a DNS name against the dNSName entries (a wildcard stands for one label), an IP address against the iPAddress entries; GnuTLS matches only the identity it is given" ;;
	cert:*4_2_1_12*|cert:*rfc8446*)
		echo "RFC 5280 4.2.1.12: extendedKeyUsage says what a certificate is for; a server's must allow TLS server authentication, a client's TLS client authentication (RFC 8446 4.4.2: a server checks a client's chain like a client checks the server's, with no name)" ;;
	cert:*rfc5280_6_3*)
		echo "RFC 5280 6.3: a certificate on the CRL we were given is revoked, whatever else holds: the strongest reason to refuse" ;;
	cert:*)
		echo "RFC 5280 6.1 and 4.2: a path runs from one of our trust anchors through CA certificates to the peer's; refuse a chain that does not, a certificate that signed itself, an unknown critical extension, and any status bit you have no name for" ;;
	window:*ooo*|window:*out_of_order*|window:*held*|window:*reorder*)
		echo "RFC 9293 3.10.7.4, seventh step: data beyond RCV.NXT may be held; the held ranges stay sorted, overlapping or adjacent ones become one, comparisons are modulo 2^32, and the range just changed is the one RFC 2018 4 reports first" ;;
	window:*7323*|window:*wscale*)
		echo "RFC 7323 2.2 and 2.3: the window field of a SYN is never scaled; on the other segments it carries RCV.WND shifted right by the shift we announced, and never more than 65535" ;;
	window:*window_update*|window:*sws*|window:*autotune*)
		echo "RFC 9293 3.8.6.2.2: the receiver opens its window only by min(half the buffer, one MSS) or more at a time" ;;
	window:*)
		echo "RFC 9293 3.8.6: the window offered is the free receive buffer; its right edge never moves left, and moves right only by the SWS threshold (3.8.6.2.2) or more; 3.10.7.4: data in the window beyond RCV.NXT is held, not dropped" ;;
	recovery:*partial*)
		echo "RFC 6582 3.2 step 3: a partial ACK resends the first unacknowledged segment and takes the bytes it acknowledges off cwnd, giving one SMSS back only if it acknowledged at least one SMSS" ;;
	recovery:*5681_3_2*)
		echo "RFC 5681 3.2 step 3: the third duplicate ACK resends the first unacknowledged segment, one SMSS of it, and sets cwnd to ssthresh plus 3 SMSS" ;;
	recovery:*below_recover*|recovery:*timeout*)
		echo "RFC 6582 3.2 step 4: after a timeout the sender is in the Loss state and \"recover\" is the highest sequence number sent, so duplicate ACKs for older data start no fast retransmit" ;;
	recovery:*newreno*)
		echo "RFC 5681 3.2 steps 3 and 4, RFC 6582 3.2 steps 2 and 3: entering fast recovery records the highest sequence number sent in \"recover\" and sets cwnd to ssthresh + 3 SMSS; a further duplicate ACK adds one SMSS; an ACK that covers recover sets cwnd to min(ssthresh, max(FlightSize, SMSS) + SMSS)" ;;
	recovery:*)
		echo "RFC 5681 3.2 and RFC 6582 3.2: fast recovery, and the Loss state after a timeout, last until an ACK covers \"recover\", the highest sequence number sent when they began" ;;
	*)
		echo "see doc/labs/$1.md" ;;
	esac
}

cmd_list() {
	local name title rfc n
	echo "$LABS" | while IFS='|' read -r name title rfc _; do
		n=$(cd "$TOP" && lab_files "$name" "$TOP" | xargs -r grep -chE "/\* LAB $name: begin \*/" |
			awk '{ s += $1 } END { print s + 0 }')
		printf '%-9s %s (%s; %d region%s in %s)\n' "$name" "$title" "$rfc" "$n" "$([ "$n" = 1 ] || echo s)" \
			"$(lab_files "$name" "$TOP" | xargs -r -n1 basename | paste -sd' ' -)"
	done
}

# Replace each region of lab $1 in file $2 (relative to the tree $3).
stub_file() {
	local lab=$1 f=$2 dir=$3 n i stubs
	n=$(grep -cE "^[[:space:]]*/\* LAB $lab: begin \*/$" "$dir/$f")
	stubs=$(mktemp)
	for ((i = 1; i <= n; i++)); do
		stub "$lab" "$f" "$i" | sed "s/^/$i\t/" >> "$stubs" ||
			die "lab $lab: no stub for region $i of $f (scripts/lab.sh stub())"
	done
	awk -v b="/* LAB $lab: begin */" -v e="/* LAB $lab: end */" -v stubs="$stubs" '
		BEGIN {
			while ((getline l < stubs) > 0) {
				t = index(l, "\t")
				s[substr(l, 1, t - 1)] = s[substr(l, 1, t - 1)] substr(l, t + 1) "\n"
			}
		}
		function trim(x) { sub(/^[ \t]+/, "", x); return x }
		skip && trim($0) == e { skip = 0; print; next }
		skip { next }
		trim($0) == b {
			print
			ind = $0; sub(/[^ \t].*$/, "", ind)
			m = split(s[++k], a, "\n")
			# The stub takes the marker'"'"'s indentation, blank lines none.
			for (j = 1; j < m; j++)
				print (a[j] == "" ? "" : ind a[j])
			skip = 1
			next
		}
		{ print }
		END { if (skip) exit 2 }' "$dir/$f" > "$dir/$f.lab" ||
		die "lab $lab: $f has a begin marker without its end"
	rm -f "$stubs"
	mv "$dir/$f.lab" "$dir/$f"
}

cmd_make() {
	local lab=$1 dir=${2:-$BUILD/labs/$1} f
	lab_row "$lab" > /dev/null
	if [ -e "$dir" ] && [ -n "$(ls -A "$dir")" ] && [ -z "${FORCE:-}" ]; then
		die "$dir exists (your work?); remove it or run with FORCE=1"
	fi
	git -C "$TOP" rev-parse --git-dir > /dev/null 2>&1 ||
		die "make lab copies the files git tracks; $TOP is not a git tree"
	rm -rf "$dir"
	mkdir -p "$dir"
	# The tracked files as they are in the worktree (committed or not),
	# with their times, so that objects built from the reference stay
	# valid for every file the lab leaves alone.
	# shellcheck disable=SC2016
	(cd "$TOP" && git ls-files -z | xargs -0 -r sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
		tar --null -T - -cf -) | tar -xf - -C "$dir"
	# The guest kernels and the files taken from Debian's kernel source
	# are the same for every tree: shared, so that the VM step of the
	# check does not download and unpack them again.
	mkdir -p "$dir/build"
	for f in kernels ksft; do
		[ -d "$BUILD/$f" ] && ln -sfn "$(cd "$BUILD/$f" && pwd)" "$dir/build/$f"
	done
	for f in $(lab_files "$lab" "$dir"); do
		stub_file "$lab" "$f" "$dir"
	done
	[ -n "$(lab_files "$lab" "$dir")" ] || die "lab $lab: no region marked in $LAB_DIRS"
	echo "lab $lab: $(lab_field "$lab" 2) ($(lab_field "$lab" 3))"
	echo "student tree: $dir"
	echo "write the TODO regions in:"
	lab_files "$lab" "$dir" | sed "s#^#  $dir/#"
	echo "then: make lab-check LAB=$lab${2:+ DIR=$dir}   (read doc/labs/$lab.md)"
}

# The unit test binaries of program names $@, under the build dir $OUT:
# selftests/core/Makefile puts tls_* in tls/, the others (test_* of the
# core, tlshelper_test_* of the helper) in core-tests/.
bin_of() {
	local p
	for p; do
		case $p in
		tls_*) echo "$OUT/tls/$p" ;;
		*) echo "$OUT/core-tests/$p" ;;
		esac
	done
}

# check LAB DIR: TAP on stdout, the score last; 0 when every check
# passes, 1 when one fails, 2 when the tree does not build.
cmd_check() {
	local lab=$1 dir=${2:-$BUILD/labs/$1} progs p bin out line n=0 pass=0 failed=""
	lab_row "$lab" > /dev/null
	[ -d "$dir/selftests/core" ] || die "no tree at $dir: make lab LAB=$lab first"
	dir=$(cd "$dir" && pwd)
	[ -f "$KSFT/kselftest_harness.h" ] || die "no $KSFT/kselftest_harness.h: run make deps"
	# The reference builds beside the main build, a student tree in its own.
	if [ "$dir" = "$TOP" ]; then
		OUT=${LAB_REF_OUT:-$BUILD/lab-check/ref}
	else
		OUT=$dir/build
	fi
	progs=$(lab_field "$lab" 4)
	mkdir -p "$OUT"
	echo "TAP version 13"
	echo "# lab $lab: $(lab_field "$lab" 2) ($(lab_field "$lab" 3)), tree $dir"
	# One word per binary: the names hold no blank.
	# shellcheck disable=SC2046,SC2086
	if ! nice -n 19 make -s -j"$(nproc)" -C "$dir/selftests/core" BUILD="$OUT" \
		KSFT_DIR="$KSFT" $(bin_of $progs) > "$OUT/lab-build.log" 2>&1; then
		echo "not ok 1 build - the unit tests of $dir do not compile"
		sed 's/^/# /' "$OUT/lab-build.log" | grep -E 'error|warning' | head -n 20
		echo "1..1"
		echo "# lab $lab: 0/1 checks passed (build log: $OUT/lab-build.log)"
		return 2
	fi
	for p in $progs; do
		bin=$(bin_of "$p")
		out=$(cd "$OUT" && timeout -s KILL "$PROG_TIMEOUT" "$bin" 2>&1) || true
		# The harness' own TAP: "ok N suite.test" / "not ok N suite.test".
		while read -r line; do
			case $line in
			"ok "*)
				n=$((n + 1)) pass=$((pass + 1))
				echo "ok $n $p: ${line#ok * }" ;;
			"not ok "*)
				n=$((n + 1))
				echo "not ok $n $p: ${line#not ok * }"
				failed="$failed ${line#not ok * }" ;;
			esac
		done < <(echo "$out" | grep -E '^(not )?ok [0-9]+ ')
		if ! echo "$out" | grep -qE '^# Totals:'; then
			n=$((n + 1))
			echo "not ok $n $p - did not finish (crash or ${PROG_TIMEOUT}s limit)"
			failed="$failed $p"
		fi
	done
	if [ "$pass" -ne "$n" ]; then
		echo "1..$n"
		echo "# lab $lab: $pass/$n checks passed"
		for p in $failed; do hint "$lab" "$p"; done | sort -u | sed 's/^/# hint: /'
		echo "# read doc/labs/$lab.md; the failing checks are in selftests/core/"
		echo "# (the VM step runs once every check on the host passes)"
		return 1
	fi
	if [ "${LAB_VM:-1}" = 0 ]; then
		echo "1..$n"
		echo "# lab $lab: $pass/$n checks passed (host only: VM=0)"
		return 0
	fi
	vm_step "$lab" "$dir"
}

# The second half of a check: the module built from tree $2 against
# Linux TCP in the test VM, the selftests of lab $1's row, on 6.12.
# Their TAP lines continue the numbering of cmd_check (n, pass).
vm_step() {
	local lab=$1 dir=$2 tests log line rc=0 cur="" curfail=0 vpass=0 vn=0
	tests=$(lab_field "$lab" 5)
	log=$OUT/lab-vm.log
	echo "# VM step: the selftests of this lab in the test VM (6.12), built from your tree:"
	echo "#   make -C $dir check KERNELS=6.12 TESTS=$tests"
	echo "# a few minutes under TCG; the whole output goes to $log"
	nice -n 10 make -s -C "$dir" check KERNELS=6.12 TESTS="$tests" > "$log" 2>&1 || rc=$?
	while read -r line; do
		case $line in
		"TCPLAB-BEGIN "*)
			cur=${line#TCPLAB-BEGIN }
			cur=${cur##*/} curfail=0 ;;
		"ok "*)
			[ -n "$cur" ] || continue
			n=$((n + 1)) pass=$((pass + 1)) vn=$((vn + 1)) vpass=$((vpass + 1))
			echo "ok $n vm $cur: ${line#ok * }" ;;
		"not ok "*)
			[ -n "$cur" ] || continue
			n=$((n + 1)) vn=$((vn + 1)) curfail=1
			echo "not ok $n vm $cur: ${line#not ok * }" ;;
		"TCPLAB-END "*)
			# A program that ended without a failed test line but
			# with a failure status (a crash, a time limit).
			case $line in *" rc=0 "*) ;; *)
				if [ "$curfail" = 0 ] && [ -n "$cur" ]; then
					n=$((n + 1)) vn=$((vn + 1))
					echo "not ok $n vm $cur - ${line#TCPLAB-END }"
				fi ;;
			esac
			cur="" ;;
		esac
	done < <(grep -E '^(TCPLAB-BEGIN|TCPLAB-END|(not )?ok [0-9]+ )' "$log" | grep -v ' # SKIP' || true)
	if [ "$vn" -eq 0 ]; then
		n=$((n + 1))
		echo "not ok $n vm - no selftest ran (the module or the VM did not build or boot; see $log)"
		tail -n 5 "$log" | sed 's/^/# /'
	fi
	echo "1..$n"
	echo "# lab $lab: $pass/$n checks passed (VM $vpass/$vn)"
	if [ "$pass" -ne "$n" ] || [ "$rc" -ne 0 ]; then
		echo "# the VM step failed: your TCP and Linux's disagree on the wire; $log has each"
		echo "# selftest's own explanation (the lines starting with '#' before 'not ok')"
		return 1
	fi
	return 0
}

# The labs' own check: "labs" in scripts/check.sh.
cmd_selftest() {
	local name rest t rc n=0 bad=0 log ref=$BUILD/lab-check/ref sk=$BUILD/lab-check/skeleton
	log=$BUILD/lab-check/selftest.log
	mkdir -p "$BUILD/lab-check"
	: > "$log"
	echo "TAP version 13"
	# A marker whose lab has no row would never be stubbed nor checked.
	n=1
	# shellcheck disable=SC2086
	rest=$(cd "$TOP" && grep -rhoE '/\* LAB [a-z0-9_]+: (begin|end) \*/' $LAB_DIRS |
		awk '{ print $3 }' | tr -d : | sort -u |
		grep -vxF -f <(echo "$LABS" | cut -d'|' -f1) | xargs) || true
	if [ -z "$rest" ]; then
		echo "ok $n every lab marked in $LAB_DIRS has a row in LABS"
	else
		echo "not ok $n markers of labs without a row in LABS: $rest"
		bad=1
	fi
	for name in $(echo "$LABS" | cut -d'|' -f1); do
		n=$((n + 1))
		rc=0
		echo "## reference $name" >> "$log"
		LAB_VM=0 LAB_REF_OUT=$ref cmd_check "$name" "$TOP" >> "$log" 2>&1 || rc=$?
		if [ "$rc" -eq 0 ]; then
			echo "ok $n $name: the reference passes its checks"
		else
			echo "not ok $n $name: the reference fails its checks (rc $rc, $log)"
			bad=1
		fi
		n=$((n + 1))
		t=$sk/$name
		echo "## skeleton $name" >> "$log"
		if ! FORCE=1 cmd_make "$name" "$t" >> "$log" 2>&1; then
			echo "not ok $n $name: make lab failed ($log)"
			bad=1
			continue
		fi
		# Objects of files the lab leaves alone are the reference's: the
		# tree keeps their times, the stubbed files are newer.
		mkdir -p "$t/build/core-tests"
		cp -rp "$ref/core-tests/core" "$t/build/core-tests/" 2> /dev/null || true
		rc=0
		LAB_VM=0 cmd_check "$name" "$t" > "$t.out" 2>&1 || rc=$?
		cat "$t.out" >> "$log"
		rest=$(grep -E '^# lab .* checks passed' "$t.out" | sed 's/^# lab [a-z0-9_]*: //')
		case $rc in
		1) echo "ok $n $name: the skeleton builds and fails ($rest)" ;;
		0) echo "not ok $n $name: the skeleton passes every check: a stub is right or a check is missing"
		   bad=1 ;;
		*) echo "not ok $n $name: the skeleton does not build (rc $rc, $log)"
		   bad=1 ;;
		esac
	done
	echo "1..$n"
	return $bad
}

case ${1:-} in
list) cmd_list ;;
make) [ -n "${2:-}" ] || die "usage: lab.sh make LAB [DIR]"; cmd_make "$2" "${3:-}" ;;
check) [ -n "${2:-}" ] || die "usage: lab.sh check LAB [DIR]"; cmd_check "$2" "${3:-}" ;;
selftest) cmd_selftest ;;
*) die "usage: lab.sh list | make LAB [DIR] | check LAB [DIR] | selftest" ;;
esac
