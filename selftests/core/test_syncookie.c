// SPDX-License-Identifier: GPL-2.0
/*
 * test_syncookie.c - SYN cookies (RFC 4987 3.6): the cookie's layout, the
 * age check across the 5-bit counter's wrap, the MSS table, the options
 * carried in TSval, the stateless SYN,ACK and the child made from the
 * ACK, with sequence numbers that wrap.
 */
#include "test_util.h"
#include "tl_paws.h"
#include "tl_syncookie.h"

#define IRS 5000

/* A stand-in for the glue's keyed hash: anything that depends on @t. */
static u32 t_hash(u32 t)
{
	return (t * 2654435761U) ^ 0x5a5a5a;
}

TEST(layout_is_linux)
{
	u32 c = tl_syncookie_make(37, 5, 0xabcdef12);

	ASSERT_EQ(37 % 32, c >> 27);
	ASSERT_EQ(5, (c >> 24) & 7);
	ASSERT_EQ(0xcdef12, c & 0xffffff);
	ASSERT_EQ(0, tl_syncookie_count(TL_COOKIE_PERIOD_US - 1));
	ASSERT_EQ(1, tl_syncookie_count(TL_COOKIE_PERIOD_US));
	ASSERT_EQ(10, tl_syncookie_count(10 * TL_COOKIE_PERIOD_US + 5));
}

/* Linux accepts a cookie up to 2 minutes old: periods t and t + 1. */
TEST(age_accepts_t_and_t_minus_1_only)
{
	u32 made, t, now;
	u8 idx;

	for (made = 0; made < 70; made++) {
		u32 c = tl_syncookie_make(made, 3, t_hash(made));

		for (now = made; now < made + 40; now++) {
			bool ok = tl_syncookie_age(c, now, &t);

			if (now - made <= 1) {
				ASSERT_TRUE(ok);
				ASSERT_EQ(made, t);
				ASSERT_TRUE(tl_syncookie_hash_ok(c, t_hash(t),
								 &idx));
				ASSERT_EQ(3, idx);
			} else if (ok) {
				/*
				 * 32 periods later the 5 bits match again;
				 * the hash over the full period tells.
				 */
				ASSERT_EQ(0, (now - made) % 32 > 1);
				ASSERT_NE(made, t);
				ASSERT_FALSE(tl_syncookie_hash_ok(c, t_hash(t),
								  &idx));
			}
		}
		/* From the future: refused. */
		if (made > 0)
			ASSERT_FALSE(tl_syncookie_age(c, made - 1, &t));
	}
}

/* The counter field wraps from 31 to 0 between t and t + 1. */
TEST(age_across_counter_wrap)
{
	u32 c = tl_syncookie_make(31, 0, t_hash(31));
	u32 t;

	ASSERT_TRUE(tl_syncookie_age(c, 32, &t));
	ASSERT_EQ(31, t);
	ASSERT_FALSE(tl_syncookie_age(c, 33, &t));
	/* And t itself wrapping u32 (a clock that ran for 8700 years). */
	c = tl_syncookie_make(0xffffffffU, 0, 0);
	ASSERT_TRUE(tl_syncookie_age(c, 0, &t));
	ASSERT_EQ(0xffffffffU, t);
}

TEST(hash_bits_must_match)
{
	u32 c = tl_syncookie_make(4, 2, t_hash(4));
	u8 idx;

	ASSERT_FALSE(tl_syncookie_hash_ok(c ^ 1, t_hash(4), &idx));
	ASSERT_FALSE(tl_syncookie_hash_ok(c ^ 0x800000, t_hash(4), &idx));
	ASSERT_TRUE(tl_syncookie_hash_ok(c, t_hash(4) | 0xff000000, &idx));
}

TEST(mss_table_rounds_down)
{
	ASSERT_EQ(536, tl_syncookie_mss(tl_syncookie_mss_index(0)));
	ASSERT_EQ(536, tl_syncookie_mss(tl_syncookie_mss_index(500)));
	ASSERT_EQ(536, tl_syncookie_mss(tl_syncookie_mss_index(1219)));
	ASSERT_EQ(1460, tl_syncookie_mss(tl_syncookie_mss_index(1460)));
	ASSERT_EQ(1440, tl_syncookie_mss(tl_syncookie_mss_index(1448)));
	ASSERT_EQ(8960, tl_syncookie_mss(tl_syncookie_mss_index(65483)));
	ASSERT_EQ(1460, tl_syncookie_mss(tl_syncookie_mss_index(8959)));
}

