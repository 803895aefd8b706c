// SPDX-License-Identifier: GPL-2.0
/*
 * tls_test_kat.c - known-answer tests of complete TLS records.
 *
 * The core never encrypts: in the kernel the glue hands its nonce, AAD and
 * framing to the kernel crypto API.  Here GnuTLS's AEAD API stands in for
 * the kernel crypto API, so these tests check exactly the part the core
 * owns: if a single nonce, AAD or header byte were wrong, the records
 * below would not come out byte-for-byte, nor authenticate on the way in.
 *
 * Every record goes both ways: sealed with tl_tls_tx_record() and compared
 * with the expected bytes, and fed through the RX reassembler,
 * tl_tls_rx_record(), decryption and (TLS 1.3) tl_tls13_inner_unpad().
 */
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>

#include "kselftest_harness.h"

#include "tls_test_util.h"
#include "tls_cipher.h"
#include "tls_crypto_info.h"
#include "tls_nonce.h"
#include "tls_record.h"

#define REC_MAX	1024

static gnutls_cipher_algorithm_t gnutls_alg(const struct tl_tls_cipher *c)
{
	switch (c->cipher_type) {
	case TLS_CIPHER_AES_GCM_128:
		return GNUTLS_CIPHER_AES_128_GCM;
	case TLS_CIPHER_AES_GCM_256:
		return GNUTLS_CIPHER_AES_256_GCM;
	case TLS_CIPHER_AES_CCM_128:
		return GNUTLS_CIPHER_AES_128_CCM;
	case TLS_CIPHER_CHACHA20_POLY1305:
		return GNUTLS_CIPHER_CHACHA20_POLY1305;
	}
	return GNUTLS_CIPHER_UNKNOWN;
}

static gnutls_aead_cipher_hd_t aead_open(const struct tl_tls_keys *k)
{
	gnutls_aead_cipher_hd_t h = NULL;
	gnutls_datum_t key = {
		.data = (unsigned char *)k->key,
		.size = k->cipher->key_size,
	};

	if (gnutls_aead_cipher_init(&h, gnutls_alg(k->cipher), &key) < 0)
		return NULL;
	return h;
}

/*
 * Seal one record the way the kernel glue will: prepend, then
 * AEAD(content || tail) with the core's nonce and AAD.  Returns the
 * record length, or -1.
 */
static int seal(struct tl_tls_keys *k, u8 type, const u8 *content,
		size_t len, u8 *out)
{
	u8 pt[REC_MAX];
	struct tl_tls_rec rec;
	gnutls_aead_cipher_hd_t h;
	size_t ct_len;
	int rc;

	if (len + 1 > sizeof(pt) || tl_tls_tx_record(k, type, len, &rec))
		return -1;
	memcpy(pt, content, len);
	memcpy(pt + len, rec.tail, rec.tail_size);
	memcpy(out, rec.prepend, rec.prepend_size);

	h = aead_open(k);
	if (!h)
		return -1;
	ct_len = REC_MAX - rec.prepend_size;
	rc = gnutls_aead_cipher_encrypt(h, rec.nonce, sizeof(rec.nonce),
					rec.aad, rec.aad_size,
					k->cipher->tag_size, pt,
					rec.crypt_len,
					out + rec.prepend_size, &ct_len);
	gnutls_aead_cipher_deinit(h);
	if (rc < 0 || rec.prepend_size + ct_len != rec.record_len)
		return -1;
	return rec.record_len;
}

/*
 * Receive @len bytes of one record: reassembler, header check, nonce/AAD,
 * decrypt, unpad.  Returns the content length with the real type in
 * *@type, or a negative errno (-EBADMSG for an authentication failure).
 */
