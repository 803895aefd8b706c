#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# test_tools.sh: host tests of the teaching instruments (tcplab-ladder,
# tcplab-ccplot, tcplab-watch) on recorded traces: traces/tcp_echo.trace
# is a real `make demo` run; tls_echo.trace, keyupdate.trace and
# loss.trace are synthesized by traces/gen.py in the formats of
# module/trace.h.  The ladders are checked against the traces by
# ladder_check.sh (awk over the raw events), every SVG is parsed as XML.
# test_man.sh checks the manual pages in doc/man/ against the code,
# test_knobs.sh doc/knobs.md against Linux's list of TCP sysctls and the code,
# test_docs.sh that README.md stays short and links every page under doc/,
# and that no link in the documentation is dead;
# tcp_echo.pcap, simopen.pcap and tls_echo.pcap (with its key log),
# captures of `make demo` (tcplab-pcap, tcplab-tls --keylog), go through
# scripts/pcap-check.sh (tshark's TCP analysis and TLS decryption) and
# are drawn by tcplab-ladder --pcap, each arrow checked against tshark's
# reading of the same packet; pcapgen.py writes synthetic captures (TLS
# 1.2 records split and reordered, every link type the tool reads, IPv6)
# and hostile ones, which a build with AddressSanitizer and UBSan must
# refuse or skip without a fault.
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

# ---- tcplab-ladder --pcap ----

# arrows TEXT: one line per arrow of a text ladder, "> FLAGS seq=.." for
# left to right, "< ..." for right to left, then its note if any.
arrows() {
	python3 -c 'import re, sys
lines = open(sys.argv[1]).read().split("\n")
for i, l in enumerate(lines):
	m = re.search(r"([A-Z][A-Z,()a-z ]*|\(no flags\)) (seq=\d+( ack=\d+)?( len=\d+)?) ", l)
	if not m or not re.search(r"(-[-X ]*|lost|[<>])\s*$", l):
		continue
	note = lines[i + 1].strip() if i + 1 < len(lines) and lines[i + 1].strip().startswith("[") else ""
	print("<" if l.strip().startswith("<") else ">", m.group(1), m.group(2), note)' "$1"
}

# states TEXT: the left column's states, then the right column's.
states() {
	awk '/^[A-Z][A-Z0-9-]+$/ { l = l " " $1 }
	     /^ +[A-Z][A-Z0-9-]+$/ { r = r " " $1 }
	     END { print "L" l; print "R" r }' "$1"
}

# tshark_agrees PCAP PORT TEXT: every segment of PORT that tshark reads,
# in order, with its direction, flags and relative numbers, is an arrow
# of TEXT and there is no other.  Skipped (passes) without tshark.
tshark_agrees() {
	command -v tshark > /dev/null || { echo "no tshark: not cross-checked"; return 0; }
	tshark -n -r "$1" -Y "tcp.port == $2" -o tcp.relative_sequence_numbers:TRUE \
		-T fields -E separator=, -e tcp.srcport -e tcp.flags -e tcp.seq \
		-e tcp.ack -e tcp.len 2> /dev/null > "$w/tshark.csv" || return 1
	arrows "$3" > "$w/arrows.txt"
	python3 -c 'import re, sys
rows = [r.split(",") for r in open(sys.argv[1]).read().split("\n") if r]
arrows = [a for a in open(sys.argv[2]).read().split("\n") if a]
head = open(sys.argv[3]).readline().split()
left = int(head[0].rsplit(":", 1)[1])
names = [("SYN", 2), ("FIN", 1), ("RST", 4), ("PSH", 8), ("ACK", 16),
         ("URG", 32), ("ECE", 64), ("CWR", 128)]
want = []
for sport, fl, seq, ack, ln in rows:
	f = int(fl, 16)
	s = ",".join(n for n, b in names if f & b) or "(no flags)"
	lab = "%s %s seq=%s" % (">" if int(sport) == left else "<", s, seq)
	if f & 16:
		lab += " ack=" + ack
	if int(ln):
		lab += " len=" + ln
	want.append(lab)
got = [re.sub(r" \[.*$", "", a).strip() for a in arrows]
if got != want:
	print("tshark:", *want, sep="\n  ")
	print("ladder:", *got, sep="\n  ")
	sys.exit(1)
print(len(want), "segments agree with tshark")' "$w/tshark.csv" "$w/arrows.txt" "$3"
}

