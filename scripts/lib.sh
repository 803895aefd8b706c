# SPDX-License-Identifier: GPL-2.0
# Shared shell helpers for tcplab's scripts: kernel discovery and paths.
# Sourced, not executed.

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BUILD=${BUILD:-$TOP/build}

die() { echo "tcplab: $*" >&2; exit 1; }

# The guest kernels: Debian's cloud kernels of these series, unpacked
# under build/kernels/ by scripts/kernels.sh.  A series names the meta
# package that follows its newest point release.
GUEST_KERNEL_SERIES="6.12 6.1"

guest_kernel_meta() {
	case "$1" in
	6.1) echo linux-image-cloud-amd64 ;;
	*) echo "linux-image-$1-cloud-amd64" ;;
	esac
}

# major.minor of a kernel release: what KERNELS= selects, so point
# releases replaced by the mirror never need a code change.
kernel_series() {
	echo "$1" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/'
}

# The private root of an unpacked guest kernel ("" when there is none).
unpacked_kernel_dir() {
	local d=$BUILD/kernels/$1
	[ -f "$d/.complete" ] && echo "$d"
}

# Print "series version" for every unpacked guest kernel, newest series
# first.
kernels_installed() {
	local done ver
	for done in "$BUILD"/kernels/*/.complete; do
		[ -e "$done" ] || continue
		ver=$(basename "$(dirname "$done")")
		echo "$(kernel_series "$ver") $ver"
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
# unpacked ones.  The word "debug" selects the debug kernel (series
# "debug"), which must have been built; "host" the running kernel, from
# the host's own /boot and /lib/modules (read, never written).
kernels_selected() {
	local want=${1:-} series ver w
	want=${want//,/ }
	for w in $want; do
		case "$w" in
		debug)
			ver=$(debug_kernel_release) ||
				die "no debug kernel built (scripts/debug-kernel.sh)"
			echo "debug $ver"
			;;
		host)
			ver=$(uname -r)
			[ -d "/lib/modules/$ver/build" ] ||
				die "KERNELS=host: no /lib/modules/$ver/build (install linux-headers-$ver)"
			echo "$(kernel_series "$ver") $ver"
			;;
		esac
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

# Where a kernel's image, modules and build tree are: the debug kernel's
# build, an unpacked guest kernel's private root, or (KERNELS=host) the
# host's own files.
kimage_for() {
	local d
	if is_debug_kernel "$1"; then
		echo "$(debug_kernel_dir)/obj/arch/x86/boot/bzImage"
	elif d=$(unpacked_kernel_dir "$1"); then
		echo "$d/boot/vmlinuz-$1"
	else
		echo "/boot/vmlinuz-$1"
	fi
}

# The root that holds lib/modules/VERSION ("" for the host's /).
kmodroot_for() {
	local d
	if is_debug_kernel "$1"; then
		echo "$(debug_kernel_dir)/root"
	elif d=$(unpacked_kernel_dir "$1"); then
		echo "$d"
	fi
}

kdir_for() {
	local d
	if is_debug_kernel "$1"; then
		echo "$(debug_kernel_dir)/obj"
	elif d=$(unpacked_kernel_dir "$1"); then
		echo "$d/usr/src/linux-headers-$1"
	else
		echo "/lib/modules/$1/build"
	fi
}