static int open_rec(struct tl_tls_keys *k, const u8 *wire, size_t len,
		    u8 *content, u8 *type)
{
	struct tl_tls_rx_parser p;
	struct tl_tls_rec rec;
	gnutls_aead_cipher_hd_t h;
	size_t pt_len = REC_MAX, clen;
	int rc;

	tl_tls_rx_parser_init(&p, k->cipher);
	rc = tl_tls_rx_parser_feed(&p, wire, len);
	if (rc < 0)
		return rc;
	if (!tl_tls_rx_parser_ready(&p) || (size_t)rc != len)
		return -EAGAIN;

	rc = tl_tls_rx_record(k, tl_tls_rx_parser_prepend(&p),
			      tl_tls_rx_parser_record_len(&p), &rec);
	if (rc)
		return rc;

	h = aead_open(k);
	if (!h)
		return -ENOMEM;
	rc = gnutls_aead_cipher_decrypt(h, rec.nonce, sizeof(rec.nonce),
					rec.aad, rec.aad_size,
					k->cipher->tag_size,
					wire + rec.prepend_size,
					rec.crypt_len, content, &pt_len);
	gnutls_aead_cipher_deinit(h);
	if (rc < 0)
		return -EBADMSG;

	if (k->cipher->version != TLS_1_3_VERSION) {
		*type = rec.type;
		return pt_len;
	}
	rc = tl_tls13_inner_unpad(content, pt_len, type, &clen);
	return rc ? rc : (int)clen;
}

/* RFC 8448 §3 "client/server send application_data", 50-byte payload */
static void payload50(u8 *p)
{
	int i;

	for (i = 0; i < 50; i++)
		p[i] = i;
}

struct kat {
	const char *name;
	u16 version, cipher;
	const char *key, *salt_iv;	/* salt || iv, 12 bytes */
	u64 seq;
	u8 type;
	const char *record;
};

/*
 * RFC 8448 §3, Simple 1-RTT Handshake, TLS_AES_128_GCM_SHA256.
 * {client} derive write traffic keys for application data:
 *   key 17 42 2d da 59 6e d5 d9 ac d8 90 e3 c6 3f 50 51
 *   iv  5b 78 92 3d ee 08 57 90 33 e5 23 d9
 * {server} derive write traffic keys for application data:
 *   key 9f 02 28 3b 6c 9c 07 ef c2 6b b9 f2 ac 92 e3 56
 *   iv  cf 78 2b 88 dd 83 54 9a ad f1 e9 84
 * The server's first record under its application key is the
 * NewSessionTicket (seq 0), so its application data is seq 1 and its
 * close_notify alert seq 2; the client sends application data (seq 0)
 * then its alert (seq 1).
 */
#define RFC8448_C_KEY	"17 42 2d da 59 6e d5 d9 ac d8 90 e3 c6 3f 50 51"
#define RFC8448_C_IV	"5b 78 92 3d ee 08 57 90 33 e5 23 d9"
#define RFC8448_S_KEY	"9f 02 28 3b 6c 9c 07 ef c2 6b b9 f2 ac 92 e3 56"
#define RFC8448_S_IV	"cf 78 2b 88 dd 83 54 9a ad f1 e9 84"

static const struct kat rfc8448_app[] = {
	{
		"client application_data", TLS_1_3_VERSION, 51,
		RFC8448_C_KEY, RFC8448_C_IV, 0, 23,
		"17 03 03 00 43 a2 3f 70 54 b6 2c 94 d0 af fa fe 82 28 ba 55"
		"cb ef ac ea 42 f9 14 aa 66 bc ab 3f 2b 98 19 a8 a5 b4 6b 39"
		"5b d5 4a 9a 20 44 1e 2b 62 97 4e 1f 5a 62 92 a2 97 70 14 bd"
		"1e 3d ea e6 3a ee bb 21 69 49 15 e4",
	},
	{
		"server application_data", TLS_1_3_VERSION, 51,
		RFC8448_S_KEY, RFC8448_S_IV, 1, 23,
		"17 03 03 00 43 2e 93 7e 11 ef 4a c7 40 e5 38 ad 36 00 5f c4"
		"a4 69 32 fc 32 25 d0 5f 82 aa 1b 36 e3 0e fa f9 7d 90 e6 df"
		"fc 60 2d cb 50 1a 59 a8 fc c4 9c 4b f2 e5 f0 a2 1c 00 47 c2"
		"ab f3 32 54 0d d0 32 e1 67 c2 95 5d",
	},
};

