#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh: the whole test run behind `make check` (after `make all`).
#   1. host: unit tests of the sans-I/O core and a short fuzz run;
#   2. for each selected kernel (KERNELS, default all installed; "debug"
#      for the debug kernel): boot the test VM, load tcplab, run the
#      selftests (TESTS narrows), unload, and check the kernel log.
# Every result is framed (run-one.sh); summary.awk counts them and prints
# the final "TIER: N passed, N failed[, N skipped]" line.  Exit 1 on any
# failure, on a program that should have run and did not, and on a skip
# that selftests/skips.txt does not allow.
#
# TIER=check (the default, CI's), full (also the programs and lengths
# selftests/Makefile puts in the full tier) or debug (the debug kernel:
# `make check-debug`; program limits scaled by a measured factor).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

tier=${TIER:-check}
log=$BUILD/check${TIER:+-$TIER}.log
expected=$BUILD/check${TIER:+-$TIER}.expected
list=$BUILD/selftests-install/kselftest-list.txt
mkdir -p "$BUILD"
: > "$log"
: > "$expected"
[ -s "$list" ] || die "no test list $list (make selftests)"

# want NAME: is NAME selected by TESTS (empty = everything)?
want() {
	[ -z "${TESTS:-}" ] && return 0
	local w
	for w in ${TESTS//,/ }; do
		[ "$w" = "$1" ] && return 0
	done
	return 1
}

host_checks() {
	make -s -C "$TOP/selftests/core" list-checks 2>/dev/null
}

# The host's programs (unit tests, fuzzing, the instruments' tests).
host_selected() {
	local t
	# The debug tier is about the kernel: the host's tests are the same
	# as in `make check`.
	[ "$tier" = debug ] && return 0
	for t in $(host_checks); do
		want "$t" || want core && echo "$t"
	done
	want tools && echo tools
	want harness && echo harness
	want install && echo install
	want vmshell && echo vmshell
	want labs && echo labs
}

# The guest's programs on one kernel series, as frame names.
guest_selected() {
	local series=$1 coll prog tiers
	while IFS=: read -r coll prog; do
		[ -n "$prog" ] || continue
		want "$coll" || want "$prog" || want "$coll:$prog" || continue
		tiers=$BUILD/selftests-install/tiers.txt
		if grep -qx "$prog debug" "$tiers"; then
			[ "$tier" = debug ] || continue
		elif [ "$tier" != full ]; then
			if grep -qx "$prog full" "$tiers"; then
				continue
			fi
			# run-tests skips these on 6.1 too (selftests/Makefile).
			if [ "$series" = 6.1 ] && grep -qx "$prog full-6.1" "$tiers"; then
				continue
			fi
		fi
		echo "$series/$coll/$prog"
	done < "$list"
}

host_tests() {
	local t
	# Longer fuzzing in the full tier.
	[ "$tier" = full ] && export FUZZ_TIME=${FUZZ_TIME:-300}
	for t in $(host_selected); do
		if [ "$t" = tools ]; then
			# The instruments (tcplab-ladder, -ccplot, -watch) on recorded traces.
			"$TOP/scripts/run-one.sh" host/tools 120 "$TOP/selftests/tools/test_tools.sh"
		elif [ "$t" = harness ]; then
			# The selftests' harness runs a teardown after a failed ASSERT.
			"$TOP/scripts/run-one.sh" host/harness 120 make -s -C "$TOP/selftests" harness-check
		elif [ "$t" = install ]; then
			# make install into a scratch tree, the shared library, DKMS.
			"$TOP/scripts/run-one.sh" host/install 900 "$TOP/scripts/test-install.sh"
		elif [ "$t" = labs ]; then
			# Each lab's skeleton builds and fails its checks, the reference passes.
			"$TOP/scripts/run-one.sh" host/labs 600 "$TOP/scripts/lab.sh" selftest
		elif [ "$t" = vmshell ]; then
			# make vm's shell: banner, tools, the shared folder.
			"$TOP/scripts/run-one.sh" host/vmshell 700 "$TOP/scripts/test-vm-shell.sh"
		else
			"$TOP/scripts/run-one.sh" "host/$t" 1800 make -s -C "$TOP/selftests/core" "$t"
		fi
	done
}

guest_tests() {
	local series ver guest_tests=${TESTS:-}
	# Host-only names do not go to the guest.
	if [ -n "$guest_tests" ]; then
		guest_tests=$(echo "${guest_tests//,/ }" | tr ' ' '\n' |
			grep -vxF -f <(printf '%s\n' $(host_checks) core tools harness install vmshell labs) |
			paste -sd, -)
		[ -n "$guest_tests" ] || return 0
	fi
	kernels_selected "$kernels" | while read -r series ver; do
		echo "# ==== kernel $ver"
		calibrate=
		if [ "$series" = debug ] && ! calibrate=$(calibration); then
			echo "TCPLAB-CHECK not ok $series/time-factor"
			continue
		fi
		TIER=$tier CALIBRATE=$calibrate TESTS=$guest_tests \
			"$TOP/scripts/vm.sh" check "$ver" 2>&1 |
			sed -E "s#^TCPLAB-(BEGIN|END) #TCPLAB-\1 $series/#; s#^TCPLAB-CHECK (ok|not ok|skip) #TCPLAB-CHECK \1 $series/#" ||
			echo "TCPLAB-CHECK not ok $series/vm-runner"
	done
}

# The debug kernel's time factor: how long the calibration program takes
# on the stock kernel of the same series, in a boot of its own; the debug
# guest runs it first and scales every limit by the ratio (run-tests).
CALIBRATION_PROG=conn_test
calibration() {
	local ref secs
	ref=$(kernels_selected 6.12 | head -n 1 | cut -d' ' -f2)
	[ -n "$ref" ] || die "the debug kernel's time factor needs the stock 6.12 kernel"
	secs=$(TESTS=$CALIBRATION_PROG "$TOP/scripts/vm.sh" check "$ref" 2>&1 |
		sed -n "s#^TCPLAB-END .*/$CALIBRATION_PROG rc=0 (\([0-9]*\) s)#\1#p")
	[ -n "$secs" ] || die "calibration: $CALIBRATION_PROG did not pass on $ref"
	[ "$secs" -ge 1 ] || secs=1
	echo "# calibration: $CALIBRATION_PROG took $secs s on $ref" >&2
	echo "$CALIBRATION_PROG:$secs"
}

kernels=${KERNELS:-}
[ "$tier" = debug ] && kernels=debug
[ -n "$(kernels_selected "$kernels")" ] ||
	die "no kernel matches KERNELS='$kernels'"

# What must run: every selected host check and, on every kernel, every
# selected guest program.  A TESTS word that selects nothing is an error.
host_selected | sed 's#^#host/#' >> "$expected"
kernels_selected "$kernels" | while read -r series ver; do
	guest_selected "$series"
done >> "$expected"
for w in ${TESTS//,/ }; do
	case " $(host_checks) core tools harness install vmshell labs " in *" $w "*) continue ;; esac
	grep -qE "^$w:|:$w\$|^$w\$" "$list" ||
		die "TESTS: '$w' names no test program (host: $(host_checks | xargs) core tools harness install vmshell labs; guest: see $list)"
done
[ -s "$expected" ] || die "TESTS='${TESTS:-}' selects no test program"
echo "# $tier: $(wc -l < "$expected") programs to run"

{ host_tests; guest_tests; } 2>&1 | tee "$log"
echo
awk -v tier="$tier" -f "$TOP/scripts/summary.awk" "$expected" \
	"$TOP/selftests/skips.txt" "$log"
