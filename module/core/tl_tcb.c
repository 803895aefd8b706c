// SPDX-License-Identifier: GPL-2.0
/*
 * tl_tcb.c - control block set-up and the bookkeeping every other part of
 * the core shares: the single state transition function, timers, option
 * negotiation.
 */
#include "tl_types.h"
#include "tl_tcb_priv.h"

static const char *const tl_drop_names[TL_DROP_NR] = {
	[TL_DROP_NONE]		= "none",
	[TL_DROP_CLOSED]	= "no connection",
	[TL_DROP_LISTEN_RST]	= "RST to listener",
	[TL_DROP_LISTEN_ACK]	= "ACK to listener",
	[TL_DROP_LISTEN_NO_SYN]	= "non-SYN to listener",
	[TL_DROP_BAD_ACK]	= "unacceptable ACK during handshake",
	[TL_DROP_NO_SYN]	= "SYN-SENT without SYN",
	[TL_DROP_SEQ]		= "sequence number not acceptable",
	[TL_DROP_RST_CHALLENGE]	= "RST not at RCV.NXT, challenge ACK",
	[TL_DROP_SYN_CHALLENGE]	= "SYN when synchronized, challenge ACK",
	[TL_DROP_NO_ACK]	= "ACK bit off",
	[TL_DROP_ACK_OLD]	= "ACK too old",
	[TL_DROP_ACK_FUTURE]	= "ACK for unsent data",
	[TL_DROP_OOO_FULL]	= "out-of-order tracker full",
	[TL_DROP_PAWS]		= "old timestamp (PAWS)",
	[TL_DROP_OOO_DUP]	= "out-of-order data already held",
	[TL_DROP_OOO_MEM]	= "out-of-order data, no receive memory",
	[TL_DROP_RCV_MEM]	= "in-order data, no receive memory",
};

const char *tl_drop_name(enum tl_drop drop)
{
	if ((unsigned int)drop >= TL_DROP_NR)
		return "invalid";
	return tl_drop_names[drop];
}

void tl_cfg_default(struct tl_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->msl_us = 30U * TL_USEC_PER_SEC;
	cfg->rto_initial_us = TL_RTO_INITIAL;
	cfg->rto_min_us = TL_RTO_MIN_DEFAULT;
	cfg->rto_max_us = TL_RTO_MAX_DEFAULT;
	cfg->syn_retries = 6;
	cfg->data_retries = 15;
	/* Linux: tcp_orphan_retries 0 means 8; tcp_fin_timeout 60 s. */
	cfg->orphan_retries = 8;
	cfg->fin_timeout_us = 60U * TL_USEC_PER_SEC;
	cfg->opts = TL_TCB_WSCALE | TL_TCB_SACK | TL_TCB_TS;
	cfg->dsack = true;	/* Linux: tcp_dsack 1 */
	cfg->mss = 1460;
	cfg->rcv_buf = 128 * 1024;
	/* Linux's default tcp_rmem[2]: a window scale of 7. */
	cfg->rcv_buf_limit = 6 * 1024 * 1024;
	cfg->cc = &tl_cc_reno;
	/* Linux: TCP_ATO_MIN 40 ms, TCP_DELACK_MAX 200 ms, cork 200 ms. */
	cfg->delack_min_us = 40U * 1000U;
	cfg->delack_max_us = 200U * 1000U;
	cfg->cork_us = 200U * 1000U;
	/* Linux's tcp_keepalive_time/intvl/probes. */
	cfg->keep_idle_s = 7200;
	cfg->keep_intvl_s = 75;
	cfg->keep_cnt = 9;
}

void tl_tcb_init(struct tl_tcb *tcb, const struct tl_cfg *cfg,
		 struct tl_seq_range *ooo_storage, u8 ooo_cap)
{
	memset(tcb, 0, sizeof(*tcb));
	tcb->cfg = *cfg;
	tcb->state = TL_CLOSED;
	tcb->rcv_space = cfg->rcv_buf;
	tcb->snd_mss = max_t(u16, cfg->mss, TL_MSS_MIN);
	tl_rto_init(&tcb->rto, cfg->rto_initial_us, cfg->rto_min_us,
		    cfg->rto_max_us, 1);
	tl_ooo_init(&tcb->ooo, ooo_storage, ooo_cap);
	tcb->cc.ops = cfg->cc;
}

u32 tl_snd_queued(const struct tl_tcb *tcb)
{
	return tcb->snd_end - tl_snd_buf_head(tcb, tcb->snd_una);
}

void tl_actions_clear(struct tl_actions *act)
{
	memset(act, 0, sizeof(*act));
}

void tl_timer_arm(struct tl_tcb *tcb, enum tl_timer_id id, u64 expires,
		  struct tl_actions *act)
{
	tcb->timer[id] = expires;
	act->timer[id].op = TL_TIMER_ARM;
	act->timer[id].expires = expires;
}

void tl_timer_cancel(struct tl_tcb *tcb, enum tl_timer_id id,
		     struct tl_actions *act)
{
	if (!tcb->timer[id] && act->timer[id].op != TL_TIMER_ARM)
		return;
	tcb->timer[id] = 0;
	act->timer[id].op = TL_TIMER_CANCEL;
	act->timer[id].expires = 0;
}

void tl_rtx_timer_restart(struct tl_tcb *tcb, u64 now,
			  struct tl_actions *act)
{
	u32 rto = tl_rto_timeout(&tcb->rto);
	/* A tail loss probe comes first when it is due earlier (RFC 8985). */
	u32 pto = tl_recovery_pto(tcb);
	u64 expires;

