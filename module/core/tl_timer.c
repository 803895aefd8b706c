// SPDX-License-Identifier: GPL-2.0
/*
 * tl_timer.c - timeouts (RFC 9293 Section 3.10.8) and the retransmission
 * timer rules of RFC 6298 Section 5.
 *
 * The glue runs one kernel timer per enum tl_timer_id, armed and cancelled
 * as the actions say, and calls tl_timer() when it fires.  The core keeps
 * its own copy of each deadline, so a timer that fires late, after being
 * re-armed or cancelled by an action the glue has not applied yet, is
 * recognised and ignored.
 */
#include "tl_types.h"
#include "tl_tcb_priv.h"

/* Timeouts in a row without progress before the connection is dropped. */
u8 tl_retry_limit(const struct tl_tcb *tcb)
{
	if (tcb->orphan && tcb->cfg.orphan_retries < tcb->cfg.data_retries)
		return tcb->cfg.orphan_retries;
	return tcb->cfg.data_retries;
}

/*
 * An orphan in FIN-WAIT-2 waits for the peer's FIN at most fin_timeout
 * (Linux: tcp_fin_timeout, 60 s; the RFC sets no limit).  It shares the
 * TIME-WAIT timer, which FIN-WAIT-2 has no other use for: the peer's FIN
 * re-arms it for 2 * MSL on the way to TIME-WAIT.
 */
void tl_fin_wait_2_timer(struct tl_tcb *tcb, u64 now, struct tl_actions *act)
{
	tl_timer_arm(tcb, TL_TIMER_TIME_WAIT, now + tcb->cfg.fin_timeout_us,
		     act);
}

/*
 * TCP_USER_TIMEOUT (RFC 5482; RFC 9293 3.8.3 lets the application set
 * the "USER TIMEOUT" of 3.10.8): once the retransmission timer has
 * expired, the connection fails when what it is about has stayed
 * unacknowledged for the user timeout, counted from rtx_stamp, as
 * Linux's retransmits_timed_out() counts from retrans_stamp.
 */
bool tl_user_timed_out(const struct tl_tcb *tcb, u64 now)
{
	return tcb->cfg.user_timeout_ms && tcb->retries &&
	       now - tcb->rtx_stamp >=
	       (u64)tcb->cfg.user_timeout_ms * TL_USEC_PER_MSEC;
}

/*
 * A retransmission timer due at @expires, once timeouts have begun:
 * not later than the user timeout, so that it is met on time rather
 * than at the next backed-off RTO (Linux's
 * tcp_clamp_rto_to_user_timeout()).
 */
u64 tl_user_timeout_clamp(const struct tl_tcb *tcb, u64 now, u64 expires)
{
	u64 end;

	if (!tcb->cfg.user_timeout_ms || !tcb->retries)
		return expires;
	end = tcb->rtx_stamp +
	      (u64)tcb->cfg.user_timeout_ms * TL_USEC_PER_MSEC;
	return min_t(u64, expires, max_t(u64, end, now));
}

static void tl_rtx_timeout(struct tl_tcb *tcb, u64 now,
			   struct tl_actions *act)
{
	switch (tcb->state) {
	case TL_SYN_SENT:
	case TL_SYN_RECEIVED:
		/*
		 * Our SYN (or SYN,ACK) was lost.  Give up after syn_retries
		 * retransmissions (Linux: tcp_syn_retries / tcp_synack_retries;
		 * RFC 9293 3.8.3 R2 for SYNs "MUST be set large enough to
		 * provide retransmission of the SYN segment for at least 3
		 * minutes" - with 6 retries and 1 s doubling that is 127 s,
		 * the same compromise Linux makes).
		 */
		if (tcb->retries >= tcb->cfg.syn_retries ||
		    tl_user_timed_out(tcb, now)) {
			/* 3.10.8 USER TIMEOUT: "delete the TCB, enter CLOSED" */
			tl_conn_done(tcb, -ETIMEDOUT, act);
			return;
		}
		tcb->retries++;
		tl_rto_backoff(&tcb->rto);		/* RFC 6298 5.5 */
		tl_cc_event(act, TL_CC_EV_BACKOFF);
		tl_send_syn(tcb, now, act);		/* 5.4 and 5.6 */
		return;
	case TL_CLOSED:
	case TL_LISTEN:
	case TL_TIME_WAIT:
		return;
	default:
		break;
	}

