// SPDX-License-Identifier: GPL-2.0
/*
 * ladder_tls.c - names the TLS records of a captured connection from
 * the bytes themselves, as far as they are plaintext.
 *
 * A record header (RFC 8446 §5.1: type, legacy version, length) is never
 * encrypted, nor is the body of the records sent before the keys change:
 * the Hellos, ChangeCipherSpec and early alerts.  A plaintext handshake
 * record holds one or more messages, each starting with its type
 * (RFC 8446 §4); a message may also go on into the next record.  A
 * plaintext alert holds a level and a description (§6).
 *
 * What follows the keys is named as honestly as the wire allows.  In
 * TLS 1.2 (RFC 5246) records keep their real type: after an end's
 * ChangeCipherSpec its first handshake record is its Finished (§7.4.9),
 * encrypted, and a later alert is an encrypted alert.  In TLS 1.3 every
 * encrypted record has the outer type appdata (§5.2); the server's
 * records after its ServerHello that come before anything encrypted
 * from the client are its handshake flight (EncryptedExtensions ..
 * Finished), and the client's first encrypted records after the
 * ServerHello, those starting in the same segment, are its flight
 * (Certificate .. Finished).  Everything else is "appdata", which in
 * TLS 1.3 also hides NewSessionTicket, KeyUpdate and alerts.
 *
 * Hostile input: a header whose type, version or length no TLS record
 * has ends the record reading of that stream until a segment starts
 * with a header that looks right (at most RESYNC_TRIES segments); the
 * body kept for naming is bounded by TLSD_MAX_RECORD.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ladder_tls.h"
#include "tltrace.h"

#define RESYNC_TRIES	1000

void tlsd_init(struct tlsd *t,
	       void (*name)(void *, int, const char *, unsigned int, bool),
	       void *ctx)
{
	memset(t, 0, sizeof(*t));
	t->client = -1;
	t->server = -1;
	t->d[0].flight_ev = -1;
	t->d[1].flight_ev = -1;
	t->name = name;
	t->ctx = ctx;
}

bool tlsd_off(const struct tlsd *t, int dir)
{
	return t->d[dir].mode == TLSD_OFF;
}

/* A record header as RFC 8446 §5.1 and RFC 5246 §6.2 allow it. */
static bool plausible(const unsigned char *h)
{
	unsigned int len = (unsigned int)h[3] << 8 | h[4];

	return h[0] >= 20 && h[0] <= 24 && h[1] == 3 && h[2] <= 4 &&
	       len <= TLSD_MAX_RECORD;
}

static void emit(struct tlsd *t, int ev, const char *name, unsigned int len,
		 bool show_len)
{
	t->name(t->ctx, ev, name, len, show_len);
}

/* RFC 8446 §4.1.3: a ServerHello's version is in supported_versions. */
static void server_hello(struct tlsd *t, int dir, const unsigned char *m,
			 size_t n, char *name, size_t nn)
{
	unsigned int version = 0;
	size_t p, end;
	bool hrr;

	if (n < 2 + 32 + 1)
		goto named;
	version = (unsigned int)m[0] << 8 | m[1];
	hrr = tl_tls_is_hrr(m + 2);
	p = 34 + 1 + (size_t)m[34];		/* session id */
	p += 3;					/* cipher suite, compression */
	if (p + 2 <= n) {
		end = p + 2 + ((size_t)m[p] << 8 | m[p + 1]);
		if (end > n)
			end = n;
		for (p += 2; p + 4 <= end;) {
			unsigned int type = (unsigned int)m[p] << 8 | m[p + 1];
			size_t len = (size_t)m[p + 2] << 8 | m[p + 3];

			p += 4;
			if (p + len > end)
				break;
			if (type == 43 && len == 2)
				version = (unsigned int)m[p] << 8 | m[p + 1];
			p += len;
		}
	}
	if (version == 0x0304)
		t->tls13 = true;
	if (hrr) {
		snprintf(name, nn, "HelloRetryRequest");
		return;
	}
	t->server = dir;
	t->server_hello = true;
named:
	if (version >= 0x0301 && version <= 0x0304)
		snprintf(name, nn, "ServerHello (%s)",
			 tl_tls_version_name(version));
	else
		snprintf(name, nn, "ServerHello");
}

