// SPDX-License-Identifier: GPL-2.0
/*
 * tls_test_record.c - sequence numbers, nonce/AAD byte layouts, record
 * framing, RX header limits, the stream reassembler, TLS 1.3 padding and
 * KeyUpdate detection.  No crypto here: tls_test_kat.c runs real AEADs.
 */
#include "kselftest_harness.h"

#include "tls_test_util.h"
#include "tls_cipher.h"
#include "tls_crypto_info.h"
#include "tls_nonce.h"
#include "tls_record.h"
#include "tls_seq.h"

static const u8 key32[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
			      15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
			      26, 27, 28, 29, 30, 31, 32 };
static const u8 salt_iv12[12] = { 0xa0, 0xa1, 0xa2, 0xa3, 0xb0, 0xb1, 0xb2,
				  0xb3, 0xb4, 0xb5, 0xb6, 0xb7 };

static const struct tl_tls_cipher *find(u16 version, u16 cipher)
{
	return tl_tls_cipher_find(version, cipher);
}

/* ---- sequence numbers (tls_seq.h) ---- */

TEST(seq_take_increments)
{
	struct tl_tls_seq s;
	u64 v = 99;

	tl_tls_seq_init(&s, 0);
	ASSERT_EQ(0, tl_tls_seq_take(&s, &v));
	EXPECT_EQ(0ULL, v);
	ASSERT_EQ(0, tl_tls_seq_take(&s, &v));
	EXPECT_EQ(1ULL, v);
	EXPECT_EQ(2ULL, tl_tls_seq_peek(&s));

	tl_tls_seq_init(&s, 0x00000000ffffffffULL);
	ASSERT_EQ(0, tl_tls_seq_take(&s, &v));
	EXPECT_EQ(0x0000000100000000ULL, tl_tls_seq_peek(&s));
}

/* 2^64 - 1 is usable once; then -EBADMSG forever, never a wrap */
TEST(seq_never_wraps)
{
	struct tl_tls_seq s;
	u64 v = 0;

	tl_tls_seq_init(&s, ~0ULL - 1);
	ASSERT_EQ(0, tl_tls_seq_take(&s, &v));
	EXPECT_EQ(~0ULL - 1, v);
	ASSERT_EQ(0, tl_tls_seq_take(&s, &v));
	EXPECT_EQ(~0ULL, v);
	EXPECT_TRUE(s.exhausted);
	/* Linux's byte counter reads 0 after wrapping; so do we */
	EXPECT_EQ(0ULL, tl_tls_seq_peek(&s));
	v = 12345;
	EXPECT_EQ(-EBADMSG, tl_tls_seq_take(&s, &v));
	EXPECT_EQ(-EBADMSG, tl_tls_seq_take(&s, &v));
	EXPECT_EQ(12345ULL, v);
}

