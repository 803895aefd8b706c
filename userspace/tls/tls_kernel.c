// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * tls_kernel.c - handing the keys to the kernel (kTLS UAPI, linux/tls.h).
 *
 * After the handshake GnuTLS knows, per direction, the AEAD key, the
 * static IV and the sequence number of the next record
 * (gnutls_record_get_state()).  The kernel wants them in a struct
 * tls12_crypto_info_<cipher>: { version, cipher_type, iv, key, salt,
 * rec_seq }.  How the IV splits depends on the version:
 *
 *   TLS 1.3, AES-GCM: the 12-byte IV is XORed with the sequence number
 *     (RFC 8446 5.3); the kernel keeps its first 4 bytes as "salt" and
 *     the last 8 as "iv".
 *   TLS 1.2, AES-GCM: nonce = 4-byte implicit salt (from the key block)
 *     + 8-byte explicit part sent in each record (RFC 5288 3); the kernel
 *     uses the sequence number as explicit part, so iv = rec_seq.
 *   ChaCha20-Poly1305 (both): a 12-byte IV, no salt (RFC 7905 2).
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/tls.h>

#include "tls_internal.h"

#ifndef SOL_TLS
#define SOL_TLS		282
#endif
#ifndef TCP_ULP
#define TCP_ULP		31
#endif

union ktls_info {
	struct tls_crypto_info hdr;
	struct tls12_crypto_info_aes_gcm_128 gcm128;
	struct tls12_crypto_info_aes_gcm_256 gcm256;
	struct tls12_crypto_info_chacha20_poly1305 chacha;
};

/* Fill @ci; returns its length for setsockopt(), 0 if @cipher_type is unknown. */
static socklen_t fill_info(union ktls_info *ci, unsigned int version,
			   unsigned int cipher_type, const uint8_t *key,
			   size_t key_len, const uint8_t *iv, size_t iv_len,
			   const uint8_t seq[8])
{
	uint8_t *civ, *ckey, *csalt, *cseq;
	socklen_t len;

	memset(ci, 0, sizeof(*ci));
	ci->hdr.version = version;
	ci->hdr.cipher_type = cipher_type;
	switch (cipher_type) {
	case TLS_CIPHER_AES_GCM_128:
		civ = ci->gcm128.iv;
		ckey = ci->gcm128.key;
		csalt = ci->gcm128.salt;
		cseq = ci->gcm128.rec_seq;
		len = sizeof(ci->gcm128);
		break;
	case TLS_CIPHER_AES_GCM_256:
		civ = ci->gcm256.iv;
		ckey = ci->gcm256.key;
		csalt = ci->gcm256.salt;
		cseq = ci->gcm256.rec_seq;
		len = sizeof(ci->gcm256);
		break;
	case TLS_CIPHER_CHACHA20_POLY1305:
		if (iv_len != 12 || key_len != 32)
			return 0;
		memcpy(ci->chacha.iv, iv, 12);
		memcpy(ci->chacha.key, key, 32);
		memcpy(ci->chacha.rec_seq, seq, 8);
		return sizeof(ci->chacha);
	default:
		return 0;
	}
	memcpy(ckey, key, key_len);
	memcpy(cseq, seq, 8);
	memcpy(csalt, iv, 4);
	if (version == TLS_1_3_VERSION && iv_len == 12)
		memcpy(civ, iv + 4, 8);
	else if (version == TLS_1_2_VERSION && iv_len == 4)
		memcpy(civ, seq, 8);
	else
		return 0;
	return len;
}

int tls_kernel_set(int fd, int dir, unsigned int version,
		   unsigned int cipher_type, const uint8_t *key, size_t key_len,
		   const uint8_t *iv, size_t iv_len, const uint8_t seq[8])
{
	union ktls_info ci;
	socklen_t len;
	int r;

	len = fill_info(&ci, version, cipher_type, key, key_len, iv, iv_len,
			seq);
	if (!len) {
		errno = EINVAL;
		return -1;
	}
	r = setsockopt(fd, SOL_TLS, dir, &ci, len);
	explicit_bzero(&ci, sizeof(ci));
	return r;
}

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* One direction from GnuTLS' state into the kernel. */
static int install_dir(struct tcplab_tls *t, bool read)
{
	gnutls_datum_t mac, iv, key;
	unsigned char seq[8];
	int r;

	r = gnutls_record_get_state(t->session, read, &mac, &iv, &key, seq);
	if (r)
		return tls_fail(TCPLAB_TLS_E_KERNEL,
				"cannot export the %s keys: %s",
				read ? "receive" : "transmit", gnutls_strerror(r));
	if (key.size != t->key_len)
		return tls_fail(TCPLAB_TLS_E_KERNEL, "unexpected key length %u",
				key.size);
	if (tls_kernel_set(t->fd, read ? TLS_RX : TLS_TX, t->version,
			   t->cipher_type, key.data, key.size, iv.data,
			   iv.size, seq))
		return tls_fail(TCPLAB_TLS_E_KERNEL,
				"setsockopt(SOL_TLS, %s): %s",
				read ? "TLS_RX" : "TLS_TX", strerror(errno));
	tls_log(t, "  %s: setsockopt(SOL_TLS, %s): %u-byte key, %u-byte IV, next record number %llu",
		read ? "receive " : "transmit", read ? "TLS_RX" : "TLS_TX",
		key.size, iv.size, (unsigned long long)be64(seq));
	return 0;
}

int tls_kernel_install(struct tcplab_tls *t)
{
	int r;

	tls_log(t, "Handing the keys to the kernel: setsockopt(SOL_TCP, TCP_ULP, \"tls\") attaches the TLS record layer to the socket;");
	if (setsockopt(t->fd, SOL_TCP, TCP_ULP, "tls", sizeof("tls")))
		return tls_fail(TCPLAB_TLS_E_KERNEL,
				"setsockopt(TCP_ULP, \"tls\"): %s (is kernel TLS available for this socket?)",
				strerror(errno));
	r = install_dir(t, false);
	if (!r)
		r = install_dir(t, true);
	if (r)
		return r;
	tls_log(t, "From now on the kernel encrypts every send() into TLS records and decrypts what arrives; this program only sees plaintext.");
	return 0;
}

/*
 * KeyUpdate needs a kernel that takes a second TLS_TX (Linux 6.14 and
 * later, tcplab's record layer): try it on a loopback connection.
 */
int tcplab_tls_kernel_can_rekey(int family)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	uint8_t key[16] = { 0 }, iv[12] = { 0 }, seq[8] = { 0 };
	int l, c = -1, s = -1, res = -1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(family, SOCK_STREAM, 0);
	if (l < 0)
		return -1;
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&a, &alen))
		goto out;
	c = socket(family, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)))
		goto out;
	s = accept(l, NULL, NULL);
	if (s < 0)
		goto out;
	if (setsockopt(c, SOL_TCP, TCP_ULP, "tls", sizeof("tls")) ||
	    tls_kernel_set(c, TLS_TX, TLS_1_3_VERSION, TLS_CIPHER_AES_GCM_128,
			   key, 16, iv, 12, seq))
		goto out;
	res = tls_kernel_set(c, TLS_TX, TLS_1_3_VERSION,
			     TLS_CIPHER_AES_GCM_128, key, 16, iv, 12, seq) == 0;
out:
	if (s >= 0)
		close(s);
	if (c >= 0)
		close(c);
	close(l);
	return res;
}
