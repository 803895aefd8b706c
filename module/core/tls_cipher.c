// SPDX-License-Identifier: GPL-2.0
/*
 * tls_cipher.c - the table of supported (version, cipher) pairs.
 *
 * The per-version numbers follow Linux 6.12 net/tls (init_prot_info() in
 * tls_sw.c and the RX length check in tls_rx_msg_size()):
 *
 *                 explicit nonce  tail  prepend  AAD  overhead
 *   TLS 1.2 GCM/CCM      8          0     13      13     29
 *   TLS 1.2 ChaCha20     0          0      5      13     21
 *   TLS 1.3 any          0          1      5       5     22
 *
 * TLS 1.2 ChaCha20-Poly1305 has no explicit nonce: RFC 7905 §2 builds the
 * nonce from the sequence number like TLS 1.3 does, so there is nothing
 * to send.  TLS 1.3 has no explicit nonce for the same reason, and adds a
 * one-byte "tail": the real content type, encrypted (RFC 8446 §5.2).
 */
#include "tl_types.h"
#include "tls_cipher.h"

/*
 * TL_TLS_UAPI(AES_GCM_128, KEY_SIZE) is TLS_CIPHER_AES_GCM_128_KEY_SIZE.
 * @id is the part of the <linux/tls.h> names after TLS_CIPHER_; it must be
 * a bare word, not a macro, so that token pasting sees it unexpanded.
 */
#define TL_TLS_UAPI(id, what)	TLS_CIPHER_ ## id ## _ ## what
#define TL_TLS_IS_CCM(id)	(TLS_CIPHER_ ## id == TLS_CIPHER_AES_CCM_128)

/* sizes shared by both versions of a cipher */
#define TL_TLS_ROW_COMMON(ver, id, st, name)				\
	.version = (ver),						\
	.cipher_type = TLS_CIPHER_ ## id,				\
	.aead_name = (name),						\
	.key_size = TL_TLS_UAPI(id, KEY_SIZE),				\
	.iv_size = TL_TLS_UAPI(id, IV_SIZE),				\
	.salt_size = TL_TLS_UAPI(id, SALT_SIZE),			\
	.rec_seq_size = TL_TLS_UAPI(id, REC_SEQ_SIZE),			\
	.tag_size = TL_TLS_UAPI(id, TAG_SIZE),				\
	.crypto_info_size = sizeof(struct st),				\
	.iv_offset = offsetof(struct st, iv),				\
	.key_offset = offsetof(struct st, key),				\
	.salt_offset = offsetof(struct st, salt),			\
	.rec_seq_offset = offsetof(struct st, rec_seq),			\
	.ccm_iv = TL_TLS_IS_CCM(id),					\
	.aead_iv_size = TL_TLS_IS_CCM(id) ?				\
			TL_TLS_MAX_AEAD_IV_SIZE : TL_TLS_NONCE_SIZE

/* TLS 1.2: RFC 5246 §6.2.3.3 AAD, explicit nonce unless ChaCha20 */
#define TL_TLS12_ROW(id, st, name, exp)					\
	{								\
		TL_TLS_ROW_COMMON(TLS_1_2_VERSION, id, st, name),	\
		.nonce_xor_seq = ((exp) == 0),				\
		.explicit_nonce_size = (exp),				\
		.tail_size = 0,						\
		.prepend_size = TL_TLS_HEADER_SIZE + (exp),		\
		.overhead_size = TL_TLS_HEADER_SIZE + (exp) +		\
				 TL_TLS_UAPI(id, TAG_SIZE),		\
		.aad_size = TL_TLS12_AAD_SIZE,				\
		.max_record_data = TL_TLS_MAX_PAYLOAD_SIZE + (exp) +	\
				   TL_TLS_UAPI(id, TAG_SIZE),		\
	}

/* TLS 1.3: RFC 8446 §5.2/§5.3, one inner content type byte, XOR nonce */
#define TL_TLS13_ROW(id, st, name)					\
	{								\
		TL_TLS_ROW_COMMON(TLS_1_3_VERSION, id, st, name),	\
		.nonce_xor_seq = true,					\
		.explicit_nonce_size = 0,				\
		.tail_size = 1,						\
		.prepend_size = TL_TLS_HEADER_SIZE,			\
		.overhead_size = TL_TLS_HEADER_SIZE +			\
				 TL_TLS_UAPI(id, TAG_SIZE) + 1,		\
		.aad_size = TL_TLS13_AAD_SIZE,				\
		.max_record_data = TL_TLS_MAX_PAYLOAD_SIZE +		\
				   TL_TLS_UAPI(id, TAG_SIZE) + 1,	\
	}

static const struct tl_tls_cipher tl_tls_ciphers[] = {
	TL_TLS12_ROW(AES_GCM_128, tls12_crypto_info_aes_gcm_128,
		     "gcm(aes)", TL_TLS12_EXPLICIT_NONCE_SIZE),
	TL_TLS12_ROW(AES_GCM_256, tls12_crypto_info_aes_gcm_256,
		     "gcm(aes)", TL_TLS12_EXPLICIT_NONCE_SIZE),
	TL_TLS12_ROW(AES_CCM_128, tls12_crypto_info_aes_ccm_128,
		     "ccm(aes)", TL_TLS12_EXPLICIT_NONCE_SIZE),
	TL_TLS12_ROW(CHACHA20_POLY1305,
		     tls12_crypto_info_chacha20_poly1305,
		     "rfc7539(chacha20,poly1305)", 0),
	TL_TLS13_ROW(AES_GCM_128, tls12_crypto_info_aes_gcm_128,
		     "gcm(aes)"),
	TL_TLS13_ROW(AES_GCM_256, tls12_crypto_info_aes_gcm_256,
		     "gcm(aes)"),
	TL_TLS13_ROW(AES_CCM_128, tls12_crypto_info_aes_ccm_128,
		     "ccm(aes)"),
	TL_TLS13_ROW(CHACHA20_POLY1305,
		     tls12_crypto_info_chacha20_poly1305,
		     "rfc7539(chacha20,poly1305)"),
};

const struct tl_tls_cipher *tl_tls_cipher_find(u16 version, u16 cipher_type)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tl_tls_ciphers); i++) {
		if (tl_tls_ciphers[i].version == version &&
		    tl_tls_ciphers[i].cipher_type == cipher_type)
			return &tl_tls_ciphers[i];
	}
	return NULL;
}

unsigned int tl_tls_cipher_count(void)
{
	return ARRAY_SIZE(tl_tls_ciphers);
}

const struct tl_tls_cipher *tl_tls_cipher_at(unsigned int i)
{
	return i < ARRAY_SIZE(tl_tls_ciphers) ? &tl_tls_ciphers[i] : NULL;
}
