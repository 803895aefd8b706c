// SPDX-License-Identifier: GPL-2.0
/*
 * tl_input.c - SEGMENT ARRIVES (RFC 9293 Section 3.10.7).
 *
 * Read this file beside the RFC: tl_input() dispatches on the state
 * exactly like 3.10.7.1 (CLOSED), 3.10.7.2 (LISTEN), 3.10.7.3 (SYN-SENT)
 * and 3.10.7.4 ("Other states"), and tl_input_other() walks the RFC's
 * "first" to "eighth" steps in order.  Quotes are from RFC 9293 unless
 * another RFC is named.
 *
 * The core sees the parsed header, the parsed options and the payload
 * length - never the payload.  What to do with the payload comes back in
 * the actions as offsets into it (deliver / hold out of order).
 */
#include "tl_types.h"
#include "tl_tcb_priv.h"
#include "tl_paws.h"

/* SEG.LEN: "the number of octets occupied by the data in the segment
 * (counting SYN and FIN)" (3.3.1).
 */
static u32 tl_seg_len(const struct tl_seg_in *seg)
{
	return seg->len + !!(seg->th.flags & TL_TCP_SYN) +
	       !!(seg->th.flags & TL_TCP_FIN);
}

static bool tl_has(const struct tl_seg_in *seg, u8 flag)
{
	return seg->th.flags & flag;
}

/* SEG.WND in bytes: RFC 7323 2.3 scaling, except on a SYN (2.2). */
static u32 tl_seg_wnd(const struct tl_tcb *tcb, const struct tl_tcphdr *th)
{
	if (th->flags & TL_TCP_SYN)
		return th->wnd;
	return (u32)th->wnd << tcb->snd_wscale;
}

/* SND.WND <- SEG.WND, SND.WL1 <- SEG.SEQ, SND.WL2 <- SEG.ACK */
static void tl_snd_wnd_set(struct tl_tcb *tcb, const struct tl_tcphdr *th)
{
	tcb->snd_wnd = tl_seg_wnd(tcb, th);
	tcb->snd_wl1 = th->seq;
	tcb->snd_wl2 = th->ack;
	tcb->max_snd_wnd = max_t(u32, tcb->max_snd_wnd, tcb->snd_wnd);
}

/* RCV.NXT moved over @n bytes of data: the right edge stays put. */
static void tl_rcv_advance(struct tl_tcb *tcb, u32 n)
{
	tcb->rcv_nxt += n;
	tcb->rcv_wnd -= min_t(u32, n, tcb->rcv_wnd);
	tcb->rcv_space -= min_t(u32, n, tcb->rcv_space);
}

/*
 * The peer acknowledged new sequence space: SND.UNA < SEG.ACK.  "Set
 * SND.UNA <- SEG.ACK.  Any segments on the retransmission queue that are
 * thereby entirely acknowledged are removed." - here: tell the glue how
 * many bytes of its send buffer to free.
 */
static void tl_ack_advance(struct tl_tcb *tcb, const struct tl_seg_in *seg,
			   u32 ack, u64 now, struct tl_actions *act)
{
	u32 freed = tl_snd_buf_head(tcb, ack) -
		    tl_snd_buf_head(tcb, tcb->snd_una);
	u32 srtt = tcb->rto.srtt8, rto = tcb->rto.rto;
	u32 flight = tcb->snd_max - tcb->snd_una;
	u32 rtt = 0;

	act->acked += freed;
	if (freed)
		act->wake |= TL_WAKE_WRITE;

	/*
	 * RFC 6298 Section 3: one segment at a time is timed, and (Karn)
	 * timing stops whenever anything is retransmitted, so an ACK that
	 * covers the timed segment is an unambiguous sample.  Otherwise,
	 * with timestamps, RFC 7323 4.1 gives a sample from TSecr - also
	 * while retransmissions are outstanding.
	 */
	if (tcb->rtt_timing && tl_seq_geq(ack, tcb->rtt_end)) {
		rtt = (u32)min_t(u64, now - tcb->rtt_start, 0xffffffffU);
		rtt = max_t(u32, rtt, 1);
		tcb->rtt_timing = false;
	} else {
		rtt = tl_ts_rtt_sample(tcb, seg, now);
	}
	if (rtt) {
		tl_rto_sample(&tcb->rto, rtt);
		if (srtt != tcb->rto.srtt8 || rto != tcb->rto.rto)
			tl_cc_event(act, TL_CC_EV_RTT);
	}

	tcb->snd_una = ack;
	tcb->rec.tlp_out = false;	/* the tail moved: a new probe may go */
	/* After a go-back-N timeout the ACK can cover more than SND.NXT. */
	if (tl_seq_lt(tcb->snd_nxt, ack))
		tcb->snd_nxt = ack;
	tcb->retries = 0;
	tcb->dupacks = 0;
	tl_sack_ack(&tcb->rec.sb, ack);
	/*
	 * Congestion control grows cwnd on new ACKs - except in fast
	 * recovery, where RFC 6582 / RFC 6675 manage it themselves.
	 */
	if (tcb->cc.ops && freed && tl_state_synchronized(tcb->state) &&
	    tcb->rec.ca_state != TL_CA_RECOVERY &&
	    tl_cc_limited(&tcb->cc, flight, tcb->snd_mss)) {
		u32 cwnd = tcb->cc.cwnd;

		tcb->cc.ops->on_ack(&tcb->cc, freed, rtt, now);
		if (cwnd != tcb->cc.cwnd)
			tl_cc_event(act, TL_CC_EV_ACK);
	}

	/*
	 * RFC 6298 5.2: "When all outstanding data has been acknowledged,
	 * turn off the retransmission timer."  5.3: "When an ACK is received
	 * that acknowledges new data, restart the retransmission timer".
	 */
	if (ack == tcb->snd_max)
		tl_timer_cancel(tcb, TL_TIMER_RTX, act);
	else
		tl_rtx_timer_restart(tcb, now, act);
}

