// SPDX-License-Identifier: GPL-2.0
/*
 * tl_keepalive.c - keep-alives (RFC 9293 3.8.4, RFC 1122 4.2.3.6).
 *
 * "Implementers MAY include 'keep-alives' in their TCP implementations,
 * although this practice is not universally accepted.  If keep-alives are
 * included, the application MUST be able to turn them on or off for each
 * TCP connection, and they MUST default to off."  "Keep-alive packets
 * MUST only be sent when no sent data is outstanding, and no data or
 * acknowledgment packets have been received for the connection within an
 * interval.  This interval MUST be configurable and MUST default to no
 * less than two hours."
 *
 * As in Linux (SO_KEEPALIVE, TCP_KEEPIDLE 7200 s, TCP_KEEPINTVL 75 s,
 * TCP_KEEPCNT 9): after KEEPIDLE seconds without any segment from the
 * peer, a probe <SEQ=SND.UNA-1><ACK=RCV.NXT><CTL=ACK> without data (RFC
 * 1122: "an old sequence number", which the peer must acknowledge) goes
 * out every KEEPINTVL seconds; any segment from the peer ends the probing;
 * after KEEPCNT unanswered probes the peer is dead: a RST is sent (as
 * Linux does, in case it is merely unreachable one way) and the
 * connection ends with ETIMEDOUT.
 *
 * The timer is not re-armed for every segment that arrives: when it
 * fires, it looks at the time of the last segment and sleeps on if the
 * peer spoke since (Linux's keepalive timer works the same way).
 */
#include "tl_types.h"
#include "tl_tcb_priv.h"

static bool tl_keepalive_state(const struct tl_tcb *tcb)
{
	return tl_state_synchronized(tcb->state) &&
	       tcb->state != TL_TIME_WAIT;
}

static u64 tl_sec(u32 s)
{
	return (u64)s * TL_USEC_PER_SEC;
}

/* Connection established, or keepalive switched on: start the clock. */
void tl_keepalive_start(struct tl_tcb *tcb, u64 now, struct tl_actions *act)
{
	tcb->rcv_tstamp = now;
	tcb->keep_probes = 0;
	if (tcb->cfg.keepalive && tl_keepalive_state(tcb))
		tl_timer_arm(tcb, TL_TIMER_KEEPALIVE,
			     now + tl_sec(tcb->cfg.keep_idle_s), act);
}

/* A segment arrived: the peer is alive. */
void tl_keepalive_rcv(struct tl_tcb *tcb, u64 now)
{
	tcb->rcv_tstamp = now;
	tcb->keep_probes = 0;
}

void tl_keepalive_timeout(struct tl_tcb *tcb, u64 now, struct tl_actions *act)
{
	u64 idle = tl_sec(tcb->cfg.keep_idle_s);
	u64 elapsed = now - tcb->rcv_tstamp;

	if (!tcb->cfg.keepalive || !tl_keepalive_state(tcb))
		return;
	/*
	 * "only ... when no sent data is outstanding": the retransmission
	 * timer watches the peer meanwhile.  Look again an interval later.
	 */
	if (tcb->snd_una != tcb->snd_max || tl_snd_avail(tcb)) {
		tl_timer_arm(tcb, TL_TIMER_KEEPALIVE,
			     now + tl_sec(tcb->cfg.keep_intvl_s), act);
		return;
	}
	if (elapsed < idle) {
		/* The peer spoke since the timer was set: sleep on. */
		tl_timer_arm(tcb, TL_TIMER_KEEPALIVE,
			     tcb->rcv_tstamp + idle, act);
		return;
	}
	/*
	 * TCP_USER_TIMEOUT, when set, replaces KEEPCNT: the peer is gone
	 * once a probe is out and it has been silent that long (Linux's
	 * tcp_keepalive_timer()).
	 */
	if (tcb->cfg.user_timeout_ms ?
	    tcb->keep_probes &&
	    elapsed >= (u64)tcb->cfg.user_timeout_ms * TL_USEC_PER_MSEC :
	    tcb->keep_probes >= tcb->cfg.keep_cnt) {
		/* 3.10.8 USER TIMEOUT-like end: the peer is gone. */
		tl_send_rst(tcb, tcb->snd_nxt, act);
		tl_conn_done(tcb, -ETIMEDOUT, act);
		return;
	}
	tl_send_window_probe(tcb, now, act);
	tcb->keep_probes++;
	tl_timer_arm(tcb, TL_TIMER_KEEPALIVE,
		     now + tl_sec(tcb->cfg.keep_intvl_s), act);
}

/* SO_KEEPALIVE, TCP_KEEPIDLE/INTVL/CNT on a (possibly running) connection. */
void tl_set_keepalive(struct tl_tcb *tcb, bool on, u32 idle_s, u32 intvl_s,
		      u8 cnt, u64 now, struct tl_actions *act)
{
	u64 idle = tl_sec(idle_s);
	u64 elapsed;

	tl_actions_clear(act);
	tcb->cfg.keepalive = on;
	tcb->cfg.keep_idle_s = idle_s;
	tcb->cfg.keep_intvl_s = intvl_s;
	tcb->cfg.keep_cnt = cnt;
	if (!on) {
		tl_timer_cancel(tcb, TL_TIMER_KEEPALIVE, act);
		return;
	}
	if (!tl_keepalive_state(tcb))
		return;		/* tl_keepalive_start() at ESTABLISHED */
	/* Like Linux: count the idle time from the last segment received. */
	if (!tcb->rcv_tstamp)
		tcb->rcv_tstamp = now;
	elapsed = now - tcb->rcv_tstamp;
	tl_timer_arm(tcb, TL_TIMER_KEEPALIVE,
		     now + (idle > elapsed ? idle - elapsed : 0), act);
}
