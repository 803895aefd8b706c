/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tls_nonce.h - per-record AEAD nonce and additional data (AAD).
 *
 * An AEAD (RFC 5116) takes a key, a nonce, AAD and plaintext.  The key is
 * fixed per direction; TLS makes the nonce unique per record by deriving it
 * from the record sequence number, and binds the record header to the
 * ciphertext by putting it in the AAD.  The three schemes:
 *
 * TLS 1.2 AES-GCM (RFC 5288 §3) and AES-CCM (RFC 6655 §3):
 *	nonce = salt[4] || nonce_explicit[8]
 *   salt is the 4-byte "client/server_write_IV" from the key block; the
 *   8-byte explicit part is chosen by the sender and sent in front of the
 *   ciphertext.  RFC 5288 only requires it to be distinct per record and
 *   suggests the sequence number.  Linux (tls_fill_prepend() and
 *   tls_do_encryption() in net/tls) sends crypto_info.iv as the first
 *   explicit nonce and increments it with every record, in step with
 *   rec_seq (tls_advance_record_sn()).  Userspace libraries (OpenSSL,
 *   GnuTLS) pass the sequence number there, so on the wire the explicit
 *   nonce normally *is* the sequence number; the core does exactly what
 *   Linux does and keeps the counter in tl_tls_keys.salt_iv[4..11].
 *   The receiver reads the explicit nonce from the record.
 *
 * TLS 1.2 ChaCha20-Poly1305 (RFC 7905 §2) and every TLS 1.3 cipher
 * (RFC 8446 §5.3):
 *	nonce = static_iv[12] XOR (0^32 || seq_num[8] big-endian)
 *   i.e. the 64-bit sequence number is left-padded with zeroes to 12 bytes
 *   and XORed into the static IV.  Nothing is sent; both sides know seq.
 *   For kTLS the static IV is salt || iv of crypto_info (4 + 8 bytes), or
 *   iv alone for ChaCha20 (12 bytes, salt is empty).
 *
 * AAD, TLS 1.2 (RFC 5246 §6.2.3.3):
 *	seq_num[8] || type[1] || version[2] = 03 03 || length[2]
 *   where length is the *plaintext* length: 13 bytes.
 * AAD, TLS 1.3 (RFC 8446 §5.2):
 *	opaque_type[1] = 23 || legacy_record_version[2] = 03 03 || length[2]
 *   which is the record header itself, length being the *ciphertext*
 *   length (encrypted inner plaintext + tag): 5 bytes.
 */
#ifndef _TCPLAB_CORE_TLS_NONCE_H
#define _TCPLAB_CORE_TLS_NONCE_H

#include "tl_types.h"
#include "tls_cipher.h"
#include "tls_crypto_info.h"

/*
 * AES-CCM in the kernel crypto API ("ccm(aes)", crypto/ccm.c) does not
 * take the 12-byte nonce directly but a 16-byte IV in the layout of the
 * CCM counter block A_0 (RFC 3610 §2.3, NIST SP 800-38C A.3):
 *	iv[0]      = L' = L - 1, the size of the length/counter field minus 1
 *	iv[1..12]  = the 12-byte nonce
 *	iv[13..15] = counter, zero (crypto/ccm.c clears it anyway)
 * With a 12-byte nonce the counter field is L = 15 - 12 = 3 bytes, so the
 * first byte is L - 1 = 2: Linux TLS_AES_CCM_IV_B0_BYTE in
 * include/net/tls.h.
 */
#define TL_TLS_CCM_IV_SIZE		16
#define TL_TLS_CCM_NONCE_L		(15 - TL_TLS_NONCE_SIZE)
#define TL_TLS_AES_CCM_IV_B0_BYTE	(TL_TLS_CCM_NONCE_L - 1)

/* RFC 5288 §3: nonce = salt || explicit nonce. */
void tl_tls12_gcm_nonce(u8 nonce[TL_TLS_NONCE_SIZE], const u8 salt[4],
			const u8 explicit_nonce[TL_TLS12_EXPLICIT_NONCE_SIZE]);

/* RFC 8446 §5.3 / RFC 7905 §2: nonce = static_iv XOR padded seq. */
void tl_tls_xor_nonce(u8 nonce[TL_TLS_NONCE_SIZE],
		      const u8 static_iv[TL_TLS_NONCE_SIZE], u64 seq);

/* RFC 5246 §6.2.3.3: 13-byte TLS 1.2 AAD; @len is the plaintext length. */
void tl_tls12_make_aad(u8 aad[TL_TLS12_AAD_SIZE], u64 seq, u8 type,
		       u16 len);

/* RFC 8446 §5.2: 5-byte TLS 1.3 AAD; @len is the ciphertext length. */
void tl_tls13_make_aad(u8 aad[TL_TLS13_AAD_SIZE], u16 len);

/* Build the 16-byte "ccm(aes)" IV from a 12-byte nonce, see above. */
void tl_tls_ccm_iv(u8 iv[TL_TLS_CCM_IV_SIZE],
		   const u8 nonce[TL_TLS_NONCE_SIZE]);

/*
 * The nonce for the record numbered @seq under @keys.
 * TLS 1.2 GCM/CCM: @explicit_nonce is the 8 bytes found in the received
 * record (RX) or NULL to use the sender's counter in keys->salt_iv (TX).
 * Other ciphers ignore @explicit_nonce.
 */
void tl_tls_record_nonce(const struct tl_tls_keys *keys, u64 seq,
			 const u8 *explicit_nonce,
			 u8 nonce[TL_TLS_NONCE_SIZE]);

/*
 * The IV buffer to give the kernel AEAD (aead_request_set_crypt()) for
 * @nonce: the nonce itself, or the CCM layout.  Returns its size,
 * cipher->aead_iv_size, which equals crypto_aead_ivsize() of the tfm.
 */
unsigned int tl_tls_aead_iv(const struct tl_tls_cipher *cipher,
			    const u8 nonce[TL_TLS_NONCE_SIZE],
			    u8 iv[TL_TLS_MAX_AEAD_IV_SIZE]);

/*
 * The AAD for a record numbered @seq of content type @type (TLS 1.2; TLS
 * 1.3 puts the constant 23 there) whose encrypted part, without the tag,
 * is @plaintext_len bytes, not counting the TLS 1.3 inner content type
 * byte: record length - cipher->overhead_size.  On TX that is the content
 * length; on RX in TLS 1.3 it also counts any zero padding, which is not
 * known before decryption and need not be.  Returns cipher->aad_size.
 */
unsigned int tl_tls_make_aad(const struct tl_tls_cipher *cipher,
			     u8 aad[TL_TLS_MAX_AAD_SIZE], u64 seq, u8 type,
			     u16 plaintext_len);

#endif /* _TCPLAB_CORE_TLS_NONCE_H */
