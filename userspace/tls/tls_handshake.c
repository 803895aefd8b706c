// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * tls_handshake.c - the TLS handshake on a connected socket, with GnuTLS.
 *
 * GnuTLS reads and writes the handshake records on the fd itself (the
 * socket has no TLS in the kernel yet).  When the handshake and every
 * certificate check succeeded, tls_kernel_install() moves the keys into
 * the kernel; on any failure nothing is installed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <linux/tls.h>

#include "tls_internal.h"

static __thread char last_reason[512];

const char *tcplab_tls_last_reason(void)
{
	return last_reason;
}

const char *tcplab_tls_strerror(int result)
{
	switch (result) {
	case TCPLAB_TLS_OK:			return "ok";
	case TCPLAB_TLS_E_SYSTEM:		return "system error";
	case TCPLAB_TLS_E_USAGE:		return "bad usage";
	case TCPLAB_TLS_E_AGAIN:		return "would block";
	case TCPLAB_TLS_E_HANDSHAKE:		return "handshake failed";
	case TCPLAB_TLS_E_UNTRUSTED:		return "untrusted issuer";
	case TCPLAB_TLS_E_EXPIRED:		return "certificate expired";
	case TCPLAB_TLS_E_NOT_YET_VALID:	return "certificate not yet valid";
	case TCPLAB_TLS_E_NAME:			return "name mismatch";
	case TCPLAB_TLS_E_SELF_SIGNED:		return "self-signed certificate";
	case TCPLAB_TLS_E_REVOKED:		return "certificate revoked";
	case TCPLAB_TLS_E_KEY_USAGE:		return "certificate not for this use";
	case TCPLAB_TLS_E_PEER_ALERT:		return "refused by the peer";
	case TCPLAB_TLS_E_NO_CERT:		return "no client certificate";
	case TCPLAB_TLS_E_KERNEL:		return "kernel refused the keys";
	case TCPLAB_TLS_E_NO_REKEY:		return "kernel cannot rekey";
	}
	return "unknown error";
}

/* Record the one-line reason; returns @result for "return tls_fail()". */
int tls_fail(int result, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_reason, sizeof(last_reason), fmt, ap);
	va_end(ap);
	return result;
}

void tls_log(struct tcplab_tls *t, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!t->cfg || !t->cfg->log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	t->cfg->log(t->cfg->log_arg, line);
}

/*
 * The suites the kernel can take over.  TLS 1.3 suites name only the
 * AEAD and hash (RFC 8446 B.4); TLS 1.2 suites also the key exchange
 * (RFC 5289, RFC 7905).
 */
struct tls_suite {
	const char *iana;
	bool tls12;
	const char *kx;		/* GnuTLS priority names */
	const char *cipher;
};

static const struct tls_suite suites[] = {
	{ "TLS_AES_128_GCM_SHA256", false, NULL, "AES-128-GCM" },
	{ "TLS_AES_256_GCM_SHA384", false, NULL, "AES-256-GCM" },
	{ "TLS_CHACHA20_POLY1305_SHA256", false, NULL, "CHACHA20-POLY1305" },
	{ "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", true, "ECDHE-ECDSA", "AES-128-GCM" },
	{ "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", true, "ECDHE-ECDSA", "AES-256-GCM" },
	{ "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", true, "ECDHE-ECDSA",
	  "CHACHA20-POLY1305" },
	{ "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", true, "ECDHE-RSA", "AES-128-GCM" },
	{ "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", true, "ECDHE-RSA", "AES-256-GCM" },
	{ "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", true, "ECDHE-RSA",
	  "CHACHA20-POLY1305" },
};

static const struct tls_suite *suite_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		if (!strcasecmp(name, suites[i].iana))
			return &suites[i];
	return NULL;
}

