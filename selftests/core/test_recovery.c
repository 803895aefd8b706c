// SPDX-License-Identifier: GPL-2.0
/*
 * test_recovery.c - loss recovery and the timestamp option: the SACK
 * scoreboard (RFC 2018 / RFC 6675), fast retransmit and NewReno (RFC 5681,
 * RFC 6582), SACK-based recovery (RFC 6675), the Loss state after a
 * timeout, RTT samples from timestamps and PAWS (RFC 7323), and lossy,
 * reordering end-to-end transfers.
 *
 * ISS = 100, IRS = 5000, MSS 1000 both ways, peer window 60000.
 */
#include <stdarg.h>
#include "test_util.h"
#include "tl_sack.h"
#include "tl_paws.h"

#define ISS 100
#define IRS 5000
#define D0 (ISS + 1)		/* first data byte */

static bool t_has_ev(const struct tl_actions *act, u8 ev)
{
	int i;

	for (i = 0; i < act->ncc_ev; i++)
		if (act->cc_ev[i] == ev)
			return true;
	return false;
}

/* Establish actively with MSS 1000 both ways and @opts (TL_TCB_*). */
static void t_establish(struct __test_metadata *_metadata, struct t_conn *c,
			u8 opts, const struct tl_cc_ops *cc)
{
	struct tl_cfg cfg;
	struct tl_seg_in s;

	t_cfg(&cfg);
	cfg.opts = opts;
	cfg.cc = cc;
	t_init_cfg(c, &cfg);
	ASSERT_EQ(0, tl_open_active(&c->tcb, T_LPORT, T_RPORT, ISS, c->now,
				    &c->act));
	c->now += 10000;
	s = t_seg("SYN|ACK", IRS, ISS + 1, 60000, 0);
	s.opts.present = TL_OPTF_MSS;
	s.opts.mss = 1000;
	if (opts & TL_TCB_SACK)
		s.opts.present |= TL_OPTF_SACK_PERM;
	if (opts & TL_TCB_TS) {
		s.opts.present |= TL_OPTF_TS;
		s.opts.tsval = 7;
		s.opts.tsecr = c->act.seg[0].opts.tsval;
	}
	tl_input(&c->tcb, &s, c->now, &c->act);
	EXPECT_STATE(c, TL_ESTABLISHED);
	ASSERT_EQ(opts & TL_TCB_TS ? 988 : 1000, c->tcb.snd_mss);
}

/* The peer's data [@seq, +@len) with timestamp @tsval arrives. */
static void t_data_ts(struct t_conn *c, u32 seq, u32 len, u32 tsval)
{
	struct tl_seg_in s = t_seg("ACK", seq, D0, 60000, len);

	s.opts.present = TL_OPTF_TS;
	s.opts.tsval = tsval;
	tl_input(&c->tcb, &s, c->now, &c->act);
}

/* An ACK from the peer, with SACK blocks given as start/end pairs. */
static struct tl_actions *t_ack(struct t_conn *c, u32 ack, int nblk, ...)
{
	struct tl_seg_in s = t_seg("ACK", IRS + 1, ack, 60000, 0);
	va_list ap;
	int i;

	va_start(ap, nblk);
	for (i = 0; i < nblk; i++) {
		s.opts.sack[i].start = va_arg(ap, u32);
		s.opts.sack[i].end = va_arg(ap, u32);
	}
	va_end(ap);
	if (nblk) {
		s.opts.present |= TL_OPTF_SACK;
		s.opts.nr_sack = nblk;
	}
	tl_input(&c->tcb, &s, c->now, &c->act);
	return &c->act;
}

/* ---- the scoreboard ---- */

TEST(rfc6675_scoreboard_merge_trim_holes)
{
	struct tl_sack_block b[4] = {
		{ 3000, 4000 }, { 1000, 2000 }, { 2000, 2500 }, { 6000, 7000 },
	};
	struct tl_sack_sb sb;
	u32 s, e;
	u8 n;

	tl_sack_clear(&sb);
	/* [1000,2500) merged from two adjacent blocks, then 3000, 6000 */
	ASSERT_EQ(3500, tl_sack_update(&sb, 500, 8000, b, 4));
	ASSERT_EQ(3, sb.n);
	ASSERT_EQ(1000, sb.r[0].start);
	ASSERT_EQ(2500, sb.r[0].end);
	/* the same blocks again are no news (a D-SACK-like repeat) */
	ASSERT_EQ(0, tl_sack_update(&sb, 500, 8000, b, 4));
	/* invalid blocks: beyond SND.MAX, below SND.UNA, empty */
	b[0] = (struct tl_sack_block){ 7000, 9000 };
	b[1] = (struct tl_sack_block){ 100, 400 };
	b[2] = (struct tl_sack_block){ 5000, 5000 };
	ASSERT_EQ(0, tl_sack_update(&sb, 500, 8000, b, 3));

	ASSERT_TRUE(tl_sack_has(&sb, 1000));
	ASSERT_FALSE(tl_sack_has(&sb, 2500));
	ASSERT_EQ(3500, tl_sack_bytes_above(&sb, 500, &n));
	ASSERT_EQ(3, n);
	ASSERT_EQ(1000, tl_sack_bytes_above(&sb, 5000, &n));
	ASSERT_EQ(1, n);

	/* holes: [500,1000) [2500,3000) [4000,6000) [7000,8000) */
	ASSERT_TRUE(tl_sack_next_hole(&sb, 500, 8000, &s, &e));
	ASSERT_EQ(500, s);
	ASSERT_EQ(1000, e);
	ASSERT_TRUE(tl_sack_next_hole(&sb, 1200, 8000, &s, &e));
	ASSERT_EQ(2500, s);
	ASSERT_EQ(3000, e);
	ASSERT_TRUE(tl_sack_next_hole(&sb, 4500, 8000, &s, &e));
	ASSERT_EQ(4500, s);
	ASSERT_EQ(6000, e);
	ASSERT_TRUE(tl_sack_next_hole(&sb, 6500, 8000, &s, &e));
	ASSERT_EQ(7000, s);
	ASSERT_EQ(8000, e);
	ASSERT_FALSE(tl_sack_next_hole(&sb, 8000, 8000, &s, &e));

	/* the cumulative ACK trims: 2200 cuts into the first range */
	tl_sack_ack(&sb, 2200);
	ASSERT_EQ(3, sb.n);
	ASSERT_EQ(2200, sb.r[0].start);
	tl_sack_ack(&sb, 4000);
	ASSERT_EQ(1, sb.n);
	ASSERT_EQ(6000, sb.r[0].start);
}

