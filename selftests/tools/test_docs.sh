#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_docs.sh: the README is a door, and every door leads somewhere.
#
# The README only says what tcplab is, shows the two commands and links
# the pages under doc/, each written for one kind of reader.  That holds
# only while the README stays short, every page can be reached from it,
# and no link is dead: pages move, sections are renamed, and a link into
# a heading that is gone fails silently on GitHub (it opens the page at
# the top).  So this check fails when
#   1. README.md is 12288 bytes or more;
#   2. a page doc/*.md, doc/labs/README.md or module/README.md is not
#      linked from README.md, or a lab page doc/labs/*.md is linked
#      neither from doc/labs/README.md nor from README.md;
#   3. a relative link [text](path) or [text](path#anchor) in README.md,
#      doc/**/*.md or module/README.md names a file that does not exist;
#   4. an #anchor in such a link (or a bare [text](#anchor)) matches no
#      heading of the target, by GitHub's rule: the heading's text
#      lowercased, every character but letters, digits, spaces, '-' and
#      '_' dropped, spaces made '-', and "-1", "-2"... added to repeats.
# Links inside fenced code blocks and code spans are not links; links
# with a scheme (https:, mailto:) are not checked.
# Environment: DOC_TOP, the tree to check (default: this repository).
# Prints one "test_docs: FAIL: ..." line per problem; exit 0 if all
# holds, else 1.  Needs only bash, awk and coreutils: no build.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=${DOC_TOP:-$(cd "$here/../.." && pwd)}
max=12288
fail=0
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT

bad() {
	echo "test_docs: FAIL: $*"
	fail=1
}

cd "$top"
if [ ! -f README.md ]; then
	bad "no README.md in $top"
	exit 1
fi

# The pages: README.md, every doc/**/*.md, module/README.md.
{
	echo README.md
	if [ -d doc ]; then
		find doc -name '*.md' -type f | LC_ALL=C sort
	fi
	if [ -f module/README.md ]; then
		echo module/README.md
	fi
} > "$w/pages"

# 1. The size of the door.
size=$(wc -c < README.md)
[ "$size" -lt "$max" ] ||
	bad "README.md is $size bytes; it must stay under $max (move the detail to a page under doc/)"

# One awk pass over the pages prints
#   H <TAB> page <TAB> slug                    for every heading
#   L <TAB> page <TAB> line <TAB> path <TAB> anchor  for every relative link
# with path relative to the top and normalised (a bare #anchor names the
# page itself).  Fenced blocks are skipped; code spans are removed, also
# across the lines of a paragraph.
mapfile -t pages < "$w/pages"
LC_ALL=C awk '
function slug(s,   t) {
	t = tolower(s)
	gsub(/\]\([^)]*\)/, "", t)	# [text](url): the text stays
	gsub(/[^a-z0-9 _-]/, "", t)
	gsub(/ /, "-", t)
	return t
}
function norm(dir, p,   n, i, parts, out, k, seg) {
	if (dir != "")
		p = dir "/" p
	n = split(p, parts, "/")
	k = 0
	for (i = 1; i <= n; i++) {
		seg = parts[i]
		if (seg == "" || seg == ".")
			continue
		if (seg == "..") {
			if (k > 0)
				k--
			else
				return "../" p	# leaves the tree: cannot exist
			continue
		}
		out[++k] = seg
	}
	p = ""
	for (i = 1; i <= k; i++)
		p = p (i > 1 ? "/" : "") out[i]
	return p
}
FNR == 1 {
	fence = 0; span = 0; delete seen
	dir = FILENAME
	if (!sub(/\/[^\/]*$/, "", dir))
		dir = ""
}
/^[ \t]*(```|~~~)/ { fence = !fence; next }
fence { next }
/^[ \t]*$/ { span = 0; next }
{
	line = $0
	# Drop code spans; an odd backtick carries the span to the next line.
	kept = ""
	n = split(line, seg, "`")
	for (i = 1; i <= n; i++) {
		if (!span)
			kept = kept seg[i]
		if (i < n)
			span = !span
	}
	line = kept
}
# A heading keeps the text of its code spans (their backticks go as
# punctuation), so it is read from the line as written.
!span && match($0, /^#+[ \t]+/) {
	h = substr($0, RLENGTH + 1)
	sub(/[ \t]+#+[ \t]*$/, "", h)
	s = slug(h)
	if (s in seen)
		s = s "-" seen[s]++
	else
		seen[s] = 1
	print "H\t" FILENAME "\t" s
}
{
	rest = line
	while (match(rest, /\]\([^) \t]+\)/)) {
		t = substr(rest, RSTART + 2, RLENGTH - 3)
		rest = substr(rest, RSTART + RLENGTH)
		if (t ~ /^[a-zA-Z][a-zA-Z0-9+.-]*:/)
			continue
		a = ""
		if ((i = index(t, "#")) > 0) {
			a = substr(t, i + 1)
			t = substr(t, 1, i - 1)
		}
		p = t == "" ? FILENAME : norm(dir, t)
		print "L\t" FILENAME "\t" FNR "\t" p "\t" a
	}
}
' "${pages[@]}" > "$w/index"

grep '^H' "$w/index" | cut -f2,3 > "$w/headings" || true
grep '^L' "$w/index" | cut -f2- > "$w/links" || true

# 3 and 4. Every link leads to a file, and every anchor to a heading.
nlinks=0
while IFS=$'\t' read -r page line path anchor; do
	nlinks=$((nlinks + 1))
	if [ ! -e "$path" ]; then
		bad "$page:$line: link to $path, which does not exist"
		continue
	fi
	[ -n "$anchor" ] || continue
	if ! grep -qxF "$path"$'\t'"$anchor" "$w/headings"; then
		bad "$page:$line: link to $path#$anchor, but $path has no heading with that anchor"
	fi
done < "$w/links"

# 2. Every page can be reached from the README (lab pages from the labs'
# own README).
linked_from() {	# linked_from PAGE TARGET: PAGE links TARGET
	awk -F'\t' -v p="$1" -v t="$2" '$1 == p && $3 == t { f = 1 } END { exit !f }' "$w/links"
}
for page in "${pages[@]}"; do
	[ "$page" != README.md ] || continue
	! linked_from README.md "$page" || continue
	case "$page" in
	doc/labs/README.md)
		bad "$page is not linked from README.md" ;;
	doc/labs/*)
		linked_from doc/labs/README.md "$page" ||
			bad "$page is linked neither from doc/labs/README.md nor from README.md" ;;
	*)
		bad "$page is not linked from README.md" ;;
	esac
done

if [ "$fail" -ne 0 ]; then
	exit 1
fi
echo "test_docs: ok: README.md $size bytes, ${#pages[@]} pages, $nlinks relative links"