TEST(seq_be_increment)
{
	u8 a[8] = { 0, 0, 0, 0, 0, 0, 0x01, 0xff };
	u8 b[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const u8 a1[8] = { 0, 0, 0, 0, 0, 0, 0x02, 0x00 };
	static const u8 zero[8];

	EXPECT_FALSE(tl_tls_be_increment(a, 8));
	EXPECT_EQ(0, memcmp(a, a1, 8));
	EXPECT_TRUE(tl_tls_be_increment(b, 8));
	EXPECT_EQ(0, memcmp(b, zero, 8));
}

/* TX on exhausted keys fails and does not produce a record */
TEST(seq_exhaustion_stops_records)
{
	struct tl_tls_keys k;
	struct tl_tls_rec rec;

	ASSERT_EQ(0, tls_test_set_keys(&k, find(TLS_1_3_VERSION, 51), key32,
				       salt_iv12, ~0ULL));
	ASSERT_EQ(0, tl_tls_tx_record(&k, 23, 10, &rec));
	EXPECT_EQ(~0ULL, rec.seq);
	EXPECT_EQ(-EBADMSG, tl_tls_tx_record(&k, 23, 10, &rec));
	EXPECT_EQ(-EBADMSG, tl_tls_rx_record(&k, rec.prepend, 31, &rec));
}

/* ---- nonce and AAD layouts (tls_nonce.h) ---- */

/* RFC 8446 §5.3 with the RFC 8448 §3 client application IV */
TEST(nonce_xor_rfc8446)
{
	u8 iv[12], nonce[12], want[12];

	tls_test_unhex("5b 78 92 3d ee 08 57 90 33 e5 23 d9", iv, 12);
	tl_tls_xor_nonce(nonce, iv, 0);
	EXPECT_EQ(0, memcmp(nonce, iv, 12));

	tl_tls_xor_nonce(nonce, iv, 1);
	tls_test_unhex("5b 78 92 3d ee 08 57 90 33 e5 23 d8", want, 12);
	EXPECT_EQ(0, memcmp(nonce, want, 12));

	/* the sequence number lands in the last 8 bytes, big-endian */
	tl_tls_xor_nonce(nonce, iv, 0x0102030405060708ULL);
	tls_test_unhex("5b 78 92 3d ef 0a 54 94 36 e3 24 d1", want, 12);
	EXPECT_EQ(0, memcmp(nonce, want, 12));

	/* the first 4 bytes never change */
	tl_tls_xor_nonce(nonce, iv, ~0ULL);
	tls_test_unhex("5b 78 92 3d 11 f7 a8 6f cc 1a dc 26", want, 12);
	EXPECT_EQ(0, memcmp(nonce, want, 12));
}

/* RFC 5288 §3: salt || explicit */
TEST(nonce_tls12_gcm)
{
	u8 salt[4] = { 0xca, 0xfe, 0xba, 0xbe };
	u8 expl[8] = { 0xfa, 0xce, 0xdb, 0xad, 0xde, 0xca, 0xf8, 0x88 };
	u8 nonce[12], want[12];

	tl_tls12_gcm_nonce(nonce, salt, expl);
	tls_test_unhex("cafebabefacedbaddecaf888", want, 12);
	EXPECT_EQ(0, memcmp(nonce, want, 12));
}

/* RFC 7905 §2: TLS 1.2 ChaCha20 uses all 12 bytes of crypto_info.iv */
TEST(nonce_tls12_chacha_from_keys)
{
	const struct tl_tls_cipher *c = find(TLS_1_2_VERSION, 54);
	u8 iv[12], nonce[12], want[12];
	struct tl_tls_keys k;

	tls_test_unhex("07 00 00 00 40 41 42 43 44 45 46 47", iv, 12);
	ASSERT_EQ(0, tls_test_set_keys(&k, c, key32, iv, 0));
	EXPECT_EQ(0, memcmp(k.salt_iv, iv, 12));
	tl_tls_record_nonce(&k, 1, NULL, nonce);
	tls_test_unhex("07 00 00 00 40 41 42 43 44 45 46 46", want, 12);
	EXPECT_EQ(0, memcmp(nonce, want, 12));
	/* an explicit nonce argument is ignored: there is none on the wire */
	tl_tls_record_nonce(&k, 1, key32, nonce);
	EXPECT_EQ(0, memcmp(nonce, want, 12));
}

/* TLS 1.3: static IV = salt || iv of crypto_info, for every cipher */
TEST(nonce_tls13_all_ciphers)
{
	u8 nonce[12], want[12];
	struct tl_tls_keys k;
	unsigned int i;

	for (i = 0; i < tl_tls_cipher_count(); i++) {
		const struct tl_tls_cipher *c = tl_tls_cipher_at(i);

		if (c->version != TLS_1_3_VERSION)
			continue;
		ASSERT_EQ(0, tls_test_set_keys(&k, c, key32, salt_iv12, 0));
		tl_tls_record_nonce(&k, 0x10, NULL, nonce);
		memcpy(want, salt_iv12, 12);
		want[11] ^= 0x10;
		EXPECT_EQ(0, memcmp(nonce, want, 12));
	}
}

/* "ccm(aes)" IV: L' = 2, nonce, 3 zero counter bytes (RFC 3610 §2.3) */
TEST(nonce_ccm_iv_format)
{
	const struct tl_tls_cipher *ccm = find(TLS_1_2_VERSION, 53);
	const struct tl_tls_cipher *gcm = find(TLS_1_2_VERSION, 51);
	u8 nonce[12], iv[16], want[16];

	EXPECT_EQ(2, TL_TLS_AES_CCM_IV_B0_BYTE);
	tls_test_unhex("101112131415161718191a1b", nonce, 12);
	memset(iv, 0xee, sizeof(iv));
	tl_tls_ccm_iv(iv, nonce);
	tls_test_unhex("02 101112131415161718191a1b 000000", want, 16);
	EXPECT_EQ(0, memcmp(iv, want, 16));

	memset(iv, 0xee, sizeof(iv));
	EXPECT_EQ(16U, tl_tls_aead_iv(ccm, nonce, iv));
	EXPECT_EQ(0, memcmp(iv, want, 16));
	memset(iv, 0xee, sizeof(iv));
	EXPECT_EQ(12U, tl_tls_aead_iv(gcm, nonce, iv));
	EXPECT_EQ(0, memcmp(iv, nonce, 12));
	EXPECT_EQ(0xee, iv[12]);
}

/* TLS 1.3 CCM still uses the 16-byte IV, built on the XOR nonce */
TEST(nonce_ccm_tls13_record)
{
	const struct tl_tls_cipher *c = find(TLS_1_3_VERSION, 53);
	struct tl_tls_keys k;
	struct tl_tls_rec rec;
	u8 want[16];

	ASSERT_EQ(0, tls_test_set_keys(&k, c, key32, salt_iv12, 3));
	ASSERT_EQ(0, tl_tls_tx_record(&k, 22, 32, &rec));
	EXPECT_EQ(16, rec.aead_iv_size);
	tls_test_unhex("02 a0a1a2a3b0b1b2b3b4b5b6b4 000000", want, 16);
	EXPECT_EQ(0, memcmp(rec.aead_iv, want, 16));
}

/* RFC 5246 §6.2.3.3 and RFC 8446 §5.2 AAD bytes */
TEST(aad_layouts)
{
	u8 aad[13], want[13];

	tl_tls12_make_aad(aad, 0x0102030405060708ULL, 23, 0x1234);
	tls_test_unhex("0102030405060708 17 0303 1234", want, 13);
	EXPECT_EQ(0, memcmp(aad, want, 13));

	tl_tls13_make_aad(aad, 0x43);
	tls_test_unhex("17 0303 0043", want, 5);
	EXPECT_EQ(0, memcmp(aad, want, 5));

	/* TLS 1.3: length = content + type byte + tag, type always 23 */
	EXPECT_EQ(5U, tl_tls_make_aad(find(TLS_1_3_VERSION, 54), aad, 9, 22,
				      50));
	EXPECT_EQ(0, memcmp(aad, want, 5));
	EXPECT_EQ(13U, tl_tls_make_aad(find(TLS_1_2_VERSION, 54), aad, 9, 21,
				       2));
	tls_test_unhex("0000000000000009 15 0303 0002", want, 13);
	EXPECT_EQ(0, memcmp(aad, want, 13));
}

/* ---- TX framing ---- */

TEST(tx_tls12_gcm_framing)
{
	const struct tl_tls_cipher *c = find(TLS_1_2_VERSION, 51);
	struct tl_tls_keys k;
	struct tl_tls_rec rec;
	u8 want[13];

	ASSERT_EQ(0, tls_test_set_keys(&k, c, key32, salt_iv12, 5));
	ASSERT_EQ(0, tl_tls_tx_record(&k, 21, 2, &rec));
	EXPECT_EQ(5ULL, rec.seq);
	EXPECT_EQ(13, rec.prepend_size);
	EXPECT_EQ(0, rec.tail_size);
	EXPECT_EQ(2U, rec.crypt_len);
	EXPECT_EQ(5U + 8 + 2 + 16, rec.record_len);
	/* header: type 21, 03 03, length 26; then explicit nonce = iv */
	tls_test_unhex("15 0303 001a b0b1b2b3b4b5b6b7", want, 13);
	EXPECT_EQ(0, memcmp(rec.prepend, want, 13));
	tls_test_unhex("a0a1a2a3 b0b1b2b3b4b5b6b7", want, 12);
	EXPECT_EQ(0, memcmp(rec.nonce, want, 12));
	tls_test_unhex("0000000000000005 15 0303 0002", want, 13);
	EXPECT_EQ(13, rec.aad_size);
	EXPECT_EQ(0, memcmp(rec.aad, want, 13));

	/* next record: explicit nonce and seq both advanced by one */
	ASSERT_EQ(0, tl_tls_tx_record(&k, 23, 0, &rec));
	EXPECT_EQ(6ULL, rec.seq);
	tls_test_unhex("17 0303 0018 b0b1b2b3b4b5b6b8", want, 13);
	EXPECT_EQ(0, memcmp(rec.prepend, want, 13));
}

/* the explicit nonce counter carries across bytes */
TEST(tx_tls12_explicit_nonce_carry)
{
	const struct tl_tls_cipher *c = find(TLS_1_2_VERSION, 53);
	u8 iv[12], want[8];
	struct tl_tls_keys k;
	struct tl_tls_rec rec;

	tls_test_unhex("01020304 00000000000000ff", iv, 12);
	ASSERT_EQ(0, tls_test_set_keys(&k, c, key32, iv, 0));
	ASSERT_EQ(0, tl_tls_tx_record(&k, 23, 1, &rec));
	ASSERT_EQ(0, tl_tls_tx_record(&k, 23, 1, &rec));
	tls_test_unhex("0000000000000100", want, 8);
	EXPECT_EQ(0, memcmp(rec.prepend + 5, want, 8));
}

TEST(tx_tls13_framing)
{
	const struct tl_tls_cipher *c = find(TLS_1_3_VERSION, 52);
	struct tl_tls_keys k;
	struct tl_tls_rec rec;
	u8 want[5];

	ASSERT_EQ(0, tls_test_set_keys(&k, c, key32, salt_iv12, 0));
	ASSERT_EQ(0, tl_tls_tx_record(&k, 22, 50, &rec));
	/* outer type is always 23; length = 50 + 1 + 16 = 67 */
	tls_test_unhex("17 0303 0043", want, 5);
	EXPECT_EQ(5, rec.prepend_size);
	EXPECT_EQ(0, memcmp(rec.prepend, want, 5));
	EXPECT_EQ(1, rec.tail_size);
	EXPECT_EQ(22, rec.tail[0]);
	EXPECT_EQ(51U, rec.crypt_len);
	EXPECT_EQ(72U, rec.record_len);
	EXPECT_EQ(5, rec.aad_size);
	EXPECT_EQ(0, memcmp(rec.aad, want, 5));
}

TEST(tx_limits)
{
	struct tl_tls_keys k, none;
	struct tl_tls_rec rec;
	unsigned int i;

	memset(&none, 0, sizeof(none));
	EXPECT_EQ(-EINVAL, tl_tls_tx_record(&none, 23, 1, &rec));
	for (i = 0; i < tl_tls_cipher_count(); i++) {
		const struct tl_tls_cipher *c = tl_tls_cipher_at(i);

		ASSERT_EQ(0, tls_test_set_keys(&k, c, key32, salt_iv12, 0));
		EXPECT_EQ(-EMSGSIZE, tl_tls_tx_record(&k, 23, 16385, &rec));
		EXPECT_EQ(0ULL, k.seq.next);	/* nothing consumed */
		ASSERT_EQ(0, tl_tls_tx_record(&k, 23, 16384, &rec));
		EXPECT_EQ(16384U + c->overhead_size, rec.record_len);
		/* our own largest record passes our own RX check */
		EXPECT_EQ((int)rec.record_len,
			  tl_tls_rx_parse_header(c, rec.prepend,
						 rec.prepend_size));
	}
}

/* RX computes the same nonce, IV and AAD as TX did, for every cipher */
TEST(rx_mirrors_tx)
{
	struct tl_tls_rec tx, rx;
	struct tl_tls_keys a, b;
	unsigned int i, n;

	for (i = 0; i < tl_tls_cipher_count(); i++) {
		const struct tl_tls_cipher *c = tl_tls_cipher_at(i);

		ASSERT_EQ(0, tls_test_set_keys(&a, c, key32, salt_iv12, 40));
		/* the receiver's iv field is irrelevant for TLS 1.2 GCM */
		b = a;
		if (c->explicit_nonce_size)
			memset(b.salt_iv + 4, 0x77, 8);
		for (n = 0; n < 3; n++) {
			ASSERT_EQ(0, tl_tls_tx_record(&a, 21 + n, 100 * n,
						      &tx));
			ASSERT_EQ(0, tl_tls_rx_record(&b, tx.prepend,
						      tx.record_len, &rx));
			EXPECT_EQ(tx.seq, rx.seq);
			EXPECT_EQ(0, memcmp(tx.nonce, rx.nonce, 12));
			EXPECT_EQ(tx.aead_iv_size, rx.aead_iv_size);
			EXPECT_EQ(0, memcmp(tx.aead_iv, rx.aead_iv, 16));
			EXPECT_EQ(tx.aad_size, rx.aad_size);
			EXPECT_EQ(0, memcmp(tx.aad, rx.aad, tx.aad_size));
			EXPECT_EQ(tx.crypt_len + c->tag_size, rx.crypt_len);
		}
	}
}

TEST(rx_record_rejects_bad_lengths)
{
	const struct tl_tls_cipher *c = find(TLS_1_2_VERSION, 51);
	u8 prepend[13] = { 23, 3, 3 };
	struct tl_tls_keys k, none;
	struct tl_tls_rec rec;

	memset(&none, 0, sizeof(none));
	EXPECT_EQ(-EINVAL, tl_tls_rx_record(&none, prepend, 40, &rec));
	ASSERT_EQ(0, tls_test_set_keys(&k, c, key32, salt_iv12, 0));
	EXPECT_EQ(-EINVAL, tl_tls_rx_record(&k, prepend, 28, &rec));
	EXPECT_EQ(-EINVAL, tl_tls_rx_record(&k, prepend, 5 + 16408 + 1,
					    &rec));
	EXPECT_EQ(0ULL, k.seq.next);
	EXPECT_EQ(0, tl_tls_rx_record(&k, prepend, 29, &rec));
	EXPECT_EQ(0, tl_tls_rx_record(&k, prepend, 5 + 16408, &rec));
}

/* getsockopt reports the *current* iv and rec_seq, as Linux */
TEST(getsockopt_after_records)
{
	const struct tl_tls_cipher *c = find(TLS_1_2_VERSION, 51);
	u8 out[TL_TLS_CRYPTO_INFO_MAX_SIZE], want[8];
	struct tl_tls_keys k;
	struct tl_tls_rec rec;
	unsigned int i;

	ASSERT_EQ(0, tls_test_set_keys(&k, c, key32, salt_iv12, 1000));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, tl_tls_tx_record(&k, 23, 10, &rec));
	ASSERT_EQ(40, tl_tls_crypto_info_get(&k, out, 40));
	tls_test_unhex("b0b1b2b3b4b5b6ba", want, 8);
	EXPECT_EQ(0, memcmp(out + c->iv_offset, want, 8));
	EXPECT_EQ(1003ULL, tl_get_be64(out + c->rec_seq_offset));
	EXPECT_EQ(0, memcmp(out + c->key_offset, key32, 16));
	EXPECT_EQ(0, memcmp(out + c->salt_offset, salt_iv12, 4));
}