static void add_name(char *out, size_t n, const char *name)
{
	size_t l = strlen(out);

	snprintf(out + l, n - l, "%s%s", l ? "+" : "", name);
}

/*
 * The messages of a plaintext handshake record of which @have bytes
 * were read, as "ServerHello+Certificate+ServerHelloDone".
 */
static void handshake_names(struct tlsd *t, int dir, unsigned int have,
			    char *out, size_t n)
{
	struct tlsd_dir *d = &t->d[dir];
	const unsigned char *b = d->body;
	unsigned int pos = 0, take;
	char one[64];

	out[0] = 0;
	if (d->hs_left) {
		const char *hn = tl_tls_handshake_name(d->hs_type);

		take = d->hs_left < have ? d->hs_left : have;
		d->hs_left -= take;
		pos = take;
		if (hn)
			snprintf(one, sizeof(one), "%s continued", hn);
		else
			snprintf(one, sizeof(one), "handshake continued");
		add_name(out, n, one);
	}
	while (pos < have) {
		unsigned int type, mlen;
		const char *hn;

		take = 4 - d->hs_hdr_have;
		if (take > have - pos)
			take = have - pos;
		memcpy(d->hs_hdr + d->hs_hdr_have, b + pos, take);
		d->hs_hdr_have += take;
		pos += take;
		if (d->hs_hdr_have < 4)
			break;
		d->hs_hdr_have = 0;
		type = d->hs_hdr[0];
		mlen = (unsigned int)d->hs_hdr[1] << 16 |
		       (unsigned int)d->hs_hdr[2] << 8 | d->hs_hdr[3];
		hn = tl_tls_handshake_name(type);
		if (type == 2 && mlen <= have - pos) {
			server_hello(t, dir, b + pos, mlen, one, sizeof(one));
		} else {
			if (type == 1)
				t->client = dir;
			if (hn)
				snprintf(one, sizeof(one), "%s", hn);
			else
				snprintf(one, sizeof(one), "handshake type %u",
					 type);
		}
		add_name(out, n, one);
		if (mlen > have - pos) {
			d->hs_left = mlen - (have - pos);
			d->hs_type = type;
			pos = have;
		} else {
			pos += mlen;
		}
	}
	if (!out[0])
		snprintf(out, n, "handshake");
}

/* TLS 1.3: is this appdata record part of an end's handshake flight? */
static bool flight13(struct tlsd *t, int dir, int ev)
{
	struct tlsd_dir *d = &t->d[dir];

	if (!t->tls13 || !t->server_hello)
		return false;
	if (dir == t->server)
		return !t->d[!dir].nenc;
	if (d->flight_ev < 0)
		d->flight_ev = ev;
	return d->flight_ev == ev;
}

/* Name the record just read (@have bytes of its body are there). */
static void record_done(struct tlsd *t, int dir, unsigned int have)
{
	struct tlsd_dir *d = &t->d[dir];
	unsigned int type = d->hdr[0], len = d->body_len;
	bool after_ccs = d->after_ccs;
	char name[160];

	d->after_ccs = false;
	switch (type) {
	case 20:
		emit(t, d->rec_ev, "ChangeCipherSpec", len, true);
		/* In TLS 1.3 it is a dummy for middleboxes (RFC 8446 D.4). */
		if (!t->tls13) {
			d->enc = true;
			d->after_ccs = true;
		}
		break;
	case 21:
		if (!d->enc && len == 2 && have == 2) {
			const char *lv = tl_tls_alert_level_name(d->body[0]);
			const char *ds = tl_tls_alert_name(d->body[1]);
			char l[16], s[16];

			snprintf(l, sizeof(l), "%u", d->body[0]);
			snprintf(s, sizeof(s), "%u", d->body[1]);
			snprintf(name, sizeof(name), "alert %s %s",
				 lv ? lv : l, ds ? ds : s);
			emit(t, d->rec_ev, name, len, false);
		} else {
			emit(t, d->rec_ev, d->enc ? "encrypted alert" :
			     "alert", len, true);
		}
		break;
	case 22:
		if (d->enc) {
			emit(t, d->rec_ev, after_ccs ? "encrypted Finished" :
			     "encrypted handshake", len, true);
			break;
		}
		handshake_names(t, dir, have, name, sizeof(name));
		emit(t, d->rec_ev, name, len, true);
		break;
	case 23:
		emit(t, d->rec_ev, flight13(t, dir, d->rec_ev) ?
		     "encrypted handshake" : "appdata", len, true);
		if (t->server_hello)
			d->nenc++;
		break;
	default:
		emit(t, d->rec_ev, tl_tls_type_name(type), len, true);
		break;
	}
}

