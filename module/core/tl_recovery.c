// SPDX-License-Identifier: GPL-2.0
/*
 * tl_recovery.c - loss recovery driven by ACKs and by the retransmission
 * timeout:
 *
 *   - fast retransmit on the third duplicate ACK (RFC 5681 3.2) and, when
 *     SACK is not in use, NewReno fast recovery (RFC 6582 3.2): the
 *     window is inflated by duplicate ACKs and every partial ACK sends
 *     the next hole again;
 *   - with SACK negotiated, conservative SACK-based loss recovery (RFC
 *     6675): the scoreboard says which bytes are lost (IsLost), "pipe"
 *     estimates what is still in the network, and NextSeg() picks what
 *     to send while cwnd - pipe allows a full segment;
 *   - after a retransmission timeout the same machinery resends what the
 *     scoreboard does not cover (the "Loss" state, RFC 6675 5.1), or
 *     without SACK goes back N from SND.UNA.
 *
 * ca_state mirrors Linux's TCP_CA_* states so that TCP_INFO reads
 * naturally: Open, Disorder (something odd seen), Recovery, Loss.
 */
#include "tl_types.h"
#include "tl_tcb_priv.h"

static const char *const tl_rtx_kind_names[TL_RTX_NR] = {
	[TL_RTX_RTO]	= "rto",
	[TL_RTX_SYN]	= "syn",
	[TL_RTX_FAST]	= "fast",
	[TL_RTX_SACK]	= "sack",
	[TL_RTX_PROBE]	= "probe",
};

const char *tl_rtx_kind_name(u8 kind)
{
	return kind < TL_RTX_NR ? tl_rtx_kind_names[kind] : "invalid";
}

static const char *const tl_cc_event_names[TL_CC_EV_NR] = {
	[TL_CC_EV_INIT]			= "init",
	[TL_CC_EV_ACK]			= "ack",
	[TL_CC_EV_RTT]			= "rtt",
	[TL_CC_EV_LOSS]			= "loss",
	[TL_CC_EV_RECOVERY_ENTER]	= "recovery_enter",
	[TL_CC_EV_RECOVERY_EXIT]	= "recovery_exit",
	[TL_CC_EV_RTO]			= "rto",
	[TL_CC_EV_BACKOFF]		= "backoff",
	[TL_CC_EV_UNDO]			= "undo",
};

const char *tl_cc_event_name(u8 ev)
{
	return ev < TL_CC_EV_NR ? tl_cc_event_names[ev] : "invalid";
}

void tl_cc_event(struct tl_actions *act, u8 ev)
{
	if (act->ncc_ev < TL_ACT_MAX_CC_EV)
		act->cc_ev[act->ncc_ev++] = ev;
}

void tl_recovery_init(struct tl_tcb *tcb)
{
	struct tl_recovery *rec = &tcb->rec;

	rec->ca_state = TL_CA_OPEN;
	rec->sack = false;
	/*
	 * RFC 6582 3.2 step 1 leaves "recover" at the initial send sequence
	 * number, so the first fast retransmit is allowed.
	 */
	rec->recover = tcb->iss;
	rec->high_rxt = tcb->snd_una;
	tl_sack_clear(&rec->sb);
}

/*
 * Is the hole starting at @seq lost?  After a timeout everything sent
 * before it (below "recover") is.  Once in fast recovery, any hole with
 * SACKed data above it is (forward acknowledgment, as Linux's FACK did:
 * on a path that does not reorder, data sent later arrived and this did
 * not); the entry into recovery still waits for RFC 6675's IsLost().
 */
static bool tl_hole_lost(const struct tl_tcb *tcb, u32 seq)
{
	const struct tl_recovery *rec = &tcb->rec;

	if (rec->ca_state == TL_CA_LOSS && tl_seq_lt(seq, rec->recover))
		return true;
	if (rec->ca_state == TL_CA_RECOVERY)
		return tl_sack_bytes_above(&rec->sb, seq, NULL) > 0;
	return tl_sack_is_lost(&rec->sb, seq, tcb->snd_mss);
}

/*
 * The next hole at or after @from below SND.MAX, split at "recover" so
 * that a hole is entirely below it (sent before the episode) or above.
 */
static bool tl_rec_next_hole(const struct tl_tcb *tcb, u32 from, u32 *s,
			     u32 *e)
{
	const struct tl_recovery *rec = &tcb->rec;

	if (!tl_sack_next_hole(&rec->sb, from, tcb->snd_max, s, e))
		return false;
	if (tl_seq_lt(*s, rec->recover) && tl_seq_gt(*e, rec->recover))
		*e = rec->recover;
	return true;
}

