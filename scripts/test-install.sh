#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test-install.sh: the host check "install".  `make install` into a
# scratch DESTDIR, then the installation as its users meet it:
#   1. every tool and example is there and answers --version and --help;
#   2. libtcplab-tls.so has its soname and symlinks and exports exactly
#      the functions its installed header declares; pkg-config finds it;
#   3. a TLS example builds against the installed header and shared
#      library alone, and runs with it;
#   4. DKMS builds tcplab.ko from the installed source for 6.12 (in the
#      full tier, TIER=full, for every kernel the project has unpacked),
#      with the version of VERSION, writing only into trees under the
#      scratch directory;
#   5. make uninstall removes all of it and nothing else.
# Each check prints what it checked; the first failure exits 1.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

VERSION=$(cat "$TOP/VERSION")
SOMAJOR=${VERSION%%.*}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcplab-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'echo "install: FAIL: unexpected error at line $LINENO"' ERR
root=$tmp/root
usr=$root/usr
lib=$usr/lib
inc=$usr/include/tcplab

ok() { echo "install: ok: $*"; }
fail() {
	echo "install: FAIL: $*"
	exit 1
}
# show FILE: the end of a log, for a failure's reason.
show() { tail -n 30 "$1" | sed 's/^/  | /'; }

# ---- make install
if ! make -s -C "$TOP" install BUILD="$BUILD" DESTDIR="$root" PREFIX=/usr \
	> "$tmp/install.log" 2>&1; then
	show "$tmp/install.log"
	fail "make install DESTDIR=$root PREFIX=/usr"
fi
ok "make install DESTDIR=... PREFIX=/usr (version $VERSION)"

# ---- 1. programs
TOOLS=(tcplab-tls tcplab-ladder tcplab-watch tcplab-ccplot tcplab-pcap tcplab-bench)
EXAMPLES=(tcplab-hello-socket tcplab-echo-server tcplab-echo-client tcplab-mini-httpd
	  tcplab-tls-echo-server tcplab-tls-echo-client tcplab-https-get)
for t in "${TOOLS[@]}" "${EXAMPLES[@]}"; do
	p=$usr/bin/$t
	[ -x "$p" ] || fail "$t is not installed in /usr/bin"
	out=$("$p" --version 2>/dev/null) || fail "$t --version exits $?"
	[ "$out" = "$t $VERSION" ] || fail "$t --version printed '$out', not '$t $VERSION'"
	out=$("$p" --help 2>/dev/null) || fail "$t --help exits $?"
	case "$out" in
	*usage:*) ;;
	*) fail "$t --help printed no usage on stdout" ;;
	esac
done
ok "$((${#TOOLS[@]} + ${#EXAMPLES[@]})) programs in /usr/bin: --version prints 'NAME $VERSION', --help the usage, both exit 0"
for t in "${TOOLS[@]}"; do
	rc=0
	"$usr/bin/$t" --no-such-option > /dev/null 2> "$tmp/err" || rc=$?
	[ "$rc" = 2 ] || fail "$t --no-such-option exits $rc, not 2"
	[ -s "$tmp/err" ] || fail "$t --no-such-option says nothing on stderr"
done
ok "the tools refuse an unknown option with status 2 and a message on stderr"
[ -f "$lib/tcplab/libtcplab-preload.so" ] || fail "no /usr/lib/tcplab/libtcplab-preload.so"
ok "the preload shim is in /usr/lib/tcplab"

# Man pages: whatever doc/man/ holds (maybe nothing yet).
n=0
for m in "$TOP"/doc/man/*.[1-8]; do
	[ -e "$m" ] || continue
	f=$usr/share/man/man${m##*.}/${m##*/}
	[ -f "$f" ] || fail "man page ${m##*/} not installed as ${f#"$root"}"
	n=$((n + 1))
done
ok "$n man page(s) from doc/man installed in /usr/share/man/manN"

# ---- 2. the shared library
so=$lib/libtcplab-tls.so.$VERSION
[ -f "$so" ] || fail "no ${so#"$root"}"
soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libtcplab-tls.so.$SOMAJOR" ] ||
	fail "SONAME of ${so##*/} is '$soname', not libtcplab-tls.so.$SOMAJOR"
ok "readelf -d: SONAME libtcplab-tls.so.$SOMAJOR"
[ "$(readlink "$lib/libtcplab-tls.so.$SOMAJOR")" = "libtcplab-tls.so.$VERSION" ] ||
	fail "libtcplab-tls.so.$SOMAJOR does not point to libtcplab-tls.so.$VERSION"
[ "$(readlink "$lib/libtcplab-tls.so")" = "libtcplab-tls.so.$SOMAJOR" ] ||
	fail "libtcplab-tls.so does not point to libtcplab-tls.so.$SOMAJOR"
