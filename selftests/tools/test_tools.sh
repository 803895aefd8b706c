#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# test_tools.sh: host tests of the teaching instruments (tcplab-ladder,
# tcplab-ccplot, tcplab-watch) on recorded traces: traces/tcp_echo.trace
# is a real `make demo` run; tls_echo.trace, keyupdate.trace and
# loss.trace are written by traces/gen.py in the formats of
# module/trace.h for the events that no merged code emits yet.  The ladders are checked against the traces by
# ladder_check.sh (awk over the raw events), every SVG is parsed as XML.
# test_man.sh checks the manual pages in doc/man/ against the code;
# tcp_echo.pcap, simopen.pcap and tls_echo.pcap (with its key log),
# captures of `make demo` (tcplab-pcap, tcplab-tls --keylog), go through
# scripts/pcap-check.sh (tshark's TCP analysis and TLS decryption).
# TAP output; exit 0 pass, 1 fail.
here=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:-$here/../../build}
bin=$BUILD/userspace/tools
tr=$here/traces
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
num=0 fail=0 pass=0

echo "TAP version 13"
ok() { num=$((num + 1)); pass=$((pass + 1)); echo "ok $num $1"; }
notok() { num=$((num + 1)); fail=$((fail + 1)); echo "not ok $num $1"; }
t() {	# t NAME COMMAND...: one test, its output shown on failure
	name=$1
	shift
	if "$@" > "$w/out" 2>&1; then ok "$name"; else sed 's/^/# /' "$w/out"; notok "$name"; fi
}

xml_ok() {	# xml_ok FILE: well-formed XML, root <svg>
	python3 -c 'import sys, xml.etree.ElementTree as E
r = E.parse(sys.argv[1]).getroot()
sys.exit(0 if r.tag == "{http://www.w3.org/2000/svg}svg" else 1)' "$1"
}