/*
 * RFC 6675 Section 4, SetPipe(): for each octet between SND.UNA and
 * SND.MAX not SACKed, "(a) If IsLost (S1) returns false: Pipe is
 * incremented by 1 octet.  (b) If S1 <= HighRxt: Pipe is incremented by
 * 1 octet."  Holes are lost or not as a whole (the SACKed bytes above
 * every byte of a hole are the same), so it sums holes.
 */
u32 tl_recovery_pipe(const struct tl_tcb *tcb)
{
	const struct tl_recovery *rec = &tcb->rec;
	u32 from = tcb->snd_una, s, e, pipe = 0;

	while (tl_rec_next_hole(tcb, from, &s, &e)) {
		if (!tl_hole_lost(tcb, s))
			pipe += e - s;
		if (rec->ca_state >= TL_CA_RECOVERY && tl_seq_lt(s, rec->high_rxt))
			pipe += tl_seq_min(e, rec->high_rxt) - s;
		from = e;
	}
	return pipe;
}

/* Bytes the scoreboard considers lost (TCP_INFO's tcpi_lost). */
u32 tl_recovery_lost(const struct tl_tcb *tcb)
{
	const struct tl_recovery *rec = &tcb->rec;
	u32 from = tcb->snd_una, s, e, lost = 0;

	if (rec->ca_state < TL_CA_RECOVERY)
		return 0;
	while (tl_rec_next_hole(tcb, from, &s, &e)) {
		if (tl_hole_lost(tcb, s))
			lost += e - s;
		from = e;
	}
	return lost;
}

/* Bytes retransmitted and not yet acknowledged (tcpi_retrans). */
u32 tl_recovery_retrans_out(const struct tl_tcb *tcb)
{
	const struct tl_recovery *rec = &tcb->rec;
	u32 from = tcb->snd_una, s, e, n = 0;

	if (rec->ca_state < TL_CA_RECOVERY)
		return 0;
	while (tl_rec_next_hole(tcb, from, &s, &e) &&
	       tl_seq_lt(s, rec->high_rxt)) {
		n += tl_seq_min(e, rec->high_rxt) - s;
		from = e;
	}
	return n;
}

/* During SACK recovery new data too waits for cwnd - pipe >= 1 byte. */
bool tl_recovery_room(const struct tl_tcb *tcb, u32 *room)
{
	u32 pipe;

	if (tcb->rec.ca_state < TL_CA_RECOVERY || !tcb->rec.sack ||
	    !tcb->cc.ops)
		return false;
	pipe = tl_recovery_pipe(tcb);
	*room = tcb->cc.cwnd > pipe ? tcb->cc.cwnd - pipe : 0;
	return true;
}

/*
 * Send the next lost hole at or after HighRxt, at most one SMSS: NextSeg()
 * rule (1) of RFC 6675 Section 4.  False if there is none (or no room in
 * the actions).
 */
static bool tl_sack_rtx_next(struct tl_tcb *tcb, u8 kind, u64 now,
			     struct tl_actions *act)
{
	struct tl_recovery *rec = &tcb->rec;
	u32 from = tl_seq_max(rec->high_rxt, tcb->snd_una), s, e, n;

	if (!tl_rec_next_hole(tcb, from, &s, &e))
		return false;
	/*
	 * Rule (1) wants IsLost(S2); holes further up have fewer SACKed
	 * bytes above them, so if this one is not lost none is.
	 */
	if (!tl_hole_lost(tcb, s))
		return false;
	n = tl_retransmit_range(tcb, s, min_t(u32, e - s, tcb->snd_mss), kind,
				now, act);
	if (!n)
		return false;
	/* "set HighRxt to the highest sequence number of the retransmitted
	 * segment" (Section 5, step (C.3)).
	 */
	rec->high_rxt = s + n;
	rec->first_rtx_done = true;
	return true;
}

/*
 * RFC 6675 Section 5 step (C): "If cwnd - pipe >= 1 SMSS, the sender
 * SHOULD transmit one or more segments" chosen by NextSeg().  Rule (2),
 * new data, is left to tl_transmit_data(), which tl_recovery_room()
 * limits the same way; rules (3) and (4) are not used (the RTO covers
 * what they would).  Called before new data from tl_transmit().
 */
