#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tls_helper_interop_test_inet / tls_helper_interop_test_tcplab: tcplab-tls (GnuTLS
# handshake, records in the kernel) against TLS programs nobody here
# wrote, across a veth pair.  This namespace (192.0.2.1) runs tcplab-tls
# on the family named by this script's name (or TLS_TEST_FAMILY); the
# peer namespace $NS (192.0.2.2) runs OpenSSL and GnuTLS on Linux TCP.
#
#   client_{gnutls,openssl}_SUITE   tcplab-tls connect -> gnutls-serv --echo
#                                   / openssl s_server
#   server_{openssl,gnutls}_SUITE   openssl s_client / gnutls-cli ->
#                                   tcplab-tls serve (echo)
#   mutual_*                        client certificates, both directions
#   cli_*                           exit codes and -v narration
#   curl_*                          curl over the preload shim (tcplab)
#                                   and openssl s_server -WWW
#   keyupdate_*                     TLS 1.3 KeyUpdate both ways (kernels
#                                   that can rekey; skipped otherwise)
#
# Every suite with every peer moves 256 KiB each way; one TLS 1.3 and one
# TLS 1.2 suite ($BIG_SUITES) move >= 4 MiB each way with every peer
# (gnutls-cli: the TLS 1.3 one only).  The VM emulates the CPU: the full
# matrix at 4 MiB would not fit the 300 s a test program may take.
# Data is base64 text (gnutls-serv's echo is line oriented), checked by
# sha256; each test also checks that the suite asked for was negotiated.
#
# kselftest conventions: TAP output, exit 0 pass, 1 fail, 4 skip.
name=$(basename "$0")
case "${TLS_TEST_FAMILY:-$name}" in
*tcplab) FAM=tcplab ;;
*) FAM=inet ;;
esac
# Time limits below scale with the runner's factor (slower debug kernel).
TF=${TCPLAB_TIME_FACTOR:-1}
IP=/usr/sbin/ip
NS=tcplab-tlsio
W=/tmp/tls_interop_$FAM
PKI=$W/pki
SHIM=/usr/lib/tcplab/libtcplab-preload.so
A=192.0.2.1
B=192.0.2.2
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
	touch $W/stop
	$IP netns del $NS 2>/dev/null
	echo "1..$num"
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

# wait_listen here|peer PORT: until something listens on PORT (10 s).
wait_listen() {
	hex=$(printf ':%04X ' "$2")
	i=0
	while [ $i -lt 100 ]; do
		if [ "$1" = here ] && [ $FAM = tcplab ]; then
			grep -q ":$2 .* LISTEN " /proc/net/tcplab && return 0
		elif [ "$1" = here ]; then
			grep -q "$hex.* 0A " /proc/net/tcp && return 0
		else
			$IP netns exec $NS cat /proc/net/tcp /proc/net/tcp6 |
				grep -q "$hex.* 0A " && return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	echo "# nothing listens on port $2 ($1)"
	return 1
}

