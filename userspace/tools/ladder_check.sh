#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ladder_check.sh [-x SCENARIO] [-m MSL_MS] PORT TRACE LADDER
#
# Checks a ladder diagram against the trace it was drawn from, with
# nothing but awk reading the raw tracepoint lines (so a bug in
# tcplab-ladder cannot hide itself):
#   1. from TRACE: the connection with PORT (client = sender of the first
#      SYN), each end's state changes in order, and every segment in
#      order as "C:flags" (client to server) or "S:flags";
#   2. the text LADDER shows exactly those segments (direction and flags)
#      and those states, in the left and right column, in that order;
#   3. with -x, the trace itself tells the textbook story of SCENARIO:
#      tcp       three-way handshake (acknowledging ISN + 1 each way),
#                four-way close, both ends' RFC 9293 state paths, and
#                (with -m) a TIME-WAIT of at least 2 * MSL;
#      refused   SYN answered by RST: SYN-SENT -> CLOSED;
#      simopen   both ends SYN-SENT -> SYN-RECEIVED -> ESTABLISHED;
#      simclose  both ends FIN-WAIT-1 -> CLOSING -> TIME-WAIT;
#      loss      a data segment sent twice, the first copy never seen
#                by the receiver, the ladder marking both.
# POSIX sh and awk (busybox in the test VM).  Exit 0 if all hold; else
# prints what differs and exits 1.
x='' msl=0
while [ $# -gt 3 ]; do
	case $1 in
	-x) x=$2; shift 2 ;;
	-m) msl=$2; shift 2 ;;
	*) break ;;
	esac
