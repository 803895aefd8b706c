// SPDX-License-Identifier: GPL-2.0
/*
 * tlshelper_test_kdf: the key schedule libtcplab-tls computes itself for
 * TLS 1.3 KeyUpdate (RFC 8446 7.1, 7.2, 7.3), on the host.
 *
 *   rfc8448_*     HKDF-Expand-Label against the RFC 8448 trace (section 3,
 *                 "Simple 1-RTT Handshake"): handshake and application
 *                 traffic key/IV of the server.
 *   gnutls_*      differential: two GnuTLS sessions on a socketpair; one
 *                 sends KeyUpdate (gnutls_session_key_update()), and the
 *                 new key/IV GnuTLS exports must equal what we derive
 *                 from the previous application traffic secret.  (PSK
 *                 keeps it certificate-free; GnuTLS 3.7 ties external
 *                 PSKs to SHA-256, so the SHA-384 suite is not covered.)
 *   config_size   struct tcplab_tls_config's size field, both ways.
 *
 * The kernel side of KeyUpdate needs a kernel that takes new keys on a
 * live socket (Linux 6.14+, tcplab's record layer); this test does not.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <gnutls/gnutls.h>

#include "kselftest_harness.h"
#include "tls_internal.h"

static void unhex(const char *s, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		while (*s == ' ')
			s++;
		sscanf(s, "%2hhx", &out[i]);
		s += 2;
	}
}

struct kat {
	const char *secret, *key, *iv;
};

/* RFC 8448 3: {server} derive write traffic keys for handshake data. */
static const struct kat rfc8448_hs = {
	"b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d 37 b4 e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38",
	"3f ce 51 60 09 c2 17 27 d0 f2 e4 e8 6e e4 03 bc",
	"5d 31 3e b2 67 12 76 ee 13 00 0b 30",
};

/* RFC 8448 3: {server} derive write traffic keys for application data. */
static const struct kat rfc8448_app = {
	"a1 1a f9 f0 55 31 f8 56 ad 47 11 6b 45 a9 50 32 82 04 b4 f4 4b fb 6b 3a 4b 4f 1f 3f cb 63 16 43",
	"9f 02 28 3b 6c 9c 07 ef c2 6b b9 f2 ac 92 e3 56",
	"cf 78 2b 88 dd 83 54 9a ad f1 e9 84",
};

static void check_kat(struct __test_metadata *_metadata, const struct kat *k)
{
	uint8_t secret[32], key[16], iv[12], want_key[16], want_iv[12];

	unhex(k->secret, secret, 32);
	unhex(k->key, want_key, 16);
	unhex(k->iv, want_iv, 12);
	ASSERT_EQ(0, tls_expand_label(false, secret, 32, "key", NULL, 0,
				      key, 16));
	ASSERT_EQ(0, tls_expand_label(false, secret, 32, "iv", NULL, 0,
				      iv, 12));
	EXPECT_EQ(0, memcmp(key, want_key, 16));
	EXPECT_EQ(0, memcmp(iv, want_iv, 12));
}

TEST(rfc8448_handshake_key_iv)
{
	check_kat(_metadata, &rfc8448_hs);
}

TEST(rfc8448_application_key_iv)
{
	check_kat(_metadata, &rfc8448_app);
}

/* A wrong label must give other bytes (the test can fail). */
TEST(label_matters)
{
	uint8_t secret[32], a[16], b[16];

	unhex(rfc8448_app.secret, secret, 32);
	ASSERT_EQ(0, tls_expand_label(false, secret, 32, "key", NULL, 0,
				      a, 16));
	ASSERT_EQ(0, tls_expand_label(false, secret, 32, "kez", NULL, 0,
				      b, 16));
	EXPECT_NE(0, memcmp(a, b, 16));
}

/* ---- differential against GnuTLS' own KeyUpdate ---- */

struct side {
	gnutls_session_t s;
	uint8_t app_write[48];
	size_t len;
};