/* RFC 8448 §3 "send alert record": close_notify = 01 00 */
static const struct kat rfc8448_alert[] = {
	{
		"client alert", TLS_1_3_VERSION, 51,
		RFC8448_C_KEY, RFC8448_C_IV, 1, 21,
		"17 03 03 00 13 c9 87 27 60 65 56 66 b7 4d 7f f1 15 3e fd 6d"
		"b6 d0 b0 e3",
	},
	{
		"server alert", TLS_1_3_VERSION, 51,
		RFC8448_S_KEY, RFC8448_S_IV, 2, 21,
		"17 03 03 00 13 b5 8f d6 71 66 eb f5 99 d2 47 20 cf be 7e fa"
		"7a 88 64 a9",
	},
};

/* set up keys from a vector through the setsockopt path */
static int kat_keys(const struct kat *v, struct tl_tls_keys *k)
{
	const struct tl_tls_cipher *c = tl_tls_cipher_find(v->version,
							   v->cipher);
	u8 key[32], salt_iv[12];

	if (!c || tls_test_unhex(v->key, key, 32) != c->key_size ||
	    tls_test_unhex(v->salt_iv, salt_iv, 12) != 12)
		return -1;
	return tls_test_set_keys(k, c, key, salt_iv, v->seq);
}

/* seal @content and compare with v->record; then open v->record */
static int check_kat(struct __test_metadata *_metadata, const struct kat *v,
		     const u8 *content, size_t len)
{
	u8 want[REC_MAX], got[REC_MAX], back[REC_MAX];
	struct tl_tls_keys k;
	size_t want_len;
	int n;
	u8 type = 0;

	want_len = tls_test_unhex(v->record, want, sizeof(want));
	TH_LOG("%s: %zu-byte record, seq %llu", v->name, want_len,
	       (unsigned long long)v->seq);

	EXPECT_EQ(0, kat_keys(v, &k));
	n = seal(&k, v->type, content, len, got);
	EXPECT_EQ((int)want_len, n);
	if (n != (int)want_len || memcmp(got, want, want_len)) {
		tls_test_dump("sealed", got, n > 0 ? n : 0);
		tls_test_dump("expected", want, want_len);
		return -1;
	}
	EXPECT_EQ(v->seq + 1, k.seq.next);

	EXPECT_EQ(0, kat_keys(v, &k));
	n = open_rec(&k, want, want_len, back, &type);
	EXPECT_EQ((int)len, n);
	EXPECT_EQ(v->type, type);
	if (n != (int)len || memcmp(back, content, len))
		return -1;
	return 0;
}

TEST(rfc8448_application_data)
{
	unsigned int i;
	u8 p[50];

	payload50(p);
	for (i = 0; i < ARRAY_SIZE(rfc8448_app); i++)
		ASSERT_EQ(0, check_kat(_metadata, &rfc8448_app[i], p, 50));
}

TEST(rfc8448_close_notify_alerts)
{
	static const u8 close_notify[2] = { 1, 0 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rfc8448_alert); i++)
		ASSERT_EQ(0, check_kat(_metadata, &rfc8448_alert[i],
				       close_notify, 2));
}

/*
 * RFC 8448 §3 {server} NewSessionTicket record (server application key,
 * seq 0) and {client} Finished record (client handshake key, seq 0):
 * handshake records whose plaintext the RFC shows only in pieces.  Open
 * them, check the inner type and handshake message type, make sure
 * neither is mistaken for a KeyUpdate, and seal them back byte-for-byte.
 */
