// SPDX-License-Identifier: GPL-2.0
/*
 * test_flow.c - flow control and its timers: delayed ACK (tl_delack.c),
 * Nagle / cork / MSG_MORE (tl_nagle.c), the persist timer (tl_persist.c),
 * keepalive (tl_keepalive.c) and the receive window (tl_window.c): its
 * first value and the window scale, updates, autotuning.
 *
 * ISS = 100, IRS = 5000, MSS 1000, receive buffer 8000, no options, no
 * congestion control; unlike test_tcb.c, delayed ACKs (40 ms .. 200 ms)
 * and Nagle are on, as in tl_cfg_default().  The first-window tests use
 * Linux's numbers instead (w_cfg()).
 */
#include "test_util.h"

#define ISS 100
#define IRS 5000
#define MS 1000ULL

static void f_cfg(struct tl_cfg *cfg)
{
	t_cfg(cfg);
	cfg->delack_min_us = 40 * MS;
	cfg->delack_max_us = 200 * MS;
	cfg->nodelay = false;
}

static void f_establish(struct __test_metadata *_metadata, struct t_conn *c,
			const struct tl_cfg *cfg)
{
	t_init_cfg(c, cfg);
	T_ESTABLISH_ACTIVE(c, ISS, IRS);
	c->tcb.snd_mss = T_MSS;	/* as if the SYN,ACK said MSS 1000 */
}

/* The peer's data segment [IRS + 1 + off, + len) arrives. */
static void f_data(struct t_conn *c, u32 off, u32 len)
{
	c->now += 1000;
	t_in(c, "ACK", IRS + 1 + off, ISS + 1 + (c->tcb.snd_una - ISS - 1),
	     60000, len);
}

/* Use up quick-ACK mode: rcv_buf / (2 * MSS) = 4 segments. */
static void f_past_quick(struct __test_metadata *_metadata, struct t_conn *c,
			 u32 *off)
{
	int i;

	ASSERT_EQ(4, c->tcb.ack_quick);
	for (i = 0; i < 4; i++) {
		f_data(c, *off, T_MSS);
		*off += T_MSS;
		EXPECT_SEG(c, 0, "ACK", ISS + 1, IRS + 1 + *off);
		tl_rcv_read(&c->tcb, T_MSS, c->now, &c->act);
	}
	ASSERT_EQ(0, c->tcb.ack_quick);
}

TEST(delack_quick_mode_then_every_second_full_segment)
{
	struct tl_cfg cfg;
	struct t_conn c;
	u32 off = 0;

	f_cfg(&cfg);
	f_establish(_metadata, &c, &cfg);
	f_past_quick(_metadata, &c, &off);

	/* RFC 9293 3.8.6.3: one full segment may wait ... */
	f_data(&c, off, T_MSS);
	off += T_MSS;
	EXPECT_NOSEG(&c);
	ASSERT_TRUE(c.tcb.ack_delayed);
	ASSERT_EQ(TL_TIMER_ARM, c.act.timer[TL_TIMER_DELACK].op);
	ASSERT_EQ(c.now + 40 * MS, c.act.timer[TL_TIMER_DELACK].expires);
	/* ... the second one is acknowledged at once, timer stopped */
	f_data(&c, off, T_MSS);
	off += T_MSS;
	ASSERT_EQ(1, c.act.nseg);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 1 + off);
	ASSERT_EQ(TL_TIMER_CANCEL, c.act.timer[TL_TIMER_DELACK].op);
	ASSERT_FALSE(c.tcb.ack_delayed);
}

/*
 * The sender answers each of our delayed ACKs 1 ms later: the ATO grows
 * when its timer fires (doubling) and comes down towards the gap between
 * segments (half the ATO plus the gap, Linux's tcp_event_data_recv()),
 * never above 200 ms.  Once the gap exceeds our RTO (200 ms) the sender
 * is plainly waiting for our ACK: the next segment is ACKed at once.
 * The smoothed RTT is set to 200 ms (the RTO as the handshake left it),
 * so that the round trip does not cap the wait (next test).
 */
TEST(delack_timer_backs_off_to_200ms_then_a_gap_over_rto_acks_at_once)
{
	struct tl_cfg cfg;
	struct t_conn c;
	u32 off = 0;
	u64 expect[] = { 40, 80 / 2 + 41, 162 / 2 + 82, 200 };
	unsigned int i;

	f_cfg(&cfg);
	f_establish(_metadata, &c, &cfg);
	f_past_quick(_metadata, &c, &off);
	ASSERT_EQ(200 * MS, tl_rto_timeout(&c.tcb.rto));
	c.tcb.rto.srtt8 = (200 * MS) << 3;

	for (i = 0; i < ARRAY_SIZE(expect); i++) {
		f_data(&c, off, 10);
		off += 10;
		EXPECT_NOSEG(&c);
		ASSERT_EQ(c.now + expect[i] * MS, c.tcb.timer[TL_TIMER_DELACK]);
		t_fire(&c, TL_TIMER_DELACK);
		ASSERT_EQ(1, c.act.nseg);
		EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 1 + off);
		/* never more than 0.5 s (RFC 1122 4.2.3.2) */
		ASSERT_LE(c.tcb.ack_ato, 200 * MS);
	}
	/* 201 ms since the last segment: more than the RTO */
	f_data(&c, off, 10);
	off += 10;
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 1 + off);
	/* and the next few too (quick-ACK mode) */
	f_data(&c, off, 10);
	off += 10;
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 1 + off);
}

/*
 * However long the ATO has grown, an ACK waits no longer than one round
 * trip, or 40 ms on a shorter path (Linux's tcp_send_delayed_ack()).
 */
TEST(delack_wait_capped_by_the_round_trip)
{
	static const struct { u32 srtt_ms, wait_ms; } cases[] = {
		{ 1, 40 }, { 100, 100 }, { 500, 200 },
	};
	struct tl_cfg cfg;
	struct t_conn c;
	u32 off = 0;
	unsigned int i;

	f_cfg(&cfg);
	f_establish(_metadata, &c, &cfg);
	f_past_quick(_metadata, &c, &off);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		c.tcb.rto.srtt8 = (cases[i].srtt_ms * MS) << 3;
		c.tcb.ack_ato = 200 * MS;
		c.tcb.ack_lrcv = 0;
		f_data(&c, off, 10);
		off += 10;
		EXPECT_NOSEG(&c);
		EXPECT_EQ(c.now + cases[i].wait_ms * MS,
			  c.tcb.timer[TL_TIMER_DELACK])
			TH_LOG("SRTT %u ms", cases[i].srtt_ms);
		t_fire(&c, TL_TIMER_DELACK);
		ASSERT_EQ(1, c.act.nseg);
	}
}

/* Segments 1 ms apart bring a 200 ms ATO back down towards 40 ms. */
TEST(delack_ato_shrinks_when_segments_come_close)
{
	struct tl_cfg cfg;
	struct t_conn c;
	u32 off = 0, ato = 200 * MS;
	unsigned int i;

	f_cfg(&cfg);
	f_establish(_metadata, &c, &cfg);
	f_past_quick(_metadata, &c, &off);
	c.tcb.ack_ato = 200 * MS;
	c.tcb.ack_lrcv = c.now;

	for (i = 0; i < 6; i++) {
		f_data(&c, off, 10);
		off += 10;
		ato = ato / 2 + 20 * MS;	/* gap 1 ms <= 40 ms / 2 */
		ASSERT_EQ(ato, c.tcb.ack_ato);
		/* 10-byte segments: no "every second full segment" ACK */
		EXPECT_NOSEG(&c);
	}
	ASSERT_LT(ato, 45 * MS);
}

/*
 * A duplicate of data we hold means our ACK was lost or late: besides
 * the immediate ACK, the next segments are ACKed at once and the ATO
 * starts over at 40 ms.
 */