static int grab_secret(gnutls_session_t s, gnutls_record_encryption_level_t l,
		       const void *rd, const void *wr, size_t n)
{
	struct side *side = gnutls_session_get_ptr(s);

	(void)rd;
	if (l == GNUTLS_ENCRYPTION_LEVEL_APPLICATION && wr && n <= 48) {
		memcpy(side->app_write, wr, n);
		side->len = n;
	}
	return 0;
}

static int psk_lookup(gnutls_session_t s, const char *user,
		      gnutls_datum_t *key)
{
	(void)s;
	(void)user;
	key->data = gnutls_malloc(16);
	if (!key->data)
		return -1;
	memcpy(key->data, "0123456789abcdef", 16);
	key->size = 16;
	return 0;
}

static void differential(struct __test_metadata *_metadata, const char *aead,
			 bool sha384, size_t key_len)
{
	const gnutls_datum_t psk = { (unsigned char *)"0123456789abcdef", 16 };
	gnutls_psk_client_credentials_t cc;
	gnutls_psk_server_credentials_t sc;
	struct side c = { 0 }, srv = { 0 };
	gnutls_datum_t mac, iv, key;
	uint8_t seq[8], secret[48], nkey[32], niv[12], buf[16];
	char prio[160];
	int sv[2], rc = 0, rs = 0, i;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	snprintf(prio, sizeof(prio),
		 "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+%s:+ECDHE-PSK:+PSK",
		 aead);
	ASSERT_EQ(0, gnutls_psk_allocate_client_credentials(&cc));
	ASSERT_EQ(0, gnutls_psk_set_client_credentials(cc, "learner", &psk,
						       GNUTLS_PSK_KEY_RAW));
	ASSERT_EQ(0, gnutls_psk_allocate_server_credentials(&sc));
	gnutls_psk_set_server_credentials_function(sc, psk_lookup);
	ASSERT_EQ(0, gnutls_init(&c.s, GNUTLS_CLIENT | GNUTLS_NO_TICKETS |
				 GNUTLS_NONBLOCK));
	ASSERT_EQ(0, gnutls_init(&srv.s, GNUTLS_SERVER | GNUTLS_NO_TICKETS |
				 GNUTLS_NONBLOCK));
	ASSERT_EQ(0, gnutls_priority_set_direct(c.s, prio, NULL));
	ASSERT_EQ(0, gnutls_priority_set_direct(srv.s, prio, NULL));
	gnutls_credentials_set(c.s, GNUTLS_CRD_PSK, cc);
	gnutls_credentials_set(srv.s, GNUTLS_CRD_PSK, sc);
	gnutls_session_set_ptr(c.s, &c);
	gnutls_session_set_ptr(srv.s, &srv);
	gnutls_handshake_set_secret_function(c.s, grab_secret);
	gnutls_handshake_set_secret_function(srv.s, grab_secret);
	gnutls_transport_set_int(c.s, sv[0]);
	gnutls_transport_set_int(srv.s, sv[1]);

	/* Both handshakes in one thread, turn by turn. */
	rc = rs = GNUTLS_E_AGAIN;
	for (i = 0; i < 1000 && (rc || rs); i++) {
		if (rc)
			rc = gnutls_handshake(c.s);
		if (rs)
			rs = gnutls_handshake(srv.s);
		ASSERT_TRUE(rc == 0 || !gnutls_error_is_fatal(rc))
			TH_LOG("client: %s", gnutls_strerror(rc));
		ASSERT_TRUE(rs == 0 || !gnutls_error_is_fatal(rs))
			TH_LOG("server: %s", gnutls_strerror(rs));
	}
	ASSERT_EQ(0, rc);
	ASSERT_EQ(0, rs);
	ASSERT_EQ(sha384 ? 48 : 32, c.len);

	/* Our derivation of the client's next write key. */
	ASSERT_EQ(0, tls_expand_label(sha384, c.app_write, c.len,
				      "traffic upd", NULL, 0, secret,
				      c.len));
	ASSERT_EQ(0, tls_expand_label(sha384, secret, c.len, "key",
				      NULL, 0, nkey, key_len));
	ASSERT_EQ(0, tls_expand_label(sha384, secret, c.len, "iv",
				      NULL, 0, niv, 12));

	/* Before: GnuTLS' current key is not the next one. */
	ASSERT_EQ(0, gnutls_record_get_state(c.s, 0, &mac, &iv, &key, seq));
	EXPECT_NE(0, memcmp(key.data, nkey, key_len));

	/* GnuTLS' own KeyUpdate, then its exported write state. */
	do {
		rc = gnutls_session_key_update(c.s, 0);
	} while (rc == GNUTLS_E_AGAIN);
	ASSERT_EQ(0, rc) TH_LOG("%s", gnutls_strerror(rc));
	ASSERT_EQ(0, gnutls_record_get_state(c.s, 0, &mac, &iv, &key, seq));
	ASSERT_EQ(key_len, key.size);
	ASSERT_EQ(12, iv.size);
	EXPECT_EQ(0, memcmp(key.data, nkey, key_len));
	EXPECT_EQ(0, memcmp(iv.data, niv, 12));
	/* RFC 8446 5.3: the sequence number restarts at zero. */
	EXPECT_EQ(0, memcmp(seq, "\0\0\0\0\0\0\0\0", 8));

	/* And the server, reading with its updated key, still gets data. */
	do {
		rc = gnutls_record_send(c.s, "after", 5);
	} while (rc == GNUTLS_E_AGAIN);
	ASSERT_EQ(5, rc);
	do {
		rs = gnutls_record_recv(srv.s, buf, sizeof(buf));
	} while (rs == GNUTLS_E_AGAIN);
	ASSERT_EQ(5, rs);
	EXPECT_EQ(0, memcmp(buf, "after", 5));

	gnutls_deinit(c.s);
	gnutls_deinit(srv.s);
	gnutls_psk_free_client_credentials(cc);
	gnutls_psk_free_server_credentials(sc);
	close(sv[0]);
	close(sv[1]);
}

