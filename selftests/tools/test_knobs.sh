#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_knobs.sh: doc/knobs.md maps every Linux net.ipv4.tcp_* sysctl to
# tcplab, and says what the code does.  The knobs are those of Linux's
# Documentation/networking/ip-sysctl.rst ("tcp_xxx - TYPE" lines), which
# scripts/deps.sh extracts into build/ksft/ from Debian's linux-source.
# Checks:
#   1. the table has exactly one row per knob of ip-sysctl.rst, in that
#      file's order, and the page names no net.ipv4.tcp_* knob that
#      ip-sysctl.rst lacks;
#   2. every row's tcplab column is one of read, own, fixed, none;
#   3. the rows marked read are exactly the knobs module/*.c reads
#      (net->ipv4.sysctl_tcp_*, with Linux's few field names that differ
#      from the knob's, as sysctls() of test_man.sh maps them);
#   4. every net.tcplab.X the page names is registered in module/sysctl.c
#      (a string in TCPLAB_KNOB_ENTRY(...) or .procname = "X"), every module
#      parameter `X` an own row names exists (module_param*() in
#      module/*.c), and every own row names at least one of them;
#   5. the page's "Count: R read, O own, F fixed, N none" line adds up.
# Environment: BUILD (default: the repository's build/), KSFT_DIR
# (default $BUILD/ksft) holds ip-sysctl.rst; DOC overrides the page.
# Prints what is wrong; exit 0 if all holds, else 1.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-$top/build}
rst=${KSFT_DIR:-$BUILD/ksft}/ip-sysctl.rst
doc=${DOC:-$top/doc/knobs.md}
mod=$top/module
fail=0

if [ ! -f "$rst" ]; then
	echo "test_knobs: $rst is missing (scripts/deps.sh extracts it from Debian's linux-source)"
	exit 1
fi
if [ ! -f "$doc" ]; then
	echo "test_knobs: $doc is missing"
	exit 1
fi

# problem MESSAGE LIST: report LIST (words, one per line) if not empty.
problem() {
	local msg=$1 list=$2
	[ -n "$list" ] || return 0
	echo "test_knobs: $msg: $(tr '\n' ' ' <<< "$list" | sed 's/ $//')"
	fail=1
}

# The knobs ip-sysctl.rst documents, in its order.
knobs=$(grep -oE '^tcp_[a-z0-9_]+ - ' "$rst" | sed 's/ - $//' || true)
if [ -z "$knobs" ]; then
	echo "test_knobs: no tcp_* knob found in $rst"
	exit 1
fi

