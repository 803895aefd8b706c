// SPDX-License-Identifier: GPL-2.0
/*
 * tls_refuse_test: libtcplab-tls refuses bad certificates, with the
 * right reason, and then leaves the socket without any TLS key.
 *
 * Two hosts (wire_util.h): our side in namespace A on the family under
 * test, the peer in namespace B is OpenSSL (s_server or s_client) on
 * Linux TCP.  The test PKI comes from tcplab-tls-pki (certtool).
 *
 *   client_refuse.*  our client vs s_server presenting a bad certificate
 *   server_refuse.*  our server (mutual TLS, CRL) vs s_client presenting
 *                    a bad client certificate, or refusing ours
 *   accept.*         the good cases: keys are installed and match
 *
 * After every refusal: getsockopt(SOL_TLS, TLS_TX/TLS_RX) must fail and
 * no ULP may be attached (TCP_ULP reads back empty).
 *
 * The family comes from the program's name: tls_refuse_test_inet (Linux
 * TCP + Linux kTLS, the oracle) or tls_refuse_test_tcplab; environment
 * TLS_TEST_FAMILY=inet|tcplab overrides.
 */
#include "kselftest_harness.h"
#include "tls_lib_util.h"

/* Start @argv in namespace @nsfd, stdin from /dev/null, output to @log. */
static pid_t spawn(const struct wire *w, int nsfd, const char *log,
		   char *const argv[])
{
	pid_t pid = fork();

	if (pid)
		return pid;
	if (wire_enter(nsfd))
		_exit(126);
	int in = open("/dev/null", O_RDONLY);
	int out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	dup2(in, 0);
	dup2(out, 1);
	dup2(out, 2);
	execvp(argv[0], argv);
	_exit(127);
	(void)w;
}

static void reap(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}




/*
 * No TLS on @fd: both directions have no crypto state and no ULP is
 * attached.  Returns NULL or what is wrong.
 */
static const char *no_keys(int fd)
{
	struct tls_crypto_info hdr;
	char ulp[32] = { 0 };
	socklen_t l = sizeof(ulp);

	if (!getsockopt(fd, SOL_TCP, TCP_ULP, ulp, &l) && l && ulp[0])
		return "a ULP is attached (TCP_ULP reads back non-empty)";
	/* A buffer of the header's size reads back just the header. */
	l = sizeof(hdr);
	if (!getsockopt(fd, SOL_TLS, TLS_TX, &hdr, &l))
		return "getsockopt(SOL_TLS, TLS_TX) returned crypto info";
	l = sizeof(hdr);
	if (!getsockopt(fd, SOL_TLS, TLS_RX, &hdr, &l))
		return "getsockopt(SOL_TLS, TLS_RX) returned crypto info";
	return NULL;
}

/* Keys installed: TLS_TX/RX read back with @version and a real key. */
static const char *has_keys(int fd, unsigned int version)
{
	struct tls12_crypto_info_aes_gcm_256 ci;
	struct tls_crypto_info hdr;
	socklen_t l, want;
	int dir, i, nonzero;

	for (dir = TLS_TX; dir <= TLS_RX; dir++) {
		l = sizeof(hdr);
		if (getsockopt(fd, SOL_TLS, dir, &hdr, &l) || l != sizeof(hdr))
			return dir == TLS_TX ? "no TLS_TX" : "no TLS_RX";
		if (hdr.version != version)
			return "wrong version read back";
		switch (hdr.cipher_type) {
		case TLS_CIPHER_AES_GCM_128:
			want = sizeof(struct tls12_crypto_info_aes_gcm_128);
			break;
		case TLS_CIPHER_AES_GCM_256:
			want = sizeof(struct tls12_crypto_info_aes_gcm_256);
			break;
		case TLS_CIPHER_CHACHA20_POLY1305:
			want = sizeof(struct tls12_crypto_info_chacha20_poly1305);
			break;
		default:
			return "unexpected cipher read back";
		}
		/* The whole struct: the length must match the cipher's. */
		memset(&ci, 0, sizeof(ci));
		l = want;
		if (getsockopt(fd, SOL_TLS, dir, &ci, &l) || l != want)
			return "full crypto info not readable";
		/* An all-zero key would mean nothing real was handed over. */
		for (i = 4, nonzero = 0; i < (int)want; i++)
			nonzero |= ((unsigned char *)&ci)[i];
		if (!nonzero)
			return "crypto info is all zero";
	}
	return NULL;
}

static void cat_log(const char *path)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "sed 's/^/#   peer: /' %s | head -n 20",
		 path);
	wire_sh("%s", cmd);
}

/* ---- our client, OpenSSL's server ---- */

FIXTURE(client_refuse) {
	struct wire w;
	int family;
	pid_t peer;
};