TEST(delack_duplicate_acks_the_next_segments_at_once)
{
	struct tl_cfg cfg;
	struct t_conn c;
	u32 off = 0;

	f_cfg(&cfg);
	f_establish(_metadata, &c, &cfg);
	f_past_quick(_metadata, &c, &off);
	c.tcb.ack_ato = 200 * MS;

	f_data(&c, off - T_MSS, T_MSS);		/* the last one again */
	ASSERT_EQ(TL_DROP_SEQ, c.act.drop);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 1 + off);
	ASSERT_EQ(40 * MS, c.tcb.ack_ato);
	ASSERT_LE(2, c.tcb.ack_quick);
	f_data(&c, off, 10);
	off += 10;
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 1 + off);
}

TEST(delack_piggybacks_on_reply_data_and_enters_pingpong)
{
	struct tl_cfg cfg;
	struct t_conn c;
	u32 off = 0;

	f_cfg(&cfg);
	cfg.nodelay = true;
	f_establish(_metadata, &c, &cfg);
	f_past_quick(_metadata, &c, &off);

	f_data(&c, off, 10);		/* a request */
	off += 10;
	EXPECT_NOSEG(&c);
	c.now += 5 * MS;
	tl_send(&c.tcb, 20, c.now, &c.act);	/* the answer carries the ACK */
	ASSERT_EQ(1, c.act.nseg);
	EXPECT_SEG(&c, 0, "ACK|PSH", ISS + 1, IRS + 1 + off);
	EXPECT_DATA(&c, 0, 20);
	ASSERT_EQ(TL_TIMER_CANCEL, c.act.timer[TL_TIMER_DELACK].op);
	ASSERT_TRUE(c.tcb.ack_pingpong);

	/* TCP_QUICKACK: leave ping-pong, a waiting ACK goes at once */
	t_in(&c, "ACK", IRS + 1 + off, ISS + 21, 60000, 10);
	off += 10;
	EXPECT_NOSEG(&c);
	tl_set_quickack(&c.tcb, true, c.now, &c.act);
	ASSERT_EQ(1, c.act.nseg);
	EXPECT_SEG(&c, 0, "ACK", ISS + 21, IRS + 1 + off);
	ASSERT_FALSE(c.tcb.ack_pingpong);
	tl_set_quickack(&c.tcb, false, c.now, &c.act);
	ASSERT_TRUE(c.tcb.ack_pingpong);
}

TEST(delack_pingpong_holds_acks_even_in_quick_mode)
{
	struct tl_cfg cfg;
	struct t_conn c;

	f_cfg(&cfg);
	f_establish(_metadata, &c, &cfg);
	ASSERT_EQ(4, c.tcb.ack_quick);
	tl_set_quickack(&c.tcb, false, c.now, &c.act);
	f_data(&c, 0, 10);
	EXPECT_NOSEG(&c);
	ASSERT_TRUE(c.tcb.ack_delayed);
	/* the timer fires: not interactive after all */
	t_fire(&c, TL_TIMER_DELACK);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 11);
	ASSERT_FALSE(c.tcb.ack_pingpong);
}

/* The reader waits for more (a partial TLS record): no delayed ACK. */
TEST(delack_starved_reader_acks_at_once_unless_pingpong)
{
	struct tl_cfg cfg;
	struct t_conn c;
	u32 off = 0;

	f_cfg(&cfg);
	f_establish(_metadata, &c, &cfg);
	f_past_quick(_metadata, &c, &off);

	/* nothing delayed: nothing to send */
	tl_rcv_starved(&c.tcb, c.now, &c.act);
	EXPECT_NOSEG(&c);

	f_data(&c, off, 10);
	off += 10;
	EXPECT_NOSEG(&c);
	ASSERT_TRUE(c.tcb.ack_delayed);
	tl_rcv_starved(&c.tcb, c.now, &c.act);
	ASSERT_EQ(1, c.act.nseg);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 1 + off);
	ASSERT_EQ(TL_TIMER_CANCEL, c.act.timer[TL_TIMER_DELACK].op);
	ASSERT_FALSE(c.tcb.ack_delayed);

	/* ping-pong: the ACK waits for our answer */
	tl_set_quickack(&c.tcb, false, c.now, &c.act);
	f_data(&c, off, 10);
	off += 10;
	EXPECT_NOSEG(&c);
	tl_rcv_starved(&c.tcb, c.now, &c.act);
	EXPECT_NOSEG(&c);
	ASSERT_TRUE(c.tcb.ack_delayed);
}

TEST(delack_out_of_order_and_hole_fill_acked_at_once)
{
	struct tl_cfg cfg;
	struct t_conn c;
	u32 off = 0;

	f_cfg(&cfg);
	f_establish(_metadata, &c, &cfg);
	f_past_quick(_metadata, &c, &off);

	/* RFC 5681 4.2: out of order: an immediate duplicate ACK */
	f_data(&c, off + 100, 100);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 1 + off);
	/* the hole is filled: ACK at once */
	f_data(&c, off, 100);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 1 + off + 200);
	/* a duplicate: ACK at once */
	f_data(&c, off, 100);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 1 + off + 200);
}

TEST(delack_short_segment_acked_once_read)
{
	struct tl_cfg cfg;
	struct t_conn c;
	u32 off = 0;

	f_cfg(&cfg);
	f_establish(_metadata, &c, &cfg);
	f_past_quick(_metadata, &c, &off);

	/* a full-sized segment, all of it read: the ACK may wait */
	f_data(&c, off, T_MSS);
	off += T_MSS;
	EXPECT_NOSEG(&c);
	tl_rcv_read(&c.tcb, T_MSS, c.now, &c.act);
	EXPECT_NOSEG(&c);
	ASSERT_TRUE(c.tcb.ack_delayed);
	t_fire(&c, TL_TIMER_DELACK);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 1 + off);

	/* a short one: waits while unread data is left ... */
	f_data(&c, off, 300);
	off += 300;
	EXPECT_NOSEG(&c);
	tl_rcv_read(&c.tcb, 200, c.now, &c.act);
	EXPECT_NOSEG(&c);
	/* ... and goes when the reader has taken everything */
	tl_rcv_read(&c.tcb, 100, c.now, &c.act);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 1 + off);
	ASSERT_FALSE(c.tcb.ack_delayed);

	/* ping-pong: the ACK waits for our answer all the same */
	tl_set_quickack(&c.tcb, false, c.now, &c.act);
	f_data(&c, off, 300);
	off += 300;
	EXPECT_NOSEG(&c);
	tl_rcv_read(&c.tcb, 300, c.now, &c.act);
	EXPECT_NOSEG(&c);
	ASSERT_TRUE(c.tcb.ack_delayed);
}

TEST(delack_fin_acked_at_once)
{
	struct tl_cfg cfg;
	struct t_conn c;
	u32 off = 0;

	f_cfg(&cfg);
	f_establish(_metadata, &c, &cfg);
	f_past_quick(_metadata, &c, &off);
	c.now += 1000;
	t_in(&c, "FIN|ACK", IRS + 1 + off, ISS + 1, 60000, 10);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 1 + off + 11);
	EXPECT_STATE(&c, TL_CLOSE_WAIT);
}

TEST(delack_off_acks_every_segment)
{
	struct tl_cfg cfg;
	struct t_conn c;
	u32 off = 0;
	int i;

	f_cfg(&cfg);
	cfg.delack_min_us = 0;
	f_establish(_metadata, &c, &cfg);
	for (i = 0; i < 10; i++) {
		f_data(&c, off, 10);
		off += 10;
		EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 1 + off);
	}
}

TEST(nagle_holds_small_segment_while_small_one_unacked)
{
	struct tl_cfg cfg;
	struct t_conn c;

	f_cfg(&cfg);
	f_establish(_metadata, &c, &cfg);
	/* nothing in flight: a small segment goes */
	tl_send(&c.tcb, 10, c.now, &c.act);
	ASSERT_EQ(1, c.act.nseg);
	EXPECT_DATA(&c, 0, 10);
	/* RFC 896: held while the small one is unacknowledged */
	tl_send(&c.tcb, 10, c.now, &c.act);
	EXPECT_NOSEG(&c);
	tl_send(&c.tcb, 10, c.now, &c.act);
	EXPECT_NOSEG(&c);
	ASSERT_EQ(0, c.tcb.timer[TL_TIMER_PERSIST]);
	/* the ACK comes: both held writes leave in one segment */
	t_in(&c, "ACK", IRS + 1, ISS + 11, 60000, 0);
	ASSERT_EQ(1, c.act.nseg);
	EXPECT_SEG(&c, 0, "ACK|PSH", ISS + 11, IRS + 1);
	EXPECT_DATA(&c, 0, 20);
}