TEST(rfc6675_4_is_lost)
{
	struct tl_sack_block b[3] = {
		{ 2000, 3000 }, { 4000, 5000 }, { 6000, 6500 },
	};
	struct tl_sack_sb sb;

	tl_sack_clear(&sb);
	tl_sack_update(&sb, 1000, 10000, b, 2);
	/* 2000 bytes SACKed above 1000, two ranges: not > 2 * SMSS */
	ASSERT_FALSE(tl_sack_is_lost(&sb, 1000, 1000));
	/* "more than (DupThresh - 1) * SMSS bytes" */
	ASSERT_TRUE(tl_sack_is_lost(&sb, 1000, 999));
	/* "DupThresh discontiguous SACKed sequences" */
	tl_sack_update(&sb, 1000, 10000, &b[2], 1);
	ASSERT_TRUE(tl_sack_is_lost(&sb, 1000, 1000));
	/* above the second range only one range and 500 bytes */
	ASSERT_FALSE(tl_sack_is_lost(&sb, 5000, 1000));
}

TEST(scoreboard_full_forgets_the_highest_range)
{
	struct tl_sack_sb sb;
	struct tl_sack_block b;
	int i;

	tl_sack_clear(&sb);
	for (i = 0; i < TL_SACK_SB_MAX + 4; i++) {
		b.start = 1000 + i * 200;
		b.end = b.start + 100;
		tl_sack_update(&sb, 0, 100000, &b, 1);
	}
	ASSERT_EQ(TL_SACK_SB_MAX, sb.n);
	ASSERT_EQ(1000, sb.r[0].start);
	/* a low range still gets in, pushing out the highest */
	b.start = 500;
	b.end = 600;
	tl_sack_update(&sb, 0, 100000, &b, 1);
	ASSERT_EQ(TL_SACK_SB_MAX, sb.n);
	ASSERT_EQ(500, sb.r[0].start);
	ASSERT_EQ(1000 + (TL_SACK_SB_MAX - 2) * 200, sb.r[TL_SACK_SB_MAX - 1].start);
}

/* ---- NewReno ---- */

TEST(rfc6582_newreno_fast_recovery)
{
	struct t_conn c;
	u32 ssthresh;
	int i;

	t_establish(_metadata, &c, 0, &tl_cc_reno);
	/* IW 10 segments: 10000 bytes go out */
	tl_send(&c.tcb, 20000, c.now, &c.act);
	ASSERT_EQ(8, c.act.nseg);
	ASSERT_TRUE(c.act.more);
	tl_output(&c.tcb, c.now, &c.act);
	ASSERT_EQ(2, c.act.nseg);
	ASSERT_EQ(D0 + 10000, c.tcb.snd_nxt);

	/* segments 1 and 3 (D0 and D0 + 2000) are lost; 2 dupacks */
	c.now += 1000;
	t_ack(&c, D0, 0);
	t_ack(&c, D0, 0);
	EXPECT_NOSEG(&c);
	ASSERT_EQ(TL_CA_DISORDER, c.tcb.rec.ca_state);
	/* the third: fast retransmit of D0, ssthresh = flight / 2 */
	t_ack(&c, D0, 0);
	ASSERT_EQ(1, c.act.nseg);
	EXPECT_SEG(&c, 0, "ACK", D0, IRS + 1);
	EXPECT_DATA(&c, 0, 1000);
	ASSERT_TRUE(c.act.seg[0].rtx);
	ASSERT_EQ(TL_RTX_FAST, c.act.seg[0].rtx_kind);
	ASSERT_STREQ("fast", tl_rtx_kind_name(c.act.seg[0].rtx_kind));
	ASSERT_TRUE(t_has_ev(&c.act, TL_CC_EV_LOSS));
	ASSERT_TRUE(t_has_ev(&c.act, TL_CC_EV_RECOVERY_ENTER));
	ASSERT_EQ(TL_CA_RECOVERY, c.tcb.rec.ca_state);
	ssthresh = c.tcb.cc.ssthresh;
	ASSERT_EQ(5000, ssthresh);
	/* cwnd = ssthresh + 3 * SMSS */
	ASSERT_EQ(ssthresh + 3000, c.tcb.cc.cwnd);
	ASSERT_EQ(D0 + 10000, c.tcb.rec.recover);

	/* more dupacks inflate cwnd; once it passes the flight, new data */
	for (i = 0; i < 5; i++)
		t_ack(&c, D0, 0);
	ASSERT_EQ(ssthresh + 8000, c.tcb.cc.cwnd);
	/* una + cwnd = D0 + 13000: three new segments went out in total */
	ASSERT_EQ(D0 + 13000, c.tcb.snd_nxt);

	/* partial ACK up to the second hole: it is retransmitted at once */
	t_ack(&c, D0 + 2000, 0);
	ASSERT_GE(c.act.nseg, 1);
	EXPECT_SEG(&c, 0, "ACK", D0 + 2000, IRS + 1);
	ASSERT_EQ(TL_RTX_FAST, c.act.seg[0].rtx_kind);
	/* deflated by 2000, one SMSS added back; una + cwnd allows one more */
	ASSERT_EQ(ssthresh + 8000 - 2000 + 1000, c.tcb.cc.cwnd);
	ASSERT_EQ(TL_CA_RECOVERY, c.tcb.rec.ca_state);
	ASSERT_EQ(D0 + 14000, c.tcb.snd_max);

	/* the full ACK (covers "recover") ends recovery */
	t_ack(&c, D0 + 10000, 0);
	ASSERT_TRUE(t_has_ev(&c.act, TL_CC_EV_RECOVERY_EXIT));
	ASSERT_NE(TL_CA_RECOVERY, c.tcb.rec.ca_state);
	/* min(ssthresh, max(FlightSize, SMSS) + SMSS): flight is 4000 */
	ASSERT_EQ(5000, c.tcb.cc.cwnd);
	t_establish(_metadata, &c, 0, &tl_cc_reno);
	tl_send(&c.tcb, 10000, c.now, &c.act);
	tl_output(&c.tcb, c.now, &c.act);
	t_ack(&c, D0, 0);
	t_ack(&c, D0, 0);
	t_ack(&c, D0, 0);
	t_ack(&c, D0 + 9000, 0);	/* partial */
	t_ack(&c, D0 + 10000, 0);	/* full, with nothing in flight */
	ASSERT_EQ(2000, c.tcb.cc.cwnd);
}

/*
 * A partial ACK of less than one SMSS deflates cwnd by what it
 * acknowledges and adds nothing back (RFC 6582 3.2 step 3).
 */
TEST(rfc6582_partial_ack_below_one_smss)
{
	struct t_conn c;

	t_establish(_metadata, &c, 0, &tl_cc_reno);
	tl_send(&c.tcb, 10000, c.now, &c.act);
	tl_output(&c.tcb, c.now, &c.act);
	t_ack(&c, D0, 0);
	t_ack(&c, D0, 0);
	t_ack(&c, D0, 0);
	ASSERT_EQ(TL_CA_RECOVERY, c.tcb.rec.ca_state);
	ASSERT_EQ(5000 + 3000, c.tcb.cc.cwnd);
	/* half a segment acknowledged: the rest of it goes again */
	t_ack(&c, D0 + 500, 0);
	ASSERT_GE(c.act.nseg, 1);
	EXPECT_SEG(&c, 0, "ACK", D0 + 500, IRS + 1);
	ASSERT_EQ(TL_RTX_FAST, c.act.seg[0].rtx_kind);
	ASSERT_EQ(5000 + 3000 - 500, c.tcb.cc.cwnd);
	ASSERT_EQ(TL_CA_RECOVERY, c.tcb.rec.ca_state);
}