/* ---- RX header check (Linux tls_rx_msg_size()) ---- */

static int parse_len(const struct tl_tls_cipher *c, unsigned int len,
		     u16 version)
{
	u8 hdr[13] = { 23 };

	tl_put_be16(hdr + 1, version);
	tl_put_be16(hdr + 3, len);
	return tl_tls_rx_parse_header(c, hdr, sizeof(hdr));
}

TEST(header_limits_all_ciphers)
{
	unsigned int i;

	for (i = 0; i < tl_tls_cipher_count(); i++) {
		const struct tl_tls_cipher *c = tl_tls_cipher_at(i);
		unsigned int max = 16384 + 16 + c->explicit_nonce_size +
				   c->tail_size;
		unsigned int min = 16 + c->explicit_nonce_size;

		EXPECT_EQ((int)(5 + max), parse_len(c, max, 0x0303));
		EXPECT_EQ(-EMSGSIZE, parse_len(c, max + 1, 0x0303));
		EXPECT_EQ(-EMSGSIZE, parse_len(c, 0xffff, 0x0303));
		EXPECT_EQ((int)(5 + min), parse_len(c, min, 0x0303));
		EXPECT_EQ(-EBADMSG, parse_len(c, min - 1, 0x0303));
		EXPECT_EQ(-EBADMSG, parse_len(c, 0, 0x0303));
		EXPECT_EQ(-EINVAL, parse_len(c, min, 0x0304));
		EXPECT_EQ(-EINVAL, parse_len(c, min, 0x0301));
		EXPECT_EQ(-EINVAL, parse_len(c, min, 0x0000));
		/* order of checks: size errors win over the version */
		EXPECT_EQ(-EMSGSIZE, parse_len(c, max + 1, 0x0102));
		EXPECT_EQ(-EBADMSG, parse_len(c, 1, 0x0102));
	}
	/* TLS 1.3 in numbers: 2^14 + 17, not the RFC's 2^14 + 256 */
	EXPECT_EQ(-EMSGSIZE, parse_len(find(TLS_1_3_VERSION, 51), 16402,
				       0x0303));
	EXPECT_EQ(16406, parse_len(find(TLS_1_3_VERSION, 51), 16401,
				   0x0303));
}

