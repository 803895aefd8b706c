#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kernels.sh: the test VM's kernels, without installing them on the host.
#
# For every series in GUEST_KERNEL_SERIES (lib.sh), ask apt which
# versioned kernel the series' meta package stands for today, download
# the image, headers, common headers and kbuild packages with
# `apt-get download` (no root) and unpack them with `dpkg-deb -x` into
# build/kernels/VERSION/, a private root with boot/, lib/modules/ and
# usr/src/.  The module builds against that headers tree and the VM boots
# that image: the host's /boot and /lib/modules are never written.
#
# Idempotent: a kernel whose tree is complete is not fetched again; a
# newer point release of a series replaces the older tree.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

debs=$BUILD/kernels/debs
mkdir -p "$debs"

# The package a meta package depends on whose name starts with @prefix.
dep_named() {
	apt-cache depends --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances "$1" 2>/dev/null |
		sed -n "s/^ *|\\?Depends: \\($2[^ ]*\\)\$/\\1/p" | head -n 1
}

# Download @pkg (the candidate version) into debs/; print the .deb path.
fetch_deb() {
	local pkg=$1
	rm -f "$debs/${pkg}_"*.deb
	(cd "$debs" && apt-get download -qq -o APT::Sandbox::User="$(id -un)" "$pkg" >&2) ||
		die "apt-get download $pkg failed (is the package index current? apt-get update)"
	ls "$debs/${pkg}_"*.deb | head -n 1
}

fetch_series() {
	local series=$1 meta ver img hdr common kbuild root tmp p
	meta=$(guest_kernel_meta "$series")
	img=$(dep_named "$meta" linux-image-)
	[ -n "$img" ] || die "apt knows no kernel for $meta (apt-get update?)"
	ver=${img#linux-image-}
	root=$BUILD/kernels/$ver
	[ -f "$root/.complete" ] && return 0

	hdr=linux-headers-$ver
	common=$(dep_named "$hdr" linux-headers-)
	kbuild=$(dep_named "$hdr" linux-kbuild-)
	[ -n "$common" ] && [ -n "$kbuild" ] ||
		die "cannot tell the common headers and kbuild packages of $hdr"

	echo "tcplab kernels: unpacking $ver ($img $hdr $common $kbuild) into $root"
	tmp=$root.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	for p in "$img" "$hdr" "$common" "$kbuild"; do
		p=$(fetch_deb "$p")
		dpkg-deb -x "$p" "$tmp"
		rm -f "$p"
	done
	# The headers' Makefile includes the common headers by absolute path,
	# and lib/modules/VERSION/build and source point at /usr/src: all
	# three are made relative, so that the tree works wherever the
	# checkout is.  The relative links (scripts, tools) stay as they are.
	sed -i 's#^include /usr/src/#include $(dir $(lastword $(MAKEFILE_LIST)))../#' \
		"$tmp/usr/src/linux-headers-$ver/Makefile"
	for p in build source; do
		[ -L "$tmp/lib/modules/$ver/$p" ] || continue
		ln -sfn "../../..$(readlink "$tmp/lib/modules/$ver/$p")" \
			"$tmp/lib/modules/$ver/$p"
	done
	[ -f "$tmp/boot/vmlinuz-$ver" ] || die "$img holds no boot/vmlinuz-$ver"
	[ -d "$tmp/lib/modules/$ver/kernel" ] || die "$img holds no modules"
	rm -rf "$root"
	mv "$tmp" "$root"
	# What the package's postinst would make: modules.dep and friends,
	# which modprobe (and the initramfs builder) read.
	/sbin/depmod -b "$root" "$ver"
	: > "$root/.complete"

	# An older point release of the series goes.
	for p in "$BUILD"/kernels/*/.complete; do
		p=$(dirname "$p")
		[ "$p" != "$root" ] || continue
		[ "$(kernel_series "$(basename "$p")")" = "$series" ] || continue
		echo "tcplab kernels: removing $(basename "$p"), replaced by $ver"
		rm -rf "$p"
	done
}

for s in $GUEST_KERNEL_SERIES; do
	fetch_series "$s"
done
