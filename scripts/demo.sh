#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh: what `make demo` runs.  Boots the test VM on the first selected
# kernel (KERNELS narrows), loads tcplab and runs the demo programs.
#
# Today tcplab is at its foundation stage: the demo shows the AF_TCPLAB
# family and /proc/net/tcplab.  The connection ladder (three-way handshake
# to TIME-WAIT, TLS records) arrives with the TCP stack; the demo will say
# so rather than pretend.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ver=$(kernels_selected "${KERNELS:-}" | head -n 1 | cut -d' ' -f2)
[ -n "$ver" ] || die "no installed kernel matches KERNELS='${KERNELS:-}'"
echo "tcplab demo on $ver (QEMU, ${ACCEL:-tcg})"
echo
"$TOP/scripts/vm.sh" demo "$ver" | sed '/^TCPLAB-GUEST/d'
cat <<'TXT'

Not yet in this demo: a real TCP connection and its ladder diagram (the
TCP state machine is being built; see README.md, "Status").
TXT