TEST(rfc6582_no_second_fast_retransmit_below_recover)
{
	struct t_conn c;

	t_establish(_metadata, &c, 0, &tl_cc_reno);
	tl_send(&c.tcb, 10000, c.now, &c.act);
	tl_output(&c.tcb, c.now, &c.act);
	/* a timeout: Loss state, recover = SND.MAX */
	t_fire(&c, TL_TIMER_RTX);
	ASSERT_EQ(TL_CA_LOSS, c.tcb.rec.ca_state);
	ASSERT_TRUE(t_has_ev(&c.act, TL_CC_EV_RTO));
	ASSERT_TRUE(t_has_ev(&c.act, TL_CC_EV_BACKOFF));
	ASSERT_EQ(1, c.act.nseg);
	ASSERT_EQ(TL_RTX_RTO, c.act.seg[0].rtx_kind);
	ASSERT_EQ(1000, c.tcb.cc.cwnd);
	/* duplicate ACKs for the old flight: no fast retransmit */
	t_ack(&c, D0 + 1000, 0);
	t_ack(&c, D0 + 1000, 0);
	t_ack(&c, D0 + 1000, 0);
	t_ack(&c, D0 + 1000, 0);
	ASSERT_EQ(TL_CA_LOSS, c.tcb.rec.ca_state);
	ASSERT_FALSE(t_has_ev(&c.act, TL_CC_EV_LOSS));
	/* everything acknowledged: back to Open */
	t_ack(&c, D0 + 10000, 0);
	ASSERT_EQ(TL_CA_OPEN, c.tcb.rec.ca_state);
	ASSERT_TRUE(t_has_ev(&c.act, TL_CC_EV_RECOVERY_EXIT));
}

/* ---- RFC 6675 ---- */

TEST(rfc6675_sack_recovery_retransmits_holes_only)
{
	struct t_conn c;
	u32 pipe;

	t_establish(_metadata, &c, TL_TCB_SACK, &tl_cc_reno);
	tl_send(&c.tcb, 10000, c.now, &c.act);
	tl_output(&c.tcb, c.now, &c.act);
	ASSERT_EQ(D0 + 10000, c.tcb.snd_max);
	/*
	 * Segments 0 and 2 are lost ([D0, D0+1000) and [D0+2000, D0+3000)).
	 * SACKs for 1, 3, 4: the third range makes D0 IsLost.
	 */
	c.now += 1000;
	t_ack(&c, D0, 1, D0 + 1000, D0 + 2000);
	t_ack(&c, D0, 2, D0 + 3000, D0 + 4000, D0 + 1000, D0 + 2000);
	EXPECT_NOSEG(&c);
	ASSERT_EQ(TL_CA_DISORDER, c.tcb.rec.ca_state);
	t_ack(&c, D0, 2, D0 + 3000, D0 + 5000, D0 + 1000, D0 + 2000);
	/* entered recovery: 3000 SACKed above D0 is > 2 * SMSS */
	ASSERT_EQ(TL_CA_RECOVERY, c.tcb.rec.ca_state);
	ASSERT_TRUE(c.tcb.rec.sack);
	ASSERT_EQ(5000, c.tcb.cc.ssthresh);
	ASSERT_EQ(5000, c.tcb.cc.cwnd);
	ASSERT_GE(c.act.nseg, 1);
	EXPECT_SEG(&c, 0, "ACK", D0, IRS + 1);
	ASSERT_EQ(TL_RTX_FAST, c.act.seg[0].rtx_kind);
	/*
	 * In recovery the hole at D0+2000 counts as lost too (SACKed data
	 * above it).  pipe: the not-lost tail [D0+5000, D0+10000) = 5000,
	 * plus 1000 retransmitted = 6000 > cwnd: nothing else goes out yet.
	 */
	ASSERT_EQ(1, c.act.nseg);
	pipe = tl_recovery_pipe(&c.tcb);
	ASSERT_EQ(6000, pipe);
	ASSERT_EQ(2000, tl_recovery_lost(&c.tcb));
	ASSERT_EQ(1000, tl_recovery_retrans_out(&c.tcb));

	/* more SACKs: pipe drops, D0+2000 goes out again */
	t_ack(&c, D0, 2, D0 + 3000, D0 + 8000, D0 + 1000, D0 + 2000);
	ASSERT_GE(c.act.nseg, 1);
	EXPECT_SEG(&c, 0, "ACK", D0 + 2000, IRS + 1);
	ASSERT_EQ(TL_RTX_SACK, c.act.seg[0].rtx_kind);
	EXPECT_DATA(&c, 0, 1000);
	/* then new data as cwnd - pipe allows, never SACKed data again */
	for (int i = 1; i < c.act.nseg; i++)
		ASSERT_TRUE(tl_seq_geq(c.act.seg[i].th.seq, D0 + 10000));
	ASSERT_LE(tl_recovery_pipe(&c.tcb), c.tcb.cc.cwnd);

	/* the cumulative ACK covers RecoveryPoint: recovery over */
	t_ack(&c, D0 + 10000, 0);
	ASSERT_TRUE(t_has_ev(&c.act, TL_CC_EV_RECOVERY_EXIT));
	ASSERT_NE(TL_CA_RECOVERY, c.tcb.rec.ca_state);
	ASSERT_EQ(0, c.tcb.rec.sb.n);
}

TEST(rfc6675_5_1_timeout_keeps_scoreboard)
{
	struct t_conn c;
	int i, n = 0;

	t_establish(_metadata, &c, TL_TCB_SACK, &tl_cc_reno);
	tl_send(&c.tcb, 10000, c.now, &c.act);
	tl_output(&c.tcb, c.now, &c.act);
	/* only the second segment arrived and was SACKed */
	t_ack(&c, D0, 1, D0 + 1000, D0 + 2000);
	/* first a tail loss probe (RFC 8985), unanswered; then the RTO */
	t_fire(&c, TL_TIMER_RTX);
	ASSERT_EQ(TL_RTX_PROBE, c.act.seg[0].rtx_kind);
	t_fire(&c, TL_TIMER_RTX);
	ASSERT_EQ(TL_CA_LOSS, c.tcb.rec.ca_state);
	ASSERT_EQ(1, c.act.nseg);
	EXPECT_SEG(&c, 0, "ACK", D0, IRS + 1);
	ASSERT_EQ(TL_RTX_RTO, c.act.seg[0].rtx_kind);
	ASSERT_EQ(D0 + 10000, c.tcb.snd_nxt);	/* no go-back-N */
	/* the ACK lets slow start send two: the holes, skipping the SACK */
	t_ack(&c, D0 + 1000, 1, D0 + 1000, D0 + 2000);
	for (i = 0; i < c.act.nseg; i++) {
		if (!c.act.seg[i].data_len)
			continue;
		ASSERT_NE(D0 + 1000, c.act.seg[i].th.seq);
		ASSERT_EQ(TL_RTX_RTO, c.act.seg[i].rtx_kind);
		n++;
	}
	ASSERT_EQ(2, n);
	EXPECT_SEG(&c, 0, "ACK", D0 + 2000, IRS + 1);
	EXPECT_SEG(&c, 1, "ACK", D0 + 3000, IRS + 1);
}

