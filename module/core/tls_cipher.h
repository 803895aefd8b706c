/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tls_cipher.h - what tcplab's TLS record layer knows about each
 * (protocol version, AEAD cipher) pair it supports.
 *
 * kTLS does not run the TLS handshake: userspace negotiates keys and hands
 * them to the kernel with setsockopt(SOL_TLS, TLS_TX / TLS_RX), passing one
 * of the struct tls12_crypto_info_* from <linux/tls.h>.  From then on the
 * kernel only does the record layer (RFC 5246 §6.2 / RFC 8446 §5): framing,
 * nonce and AAD construction, and AEAD encryption through the kernel crypto
 * API.  Everything that differs between the supported variants is a number
 * or a name in one row of the table below, so the rest of the core never
 * switches on the cipher.
 *
 * Supported, as in Linux 6.12 kTLS:
 *   TLS 1.2 and TLS 1.3 with
 *   AES-128-GCM, AES-256-GCM  kernel AEAD "gcm(aes)"                RFC 5288
 *   AES-128-CCM               kernel AEAD "ccm(aes)"                RFC 6655
 *   ChaCha20-Poly1305         kernel AEAD "rfc7539(chacha20,poly1305)"
 *                                                                    RFC 7905
 * Linux additionally accepts SM4 and ARIA; tcplab does not, and rejects
 * them like any unknown cipher (-EINVAL).
 */
#ifndef _TCPLAB_CORE_TLS_CIPHER_H
#define _TCPLAB_CORE_TLS_CIPHER_H

#include "tl_types.h"
#include <linux/tls.h>

/* Record header: type(1) legacy_version(2) length(2), RFC 8446 §5.1. */
#define TL_TLS_HEADER_SIZE		5
/* Largest plaintext fragment per record, 2^14 (RFC 8446 §5.1). */
#define TL_TLS_MAX_PAYLOAD_SIZE		(1U << 14)
/* Every supported AEAD takes a 12-byte nonce and emits a 16-byte tag. */
#define TL_TLS_NONCE_SIZE		12
#define TL_TLS_TAG_SIZE			16
#define TL_TLS_REC_SEQ_SIZE		8
#define TL_TLS_MAX_KEY_SIZE		32
/* salt || iv as stored by the core (Linux: cipher_context.iv), 4+8 or 0+12 */
#define TL_TLS_SALT_IV_SIZE		12
/* TLS 1.2 GCM/CCM carry 8 bytes of the nonce in the record (RFC 5288 §3) */
#define TL_TLS12_EXPLICIT_NONCE_SIZE	8
/* AAD: seq(8) type(1) version(2) length(2) in TLS 1.2, header(5) in 1.3 */
#define TL_TLS12_AAD_SIZE		13
#define TL_TLS13_AAD_SIZE		TL_TLS_HEADER_SIZE
#define TL_TLS_MAX_AAD_SIZE		TL_TLS12_AAD_SIZE
/* header + explicit nonce: what precedes the ciphertext on the wire */
#define TL_TLS_MAX_PREPEND_SIZE	(TL_TLS_HEADER_SIZE + \
					 TL_TLS12_EXPLICIT_NONCE_SIZE)
/* IV buffer handed to the kernel AEAD: 12 bytes, or 16 for "ccm(aes)" */
#define TL_TLS_MAX_AEAD_IV_SIZE		16
/* Largest struct tls12_crypto_info_* we accept (AES-256-GCM, ChaCha20) */
#define TL_TLS_CRYPTO_INFO_MAX_SIZE	\
	sizeof(struct tls12_crypto_info_aes_gcm_256)

/*
 * The record-layer protocol version, which is on the wire in every record
 * header and in the TLS 1.2 AAD, is 0x0303 for both TLS 1.2 and TLS 1.3
 * (RFC 8446 §5.1: legacy_record_version).
 */
#define TL_TLS_LEGACY_VERSION		0x0303

/* ContentType, RFC 8446 §5.1 (and RFC 5246 §6.2.1). */
enum tl_tls_content_type {
	TL_TLS_CT_INVALID		= 0,
	TL_TLS_CT_CHANGE_CIPHER_SPEC	= 20,
	TL_TLS_CT_ALERT			= 21,
	TL_TLS_CT_HANDSHAKE		= 22,
	TL_TLS_CT_APPLICATION_DATA	= 23,
};

/*
 * One supported (version, cipher) pair.  The first block comes straight
 * from <linux/tls.h>; the second block is derived from the version and is
 * what Linux keeps in struct tls_prot_info.
 */
struct tl_tls_cipher {
	u16 version;		/* TLS_1_2_VERSION or TLS_1_3_VERSION */
	u16 cipher_type;	/* TLS_CIPHER_* */
	const char *aead_name;	/* for crypto_alloc_aead() */

	u8 key_size;
	u8 iv_size;		/* crypto_info.iv: 8, or 12 for ChaCha20 */
	u8 salt_size;		/* crypto_info.salt: 4, or 0 for ChaCha20 */
	u8 rec_seq_size;	/* always 8 */
	u8 tag_size;		/* always 16 */
	u16 crypto_info_size;	/* sizeof(struct tls12_crypto_info_*) */
	u16 iv_offset;		/* offsets of the fields in that struct */
	u16 key_offset;
	u16 salt_offset;
	u16 rec_seq_offset;

	/*
	 * true: nonce = (salt || iv) XOR sequence number (RFC 8446 §5.3,
	 * RFC 7905 §2).  false: nonce = salt || explicit nonce, where the
	 * explicit part travels in the record (RFC 5288 §3, RFC 6655 §3).
	 */
	bool nonce_xor_seq;
	/* "ccm(aes)" wants the 16-byte CCM IV layout, see tls_nonce.h */
	bool ccm_iv;

	u8 explicit_nonce_size;	/* 8 for TLS 1.2 GCM/CCM, else 0 */
	u8 tail_size;		/* 1 in TLS 1.3: the inner content type */
	u8 prepend_size;	/* header + explicit nonce */
	u8 overhead_size;	/* prepend + tag + tail */
	u8 aad_size;		/* 13 (TLS 1.2) or 5 (TLS 1.3) */
	u8 aead_iv_size;	/* 12, or 16 for CCM */
	/*
	 * Largest value accepted in the header's length field on RX, as
	 * Linux tls_rx_msg_size(): 2^14 + tag + explicit nonce + tail.
	 */
	u16 max_record_data;
};

/* The row for (version, cipher_type), or NULL if unsupported. */
const struct tl_tls_cipher *tl_tls_cipher_find(u16 version, u16 cipher_type);

/* Iterate over the table (tests, /proc style listings). */
unsigned int tl_tls_cipher_count(void);
const struct tl_tls_cipher *tl_tls_cipher_at(unsigned int i);

#endif /* _TCPLAB_CORE_TLS_CIPHER_H */