/* the header is only judged once the whole prepend is there */
TEST(header_needs_prepend)
{
	const struct tl_tls_cipher *gcm12 = find(TLS_1_2_VERSION, 51);
	const struct tl_tls_cipher *cc12 = find(TLS_1_2_VERSION, 54);
	u8 hdr[13] = { 23, 3, 3, 0xff, 0xff };	/* oversized */

	EXPECT_EQ(0, tl_tls_rx_parse_header(gcm12, hdr, 0));
	EXPECT_EQ(0, tl_tls_rx_parse_header(gcm12, hdr, 5));
	EXPECT_EQ(0, tl_tls_rx_parse_header(gcm12, hdr, 12));
	EXPECT_EQ(-EMSGSIZE, tl_tls_rx_parse_header(gcm12, hdr, 13));
	EXPECT_EQ(0, tl_tls_rx_parse_header(cc12, hdr, 4));
	EXPECT_EQ(-EMSGSIZE, tl_tls_rx_parse_header(cc12, hdr, 5));
}

/* ---- reassembler ---- */

#define STREAM_MAX	256
#define RECS_MAX	8

struct stream {
	u8 buf[STREAM_MAX];
	size_t len;
	size_t rec_start[RECS_MAX];
	size_t rec_len[RECS_MAX];
	unsigned int nrec;
};

