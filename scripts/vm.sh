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
# TESTS (comma list for the guest); VM_SHARE (shell: the host directory
# the guest sees as /mnt/share, default build/share); ROUNDS (bench samples per row); PIN=1
# (bench: pin the two ends); VM_TIMEOUT (seconds, default 2400: the netem
# fault matrix alone takes ~12 min on 6.12; 7200 in the full tier, 21600
# on the debug kernel).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mode=$1
ver=$2
vmdir=$BUILD/vm/$ver
mkdir -p "$vmdir"
kernel=$(kimage_for "$ver")
[ -r "$kernel" ] || die "no $kernel"
debug=false
is_debug_kernel "$ver" && debug=true

"$TOP/scripts/initramfs.sh" "$ver" "$vmdir/initramfs.cpio"

case "${ACCEL:-tcg}" in
tcg) accel=(-accel tcg -cpu max) ;;
kvm) accel=(-accel kvm -cpu host) ;;
*) die "ACCEL must be tcg or kvm" ;;
esac

# KASAN's shadow and kmemleak's object pool need more memory.
mem=${MEM:-1024}
$debug && mem=${MEM:-3072}
qemu=(qemu-system-x86_64 "${accel[@]}" -m "$mem" -smp "${SMP:-2}"
	-nic none -no-reboot -display none -monitor none
	-device isa-debug-exit,iobase=0xf4,iosize=0x04
	-kernel "$kernel" -initrd "$vmdir/initramfs.cpio")
# loglevel=7 so WARNINGs and sanitizer reports reach the console;
# slub_debug catches slab overflows and use-after-free in our socket cache,
# kmalloc and skbs (all caches: +2 s of boot under TCG).
cmdline="console=ttyS0 loglevel=7 panic=-1 slub_debug=FZPU,TCPLAB,kmalloc-*,skbuff_*"
# The debug kernel has KASAN and KFENCE for that, and slub_debug would
# only slow it down.
$debug && cmdline="console=ttyS0 loglevel=7 panic=-1"

if [ "$mode" = shell ]; then
	# build/share/ is the guest's /mnt/share: QEMU shows the directory
	# as a FAT disk (vvfat), which every kernel here can mount, needs no
	# daemon and no root; what the guest writes there is written back.
	share=${VM_SHARE:-$BUILD/share}
	mkdir -p "$share"
	set +e
	"${qemu[@]}" -serial mon:stdio \
		-drive "if=none,id=share,format=raw,file=fat:rw:$share" \
		-device virtio-blk-pci,drive=share \
		-append "$cmdline quiet TCPLAB_MODE=shell"
	qrc=$?
	# The guest leaves through isa-debug-exit: (status << 1) | 1.
	[ $qrc -eq 1 ] && exit 0
	[ $((qrc & 1)) -eq 1 ] && exit $((qrc >> 1))
	exit $qrc
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
[ -n "${TIER:-}" ] && cmdline="$cmdline TCPLAB_TIER=$TIER"
[ -n "${CALIBRATE:-}" ] && cmdline="$cmdline TCPLAB_CALIBRATE=$CALIBRATE"
# stress_test's fuzzer: replay a seed, or fuzz for another length.
[ -n "${TCPLAB_FUZZ_SEED:-}" ] && cmdline="$cmdline TCPLAB_FUZZ_SEED=$TCPLAB_FUZZ_SEED"
[ -n "${TCPLAB_FUZZ_SECONDS:-}" ] &&
	cmdline="$cmdline TCPLAB_FUZZ_SECONDS=$TCPLAB_FUZZ_SECONDS"
# wire_script_test: only these scripts; every segment as it comes.
[ -n "${WIRE_SCRIPT:-}" ] && cmdline="$cmdline WIRE_SCRIPT=$WIRE_SCRIPT"
[ -n "${WIRE_SCRIPT_VERBOSE:-}" ] &&
	cmdline="$cmdline WIRE_SCRIPT_VERBOSE=$WIRE_SCRIPT_VERBOSE"
# A whole run on the debug kernel takes hours under TCG; its programs have
# their own (scaled) limits, so the outer one only catches a hung guest.
vm_timeout=${VM_TIMEOUT:-2400}
# The full tier's soaks and matrices outlast 2400 s on one kernel.
[ "${TIER:-}" = full ] && vm_timeout=${VM_TIMEOUT:-7200}
$debug && vm_timeout=${VM_TIMEOUT:-21600}

set +e
attempt=1
while :; do
	: > "$results"
	timeout -s KILL "$vm_timeout" "${qemu[@]}" \
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
if [ $attempt -gt 1 ]; then
	echo "# this run needed a second boot: the first guest died while booting"
	echo "TCPLAB-CHECK ok guest-booted-on-retry"
fi
# The guest's own verdict (its init's status: insmod, run-tests, drain,
# rmmod, kmemleak) reaches us twice: as the marker line and as QEMU's exit
# status ((code << 1) | 1 from isa-debug-exit).  Both must say 0.
gstatus=$(tr -d '\r' < "$results" | sed -n 's/^TCPLAB-GUEST-DONE status=//p' | tail -n 1)
if [ -z "$gstatus" ] || [ $((qrc & 1)) -ne 1 ]; then
	echo "# guest did not finish (qemu status $qrc); last kernel messages:"
	tail -n 40 "$console" | sed 's/^/# /'
	echo "TCPLAB-CHECK not ok guest-finished"
elif [ "$gstatus" != 0 ] || [ $((qrc >> 1)) -ne 0 ]; then
	echo "# guest finished with status $gstatus (qemu status $qrc)"
	echo "TCPLAB-CHECK not ok guest-status"
else
	echo "TCPLAB-CHECK ok guest-status"
fi
# Reports of the kernel's detectors (and of slub_debug on the stock
# kernels).  The first report is printed whole: it is usually the cause.
bad='BUG:|kernel BUG at|WARNING:|Oops|general protection fault|blocked for more than|refcount_t:|list_add corruption|list_del corruption|Redzone|Poison overwritten|Object padding|Kernel panic|UBSAN|KASAN|KFENCE|still has objects'
bad="$bad"'|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage'
bad="$bad"'|sleeping function called from invalid context|ODEBUG|new suspected memory leak'
bad="$bad"'|rcu_(sched|preempt) (self-)?detected stall|detected stalls on CPU|rcu: INFO:'
bad="$bad"'|unregister_netdevice: waiting|page allocation failure|invoked oom-killer|Out of memory'
logs=$console
[ -f "$console.boot1" ] && [ $attempt -gt 1 ] && logs="$console.boot1 $console"
clean=true
for log in $logs; do
	first=$(grep -nE "$bad" "$log" | head -n 1 | cut -d: -f1) || true
	[ -n "$first" ] || continue
	clean=false
	echo "# kernel log of $ver shows trouble ($(grep -cE "$bad" "$log") lines match; $log):"
	# From two lines before the first match to the end of that report:
	# the next "end trace" or sanitizer rule, at most 150 lines.
	awk -v from=$((first > 2 ? first - 2 : 1)) 'NR >= from {
		print "# " $0; n++
		if (NR > from + 2 && ($0 ~ /end trace|^[^ ]*\] ={20,}$/ || n >= 150)) exit
	}' "$log"
done
if $clean; then
	echo "TCPLAB-CHECK ok kernel-log-clean"
else
	echo "TCPLAB-CHECK not ok kernel-log-clean"
fi