void tl_recovery_transmit(struct tl_tcb *tcb, u64 now, struct tl_actions *act)
{
	struct tl_recovery *rec = &tcb->rec;

	if (rec->ca_state < TL_CA_RECOVERY || !rec->sack)
		return;
	for (;;) {
		if (tcb->cc.ops) {
			u32 pipe = tl_recovery_pipe(tcb);

			if (tcb->cc.cwnd <= pipe ||
			    tcb->cc.cwnd - pipe < tcb->snd_mss)
				break;
		}
		if (!tl_sack_rtx_next(tcb, rec->ca_state == TL_CA_LOSS ?
				      TL_RTX_RTO : TL_RTX_SACK, now, act))
			break;
	}
}

static void tl_recovery_enter(struct tl_tcb *tcb, u64 now,
			      struct tl_actions *act)
{
	struct tl_recovery *rec = &tcb->rec;
	u32 flight = tcb->snd_max - tcb->snd_una;

	/* LAB recovery: begin */
	/*
	 * RFC 6582 3.2 step 2 / RFC 6675 step (4.1): "RecoveryPoint =
	 * HighData" - recovery ends when everything sent so far is
	 * acknowledged.
	 */
	rec->recover = tcb->snd_max;
	/* LAB recovery: end */
	rec->ca_state = TL_CA_RECOVERY;
	rec->sack = tcb->opts & TL_TCB_SACK;
	rec->high_rxt = tcb->snd_una;
	rec->first_rtx_done = false;
	/*
	 * RFC 5681 3.2 step 2 (equation 4) / RFC 6675 (4.2): ssthresh =
	 * cwnd = FlightSize / 2 - or what the algorithm prefers (CUBIC:
	 * beta = 0.7).  What it was before is kept, should the loss turn
	 * out to have been reordering (tl_undo.c).
	 */
	tl_undo_begin(tcb);
	if (tcb->cc.ops)
		tcb->cc.ops->on_loss(&tcb->cc, flight, now);
	tl_cc_event(act, TL_CC_EV_LOSS);
	tl_cc_event(act, TL_CC_EV_RECOVERY_ENTER);

	if (rec->sack) {
		/*
		 * RFC 6675 (4.3): "Retransmit the first data segment presumed
		 * dropped"; step (C) follows in tl_recovery_transmit().
		 */
		tl_sack_rtx_next(tcb, TL_RTX_FAST, now, act);
		return;
	}
	/* LAB recovery: begin */
	/* RFC 5681 3.2 step 3 / RFC 6582 3.2 step 2: retransmit ... */
	tl_retransmit_range(tcb, tcb->snd_una, tcb->snd_mss, TL_RTX_FAST, now,
			    act);
	/* ... "set cwnd to ssthresh plus 3*SMSS" (window inflation). */
	if (tcb->cc.ops)
		tcb->cc.cwnd = tcb->cc.ssthresh + 3 * tcb->snd_mss;
	/* LAB recovery: end */
}

static void tl_recovery_exit(struct tl_tcb *tcb, struct tl_actions *act)
{
	struct tl_recovery *rec = &tcb->rec;
	/* LAB recovery: begin */
	u32 flight = tcb->snd_max - tcb->snd_una;

	if (rec->ca_state == TL_CA_RECOVERY && tcb->cc.ops) {
		/*
		 * RFC 6582 3.2 step 3, full acknowledgment, option (1): "Set
		 * cwnd to min (ssthresh, max(FlightSize, SMSS) + SMSS)" -
		 * deflate without a burst.  SACK recovery kept cwnd at
		 * ssthresh all along (RFC 6675 step 4.2).
		 */
		u32 w = max_t(u32, flight, tcb->snd_mss) + tcb->snd_mss;

		tcb->cc.cwnd = min_t(u32, tcb->cc.ssthresh, w);
	}
	/* LAB recovery: end */
	rec->ca_state = rec->sb.n ? TL_CA_DISORDER : TL_CA_OPEN;
	tcb->dupacks = 0;
	tl_cc_event(act, TL_CC_EV_RECOVERY_EXIT);
}

/*
 * NewReno while in fast recovery without SACK: another duplicate ACK
 * (RFC 5681 3.2 step 4) and a partial acknowledgment (RFC 6582 3.2
 * step 3).
 */
static void tl_newreno_ack(struct tl_tcb *tcb, u32 acked, bool dup, u64 now,
			   struct tl_actions *act)
{
	/* LAB recovery: begin */
	u32 mss = tcb->snd_mss;