FIXTURE_VARIANT(client_refuse) {
	const char *cert;	/* PKI name: NAME.pem + NAME.key */
	const char *chain;	/* sent after it (-cert_chain), or NULL */
	const char *server_name;
	const char *s_server_opt; /* extra option, or NULL */
	enum tcplab_tls_version version;
	int expect;
};

FIXTURE_VARIANT_ADD(client_refuse, expired) {
	"server-expired", "int.pem", "192.0.2.2", NULL, 0, TCPLAB_TLS_E_EXPIRED
};
FIXTURE_VARIANT_ADD(client_refuse, not_yet_valid) {
	"server-notyet", "int.pem", "192.0.2.2", NULL, 0,
	TCPLAB_TLS_E_NOT_YET_VALID
};
FIXTURE_VARIANT_ADD(client_refuse, wrong_name_ip) {
	"server-wrongname", "int.pem", "192.0.2.2", NULL, 0, TCPLAB_TLS_E_NAME
};
FIXTURE_VARIANT_ADD(client_refuse, wrong_name_dns) {
	"server", "int.pem", "other.test", NULL, 0, TCPLAB_TLS_E_NAME
};
FIXTURE_VARIANT_ADD(client_refuse, self_signed) {
	"server-self", NULL, "192.0.2.2", NULL, 0, TCPLAB_TLS_E_SELF_SIGNED
};
FIXTURE_VARIANT_ADD(client_refuse, untrusted_root) {
	"server-untrusted", "other-ca.pem", "192.0.2.2", NULL, 0,
	TCPLAB_TLS_E_UNTRUSTED
};
FIXTURE_VARIANT_ADD(client_refuse, missing_intermediate) {
	"server", NULL, "192.0.2.2", NULL, 0, TCPLAB_TLS_E_UNTRUSTED
};
FIXTURE_VARIANT_ADD(client_refuse, revoked) {
	"server-revoked", "int.pem", "192.0.2.2", NULL, 0, TCPLAB_TLS_E_REVOKED
};
FIXTURE_VARIANT_ADD(client_refuse, client_only_key_usage) {
	"server-clientonly", "int.pem", "192.0.2.2", NULL, 0,
	TCPLAB_TLS_E_KEY_USAGE
};
FIXTURE_VARIANT_ADD(client_refuse, peer_alert_version) {
	"server", "int.pem", "192.0.2.2", "-tls1_3", TCPLAB_TLS_V12,
	TCPLAB_TLS_E_PEER_ALERT
};

FIXTURE_SETUP(client_refuse)
{
	const char *why = NULL;
	int r;

	self->peer = -1;
	r = tls_setup(&self->w, &self->family, &why);
	if (r > 0)
		ENV_FAIL("%s", why);
	ASSERT_EQ(0, r) TH_LOG("%s", why);
}

FIXTURE_TEARDOWN(client_refuse)
{
	reap(self->peer);
	wire_down(&self->w);
}

TEST_F_TIMEOUT(client_refuse, refused_and_no_keys, 60)
{
	struct tcplab_tls_config cfg = {
		.size = sizeof(struct tcplab_tls_config),
		.ca_file = PKI "/ca.pem",
		.crl_file = PKI "/crl.pem",
		.server_name = variant->server_name,
		.version = variant->version,
	};
	char cert[128], key[128], chain[128], accept[32];
	char *argv[16];
	struct tcplab_tls *t = NULL;
	int n = 0, fd, rc;

	snprintf(cert, sizeof(cert), PKI "/%s.pem", variant->cert);
	snprintf(key, sizeof(key), PKI "/%s.key", variant->cert);
	snprintf(accept, sizeof(accept), WIRE_ADDR_B ":%d", 4433);
	argv[n++] = OPENSSL;
	argv[n++] = "s_server";
	argv[n++] = "-quiet";
	argv[n++] = "-accept";
	argv[n++] = accept;
	argv[n++] = "-cert";
	argv[n++] = cert;
	argv[n++] = "-key";
	argv[n++] = key;
	if (variant->chain) {
		snprintf(chain, sizeof(chain), PKI "/%s", variant->chain);
		argv[n++] = "-cert_chain";
		argv[n++] = chain;
	}
	if (variant->s_server_opt)
		argv[n++] = (char *)variant->s_server_opt;
	argv[n] = NULL;
	self->peer = spawn(&self->w, self->w.b, "/tmp/tls_refuse_peer.log",
			   argv);
	ASSERT_LT(0, self->peer);

	fd = connect_retry(&self->w, self->family, 4433);
	ASSERT_LE(0, fd) TH_LOG("cannot reach s_server: %s", strerror(errno));
	rc = tcplab_tls_client(fd, &cfg, &t);
	TH_LOG("result %d: %s", rc, tcplab_tls_last_reason());
	if (rc != variant->expect)
		cat_log("/tmp/tls_refuse_peer.log");
	EXPECT_EQ(variant->expect, rc);
	EXPECT_EQ(NULL, t);
	EXPECT_NE(0, tcplab_tls_last_reason()[0]);
	EXPECT_EQ(NULL, no_keys(fd)) TH_LOG("%s", no_keys(fd));
	close(fd);
}