static const struct kat rfc8448_hs[] = {
	{
		"server NewSessionTicket", TLS_1_3_VERSION, 51,
		RFC8448_S_KEY, RFC8448_S_IV, 0, 22,
		"17 03 03 00 de 3a 6b 8f 90 41 4a 97 d6 95 9c 34 87 68 0d e5"
		"13 4a 2b 24 0e 6c ff ac 11 6e 95 d4 1d 6a f8 f6 b5 80 dc f3"
		"d1 1d 63 c7 58 db 28 9a 01 59 40 25 2f 55 71 3e 06 1d c1 3e"
		"07 88 91 a3 8e fb cf 57 53 ad 8e f1 70 ad 3c 73 53 d1 6d 9d"
		"a7 73 b9 ca 7f 2b 9f a1 b6 c0 d4 a3 d0 3f 75 e0 9c 30 ba 1e"
		"62 97 2a c4 6f 75 f7 b9 81 be 63 43 9b 29 99 ce 13 06 46 15"
		"13 98 91 d5 e4 c5 b4 06 f1 6e 3f c1 81 a7 7c a4 75 84 00 25"
		"db 2f 0a 77 f8 1b 5a b0 5b 94 c0 13 46 75 5f 69 23 2c 86 51"
		"9d 86 cb ee ac 87 aa c3 47 d1 43 f9 60 5d 64 f6 50 db 4d 02"
		"3e 70 e9 52 ca 49 fe 51 37 12 1c 74 bc 26 97 68 7e 24 87 46"
		"d6 df 35 30 05 f3 bc e1 86 96 12 9c 81 53 55 6b 3b 6c 67 79"
		"b3 7b f1 59 85 68 4f",
	},
	{
		/* {client} derive write traffic keys for handshake data */
		"client Finished", TLS_1_3_VERSION, 51,
		"db fa a6 93 d1 76 2c 5b 66 6a f5 d9 50 25 8d 01",
		"5b d3 c7 1b 83 6e 0b 76 bb 73 26 5f", 0, 22,
		"17 03 03 00 35 75 ec 4d c2 38 cc e6 0b 29 80 44 a7 1e 21 9c"
		"56 cc 77 b0 51 7f e9 b9 3c 7a 4b fc 44 d8 7f 38 f8 03 38 ac"
		"98 fc 46 de b3 84 bd 1c ae ac ab 68 67 d7 26 c4 05 46",
	},
};

TEST(rfc8448_handshake_records)
{
	static const u8 want_first[2][4] = {
		{ 0x04, 0x00, 0x00, 0xc9 },	/* NewSessionTicket, 201 */
		{ 0x14, 0x00, 0x00, 0x20 },	/* Finished, 32 */
	};
	u8 wire[REC_MAX], pt[REC_MAX], again[REC_MAX];
	struct tl_tls_keys k;
	unsigned int i;
	size_t len;
	int n;
	u8 type;

	for (i = 0; i < ARRAY_SIZE(rfc8448_hs); i++) {
		len = tls_test_unhex(rfc8448_hs[i].record, wire, REC_MAX);
		ASSERT_EQ(0, kat_keys(&rfc8448_hs[i], &k));
		n = open_rec(&k, wire, len, pt, &type);
		ASSERT_EQ((int)len - 22, n);
		EXPECT_EQ(22, type);
		EXPECT_EQ(0, memcmp(pt, want_first[i], 4));
		EXPECT_EQ((size_t)n, 4 + tl_get_be16(pt + 2));
		EXPECT_FALSE(tl_tls13_is_key_update(type, pt, n));

		ASSERT_EQ(0, kat_keys(&rfc8448_hs[i], &k));
		ASSERT_EQ((int)len, seal(&k, 22, pt, n, again));
		EXPECT_EQ(0, memcmp(again, wire, len));
	}
}