/* The GnuTLS priority string for @cfg: versions, key exchanges, AEADs. */
static int build_priority(const struct tcplab_tls_config *cfg, char *buf,
			  size_t len)
{
	const char *vers = "+VERS-TLS1.3";
	const char *kx = "+ECDHE-ECDSA:+ECDHE-RSA";
	char ciphers[128] = "+AES-128-GCM:+AES-256-GCM:+CHACHA20-POLY1305";

	if (cfg->version == TCPLAB_TLS_V12)
		vers = "+VERS-TLS1.2";
	else if (cfg->version == TCPLAB_TLS_VANY)
		vers = "+VERS-TLS1.3:+VERS-TLS1.2";
	if (cfg->cipher) {
		const struct tls_suite *s = suite_find(cfg->cipher);

		if (!s)
			return tls_fail(TCPLAB_TLS_E_USAGE,
					"unknown cipher suite %s (the kernel takes TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256 and the TLS 1.2 ECDHE AES-GCM/CHACHA20 suites)",
					cfg->cipher);
		if (s->tls12 && cfg->version == TCPLAB_TLS_V13)
			return tls_fail(TCPLAB_TLS_E_USAGE,
					"%s is a TLS 1.2 suite: choose version 1.2",
					s->iana);
		if (!s->tls12 && cfg->version == TCPLAB_TLS_V12)
			return tls_fail(TCPLAB_TLS_E_USAGE,
					"%s is a TLS 1.3 suite: choose version 1.3",
					s->iana);
		snprintf(ciphers, sizeof(ciphers), "+%s", s->cipher);
		if (s->kx)
			kx = s->kx[6] == 'E' ? "+ECDHE-ECDSA" : "+ECDHE-RSA";
	}
	/* Only AEAD suites: the kernel does no CBC/HMAC. */
	snprintf(buf, len, "NORMAL:-VERS-ALL:%s:-CIPHER-ALL:%s:-MAC-ALL:+AEAD:-KX-ALL:%s",
		 vers, ciphers, kx);
	return 0;
}

/* Why did gnutls_handshake() fail?  Maps to a result and a reason line. */
static int handshake_error(struct tcplab_tls *t, int err)
{
	/*
	 * The peer said no: that is the story, whatever we saw before.
	 * GnuTLS may report an alert that arrived instead of an optional
	 * message (TLS 1.2 client Certificate) as that message missing.
	 */
	if (err == GNUTLS_E_FATAL_ALERT_RECEIVED ||
	    ((err == GNUTLS_E_NO_CERTIFICATE_FOUND ||
	      err == GNUTLS_E_CERTIFICATE_REQUIRED) &&
	     gnutls_alert_get(t->session) != GNUTLS_A_CLOSE_NOTIFY)) {
		gnutls_alert_description_t a = gnutls_alert_get(t->session);

		return tls_fail(TCPLAB_TLS_E_PEER_ALERT,
				"refused by the peer: it sent the alert \"%s\" (%d)",
				gnutls_alert_get_name(a), (int)a);
	}
	if (t->verify_result)
		return t->verify_result;	/* tls_verify.c set the reason */
	switch (err) {
	case GNUTLS_E_NO_CERTIFICATE_FOUND:
	case GNUTLS_E_CERTIFICATE_REQUIRED:
		return tls_fail(TCPLAB_TLS_E_NO_CERT,
				"no certificate: the peer did not send one, and one is required");
	case GNUTLS_E_PREMATURE_TERMINATION:
	case GNUTLS_E_PUSH_ERROR:
	case GNUTLS_E_PULL_ERROR:
		return tls_fail(TCPLAB_TLS_E_PEER_ALERT,
				"refused by the peer: it closed the connection during the handshake (%s)",
				gnutls_strerror(err));
	case GNUTLS_E_KEY_USAGE_VIOLATION:
		return tls_fail(TCPLAB_TLS_E_KEY_USAGE,
				"key usage: the certificate's key may not be used this way (%s)",
				gnutls_strerror(err));
	}
	return tls_fail(TCPLAB_TLS_E_HANDSHAKE, "handshake failed: %s",
			gnutls_strerror(err));
}