/* ---------------------------------------------------------------------- */
/* 3.10.7.1 CLOSED                                                         */

static void tl_input_closed(const struct tl_seg_in *seg,
			    struct tl_actions *act)
{
	/*
	 * "all data in the incoming segment is discarded.  An incoming
	 * segment containing a RST is discarded.  An incoming segment not
	 * containing a RST causes a RST to be sent in response."
	 */
	act->drop = TL_DROP_CLOSED;
	tl_reply_rst(seg, act);
}

/* ---------------------------------------------------------------------- */
/* 3.10.7.2 LISTEN                                                         */

static void tl_input_listen(const struct tl_seg_in *seg,
			    struct tl_actions *act)
{
	struct tl_child_req *req = &act->child_req;

	/*
	 * First, check for a RST: "An incoming RST segment could not be
	 * valid since it could not have been sent in response to anything
	 * sent by this incarnation of the connection.  An incoming RST
	 * should be ignored."
	 */
	if (tl_has(seg, TL_TCP_RST)) {
		act->drop = TL_DROP_LISTEN_RST;
		return;
	}
	/*
	 * Second, check for an ACK: "Any acknowledgment is bad if it
	 * arrives on a connection still in the LISTEN state.  An acceptable
	 * reset segment should be formed for any arriving ACK-bearing
	 * segment.  The RST should be formatted as <SEQ=SEG.ACK><CTL=RST>".
	 */
	if (tl_has(seg, TL_TCP_ACK)) {
		act->drop = TL_DROP_LISTEN_ACK;
		tl_reply_rst(seg, act);
		return;
	}
	/*
	 * Third, check for a SYN.  (The security check is skipped, see
	 * tl_input_other().)  The RFC moves the listening TCB itself to
	 * SYN-RECEIVED.  A real listener must keep listening, and the core
	 * may not allocate, so tcplab leaves this tcb in LISTEN and asks the
	 * glue to create a child; tl_accept_syn() on the child then does the
	 * rest of this step (IRS, RCV.NXT, ISS, <SEQ=ISS><ACK=RCV.NXT>
	 * <CTL=SYN,ACK>, SYN-RECEIVED).
	 *
	 * "any other incoming control or data (combined with SYN) will be
	 * processed in the SYN-RECEIVED state" - tcplab drops data carried on
	 * a SYN instead (as Linux does without TCP Fast Open): the SYN,ACK
	 * acknowledges only SEG.SEQ + 1, so the peer sends the data again.
	 */
	/* LAB handshake: begin */
	if (tl_has(seg, TL_TCP_SYN)) {
		act->child = true;
		req->lport = seg->th.dport;
		req->rport = seg->th.sport;
		req->irs = seg->th.seq;
		req->wnd = seg->th.wnd;
		req->opts = seg->opts;
		return;
	}
	/* LAB handshake: end */
	/* Fourth, other data or control: "drop the segment and return". */
	act->drop = TL_DROP_LISTEN_NO_SYN;
}

/* ---------------------------------------------------------------------- */
/* 3.10.7.4 sixth to eighth steps, shared with SYN-SENT                    */

/*
 * Where the text [@dseq, @dseq + @len) goes, and [*@start, *@end), the
 * part of it to keep.  First step of 3.10.7.4: "only the new parts are
 * processed", nothing beyond RCV.NXT + RCV.WND; out-of-order bytes
 * already held are not new either, so the glue never holds a byte
 * twice.
 */
static enum tl_rcv_place tl_text_place(const struct tl_tcb *tcb, u32 dseq,
				       u32 len, u32 *start, u32 *end)
{
	u32 wnd_end = tcb->rcv_nxt + tcb->rcv_wnd;
	u32 e = dseq + len;

	if (!len)
		return TL_RCV_NONE;
	if (tl_seq_gt(e, wnd_end))
		e = wnd_end;
	if (tl_seq_leq(dseq, tcb->rcv_nxt)) {
		if (!tl_seq_gt(e, tcb->rcv_nxt))
			return TL_RCV_NONE;	/* a pure duplicate */
		*start = tcb->rcv_nxt;
		*end = e;
		return TL_RCV_INORDER;
	}
	if (!tl_seq_lt(dseq, e))
		return TL_RCV_NONE;		/* starts beyond the window */
	*start = dseq;
	*end = e;
	if (!tl_ooo_new(&tcb->ooo, start, end))
		return TL_RCV_HELD;
	if (!tl_ooo_fits(&tcb->ooo, *start, *end))
		return TL_RCV_NO_RANGE;
	return TL_RCV_OOO;
}