/* ---- our server (mutual TLS), OpenSSL's client ---- */

FIXTURE(server_refuse) {
	struct wire w;
	int family;
	pid_t peer;
};

FIXTURE_VARIANT(server_refuse) {
	const char *client_cert;	/* NULL: s_client sends none */
	const char *chain;
	const char *server_cert;	/* what our server presents */
	int expect;
	const char *s_client_opt;	/* extra option, or NULL */
};

FIXTURE_VARIANT_ADD(server_refuse, client_expired) {
	"client-expired", "int.pem", "server-chain", TCPLAB_TLS_E_EXPIRED
};
FIXTURE_VARIANT_ADD(server_refuse, client_self_signed) {
	"client-self", NULL, "server-chain", TCPLAB_TLS_E_SELF_SIGNED
};
FIXTURE_VARIANT_ADD(server_refuse, client_untrusted) {
	"client-untrusted", "other-ca.pem", "server-chain",
	TCPLAB_TLS_E_UNTRUSTED
};
FIXTURE_VARIANT_ADD(server_refuse, client_revoked) {
	"client-revoked", "int.pem", "server-chain", TCPLAB_TLS_E_REVOKED
};
FIXTURE_VARIANT_ADD(server_refuse, client_sends_none) {
	NULL, NULL, "server-chain", TCPLAB_TLS_E_NO_CERT
};
/*
 * s_client refuses our (untrusted) certificate: we get its alert.  TLS
 * 1.2, where that alert is in clear: in TLS 1.3 GnuTLS 3.7 reports a
 * decryption failure for OpenSSL's encrypted alert at that point.
 */
FIXTURE_VARIANT_ADD(server_refuse, peer_alert_untrusted_server) {
	"client", "int.pem", "server-untrusted-chain", TCPLAB_TLS_E_PEER_ALERT,
	"-tls1_2"
};

FIXTURE_SETUP(server_refuse)
{
	const char *why = NULL;
	int r;

	self->peer = -1;
	r = tls_setup(&self->w, &self->family, &why);
	if (r > 0)
		ENV_FAIL("%s", why);
	ASSERT_EQ(0, r) TH_LOG("%s", why);
}

FIXTURE_TEARDOWN(server_refuse)
{
	reap(self->peer);
	wire_down(&self->w);
}

TEST_F_TIMEOUT(server_refuse, refused_and_no_keys, 60)
{
	char scert[128], skey[128], ccert[128], ckey[128], chain[128];
	struct tcplab_tls_config cfg = {
		.size = sizeof(struct tcplab_tls_config),
		.ca_file = PKI "/ca.pem",
		.crl_file = PKI "/crl.pem",
		.cert_file = scert,
		.key_file = skey,
		.require_client_cert = true,
		.version = TCPLAB_TLS_VANY,	/* s_client picks (1.3 but -tls1_2) */
	};
	char connect_to[32];
	char *argv[24];
	struct tcplab_tls *t = NULL;
	int n = 0, lfd, fd, rc;

	snprintf(scert, sizeof(scert), PKI "/%s.pem", variant->server_cert);
	snprintf(skey, sizeof(skey), PKI "/%.*s.key",
		 (int)(strlen(variant->server_cert) - 6), variant->server_cert);
	lfd = listen_on(&self->w, self->w.a, self->family, WIRE_ADDR_A, 4434);
	ASSERT_LE(0, lfd);

	snprintf(connect_to, sizeof(connect_to), WIRE_ADDR_A ":%d", 4434);
	argv[n++] = OPENSSL;
	argv[n++] = "s_client";
	argv[n++] = "-quiet";
	argv[n++] = "-no_ign_eof";
	argv[n++] = "-connect";
	argv[n++] = connect_to;
	argv[n++] = "-CAfile";
	argv[n++] = PKI "/ca.pem";
	argv[n++] = "-verify_return_error";
	argv[n++] = "-verify_ip";
	argv[n++] = WIRE_ADDR_A;
	if (variant->client_cert) {
		snprintf(ccert, sizeof(ccert), PKI "/%s.pem", variant->client_cert);
		snprintf(ckey, sizeof(ckey), PKI "/%s.key", variant->client_cert);
		argv[n++] = "-cert";
		argv[n++] = ccert;
		argv[n++] = "-key";
		argv[n++] = ckey;
	}
	if (variant->chain) {
		snprintf(chain, sizeof(chain), PKI "/%s", variant->chain);
		argv[n++] = "-cert_chain";
		argv[n++] = chain;
	}
	if (variant->s_client_opt)
		argv[n++] = (char *)variant->s_client_opt;
	argv[n] = NULL;
	self->peer = spawn(&self->w, self->w.b, "/tmp/tls_refuse_peer.log",
			   argv);
	ASSERT_LT(0, self->peer);

	fd = accept_timeout(lfd, 20);
	ASSERT_LE(0, fd) TH_LOG("s_client did not connect");
	rc = tcplab_tls_server(fd, &cfg, &t);
	TH_LOG("result %d: %s", rc, tcplab_tls_last_reason());
	if (rc != variant->expect)
		cat_log("/tmp/tls_refuse_peer.log");
	EXPECT_EQ(variant->expect, rc);
	EXPECT_EQ(NULL, t);
	EXPECT_EQ(NULL, no_keys(fd)) TH_LOG("%s", no_keys(fd));
	close(fd);
	close(lfd);
}