ladder_case() {	# ladder_case TRACE PORT SCENARIO
	"$bin/tcplab-ladder" -p "$2" -o "$w/$1.svg" "$tr/$1.trace" > "$w/$1.txt" &&
	sh "$here/../../userspace/tools/ladder_check.sh" -x "$3" -m 1000 "$2" "$tr/$1.trace" "$w/$1.txt" &&
	xml_ok "$w/$1.svg" &&
	# One SVG arrow per text arrow.
	[ "$(grep -c 'class="seg' "$w/$1.svg")" = "$(grep -cE ' seq=[0-9]+' "$w/$1.txt")" ]
}

tls_phases() {
	f=$w/tls_echo.txt
	hs=$(grep -n 'TLS handshake in user space' "$f" | cut -d: -f1)
	key=$(grep -n 'kernel TLS send key: TLS 1.3 AES-128-GCM' "$f" | head -n 1 | cut -d: -f1)
	enc=$(grep -n 'encrypted application data' "$f" | cut -d: -f1)
	[ -n "$hs" ] && [ -n "$key" ] && [ -n "$enc" ] &&
		[ "$hs" -lt "$key" ] && [ "$key" -lt "$enc" ] || return 1
	# Each record is written under the segment holding its header.
	grep -A1 'seq=582 ack=1201 len=35' "$f" | grep -q 'TLS appdata 13' &&
	grep -A1 'seq=1201 ack=617 len=35' "$f" | grep -q 'TLS appdata 13' &&
	grep -A1 'seq=617 ack=1236 len=24' "$f" | grep -q 'TLS alert 2' &&
	[ "$(grep -c 'TLS appdata' "$f")" = 2 ] &&
	grep -q 'TLS appdata 13' "$w/tls_echo.svg"
}

# scripts/pcap-check.sh on captures of `make demo` (tcplab-pcap).
pc=$here/../../scripts/pcap-check.sh
not() { ! "$@"; }
bad_checksum() {	# one payload byte flipped: tshark must call it bad
	python3 -c 'import sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.find(b"hello")
d[i] ^= 0xff
open(sys.argv[2], "wb").write(d)' "$tr/tcp_echo.pcap" "$w/bad.pcap" &&
	! "$pc" "$w/bad.pcap" > "$w/bad.out" &&
	grep -q 'wrong or unchecked TCP checksums' "$w/bad.out"
}

wrong_keylog() {	# every secret zeroed: nothing may decrypt
	sed 's/ [0-9a-f]*$/ '"$(printf '0%.0s' $(seq 64))"'/' "$tr/tls_echo.keylog" > "$w/zero.keylog" &&
	! "$pc" --keylog "$w/zero.keylog" "$tr/tls_echo.pcap" > "$w/zero.out" &&
	grep -q 'does not decrypt' "$w/zero.out"
}

# ss's and watch's conventions: state filters, -l, JSON, bad numbers
# refused, and no limit on the rows.
watch_filters() {
	"$bin/tcplab-watch" -1 -l --file "$tr/proc_net_tcplab.sample" > "$w/l.txt" &&
	[ "$(wc -l < "$w/l.txt")" = 2 ] && grep -q ' LISTEN ' "$w/l.txt" &&
	"$bin/tcplab-watch" -1 --state syn-sent --state ESTABLISHED \
		--file "$tr/proc_net_tcplab.sample" > "$w/s.txt" &&
	[ "$(wc -l < "$w/s.txt")" = 3 ] && ! grep -q ' LISTEN ' "$w/s.txt" &&
	"$bin/tcplab-watch" -j --state ESTABLISHED --file "$tr/proc_net_tcplab.sample" > "$w/j.json" &&
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
s = d["sockets"]
assert len(s) == 1 and s[0]["state"] == "ESTABLISHED", s
assert s[0]["cwnd"] == 14600 and s[0]["tls_tx"] == "TLS1.3", s[0]
assert d["counters"] == {}' "$w/j.json" &&
	! "$bin/tcplab-watch" -1 --port 70000 --file "$tr/proc_net_tcplab.sample" 2> /dev/null &&
	! "$bin/tcplab-watch" -n 0 -1 --file "$tr/proc_net_tcplab.sample" 2> /dev/null &&
	{ head -n 1 "$tr/proc_net_tcplab.sample"
	  for i in $(seq 1000 1999); do
		echo "192.0.2.1:$i 192.0.2.2:80 ESTABLISHED 0 0 0 $i 1 1 1 1 1 1 1 1 1 - -"
	  done; } > "$w/many.sample" &&
	[ "$("$bin/tcplab-watch" -1 --file "$w/many.sample" | wc -l)" = 1001 ]
}

several() {
	cat "$tr/tcp_echo.trace" "$tr/loss.trace" > "$w/both.trace"
	"$bin/tcplab-ladder" -o "$w/both.svg" "$w/both.trace" > "$w/both.txt" &&
	grep -q '^connection 2 of 2$' "$w/both.txt" && xml_ok "$w/both.svg" &&
	"$bin/tcplab-ladder" -p 9000 "$w/both.trace" > "$w/one.txt" &&
	! grep -q '^connection' "$w/one.txt" && grep -q '192.0.2.2:9000' "$w/one.txt" &&
	! grep -q ':8080' "$w/one.txt" &&
	sh "$here/../../userspace/tools/ladder_check.sh" -x loss 9000 "$w/both.trace" "$w/one.txt" &&
	! "$bin/tcplab-ladder" -p 1234 "$w/both.trace" > /dev/null 2>&1
}

ccplot() {
	"$bin/tcplab-ccplot" -o "$w/cc.svg" "$tr/loss.trace" > "$w/cc.txt" &&
	xml_ok "$w/cc.svg" &&
	# The timeout row: cwnd one segment, ssthresh half the flight, RTO doubled.
	grep -Eq '^ +[0-9.]+ rto +1000 +5500 +1000 +4\.0 +2000\.0 ' "$w/cc.txt" &&
	grep -q 'retransmit *seq=1001 len=1000 (rto)' "$w/cc.txt" &&
	grep -Eq '^ +[0-9.]+ init +10000 +inf ' "$w/cc.txt" &&
	grep -q 'class="cwnd"' "$w/cc.svg" &&
	! "$bin/tcplab-ccplot" "$tr/tcp_echo.trace" > /dev/null 2>&1 &&
	! "$bin/tcplab-ccplot" -p 0 "$tr/loss.trace" > /dev/null 2>&1 &&
	# -j: the same timeout row and retransmission, as JSON.
	"$bin/tcplab-ccplot" -j "$tr/loss.trace" > "$w/cc.json" &&
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
ev = d["senders"][0]["events"]
assert ev[0]["event"] == "init" and ev[0]["ssthresh"] is None, ev[0]
rto = [e for e in ev if e["event"] == "rto"]
assert rto and rto[0]["cwnd"] == 1000 and rto[0]["ssthresh"] == 5500 and rto[0]["rto_us"] == 2000000, rto
rx = [e for e in ev if e["event"] == "retransmit"]
assert rx and rx[0]["seq"] == 1001 and rx[0]["kind"] == "rto", rx' "$w/cc.json"
}

watch_once() {
	"$bin/tcplab-watch" -1 --file "$tr/proc_net_tcplab.sample" > "$w/watch.txt" &&
	head -n 1 "$w/watch.txt" | grep -q 'state .*cwnd .*ssthresh .*srtt_us .*rto_us .*tls_tx .*tls_rx' &&
	! head -n 1 "$w/watch.txt" | grep -qw inode &&
	grep -q '^192.0.2.2:8080 .*ESTABLISHED .* 14600 .*TLS1.3' "$w/watch.txt" &&
	[ "$(wc -l < "$w/watch.txt")" = 4 ] &&
	"$bin/tcplab-watch" -1 -e --port 9000 --file "$tr/proc_net_tcplab.sample" > "$w/w2.txt" &&
	head -n 1 "$w/w2.txt" | grep -qw inode && [ "$(wc -l < "$w/w2.txt")" = 2 ] &&
	grep -q SYN-SENT "$w/w2.txt"
}

# The trace names a handshake record KeyUpdate when a rekey follows it.
trace_keyupdate() {
	"$bin/tcplab-ladder" "$tr/keyupdate.trace" > "$w/ku.txt" &&
	grep -A1 'seq=582 ack=1201 len=27' "$w/ku.txt" | grep -q '\[TLS KeyUpdate 5\]' &&
	grep -A1 'seq=1201 ack=609 len=82' "$w/ku.txt" | grep -q '\[TLS handshake 60\]' &&
	[ "$(grep -c KeyUpdate "$w/ku.txt")" = 3 ]
}

t ladder_tcp_echo ladder_case tcp_echo 8080 tcp
t ladder_loss ladder_case loss 9000 loss
t ladder_tls ladder_case tls_echo 8443 tcp
t ladder_tls_phases_records tls_phases
t ladder_several_connections several
t ladder_keyupdate_named trace_keyupdate
t ccplot_loss ccplot
t watch_columns_by_name watch_once
t watch_filters_json_rows watch_filters
t man_pages bash "$here/test_man.sh"
t pcap_tcp_clean "$pc" "$tr/tcp_echo.pcap"
t pcap_simopen_synacks "$pc" --simopen "$tr/simopen.pcap"
t pcap_simopen_counts_retransmissions not "$pc" "$tr/simopen.pcap"
t pcap_bad_checksum_found bad_checksum
t pcap_tls_decrypts_with_keylog "$pc" --keylog "$tr/tls_echo.keylog" "$tr/tls_echo.pcap"
t pcap_tls_wrong_keylog_fails wrong_keylog
echo "1..$num"
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ $fail -eq 0 ]
