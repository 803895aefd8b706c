// SPDX-License-Identifier: GPL-2.0
/*
 * tlshelper_test_verify: the checks libtcplab-tls makes on the peer's
 * certificate (userspace/tls/tls_verify.c), on the host, without a VM.
 *
 * The test PKI is made once, at start, in a temporary directory, by
 * tcplab-tls-pki (userspace/tools/tcplab-tls-pki.sh, with certtool from
 * gnutls-bin; without certtool every test fails and says so).  Each test
 * runs one real TLS 1.3 handshake over a socketpair: on our end the
 * library (tcplab_tls_client(), or tcplab_tls_server() asking for a
 * client certificate), on the other a plain GnuTLS session in a thread
 * that presents a certificate of the PKI and checks nothing itself.
 *
 *   refused   the library returns the reason's code, the peer receives
 *             a fatal alert, and the narration (what tcplab-tls -v
 *             prints) marks the right checks FAILED;
 *   accepted  every check passed, so the library went on to hand the
 *             keys to the kernel, which a socketpair refuses: the code is
 *             TCPLAB_TLS_E_KERNEL, from setsockopt(TCP_ULP); the peer's
 *             handshake succeeded and no check FAILED.
 *
 * Each test's name starts with the rule it is about: RFC 5280 (the
 * path, dates, extensions, revocation), RFC 9525 and RFC 6125 (the
 * server's name), RFC 8446 (the Certificate message).
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>

#include "kselftest_harness.h"
#include "tls_internal.h"

#ifndef TLS_PKI_SCRIPT
#error "TLS_PKI_SCRIPT: the path of tcplab-tls-pki.sh (selftests/core/Makefile)"
#endif

static char pki[256];		/* the test PKI's directory */
static char pki_error[1024];	/* why there is none, or "" */
static pid_t pki_owner;

static void pki_remove(void)
{
	char cmd[300];

	/* The harness' children exit with _exit(): only main gets here. */
	if (getpid() != pki_owner)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", pki);
	if (system(cmd))
		fprintf(stderr, "# could not remove %s\n", pki);
}

/* Before the harness' main(): one PKI for every test. */
__attribute__((constructor)) static void pki_make(void)
{
	const char *tmp = getenv("TMPDIR");
	char cmd[800];
	int r;

	if (system("command -v certtool > /dev/null 2>&1")) {
		snprintf(pki_error, sizeof(pki_error),
			 "certtool not found: install gnutls-bin (make deps)");
		return;
	}
	snprintf(pki, sizeof(pki), "%s/tlshelper_test_verify.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(pki)) {
		snprintf(pki_error, sizeof(pki_error), "mkdtemp %s: %m", pki);
		return;
	}
	pki_owner = getpid();
	atexit(pki_remove);
	snprintf(cmd, sizeof(cmd), "sh '%s' '%s' > '%s/pki.log' 2>&1",
		 TLS_PKI_SCRIPT, pki, pki);
	r = system(cmd);
	if (r) {
		snprintf(pki_error, sizeof(pki_error),
			 "%s %s failed (status 0x%x, its output in %s/pki.log)",
			 TLS_PKI_SCRIPT, pki, r, pki);
		pki_owner = 0;	/* keep the directory to look at */
	}
}

/* ---- the peer: plain GnuTLS, in a thread ---- */

struct peer {
	int fd;
	bool server;		/* the peer is the TLS server */
	const char *cert;	/* PKI name: NAME-chain.pem and NAME.key */
	bool leaf_only;		/* NAME.pem alone, without the intermediate */
	gnutls_pcert_st pcert[4];
	unsigned int npcert;
	gnutls_privkey_t key;
	int rc;			/* its handshake's result */
	int alert;		/* the fatal alert it received, or -1 */
};

/*
 * What the peer presents, whatever the other end asked for: a GnuTLS
 * client would send nothing to a server whose list of CAs its chain
 * does not lead to, and the test wants that chain refused by us.
 */