	tcb->rec.tlp_armed = pto && pto < rto;
	expires = now + (tcb->rec.tlp_armed ? pto : rto);
	/*
	 * Before the first timeout, remember when the timer started: the
	 * oldest unacknowledged segment was sent then, or the last ACK
	 * that made progress restarted it (RFC 6298 5.3).  The user
	 * timeout counts from there (tl_user_timed_out()).
	 */
	if (tcb->retries)
		expires = tl_user_timeout_clamp(tcb, now, expires);
	else
		tcb->rtx_stamp = now;
	tl_timer_arm(tcb, TL_TIMER_RTX, expires, act);
}

/*
 * The one place where tcb->state changes.  Every caller cites the RFC 9293
 * paragraph that makes it change.  Entering a state also performs what the
 * RFC says always goes with it, so no call site can forget it.
 */
void tl_set_state(struct tl_tcb *tcb, enum tl_state new_state, u64 now,
		  struct tl_actions *act)
{
	enum tl_state old = tcb->state;
	enum tl_timer_id id;

	if (act->nstate < TL_ACT_MAX_STATES) {
		act->state[act->nstate].from = old;
		act->state[act->nstate].to = new_state;
		act->nstate++;
	}
	tcb->state = new_state;

	switch (new_state) {
	case TL_ESTABLISHED:
		act->wake |= TL_WAKE_WRITE;	/* OPEN completed */
		tl_delack_init(tcb);
		tl_rcv_autotune_init(tcb, now);
		tl_keepalive_start(tcb, now, act);
		break;
	case TL_CLOSE_WAIT:
		act->wake |= TL_WAKE_READ;	/* "connection closing" */
		break;
	case TL_FIN_WAIT_2:
		if (tcb->orphan)
			tl_fin_wait_2_timer(tcb, now, act);
		break;
	case TL_TIME_WAIT:
		/* LAB close: begin */
		/*
		 * 3.10.7.4 eighth: "enter the TIME-WAIT state. Start the
		 * time-wait timer, turn off the other timers."
		 */
		for (id = 0; id < TL_TIMER_NR; id++)
			if (id != TL_TIMER_TIME_WAIT)
				tl_timer_cancel(tcb, id, act);
		tl_timer_arm(tcb, TL_TIMER_TIME_WAIT,
			     now + 2 * (u64)tcb->cfg.msl_us, act);
		/* LAB close: end */
		break;
	case TL_CLOSED:
		/* "delete the TCB": the glue frees it after the actions. */
		for (id = 0; id < TL_TIMER_NR; id++)
			tl_timer_cancel(tcb, id, act);
		act->release = true;
		act->wake |= TL_WAKE_HUP;
		break;
	default:
		break;
	}
}

/*
 * The connection is over: CLOSED, with @err (0 or a negative errno) for
 * the user.  Callers cite the section that ends the connection.
 */
void tl_conn_done(struct tl_tcb *tcb, int err, struct tl_actions *act)
{
	tcb->err = err;
	act->error = err;
	tl_set_state(tcb, TL_CLOSED, 0, act);
}

/*
 * Apply the options of the peer's SYN (RFC 9293 3.7.1, RFC 7323 2.2,
 * RFC 2018 2).  tcb->opts holds what we offer; afterwards it holds what
 * both sides agreed on.  tcb->rcv_wscale holds the shift we offer (or
 * will offer: tl_rcv_wnd_init()).
 */
void tl_syn_negotiate(struct tl_tcb *tcb, const struct tl_tcp_opts *peer)
{
	u16 mss = TL_MSS_DEFAULT;

	/* RFC 7323 2.2: scaling only if both SYNs carry the option. */
	if ((tcb->opts & TL_TCB_WSCALE) && (peer->present & TL_OPTF_WSCALE)) {
		tcb->snd_wscale = peer->wscale;
	} else {
		tcb->opts &= ~TL_TCB_WSCALE;
		tcb->snd_wscale = 0;
		tcb->rcv_wscale = 0;
	}
	if (!(peer->present & TL_OPTF_SACK_PERM))
		tcb->opts &= ~TL_TCB_SACK;
	if (peer->present & TL_OPTF_TS)
		tcb->ts_recent = peer->tsval;
	else
		tcb->opts &= ~TL_TCB_TS;

	/*
	 * RFC 9293 3.7.1: send at most the peer's MSS (536 if it sent none)
	 * and no more than our own link allows.  RFC 6691: the MSS does not
	 * count TCP options, so room for the timestamp option carried on
	 * every segment is subtracted.
	 */
	if (peer->present & TL_OPTF_MSS)
		mss = peer->mss;
	mss = min_t(u16, mss, tcb->cfg.mss);
	if (tcb->opts & TL_TCB_TS)
		mss -= min_t(u16, mss, TL_OPT_TS_SPACE);
	tcb->snd_mss = max_t(u16, mss, TL_MSS_MIN);
}

/*
 * Work done once when a connection reaches ESTABLISHED from either
 * handshake.
 */
void tl_established(struct tl_tcb *tcb, u64 now)
{
	/*
	 * RFC 6298 5.7: if the SYN or SYN-ACK timed out and no RTT sample
	 * was taken, the RTO "MUST be re-initialized to 3 seconds when data
	 * transmission begins".  A timed-out SYN leaves the timer backed off
	 * and, by Karn's rule, without a sample.
	 */
	if (tcb->rto.backoff && !tcb->rto.srtt8) {
		tl_rto_raise(&tcb->rto, TL_RTO_AFTER_SYN_TIMEOUT);
		tcb->rto.backoff = 0;
	}
	if (tcb->cc.ops) {
		tcb->cc.mss = tcb->snd_mss;
		tcb->cc.ops->init(&tcb->cc, now);
	}
	tl_recovery_init(tcb);
	tl_rcv_wnd_scaled(tcb);
}
