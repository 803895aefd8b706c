// SPDX-License-Identifier: GPL-2.0
/*
 * tl_output.c - deciding what to send.
 *
 * The core never sees payload bytes.  A segment it emits names a range of
 * the send buffer (struct tl_seg_out data_off/data_len); the glue copies
 * those bytes behind the header.
 *
 * Every entry point of the core ends with tl_transmit(), which sends as
 * much new data as the windows allow (RFC 9293 Section 3.8.6), plus a bare
 * ACK if one is owed and no data segment carried it.
 */
#include "tl_types.h"
#include "tl_tcb_priv.h"
#include "tl_paws.h"

static void tl_out_options(struct tl_tcb *tcb, struct tl_seg_out *s,
			   bool syn, u64 now)
{
	struct tl_tcp_opts *o = &s->opts;
	u8 max_sack = TL_SACK_MAX_BLOCKS;

	if (syn) {
		/* RFC 9293 3.7.1: MSS only in SYNs; RFC 7323 2.2 likewise. */
		o->present |= TL_OPTF_MSS;
		o->mss = tcb->cfg.mss;
		if (tcb->opts & TL_TCB_WSCALE) {
			o->present |= TL_OPTF_WSCALE;
			o->wscale = tcb->rcv_wscale;
		}
		if (tcb->opts & TL_TCB_SACK)
			o->present |= TL_OPTF_SACK_PERM;
	}
	if (tcb->opts & TL_TCB_TS) {
		/*
		 * RFC 7323 3.2: once negotiated, every non-RST segment carries
		 * TSval (our clock) and TSecr (TS.Recent, the peer's clock).
		 */
		o->present |= TL_OPTF_TS;
		o->tsval = tl_ts_now(now);
		o->tsecr = tcb->ts_recent;
		max_sack = 3;	/* 12 + 4 + 3 * 8 = 40 bytes */
	}
	if (!syn && (tcb->opts & TL_TCB_SACK) &&
	    (tcb->dsack_pending || !tl_ooo_empty(&tcb->ooo))) {
		u8 n = 0;

		/* RFC 2883 4: a duplicate received goes in the first block. */
		if (tcb->dsack_pending)
			o->sack[n++] = tcb->dsack;
		/* RFC 2018 4: report what we hold beyond RCV.NXT. */
		o->nr_sack = n + tl_ooo_sack_blocks(&tcb->ooo, o->sack + n,
						    max_sack - n);
		o->present |= TL_OPTF_SACK;
	}
}

/*
 * Fill the next output slot with a segment from this connection, or
 * return NULL (and ask for another tl_output() call) if the slots are
 * full.  An ACK always carries the current RCV.NXT and window.
 */
static struct tl_seg_out *tl_emit(struct tl_tcb *tcb, u8 flags, u32 seq,
				  u32 len, u64 now, struct tl_actions *act)
{
	bool syn = flags & TL_TCP_SYN;
	struct tl_seg_out *s;

	if (act->nseg >= TL_ACT_MAX_SEGS) {
		act->more = true;
		return NULL;
	}
	s = &act->seg[act->nseg++];
	memset(s, 0, sizeof(*s));
	s->th.sport = tcb->lport;
	s->th.dport = tcb->rport;
	s->th.seq = seq;
	s->th.flags = flags;
	if (flags & TL_TCP_ACK) {
		s->th.ack = tcb->rcv_nxt;
		tcb->last_ack_sent = tcb->rcv_nxt;
		tcb->ack_pending = false;
		tl_delack_ack_sent(tcb, act);
	}
	s->th.wnd = tl_rcv_wnd_field(tcb, syn);
	/* Below snd_max means this sequence space went out before. */
	s->rtx = (len || (flags & (TL_TCP_SYN | TL_TCP_FIN))) &&
		 tl_seq_lt(seq, tcb->snd_max);
	if (s->rtx)
		s->rtx_kind = act->rtx_kind;
	if (len) {
		s->data_off = seq - tl_snd_buf_head(tcb, tcb->snd_una);
		s->data_len = len;
	}
	tl_out_options(tcb, s, syn, now);
	if (s->opts.present & TL_OPTF_SACK) {
		/*
		 * RFC 9293 3.7.1: options take room from the data.  SND.MSS
		 * leaves room for timestamps only, so a full-sized segment
		 * has none for SACK blocks (2 NOPs + 2 + 8 per block), and the
		 * glue leaves out what does not fit.
		 */
		if (len + 2 + TL_OPT_SACK_BASE_LEN +
		    TL_OPT_SACK_BLOCK_LEN * s->opts.nr_sack > tcb->snd_mss)
			act->sack_trimmed = true;
		else
			act->sack_sent = true;
		/*
		 * RFC 2883 4: each duplicate is reported once.  Blocks are
		 * left out from the last, so the D-SACK is out when one
		 * block fits; if none does, the pure ACK that follows
		 * carries it.
		 */
		if (len + 2 + TL_OPT_SACK_BASE_LEN + TL_OPT_SACK_BLOCK_LEN <=
		    tcb->snd_mss)
			tcb->dsack_pending = false;
	}
	return s;
}

