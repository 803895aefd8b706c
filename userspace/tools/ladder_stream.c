// SPDX-License-Identifier: GPL-2.0
/*
 * ladder_stream.c - each end's byte stream of a captured connection,
 * put back in order for ladder_tls.c, which names the TLS records in it.
 *
 * The TCP payload of each end is handed on by sequence number: a
 * segment that comes after a gap is held back while the gap may still
 * be filled, up to PEND_MAX segments or PEND_BYTES, then the gap is
 * skipped; bytes seen before are handed on only once.  The TLS reader
 * is told of each gap, and of bytes the snap length cut off; an end it
 * found not to be TLS is followed no further.
 */
#include <stdlib.h>
#include <string.h>

#include "ladder_stream.h"

#define PEND_BYTES		(1 << 20)

void streams_init(struct streams *ss,
		  void (*name)(void *, int, const char *, unsigned int, bool),
		  void *ctx)
{
	memset(ss, 0, sizeof(*ss));
	tlsd_init(&ss->tls, name, ctx);
}

void stream_syn(struct streams *ss, int side, uint32_t seq)
{
	struct stream *s = &ss->s[side];

	s->syn = true;
	s->start = seq + 1;
	if (!s->have_next) {
		s->have_next = true;
		s->next = seq + 1;
	}
}

/* Hand on what @seq.. adds beyond the bytes handed on already. */
static void deliver(struct streams *ss, int side, uint32_t seq,
		    const unsigned char *p, uint32_t caplen, uint32_t len,
		    int ev)
{
	struct stream *s = &ss->s[side];
	uint32_t off = s->next - seq;
	enum tlsd_where where = TLSD_SEG_START;

	if ((int32_t)(seq + len - s->next) <= 0)
		return;			/* all of it was handed on before */
	if (off)
		where = TLSD_MIDDLE;
	else if (s->syn && seq == s->start)
		where = TLSD_STREAM_START;
	if (off < caplen)
		tlsd_data(&ss->tls, side, p + off, caplen - off, ev, where);
	if (caplen < len)
		tlsd_gap(&ss->tls, side);	/* cut by the snap length */
	s->next = seq + len;
}

static void drop_pend(struct stream *s, int i)
{
	s->pend_bytes -= s->pend[i].caplen;
	free(s->pend[i].data);
	s->pend[i] = s->pend[--s->npend];
}

/* Hand on what was held back and now follows in order. */
static void drain(struct streams *ss, int side)
{
	struct stream *s = &ss->s[side];
	bool more = true;
	int i;

	while (more) {
		more = false;
		for (i = 0; i < s->npend; i++) {
			struct pend *p = &s->pend[i];

			if ((int32_t)(p->seq - s->next) > 0)
				continue;
			deliver(ss, side, p->seq, p->data, p->caplen, p->len,
				p->ev);
			drop_pend(s, i);
			more = true;
			break;
		}
	}
}

/* Skip the gap before the lowest held-back segment. */
static void skip_gap(struct streams *ss, int side)
{
	struct stream *s = &ss->s[side];
	int i, lo = 0;

	for (i = 1; i < s->npend; i++)
		if ((int32_t)(s->pend[i].seq - s->pend[lo].seq) < 0)
			lo = i;
	tlsd_gap(&ss->tls, side);
	s->next = s->pend[lo].seq;
	drain(ss, side);
}

void stream_seg(struct streams *ss, int side, uint32_t seq,
		const unsigned char *p, uint32_t caplen, uint32_t len, int ev)
{
	struct stream *s = &ss->s[side];
	struct pend *q;

	if (!len || tlsd_off(&ss->tls, side))
		return;
	if (!s->have_next) {
		s->have_next = true;
		s->next = seq;
	}
	if ((int32_t)(seq - s->next) > 0) {
		/* A gap before it: hold it back while there is room. */
		if (s->npend == PEND_MAX || s->pend_bytes + caplen > PEND_BYTES) {
			if (s->npend)
				skip_gap(ss, side);
			if ((int32_t)(seq - s->next) > 0) {
				tlsd_gap(&ss->tls, side);
				s->next = seq;
			}
		} else {
			q = &s->pend[s->npend];
			q->data = malloc(caplen ? caplen : 1);
			if (!q->data) {
				tlsd_gap(&ss->tls, side);
				s->next = seq;
			} else {
				memcpy(q->data, p, caplen);
				q->seq = seq;
				q->len = len;
				q->caplen = caplen;
				q->ev = ev;
				s->npend++;
				s->pend_bytes += caplen;
				return;
			}
		}
	}
	deliver(ss, side, seq, p, caplen, len, ev);
	drain(ss, side);
}

void streams_end(struct streams *ss)
{
	int side;

	for (side = 0; side < 2; side++)
		while (ss->s[side].npend)
			skip_gap(ss, side);
	tlsd_end(&ss->tls);
}