enum tl_rcv_place tl_rcv_place(const struct tl_tcb *tcb,
			       const struct tl_seg_in *seg, u32 *seq)
{
	u32 start = 0, end;
	enum tl_rcv_place place;

	/* The states whose segments may reach the seventh step. */
	switch (tcb->state) {
	case TL_SYN_RECEIVED:
	case TL_ESTABLISHED:
	case TL_FIN_WAIT_1:
	case TL_FIN_WAIT_2:
		break;
	default:
		return TL_RCV_NONE;
	}
	if (tl_has(seg, TL_TCP_RST))
		return TL_RCV_NONE;
	place = tl_text_place(tcb, seg->th.seq + !!tl_has(seg, TL_TCP_SYN),
			      seg->len, &start, &end);
	*seq = start;
	return place;
}

void tl_rcv_prune(struct tl_tcb *tcb, u32 seq)
{
	tl_ooo_prune(&tcb->ooo, seq);
}

/*
 * RFC 2883 4, the receiver's side of D-SACK: the bytes [@start, @end)
 * arrived again; the next ACK reports them in its first SACK block, so
 * the sender can tell a retransmission that was not needed.  A second
 * duplicate before that ACK that touches the first widens it.
 */
static void tl_dsack_note(struct tl_tcb *tcb, u32 start, u32 end)
{
	if (!(tcb->opts & TL_TCB_SACK) || !tcb->cfg.dsack ||
	    !tl_seq_lt(start, end))
		return;
	if (tcb->dsack_pending && tl_seq_leq(start, tcb->dsack.end) &&
	    tl_seq_geq(end, tcb->dsack.start)) {
		start = tl_seq_min(start, tcb->dsack.start);
		end = tl_seq_max(end, tcb->dsack.end);
	}
	tcb->dsack.start = start;
	tcb->dsack.end = end;
	tcb->dsack_pending = true;
}

/* Seventh, process the segment text; @dseq is its first byte's number. */
static void tl_input_text(struct tl_tcb *tcb, const struct tl_seg_in *seg,
			  u32 dseq, u32 len, u64 now, struct tl_actions *act)
{
	enum tl_rcv_place place;
	u32 start, end, nxt;
	u8 held;

	if (!len)
		return;
	/*
	 * Any data calls for an acknowledgment.  Duplicates and out-of-order
	 * data get it at once (RFC 5681 4.2: the duplicate ACK tells the
	 * sender about the hole); new in-order data may get a delayed one
	 * (3.8.6.3, tl_delack.c), decided below.
	 */
	tcb->ack_pending = true;

	place = tl_text_place(tcb, dseq, len, &start, &end);
	switch (place) {
	case TL_RCV_NONE:
		return;
	case TL_RCV_HELD:
		act->drop = TL_DROP_OOO_DUP;
		tl_dsack_note(tcb, dseq, dseq + len);
		return;
	case TL_RCV_NO_RANGE:
		act->drop = TL_DROP_OOO_FULL;
		return;
	default:
		break;
	}
	/* Its head was received before: that part is a duplicate. */
	if (place == TL_RCV_INORDER && tl_seq_lt(dseq, tcb->rcv_nxt))
		tl_dsack_note(tcb, dseq, tcb->rcv_nxt);
	/*
	 * No memory for it: take none of it.  RCV.NXT and the held ranges
	 * stay, so the ACK going out says what is missing and the peer
	 * sends it again - as if the segment had been lost.
	 */
	if (seg->no_room) {
		act->drop = place == TL_RCV_INORDER ? TL_DROP_RCV_MEM :
						      TL_DROP_OOO_MEM;
		return;
	}

	if (place == TL_RCV_INORDER) {
		/*
		 * "Once in the ESTABLISHED state, it is possible to deliver
		 * segment data to user RECEIVE buffers ... RCV.NXT is set to
		 * the next sequence number expected".  Deliver from RCV.NXT,
		 * trimming what we already had.
		 */
		act->deliver_off = start - dseq;
		act->deliver_len = end - start;
		act->wake |= TL_WAKE_READ;
		tl_rcv_advance(tcb, act->deliver_len);

		/*
		 * Did we just fill the gap before data we are holding?  A
		 * held range the segment reached is in order now, or was all
		 * in the segment: either way the glue moves or frees its
		 * bytes, so that it holds nothing the core has forgotten.
		 */
		held = tcb->ooo.n;
		nxt = tl_ooo_advance(&tcb->ooo, tcb->rcv_nxt);
		if (tcb->ooo.n != held) {
			act->ooo_ready = true;
			act->ooo_ready_to = nxt;
		}
		if (nxt != tcb->rcv_nxt) {
			tl_rcv_advance(tcb, nxt - tcb->rcv_nxt);
			return;		/* RFC 5681 4.2: ACK a filled hole at once */
		}
		tcb->ack_pending = false;
		tl_delack_data(tcb, act->deliver_len, now, act);
		tl_rcv_rtt_sample(tcb, seg, act->deliver_len, now);
		return;
	}
	/*
	 * Out of order, but in the window: "Segments with higher beginning
	 * sequence numbers may be held for later processing" (first step).
	 * Only the part not held yet: it may cover held ranges in its
	 * middle, which the glue then frees.
	 */
	if (tl_ooo_add(&tcb->ooo, start, end)) {
		act->drop = TL_DROP_OOO_FULL;
		return;
	}
	act->ooo_seq = start;
	act->ooo_off = start - dseq;
	act->ooo_len = end - start;
}