TEST(nagle_minshall_full_segments_do_not_hold_the_tail)
{
	struct tl_cfg cfg;
	struct t_conn c;

	f_cfg(&cfg);
	f_establish(_metadata, &c, &cfg);
	/* two full segments and a tail: all go, no small one outstanding */
	tl_send(&c.tcb, 2 * T_MSS + 10, c.now, &c.act);
	ASSERT_EQ(3, c.act.nseg);
	EXPECT_DATA(&c, 2, 10);
	/* now a small one is out: the next tail waits */
	tl_send(&c.tcb, 10, c.now, &c.act);
	EXPECT_NOSEG(&c);
	/* full segments are never held */
	tl_send(&c.tcb, T_MSS, c.now, &c.act);
	ASSERT_EQ(1, c.act.nseg);
	EXPECT_DATA(&c, 0, T_MSS);
}

TEST(nodelay_sends_small_segments_at_once_and_pushes_held_data)
{
	struct tl_cfg cfg;
	struct t_conn c;

	f_cfg(&cfg);
	f_establish(_metadata, &c, &cfg);
	tl_send(&c.tcb, 10, c.now, &c.act);
	tl_send(&c.tcb, 10, c.now, &c.act);
	EXPECT_NOSEG(&c);
	/* TCP_NODELAY: held data leaves at once, and later small ones too */
	tl_set_nodelay(&c.tcb, true, c.now, &c.act);
	ASSERT_EQ(1, c.act.nseg);
	EXPECT_DATA(&c, 0, 10);
	tl_send(&c.tcb, 10, c.now, &c.act);
	ASSERT_EQ(1, c.act.nseg);
	EXPECT_DATA(&c, 0, 10);
}

TEST(cork_holds_partial_segments_until_uncork_or_200ms)
{
	struct tl_cfg cfg;
	struct t_conn c;

	f_cfg(&cfg);
	cfg.nodelay = true;	/* TCP_CORK wins over TCP_NODELAY */
	f_establish(_metadata, &c, &cfg);
	tl_set_cork(&c.tcb, true, c.now, &c.act);
	tl_send(&c.tcb, 300, c.now, &c.act);
	EXPECT_NOSEG(&c);
	ASSERT_EQ(c.now + 200 * MS, c.tcb.timer[TL_TIMER_CORK]);
	/* full segments go even while corked */
	tl_send(&c.tcb, T_MSS, c.now, &c.act);
	ASSERT_EQ(1, c.act.nseg);
	EXPECT_DATA(&c, 0, T_MSS);
	/* the ceiling: the partial rest goes after 200 ms */
	t_fire(&c, TL_TIMER_CORK);
	ASSERT_EQ(1, c.act.nseg);
	EXPECT_DATA(&c, 0, 300);

	/* uncork pushes what waits */
	tl_send(&c.tcb, 50, c.now, &c.act);
	EXPECT_NOSEG(&c);
	tl_set_cork(&c.tcb, false, c.now, &c.act);
	ASSERT_EQ(1, c.act.nseg);
	EXPECT_DATA(&c, 0, 50);
	ASSERT_EQ(TL_TIMER_CANCEL, c.act.timer[TL_TIMER_CORK].op);
}

TEST(msg_more_holds_the_tail_of_one_send)
{
	struct tl_cfg cfg;
	struct t_conn c;

	f_cfg(&cfg);
	cfg.nodelay = true;
	f_establish(_metadata, &c, &cfg);
	c.tcb.snd_more = true;
	tl_send(&c.tcb, 100, c.now, &c.act);
	c.tcb.snd_more = false;
	EXPECT_NOSEG(&c);
	/* the next send without MSG_MORE takes it along */
	tl_send(&c.tcb, 100, c.now, &c.act);
	ASSERT_EQ(1, c.act.nseg);
	EXPECT_DATA(&c, 0, 200);
}

TEST(fin_is_never_held_by_nagle_or_cork)
{
	struct tl_cfg cfg;
	struct t_conn c;

	f_cfg(&cfg);
	f_establish(_metadata, &c, &cfg);
	tl_set_cork(&c.tcb, true, c.now, &c.act);
	tl_send(&c.tcb, 10, c.now, &c.act);
	EXPECT_NOSEG(&c);
	ASSERT_EQ(0, tl_close(&c.tcb, c.now, &c.act));
	ASSERT_EQ(1, c.act.nseg);
	EXPECT_SEG(&c, 0, "FIN|ACK|PSH", ISS + 1, IRS + 1);
	EXPECT_DATA(&c, 0, 10);
}

TEST(persist_probes_back_off_and_never_give_up)
{
	struct tl_cfg cfg;
	struct t_conn c;
	u64 interval;
	int i;

	f_cfg(&cfg);
	f_establish(_metadata, &c, &cfg);
	interval = tl_rto_timeout(&c.tcb.rto);	/* first probe after an RTO */
	ASSERT_EQ(200 * MS, interval);
	t_in(&c, "ACK", IRS + 1, ISS + 1, 0, 0);
	tl_send(&c.tcb, 500, c.now, &c.act);
	EXPECT_NOSEG(&c);
	for (i = 0; i < 20; i++) {
		u64 prev = c.now;

		ASSERT_EQ(prev + interval, c.tcb.timer[TL_TIMER_PERSIST]);
		t_fire(&c, TL_TIMER_PERSIST);
		ASSERT_EQ(1, c.act.nseg);
		EXPECT_SEG(&c, 0, "ACK", ISS, IRS + 1);
		ASSERT_TRUE(c.act.seg[0].probe);
		/* answered, still zero: RFC 9293 3.8.6.1 keeps it open */
		t_in(&c, "ACK", IRS + 1, ISS + 1, 0, 0);
		EXPECT_STATE(&c, TL_ESTABLISHED);
		interval = interval * 2 > cfg.rto_max_us ?
			   cfg.rto_max_us : interval * 2;
	}
	ASSERT_EQ(cfg.rto_max_us, interval);
	/* a window update: data flows, the backoff is forgotten */
	t_in(&c, "ACK", IRS + 1, ISS + 1, 8000, 0);
	EXPECT_DATA(&c, 0, 500);
	ASSERT_EQ(0, c.tcb.persist_backoff);
	ASSERT_EQ(0, c.tcb.timer[TL_TIMER_PERSIST]);
}

TEST(persist_small_window_sends_what_fits)
{
	struct tl_cfg cfg;
	struct t_conn c;

	f_cfg(&cfg);
	cfg.nodelay = true;
	f_establish(_metadata, &c, &cfg);	/* peer window 60000 */
	t_in(&c, "ACK", IRS + 1, ISS + 1, 100, 0);
	tl_send(&c.tcb, 5000, c.now, &c.act);
	/* sender SWS (3.8.6.2.1): 100 < MSS and < max window / 2 */
	EXPECT_NOSEG(&c);
	ASSERT_NE(0, c.tcb.timer[TL_TIMER_PERSIST]);
	/* the override: what the window admits */
	t_fire(&c, TL_TIMER_PERSIST);
	ASSERT_EQ(1, c.act.nseg);
	EXPECT_DATA(&c, 0, 100);
	ASSERT_FALSE(c.act.seg[0].probe);
	/* now data is in flight: the RTX timer watches it, not persist */
	ASSERT_NE(0, c.tcb.timer[TL_TIMER_RTX]);
	ASSERT_EQ(0, c.tcb.timer[TL_TIMER_PERSIST]);
	/* acknowledged, the window still small: wait one RTO, not more */
	ASSERT_EQ(0, c.tcb.persist_backoff);
	t_in(&c, "ACK", IRS + 1, ISS + 101, 100, 0);
	EXPECT_NOSEG(&c);
	ASSERT_EQ(c.now + tl_rto_timeout(&c.tcb.rto),
		  c.tcb.timer[TL_TIMER_PERSIST]);
}