static int load_credentials(struct tcplab_tls *t,
			    const struct tcplab_tls_config *cfg)
{
	int r;

	if (gnutls_certificate_allocate_credentials(&t->cred))
		return tls_fail(TCPLAB_TLS_E_SYSTEM, "out of memory");
	if (cfg->ca_file) {
		r = gnutls_certificate_set_x509_trust_file(t->cred, cfg->ca_file,
							   GNUTLS_X509_FMT_PEM);
		if (r <= 0)
			return tls_fail(TCPLAB_TLS_E_USAGE,
					"CA file %s: %s", cfg->ca_file,
					r < 0 ? gnutls_strerror(r) : "no certificate in it");
		tls_log(t, "Trust store: %d certificate(s) from %s", r,
			cfg->ca_file);
	} else if (!t->is_server || cfg->require_client_cert) {
		r = gnutls_certificate_set_x509_system_trust(t->cred);
		tls_log(t, "Trust store: the system's (%d certificate(s))",
			r < 0 ? 0 : r);
	}
	if (cfg->crl_file) {
		r = gnutls_certificate_set_x509_crl_file(t->cred, cfg->crl_file,
							 GNUTLS_X509_FMT_PEM);
		if (r < 0)
			return tls_fail(TCPLAB_TLS_E_USAGE, "CRL file %s: %s",
					cfg->crl_file, gnutls_strerror(r));
		tls_log(t, "Revocation list: %d CRL(s) from %s", r,
			cfg->crl_file);
	}
	if (cfg->cert_file || cfg->key_file) {
		if (!cfg->cert_file || !cfg->key_file)
			return tls_fail(TCPLAB_TLS_E_USAGE,
					"a certificate needs its key, and a key its certificate");
		r = gnutls_certificate_set_x509_key_file(t->cred, cfg->cert_file,
							 cfg->key_file,
							 GNUTLS_X509_FMT_PEM);
		if (r < 0)
			return tls_fail(TCPLAB_TLS_E_USAGE,
					"certificate %s / key %s: %s",
					cfg->cert_file, cfg->key_file,
					gnutls_strerror(r));
	} else if (t->is_server) {
		return tls_fail(TCPLAB_TLS_E_USAGE,
				"a server needs a certificate and its key");
	}
	gnutls_certificate_set_verify_function(t->cred, tls_verify_peer);
	return 0;
}

static int setup_session(struct tcplab_tls *t,
			 const struct tcplab_tls_config *cfg)
{
	unsigned char ip[16];
	char prio[256];
	const char *errpos;
	int r;

	r = build_priority(cfg, prio, sizeof(prio));
	if (r)
		return r;
	r = load_credentials(t, cfg);
	if (r)
		return r;
	/*
	 * No session tickets: a NewSessionTicket after the handshake would
	 * be a record the kernel has to pass up (and it would move the
	 * sequence numbers under GnuTLS' feet if GnuTLS read it).
	 */
	if (gnutls_init(&t->session, (t->is_server ? GNUTLS_SERVER :
				      GNUTLS_CLIENT) | GNUTLS_NO_TICKETS))
		return tls_fail(TCPLAB_TLS_E_SYSTEM, "gnutls_init failed");
	gnutls_session_set_ptr(t->session, t);
	r = gnutls_priority_set_direct(t->session, prio, &errpos);
	if (r)
		return tls_fail(TCPLAB_TLS_E_USAGE, "priority %s: %s at \"%s\"",
				prio, gnutls_strerror(r), errpos);
	r = gnutls_credentials_set(t->session, GNUTLS_CRD_CERTIFICATE, t->cred);
	if (r)
		return tls_fail(TCPLAB_TLS_E_SYSTEM, "credentials: %s",
				gnutls_strerror(r));
	if (t->is_server && cfg->require_client_cert)
		gnutls_certificate_server_set_request(t->session,
						      GNUTLS_CERT_REQUIRE);
	/* SNI carries DNS names only (RFC 6066 3), never an address. */
	if (!t->is_server && cfg->server_name &&
	    inet_pton(AF_INET, cfg->server_name, ip) != 1 &&
	    inet_pton(AF_INET6, cfg->server_name, ip) != 1)
		gnutls_server_name_set(t->session, GNUTLS_NAME_DNS,
				       cfg->server_name,
				       strlen(cfg->server_name));
	gnutls_handshake_set_secret_function(t->session, tls_secret_func);
	gnutls_transport_set_int(t->session, t->fd);
	gnutls_handshake_set_timeout(t->session, 30 * 1000);
	return 0;
}