/* The bodies worth keeping: the ones that may be plaintext. */
static bool keeps_body(const struct tlsd_dir *d)
{
	return d->hdr[0] != 23;
}

void tlsd_data(struct tlsd *t, int dir, const unsigned char *p, size_t n,
	       int ev, enum tlsd_where where)
{
	struct tlsd_dir *d = &t->d[dir];
	bool cont_marked = false;
	size_t take;

	if (d->mode == TLSD_OFF || !n)
		return;
	if (d->mode == TLSD_UNSEEN)
		d->mode = where == TLSD_STREAM_START ? TLSD_ON : TLSD_RESYNC;
	if (d->mode == TLSD_RESYNC) {
		if (where == TLSD_MIDDLE || n < 5)
			return;
		if (!plausible(p)) {
			if (++d->resync_tries >= RESYNC_TRIES)
				d->mode = TLSD_OFF;
			return;
		}
		d->mode = TLSD_ON;
		d->hdr_have = 0;
	}
	while (n) {
		if (d->hdr_have < 5) {
			if (!d->hdr_have)
				d->rec_ev = ev;
			take = 5 - d->hdr_have;
			if (take > n)
				take = n;
			memcpy(d->hdr + d->hdr_have, p, take);
			d->hdr_have += take;
			p += take;
			n -= take;
			if (d->hdr_have < 5)
				break;
			if (!plausible(d->hdr)) {
				d->hdr_have = 0;
				/* A stream that does not start as TLS is not. */
				if (!d->nrec)
					d->mode = TLSD_OFF;
				else
					tlsd_gap(t, dir);
				return;
			}
			d->body_len = (unsigned int)d->hdr[3] << 8 | d->hdr[4];
			d->body_have = 0;
			if (keeps_body(d) && !d->body) {
				d->body = malloc(TLSD_MAX_RECORD);
				if (!d->body) {
					d->mode = TLSD_OFF;
					return;
				}
			}
		} else {
			take = d->body_len - d->body_have;
			if (take > n)
				take = n;
			if (keeps_body(d))
				memcpy(d->body + d->body_have, p, take);
			if (ev != d->rec_ev && !cont_marked) {
				t->name(t->ctx, ev, NULL, 0, false);
				cont_marked = true;
			}
			d->body_have += take;
			p += take;
			n -= take;
		}
		if (d->hdr_have == 5 && d->body_have == d->body_len) {
			d->nrec++;
			record_done(t, dir, d->body_have);
			d->hdr_have = 0;
		}
	}
}

void tlsd_gap(struct tlsd *t, int dir)
{
	struct tlsd_dir *d = &t->d[dir];

	if (d->mode == TLSD_OFF)
		return;
	/* What was read of the record still names it. */
	if (d->mode == TLSD_ON && d->hdr_have == 5)
		record_done(t, dir, d->body_have);
	d->hdr_have = 0;
	d->hs_left = 0;
	d->hs_hdr_have = 0;
	d->mode = TLSD_RESYNC;
}

void tlsd_end(struct tlsd *t)
{
	int i;

	for (i = 0; i < 2; i++) {
		struct tlsd_dir *d = &t->d[i];

		if (d->mode == TLSD_ON && d->hdr_have == 5)
			record_done(t, i, d->body_have);
		d->hdr_have = 0;
		free(d->body);
		d->body = NULL;
	}
}
