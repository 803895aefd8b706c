#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tcplab-tls-pki DIR: make a throw-away test PKI in DIR with certtool
# (GnuTLS).  Made fresh at test time: no private key is ever committed.
#
#   ca.pem             root CA (the trust anchor; ca.key its key)
#   int.pem            intermediate CA, signed by the root
#   server.pem         server (ECDSA P-256) signed by the intermediate:
#                      DNS server.test, localhost; IP 192.0.2.1-4, 127.0.0.1
#   server-chain.pem   server.pem + int.pem (what a server presents)
#   server-rsa*        the same with an RSA key (TLS 1.2 ECDHE-RSA suites)
#   client*.pem        client certificate (mutual TLS), signed by the intermediate
#   bad cases, each NAME.pem/NAME.key/NAME-chain.pem with the good names:
#     server-expired   notAfter in the past
#     server-notyet    notBefore in the future
#     server-wrongname names wrong.test / 198.51.100.7 only
#     server-self      self-signed
#     server-untrusted signed by another root (other-ca.pem, not trusted)
#     server-revoked   listed in crl.pem
#     server-clientonly  extendedKeyUsage says TLS client only
#     server-notca     signed by server.pem, an end entity (CA:FALSE);
#                      its chain: server-notca, server, int
#     server-cnonly    CN server.test, but subjectAltName wrong.test only
#     server-wildcard  *.wild.test only
#     server-critext   an unknown extension, marked critical
#     client-expired, client-self, client-untrusted, client-revoked
#   crl.pem            the intermediate's CRL: server-revoked, client-revoked
#   ca-bundle.pem      root + intermediate (for tools that want both)
set -eu
dir=${1:?usage: tcplab-tls-pki DIR}
mkdir -p "$dir"
cd "$dir"
CT=${CERTTOOL:-certtool}
now=$(date +%s)
day=86400

# stamp SECONDS_FROM_NOW: a date certtool understands.
stamp() {
	date -u -d "@$((now + $1))" '+%Y-%m-%d %H:%M:%S'
}

key() {	# key NAME [rsa]
	if [ "${2:-}" = rsa ]; then
		$CT --generate-privkey --key-type=rsa --bits=2048 --no-text \
			--outfile "$1.key" 2>/dev/null
	else
		$CT --generate-privkey --key-type=ecdsa --no-text \
			--outfile "$1.key" 2>/dev/null
	fi
}

serial=1
# Validity of the next certificate, in seconds from now.
ACT=$((-day))
EXP=$((30 * day))
valid() {	# valid FROM UNTIL (seconds from now), for the next cert only
	ACT=$1
	EXP=$2
}
# cert NAME ISSUER|self TEMPLATE-LINES...: sign NAME.key into NAME.pem.
cert() {
	name=$1 issuer=$2
	shift 2
	serial=$((serial + 1))
	{
		echo "serial = $serial"
		echo "activation_date = \"$(stamp "$ACT")\""
		echo "expiration_date = \"$(stamp "$EXP")\""
		for l in "$@"; do echo "$l"; done
	} > "$name.tmpl"
	if [ "$issuer" = self ]; then
		$CT --generate-self-signed --load-privkey "$name.key" \
			--template "$name.tmpl" --no-text --outfile "$name.pem" 2>/dev/null
	else
		$CT --generate-certificate --load-privkey "$name.key" \
			--load-ca-certificate "$issuer.pem" \
			--load-ca-privkey "$issuer.key" \
			--template "$name.tmpl" --no-text --outfile "$name.pem" 2>/dev/null
	fi
	rm -f "$name.tmpl"
	ACT=$((-day))
	EXP=$((30 * day))
	if [ "$issuer" = self ]; then
		cp "$name.pem" "$name-chain.pem"
	elif [ -f "$issuer-chain.pem" ] && [ "$issuer" != ca ] && [ "$issuer" != other-ca ]; then
		cat "$name.pem" "$issuer-chain.pem" > "$name-chain.pem"
	else
		cat "$name.pem" > "$name-chain.pem"
	fi
}

SERVER_NAMES='dns_name = "server.test"
dns_name = "localhost"
ip_address = "192.0.2.1"
ip_address = "192.0.2.2"
ip_address = "192.0.2.3"
ip_address = "192.0.2.4"
ip_address = "127.0.0.1"'

# server NAME ISSUER [rsa]: a TLS server leaf with the good names.
server() {
	key "$1" "${3:-}"
	cert "$1" "$2" 'cn = "server.test"' "$SERVER_NAMES" tls_www_server \
		signing_key encryption_key
}

client() {	# client NAME ISSUER
	key "$1"
	cert "$1" "$2" 'cn = "'"$1"'"' 'email = "learner@client.test"' \
		tls_www_client signing_key
}

# Roots and intermediate.
key ca
cert ca self 'cn = "tcplab test root CA"' ca cert_signing_key crl_signing_key
rm -f ca-chain.pem
key int
cert int ca 'cn = "tcplab test intermediate CA"' ca cert_signing_key crl_signing_key
cp int.pem int-chain.pem
key other-ca
cert other-ca self 'cn = "some other root CA (not trusted)"' ca cert_signing_key crl_signing_key
rm -f other-ca-chain.pem
cat ca.pem int.pem > ca-bundle.pem

# Good ones.
server server int
server server-rsa int rsa
client client int

# Bad ones.
valid $((-30 * day)) $((-day))
server server-expired int
valid $((10 * day)) $((40 * day))
server server-notyet int
key server-wrongname
cert server-wrongname int 'cn = "wrong.test"' 'dns_name = "wrong.test"' \
	'ip_address = "198.51.100.7"' tls_www_server signing_key
server server-self self
server server-untrusted other-ca
server server-revoked int
key server-clientonly
cert server-clientonly int 'cn = "server.test"' 'dns_name = "server.test"' \
	'ip_address = "192.0.2.1"' 'ip_address = "192.0.2.2"' \
	'ip_address = "127.0.0.1"' tls_www_client signing_key
key server-notca
cert server-notca server 'cn = "server.test"' "$SERVER_NAMES" tls_www_server \
	signing_key
key server-cnonly
cert server-cnonly int 'cn = "server.test"' 'dns_name = "wrong.test"' \
	tls_www_server signing_key
key server-wildcard
cert server-wildcard int 'cn = "*.wild.test"' 'dns_name = "*.wild.test"' \
	tls_www_server signing_key
key server-critext
cert server-critext int 'cn = "server.test"' "$SERVER_NAMES" tls_www_server \
	signing_key 'add_critical_extension = "2.25.329800735698586629295641978511506172918 0x0500"'
valid $((-30 * day)) $((-day))
client client-expired int
client client-self self
client client-untrusted other-ca
client client-revoked int

cat server-revoked.pem client-revoked.pem > revoked-list.pem
{
	echo "crl_next_update = 30"
	echo "crl_number = 1"
} > crl.tmpl
$CT --generate-crl --load-ca-privkey int.key --load-ca-certificate int.pem \
	--load-certificate revoked-list.pem --template crl.tmpl --no-text \
	--outfile crl.pem 2>/dev/null
rm -f crl.tmpl revoked-list.pem
echo "tcplab-tls-pki: test PKI in $(pwd)"
