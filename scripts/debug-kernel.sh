#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# debug-kernel.sh: build, once, the kernel `make check-debug` boots: Linux
# 6.12 from Debian's linux-source-6.12 with KASAN, KFENCE, lockdep, RCU
# checking, kmemleak, UBSAN, debug objects and fault injection
# (scripts/debug-kernel.config says which and why).
#
# The build is cached in build/debug-kernel/KEY/, KEY a hash of the
# config fragment and the source package's version: a second run with
# both unchanged builds nothing.  build/debug-kernel/current points at
# the newest complete build.  Nothing is installed on the host: the guest
# boots obj/arch/x86/boot/bzImage, its modules come from root/lib/modules,
# and tcplab.ko builds against obj/.
#
# Prints the kernel release (uname -r of the guest) on stdout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

frag=$TOP/scripts/debug-kernel.config
pkg=linux-source-6.12
tarball=/usr/src/$pkg.tar.xz
[ -r "$tarball" ] || die "no $tarball (scripts/deps.sh installs $pkg)"
srcver=$(dpkg-query -W -f='${Version}' "$pkg")
key=$({ cat "$frag"; echo "$pkg $srcver"; } | sha1sum | cut -c1-12)
top=$BUILD/debug-kernel
dk=$top/$key
mkdir -p "$top"

if [ -f "$dk/release" ]; then
	ln -sfn "$key" "$top/current"
	cat "$dk/release"
	exit 0
fi

# One build at a time: a second `make check-debug` waits for the first.
exec 9>"$top/.lock"
flock 9
if [ -f "$dk/release" ]; then
	ln -sfn "$key" "$top/current"
	cat "$dk/release"
	exit 0
fi

{
	t0=$(date +%s)
	echo "debug kernel: building $pkg $srcver with scripts/debug-kernel.config" \
		"into $dk (25 to 90 minutes on 2 cores, by how busy they are; cached afterwards)"
	rm -rf "$dk"
	mkdir -p "$dk/src" "$dk/obj"
	tar -xJf "$tarball" -C "$dk/src" --strip-components=1
	mk=(make -s -C "$dk/src" O="$dk/obj" -j"$(nproc)")
	"${mk[@]}" x86_64_defconfig
	"${mk[@]}" kvm_guest.config
	"$dk/src/scripts/kconfig/merge_config.sh" -m -O "$dk/obj" \
		"$dk/obj/.config" "$frag" >/dev/null
	"${mk[@]}" olddefconfig

	# Every line of the fragment must hold in the final configuration.
	bad=0
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*) want=$line ;;
		"# CONFIG_"*" is not set") want=$line ;;
		*) continue ;;
		esac
		sym=$(echo "$want" | grep -oE 'CONFIG_[A-Z0-9_]+')
		have=$(grep -E "^(# )?$sym[= ]" "$dk/obj/.config" || echo "$sym absent")
		if [ "$have" != "$want" ]; then
			echo "debug kernel: wanted '$want', have '$have'" >&2
			bad=1
		fi
	done < "$frag"
	[ $bad -eq 0 ] || die "the debug kernel's configuration does not hold (see above)"

	"${mk[@]}" bzImage modules
	"${mk[@]}" INSTALL_MOD_PATH="$dk/root" INSTALL_MOD_STRIP=1 \
		DEPMOD=/sbin/depmod modules_install
	"${mk[@]}" kernelrelease > "$dk/release.tmp"
	echo "debug kernel: built $(cat "$dk/release.tmp") in $(($(date +%s) - t0)) s"
	mv "$dk/release.tmp" "$dk/release"
	# Builds of other configurations or sources: 3 GB each.
	find "$top" -mindepth 1 -maxdepth 1 -type d ! -name "$key" -exec rm -rf {} +
} >&2
ln -sfn "$key" "$top/current"
cat "$dk/release"
