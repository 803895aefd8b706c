// SPDX-License-Identifier: GPL-2.0
/*
 * tl_delack.c - when to acknowledge data: delayed ACKs.
 *
 * RFC 9293 3.8.6.3 (and RFC 1122 4.2.3.2): "A TCP SHOULD implement a
 * delayed ACK, but an ACK should not be excessively delayed; in
 * particular, the delay MUST be less than 0.5 seconds.  An ACK SHOULD be
 * generated for at least every second full-sized segment or 2*RMSS bytes
 * of new data (where RMSS is the MSS specified by the TCP endpoint
 * receiving the segments to be acknowledged)".  Fewer ACKs mean fewer
 * segments; an ACK that waits can ride on the reply data (piggybacking),
 * which makes a request/response exchange one segment per direction.
 *
 * tcplab follows Linux's shape of it:
 *  - quick-ACK mode: the first few data segments of a connection are
 *    acknowledged at once, so the peer's slow start is not slowed down
 *    by our delay (Linux: up to 16, rcv_wnd / (2 * rcv_mss));
 *  - otherwise an ACK goes out when more than one full-sized segment is
 *    unacknowledged, and else after the delayed ACK timeout (ATO): 40 ms,
 *    doubling up to 200 ms when the timer keeps firing (Linux's
 *    TCP_ATO_MIN and TCP_DELACK_MAX), and shrinking again when data
 *    comes faster than that (tl_delack_gap()); an ACK never waits longer
 *    than one round trip, or 40 ms on a shorter path (tl_delack_wait());
 *  - a gap in the data longer than our RTO, or a duplicate segment,
 *    means the sender waited for an ACK: the next few segments are
 *    acknowledged at once (quick-ACK mode again, as Linux);
 *  - "ping-pong" (interactive) mode: when we send data soon after data
 *    arrived, the application answers requests, so ACKs wait for the
 *    answer even in quick-ACK mode.  A timer that fires anyway ends the
 *    mode.  TCP_QUICKACK leaves it (and sends a waiting ACK at once);
 *    TCP_QUICKACK 0 enters it;
 *  - out-of-order data, data that fills a hole, duplicates and FINs are
 *    acknowledged at once (RFC 5681 4.2, RFC 9293 3.10.7.4);
 *  - an ACK owed for a short segment goes as soon as the user has read
 *    everything (tl_delack_read()): the sender may be waiting for it.
 *
 * cfg.delack_min_us == 0 turns delayed ACKs off: every segment is
 * acknowledged at once.
 */
#include "tl_types.h"
#include "tl_tcb_priv.h"

/* Like Linux's TCP_MAX_QUICKACKS. */
#define TL_QUICKACKS_MAX	16

/*
 * How many segments to ACK at once (Linux's tcp_incr_quickack()): as
 * many as half of @bytes holds in full segments, 2 to TL_QUICKACKS_MAX.
 */
static u8 tl_delack_quick_count(const struct tl_tcb *tcb, u32 bytes)
{
	/* rcv_mss is 0 until tl_delack_init() (connection established). */
	u32 q = tcb->rcv_mss ? bytes / (2 * (u32)tcb->rcv_mss) : 0;

	return (u8)min_t(u32, max_t(u32, q, 2), TL_QUICKACKS_MAX);
}

void tl_delack_init(struct tl_tcb *tcb)
{
	/* The peer's segments are at most our MSS (less a timestamp). */
	tcb->rcv_mss = tcb->cfg.mss;
	if (tcb->opts & TL_TCB_TS)
		tcb->rcv_mss -= min_t(u16, tcb->rcv_mss, TL_OPT_TS_SPACE);
	tcb->rcv_mss = max_t(u16, tcb->rcv_mss, TL_MSS_MIN);
	tcb->ack_quick = tl_delack_quick_count(tcb, tcb->cfg.rcv_buf);
	tcb->ack_ato = tcb->cfg.delack_min_us;
}

