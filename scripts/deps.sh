#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install (from Debian's packages) everything tcplab needs to build, lint
# and test, and extract the few files we borrow from the kernel source
# (kselftest harness, checkpatch, the list of Linux's TCP sysctls that
# doc/knobs.md maps) into build/ksft/.  Idempotent: when all
# is present it only runs dpkg-query and returns in well under a second.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PKGS=(
	build-essential bc flex bison libelf-dev libssl-dev kmod xz-utils cpio
	busybox-static iproute2 qemu-system-x86 netcat-openbsd curl
	clang libclang-rt-14-dev
	libgnutls28-dev gnutls-bin openssl ca-certificates
	linux-source-6.12
	python3
	mandoc man-db
	tshark tcpdump
	dkms
)

missing=()
for p in "${PKGS[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$st" in
	ii*) ;;
	*) missing+=("$p") ;;
	esac
done

if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "tcplab deps: missing packages; as root, run:" >&2
		echo "  apt-get install --no-install-recommends ${missing[*]}" >&2
		exit 1
	fi
	echo "tcplab deps: installing ${missing[*]}"
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}"
fi

# Borrowed kernel files: extracted at build time, never committed.
src=$(ls -1 /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
[ -n "$src" ] || die "no /usr/src/linux-source-*.tar.xz; is linux-source-6.12 installed?"
ksft=$BUILD/ksft
stamp=$ksft/.from
# One change to the harness, made here so that the repository holds none
# of its lines: its test wrapper keeps the forked pid in a plain local
# across setjmp(), which compilers may keep in a register that longjmp()
# restores, so that at -O2 a failed ASSERT skips FIXTURE_TEARDOWN (the
# child takes itself for the parent).  "volatile" keeps the value in
# memory; the selftests' "harness" check proves the teardown runs.
harness_fix='s/^\(\t\t\)pid_t child = 1; \\$/\1volatile pid_t child = 1; \\/'
extracted="harness checkpatch ip-sysctl"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$src $harness_fix $extracted" ]; then
	echo "tcplab deps: extracting kselftest harness, checkpatch and ip-sysctl.rst from $src"
	rm -rf "$ksft"
	mkdir -p "$ksft/tmp"
	tar -xJf "$src" -C "$ksft/tmp" --wildcards \
		'*/tools/testing/selftests/kselftest_harness.h' \
		'*/tools/testing/selftests/kselftest.h' \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch' \
		'*/Documentation/networking/ip-sysctl.rst'
	d=$(echo "$ksft"/tmp/*)
	sed "$harness_fix" "$d"/tools/testing/selftests/kselftest_harness.h > "$ksft/kselftest_harness.h"
	cp "$d"/tools/testing/selftests/kselftest.h "$ksft/"
	cp "$d"/scripts/checkpatch.pl "$d"/scripts/spelling.txt "$d"/scripts/const_structs.checkpatch "$ksft/"
	cp "$d"/Documentation/networking/ip-sysctl.rst "$ksft/"
	rm -rf "$ksft/tmp"
	echo "$src $harness_fix $extracted" > "$stamp"
fi

# The guest kernels, unpacked under build/kernels/ (never installed).
"$TOP/scripts/kernels.sh"
[ -n "$(kernels_installed)" ] || die "no guest kernel under $BUILD/kernels"
