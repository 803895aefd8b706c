/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libtcplab-tls: the userspace half of kernel TLS.
 *
 * The helper runs the TLS handshake (GnuTLS) on an already connected
 * stream socket: AF_TCPLAB or AF_INET, it does not matter.  It checks the
 * peer's certificate, and only when every check passed does it hand the
 * negotiated keys, IVs and record sequence numbers to the kernel:
 *
 *	setsockopt(fd, SOL_TCP, TCP_ULP, "tls")
 *	setsockopt(fd, SOL_TLS, TLS_TX, &crypto_info)
 *	setsockopt(fd, SOL_TLS, TLS_RX, &crypto_info)
 *
 * From then on the application reads and writes plaintext on the same fd
 * and the kernel builds and opens the TLS records.  A refused connection
 * never gets a key: the socket is left exactly as it was (no ULP).
 *
 * Typical client:
 *
 *	struct tcplab_tls_config cfg;
 *	struct tcplab_tls *t;
 *	int rc;
 *
 *	tcplab_tls_config_init(&cfg);
 *	cfg.server_name = "example.org";
 *	rc = tcplab_tls_client(fd, &cfg, &t);
 *	if (rc)
 *		fprintf(stderr, "%s\n", tcplab_tls_strerror(rc));
 *	...
 *	send(fd, ...);  tcplab_tls_recv(t, ...);
 *	tcplab_tls_close(t);   (close_notify; the fd stays open)
 */
#ifndef _TCPLAB_TLS_H
#define _TCPLAB_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* TCPLAB_VERSION "MAJOR.MINOR.PATCH" and its parts, as numbers. */
#include "tcplab_version.h"

/* Results; each refusal reason has its own value (the CLI's exit code). */
enum tcplab_tls_result {
	TCPLAB_TLS_OK		= 0,
	TCPLAB_TLS_E_SYSTEM	= 1,	/* I/O error, out of memory, ... */
	TCPLAB_TLS_E_USAGE	= 2,	/* bad option or file */
	TCPLAB_TLS_E_AGAIN	= 3,	/* MSG_DONTWAIT and no room: retry */
	TCPLAB_TLS_E_HANDSHAKE	= 10,	/* protocol failure (no common cipher...) */
	TCPLAB_TLS_E_UNTRUSTED	= 11,	/* chain does not reach a trusted root */
	TCPLAB_TLS_E_EXPIRED	= 12,	/* a certificate's notAfter has passed */
	TCPLAB_TLS_E_NOT_YET_VALID = 13, /* a certificate's notBefore is ahead */
	TCPLAB_TLS_E_NAME	= 14,	/* server name not in subjectAltName */
	TCPLAB_TLS_E_SELF_SIGNED = 15,	/* a lone self-signed certificate */
	TCPLAB_TLS_E_REVOKED	= 16,	/* listed in the CRL */
	TCPLAB_TLS_E_KEY_USAGE	= 17,	/* certificate not meant for this use */
	TCPLAB_TLS_E_PEER_ALERT	= 18,	/* the peer refused us with an alert */
	TCPLAB_TLS_E_NO_CERT	= 19,	/* mutual TLS: client sent no certificate */
	TCPLAB_TLS_E_KERNEL	= 20,	/* the kernel refused the keys */
	TCPLAB_TLS_E_NO_REKEY	= 21,	/* the kernel cannot change keys */
};

enum tcplab_tls_version {
	TCPLAB_TLS_V13 = 0,	/* default */
	TCPLAB_TLS_V12,
	TCPLAB_TLS_VANY,	/* 1.3 or 1.2, the peer decides */
};

/*
 * The handshake's settings.  The struct grows at its end in later
 * versions, so a program says which version it was built with through
 * @size: tcplab_tls_config_init() sets it (or a designated initializer
 * sets .size = sizeof(struct tcplab_tls_config)).  The library reads only
 * the bytes that @size covers and gives every field beyond them its
 * default; a nonzero field that this library does not know yet is
 * refused (TCPLAB_TLS_E_USAGE) rather than ignored.  Every field's
 * default is zero (or NULL), now and in later versions.
 */
