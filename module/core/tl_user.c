// SPDX-License-Identifier: GPL-2.0
/*
 * tl_user.c - the user calls of RFC 9293 Sections 3.10.1 - 3.10.5: OPEN,
 * SEND, RECEIVE, CLOSE, ABORT.  (STATUS, 3.10.6, is reading the tcb.)
 *
 * The glue maps socket calls onto these: connect() -> tl_open_active(),
 * listen() -> tl_open_passive(), sendmsg() -> tl_send(), recvmsg() ->
 * tl_rcv_read(), shutdown(SHUT_WR)/close() -> tl_close(), SO_LINGER 0 or
 * a dying socket -> tl_abort().
 */
#include "tl_types.h"
#include "tl_tcb_priv.h"

/* Sequence variables for a new connection with our ISS (3.10.1). */
static void tl_conn_setup(struct tl_tcb *tcb, u16 lport, u16 rport, u32 iss)
{
	tcb->lport = lport;
	tcb->rport = rport;
	tcb->iss = iss;
	tcb->snd_una = iss;
	tcb->snd_nxt = iss + 1;
	tcb->snd_max = iss;		/* nothing sent yet */
	tcb->snd_end = iss + 1;		/* data starts after the SYN */
	tcb->opts = tcb->cfg.opts;	/* offer; narrowed by the peer's SYN */
}

int tl_open_active(struct tl_tcb *tcb, u16 lport, u16 rport, u32 iss,
		   u64 now, struct tl_actions *act)
{
	tl_actions_clear(act);
	if (tcb->state != TL_CLOSED)
		return -EISCONN;
	tl_conn_setup(tcb, lport, rport, iss);
	tl_rcv_wnd_init(tcb);
	/*
	 * 3.10.1 OPEN, CLOSED state, active: "Send a SYN segment of the form
	 * <SEQ=ISS><CTL=SYN>.  Set SND.UNA to ISS, SND.NXT to ISS+1, enter
	 * SYN-SENT state, and return."
	 */
	tl_set_state(tcb, TL_SYN_SENT, now, act);
	tl_send_syn(tcb, now, act);
	return 0;
}

int tl_open_passive(struct tl_tcb *tcb, u16 lport, struct tl_actions *act)
{
	tl_actions_clear(act);
	if (tcb->state != TL_CLOSED)
		return -EISCONN;
	tcb->lport = lport;
	/* 3.10.1 OPEN, CLOSED state, passive: "enter LISTEN state". */
	tl_set_state(tcb, TL_LISTEN, 0, act);
	return 0;
}

/*
 * A child takes what its SYN told (3.10.7.2 third): "Set RCV.NXT to
 * SEG.SEQ+1, IRS is set to SEG.SEQ ... ISS should be selected ...
 * SND.NXT is set to ISS+1 and SND.UNA to ISS."  The RFC sets SND.WND
 * only when the handshake completes; taking the SYN's (unscaled) window
 * now does no harm and gives MAX.SND.WND a sane start.
 */
static int tl_child_from_syn(struct tl_tcb *child,
			     const struct tl_child_req *req, u32 iss,
			     struct tl_actions *act)
{
	tl_actions_clear(act);
	if (child->state != TL_CLOSED)
		return -EISCONN;
	tl_conn_setup(child, req->lport, req->rport, iss);
	child->passive = true;
	child->irs = req->irs;
	child->rcv_nxt = req->irs + 1;
	tl_syn_negotiate(child, &req->opts);
	tl_rcv_wnd_init(child);
	child->snd_wnd = req->wnd;
	child->snd_wl1 = req->irs;
	child->max_snd_wnd = req->wnd;
	return 0;
}

int tl_accept_syn(struct tl_tcb *child, const struct tl_child_req *req,
		  u32 iss, u64 now, struct tl_actions *act)
{
	int err = tl_child_from_syn(child, req, iss, act);

	if (err)
		return err;
	/* 3.10.7.2 third: "The connection state should be changed to SYN-RECEIVED." */
	tl_set_state(child, TL_SYN_RECEIVED, now, act);
	tl_send_syn(child, now, act);
	return 0;
}

