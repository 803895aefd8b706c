#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build tcplab.ko for every selected installed kernel (KERNELS="6.12 6.1",
# default all), or for one kernel tree given as KDIR=/path.
#
# Kbuild writes objects next to the sources it is given, so each kernel
# gets a mirror of the tree made of symlinks under build/kmod/<version>/:
# the sources stay clean and several kernels build side by side.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mirror() {
	local dst=$1 f
	mkdir -p "$dst"
	ln -sfn "$TOP/Kbuild" "$dst/Kbuild"
	ln -sfn "$TOP/VERSION" "$dst/VERSION"
	# Drop links whose source is gone, then link every kernel-side file.
	find "$dst/module" -type l ! -exec test -e {} \; -delete 2>/dev/null || true
	(cd "$TOP" && find module -type f \( -name '*.c' -o -name '*.h' -o -name Kbuild \)) |
	while read -r f; do
		mkdir -p "$dst/$(dirname "$f")"
		[ -L "$dst/$f" ] || ln -s "$TOP/$f" "$dst/$f"
	done
}

build_one() {
	local ver=$1 kdir=$2 out=$BUILD/kmod/$1
	mirror "$out"
	echo "  KMOD    tcplab.ko for $ver"
	make -s -C "$kdir" M="$out" modules 2>&1 | { grep -v "^Skipping BTF generation" || true; }
	[ -f "$out/module/tcplab.ko" ] || die "no tcplab.ko produced for $ver"
}

if [ -n "${KDIR:-}" ]; then
	ver=$(make -s -C "$KDIR" kernelrelease 2>/dev/null || basename "$KDIR")
	build_one "$ver" "$KDIR"
	exit 0
fi

sel=$(kernels_selected "${KERNELS:-}")
[ -n "$sel" ] || die "no installed kernel matches KERNELS='${KERNELS:-}' (have: $(kernels_installed | cut -d' ' -f1 | xargs))"
echo "$sel" | while read -r series ver; do
	build_one "$ver" "$(kdir_for "$ver")"
done