/*
 * Sixth to eighth steps for a segment whose first data byte is @dseq.
 * Called from SYN-SENT (after a SYN,ACK: "continue processing at the sixth
 * step") and from the other states.
 */
static void tl_input_text_fin(struct tl_tcb *tcb, const struct tl_seg_in *seg,
			      u32 dseq, u64 now, struct tl_actions *act)
{
	/*
	 * Sixth, check the URG bit.  Ignored: RFC 6093 recommends that
	 * applications not use urgent data, and AF_TCPLAB offers no
	 * MSG_OOB, so urgent bytes are simply delivered inline with the rest
	 * of the stream (like Linux with SO_OOBINLINE).
	 */

	/* Seventh, process the segment text. */
	switch (tcb->state) {
	case TL_ESTABLISHED:
	case TL_FIN_WAIT_1:
	case TL_FIN_WAIT_2:
		tl_input_text(tcb, seg, dseq, seg->len, now, act);
		break;
	default:
		/*
		 * CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: "This should not
		 * occur since a FIN has been received from the remote side.
		 * Ignore the segment text."
		 */
		return;
	}

	/*
	 * Eighth, check the FIN bit.  The FIN is processed once everything
	 * before it is in: it sits right after the segment's data.  An
	 * out-of-order FIN is not held; the peer retransmits it.
	 */
	if (!tl_has(seg, TL_TCP_FIN) || dseq + seg->len != tcb->rcv_nxt)
		return;
	/*
	 * "signal the user 'connection closing' ... advance RCV.NXT over the
	 * FIN, and send an acknowledgment for the FIN."  The FIN occupies
	 * sequence space but no buffer.
	 */
	tcb->rcv_nxt++;
	tcb->rcv_wnd -= min_t(u32, 1, tcb->rcv_wnd);
	tcb->ack_pending = true;
	act->eof = true;
	act->wake |= TL_WAKE_READ;

	/* LAB close: begin */
	switch (tcb->state) {
	case TL_ESTABLISHED:
		/* 3.10.7.4 eighth, ESTABLISHED: "Enter the CLOSE-WAIT state." */
		tl_set_state(tcb, TL_CLOSE_WAIT, now, act);
		break;
	case TL_FIN_WAIT_1:
		if (tl_fin_acked(tcb)) {
			/*
			 * 3.10.7.4 eighth, FIN-WAIT-1: "If our FIN has been
			 * ACKed (perhaps in this segment), then enter
			 * TIME-WAIT, start the time-wait timer, turn off the
			 * other timers".
			 */
			tl_set_state(tcb, TL_TIME_WAIT, now, act);
		} else {
			/*
			 * 3.10.7.4 eighth, FIN-WAIT-1: "otherwise, enter the
			 * CLOSING state" (simultaneous close).
			 */
			tl_set_state(tcb, TL_CLOSING, now, act);
		}
		break;
	case TL_FIN_WAIT_2:
		/*
		 * 3.10.7.4 eighth, FIN-WAIT-2: "Enter the TIME-WAIT state.
		 * Start the time-wait timer, turn off the other timers."
		 */
		tl_set_state(tcb, TL_TIME_WAIT, now, act);
		break;
	default:
		break;
	}
	/* LAB close: end */
}

/* ---------------------------------------------------------------------- */
/* 3.10.7.3 SYN-SENT                                                       */