struct tcplab_tls_config {
	size_t size;
	/* Trust anchors (PEM); NULL: the system trust store. */
	const char *ca_file;
	/* Client: the name (DNS or IP literal) the certificate must carry. */
	const char *server_name;
	/* Our own certificate chain and key (server; client for mutual TLS). */
	const char *cert_file;
	const char *key_file;
	/* Certificate revocation list (PEM), checked when given. */
	const char *crl_file;
	/* Server: require a client certificate signed by ca_file. */
	bool require_client_cert;
	enum tcplab_tls_version version;
	/* IANA suite name (TLS_AES_128_GCM_SHA256, ...); NULL: all we do. */
	const char *cipher;
	/* Handshake narration for learners (-v); NULL: quiet. */
	void (*log)(void *arg, const char *line);
	void *log_arg;
};

/* Every field at its default and @size set: call before filling @cfg in. */
void tcplab_tls_config_init(struct tcplab_tls_config *cfg);

/* The library's TCPLAB_VERSION, which may differ from the header's. */
const char *tcplab_tls_version(void);

/* The state of one TLS connection after a successful handshake. */
struct tcplab_tls;

/*
 * Handshake as client / server on connected socket @fd.  On success
 * *@out holds the connection, the kernel has both keys, and 0 is
 * returned.  On failure: an enum tcplab_tls_result, *@out is NULL, no key
 * was installed, and tcplab_tls_last_reason() tells why in one line.  The
 * fd is never closed here.
 */
int tcplab_tls_client(int fd, const struct tcplab_tls_config *cfg,
		      struct tcplab_tls **out);
int tcplab_tls_server(int fd, const struct tcplab_tls_config *cfg,
		      struct tcplab_tls **out);

/* The one-line reason of the last failure in this thread. */
const char *tcplab_tls_last_reason(void);
/* A short name of a result ("untrusted issuer", ...). */
const char *tcplab_tls_strerror(int result);

/*
 * Receive application data.  Control records are handled here:
 * NewSessionTicket is dropped, KeyUpdate installs the next receive key
 * (and answers a requested update: at once if the send buffer has room,
 * never waiting for it, else before the next tcplab_tls_send() or
 * tcplab_tls_close()), close_notify reads as end of file.
 * Returns bytes, 0 at the end, or -1 with errno set.
 */
ssize_t tcplab_tls_recv(struct tcplab_tls *t, void *buf, size_t len,
			int flags);
/*
 * Send application data, as send() does, but first the KeyUpdate the
 * peer asked for if tcplab_tls_recv() could not send it at once (its
 * send buffer was full): RFC 8446 4.6.3 wants it before our next data.
 * With MSG_DONTWAIT, -1/EAGAIN can then mean that this KeyUpdate is
 * still waiting for room.
 */
ssize_t tcplab_tls_send(struct tcplab_tls *t, const void *buf, size_t len,
			int flags);

/*
 * TLS 1.3 KeyUpdate (RFC 8446 4.6.3): send the message, then switch the
 * kernel to the next transmit key.  @request asks the peer to update its
 * keys too.  @flags 0 waits for room in the send buffer like a blocking
 * send(); MSG_DONTWAIT returns TCPLAB_TLS_E_AGAIN instead, nothing sent
 * and the keys unchanged: try again when poll() reports POLLOUT.  A
 * program that also reads should use MSG_DONTWAIT, or a peer that is
 * itself blocked sending to us can leave both waiting for ever.
 * 0, or an enum tcplab_tls_result.
 */
int tcplab_tls_rekey(struct tcplab_tls *t, bool request, int flags);

/*
 * Send close_notify (the write side ends), after an owed KeyUpdate; waits
 * for room like a blocking send().  The fd stays open.
 */
int tcplab_tls_close(struct tcplab_tls *t);
void tcplab_tls_free(struct tcplab_tls *t);

/* What was negotiated, for printing. */
struct tcplab_tls_info {
	const char *version;	/* "TLS1.3" */
	const char *cipher;	/* IANA name */
	const char *group;	/* key exchange group, e.g. "X25519" */
	unsigned int rekeys_tx, rekeys_rx;
};
void tcplab_tls_get_info(const struct tcplab_tls *t,
			 struct tcplab_tls_info *info);

/*
 * Does the kernel accept new keys on an already keyed socket (needed by
 * KeyUpdate)?  Probed on a loopback connection of @family.  1 yes, 0 no,
 * -1 cannot tell (no kTLS at all).
 */
int tcplab_tls_kernel_can_rekey(int family);

#endif /* _TCPLAB_TLS_H */