/* ---- D-SACK undo (tl_undo.c) ---- */

/*
 * Reordering taken for loss: segment 0 is late, three segments above it
 * are SACKed, segment 0 is sent again and cwnd is cut.  Then the late
 * original arrives (the cumulative ACK covers everything) and the
 * retransmission comes back as a duplicate, reported by a D-SACK below
 * the cumulative ACK (RFC 2883 4.1.1): RFC 3708 calls the episode
 * spurious and the cut is undone.
 */
static void t_reorder_episode(struct __test_metadata *_metadata,
			      struct t_conn *c)
{
	t_establish(_metadata, c, TL_TCB_SACK, &tl_cc_reno);
	tl_send(&c->tcb, 10000, c->now, &c->act);
	tl_output(&c->tcb, c->now, &c->act);
	ASSERT_EQ(10000, c->tcb.cc.cwnd);
	ASSERT_EQ(0xffffffffU, c->tcb.cc.ssthresh);
	c->now += 1000;
	t_ack(c, D0, 1, D0 + 1000, D0 + 2000);
	t_ack(c, D0, 1, D0 + 1000, D0 + 3000);
	t_ack(c, D0, 1, D0 + 1000, D0 + 4000);
	ASSERT_EQ(TL_CA_RECOVERY, c->tcb.rec.ca_state);
	ASSERT_EQ(TL_RTX_FAST, c->act.seg[0].rtx_kind);
	ASSERT_EQ(5000, c->tcb.cc.ssthresh);
	ASSERT_EQ(1, c->tcb.rec.undo_rtx);
}

TEST(rfc3708_dsack_after_recovery_undoes_the_cut)
{
	struct t_conn c;

	t_reorder_episode(_metadata, &c);
	/* the late original fills the hole: recovery ends, cwnd cut */
	t_ack(&c, D0 + 10000, 0);
	ASSERT_TRUE(t_has_ev(&c.act, TL_CC_EV_RECOVERY_EXIT));
	ASSERT_FALSE(t_has_ev(&c.act, TL_CC_EV_UNDO));
	ASSERT_EQ(5000, c.tcb.cc.ssthresh);
	ASSERT_GT(10000, c.tcb.cc.cwnd);
	/* the retransmitted copy arrives: D-SACK [D0, D0+1000) */
	t_ack(&c, D0 + 10000, 1, D0, D0 + 1000);
	ASSERT_TRUE(t_has_ev(&c.act, TL_CC_EV_UNDO));
	ASSERT_EQ(0xffffffffU, c.tcb.cc.ssthresh);
	ASSERT_EQ(10000, c.tcb.cc.cwnd);
	ASSERT_FALSE(c.tcb.rec.undo_ok);
	/* once only: the same D-SACK again changes nothing */
	c.tcb.cc.cwnd = 12000;
	t_ack(&c, D0 + 10000, 1, D0, D0 + 1000);
	ASSERT_FALSE(t_has_ev(&c.act, TL_CC_EV_UNDO));
	ASSERT_EQ(12000, c.tcb.cc.cwnd);
}

TEST(rfc3708_dsack_during_recovery_undoes_at_its_end)
{
	struct t_conn c;

	t_reorder_episode(_metadata, &c);
	/*
	 * The duplicate is reported while segments are still missing: the
	 * D-SACK lies inside the second block (RFC 2883 4.1.2 form: a
	 * duplicate of SACKed data).  Nothing is undone inside recovery.
	 */
	t_ack(&c, D0, 2, D0 + 1000, D0 + 2000, D0 + 1000, D0 + 5000);
	ASSERT_EQ(TL_CA_RECOVERY, c.tcb.rec.ca_state);
	ASSERT_FALSE(t_has_ev(&c.act, TL_CC_EV_UNDO));
	ASSERT_EQ(5000, c.tcb.cc.ssthresh);
	/*
	 * That duplicate was not the retransmitted segment 0, so it counts
	 * as one duplicate of the episode's data all the same: RFC 3708
	 * counts duplicates, not which copy they were.  The end of
	 * recovery then finds every retransmission matched.
	 */
	t_ack(&c, D0 + 10000, 0);
	ASSERT_TRUE(t_has_ev(&c.act, TL_CC_EV_RECOVERY_EXIT));
	ASSERT_TRUE(t_has_ev(&c.act, TL_CC_EV_UNDO));
	ASSERT_EQ(0xffffffffU, c.tcb.cc.ssthresh);
}

TEST(rfc3708_real_loss_is_not_undone)
{
	struct t_conn c;

	t_reorder_episode(_metadata, &c);
	/* the retransmission filled the hole: no duplicate, ever */
	t_ack(&c, D0 + 10000, 0);
	t_ack(&c, D0 + 10000, 0);
	ASSERT_EQ(5000, c.tcb.cc.ssthresh);
	ASSERT_TRUE(c.tcb.rec.undo_ok);
	/* a D-SACK of data sent before the episode is not one of its own */
	t_ack(&c, D0 + 10000, 1, ISS, D0);
	ASSERT_FALSE(t_has_ev(&c.act, TL_CC_EV_UNDO));
	/* nor is a plain SACK block above the cumulative ACK */
	tl_send(&c.tcb, 3000, c.now, &c.act);
	tl_output(&c.tcb, c.now, &c.act);
	t_ack(&c, D0 + 10000, 1, D0 + 11000, D0 + 12000);
	ASSERT_FALSE(t_has_ev(&c.act, TL_CC_EV_UNDO));
	ASSERT_EQ(5000, c.tcb.cc.ssthresh);
}

TEST(rfc3708_timeout_is_not_undone)
{
	struct t_conn c;

	t_reorder_episode(_metadata, &c);
	/* the retransmission is lost too, and the RTO fires */
	t_fire(&c, TL_TIMER_RTX);
	ASSERT_EQ(TL_CA_LOSS, c.tcb.rec.ca_state);
	ASSERT_FALSE(c.tcb.rec.undo_ok);
	t_ack(&c, D0 + 10000, 0);
	t_ack(&c, D0 + 10000, 1, D0, D0 + 1000);
	ASSERT_FALSE(t_has_ev(&c.act, TL_CC_EV_UNDO));
	ASSERT_NE(0xffffffffU, c.tcb.cc.ssthresh);
}

