// SPDX-License-Identifier: GPL-2.0
/*
 * tl_window.c - the receive window we offer (RFC 9293 Section 3.8.6.2.2):
 * the first one and the window scale, chosen for our SYN (RFC 7323 2.2),
 * then how it moves, and when it is worth a window update of its own.
 *
 * The window to advertise is remembered in RCV.WND.  Two rules shape it:
 *  - receiver SWS avoidance (3.8.6.2.2): only open the window when it can
 *    grow by min(buffer / 2, MSS), so the peer is never invited to send
 *    tiny segments;
 *  - 3.8.6: the right edge RCV.NXT + RCV.WND is never moved left
 *    ("shrinking the window" is strongly discouraged), so a smaller
 *    rcv_space only stops further growth.
 *
 * The buffer behind it grows with the reader (receive buffer
 * autotuning, "dynamic right-sizing", Linux's tcp_rcv_space_adjust()):
 * a window that is smaller than what the application reads in one round
 * trip makes the sender wait for every window update, so each round
 * trip the bytes read are counted, and when they beat the best round so
 * far the buffer becomes about twice that (plus room for growth) - up
 * to cfg.rcv_buf_max, which the glue sets from net.ipv4.tcp_rmem[2]
 * unless the user fixed SO_RCVBUF.  The round trip is measured by the
 * receiver itself, from the timestamp the peer echoes in its data
 * (RFC 7323 4.1, Linux's tcp_rcv_rtt_measure_ts()), or else taken from
 * our own SRTT.
 */
#include "tl_types.h"
#include "tl_tcb_priv.h"
#include "tl_paws.h"

/*
 * The first window: what our SYN or SYN,ACK offers, and the shift its
 * window scale option announces.
 *
 * RFC 9293 3.8.6.2.2 and RFC 7323 2.2 leave both to the receiver.  The
 * shift is offered once, in the SYN, and holds for the whole connection
 * (RFC 7323 2.2), so it must cover the largest window the receive buffer
 * may ever allow, not only today's; RFC 7323 2.3 caps it at 14, for
 * windows of up to 65535 << 14 bytes, just under 1 GiB.  A shift larger
 * than needed costs precision, as the field then counts in coarser units
 * (RFC 7323 2.4).  The SYN's own window field is never scaled (RFC 7323
 * 2.2): whatever the shift, it offers at most 65535 bytes.
 *
 * tcplab picks the numbers that Linux's tcp_select_initial_window()
 * picks, so that a peer sees the same SYN from both:
 *  - the window is the space the buffer allows now, rounded down to whole
 *    segments of @mss, so that the sender fills it with full segments and
 *    no sliver is left over (the concern of the receiver's SWS avoidance,
 *    RFC 9293 3.8.6.2.2).  Linux's default buffer, tcp_rmem[1] = 128 KiB
 *    of which half is offered as window, gives 65536, rounded down to
 *    44 * 1460 = 64240 on a 1500-byte MTU;
 *  - the shift is the smallest that lets the largest buffer fit in the
 *    16-bit field: @limit, the larger of net.ipv4.tcp_rmem[2] (up to
 *    which autotuning grows the buffer) and net.core.rmem_max (up to
 *    which SO_RCVBUF may set it), 6 MiB and a shift of 7 by default on a
 *    machine with enough memory; but when the user @fixed SO_RCVBUF, no
 *    more than the window it allows (4 KiB gives 0).  Like Linux, the
 *    shift covers the whole buffer, though only half of it is ever
 *    offered as window.  (Linux computes it as ilog2(top) - 15; the loop
 *    below finds the same number.)
 */
u32 tl_rcv_wnd_initial(u32 space, u32 limit, bool fixed, u16 mss,
		       u8 *wscale)
{
	const u32 most = TL_WND_MAX << TL_WSCALE_MAX;
	u32 wnd = min_t(u32, space, most);
	u32 top;
	u8 shift = 0;

	if (mss && wnd > mss)
		wnd -= wnd % mss;
	top = max_t(u32, wnd, limit);
	if (fixed)
		top = min_t(u32, top, space);
	top = min_t(u32, top, most);
	while (shift < TL_WSCALE_MAX && (top >> shift) > TL_WND_MAX)
		shift++;
	*wscale = shift;
	return wnd;
}

