// SPDX-License-Identifier: GPL-2.0
/*
 * tls_test_crypto_info.c - the cipher table and the setsockopt()/
 * getsockopt(SOL_TLS, TLS_TX/TLS_RX) logic, checked against the rules of
 * Linux 6.12 net/tls/tls_main.c (do_tls_setsockopt_conf(),
 * validate_crypto_info(), do_tls_getsockopt_conf()) and the TLS 1.3 rekey
 * of Linux 6.14.
 */
#include "kselftest_harness.h"

#include "tls_test_util.h"
#include "tls_cipher.h"
#include "tls_crypto_info.h"

static const u8 key32[32] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

static const u8 salt_iv12[12] = {
	0xa0, 0xa1, 0xa2, 0xa3, 0xb0, 0xb1, 0xb2, 0xb3,
	0xb4, 0xb5, 0xb6, 0xb7,
};

static const struct tl_tls_cipher *find(u16 version, u16 cipher)
{
	return tl_tls_cipher_find(version, cipher);
}

/* every (version, cipher) in the brief, with the numbers from the RFCs */
TEST(cipher_table)
{
	static const struct {
		u16 ver, ct;
		const char *name;
		unsigned int key, iv, salt, info, expl, tail, pre, ovh, aad;
		unsigned int aead_iv;
	} want[] = {
		{ TLS_1_2_VERSION, 51, "gcm(aes)", 16, 8, 4, 40, 8, 0, 13,
		  29, 13, 12 },
		{ TLS_1_2_VERSION, 52, "gcm(aes)", 32, 8, 4, 56, 8, 0, 13,
		  29, 13, 12 },
		{ TLS_1_2_VERSION, 53, "ccm(aes)", 16, 8, 4, 40, 8, 0, 13,
		  29, 13, 16 },
		{ TLS_1_2_VERSION, 54, "rfc7539(chacha20,poly1305)", 32, 12,
		  0, 56, 0, 0, 5, 21, 13, 12 },
		{ TLS_1_3_VERSION, 51, "gcm(aes)", 16, 8, 4, 40, 0, 1, 5,
		  22, 5, 12 },
		{ TLS_1_3_VERSION, 52, "gcm(aes)", 32, 8, 4, 56, 0, 1, 5,
		  22, 5, 12 },
		{ TLS_1_3_VERSION, 53, "ccm(aes)", 16, 8, 4, 40, 0, 1, 5,
		  22, 5, 16 },
		{ TLS_1_3_VERSION, 54, "rfc7539(chacha20,poly1305)", 32, 12,
		  0, 56, 0, 1, 5, 22, 5, 12 },
	};
	unsigned int i;

	ASSERT_EQ(ARRAY_SIZE(want), tl_tls_cipher_count());
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		const struct tl_tls_cipher *c = find(want[i].ver, want[i].ct);

		ASSERT_NE(NULL, c);
		EXPECT_STREQ(want[i].name, c->aead_name);
		EXPECT_EQ(want[i].key, c->key_size);
		EXPECT_EQ(want[i].iv, c->iv_size);
		EXPECT_EQ(want[i].salt, c->salt_size);
		EXPECT_EQ(8, c->rec_seq_size);
		EXPECT_EQ(16, c->tag_size);
		EXPECT_EQ(want[i].info, c->crypto_info_size);
		EXPECT_EQ(12, c->salt_size + c->iv_size);
		EXPECT_EQ(want[i].expl, c->explicit_nonce_size);
		EXPECT_EQ(want[i].tail, c->tail_size);
		EXPECT_EQ(want[i].pre, c->prepend_size);
		EXPECT_EQ(want[i].ovh, c->overhead_size);
		EXPECT_EQ(want[i].aad, c->aad_size);
		EXPECT_EQ(want[i].aead_iv, c->aead_iv_size);
		/* Linux tls_rx_msg_size(): 2^14 + tag + nonce + tail */
		EXPECT_EQ(16384 + 16 + want[i].expl + want[i].tail,
			  c->max_record_data);
		EXPECT_EQ(c, tl_tls_cipher_at(i));
	}
	EXPECT_EQ(NULL, tl_tls_cipher_at(ARRAY_SIZE(want)));
}

