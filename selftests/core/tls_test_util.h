/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tls_test_util.h - small helpers shared by the TLS core unit tests.
 */
#ifndef _TCPLAB_SELFTESTS_TLS_TEST_UTIL_H
#define _TCPLAB_SELFTESTS_TLS_TEST_UTIL_H

#include <stdio.h>
#include <string.h>

#include "tl_types.h"
#include "tls_cipher.h"
#include "tls_crypto_info.h"

/* Parse hex ("17 03 03" or "170303"), ignoring whitespace; returns length */
static inline size_t tls_test_unhex(const char *hex, u8 *out, size_t max)
{
	size_t n = 0;
	int hi = -1;

	for (; *hex; hex++) {
		int v;

		if (*hex >= '0' && *hex <= '9')
			v = *hex - '0';
		else if (*hex >= 'a' && *hex <= 'f')
			v = *hex - 'a' + 10;
		else if (*hex >= 'A' && *hex <= 'F')
			v = *hex - 'A' + 10;
		else
			continue;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n < max)
			out[n] = (u8)(hi << 4 | v);
		n++;
		hi = -1;
	}
	return n;
}

static inline void tls_test_dump(const char *what, const u8 *p, size_t n)
{
	size_t i;

	fprintf(stderr, "%s (%zu):", what, n);
	for (i = 0; i < n; i++)
		fprintf(stderr, "%s%02x", i % 16 ? " " : "\n  ", p[i]);
	fprintf(stderr, "\n");
}

/*
 * Build the struct tls12_crypto_info_* userspace would pass for @c, with
 * the given key, salt || iv (12 bytes) and starting sequence number.
 * Returns its size.
 */
static inline unsigned int
tls_test_make_info(const struct tl_tls_cipher *c, u8 *buf, const u8 *key,
		   const u8 *salt_iv, u64 rec_seq)
{
	struct tls_crypto_info hdr = {
		.version = c->version,
		.cipher_type = c->cipher_type,
	};

	memset(buf, 0xa5, TL_TLS_CRYPTO_INFO_MAX_SIZE);
	memcpy(buf, &hdr, sizeof(hdr));
	memcpy(buf + c->key_offset, key, c->key_size);
	memcpy(buf + c->salt_offset, salt_iv, c->salt_size);
	memcpy(buf + c->iv_offset, salt_iv + c->salt_size, c->iv_size);
	tl_put_be64(buf + c->rec_seq_offset, rec_seq);
	return c->crypto_info_size;
}

/* Configure @keys through the setsockopt path; returns its result. */
static inline int tls_test_set_keys(struct tl_tls_keys *keys,
				    const struct tl_tls_cipher *c,
				    const u8 *key, const u8 *salt_iv,
				    u64 rec_seq)
{
	u8 buf[TL_TLS_CRYPTO_INFO_MAX_SIZE];
	struct tl_tls_keys none, out;
	unsigned int len;
	int rc;

	memset(&none, 0, sizeof(none));
	len = tls_test_make_info(c, buf, key, salt_iv, rec_seq);
	rc = tl_tls_crypto_info_parse(&out, buf, len, &none, &none);
	if (rc >= 0)
		*keys = out;
	return rc;
}

#endif /* _TCPLAB_SELFTESTS_TLS_TEST_UTIL_H */