static int present(gnutls_session_t s, const gnutls_datum_t *ca_names,
		   int n_names, const gnutls_pk_algorithm_t *algos,
		   int n_algos, gnutls_pcert_st **pcert,
		   unsigned int *npcert, gnutls_privkey_t *key)
{
	struct peer *p = gnutls_session_get_ptr(s);

	(void)ca_names;
	(void)n_names;
	(void)algos;
	(void)n_algos;
	*pcert = p->pcert;
	*npcert = p->npcert;
	*key = p->key;
	return 0;
}

static int peer_load(struct peer *p)
{
	gnutls_datum_t pem = { 0 };
	char chain[300], key[300];
	int r;

	snprintf(chain, sizeof(chain), "%s/%s%s.pem", pki, p->cert,
		 p->leaf_only ? "" : "-chain");
	snprintf(key, sizeof(key), "%s/%s.key", pki, p->cert);
	p->npcert = 4;
	r = gnutls_pcert_list_import_x509_file(p->pcert, &p->npcert, chain,
					       GNUTLS_X509_FMT_PEM, NULL, NULL, 0);
	if (r < 0)
		return r;
	r = gnutls_privkey_init(&p->key);
	if (!r)
		r = gnutls_load_file(key, &pem);
	if (!r)
		r = gnutls_privkey_import_x509_raw(p->key, &pem,
						   GNUTLS_X509_FMT_PEM, NULL, 0);
	gnutls_free(pem.data);
	return r;
}

static void *peer_main(void *arg)
{
	struct peer *p = arg;
	gnutls_certificate_credentials_t cred;
	gnutls_session_t s;
	unsigned int i;
	char buf[64];
	int r;

	p->alert = -1;
	p->rc = gnutls_certificate_allocate_credentials(&cred);
	if (p->rc)
		return NULL;
	if (p->cert) {
		p->rc = peer_load(p);
		if (p->rc)
			goto out;
		gnutls_certificate_set_retrieve_function2(cred, present);
	}
	p->rc = gnutls_init(&s, (p->server ? GNUTLS_SERVER : GNUTLS_CLIENT) |
			    GNUTLS_NO_TICKETS);
	if (p->rc)
		goto out;
	gnutls_session_set_ptr(s, p);
	gnutls_set_default_priority(s);
	gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
	gnutls_transport_set_int(s, p->fd);
	gnutls_handshake_set_timeout(s, 20 * 1000);
	do {
		r = gnutls_handshake(s);
	} while (r < 0 && !gnutls_error_is_fatal(r));
	p->rc = r;
	/*
	 * A TLS 1.3 client is done when it has sent its Finished, before
	 * the server has looked at its certificate: the verdict comes next.
	 * Our end shuts the socket down once it has returned.
	 */
	if (!r)
		do {
			r = gnutls_record_recv(s, buf, sizeof(buf));
		} while (r > 0 || r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED);
	if (r == GNUTLS_E_FATAL_ALERT_RECEIVED)
		p->alert = gnutls_alert_get(s);
	gnutls_deinit(s);
out:
	gnutls_certificate_free_credentials(cred);
	for (i = 0; p->cert && i < p->npcert; i++)
		gnutls_pcert_deinit(&p->pcert[i]);
	if (p->key)
		gnutls_privkey_deinit(p->key);
	return NULL;
}

/* ---- our end: the library, its narration collected ---- */

struct narration {
	char text[16384];
	size_t len;
};

static void collect(void *arg, const char *line)
{
	struct narration *n = arg;
	int w = snprintf(n->text + n->len, sizeof(n->text) - n->len, "%s\n",
			 line);

	if (w > 0 && (size_t)w < sizeof(n->text) - n->len)
		n->len += w;
}

/*
 * The checks the narration marks FAILED, by their names ("Check 2,
 * dates: ...: FAILED" gives "dates"), in order, blank-separated.
 */