/*
 * The window field of our SYN or SYN,ACK, which is never scaled (RFC 7323
 * 2.2), and in *@wscale the shift to offer, for a connection set up by
 * @cfg whose MSS is @mss.  With timestamps (@ts) each of the peer's
 * segments carries 12 bytes of them, so a full segment holds that much
 * less data (RFC 7323 3.2): a passive end knows from the peer's SYN, an
 * active one does not know yet (Linux: tcp_openreq_init_rwin() and
 * tcp_connect_init()).
 */
u16 tl_rcv_wnd_syn(const struct tl_cfg *cfg, u16 mss, bool ts, u8 *wscale)
{
	u32 wnd;

	if (ts)
		mss -= min_t(u16, mss, TL_OPT_TS_SPACE);
	wnd = tl_rcv_wnd_initial(cfg->rcv_buf, cfg->rcv_buf_limit,
				 cfg->rcv_buf_fixed, mss, wscale);
	return (u16)min_t(u32, wnd, TL_WND_MAX);
}

/*
 * RCV.WND and our shift before our first SYN or SYN,ACK goes out.  RCV.WND
 * is what that segment offers: more would be a window the peer has never
 * heard of.  The shift is kept only if both ends agree to scaling
 * (tl_syn_negotiate()).
 */
void tl_rcv_wnd_init(struct tl_tcb *tcb)
{
	bool ts = tcb->passive && (tcb->opts & TL_TCB_TS);
	u8 wscale;

	tcb->rcv_wnd = tl_rcv_wnd_syn(&tcb->cfg, tcb->cfg.mss, ts, &wscale);
	tcb->rcv_wscale = (tcb->opts & TL_TCB_WSCALE) ? wscale : 0;
}

/*
 * The handshake is over: from now on the window field is scaled (RFC 7323
 * 2.3).  RCV.WND, the window our SYN offered, is rarely a whole number of
 * the units the field now counts in (64240 is 501.875 units of 128), and
 * rounding it down would move the right edge the peer knows to the left
 * by up to a unit (RFC 7323 2.4), which RFC 9293 3.8.6 discourages.
 * Rounding it up moves the edge right by less than a unit instead, when
 * the buffer has room: the first scaled window offers no less than the
 * SYN did, 502 units, as Linux's tcp_select_window() rounds it.  Later
 * windows are rounded down (tl_rcv_wnd_field()).
 */
void tl_rcv_wnd_scaled(struct tl_tcb *tcb)
{
	u32 unit, up;

	if (!(tcb->opts & TL_TCB_WSCALE) || !tcb->rcv_wscale)
		return;
	unit = 1U << tcb->rcv_wscale;
	up = (tcb->rcv_wnd + unit - 1) & ~(unit - 1);
	if (up <= tcb->rcv_space)
		tcb->rcv_wnd = up;
}

static u8 tl_rcv_shift(const struct tl_tcb *tcb, bool syn)
{
	/* LAB window: begin */
	/* RFC 7323 2.2: the window field of a SYN is never scaled. */
	if (!syn && (tcb->opts & TL_TCB_WSCALE))
		return tcb->rcv_wscale;
	return 0;
	/* LAB window: end */
}

static u32 tl_rcv_sws_thresh(const struct tl_tcb *tcb)
{
	/* LAB window: begin */
	/* RFC 9293 3.8.6.2.2: min(Fr * RCV.BUFF, MSS) with Fr = 1/2. */
	return min_t(u32, tcb->cfg.rcv_buf / 2, tcb->cfg.mss);
	/* LAB window: end */
}

/* The window we could offer now, or 0 if SWS avoidance keeps it shut. */
static u32 tl_rcv_wnd_grown(const struct tl_tcb *tcb, bool syn)
{
	/* LAB window: begin */
	/* The free buffer, as far as the window field can say it. */
	u32 avail = min_t(u32, tcb->rcv_space,
			  TL_WND_MAX << tl_rcv_shift(tcb, syn));

	/*
	 * RFC 9293 3.8.6.2.2: the right edge moves only when it can move by
	 * the SWS threshold or more; 3.8.6: never to the left.
	 */
	if (avail > tcb->rcv_wnd &&
	    avail - tcb->rcv_wnd >= tl_rcv_sws_thresh(tcb))
		return avail;
	return 0;
	/* LAB window: end */
}

/* Linux's TCP_INIT_CWND: the first round is compared with 10 segments. */
#define TL_DRS_INIT_SEGS	10

