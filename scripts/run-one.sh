#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run-one.sh NAME SECONDS COMMAND [ARGS...]
#
# Run one test program with a time limit and frame its output so that the
# host can count results (scripts/summary.awk):
#   TCPLAB-BEGIN NAME
#   ... the program's own output (kselftest TAP) ...
#   TCPLAB-END NAME rc=N (S s)
# S is the seconds it took: a program close to its limit shows even in a
# log that holds only the end of a run.  Used on the host (unit tests)
# and in the guest (busybox sh), so POSIX sh.
name=$1
secs=$2
shift 2
echo "TCPLAB-BEGIN $name"
t0=$(date +%s)
timeout -s KILL "$secs" "$@" 2>&1
rc=$?
[ $rc -eq 137 ] && echo "# $name: killed after ${secs}s (time limit)"
echo "TCPLAB-END $name rc=$rc ($(($(date +%s) - t0)) s)"
exit $rc
