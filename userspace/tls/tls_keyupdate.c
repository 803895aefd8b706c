// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * tls_keyupdate.c - life after the handshake: control records and
 * TLS 1.3 KeyUpdate through the kernel.
 *
 * With keys in the kernel, records that are not application data (alerts,
 * post-handshake messages) reach userspace as "control records": recvmsg()
 * returns them with a cmsg SOL_TLS/TLS_GET_RECORD_TYPE, and we send our
 * own with a cmsg TLS_SET_RECORD_TYPE.  GnuTLS is out of the loop now, so
 * KeyUpdate is computed here (RFC 8446 4.6.3, 7.2):
 *
 *   application_traffic_secret_N+1 =
 *       HKDF-Expand-Label(application_traffic_secret_N, "traffic upd", "",
 *                         Hash.length)
 *   key = HKDF-Expand-Label(secret, "key", "", key_length)
 *   iv  = HKDF-Expand-Label(secret, "iv", "", 12)
 *
 * and the record sequence number restarts at 0 (RFC 8446 5.3).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/tls.h>
#include <gnutls/crypto.h>

#include "tls_internal.h"

#ifndef SOL_TLS
#define SOL_TLS		282
#endif

int tls_expand_label(bool sha384, const uint8_t *secret,
		     size_t secret_len, const char *label,
		     const uint8_t *context, size_t context_len,
		     uint8_t *out, size_t out_len)
{
	/* struct HkdfLabel (RFC 8446 7.1): length, "tls13 " + label, context */
	uint8_t info[2 + 1 + 255 + 1 + 255];
	size_t ll = strlen(label) + 6, n = 0;
	gnutls_datum_t key = { (unsigned char *)secret, secret_len };
	gnutls_datum_t inf;

	if (ll > 255 || context_len > 255 || out_len > 0xffff)
		return -1;
	info[n++] = out_len >> 8;
	info[n++] = out_len & 0xff;
	info[n++] = ll;
	memcpy(info + n, "tls13 ", 6);
	memcpy(info + n + 6, label, ll - 6);
	n += ll;
	info[n++] = context_len;
	if (context_len)
		memcpy(info + n, context, context_len);
	n += context_len;
	inf.data = info;
	inf.size = n;
	return gnutls_hkdf_expand(sha384 ? GNUTLS_MAC_SHA384 : GNUTLS_MAC_SHA256,
				  &key, &inf, out, out_len) ? -1 : 0;
}

/* GnuTLS tells us each traffic secret as the handshake derives it. */
int tls_secret_func(gnutls_session_t session,
		    gnutls_record_encryption_level_t level,
		    const void *read_secret, const void *write_secret,
		    size_t secret_size)
{
	struct tcplab_tls *t = gnutls_session_get_ptr(session);

	if (level != GNUTLS_ENCRYPTION_LEVEL_APPLICATION ||
	    secret_size > TLS_MAX_SECRET)
		return 0;
	if (read_secret)
		memcpy(t->secret_rx, read_secret, secret_size);
	if (write_secret)
		memcpy(t->secret_tx, write_secret, secret_size);
	t->secret_len = secret_size;
	t->have_secrets = true;
	return 0;
}

/* Advance @secret one generation and derive its key and IV. */
int tls_next_key(struct tcplab_tls *t, uint8_t *secret, uint8_t *key,
		 uint8_t *iv)
{
	uint8_t next[TLS_MAX_SECRET];

	if (tls_expand_label(t->sha384, secret, t->secret_len,
			     "traffic upd", NULL, 0, next, t->secret_len))
		return -1;
	memcpy(secret, next, t->secret_len);
	explicit_bzero(next, sizeof(next));
	if (tls_expand_label(t->sha384, secret, t->secret_len, "key",
			     NULL, 0, key, t->key_len) ||
	    tls_expand_label(t->sha384, secret, t->secret_len, "iv",
			     NULL, 0, iv, TLS_IV_LEN))
		return -1;
	return 0;
}