TEST(keepalive_probes_and_etimedout)
{
	struct tl_cfg cfg;
	struct t_conn c;
	u64 start;
	int i;

	f_cfg(&cfg);
	cfg.keepalive = true;
	cfg.keep_idle_s = 10;
	cfg.keep_intvl_s = 2;
	cfg.keep_cnt = 3;
	f_establish(_metadata, &c, &cfg);
	start = c.now;
	ASSERT_EQ(start + 10 * TL_USEC_PER_SEC, c.tcb.timer[TL_TIMER_KEEPALIVE]);

	/* the peer speaks after 4 s: the timer sleeps on to 14 s */
	c.now += 4 * TL_USEC_PER_SEC;
	t_in(&c, "ACK", IRS + 1, ISS + 1, 60000, 0);
	t_fire(&c, TL_TIMER_KEEPALIVE);
	EXPECT_NOSEG(&c);
	ASSERT_EQ(start + 14 * TL_USEC_PER_SEC, c.tcb.timer[TL_TIMER_KEEPALIVE]);

	/* idle: probes below SND.UNA every 2 s; an answer resets the count */
	t_fire(&c, TL_TIMER_KEEPALIVE);
	EXPECT_SEG(&c, 0, "ACK", ISS, IRS + 1);
	ASSERT_TRUE(c.act.seg[0].probe);
	t_fire(&c, TL_TIMER_KEEPALIVE);
	EXPECT_SEG(&c, 0, "ACK", ISS, IRS + 1);
	ASSERT_EQ(2, c.tcb.keep_probes);
	t_in(&c, "ACK", IRS + 1, ISS + 1, 60000, 0);
	ASSERT_EQ(0, c.tcb.keep_probes);

	/* a dead peer: KEEPCNT probes, then RST and ETIMEDOUT */
	t_fire(&c, TL_TIMER_KEEPALIVE);		/* sleeps until idle again */
	for (i = 0; i < 3; i++) {
		t_fire(&c, TL_TIMER_KEEPALIVE);
		EXPECT_SEG(&c, 0, "ACK", ISS, IRS + 1);
	}
	t_fire(&c, TL_TIMER_KEEPALIVE);
	EXPECT_SEG(&c, 0, "RST|ACK", ISS + 1, IRS + 1);
	ASSERT_EQ(-ETIMEDOUT, c.act.error);
	EXPECT_STATE(&c, TL_CLOSED);
}

/*
 * TCP_USER_TIMEOUT (RFC 5482), unacknowledged data: the RTO backs off as
 * usual (1 s here), but once timeouts have begun the timer is pulled in
 * so that it fires when the data has waited the user timeout (Linux's
 * tcp_clamp_rto_to_user_timeout()), and then the connection fails with
 * ETIMEDOUT, long before data_retries timeouts would have ended it.
 */
TEST(user_timeout_ends_unacknowledged_data)
{
	struct tl_cfg cfg;
	struct t_conn c;
	u64 sent;

	f_cfg(&cfg);
	cfg.rto_min_us = TL_USEC_PER_SEC;
	cfg.data_retries = 15;
	cfg.user_timeout_ms = 5500;
	f_establish(_metadata, &c, &cfg);
	c.now += 1000;
	sent = c.now;
	tl_send(&c.tcb, 500, c.now, &c.act);
	EXPECT_DATA(&c, 0, 500);
	ASSERT_EQ(sent + TL_USEC_PER_SEC, c.tcb.timer[TL_TIMER_RTX]);
	/* timeouts at 1, 3 s (1 + 2); the next RTO (4 s) would be 7 s */
	t_fire(&c, TL_TIMER_RTX);
	EXPECT_DATA(&c, 0, 500);
	ASSERT_EQ(sent + 3 * TL_USEC_PER_SEC, c.tcb.timer[TL_TIMER_RTX]);
	t_fire(&c, TL_TIMER_RTX);
	EXPECT_DATA(&c, 0, 500);
	ASSERT_EQ(sent + 5500 * MS, c.tcb.timer[TL_TIMER_RTX]);
	t_fire(&c, TL_TIMER_RTX);
	EXPECT_NOSEG(&c);
	EXPECT_STATE(&c, TL_CLOSED);
	ASSERT_EQ(-ETIMEDOUT, c.act.error);
	ASSERT_EQ(2, c.tcb.retries);
}

/*
 * A user timeout longer than data_retries timeouts take: the timeout,
 * not the count, decides, as in Linux's tcp_write_timeout().  An ACK
 * that makes progress starts the clock again.
 */
TEST(user_timeout_outlasts_the_retry_count)
{
	struct tl_cfg cfg;
	struct t_conn c;
	u64 sent;
	int i;

	f_cfg(&cfg);
	cfg.rto_min_us = TL_USEC_PER_SEC;
	cfg.data_retries = 1;
	cfg.user_timeout_ms = 20000;
	f_establish(_metadata, &c, &cfg);
	tl_send(&c.tcb, 1000, c.now, &c.act);
	EXPECT_DATA(&c, 0, 1000);
	t_fire(&c, TL_TIMER_RTX);
	t_fire(&c, TL_TIMER_RTX);
	/* half of it acknowledged: progress, the clock starts again */
	c.now += 1000;
	t_in(&c, "ACK", IRS + 1, ISS + 501, 60000, 0);
	ASSERT_EQ(0, c.tcb.retries);
	sent = c.now;
	for (i = 0; i < 30 && c.tcb.state == TL_ESTABLISHED; i++)
		t_fire(&c, TL_TIMER_RTX);
	EXPECT_STATE(&c, TL_CLOSED);
	ASSERT_EQ(-ETIMEDOUT, c.act.error);
	ASSERT_EQ(sent + 20000 * MS, c.now);
	/* more retransmissions than data_retries allows without it */
	ASSERT_LT(1, c.tcb.retries);
}

/* Without a user timeout the count still decides. */
TEST(user_timeout_off_keeps_the_retry_count)
{
	struct tl_cfg cfg;
	struct t_conn c;

	f_cfg(&cfg);
	cfg.data_retries = 1;
	f_establish(_metadata, &c, &cfg);
	ASSERT_EQ(0, cfg.user_timeout_ms);
	tl_send(&c.tcb, 500, c.now, &c.act);
	t_fire(&c, TL_TIMER_RTX);
	EXPECT_DATA(&c, 0, 500);
	t_fire(&c, TL_TIMER_RTX);
	EXPECT_STATE(&c, TL_CLOSED);
	ASSERT_EQ(-ETIMEDOUT, c.act.error);
}

/* A SYN: the user timeout or syn_retries, whichever comes first. */
TEST(user_timeout_ends_a_syn)
{
	struct tl_cfg cfg;
	struct t_conn c;
	u64 sent;

	f_cfg(&cfg);
	cfg.rto_initial_us = TL_USEC_PER_SEC;
	cfg.user_timeout_ms = 2500;
	t_init_cfg(&c, &cfg);
	sent = c.now;
	ASSERT_EQ(0, tl_open_active(&c.tcb, T_LPORT, T_RPORT, ISS, c.now,
				    &c.act));
	t_fire(&c, TL_TIMER_RTX);
	EXPECT_SEG(&c, 0, "SYN", ISS, 0);
	ASSERT_EQ(sent + 2500 * MS, c.tcb.timer[TL_TIMER_RTX]);
	t_fire(&c, TL_TIMER_RTX);
	EXPECT_NOSEG(&c);
	EXPECT_STATE(&c, TL_CLOSED);
	ASSERT_EQ(-ETIMEDOUT, c.act.error);
}

/*
 * Keepalive with a user timeout: probes go on past KEEPCNT, and the
 * connection ends at the first probe time after the peer has been
 * silent for the user timeout (Linux's tcp_keepalive_timer()).
 */
