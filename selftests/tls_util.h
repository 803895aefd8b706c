/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tls_util.h - helpers of the tls_* selftests: crypto_info buffers for
 * every (version, cipher) pair, installing kernel TLS the way Linux kTLS
 * users do (TCP_ULP "tls", then SOL_TLS TLS_TX / TLS_RX), records with a
 * content type (cmsg), and raw record parsing for readers without TLS.
 *
 * The same code drives AF_INET (Linux kTLS, the oracle) and AF_TCPLAB.
 */
#ifndef _TLS_UTIL_H
#define _TLS_UTIL_H

#include <linux/tls.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#ifndef SOL_TLS
#define SOL_TLS		282
#endif
#ifndef TCP_ULP
#define TCP_ULP		31
#endif
#ifndef EKEYEXPIRED
#define EKEYEXPIRED	127
#endif

#define TLS_HDR		5
#define TLS_MAX_PAYLOAD	16384
#define TLS_CT_ALERT	21
#define TLS_CT_HS	22
#define TLS_CT_DATA	23

/* Any struct tls12_crypto_info_*, and its length. */
struct tls_ci {
	union {
		struct tls_crypto_info info;
		struct tls12_crypto_info_aes_gcm_128 gcm128;
		struct tls12_crypto_info_aes_gcm_256 gcm256;
		struct tls12_crypto_info_aes_ccm_128 ccm128;
		struct tls12_crypto_info_chacha20_poly1305 chacha;
		unsigned char raw[64];
	} u;
	socklen_t len;
};

struct tls_suite {
	const char *name;
	uint16_t version, cipher;
};

static const struct tls_suite tls_suites[] = {
	{ "tls12_aes_gcm_128", TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_128 },
	{ "tls12_aes_gcm_256", TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_256 },
	{ "tls12_aes_ccm_128", TLS_1_2_VERSION, TLS_CIPHER_AES_CCM_128 },
	{ "tls12_chacha20", TLS_1_2_VERSION, TLS_CIPHER_CHACHA20_POLY1305 },
	{ "tls13_aes_gcm_128", TLS_1_3_VERSION, TLS_CIPHER_AES_GCM_128 },
	{ "tls13_aes_gcm_256", TLS_1_3_VERSION, TLS_CIPHER_AES_GCM_256 },
	{ "tls13_aes_ccm_128", TLS_1_3_VERSION, TLS_CIPHER_AES_CCM_128 },
	{ "tls13_chacha20", TLS_1_3_VERSION, TLS_CIPHER_CHACHA20_POLY1305 },
};

/* Bytes a record adds to its plaintext: header, nonce, tag, inner type. */
static inline int tls_overhead(uint16_t version, uint16_t cipher)
{
	int explicit_nonce = version == TLS_1_2_VERSION &&
			     cipher != TLS_CIPHER_CHACHA20_POLY1305 ? 8 : 0;

	return TLS_HDR + explicit_nonce + 16 +
	       (version == TLS_1_3_VERSION ? 1 : 0);
}

static inline void tls_put_be64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = v & 0xff;
}

/*
 * Keys derived from @seed (each direction of a test uses its own seed, so
 * a mix-up of TX and RX keys cannot pass), record sequence @seq.
 */
static inline void tls_ci_fill(struct tls_ci *ci, uint16_t version,
			       uint16_t cipher, unsigned int seed,
			       uint64_t seq)
{
	unsigned char *iv, *key, *salt, *rs;
	int ivl, keyl, saltl, i;

	memset(ci, 0, sizeof(*ci));
	ci->u.info.version = version;
	ci->u.info.cipher_type = cipher;
	switch (cipher) {
	case TLS_CIPHER_AES_GCM_128:
		ci->len = sizeof(ci->u.gcm128);
		iv = ci->u.gcm128.iv; key = ci->u.gcm128.key;
		salt = ci->u.gcm128.salt; rs = ci->u.gcm128.rec_seq;
		ivl = 8; keyl = 16; saltl = 4;
		break;
	case TLS_CIPHER_AES_GCM_256:
		ci->len = sizeof(ci->u.gcm256);
		iv = ci->u.gcm256.iv; key = ci->u.gcm256.key;
		salt = ci->u.gcm256.salt; rs = ci->u.gcm256.rec_seq;
		ivl = 8; keyl = 32; saltl = 4;
		break;
	case TLS_CIPHER_AES_CCM_128:
		ci->len = sizeof(ci->u.ccm128);
		iv = ci->u.ccm128.iv; key = ci->u.ccm128.key;
		salt = ci->u.ccm128.salt; rs = ci->u.ccm128.rec_seq;
		ivl = 8; keyl = 16; saltl = 4;
		break;
	default:
		ci->len = sizeof(ci->u.chacha);
		iv = ci->u.chacha.iv; key = ci->u.chacha.key;
		salt = NULL; rs = ci->u.chacha.rec_seq;
		ivl = 12; keyl = 32; saltl = 0;
		break;
	}
	for (i = 0; i < ivl; i++)
		iv[i] = (unsigned char)(seed * 31 + i * 7 + 1);
	for (i = 0; i < keyl; i++)
		key[i] = (unsigned char)(seed * 17 + i * 13 + 5);
	for (i = 0; i < saltl; i++)
		salt[i] = (unsigned char)(seed * 11 + i + 9);
	/* TLS 1.2 GCM/CCM: the explicit nonce starts at the sequence. */
	if (version == TLS_1_2_VERSION && ivl == 8)
		tls_put_be64(iv, seq);
	tls_put_be64(rs, seq);
}