	if (dup) {
		/* RFC 5681 3.2 step 4: one SMSS more per further dupack. */
		if (tcb->cc.ops)
			tcb->cc.cwnd += mss;
		return;
	}
	if (!acked)
		return;
	/*
	 * RFC 6582 3.2 step 3, partial acknowledgment: "retransmit the
	 * first unacknowledged segment.  Deflate the congestion window by
	 * the amount of new data acknowledged by the Cumulative
	 * Acknowledgment field.  If the partial ACK acknowledges at least
	 * one SMSS of new data, then add back SMSS bytes to the congestion
	 * window."  The timer was restarted with the ACK (the
	 * "Slow-but-Steady" variant of Section 4).
	 */
	tl_retransmit_range(tcb, tcb->snd_una, mss, TL_RTX_FAST, now, act);
	if (tcb->cc.ops) {
		tcb->cc.cwnd -= min_t(u32, acked, tcb->cc.cwnd);
		if (acked >= mss)
			tcb->cc.cwnd += mss;
		tcb->cc.cwnd = max_t(u32, tcb->cc.cwnd, mss);
	}
	/* LAB recovery: end */
}

/* SACKed bytes in [SND.UNA, @end). */
static u32 tl_sacked_below(const struct tl_tcb *tcb, u32 end)
{
	const struct tl_sack_sb *sb = &tcb->rec.sb;

	return tl_sack_bytes(sb) - tl_sack_bytes_above(sb, end - 1, NULL);
}

/*
 * Merge an ACK's SACK blocks into the scoreboard (RFC 2018, RFC 6675
 * Section 3) and return the bytes newly SACKed.
 *
 * Lost retransmissions: RFC 6675 only notices them by the RTO.  During
 * recovery tcplab sends holes again in sequence order, so when data
 * below HighRxt becomes SACKed - a later retransmission arrived - while
 * the first hole is still missing, that hole's retransmission is taken
 * as lost and HighRxt goes back to it (Linux did the same before RACK).
 */
u32 tl_recovery_sack(struct tl_tcb *tcb, const struct tl_seg_in *seg)
{
	struct tl_recovery *rec = &tcb->rec;
	bool track = rec->ca_state >= TL_CA_RECOVERY && rec->sack &&
		     tl_seq_gt(rec->high_rxt, tcb->snd_una);
	u32 before = track ? tl_sacked_below(tcb, rec->high_rxt) : 0;
	u32 n, s, e;

	n = tl_sack_update(&rec->sb, tcb->snd_una, tcb->snd_max,
			   seg->opts.sack, seg->opts.nr_sack);
	if (track && n && tl_sacked_below(tcb, rec->high_rxt) > before &&
	    tl_rec_next_hole(tcb, tcb->snd_una, &s, &e) &&
	    tl_seq_lt(s, rec->high_rxt) && tl_hole_lost(tcb, s))
		rec->high_rxt = s;
	return n;
}

/*
 * Tail loss probe (RFC 8985 Section 7): when a flight's last segments
 * are lost, no ACK arrives to trigger fast recovery and only the RTO -
 * at least 200 ms - would help.  So, with SACK and an RTT estimate and
 * outside recovery, the timer first runs for PTO = 2 * SRTT (at least
 * 10 ms; plus a delayed ACK's 200 ms when only one segment is out).
 * Returns the PTO in microseconds, or 0 when no probe is due.
 */
u32 tl_recovery_pto(struct tl_tcb *tcb)
{
	const struct tl_recovery *rec = &tcb->rec;
	u32 pto;

	if (!tl_state_synchronized(tcb->state) || !(tcb->opts & TL_TCB_SACK) ||
	    rec->ca_state >= TL_CA_RECOVERY || rec->tlp_out ||
	    !tcb->rto.srtt8 || tcb->snd_una == tcb->snd_max ||
	    tcb->rto.backoff)
		return 0;
	pto = max_t(u32, 2 * tl_rto_srtt(&tcb->rto), 10000);
	if (tcb->snd_max - tcb->snd_una <= tcb->snd_mss)
		pto += 200000;
	return pto;
}

/*
 * RFC 8985 7.2: after sending, the probe timer is (re)armed for PTO from
 * now if that comes before the pending deadline (the RTO, or when only
 * the first segment was out, a PTO that included the delayed ACK).
 */
void tl_recovery_arm_probe(struct tl_tcb *tcb, u64 now,
			   struct tl_actions *act)
{
	u32 pto = tl_recovery_pto(tcb);

	if (!pto || !tcb->timer[TL_TIMER_RTX] ||
	    now + pto >= tcb->timer[TL_TIMER_RTX])
		return;
	tcb->rec.tlp_armed = true;
	tl_timer_arm(tcb, TL_TIMER_RTX, now + pto, act);
}

/*
 * The PTO expired: RFC 8985 7.3, send one probe - here the last segment
 * again - so that its ACK (with SACK blocks) reveals any loss, and arm
 * the real RTO.  False if no probe fits (the caller then treats the
 * expiry as a timeout).
 */