TEST(rfc3708_without_sack_nothing_to_undo)
{
	struct t_conn c;
	int i;

	t_establish(_metadata, &c, 0, &tl_cc_reno);
	tl_send(&c.tcb, 10000, c.now, &c.act);
	tl_output(&c.tcb, c.now, &c.act);
	for (i = 0; i < 3; i++)
		t_ack(&c, D0, 0);
	ASSERT_EQ(TL_CA_RECOVERY, c.tcb.rec.ca_state);
	ASSERT_FALSE(c.tcb.rec.undo_ok);
}

/* ---- D-SACK sent (RFC 2883 4) ---- */

/* The peer's data [@seq, +@len), no options; the ACK we send, if any. */
static const struct tl_seg_out *t_data(struct t_conn *c, u32 seq, u32 len)
{
	struct tl_seg_in s = t_seg("ACK", seq, D0, 60000, len);

	tl_input(&c->tcb, &s, c->now, &c->act);
	return c->act.nseg ? &c->act.seg[c->act.nseg - 1] : NULL;
}

#define EXPECT_BLOCK(seg, i, s, e) do {					\
	EXPECT_EQ((u32)(s), (seg)->opts.sack[i].start);			\
	EXPECT_EQ((u32)(e), (seg)->opts.sack[i].end);			\
} while (0)

TEST(rfc2883_4_1_1_duplicate_reported_once)
{
	const struct tl_seg_out *a;
	struct t_conn c;

	t_establish(_metadata, &c, TL_TCB_SACK, &tl_cc_reno);
	t_data(&c, IRS + 1, 1000);
	/* the same segment again: our ACK was lost, or it was resent */
	a = t_data(&c, IRS + 1, 1000);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(IRS + 1001, a->th.ack);
	ASSERT_TRUE(a->opts.present & TL_OPTF_SACK);
	ASSERT_EQ(1, a->opts.nr_sack);
	EXPECT_BLOCK(a, 0, IRS + 1, IRS + 1001);
	/* reported once: the next ACK has no SACK option */
	c.tcb.ack_pending = true;
	tl_output(&c.tcb, c.now, &c.act);
	ASSERT_EQ(1, c.act.nseg);
	EXPECT_FALSE(c.act.seg[0].opts.present & TL_OPTF_SACK);
}

TEST(rfc2883_4_2_partial_duplicate)
{
	const struct tl_seg_out *a;
	struct t_conn c;

	t_establish(_metadata, &c, TL_TCB_SACK, &tl_cc_reno);
	t_data(&c, IRS + 1, 1000);
	/* half old, half new: the old half is the duplicate */
	a = t_data(&c, IRS + 501, 1000);
	c.tcb.ack_pending = true;
	if (!a) {
		tl_output(&c.tcb, c.now, &c.act);
		a = &c.act.seg[0];
	}
	EXPECT_EQ(IRS + 1501, a->th.ack);
	ASSERT_EQ(1, a->opts.nr_sack);
	EXPECT_BLOCK(a, 0, IRS + 501, IRS + 1001);
}

TEST(rfc2883_4_1_2_duplicate_above_the_cumulative_ack)
{
	const struct tl_seg_out *a;
	struct t_conn c;

	t_establish(_metadata, &c, TL_TCB_SACK, &tl_cc_reno);
	a = t_data(&c, IRS + 1001, 1000);		/* out of order */
	ASSERT_NE(NULL, a);
	ASSERT_EQ(1, a->opts.nr_sack);
	EXPECT_BLOCK(a, 0, IRS + 1001, IRS + 2001);
	a = t_data(&c, IRS + 1001, 1000);		/* and again */
	ASSERT_NE(NULL, a);
	EXPECT_EQ(IRS + 1, a->th.ack);
	/* the D-SACK first, then the block it lies in */
	ASSERT_EQ(2, a->opts.nr_sack);
	EXPECT_BLOCK(a, 0, IRS + 1001, IRS + 2001);
	EXPECT_BLOCK(a, 1, IRS + 1001, IRS + 2001);
}

TEST(rfc2883_no_dsack_when_off_or_without_sack)
{
	const struct tl_seg_out *a;
	struct t_conn c;

	/* net.ipv4.tcp_dsack 0 */
	t_establish(_metadata, &c, TL_TCB_SACK, &tl_cc_reno);
	c.tcb.cfg.dsack = false;
	t_data(&c, IRS + 1, 1000);
	a = t_data(&c, IRS + 1, 1000);
	ASSERT_NE(NULL, a);
	EXPECT_FALSE(a->opts.present & TL_OPTF_SACK);
	/* SACK not negotiated */
	t_establish(_metadata, &c, 0, &tl_cc_reno);
	t_data(&c, IRS + 1, 1000);
	a = t_data(&c, IRS + 1, 1000);
	ASSERT_NE(NULL, a);
	EXPECT_FALSE(a->opts.present & TL_OPTF_SACK);
}

TEST(rfc8985_7_tail_loss_probe)
{
	struct t_conn c;
	u64 sent;

	t_establish(_metadata, &c, TL_TCB_SACK, &tl_cc_reno);
	sent = c.now;
	tl_send(&c.tcb, 10000, c.now, &c.act);
	tl_output(&c.tcb, c.now, &c.act);
	/* SRTT 10 ms from the handshake: PTO = 20 ms, well before the RTO */
	ASSERT_TRUE(c.tcb.rec.tlp_armed);
	ASSERT_EQ(sent + 20000, c.tcb.timer[TL_TIMER_RTX]);
	/* the last two segments are lost; the rest is acknowledged */
	c.now += 5000;
	t_ack(&c, D0 + 8000, 0);
	ASSERT_TRUE(c.tcb.rec.tlp_armed);
	t_fire(&c, TL_TIMER_RTX);
	ASSERT_EQ(1, c.act.nseg);
	EXPECT_SEG(&c, 0, "ACK|PSH", D0 + 9000, IRS + 1);
	ASSERT_EQ(TL_RTX_PROBE, c.act.seg[0].rtx_kind);
	ASSERT_EQ(0, c.tcb.retries);		/* not a timeout */
	ASSERT_FALSE(c.tcb.rec.tlp_armed);	/* the RTO is next */
	ASSERT_EQ(TL_CA_OPEN, c.tcb.rec.ca_state);
	/* the probe arrives: SACKed above the hole, which is then sent */
	t_ack(&c, D0 + 8000, 1, D0 + 9000, D0 + 10000);
	ASSERT_EQ(TL_CA_RECOVERY, c.tcb.rec.ca_state);
	ASSERT_GE(c.act.nseg, 1);
	EXPECT_SEG(&c, 0, "ACK", D0 + 8000, IRS + 1);
	ASSERT_EQ(TL_RTX_FAST, c.act.seg[0].rtx_kind);
	t_ack(&c, D0 + 10000, 0);
	ASSERT_EQ(TL_CA_OPEN, c.tcb.rec.ca_state);
	ASSERT_FALSE(c.tcb.timer[TL_TIMER_RTX]);
}