static void tl_input_syn_sent(struct tl_tcb *tcb, const struct tl_seg_in *seg,
			      u64 now, struct tl_actions *act)
{
	const struct tl_tcphdr *th = &seg->th;
	bool ack_ok = false;

	/* First, check the ACK bit. */
	if (tl_has(seg, TL_TCP_ACK)) {
		/*
		 * "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset
		 * (unless the RST bit is set, if so drop the segment and
		 * return) <SEQ=SEG.ACK><CTL=RST> and discard the segment."
		 */
		if (tl_seq_leq(th->ack, tcb->iss) ||
		    tl_seq_gt(th->ack, tcb->snd_nxt)) {
			act->drop = TL_DROP_BAD_ACK;
			tl_reply_rst(seg, act);
			return;
		}
		/* "If SND.UNA < SEG.ACK =< SND.NXT, then the ACK is acceptable." */
		ack_ok = tl_seq_lt(tcb->snd_una, th->ack);
	}

	/*
	 * Second, check the RST bit.  RFC 5961 3.2 and 3.10.7.3: in SYN-SENT
	 * "the RST is acceptable if the ACK field acknowledges the SYN".
	 */
	if (tl_has(seg, TL_TCP_RST)) {
		if (!ack_ok) {
			/* "Otherwise (no ACK), drop the segment and return." */
			act->drop = TL_DROP_BAD_ACK;
			return;
		}
		/*
		 * 3.10.7.3 second: "signal 'error: connection reset', drop the
		 * segment, enter CLOSED state, delete TCB".  The sockets API
		 * reports this as ECONNREFUSED (the peer refused our SYN).
		 */
		tl_conn_done(tcb, -ECONNREFUSED, act);
		return;
	}

	/* Third, security: skipped, see tl_input_other(). */

	/* Fourth, check the SYN bit.  Fifth: neither SYN nor RST - drop. */
	if (!tl_has(seg, TL_TCP_SYN)) {
		act->drop = TL_DROP_NO_SYN;
		return;
	}
	/* "RCV.NXT is set to SEG.SEQ+1, IRS is set to SEG.SEQ." */
	tcb->irs = th->seq;
	tcb->rcv_nxt = th->seq + 1;
	tl_syn_negotiate(tcb, &seg->opts);
	/*
	 * "SND.UNA should be advanced to equal SEG.ACK (if there is an ACK),
	 * and any segments on the retransmission queue that are thereby
	 * acknowledged should be removed."
	 */
	if (ack_ok)
		tl_ack_advance(tcb, seg, th->ack, now, act);
	/*
	 * "SND.WND <- SEG.WND, SND.WL1 <- SEG.SEQ, SND.WL2 <- SEG.ACK".  The
	 * RFC lists this under the SYN-RECEIVED branch; the ESTABLISHED
	 * branch needs it just as much because it skips the fifth step.
	 */
	tl_snd_wnd_set(tcb, th);

	/* LAB handshake: begin */
	if (tl_seq_gt(tcb->snd_una, tcb->iss)) {
		/*
		 * 3.10.7.3 fourth: "If SND.UNA > ISS (our SYN has been ACKed),
		 * change the connection state to ESTABLISHED, form an ACK
		 * segment <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> and send it."
		 */
		tl_set_state(tcb, TL_ESTABLISHED, now, act);
		tl_established(tcb, now);
		tcb->ack_pending = true;
		/*
		 * "If there are other controls or text in the segment, then
		 * continue processing at the sixth step".  Text starts after
		 * the SYN.
		 */
		tl_input_text_fin(tcb, seg, th->seq + 1, now, act);
		return;
	}
	/*
	 * 3.10.7.3 fourth, simultaneous open: "Otherwise, enter SYN-RECEIVED,
	 * form a SYN,ACK segment <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> and send
	 * it."  Text on this SYN is not queued (see tl_input_listen()).
	 */
	tl_set_state(tcb, TL_SYN_RECEIVED, now, act);
	tl_send_syn(tcb, now, act);
	/* LAB handshake: end */
}

/* ---------------------------------------------------------------------- */
/* 3.10.7.4 Other states                                                   */

/* First step: the acceptability test, with its four cases. */
static bool tl_seq_acceptable(const struct tl_tcb *tcb, u32 seq, u32 seg_len)
{
	/* LAB seq: begin */
	u32 nxt = tcb->rcv_nxt;
	u32 wnd = tcb->rcv_wnd;

	if (!seg_len) {
		/* Length 0, window 0:  SEG.SEQ = RCV.NXT */
		if (!wnd)
			return seq == nxt;
		/* Length 0, window >0: RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND */
		return tl_seq_in_window(seq, nxt, wnd);
	}
	/* Length >0, window 0:  not acceptable */
	if (!wnd)
		return false;
	/*
	 * Length >0, window >0: the first or the last octet of the segment
	 * falls in the window.
	 */
	return tl_seq_in_window(seq, nxt, wnd) ||
	       tl_seq_in_window(seq + seg_len - 1, nxt, wnd);
	/* LAB seq: end */
}

/*
 * RFC 7323 4.3 (2): "If SEG.TSval >= TS.Recent and SEG.SEQ =<
 * Last.ACK.sent, then SEG.TSval is copied to TS.Recent".  PAWS (5.3) has
 * already dropped older timestamps, see tl_paws_reject().
 */
static void tl_ts_recent_update(struct tl_tcb *tcb, const struct tl_seg_in *seg,
				u64 now)
{
	if (!(tcb->opts & TL_TCB_TS) || !(seg->opts.present & TL_OPTF_TS))
		return;
	if (tl_seq_geq(seg->opts.tsval, tcb->ts_recent) &&
	    tl_seq_leq(seg->th.seq, tcb->last_ack_sent)) {
		tcb->ts_recent = seg->opts.tsval;
		tcb->ts_recent_stamp = now;
	}
}

/* Second step, an acceptable RST exactly at RCV.NXT. */
static void tl_input_rst(struct tl_tcb *tcb, struct tl_actions *act)
{
	switch (tcb->state) {
	case TL_SYN_RECEIVED:
		/*
		 * 3.10.7.4 second, SYN-RECEIVED: from a passive OPEN "return
		 * this connection to LISTEN state ... The user need not be
		 * informed" - the listener never left LISTEN here, so the
		 * child simply ends.  From an active OPEN "the connection was
		 * refused; signal the user 'connection refused'".
		 */
		tl_conn_done(tcb, tcb->passive ? 0 : -ECONNREFUSED, act);
		break;
	case TL_ESTABLISHED:
	case TL_FIN_WAIT_1:
	case TL_FIN_WAIT_2:
	case TL_CLOSE_WAIT:
		/*
		 * 3.10.7.4 second: "any outstanding RECEIVEs and SEND should
		 * receive 'reset' responses ... Enter the CLOSED state, delete
		 * the TCB, and return."
		 */
		tl_conn_done(tcb, -ECONNRESET, act);
		break;
	default:
		/*
		 * 3.10.7.4 second, CLOSING, LAST-ACK, TIME-WAIT: "enter the
		 * CLOSED state, delete the TCB, and return."  (RFC 1337 would
		 * ignore RSTs in TIME-WAIT; RFC 9293 and Linux's default do
		 * not.)
		 */
		tl_conn_done(tcb, 0, act);
		break;
	}
}