/* tampering anywhere, or the wrong sequence number, fails to open */
TEST(rfc8448_tamper_and_wrong_seq)
{
	struct kat v = rfc8448_app[0];
	u8 wire[REC_MAX], pt[REC_MAX];
	struct tl_tls_keys k;
	size_t len, i;
	u8 type;

	len = tls_test_unhex(v.record, wire, REC_MAX);
	for (i = 5; i < len; i++) {
		wire[i] ^= 0x01;
		ASSERT_EQ(0, kat_keys(&v, &k));
		EXPECT_EQ(-EBADMSG, open_rec(&k, wire, len, pt, &type));
		wire[i] ^= 0x01;
	}
	/*
	 * Outer type 22 instead of 23: like Linux, the receiver builds the
	 * TLS 1.3 AAD with the constant 23 and never looks at this byte, so
	 * the record still opens, with its real (inner) type.
	 */
	wire[0] = 22;
	ASSERT_EQ(0, kat_keys(&v, &k));
	EXPECT_EQ(50, open_rec(&k, wire, len, pt, &type));
	EXPECT_EQ(23, type);
	wire[0] = 23;
	/* a tampered length is caught before decryption */
	wire[4] ^= 0x01;
	ASSERT_EQ(0, kat_keys(&v, &k));
	EXPECT_EQ(-EAGAIN, open_rec(&k, wire, len, pt, &type));
	wire[4] ^= 0x01;

	v.seq = 1;
	ASSERT_EQ(0, kat_keys(&v, &k));
	EXPECT_EQ(-EBADMSG, open_rec(&k, wire, len, pt, &type));
	v.seq = 0;
	ASSERT_EQ(0, kat_keys(&v, &k));
	EXPECT_EQ(50, open_rec(&k, wire, len, pt, &type));
}

/*
 * TLS 1.2 AES-128-GCM (RFC 5288), built on "The Galois/Counter Mode of
 * Operation (GCM)", McGrew & Viega, Test Case 4 (also NIST's gcmEncrypt
 * example): K = feffe9928665731c6d6a8f9467308308,
 * IV = cafebabe facedbaddecaf888 -> salt cafebabe, explicit nonce
 * facedbaddecaf888, P = its 60-byte plaintext.  GCM's ciphertext does not
 * depend on the AAD, so the record's ciphertext must equal Test Case 4's
 * C byte for byte:
 *   42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e
 *   21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091
 * The tag covers the TLS AAD (rec_seq 7, type 23, 03 03, length 60) and
 * was computed independently of this code and of GnuTLS with Python
 * "cryptography" 48.0 (OpenSSL 3.0) AESGCM, building nonce and AAD
 * straight from RFC 5288 §3 / RFC 5246 §6.2.3.3.  rec_seq (7) and the
 * explicit nonce differ on purpose, so mixing them up cannot pass.  The
 * second record (seq 8, explicit nonce ...889) checks that both advance.
 */
#define GCM_TC4_P							\
	"d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" \
	"1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
#define GCM_TC4_C							\
	"42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e" \
	"21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"

static const struct kat tls12_gcm[] = {
	{
		"TLS 1.2 AES-128-GCM seq 7", TLS_1_2_VERSION, 51,
		"feffe9928665731c6d6a8f9467308308",
		"cafebabe facedbaddecaf888", 7, 23,
		"17 03 03 00 54 fa ce db ad de ca f8 88" GCM_TC4_C
		"c8 35 1e 57 35 0c ca 14 c3 e5 a1 59 6e 47 1c 8a",
	},
	{
		"TLS 1.2 AES-128-GCM seq 8", TLS_1_2_VERSION, 51,
		"feffe9928665731c6d6a8f9467308308",
		"cafebabe facedbaddecaf889", 8, 23,
		"17 03 03 00 54 fa ce db ad de ca f8 89 5c 21 c6 8a a9 78 7c"
		"72 94 b2 d7 a4 7a 6e 8e 4d 8a da fe ea 89 4b f5 04 32 3d 55"
		"f6 2a fe 5b a1 18 a0 28 44 4d 26 0b 03 2d 49 36 a7 a6 2a ce"
		"dc b0 95 f6 14 fe d4 09 21 66 b3 c8 9f 00 4b f6 c6 5c 6f 23"
		"94 f6 0d 84 b0 8f 45 a3 95",
	},
};