TEST(lost_retransmission_sent_again)
{
	struct t_conn c;

	t_establish(_metadata, &c, TL_TCB_SACK, &tl_cc_reno);
	tl_send(&c.tcb, 10000, c.now, &c.act);
	tl_output(&c.tcb, c.now, &c.act);
	/* segments 0 and 2 lost; recovery retransmits both */
	t_ack(&c, D0, 1, D0 + 1000, D0 + 2000);
	t_ack(&c, D0, 2, D0 + 3000, D0 + 4000, D0 + 1000, D0 + 2000);
	t_ack(&c, D0, 2, D0 + 3000, D0 + 8000, D0 + 1000, D0 + 2000);
	ASSERT_EQ(TL_CA_RECOVERY, c.tcb.rec.ca_state);
	ASSERT_EQ(D0 + 3000, c.tcb.rec.high_rxt);	/* both holes sent */
	/* the second retransmission arrives, the first does not: lost */
	t_ack(&c, D0, 1, D0 + 1000, D0 + 8000);
	ASSERT_GE(c.act.nseg, 1);
	EXPECT_SEG(&c, 0, "ACK", D0, IRS + 1);
	ASSERT_EQ(TL_RTX_SACK, c.act.seg[0].rtx_kind);
}

TEST(rfc7661_cwnd_grows_only_when_used)
{
	struct t_conn c;
	int i;

	t_establish(_metadata, &c, 0, &tl_cc_reno);
	/* one segment at a time: never more than 1/10 of cwnd in flight */
	for (i = 0; i < 20; i++) {
		tl_send(&c.tcb, 1000, c.now, &c.act);
		t_ack(&c, D0 + (i + 1) * 1000, 0);
	}
	ASSERT_EQ(10000, c.tcb.cc.cwnd);
	/* a full window: slow start */
	tl_send(&c.tcb, 10000, c.now, &c.act);
	tl_output(&c.tcb, c.now, &c.act);
	t_ack(&c, D0 + 30000, 0);
	ASSERT_EQ(11000, c.tcb.cc.cwnd);
}

/* ---- RFC 7323 ---- */

TEST(rfc7323_4_rtt_from_timestamps_despite_retransmission)
{
	struct t_conn c;
	struct tl_seg_in s;
	u32 tsval;

	t_establish(_metadata, &c, TL_TCB_TS, &tl_cc_reno);
	tl_send(&c.tcb, 988, c.now, &c.act);
	t_fire(&c, TL_TIMER_RTX);	/* retransmitted: Karn stops timing */
	ASSERT_FALSE(c.tcb.rtt_timing);
	tsval = c.act.seg[0].opts.tsval;
	c.tcb.rto.srtt8 = 0;		/* forget the handshake's sample */
	c.now += 300000;		/* the answer comes 300 ms later */
	s = t_seg("ACK", IRS + 1, D0 + 988, 60000, 0);
	s.opts.present = TL_OPTF_TS;
	s.opts.tsval = 9;
	s.opts.tsecr = tsval;
	tl_input(&c.tcb, &s, c.now, &c.act);
	ASSERT_TRUE(t_has_ev(&c.act, TL_CC_EV_RTT));
	/* 300 ms in 1.024 ms ticks, +- one tick */
	ASSERT_GE(tl_rto_srtt(&c.tcb.rto), 298000);
	ASSERT_LE(tl_rto_srtt(&c.tcb.rto), 302000);
}

/*
 * Our ACK for [IRS+1, +100) was lost and the peer retransmits it.  The
 * duplicate is not acceptable (RFC 9293 3.10.7.4), but it ends where our
 * last ACK pointed: its TSval becomes TS.Recent (as Linux's receiver
 * does), so the ACK it draws lets the peer time the retransmission
 * correctly instead of measuring a whole RTO.  An older duplicate does
 * not move TS.Recent.
 */
TEST(rfc7323_4_3_retransmitted_duplicate_refreshes_ts_recent)
{
	struct t_conn c;

	t_establish(_metadata, &c, TL_TCB_TS, &tl_cc_reno);
	t_data_ts(&c, IRS + 1, 100, 1000);
	ASSERT_EQ(100, c.act.deliver_len);
	EXPECT_SEG(&c, 0, "ACK", D0, IRS + 101);
	ASSERT_EQ(1000, c.act.seg[0].opts.tsecr);

	c.now += 200000;
	t_data_ts(&c, IRS + 1, 100, 1200);	/* the retransmission */
	ASSERT_EQ(TL_DROP_SEQ, c.act.drop);
	EXPECT_SEG(&c, 0, "ACK", D0, IRS + 101);
	ASSERT_EQ(1200, c.act.seg[0].opts.tsecr);

	/* more data; then a duplicate of the first 100 bytes again */
	t_data_ts(&c, IRS + 101, 100, 1300);
	t_data_ts(&c, IRS + 1, 100, 1400);
	ASSERT_EQ(TL_DROP_SEQ, c.act.drop);
	EXPECT_SEG(&c, 0, "ACK", D0, IRS + 201);
	ASSERT_EQ(1300, c.act.seg[0].opts.tsecr);
}

/*
 * TS.Recent moves only with a segment whose ACK field is valid (as
 * Linux's tcp_ack()): an in-window RST or a SYN draws a challenge ACK
 * (RFC 5961) echoing the old TSval, and so does an ACK of unsent data.
 */
TEST(rfc7323_4_3_ts_recent_not_moved_by_invalid_segments)
{
	struct tl_seg_in s;
	struct t_conn c;

	t_establish(_metadata, &c, TL_TCB_TS, &tl_cc_reno);
	t_data_ts(&c, IRS + 1, 100, 1000);
	ASSERT_EQ(1000, c.tcb.ts_recent);

	s = t_seg("RST", IRS + 151, 0, 0, 0);
	s.opts.present = TL_OPTF_TS;
	s.opts.tsval = 2000;
	tl_input(&c.tcb, &s, c.now, &c.act);
	ASSERT_EQ(TL_DROP_RST_CHALLENGE, c.act.drop);
	EXPECT_SEG(&c, 0, "ACK", D0, IRS + 101);
	EXPECT_EQ(1000, c.act.seg[0].opts.tsecr);

	s = t_seg("SYN", IRS + 101, 0, 60000, 0);
	s.opts.present = TL_OPTF_TS;
	s.opts.tsval = 3000;
	tl_input(&c.tcb, &s, c.now, &c.act);
	ASSERT_EQ(TL_DROP_SYN_CHALLENGE, c.act.drop);
	EXPECT_EQ(1000, c.act.seg[0].opts.tsecr);

	s = t_seg("ACK", IRS + 101, D0 + 5000, 60000, 0);
	s.opts.present = TL_OPTF_TS;
	s.opts.tsval = 4000;
	tl_input(&c.tcb, &s, c.now, &c.act);
	ASSERT_EQ(TL_DROP_ACK_FUTURE, c.act.drop);
	EXPECT_EQ(1000, c.act.seg[0].opts.tsecr);
	EXPECT_EQ(1000, c.tcb.ts_recent);

	/* the next acceptable segment moves it */
	t_data_ts(&c, IRS + 101, 100, 5000);
	EXPECT_EQ(5000, c.tcb.ts_recent);
}

