/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tls_internal.h - what the files of libtcplab-tls share.
 *
 *   tls_handshake.c  GnuTLS session set-up, the handshake, results
 *   tls_verify.c     certificate checks and their narration
 *   tls_kernel.c     key hand-off: struct tls12_crypto_info_* and setsockopt
 *   tls_keyupdate.c  TLS 1.3 KeyUpdate: next secrets, rekey, control records
 */
#ifndef _TLS_INTERNAL_H
#define _TLS_INTERNAL_H

#include <gnutls/gnutls.h>

#include "tcplab_tls.h"

#define TLS_MAX_SECRET	48	/* SHA-384 */
#define TLS_MAX_KEY	32
#define TLS_IV_LEN	12	/* RFC 8446 5.3: per-record nonce length */
#define TLS_RECORD_MAX	(16384 + 256)

/* Record content types (RFC 8446 5.1). */
#define TLS_CT_ALERT		21
#define TLS_CT_HANDSHAKE	22
#define TLS_CT_DATA		23

/* Handshake message types (RFC 8446 4). */
#define TLS_HS_NEW_SESSION_TICKET	4
#define TLS_HS_KEY_UPDATE		24

struct tcplab_tls {
	int fd;
	bool is_server;
	const struct tcplab_tls_config *cfg;	/* during the handshake only */
	gnutls_session_t session;
	gnutls_certificate_credentials_t cred;

	/* Negotiated. */
	unsigned int version;		/* TLS_1_2_VERSION / TLS_1_3_VERSION */
	unsigned int cipher_type;	/* TLS_CIPHER_* of linux/tls.h */
	size_t key_len;
	bool sha384;			/* the suite's hash */
	const char *version_name, *cipher_name, *group_name;

	/* TLS 1.3 application traffic secrets, for KeyUpdate (RFC 8446 7.2). */
	uint8_t secret_tx[TLS_MAX_SECRET], secret_rx[TLS_MAX_SECRET];
	size_t secret_len;
	bool have_secrets;
	unsigned int rekeys_tx, rekeys_rx;
	bool update_owed;		/* the peer asked; ours is not out yet */
	int can_rekey;			/* probe's answer; 0 not asked yet */

	/* Certificate check result (tls_verify.c). */
	int verify_result;

	/* Plaintext read but not yet returned. */
	uint8_t *pend;
	size_t pend_off, pend_len;
	uint8_t rbuf[TLS_RECORD_MAX];
};

/* tls_handshake.c */
void tls_log(struct tcplab_tls *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int tls_fail(int result, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* tls_verify.c */
int tls_verify_peer(gnutls_session_t session);

/* tls_kernel.c */
int tls_kernel_install(struct tcplab_tls *t);
int tls_kernel_set(int fd, int dir, unsigned int version,
		   unsigned int cipher_type, const uint8_t *key, size_t key_len,
		   const uint8_t *iv, size_t iv_len, const uint8_t seq[8]);

/* tls_keyupdate.c */
int tls_secret_func(gnutls_session_t session,
		    gnutls_record_encryption_level_t level,
		    const void *read_secret, const void *write_secret,
		    size_t secret_size);
int tls_next_key(struct tcplab_tls *t, uint8_t *secret, uint8_t *key,
		 uint8_t *iv);
/*
 * RFC 8446 7.1 HKDF-Expand-Label(@secret, @label, @context, @out_len) with
 * hash @sha384 ? SHA-384 : SHA-256.  Not exported; the host unit test
 * builds it from source.  0 or -1.
 */
int tls_expand_label(bool sha384, const uint8_t *secret, size_t secret_len,
		     const char *label, const uint8_t *context,
		     size_t context_len, uint8_t *out, size_t out_len);

#endif /* _TLS_INTERNAL_H */
