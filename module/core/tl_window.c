// SPDX-License-Identifier: GPL-2.0
/*
 * tl_window.c - the receive window we offer (RFC 9293 Section 3.8.6.2.2)
 * and when it is worth a window update of its own.
 *
 * The window to advertise is remembered in RCV.WND.  Two rules shape it:
 *  - receiver SWS avoidance (3.8.6.2.2): only open the window when it can
 *    grow by min(buffer / 2, MSS), so the peer is never invited to send
 *    tiny segments;
 *  - 3.8.6: the right edge RCV.NXT + RCV.WND is never moved left
 *    ("shrinking the window" is strongly discouraged), so a smaller
 *    rcv_space only stops further growth.
 */
#include "tl_types.h"
#include "tl_tcb_priv.h"

static u8 tl_rcv_shift(const struct tl_tcb *tcb, bool syn)
{
	/* RFC 7323 2.2: the window field of a SYN is never scaled. */
	if (!syn && (tcb->opts & TL_TCB_WSCALE))
		return tcb->rcv_wscale;
	return 0;
}

static u32 tl_rcv_sws_thresh(const struct tl_tcb *tcb)
{
	return min_t(u32, tcb->cfg.rcv_buf / 2, tcb->cfg.mss);
}

/* The window we could offer now, or 0 if SWS avoidance keeps it shut. */
static u32 tl_rcv_wnd_grown(const struct tl_tcb *tcb, bool syn)
{
	u32 avail = min_t(u32, tcb->rcv_space,
			  TL_WND_MAX << tl_rcv_shift(tcb, syn));

	if (avail > tcb->rcv_wnd &&
	    avail - tcb->rcv_wnd >= tl_rcv_sws_thresh(tcb))
		return avail;
	return 0;
}

/* SEG.WND for a segment we send now; RCV.WND grows if SWS allows. */
u16 tl_rcv_wnd_field(struct tl_tcb *tcb, bool syn)
{
	u32 grown = tl_rcv_wnd_grown(tcb, syn);

	if (grown)
		tcb->rcv_wnd = grown;
	return (u16)min_t(u32, tcb->rcv_wnd >> tl_rcv_shift(tcb, syn),
			  TL_WND_MAX);
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
