#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# preload_test: unmodified programs on tcplab through the LD_PRELOAD shim
# (/usr/lib/tcplab/libtcplab-preload.so), against Linux TCP across a veth
# pair: this namespace is 192.0.2.1, namespace $NS is 192.0.2.2.
#
# The tcplab side is a dynamically linked program run with the shim:
# nc.openbsd, curl, tcplab-mini-httpd.  The Linux side is busybox (nc,
# httpd, wget), statically linked, so LD_PRELOAD could not change it even
# by mistake.  Every transfer is checked by sha256sum, and each test checks
# that tcplab's ActiveOpens or PassiveOpens counter moved, so a shim that
# quietly left the program on Linux TCP fails.
#
# kselftest conventions: TAP output, exit 0 pass, 1 fail, 4 skip.
# Time limits below scale with the runner's factor (slower debug kernel).
TF=${TCPLAB_TIME_FACTOR:-1}
SHIM=/usr/lib/tcplab/libtcplab-preload.so
NS=tcplab-preload-peer
IP=/usr/sbin/ip
W=/tmp/preload_test
NC=$(command -v nc.openbsd)
CURL=$(command -v curl)
pass=0 fail=0 skip=0 num=0 pids=

echo "TAP version 13"

result() {	# result ok|fail|skip NAME [REASON]
	num=$((num + 1))
	case $1 in
	ok) pass=$((pass + 1)); echo "ok $num $2" ;;
	fail) fail=$((fail + 1)); echo "not ok $num $2${3:+ # $3}" ;;
	skip) skip=$((skip + 1)); echo "ok $num $2 # SKIP $3" ;;
	esac
}

finish() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	$IP netns del $NS 2>/dev/null
	echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
	[ $fail -gt 0 ] && exit 1
	[ $pass -eq 0 ] && exit 4
	exit 0
}

# The test VM always has what this test needs: when something is missing
# the image is broken, which is a failure, not a reason to skip.
setup_failed() {
	echo "1..1"
	echo "not ok 1 setup # $1"
	echo "# Totals: pass:0 fail:1 xfail:0 xpass:0 skip:0 error:0"
	exit 1
}

counter() {	# counter NAME: a counter of /proc/net/tcplab_stats (this namespace)
	sed -n "s/^$1: //p" /proc/net/tcplab_stats
}

# wait_listen lab|linux PORT: until a socket listens on PORT (10 s).
wait_listen() {
	hex=$(printf ':%04X ' "$2")
	i=0
	while [ $i -lt 100 ]; do
		if [ "$1" = lab ]; then
			grep -q ":$2 .* LISTEN " /proc/net/tcplab && return 0
		else
			# busybox nc -l listens on [::], which shows in tcp6.
			$IP netns exec $NS cat /proc/net/tcp /proc/net/tcp6 |
				grep -q "$hex.* 0A " && return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	echo "# nothing listens on port $2 ($1)"
	return 1
}

# same_file NAME A B: compare by hash, explain a difference.
same_file() {
	a=$(sha256sum < "$2" | cut -d' ' -f1)
	b=$(sha256sum < "$3" 2>/dev/null | cut -d' ' -f1)
	[ "$a" = "$b" ] && return 0
	echo "# $1: $3 differs: $(wc -c < "$3" 2>/dev/null) bytes, sha256 $b; want $(wc -c < "$2") bytes, sha256 $a"
	return 1
}

# counted NAME COUNTER BEFORE: did tcplab's COUNTER move since BEFORE?
counted() {
	now=$(counter "$2")
	[ "$now" -gt "$3" ] && return 0
	echo "# $1: tcplab $2 stayed at $now: the program did not use tcplab"
	return 1
}

[ -d /sys/module/tcplab ] || setup_failed "tcplab module not loaded"
[ -f $SHIM ] || setup_failed "no $SHIM"
[ -x $IP ] || setup_failed "no $IP"
if [ -z "$NC" ] || [ -z "$CURL" ]; then
	setup_failed "needs dynamically linked nc.openbsd and curl (scripts/initramfs.sh HOST_PROGS)"
