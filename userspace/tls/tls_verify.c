// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * tls_verify.c - is the peer who it claims to be?
 *
 * GnuTLS calls tls_verify_peer() in the middle of the handshake, as soon
 * as the peer's Certificate message arrived.  We check (RFC 5280 6 path
 * validation, done by GnuTLS, plus RFC 9525 / RFC 9110 4.3.4 names):
 *
 *   1. chain: each certificate is signed by the next one, up to a root
 *      in our trust store, and every issuer is a CA;
 *   2. validity: now lies between notBefore and notAfter of each;
 *   3. name (client side): the server name is in subjectAltName (a DNS
 *      name, or an iPAddress entry when we connected to an address);
 *   4. use: extendedKeyUsage allows TLS server (or client) authentication;
 *   5. revocation: the certificate is not on the CRL, when one was given.
 *
 * A non-zero return aborts the handshake: GnuTLS sends an alert and no
 * key is derived for the application, let alone handed to the kernel.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <gnutls/x509.h>

#include "tls_internal.h"

static void fmt_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M UTC", &tm);
}

/* "DNS:a.example, IP:192.0.2.1" from subjectAltName. */
static void fmt_sans(gnutls_x509_crt_t crt, char *out, size_t len)
{
	unsigned int i;
	size_t used = 0;

	out[0] = 0;
	for (i = 0; used < len; i++) {
		char buf[256], ip[INET6_ADDRSTRLEN];
		size_t sz = sizeof(buf) - 1;
		int type = gnutls_x509_crt_get_subject_alt_name(crt, i, buf,
								 &sz, NULL);
		const char *item = NULL, *kind = "";

		if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (type == GNUTLS_SAN_DNSNAME) {
			buf[sz] = 0;
			kind = "DNS:";
			item = buf;
		} else if (type == GNUTLS_SAN_IPADDRESS) {
			kind = "IP:";
			item = inet_ntop(sz == 4 ? AF_INET : AF_INET6, buf, ip,
					 sizeof(ip));
		}
		if (!item)
			continue;
		used += snprintf(out + used, len - used, "%s%s%s",
				 used ? ", " : "", kind, item);
	}
	if (!out[0])
		snprintf(out, len, "(none)");
}

/* Print one certificate of the chain for the learner. */
static void narrate_cert(struct tcplab_tls *t, unsigned int i,
			 const gnutls_datum_t *der)
{
	gnutls_x509_crt_t crt;
	gnutls_datum_t subj = { 0 }, iss = { 0 };
	char from[32], until[32], sans[512];

	if (gnutls_x509_crt_init(&crt))
		return;
	if (gnutls_x509_crt_import(crt, der, GNUTLS_X509_FMT_DER) == 0 &&
	    gnutls_x509_crt_get_dn3(crt, &subj, 0) == 0 &&
	    gnutls_x509_crt_get_issuer_dn3(crt, &iss, 0) == 0) {
		fmt_time(gnutls_x509_crt_get_activation_time(crt), from,
			 sizeof(from));
		fmt_time(gnutls_x509_crt_get_expiration_time(crt), until,
			 sizeof(until));
		fmt_sans(crt, sans, sizeof(sans));
		tls_log(t, "  [%u] subject: %s", i, (char *)subj.data);
		tls_log(t, "      issued by: %s%s", (char *)iss.data,
			gnutls_x509_crt_check_issuer(crt, crt) ?
			" (itself: self-signed)" : "");
		tls_log(t, "      valid from %s until %s", from, until);
		if (i == 0)
			tls_log(t, "      names (subjectAltName): %s", sans);
	}
	gnutls_free(subj.data);
	gnutls_free(iss.data);
	gnutls_x509_crt_deinit(crt);
}

static bool self_signed(const gnutls_datum_t *der)
{
	gnutls_x509_crt_t crt;
	bool ss = false;

	if (gnutls_x509_crt_init(&crt))
		return false;
	if (gnutls_x509_crt_import(crt, der, GNUTLS_X509_FMT_DER) == 0)
		ss = gnutls_x509_crt_check_issuer(crt, crt);
	gnutls_x509_crt_deinit(crt);
	return ss;
}

static const char *mark(bool ok)
{
	return ok ? "ok" : "FAILED";
}

/*
 * Have GnuTLS validate the peer's chain (RFC 5280 6.1: signatures, issuers,
 * dates; the CRL when one was given) against our trust store, for the
 * identity and the use we expect of the peer: a server's certificate is
 * checked for @name (NULL on the server side, where the client has no
 * name to check).  *@st gets GnuTLS' status bits, 0 when every check
 * passed.  0, or a negative GnuTLS error when it could not check at all.
 */
static int verify_chain(gnutls_session_t session, bool is_server,
			const char *name, unsigned int *st)
{
	/* LAB cert: begin */
	gnutls_typed_vdata_st data[2];
	unsigned char ip[16];
	unsigned int nd = 0;

	/*
	 * The reference identity: an IP literal is matched against the
	 * iPAddress entries only (RFC 9525 6.4), anything else is a DNS
	 * name, matched against the dNSName entries (6.3).
	 */
	if (name) {
		if (inet_pton(AF_INET, name, ip) == 1) {
			data[nd].type = GNUTLS_DT_IP_ADDRESS;
			data[nd].data = ip;
			data[nd++].size = 4;
		} else if (inet_pton(AF_INET6, name, ip) == 1) {
			data[nd].type = GNUTLS_DT_IP_ADDRESS;
			data[nd].data = ip;
			data[nd++].size = 16;
		} else {
			data[nd].type = GNUTLS_DT_DNS_HOSTNAME;
			data[nd].data = (unsigned char *)name;
			data[nd++].size = 0;
		}
	}
	/* RFC 5280 4.2.1.12: the purpose is the peer's role in TLS. */
	data[nd].type = GNUTLS_DT_KEY_PURPOSE_OID;
	data[nd].data = (unsigned char *)(is_server ?
					  GNUTLS_KP_TLS_WWW_CLIENT :
					  GNUTLS_KP_TLS_WWW_SERVER);
	data[nd++].size = 0;
	return gnutls_certificate_verify_peers(session, data, nd, st);
	/* LAB cert: end */
}

