// SPDX-License-Identifier: GPL-2.0
/*
 * tls_fuzz_record.c - libFuzzer target for the TLS RX path of the core:
 * the record reassembler, the header check, per-record nonce/AAD set-up,
 * TLS 1.3 inner-plaintext unpadding, KeyUpdate detection, and the
 * setsockopt()/getsockopt() crypto_info parser.
 *
 * Input layout: byte 0 picks the (version, cipher) row, byte 1 seeds the
 * segment sizes the stream is cut into, the rest is the TCP byte stream.
 * Besides the sanitizers, an oracle checks the reassembler: it must find
 * exactly the records (and the error, at the same offset) that calling
 * tl_tls_rx_parse_header() on the contiguous stream finds.
 *
 * Build and run: make -C selftests/core -f tls.mk tls-fuzz-short
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tl_types.h"
#include "tls_cipher.h"
#include "tls_crypto_info.h"
#include "tls_nonce.h"
#include "tls_record.h"
#include "tls_seq.h"

#define CHECK(cond)	do { if (!(cond)) abort(); } while (0)

/* Run everything the glue would run on one complete record. */
static void one_record(struct tl_tls_keys *k, const u8 *rec, u32 len)
{
	const struct tl_tls_cipher *c = k->cipher;
	struct tl_tls_rec r;
	size_t clen;
	u8 type;
	int rc;

	rc = tl_tls_rx_record(k, rec, len, &r);
	if (rc == -EBADMSG)
		return;			/* sequence numbers exhausted */
	CHECK(rc == 0);
	CHECK(r.prepend_size + r.crypt_len == len);
	CHECK(r.crypt_len >= c->tag_size);
	CHECK(r.aad_size == c->aad_size);
	CHECK(r.aead_iv_size == c->aead_iv_size);
	CHECK(memcmp(r.prepend, rec, r.prepend_size) == 0);

	/* pretend the ciphertext is the decrypted inner plaintext */
	rc = tl_tls13_inner_unpad(rec + r.prepend_size,
				  r.crypt_len - c->tag_size, &type, &clen);
	if (rc == 0) {
		CHECK(clen < r.crypt_len - c->tag_size);
		CHECK(type != 0);
		(void)tl_tls13_is_key_update(type, rec + r.prepend_size,
					     clen);
	} else {
		CHECK(rc == -EBADMSG);
	}
	(void)tl_tls13_is_key_update(TL_TLS_CT_HANDSHAKE, rec + 5, len - 5);
}

/* The reference: walk the contiguous stream with the header check. */
static void reference(const struct tl_tls_cipher *c, const u8 *s,
		      size_t len, u32 *rec_end, unsigned int *nrec,
		      int *err, size_t *err_end, unsigned int max)
{
	size_t off = 0;
	int rc;

	*nrec = 0;
	*err = 0;
	while (off < len && *nrec < max) {
		rc = tl_tls_rx_parse_header(c, s + off, len - off);
		if (rc < 0) {
			*err = rc;
			/* the parser sees the error once the prepend is in */
			*err_end = off + c->prepend_size;
			return;
		}
		if (rc == 0 || off + rc > len)
			return;
		off += rc;
		rec_end[(*nrec)++] = off;
	}
}

#define MAX_RECS	4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static u32 ref_end[MAX_RECS];
	u8 info[TL_TLS_CRYPTO_INFO_MAX_SIZE], key[32], iv[12];
	const struct tl_tls_cipher *c;
	struct tl_tls_keys none, k, k2;
	struct tl_tls_rx_parser p;
	unsigned int nref, found = 0;
	size_t pos = 0, ref_err_end = 0;
	const u8 *s;
	size_t len;
	u32 rng;
	int rc, ref_err;

	if (size < 2)
		return 0;
	c = tl_tls_cipher_at(data[0] % tl_tls_cipher_count());
	rng = data[1] * 2654435761u + 1;
	s = data + 2;
	len = size - 2;

	/* the setsockopt()/getsockopt() parser on raw bytes */
	memset(&none, 0, sizeof(none));
	rc = tl_tls_crypto_info_parse(&k, len ? s : NULL, (unsigned int)len,
				      &none, &none);
	if (rc >= 0) {
		CHECK(rc == TL_TLS_CONF_NEW);
		CHECK(len == k.cipher->crypto_info_size);
		CHECK(tl_tls_crypto_info_get(&k, info, len) == (int)len);
		CHECK(memcmp(info, s, len) == 0);
		/* a second set: rekey in TLS 1.3, EBUSY in TLS 1.2 */
		rc = tl_tls_crypto_info_parse(&k2, s, len, &k, &none);
		CHECK(rc == (k.cipher->version == TLS_1_3_VERSION ?
			     TL_TLS_CONF_REKEY : -EBUSY));
	}

	/* keys for the chosen row, from the input so the nonces vary */
	memset(key, 0, sizeof(key));
	memset(iv, 0, sizeof(iv));
	memcpy(iv, s, min_t(size_t, len, sizeof(iv)));
	{
		struct tls_crypto_info hdr = {
			.version = c->version,
			.cipher_type = c->cipher_type,
		};

		memset(info, 0, sizeof(info));
		memcpy(info, &hdr, sizeof(hdr));
		memcpy(info + c->iv_offset, iv + c->salt_size, c->iv_size);
		memcpy(info + c->salt_offset, iv, c->salt_size);
		/* start near the end of the sequence space now and then */
		if (data[1] & 1)
			memset(info + c->rec_seq_offset, 0xff, 8);
		rc = tl_tls_crypto_info_parse(&k, info, c->crypto_info_size,
					      &none, &none);
		CHECK(rc == TL_TLS_CONF_NEW);
	}

	reference(c, s, len, ref_end, &nref, &ref_err, &ref_err_end,
		  MAX_RECS);

	/* feed the stream in pseudo-random segments, like TCP would */
	tl_tls_rx_parser_init(&p, c);
	while (pos < len && found < MAX_RECS) {
		size_t seg;
		const u8 *ptr = s + pos;

		rng = rng * 1103515245u + 12345u;
		seg = 1 + (rng >> 16) % (rng & 0x100 ? 7 : 2000);
		seg = min_t(size_t, seg, len - pos);
		if (p.state == TL_TLS_RXP_BODY && (rng & 0x200))
			ptr = NULL;	/* body bytes are only counted */

		rc = tl_tls_rx_parser_feed(&p, ptr, seg);
		if (rc < 0) {
			CHECK(ref_err == rc);
			CHECK(found == nref);
			/* the failing call delivered the last prepend byte */
			CHECK(pos < ref_err_end && ref_err_end <= pos + seg);
			CHECK(tl_tls_rx_parser_feed(&p, s, 1) == rc);
			return 0;
		}
		CHECK((size_t)rc <= seg);
		pos += rc;
		if (tl_tls_rx_parser_ready(&p)) {
			u32 rl = tl_tls_rx_parser_record_len(&p);

			CHECK(found < nref && ref_end[found] == pos);
			CHECK(memcmp(tl_tls_rx_parser_prepend(&p),
				     s + pos - rl, c->prepend_size) == 0);
			one_record(&k, s + pos - rl, rl);
			found++;
			tl_tls_rx_parser_next(&p);
		} else {
			CHECK((size_t)rc == seg);
		}
	}
	/* no error: the parser found every complete record, no more */
	if (found < MAX_RECS)
		CHECK(found == nref && !ref_err);
	tl_tls_keys_wipe(&k);
	return 0;
}