static inline int tls_ulp(int fd)
{
	return setsockopt(fd, SOL_TCP, TCP_ULP, "tls", 4) ? -errno : 0;
}

static inline int tls_set(int fd, int dir, const struct tls_ci *ci)
{
	return setsockopt(fd, SOL_TLS, dir, &ci->u, ci->len) ? -errno : 0;
}

/* ULP, then TX keys of @tx_seed and RX keys of @rx_seed (-1: none). */
static inline int tls_install(int fd, uint16_t version, uint16_t cipher,
			      int tx_seed, int rx_seed)
{
	struct tls_ci ci;
	int err = tls_ulp(fd);

	if (err)
		return err;
	if (tx_seed >= 0) {
		tls_ci_fill(&ci, version, cipher, tx_seed, 0);
		err = tls_set(fd, TLS_TX, &ci);
		if (err)
			return err;
	}
	if (rx_seed >= 0) {
		tls_ci_fill(&ci, version, cipher, rx_seed, 0);
		err = tls_set(fd, TLS_RX, &ci);
	}
	return err;
}

/* send() of a record of content @type (cmsg TLS_SET_RECORD_TYPE). */
static inline ssize_t tls_send_type(int fd, unsigned char type,
				    const void *buf, size_t len, int flags)
{
	char cbuf[CMSG_SPACE(1)];
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	ssize_t n;

	memset(cbuf, 0, sizeof(cbuf));
	cmsg->cmsg_level = SOL_TLS;
	cmsg->cmsg_type = TLS_SET_RECORD_TYPE;
	cmsg->cmsg_len = CMSG_LEN(1);
	*CMSG_DATA(cmsg) = type;
	n = sendmsg(fd, &msg, flags);
	return n < 0 ? -errno : n;
}

/* recv() with room for the record type cmsg; *@type 0 if none came. */
static inline ssize_t tls_recv_type(int fd, void *buf, size_t len, int flags,
				    unsigned char *type)
{
	char cbuf[CMSG_SPACE(1)];
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg;
	ssize_t n = recvmsg(fd, &msg, flags);

	*type = 0;
	if (n < 0)
		return -errno;
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg))
		if (cmsg->cmsg_level == SOL_TLS &&
		    cmsg->cmsg_type == TLS_GET_RECORD_TYPE)
			*type = *CMSG_DATA(cmsg);
	return n;
}

/* Read exactly @len bytes (or fail after @ms of silence); -errno / count. */
static inline ssize_t tls_read_full(int fd, void *buf, size_t len, int ms)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, ms) <= 0)
			return got ? (ssize_t)got : -ETIMEDOUT;
		n = recv(fd, (char *)buf + got, len - got, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return got ? (ssize_t)got : -errno;
		if (n == 0)
			break;
		got += n;
	}
	return got;
}

/* Read whatever arrives until @ms of silence. */
static inline ssize_t tls_read_idle(int fd, void *buf, size_t cap, int ms)
{
	size_t got = 0;

	while (got < cap) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, ms) <= 0)
			break;
		n = recv(fd, (char *)buf + got, cap - got, MSG_DONTWAIT);
		if (n <= 0)
			break;
		got += n;
	}
	return got;
}

/*
 * Split raw wire bytes into records: types and lengths (of the body,
 * header excluded).  Returns the number of whole records, -1 if the
 * bytes do not end on a record boundary.
 */
static inline int tls_split(const unsigned char *p, size_t n,
			    unsigned char *types, unsigned int *lens, int max)
{
	size_t off = 0;
	int k = 0;

	while (off + TLS_HDR <= n && k < max) {
		unsigned int l = p[off + 3] << 8 | p[off + 4];

		if (off + TLS_HDR + l > n)
			return -1;
		types[k] = p[off];
		lens[k++] = l;
		off += TLS_HDR + l;
	}
	return off == n ? k : -1;
}

#endif /* _TLS_UTIL_H */