TEST(user_timeout_replaces_keepcnt)
{
	struct tl_cfg cfg;
	struct t_conn c;
	u64 start;
	int i;

	f_cfg(&cfg);
	cfg.keepalive = true;
	cfg.keep_idle_s = 10;
	cfg.keep_intvl_s = 2;
	cfg.keep_cnt = 1;
	cfg.user_timeout_ms = 15000;
	f_establish(_metadata, &c, &cfg);
	start = c.now;
	/* probes at 10, 12, 14 s: still within 15 s of silence */
	for (i = 0; i < 3; i++) {
		t_fire(&c, TL_TIMER_KEEPALIVE);
		EXPECT_SEG(&c, 0, "ACK", ISS, IRS + 1);
	}
	ASSERT_EQ(start + 16 * TL_USEC_PER_SEC,
		  c.tcb.timer[TL_TIMER_KEEPALIVE]);
	t_fire(&c, TL_TIMER_KEEPALIVE);
	EXPECT_SEG(&c, 0, "RST|ACK", ISS + 1, IRS + 1);
	ASSERT_EQ(-ETIMEDOUT, c.act.error);
	EXPECT_STATE(&c, TL_CLOSED);
}

TEST(keepalive_off_by_default_and_switchable)
{
	struct tl_cfg cfg;
	struct t_conn c;

	tl_cfg_default(&cfg);
	ASSERT_FALSE(cfg.keepalive);
	ASSERT_EQ(7200, cfg.keep_idle_s);
	ASSERT_EQ(75, cfg.keep_intvl_s);
	ASSERT_EQ(9, cfg.keep_cnt);
	f_cfg(&cfg);
	f_establish(_metadata, &c, &cfg);
	ASSERT_EQ(0, c.tcb.timer[TL_TIMER_KEEPALIVE]);
	c.now += 5 * TL_USEC_PER_SEC;
	tl_set_keepalive(&c.tcb, true, 3, 1, 1, c.now, &c.act);
	/* idle time counts from the last segment received, 5 s ago */
	ASSERT_EQ(TL_TIMER_ARM, c.act.timer[TL_TIMER_KEEPALIVE].op);
	ASSERT_EQ(c.now, c.act.timer[TL_TIMER_KEEPALIVE].expires);
	tl_set_keepalive(&c.tcb, false, 3, 1, 1, c.now, &c.act);
	ASSERT_EQ(TL_TIMER_CANCEL, c.act.timer[TL_TIMER_KEEPALIVE].op);
}

TEST(keepalive_waits_while_data_is_outstanding)
{
	struct tl_cfg cfg;
	struct t_conn c;

	f_cfg(&cfg);
	cfg.keepalive = true;
	cfg.keep_idle_s = 1;
	cfg.keep_intvl_s = 1;
	f_establish(_metadata, &c, &cfg);
	tl_send(&c.tcb, 10, c.now, &c.act);
	c.now += 2 * TL_USEC_PER_SEC;
	tl_timer(&c.tcb, TL_TIMER_KEEPALIVE, c.now, &c.act);
	/* RFC 1122 4.2.3.6: only when no sent data is outstanding */
	ASSERT_EQ(0, c.tcb.keep_probes);
	ASSERT_NE(0, c.tcb.timer[TL_TIMER_KEEPALIVE]);
}

TEST(time_wait_turns_off_the_other_timers)
{
	struct tl_cfg cfg;
	struct t_conn c;
	int id;

	f_cfg(&cfg);
	cfg.keepalive = true;
	f_establish(_metadata, &c, &cfg);
	f_data(&c, 0, 10);
	f_data(&c, 10, 10);	/* quick mode */
	ASSERT_EQ(0, tl_close(&c.tcb, c.now, &c.act));
	t_in(&c, "FIN|ACK", IRS + 21, ISS + 2, 60000, 0);
	EXPECT_STATE(&c, TL_TIME_WAIT);
	for (id = 0; id < TL_TIMER_NR; id++)
		if (id != TL_TIMER_TIME_WAIT)
			ASSERT_EQ(0, c.tcb.timer[id]);
}

/*
 * Orphans (tl_orphan(): close() returned).  FIN-WAIT-2 lasts fin_timeout
 * at most when the peer never closes; before close() it has no limit.
 */
TEST(orphan_fin_wait_2_times_out)
{
	struct tl_cfg cfg;
	struct t_conn c;

	f_cfg(&cfg);
	cfg.fin_timeout_us = 3 * TL_USEC_PER_SEC;
	f_establish(_metadata, &c, &cfg);
	ASSERT_EQ(0, tl_close(&c.tcb, c.now, &c.act));
	EXPECT_SEG(&c, 0, "FIN|ACK", ISS + 1, IRS + 1);
	t_in(&c, "ACK", IRS + 1, ISS + 2, 60000, 0);
	EXPECT_STATE(&c, TL_FIN_WAIT_2);
	/* shutdown(SHUT_WR) only: the user may still read, no limit */
	ASSERT_EQ(0, c.tcb.timer[TL_TIMER_TIME_WAIT]);
	/* close(): the orphan waits 3 s for the peer's FIN */
	c.now += TL_USEC_PER_SEC;
	memset(&c.act, 0, sizeof(c.act));
	tl_orphan(&c.tcb, c.now, &c.act);
	ASSERT_EQ(TL_TIMER_ARM, c.act.timer[TL_TIMER_TIME_WAIT].op);
	ASSERT_EQ(c.now + 3 * TL_USEC_PER_SEC, c.tcb.timer[TL_TIMER_TIME_WAIT]);
	t_fire(&c, TL_TIMER_TIME_WAIT);
	EXPECT_STATE(&c, TL_CLOSED);
	EXPECT_NOSEG(&c);		/* quietly, as Linux */
	ASSERT_EQ(0, c.act.error);
	ASSERT_TRUE(c.act.release);
}

TEST(orphan_fin_wait_2_entered_later_and_fin_still_welcome)
{
	struct tl_cfg cfg;
	struct t_conn c;

	f_cfg(&cfg);
	cfg.fin_timeout_us = 3 * TL_USEC_PER_SEC;
	cfg.msl_us = TL_USEC_PER_SEC;
	f_establish(_metadata, &c, &cfg);
	ASSERT_EQ(0, tl_close(&c.tcb, c.now, &c.act));
	tl_orphan(&c.tcb, c.now, &c.act);
	EXPECT_STATE(&c, TL_FIN_WAIT_1);
	ASSERT_EQ(0, c.tcb.timer[TL_TIMER_TIME_WAIT]);
	/* our FIN acknowledged: FIN-WAIT-2 with the orphan's limit */
	c.now += 1000;
	t_in(&c, "ACK", IRS + 1, ISS + 2, 60000, 0);
	EXPECT_STATE(&c, TL_FIN_WAIT_2);
	ASSERT_EQ(c.now + 3 * TL_USEC_PER_SEC, c.tcb.timer[TL_TIMER_TIME_WAIT]);
	/* the peer's FIN in time: TIME-WAIT for 2 * MSL as usual */
	c.now += TL_USEC_PER_SEC;
	t_in(&c, "FIN|ACK", IRS + 1, ISS + 2, 60000, 0);
	EXPECT_STATE(&c, TL_TIME_WAIT);
	ASSERT_EQ(c.now + 2 * TL_USEC_PER_SEC, c.tcb.timer[TL_TIMER_TIME_WAIT]);
}

TEST(orphan_gives_up_after_orphan_retries)
{
	struct tl_cfg cfg;
	struct t_conn c;
	int i;

	f_cfg(&cfg);
	cfg.data_retries = 15;
	cfg.orphan_retries = 3;
	f_establish(_metadata, &c, &cfg);
	tl_send(&c.tcb, 500, c.now, &c.act);
	EXPECT_DATA(&c, 0, 500);
	/* two timeouts while the user still holds the socket */
	for (i = 0; i < 2; i++) {
		t_fire(&c, TL_TIMER_RTX);
		EXPECT_DATA(&c, 0, 500);
	}
	ASSERT_EQ(0, tl_close(&c.tcb, c.now, &c.act));
	tl_orphan(&c.tcb, c.now, &c.act);
	/* one more for the orphan, then the fourth timeout ends it */
	t_fire(&c, TL_TIMER_RTX);
	ASSERT_LT(0, c.act.nseg);
	EXPECT_STATE(&c, TL_FIN_WAIT_1);
	t_fire(&c, TL_TIMER_RTX);
	EXPECT_STATE(&c, TL_CLOSED);
	ASSERT_EQ(-ETIMEDOUT, c.act.error);
}