void tl_rcv_autotune_init(struct tl_tcb *tcb, u64 now)
{
	tcb->drs_copied = 0;
	/*
	 * Linux compares with its initial window, 10 segments.  Ours is the
	 * whole buffer from the start, which one round can hardly beat when
	 * segments are large (64 KiB on loopback): at most half of it.
	 */
	tcb->drs_space = min_t(u32, tcb->cfg.rcv_buf / 2,
			       TL_DRS_INIT_SEGS * (u32)tcb->rcv_mss);
	tcb->drs_start = now;
}

/*
 * In-order data of @len bytes arrived: the echo of our timestamp says
 * how long ago we sent what let the peer send it.  Full-sized segments
 * only (a short one may have waited for the sender's application); an
 * average of 1/8 weight per sample, as SRTT.
 */
void tl_rcv_rtt_sample(struct tl_tcb *tcb, const struct tl_seg_in *seg,
		       u32 len, u64 now)
{
	u32 rtt;

	if (len < tcb->rcv_mss || tcb->cfg.rcv_buf >= tcb->cfg.rcv_buf_max)
		return;
	rtt = tl_ts_rtt_sample(tcb, seg, now);
	if (!rtt)
		return;
	if (!tcb->rcv_rtt_us)
		tcb->rcv_rtt_us = rtt;
	else
		tcb->rcv_rtt_us += (s32)(rtt - tcb->rcv_rtt_us) / 8;
}

/* The user read @len bytes. */
void tl_rcv_autotune(struct tl_tcb *tcb, u32 len, u64 now)
{
	u32 rtt = tcb->rcv_rtt_us ? : tl_rto_srtt(&tcb->rto);
	u32 copied, space;
	u64 want;

	if (tcb->cfg.rcv_buf >= tcb->cfg.rcv_buf_max)
		return;
	tcb->drs_copied += min_t(u32, len, tcb->cfg.rcv_buf_max);
	if (!rtt || now - tcb->drs_start < rtt)
		return;
	copied = min_t(u32, tcb->drs_copied, tcb->cfg.rcv_buf_max);
	space = max_t(u32, tcb->drs_space, 1);
	if (copied > space) {
		/*
		 * Twice a round's reading (the sender's cwnd may double while
		 * the window update travels) and 16 segments of slack; more
		 * if the reader sped up since the best round (it may still be
		 * in slow start).  Linux's formula.
		 */
		want = 2ULL * copied + 16ULL * tcb->rcv_mss;
		want = min_t(u64, want, tcb->cfg.rcv_buf_max);
		want += 2 * (want * (copied - space) / space);
		want = min_t(u64, want, tcb->cfg.rcv_buf_max);
		if (want > tcb->cfg.rcv_buf) {
			tcb->rcv_space += (u32)want - tcb->cfg.rcv_buf;
			tcb->cfg.rcv_buf = (u32)want;
		}
		tcb->drs_space = copied;
	}
	tcb->drs_copied = 0;
	tcb->drs_start = now;
}

/* SEG.WND for a segment we send now; RCV.WND grows if SWS allows. */
u16 tl_rcv_wnd_field(struct tl_tcb *tcb, bool syn)
{
	/* LAB window: begin */
	u32 grown = tl_rcv_wnd_grown(tcb, syn);

	if (grown)
		tcb->rcv_wnd = grown;
	/* RFC 7323 2.3: the field is RCV.WND shifted right, rounded down. */
	return (u16)min_t(u32, tcb->rcv_wnd >> tl_rcv_shift(tcb, syn),
			  TL_WND_MAX);
	/* LAB window: end */
}

/*
 * After the user read data: is a window update worth a segment of its
 * own?  The window must be able to open by the SWS threshold (above),
 * and the peer must gain from hearing it now:
 *  - the window it knows is below the threshold (it may be stalled, or
 *    about to send tiny segments), or
 *  - the window at least doubles, as Linux's tcp_cleanup_rbuf() decides,
 *    so a bulk sender never waits on a window that we already opened.
 * Otherwise the next ACK carries the larger window anyway.
 */
bool tl_rcv_wnd_should_update(const struct tl_tcb *tcb)
{
	u32 grown = tl_rcv_wnd_grown(tcb, false);

	if (!grown)
		return false;
	return tcb->rcv_wnd < tl_rcv_sws_thresh(tcb) ||
	       grown / 2 >= tcb->rcv_wnd;
}
