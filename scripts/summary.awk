# SPDX-License-Identifier: GPL-2.0
#
# Count test results from framed output (see run-one.sh) and print the
# final line "TIER: N passed, N failed[, N skipped]".
#
#   awk -v tier=check -f summary.awk EXPECTED SKIPS LOG
#
# EXPECTED lists, one a line, every frame that must appear in LOG
# ("host/check", "6.12/tcplab/conn_test"): one that never began, or began
# and never ended (the program or its guest died), is a failure.
# SKIPS is selftests/skips.txt: "KERNEL PROGRAM TEST REASON", the only
# skips allowed; any other skip counts as a failure.  KERNEL is a series
# (6.1, 6.12; the debug kernel, series "debug", takes the 6.12 lines) or
# "*"; TEST a shell pattern over the test's name, "*" also covering a
# program that skipped as a whole.
#
# Inside a frame, a kselftest harness program ends with
#   # Totals: pass:P fail:F xfail:X xpass:XP skip:S error:E
# and each of its TEST()s counts.  A program without that line (a shell
# test, or one that crashed) counts as one test by its exit status:
# 0 passed, 4 (KSFT_SKIP) skipped, anything else failed.  A program whose
# totals show no failure but that exited non-zero still adds one failure.
# Lines "TCPLAB-CHECK ok|not ok|skip NAME" are single checks made by the
# runners themselves (module load, unload, clean kernel log...).
function reset_frame() {
	in_frame = 0; have_totals = 0; fpass = ffail = fskip = 0; bad_skips = 0
}
function glob2re(g) {
	gsub(/[.+^$(){}|\[\]\\]/, "\\\\&", g)
	gsub(/\*/, ".*", g)
	gsub(/\?/, ".", g)
	return "^" g "$"
}
function fail_name(n) { failed_names = failed_names " " n }
# The allow-list entry that covers a skip, or 0.
function allowed(name, test,    series, prog, n, parts, i) {
	n = split(name, parts, "/")
	series = parts[1]; prog = parts[n]
	for (i = 1; i <= nallow; i++) {
		if (a_kernel[i] != "*" && a_kernel[i] != series &&
		    !(series == "debug" && a_kernel[i] == "6.12"))
			continue
		if (a_prog[i] != prog || test !~ a_test[i])
			continue
		if (test == "*" && a_test[i] != "^.*$")
			continue
		return i
	}
	return 0
}
function skip_seen(name, test, why,    i) {
	i = allowed(name, test)
	if (i) {
		by_reason[a_reason[i]]++
		return 1
	}
	unexpected = unexpected sprintf("#   %s %s: %s\n", name, test, why)
	return 0
}
function end_missing() {
	if (!in_frame)
		return
	print "# " name ": no end frame (the program or its guest died)"
	fail++
	fail_name(name)
	reset_frame()
}
BEGIN { pass = fail = skip = 0; nallow = 0; reset_frame() }
FILENAME == ARGV[1] {
	if ($0 !~ /^[ \t]*(#|$)/)
		expected[$1] = 1
	next
}
FILENAME == ARGV[2] {
	if ($0 ~ /^[ \t]*(#|$)/ || NF < 4)
		next
	nallow++
	a_kernel[nallow] = $1; a_prog[nallow] = $2; a_test[nallow] = glob2re($3)
	r = $0
	sub(/^[ \t]*[^ \t]+[ \t]+[^ \t]+[ \t]+[^ \t]+[ \t]+/, "", r)
	a_reason[nallow] = r
	next
}
{ sub(/\r$/, "") }
/^TCPLAB-BEGIN / { end_missing(); reset_frame(); in_frame = 1; name = $2; began[name] = 1; next }
in_frame && /^(ok|not ok) [0-9]+ .*# SKIP/ {
	# "ok 3 fixture.variant.test # SKIP reason"
	t = $0
	sub(/^(ok|not ok) [0-9]+ /, "", t)
	why = t
	sub(/ *# SKIP.*$/, "", t)
	sub(/^.*# SKIP */, "", why)
	if (!skip_seen(name, t, why))
		bad_skips++
	next
}
in_frame && /^1\.\.0 # SKIP/ {
	why = $0
	sub(/^1\.\.0 # SKIP */, "", why)
	whole_skip_why = why
	next
}
in_frame && /^# Totals: / {
	have_totals = 1
	for (i = 3; i <= NF; i++) {
		split($i, kv, ":")
		if (kv[1] == "pass" || kv[1] == "xfail") fpass += kv[2]
		else if (kv[1] == "fail" || kv[1] == "xpass" || kv[1] == "error") ffail += kv[2]
		else if (kv[1] == "skip") fskip += kv[2]
	}
	next
}
/^TCPLAB-END / {
	if (!in_frame || $2 != name) {
		print "# end frame without a beginning: " $0
		fail++
		fail_name($2)
		next
	}
	ended[name] = 1
	rc = $3; sub(/^rc=/, "", rc); rc += 0
	if (have_totals) {
		if (rc != 0 && rc != 4 && ffail == 0)
			ffail = 1
		# An unexpected skip is a failure.
		if (bad_skips > fskip)
			bad_skips = fskip
		fskip -= bad_skips; ffail += bad_skips
		pass += fpass; fail += ffail; skip += fskip
	} else if (rc == 0) pass++
	else if (rc == 4) {
		if (skip_seen(name, "*", whole_skip_why)) skip++
		else { fail++; ffail = 1 }
	} else fail++
	if ((!have_totals && rc != 0 && rc != 4) || ffail > 0)
		fail_name(name)
	whole_skip_why = ""
	reset_frame()
	next
}
/^TCPLAB-CHECK / { end_missing() }
/^TCPLAB-CHECK ok / { pass++; next }
/^TCPLAB-CHECK not ok / { fail++; fail_name($4); next }
/^TCPLAB-CHECK skip / { skip++; next }
END {
	end_missing()
	for (n in expected)
		if (!(n in ended) && !(n in began)) {
			missing = missing " " n
			fail++
		}
	if (missing != "") {
		print "# expected to run but did not:" missing
		failed_names = failed_names missing
	}
	if (unexpected != "")
		printf "# skips that skips.txt does not allow (counted as failures):\n%s", unexpected
	for (r in by_reason)
		printf "# skipped %d: %s\n", by_reason[r], r
	if (failed_names != "")
		printf "failed:%s\n", failed_names
	line = sprintf("%s: %d passed, %d failed", tier == "" ? "check" : tier, pass, fail)
	if (skip) line = line sprintf(", %d skipped", skip)
	print line
	exit fail ? 1 : 0
}