bool tl_recovery_probe(struct tl_tcb *tcb, u64 now, struct tl_actions *act)
{
	struct tl_recovery *rec = &tcb->rec;
	u32 start = tcb->snd_max - tcb->snd_una > tcb->snd_mss ?
		    tcb->snd_max - tcb->snd_mss : tcb->snd_una;

	rec->tlp_armed = false;
	if (rec->ca_state >= TL_CA_RECOVERY)
		return false;
	rec->tlp_out = true;
	if (!tl_retransmit_range(tcb, start, tcb->snd_max - start, TL_RTX_PROBE,
				 now, act))
		return false;
	tl_rtx_timer_restart(tcb, now, act);
	return true;
}

void tl_recovery_ack(struct tl_tcb *tcb, u32 prev_una, bool dup,
		     u32 sack_new, u64 now, struct tl_actions *act)
{
	struct tl_recovery *rec = &tcb->rec;
	u32 acked = tcb->snd_una - prev_una;

	if (rec->ca_state >= TL_CA_RECOVERY) {
		if (acked && tl_seq_geq(tcb->snd_una, rec->recover)) {
			tl_recovery_exit(tcb, act);
			return;
		}
		if (rec->ca_state == TL_CA_RECOVERY && !rec->sack)
			tl_newreno_ack(tcb, acked, dup, now, act);
		/* SACK: tl_transmit() runs step (C) after this ACK. */
		return;
	}

	if (!dup && !sack_new && !(rec->tlp_out && rec->sb.n && !acked)) {
		if (acked)
			rec->ca_state = rec->sb.n ? TL_CA_DISORDER : TL_CA_OPEN;
		return;
	}
	rec->ca_state = TL_CA_DISORDER;
	/*
	 * RFC 6582 3.2 step 2: no new fast retransmit until the cumulative
	 * ACK covers "recover" (duplicates of data sent before an earlier
	 * recovery or timeout would trigger it in vain).
	 */
	if (!tl_seq_geq(tcb->snd_una, rec->recover) ||
	    tcb->snd_una == tcb->snd_max)
		return;
	/*
	 * RFC 5681 3.2: the third duplicate ACK; RFC 6675 Section 5: "or
	 * ... IsLost (HighACK + 1) returns true" - the SACK blocks show
	 * enough data above the first hole.
	 */
	if (tcb->dupacks >= TL_DUPTHRESH ||
	    ((tcb->opts & TL_TCB_SACK) &&
	     tl_sack_is_lost(&rec->sb, tcb->snd_una, tcb->snd_mss)))
		tl_recovery_enter(tcb, now, act);
	/*
	 * RFC 8985 7.4: the answer to a loss probe shows SACKed data above
	 * a hole - the hole is the loss the probe was sent to reveal.
	 */
	else if (rec->tlp_out && rec->sb.n && !acked)
		tl_recovery_enter(tcb, now, act);
}

void tl_recovery_rto(struct tl_tcb *tcb, u64 now, struct tl_actions *act)
{
	struct tl_recovery *rec = &tcb->rec;

	if (rec->ca_state < TL_CA_RECOVERY)
		tl_cc_event(act, TL_CC_EV_RECOVERY_ENTER);
	/* LAB recovery: begin */
	/*
	 * RFC 6582 3.2 / RFC 6675 5.1: after a timeout "recover" (the
	 * RecoveryPoint) is HighData, so duplicate ACKs for data sent
	 * before the timeout start no fast retransmit.
	 */
	rec->ca_state = TL_CA_LOSS;
	rec->recover = tcb->snd_max;
	/* LAB recovery: end */
	rec->high_rxt = tcb->snd_una;
	rec->sack = tcb->opts & TL_TCB_SACK;
	rec->first_rtx_done = false;
	tl_undo_forget(tcb);

	if (rec->sack) {
		/*
		 * RFC 6675 5.1: keep the scoreboard and resend only what it
		 * does not cover.  A second timeout in a row may mean the
		 * peer dropped data it had SACKed (reneging, RFC 2018 8):
		 * then forget the SACK information ("MAY clear").
		 */
		if (tcb->retries > 1)
			tl_sack_clear(&rec->sb);
		tl_sack_rtx_next(tcb, TL_RTX_RTO, now, act);
		return;
	}
	/*
	 * RFC 6298 5.4: "Retransmit the earliest segment that has not been
	 * acknowledged".  tcplab then goes back N: SND.NXT restarts right
	 * after that segment and tl_transmit() resends the rest as the
	 * (reduced) congestion window allows.
	 */
	tcb->snd_nxt = tcb->snd_una;
	tl_retransmit_head(tcb, now, act);
}