static void failed_checks(const char *text, char *out, size_t len)
{
	const char *l, *end, *comma, *colon;
	size_t used = 0;

	out[0] = 0;
	for (l = text; *l; l = *end ? end + 1 : end) {
		end = strchrnul(l, '\n');
		if (strncmp(l, "Check ", 6) || end - l < 8 ||
		    strncmp(end - 8, ": FAILED", 8))
			continue;
		comma = memchr(l, ',', end - l);
		colon = comma ? memchr(comma, ':', end - comma) : NULL;
		if (!colon || comma + 2 > colon)
			continue;
		used += snprintf(out + used, len - used, "%s%.*s",
				 used ? " " : "", (int)(colon - comma - 2),
				 comma + 2);
		if (used >= len)
			return;
	}
}

struct verify_case {
	bool server;		/* our end is the server: mutual TLS */
	const char *cert;	/* what the peer presents; NULL: nothing */
	bool leaf_only;		/* ... without its intermediate */
	const char *name;	/* the server name we ask for; NULL: server.test */
	bool crl;		/* we load the PKI's CRL */
	int expect;		/* TCPLAB_TLS_E_KERNEL: accepted */
	const char *failed;	/* the checks the narration marks FAILED */
};

#define ACCEPTED TCPLAB_TLS_E_KERNEL

static void run(struct __test_metadata *_metadata, const struct verify_case *c)
{
	struct peer p = { .server = !c->server, .cert = c->cert,
			  .leaf_only = c->leaf_only };
	char ca[300], crl[300], cert[300], key[300], failed[256];
	struct tcplab_tls_config cfg;
	struct narration *log;
	struct tcplab_tls *t = NULL;
	pthread_t th;
	int sv[2], rc;

	ASSERT_EQ(0, pki_error[0]) TH_LOG("no test PKI: %s", pki_error);
	log = calloc(1, sizeof(*log));
	ASSERT_NE(NULL, log);
	signal(SIGPIPE, SIG_IGN);	/* a refused end hangs up */
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	p.fd = sv[1];
	ASSERT_EQ(0, pthread_create(&th, NULL, peer_main, &p));

	tcplab_tls_config_init(&cfg);
	snprintf(ca, sizeof(ca), "%s/ca.pem", pki);
	cfg.ca_file = ca;
	if (c->crl) {
		snprintf(crl, sizeof(crl), "%s/crl.pem", pki);
		cfg.crl_file = crl;
	}
	cfg.log = collect;
	cfg.log_arg = log;
	if (c->server) {
		snprintf(cert, sizeof(cert), "%s/server-chain.pem", pki);
		snprintf(key, sizeof(key), "%s/server.key", pki);
		cfg.cert_file = cert;
		cfg.key_file = key;
		cfg.require_client_cert = true;
		rc = tcplab_tls_server(sv[0], &cfg, &t);
	} else {
		cfg.server_name = c->name ? c->name : "server.test";
		rc = tcplab_tls_client(sv[0], &cfg, &t);
	}
	shutdown(sv[0], SHUT_RDWR);
	pthread_join(th, NULL);
	close(sv[0]);
	close(sv[1]);
	tcplab_tls_free(t);

	failed_checks(log->text, failed, sizeof(failed));
	EXPECT_EQ(c->expect, rc) {
		TH_LOG("want \"%s\", got \"%s\": %s",
		       tcplab_tls_strerror(c->expect), tcplab_tls_strerror(rc),
		       tcplab_tls_last_reason());
		TH_LOG("the narration:\n%s", log->text);
	}
	EXPECT_STREQ(c->failed, failed)
		TH_LOG("the checks marked FAILED in the narration");
	if (c->expect == ACCEPTED) {
		/* The keys reached the kernel step: the checks let them. */
		EXPECT_NE(NULL, strstr(tcplab_tls_last_reason(), "TCP_ULP"))
			TH_LOG("%s", tcplab_tls_last_reason());
		EXPECT_EQ(0, p.rc) TH_LOG("peer: %s", gnutls_strerror(p.rc));
		EXPECT_EQ(-1, p.alert)
			TH_LOG("peer got the alert %s",
			       gnutls_alert_get_name(p.alert));
	} else {
		/* The refusal reaches the peer as a fatal alert. */
		EXPECT_NE(-1, p.alert)
			TH_LOG("the peer got no alert (its handshake: %s)",
			       gnutls_strerror(p.rc));
	}
	free(log);
}