TEST(orphan_stops_probing_a_zero_window)
{
	struct tl_cfg cfg;
	struct t_conn c;
	int i;

	f_cfg(&cfg);
	cfg.orphan_retries = 4;
	f_establish(_metadata, &c, &cfg);
	t_in(&c, "ACK", IRS + 1, ISS + 1, 0, 0);
	tl_send(&c.tcb, 500, c.now, &c.act);
	ASSERT_EQ(0, tl_close(&c.tcb, c.now, &c.act));
	tl_orphan(&c.tcb, c.now, &c.act);
	/* the probes are answered, the window stays shut */
	for (i = 0; i < 4; i++) {
		t_fire(&c, TL_TIMER_PERSIST);
		ASSERT_EQ(1, c.act.nseg);
		ASSERT_TRUE(c.act.seg[0].probe);
		t_in(&c, "ACK", IRS + 1, ISS + 1, 0, 0);
	}
	t_fire(&c, TL_TIMER_PERSIST);
	EXPECT_STATE(&c, TL_CLOSED);
	ASSERT_EQ(-ETIMEDOUT, c.act.error);
}

TEST(orphan_limits_follow_linux_defaults)
{
	struct tl_cfg cfg;

	tl_cfg_default(&cfg);
	ASSERT_EQ(8, cfg.orphan_retries);
	ASSERT_EQ(60 * TL_USEC_PER_SEC, cfg.fin_timeout_us);
}

/*
 * Receive buffer autotuning (tl_window.c): a reader that takes more in
 * one round trip than the best round so far gets a buffer of about twice
 * that, up to rcv_buf_max; the offered window follows.
 */
TEST(rcv_autotune_grows_with_the_reader)
{
	struct tl_cfg cfg;
	struct t_conn c;
	u32 off = 0, wnd0;
	int i;

	f_cfg(&cfg);
	cfg.rcv_buf_max = 100000;
	f_establish(_metadata, &c, &cfg);
	c.tcb.rcv_rtt_us = 10 * MS;
	ASSERT_EQ(4000, c.tcb.drs_space);	/* half the 8000 buffer */
	wnd0 = c.tcb.rcv_wnd;

	/* 6000 bytes read within 10 ms: more than 4000 */
	for (i = 0; i < 6; i++) {
		f_data(&c, off, T_MSS);
		off += T_MSS;
		tl_rcv_read(&c.tcb, T_MSS, c.now, &c.act);
	}
	ASSERT_EQ(8000, c.tcb.cfg.rcv_buf);	/* the round is not over */
	c.now += 10 * MS;
	f_data(&c, off, T_MSS);
	off += T_MSS;
	tl_rcv_read(&c.tcb, T_MSS, c.now, &c.act);
	/* 2 * 7000 + 16 MSS = 30000, + 2 * 30000 * 3000 / 4000 = 75000 */
	ASSERT_EQ(75000, c.tcb.cfg.rcv_buf);
	ASSERT_EQ(75000, c.tcb.rcv_space);
	ASSERT_EQ(7000, c.tcb.drs_space);
	/* the next ACK offers the larger window */
	f_data(&c, off, T_MSS);
	off += T_MSS;
	f_data(&c, off, T_MSS);
	off += T_MSS;
	ASSERT_EQ(1, c.act.nseg);
	ASSERT_LT(wnd0, (u32)c.act.seg[0].th.wnd);

	/* a slower round changes nothing ... */
	c.now += 10 * MS;
	tl_rcv_read(&c.tcb, 2 * T_MSS, c.now, &c.act);
	ASSERT_EQ(75000, c.tcb.cfg.rcv_buf);
	ASSERT_EQ(7000, c.tcb.drs_space);
	/* ... a faster one (20 segments in one 50 ms round): the maximum */
	c.tcb.rcv_rtt_us = 50 * MS;
	for (i = 0; i < 20; i++) {
		f_data(&c, off, T_MSS);
		off += T_MSS;
		tl_rcv_read(&c.tcb, T_MSS, c.now, &c.act);
	}
	c.now += 50 * MS;
	tl_rcv_read(&c.tcb, 0, c.now, &c.act);
	ASSERT_EQ(100000, c.tcb.cfg.rcv_buf);
	ASSERT_EQ(20000, c.tcb.drs_space);
}

TEST(rcv_autotune_off_when_the_buffer_is_fixed)
{
	struct tl_cfg cfg;
	struct t_conn c;
	u32 off = 0;
	int i;

	f_cfg(&cfg);		/* rcv_buf_max 0: SO_RCVBUF was set */
	f_establish(_metadata, &c, &cfg);
	c.tcb.rcv_rtt_us = 10 * MS;
	for (i = 0; i < 3; i++) {
		f_data(&c, off, 4 * T_MSS);
		off += 4 * T_MSS;
		tl_rcv_read(&c.tcb, 4 * T_MSS, c.now, &c.act);
		c.now += 10 * MS;
	}
	ASSERT_EQ(8000, c.tcb.cfg.rcv_buf);
}

TEST(window_update_after_read)
{
	struct tl_cfg cfg;
	struct t_conn c;
	u32 off = 0;

	f_cfg(&cfg);
	cfg.delack_min_us = 0;
	f_establish(_metadata, &c, &cfg);
	/* fill the 8000-byte buffer: window 0 */
	while (off < T_BUF) {
		f_data(&c, off, T_MSS);
		off += T_MSS;
	}
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 1 + off);
	ASSERT_EQ(0, c.act.seg[0].th.wnd);
	/* receiver SWS (3.8.6.2.2): reading 500 < min(MSS, buf/2) opens nothing */
	tl_rcv_read(&c.tcb, 500, c.now, &c.act);
	EXPECT_NOSEG(&c);
	/* 1000 bytes free: the peer learns at once */
	tl_rcv_read(&c.tcb, 500, c.now, &c.act);
	ASSERT_EQ(1, c.act.nseg);
	ASSERT_EQ(1000, c.act.seg[0].th.wnd);
	/* 1500 free of a known 1000: not worth a segment ... */
	tl_rcv_read(&c.tcb, 500, c.now, &c.act);
	EXPECT_NOSEG(&c);
	/* ... doubled (2000): worth one */
	tl_rcv_read(&c.tcb, 500, c.now, &c.act);
	ASSERT_EQ(1, c.act.nseg);
	ASSERT_EQ(2000, c.act.seg[0].th.wnd);
}

/*
 * The threshold is min(Fr * RCV.BUFF, MSS) with Fr = 1/2 (3.8.6.2.2): a
 * buffer of less than two segments opens by half of itself.
 */
TEST(window_update_small_buffer_opens_by_half_of_it)
{
	struct tl_cfg cfg;
	struct t_conn c;

	f_cfg(&cfg);
	cfg.delack_min_us = 0;
	cfg.rcv_buf = 1200;
	f_establish(_metadata, &c, &cfg);
	/* The first window is the buffer in whole segments: one. */
	ASSERT_EQ(T_MSS, c.tcb.rcv_wnd);
	f_data(&c, 0, T_MSS);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 1 + T_MSS);
	ASSERT_EQ(0, c.act.seg[0].th.wnd);
	/* 500 free, less than 600: still shut */
	tl_rcv_read(&c.tcb, 300, c.now, &c.act);
	EXPECT_NOSEG(&c);
	/* 600 free: open, although less than one MSS */
	tl_rcv_read(&c.tcb, 100, c.now, &c.act);
	ASSERT_EQ(1, c.act.nseg);
	ASSERT_EQ(600, c.act.seg[0].th.wnd);
}

/*
 * The first window and window scale (tl_rcv_wnd_initial()): the numbers
 * Linux's tcp_select_initial_window() gives.  Linux's defaults: a new
 * socket's buffer is tcp_rmem[1], 128 KiB, half of it window; the largest
 * buffer is tcp_rmem[2], 6 MiB (rmem_max is 208 KiB).
 */
