#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh [SCENARIO[,SCENARIO...]]: what `make demo` runs (SCENARIO=...
# on make's command line does the same).  Boots the test VM on the first
# selected kernel (KERNELS narrows), loads tcplab, and runs
# scripts/guest/demo: in two network namespaces joined by a veth pair a
# server and a client talk over tcplab while tcplab-ladder records the
# module's tracepoints.  The guest prints its story and the ladder; the
# raw trace, the text ladder, the SVG (and cc.svg, certcheck.txt when the
# scenario makes them) come out of the VM over the second serial port
# between TCPLAB-FILE markers and are kept in build/demo/SCENARIO/.
# Scenarios: see scripts/guest/demo (tcp, tls, simopen, simclose,
# refused, loss, badcert, all).  Exit 1 when anything failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -gt 0 ] && SCENARIO=$1
export SCENARIO=${SCENARIO:-}
ver=$(kernels_selected "${KERNELS:-}" | head -n 1 | cut -d' ' -f2)
[ -n "$ver" ] || die "no installed kernel matches KERNELS='${KERNELS:-}'"
out=$BUILD/demo
mkdir -p "$out"
echo "tcplab demo${SCENARIO:+ ($SCENARIO)} on $ver (QEMU, ${ACCEL:-tcg})"
echo
start=$(date +%s)
status=0
"$TOP/scripts/vm.sh" demo "$ver" > "$out/guest.log" || status=1

# The story, without the files and the guest's framing.
sed -E '/^TCPLAB-FILE(64)?-BEGIN/,/^TCPLAB-FILE-END/d;/^TCPLAB-GUEST/d' "$out/guest.log"

# The files, each to build/demo/SCENARIO/NAME; binary ones (FILE64) come
# as base64 and are decoded here.
files=$(awk -v out="$out" '
/^TCPLAB-FILE(64)?-BEGIN / { f = out "/" $2; d = f; sub(/\/[^\/]*$/, "", d)
			system("mkdir -p \"" d "\"")
			if ($1 ~ /64/) { print f; f = f ".b64" } else print f
			printf "" > f; next }
/^TCPLAB-FILE-END/ { close(f); f = ""; next }
f != "" { print > f }' "$out/guest.log" | grep -v '^$' || true)
for f in $files; do
	[ -f "$f.b64" ] || continue
	base64 -d "$f.b64" > "$f" || { echo "demo: $f did not decode" >&2; status=1; }
	rm -f "$f.b64"
done

if [ -z "$files" ]; then
	echo "demo: no files came out of the VM; kernel log: $BUILD/vm/$ver/console.log" >&2
	exit 1
fi
echo "Files (copied out of the VM):"
for f in $files; do
	case $f in
	*/trace.txt) what="the raw tracepoint records" ;;
	*/ladder.txt) what="the ladder diagram above" ;;
	*/ladder.svg) what="the same diagram as SVG (open it in a browser)" ;;
	*/cc.svg) what="congestion window and RTO over time (tcplab-ccplot)" ;;
	*/certcheck.txt) what="the certificate checks of the TLS client" ;;
	*/capture.pcap) what="the frames on the client's veth (wireshark FILE)" ;;
	*/keylog.txt) what="the TLS secrets, for Wireshark (tls.keylog_file)" ;;
	*) what= ;;
	esac
	printf '  %-44s %s\n' "${f#$TOP/}" "$what"
	# The SVGs must be well-formed XML.
	if [[ $f == *.svg ]] && command -v python3 >/dev/null &&
	   ! python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$f"; then
		echo "demo: $f is not well-formed XML" >&2
		status=1
	fi
done
# Each capture as Wireshark's TCP analysis sees it: right checksums, and
# no retransmission where the scenario loses nothing.
for f in $files; do
	[[ $f == */capture.pcap ]] || continue
	how=
	[[ $f == */loss/* ]] && how=--lossy
	[[ $f == */simopen/* ]] && how=--simopen
	# The tls scenario: the records decrypt with the client's key log.
	[[ $f == */tls/* ]] && [ -f "${f%/*}/keylog.txt" ] &&
		how="--keylog ${f%/*}/keylog.txt"
	"$TOP/scripts/pcap-check.sh" $how "$f" | sed "s#^$TOP/#  #" || status=1
done
# Each capture drawn as a ladder as well (tcplab-ladder reads pcap files
# too): the connection as the wire saw it, states inferred, and the TLS
# messages of the handshake named, which the tracepoints do not carry.
ladder=$BUILD/userspace/tools/tcplab-ladder
for f in $files; do
	[[ $f == */capture.pcap ]] || continue
	d=${f%/*}
	if ! "$ladder" -o "$d/capture-ladder.svg" "$f" > "$d/capture-ladder.txt"; then
		echo "demo: tcplab-ladder could not draw $f" >&2
		status=1
		continue
	fi
	printf '  %-44s %s\n' "${d#$TOP/}/capture-ladder.txt" \
		"the capture drawn as a ladder (tcplab-ladder FILE.pcap; .svg too)"
	[[ $f == */tls/* ]] || continue
	echo
	echo "The TLS records on the wire, as the capture's ladder names them:"
	grep -o '\[TLS [^]]*\]' "$d/capture-ladder.txt" | head -n 12 | sed 's/^/  /'
	if ! grep -q 'ClientHello' "$d/capture-ladder.txt" ||
	   ! grep -q 'ServerHello' "$d/capture-ladder.txt"; then
		echo "demo: the capture's ladder names no ClientHello and ServerHello" >&2
		status=1
	fi
done
echo
echo "Took $(( $(date +%s) - start )) s."
if [ $status != 0 ]; then
	echo "demo: FAILED (see above; guest log $out/guest.log, kernel log $BUILD/vm/$ver/console.log)" >&2
	exit 1
fi
