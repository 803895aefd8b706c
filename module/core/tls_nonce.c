// SPDX-License-Identifier: GPL-2.0
/*
 * tls_nonce.c - per-record AEAD nonce and AAD.  Read tls_nonce.h first;
 * each function cites the section it implements.
 */
#include "tl_types.h"
#include "tls_nonce.h"

void tl_tls12_gcm_nonce(u8 nonce[TL_TLS_NONCE_SIZE], const u8 salt[4],
			const u8 explicit_nonce[TL_TLS12_EXPLICIT_NONCE_SIZE])
{
	/*
	 * RFC 5288 §3:
	 *   struct {
	 *      opaque salt[4];
	 *      opaque nonce_explicit[8];
	 *   } GCMNonce;
	 * RFC 6655 §3 uses the same layout for CCM.
	 */
	memcpy(nonce, salt, 4);
	memcpy(nonce + 4, explicit_nonce, TL_TLS12_EXPLICIT_NONCE_SIZE);
}

void tl_tls_xor_nonce(u8 nonce[TL_TLS_NONCE_SIZE],
		      const u8 static_iv[TL_TLS_NONCE_SIZE], u64 seq)
{
	/* LAB nonce: begin */
	u8 padded_seq[TL_TLS_NONCE_SIZE];
	unsigned int i;

	/*
	 * RFC 8446 §5.3:
	 * 1. The 64-bit record sequence number is encoded in network byte
	 *    order and padded to the left with zeros to iv_length.
	 * 2. The padded sequence number is XORed with the static
	 *    client_write_iv or server_write_iv.
	 * RFC 7905 §2 specifies the same for ChaCha20-Poly1305 in TLS 1.2.
	 */
	memset(padded_seq, 0, 4);
	tl_put_be64(padded_seq + 4, seq);
	for (i = 0; i < TL_TLS_NONCE_SIZE; i++)
		nonce[i] = static_iv[i] ^ padded_seq[i];
	/* LAB nonce: end */
}

void tl_tls12_make_aad(u8 aad[TL_TLS12_AAD_SIZE], u64 seq, u8 type,
		       u16 len)
{
	/*
	 * RFC 5246 §6.2.3.3:
	 *   additional_data = seq_num + TLSCompressed.type +
	 *                     TLSCompressed.version + TLSCompressed.length;
	 * length is that of the plaintext (the ciphertext minus explicit
	 * nonce and tag), as the receiver can compute it before decrypting.
	 */
	tl_put_be64(aad, seq);
	aad[8] = type;
	tl_put_be16(aad + 9, TL_TLS_LEGACY_VERSION);
	tl_put_be16(aad + 11, len);
}

void tl_tls13_make_aad(u8 aad[TL_TLS13_AAD_SIZE], u16 len)
{
	/*
	 * RFC 8446 §5.2:
	 *   additional_data = TLSCiphertext.opaque_type ||
	 *                     TLSCiphertext.legacy_record_version ||
	 *                     TLSCiphertext.length
	 * opaque_type is always application_data (23) in TLS 1.3; the real
	 * type is hidden inside the encrypted inner plaintext.  Like Linux
	 * (tls_make_aad()), the receiver also builds these bytes from
	 * constants rather than copying the received header.  So, as in
	 * Linux, the outer type byte of a received TLS 1.3 record is not
	 * authenticated and not checked: a record whose type was rewritten
	 * on the way still decrypts.  (Version and length are checked by
	 * tl_tls_rx_parse_header() and the length is in the AAD.)
	 */
	aad[0] = TL_TLS_CT_APPLICATION_DATA;
	tl_put_be16(aad + 1, TL_TLS_LEGACY_VERSION);
	tl_put_be16(aad + 3, len);
}

void tl_tls_ccm_iv(u8 iv[TL_TLS_CCM_IV_SIZE],
		   const u8 nonce[TL_TLS_NONCE_SIZE])
{
	/* flags byte L' = L - 1, nonce, then an all-zero 3-byte counter */
	iv[0] = TL_TLS_AES_CCM_IV_B0_BYTE;
	memcpy(iv + 1, nonce, TL_TLS_NONCE_SIZE);
	memset(iv + 1 + TL_TLS_NONCE_SIZE, 0, TL_TLS_CCM_NONCE_L);
}

void tl_tls_record_nonce(const struct tl_tls_keys *keys, u64 seq,
			 const u8 *explicit_nonce,
			 u8 nonce[TL_TLS_NONCE_SIZE])
{
	const struct tl_tls_cipher *c = keys->cipher;

	if (c->nonce_xor_seq) {
		tl_tls_xor_nonce(nonce, keys->salt_iv, seq);
		return;
	}

	/* TLS 1.2 GCM/CCM: TX uses its own counter, RX what it received */
	if (!explicit_nonce)
		explicit_nonce = keys->salt_iv + c->salt_size;
	tl_tls12_gcm_nonce(nonce, keys->salt_iv, explicit_nonce);
}

unsigned int tl_tls_aead_iv(const struct tl_tls_cipher *cipher,
			    const u8 nonce[TL_TLS_NONCE_SIZE],
			    u8 iv[TL_TLS_MAX_AEAD_IV_SIZE])
{
	if (cipher->ccm_iv) {
		tl_tls_ccm_iv(iv, nonce);
		return TL_TLS_CCM_IV_SIZE;
	}
	/* "gcm(aes)" and "rfc7539(chacha20,poly1305)" take the nonce as is */
	memcpy(iv, nonce, TL_TLS_NONCE_SIZE);
	return TL_TLS_NONCE_SIZE;
}

unsigned int tl_tls_make_aad(const struct tl_tls_cipher *cipher,
			     u8 aad[TL_TLS_MAX_AAD_SIZE], u64 seq, u8 type,
			     u16 plaintext_len)
{
	if (cipher->version == TLS_1_3_VERSION) {
		/* ciphertext = content + inner type byte + tag */
		tl_tls13_make_aad(aad, plaintext_len + cipher->tail_size +
				       cipher->tag_size);
		return TL_TLS13_AAD_SIZE;
	}
	tl_tls12_make_aad(aad, seq, type, plaintext_len);
	return TL_TLS12_AAD_SIZE;
}