/* ACK the next few segments at once: as many as half the window holds. */
static void tl_delack_quick_more(struct tl_tcb *tcb)
{
	tcb->ack_quick = max_t(u8, tcb->ack_quick,
			       tl_delack_quick_count(tcb, tcb->rcv_wnd));
}

/*
 * The peer sent again what we already hold: our ACK for it was lost or
 * came too late, after the peer's retransmission timer.  Acknowledge
 * the next segments at once and start the ATO over (Linux's
 * tcp_enter_quickack_mode() for a duplicate in tcp_data_queue()).
 */
void tl_delack_dup(struct tl_tcb *tcb)
{
	if (!tcb->cfg.delack_min_us)
		return;
	tl_delack_quick_more(tcb);
	tcb->ack_pingpong = false;
	tcb->ack_ato = tcb->cfg.delack_min_us;
}

/*
 * The ATO follows the gaps between data segments (Linux's
 * tcp_event_data_recv()).  Segments that come close together bring it
 * down towards the minimum, a gap shorter than the ATO brings it down
 * towards that gap.  A gap longer than our RTO means the sender sat
 * waiting, most likely for our ACK after a retransmission timeout with
 * one segment in flight: delaying that ACK would only make the sender
 * time out again (its minimum RTO, 200 ms on Linux, is our largest
 * ATO), so the next segments are acknowledged at once.
 */
static void tl_delack_gap(struct tl_tcb *tcb, u64 now)
{
	u32 min = tcb->cfg.delack_min_us;
	u64 m;

	if (!tcb->ack_lrcv || !min)
		return;
	m = now - tcb->ack_lrcv;
	if (m <= min / 2) {
		tcb->ack_ato = tcb->ack_ato / 2 + min / 2;
	} else if (m < tcb->ack_ato) {
		tcb->ack_ato = min_t(u32, tcb->ack_ato / 2 + (u32)m,
				     tcb->cfg.delack_max_us);
	} else if (m > tl_rto_timeout(&tcb->rto)) {
		tl_delack_quick_more(tcb);
	}
	tcb->ack_ato = max_t(u32, tcb->ack_ato, min);
}

/*
 * How long this ACK waits: the ATO, but no longer than one round trip
 * (or the minimum ATO, if that is longer), as Linux's
 * tcp_send_delayed_ack() caps it.  The sender learns nothing it could
 * use from a later ACK, and on a short path an ATO grown to 200 ms would
 * reach its minimum RTO: it would time out and resend.
 */
static u32 tl_delack_wait(const struct tl_tcb *tcb)
{
	u32 srtt = tl_rto_srtt(&tcb->rto), min = tcb->cfg.delack_min_us;

	if (!srtt)
		return tcb->ack_ato;
	return min_t(u32, tcb->ack_ato, max_t(u32, srtt, min));
}

/* In-order data (@len bytes) was just taken in; RCV.NXT moved. */
void tl_delack_data(struct tl_tcb *tcb, u32 len, u64 now,
		    struct tl_actions *act)
{
	bool quick;

	/* The largest segment seen is the peer's full size (Linux too). */
	if (len > tcb->rcv_mss)
		tcb->rcv_mss = (u16)min_t(u32, len, tcb->cfg.mss);
	tl_delack_gap(tcb, now);
	tcb->ack_lrcv = now;

	quick = tcb->ack_quick && !tcb->ack_pingpong;
	if (!tcb->cfg.delack_min_us || quick ||
	    /* "at least every second full-sized segment" */
	    tcb->rcv_nxt - tcb->last_ack_sent > tcb->rcv_mss ||
	    /* RFC 5681 4.2: ACK at once while a gap remains */
	    !tl_ooo_empty(&tcb->ooo)) {
		if (quick)
			tcb->ack_quick--;
		tcb->ack_pending = true;
		return;
	}
	/*
	 * Less than a full segment: the sender ran out of data or of
	 * window.  Remembered for tl_delack_read() (Linux: ICSK_ACK_PUSHED).
	 */
	if (len < tcb->rcv_mss)
		tcb->ack_pushed = true;
	if (!tcb->ack_delayed) {
		tcb->ack_delayed = true;
		tl_timer_arm(tcb, TL_TIMER_DELACK, now + tl_delack_wait(tcb),
			     act);
	}
}