TEST(cipher_table_offsets_match_uapi)
{
	const struct tl_tls_cipher *c;

	c = find(TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_256);
	EXPECT_EQ(offsetof(struct tls12_crypto_info_aes_gcm_256, key),
		  c->key_offset);
	EXPECT_EQ(offsetof(struct tls12_crypto_info_aes_gcm_256, rec_seq),
		  c->rec_seq_offset);
	c = find(TLS_1_3_VERSION, TLS_CIPHER_CHACHA20_POLY1305);
	EXPECT_EQ(offsetof(struct tls12_crypto_info_chacha20_poly1305, iv),
		  c->iv_offset);
	EXPECT_EQ(c->rec_seq_offset, c->salt_offset);	/* salt[0] */
}

TEST(cipher_table_rejects_unknown)
{
	EXPECT_EQ(NULL, find(TLS_1_2_VERSION, 0));
	EXPECT_EQ(NULL, find(TLS_1_2_VERSION, 50));
	EXPECT_EQ(NULL, find(TLS_1_2_VERSION, TLS_CIPHER_SM4_GCM));
	EXPECT_EQ(NULL, find(TLS_1_2_VERSION, TLS_CIPHER_ARIA_GCM_128));
	EXPECT_EQ(NULL, find(0x0302, TLS_CIPHER_AES_GCM_128));
	EXPECT_EQ(NULL, find(0x0305, TLS_CIPHER_AES_GCM_128));
}

/* set keys for every row and read every field back */
TEST(parse_all_ciphers)
{
	u8 buf[TL_TLS_CRYPTO_INFO_MAX_SIZE];
	struct tl_tls_keys none, out;
	unsigned int i, len;

	memset(&none, 0, sizeof(none));
	for (i = 0; i < tl_tls_cipher_count(); i++) {
		const struct tl_tls_cipher *c = tl_tls_cipher_at(i);

		len = tls_test_make_info(c, buf, key32, salt_iv12,
					 0x0102030405060708ULL);
		ASSERT_EQ(TL_TLS_CONF_NEW,
			  tl_tls_crypto_info_parse(&out, buf, len, &none,
						   &none));
		EXPECT_EQ(c, out.cipher);
		EXPECT_EQ(0, memcmp(out.key, key32, c->key_size));
		EXPECT_EQ(0, memcmp(out.salt_iv, salt_iv12, 12));
		EXPECT_EQ(0x0102030405060708ULL, out.seq.next);
		EXPECT_FALSE(out.seq.exhausted);
	}
}

/* optlen: Linux checks < header first, then == struct size */
TEST(parse_einval_lengths)
{
	const struct tl_tls_cipher *c = find(TLS_1_2_VERSION, 51);
	u8 buf[TL_TLS_CRYPTO_INFO_MAX_SIZE];
	struct tl_tls_keys none, out;
	unsigned int len;

	memset(&none, 0, sizeof(none));
	len = tls_test_make_info(c, buf, key32, salt_iv12, 0);
	EXPECT_EQ(-EINVAL, tl_tls_crypto_info_parse(&out, NULL, len, &none,
						    &none));
	EXPECT_EQ(-EINVAL, tl_tls_crypto_info_parse(&out, buf, 0, &none,
						    &none));
	EXPECT_EQ(-EINVAL, tl_tls_crypto_info_parse(&out, buf, 3, &none,
						    &none));
	EXPECT_EQ(-EINVAL, tl_tls_crypto_info_parse(&out, buf, 4, &none,
						    &none));
	EXPECT_EQ(-EINVAL, tl_tls_crypto_info_parse(&out, buf, len - 1,
						    &none, &none));
	EXPECT_EQ(-EINVAL, tl_tls_crypto_info_parse(&out, buf, len + 1,
						    &none, &none));
	/* the 56-byte size of another cipher is not good enough either */
	EXPECT_EQ(-EINVAL, tl_tls_crypto_info_parse(&out, buf, 56, &none,
						    &none));
	EXPECT_EQ(TL_TLS_CONF_NEW,
		  tl_tls_crypto_info_parse(&out, buf, len, &none, &none));
}