fi
# Why not busybox: LD_PRELOAD cannot reach a static program.
grep -q 'ld-linux' /bin/busybox || echo "# busybox is statically linked: the tcplab side uses nc.openbsd and curl"

rm -rf $W
mkdir -p $W/www
head -c 4194304 /dev/urandom > $W/www/data.bin
[ -e /var/run ] || { mkdir -p /var && ln -s /run /var/run; }
/sbin/modprobe -q veth
$IP netns del $NS 2>/dev/null
if ! { $IP netns add $NS &&
	$IP link add plab0 type veth peer name plab1 netns $NS &&
	$IP addr add 192.0.2.1/24 dev plab0 && $IP link set plab0 up &&
	$IP -n $NS addr add 192.0.2.2/24 dev plab1 && $IP -n $NS link set plab1 up &&
	$IP -n $NS link set lo up; }; then
	$IP netns del $NS 2>/dev/null
	setup_failed "cannot set up the veth pair"
fi
echo "1..9"
# busybox nc -l quits at EOF on its stdin: give it one that never ends.
mkfifo $W/hold
exec 3<>$W/hold

# The shim makes tcplab sockets: a preloaded listener shows up in
#    /proc/net/tcplab; other families (AF_UNIX here) are left alone.
t=shim_turns_inet_into_tcplab
LD_PRELOAD=$SHIM $NC -l 192.0.2.1 5000 < /dev/null > /dev/null &
p=$!
if wait_listen lab 5000; then result ok $t; else result fail $t; fi
kill $p 2>/dev/null
wait $p 2>/dev/null