for a in libtcplab-tls.a libtcplab.a; do
	[ -f "$lib/$a" ] || fail "no /usr/lib/$a"
done
ok "symlinks libtcplab-tls.so -> .so.$SOMAJOR -> .so.$VERSION; libtcplab-tls.a and libtcplab.a"

for h in tcplab_tls.h tcplab_version.h tcplab.h linux/tcplab.h; do
	[ -f "$inc/$h" ] || fail "no ${inc#"$root"}/$h"
done
# The functions the installed header declares (comments stripped by the
# preprocessor), against what the library exports.
gcc -E -P -I"$inc" "$inc/tcplab_tls.h" |
	grep -oE '\btcplab_tls_[a-z0-9_]+[[:space:]]*\(' | tr -d ' (' |
	sort -u > "$tmp/declared"
nm -D --defined-only "$so" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' |
	sort -u > "$tmp/exported"
[ -s "$tmp/declared" ] || fail "found no function in the installed tcplab_tls.h"
if ! diff -u "$tmp/declared" "$tmp/exported" > "$tmp/abi.diff"; then
	sed 's/^/  | /' "$tmp/abi.diff"
	fail "nm -D exports differ from the header's functions (- only declared, + only exported)"
fi
ok "nm -D --defined-only: exactly the $(wc -l < "$tmp/declared") functions tcplab_tls.h declares"

export PKG_CONFIG_PATH=$lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root
pc=$(pkg-config --cflags --libs tcplab-tls) || fail "pkg-config --cflags --libs tcplab-tls"
for w in "-I$inc" "-L$lib" -ltcplab-tls; do
	case " $pc " in
	*" $w "*) ;;
	*) fail "pkg-config tcplab-tls gives '$pc', without $w" ;;
	esac
done
[ "$(pkg-config --modversion tcplab-tls)" = "$VERSION" ] || fail "tcplab-tls.pc's version is not $VERSION"
grep -qx gnutls <<< "$(pkg-config --print-requires-private tcplab-tls)" ||
	fail "tcplab-tls.pc does not name gnutls in Requires.private"
ok "pkg-config tcplab-tls: $pc"

# ---- 3. a program built against the installation alone
mkdir -p "$tmp/cc"
cp "$TOP/userspace/examples/tls_echo_client.c" "$tmp/cc/"
if ! gcc -Wall -Werror -o "$tmp/cc/tls_echo_client" "$tmp/cc/tls_echo_client.c" \
	-I"$inc" -L"$lib" -ltcplab-tls -ltcplab > "$tmp/cc.log" 2>&1; then
	show "$tmp/cc.log"
	fail "tls_echo_client.c does not build against the installed header and library"
fi
grep -q "NEEDED.*\[libtcplab-tls.so.$SOMAJOR\]" <<< "$(readelf -d "$tmp/cc/tls_echo_client")" ||
	fail "tls_echo_client is not linked with libtcplab-tls.so.$SOMAJOR"
out=$(LD_LIBRARY_PATH=$lib "$tmp/cc/tls_echo_client" --version) ||
	fail "the installed-built tls_echo_client --version exits $?"
[ "$out" = "tls_echo_client $VERSION" ] || fail "tls_echo_client --version printed '$out'"
# (Whole outputs into grep -q: with pipefail, a writer that grep -q
# stops reading early dies of SIGPIPE and fails the pipe.)
out=$(LD_LIBRARY_PATH=$lib ldd "$tmp/cc/tls_echo_client")
grep -q "libtcplab-tls.so.$SOMAJOR => $lib/libtcplab-tls.so.$SOMAJOR " <<< "$out" ||
	fail "ldd does not resolve libtcplab-tls.so.$SOMAJOR from ${lib#"$tmp"/}"
ok "tls_echo_client.c built with -I/usr/include/tcplab -ltcplab-tls -ltcplab: NEEDED libtcplab-tls.so.$SOMAJOR, resolved from DESTDIR, --version ok"

# The version macro of the installed header, and the library's own.
cat > "$tmp/cc/ver.c" <<'EOF'
#include <stdio.h>
#include <tcplab_tls.h>

int main(void)
{
	printf("%s %s\n", TCPLAB_VERSION, tcplab_tls_version());
	return 0;
}
EOF
# shellcheck disable=SC2046
gcc -Wall -Werror -o "$tmp/cc/ver" "$tmp/cc/ver.c" $(pkg-config --cflags --libs tcplab-tls) \
	> "$tmp/cc.log" 2>&1 || { show "$tmp/cc.log"; fail "a program built with pkg-config tcplab-tls"; }
out=$(LD_LIBRARY_PATH=$lib "$tmp/cc/ver")
[ "$out" = "$VERSION $VERSION" ] ||
	fail "TCPLAB_VERSION and tcplab_tls_version() say '$out', not '$VERSION $VERSION'"