/* RFC 5681 2: the definition of a duplicate acknowledgment. */
static bool tl_is_dupack(const struct tl_tcb *tcb, const struct tl_seg_in *seg)
{
	return seg->th.ack == tcb->snd_una &&
	       tcb->snd_una != tcb->snd_max &&	/* data outstanding */
	       !seg->len &&
	       !tl_has(seg, TL_TCP_SYN | TL_TCP_FIN) &&
	       tl_seg_wnd(tcb, &seg->th) == tcb->snd_wnd;
}

/*
 * Fifth step for ESTABLISHED and every state that shares its ACK
 * processing.  Returns false if the segment was dropped.
 */
static bool tl_input_ack(struct tl_tcb *tcb, const struct tl_seg_in *seg,
			 u64 now, struct tl_actions *act)
{
	const struct tl_tcphdr *th = &seg->th;
	u32 prev_una, sack_new = 0;
	bool dup = false;

	/*
	 * "If the ACK acks something not yet sent (SEG.ACK > SND.NXT), then
	 * send an ACK, drop the segment, and return."  Judged against
	 * snd_max, see struct tl_tcb.
	 */
	if (tl_seq_gt(th->ack, tcb->snd_max)) {
		tcb->ack_pending = true;
		act->drop = TL_DROP_ACK_FUTURE;
		return false;
	}
	/*
	 * RFC 5961 5.2 (MAY-12 in RFC 9293): an ACK is only acceptable if
	 * (SND.UNA - MAX.SND.WND) =< SEG.ACK; older ones are answered with an
	 * ACK and dropped, which defeats blind data injection.
	 */
	if (tl_seq_lt(th->ack, tcb->snd_una - tcb->max_snd_wnd)) {
		tcb->ack_pending = true;
		act->drop = TL_DROP_ACK_OLD;
		return false;
	}
	/*
	 * RFC 7323 4.3: an accepted segment's TSval becomes TS.Recent.  The
	 * RFC's pseudo-code records it right after the sequence number
	 * check; Linux (tcp_ack()) waits until the ACK field is found valid
	 * too, so that an in-window RST or SYN answered with a challenge
	 * ACK, or an ACK of unsent or old data, leaves it alone and a blind
	 * attacker's guess cannot move it.  tcplab does as Linux.
	 */
	if (tl_seq_geq(th->ack, tcb->snd_una))
		tl_ts_recent_update(tcb, seg, now);

	prev_una = tcb->snd_una;
	if (tl_seq_lt(tcb->snd_una, th->ack)) {
		/* "If SND.UNA < SEG.ACK =< SND.NXT, then set SND.UNA <- SEG.ACK" */
		tl_ack_advance(tcb, seg, th->ack, now, act);
	} else if (tl_is_dupack(tcb, seg)) {
		/*
		 * "If the ACK is a duplicate (SEG.ACK =< SND.UNA), it can be
		 * ignored" - except that RFC 5681 3.2 counts them: the third
		 * one means a segment was lost (tl_recovery_ack()).
		 */
		dup = true;
		if (tcb->dupacks < 255)
			tcb->dupacks++;
	}
	/*
	 * RFC 2018 / RFC 6675: the SACK blocks go into the scoreboard, which
	 * then decides about loss together with the duplicate ACK count.
	 */
	if ((tcb->opts & TL_TCB_SACK) && (seg->opts.present & TL_OPTF_SACK)) {
		/* RFC 2883: a D-SACK may show a retransmission was in vain. */
		tl_undo_dsack(tcb, seg);
		sack_new = tl_recovery_sack(tcb, seg);
	}
	if (tl_state_synchronized(tcb->state)) {
		tl_recovery_ack(tcb, prev_una, dup, sack_new, now, act);
		tl_undo_check(tcb, act);
	}

	/*
	 * "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be
	 * updated.  If (SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2
	 * =< SEG.ACK)), set SND.WND <- SEG.WND, set SND.WL1 <- SEG.SEQ, and
	 * set SND.WL2 <- SEG.ACK."  WL1/WL2 make sure an old, reordered
	 * segment cannot set the window back.
	 */
	if (tl_seq_geq(th->ack, tcb->snd_una) &&
	    (tl_seq_lt(tcb->snd_wl1, th->seq) ||
	     (tcb->snd_wl1 == th->seq && tl_seq_leq(tcb->snd_wl2, th->ack)))) {
		tl_snd_wnd_set(tcb, th);
		/*
		 * The peer is alive and answering with a zero window: 3.8.6.1
		 * says not to give up while probes are acknowledged, so such
		 * answers reset the retry count.
		 */
		if (!tcb->snd_wnd)
			tcb->retries = 0;
	}
	return true;
}