/* Remember what was negotiated, in the kernel's terms. */
static int describe(struct tcplab_tls *t)
{
	gnutls_session_t s = t->session;
	gnutls_protocol_t v = gnutls_protocol_get_version(s);
	gnutls_cipher_algorithm_t c = gnutls_cipher_get(s);

	if (v == GNUTLS_TLS1_3) {
		t->version = TLS_1_3_VERSION;
		t->version_name = "TLS 1.3";
	} else if (v == GNUTLS_TLS1_2) {
		t->version = TLS_1_2_VERSION;
		t->version_name = "TLS 1.2";
	} else {
		return tls_fail(TCPLAB_TLS_E_HANDSHAKE,
				"negotiated %s, which the kernel does not do",
				gnutls_protocol_get_name(v));
	}
	switch (c) {
	case GNUTLS_CIPHER_AES_128_GCM:
		t->cipher_type = TLS_CIPHER_AES_GCM_128;
		t->key_len = 16;
		break;
	case GNUTLS_CIPHER_AES_256_GCM:
		t->cipher_type = TLS_CIPHER_AES_GCM_256;
		t->key_len = 32;
		break;
	case GNUTLS_CIPHER_CHACHA20_POLY1305:
		t->cipher_type = TLS_CIPHER_CHACHA20_POLY1305;
		t->key_len = 32;
		break;
	default:
		return tls_fail(TCPLAB_TLS_E_HANDSHAKE,
				"negotiated cipher %s, which the kernel does not do",
				gnutls_cipher_get_name(c));
	}
	t->sha384 = gnutls_prf_hash_get(s) == GNUTLS_DIG_SHA384;
	t->cipher_name = gnutls_ciphersuite_get(s);
	t->group_name = gnutls_group_get_name(gnutls_group_get(s));
	if (!t->group_name)
		t->group_name = gnutls_ecc_curve_get_name(gnutls_ecc_curve_get(s));
	if (!t->group_name)
		t->group_name = "?";
	return 0;
}

/* Plaintext GnuTLS already decrypted past the handshake: keep it. */
static int take_pending(struct tcplab_tls *t)
{
	size_t n = gnutls_record_check_pending(t->session);
	ssize_t r;

	if (!n)
		return 0;
	t->pend = malloc(n);
	if (!t->pend)
		return tls_fail(TCPLAB_TLS_E_SYSTEM, "out of memory");
	while (t->pend_len < n) {
		r = gnutls_record_recv(t->session, t->pend + t->pend_len,
				       n - t->pend_len);
		if (r <= 0)
			return tls_fail(TCPLAB_TLS_E_HANDSHAKE,
					"reading early data: %s",
					gnutls_strerror((int)r));
		t->pend_len += r;
	}
	return 0;
}

static void narrate_done(struct tcplab_tls *t)
{
	gnutls_session_t s = t->session;
	const char *peer = t->is_server ? "client" : "server";
	gnutls_sign_algorithm_t sig = gnutls_sign_algorithm_get(s);

	tls_log(t, "Handshake complete: %s, cipher suite %s", t->version_name,
		t->cipher_name);
	if (t->version == TLS_1_3_VERSION)
		tls_log(t, "Key agreement: ECDHE on group %s. Each side sent a fresh public key share; both computed the same shared secret, which never crossed the wire.",
			t->group_name);
	else
		tls_log(t, "Key agreement: ECDHE (TLS 1.2) on group %s; the server signed its key share with its certificate's key.",
			t->group_name);
	if (!t->is_server || t->cfg->require_client_cert)
		tls_log(t, "Proof of identity: the %s signed the handshake so far with its certificate's private key (%s); GnuTLS checked that signature with the certificate's public key.",
			peer, sig ? gnutls_sign_get_name(sig) : "see above");
	tls_log(t, "Both sides then derived the traffic keys from the shared secret and the handshake transcript (HKDF, RFC 8446 7.1) and exchanged Finished messages.");
}

void tcplab_tls_config_init(struct tcplab_tls_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->size = sizeof(*cfg);
}

const char *tcplab_tls_version(void)
{
	return TCPLAB_VERSION;
}

/* The first version's struct: the least a caller can pass. */
#define TLS_CONFIG_MIN_SIZE \
	(offsetof(struct tcplab_tls_config, log_arg) + sizeof(void *))

/*
 * @cfg as this library knows it, from a caller built against an older
 * header (a smaller struct: the missing fields keep their defaults) or a
 * newer one (a larger struct: its extra fields must be at their defaults,
 * zero, since we cannot honour them).
 */
