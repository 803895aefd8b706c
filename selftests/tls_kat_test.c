// SPDX-License-Identifier: GPL-2.0
/*
 * tls_kat_test: known-answer tests of whole sockets.
 *
 * A TLS socket gets the traffic keys, IV and record sequence number of a
 * published example and sends its plaintext; a plain AF_INET reader
 * compares the bytes on the wire with the published records, byte for
 * byte.  The other way, a plain AF_INET writer sends the published
 * records and the TLS socket must return the plaintext (and the content
 * type of the alert).  Vectors:
 *  - RFC 8448 §3 (TLS 1.3, TLS_AES_128_GCM_SHA256): the client's and the
 *    server's application_data (50 bytes 00..31) and close_notify alerts;
 *  - TLS 1.2 AES-128-GCM records around the GCM specification's Test
 *    Case 4 key and plaintext (salt cafebabe, explicit nonce = sequence
 *    facedbaddecaf888, then ...889), as in selftests/core/tls_test_kat.c.
 * The same checks run on Linux kTLS (inet variant) as the oracle.
 */
#include "kselftest_harness.h"
#include "api_util.h"
#include "tls_util.h"

struct kat {
	uint16_t version;
	const char *key, *salt_iv;	/* salt || iv, 12 bytes */
	uint64_t seq;
	unsigned char type;
	const char *record;
};

#define C_KEY	"17422dda596ed5d9acd890e3c63f5051"
#define C_IV	"5b78923dee08579033e523d9"
#define S_KEY	"9f02283b6c9c07efc26bb9f2ac92e356"
#define S_IV	"cf782b88dd83549aadf1e984"

/* RFC 8448 §3: client app data (seq 0), alert (1); server 1 and 2. */
static const struct kat rfc8448[4] = {
	{ TLS_1_3_VERSION, C_KEY, C_IV, 0, TLS_CT_DATA,
	  "1703030043a23f7054b62c94d0affafe8228ba55cbefacea42f914aa66bcab3f"
	  "2b9819a8a5b46b395bd54a9a20441e2b62974e1f5a6292a2977014bd1e3deae6"
	  "3aeebb21694915e4" },
	{ TLS_1_3_VERSION, C_KEY, C_IV, 1, TLS_CT_ALERT,
	  "1703030013c9872760655666b74d7ff1153efd6db6d0b0e3" },
	{ TLS_1_3_VERSION, S_KEY, S_IV, 1, TLS_CT_DATA,
	  "17030300432e937e11ef4ac740e538ad36005fc4a46932fc3225d05f82aa1b36"
	  "e30efaf97d90e6dffc602dcb501a59a8fcc49c4bf2e5f0a21c0047c2abf33254"
	  "0dd032e167c2955d" },
	{ TLS_1_3_VERSION, S_KEY, S_IV, 2, TLS_CT_ALERT,
	  "1703030013b58fd67166ebf599d24720cfbe7efa7a8864a9" },
};

#define TC4_P								\
	"d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" \
	"1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"

static const struct kat tls12[2] = {
	{ TLS_1_2_VERSION, "feffe9928665731c6d6a8f9467308308",
	  "cafebabefacedbaddecaf888", 7, TLS_CT_DATA,
	  "1703030054facedbaddecaf888"
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
	  "c8351e57350cca14c3e5a1596e471c8a" },
	{ TLS_1_2_VERSION, "feffe9928665731c6d6a8f9467308308",
	  "cafebabefacedbaddecaf889", 8, TLS_CT_DATA,
	  "1703030054facedbaddecaf8895c21c68aa9787c7294b2d7a47a6e8e4d8adafe"
	  "ea894bf504323d55f62afe5ba118a028444d260b032d4936a7a62acedcb095f6"
	  "14fed4092166b3c89f004bf6c65c6f2394f60d84b08f45a395" },
};

static int unhex(const char *s, unsigned char *out, int cap)
{
	int n = 0;

	while (s[0] && s[1] && n < cap) {
		unsigned int v;

		if (sscanf(s, "%2x", &v) != 1)
			return -1;
		out[n++] = v;
		s += 2;
	}
	return n;
}

/* struct tls12_crypto_info_aes_gcm_128 from a vector. */
static void kat_ci(const struct kat *v, struct tls_ci *ci)
{
	unsigned char salt_iv[12];

	tls_ci_fill(ci, v->version, TLS_CIPHER_AES_GCM_128, 0, v->seq);
	unhex(v->key, ci->u.gcm128.key, 16);
	unhex(v->salt_iv, salt_iv, 12);
	memcpy(ci->u.gcm128.salt, salt_iv, 4);
	memcpy(ci->u.gcm128.iv, salt_iv + 4, 8);
}