/* first make sure the GnuTLS harness itself reproduces Test Case 4 */
TEST(gcm_spec_test_case_4_sanity)
{
	u8 key[16], nonce[12], aad[20], p[60], out[76], want[60];
	gnutls_aead_cipher_hd_t h;
	gnutls_datum_t kd = { .data = key, .size = 16 };
	size_t out_len = sizeof(out);

	tls_test_unhex("feffe9928665731c6d6a8f9467308308", key, 16);
	tls_test_unhex("cafebabefacedbaddecaf888", nonce, 12);
	tls_test_unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2", aad, 20);
	tls_test_unhex(GCM_TC4_P, p, 60);
	tls_test_unhex(GCM_TC4_C, want, 60);
	ASSERT_EQ(0, gnutls_aead_cipher_init(&h, GNUTLS_CIPHER_AES_128_GCM,
					     &kd));
	ASSERT_EQ(0, gnutls_aead_cipher_encrypt(h, nonce, 12, aad, 20, 16,
						p, 60, out, &out_len));
	gnutls_aead_cipher_deinit(h);
	ASSERT_EQ(76U, out_len);
	EXPECT_EQ(0, memcmp(out, want, 60));
	tls_test_unhex("5bc94fbc3221a5db94fae95ae7121a47", want, 16);
	EXPECT_EQ(0, memcmp(out + 60, want, 16));
}

TEST(tls12_aes128gcm_records)
{
	struct tl_tls_keys k;
	u8 p[60], wire[2 * REC_MAX];
	int n1, n2;

	tls_test_unhex(GCM_TC4_P, p, 60);
	ASSERT_EQ(0, check_kat(_metadata, &tls12_gcm[0], p, 60));
	ASSERT_EQ(0, check_kat(_metadata, &tls12_gcm[1], p, 60));

	/* and the second one really is what the TX path sends next */
	ASSERT_EQ(0, kat_keys(&tls12_gcm[0], &k));
	n1 = seal(&k, 23, p, 60, wire);
	n2 = seal(&k, 23, p, 60, wire + n1);
	ASSERT_EQ(89, n1);
	ASSERT_EQ(89, n2);
	tls_test_unhex(tls12_gcm[1].record, wire + REC_MAX, REC_MAX);
	EXPECT_EQ(0, memcmp(wire + n1, wire + REC_MAX, 89));
}

/*
 * ChaCha20-Poly1305 (RFC 7905 for TLS 1.2, RFC 8446 for TLS 1.3) and
 * AES-128-CCM (RFC 6655, RFC 8446) records.  Keys and IVs are those of
 * RFC 8439 §2.8.2 (ChaCha20) and NIST SP 800-38C Appendix C (CCM); the
 * expected records were computed independently with Python
 * "cryptography" 48.0 (OpenSSL 3.0), nonce and AAD built from the RFC
 * formulas, no code shared with the core or GnuTLS.
 */
#define SUNSCREEN							\
	"Ladies and Gentlemen of the class of '99: If I could offer you "\
	"only one tip for the future, sunscreen would be it."
#define CHACHA_KEY							\
	"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
#define CCM_KEY		"404142434445464748494a4b4c4d4e4f"