static int config_copy(struct tcplab_tls_config *dst,
		       const struct tcplab_tls_config *cfg)
{
	const unsigned char *bytes = (const unsigned char *)cfg;
	size_t i;

	if (!cfg || cfg->size < TLS_CONFIG_MIN_SIZE)
		return tls_fail(TCPLAB_TLS_E_USAGE,
				"struct tcplab_tls_config has no valid size: call tcplab_tls_config_init() first");
	for (i = sizeof(*dst); i < cfg->size; i++)
		if (bytes[i])
			return tls_fail(TCPLAB_TLS_E_USAGE,
					"struct tcplab_tls_config sets an option this libtcplab-tls %s does not know",
					TCPLAB_VERSION);
	tcplab_tls_config_init(dst);
	memcpy(dst, cfg, cfg->size < sizeof(*dst) ? cfg->size : sizeof(*dst));
	dst->size = sizeof(*dst);
	return 0;
}

static int handshake(int fd, const struct tcplab_tls_config *caller_cfg,
		     bool is_server, struct tcplab_tls **out)
{
	struct tcplab_tls_config config, *cfg = &config;
	struct tcplab_tls *t;
	int r;

	*out = NULL;
	last_reason[0] = 0;
	r = config_copy(cfg, caller_cfg);
	if (r)
		return r;
	t = calloc(1, sizeof(*t));
	if (!t)
		return tls_fail(TCPLAB_TLS_E_SYSTEM, "out of memory");
	t->fd = fd;
	t->is_server = is_server;
	t->cfg = cfg;
	r = setup_session(t, cfg);
	if (r)
		goto fail;
	tls_log(t, "TCP is already connected (the kernel did the three-way handshake). Now the TLS handshake, run here in userspace by GnuTLS on fd %d.",
		fd);
	if (is_server)
		tls_log(t, "Waiting for the ClientHello; we will answer with our certificate%s.",
			cfg->require_client_cert ? " and ask for the client's" : "");
	else
		tls_log(t, "Sending ClientHello: the versions and cipher suites we accept, and a key share for ECDHE%s%s.",
			cfg->server_name ? "; expected server name: " : "",
			cfg->server_name ? cfg->server_name : "");
	do {
		r = gnutls_handshake(t->session);
	} while (r < 0 && !gnutls_error_is_fatal(r));
	if (r < 0) {
		/* Tell the peer why, unless it is the one who refused. */
		if (r != GNUTLS_E_FATAL_ALERT_RECEIVED &&
		    r != GNUTLS_E_PREMATURE_TERMINATION)
			gnutls_alert_send_appropriate(t->session, r);
		r = handshake_error(t, r);
		goto fail;
	}
	r = describe(t);
	if (r)
		goto fail;
	narrate_done(t);
	r = take_pending(t);
	if (r)
		goto fail;
	r = tls_kernel_install(t);
	if (r)
		goto fail;
	t->cfg = NULL;	/* the copy goes away with this frame */
	*out = t;
	return 0;
fail:
	tls_log(t, "Refused: %s. No key was given to the kernel.",
		last_reason);
	t->cfg = NULL;
	tcplab_tls_free(t);
	return r;
}

int tcplab_tls_client(int fd, const struct tcplab_tls_config *cfg,
		      struct tcplab_tls **out)
{
	return handshake(fd, cfg, false, out);
}

int tcplab_tls_server(int fd, const struct tcplab_tls_config *cfg,
		      struct tcplab_tls **out)
{
	return handshake(fd, cfg, true, out);
}

void tcplab_tls_get_info(const struct tcplab_tls *t,
			 struct tcplab_tls_info *info)
{
	info->version = t->version_name;
	info->cipher = t->cipher_name;
	info->group = t->group_name;
	info->rekeys_tx = t->rekeys_tx;
	info->rekeys_rx = t->rekeys_rx;
}

void tcplab_tls_free(struct tcplab_tls *t)
{
	if (!t)
		return;
	if (t->session)
		gnutls_deinit(t->session);
	if (t->cred)
		gnutls_certificate_free_credentials(t->cred);
	free(t->pend);
	explicit_bzero(t, sizeof(*t));
	free(t);
}
