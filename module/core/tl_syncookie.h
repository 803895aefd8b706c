/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tl_syncookie.h - SYN cookies (RFC 4987 Section 3.6): a listener under a
 * SYN flood keeps no state for a SYN.  Everything it needs to create the
 * connection later is folded into the ISN of its SYN,ACK (and, with
 * timestamps, into the TSval), and recovered from the ACK that completes
 * the handshake.
 *
 * The cookie, Linux's layout:
 *
 *   bits 31..27  t mod 32, t = the time in units of 64 s
 *   bits 26..24  index into the MSS table (the peer's MSS, rounded down)
 *   bits 23..0   a keyed hash of the 4-tuple, the peer's ISN and t
 *
 * The core does the arithmetic; the keyed hash (a secret) is the glue's,
 * which hands the core its low 24 bits.  A cookie made in period t is
 * accepted in periods t and t + 1, so it lives between 64 and 128 s.
 */
#ifndef _TCPLAB_CORE_SYNCOOKIE_H
#define _TCPLAB_CORE_SYNCOOKIE_H

#include "tl_types.h"

struct tl_cfg;
struct tl_seg_in;
struct tl_seg_out;
struct tl_child_req;

#define TL_COOKIE_PERIOD_US	(64ULL * 1000000)	/* one unit of t */
#define TL_COOKIE_T_SHIFT	27
#define TL_COOKIE_MSS_SHIFT	24
#define TL_COOKIE_HASH_MASK	0x00ffffffU
#define TL_COOKIE_MSS_NR	8
/* Periods a cookie stays valid: the one it was made in and the next. */
#define TL_COOKIE_MAX_AGE	1

/*
 * The low 6 bits of a cookie SYN,ACK's TSval (Linux's
 * cookie_init_timestamp()): the peer's window scale (0xf: none) and
 * whether it offered SACK.
 */
#define TL_COOKIE_TS_BITS	6
#define TL_COOKIE_TS_MASK	((1U << TL_COOKIE_TS_BITS) - 1)
#define TL_COOKIE_TS_WSCALE	0x0f
#define TL_COOKIE_TS_SACK	0x10

/* The period t of time @now (microseconds). */
u32 tl_syncookie_count(u64 now);

/* The MSS table: the entry for @idx, and the index for a peer's MSS. */
u16 tl_syncookie_mss(u8 idx);
u8 tl_syncookie_mss_index(u16 peer_mss);

/* The cookie made in period @t for the MSS index and the glue's hash. */
u32 tl_syncookie_make(u32 t, u8 mss_idx, u32 hash);

/*
 * The age check of a cookie that arrives in period @now_t: false if it is
 * older than TL_COOKIE_MAX_AGE periods (or from the future), else true
 * and *@t is the full period it was made in, for the glue to hash.
 */
bool tl_syncookie_age(u32 cookie, u32 now_t, u32 *t);

/*
 * The rest of the check, once the glue hashed the period tl_syncookie_age()
 * gave: true if the hash bits match; *@mss_idx is then the MSS index.
 */
bool tl_syncookie_hash_ok(u32 cookie, u32 hash, u8 *mss_idx);

/*
 * TSval for a cookie SYN,ACK at timestamp clock @ts_now: the options of
 * the SYN (@wscale_ok with the peer's @wscale, @sack_ok) in the low bits,
 * never later than @ts_now, so the peer never sees our clock go back.
 */
u32 tl_syncookie_tsval(u32 ts_now, bool wscale_ok, u8 wscale, bool sack_ok);

/*
 * The SYN,ACK a listener in cookie mode answers @syn with: <SEQ=cookie>
 * <ACK=SEG.SEQ+1><CTL=SYN,ACK> and the options of @cfg the SYN agreed
 * to (RFC 9293 3.10.7.2 third, RFC 7323 2.2 and 3.2, RFC 2018 2).  Our
 * MSS is @mss, the route's: the window offered is rounded to it.  The
 * window scale we offer is not in the cookie; the child chooses it again
 * from the same @cfg.  Without timestamps, window scaling and SACK cannot
 * be remembered, so they are not offered.
 */
void tl_syncookie_synack(const struct tl_seg_in *syn, const struct tl_cfg *cfg,
			 u32 cookie, u16 mss, u64 now, struct tl_seg_out *out);

/*
 * The SYN that @ack (which completed a cookie handshake, MSS index
 * @mss_idx) must have followed, as a child request: ports, IRS, window,
 * MSS, and from the TSecr the window scale and SACK.  False if the TSecr
 * cannot have been ours (a window scale above 14).
 */
bool tl_syncookie_req(const struct tl_seg_in *ack, u8 mss_idx,
		      struct tl_child_req *req);

#endif /* _TCPLAB_CORE_SYNCOOKIE_H */
