#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh: the whole test run behind `make check` (after `make all`).
#   1. host: unit tests of the sans-I/O core and a short fuzz run;
#   2. for each selected kernel (KERNELS, default all installed): boot the
#      test VM, load tcplab, run the selftests (TESTS narrows), unload,
#      and check the kernel log.
# Every result is framed (run-one.sh); summary.awk counts them and prints
# the final "N passed, N failed[, N skipped]" line.  Exit 1 on any failure.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

log=$BUILD/check.log
mkdir -p "$BUILD"
: > "$log"

# want NAME: is NAME selected by TESTS (empty = everything)?
want() {
	[ -z "${TESTS:-}" ] && return 0
	local w
	for w in ${TESTS//,/ }; do
		[ "$w" = "$1" ] && return 0
	done
	return 1
}

host_tests() {
	local t
	for t in $(make -s -C "$TOP/selftests/core" list-checks 2>/dev/null); do
		want "$t" || want core || continue
		"$TOP/scripts/run-one.sh" "host/$t" 900 make -s -C "$TOP/selftests/core" "$t"
	done
	# The instruments (tcplab-ladder, -ccplot, -watch) on recorded traces.
	if want tools; then
		"$TOP/scripts/run-one.sh" host/tools 120 "$TOP/selftests/tools/test_tools.sh"
	fi
}

guest_tests() {
	local series ver guest_tests=${TESTS:-}
	# Host-only names do not go to the guest.
	if [ -n "$guest_tests" ]; then
		guest_tests=$(echo "${guest_tests//,/ }" | tr ' ' '\n' |
			grep -vxF -f <(make -s -C "$TOP/selftests/core" list-checks 2>/dev/null; echo core; echo tools) |
			paste -sd, -)
		[ -n "$guest_tests" ] || return 0
	fi
	kernels_selected "${KERNELS:-}" | while read -r series ver; do
		echo "# ==== kernel $ver"
		TESTS=$guest_tests "$TOP/scripts/vm.sh" check "$ver" 2>&1 |
			sed -E "s#^TCPLAB-BEGIN #TCPLAB-BEGIN $series/#; s#^TCPLAB-CHECK (ok|not ok|skip) #TCPLAB-CHECK \1 $series/#" ||
			echo "TCPLAB-CHECK not ok $series/vm-runner"
	done
}

[ -n "$(kernels_selected "${KERNELS:-}")" ] ||
	die "no installed kernel matches KERNELS='${KERNELS:-}'"

{ host_tests; guest_tests; } 2>&1 | tee "$log"
echo
awk -f "$TOP/scripts/summary.awk" "$log"
