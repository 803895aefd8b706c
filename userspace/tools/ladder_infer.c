// SPDX-License-Identifier: GPL-2.0
/*
 * ladder_infer.c - the RFC 9293 states of a captured connection,
 * inferred from its segments: a capture holds no state changes.
 *
 * They follow RFC 9293 §3.3.2 and §3.10.7 and are added as TL_EV_STATE
 * events: what an end sends changes its state before the segment (SYN:
 * SYN-SENT, FIN: FIN-WAIT-1 or LAST-ACK), what it receives after it
 * (SYN: SYN-RECEIVED, the ACK of its SYN: ESTABLISHED, a FIN:
 * CLOSE-WAIT, CLOSING or TIME-WAIT, the ACK of its FIN: FIN-WAIT-2,
 * TIME-WAIT or CLOSED).  When an end's next segment does not acknowledge
 * a SYN or FIN that the capture saw first, the two crossed on the wire
 * (a simultaneous open or close): that end received it only after
 * sending its own segment.  An end that answers a SYN with a SYN,ACK was
 * in LISTEN.  TIME-WAIT's end is never seen.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ladder_infer.h"

enum st {
	ST_NONE, ST_LISTEN, ST_SYN_SENT, ST_SYN_RECEIVED, ST_ESTABLISHED,
	ST_FIN_WAIT_1, ST_FIN_WAIT_2, ST_CLOSE_WAIT, ST_CLOSING, ST_LAST_ACK,
	ST_TIME_WAIT, ST_CLOSED,
};

static const char *const st_names[] = {
	"-", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED",
	"FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK",
	"TIME-WAIT", "CLOSED",
};

#define DEFER_MAX	4

struct end {
	enum st st;
	bool passive;
	bool syn_sent, fin_sent;
	uint32_t iss, fin_seq;
	int defer[DEFER_MAX];		/* segments it receives later */
	int ndefer;
};

struct out {
	struct tl_ev *ev;
	int n, cap;
};

static int put(struct out *o, const struct tl_ev *e)
{
	if (o->n == o->cap) {
		int cap = o->cap ? o->cap * 2 : 1024;
		struct tl_ev *p = realloc(o->ev, (size_t)cap * sizeof(*p));

		if (!p)
			return -1;
		o->ev = p;
		o->cap = cap;
	}
	o->ev[o->n++] = *e;
	return 0;
}

/*
 * End @e, the sender of segment @seg or (@sender false) its receiver,
 * enters state @to: an event with that end's addresses.
 */
static int set_state(struct out *o, const struct tl_ev *seg, bool sender,
		     struct end *e, enum st to, double ts)
{
	struct tl_ev s;

	if (e->st == to)
		return 0;
	memset(&s, 0, sizeof(s));
	s.kind = TL_EV_STATE;
	s.ts = ts;
	snprintf(s.sk, sizeof(s.sk), "capture");
	snprintf(s.local, sizeof(s.local), "%s",
		 sender ? seg->local : seg->remote);
	snprintf(s.remote, sizeof(s.remote), "%s",
		 sender ? seg->remote : seg->local);
	snprintf(s.from, sizeof(s.from), "%s", st_names[e->st]);
	snprintf(s.to, sizeof(s.to), "%s", st_names[to]);
	e->st = to;
	return put(o, &s);
}

static bool has(const struct tl_ev *e, char f)
{
	return strchr(e->flags, f) != NULL;
}

/* The sequence number after @e: payload, SYN and FIN each count. */
static uint32_t seg_end(const struct tl_ev *e)
{
	return e->seq + e->len + has(e, 'S') + has(e, 'F');
}

/* Does @e (with ACK) acknowledge everything up to @end? */
static bool acks(const struct tl_ev *e, uint32_t end)
{
	return has(e, '.') && (int32_t)(e->ack - end) >= 0;
}

/* What sending @e does to its sender's state (before it goes). */
static int on_send(struct out *o, struct end *me, const struct tl_ev *e)
{
	enum st to = me->st;

	if (has(e, 'R')) {
		if (me->st != ST_NONE)
			to = ST_CLOSED;
		return set_state(o, e, true, me, to, e->ts);
	}
	if (has(e, 'S')) {
		me->syn_sent = true;
		me->iss = e->seq;
		if (!has(e, '.') && (me->st == ST_NONE || me->st == ST_CLOSED))
			to = ST_SYN_SENT;
		/* A SYN,ACK answers a SYN it received. */
		if (has(e, '.') && (me->st == ST_NONE || me->st == ST_SYN_SENT))
			to = ST_SYN_RECEIVED;
	} else if (me->st == ST_NONE && has(e, '.')) {
		/* Seen only once synchronized: taken as ESTABLISHED, unsaid. */
		me->st = ST_ESTABLISHED;
		to = me->st;
	}
	if (has(e, 'F')) {
		me->fin_seq = e->seq + e->len + has(e, 'S');
		me->fin_sent = true;
		if (to == ST_ESTABLISHED || to == ST_SYN_RECEIVED)
			to = ST_FIN_WAIT_1;
		else if (to == ST_CLOSE_WAIT)
			to = ST_LAST_ACK;
	}
	return set_state(o, e, true, me, to, e->ts);
}