/* The checks of the comment at the top: true when one passed. */
struct checks {
	bool chain, time, name, use, crl;
};

/*
 * Read GnuTLS' status bits @st into the five checks @c (what the
 * narration shows), then decide: 0 accepts the peer; anything else
 * refuses it, as the enum tcplab_tls_result of the reason, whose line
 * tls_fail() records.  @ss: the peer's own certificate signed itself;
 * @who: "server" or "client"; @name: the server name we asked for.
 */
static int verdict(unsigned int st, bool ss, const char *who,
		   const char *name, struct checks *c)
{
	/* LAB cert: begin */
	c->chain = !(st & (GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_SIGNER_NOT_CA |
			   GNUTLS_CERT_SIGNATURE_FAILURE |
			   GNUTLS_CERT_INSECURE_ALGORITHM |
			   GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE));
	c->time = !(st & (GNUTLS_CERT_EXPIRED | GNUTLS_CERT_NOT_ACTIVATED));
	c->name = !(st & GNUTLS_CERT_UNEXPECTED_OWNER);
	c->use = !(st & GNUTLS_CERT_PURPOSE_MISMATCH);
	c->crl = !(st & (GNUTLS_CERT_REVOKED | GNUTLS_CERT_REVOCATION_DATA_SUPERSEDED |
			 GNUTLS_CERT_REVOCATION_DATA_ISSUED_IN_FUTURE));

	if (!st)
		return 0;
	if (!c->crl)
		return tls_fail(TCPLAB_TLS_E_REVOKED,
				"revoked: the %s's certificate is on the revocation list",
				who);
	if (st & GNUTLS_CERT_EXPIRED)
		return tls_fail(TCPLAB_TLS_E_EXPIRED,
				"expired: a certificate of the %s's chain is past its notAfter date",
				who);
	if (st & GNUTLS_CERT_NOT_ACTIVATED)
		return tls_fail(TCPLAB_TLS_E_NOT_YET_VALID,
				"not yet valid: a certificate of the %s's chain starts in the future",
				who);
	if (!c->chain && ss)
		return tls_fail(TCPLAB_TLS_E_SELF_SIGNED,
				"self-signed: the %s's certificate signed itself and is not in our trust store",
				who);
	if (!c->chain)
		return tls_fail(TCPLAB_TLS_E_UNTRUSTED,
				"untrusted issuer: the %s's chain does not lead to a root in our trust store",
				who);
	if (!c->name)
		return tls_fail(TCPLAB_TLS_E_NAME,
				"name mismatch: the server's certificate is not for \"%s\"",
				name);
	if (!c->use)
		return tls_fail(TCPLAB_TLS_E_KEY_USAGE,
				"key usage: the %s's certificate is not meant for TLS %s authentication",
				who, who);
	/* A bit none of the above knows: refuse all the same. */
	return tls_fail(TCPLAB_TLS_E_UNTRUSTED,
			"the %s's certificate is invalid (GnuTLS status 0x%x)",
			who, st);
	/* LAB cert: end */
}

int tls_verify_peer(gnutls_session_t session)
{
	struct tcplab_tls *t = gnutls_session_get_ptr(session);
	const struct tcplab_tls_config *cfg = t->cfg;
	const char *who = t->is_server ? "client" : "server";
	const char *name = t->is_server ? NULL : cfg->server_name;
	const gnutls_datum_t *certs;
	unsigned int n = 0, i, st = 0;
	struct checks c;
	int r;

	certs = gnutls_certificate_get_peers(session, &n);
	if (!certs || !n) {
		if (t->is_server && !cfg->require_client_cert)
			return 0;
		t->verify_result = tls_fail(TCPLAB_TLS_E_NO_CERT,
					    "no certificate: the %s sent none",
					    who);
		return -1;
	}
	tls_log(t, "The %s sent a chain of %u certificate(s):", who, n);
	for (i = 0; i < n; i++)
		narrate_cert(t, i, &certs[i]);

	r = verify_chain(session, t->is_server, name, &st);
	if (r < 0) {
		t->verify_result = tls_fail(TCPLAB_TLS_E_HANDSHAKE,
					    "cannot check the %s's certificate: %s",
					    who, gnutls_strerror(r));
		return -1;
	}
	r = verdict(st, self_signed(&certs[0]), who, name, &c);

	tls_log(t, "Check 1, chain: every certificate is signed by the next, up to a root we trust: %s",
		mark(c.chain));
	tls_log(t, "Check 2, dates: the current time is inside each certificate's validity period: %s",
		mark(c.time));
	if (name)
		tls_log(t, "Check 3, name: \"%s\" is among the names the certificate lists: %s",
			name, mark(c.name));
	else if (!t->is_server)
		tls_log(t, "Check 3, name: skipped (no server name given)");
	tls_log(t, "Check 4, use: the certificate is meant for TLS %s authentication: %s",
		who, mark(c.use));
	if (cfg->crl_file)
		tls_log(t, "Check 5, revocation: the certificate is not on the revocation list: %s",
			mark(c.crl));
	else
		tls_log(t, "Check 5, revocation: skipped (no CRL given)");

	if (!r)
		return 0;
	t->verify_result = r;
	return -1;
}