static int plaintext(const struct kat *v, unsigned char *p)
{
	int i;

	if (v->version == TLS_1_2_VERSION)
		return unhex(TC4_P, p, 64);
	if (v->type == TLS_CT_ALERT) {
		p[0] = 1;	/* warning */
		p[1] = 0;	/* close_notify */
		return 2;
	}
	for (i = 0; i < 50; i++)
		p[i] = i;
	return 50;
}

FIXTURE(kat) {
	int fam;
};

FIXTURE_VARIANT(kat) {
	bool lab;
};

FIXTURE_VARIANT_ADD(kat, inet) { .lab = false };
FIXTURE_VARIANT_ADD(kat, lab) { .lab = true };

FIXTURE_SETUP(kat)
{
	self->fam = api_family(variant->lab);
	if (self->fam < 0)
		ENV_FAIL("tcplab module not loaded");
	if (!variant->lab && system("/sbin/modprobe -q tls 2>/dev/null") &&
	    access("/sys/module/tls", F_OK))
		ENV_FAIL("Linux kTLS (tls.ko) not available");
}

FIXTURE_TEARDOWN(kat)
{
}

/* @n records sent in order by one socket keyed by the first. */
static void tx_check(struct __test_metadata *_metadata, int fam,
		     const struct kat *v, int n)
{
	unsigned char want[1024], got[1024], p[64];
	struct tls_ci ci;
	int tx, rx, k, len, wl = 0;

	ASSERT_EQ(0, api_pair(fam, AF_INET, &tx, &rx));
	kat_ci(&v[0], &ci);
	ASSERT_EQ(0, tls_ulp(tx));
	ASSERT_EQ(0, tls_set(tx, TLS_TX, &ci));
	for (k = 0; k < n; k++) {
		len = plaintext(&v[k], p);
		ASSERT_EQ(len, tls_send_type(tx, v[k].type, p, len, 0));
		wl += unhex(v[k].record, want + wl, sizeof(want) - wl);
	}
	EXPECT_EQ(wl, tls_read_full(rx, got, wl, 2000));
	EXPECT_EQ(0, memcmp(want, got, wl));
	/* Nothing more than the records. */
	EXPECT_EQ(0, tls_read_idle(rx, got, sizeof(got), 100));
	close(tx);
	close(rx);
}

/* The records written raw; the TLS socket returns plaintext and type. */
static void rx_check(struct __test_metadata *_metadata, int fam,
		     const struct kat *v, int n)
{
	unsigned char rec[1024], got[128], p[64], type;
	struct tls_ci ci;
	int tx, rx, k, len, rl = 0;

	ASSERT_EQ(0, api_pair(AF_INET, fam, &tx, &rx));
	kat_ci(&v[0], &ci);
	ASSERT_EQ(0, tls_ulp(rx));
	ASSERT_EQ(0, tls_set(rx, TLS_RX, &ci));
	for (k = 0; k < n; k++)
		rl += unhex(v[k].record, rec + rl, sizeof(rec) - rl);
	ASSERT_EQ(rl, send(tx, rec, rl, 0));
	for (k = 0; k < n; k++) {
		len = plaintext(&v[k], p);
		memset(got, 0, sizeof(got));
		EXPECT_EQ(len, tls_recv_type(rx, got, len, 0, &type));
		EXPECT_EQ(v[k].type, type);
		EXPECT_EQ(0, memcmp(p, got, len));
	}
	close(tx);
	close(rx);
}

TEST_F(kat, rfc8448_client_tx)
{
	tx_check(_metadata, self->fam, &rfc8448[0], 2);
}

TEST_F(kat, rfc8448_server_tx)
{
	tx_check(_metadata, self->fam, &rfc8448[2], 2);
}

TEST_F(kat, rfc8448_client_rx)
{
	rx_check(_metadata, self->fam, &rfc8448[0], 2);
}

TEST_F(kat, rfc8448_server_rx)
{
	rx_check(_metadata, self->fam, &rfc8448[2], 2);
}

TEST_F(kat, tls12_aes128gcm_tx)
{
	tx_check(_metadata, self->fam, tls12, 2);
}

TEST_F(kat, tls12_aes128gcm_rx)
{
	rx_check(_metadata, self->fam, tls12, 2);
}

TEST_HARNESS_MAIN
