#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# initramfs.sh VERSION OUT.cpio
#
# Build the guest's initramfs for one kernel version, in two parts that the
# kernel unpacks one after the other (concatenated cpio archives):
#   base    busybox, iproute2, kmod, the kernel modules the tests need with
#           a modules.dep made by depmod; cached per kernel version.
#   project tcplab.ko, userspace tools, the selftests, /init; rebuilt
#           every run (small).
# Every dynamically linked program is copied with the libraries ldd names.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ver=$1
out=$2
vmdir=$BUILD/vm/$ver
base_root=$vmdir/base-root
base_cpio=$vmdir/base.cpio
proj_root=$vmdir/project-root
# The kernel's modules: the host's /lib/modules, or the debug kernel's.
kmroot=$(kmodroot_for "$ver")
mdir=$kmroot/lib/modules/$ver

# Kernel modules (by name; their dependencies come along) besides the whole
# crypto directories, which the crypto API loads by alias at run time.
# Each is required: an image without one would fail whole test programs
# one by one, so it is not built.
KMODS="veth sch_netem tls tun"
KMOD_DIRS="kernel/crypto kernel/arch/x86/crypto kernel/lib/crypto"
# For make vm's shared folder (a FAT view of build/share on a virtio
# disk): wanted, not required; built in on some kernels.
SHARE_KMODS="virtio_pci virtio_blk vfat nls_cp437 nls_iso8859-1 nls_utf8"
# Host programs copied into the guest with their shared libraries.
# nc.openbsd and curl: dynamically linked, for the LD_PRELOAD shim tests
# (busybox is static, so LD_PRELOAD cannot reach it).
HOST_PROGS="/usr/sbin/ip /usr/sbin/tc /usr/bin/ss /bin/kmod /bin/nc.openbsd /usr/bin/curl"
# For people at make vm's shell: the capture tool they know.
HOST_PROGS="$HOST_PROGS /usr/bin/tcpdump"
# TLS peers nobody here wrote, and certtool for the test PKI (tcplab-tls).
HOST_PROGS="$HOST_PROGS /usr/bin/openssl /usr/bin/gnutls-cli /usr/bin/gnutls-serv /usr/bin/certtool"
# Data files those programs read: OpenSSL's config, the system trust store.
HOST_FILES="/etc/ssl/openssl.cnf /etc/ssl/certs/ca-certificates.crt"

copy_with_libs() {
	local root=$1 prog=$2 lib
	mkdir -p "$root$(dirname "$prog")"
	cp -L "$prog" "$root$prog"
	{ ldd "$prog" 2>/dev/null || true; } | { grep -oE '/[^ ]+' || true; } |
	while read -r lib; do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

copy_module() {
	local root=$1 src=$2 rel dst
	rel=${src#"$mdir"/}
	dst=$root/lib/modules/$ver/${rel%.xz}
	[ -e "$dst" ] && return 0
	mkdir -p "$(dirname "$dst")"
	case "$src" in
	# busybox and some kmod builds cannot load compressed modules.
	*.xz) xz -dc "$src" > "$dst" ;;
	*.zst) zstd -qdc "$src" > "$dst" ;;
	*) cp "$src" "$dst" ;;
	esac
}

