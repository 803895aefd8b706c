# SPDX-License-Identifier: GPL-2.0
# Shared shell helpers for tcplab's scripts: kernel discovery and paths.
# Sourced, not executed.

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BUILD=${BUILD:-$TOP/build}

die() { echo "tcplab: $*" >&2; exit 1; }

# Print "series version" for every installed Debian cloud kernel that has
# both an image in /boot and headers (a kbuild tree) to build against.
# The series is major.minor (6.12, 6.1): that is what KERNELS= selects,
# so point releases replaced by the mirror never need a code change.
kernels_installed() {
	local img ver series
	for img in /boot/vmlinuz-*; do
		[ -e "$img" ] || continue
		ver=${img#/boot/vmlinuz-}
		[ -d "/lib/modules/$ver/build" ] || [ -d "/usr/src/linux-headers-$ver" ] || continue
		[ -d "/lib/modules/$ver/kernel" ] || continue
		series=$(echo "$ver" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/')
		echo "$series $ver"
	done | sort -t. -k1,1nr -k2,2nr
}

# The debug kernel (scripts/debug-kernel.sh): built under build/, never
# installed; its release ends in -tcplab-debug.  Empty when not built.
debug_kernel_dir() {
	local d=$BUILD/debug-kernel/current
	[ -f "$d/release" ] && readlink -f "$d"
}

debug_kernel_release() {
	local d
	d=$(debug_kernel_dir) && [ -n "$d" ] && cat "$d/release"
}

is_debug_kernel() {
	case "$1" in *-tcplab-debug) return 0 ;; esac
	return 1
}

# kernels_selected [LIST]: like kernels_installed, filtered by a space or
# comma separated list of series (or full versions); empty = all
# installed ones.  The word "debug" selects the debug kernel (series
# "debug"), which must have been built.
kernels_selected() {
	local want=${1:-} series ver w
	want=${want//,/ }
	for w in $want; do
		[ "$w" = debug ] || continue
		ver=$(debug_kernel_release) ||
			die "no debug kernel built (scripts/debug-kernel.sh)"
		echo "debug $ver"
	done
	kernels_installed | while read -r series ver; do
		if [ -z "$want" ]; then
			echo "$series $ver"
			continue
		fi
		for w in $want; do
			if [ "$w" = "$series" ] || [ "$w" = "$ver" ]; then
				echo "$series $ver"
			fi
		done
	done
}

# Where a kernel's image, modules and build tree are.
kimage_for() {
	if is_debug_kernel "$1"; then
		echo "$(debug_kernel_dir)/obj/arch/x86/boot/bzImage"
	else
		echo "/boot/vmlinuz-$1"
	fi
}

# The root that holds lib/modules/VERSION ("" for the host's /).
kmodroot_for() {
	if is_debug_kernel "$1"; then
		echo "$(debug_kernel_dir)/root"
	fi
}

kdir_for() {
	if is_debug_kernel "$1"; then
		echo "$(debug_kernel_dir)/obj"
	elif [ -d "/lib/modules/$1/build" ]; then
		echo "/lib/modules/$1/build"
	else
		echo "/usr/src/linux-headers-$1"
	fi
}