TEST(parse_einval_version_and_cipher)
{
	const struct tl_tls_cipher *c = find(TLS_1_2_VERSION, 51);
	u8 buf[TL_TLS_CRYPTO_INFO_MAX_SIZE];
	struct tl_tls_keys none, out;
	struct tls_crypto_info hdr;
	static const u16 bad_versions[] = { 0, 0x0300, 0x0301, 0x0302,
					    0x0305, 0x0403, 0xffff };
	static const u16 bad_ciphers[] = { 0, 1, 50, 55, 56, 57, 58, 59,
					   0xffff };
	unsigned int i, len;

	memset(&none, 0, sizeof(none));
	for (i = 0; i < ARRAY_SIZE(bad_versions); i++) {
		len = tls_test_make_info(c, buf, key32, salt_iv12, 0);
		hdr.version = bad_versions[i];
		hdr.cipher_type = TLS_CIPHER_AES_GCM_128;
		memcpy(buf, &hdr, sizeof(hdr));
		EXPECT_EQ(-EINVAL, tl_tls_crypto_info_parse(&out, buf, len,
							    &none, &none));
	}
	for (i = 0; i < ARRAY_SIZE(bad_ciphers); i++) {
		len = tls_test_make_info(c, buf, key32, salt_iv12, 0);
		hdr.version = TLS_1_3_VERSION;
		hdr.cipher_type = bad_ciphers[i];
		memcpy(buf, &hdr, sizeof(hdr));
		EXPECT_EQ(-EINVAL, tl_tls_crypto_info_parse(&out, buf, len,
							    &none, &none));
	}
}

/* TX and RX of one socket must agree on version and cipher */
TEST(parse_einval_mismatch_other_direction)
{
	const struct tl_tls_cipher *gcm12 = find(TLS_1_2_VERSION, 51);
	const struct tl_tls_cipher *gcm13 = find(TLS_1_3_VERSION, 51);
	const struct tl_tls_cipher *cc12 = find(TLS_1_2_VERSION, 54);
	u8 buf[TL_TLS_CRYPTO_INFO_MAX_SIZE];
	struct tl_tls_keys none, tx, out;
	unsigned int len;

	memset(&none, 0, sizeof(none));
	ASSERT_EQ(0, tls_test_set_keys(&tx, gcm12, key32, salt_iv12, 0));

	len = tls_test_make_info(gcm13, buf, key32, salt_iv12, 0);
	EXPECT_EQ(-EINVAL, tl_tls_crypto_info_parse(&out, buf, len, &none,
						    &tx));
	len = tls_test_make_info(cc12, buf, key32, salt_iv12, 0);
	EXPECT_EQ(-EINVAL, tl_tls_crypto_info_parse(&out, buf, len, &none,
						    &tx));
	len = tls_test_make_info(gcm12, buf, key32, salt_iv12, 0);
	EXPECT_EQ(TL_TLS_CONF_NEW,
		  tl_tls_crypto_info_parse(&out, buf, len, &none, &tx));
}

/* second setsockopt: EBUSY in TLS 1.2, a rekey in TLS 1.3 */
TEST(parse_ebusy_and_rekey)
{
	const struct tl_tls_cipher *gcm12 = find(TLS_1_2_VERSION, 51);
	const struct tl_tls_cipher *gcm13 = find(TLS_1_3_VERSION, 51);
	const struct tl_tls_cipher *g256_13 = find(TLS_1_3_VERSION, 52);
	u8 buf[TL_TLS_CRYPTO_INFO_MAX_SIZE];
	struct tl_tls_keys none, cur, out;
	unsigned int len;

	memset(&none, 0, sizeof(none));

	ASSERT_EQ(0, tls_test_set_keys(&cur, gcm12, key32, salt_iv12, 0));
	len = tls_test_make_info(gcm12, buf, key32, salt_iv12, 0);
	EXPECT_EQ(-EBUSY, tl_tls_crypto_info_parse(&out, buf, len, &cur,
						   &none));
	/* EBUSY wins over a bad body, like Linux (checked before reading) */
	EXPECT_EQ(-EBUSY, tl_tls_crypto_info_parse(&out, buf, len + 1, &cur,
						   &none));
	/* ... but not over a too-short optlen */
	EXPECT_EQ(-EINVAL, tl_tls_crypto_info_parse(&out, buf, 2, &cur,
						    &none));

	ASSERT_EQ(0, tls_test_set_keys(&cur, gcm13, key32, salt_iv12, 77));
	len = tls_test_make_info(gcm13, buf, key32 + 1, salt_iv12, 0);
	EXPECT_EQ(TL_TLS_CONF_REKEY,
		  tl_tls_crypto_info_parse(&out, buf, len, &cur, &none));
	EXPECT_EQ(0, memcmp(out.key, key32 + 1, 16));
	EXPECT_EQ(0ULL, out.seq.next);
	/* the current keys are untouched until the glue commits */
	EXPECT_EQ(77ULL, cur.seq.next);

	/* a rekey may not change the cipher or the version */
	len = tls_test_make_info(g256_13, buf, key32, salt_iv12, 0);
	EXPECT_EQ(-EINVAL, tl_tls_crypto_info_parse(&out, buf, len, &cur,
						    &none));
	len = tls_test_make_info(gcm12, buf, key32, salt_iv12, 0);
	EXPECT_EQ(-EINVAL, tl_tls_crypto_info_parse(&out, buf, len, &cur,
						    &none));
	/* and a rekey must still have the exact size */
	len = tls_test_make_info(gcm13, buf, key32, salt_iv12, 0);
	EXPECT_EQ(-EINVAL, tl_tls_crypto_info_parse(&out, buf, len - 1, &cur,
						    &none));
}

