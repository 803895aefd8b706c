// SPDX-License-Identifier: GPL-2.0
/*
 * tl_nagle.c - whether a partial segment may go out now: Nagle's
 * algorithm, TCP_CORK and MSG_MORE.
 *
 * RFC 896 and RFC 9293 3.7.4: "If there is unacknowledged data (i.e.,
 * SND.NXT > SND.UNA), then the sending TCP endpoint buffers all user data
 * (regardless of the PSH bit) until the outstanding data has been
 * acknowledged or until the TCP endpoint can send a full-sized segment".
 * Like Linux, tcplab uses Minshall's variant of the rule: a partial
 * segment waits only while an earlier *partial* segment is unacknowledged
 * (SND.SML, the end of the last small segment sent, is above SND.UNA), so
 * a write that ends in a partial segment is not held behind full ones.
 * TCP_NODELAY turns the rule off.
 *
 * TCP_CORK (and MSG_MORE for one send()) hold every partial segment: the
 * user promises more data.  Like Linux, corked data waits at most 200 ms
 * (cfg.cork_us); the FIN always goes out.
 *
 * The sender half of SWS avoidance (3.8.6.2.1: partial segments because
 * the window is small) is in tl_transmit_data().
 */
#include "tl_types.h"
#include "tl_tcb_priv.h"

/* A partial segment of @len bytes (all we have queued) would go out. */
bool tl_nagle_hold(const struct tl_tcb *tcb, u32 len)
{
	if (tcb->cork_push)
		return false;		/* the cork timer fired */
	if (tcb->cfg.cork || tcb->snd_more)
		return true;
	if (tcb->cfg.nodelay)
		return false;
	/* Minshall: a small segment is still unacknowledged. */
	return tl_seq_gt(tcb->snd_sml, tcb->snd_una) &&
	       tl_seq_leq(tcb->snd_sml, tcb->snd_max);
}

/* New data [seq, seq + len) went out. */
void tl_nagle_sent(struct tl_tcb *tcb, u32 seq, u32 len)
{
	if (len < tcb->snd_mss)
		tcb->snd_sml = seq + len;
}

/* After a transmit pass: run the cork ceiling while corked data waits. */
void tl_cork_check(struct tl_tcb *tcb, bool held, u64 now,
		   struct tl_actions *act)
{
	if (held && (tcb->cfg.cork || tcb->snd_more)) {
		if (!tcb->timer[TL_TIMER_CORK])
			tl_timer_arm(tcb, TL_TIMER_CORK, now + tcb->cfg.cork_us,
				     act);
	} else if (tcb->timer[TL_TIMER_CORK]) {
		tl_timer_cancel(tcb, TL_TIMER_CORK, act);
	}
}

/* TL_TIMER_CORK expired: the next transmit pass sends the partial. */
void tl_cork_timeout(struct tl_tcb *tcb)
{
	tcb->cork_push = true;
}

void tl_set_nodelay(struct tl_tcb *tcb, bool on, u64 now,
		    struct tl_actions *act)
{
	tl_actions_clear(act);
	tcb->cfg.nodelay = on;
	/* Linux: setting TCP_NODELAY pushes what Nagle held. */
	if (on && tl_state_synchronized(tcb->state))
		tl_transmit(tcb, now, act);
}

void tl_set_cork(struct tl_tcb *tcb, bool on, u64 now, struct tl_actions *act)
{
	tl_actions_clear(act);
	tcb->cfg.cork = on;
	/*
	 * Uncorking sends the partial segment if Nagle allows it (Linux's
	 * tcp_sock_set_cork(): with TCP_NODELAY it is pushed at once).
	 */
	if (!on && tl_state_synchronized(tcb->state))
		tl_transmit(tcb, now, act);
}