# wait_size FILE BYTES SECS: until FILE has BYTES (the peer's data is all
# here), so that stdin may end without cutting the reply short.
wait_size() {
	i=0
	while [ $i -lt $(($3 * 10)) ]; do
		[ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -ge "$2" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 0
}

# wait_exit PID SECS: let a peer finish, else kill it.
wait_exit() {
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt $(($2 * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# same_file NAME WANT GOT: compare by hash, explain a difference.
same_file() {
	a=$(sha256sum < "$2" | cut -d' ' -f1)
	b=$(sha256sum < "$3" 2>/dev/null | cut -d' ' -f1)
	[ "$a" = "$b" ] && return 0
	echo "# $1: $3: $(wc -c < "$3" 2>/dev/null) bytes, sha256 $b; want $(wc -c < "$2") bytes, sha256 $a"
	return 1
}

# negotiated NAME LOG SUITE: tcplab-tls -v names SUITE as the one in use.
negotiated() {
	grep -q "tcplab-tls: TLS 1.[23], $3, group" "$2" && return 0
	echo "# $1: $3 not negotiated:"
	sed 's/^/#   /' "$2" | tail -n 15
	return 1
}

wait_line() {	# wait_line FILE PATTERN SECONDS: until a line of FILE matches
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null && [ $i -lt $(($3 * TF * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

show() {	# show FILE...: the tail of logs, as TAP comments
	for f in "$@"; do
		[ -s "$f" ] && sed "s|^|#   $(basename "$f"): |" "$f" | tail -n 12
	done
}

cert_for() {	# the server certificate a suite needs
	case $1 in
	*_RSA_*) echo server-rsa ;;
	*) echo server ;;
	esac
}

LAB=tcplab-tls
BIG_SUITES="TLS_CHACHA20_POLY1305_SHA256 TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"
SUITES13="TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256"
SUITES12="TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"

for p in $IP openssl gnutls-serv gnutls-cli certtool tcplab-tls tcplab-tls-pki; do
	command -v $p > /dev/null || setup_failed "no $p"
done
if [ $FAM = tcplab ]; then
	[ -d /sys/module/tcplab ] || setup_failed "tcplab module not loaded"
fi
/sbin/modprobe -q tls
probe=$($LAB -f $FAM probe) || setup_failed "no kernel TLS for $FAM sockets: $probe"
echo "# $probe"
case $probe in
*"KeyUpdate (new keys on a live socket) yes"*) REKEY=yes ;;
*) REKEY=no ;;
esac

rm -rf $W
mkdir -p $W/www
tcplab-tls-pki $PKI > /dev/null || setup_failed "cannot make the test PKI"
# >= 4 MiB of text each way, and 256 KiB.
head -c 3145728 /dev/urandom | base64 > $W/a.txt
head -c 3145728 /dev/urandom | base64 > $W/b.txt
head -c 196608 /dev/urandom | base64 > $W/sa.txt
head -c 196608 /dev/urandom | base64 > $W/sb.txt
SIZE=$(stat -c %s $W/a.txt)
SSIZE=$(stat -c %s $W/sa.txt)

# data_for SUITE: DA, DB (what the client / the server sends), DSIZE.
data_for() {
	case " $BIG_SUITES " in
	*" $1 "*) DA=$W/a.txt DB=$W/b.txt ;;
	*) DA=$W/sa.txt DB=$W/sb.txt ;;
	esac
	DSIZE=$(stat -c %s $DA)
	T0=$(date +%s)
}

took() {	# a TAP comment with the seconds since data_for
	echo "# $1: $(stat -c %s $DA) bytes each way, $(($(date +%s) - T0)) s"
}
cp $W/a.txt $W/www/data.txt
[ -e /var/run ] || { mkdir -p /var && ln -s /run /var/run; }
/sbin/modprobe -q veth
$IP netns del $NS 2>/dev/null
if ! { $IP netns add $NS &&
	$IP link add tlio0 type veth peer name tlio1 netns $NS &&
	$IP addr add $A/24 dev tlio0 && $IP link set tlio0 up &&
	$IP -n $NS addr add $B/24 dev tlio1 && $IP -n $NS link set tlio1 up &&
	$IP -n $NS link set lo up; }; then
	$IP netns del $NS 2>/dev/null
	setup_failed "cannot set up the veth pair"
fi
PEER="$IP netns exec $NS"
# Each family its own ports: the _inet run's servers leave Linux TIME-WAIT
# sockets behind for 60 s (tcplab may rebind over them with SO_REUSEADDR,
# as api_sockopt_test checks, but a test should not depend on that).
port=6000
[ $FAM = tcplab ] && port=7000

# ---- tcplab-tls connect -> gnutls-serv --echo (one per key type) ----
$PEER gnutls-serv --echo --crlf -p 5001 --x509certfile=$PKI/server-chain.pem \
	--x509keyfile=$PKI/server.key > $W/gs-ecdsa.log 2>&1 &
pids="$pids $!"
$PEER gnutls-serv --echo --crlf -p 5002 --x509certfile=$PKI/server-rsa-chain.pem \
	--x509keyfile=$PKI/server-rsa.key > $W/gs-rsa.log 2>&1 &
pids="$pids $!"
wait_listen peer 5001
wait_listen peer 5002

for s in $SUITES13 $SUITES12; do
	t=client_gnutls_$s
	data_for $s
	gp=5001
	[ "$(cert_for $s)" = server-rsa ] && gp=5002
	rm -f $W/out
	if { cat $DA; wait_size $W/out $DSIZE 120; } |
	   timeout $((180 * TF)) $LAB -f $FAM -v -c $PKI/ca.pem --cipher $s connect $B:$gp \
		> $W/out 2> $W/err &&
	   same_file $t $DA $W/out && negotiated $t $W/err $s; then
		took $t
		result ok $t
	else
		show $W/err
		result fail $t
	fi
done

# ---- tcplab-tls connect -> openssl s_server (each side sends its file) ----
for s in $SUITES13 $SUITES12; do
	t=client_openssl_$s
	data_for $s
	c=$(cert_for $s)
	port=$((port + 1))
	rm -f $W/outA $W/outB $W/stop
	{ cat $DB; while [ ! -e $W/stop ]; do sleep 0.2; done; } |
		$PEER openssl s_server -quiet -naccept 1 -accept $B:$port \
		-cert $PKI/$c.pem -cert_chain $PKI/int.pem -key $PKI/$c.key \
		> $W/outA 2> $W/srv.log &
	sp=$!
	ok=no
	if wait_listen peer $port &&
	   { cat $DA; wait_size $W/outB $DSIZE 120; } |
	   timeout $((180 * TF)) $LAB -f $FAM -v -c $PKI/ca.pem --cipher $s connect $B:$port \
		> $W/outB 2> $W/err; then
		# s_server's stdin may end now (a job ends when all of it does).
		touch $W/stop
		wait_exit $sp 10
		same_file $t $DB $W/outB && same_file $t $DA $W/outA &&
			negotiated $t $W/err $s && ok=yes
	fi
	touch $W/stop
	wait_exit $sp 5
	if [ $ok = yes ]; then
		took $t
		result ok $t
	else
		echo "# sizes: outA $(stat -c %s $W/outA) outB $(stat -c %s $W/outB)"
		show $W/err $W/srv.log
		result fail $t
	fi
done

# ---- openssl s_client / gnutls-cli -> tcplab-tls serve (echo) ----
# serve_start SUITE [OPTIONS]: our echo server for one connection.
serve_start() {
	port=$((port + 1))
	c=$(cert_for $1)
	s=$1
	shift
	$LAB -f $FAM -v serve $port -1 -b $A --cipher $s \
		--cert $PKI/$c-chain.pem --key $PKI/$c.key "$@" 2> $W/srv.err &
	sp=$!
	wait_listen here $port
}

for s in $SUITES13 $SUITES12; do
	t=server_openssl_$s
	data_for $s
	rm -f $W/out
	serve_start $s
	if { cat $DA; wait_size $W/out $DSIZE 120; } |
	   timeout $((180 * TF)) $PEER openssl s_client -quiet -no_ign_eof -nocommands \
		-connect $A:$port -CAfile $PKI/ca.pem -verify_return_error \
		-verify_ip $A > $W/out 2> $W/cli.log &&
	   same_file $t $DA $W/out && { wait_exit $sp 10; true; } &&
	   negotiated $t $W/srv.err $s; then
		took $t
		result ok $t
	else
		show $W/srv.err $W/cli.log
		result fail $t
	fi
	wait_exit $sp 1
done

for s in $SUITES13 $SUITES12; do
	t=server_gnutls_$s
	data_for $s
	# gnutls-cli needs ~35 s for 4 MiB each way in the VM: one suite.
	[ $s = TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 ] &&
		DA=$W/sa.txt DSIZE=$SSIZE
	rm -f $W/out
	serve_start $s
	if { cat $DA; wait_size $W/out $DSIZE 120; } |
	   timeout $((180 * TF)) $PEER gnutls-cli --x509cafile=$PKI/ca.pem -p $port $A \
		--logfile=$W/cli.log > $W/out &&
	   same_file $t $DA $W/out && { wait_exit $sp 10; true; } &&
	   negotiated $t $W/srv.err $s; then
		took $t
		result ok $t
	else
		show $W/srv.err $W/cli.log
		result fail $t
	fi
	wait_exit $sp 1
done

# ---- mutual TLS ----
t=mutual_client_cert_to_gnutls_serv
$PEER gnutls-serv --echo --crlf -p 5003 --require-client-cert \
	--x509cafile=$PKI/ca.pem --x509certfile=$PKI/server-chain.pem \
	--x509keyfile=$PKI/server.key > $W/gs-mutual.log 2>&1 &
pids="$pids $!"
wait_listen peer 5003
rm -f $W/out
if { cat $W/sa.txt; wait_size $W/out $SSIZE 120; } |
   timeout $((180 * TF)) $LAB -f $FAM -v -c $PKI/ca.pem --cert $PKI/client-chain.pem \
	--key $PKI/client.key connect $B:5003 > $W/out 2> $W/err &&
   same_file $t $W/sa.txt $W/out; then
	result ok $t
else
	show $W/err $W/gs-mutual.log
	result fail $t
fi

for v in 1.3 1.2; do
	t=mutual_openssl_client_cert_tls$v
	rm -f $W/out
	# The suite pins the version.
	s=TLS_AES_128_GCM_SHA256
	[ $v = 1.2 ] && s=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
	serve_start $s -m -c $PKI/ca.pem --crl $PKI/crl.pem
	if { cat $W/sa.txt; wait_size $W/out $SSIZE 120; } |
	   timeout $((180 * TF)) $PEER openssl s_client -quiet -no_ign_eof -nocommands \
		-connect $A:$port -CAfile $PKI/ca.pem -verify_return_error \
		-verify_ip $A -cert $PKI/client.pem -cert_chain $PKI/int.pem \
		-key $PKI/client.key > $W/out 2> $W/cli.log &&
	   same_file $t $W/sa.txt $W/out &&
	   grep -q 'The client sent a chain of 2' $W/srv.err &&
	   grep -q 'Check 5, revocation: .*: ok' $W/srv.err; then
		result ok $t
	else
		show $W/srv.err $W/cli.log
		result fail $t
	fi
	wait_exit $sp 5
done

# A client certificate the server does not trust: our server says why
# (exit code 11 from the one connection it serves).
t=mutual_refuses_untrusted_client_cli
serve_start TLS_AES_128_GCM_SHA256 -m -c $PKI/ca.pem
timeout $((60 * TF)) $PEER openssl s_client -quiet -no_ign_eof -nocommands \
	-connect $A:$port -CAfile $PKI/ca.pem -cert $PKI/client-untrusted.pem \
	-key $PKI/client-untrusted.key < /dev/null > /dev/null 2> $W/cli.log
wait $sp
rc=$?
if [ $rc = 11 ] && grep -q 'refused: untrusted issuer' $W/srv.err; then
	result ok $t
else
	echo "# exit $rc"
	show $W/srv.err
	result fail $t
fi

# ---- the CLI: exit codes, one-line reasons, -v narration ----
# cli_refuse NAME CERT CHAIN EXPECT_RC EXPECT_TEXT [CLIENT OPTIONS]
cli_refuse() {
	port=$((port + 1))
	$PEER openssl s_server -quiet -naccept 1 -accept $B:$port \
		-cert $PKI/$2.pem -cert_chain $PKI/$3 -key $PKI/$2.key \
		< /dev/null > /dev/null 2>&1 &
	sp=$!
	n=$1 rc_want=$4 text=$5
	shift 5
	wait_listen peer $port
	timeout $((60 * TF)) $LAB -f $FAM -v -c $PKI/ca.pem --crl $PKI/crl.pem "$@" \
		connect $B:$port < /dev/null > /dev/null 2> $W/err
	rc=$?
	if [ $rc = "$rc_want" ] && grep -q "^tcplab-tls: refused: $text" $W/err &&
	   grep -q 'No key was given to the kernel' $W/err; then
		result ok $n
	else
		echo "# exit $rc, want $rc_want"
		show $W/err
		result fail $n
	fi
	wait_exit $sp 2
}
cli_refuse cli_expired server-expired int.pem 12 "expired"
cli_refuse cli_not_yet_valid server-notyet int.pem 13 "not yet valid"
cli_refuse cli_name_mismatch server int.pem 14 "name mismatch" -n wrong.test
cli_refuse cli_self_signed server-self server-self.pem 15 "self-signed"
cli_refuse cli_untrusted server-untrusted other-ca.pem 11 "untrusted issuer"
cli_refuse cli_revoked server-revoked int.pem 16 "revoked"

t=cli_verbose_explains_checks
port=$((port + 1))
$PEER openssl s_server -quiet -naccept 1 -accept $B:$port -cert $PKI/server.pem \
	-cert_chain $PKI/int.pem -key $PKI/server.key < /dev/null > /dev/null 2>&1 &
sp=$!
wait_listen peer $port
echo hi | timeout $((60 * TF)) $LAB -f $FAM -v -c $PKI/ca.pem -n server.test \
	connect $B:$port > /dev/null 2> $W/err
ok=yes
for want in "subject: CN=server.test" "issued by: CN=tcplab test intermediate CA" \
	"valid from" "names (subjectAltName): DNS:server.test" \
	"Check 1, chain: .*: ok" "Check 2, dates: .*: ok" \
	"Check 3, name: \"server.test\" .*: ok" "Key agreement: ECDHE on group" \
	"setsockopt(SOL_TLS, TLS_TX)" "setsockopt(SOL_TLS, TLS_RX)"; do
	grep -q "$want" $W/err || { echo "# -v lacks: $want"; ok=no; }
done
wait_exit $sp 2
if [ $ok = yes ]; then result ok $t; else show $W/err; result fail $t; fi

# ---- curl and openssl s_server -WWW, on tcplab through the shim ----
PRE=
[ $FAM = tcplab ] && PRE="env LD_PRELOAD=$SHIM"
t=curl_${FAM}_from_openssl_www
port=$((port + 1))
(cd $W/www && exec $PEER openssl s_server -quiet -WWW -http_server_binmode \
	-accept $B:$port -cert $PKI/server.pem -cert_chain $PKI/int.pem \
	-key $PKI/server.key < /dev/null > $W/www.log 2>&1) &
sp=$!
before=$(sed -n 's/^ActiveOpens: //p' /proc/net/tcplab_stats 2>/dev/null)
if wait_listen peer $port &&
   timeout $((120 * TF)) $PRE curl -sS --cacert $PKI/ca.pem -o $W/curl.out \
	https://$B:$port/data.txt 2> $W/curl.err &&
   same_file $t $W/a.txt $W/curl.out &&
   { [ $FAM = inet ] ||
     [ "$(sed -n 's/^ActiveOpens: //p' /proc/net/tcplab_stats)" -gt "$before" ]; }; then
	result ok $t
else
	show $W/curl.err $W/www.log
	result fail $t
fi
wait_exit $sp 0

t=openssl_www_on_${FAM}_to_curl
port=$((port + 1))
(cd $W/www && exec $PRE openssl s_server -quiet -WWW -http_server_binmode \
	-accept $A:$port -cert $PKI/server.pem -cert_chain $PKI/int.pem \
	-key $PKI/server.key < /dev/null > $W/www.log 2>&1) &
sp=$!
if wait_listen here $port &&
   timeout $((120 * TF)) $PEER curl -sS --cacert $PKI/ca.pem -o $W/curl.out \
	https://$A:$port/data.txt 2> $W/curl.err &&
   same_file $t $W/a.txt $W/curl.out; then
	result ok $t
else
	show $W/curl.err $W/www.log
	result fail $t
fi
wait_exit $sp 0

# ---- TLS 1.3 KeyUpdate through the kernel ----
if [ $REKEY = no ]; then
	result skip keyupdate_client_sends "$probe"
	result skip keyupdate_server_answers_request "$probe"
	finish
fi

# Our client rekeys after 1 MiB; openssl must keep decrypting.
t=keyupdate_client_sends
port=$((port + 1))
rm -f $W/outA $W/outB $W/stop
{ cat $W/b.txt; while [ ! -e $W/stop ]; do sleep 0.2; done; } |
	$PEER openssl s_server -quiet -naccept 1 -accept $B:$port \
	-cert $PKI/server.pem -cert_chain $PKI/int.pem -key $PKI/server.key \
	> $W/outA 2> $W/srv.log &
sp=$!
ok=no
if wait_listen peer $port &&
   { cat $W/a.txt; wait_size $W/outB $SIZE 120; } |
   timeout $((180 * TF)) $LAB -f $FAM -v -c $PKI/ca.pem --rekey-after 1048576 \
	connect $B:$port > $W/outB 2> $W/err; then
	touch $W/stop
	wait_exit $sp 10
	same_file $t $W/b.txt $W/outB && same_file $t $W/a.txt $W/outA &&
		grep -q 'key updates: [1-9][0-9]* sent' $W/err && ok=yes
fi
touch $W/stop
wait_exit $sp 1
if [ $ok = yes ]; then result ok $t; else show $W/err $W/srv.log; result fail $t; fi

# s_client's "K" command: KeyUpdate asking us to update too.  Our server
# installs the next receive key, answers with its own KeyUpdate, and the
# echo keeps flowing both ways.
t=keyupdate_server_answers_request
rm -f $W/out $W/cli.log
serve_start TLS_AES_128_GCM_SHA256
# s_client takes "K" as a command only at the start of what one read
# returns: each line goes once the one before it has taken effect, or a
# slow guest reads "before\nK\n" at once and sends K as data.
{ echo before; wait_line $W/out '^before' 30; echo K
  wait_line $W/cli.log KEYUPDATE 30; echo after; wait_line $W/out '^after' 30; sleep 1; } |
	timeout $((60 * TF)) $PEER openssl s_client -connect $A:$port -CAfile $PKI/ca.pem \
	-verify_return_error -verify_ip $A > $W/out 2> $W/cli.log
wait_exit $sp 5
if grep -q '^before' $W/out && grep -q '^after' $W/out &&
   grep -q 'key updates: [1-9][0-9]* sent, [1-9][0-9]* received' $W/srv.err; then
	result ok $t
else
	show $W/srv.err $W/out
	result fail $t
fi

finish