/* ---- our client checks the server's certificate ---- */

/* RFC 5280 6.1: root, intermediate, leaf; the name and the use fit. */
TEST(rfc5280_6_1_chain_to_trusted_root_accepted)
{
	run(_metadata, &(struct verify_case){
		.cert = "server", .expect = ACCEPTED, .failed = "" });
}

/* RFC 5280 4.1.2.5: notAfter has passed. */
TEST(rfc5280_4_1_2_5_expired_refused)
{
	run(_metadata, &(struct verify_case){
		.cert = "server-expired", .expect = TCPLAB_TLS_E_EXPIRED,
		.failed = "dates" });
}

/* RFC 5280 4.1.2.5: notBefore is still ahead. */
TEST(rfc5280_4_1_2_5_not_yet_valid_refused)
{
	run(_metadata, &(struct verify_case){
		.cert = "server-notyet", .expect = TCPLAB_TLS_E_NOT_YET_VALID,
		.failed = "dates" });
}

/* RFC 5280 6.1: a path starts at a trust anchor; this one is its own. */
TEST(rfc5280_6_1_self_signed_refused)
{
	run(_metadata, &(struct verify_case){
		.cert = "server-self", .expect = TCPLAB_TLS_E_SELF_SIGNED,
		.failed = "chain" });
}

/* RFC 5280 6.1: a chain to a root that is not ours. */
TEST(rfc5280_6_1_untrusted_root_refused)
{
	run(_metadata, &(struct verify_case){
		.cert = "server-untrusted", .expect = TCPLAB_TLS_E_UNTRUSTED,
		.failed = "chain" });
}

/* RFC 5280 6.1: without the intermediate there is no path to the root. */
TEST(rfc5280_6_1_missing_intermediate_refused)
{
	run(_metadata, &(struct verify_case){
		.cert = "server", .leaf_only = true,
		.expect = TCPLAB_TLS_E_UNTRUSTED, .failed = "chain" });
}

/* RFC 5280 4.2.1.9, 6.1.4 (k): every issuer must be a CA. */
TEST(rfc5280_4_2_1_9_issuer_not_ca_refused)
{
	run(_metadata, &(struct verify_case){
		.cert = "server-notca", .expect = TCPLAB_TLS_E_UNTRUSTED,
		.failed = "chain" });
}

/*
 * RFC 5280 4.2: an unknown critical extension must be refused.  No
 * check of the five fails: a verdict that refuses only what it can name
 * accepts this one.
 */
TEST(rfc5280_4_2_unknown_critical_extension_refused)
{
	run(_metadata, &(struct verify_case){
		.cert = "server-critext", .expect = TCPLAB_TLS_E_UNTRUSTED,
		.failed = "" });
}

/* RFC 5280 4.2.1.12: extendedKeyUsage says TLS client only. */
TEST(rfc5280_4_2_1_12_not_for_server_auth_refused)
{
	run(_metadata, &(struct verify_case){
		.cert = "server-clientonly", .expect = TCPLAB_TLS_E_KEY_USAGE,
		.failed = "use" });
}

/* RFC 5280 6.3: on the CRL we were given. */
TEST(rfc5280_6_3_revoked_refused)
{
	run(_metadata, &(struct verify_case){
		.cert = "server-revoked", .crl = true,
		.expect = TCPLAB_TLS_E_REVOKED, .failed = "revocation" });
}

/*
 * RFC 5280 6.1 before RFC 9525 6: a self-signed certificate for another
 * name.  The name on a certificate no one vouches for proves nothing:
 * the reason is the chain.
 */