TEST(gnutls_keyupdate_aes128gcm_sha256)
{
	differential(_metadata, "AES-128-GCM", false, 16);
}

TEST(gnutls_keyupdate_chacha20_sha256)
{
	differential(_metadata, "CHACHA20-POLY1305", false, 32);
}

/*
 * struct tcplab_tls_config's size: a caller that did not set it is told
 * so; a caller built against a newer header (a larger struct) is refused
 * when it sets a field this library cannot honour, and served otherwise.
 * The handshake then fails on a peer that has already hung up.
 */
TEST(config_size)
{
	struct {
		struct tcplab_tls_config cfg;
		unsigned char newer[8];
	} big;
	struct tcplab_tls_config cfg = { 0 };
	struct tcplab_tls *t = NULL;
	int sv[2], rc;

	EXPECT_EQ(TCPLAB_TLS_E_USAGE, tcplab_tls_client(-1, &cfg, &t));
	EXPECT_NE(NULL, strstr(tcplab_tls_last_reason(),
			       "tcplab_tls_config_init"));
	EXPECT_EQ(NULL, t);

	memset(&big, 0, sizeof(big));
	tcplab_tls_config_init(&big.cfg);
	big.cfg.size = sizeof(big);
	big.newer[3] = 1;
	EXPECT_EQ(TCPLAB_TLS_E_USAGE, tcplab_tls_client(-1, &big.cfg, &t));

	big.newer[3] = 0;
	signal(SIGPIPE, SIG_IGN);	/* the ClientHello meets a closed end */
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	close(sv[1]);
	rc = tcplab_tls_client(sv[0], &big.cfg, &t);
	EXPECT_NE(0, rc);
	EXPECT_NE(TCPLAB_TLS_E_USAGE, rc) TH_LOG("%s", tcplab_tls_last_reason());
	EXPECT_EQ(NULL, t);
	close(sv[0]);
}

TEST_HARNESS_MAIN