/*
 * Emit [seq, seq + len) of the send buffer, plus FIN if it reaches
 * snd_end after CLOSE, and account for it in SND.NXT.  Only a segment
 * that starts at snd_max carries new data; only such a segment may be
 * timed for an RTT sample (Karn's rule, RFC 6298 Section 3).
 */
static bool tl_emit_data(struct tl_tcb *tcb, u32 len, u64 now,
			 struct tl_actions *act)
{
	u32 seq = tcb->snd_nxt;
	bool fin = tcb->fin_queued && seq + len == tcb->snd_end;
	u8 flags = TL_TCP_ACK;

	if (fin)
		flags |= TL_TCP_FIN;
	if (len && seq + len == tcb->snd_end)
		flags |= TL_TCP_PSH;	/* nothing more queued: push it */
	if (!tl_emit(tcb, flags, seq, len, now, act))
		return false;

	if (seq == tcb->snd_max && !tcb->rtt_timing) {
		tcb->rtt_timing = true;
		tcb->rtt_end = seq + len + fin;
		tcb->rtt_start = now;
	}
	if (len && !tl_seq_lt(seq, tcb->snd_max)) {
		tl_nagle_sent(tcb, seq, len);
		tl_delack_data_sent(tcb, now);
	}
	tcb->snd_nxt = seq + len + fin;
	tcb->snd_max = tl_seq_max(tcb->snd_max, tcb->snd_nxt);
	/* RFC 6298 5.1: start the timer if it is not running. */
	if (!tcb->timer[TL_TIMER_RTX])
		tl_rtx_timer_restart(tcb, now, act);
	return true;
}

u32 tl_snd_usable(const struct tl_tcb *tcb)
{
	u32 wnd = tcb->snd_wnd;
	u32 wnd_end;

	u32 room;

	/* RFC 5681 2: send no more than min(cwnd, rwnd) beyond SND.UNA. */
	if (tcb->cc.ops)
		wnd = min_t(u32, wnd, tcb->cc.cwnd);
	wnd_end = tcb->snd_una + wnd;
	if (!tl_seq_gt(wnd_end, tcb->snd_nxt))
		return 0;
	/* RFC 6675 step (C): in SACK recovery, cwnd - pipe limits too. */
	if (tl_recovery_room(tcb, &room))
		return min_t(u32, wnd_end - tcb->snd_nxt, room);
	return wnd_end - tcb->snd_nxt;
}

u32 tl_snd_avail(const struct tl_tcb *tcb)
{
	return tl_seq_lt(tcb->snd_nxt, tcb->snd_end) ?
	       tcb->snd_end - tcb->snd_nxt : 0;
}

static void tl_transmit_data(struct tl_tcb *tcb, u64 now,
			     struct tl_actions *act)
{
	bool wnd_held = false, nagle_held = false;

	for (;;) {
		u32 avail = tl_snd_avail(tcb);
		u32 n = min_t(u32, min_t(u32, avail, tl_snd_usable(tcb)),
			      tcb->snd_mss);
		/* The FIN is due once all data is out and it is not yet. */
		bool fin = tcb->fin_queued && tcb->snd_nxt + n == tcb->snd_end;

		if (n < tcb->snd_mss && n < avail &&
		    n < tcb->max_snd_wnd / 2) {
			/*
			 * Sender SWS avoidance, RFC 9293 3.8.6.2.1: send a
			 * partial segment only if it holds all queued data,
			 * or at least half of the largest window the peer
			 * ever offered.  The persist timer is the override.
			 */
			wnd_held = true;
			n = 0;
		} else if (n && n < tcb->snd_mss && !fin &&
			   tl_nagle_hold(tcb, n)) {
			/* Nagle / cork / MSG_MORE (tl_nagle.c). */
			nagle_held = true;
			n = 0;
		}
		if (!n && !fin)
			break;
		if (!tl_emit_data(tcb, n, now, act))
			return;
		if (fin)
			break;
	}
	tcb->cork_push = false;
	tl_cork_check(tcb, nagle_held, now, act);
	tl_persist_check(tcb, wnd_held || (tl_snd_avail(tcb) && !nagle_held),
			 now, act);
}