/* append a record with @data_len bytes after the header */
static void stream_add(struct stream *s, u8 type, unsigned int data_len)
{
	size_t i;

	s->rec_start[s->nrec] = s->len;
	s->rec_len[s->nrec] = 5 + data_len;
	s->nrec++;
	s->buf[s->len] = type;
	tl_put_be16(s->buf + s->len + 1, 0x0303);
	tl_put_be16(s->buf + s->len + 3, data_len);
	for (i = 0; i < data_len; i++)
		s->buf[s->len + 5 + i] = (u8)(s->len * 7 + i * 13 + 1);
	s->len += 5 + data_len;
}

struct found {
	size_t end[RECS_MAX];
	size_t len[RECS_MAX];
	unsigned int n;
	int err;
	size_t err_at;
};

/*
 * Feed @s in chunks ending at @cuts (ascending, the last one s->len),
 * taking each record as it completes.  Returns what was found.
 */
static void feed_cuts(const struct tl_tls_cipher *c, const struct stream *s,
		      const size_t *cuts, unsigned int ncuts, struct found *f,
		      bool null_body)
{
	struct tl_tls_rx_parser p;
	size_t pos = 0;
	unsigned int k;

	memset(f, 0, sizeof(*f));
	tl_tls_rx_parser_init(&p, c);
	for (k = 0; k < ncuts && !f->err; k++) {
		while (pos < cuts[k]) {
			const u8 *data = s->buf + pos;
			int rc;

			if (null_body && p.state == TL_TLS_RXP_BODY)
				data = NULL;
			rc = tl_tls_rx_parser_feed(&p, data, cuts[k] - pos);
			if (rc < 0) {
				f->err = rc;
				f->err_at = pos;
				break;
			}
			pos += rc;
			if (tl_tls_rx_parser_ready(&p)) {
				size_t len = tl_tls_rx_parser_record_len(&p);

				f->end[f->n] = pos;
				f->len[f->n] = len;
				/* the parser's copy of the prepend is right */
				if (memcmp(tl_tls_rx_parser_prepend(&p),
					   s->buf + pos - len,
					   c->prepend_size))
					f->len[f->n] = 0;
				f->n++;
				/* a waiting record blocks the stream */
				if (tl_tls_rx_parser_feed(&p, s->buf, 1) != 0)
					f->len[f->n - 1] = 0;
				tl_tls_rx_parser_next(&p);
			} else if (rc == 0) {
				break;
			}
		}
	}
}