# The table's rows: "knob tcplab-word", in the page's order.  A row is a
# line whose first cell names net.ipv4.tcp_*; the word loses ` and *.
rows=$(awk -F'|' '
	$2 ~ /^[[:space:]`]*net\.ipv4\.tcp_[a-z0-9_]+[[:space:]`]*$/ {
		k = $2; gsub(/[[:space:]`]/, "", k); sub(/^net\.ipv4\./, "", k)
		w = $3; gsub(/[[:space:]`*]/, "", w)
		print k, (w == "" ? "-" : w)
	}' "$doc")
row_knobs=$(awk '{ print $1 }' <<< "$rows")

# 1. one row per knob, nothing else, in order.
problem "no row in $(basename "$doc") for" \
	"$(comm -23 <(sort -u <<< "$knobs") <(sort -u <<< "$row_knobs"))"
problem "rows for knobs ip-sysctl.rst does not have" \
	"$(comm -13 <(sort -u <<< "$knobs") <(sort -u <<< "$row_knobs"))"
problem "knobs with more than one row" "$(sort <<< "$row_knobs" | uniq -d)"
mentioned=$(grep -oE 'net\.ipv4\.tcp_[a-z0-9_]+' "$doc" | sed 's/^net\.ipv4\.//' | sort -u || true)
problem "the page names knobs ip-sysctl.rst does not have" \
	"$(comm -13 <(sort -u <<< "$knobs") <(echo "$mentioned"))"
if [ $fail -eq 0 ] && [ "$knobs" != "$row_knobs" ]; then
	problem "rows not in ip-sysctl.rst's order, first difference at" \
		"$(diff <(echo "$knobs") <(echo "$row_knobs") | grep -m1 -E '^[<>]' | cut -c3-)"
fi

# 2. the tcplab column.
problem "rows whose tcplab column is not read, own, fixed or none" \
	"$(awk 'NF && $2 !~ /^(read|own|fixed|none)$/ { print $1 "=" $2 }' <<< "$rows")"

# 3. read rows = the knobs the module reads.  Linux's field names:
# ipv4.sysctl_tcp_X is tcp_X, except sysctl_max_syn_backlog,
# tcp_death_row.sysctl_max_tw_buckets and tcp_congestion_control; tcp_mem
# and tcp_max_orphans are the globals sysctl_tcp_mem, sysctl_tcp_max_orphans.
module_reads() {
	grep -ohE 'ipv4\.(sysctl_tcp_[a-z0-9_]+|sysctl_max_syn_backlog|tcp_death_row\.sysctl_max_tw_buckets|tcp_congestion_control)|\<sysctl_tcp_(mem|max_orphans)\>' \
		"$mod"/*.c |
		sed -E 's/^ipv4\.//; s/^tcp_death_row\.//; s/^sysctl_max_/tcp_max_/; s/^sysctl_tcp_/tcp_/' |
		sort -u
}
reads=$(module_reads || true)
if [ -z "$reads" ]; then
	echo "test_knobs: extraction of the sysctls module/*.c reads found nothing"
	fail=1
fi
marked=$(awk '$2 == "read" { print $1 }' <<< "$rows" | sort -u)
problem "read by module/*.c but not marked read" "$(comm -23 <(echo "$reads") <(echo "$marked"))"
problem "marked read but not read by module/*.c" "$(comm -13 <(echo "$reads") <(echo "$marked"))"

# 4. tcplab's own settings.
procnames=$(grep -ohE 'TCPLAB_KNOB_ENTRY\([^)]*"[a-z0-9_]+"|\.procname[[:space:]]*=[[:space:]]*"[a-z0-9_]+"' \
		"$mod/sysctl.c" 2> /dev/null | grep -oE '"[a-z0-9_]+"' | tr -d '"' | sort -u || true)
params=$(grep -ohE 'module_param[a-z_]*\([[:space:]]*[A-Za-z0-9_]+' "$mod"/*.c |
	 sed -E 's/.*\([[:space:]]*//' | sort -u || true)
named=$(grep -oE 'net\.tcplab\.[a-z0-9_]+' "$doc" | sed 's/^net\.tcplab\.//' | sort -u || true)
problem "net.tcplab settings that module/sysctl.c does not register" \
	"$(comm -23 <(echo "$named") <(echo "$procnames"))"
own_lines=$(awk -F'|' '
	$2 ~ /net\.ipv4\.tcp_/ {
		w = $3; gsub(/[[:space:]`*]/, "", w)
		if (w == "own") { k = $2; gsub(/[[:space:]`]/, "", k); print k "|" $4 }
	}' "$doc")
bad_param='' no_setting=''
while IFS='|' read -r k notes; do
	[ -n "$k" ] || continue
	found=0
	grep -qE 'net\.tcplab\.[a-z0-9_]+' <<< "$notes" && found=1
	# shellcheck disable=SC2016 # the backquotes are Markdown's
	for p in $(grep -oE 'parameter `[a-z0-9_]+`' <<< "$notes" | grep -oE '`[a-z0-9_]+`' | tr -d '`'); do
		if grep -qx "$p" <<< "$params"; then
			found=1
		else
			bad_param="$bad_param ${k#net.ipv4.}:$p"
		fi
	done
	[ $found -eq 1 ] || no_setting="$no_setting ${k#net.ipv4.}"
done <<< "$own_lines"
problem "own rows naming a module parameter the module lacks" "$(xargs -n1 <<< "$bad_param")"
problem "own rows naming neither a net.tcplab sysctl nor a module parameter" \
	"$(xargs -n1 <<< "$no_setting")"

# 5. the page's own count line, "Count: R read, O own, F fixed, N none".
counts=$(awk '{ c[$2]++ } END { printf "%d read, %d own, %d fixed, %d none", c["read"], c["own"], c["fixed"], c["none"] }' <<< "$rows")
said=$(grep -oE '^Count: [0-9]+ read, [0-9]+ own, [0-9]+ fixed, [0-9]+ none' "$doc" | sed 's/^Count: //' || true)
if [ "$said" != "$counts" ]; then
	echo "test_knobs: the page's \"Count:\" line says \"${said:-nothing}\", the table has $counts"
	fail=1
fi

if [ $fail -ne 0 ]; then
	echo "test_knobs: FAILED"
	exit 1
fi
n=$(wc -l <<< "$knobs")
echo "test_knobs: $counts"
echo "test_knobs: $n knobs, all mapped"