/*
 * One record of content type @type, sent through the kernel.  @flags
 * MSG_DONTWAIT: fail with EAGAIN rather than wait for room in the send
 * buffer (a record this small goes whole or not at all).
 */
static int send_control(int fd, uint8_t type, const void *data, size_t len,
			int flags)
{
	char cbuf[CMSG_SPACE(sizeof(type))];
	struct iovec iov = { (void *)data, len };
	struct msghdr msg = { 0 };
	struct cmsghdr *c;

	memset(cbuf, 0, sizeof(cbuf));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_TLS;
	c->cmsg_type = TLS_SET_RECORD_TYPE;
	c->cmsg_len = CMSG_LEN(sizeof(type));
	memcpy(CMSG_DATA(c), &type, sizeof(type));
	return sendmsg(fd, &msg, MSG_NOSIGNAL | (flags & MSG_DONTWAIT)) ==
		(ssize_t)len ? 0 : -1;
}

static int step_key(struct tcplab_tls *t, bool rx)
{
	uint8_t key[TLS_MAX_KEY], iv[TLS_IV_LEN], seq[8] = { 0 };
	int r;

	r = tls_next_key(t, rx ? t->secret_rx : t->secret_tx, key, iv);
	if (!r)
		r = tls_kernel_set(t->fd, rx ? TLS_RX : TLS_TX, t->version,
				   t->cipher_type, key, t->key_len, iv,
				   TLS_IV_LEN, seq);
	explicit_bzero(key, sizeof(key));
	explicit_bzero(iv, sizeof(iv));
	if (r)
		return -1;
	if (rx)
		t->rekeys_rx++;
	else
		t->rekeys_tx++;
	return 0;
}

int tcplab_tls_rekey(struct tcplab_tls *t, bool request, int flags)
{
	/* Handshake header (type, 24-bit length) + KeyUpdateRequest. */
	uint8_t msg[5] = { TLS_HS_KEY_UPDATE, 0, 0, 1, request };
	int domain = AF_INET;
	socklen_t dl = sizeof(domain);

	if (t->version != TLS_1_3_VERSION || !t->have_secrets)
		return tls_fail(TCPLAB_TLS_E_USAGE,
				"KeyUpdate exists only in TLS 1.3");
	/* Once the message is out there is no way back: ask first (once). */
	if (!t->can_rekey) {
		getsockopt(t->fd, SOL_SOCKET, SO_DOMAIN, &domain, &dl);
		t->can_rekey = tcplab_tls_kernel_can_rekey(domain) == 1 ? 1 : -1;
	}
	if (t->can_rekey != 1)
		return tls_fail(TCPLAB_TLS_E_NO_REKEY,
				"this kernel's TLS cannot change keys on a live socket (Linux kTLS learnt it in 6.14)");
	if (send_control(t->fd, TLS_CT_HANDSHAKE, msg, sizeof(msg), flags)) {
		if (errno == EAGAIN)
			return tls_fail(TCPLAB_TLS_E_AGAIN,
					"no room in the send buffer for the KeyUpdate now; try again when poll() reports POLLOUT");
		return tls_fail(TCPLAB_TLS_E_SYSTEM, "sending KeyUpdate: %s",
				strerror(errno));
	}
	/* Any KeyUpdate of ours answers one the peer asked for. */
	t->update_owed = false;
	if (step_key(t, false))
		return tls_fail(TCPLAB_TLS_E_NO_REKEY,
				"installing the next transmit key: %s",
				strerror(errno));
	return 0;
}

/*
 * Send the KeyUpdate the peer asked for, if one is still owed.  RFC 8446
 * 4.6.3 wants it before our next application data, not at once: when the
 * send buffer is full it waits for the next send (or close), so that a
 * reader never blocks on a full send buffer while the peer, blocked on
 * its own, waits for us to read.  0, or -1 with errno set.
 */
static int send_owed_update(struct tcplab_tls *t, int flags)
{
	int r;

	if (!t->update_owed)
		return 0;
	r = tcplab_tls_rekey(t, false, flags);
	if (r == TCPLAB_TLS_E_AGAIN) {
		errno = EAGAIN;
		return -1;
	}
	if (r) {
		errno = EKEYREJECTED;
		return -1;
	}
	return 0;
}

