// SPDX-License-Identifier: GPL-2.0
/*
 * tl_syncookie.c - the arithmetic of SYN cookies (RFC 4987 Section 3.6):
 * packing and checking the cookie, the MSS table, the options carried in
 * the timestamp, the stateless SYN,ACK.  See tl_syncookie.h for the
 * layout; the keyed hash lives in the glue (module/conn.c).
 */
#include "tl_types.h"
#include "tl_tcb_priv.h"
#include "tl_paws.h"
#include "tl_syncookie.h"

/*
 * Peer MSS values worth telling apart, ascending.  A peer's MSS is
 * rounded down to an entry, so the common ones are here exactly: 1460
 * (Ethernet), 1440 and 1400 (tunnels, PPPoE), 1380 and 1220 (IPv6 or
 * VPN paths), 8960 (jumbo frames).  Below 536 a peer gets 536, the
 * default of RFC 9293 3.7.1, as Linux's table gives it.
 */
static const u16 tl_cookie_msstab[TL_COOKIE_MSS_NR] = {
	536, 1220, 1300, 1380, 1400, 1440, 1460, 8960,
};

u32 tl_syncookie_count(u64 now)
{
	return (u32)(now / TL_COOKIE_PERIOD_US);
}

u16 tl_syncookie_mss(u8 idx)
{
	return tl_cookie_msstab[idx % TL_COOKIE_MSS_NR];
}

u8 tl_syncookie_mss_index(u16 peer_mss)
{
	u8 idx;

	for (idx = TL_COOKIE_MSS_NR - 1; idx > 0; idx--)
		if (peer_mss >= tl_cookie_msstab[idx])
			break;
	return idx;
}

u32 tl_syncookie_make(u32 t, u8 mss_idx, u32 hash)
{
	return (t << TL_COOKIE_T_SHIFT) |
	       ((u32)(mss_idx % TL_COOKIE_MSS_NR) << TL_COOKIE_MSS_SHIFT) |
	       (hash & TL_COOKIE_HASH_MASK);
}

bool tl_syncookie_age(u32 cookie, u32 now_t, u32 *t)
{
	u32 made = cookie >> TL_COOKIE_T_SHIFT;
	/* Periods since the cookie was made, modulo the 32 the field holds. */
	u32 age = (now_t - made) & 0x1f;

	if (age > TL_COOKIE_MAX_AGE)
		return false;
	*t = now_t - age;
	return true;
}

bool tl_syncookie_hash_ok(u32 cookie, u32 hash, u8 *mss_idx)
{
	if ((cookie & TL_COOKIE_HASH_MASK) != (hash & TL_COOKIE_HASH_MASK))
		return false;
	*mss_idx = (cookie >> TL_COOKIE_MSS_SHIFT) & (TL_COOKIE_MSS_NR - 1);
	return true;
}

u32 tl_syncookie_tsval(u32 ts_now, bool wscale_ok, u8 wscale, bool sack_ok)
{
	u32 bits = wscale_ok ? min_t(u8, wscale, TL_WSCALE_MAX) :
			       TL_COOKIE_TS_WSCALE;
	u32 ts;

	if (sack_ok)
		bits |= TL_COOKIE_TS_SACK;
	ts = (ts_now & ~TL_COOKIE_TS_MASK) | bits;
	/*
	 * The bits may put the value ahead of the clock; one step of 64
	 * ticks back keeps TSval monotonic for the connection the ACK
	 * creates, whose later segments carry the real clock.
	 */
	if ((s32)(ts - ts_now) > 0)
		ts -= 1U << TL_COOKIE_TS_BITS;
	return ts;
}

void tl_syncookie_synack(const struct tl_seg_in *syn, const struct tl_cfg *cfg,
			 u32 cookie, u16 mss, u64 now, struct tl_seg_out *out)
{
	const struct tl_tcp_opts *peer = &syn->opts;
	struct tl_tcp_opts *o = &out->opts;
	bool ts = (cfg->opts & TL_TCB_TS) && (peer->present & TL_OPTF_TS);
	bool ws = ts && (cfg->opts & TL_TCB_WSCALE) &&
		  (peer->present & TL_OPTF_WSCALE);
	bool sack = ts && (cfg->opts & TL_TCB_SACK) &&
		    (peer->present & TL_OPTF_SACK_PERM);
	u8 wscale;

	memset(out, 0, sizeof(*out));
	out->th.sport = syn->th.dport;
	out->th.dport = syn->th.sport;
	/*
	 * RFC 9293 3.10.7.2 third: "<SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>",
	 * with the cookie as ISS and RCV.NXT = SEG.SEQ + 1.  The window and
	 * the shift are those the child will take when the cookie comes
	 * back (tl_accept_cookie()), chosen the same way as in any SYN,ACK
	 * (tl_rcv_wnd_syn()).
	 */
	out->th.seq = cookie;
	out->th.ack = syn->th.seq + 1;
	out->th.flags = TL_TCP_SYN | TL_TCP_ACK;
	out->th.wnd = tl_rcv_wnd_syn(cfg, mss, ts, &wscale);

	o->present = TL_OPTF_MSS;
	o->mss = mss;
	if (ws) {
		o->present |= TL_OPTF_WSCALE;
		o->wscale = wscale;
	}
	if (sack)
		o->present |= TL_OPTF_SACK_PERM;
	if (ts) {
		/* RFC 7323 3.2: TSecr echoes the SYN's TSval. */
		o->present |= TL_OPTF_TS;
		o->tsval = tl_syncookie_tsval(tl_ts_now(now), ws, peer->wscale,
					      sack);
		o->tsecr = peer->tsval;
	}
}

bool tl_syncookie_req(const struct tl_seg_in *ack, u8 mss_idx,
		      struct tl_child_req *req)
{
	struct tl_tcp_opts *o = &req->opts;
	u32 bits;

	memset(req, 0, sizeof(*req));
	req->lport = ack->th.dport;
	req->rport = ack->th.sport;
	/* The ACK is the peer's first segment after its SYN: SEG.SEQ = IRS + 1. */
	req->irs = ack->th.seq - 1;
	req->wnd = ack->th.wnd;
	o->present = TL_OPTF_MSS;
	o->mss = tl_syncookie_mss(mss_idx);
	/*
	 * RFC 7323 3.2: a peer that agreed to timestamps puts them on every
	 * segment, and the ACK's TSecr echoes our SYN,ACK's TSval with the
	 * SYN's options in its low bits.  No timestamp: no scaling, no SACK.
	 */
	if (!(ack->opts.present & TL_OPTF_TS))
		return true;
	bits = ack->opts.tsecr & TL_COOKIE_TS_MASK;
	o->present |= TL_OPTF_TS;
	o->tsval = ack->opts.tsval;
	if ((bits & TL_COOKIE_TS_WSCALE) != TL_COOKIE_TS_WSCALE) {
		if ((bits & TL_COOKIE_TS_WSCALE) > TL_WSCALE_MAX)
			return false;
		o->present |= TL_OPTF_WSCALE;
		o->wscale = bits & TL_COOKIE_TS_WSCALE;
	}
	if (bits & TL_COOKIE_TS_SACK)
		o->present |= TL_OPTF_SACK_PERM;
	return true;
}
