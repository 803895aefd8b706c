// SPDX-License-Identifier: GPL-2.0
/*
 * tls_aead.c - the AEAD of one TLS direction, through the kernel crypto
 * API only: crypto_alloc_aead() of the name the core's cipher table gives
 * ("gcm(aes)", "ccm(aes)", "rfc7539(chacha20,poly1305)"), allocated once
 * at setsockopt(SOL_TLS) time.  The crypto API picks the implementation
 * with the highest priority that is loaded (aesni_intel's gcm-aes-aesni,
 * for instance; see /proc/crypto), which may be asynchronous: every call
 * here runs in process context, so it simply waits for completion
 * (crypto_wait_req()), and the record layer stays synchronous.
 */
#include <linux/slab.h>
#include <crypto/aead.h>

#include "tls.h"

int tcplab_tls_aead_setkey(struct tcplab_tls_aead *a,
			   const struct tl_tls_keys *keys)
{
	const struct tl_tls_cipher *c = keys->cipher;
	int err;

	err = crypto_aead_setkey(a->tfm, keys->key, c->key_size);
	if (err)
		return err;
	return crypto_aead_setauthsize(a->tfm, c->tag_size);
}

int tcplab_tls_aead_init(struct tcplab_tls_aead *a,
			 const struct tl_tls_keys *keys)
{
	struct crypto_aead *tfm;
	int err;

	tfm = crypto_alloc_aead(keys->cipher->aead_name, 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	a->tfm = tfm;
	err = tcplab_tls_aead_setkey(a, keys);
	if (err)
		goto fail;
	/* The core's IV buffer must be exactly what the transform wants. */
	err = -EINVAL;
	if (crypto_aead_ivsize(tfm) != keys->cipher->aead_iv_size)
		goto fail;
	err = -ENOMEM;
	a->req = aead_request_alloc(tfm, GFP_KERNEL);
	if (!a->req)
		goto fail;
	return 0;

fail:
	crypto_free_aead(tfm);	/* wipes the transform's key schedule */
	a->tfm = NULL;
	return err;
}

void tcplab_tls_aead_free(struct tcplab_tls_aead *a)
{
	if (a->req)
		aead_request_free(a->req);	/* kfree_sensitive() */
	if (a->tfm)
		crypto_free_aead(a->tfm);
	a->req = NULL;
	a->tfm = NULL;
}

/*
 * Encrypt or decrypt: @src and @dst start with @aad_len bytes of
 * additional data, then @crypt_len bytes to process (decryption: with the
 * tag).  Returns 0, -EBADMSG (authentication failed) or another -errno.
 */
int tcplab_tls_aead_run(struct tcplab_tls_aead *a, bool encrypt,
			struct scatterlist *src, struct scatterlist *dst,
			unsigned int aad_len, unsigned int crypt_len, u8 *iv)
{
	DECLARE_CRYPTO_WAIT(wait);
	struct aead_request *req = a->req;
	int err;

	aead_request_set_tfm(req, a->tfm);
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				  CRYPTO_TFM_REQ_MAY_SLEEP,
				  crypto_req_done, &wait);
	aead_request_set_ad(req, aad_len);
	aead_request_set_crypt(req, src, dst, crypt_len, iv);
	err = encrypt ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
	return crypto_wait_req(err, &wait);
}