void tl_transmit(struct tl_tcb *tcb, u64 now, struct tl_actions *act)
{
	/* Data flows only once synchronized (SYN-SENT/RECEIVED queue it). */
	if (tl_state_synchronized(tcb->state)) {
		/* Lost data first (RFC 6675 NextSeg() rule 1), then new. */
		tl_recovery_transmit(tcb, now, act);
		tl_transmit_data(tcb, now, act);
		tl_recovery_arm_probe(tcb, now, act);
	}
	/*
	 * An ACK is owed (and not yet piggybacked on data): send
	 * <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>.  Only once RCV.NXT is known.
	 *
	 * Also when the ACK rode on full-sized data segments, which had no
	 * room for our SACK blocks (tl_emit()): the ACK that reports data
	 * held out of order must reach the peer with its blocks, or a peer
	 * that is sending too (a bidirectional transfer) never learns what
	 * we hold.  It then retransmits it, and times the late cumulative
	 * ACK of a segment it sent long ago as a round trip of seconds: a
	 * Linux sender under 10% loss each way grew its RTO so and stalled.
	 * Linux shrinks the data instead (tcp_current_mss()); tcplab keeps
	 * full segments, whose payload stays one send-queue skb (GSO), and
	 * sends one extra ACK per pass while a hole remains.
	 */
	if ((tcb->ack_pending || (act->sack_trimmed && !act->sack_sent)) &&
	    (tl_state_synchronized(tcb->state) ||
	     tcb->state == TL_SYN_RECEIVED))
		tl_emit(tcb, TL_TCP_ACK, tcb->snd_nxt, 0, now, act);
}

void tl_output(struct tl_tcb *tcb, u64 now, struct tl_actions *act)
{
	tl_actions_clear(act);
	tl_transmit(tcb, now, act);
}

void tl_send_syn(struct tl_tcb *tcb, u64 now, struct tl_actions *act)
{
	u8 flags = TL_TCP_SYN;

	/* SYN-RECEIVED answers with <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>. */
	if (tcb->state == TL_SYN_RECEIVED)
		flags |= TL_TCP_ACK;
	act->rtx_kind = TL_RTX_SYN;
	tl_emit(tcb, flags, tcb->iss, 0, now, act);
	act->rtx_kind = TL_RTX_RTO;

	if (tcb->snd_max == tcb->iss) {
		/* First transmission of our SYN: time it. */
		tcb->rtt_timing = true;
		tcb->rtt_end = tcb->iss + 1;
		tcb->rtt_start = now;
	} else {
		/* Karn: an ACK may now be for either copy of the SYN. */
		tcb->rtt_timing = false;
	}
	tcb->snd_max = tcb->iss + 1;
	tl_rtx_timer_restart(tcb, now, act);
}

/*
 * A reset from this connection (ABORT, 3.10.5): <SEQ=seq><CTL=RST>.  Once
 * the peer's SYN is in, Linux (tcp_send_active_reset()) also sets ACK
 * with RCV.NXT, which the RFC allows and costs the receiver nothing: its
 * RST checks look at the sequence number only.  tcplab does the same.
 */
void tl_send_rst(struct tl_tcb *tcb, u32 seq, struct tl_actions *act)
{
	struct tl_seg_out *s;

	if (act->nseg >= TL_ACT_MAX_SEGS)
		return;
	s = &act->seg[act->nseg++];
	memset(s, 0, sizeof(*s));
	s->th.sport = tcb->lport;
	s->th.dport = tcb->rport;
	s->th.seq = seq;
	s->th.flags = TL_TCP_RST;
	if (tcb->state != TL_SYN_SENT && tcb->state != TL_LISTEN &&
	    tcb->state != TL_CLOSED) {
		s->th.flags |= TL_TCP_ACK;
		s->th.ack = tcb->rcv_nxt;
	}
}

bool tl_rst_reply(const struct tl_tcphdr *th, u32 payload_len,
		  struct tl_seg_out *out)
{
	/* 3.10.7.1: "An incoming segment containing a RST is discarded." */
	if (th->flags & TL_TCP_RST)
		return false;

	memset(out, 0, sizeof(*out));
	out->th.sport = th->dport;
	out->th.dport = th->sport;
	if (th->flags & TL_TCP_ACK) {
		/* "If the ACK bit is on, <SEQ=SEG.ACK><CTL=RST>" */
		out->th.seq = th->ack;
		out->th.flags = TL_TCP_RST;
	} else {
		/*
		 * "If the ACK bit is off, sequence number zero is used,
		 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>", where SEG.LEN
		 * counts SYN and FIN as one each.
		 */
		out->th.seq = 0;
		out->th.ack = th->seq + payload_len +
			      !!(th->flags & TL_TCP_SYN) +
			      !!(th->flags & TL_TCP_FIN);
		out->th.flags = TL_TCP_RST | TL_TCP_ACK;
	}
	return true;
}