#define LINUX_SPACE	(131072 / 2)
#define LINUX_LIMIT	(6 * 1024 * 1024)

TEST(rfc7323_initial_window_linux_defaults)
{
	u8 ws = 99;

	/* 44 segments of 1460, a shift of 7: what a peer sees from Linux */
	ASSERT_EQ(64240, tl_rcv_wnd_initial(LINUX_SPACE, LINUX_LIMIT, false,
					    1460, &ws));
	ASSERT_EQ(7, ws);
	/* segments that carry timestamps hold 1448 bytes of data: 45 */
	ws = 99;
	ASSERT_EQ(65160, tl_rcv_wnd_initial(LINUX_SPACE, LINUX_LIMIT, false,
					    1448, &ws));
	ASSERT_EQ(7, ws);
	/* loopback's MSS, 65495: one segment */
	ASSERT_EQ(65495, tl_rcv_wnd_initial(LINUX_SPACE, LINUX_LIMIT, false,
					    65495, &ws));
	/* rmem_max above tcp_rmem[2] decides: 16 MiB needs a shift of 9 */
	ws = 99;
	ASSERT_EQ(64240, tl_rcv_wnd_initial(LINUX_SPACE, 16 << 20, false,
					    1460, &ws));
	ASSERT_EQ(9, ws);
}

/* SO_RCVBUF set by the user: the shift covers that buffer alone. */
TEST(rfc7323_initial_window_fixed_rcvbuf)
{
	u8 ws = 99;

	/* SO_RCVBUF 4096: a buffer of 8192, a window of 4096, two segments */
	ASSERT_EQ(2 * 1460, tl_rcv_wnd_initial(4096, LINUX_LIMIT, true,
					       1460, &ws));
	ASSERT_EQ(0, ws);
	/* the same buffer left to autotuning: room for tcp_rmem[2] */
	ws = 99;
	ASSERT_EQ(2 * 1460, tl_rcv_wnd_initial(4096, LINUX_LIMIT, false,
					       1460, &ws));
	ASSERT_EQ(7, ws);
	/* SO_RCVBUF 100000: a window of 100000 needs a shift of 1 */
	ws = 99;
	ASSERT_EQ(68 * 1460, tl_rcv_wnd_initial(100000, LINUX_LIMIT, true,
						1460, &ws));
	ASSERT_EQ(1, ws);
	/*
	 * A buffer forced above the limits (SO_RCVBUFFORCE): the window in
	 * whole segments, 129940, fits a shift of 1, although the unrounded
	 * 131080 would need 2; Linux sizes it by the larger of the rounded
	 * window and the limits, no more than the buffer.
	 */
	ws = 99;
	ASSERT_EQ(89 * 1460, tl_rcv_wnd_initial(131080, 100000, true, 1460,
						&ws));
	ASSERT_EQ(1, ws);
}

/* RFC 7323 2.3: the smallest shift that fits, and never more than 14. */
TEST(rfc7323_2_3_initial_wscale_smallest_at_most_14)
{
	static const struct {
		u32 limit;
		u8 ws;
	} t[] = {
		{ 0, 0 }, { 65535, 0 }, { 65536, 1 }, { 131071, 1 },
		{ 131072, 2 }, { 4194303, 6 }, { 4194304, 7 },
		{ 65535U << 14, 14 }, { 0x7fffffff, 14 }, { 0xffffffff, 14 },
	};
	unsigned int i;
	u32 wnd;
	u8 ws;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		ws = 99;
		tl_rcv_wnd_initial(1000, t[i].limit, false, 1460, &ws);
		ASSERT_EQ(t[i].ws, ws) TH_LOG("limit %u", t[i].limit);
	}
	/* a window beyond 65535 << 14 is cut to it, in whole segments */
	ws = 99;
	wnd = tl_rcv_wnd_initial(0xffffffff, 0xffffffff, true, 1460, &ws);
	ASSERT_EQ(14, ws);
	ASSERT_EQ(0, wnd % 1460);
	ASSERT_GE(65535U << 14, wnd);
	ASSERT_LT((65535U << 14) - 1460, wnd);
}

/* Whole segments when there is room for one, else the whole space. */
TEST(initial_window_rounded_down_to_the_mss)
{
	u8 ws;

	ASSERT_EQ(1000, tl_rcv_wnd_initial(1000, 0, true, 1460, &ws));
	ASSERT_EQ(1460, tl_rcv_wnd_initial(1460, 0, true, 1460, &ws));
	ASSERT_EQ(1460, tl_rcv_wnd_initial(2919, 0, true, 1460, &ws));
	ASSERT_EQ(2920, tl_rcv_wnd_initial(2920, 0, true, 1460, &ws));
	/* no MSS known: nothing to round to */
	ASSERT_EQ(65536, tl_rcv_wnd_initial(65536, 0, true, 0, &ws));
	ASSERT_EQ(1, ws);
}

/* A connection configured as the glue does for Linux's defaults. */
static void w_cfg(struct tl_cfg *cfg)
{
	f_cfg(cfg);
	cfg->opts = TL_TCB_WSCALE | TL_TCB_SACK | TL_TCB_TS;
	cfg->mss = 1460;
	cfg->rcv_buf = LINUX_SPACE;
	cfg->rcv_buf_max = LINUX_LIMIT / 2;
	cfg->rcv_buf_limit = LINUX_LIMIT;
}

/*
 * The active SYN offers the first window and shift (RFC 7323 2.2), its
 * retransmission the same.  The first scaled window, after the handshake,
 * is that window in whole units of 128 rounded up, 502, where rounding
 * down (501) would move the right edge left (RFC 7323 2.4); it does not
 * grow by the 1296 bytes the SWS threshold of 1460 does not allow (RFC
 * 9293 3.8.6.2.2).  @buf is the receive buffer's window.
 */
static void w_syn_handshake(struct __test_metadata *_metadata, u32 buf,
			    struct t_conn *c)
{
	struct tl_seg_in s;
	struct tl_cfg cfg;

	w_cfg(&cfg);
	cfg.rcv_buf = buf;
	t_init_cfg(c, &cfg);
	ASSERT_EQ(0, tl_open_active(&c->tcb, T_LPORT, T_RPORT, ISS, c->now,
				    &c->act));
	EXPECT_SEG(c, 0, "SYN", ISS, 0);
	ASSERT_EQ(64240, c->act.seg[0].th.wnd);
	ASSERT_TRUE(c->act.seg[0].opts.present & TL_OPTF_WSCALE);
	ASSERT_EQ(7, c->act.seg[0].opts.wscale);
	ASSERT_EQ(1460, c->act.seg[0].opts.mss);
	t_fire(c, TL_TIMER_RTX);
	EXPECT_SEG(c, 0, "SYN", ISS, 0);
	ASSERT_EQ(64240, c->act.seg[0].th.wnd);
	ASSERT_EQ(7, c->act.seg[0].opts.wscale);

	s = t_seg("SYN|ACK", IRS, ISS + 1, 65535, 0);
	s.opts.present = TL_OPTF_MSS | TL_OPTF_WSCALE | TL_OPTF_SACK_PERM |
			 TL_OPTF_TS;
	s.opts.mss = 1460;
	s.opts.wscale = 6;
	s.opts.tsval = 777;
	s.opts.tsecr = c->act.seg[0].opts.tsval;
	c->now += 10 * MS;
	tl_input(&c->tcb, &s, c->now, &c->act);
	EXPECT_STATE(c, TL_ESTABLISHED);
	EXPECT_SEG(c, 0, "ACK", ISS + 1, IRS + 1);
	ASSERT_EQ(7, c->tcb.rcv_wscale);
	ASSERT_EQ(6, c->tcb.snd_wscale);
}

TEST(syn_offers_the_initial_window_and_wscale)
{
	struct t_conn c;

	w_syn_handshake(_metadata, LINUX_SPACE, &c);
	ASSERT_EQ(502 << 7, c.tcb.rcv_wnd);
	ASSERT_EQ(502, c.act.seg[0].th.wnd);
}