static const struct kat chacha_ccm[] = {
	{
		/* nonce 07000000 40414243 44454646 = iv ^ 1 */
		"TLS 1.2 ChaCha20-Poly1305 seq 1", TLS_1_2_VERSION, 54,
		CHACHA_KEY, "07000000 4041424344454647", 1, 23,
		"17 03 03 00 82 84 85 96 75 b7 80 47 07 f0 d1 1f 0d 28 06 55"
		"d7 ba 27 52 ed 22 78 8b f8 2d a6 77 ed 30 84 4d 5c fc e9 bf"
		"24 69 a9 ab a7 b0 33 fd ba f5 09 f2 df 7c c4 3c 3a 37 33 26"
		"b5 3f 32 a1 8b f1 c9 a5 a3 51 b4 67 d4 07 db 31 3d 4b 12 65"
		"62 00 05 f2 51 da d8 84 86 7f e4 83 16 8f 9f 13 64 75 c3 d6"
		"a9 c7 24 77 1d 9b 09 be 83 8b 19 a7 08 9f ce 7d 7a 64 42 53"
		"de d1 d4 20 b7 7f 64 e4 b9 ea cd 5b 14 70 d3",
	},
	{
		/* nonce 07000000 41434147 4143414f */
		"TLS 1.3 ChaCha20-Poly1305 seq 0x0102030405060708",
		TLS_1_3_VERSION, 54,
		CHACHA_KEY, "07000000 4041424344454647", 0x0102030405060708ULL,
		23,
		"17 03 03 00 83 ec c6 e3 ea a2 53 5b 0d 2e 0c 56 40 f2 4c a5"
		"f4 ad d5 d1 4b 43 63 9d 62 84 16 a3 2c 86 f0 86 98 52 8c c6"
		"e7 86 84 9e 1e 5a 92 b1 4d 34 8c d0 39 a1 e9 08 9e a5 11 05"
		"6c ac 36 7f 7d 26 f5 55 18 da 0b b5 26 76 52 f9 fe 79 40 5d"
		"23 2d 80 62 d0 02 9c 99 36 00 6f 91 f9 4e cb 3b 9f f4 3a ed"
		"8e 45 ff 3e 1e 1b 0c fe c8 6d 4e f5 20 c9 64 5a 61 c6 c2 23"
		"71 60 25 65 3b 3c 63 87 88 d0 91 d9 ca 54 22 5f",
	},
	{
		"TLS 1.2 AES-128-CCM seq 5", TLS_1_2_VERSION, 53,
		CCM_KEY, "10111213 1415161718191a1b", 5, 23,
		"17 03 03 00 38 14 15 16 17 18 19 1a 1b e3 b2 01 a9 f5 b7 1a"
		"7a 9b 1c ea ec cd 97 e7 0b 61 76 aa d9 a4 42 8a a5 54 1b d1"
		"d4 16 fa 0c e3 d0 21 2c 61 6f d5 5d b4 7b b3 bc 93 b0 ff 2f"
		"c0",
	},
	{
		/* nonce 10111213 14151617 18191a18 */
		"TLS 1.3 AES-128-CCM seq 3 handshake", TLS_1_3_VERSION, 53,
		CCM_KEY, "10111213 1415161718191a1b", 3, 22,
		"17 03 03 00 31 a0 64 b2 24 b5 2e f6 ea 6b d7 ce 93 be ce c0"
		"f2 a0 a3 cd 2e a1 2a df 89 15 ec a9 e8 c6 55 5b c4 0f fd 63"
		"19 1b ad fd e1 aa 99 80 60 6c 02 3b 34 db",
	},
};

TEST(chacha20_poly1305_records)
{
	const char *s = SUNSCREEN;

	ASSERT_EQ(114U, strlen(s));
	ASSERT_EQ(0, check_kat(_metadata, &chacha_ccm[0], (const u8 *)s,
			       114));
	ASSERT_EQ(0, check_kat(_metadata, &chacha_ccm[1], (const u8 *)s,
			       114));
}

TEST(aes128ccm_records)
{
	u8 p[32];
	int i;

	for (i = 0; i < 32; i++)
		p[i] = 0x20 + i;
	ASSERT_EQ(0, check_kat(_metadata, &chacha_ccm[2], p, 32));
	ASSERT_EQ(0, check_kat(_metadata, &chacha_ccm[3], p, 32));
}

/*
 * Round trips for every (version, cipher), many records in one stream
 * split at odd places, with TLS 1.3 padding added by hand on the sender
 * side; the RX side must find the records, decrypt and strip the padding.
 */