void tl_reply_rst(const struct tl_seg_in *seg, struct tl_actions *act)
{
	if (act->nseg >= TL_ACT_MAX_SEGS)
		return;
	if (tl_rst_reply(&seg->th, seg->len, &act->seg[act->nseg]))
		act->nseg++;
}

/*
 * Retransmit the earliest unacknowledged segment (RFC 6298 5.4, RFC 5681
 * 3.2 fast retransmit) without pulling SND.NXT back.
 */
void tl_retransmit_head(struct tl_tcb *tcb, u64 now, struct tl_actions *act)
{
	u32 nxt = tcb->snd_nxt;
	u32 len;

	tcb->snd_nxt = tcb->snd_una;
	/* Only what was sent before: never new data past snd_max. */
	len = min_t(u32, tl_snd_avail(tcb), tcb->snd_mss);
	len = min_t(u32, len, tcb->snd_max - tcb->snd_una);
	tcb->rtt_timing = false;	/* Karn's rule */
	act->rtx_kind = TL_RTX_RTO;
	tl_emit_data(tcb, len, now, act);
	tcb->snd_nxt = tl_seq_max(nxt, tcb->snd_nxt);
}

/*
 * Send [seq, seq + len) again (at most one SMSS; with the FIN if it ends
 * there), leaving SND.NXT where it was.  Fast retransmit, NewReno's
 * partial ACKs and RFC 6675 recovery choose @seq.  Returns the sequence
 * space sent, 0 if nothing was (no room in the actions).
 */
u32 tl_retransmit_range(struct tl_tcb *tcb, u32 seq, u32 len, u8 kind,
			u64 now, struct tl_actions *act)
{
	u32 nxt = tcb->snd_nxt, data, sent;

	data = tl_seq_lt(seq, tcb->snd_end) ? tcb->snd_end - seq : 0;
	data = min_t(u32, min_t(u32, data, len), tcb->snd_mss);
	if (!data && !(tcb->fin_queued && seq == tcb->snd_end))
		return 0;
	/*
	 * Karn's rule (RFC 6298 3): the timed segment's ACK could now be
	 * caused by this copy, so that measurement is abandoned.
	 */
	tcb->rtt_timing = false;
	tcb->snd_nxt = seq;
	act->rtx_kind = kind;
	sent = tl_emit_data(tcb, data, now, act) ? tcb->snd_nxt - seq : 0;
	act->rtx_kind = TL_RTX_RTO;
	if (sent && (kind == TL_RTX_FAST || kind == TL_RTX_SACK))
		tl_undo_count_rtx(tcb);
	tcb->snd_nxt = tl_seq_max(nxt, tcb->snd_nxt);
	return sent;
}

/*
 * Sender SWS override (RFC 9293 3.8.6.2.1, the persist timer fired with a
 * small window open): send what the window admits, at most one MSS.
 */
void tl_send_probe(struct tl_tcb *tcb, u64 now, struct tl_actions *act)
{
	u32 n = min_t(u32, tl_snd_avail(tcb), tcb->snd_mss);

	n = min_t(u32, n, tl_snd_usable(tcb));
	if (n)
		tl_emit_data(tcb, n, now, act);
}

/*
 * A probe that makes the peer answer with its current RCV.NXT and window
 * without giving it anything to accept: <SEQ=SND.UNA-1><ACK=RCV.NXT>
 * <CTL=ACK>, no data.  The sequence number is old, so the receiver finds
 * it unacceptable and "an acknowledgment should be sent in reply" (RFC
 * 9293 3.10.7.4 first).  Linux probes zero windows (tcp_send_probe0) and
 * keepalives (RFC 1122 4.2.3.6) this way.
 */
void tl_send_window_probe(struct tl_tcb *tcb, u64 now, struct tl_actions *act)
{
	struct tl_seg_out *s;

	s = tl_emit(tcb, TL_TCP_ACK, tcb->snd_una - 1, 0, now, act);
	if (s)
		s->probe = true;
}

int tl_seg_out_build(u8 *buf, u32 buflen, const struct tl_seg_out *s)
{
	u8 opt[TL_TCP_OPT_MAX];
	int optlen = tl_opts_build(opt, sizeof(opt), &s->opts);
	u32 hlen;

	if (optlen < 0)
		return optlen;
	hlen = tl_seg_build(buf, buflen, &s->th, opt, (u32)optlen);
	return hlen ? (int)hlen : -ENOSPC;
}
