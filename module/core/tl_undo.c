// SPDX-License-Identifier: GPL-2.0
/*
 * tl_undo.c - a fast retransmit found spurious by D-SACK, and undone.
 *
 * Three duplicate ACKs (or SACK blocks above a hole) say that a segment
 * is lost, but a path that reorders segments produces them as well: the
 * segment was only late, arrives after the retransmission, and the
 * window was cut for nothing.  A receiver that implements D-SACK (RFC
 * 2883; Linux does) reports every duplicate segment it receives in the
 * first SACK block of its ACK, so the sender learns that a copy it sent
 * again was not needed.
 *
 * RFC 3708 Section 3 turns that into a test: count the retransmissions
 * of a loss recovery episode and the D-SACKs for them; when every
 * retransmission has come back as a duplicate, nothing was lost and the
 * episode was spurious.  The RFC leaves the response open; tcplab, as
 * Linux (tcp_try_undo_dsack(), tcp_undo_cwnd_reduction()), puts back
 * the congestion state of before the episode - ssthresh and the
 * algorithm's own state, and cwnd unless it has grown past that since -
 * once the episode is over.
 *
 * Only fast recovery is undone.  A retransmission timeout ends the
 * chance (the Loss state keeps its cut): undoing it safely needs the
 * Eifel or F-RTO machinery (RFC 4015, RFC 5682), which tcplab lacks.
 */
#include "tl_types.h"
#include "tl_tcb_priv.h"

/* A fast recovery episode begins; called before cwnd is cut. */
void tl_undo_begin(struct tl_tcb *tcb)
{
	struct tl_recovery *rec = &tcb->rec;

	rec->undo_ok = tcb->cc.ops && (tcb->opts & TL_TCB_SACK);
	rec->undo_marker = tcb->snd_una;
	rec->undo_rtx = 0;
	rec->undo_dsacked = 0;
	rec->undo_cc = tcb->cc;
}

/* A timeout: what it cut stays cut. */
void tl_undo_forget(struct tl_tcb *tcb)
{
	tcb->rec.undo_ok = false;
}

/* One more segment of the episode was sent again. */
void tl_undo_count_rtx(struct tl_tcb *tcb)
{
	if (tcb->rec.undo_ok)
		tcb->rec.undo_rtx++;
}

/*
 * RFC 2883 Section 4: the first SACK block of an ACK is a D-SACK when it
 * lies below the cumulative ACK, or inside the second block (a duplicate
 * of data SACKed already).  Each duplicate of the episode's data -
 * between where it began and its recovery point - counts one segment per
 * SMSS it spans.
 */
void tl_undo_dsack(struct tl_tcb *tcb, const struct tl_seg_in *seg)
{
	struct tl_recovery *rec = &tcb->rec;
	const struct tl_sack_block *b = seg->opts.sack;
	u32 mss = max_t(u32, tcb->snd_mss, 1);
	u32 s, e;

	if (!rec->undo_ok || !seg->opts.nr_sack)
		return;
	s = b[0].start;
	e = b[0].end;
	if (!tl_seq_lt(s, e))
		return;
	if (!tl_seq_leq(e, seg->th.ack) &&
	    !(seg->opts.nr_sack > 1 && tl_seq_geq(s, b[1].start) &&
	      tl_seq_leq(e, b[1].end)))
		return;
	if (tl_seq_lt(s, rec->undo_marker) || tl_seq_gt(e, rec->recover))
		return;
	rec->undo_dsacked += (e - s + mss - 1) / mss;
}

/*
 * After an ACK: once the episode is over and every one of its
 * retransmissions was a duplicate, give back what the loss took.
 */
void tl_undo_check(struct tl_tcb *tcb, struct tl_actions *act)
{
	struct tl_recovery *rec = &tcb->rec;
	u32 cwnd = tcb->cc.cwnd, mss = tcb->cc.mss;

	if (!rec->undo_ok || rec->ca_state >= TL_CA_RECOVERY ||
	    !rec->undo_rtx || rec->undo_dsacked < rec->undo_rtx)
		return;
	rec->undo_ok = false;
	if (rec->undo_cc.ops == tcb->cc.ops)
		tcb->cc = rec->undo_cc;
	else
		tcb->cc.ssthresh = rec->undo_cc.ssthresh;
	tcb->cc.mss = mss;
	tcb->cc.cwnd = max_t(u32, cwnd, rec->undo_cc.cwnd);
	tl_cc_event(act, TL_CC_EV_UNDO);
}