static bool found_all(const struct stream *s, const struct found *f)
{
	unsigned int i;

	if (f->err || f->n != s->nrec)
		return false;
	for (i = 0; i < s->nrec; i++) {
		if (f->len[i] != s->rec_len[i] ||
		    f->end[i] != s->rec_start[i] + s->rec_len[i])
			return false;
	}
	return true;
}

static void build_three(const struct tl_tls_cipher *c, struct stream *s)
{
	unsigned int min = c->tag_size + c->explicit_nonce_size;

	memset(s, 0, sizeof(*s));
	stream_add(s, 23, min);
	stream_add(s, 21, min + 1);
	stream_add(s, 22, min + 19);
}

/* byte by byte, and every way to cut the stream into 2 or 3 pieces */
TEST(reassembler_every_split)
{
	static const u16 cfg[][2] = {
		{ TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_128 },
		{ TLS_1_2_VERSION, TLS_CIPHER_CHACHA20_POLY1305 },
		{ TLS_1_3_VERSION, TLS_CIPHER_AES_CCM_128 },
	};
	unsigned int ci, checked = 0;
	struct stream s;
	struct found f;
	size_t cuts[RECS_MAX * STREAM_MAX];
	size_t i, j;

	for (ci = 0; ci < ARRAY_SIZE(cfg); ci++) {
		const struct tl_tls_cipher *c = find(cfg[ci][0], cfg[ci][1]);

		build_three(c, &s);
		ASSERT_LE(s.len, (size_t)STREAM_MAX);

		for (i = 0; i < s.len; i++)
			cuts[i] = i + 1;
		feed_cuts(c, &s, cuts, s.len, &f, false);
		ASSERT_TRUE(found_all(&s, &f));
		feed_cuts(c, &s, cuts, s.len, &f, true);
		ASSERT_TRUE(found_all(&s, &f));

		for (i = 0; i <= s.len; i++) {
			for (j = i; j <= s.len; j++) {
				cuts[0] = i;
				cuts[1] = j;
				cuts[2] = s.len;
				feed_cuts(c, &s, cuts, 3, &f, j & 1);
				if (!found_all(&s, &f))
					TH_LOG("cipher %u cuts %zu %zu", ci, i,
					       j);
				ASSERT_TRUE(found_all(&s, &f));
				checked++;
			}
		}
	}
	TH_LOG("%u split patterns checked", checked);
}

