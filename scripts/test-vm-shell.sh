#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test-vm-shell.sh [VERSION]: the host check "vmshell".  `make vm` as its
# user meets it, on the first selected stock kernel: the shell is fed a
# few commands on its console, as if typed, and this script checks
#   1. the banner (module loaded, the shared folder, three things to try);
#   2. the tools the banner names are on PATH;
#   3. a file the host put in the shared folder reads in the guest;
#   4. tcpdump sees tcplab's handshake on lo and writes the capture into
#      the shared folder, where the host finds it (tshark reads it);
#   5. a file the guest writes there reaches the host.
# The guest echoes what it is fed, so every checked line is one that
# only the command's result can print (the shell computes part of it).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ver=${1:-$(kernels_selected "${KERNELS:-}" | awk '$1 != "debug" { print $2; exit }')}
[ -n "$ver" ] || die "vmshell: no stock kernel selected"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcplab-vmshell.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
share=$tmp/share
mkdir "$share"
token=host-$$-$RANDOM
echo "$token" > "$share/in.txt"
fails=0
ok() { echo "vmshell: ok: $*"; }
bad() {
	echo "vmshell: FAIL: $*"
	fails=$((fails + 1))
}

TOOLS="tcplab-demo tcplab-watch tcplab-ladder tcplab-pcap tcplab-echo-server tcplab-echo-client tcpdump ss ip"
# The shell may lose the start of what was typed before it ran: the
# first two lines are there to be lost.
cat > "$tmp/input" <<CMDS
: the start of the input, before the shell reads it
: the start of the input, before the shell reads it
echo "R\$((40 + 2)) \$(cat /mnt/share/in.txt)"
for p in $TOOLS; do command -v \$p > /dev/null && echo "H\$((0 + 1)) \$p"; done
tcpdump -ni lo -c 3 -w /mnt/share/lo.pcap 'tcp port 7' 2> /tmp/td.err & sleep 2
tcplab-echo-server 7 1 & sleep 1; tcplab-echo-client 127.0.0.1 7 hello; wait
echo "T\$((1 + 1)) \$(cat /tmp/td.err | tr '\n' ' ')"
echo "guest-\$((6 * 7))" > /mnt/share/out.txt
exit
CMDS
echo "vmshell: booting $ver with make vm's shell, 6 commands on its console"
if ! VM_SHARE=$share timeout 600 "$TOP/scripts/vm.sh" shell "$ver" \
	< "$tmp/input" > "$tmp/out" 2>&1; then
	tail -n 40 "$tmp/out" | sed 's/^/  | /'
	echo "vmshell: FAIL: make vm's VM did not exit with status 0 (or ran for 600 s)"
	exit 1
fi
out=$(tr -d '\r' < "$tmp/out")

for w in "the module is loaded" "/mnt/share is the host's build/share/" \
	"Three things to try:" "tcplab-demo tcp" "tcplab-watch -1"; do
	grep -qF -- "$w" <<< "$out" || bad "the banner lacks '$w'"
done
[ $fails -eq 0 ] && ok "banner: module loaded, shared folder, three things to try"

missing=
for p in $TOOLS; do
	grep -qx "H1 $p" <<< "$out" || missing="$missing $p"
done
[ -z "$missing" ] && ok "on PATH: $TOOLS" || bad "not on PATH:$missing"

grep -qx "R42 $token" <<< "$out" && ok "the host's file reads in the guest's /mnt/share" ||
	bad "the guest did not read the host's in.txt (R42 $token)"

if [ -s "$share/lo.pcap" ] && command -v tshark > /dev/null; then
	syns=$(tshark -r "$share/lo.pcap" -Y 'tcp.flags.syn == 1' -T fields -e tcp.flags 2>/dev/null | wc -l)
	[ "$syns" -ge 2 ] && ok "tcpdump in the guest captured tcplab's SYN and SYN-ACK into the shared folder ($syns SYN segments)" ||
		bad "lo.pcap holds $syns SYN segments, not 2"
else
	bad "no lo.pcap from the guest's tcpdump in the shared folder ($(grep '^T2' <<< "$out" || true))"
fi

[ "$(cat "$share/out.txt" 2>/dev/null)" = guest-42 ] &&
	ok "a file the guest wrote is in the host's directory" ||
	bad "out.txt from the guest is missing or wrong: '$(cat "$share/out.txt" 2>/dev/null)'"

if [ $fails -gt 0 ]; then
	echo "vmshell: the console:"
	tail -n 60 <<< "$out" | sed 's/^/  | /'
	exit 1
fi
echo "vmshell: all checks passed"