t=shim_leaves_unix_sockets_alone
# Connections of earlier tests may still be in TIME-WAIT here: let them
# end, so that the count below moves only if the shim made a socket.
i=0
while [ "$(counter Sockets)" != 0 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
socks=$(counter Sockets)
LD_PRELOAD=$SHIM $NC -U -l $W/sock > $W/unix.out < /dev/null &
p=$!
i=0
while [ ! -S $W/sock ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
echo "over unix" | LD_PRELOAD=$SHIM $NC -N -U $W/sock
wait $p
if [ "$(cat $W/unix.out)" = "over unix" ] && [ "$(counter Sockets)" = "$socks" ]; then
	result ok $t
else
	echo "# got '$(cat $W/unix.out)'; tcplab sockets $socks -> $(counter Sockets)"
	result fail $t
fi

# nc on tcplab -> busybox nc -l on Linux TCP.
t=nc_tcplab_client_to_linux_server
before=$(counter ActiveOpens)
$IP netns exec $NS busybox nc -l -p 5001 <&3 > $W/nc1.out &
p=$!
pids="$pids $p"
if wait_listen linux 5001 &&
   LD_PRELOAD=$SHIM timeout $((60 * TF)) $NC -N 192.0.2.2 5001 < $W/www/data.bin &&
   wait $p && same_file $t $W/www/data.bin $W/nc1.out &&
   counted $t ActiveOpens "$before"; then
	result ok $t
else
	result fail $t
fi

# busybox nc on Linux TCP -> nc -l on tcplab.
t=nc_linux_client_to_tcplab_server
before=$(counter PassiveOpens)
LD_PRELOAD=$SHIM timeout $((60 * TF)) $NC -l 192.0.2.1 5002 < /dev/null > $W/nc2.out &
p=$!
if wait_listen lab 5002 &&
   $IP netns exec $NS timeout $((60 * TF)) busybox nc 192.0.2.1 5002 < $W/www/data.bin &&
   wait $p && same_file $t $W/www/data.bin $W/nc2.out &&
   counted $t PassiveOpens "$before"; then
	result ok $t
else
	result fail $t
fi
kill $p 2>/dev/null

# curl on tcplab -> busybox httpd on Linux TCP.
$IP netns exec $NS busybox httpd -f -p 192.0.2.2:8080 -h $W/www &
pids="$pids $!"
t=curl_tcplab_from_linux_httpd
before=$(counter ActiveOpens)
if wait_listen linux 8080 &&
   LD_PRELOAD=$SHIM timeout $((60 * TF)) $CURL -sS -o $W/curl1.out http://192.0.2.2:8080/data.bin &&
   same_file $t $W/www/data.bin $W/curl1.out &&
   counted $t ActiveOpens "$before"; then
	result ok $t
else
	result fail $t
fi

# busybox wget on Linux TCP -> tcplab-mini-httpd on tcplab.
LD_PRELOAD=$SHIM tcplab-mini-httpd 8081 $W/www &
httpd=$!
pids="$pids $httpd"
t=wget_linux_from_tcplab_httpd
before=$(counter PassiveOpens)
if wait_listen lab 8081 &&
   $IP netns exec $NS timeout $((60 * TF)) busybox wget -q -O $W/wget1.out http://192.0.2.1:8081/data.bin &&
   same_file $t $W/www/data.bin $W/wget1.out &&
   counted $t PassiveOpens "$before"; then
	result ok $t
else
	result fail $t
fi

# tcplab at both ends: curl -> tcplab-mini-httpd, on loopback.
t=curl_tcplab_from_tcplab_httpd
before=$(counter PassiveOpens)
if LD_PRELOAD=$SHIM timeout $((60 * TF)) $CURL -sS -o $W/curl2.out http://127.0.0.1:8081/data.bin &&
   same_file $t $W/www/data.bin $W/curl2.out &&
   counted $t PassiveOpens "$before"; then
	result ok $t
else
	result fail $t
fi

# Without the module: Linux TCP and a note on stderr, once; or, with
# TCPLAB_PRELOAD_STRICT=1, no connection at all.
kill $httpd
wait $httpd 2>/dev/null
# Sockets of earlier tests may still be closing (in full runs on 6.12,
# for up to 20 s and more): list them, then wait up to 90 s.
list_sockets() {	# list_sockets TITLE: every namespace's, as TAP comments
	echo "# $1"
	sed 's/^/#   /' /sys/kernel/debug/tcplab/sockets 2>/dev/null
}
[ "$(counter SocketsAllNamespaces)" != 0 ] &&
	list_sockets "tcplab sockets left before unloading, every namespace:"
i=0
while [ "$(counter SocketsAllNamespaces)" != 0 ] && [ $i -lt 450 ]; do
	sleep 0.2
	i=$((i + 1))
done
if ! /sbin/rmmod tcplab; then
	list_sockets "tcplab sockets after $((i / 5)) s:"
	result fail fallback_to_linux_tcp "cannot unload tcplab"
	result fail strict_fails_without_module "cannot unload tcplab"
	finish
fi
t=fallback_to_linux_tcp
if LD_PRELOAD=$SHIM timeout $((60 * TF)) $CURL -sS -o $W/curl3.out http://192.0.2.2:8080/data.bin 2> $W/curl3.err &&
   same_file $t $W/www/data.bin $W/curl3.out &&
   [ "$(grep -c 'tcplab module not loaded; using Linux TCP' $W/curl3.err)" = 1 ]; then
	result ok $t
else
	cat $W/curl3.err
	result fail $t
fi
t=strict_fails_without_module
if TCPLAB_PRELOAD_STRICT=1 LD_PRELOAD=$SHIM timeout $((60 * TF)) $CURL -sS -o $W/curl4.out http://192.0.2.2:8080/data.bin 2> $W/curl4.err ||
   [ -s $W/curl4.out ]; then
	result fail $t "curl got through"
else
	result ok $t
fi
/sbin/insmod "${TCPLAB_KO:-/lib/tcplab/tcplab.ko}" ${TCPLAB_PARAMS:-} || result fail reload_tcplab

finish