/* a bad header after good records: found at the right byte, sticky */
TEST(reassembler_error_is_sticky)
{
	const struct tl_tls_cipher *c = find(TLS_1_2_VERSION, 51);
	struct tl_tls_rx_parser p;
	struct stream s;
	struct found f;
	size_t cuts[STREAM_MAX];
	size_t i;

	build_three(c, &s);
	stream_add(&s, 23, 30);
	s.buf[s.rec_start[3] + 2] = 0x01;	/* version 03 01 */
	for (i = 0; i < s.len; i++)
		cuts[i] = i + 1;
	feed_cuts(c, &s, cuts, s.len, &f, false);
	EXPECT_EQ(3U, f.n);
	EXPECT_EQ(-EINVAL, f.err);
	/* detected on the last byte of the 13-byte prepend */
	EXPECT_EQ(s.rec_start[3] + 12, f.err_at);

	tl_tls_rx_parser_init(&p, c);
	EXPECT_EQ(-EINVAL, tl_tls_rx_parser_feed(&p, s.buf + s.rec_start[3],
						 s.len - s.rec_start[3]));
	EXPECT_EQ(TL_TLS_RXP_ERROR, p.state);
	EXPECT_EQ(-EINVAL, tl_tls_rx_parser_feed(&p, s.buf, 5));
	EXPECT_EQ(-EINVAL, tl_tls_rx_parser_feed(&p, s.buf, 0));
	tl_tls_rx_parser_next(&p);
	EXPECT_EQ(-EINVAL, tl_tls_rx_parser_feed(&p, s.buf, 5));
}

TEST(reassembler_oversized_and_short)
{
	const struct tl_tls_cipher *c = find(TLS_1_3_VERSION, 54);
	struct tl_tls_rx_parser p;
	u8 big[5] = { 23, 3, 3, 0x40, 0x12 };	/* 16402 */
	u8 small[5] = { 23, 3, 3, 0x00, 0x0f };	/* 15 < tag */
	u8 ok[5] = { 23, 3, 3, 0x40, 0x11 };	/* 16401 */

	tl_tls_rx_parser_init(&p, c);
	EXPECT_EQ(4, tl_tls_rx_parser_feed(&p, big, 4));
	EXPECT_EQ(0U, tl_tls_rx_parser_record_len(&p));
	EXPECT_EQ(-EMSGSIZE, tl_tls_rx_parser_feed(&p, big + 4, 1));

	tl_tls_rx_parser_init(&p, c);
	EXPECT_EQ(-EBADMSG, tl_tls_rx_parser_feed(&p, small, 5));

	/* the largest record: header known after 5 bytes, body counted */
	tl_tls_rx_parser_init(&p, c);
	EXPECT_EQ(5, tl_tls_rx_parser_feed(&p, ok, 5));
	EXPECT_EQ(TL_TLS_RXP_BODY, p.state);
	EXPECT_EQ(16406U, tl_tls_rx_parser_record_len(&p));
	EXPECT_EQ(16000, tl_tls_rx_parser_feed(&p, NULL, 16000));
	EXPECT_FALSE(tl_tls_rx_parser_ready(&p));
	EXPECT_EQ(401, tl_tls_rx_parser_feed(&p, NULL, 100000));
	EXPECT_TRUE(tl_tls_rx_parser_ready(&p));
	EXPECT_EQ(0, tl_tls_rx_parser_feed(&p, ok, 5));
	tl_tls_rx_parser_next(&p);
	EXPECT_EQ(TL_TLS_RXP_HEADER, p.state);
	EXPECT_EQ(0, tl_tls_rx_parser_feed(&p, ok, 0));
}

/* ---- TLS 1.3 inner plaintext (RFC 8446 §5.2, §5.4) ---- */