ok "built with pkg-config: TCPLAB_VERSION and tcplab_tls_version() are both $VERSION"

# ---- 4. DKMS
src=$usr/src/tcplab-$VERSION
[ -f "$src/dkms.conf" ] || fail "no ${src#"$root"}/dkms.conf"
grep -qx "PACKAGE_VERSION=\"$VERSION\"" "$src/dkms.conf" ||
	fail "the installed dkms.conf's PACKAGE_VERSION is not \"$VERSION\""
ok "dkms.conf in /usr/src/tcplab-$VERSION says PACKAGE_VERSION=\"$VERSION\""
# scripts/deps.sh installs dkms and unpacks the kernels the project
# builds for; make check has run it already.  DKMS builds for the first
# (6.12), and in the full tier for each of them (6.1 too: another kernel
# generation, other Kbuild rules).
pick_kernels() {
	if [ "${TIER:-check}" = full ]; then
		kernels_selected | awk '{ print $2 }'
	else
		kernels_selected 6.12 | awk 'NR == 1 { print $2 }'
	fi
}
kvers=$(pick_kernels)
if ! command -v dkms > /dev/null || [ -z "$kvers" ]; then
	"$TOP/scripts/deps.sh" > /dev/null
	kvers=$(pick_kernels)
fi
command -v dkms > /dev/null || fail "no dkms, and scripts/deps.sh did not install it"
[ -n "$kvers" ] || fail "no unpacked kernel with headers to build for (scripts/deps.sh)"
# DKMS signs what it builds, with a key it creates where the environment
# (or /etc/dkms/framework.conf) says: here, not /var/lib/dkms.
mkdir -p "$tmp/dkms" "$tmp/inst" "$tmp/dkms-tmp"
touch "$tmp/stamp"
for kver in $kvers; do
	kdir=$(kdir_for "$kver")
	if ! mok_signing_key=$tmp/mok.key mok_certificate=$tmp/mok.pub TMPDIR=$tmp/dkms-tmp \
		dkms build -j 1 -m tcplab -v "$VERSION" -k "$kver" --kernelsourcedir "$kdir" \
		--dkmstree "$tmp/dkms" --sourcetree "$usr/src" --installtree "$tmp/inst" \
		> "$tmp/dkms.log" 2>&1; then
		show "$tmp/dkms.log"
		find "$tmp/dkms" -name make.log -exec tail -n 20 {} \;
		fail "dkms build for $kver"
	fi
	ko=$(find "$tmp/dkms/tcplab/$VERSION/$kver" -path '*/module/tcplab.ko*' -print -quit)
	[ -n "$ko" ] || { show "$tmp/dkms.log"; fail "dkms build for $kver made no tcplab.ko"; }
	v=$(modinfo -F version "$ko")
	[ "$v" = "$VERSION" ] || fail "modinfo -F version of ${ko##*/} is '$v', not $VERSION"
	vm=$(modinfo -F vermagic "$ko")
	[ "${vm%% *}" = "$kver" ] || fail "${ko##*/} is built for '${vm%% *}', not $kver"
	# Nothing outside the scratch trees: no key in /var/lib/dkms, no
	# module in the kernel's module tree (the host's, or the unpacked
	# kernel's).
	out=$(find /var/lib/dkms "/lib/modules/$kver" "$(kmodroot_for "$kver")/lib/modules/$kver" \
		-newer "$tmp/stamp" -print -quit 2>/dev/null || true)
	[ -z "$out" ] || fail "dkms build wrote outside its trees: $out"
	ok "dkms build -k $kver (headers $kdir): ${ko##*/}, modinfo version $v, vermagic $kver; nothing written to /var/lib/dkms or /lib/modules"
done

# ---- 5. make uninstall: back to an empty tree (directories aside)
touch "$root/usr/bin/not-ours"
if ! make -s -C "$TOP" uninstall BUILD="$BUILD" DESTDIR="$root" PREFIX=/usr \
	> "$tmp/uninstall.log" 2>&1; then
	show "$tmp/uninstall.log"
	fail "make uninstall DESTDIR=$root PREFIX=/usr"
fi
[ -e "$root/usr/bin/not-ours" ] || fail "make uninstall removed a file it did not install"
rm "$root/usr/bin/not-ours"
out=$(find "$root" ! -type d | head -n 5)
[ -z "$out" ] || fail "make uninstall left files behind: $(echo $out)"
for d in "$inc" "$lib/tcplab" "$src"; do
	[ ! -e "$d" ] || fail "make uninstall left ${d#"$root"}"
done
ok "make uninstall removes every file install wrote (and only those), with /usr/include/tcplab, /usr/lib/tcplab and /usr/src/tcplab-$VERSION"

echo "install: all checks passed"
