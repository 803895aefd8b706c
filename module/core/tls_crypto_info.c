// SPDX-License-Identifier: GPL-2.0
/*
 * tls_crypto_info.c - validate and store the keys given with
 * setsockopt(SOL_TLS, TLS_TX/TLS_RX); answer getsockopt().
 * See tls_crypto_info.h for the contract.
 */
#include "tl_types.h"
#include "tls_crypto_info.h"

/* Read the 4-byte header; user memory may be unaligned, hence memcpy(). */
static void tl_tls_read_info_hdr(struct tls_crypto_info *hdr, const void *buf)
{
	memcpy(hdr, buf, sizeof(*hdr));
}

/*
 * Linux validate_crypto_info(): the version must be one we implement, and
 * both directions of a socket must use the same version and cipher (a TLS
 * connection negotiates one cipher suite for both directions).
 */
static int tl_tls_validate_info(const struct tls_crypto_info *hdr,
				const struct tl_tls_keys *other)
{
	if (hdr->version != TLS_1_2_VERSION &&
	    hdr->version != TLS_1_3_VERSION)
		return -EINVAL;

	if (tl_tls_keys_ready(other) &&
	    (other->cipher->version != hdr->version ||
	     other->cipher->cipher_type != hdr->cipher_type))
		return -EINVAL;

	return 0;
}

int tl_tls_crypto_info_parse(struct tl_tls_keys *out,
			     const void *buf, unsigned int optlen,
			     const struct tl_tls_keys *cur,
			     const struct tl_tls_keys *other)
{
	const struct tl_tls_cipher *c;
	struct tls_crypto_info hdr;
	bool rekey = false;
	const u8 *p = buf;
	int rc;

	tl_tls_memzero_explicit(out, sizeof(*out));

	if (!buf || optlen < sizeof(struct tls_crypto_info))
		return -EINVAL;

	/*
	 * Linux 6.12 refuses any second setsockopt() of a direction with
	 * EBUSY.  Linux 6.14 allows it for TLS 1.3 only: that is how a
	 * KeyUpdate (RFC 8446 §4.6.3) installs the next traffic key.
	 */
	if (tl_tls_keys_ready(cur)) {
		if (cur->cipher->version != TLS_1_3_VERSION)
			return -EBUSY;
		rekey = true;
	}

	tl_tls_read_info_hdr(&hdr, buf);

	if (rekey) {
		/* a key update never changes the version or cipher */
		if (hdr.version != cur->cipher->version ||
		    hdr.cipher_type != cur->cipher->cipher_type)
			return -EINVAL;
	} else {
		rc = tl_tls_validate_info(&hdr, other);
		if (rc)
			return rc;
	}

	c = tl_tls_cipher_find(hdr.version, hdr.cipher_type);
	if (!c)
		return -EINVAL;

	/* exactly the struct for this cipher: no more, no less */
	if (optlen != c->crypto_info_size)
		return -EINVAL;

	out->cipher = c;
	memcpy(out->key, p + c->key_offset, c->key_size);
	memcpy(out->salt_iv, p + c->salt_offset, c->salt_size);
	memcpy(out->salt_iv + c->salt_size, p + c->iv_offset, c->iv_size);
	tl_tls_seq_init(&out->seq, tl_get_be64(p + c->rec_seq_offset));

	return rekey ? TL_TLS_CONF_REKEY : TL_TLS_CONF_NEW;
}

int tl_tls_crypto_info_get(const struct tl_tls_keys *keys, void *out,
			   int len)
{
	const struct tl_tls_cipher *c = keys->cipher;
	struct tls_crypto_info hdr;
	u8 *p = out;

	/* as Linux: int compared with size_t, so negative lengths are huge */
	if ((unsigned int)len < sizeof(struct tls_crypto_info))
		return -EINVAL;

	if (!tl_tls_keys_ready(keys))
		return -EBUSY;

	memset(&hdr, 0, sizeof(hdr));
	hdr.version = c->version;
	hdr.cipher_type = c->cipher_type;
	memcpy(p, &hdr, sizeof(hdr));

	/* a header-sized buffer is how userspace asks "which cipher?" */
	if (len == sizeof(struct tls_crypto_info))
		return sizeof(struct tls_crypto_info);

	if (len != c->crypto_info_size)
		return -EINVAL;

	memcpy(p + c->key_offset, keys->key, c->key_size);
	memcpy(p + c->salt_offset, keys->salt_iv, c->salt_size);
	memcpy(p + c->iv_offset, keys->salt_iv + c->salt_size, c->iv_size);
	tl_put_be64(p + c->rec_seq_offset, tl_tls_seq_peek(&keys->seq));

	return c->crypto_info_size;
}

void tl_tls_keys_wipe(struct tl_tls_keys *keys)
{
	tl_tls_memzero_explicit(keys, sizeof(*keys));
}