TEST(roundtrip_all_ciphers_stream)
{
	static u8 stream[8 * REC_MAX];
	u8 key[32], salt_iv[12], content[300], pt[REC_MAX];
	unsigned int i, r;

	for (i = 0; i < 32; i++)
		key[i] = 0x90 + i;
	memcpy(salt_iv, "tcplab-nonce", 12);
	for (i = 0; i < sizeof(content); i++)
		content[i] = (u8)(i * 31 + 7);

	for (i = 0; i < tl_tls_cipher_count(); i++) {
		const struct tl_tls_cipher *c = tl_tls_cipher_at(i);
		bool tls13 = c->version == TLS_1_3_VERSION;
		struct tl_tls_keys tx, rx;
		struct tl_tls_rx_parser p;
		size_t len = 0, pos = 0, step = 1;
		unsigned int got = 0;

		ASSERT_EQ(0, tls_test_set_keys(&tx, c, key, salt_iv, 1000));
		ASSERT_EQ(0, tls_test_set_keys(&rx, c, key, salt_iv, 1000));

		/* 6 records; in TLS 1.3, r bytes of zero padding each */
		for (r = 0; r < 6; r++) {
			u8 inner[REC_MAX];
			size_t clen = r * 50;
			int n;

			memcpy(inner, content, clen);
			if (tls13 && r > 0) {
				/*
				 * A padding sender: the inner plaintext is
				 * content || type || r zero bytes.  Hand
				 * content || type || (r - 1) zeros to seal()
				 * as "content" of type 0: the tail byte it
				 * appends is then the last zero of padding.
				 */
				n = tl_tls13_inner_build(inner, sizeof(inner),
							 clen, 21 + r % 3,
							 r - 1);
				ASSERT_EQ((int)(clen + r), n);
				n = seal(&tx, 0, inner, n, stream + len);
			} else {
				n = seal(&tx, 21 + r % 3, inner, clen,
					 stream + len);
			}
			ASSERT_GT(n, 0);
			len += n;
		}

		tl_tls_rx_parser_init(&p, c);
		while (pos < len) {
			size_t chunk = min_t(size_t, step, len - pos);
			int rc = tl_tls_rx_parser_feed(&p, stream + pos,
						       chunk);
			struct tl_tls_rec rec;
			gnutls_aead_cipher_hd_t h;
			size_t pt_len = sizeof(pt), clen;
			u32 rl;
			u8 type;

			ASSERT_GE(rc, 0);
			pos += rc;
			step = step * 3 % 17 + 1;
			if (!tl_tls_rx_parser_ready(&p))
				continue;

			rl = tl_tls_rx_parser_record_len(&p);
			ASSERT_EQ(0, tl_tls_rx_record(&rx,
						      tl_tls_rx_parser_prepend(&p),
						      rl, &rec));
			h = aead_open(&rx);
			ASSERT_NE(NULL, h);
			ASSERT_EQ(0, gnutls_aead_cipher_decrypt(h, rec.nonce,
				12, rec.aad, rec.aad_size, 16,
				stream + pos - rl + rec.prepend_size,
				rec.crypt_len, pt, &pt_len));
			gnutls_aead_cipher_deinit(h);
			if (tls13) {
				ASSERT_EQ(0, tl_tls13_inner_unpad(pt, pt_len,
								  &type,
								  &clen));
			} else {
				type = rec.type;
				clen = pt_len;
			}
			EXPECT_EQ(21 + got % 3, type);
			EXPECT_EQ(got * 50, clen);
			EXPECT_EQ(0, memcmp(pt, content, clen));
			tl_tls_rx_parser_next(&p);
			got++;
		}
		EXPECT_EQ(6U, got);
		EXPECT_EQ(1006ULL, rx.seq.next);
		EXPECT_EQ(1006ULL, tx.seq.next);
	}
}

TEST_HARNESS_MAIN