/* Post-handshake messages in one control record of type handshake. */
static int handle_handshake(struct tcplab_tls *t, const uint8_t *p, size_t n)
{
	while (n) {
		size_t len;

		if (n < 4)
			goto bad;
		len = (size_t)p[1] << 16 | p[2] << 8 | p[3];
		if (len > n - 4)
			goto bad;	/* split across records: not supported */
		switch (p[0]) {
		case TLS_HS_NEW_SESSION_TICKET:
			break;	/* we never resume: drop it */
		case TLS_HS_KEY_UPDATE:
			if (len != 1 || p[4] > 1 || t->version != TLS_1_3_VERSION)
				goto bad;
			/* RFC 8446 4.6.3: switch our receive key now. */
			if (step_key(t, true))
				return -1;
			/* The peer asked us to update ours too. */
			if (p[4] == 1) {
				t->update_owed = true;
				if (send_owed_update(t, MSG_DONTWAIT) &&
				    errno != EAGAIN)
					return -1;
			}
			break;
		default:
			goto bad;
		}
		p += 4 + len;
		n -= 4 + len;
	}
	return 0;
bad:
	errno = EPROTO;
	return -1;
}

ssize_t tcplab_tls_recv(struct tcplab_tls *t, void *buf, size_t len,
			int flags)
{
	for (;;) {
		char cbuf[CMSG_SPACE(sizeof(uint8_t))];
		struct iovec iov = { t->rbuf, sizeof(t->rbuf) };
		struct msghdr msg = { 0 };
		struct cmsghdr *c;
		uint8_t type = TLS_CT_DATA;
		ssize_t n;

		if (t->pend_off < t->pend_len) {
			n = t->pend_len - t->pend_off;
			if ((size_t)n > len)
				n = len;
			memcpy(buf, t->pend + t->pend_off, n);
			t->pend_off += n;
			return n;
		}
		if (len >= sizeof(t->rbuf))
			iov.iov_base = buf;	/* straight into the caller's */
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		n = recvmsg(t->fd, &msg, flags);
		if (n < 0)
			return -1;
		for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
			if (c->cmsg_level == SOL_TLS &&
			    c->cmsg_type == TLS_GET_RECORD_TYPE)
				type = *CMSG_DATA(c);
		if (type == TLS_CT_DATA) {
			if (iov.iov_base == buf || n == 0)
				return n;
			free(t->pend);
			t->pend = malloc(n);
			if (!t->pend)
				return -1;
			memcpy(t->pend, t->rbuf, n);
			t->pend_off = 0;
			t->pend_len = n;
			continue;
		}
		if (type == TLS_CT_ALERT) {
			const uint8_t *a = iov.iov_base;

			if (n >= 2 && a[1] == GNUTLS_A_CLOSE_NOTIFY)
				return 0;	/* the peer's end of data */
			tls_fail(TCPLAB_TLS_E_PEER_ALERT,
				 "the peer sent the alert \"%s\"",
				 n >= 2 ? gnutls_alert_get_name(a[1]) : "?");
			errno = ECONNRESET;
			return -1;
		}
		if (type == TLS_CT_HANDSHAKE) {
			if (handle_handshake(t, iov.iov_base, n))
				return -1;
			continue;
		}
		errno = EPROTO;
		return -1;
	}
}

ssize_t tcplab_tls_send(struct tcplab_tls *t, const void *buf, size_t len,
			int flags)
{
	if (send_owed_update(t, flags))
		return -1;
	return send(t->fd, buf, len, flags);
}

int tcplab_tls_close(struct tcplab_tls *t)
{
	uint8_t alert[2] = { GNUTLS_AL_WARNING, GNUTLS_A_CLOSE_NOTIFY };

	if (send_owed_update(t, 0))
		return -1;
	return send_control(t->fd, TLS_CT_ALERT, alert, sizeof(alert), 0);
}