int tl_accept_cookie(struct tl_tcb *child, const struct tl_child_req *req,
		     u32 iss, u64 now, struct tl_actions *act)
{
	/*
	 * RFC 4987 3.6: the listener answered the SYN without a TCB, so
	 * this is 3.10.7.2 third done late, from what the cookie and the
	 * ACK remember of the SYN; our ISS (the cookie) went out with the
	 * SYN,ACK.
	 */
	int err = tl_child_from_syn(child, req, iss, act);

	if (err)
		return err;
	/*
	 * tl_child_from_syn() set RCV.WND and our shift as the SYN,ACK did
	 * (tl_syncookie_synack()), from the same buffer and MSS.
	 */
	child->snd_max = iss + 1;
	/*
	 * 3.10.7.2 third: "The connection state should be changed to
	 * SYN-RECEIVED."  The caller passes the ACK to tl_input(), whose
	 * fifth step (3.10.7.4) moves the child on to ESTABLISHED.
	 */
	tl_set_state(child, TL_SYN_RECEIVED, now, act);
	return 0;
}

int tl_send(struct tl_tcb *tcb, u32 len, u64 now, struct tl_actions *act)
{
	u32 room;

	tl_actions_clear(act);
	switch (tcb->state) {
	case TL_CLOSED:
	case TL_LISTEN:
		/*
		 * 3.10.2 CLOSED: "error: connection does not exist".  LISTEN
		 * MAY turn into an active open; like Linux, tcplab refuses.
		 */
		return -ENOTCONN;
	case TL_SYN_SENT:
	case TL_SYN_RECEIVED:
		/*
		 * 3.10.2: "Queue the data for transmission after entering
		 * ESTABLISHED state."
		 */
	case TL_ESTABLISHED:
	case TL_CLOSE_WAIT:
		/* 3.10.2: "Segmentize the buffer and send it" */
		break;
	default:
		/* FIN-WAIT-*, CLOSING, LAST-ACK, TIME-WAIT: "connection closing" */
		return -EPIPE;
	}
	/* CLOSE already issued (in SYN-RECEIVED): also "connection closing" */
	if (tcb->fin_queued)
		return -EPIPE;
	room = TL_SND_QUEUE_MAX - tl_snd_queued(tcb);
	len = min_t(u32, len, room);
	tcb->snd_end += len;
	tl_transmit(tcb, now, act);
	return (int)len;
}

void tl_rcv_read(struct tl_tcb *tcb, u32 len, u64 now,
		 struct tl_actions *act)
{
	tl_actions_clear(act);
	/*
	 * 3.10.3 RECEIVE: the user took @len bytes out of the receive
	 * buffer, so the window may open again (3.8.6.2.2).
	 */
	tcb->rcv_space = min_t(u32, tcb->rcv_space + len, tcb->cfg.rcv_buf);
	if (!tl_state_synchronized(tcb->state))
		return;
	tl_rcv_autotune(tcb, len, now);
	if (tl_rcv_wnd_should_update(tcb))
		tcb->ack_pending = true;
	tl_delack_read(tcb);
	tl_transmit(tcb, now, act);
}