/* SYN-RECEIVED and the synchronized states. */
static void tl_input_other(struct tl_tcb *tcb, const struct tl_seg_in *seg,
			   u64 now, struct tl_actions *act)
{
	const struct tl_tcphdr *th = &seg->th;
	struct tl_seg_in trimmed;

	/*
	 * A segment with none of ACK, RST and SYN can only end in the fifth
	 * step ("if the ACK bit is off drop the segment"), but the steps
	 * before it would answer an old timestamp or a sequence number
	 * outside the window with an ACK.  Linux drops it first, silently
	 * (tcp_rcv_established(), tcp_rcv_state_process()), so that a
	 * probe with only FIN or PSH learns nothing; so does tcplab.
	 * TIME-WAIT keeps the RFC's answer, as Linux's does.
	 */
	if (!(th->flags & (TL_TCP_ACK | TL_TCP_RST | TL_TCP_SYN)) &&
	    tcb->state != TL_TIME_WAIT) {
		act->drop = TL_DROP_NO_ACK;
		return;
	}

	/*
	 * RFC 7323 5.3 R1, before the sequence number check: a segment with
	 * a timestamp older than TS.Recent is an old duplicate (perhaps from
	 * a previous wrap of the sequence space): acknowledge and drop it.
	 */
	if (tl_paws_reject(tcb, seg, now)) {
		tcb->ack_pending = true;
		act->drop = TL_DROP_PAWS;
		return;
	}

	/*
	 * Simultaneous open, RFC 9293 figure 7 line 6: in SYN-RECEIVED the
	 * peer's SYN,ACK repeats the SYN received already (SEG.SEQ + 1 =
	 * RCV.NXT), so the acceptability test below would reject it, yet
	 * the figure has its ACK take this end to ESTABLISHED.  3.10.7.4
	 * lets a segment that starts before RCV.NXT be trimmed to its new
	 * parts: without the old SYN it is a bare ACK at RCV.NXT, and the
	 * repeated SYN still earns an acknowledgment.  Linux does the same
	 * for exactly this segment (no text, no FIN, acknowledging all we
	 * sent); anything else takes the ordinary path.
	 */
	if (tcb->state == TL_SYN_RECEIVED && !tcb->passive &&
	    (th->flags & (TL_TCP_SYN | TL_TCP_ACK | TL_TCP_RST | TL_TCP_FIN)) ==
	    (TL_TCP_SYN | TL_TCP_ACK) && !seg->len &&
	    th->seq + 1 == tcb->rcv_nxt && th->ack == tcb->snd_nxt) {
		trimmed = *seg;
		trimmed.th.flags &= ~TL_TCP_SYN;
		trimmed.th.seq = tcb->rcv_nxt;
		seg = &trimmed;
		th = &seg->th;
		tcb->ack_pending = true;
	}

	/* First, check sequence number. */
	if (!tl_seq_acceptable(tcb, th->seq, tl_seg_len(seg)) &&
	    /*
	     * "If the RCV.WND is zero, no segments will be acceptable, but
	     * special allowance should be made to accept valid ACKs, URGs,
	     * and RSTs."  A segment at RCV.NXT gets through; its text is
	     * trimmed to the (empty) window in the seventh step.
	     */
	    !(tcb->rcv_wnd == 0 && th->seq == tcb->rcv_nxt)) {
		act->drop = TL_DROP_SEQ;
		/*
		 * "If an incoming segment is not acceptable, an acknowledgment
		 * should be sent in reply (unless the RST bit is set, if so
		 * drop the segment and return)".
		 */
		if (tl_has(seg, TL_TCP_RST))
			return;
		tcb->ack_pending = true;
		/*
		 * A duplicate that ends exactly where our last ACK pointed is
		 * most likely the sender's retransmission after that ACK was
		 * lost.  RFC 7323 4.3 (2) would leave TS.Recent alone (the
		 * segment is not acceptable), and the ACK we now send would
		 * echo the timestamp of the first transmission: a sender
		 * that times retransmitted segments by their echo (Karn's
		 * rule leaves it nothing else, RFC 7323 4.1) then measures a
		 * whole RTO as the round trip, and its RTO grows with every
		 * ACK lost.  Linux's receiver accepts a segment ending at
		 * rcv_wup for this step (tcp_sequence()), so its ACK echoes
		 * the retransmission; do the same.  Against a Linux sender
		 * under 10% loss each way, the stale echo grew its RTO to
		 * seconds and stalled transfers for over a minute.
		 */
		if (tl_seq_geq(th->seq + tl_seg_len(seg), tcb->last_ack_sent))
			tl_ts_recent_update(tcb, seg, now);
		/* Data we hold already: our ACK was lost or late. */
		if (seg->len && tl_seq_leq(th->seq + seg->len, tcb->rcv_nxt)) {
			tl_delack_dup(tcb);
			tl_dsack_note(tcb, th->seq, th->seq + seg->len);
		}
		/*
		 * A retransmitted FIN in TIME-WAIT is old, so it always lands
		 * here: "Acknowledge it, and restart the 2 MSL timeout"
		 * (3.10.7.4 fifth and eighth, TIME-WAIT).
		 */
		if (tcb->state == TL_TIME_WAIT && tl_has(seg, TL_TCP_FIN))
			tl_timer_arm(tcb, TL_TIMER_TIME_WAIT,
				     now + 2 * (u64)tcb->cfg.msl_us, act);
		return;
	}

	/*
	 * Second, check the RST bit (RFC 5961 3.2, adopted by 3.10.7.4): out
	 * of window was dropped above; exactly RCV.NXT resets; anywhere
	 * else in the window gets a challenge ACK
	 * <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, so a blind attacker must hit
	 * the exact sequence number.
	 */
	if (tl_has(seg, TL_TCP_RST)) {
		if (th->seq != tcb->rcv_nxt) {
			tcb->ack_pending = true;
			act->drop = TL_DROP_RST_CHALLENGE;
			return;
		}
		tl_input_rst(tcb, act);
		return;
	}

	/*
	 * Third, check security.  Skipped: the check compares the IP
	 * security/compartment option (RFC 791, RFC 1108), which the glue
	 * does not pass to the core and Linux does not implement for TCP.
	 */

	/* Fourth, check the SYN bit. */
	if (tl_has(seg, TL_TCP_SYN)) {
		if (tcb->state == TL_SYN_RECEIVED && tcb->passive) {
			/*
			 * 3.10.7.4 fourth, SYN-RECEIVED: "If the connection was
			 * initiated with a passive OPEN, then return this
			 * connection to the LISTEN state and return."  The
			 * listener is still listening; this child ends.
			 */
			tl_conn_done(tcb, 0, act);
			return;
		}
		/*
		 * 3.10.7.4 fourth, synchronized states (RFC 5961 4.2): "If the
		 * SYN bit is set, irrespective of the sequence number, TCP
		 * endpoints MUST send a 'challenge ACK'" and drop the segment.
		 * A peer that really restarted answers it with a RST at
		 * exactly RCV.NXT.
		 */
		tcb->ack_pending = true;
		act->drop = TL_DROP_SYN_CHALLENGE;
		return;
	}

	/* Fifth, check the ACK field: "if the ACK bit is off, drop". */
	if (!tl_has(seg, TL_TCP_ACK)) {
		act->drop = TL_DROP_NO_ACK;
		return;
	}
	/* LAB handshake: begin */
	if (tcb->state == TL_SYN_RECEIVED) {
		if (!tl_seq_lt(tcb->snd_una, th->ack) ||
		    tl_seq_gt(th->ack, tcb->snd_max)) {
			/*
			 * "If the segment acknowledgment is not acceptable,
			 * form a reset segment <SEQ=SEG.ACK><CTL=RST> and send
			 * it."
			 */
			act->drop = TL_DROP_BAD_ACK;
			tl_reply_rst(seg, act);
			return;
		}
		/*
		 * 3.10.7.4 fifth, SYN-RECEIVED: "If SND.UNA < SEG.ACK =<
		 * SND.NXT, then enter ESTABLISHED state and continue
		 * processing with the variables below set to: SND.WND <-
		 * SEG.WND, SND.WL1 <- SEG.SEQ, SND.WL2 <- SEG.ACK".
		 */
		tl_set_state(tcb, TL_ESTABLISHED, now, act);
		tl_established(tcb, now);
		tl_snd_wnd_set(tcb, th);
		if (tcb->fin_queued) {
			/*
			 * 3.10.4 CLOSE in SYN-RECEIVED with data pending: the
			 * close was "queued for processing after entering
			 * ESTABLISHED state"; now it is: FIN-WAIT-1.
			 */
			tl_set_state(tcb, TL_FIN_WAIT_1, now, act);
		}
	}
	/* LAB handshake: end */
	if (!tl_input_ack(tcb, seg, now, act))
		return;

	/* LAB close: begin */
	switch (tcb->state) {
	case TL_FIN_WAIT_1:
		/*
		 * 3.10.7.4 fifth, FIN-WAIT-1: "if the FIN segment is now
		 * acknowledged, then enter FIN-WAIT-2 and continue processing
		 * in that state."
		 */
		if (tl_fin_acked(tcb))
			tl_set_state(tcb, TL_FIN_WAIT_2, now, act);
		break;
	case TL_CLOSING:
		/*
		 * 3.10.7.4 fifth, CLOSING: "if the ACK acknowledges our FIN,
		 * then enter the TIME-WAIT state; otherwise, ignore the
		 * segment."
		 */
		if (tl_fin_acked(tcb))
			tl_set_state(tcb, TL_TIME_WAIT, now, act);
		return;
	case TL_LAST_ACK:
		/*
		 * 3.10.7.4 fifth, LAST-ACK: "If our FIN is now acknowledged,
		 * delete the TCB, enter the CLOSED state, and return."
		 */
		if (tl_fin_acked(tcb))
			tl_conn_done(tcb, 0, act);
		return;
	default:
		break;
	}
	/* LAB close: end */

	/* Sixth to eighth steps. */
	tl_input_text_fin(tcb, seg, th->seq, now, act);
}

void tl_input(struct tl_tcb *tcb, const struct tl_seg_in *seg, u64 now,
	      struct tl_actions *act)
{
	tl_actions_clear(act);

	switch (tcb->state) {
	case TL_CLOSED:
		tl_input_closed(seg, act);
		return;
	case TL_LISTEN:
		tl_input_listen(seg, act);
		return;
	case TL_SYN_SENT:
		tl_input_syn_sent(tcb, seg, now, act);
		break;
	default:
		/* Any segment shows the peer alive (tl_keepalive.c). */
		tl_keepalive_rcv(tcb, now);
		tl_input_other(tcb, seg, now, act);
		break;
	}
	/* Send what the segment made possible: ACKs, data, FIN. */
	if (tcb->state != TL_CLOSED)
		tl_transmit(tcb, now, act);
}
