#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_man.sh: the manual pages in doc/man/ are well-formed and say what
# the code does.  For every page:
#   1. `mandoc -T lint -W warning` reports nothing, and man-db renders it
#      (MANWIDTH=80 man --warnings -l) without a warning on stderr;
#   2. the names the code defines appear in the page that documents them:
#      tcplab.7: every module parameter (module_param*() in module/*.c),
#        every TCP_*/SO_*/TLS_*/IP_* option that a setsockopt/getsockopt
#        handler of the module names (case labels and "optname ==" in the
#        functions that take an optname), every counter of
#        /proc/net/tcplab_stats, every tracepoint of module/trace.h and
#        every Linux sysctl the module reads; and, the other way round,
#        every option the page lists under "Socket options" is handled;
#      a tool's page: every option (short and long) and every keyword
#        argument its source accepts;
#      libtcplab-tls.3: every function and result of tcplab_tls.h.
# Prints one line per page and what is missing; exit 0 if all hold, else 1.
# The name lists are split into words on purpose: a name is one word.
# shellcheck disable=SC2046,SC2013
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
mandir=$top/doc/man
mod=$top/module
tools=$top/userspace/tools
fail=0

for cmd in mandoc man; do
	if ! command -v "$cmd" > /dev/null; then
		echo "test_man: $cmd is not installed (scripts/deps.sh installs mandoc and man-db)"
		exit 1
	fi
done