/* ---- the good cases, so that the checks above can fail ---- */

FIXTURE(accept) {
	struct wire w;
	int family;
	pid_t peer;
};

FIXTURE_SETUP(accept)
{
	const char *why = NULL;
	int r;

	self->peer = -1;
	r = tls_setup(&self->w, &self->family, &why);
	if (r > 0)
		ENV_FAIL("%s", why);
	ASSERT_EQ(0, r) TH_LOG("%s", why);
}

FIXTURE_TEARDOWN(accept)
{
	reap(self->peer);
	wire_down(&self->w);
}

/* Good server, good name (IP and DNS), CRL given: keys installed. */
TEST_F_TIMEOUT(accept, client_keys_installed, 60)
{
	char *argv[] = { OPENSSL, "s_server", "-quiet", "-accept",
			 WIRE_ADDR_B ":4435", "-cert", PKI "/server.pem",
			 "-cert_chain", PKI "/int.pem", "-key",
			 PKI "/server.key", NULL };
	const char *names[] = { "192.0.2.2", "server.test" };
	struct tcplab_tls *t;
	unsigned int i;
	int fd, rc;

	self->peer = spawn(&self->w, self->w.b, "/tmp/tls_refuse_peer.log",
			   argv);
	for (i = 0; i < 2; i++) {
		struct tcplab_tls_config cfg = {
			.size = sizeof(struct tcplab_tls_config),
			.ca_file = PKI "/ca.pem",
			.crl_file = PKI "/crl.pem",
			.server_name = names[i],
		};

		fd = connect_retry(&self->w, self->family, 4435);
		ASSERT_LE(0, fd);
		rc = tcplab_tls_client(fd, &cfg, &t);
		ASSERT_EQ(0, rc) TH_LOG("%s", tcplab_tls_last_reason());
		EXPECT_EQ(NULL, has_keys(fd, TLS_1_3_VERSION))
			TH_LOG("%s", has_keys(fd, TLS_1_3_VERSION));
		tcplab_tls_close(t);
		tcplab_tls_free(t);
		close(fd);
	}
}

/* Mutual TLS: our server takes s_client's good client certificate. */
TEST_F_TIMEOUT(accept, server_mutual_keys_installed, 60)
{
	char *argv[] = { OPENSSL, "s_client", "-quiet", "-connect",
			 WIRE_ADDR_A ":4436", "-CAfile", PKI "/ca.pem",
			 "-verify_return_error", "-verify_ip", WIRE_ADDR_A,
			 "-cert", PKI "/client.pem", "-cert_chain",
			 PKI "/int.pem", "-key", PKI "/client.key", "-tls1_2",
			 NULL };
	struct tcplab_tls_config cfg = {
		.size = sizeof(struct tcplab_tls_config),
		.ca_file = PKI "/ca.pem",
		.crl_file = PKI "/crl.pem",
		.cert_file = PKI "/server-chain.pem",
		.key_file = PKI "/server.key",
		.require_client_cert = true,
		.version = TCPLAB_TLS_VANY,
	};
	struct tcplab_tls *t;
	int lfd, fd, rc;

	lfd = listen_on(&self->w, self->w.a, self->family, WIRE_ADDR_A, 4436);
	ASSERT_LE(0, lfd);
	self->peer = spawn(&self->w, self->w.b, "/tmp/tls_refuse_peer.log",
			   argv);
	fd = accept_timeout(lfd, 20);
	ASSERT_LE(0, fd);
	rc = tcplab_tls_server(fd, &cfg, &t);
	if (rc)
		cat_log("/tmp/tls_refuse_peer.log");
	ASSERT_EQ(0, rc) TH_LOG("%s", tcplab_tls_last_reason());
	EXPECT_EQ(NULL, has_keys(fd, TLS_1_2_VERSION))
		TH_LOG("%s", has_keys(fd, TLS_1_2_VERSION));
	tcplab_tls_free(t);
	close(fd);
	close(lfd);
}

TEST_HARNESS_MAIN