int tl_close(struct tl_tcb *tcb, u64 now, struct tl_actions *act)
{
	tl_actions_clear(act);
	switch (tcb->state) {
	case TL_CLOSED:
		/* 3.10.4 CLOSED: "error: connection does not exist" */
		return -ENOTCONN;
	case TL_LISTEN:
	case TL_SYN_SENT:
		/*
		 * 3.10.4 LISTEN / SYN-SENT: "Delete the TCB, enter CLOSED
		 * state, and return" - nothing was synchronized, no FIN.
		 */
		tl_conn_done(tcb, 0, act);
		return 0;
	case TL_SYN_RECEIVED:
		/*
		 * 3.10.4 SYN-RECEIVED: "If no SENDs have been issued and there
		 * is no pending data to send, then form a FIN segment and send
		 * it, and enter FIN-WAIT-1 state; otherwise, queue for
		 * processing after entering ESTABLISHED state".  tcplab always
		 * takes the second branch (tl_input_other() completes it): a
		 * FIN sent before our SYN is acknowledged would leave SYN and
		 * FIN both to retransmit from FIN-WAIT-1, for no gain.
		 */
		tcb->fin_queued = true;
		return 0;
	/* LAB close: begin */
	case TL_ESTABLISHED:
		/*
		 * 3.10.4 ESTABLISHED: "Queue this until all preceding SENDs
		 * have been segmentized, then form a FIN segment and send it.
		 * In any case, enter FIN-WAIT-1 state."  The FIN is queued at
		 * snd_end; tl_transmit() sends it after the data.
		 */
		tcb->fin_queued = true;
		tl_set_state(tcb, TL_FIN_WAIT_1, now, act);
		break;
	case TL_CLOSE_WAIT:
		/*
		 * 3.10.4 CLOSE-WAIT: "Queue this request until all preceding
		 * SENDs have been segmentized; then send a FIN segment, enter
		 * LAST-ACK state."  As for ESTABLISHED, the FIN is queued and
		 * the state changes now.
		 */
		tcb->fin_queued = true;
		tl_set_state(tcb, TL_LAST_ACK, now, act);
		break;
	/* LAB close: end */
	default:
		/*
		 * FIN-WAIT-1/2, CLOSING, LAST-ACK, TIME-WAIT: the RFC answers
		 * "error: connection closing".  Like shutdown(SHUT_WR) on
		 * Linux, a second CLOSE is simply a no-op.
		 */
		return 0;
	}
	tl_transmit(tcb, now, act);
	return 0;
}

/*
 * RFC 9293 leaves a closed connection to finish on its own and gives no
 * bound for it: a peer that never sends its FIN would hold an orphan in
 * FIN-WAIT-2 for ever, and one that vanished would keep an orphan
 * retransmitting for the whole data retry budget.  Linux bounds both
 * (tcp_fin_timeout, tcp_orphan_retries) and so does tcplab: from here on
 * FIN-WAIT-2 lasts at most fin_timeout (tl_fin_wait_2_timer()) and
 * retransmissions and zero-window probes give up after orphan_retries
 * (tl_retry_limit()).
 */
void tl_orphan(struct tl_tcb *tcb, u64 now, struct tl_actions *act)
{
	tcb->orphan = true;
	if (tcb->state == TL_FIN_WAIT_2)
		tl_fin_wait_2_timer(tcb, now, act);
}

int tl_abort(struct tl_tcb *tcb, struct tl_actions *act)
{
	tl_actions_clear(act);
	switch (tcb->state) {
	case TL_CLOSED:
		/* 3.10.5 CLOSED: "error: connection does not exist" */
		return -ENOTCONN;
	case TL_SYN_RECEIVED:
	case TL_ESTABLISHED:
	case TL_FIN_WAIT_1:
	case TL_FIN_WAIT_2:
	case TL_CLOSE_WAIT:
		/*
		 * 3.10.5: "Send a reset segment: <SEQ=SND.NXT><CTL=RST> ...
		 * enter CLOSED state, and return."
		 */
		tl_send_rst(tcb, tcb->snd_nxt, act);
		break;
	default:
		/*
		 * LISTEN, SYN-SENT: nothing to tell the peer.  CLOSING,
		 * LAST-ACK, TIME-WAIT: "respond with 'ok' and delete the TCB".
		 */
		break;
	}
	/* 3.10.5: "enter CLOSED state" (the user asked: no error for it). */
	tl_conn_done(tcb, 0, act);
	return 0;
}