# The page's text with the roff escapes that hide names undone.
page_text() {
	sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\f(..//g' \
	    -e 's/\\&//g' -e 's/\\(dq/"/g' -e 's/\\~/ /g' "$1"
}

# missing PAGE NAME...: the NAMEs that PAGE does not mention as a word.
missing() {
	local page=$1 n text
	shift
	text=$(page_text "$mandir/$page")
	for n in "$@"; do
		grep -qE -- "(^|[^A-Za-z0-9_-])$n([^A-Za-z0-9_-]|$)" <<< "$text" ||
			printf ' %s' "$n"
	done
}

# names WHAT NAME...: one word per name, sorted; fails when the list is
# empty (the extraction no longer matches the code).
names() {
	local what=$1
	shift
	if [ $# -eq 0 ]; then
		echo "extraction of $what found nothing" >&2
		return 1
	fi
	printf '%s\n' "$@" | sort -u
}

# ---- what the code defines ----

# module_param(name, ...), module_param_named(name, ...), _cb(name, ...)
params() {
	grep -ohE 'module_param[a-z_]*\([[:space:]]*[A-Za-z0-9_]+' "$mod"/*.c |
		sed -E 's/.*\([[:space:]]*//'
}

# The bodies of the functions that take an optname, then their case
# labels and comparisons.
sockopts() {
	awk '
	/^[A-Za-z].*\(/ && !/;[[:space:]]*$/ { body = ""; infn = 1 }
	infn { body = body "\n" $0 }
	infn && /^}/ { if (body ~ /optname/) print body; infn = 0 }
	' "$mod"/*.c |
		grep -oE '(case[[:space:]]+|optname[[:space:]]*==[[:space:]]*)(TCP|SO|TLS|IP)_[A-Z0-9_]+' |
		grep -oE '(TCP|SO|TLS|IP)_[A-Z0-9_]+'
}

# "Name: value" lines of /proc/net/tcplab_stats: the MIB name table and
# the lines printed directly.
counters() {
	grep -ohE '\[TCPLAB_MIB_[A-Z0-9_]+\][[:space:]]*=[[:space:]]*"[A-Za-z0-9]+"' "$mod"/*.c |
		grep -oE '"[A-Za-z0-9]+"' | tr -d '"'
	grep -ohE 'seq_printf\(seq, "[A-Za-z0-9]+: %' "$mod"/*.c |
		sed -E 's/.*"([A-Za-z0-9]+): %/\1/'
}

tracepoints() {
	grep -ohE '^TRACE_EVENT\([a-z0-9_]+' "$mod/trace.h" | sed 's/.*(//'
	grep -ohE '^DEFINE_EVENT\([a-z0-9_]+,[[:space:]]*[a-z0-9_]+' "$mod/trace.h" |
		sed -E 's/.*,[[:space:]]*//'
}

# net->ipv4.sysctl_X and net->core.sysctl_X: the page names them as
# net.ipv4.X or net.core.X (sysctl_max_syn_backlog is tcp_max_syn_backlog).
sysctls() {
	grep -ohE '(ipv4|core)\.sysctl_[a-z0-9_]+' "$mod"/*.c |
		sed -E 's/.*\.sysctl_//; s/^max_syn_backlog$/tcp_max_syn_backlog/'
}

# tcplab's own sysctls: the procnames of module/sysctl.c.
own_sysctls() {
	grep -ohE '(TCPLAB_KNOB_ENTRY\(|\.procname[[:space:]]*= )"[a-z_]+"' "$mod/sysctl.c" |
		sed -E 's/.*"([a-z_]+)"/\1/'
}

# The TCP_/TLS_/SO_/IP_ names that tcplab.7 lists as items under "Socket options".
documented_sockopts() {
	awk '
	/^\.S[SH]/ { in_opts = ($0 ~ /Socket options/) }
	in_opts && prev == ".TP" { print }
	{ prev = $0 }
	' "$mandir/tcplab.7" | grep -oE '(TCP|TLS|SO|IP)_[A-Z0-9_]+'
}

# A tool's options: getopt strings, struct option names, and the words
# compared with argv (options and keyword arguments).
tool_words() {
	local src=$1 s
	for s in $(grep -ohE 'getopt(_long)?\([^"]*"[^"]*"' "$src" | sed -E 's/.*"([^"]*)"/\1/'); do
		grep -oE '[A-Za-z0-9]' <<< "${s//[+:]/}" | sed 's/^/-/'
	done
	grep -ohE '\{[[:space:]]*"[a-z0-9-]+",[[:space:]]*(no|required|optional)_argument' "$src" |
		sed -E 's/\{[[:space:]]*"([^"]*)".*/--\1/'
	grep -ohE 'strcmp\(argv\[[^]]*\], "[^"]+"\)' "$src" |
		sed -E 's/.*"([^"]+)"\)/\1/'
}

# A shell script's options: case patterns such as "-x)".
script_opts() {
	grep -oE '^[[:space:]]*-[A-Za-z]\)' "$1" | tr -d ' \t)'
}

lib_words() {
	grep -oE '\btcplab_tls_[a-z_]+\(' "$1" | tr -d '('
	grep -oE '\bTCPLAB_TLS_[A-Z0-9_]+\b' "$1" | grep -v '^TCPLAB_TLS_H$'
}

# ---- checks ----

# check PAGE LABEL LIST: report the entries of LIST that PAGE lacks.
check() {
	local page=$1 label=$2 list=$3 miss
	# shellcheck disable=SC2086
	miss=$(missing "$page" $list)
	if [ -n "$miss" ]; then
		echo "  $page: $label not documented:$miss"
		return 1
	fi
}

lint() {
	local p=$1 out
	out=$(mandoc -T lint -W warning "$p" 2>&1) || true
	if [ -n "$out" ]; then
		echo "  mandoc:"
		sed 's/^/    /' <<< "$out"
		return 1
	fi
	out=$(MANWIDTH=80 man --warnings -l "$p" 2>&1 > /dev/null) || {
		echo "  man -l failed: $out"
		return 1
	}
	if [ -n "$out" ]; then
		echo "  man --warnings:"
		sed 's/^/    /' <<< "$out"
		return 1
	fi
}

declare -A tool_src=(
	[tcplab-tls.1]=$tools/tcplab_tls.c
	[tcplab-ladder.1]=$tools/ladder.c
	[tcplab-ccplot.1]=$tools/ccplot.c
	[tcplab-bench.1]=$tools/tcplab_bench.c
	[tcplab-watch.8]=$tools/watch.c
	[tcplab-pcap.8]=$tools/pcap.c
)
expected="tcplab.7 libtcplab-tls.3 ${!tool_src[*]}"

for page in $expected; do
	if [ ! -f "$mandir/$page" ]; then
		echo "FAIL $page: missing from doc/man/"
		fail=1
	fi
done

n=0
for p in "$mandir"/*.[1-8]; do
	page=$(basename "$p")
	n=$((n + 1))
	ok=0
	what="lint clean"
	lint "$p" || ok=1
	case $page in
	tcplab.7)
		P=$(names parameters $(params)) &&
		O=$(names "socket options" $(sockopts)) &&
		C=$(names counters $(counters)) &&
		T=$(names tracepoints $(tracepoints)) &&
		S=$(names sysctls $(sysctls)) &&
		N=$(names "tcplab sysctls" $(own_sysctls)) || { ok=1; P='' O='' C='' T='' S='' N=''; }
		check "$page" "module parameters" "$P" || ok=1
		check "$page" "socket options" "$O" || ok=1
		check "$page" "counters" "$C" || ok=1
		check "$page" "tracepoints" "$T" || ok=1
		check "$page" "sysctls" "$S" || ok=1
		check "$page" "tcplab sysctls" "$N" || ok=1
		extra=$(comm -13 <(echo "$O") <(documented_sockopts | sort -u))
		if [ -n "$extra" ]; then
			echo "  $page: listed under Socket options but not handled by the module: $(tr '\n' ' ' <<< "$extra")"
			ok=1
		fi
		what="$what, $(wc -w <<< "$P") parameters, $(wc -w <<< "$O") options, $(wc -w <<< "$C") counters, $(wc -w <<< "$T") tracepoints, $(wc -w <<< "$S") sysctls, $(wc -w <<< "$N") of tcplab's own"
		;;
	libtcplab-tls.3)
		L=$(names "library names" $(lib_words "$top/userspace/tls/tcplab_tls.h")) || ok=1
		check "$page" "functions and results" "$L" || ok=1
		what="$what, $(wc -w <<< "$L") functions and results"
		;;
	*)
		src=${tool_src[$page]:-}
		if [ -z "$src" ]; then
			echo "  $page: no source known for it in test_man.sh"
			ok=1
		else
			W=$(names "options of $(basename "$src")" $(tool_words "$src")) || ok=1
			check "$page" "options or arguments of $(basename "$src")" "$W" || ok=1
			what="$what, $(wc -w <<< "$W") options and arguments"
			if [ "$page" = tcplab-ladder.1 ]; then
				X=$(names "options of ladder_check.sh" $(script_opts "$tools/ladder_check.sh")) || ok=1
				check "$page" "options of ladder_check.sh" "$X" || ok=1
			fi
		fi
		;;
	esac
	if [ $ok -eq 0 ]; then
		echo "ok   $page: $what"
	else
		echo "FAIL $page"
		fail=1
	fi
done

if [ "$n" -lt 7 ]; then
	echo "FAIL: $n pages in doc/man/, expected at least 7"
	fail=1
fi
echo "test_man: $n pages checked, $([ $fail -eq 0 ] && echo all good || echo FAILED)"
exit $fail