/*
 * We hold data out of order and are sending too.  A full-sized data
 * segment has no room for SACK blocks (RFC 9293 3.7.1), so the pass that
 * sends only such segments ends with a pure ACK that carries them; a
 * pass whose last segment is short enough carries them on it.
 */
TEST(rfc2018_sack_blocks_get_their_own_ack_beside_full_segments)
{
	struct t_conn c;
	int i;

	t_establish(_metadata, &c, TL_TCB_TS | TL_TCB_SACK, &tl_cc_reno);
	/* [IRS+101, +100) arrives out of order: the dupACK reports it */
	t_data_ts(&c, IRS + 101, 100, 100);
	ASSERT_EQ(1, c.act.nseg);
	ASSERT_EQ(1, c.act.seg[0].opts.nr_sack);

	/* two full segments to send: then a pure ACK with the block */
	tl_send(&c.tcb, 2 * 988, c.now, &c.act);
	ASSERT_EQ(3, c.act.nseg);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(988, c.act.seg[i].data_len);
		ASSERT_TRUE(c.act.seg[i].opts.present & TL_OPTF_SACK);
	}
	EXPECT_SEG(&c, 2, "ACK", D0 + 2 * 988, IRS + 1);
	ASSERT_EQ(0, c.act.seg[2].data_len);
	ASSERT_EQ(1, c.act.seg[2].opts.nr_sack);
	ASSERT_EQ(IRS + 101, c.act.seg[2].opts.sack[0].start);
	ASSERT_EQ(IRS + 201, c.act.seg[2].opts.sack[0].end);
	ASSERT_TRUE(c.act.sack_trimmed);

	/* a short segment has room (988 - 12 >= 500): no extra ACK */
	c.now += 1000;
	tl_send(&c.tcb, 500, c.now, &c.act);
	ASSERT_EQ(1, c.act.nseg);
	ASSERT_EQ(500, c.act.seg[0].data_len);
	ASSERT_EQ(1, c.act.seg[0].opts.nr_sack);

	/* the hole filled: no blocks, no extra ACKs */
	t_data_ts(&c, IRS + 1, 100, 101);
	tl_send(&c.tcb, 988, c.now, &c.act);
	ASSERT_EQ(1, c.act.nseg);
	ASSERT_FALSE(c.act.seg[0].opts.present & TL_OPTF_SACK);
}

TEST(rfc7323_5_paws_drops_old_timestamps)
{
	struct t_conn c;
	struct tl_seg_in s;

	t_establish(_metadata, &c, TL_TCB_TS, &tl_cc_reno);
	s = t_seg("ACK", IRS + 1, D0, 60000, 100);
	s.opts.present = TL_OPTF_TS;
	s.opts.tsval = 1000;
	tl_input(&c.tcb, &s, c.now, &c.act);
	ASSERT_EQ(100, c.act.deliver_len);
	ASSERT_EQ(1000, c.tcb.ts_recent);
	/* one tick older passes (TL_PAWS_WINDOW, as Linux) */
	s = t_seg("ACK", IRS + 101, D0, 60000, 0);
	s.opts.present = TL_OPTF_TS;
	s.opts.tsval = 999;
	tl_input(&c.tcb, &s, c.now, &c.act);
	ASSERT_EQ(TL_DROP_NONE, c.act.drop);
	/* an old duplicate, in the window but with TSval < TS.Recent */
	s = t_seg("ACK", IRS + 101, D0, 60000, 100);
	s.opts.present = TL_OPTF_TS;
	s.opts.tsval = 998;
	tl_input(&c.tcb, &s, c.now, &c.act);
	ASSERT_EQ(TL_DROP_PAWS, c.act.drop);
	ASSERT_EQ(0, c.act.deliver_len);
	EXPECT_SEG(&c, 0, "ACK", D0, IRS + 101);	/* acknowledged */
	/* wrapping: 0x80000000 later is "older" */
	s.opts.tsval = 1000 + 0x80000001U;
	tl_input(&c.tcb, &s, c.now, &c.act);
	ASSERT_EQ(TL_DROP_PAWS, c.act.drop);
	/* a RST is not subject to PAWS */
	s = t_seg("RST", IRS + 101, 0, 0, 0);
	s.opts.present = TL_OPTF_TS;
	s.opts.tsval = 5;
	tl_input(&c.tcb, &s, c.now, &c.act);
	EXPECT_STATE(&c, TL_CLOSED);
	/* after 24 days of idleness TS.Recent is no longer valid */
	t_establish(_metadata, &c, TL_TCB_TS, &tl_cc_reno);
	s = t_seg("ACK", IRS + 1, D0, 60000, 100);
	s.opts.present = TL_OPTF_TS;
	s.opts.tsval = 1000;
	tl_input(&c.tcb, &s, c.now, &c.act);
	c.now += TL_PAWS_IDLE_US + 1;
	s = t_seg("ACK", IRS + 101, D0, 60000, 100);
	s.opts.present = TL_OPTF_TS;
	s.opts.tsval = 500;
	tl_input(&c.tcb, &s, c.now, &c.act);
	ASSERT_EQ(TL_DROP_NONE, c.act.drop);
	ASSERT_EQ(100, c.act.deliver_len);
}

/* ---- end to end over a lossy, reordering wire ---- */

struct t_net {
	struct tl_seg_out q[4096];
	u64 at[4096];		/* delivery time */
	int n;
	u64 rng;
	int loss_pct, reorder_pct, dup_pct;
	int dropped;
};

static u32 t_rand(struct t_net *w)
{
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	return (u32)(w->rng >> 16);
}

static void t_net_put(struct __test_metadata *_metadata, struct t_net *w,
		      const struct tl_seg_out *s, u64 now)
{
	int copies = 1, k;

	if ((int)(t_rand(w) % 100) < w->loss_pct) {
		w->dropped++;
		return;
	}
	if ((int)(t_rand(w) % 100) < w->dup_pct)
		copies = 2;
	for (k = 0; k < copies; k++) {
		ASSERT_LT(w->n, (int)ARRAY_SIZE(w->q));
		w->q[w->n] = *s;
		/* 5 ms path; reordered segments take 5 ms longer */
		w->at[w->n] = now + 5000 +
			((int)(t_rand(w) % 100) < w->reorder_pct ? 5000 : 0);
		w->n++;
	}
}

static void t_net_flush(struct __test_metadata *_metadata, struct t_conn *c,
			struct t_net *w)
{
	int i;

