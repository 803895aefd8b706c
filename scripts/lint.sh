#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# checkpatch.pl (from Debian's linux-source, extracted by deps.sh) over
# every kernel-side file.  Fails on any error or warning.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$TOP"
mapfile -t files < <(find module -type f \( -name '*.c' -o -name '*.h' \) | sort)
perl "$BUILD/ksft/checkpatch.pl" --no-tree --quiet --terse --show-types \
	--max-line-length=100 --file "${files[@]}" > "$BUILD/lint.log" 2>&1 || true
if grep -E '(ERROR|WARNING|CHECK):' "$BUILD/lint.log"; then
	echo "lint: checkpatch found the problems above" >&2
	exit 1
fi
echo "lint: checkpatch clean (${#files[@]} files)"