done
[ $# -eq 3 ] || { echo "usage: $0 [-x SCENARIO] [-m MSL_MS] PORT TRACE LADDER" >&2; exit 2; }
port=$1 trace=$2 ladder=$3

facts=$(awk -v port="$port" '
function tuple(i) { return $(i + 1) " " $(i + 2) }
function pt(a) { sub(/.*:/, "", a); return a }
{
	for (i = 1; i <= NF; i++)
		if ($i ~ /^tcplab_[a-z_]+:$/) break
	if (i > NF) next
	ev = $i; sub(/:$/, "", ev)
	ts = $(i - 1); sub(/:$/, "", ts)
	loc = $(i + 2); rem = $(i + 3)
	if (ev == "tcplab_segment_out" && !client && $(i + 4) == "[S]" &&
	    (pt(loc) == port || pt(rem) == port)) {
		client = loc; server = rem
	}
	n++; E[n] = ev; L[n] = loc; R[n] = rem; T[n] = ts
	F[n] = $(i + 4); SQ[n] = $(i + 5); AK[n] = $(i + 6); LN[n] = $(i + 8)
	TO[n] = $(i + 6)
}
END {
	if (!client) { print "ERR no SYN for port " port " in the trace"; exit }
	for (k = 1; k <= n; k++)
		if (E[k] == "tcplab_segment_out" && L[k] == server) straced = 1
	for (k = 1; k <= n; k++) {
		c2s = L[k] == client && R[k] == server
		s2c = L[k] == server && R[k] == client
		if (E[k] == "tcplab_state") {
			if (c2s) { cs = cs " " TO[k]; if (TO[k] == "TIME-WAIT") tw = T[k]
				   if (TO[k] == "CLOSED" && tw != "") twlen = T[k] - tw }
			else if (s2c) ss = ss " " TO[k]
			else if (R[k] == "0.0.0.0:0" && pt(L[k]) == pt(server) &&
				 TO[k] == "LISTEN" && ss == "") ss = " LISTEN"
			continue
		}
		f = F[k]; gsub(/[][]/, "", f)
		if (E[k] == "tcplab_segment_out" && c2s) { segs = segs " C:" f; who = "C" }
		else if (E[k] == "tcplab_segment_out" && s2c) { segs = segs " S:" f; who = "S" }
		else if (E[k] == "tcplab_segment_in" && c2s && !straced) { segs = segs " S:" f; who = "S" }
		else continue
		sq = SQ[k]; sub(/seq=/, "", sq); ak = AK[k]; sub(/ack=/, "", ak)
		ln = LN[k]; sub(/len=/, "", ln)
		if (f == "S" && who == "C") ciss = sq
		if (f == "S." && who == "S") { siss = sq; synack_ack = ak }
		if (f == "." && who == "C" && hs_ack == "" && siss != "") hs_ack = ak
		key = who ":" sq ":" ln
		if (E[k] == "tcplab_segment_out" && ln > 0 && (key in sent)) resent++
		sent[key] = 1
	}
	# Sent but never seen by the traced receiver.
	for (k = 1; k <= n; k++) {
		if (E[k] != "tcplab_segment_out" || LN[k] == "len=0") continue
		if (!((L[k] == client && R[k] == server) || (L[k] == server && R[k] == client))) continue
		seen = 0
		for (j = k + 1; j <= n && !seen; j++) {
			same = SQ[j] == SQ[k] && LN[j] == LN[k]
			if (E[j] == "tcplab_segment_out" && L[j] == L[k] && same) break
			if (E[j] == "tcplab_segment_in" && R[j] == L[k] && same) seen = 1
		}
		if (!seen) lost++
	}
	print "CSTATES" cs; print "SSTATES" ss; print "SEGS" segs
	print "HS " (synack_ack + 0 == ciss + 1 && hs_ack + 0 == siss + 1 ? 1 : 0)
	print "TIMEWAIT " (twlen == "" ? -1 : twlen)
	print "RESENT " resent + 0; print "LOST " lost + 0
}' "$trace")

get() { echo "$facts" | sed -n "s/^$1 *//p"; }
fail=0
bad() { echo "ladder_check: $*"; fail=1; }
case $facts in ERR*) echo "ladder_check: ${facts#ERR }"; exit 1 ;; esac

# What the ladder shows.
shown=$(awk '
/^ *=== / || /^ *\* / || /^\* / || /:  [0-9.]+ s later/ { next }
/^[^ ].*[0-9]:[0-9]+ / { next }
/-[-X ]*$/ || / lost$/ || /[<>]$/ || /<-/ || /->/ {
	if (!match($0, /[A-Z][A-Z,()a-z ]* seq=/)) next
	names = substr($0, RSTART, RLENGTH - 5)
	f = ""
	n = split(names, w, ",")
	for (i = 1; i <= n; i++)
		f = f (w[i] == "SYN" ? "S" : w[i] == "FIN" ? "F" : w[i] == "RST" ? "R" : \
		       w[i] == "PSH" ? "P" : w[i] == "ACK" ? "." : w[i] == "URG" ? "U" : \
		       w[i] == "ECE" ? "E" : w[i] == "CWR" ? "W" : "")
	segs = segs " " ($0 ~ /<-/ ? "S:" : "C:") f
	next
}
/^[A-Z][A-Z0-9-]+$/ { cs = cs " " $1; next }
/^ +[A-Z][A-Z0-9-]+$/ { ss = ss " " $1; next }
END { print "CSTATES" cs; print "SSTATES" ss; print "SEGS" segs }' "$ladder")
lget() { echo "$shown" | sed -n "s/^$1 *//p"; }

for k in CSTATES SSTATES SEGS; do
	[ "$(get $k)" = "$(lget $k)" ] ||
		bad "$k: trace says '$(get $k)', ladder shows '$(lget $k)'"
done

case $x in
"") ;;
tcp)
	[ "$(get CSTATES)" = "SYN-SENT ESTABLISHED FIN-WAIT-1 FIN-WAIT-2 TIME-WAIT CLOSED" ] ||
		bad "client path: $(get CSTATES)"
	[ "$(get SSTATES)" = "LISTEN SYN-RECEIVED ESTABLISHED CLOSE-WAIT LAST-ACK CLOSED" ] ||
		bad "server path: $(get SSTATES)"
	case " $(get SEGS) " in
	" C:S S:S. C:. "*" C:F. S:. S:F. C:. ") ;;
	*) bad "segments: $(get SEGS)" ;;
	esac
	[ "$(get HS)" = 1 ] || bad "handshake acknowledgments are not ISN + 1"
	if [ "$msl" -gt 0 ]; then
		awk -v t="$(get TIMEWAIT)" -v m="$msl" 'BEGIN { exit !(t >= 2 * m / 1000 * 0.95) }' ||
			bad "TIME-WAIT lasted $(get TIMEWAIT) s, not 2 * MSL = $((2 * msl)) ms"
	fi
	[ "$(get RESENT)" = 0 ] && [ "$(get LOST)" = 0 ] ||
		bad "retransmissions or losses on a clean link"
	;;
refused)
	[ "$(get CSTATES)" = "SYN-SENT CLOSED" ] || bad "client path: $(get CSTATES)"
	case "$(get SEGS)" in
	"C:S S:R"*) ;;
	*) bad "segments: $(get SEGS)" ;;
	esac
	;;
simopen)
	for k in CSTATES SSTATES; do
		echo " $(get $k) " | grep -q " SYN-SENT SYN-RECEIVED .*ESTABLISHED " ||
			bad "$k $(get $k): not a simultaneous open"
	done
	;;
simclose)
	for k in CSTATES SSTATES; do
		echo " $(get $k) " | grep -q " FIN-WAIT-1 CLOSING TIME-WAIT CLOSED " ||
			bad "$k $(get $k): not a simultaneous close"
	done
	;;
loss)
	[ "$(get RESENT)" -ge 1 ] || bad "no segment was sent twice"
	[ "$(get LOST)" -ge 1 ] || bad "no segment went missing"
	grep -q RETRANSMISSION "$ladder" || bad "the ladder marks no retransmission"
	grep -q ' lost$' "$ladder" || bad "the ladder marks no lost segment"
	;;
*) bad "unknown scenario $x" ;;
esac
[ $fail -eq 0 ] && echo "ladder_check: $trace: $(get SEGS | wc -w) segments, states and order match${x:+, scenario $x holds}"
exit $fail