/* a failed parse leaves nothing behind in the output */
TEST(parse_error_wipes_output)
{
	const struct tl_tls_cipher *c = find(TLS_1_2_VERSION, 52);
	u8 buf[TL_TLS_CRYPTO_INFO_MAX_SIZE], zero[sizeof(struct tl_tls_keys)];
	struct tl_tls_keys none, out;
	unsigned int len;

	memset(&none, 0, sizeof(none));
	memset(zero, 0, sizeof(zero));
	memset(&out, 0x5a, sizeof(out));
	len = tls_test_make_info(c, buf, key32, salt_iv12, 0);
	EXPECT_EQ(-EINVAL, tl_tls_crypto_info_parse(&out, buf, len - 1,
						    &none, &none));
	EXPECT_EQ(0, memcmp(&out, zero, sizeof(out)));
}

TEST(keys_wipe)
{
	u8 zero[sizeof(struct tl_tls_keys)];
	struct tl_tls_keys k;

	ASSERT_EQ(0, tls_test_set_keys(&k, find(TLS_1_3_VERSION, 54), key32,
				       salt_iv12, 9));
	tl_tls_keys_wipe(&k);
	memset(zero, 0, sizeof(zero));
	EXPECT_EQ(0, memcmp(&k, zero, sizeof(k)));
	EXPECT_FALSE(tl_tls_keys_ready(&k));
}

/* do_tls_getsockopt_conf() length and errno rules */
TEST(getsockopt_rules)
{
	const struct tl_tls_cipher *c = find(TLS_1_2_VERSION, 52);
	u8 out[TL_TLS_CRYPTO_INFO_MAX_SIZE], in[TL_TLS_CRYPTO_INFO_MAX_SIZE];
	struct tl_tls_keys none, k;
	struct tls_crypto_info hdr;
	unsigned int len;

	memset(&none, 0, sizeof(none));
	EXPECT_EQ(-EINVAL, tl_tls_crypto_info_get(&none, out, 0));
	EXPECT_EQ(-EINVAL, tl_tls_crypto_info_get(&none, out, 3));
	EXPECT_EQ(-EBUSY, tl_tls_crypto_info_get(&none, out, 4));
	EXPECT_EQ(-EBUSY, tl_tls_crypto_info_get(&none, out, 56));
	/* Linux compares the int with a size_t: -1 is not "too short" */
	EXPECT_EQ(-EBUSY, tl_tls_crypto_info_get(&none, out, -1));

	len = tls_test_make_info(c, in, key32, salt_iv12, 42);
	ASSERT_EQ(0, tls_test_set_keys(&k, c, key32, salt_iv12, 42));

	EXPECT_EQ(-EINVAL, tl_tls_crypto_info_get(&k, out, -1));
	EXPECT_EQ(-EINVAL, tl_tls_crypto_info_get(&k, out, 3));
	EXPECT_EQ(-EINVAL, tl_tls_crypto_info_get(&k, out, 5));
	EXPECT_EQ(-EINVAL, tl_tls_crypto_info_get(&k, out, 40));
	EXPECT_EQ(-EINVAL, tl_tls_crypto_info_get(&k, out, len + 1));

	EXPECT_EQ(4, tl_tls_crypto_info_get(&k, out, 4));
	memcpy(&hdr, out, sizeof(hdr));
	EXPECT_EQ(TLS_1_2_VERSION, hdr.version);
	EXPECT_EQ(TLS_CIPHER_AES_GCM_256, hdr.cipher_type);

	EXPECT_EQ((int)len, tl_tls_crypto_info_get(&k, out, len));
	EXPECT_EQ(0, memcmp(out, in, len));
}
TEST_HARNESS_MAIN
