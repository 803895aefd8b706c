// SPDX-License-Identifier: GPL-2.0
/*
 * tl_persist.c - the persist timer: probing a closed window.
 *
 * RFC 9293 3.8.6.1: "The sending TCP peer must regularly retransmit to
 * the receiving TCP peer even when the window is zero, in order to
 * 'unlock' the window ... The transmitting host SHOULD send the first
 * zero-window probe when a zero window has existed for the retransmission
 * timeout period, and SHOULD increase exponentially the interval between
 * successive probes."  Without it, a lost window update would leave both
 * ends waiting for ever: the receiver has nothing to send, the sender is
 * not allowed to.
 *
 * The timer runs while data waits, nothing is in flight (so no ACK will
 * come by itself) and the window is what holds the data back: zero, or
 * too small for sender SWS avoidance (3.8.6.2.1).  When it fires:
 *  - window zero: a probe <SEQ=SND.UNA-1><ACK=RCV.NXT><CTL=ACK> without
 *    data, which the peer must answer with its window (Linux's
 *    tcp_send_probe0() does the same; the RFC's alternative, one byte of
 *    new data, is refused by a full receiver all the same);
 *  - a small window open: as much data as it admits (the SWS "override
 *    timeout").
 * Intervals: RTO, 2 RTO, 4 RTO, ... up to the RTO maximum (Linux: the
 * same).  The probes never give up while they are answered (3.8.6.1: "as
 * long as the receiving TCP continues to send acknowledgments in
 * response to the probe segments, the sending TCP MUST allow the
 * connection to stay open"), except an orphan's (tl_orphan()).
 */
#include "tl_types.h"
#include "tl_tcb_priv.h"

static u64 tl_persist_interval(const struct tl_tcb *tcb)
{
	u64 t = tl_rto_timeout(&tcb->rto);
	u8 i;

	for (i = 0; i < tcb->persist_backoff && t < tcb->cfg.rto_max_us; i++)
		t <<= 1;
	return min_t(u64, t, max_t(u64, tcb->cfg.rto_max_us,
				   tl_rto_timeout(&tcb->rto)));
}

/*
 * After a transmit pass: @wnd_held says the window kept queued data
 * back.  Arm the timer if that happens with nothing in flight, stop it
 * once data flows again.
 */
void tl_persist_check(struct tl_tcb *tcb, bool wnd_held, u64 now,
		      struct tl_actions *act)
{
	if (wnd_held && tcb->snd_una == tcb->snd_max) {
		if (!tcb->timer[TL_TIMER_PERSIST])
			tl_timer_arm(tcb, TL_TIMER_PERSIST,
				     now + tl_persist_interval(tcb), act);
		return;
	}
	if (tcb->timer[TL_TIMER_PERSIST])
		tl_timer_cancel(tcb, TL_TIMER_PERSIST, act);
	if (!wnd_held)
		tcb->persist_backoff = 0;
}

void tl_persist_timeout(struct tl_tcb *tcb, u64 now, struct tl_actions *act)
{
	if (!tl_state_synchronized(tcb->state) ||
	    tcb->snd_una != tcb->snd_max || !tl_snd_avail(tcb))
		return;		/* data flows again; tl_transmit() follows */
	if (tl_snd_usable(tcb)) {
		/*
		 * The SWS override: data goes out and the retransmission
		 * timer watches it; the next hold starts from one RTO again
		 * (only probes of a zero window back off).
		 */
		tl_send_probe(tcb, now, act);
		tcb->persist_backoff = 0;
	} else {
		/*
		 * Answered probes keep a connection open for ever, but not an
		 * orphan's: it gives up after orphan_retries of them, as
		 * Linux's tcp_probe_timer() does.
		 */
		if (tcb->orphan &&
		    tcb->persist_backoff >= tcb->cfg.orphan_retries) {
			tl_conn_done(tcb, -ETIMEDOUT, act);
			return;
		}
		tl_send_window_probe(tcb, now, act);
		if (tcb->persist_backoff < 16)
			tcb->persist_backoff++;
	}
	/* Still nothing in flight (a zero-window probe): probe again later. */
	if (tcb->snd_una == tcb->snd_max)
		tl_timer_arm(tcb, TL_TIMER_PERSIST,
			     now + tl_persist_interval(tcb), act);
}