	for (;;) {
		for (i = 0; i < c->act.nseg; i++)
			t_net_put(_metadata, w, &c->act.seg[i], c->now);
		if (!c->act.more)
			return;
		tl_output(&c->tcb, c->now, &c->act);
	}
}

/* The earliest segment on the wire, if due by @until. */
static int t_net_next(const struct t_net *w)
{
	int i, best = -1;

	for (i = 0; i < w->n; i++)
		if (best < 0 || w->at[i] < w->at[best])
			best = i;
	return best;
}

static void t_net_take(struct t_net *w, int i, struct tl_seg_in *in)
{
	memset(in, 0, sizeof(*in));
	in->th = w->q[i].th;
	in->opts = w->q[i].opts;
	in->len = w->q[i].data_len;
	w->q[i] = w->q[w->n - 1];
	w->at[i] = w->at[w->n - 1];
	w->n--;
}

/*
 * a sends @total bytes to b over a wire that loses, reorders and
 * duplicates; both ends run with @opts and @cc.  Everything must arrive
 * in order, exactly once.
 */
static void t_lossy(struct __test_metadata *_metadata, u8 opts,
		    const struct tl_cc_ops *cc, int loss, int reorder, int dup,
		    u64 seed)
{
	struct t_net ab = { .rng = seed, .loss_pct = loss,
			    .reorder_pct = reorder, .dup_pct = dup };
	struct t_net ba = { .rng = seed * 7 + 1, .loss_pct = loss,
			    .reorder_pct = reorder, .dup_pct = dup };
	const u32 total = 300000;
	u32 sent = 0, b_nxt = 0;
	u64 acked = 0, now = 1000000;
	struct tl_cfg cfg;
	struct t_conn a, b;
	struct tl_seg_in in;
	int steps, ia, ib;

	t_cfg(&cfg);
	cfg.opts = opts;
	cfg.cc = cc;
	cfg.rcv_buf = 64000;
	cfg.rcv_buf_limit = 200000;	/* a window scale of 2 */
	cfg.data_retries = 30;
	t_init_cfg(&a, &cfg);
	t_init_cfg(&b, &cfg);
	tl_open_passive(&b.tcb, 2000, &b.act);
	tl_open_active(&a.tcb, 1000, 2000, 0xFFFF0000, now, &a.act);
	a.now = b.now = now;
	t_net_flush(_metadata, &a, &ab);

	for (steps = 0; steps < 400000 && acked < total; steps++) {
		u64 ta, tb, tt;

		if (a.tcb.state == TL_ESTABLISHED && sent < total) {
			int n = tl_send(&a.tcb, total - sent, now, &a.act);

			ASSERT_GE(n, 0);
			if (n > 0) {
				a.now = now;
				sent += n;
				t_net_flush(_metadata, &a, &ab);
				continue;
			}
		}
		ia = t_net_next(&ab);
		ib = t_net_next(&ba);
		ta = ia >= 0 ? ab.at[ia] : ~0ULL;
		tb = ib >= 0 ? ba.at[ib] : ~0ULL;
		tt = a.tcb.timer[TL_TIMER_RTX] ? a.tcb.timer[TL_TIMER_RTX] : ~0ULL;
		if (b.tcb.timer[TL_TIMER_RTX] && b.tcb.timer[TL_TIMER_RTX] < tt)
			tt = b.tcb.timer[TL_TIMER_RTX];
		ASSERT_NE(~0ULL, ta < tb ? (ta < tt ? ta : tt) : (tb < tt ? tb : tt));
		if (ta <= tb && ta <= tt) {
			now = ta;
			t_net_take(&ab, ia, &in);
			b.now = now;
			tl_input(&b.tcb, &in, b.now, &b.act);
			if (b.act.child) {
				struct tl_child_req req = b.act.child_req;

				t_init_cfg(&b, &cfg);
				b.now = now;
				tl_accept_syn(&b.tcb, &req, 0x7FFFFFF0, now,
					      &b.act);
				b_nxt = b.tcb.rcv_nxt;
			}
			t_net_flush(_metadata, &b, &ba);
			if (b.tcb.rcv_nxt != b_nxt &&
			    tl_state_synchronized(b.tcb.state)) {
				tl_rcv_read(&b.tcb, b.tcb.rcv_nxt - b_nxt, now,
					    &b.act);
				b_nxt = b.tcb.rcv_nxt;
				t_net_flush(_metadata, &b, &ba);
			}
		} else if (tb <= tt) {
			now = tb;
			t_net_take(&ba, ib, &in);
			a.now = now;
			tl_input(&a.tcb, &in, now, &a.act);
			acked += a.act.acked;
			ASSERT_EQ(0, a.act.error);
			t_net_flush(_metadata, &a, &ab);
		} else if (a.tcb.timer[TL_TIMER_RTX] == tt) {
			now = tt;
			a.now = now;
			tl_timer(&a.tcb, TL_TIMER_RTX, now, &a.act);
			ASSERT_EQ(0, a.act.error);
			t_net_flush(_metadata, &a, &ab);
		} else {
			now = tt;
			b.now = now;
			tl_timer(&b.tcb, TL_TIMER_RTX, now, &b.act);
			t_net_flush(_metadata, &b, &ba);
		}
	}
	ASSERT_EQ(total, acked);
	ASSERT_EQ(0xFFFF0000U + 1 + total, b.tcb.rcv_nxt);
	ASSERT_TRUE(tl_ooo_empty(&b.tcb.ooo));
	TH_LOG("opts %x %s loss %d%% reorder %d%% dup %d%%: %d steps, %d + %d lost, %.2f s",
	       opts, cc->name, loss, reorder, dup, steps, ab.dropped,
	       ba.dropped, (now - 1000000) / 1e6);
}

TEST(end_to_end_lossy_newreno)
{
	t_lossy(_metadata, 0, &tl_cc_reno, 3, 0, 0, 1);
	t_lossy(_metadata, 0, &tl_cc_reno, 10, 0, 0, 2);
}

TEST(end_to_end_lossy_sack_ts_cubic)
{
	u8 all = TL_TCB_SACK | TL_TCB_TS | TL_TCB_WSCALE;

	t_lossy(_metadata, all, &tl_cc_cubic, 1, 0, 0, 3);
	t_lossy(_metadata, all, &tl_cc_cubic, 5, 0, 0, 4);
	t_lossy(_metadata, all, &tl_cc_cubic, 10, 0, 0, 5);
	t_lossy(_metadata, all, &tl_cc_reno, 5, 25, 5, 6);
}

TEST(end_to_end_reorder_duplicate)
{
	t_lossy(_metadata, TL_TCB_SACK | TL_TCB_TS, &tl_cc_cubic, 0, 25, 5, 7);
	t_lossy(_metadata, 0, &tl_cc_reno, 0, 25, 5, 8);
}

TEST_HARNESS_MAIN