/*
 * A buffer of exactly 44 segments has no room for the 16 bytes that
 * round 64240 up: the first scaled window is rounded down, 501 units.
 */
TEST(syn_first_scaled_window_rounds_down_without_room)
{
	struct t_conn c;

	w_syn_handshake(_metadata, 64240, &c);
	ASSERT_EQ(64240, c.tcb.rcv_wnd);
	ASSERT_EQ(501, c.act.seg[0].th.wnd);
}


/* A peer without window scaling: the option is not offered back. */
TEST(syn_without_peer_wscale_keeps_the_window_unscaled)
{
	struct tl_seg_in s;
	struct tl_cfg cfg;
	struct t_conn c;

	w_cfg(&cfg);
	t_init_cfg(&c, &cfg);
	ASSERT_EQ(0, tl_open_active(&c.tcb, T_LPORT, T_RPORT, ISS, c.now,
				    &c.act));
	ASSERT_EQ(7, c.act.seg[0].opts.wscale);
	s = t_seg("SYN|ACK", IRS, ISS + 1, 65535, 0);
	s.opts.present = TL_OPTF_MSS;
	s.opts.mss = 1460;
	c.now += 10 * MS;
	tl_input(&c.tcb, &s, c.now, &c.act);
	EXPECT_STATE(&c, TL_ESTABLISHED);
	ASSERT_EQ(0, c.tcb.rcv_wscale);
	ASSERT_EQ(64240, c.act.seg[0].th.wnd);
}

/*
 * A listener's child answers the SYN: its SYN,ACK offers the window in
 * whole segments of what the peer will send (1448 with timestamps) and
 * the shift, when the peer offered scaling.
 */
static void w_synack(struct __test_metadata *_metadata,
		     const struct tl_cfg *cfg, u8 peer_opts, struct t_conn *c)
{
	struct tl_seg_in s = t_seg("SYN", IRS, 0, 65535, 0);
	struct t_conn lst;

	t_init_cfg(&lst, cfg);
	ASSERT_EQ(0, tl_open_passive(&lst.tcb, T_LPORT, &lst.act));
	s.opts.present = TL_OPTF_MSS | peer_opts;
	s.opts.mss = 1460;
	s.opts.wscale = 7;
	s.opts.tsval = 777;
	tl_input(&lst.tcb, &s, lst.now, &lst.act);
	ASSERT_TRUE(lst.act.child);
	t_init_cfg(c, cfg);
	ASSERT_EQ(0, tl_accept_syn(&c->tcb, &lst.act.child_req, ISS, c->now,
				   &c->act));
	EXPECT_SEG(c, 0, "SYN|ACK", ISS, IRS + 1);
}

TEST(synack_offers_the_initial_window_and_wscale)
{
	struct tl_cfg cfg;
	struct t_conn c;

	w_cfg(&cfg);
	/* MSS, SACK, window scale: passive_open_exact.wire's SYN */
	w_synack(_metadata, &cfg, TL_OPTF_WSCALE | TL_OPTF_SACK_PERM, &c);
	ASSERT_EQ(64240, c.act.seg[0].th.wnd);
	ASSERT_TRUE(c.act.seg[0].opts.present & TL_OPTF_WSCALE);
	ASSERT_EQ(7, c.act.seg[0].opts.wscale);
	/* its retransmission offers the same */
	t_fire(&c, TL_TIMER_RTX);
	EXPECT_SEG(&c, 0, "SYN|ACK", ISS, IRS + 1);
	ASSERT_EQ(64240, c.act.seg[0].th.wnd);
	ASSERT_EQ(7, c.act.seg[0].opts.wscale);

	/* with timestamps: 45 segments of 1448 */
	w_synack(_metadata, &cfg, TL_OPTF_WSCALE | TL_OPTF_TS, &c);
	ASSERT_EQ(65160, c.act.seg[0].th.wnd);
	ASSERT_EQ(7, c.act.seg[0].opts.wscale);

	/* no window scale from the peer: none back, the same window */
	w_synack(_metadata, &cfg, 0, &c);
	ASSERT_EQ(64240, c.act.seg[0].th.wnd);
	ASSERT_FALSE(c.act.seg[0].opts.present & TL_OPTF_WSCALE);
	ASSERT_EQ(0, c.tcb.rcv_wscale);
}

/*
 * SO_RCVBUF 4096 before listen(): a window of two segments and a shift
 * of 0, offered because the peer offered scaling; the handshake's ACK
 * leaves the window as it was, unscaled.
 */
TEST(synack_small_rcvbuf_small_window_and_wscale)
{
	struct tl_cfg cfg;
	struct t_conn c;

	w_cfg(&cfg);
	cfg.rcv_buf = 4096;
	cfg.rcv_buf_max = 0;
	cfg.rcv_buf_fixed = true;
	w_synack(_metadata, &cfg, TL_OPTF_WSCALE | TL_OPTF_SACK_PERM, &c);
	ASSERT_EQ(2920, c.act.seg[0].th.wnd);
	ASSERT_TRUE(c.act.seg[0].opts.present & TL_OPTF_WSCALE);
	ASSERT_EQ(0, c.act.seg[0].opts.wscale);
	c.now += 10 * MS;
	t_in(&c, "ACK", IRS + 1, ISS + 1, 1000, 0);
	EXPECT_STATE(&c, TL_ESTABLISHED);
	/* data: the window shrinks by it and never beyond the buffer */
	f_data(&c, 0, 1460);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 1 + 1460);
	ASSERT_EQ(2920 - 1460, c.act.seg[0].th.wnd);
	tl_rcv_read(&c.tcb, 1460, c.now, &c.act);
	ASSERT_EQ(1, c.act.nseg);
	ASSERT_EQ(4096, c.act.seg[0].th.wnd);
}

/*
 * After the handshake the scaled window grows with the reader, past
 * what a SYN can say, up to rcv_buf_max (autotuning), and the field
 * times 128 never exceeds RCV.WND.
 */
TEST(scaled_window_grows_past_the_syn_window)
{
	struct tl_seg_in s;
	struct tl_cfg cfg;
	struct t_conn c;
	u32 off = 0, right = 0;
	int i, round;

	w_cfg(&cfg);
	cfg.opts = TL_TCB_WSCALE;
	t_init_cfg(&c, &cfg);
	ASSERT_EQ(0, tl_open_active(&c.tcb, T_LPORT, T_RPORT, ISS, c.now,
				    &c.act));
	s = t_seg("SYN|ACK", IRS, ISS + 1, 65535, 0);
	s.opts.present = TL_OPTF_MSS | TL_OPTF_WSCALE;
	s.opts.mss = 1460;
	s.opts.wscale = 7;
	c.now += 10 * MS;
	tl_input(&c.tcb, &s, c.now, &c.act);
	EXPECT_STATE(&c, TL_ESTABLISHED);
	c.tcb.rcv_rtt_us = 10 * MS;
	for (round = 0; round < 8; round++) {
		for (i = 0; i < 40; i++) {
			c.now += 100;
			t_in(&c, "ACK", IRS + 1 + off, ISS + 1, 60000, 1460);
			off += 1460;
			tl_rcv_read(&c.tcb, 1460, c.now, &c.act);
			if (!c.act.nseg)
				continue;
			ASSERT_GE(c.tcb.rcv_wnd,
				  (u32)c.act.seg[c.act.nseg - 1].th.wnd << 7);
			/* RFC 9293 3.8.6: the right edge never moves left */
			ASSERT_GE(c.tcb.rcv_nxt + c.tcb.rcv_wnd, right);
			right = c.tcb.rcv_nxt + c.tcb.rcv_wnd;
		}
		c.now += 10 * MS;
	}
	ASSERT_LT(65535, c.tcb.rcv_wnd);
	ASSERT_LT(LINUX_SPACE, c.tcb.cfg.rcv_buf);
	ASSERT_GE(cfg.rcv_buf_max, c.tcb.cfg.rcv_buf);
}

TEST_HARNESS_MAIN