pcap_tcp() {
	f=$w/tcp_echo_pcap.txt
	"$bin/tcplab-ladder" --pcap "$tr/tcp_echo.pcap" -p 8080 -o "$w/tp.svg" > "$f" &&
	grep -qx '(states inferred from the capture)' "$f" &&
	arrows "$f" > "$w/a.txt" &&
	# The three-way handshake, relative to each ISN.
	head -n 3 "$w/a.txt" | tr '\n' '|' | grep -qx '> SYN seq=0 |< SYN,ACK seq=0 ack=1 |> ACK seq=1 ack=1 |' &&
	grep -qx '> PSH,ACK seq=1 ack=1 len=13 ' "$w/a.txt" &&
	grep -qx '< PSH,ACK seq=1 ack=14 len=13 ' "$w/a.txt" &&
	# The four-way close.
	tail -n 4 "$w/a.txt" | tr '\n' '|' | grep -qx '> FIN,ACK seq=14 ack=14 |< ACK seq=14 ack=15 |< FIN,ACK seq=14 ack=15 |> ACK seq=15 ack=15 |' &&
	! grep -q -e RETRANSMISSION -e lost -e TLS "$f" &&
	states "$f" > "$w/st.txt" &&
	grep -qx 'L SYN-SENT ESTABLISHED FIN-WAIT-1 FIN-WAIT-2 TIME-WAIT' "$w/st.txt" &&
	grep -qx 'R LISTEN SYN-RECEIVED ESTABLISHED CLOSE-WAIT LAST-ACK CLOSED' "$w/st.txt" &&
	# Each state right after the segment that caused it.
	grep -A1 'FIN,ACK seq=14 ack=14 ---' "$f" | grep -q ' CLOSE-WAIT$' &&
	grep -A1 'ACK seq=15 ack=15 ---' "$f" | grep -q ' CLOSED$' &&
	tshark_agrees "$tr/tcp_echo.pcap" 8080 "$f" &&
	xml_ok "$w/tp.svg" && grep -q 'states inferred from the capture' "$w/tp.svg" &&
	[ "$(grep -c 'class="seg' "$w/tp.svg")" = "$(wc -l < "$w/a.txt")" ] &&
	# Found by its first bytes too, from a file or a pipe (not seekable).
	"$bin/tcplab-ladder" -p 8080 "$tr/tcp_echo.pcap" | cmp -s - "$f" &&
	tail -c +1 "$tr/tcp_echo.pcap" | "$bin/tcplab-ladder" -p 8080 - | cmp -s - "$f" &&
	! "$bin/tcplab-ladder" --pcap "$tr/tcp_echo.pcap" -p 9 > /dev/null 2>&1 &&
	! "$bin/tcplab-ladder" --pcap "$tr/tcp_echo.trace" > /dev/null 2>&1
}

pcap_simopen() {
	f=$w/simopen_pcap.txt
	"$bin/tcplab-ladder" "$tr/simopen.pcap" > "$f" &&
	grep -q '(client too: simultaneous open)' "$f" &&
	states "$f" > "$w/st.txt" &&
	grep -qx 'L SYN-SENT SYN-RECEIVED ESTABLISHED FIN-WAIT-1 CLOSING TIME-WAIT' "$w/st.txt" &&
	grep -qx 'R SYN-SENT SYN-RECEIVED ESTABLISHED FIN-WAIT-1 CLOSING TIME-WAIT' "$w/st.txt" &&
	# Each SYN,ACK repeats its end's SYN: not a retransmission.
	! grep -q RETRANSMISSION "$f" &&
	tshark_agrees "$tr/simopen.pcap" 8080 "$f"
}

pcap_tls13() {
	f=$w/tls_pcap.txt
	"$bin/tcplab-ladder" -o "$w/tls.svg" "$tr/tls_echo.pcap" > "$f" &&
	arrows "$f" > "$w/a.txt" &&
	grep -qx '> PSH,ACK seq=1 ack=1 len=304 \[TLS ClientHello 299\]' "$w/a.txt" &&
	grep -qx '< PSH,ACK seq=1 ack=305 len=166 \[TLS ServerHello (TLS 1.3) 155; TLS ChangeCipherSpec 1\]' "$w/a.txt" &&
	grep -qx '< PSH,ACK seq=167 ack=305 len=1130 \[TLS encrypted handshake 29, 932, 96, 53\]' "$w/a.txt" &&
	grep -qx '> PSH,ACK seq=305 ack=1297 len=6 \[TLS ChangeCipherSpec 1\]' "$w/a.txt" &&
	grep -qx '> PSH,ACK seq=311 ack=1297 len=58 \[TLS encrypted handshake 53\]' "$w/a.txt" &&
	grep -qx '> PSH,ACK seq=369 ack=1297 len=36 \[TLS appdata 31\]' "$w/a.txt" &&
	grep -qx '< PSH,ACK seq=1297 ack=405 len=36 \[TLS appdata 31\]' "$w/a.txt" &&
	# TLS 1.3 encrypts its close_notify: only its outer type shows.
	grep -qx '> PSH,ACK seq=405 ack=1333 len=24 \[TLS appdata 19\]' "$w/a.txt" &&
	[ "$(grep -c TLS "$w/a.txt")" = 8 ] &&
	grep -q 'TLS ClientHello 299' "$w/tls.svg" && xml_ok "$w/tls.svg" &&
	tshark_agrees "$tr/tls_echo.pcap" 8080 "$f"
}

# The synthetic captures: one drawing whatever the link type or format.
pcap_tls12() {
	python3 "$here/pcapgen.py" "$w/gen" 100 &&
	"$bin/tcplab-ladder" --pcap "$w/gen/tls12.eth.pcap" > "$w/t12.txt" &&
	arrows "$w/t12.txt" | sed -n '/TLS/s/^\([<>]\).*\(\[.*\]\)$/\1 \2/p' > "$w/notes.txt" &&
	cat > "$w/want.txt" <<-'EOF' &&
	> [TLS ClientHello 104]
	< [TLS ServerHello (TLS 1.2)+Certificate 244]
	< [TLS record continues]
	< [RETRANSMISSION (resent)  TLS Certificate continued+ServerHelloDone 320]
	> [TLS ClientKeyExchange 70; TLS ChangeCipherSpec 1; TLS encrypted Finished 40]
	< [TLS ChangeCipherSpec 1; TLS encrypted Finished 40]
	> [TLS appdata 50]
	< [TLS appdata 50, 50]
	> [TLS encrypted alert 26]
	> [TLS ClientHello 64]
	< [TLS ServerHello (TLS 1.2)+Certificate+ServerHelloDone 352]
	> [TLS alert fatal bad_certificate]
	EOF
	diff "$w/want.txt" "$w/notes.txt" &&
	# The RST closes both ends.
	grep -A1 'RST,ACK' "$w/t12.txt" | tail -n 1 | grep -qx CLOSED &&
	grep -v ':8443$' "$w/t12.txt" > "$w/t12.body" &&
	for v in vlan ns be-ns raw sll sll2 null v6; do
		"$bin/tcplab-ladder" "$w/gen/tls12.$v.pcap" > "$w/t12.$v.txt" &&
		grep -v ':8443$' "$w/t12.$v.txt" > "$w/t12.$v.body" &&
		diff "$w/t12.body" "$w/t12.$v.body" ||
			{ echo "tls12.$v.pcap draws differently"; return 1; }
	done &&
	grep -q '^\[2001:db8::1\]:40000 .*\[2001:db8::2\]:8443$' "$w/t12.v6.txt"
}

# Hostile captures through a build with AddressSanitizer and UBSan: each
# refused (status 1, saying why) or its bad packets skipped, never a
# fault; then the mutated captures.
asan_run() {	# asan_run FILE: status 0 or 1 and no sanitizer report
	ASAN_OPTIONS=detect_leaks=0 "$w/asan/tools/tcplab-ladder" -o "$w/asan.svg" "$1" \
		> "$w/asan.out" 2> "$w/asan.err"
	rc=$?
	if [ $rc -gt 1 ] || grep -q -e Sanitizer -e 'runtime error' "$w/asan.err"; then
		echo "$1: status $rc"
		head -n 30 "$w/asan.err"
		return 2
	fi
	return $rc
}

refused() {	# refused NAME MESSAGE: hostile-NAME.pcap refused, saying MESSAGE
	asan_run "$g/hostile-$1.pcap"
	if [ $? != 1 ] || ! grep -q "$2" "$w/asan.err"; then
		echo "hostile-$1.pcap: not refused with '$2'"
		return 1
	fi
}

pcap_hostile() {
	[ -d "$w/gen" ] || python3 "$here/pcapgen.py" "$w/gen" 100 || return 1
	CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all" \
		make -s -C "$here/../../userspace" O="$w/asan" "$w/asan/tools/tcplab-ladder" || return 1
	g=$w/gen
	refused short 'too short for a pcap file' &&
	refused garbage 'the file is damaged' &&
	refused huge 'claims 300000 bytes' &&
	refused pcapng 'pcapng: convert it' &&
	# Bad headers skipped: the connection drawn as without them.
	asan_run "$g/hostile-headers.pcap" &&
	[ "$(arrows "$w/asan.out" | wc -l)" = 19 ] &&
	asan_run "$g/hostile-snaplen.pcap" && grep -q '4 packets longer than the snap length' "$w/asan.err" &&
	asan_run "$g/hostile-truncated.pcap" && grep -q 'cut short' "$w/asan.err" &&
	[ "$(arrows "$w/asan.out" | wc -l)" = 18 ] &&
	asan_run "$g/hostile-tls.pcap" && grep -q 'TLS alert 9 255' "$w/asan.out" &&
	grep -q 'TLS ClientHello 24' "$w/asan.out" &&
	! "$bin/tcplab-ladder" "$g/many.pcap" > /dev/null 2> "$w/many.err" &&
	grep -q 'more than 1000000 packets' "$w/many.err" || return 1
	for f in "$g"/fuzz-*.pcap "$g"/tls12.*.pcap; do
		asan_run "$f"
		[ $? -le 1 ] || return 1
	done
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
t ladder_pcap_tcp_echo pcap_tcp
t ladder_pcap_simopen_states pcap_simopen
t ladder_pcap_tls13_names pcap_tls13
t ladder_pcap_tls12_every_link_type pcap_tls12
t ladder_pcap_hostile_asan pcap_hostile
t ccplot_loss ccplot
t watch_columns_by_name watch_once
t watch_filters_json_rows watch_filters
t man_pages bash "$here/test_man.sh"
t knobs_mapped bash "$here/test_knobs.sh"
t docs_linked bash "$here/test_docs.sh"
t pcap_tcp_clean "$pc" "$tr/tcp_echo.pcap"
t pcap_simopen_synacks "$pc" --simopen "$tr/simopen.pcap"
t pcap_simopen_counts_retransmissions not "$pc" "$tr/simopen.pcap"
t pcap_bad_checksum_found bad_checksum
t pcap_tls_decrypts_with_keylog "$pc" --keylog "$tr/tls_echo.keylog" "$tr/tls_echo.pcap"
t pcap_tls_wrong_keylog_fails wrong_keylog
echo "1..$num"
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ $fail -eq 0 ]