build_base() {
	local root=$base_root m a f
	rm -rf "$root"
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,root,lib/modules/"$ver"}
	ln -s lib "$root/lib64"

	cp /bin/busybox "$root/bin/busybox"
	for a in $("$root/bin/busybox" --list-full); do
		case "$a" in
		*/modprobe|*/insmod|*/rmmod|*/lsmod|*/depmod|*/modinfo) continue ;;
		esac
		[ -e "$root/$a" ] || ln -s /bin/busybox "$root/$a"
	done
	for f in $HOST_PROGS; do
		copy_with_libs "$root" "$f"
	done
	for f in $HOST_FILES; do
		[ -e "$f" ] || continue
		mkdir -p "$root$(dirname "$f")"
		cp -L "$f" "$root$f"
	done
	mkdir -p "$root/usr/lib/ssl"
	ln -sf /etc/ssl/openssl.cnf "$root/usr/lib/ssl/openssl.cnf"
	ln -sf /etc/ssl/certs "$root/usr/lib/ssl/certs"
	for a in modprobe insmod rmmod lsmod depmod modinfo; do
		ln -sf /bin/kmod "$root/sbin/$a"
	done

	for f in modules.order modules.builtin modules.builtin.modinfo; do
		[ -e "$mdir/$f" ] && cp "$mdir/$f" "$root/lib/modules/$ver/"
	done
	for d in $KMOD_DIRS; do
		[ -d "$mdir/$d" ] || continue
		find "$mdir/$d" -name '*.ko*' | while read -r f; do
			copy_module "$root" "$f"
		done
	done
	for m in $KMODS; do
		if ! /sbin/modprobe ${kmroot:+-d "$kmroot"} -S "$ver" --show-depends "$m" > "$vmdir/deps.$m" 2>/dev/null; then
			die "initramfs: module $m not available for $ver"
		fi
		grep -oE '/[^ ]+\.ko[^ ]*' "$vmdir/deps.$m" | while read -r f; do
			copy_module "$root" "$f"
		done
	done
	for m in $SHARE_KMODS; do
		/sbin/modprobe ${kmroot:+-d "$kmroot"} -S "$ver" --show-depends "$m" 2>/dev/null |
			{ grep -oE '/[^ ]+\.ko[^ ]*' || true; } | while read -r f; do
			copy_module "$root" "$f"
		done
	done
	/sbin/depmod -b "$root" "$ver"

	echo "tcplab" > "$root/etc/hostname"
	# Debian's tcpdump drops to the user tcpdump once it has its socket.
	printf '%s\n' "root:x:0:0:root:/root:/bin/sh" \
		"tcpdump:x:100:100:tcpdump:/nonexistent:/bin/false" > "$root/etc/passwd"
	printf '%s\n' "root:x:0:" "tcpdump:x:100:" > "$root/etc/group"
	(cd "$root" && find . | cpio -o -H newc --quiet) > "$base_cpio.tmp"
	mv "$base_cpio.tmp" "$base_cpio"
}

mkdir -p "$vmdir"
# The base depends only on the host's packages and this script.
stamp="$(sha1sum "$0" | cut -c1-12) $(stat -c %Y "$mdir/modules.dep") $(stat -c %Y /bin/busybox)"
if [ ! -f "$base_cpio" ] || [ "$(cat "$vmdir/base.stamp" 2>/dev/null)" != "$stamp" ]; then
	echo "  INITRD  base for $ver"
	build_base
	echo "$stamp" > "$vmdir/base.stamp"
fi

# Project part.
rm -rf "$proj_root"
mkdir -p "$proj_root"/{lib/tcplab,usr/bin,selftests}
cp "$BUILD/kmod/$ver/module/tcplab.ko" "$proj_root/lib/tcplab/"
cp "$TOP/scripts/guest/init" "$proj_root/init"
cp "$TOP/scripts/guest/run-tests" "$TOP/scripts/run-one.sh" "$proj_root/usr/bin/"
cp "$TOP/scripts/guest/demo" "$proj_root/usr/bin/tcplab-demo"
cp "$BUILD/guest-exit" "$proj_root/usr/bin/guest-exit"
if [ -d "$BUILD/selftests-install" ]; then
	cp -a "$BUILD/selftests-install/." "$proj_root/selftests/"
fi
if [ -d "$BUILD/userspace-install" ]; then
	cp -a "$BUILD/userspace-install/." "$proj_root/"
fi
# Shared libraries the project's programs need, if the base lacks them.
find "$proj_root/selftests" "$proj_root/usr/bin" -type f -perm -u+x | while read -r f; do
	{ ldd "$f" 2>/dev/null || true; } | { grep -oE '/[^ ]+' || true; } |
	while read -r lib; do
		[ -e "$base_root$lib" ] || [ -e "$proj_root$lib" ] && continue
		mkdir -p "$proj_root$(dirname "$lib")"
		cp -L "$lib" "$proj_root$lib"
	done
done
chmod +x "$proj_root/init"
(cd "$proj_root" && find . | cpio -o -H newc --quiet) > "$vmdir/project.cpio"
cat "$base_cpio" "$vmdir/project.cpio" > "$out"