TEST(inner_unpad)
{
	static const u8 a[] = { 'h', 'i', 23 };
	static const u8 b[] = { 'h', 'i', 22, 0, 0, 0, 0 };
	static const u8 c[] = { 21 };
	static const u8 d[] = { 0, 0, 0, 0 };
	static const u8 e[] = { 0, 0, 23, 0 };
	size_t len = 99;
	u8 type = 99;

	EXPECT_EQ(0, tl_tls13_inner_unpad(a, sizeof(a), &type, &len));
	EXPECT_EQ(23, type);
	EXPECT_EQ(2U, len);
	EXPECT_EQ(0, tl_tls13_inner_unpad(b, sizeof(b), &type, &len));
	EXPECT_EQ(22, type);
	EXPECT_EQ(2U, len);
	EXPECT_EQ(0, tl_tls13_inner_unpad(c, sizeof(c), &type, &len));
	EXPECT_EQ(21, type);
	EXPECT_EQ(0U, len);
	/* zero-length content with padding is legal (RFC 8446 §5.4) */
	EXPECT_EQ(0, tl_tls13_inner_unpad(e, sizeof(e), &type, &len));
	EXPECT_EQ(23, type);
	EXPECT_EQ(2U, len);
	/* all zeroes, or nothing: no content type, Linux says EBADMSG */
	type = 99;
	len = 99;
	EXPECT_EQ(-EBADMSG, tl_tls13_inner_unpad(d, sizeof(d), &type, &len));
	EXPECT_EQ(-EBADMSG, tl_tls13_inner_unpad(d, 0, &type, &len));
	EXPECT_EQ(99, type);
	EXPECT_EQ(99U, len);
}

TEST(inner_build_roundtrip)
{
	static u8 buf[16384 + 1 + 64];
	size_t pads[] = { 0, 1, 2, 255, 1000 };
	size_t lens[] = { 0, 1, 100, 15000 };
	size_t len;
	unsigned int i, j;
	u8 type;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		for (j = 0; j < ARRAY_SIZE(pads); j++) {
			int n;

			memset(buf, 0x33, sizeof(buf));
			n = tl_tls13_inner_build(buf, sizeof(buf), lens[i], 21,
						 pads[j]);
			ASSERT_EQ((int)(lens[i] + 1 + pads[j]), n);
			ASSERT_EQ(0, tl_tls13_inner_unpad(buf, n, &type,
							  &len));
			EXPECT_EQ(21, type);
			EXPECT_EQ(lens[i], len);
		}
	}
	/* 2^14 + 1 is the limit of TLSInnerPlaintext */
	EXPECT_EQ(16385, tl_tls13_inner_build(buf, sizeof(buf), 16384, 23,
					      0));
	EXPECT_EQ(-EMSGSIZE, tl_tls13_inner_build(buf, sizeof(buf), 16384,
						  23, 1));
	EXPECT_EQ(-EMSGSIZE, tl_tls13_inner_build(buf, sizeof(buf), 16385,
						  23, 0));
	EXPECT_EQ(16385, tl_tls13_inner_build(buf, sizeof(buf), 0, 23,
					      16384));
	EXPECT_EQ(-EMSGSIZE, tl_tls13_inner_build(buf, 10, 5, 23, 5));
	EXPECT_EQ(10, tl_tls13_inner_build(buf, 10, 5, 23, 4));
}

/* ---- KeyUpdate (RFC 8446 §4.6.3) ---- */

TEST(key_update_detection)
{
	/* KeyUpdate: type 24, length 1, update_requested */
	static const u8 ku[] = { 24, 0, 0, 1, 1 };
	/* NewSessionTicket (type 4, 6 bytes body) then KeyUpdate */
	static const u8 nst_ku[] = { 4, 0, 0, 6, 1, 2, 3, 4, 5, 6,
				     24, 0, 0, 1, 0 };
	static const u8 nst[] = { 4, 0, 0, 6, 1, 2, 3, 4, 5, 6 };
	/* 24 inside a message body is not a message type */
	static const u8 nst24[] = { 4, 0, 0, 2, 24, 24 };
	/* a huge length field must not run off the end */
	static const u8 huge[] = { 4, 0xff, 0xff, 0xff, 24 };

	EXPECT_TRUE(tl_tls13_is_key_update(22, ku, sizeof(ku)));
	EXPECT_FALSE(tl_tls13_is_key_update(23, ku, sizeof(ku)));
	EXPECT_FALSE(tl_tls13_is_key_update(21, ku, sizeof(ku)));
	EXPECT_TRUE(tl_tls13_is_key_update(22, nst_ku, sizeof(nst_ku)));
	EXPECT_FALSE(tl_tls13_is_key_update(22, nst, sizeof(nst)));
	EXPECT_FALSE(tl_tls13_is_key_update(22, nst24, sizeof(nst24)));
	EXPECT_FALSE(tl_tls13_is_key_update(22, huge, sizeof(huge)));
	/* Linux looks at byte 0 even when the record is that short */
	EXPECT_TRUE(tl_tls13_is_key_update(22, ku, 1));
	EXPECT_FALSE(tl_tls13_is_key_update(22, ku, 0));
}

TEST_HARNESS_MAIN