/* cookie_init_timestamp(): options in the low 6 bits, never ahead. */
TEST(tsval_carries_options_and_never_runs_ahead)
{
	u32 now, ts;

	for (now = 0xffffff00U; now != 0x200; now++) {
		ts = tl_syncookie_tsval(now, true, 7, true);
		ASSERT_EQ(7 | TL_COOKIE_TS_SACK, ts & TL_COOKIE_TS_MASK);
		ASSERT_TRUE((s32)(now - ts) >= 0);
		ASSERT_TRUE((s32)(now - ts) < 64);
		ts = tl_syncookie_tsval(now, false, 7, false);
		ASSERT_EQ(TL_COOKIE_TS_WSCALE, ts & TL_COOKIE_TS_MASK);
		ASSERT_TRUE((s32)(now - ts) >= 0);
	}
}

static struct tl_seg_in t_syn(u32 seq, bool ts, bool ws, bool sack)
{
	struct tl_seg_in s = t_seg("SYN", seq, 0, 64240, 0);

	s.opts.present = TL_OPTF_MSS;
	s.opts.mss = 9000;
	if (ts) {
		s.opts.present |= TL_OPTF_TS;
		s.opts.tsval = 777;
	}
	if (ws) {
		s.opts.present |= TL_OPTF_WSCALE;
		s.opts.wscale = 9;
	}
	if (sack)
		s.opts.present |= TL_OPTF_SACK_PERM;
	return s;
}

/*
 * Our MSS is the route's, 1400, in the SYN,ACK and in the child alike;
 * the buffer limit is Linux's default tcp_rmem[2], a window scale of 7.
 */
static void t_cookie_cfg(struct tl_cfg *cfg)
{
	t_cfg(cfg);
	cfg->opts = TL_TCB_WSCALE | TL_TCB_SACK | TL_TCB_TS;
	cfg->mss = 1400;
	cfg->rcv_buf_limit = 6 * 1024 * 1024;
}

/*
 * The whole exchange: the stateless SYN,ACK, then the ACK (with data)
 * makes a child that is ESTABLISHED with the SYN's options, ISS and IRS
 * chosen so that both sequence spaces wrap.
 */
