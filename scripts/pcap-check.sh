#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# pcap-check.sh [--lossy|--simopen] [--keylog KEYLOG] FILE.pcap: what
# Wireshark's TCP analysis makes of a capture (tshark, the command-line
# Wireshark).
# Prints one line: frames, TCP segments, connections, and what the
# analysis flagged.  Fails when tshark cannot read the file, when it
# holds no TCP segment, when a TCP checksum is wrong (checked: Wireshark
# does not check by default), and, unless --lossy (a scenario that drops
# segments on purpose), when the analysis finds a retransmission, a lost
# segment or a duplicate ACK.  --simopen: in a simultaneous open each
# SYN,ACK repeats its end's SYN (RFC 9293 figure 7), which Wireshark
# calls a retransmission; those are counted apart.  --keylog: the TLS
# session's secrets (NSS key log, tcplab-tls --keylog); every TLS
# application-data record must then decrypt, in both directions, and the
# plaintext is printed.
set -euo pipefail

lossy=false simopen=false keylog=
while [ $# -gt 1 ]; do
	case "$1" in
	--lossy) lossy=true; shift ;;
	--simopen) simopen=true; shift ;;
	--keylog) keylog=$2; shift 2 ;;
	*) break ;;
	esac
done
[ $# = 1 ] || { echo "usage: pcap-check.sh [--lossy|--simopen] [--keylog KEYLOG] FILE.pcap" >&2; exit 2; }
f=$1
command -v tshark >/dev/null || { echo "pcap-check: no tshark (apt-get install tshark)" >&2; exit 1; }

# tshark warns on stderr when it runs as root; only its verdict counts.
fields=$(tshark -n -r "$f" -o tcp.check_checksum:TRUE -T fields -E separator=, \
	-e frame.number -e tcp.stream -e tcp.checksum.status \
	-e tcp.analysis.retransmission -e tcp.analysis.lost_segment \
	-e tcp.analysis.duplicate_ack -e tcp.flags.syn -e tcp.flags.ack 2>/dev/null) ||
	{ echo "pcap-check: tshark cannot read $f" >&2; exit 1; }

echo "$fields" | awk -F, -v f="$f" -v lossy="$lossy" -v simopen="$simopen" '
NF < 2 { next }
{ frames++ }
$2 != "" { tcp++; streams[$2] = 1 }
$3 == "0" { bad++; badlist = badlist " " $1 }	# 0: Bad, 1: Good, 2: unverified
$3 == "2" { unverified++ }
$4 != "" && simopen == "true" && $7 ~ /^(1|True)$/ && $8 ~ /^(1|True)$/ { synack++; next }
$4 != "" { rtx++ }
$5 != "" { lost++ }
$6 != "" { dup++ }
END {
	n = 0
	for (s in streams)
		n++
	printf "%s: %d frames, %d TCP segments in %d connection%s; checksums: %d bad, %d unverified; retransmissions %d, lost segments %d, duplicate ACKs %d%s\n",
	       f, frames, tcp, n, n == 1 ? "" : "s", bad, unverified, rtx, lost, dup,
	       simopen == "true" ? sprintf("; SYN,ACKs repeating a SYN %d", synack) : ""
	if (!tcp) {
		print "pcap-check: no TCP segment"
		exit 1
	}
	if (bad || unverified) {
		print "pcap-check: wrong or unchecked TCP checksums in frames" badlist
		exit 1
	}
	if (lossy != "true" && (rtx || lost || dup)) {
		print "pcap-check: retransmissions, lost segments or duplicate ACKs on a clean path"
		exit 1
	}
}'

[ -n "$keylog" ] || exit 0
# TLS: with the key log, Wireshark decrypts the records the kernel wrote.
# The server's port (where the first SYN went) is decoded as TLS whatever
# its number.  Each application-data record, and the decrypted bytes it
# carried.
port=$(tshark -n -r "$f" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' \
	-T fields -e tcp.dstport 2>/dev/null | head -n 1)
[ -n "$port" ] || { echo "pcap-check: no SYN in $f" >&2; exit 1; }
dec=$(tshark -n -r "$f" -d "tcp.port==$port,tls" -o "tls.keylog_file:$keylog" \
	-o data.show_as_text:TRUE \
	-Y 'tls.record.content_type == 23' -T fields -E separator=/t \
	-e ip.src -e data.text 2>/dev/null) ||
	{ echo "pcap-check: tshark cannot read $f with $keylog" >&2; exit 1; }
echo "$dec" | awk -F'\t' -v f="$f" '
NF < 1 || $1 == "" { next }
{ recs++; if ($2 != "") { ok++; from[$1]++; text = text sprintf(" %s: \"%s\";", $1, $2) } }
END {
	n = 0
	for (a in from)
		n++
	printf "%s: %d TLS application-data records, %d decrypted with the key log, from %d end%s;%s\n",
	       f, recs, ok, n, n == 1 ? "" : "s", text
	if (!recs || ok < recs || n < 2) {
		print "pcap-check: TLS records that the key log does not decrypt, or one direction without any"
		exit 1
	}
}'
