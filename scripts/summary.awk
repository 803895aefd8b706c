# SPDX-License-Identifier: GPL-2.0
#
# Count test results from framed output (see run-one.sh) and print the
# final line "N passed, N failed[, N skipped]".
#
# Inside a frame, a kselftest harness program ends with
#   # Totals: pass:P fail:F xfail:X xpass:XP skip:S error:E
# and each of its TEST()s counts.  A program without that line (a shell
# test, or one that crashed) counts as one test by its exit status:
# 0 passed, 4 (KSFT_SKIP) skipped, anything else failed.  A program whose
# totals show no failure but that exited non-zero still adds one failure.
# Lines "TCPLAB-CHECK ok|not ok|skip NAME" are single checks made by the
# runners themselves (module load, unload, clean kernel log...).
function reset_frame() { in_frame = 0; have_totals = 0; fpass = ffail = fskip = 0 }
BEGIN { pass = fail = skip = 0; reset_frame() }
{ sub(/\r$/, "") }
/^TCPLAB-BEGIN / { reset_frame(); in_frame = 1; name = $2; next }
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
	rc = $3; sub(/^rc=/, "", rc); rc += 0
	if (have_totals) {
		if (rc != 0 && rc != 4 && ffail == 0)
			ffail = 1
		pass += fpass; fail += ffail; skip += fskip
	} else if (rc == 0) pass++
	else if (rc == 4) skip++
	else fail++
	if ((!have_totals && rc != 0 && rc != 4) || (have_totals && ffail > 0))
		failed_names = failed_names " " name
	reset_frame()
	next
}
/^TCPLAB-CHECK ok / { pass++; next }
/^TCPLAB-CHECK not ok / { fail++; failed_names = failed_names " " $4; next }
/^TCPLAB-CHECK skip / { skip++; next }
END {
	if (failed_names != "")
		printf "failed:%s\n", failed_names
	line = sprintf("%d passed, %d failed", pass, fail)
	if (skip) line = line sprintf(", %d skipped", skip)
	print line
	exit fail ? 1 : 0
}