/* What receiving @e does to the receiver's state (after it came). */
static int on_receive(struct out *o, struct end *me, const struct tl_ev *e,
		      double ts)
{
	bool syn_acked = me->syn_sent && acks(e, me->iss + 1);
	bool fin_acked = me->fin_sent && acks(e, me->fin_seq + 1);
	int err;

	if (me->st == ST_NONE || me->st == ST_CLOSED)
		return 0;
	if (has(e, 'R')) {
		if (me->st == ST_LISTEN)
			return 0;
		return set_state(o, e, false, me, me->st == ST_SYN_RECEIVED &&
				 me->passive ? ST_LISTEN : ST_CLOSED, ts);
	}
	if (has(e, 'S') && !has(e, '.')) {
		if (me->st == ST_LISTEN || me->st == ST_SYN_SENT)
			return set_state(o, e, false, me, ST_SYN_RECEIVED, ts);
		return 0;
	}
	/* RFC 9293 §3.10.7.4: the ACK first, then the FIN. */
	if ((me->st == ST_SYN_SENT && has(e, 'S') && syn_acked) ||
	    (me->st == ST_SYN_RECEIVED && syn_acked))
		err = set_state(o, e, false, me, ST_ESTABLISHED, ts);
	else if (me->st == ST_FIN_WAIT_1 && fin_acked)
		err = set_state(o, e, false, me, ST_FIN_WAIT_2, ts);
	else if (me->st == ST_CLOSING && fin_acked)
		err = set_state(o, e, false, me, ST_TIME_WAIT, ts);
	else if (me->st == ST_LAST_ACK && fin_acked)
		err = set_state(o, e, false, me, ST_CLOSED, ts);
	else
		err = 0;
	if (err || !has(e, 'F'))
		return err;
	switch (me->st) {
	case ST_SYN_RECEIVED:
	case ST_ESTABLISHED:
		return set_state(o, e, false, me, ST_CLOSE_WAIT, ts);
	case ST_FIN_WAIT_1:
		return set_state(o, e, false, me, ST_CLOSING, ts);
	case ST_FIN_WAIT_2:
		return set_state(o, e, false, me, ST_TIME_WAIT, ts);
	default:
		return 0;
	}
}

int ladder_infer_states(const struct tl_ev *ev, const int *ev_conn,
			const unsigned char *ev_side, int n, int nconns,
			struct tl_ev **out)
{
	int *next_other, (*last)[2], i, k, err = -1;
	struct out o = { 0 };
	struct end (*ends)[2];

	next_other = malloc((size_t)(n ? n : 1) * sizeof(*next_other));
	last = malloc((size_t)(nconns ? nconns : 1) * sizeof(*last));
	ends = calloc((size_t)(nconns ? nconns : 1), sizeof(*ends));
	if (!next_other || !last || !ends)
		goto out;
	/* For each segment: the next one its receiver sends. */
	for (k = 0; k < nconns; k++)
		last[k][0] = last[k][1] = -1;
	for (i = n - 1; i >= 0; i--) {
		k = ev_conn[i];
		next_other[i] = last[k][!ev_side[i]];
		last[k][ev_side[i]] = i;
	}
	for (i = 0; i < n; i++) {
		const struct tl_ev *e = &ev[i];
		int side = ev_side[i], j = next_other[i], d;
		struct end *me = &ends[ev_conn[i]][side];
		struct end *peer = &ends[ev_conn[i]][!side];
		bool defer = false;

		/* A SYN answered by a SYN,ACK: its receiver listened. */
		if (has(e, 'S') && !has(e, '.') && peer->st == ST_NONE &&
		    j >= 0 && has(&ev[j], 'S') && acks(&ev[j], seg_end(e))) {
			peer->passive = true;
			if (set_state(&o, e, false, peer, ST_LISTEN, e->ts))
				goto out;
		}
		if (on_send(&o, me, e) || put(&o, e))
			goto out;
		/* What this end received before, but after sending @e. */
		for (d = 0; d < me->ndefer; d++)
			if (on_receive(&o, me, &ev[me->defer[d]], e->ts))
				goto out;
		me->ndefer = 0;
		/*
		 * A SYN or FIN that the receiver's next segment does not
		 * acknowledge crossed that segment on the wire.
		 */
		if ((has(e, 'S') || has(e, 'F')) && !has(e, 'R') && j >= 0 &&
		    !has(&ev[j], 'R') && !acks(&ev[j], seg_end(e)) &&
		    peer->ndefer < DEFER_MAX)
			defer = true;
		if (defer)
			peer->defer[peer->ndefer++] = i;
		else if (on_receive(&o, peer, e, e->ts))
			goto out;
	}
	err = 0;
out:
	free(next_other);
	free(last);
	free(ends);
	if (err) {
		free(o.ev);
		return -1;
	}
	*out = o.ev;
	return o.n;
}
