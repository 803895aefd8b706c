#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# demo_test: runs `make demo`'s scenarios in the VM (tcplab-demo, which
# records the tracepoints with `tcplab-ladder -r`) and checks each one
# from its trace, not from fixed text: tcplab-ladder-check reads the raw
# events with awk and verifies that the ladder shows the same segments
# and states in the same order, and that the trace tells the scenario's
# textbook story (handshake acknowledging ISN + 1, four-way close, both
# RFC 9293 state paths, TIME-WAIT of 2 * MSL; RST; crossing SYNs;
# crossing FINs and CLOSING; a lost segment and its retransmission),
# and that the cc scenario plots one transfer per algorithm it asked for.
# The SVG is checked for well-formedness with awk (no XML parser in the
# VM; the host's tests parse SVGs with python3), the capture for its
# pcap header.  Also: tcplab-watch -1 sees a listener, tcplab-bench -j
# prints its JSON.  TAP output; exit 0 pass, 1 fail.
OUT=/tmp/demo_test
export OUT
num=0 pass=0 fail=0

echo "TAP version 13"
result() {
	num=$((num + 1))
	case $1 in
	ok) pass=$((pass + 1)); echo "ok $num $2" ;;
	fail) fail=$((fail + 1)); echo "not ok $num $2" ;;
	esac
}

# Tags balance, one <svg> root, no stray '&' or '<' in text.
svg_ok() {
	awk '
	NR == 1 && !/^<\?xml / { bad = "no XML declaration" }
	{
		line = $0
		gsub(/<\?[^>]*\?>/, "", line)
		opens += gsub(/<[a-zA-Z]/, "&", line)
		selfc += gsub(/\/>/, "&", line)
		closes += gsub(/<\//, "&", line)
		if (line ~ /&[^a-z#]/ || line ~ /&[a-z]+[^a-z;]/) bad = "bad entity: " $0
		if ($0 ~ /^<svg /) roots++
	}
	END {
		if (roots != 1) bad = bad " roots=" roots
		if (opens - selfc != closes) bad = bad " unbalanced tags"
		if (bad != "") { print "svg: " bad; exit 1 }
	}' "$1"
}

# tcplab-pcap's capture: a pcap with nanosecond timestamps holding more
# than its header (the host's tests read such files with tshark).
pcap_ok() {
	[ "$(od -A n -t x1 -N 4 "$1" | tr -d ' ')" = 4d3cb2a1 ] &&
	[ "$(wc -c < "$1")" -gt 100 ] || { echo "pcap: $1 is not a capture"; return 1; }
}

# The test VM always has both: without them the image is broken.
[ -d /sys/module/tcplab ] || { echo "1..1"; echo "not ok 1 setup # tcplab not loaded"; exit 1; }
command -v tcplab-demo >/dev/null || { echo "1..1"; echo "not ok 1 setup # no tcplab-demo"; exit 1; }
msl=$(cat /sys/module/tcplab/parameters/msl_ms)

for s in tcp refused simopen simclose loss tls badcert; do
	x=$s
	[ $s = tls ] && x=tcp
	[ $s = badcert ] && x=
	d=$OUT/$s
	if tcplab-demo $s > /tmp/demo_test.out 2>&1 &&
	   tcplab-ladder-check ${x:+-x $x} -m "$msl" 8080 "$d/trace.txt" "$d/ladder.txt" &&
	   svg_ok "$d/ladder.svg" && pcap_ok "$d/capture.pcap" &&
	   # The recorder kept only tcplab's events.
	   ! grep -qv 'tcplab_' "$d/trace.txt"; then
		result ok "demo_$s"
	else
		sed 's/^/# /' /tmp/demo_test.out
		result fail "demo_$s"
	fi
done

# The loss scenario's trace has congestion-control events: a cc plot.
if grep -q tcplab_cc $OUT/loss/trace.txt 2>/dev/null && svg_ok $OUT/loss/cc.svg; then
	result ok ccplot
else
	echo "# no tcplab_cc events in the loss scenario's trace, or no valid cc.svg"
	result fail ccplot
fi

# The cc scenario (not part of "all"): a bulk transfer with Reno, then
# one with CUBIC, chosen with TCP_CONGESTION; their windows in one plot.
# A shorter transfer than the demo's keeps the test quick; the windows'
# shapes are random (1% loss), so only what must hold is checked: two
# client senders, the algorithms each asked for, a valid cc.svg.
if TCPLAB_DEMO_CC_BYTES=262144 tcplab-demo cc > /tmp/demo_test.out 2>&1 &&
   svg_ok $OUT/cc/cc.svg &&
   [ "$(grep -c '<text [^>]*class="title">sender 192\.0\.2\.1:' $OUT/cc/cc.svg)" -eq 2 ] &&
   grep -q 'class="title">sender [^<]*, reno (' $OUT/cc/cc.svg &&
   grep -q 'class="title">sender [^<]*, cubic (' $OUT/cc/cc.svg &&
   grep -q '^  from 192\.0\.2\.1:[0-9]*: reno, ' /tmp/demo_test.out &&
   grep -q '^  from 192\.0\.2\.1:[0-9]*: cubic, ' /tmp/demo_test.out; then
	result ok demo_cc
else
	sed 's/^/# /' /tmp/demo_test.out
	result fail demo_cc
fi

# tcplab-watch -1: the listener's line, columns found by name.
tcplab-demo-peer listen 8090 bye & srv=$!
i=0
until grep -q ':8090 .*LISTEN' /proc/net/tcplab || [ $i -ge 50 ]; do
	sleep 0.1; i=$((i + 1))
done
if tcplab-watch -1 --port 8090 > /tmp/watch.out &&
   head -n 1 /tmp/watch.out | grep -q '^local_address .*state .*tx_queue .*rx_queue' &&
   grep -q '^0.0.0.0:8090 .*LISTEN' /tmp/watch.out &&
   [ "$(grep -c ':' /tmp/watch.out)" -ge 1 ]; then
	result ok watch_once
else
	cat /tmp/watch.out | sed 's/^/# /'
	result fail watch_once
fi
kill $srv 2>/dev/null
wait $srv 2>/dev/null

# tcplab-bench -j: one rr measurement per TCP as one JSON object whose
# fields say what ran, and a positive rate (awk: no JSON parser here).
bench_json() {	# bench_json FAMILY
	tcplab-bench -j "$1" 127.0.0.1 rr > /tmp/bench.json 2> /tmp/bench.err &&
	[ "$(wc -l < /tmp/bench.json)" -eq 1 ] &&
	grep -q '^{"tool":"tcplab-bench","version":"[0-9.]*","test":"rr","family":"'"$1"'",' /tmp/bench.json &&
	grep -q '"address":"127.0.0.1","pinned":false,' /tmp/bench.json &&
	grep -q '"unit":"round-trips/s"}$' /tmp/bench.json &&
	awk 'match($0, /"value":[0-9.]+/) {
		v = substr($0, RSTART + 8, RLENGTH - 8); ok = v > 0
	} END { exit !ok }' /tmp/bench.json
}
for fam in inet tcplab; do
	if bench_json $fam; then
		sed 's/^/# /' /tmp/bench.json
		result ok bench_json_$fam
	else
		cat /tmp/bench.json /tmp/bench.err | sed 's/^/# /'
		result fail bench_json_$fam
	fi
done

echo "1..$num"
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ $fail -gt 0 ] && exit 1
exit 0