TEST(rfc5280_6_1_path_before_name_refused)
{
	run(_metadata, &(struct verify_case){
		.cert = "server-self", .name = "other.test",
		.expect = TCPLAB_TLS_E_SELF_SIGNED, .failed = "chain name" });
}

/* RFC 9525 6.3: the name we asked for is not among the dNSNames. */
TEST(rfc9525_6_3_dns_name_mismatch_refused)
{
	run(_metadata, &(struct verify_case){
		.cert = "server", .name = "other.test",
		.expect = TCPLAB_TLS_E_NAME, .failed = "name" });
}

/* RFC 9525 6.3: "*.wild.test" stands for one label. */
TEST(rfc9525_6_3_wildcard_accepted)
{
	run(_metadata, &(struct verify_case){
		.cert = "server-wildcard", .name = "a.wild.test",
		.expect = ACCEPTED, .failed = "" });
}

/* RFC 9525 6.3: ... and never for two. */
TEST(rfc9525_6_3_wildcard_one_label_only_refused)
{
	run(_metadata, &(struct verify_case){
		.cert = "server-wildcard", .name = "b.a.wild.test",
		.expect = TCPLAB_TLS_E_NAME, .failed = "name" });
}

/*
 * RFC 6125 6.4.4: the subject's CN is no name when subjectAltName has
 * DNS names (RFC 9525 no longer looks at the CN at all).
 */
TEST(rfc6125_6_4_4_common_name_ignored_refused)
{
	run(_metadata, &(struct verify_case){
		.cert = "server-cnonly", .expect = TCPLAB_TLS_E_NAME,
		.failed = "name" });
}

/* RFC 9525 6.4: an IP address matches an iPAddress entry. */
TEST(rfc9525_6_4_ip_address_accepted)
{
	run(_metadata, &(struct verify_case){
		.cert = "server", .name = "192.0.2.1", .expect = ACCEPTED,
		.failed = "" });
}

/* RFC 9525 6.4: an address the certificate does not list. */
TEST(rfc9525_6_4_ip_address_mismatch_refused)
{
	run(_metadata, &(struct verify_case){
		.cert = "server", .name = "198.51.100.9",
		.expect = TCPLAB_TLS_E_NAME, .failed = "name" });
}

/* ---- our server checks the client's certificate (mutual TLS) ---- */

/* RFC 8446 4.4.2: a client certificate from our CA, not revoked. */
TEST(rfc8446_4_4_2_client_certificate_accepted)
{
	run(_metadata, &(struct verify_case){
		.server = true, .cert = "client", .crl = true,
		.expect = ACCEPTED, .failed = "" });
}

/* RFC 8446 4.4.2.4: we asked for a certificate and got none. */
TEST(rfc8446_4_4_2_4_no_client_certificate_refused)
{
	run(_metadata, &(struct verify_case){
		.server = true, .expect = TCPLAB_TLS_E_NO_CERT,
		.failed = "" });
}

TEST(rfc5280_4_1_2_5_client_expired_refused)
{
	run(_metadata, &(struct verify_case){
		.server = true, .cert = "client-expired",
		.expect = TCPLAB_TLS_E_EXPIRED, .failed = "dates" });
}

TEST(rfc5280_6_1_client_untrusted_root_refused)
{
	run(_metadata, &(struct verify_case){
		.server = true, .cert = "client-untrusted",
		.expect = TCPLAB_TLS_E_UNTRUSTED, .failed = "chain" });
}

TEST(rfc5280_6_3_client_revoked_refused)
{
	run(_metadata, &(struct verify_case){
		.server = true, .cert = "client-revoked", .crl = true,
		.expect = TCPLAB_TLS_E_REVOKED, .failed = "revocation" });
}

/* RFC 5280 4.2.1.12: a server's certificate offered by a client. */
TEST(rfc5280_4_2_1_12_not_for_client_auth_refused)
{
	run(_metadata, &(struct verify_case){
		.server = true, .cert = "server",
		.expect = TCPLAB_TLS_E_KEY_USAGE, .failed = "use" });
}

TEST_HARNESS_MAIN