static void t_cookie_handshake(struct __test_metadata *_metadata,
			       bool ts, bool ws, bool sack)
{
	u32 irs = 0xffffffffU, t, cookie;
	struct tl_seg_in syn = t_syn(irs, ts, ws, sack), ack;
	struct tl_child_req req;
	struct tl_seg_out sa;
	struct tl_cfg cfg;
	struct t_conn c;
	/* Period 31: the counter field is all ones. */
	u64 now = 31 * TL_COOKIE_PERIOD_US + 123;
	u8 idx;

	t_cookie_cfg(&cfg);
	t = tl_syncookie_count(now);
	/* All bits ones (8960, hash ~0): ISS + 1 wraps to 0. */
	cookie = tl_syncookie_make(t, tl_syncookie_mss_index(8960), ~0U);
	ASSERT_EQ(0xffffffffU, cookie);
	tl_syncookie_synack(&syn, &cfg, cookie, cfg.mss, now, &sa);
	ASSERT_EQ(TL_TCP_SYN | TL_TCP_ACK, sa.th.flags);
	ASSERT_EQ(cookie, sa.th.seq);
	ASSERT_EQ(0, sa.th.ack);	/* IRS + 1 wrapped */
	/*
	 * The buffer's 8000 in whole segments of the peer's data: 1400,
	 * less 12 bytes when every segment carries timestamps.
	 */
	ASSERT_EQ(ts ? 5 * 1388 : 5 * 1400, sa.th.wnd);
	ASSERT_EQ(1400, sa.opts.mss);
	ASSERT_EQ(ts, !!(sa.opts.present & TL_OPTF_TS));
	ASSERT_EQ(ts && ws, !!(sa.opts.present & TL_OPTF_WSCALE));
	ASSERT_EQ(ts && sack, !!(sa.opts.present & TL_OPTF_SACK_PERM));
	if (ts) {
		ASSERT_EQ(777, sa.opts.tsecr);
		if (ws)
			ASSERT_EQ(7, sa.opts.wscale);
	}

	/* The peer's ACK, 20 ms later, with 10 bytes. */
	now += 20000;
	ack = t_seg("ACK", irs + 1, cookie + 1, 500, 10);
	if (ts) {
		ack.opts.present = TL_OPTF_TS;
		ack.opts.tsval = 800;
		ack.opts.tsecr = sa.opts.tsval;
	}
	ASSERT_EQ(0, ack.th.ack);	/* the cookie + 1 wrapped too */
	ASSERT_TRUE(tl_syncookie_age(ack.th.ack - 1, tl_syncookie_count(now),
				     &t));
	ASSERT_EQ(31, t);
	ASSERT_TRUE(tl_syncookie_hash_ok(ack.th.ack - 1, ~0U, &idx));
	ASSERT_EQ(8960, tl_syncookie_mss(idx));
	ASSERT_TRUE(tl_syncookie_req(&ack, idx, &req));
	ASSERT_EQ(irs, req.irs);
	ASSERT_EQ(T_LPORT, req.lport);
	ASSERT_EQ(T_RPORT, req.rport);

	t_init_cfg(&c, &cfg);
	c.now = now;
	ASSERT_EQ(0, tl_accept_cookie(&c.tcb, &req, cookie, c.now, &c.act));
	EXPECT_STATE(&c, TL_SYN_RECEIVED);
	EXPECT_NOSEG(&c);
	/* The child offers what the SYN,ACK offered. */
	ASSERT_EQ(sa.th.wnd, c.tcb.rcv_wnd);
	tl_input(&c.tcb, &ack, c.now, &c.act);
	EXPECT_STATE(&c, TL_ESTABLISHED);
	ASSERT_EQ(1, c.act.nstate);
	ASSERT_EQ(TL_SYN_RECEIVED, c.act.state[0].from);
	ASSERT_EQ(TL_ESTABLISHED, c.act.state[0].to);
	ASSERT_EQ(10, c.act.deliver_len);
	ASSERT_EQ(irs + 11, c.tcb.rcv_nxt);
	ASSERT_EQ(cookie + 1, c.tcb.snd_una);
	ASSERT_EQ(ts ? TL_TCB_TS : 0, c.tcb.opts & TL_TCB_TS);
	ASSERT_EQ(ts && ws ? TL_TCB_WSCALE : 0, c.tcb.opts & TL_TCB_WSCALE);
	ASSERT_EQ(ts && sack ? TL_TCB_SACK : 0, c.tcb.opts & TL_TCB_SACK);
	if (ts && ws) {
		ASSERT_EQ(9, c.tcb.snd_wscale);
		ASSERT_EQ(7, c.tcb.rcv_wscale);
		ASSERT_EQ(500U << 9, c.tcb.snd_wnd);
	} else {
		ASSERT_EQ(0, c.tcb.rcv_wscale);
		ASSERT_EQ(500, c.tcb.snd_wnd);
	}
	if (ts)
		ASSERT_EQ(800, c.tcb.ts_recent);
	/* min(8960 from the table, ours), less the timestamps' 12 bytes. */
	ASSERT_EQ(ts ? 1400 - 12 : 1400, c.tcb.snd_mss);
}

TEST(handshake_with_ts_wscale_sack)
{
	t_cookie_handshake(_metadata, true, true, true);
}

TEST(handshake_with_ts_only)
{
	t_cookie_handshake(_metadata, true, false, false);
}

/* Without timestamps nothing can be remembered: no scaling, no SACK. */
TEST(handshake_without_ts_loses_wscale_and_sack)
{
	t_cookie_handshake(_metadata, false, true, true);
}

/* The low bits of TSecr: window scale 0..14 or 15 for none, SACK. */
TEST(tsecr_bits_decode)
{
	struct tl_seg_in ack = t_seg("ACK", IRS + 1, 1, 500, 0);
	struct tl_child_req req;

	ack.opts.present = TL_OPTF_TS;
	ack.opts.tsecr = 0x1000 | 14;
	ASSERT_TRUE(tl_syncookie_req(&ack, 0, &req));
	ASSERT_TRUE(req.opts.present & TL_OPTF_WSCALE);
	ASSERT_EQ(14, req.opts.wscale);
	ASSERT_FALSE(req.opts.present & TL_OPTF_SACK_PERM);
	ack.opts.tsecr = 0x1000 | 0 | TL_COOKIE_TS_SACK;
	ASSERT_TRUE(tl_syncookie_req(&ack, 0, &req));
	ASSERT_EQ(0, req.opts.wscale);
	ASSERT_TRUE(req.opts.present & TL_OPTF_WSCALE);
	ASSERT_TRUE(req.opts.present & TL_OPTF_SACK_PERM);
	ack.opts.tsecr = 0x1000 | 15;
	ASSERT_TRUE(tl_syncookie_req(&ack, 0, &req));
	ASSERT_FALSE(req.opts.present & TL_OPTF_WSCALE);
	ASSERT_EQ(536, req.opts.mss);
}

TEST_HARNESS_MAIN