	/* Nothing outstanding: a stale timer (persist has its own). */
	if (tcb->snd_una == tcb->snd_max)
		return;

	/* Not the RTO yet: the tail loss probe timer (tl_recovery.c). */
	if (tcb->rec.tlp_armed && tl_recovery_probe(tcb, now, act))
		return;

	/*
	 * RFC 9293 3.8.3: after R2 retransmissions without progress "the
	 * connection SHOULD be closed"; the limit is data_retries (Linux's
	 * tcp_retries2, which Linux turns into a time, tcplab counts), or
	 * orphan_retries once the user closed (tl_orphan()).  A user
	 * timeout takes the place of both, as in Linux's
	 * tcp_write_timeout().
	 */
	if (tcb->cfg.user_timeout_ms ? tl_user_timed_out(tcb, now) :
	    tcb->retries >= tl_retry_limit(tcb)) {
		/* 3.10.8 USER TIMEOUT: "delete the TCB, enter CLOSED" */
		tl_conn_done(tcb, -ETIMEDOUT, act);
		return;
	}
	tcb->retries++;
	/* RFC 6298 5.5: "back off the timer". */
	tl_rto_backoff(&tcb->rto);
	/* RFC 5681 3.1: a timeout means heavy loss, restart slow start. */
	if (tcb->cc.ops)
		tcb->cc.ops->on_rto(&tcb->cc, tcb->snd_max - tcb->snd_una, now);
	tl_cc_event(act, TL_CC_EV_RTO);
	tl_cc_event(act, TL_CC_EV_BACKOFF);
	tcb->dupacks = 0;
	/*
	 * RFC 6298 5.4: "Retransmit the earliest segment that has not been
	 * acknowledged" - tl_recovery_rto() picks it (the first hole the
	 * SACK scoreboard shows) and enters the Loss state.  5.6: the timer
	 * is restarted with the backed-off RTO when the segment is sent.
	 */
	tl_recovery_rto(tcb, now, act);
}

void tl_timer(struct tl_tcb *tcb, enum tl_timer_id id, u64 now,
	      struct tl_actions *act)
{
	tl_actions_clear(act);
	if ((unsigned int)id >= TL_TIMER_NR || !tcb->timer[id])
		return;		/* cancelled: stale */
	if (now < tcb->timer[id]) {
		/*
		 * Early: the glue's timer is coarser than our microseconds
		 * (kernel timers count jiffies), or it was re-armed later.
		 * Ask for it again at the deadline; dropping it would leave
		 * the connection with no timer at all.
		 */
		tl_timer_arm(tcb, id, tcb->timer[id], act);
		return;
	}
	tcb->timer[id] = 0;

	switch (id) {
	case TL_TIMER_TIME_WAIT:
		/*
		 * 3.10.8 TIME-WAIT TIMEOUT: "If the time-wait timeout expires
		 * on a connection, delete the TCB, enter the CLOSED state, and
		 * return."
		 */
		if (tcb->state == TL_TIME_WAIT)
			tl_conn_done(tcb, 0, act);
		/*
		 * tl_fin_wait_2_timer(): the peer never closed.  Like Linux,
		 * forget the connection without a word: were the peer to
		 * send after all, it would meet a RST.
		 */
		else if (tcb->state == TL_FIN_WAIT_2 && tcb->orphan)
			tl_conn_done(tcb, 0, act);
		return;
	case TL_TIMER_RTX:
		tl_rtx_timeout(tcb, now, act);
		break;
	case TL_TIMER_DELACK:
		tl_delack_timeout(tcb, now);
		break;
	case TL_TIMER_PERSIST:
		tl_persist_timeout(tcb, now, act);
		break;
	case TL_TIMER_KEEPALIVE:
		tl_keepalive_timeout(tcb, now, act);
		break;
	case TL_TIMER_CORK:
		tl_cork_timeout(tcb);
		break;
	default:
		return;
	}
	if (tcb->state != TL_CLOSED)
		tl_transmit(tcb, now, act);
}