/*
 * The user read and nothing in order is left unread.  If the ACK we
 * owe is for a segment below full size, the sender may be stuck until
 * it comes: its window is used up (the short segment filled it), or
 * Nagle holds its next small segment.  Waiting for the delayed ACK timer
 * would stall the transfer for 40 ms or more each time; send the ACK
 * now.  Linux's tcp_cleanup_rbuf() has the same rule (ICSK_ACK_PUSHED
 * and an empty receive queue).  Not in ping-pong mode: there the ACK
 * rides on our answer.
 */
void tl_delack_read(struct tl_tcb *tcb)
{
	if (tcb->ack_delayed && tcb->ack_pushed && !tcb->ack_pingpong &&
	    tcb->rcv_space >= tcb->cfg.rcv_buf)
		tcb->ack_pending = true;
}

/* Any segment carrying an ACK went out: nothing is owed any more. */
void tl_delack_ack_sent(struct tl_tcb *tcb, struct tl_actions *act)
{
	tcb->ack_pushed = false;
	if (!tcb->ack_delayed)
		return;
	tcb->ack_delayed = false;
	tl_timer_cancel(tcb, TL_TIMER_DELACK, act);
}

/* New data went out: an answer soon after a request means ping-pong. */
void tl_delack_data_sent(struct tl_tcb *tcb, u64 now)
{
	if (tcb->cfg.delack_min_us && tcb->ack_lrcv &&
	    now - tcb->ack_lrcv < tcb->ack_ato)
		tcb->ack_pingpong = true;
}

/* TL_TIMER_DELACK expired: send the ACK (tl_timer() then transmits). */
void tl_delack_timeout(struct tl_tcb *tcb, u64 now)
{
	if (!tcb->ack_delayed)
		return;
	tcb->ack_delayed = false;
	if (tcb->ack_pingpong) {
		/* The answer did not come in time: not interactive after all. */
		tcb->ack_pingpong = false;
		tcb->ack_ato = tcb->cfg.delack_min_us;
	} else {
		/* Data arrives more slowly than we wait: wait longer. */
		tcb->ack_ato = min_t(u32, tcb->ack_ato * 2,
				     tcb->cfg.delack_max_us);
	}
	tcb->ack_pending = true;
}

/* setsockopt(TCP_QUICKACK), as Linux's __tcp_sock_set_quickack(). */
void tl_set_quickack(struct tl_tcb *tcb, bool on, u64 now,
		     struct tl_actions *act)
{
	tl_actions_clear(act);
	if (!on) {
		tcb->ack_pingpong = true;
		return;
	}
	tcb->ack_pingpong = false;
	if (tcb->ack_delayed && (tcb->state == TL_ESTABLISHED ||
				 tcb->state == TL_CLOSE_WAIT)) {
		tcb->ack_pending = true;
		tl_transmit(tcb, now, act);
	}
}

/*
 * The reader is starved: everything it could use is read, and it waits
 * for more from the peer (kernel TLS: no whole record is queued, only
 * part of one or nothing).  An ACK that waits for the delayed-ACK timer
 * goes now.  The peer may be holding its next segment until this one is
 * acknowledged (Nagle, tl_nagle.c: its last segment was small), and then
 * both sides would wait up to 200 ms for the timer.  Linux's
 * tcp_cleanup_rbuf() does the same when a read empties the receive queue
 * after a small pushed segment; its kernel TLS reader takes partial
 * records out of TCP's queue, so that case covers it.  Not in ping-pong
 * mode: there the ACK rides on our answer.
 */
void tl_rcv_starved(struct tl_tcb *tcb, u64 now, struct tl_actions *act)
{
	tl_actions_clear(act);
	if (!tcb->ack_delayed || tcb->ack_pingpong ||
	    !tl_state_synchronized(tcb->state))
		return;
	tcb->ack_pending = true;
	tl_transmit(tcb, now, act);
}
