#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# vm.sh MODE VERSION
#   MODE check: boot, insmod, run the selftests, rmmod; print framed
#               results on stdout; fail if the kernel log shows trouble.
#   MODE demo:  boot, insmod, run the demo programs (make demo).
#   MODE shell: an interactive shell in the guest (make vm).
#   MODE bench: boot, insmod, run tcplab-bench-all (make bench); no
#               slub_debug, so both TCPs run at full speed.
#
# Environment: ACCEL=tcg (default; nested KVM hangs at boot on the
# machines we know) or kvm; MEM (MiB, default 1024); SMP (default 2);
# TESTS (comma list for the guest); ROUNDS (bench samples per row); PIN=1
# (bench: pin the two ends); VM_TIMEOUT (seconds, default 2400: the netem
# fault matrix alone takes ~12 min on 6.12).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mode=$1
ver=$2
vmdir=$BUILD/vm/$ver
mkdir -p "$vmdir"
kernel=/boot/vmlinuz-$ver
[ -r "$kernel" ] || die "no $kernel"

"$TOP/scripts/initramfs.sh" "$ver" "$vmdir/initramfs.cpio"

case "${ACCEL:-tcg}" in
tcg) accel=(-accel tcg -cpu max) ;;
kvm) accel=(-accel kvm -cpu host) ;;
*) die "ACCEL must be tcg or kvm" ;;
esac

qemu=(qemu-system-x86_64 "${accel[@]}" -m "${MEM:-1024}" -smp "${SMP:-2}"
	-nic none -no-reboot -display none -monitor none
	-device isa-debug-exit,iobase=0xf4,iosize=0x04
	-kernel "$kernel" -initrd "$vmdir/initramfs.cpio")
# loglevel=7 so WARNINGs and sanitizer reports reach the console;
# slub_debug catches slab overflows and use-after-free in our socket cache,
# kmalloc and skbs (all caches: +2 s of boot under TCG).
cmdline="console=ttyS0 loglevel=7 panic=-1 slub_debug=FZPU,TCPLAB,kmalloc-*,skbuff_*"

if [ "$mode" = shell ]; then
	exec "${qemu[@]}" -serial mon:stdio \
		-append "$cmdline quiet TCPLAB_MODE=shell"
fi

case "$mode" in check|demo|bench) ;; *) die "unknown mode $mode" ;; esac
[ "$mode" = bench ] && cmdline="console=ttyS0 loglevel=7 panic=-1"
console=$vmdir/console.log
results=$vmdir/results.log
cmdline="$cmdline TCPLAB_MODE=$mode"
[ -n "${TESTS:-}" ] && cmdline="$cmdline TCPLAB_TESTS=$TESTS"
[ -n "${SCENARIO:-}" ] && cmdline="$cmdline TCPLAB_SCENARIO=$SCENARIO"
[ -n "${ROUNDS:-}" ] && cmdline="$cmdline TCPLAB_BENCH_ROUNDS=$ROUNDS"
[ -n "${PIN:-}" ] && cmdline="$cmdline TCPLAB_BENCH_PIN=$PIN"

set +e
attempt=1
while :; do
	: > "$results"
	timeout -s KILL "${VM_TIMEOUT:-2400}" "${qemu[@]}" \
		-serial "file:$console" -serial "file:$results" \
		-append "$cmdline" </dev/null &
	qpid=$!
	tail -n +1 -f --pid=$qpid "$results" | tr -d '\r'
	wait $qpid
	qrc=$?
	# A guest that died while booting, before our init said a word, is
	# booted once more (under TCG the kernel has oopsed at ~3 s on an
	# int3 of its own jump-label patching); its console log is kept.
	# One that hung until VM_TIMEOUT killed it (137) is not.
	[ -s "$results" ] || [ $qrc -eq 137 ] || [ $attempt -ge 2 ] && break
	echo "# guest died while booting (qemu status $qrc), booting again;" \
		"its log: $console.boot$attempt"
	cp "$console" "$console.boot$attempt"
	attempt=$((attempt + 1))
done
set -e

if [ "$mode" = demo ] || [ "$mode" = bench ]; then
	grep -q '^TCPLAB-GUEST-DONE status=0' "$results" && exit 0
	echo "$mode failed (qemu status $qrc); kernel log: $console" >&2
	exit 1
fi

# Our verdicts on the run as a whole, in the same framed form.
if grep -q '^TCPLAB-GUEST-DONE' "$results" && [ $((qrc & 1)) -eq 1 ]; then
	echo "TCPLAB-CHECK ok guest-finished"
else
	echo "# guest did not finish (qemu status $qrc); last kernel messages:"
	tail -n 40 "$console" | sed 's/^/# /'
	echo "TCPLAB-CHECK not ok guest-finished"
fi
bad='BUG:|kernel BUG at|WARNING:|Oops|general protection fault|blocked for more than|refcount_t:|list_add corruption|list_del corruption|Redzone|Poison overwritten|Object padding|Kernel panic|UBSAN|KASAN|still has objects'
if grep -Eq "$bad" "$console"; then
	echo "# kernel log of $ver shows trouble:"
	grep -E -B2 -A20 "$bad" "$console" | head -n 80 | sed 's/^/# /'
	echo "TCPLAB-CHECK not ok kernel-log-clean"
else
	echo "TCPLAB-CHECK ok kernel-log-clean"
fi
