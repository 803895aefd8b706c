#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh: what `make demo` runs.  Boots the test VM on the first selected
# kernel (KERNELS narrows), loads tcplab, and in two network namespaces
# joined by a veth pair runs a tcplab echo server and client once (see
# scripts/guest/demo).  The tcplab tracepoints record the connection;
# tcplab-ladder draws it.  The raw trace and the drawing are kept in
# build/demo/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ver=$(kernels_selected "${KERNELS:-}" | head -n 1 | cut -d' ' -f2)
[ -n "$ver" ] || die "no installed kernel matches KERNELS='${KERNELS:-}'"
out=$BUILD/demo
mkdir -p "$out"
echo "tcplab demo on $ver (QEMU, ${ACCEL:-tcg})"
echo
if ! "$TOP/scripts/vm.sh" demo "$ver" > "$out/guest.log"; then
	cat "$out/guest.log"
	exit 1
fi
# The guest prints its story, then the raw trace between markers.
sed -n '/^TCPLAB-TRACE-BEGIN/q;/^TCPLAB-GUEST/d;p' "$out/guest.log"
sed -n '/^TCPLAB-TRACE-BEGIN/,/^TCPLAB-TRACE-END/{/^TCPLAB-TRACE/d;p}' \
	"$out/guest.log" > "$out/trace.txt"
"$BUILD/userspace/tools/tcplab-ladder" -p 8080 "$out/trace.txt" > "$out/ladder.txt"
cat <<TXT
Files:
  $out/trace.txt    the raw tracepoint records (tcplab_state, tcplab_segment_*)
  $out/ladder.txt   the diagram above

Not yet in this demo: TLS (the handshake helper and kernel record
encryption are being built); see README.md, "Status".
TXT
