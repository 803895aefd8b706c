/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tls_crypto_info.h - the sans-I/O half of
 *	setsockopt(fd, SOL_TLS, TLS_TX or TLS_RX, &crypto_info, optlen)
 *	getsockopt(fd, SOL_TLS, TLS_TX or TLS_RX, &crypto_info, &optlen)
 *
 * Userspace finishes the TLS handshake, then passes the traffic key, IV
 * and current record sequence number of one direction in a
 * struct tls12_crypto_info_* (the name says tls12 for history; the same
 * structs carry TLS 1.3 keys).  This file validates such a buffer exactly
 * like Linux 6.12 do_tls_setsockopt_conf()/validate_crypto_info() do, plus
 * the TLS 1.3 rekey rule of Linux 6.14, and turns it into a struct
 * tl_tls_keys owned by the core.  It also builds the getsockopt() answer
 * like do_tls_getsockopt_conf().
 *
 * Contract for the kernel glue at setsockopt(SOL_TLS, TLS_TX/TLS_RX):
 *   1. copy min(optlen, TL_TLS_CRYPTO_INFO_MAX_SIZE) bytes from userspace
 *      into a stack buffer (-EFAULT on failure); pass buf = NULL if the
 *      user pointer was NULL, and the user's optlen unchanged;
 *   2. rc = tl_tls_crypto_info_parse(&new, buf, optlen, &cur, &other)
 *      where cur/other are this and the opposite direction's keys;
 *   3. rc < 0: return rc.  TL_TLS_CONF_NEW: crypto_alloc_aead(
 *      new.cipher->aead_name), crypto_aead_setkey(new.key,
 *      new.cipher->key_size), setauthsize(tag_size), then cur = new.
 *      TL_TLS_CONF_REKEY (TLS 1.3 only): the glue decides whether a rekey
 *      is allowed now (Linux 6.14: TX after pending records are flushed,
 *      RX any time; RX un-pauses reads, see tl_tls13_is_key_update()),
 *      calls crypto_aead_setkey() on the existing tfm and replaces cur;
 *   4. always tl_tls_keys_wipe(&new) and memzero_explicit() the stack copy
 *      of the user buffer afterwards; tl_tls_keys_wipe(&cur) on close.
 * At getsockopt: rc = tl_tls_crypto_info_get(&cur, out, len) with a
 * TL_TLS_CRYPTO_INFO_MAX_SIZE buffer; rc > 0 is the number of bytes to
 * copy_to_user().  Linux does not write optlen back; neither should we.
 */
#ifndef _TCPLAB_CORE_TLS_CRYPTO_INFO_H
#define _TCPLAB_CORE_TLS_CRYPTO_INFO_H

#include "tl_types.h"
#include "tls_cipher.h"
#include "tls_seq.h"

/*
 * Keys and counters of one direction.  Fixed-size arrays only: no
 * allocation, and the whole struct can be wiped in one call.
 */
struct tl_tls_keys {
	/* NULL while the direction is not configured */
	const struct tl_tls_cipher *cipher;
	u8 key[TL_TLS_MAX_KEY_SIZE];
	/*
	 * salt || iv, the layout of Linux cipher_context.iv.  TLS 1.3 and
	 * ChaCha20: the 12-byte static IV of RFC 8446 §5.3 / RFC 7905 §2
	 * (userspace splits it as salt = first 4, iv = last 8 bytes, or
	 * iv = all 12 for ChaCha20).  TLS 1.2 GCM/CCM: the 4-byte implicit
	 * salt followed by the 8-byte explicit nonce counter, which advances
	 * with every record (see tls_nonce.h).
	 */
	u8 salt_iv[TL_TLS_SALT_IV_SIZE];
	struct tl_tls_seq seq;
};

/* non-negative results of tl_tls_crypto_info_parse() */
enum tl_tls_conf_result {
	TL_TLS_CONF_NEW		= 0,	/* first key for this direction */
	TL_TLS_CONF_REKEY	= 1,	/* TLS 1.3 key update */
};

static inline bool tl_tls_keys_ready(const struct tl_tls_keys *k)
{
	return k->cipher != NULL;
}

/*
 * Validate the user's buffer @buf of @optlen bytes (only the first
 * min(optlen, TL_TLS_CRYPTO_INFO_MAX_SIZE) are read) for a direction whose
 * current keys are @cur, while the opposite direction has @other.
 * On success fills @out and returns enum tl_tls_conf_result.  On failure
 * returns, in Linux's order of checks:
 *   -EINVAL  buf NULL or optlen < sizeof(struct tls_crypto_info)
 *   -EBUSY   @cur already configured, and not TLS 1.3 (no rekey in 1.2)
 *   -EINVAL  rekey that changes version or cipher
 *   -EINVAL  version other than TLS_1_2_VERSION / TLS_1_3_VERSION
 *   -EINVAL  version/cipher differ from the other direction's
 *   -EINVAL  unknown (or unsupported) cipher_type
 *   -EINVAL  optlen != sizeof(the cipher's struct tls12_crypto_info_*)
 * and leaves @out wiped.  @out may not alias @cur or @other.
 */
int tl_tls_crypto_info_parse(struct tl_tls_keys *out,
			     const void *buf, unsigned int optlen,
			     const struct tl_tls_keys *cur,
			     const struct tl_tls_keys *other);

/*
 * Build the getsockopt() answer into @out (at least
 * TL_TLS_CRYPTO_INFO_MAX_SIZE bytes) for a user optlen of @len.
 * Returns the number of bytes to copy to the user:
 *   sizeof(struct tls_crypto_info) if len is exactly that: version and
 *     cipher only;
 *   the full struct tls12_crypto_info_* if len is exactly its size, with
 *     the key, salt, the *current* iv (TLS 1.2 GCM/CCM: next explicit
 *     nonce) and the *current* rec_seq, like Linux;
 * or -EINVAL (len too short, or any other length), -EBUSY (direction not
 * configured).  The glue returns -EINVAL itself for a NULL optval.
 * @len is an int as in Linux, compared as unsigned like Linux does, so
 * that a negative length gets the same errno.
 */
int tl_tls_crypto_info_get(const struct tl_tls_keys *keys, void *out,
			   int len);

/* Forget everything, in a way the compiler may not optimise away. */
void tl_tls_keys_wipe(struct tl_tls_keys *keys);

/*
 * Zero memory holding secrets.  A plain memset() of a buffer that is not
 * read afterwards is a dead store the compiler may delete, so the kernel
 * has memzero_explicit(); in userspace we follow its implementation: a
 * memset() followed by a compiler barrier that pretends to read @p.
 */
#ifdef __KERNEL__
#define tl_tls_memzero_explicit(p, n) memzero_explicit((p), (n))
#else
static inline void tl_tls_memzero_explicit(void *p, size_t n)
{
	memset(p, 0, n);
	__asm__ __volatile__("" : : "r"(p) : "memory");
}
#endif

#endif /* _TCPLAB_CORE_TLS_CRYPTO_INFO_H */
