// SPDX-License-Identifier: GPL-2.0
/*
 * test_tcb.c - scripted tests of the connection state machine, named after
 * the RFC 9293 (and RFC 5961 / RFC 6298) rule each one checks.
 *
 * Unless said otherwise: ISS = 100, IRS = 5000, MSS 1000, receive buffer
 * 8000 bytes, peer window 60000, no options, no congestion control.
 */
#include "test_util.h"

#define ISS 100
#define IRS 5000

/* Drive @c from nothing to @st (a synchronized or closing state). */
static void t_goto(struct __test_metadata *_metadata, struct t_conn *c,
		   enum tl_state st)
{
	t_init(c);
	T_ESTABLISH_ACTIVE(c, ISS, IRS);
	switch (st) {
	case TL_ESTABLISHED:
		break;
	case TL_FIN_WAIT_1:
		ASSERT_EQ(0, tl_close(&c->tcb, c->now, &c->act));
		break;
	case TL_FIN_WAIT_2:
		ASSERT_EQ(0, tl_close(&c->tcb, c->now, &c->act));
		t_in(c, "ACK", IRS + 1, ISS + 2, 60000, 0);
		break;
	case TL_CLOSE_WAIT:
		t_in(c, "FIN|ACK", IRS + 1, ISS + 1, 60000, 0);
		break;
	case TL_CLOSING:
		ASSERT_EQ(0, tl_close(&c->tcb, c->now, &c->act));
		t_in(c, "FIN|ACK", IRS + 1, ISS + 1, 60000, 0);
		break;
	case TL_LAST_ACK:
		t_in(c, "FIN|ACK", IRS + 1, ISS + 1, 60000, 0);
		ASSERT_EQ(0, tl_close(&c->tcb, c->now, &c->act));
		break;
	case TL_TIME_WAIT:
		ASSERT_EQ(0, tl_close(&c->tcb, c->now, &c->act));
		t_in(c, "FIN|ACK", IRS + 1, ISS + 2, 60000, 0);
		break;
	default:
		ASSERT_TRUE(false);
	}
	EXPECT_STATE(c, st);
}

/* Passive side: a listener hands out a child in SYN-RECEIVED. */
static void t_goto_syn_received(struct __test_metadata *_metadata,
				struct t_conn *lst, struct t_conn *child)
{
	t_init(lst);
	ASSERT_EQ(0, tl_open_passive(&lst->tcb, T_LPORT, &lst->act));
	EXPECT_STATE(lst, TL_LISTEN);
	t_in(lst, "SYN", IRS, 0, 60000, 0);
	ASSERT_TRUE(lst->act.child);
	EXPECT_NOSEG(lst);
	EXPECT_STATE(lst, TL_LISTEN);
	ASSERT_EQ(IRS, lst->act.child_req.irs);
	ASSERT_EQ(T_RPORT, lst->act.child_req.rport);
	ASSERT_EQ(T_LPORT, lst->act.child_req.lport);

	t_init(child);
	ASSERT_EQ(0, tl_accept_syn(&child->tcb, &lst->act.child_req, ISS,
				   child->now, &child->act));
	EXPECT_STATE(child, TL_SYN_RECEIVED);
	EXPECT_SEG(child, 0, "SYN|ACK", ISS, IRS + 1);
	ASSERT_EQ(T_BUF, child->act.seg[0].th.wnd);
}

/*
 * An old duplicate with data in SYN-RECEIVED, delayed ACKs on: it is
 * acknowledged, and the delayed-ACK bookkeeping (which learns the peer's
 * segment size only once ESTABLISHED) must cope.  Found by fuzz_segment:
 * a division by zero.
 */
TEST(syn_received_old_data_duplicate_is_acked)
{
	struct t_conn lst, c;
	struct tl_cfg cfg;

	t_init(&lst);
	ASSERT_EQ(0, tl_open_passive(&lst.tcb, T_LPORT, &lst.act));
	t_in(&lst, "SYN", IRS, 0, 60000, 0);
	ASSERT_TRUE(lst.act.child);
	t_cfg(&cfg);
	cfg.delack_min_us = 40000;
	t_init_cfg(&c, &cfg);
	ASSERT_EQ(0, tl_accept_syn(&c.tcb, &lst.act.child_req, ISS, c.now,
				   &c.act));
	ASSERT_EQ(0, c.tcb.rcv_mss);
	t_in(&c, "ACK", IRS - 99, ISS + 1, 60000, 100);
	EXPECT_STATE(&c, TL_SYN_RECEIVED);
	ASSERT_EQ(TL_DROP_SEQ, c.act.drop);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 1);
}

TEST(rfc9293_3_3_2_state_names)
{
	static const char *const names[] = {
		"CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED",
		"FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK",
		"TIME-WAIT",
	};
	int i;

	ASSERT_EQ(11, TL_STATE_NR);
	for (i = 0; i < TL_STATE_NR; i++)
		ASSERT_STREQ(names[i], tl_state_name(i));
	ASSERT_STREQ("INVALID", tl_state_name(TL_STATE_NR));
}

TEST(rfc9293_3_10_1_open_active_sends_syn)
{
	struct t_conn c;

	t_init(&c);
	ASSERT_EQ(0, tl_open_active(&c.tcb, T_LPORT, T_RPORT, ISS, c.now,
				    &c.act));
	EXPECT_STATE(&c, TL_SYN_SENT);
	ASSERT_EQ(1, c.act.nstate);
	ASSERT_EQ(TL_CLOSED, c.act.state[0].from);
	ASSERT_EQ(TL_SYN_SENT, c.act.state[0].to);
	ASSERT_EQ(1, c.act.nseg);
	EXPECT_SEG(&c, 0, "SYN", ISS, 0);
	ASSERT_EQ(T_LPORT, c.act.seg[0].th.sport);
	ASSERT_EQ(T_RPORT, c.act.seg[0].th.dport);
	ASSERT_TRUE(c.act.seg[0].opts.present & TL_OPTF_MSS);
	ASSERT_EQ(T_MSS, c.act.seg[0].opts.mss);
	/* RFC 6298 2.1: first RTO 1 s */
	ASSERT_EQ(TL_TIMER_ARM, c.act.timer[TL_TIMER_RTX].op);
	ASSERT_EQ(c.now + 1000000, c.act.timer[TL_TIMER_RTX].expires);
	ASSERT_EQ(ISS, c.tcb.snd_una);
	ASSERT_EQ(ISS + 1, c.tcb.snd_nxt);
	/* a second OPEN is refused */
	ASSERT_EQ(-EISCONN, tl_open_active(&c.tcb, 1, 2, 3, c.now, &c.act));
}

TEST(rfc9293_3_10_7_3_three_way_handshake_active)
{
	struct t_conn c;

	t_init(&c);
	T_ESTABLISH_ACTIVE(&c, ISS, IRS);
	ASSERT_EQ(1, c.act.nseg);
	ASSERT_TRUE(c.act.wake & TL_WAKE_WRITE);
	ASSERT_EQ(TL_TIMER_CANCEL, c.act.timer[TL_TIMER_RTX].op);
	ASSERT_EQ(ISS + 1, c.tcb.snd_una);
	ASSERT_EQ(IRS, c.tcb.irs);
	ASSERT_EQ(IRS + 1, c.tcb.rcv_nxt);
	ASSERT_EQ(60000, c.tcb.snd_wnd);
	ASSERT_EQ(IRS, c.tcb.snd_wl1);
	ASSERT_EQ(ISS + 1, c.tcb.snd_wl2);
	/* the SYN was timed: 10 ms RTT */
	ASSERT_EQ(10000, tl_rto_srtt(&c.tcb.rto));
	/* no MSS option from the peer: RFC 9293 3.7.1 default 536 */
	ASSERT_EQ(TL_MSS_DEFAULT, c.tcb.snd_mss);
}

TEST(rfc9293_3_10_7_2_three_way_handshake_passive)
{
	struct t_conn lst, c;

	t_goto_syn_received(_metadata, &lst, &c);
	ASSERT_TRUE(c.tcb.passive);
	t_in(&c, "ACK", IRS + 1, ISS + 1, 30000, 0);
	EXPECT_STATE(&c, TL_ESTABLISHED);
	EXPECT_NOSEG(&c);
	ASSERT_EQ(30000, c.tcb.snd_wnd);
	ASSERT_EQ(TL_TIMER_CANCEL, c.act.timer[TL_TIMER_RTX].op);
}

TEST(rfc9293_3_10_7_2_listen_rst_ack_other)
{
	struct t_conn c;

	t_init(&c);
	ASSERT_EQ(0, tl_open_passive(&c.tcb, T_LPORT, &c.act));
	/* first: RST ignored */
	t_in(&c, "RST", 1, 0, 0, 0);
	EXPECT_NOSEG(&c);
	ASSERT_EQ(TL_DROP_LISTEN_RST, c.act.drop);
	/* second: ACK -> <SEQ=SEG.ACK><CTL=RST> */
	t_in(&c, "ACK", 1, 777, 0, 0);
	EXPECT_SEG(&c, 0, "RST", 777, 0);
	ASSERT_EQ(TL_DROP_LISTEN_ACK, c.act.drop);
	ASSERT_EQ(T_RPORT, c.act.seg[0].th.dport);
	/* fourth: anything else dropped */
	t_in(&c, "FIN", 1, 0, 0, 10);
	EXPECT_NOSEG(&c);
	ASSERT_EQ(TL_DROP_LISTEN_NO_SYN, c.act.drop);
	ASSERT_FALSE(c.act.child);
	EXPECT_STATE(&c, TL_LISTEN);
}

TEST(rfc9293_3_10_7_3_syn_sent_unacceptable_ack)
{
	struct t_conn c;

	t_init(&c);
	tl_open_active(&c.tcb, T_LPORT, T_RPORT, ISS, c.now, &c.act);
	/* SEG.ACK =< ISS */
	t_in(&c, "SYN|ACK", IRS, ISS, 1000, 0);
	EXPECT_SEG(&c, 0, "RST", ISS, 0);
	ASSERT_EQ(TL_DROP_BAD_ACK, c.act.drop);
	/* SEG.ACK > SND.NXT */
	t_in(&c, "ACK", IRS, ISS + 2, 1000, 0);
	EXPECT_SEG(&c, 0, "RST", ISS + 2, 0);
	/* ... but never a RST for a RST */
	t_in(&c, "RST|ACK", IRS, ISS + 2, 1000, 0);
	EXPECT_NOSEG(&c);
	/* RST without ACK: dropped */
	t_in(&c, "RST", IRS, 0, 0, 0);
	EXPECT_NOSEG(&c);
	/* no SYN, no RST: dropped */
	t_in(&c, "ACK", IRS, ISS + 1, 1000, 0);
	EXPECT_NOSEG(&c);
	ASSERT_EQ(TL_DROP_NO_SYN, c.act.drop);
	EXPECT_STATE(&c, TL_SYN_SENT);
}

TEST(rfc9293_3_10_7_3_syn_sent_rst_refused)
{
	struct t_conn c;

	t_init(&c);
	tl_open_active(&c.tcb, T_LPORT, T_RPORT, ISS, c.now, &c.act);
	t_in(&c, "RST|ACK", 0, ISS + 1, 0, 0);
	EXPECT_STATE(&c, TL_CLOSED);
	ASSERT_EQ(-ECONNREFUSED, c.act.error);
	ASSERT_TRUE(c.act.release);
	ASSERT_TRUE(c.act.wake & TL_WAKE_HUP);
	ASSERT_EQ(TL_TIMER_CANCEL, c.act.timer[TL_TIMER_RTX].op);
	EXPECT_NOSEG(&c);
}

TEST(rfc9293_3_10_7_1_closed_rst_rules)
{
	struct t_conn c;
	struct tl_seg_out out;
	struct tl_seg_in s;

	t_init(&c);
	/* ACK off: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, SYN counts */
	t_in(&c, "SYN", 1000, 0, 100, 20);
	EXPECT_SEG(&c, 0, "RST|ACK", 0, 1021);
	ASSERT_EQ(TL_DROP_CLOSED, c.act.drop);
	ASSERT_EQ(T_LPORT, c.act.seg[0].th.sport);
	ASSERT_EQ(T_RPORT, c.act.seg[0].th.dport);
	/* FIN counts too */
	t_in(&c, "FIN", 1000, 0, 100, 5);
	EXPECT_SEG(&c, 0, "RST|ACK", 0, 1006);
	/* ACK on: <SEQ=SEG.ACK><CTL=RST> */
	t_in(&c, "ACK|PSH", 1000, 4242, 100, 5);
	EXPECT_SEG(&c, 0, "RST", 4242, 0);
	/* RST: discarded */
	t_in(&c, "RST", 1000, 0, 100, 0);
	EXPECT_NOSEG(&c);

	/* the same rule for segments that match no tcb at all */
	s = t_seg("ACK", 1, 0xdeadbeef, 0, 0);
	ASSERT_TRUE(tl_rst_reply(&s.th, 0, &out));
	ASSERT_EQ(0xdeadbeef, out.th.seq);
	ASSERT_EQ(TL_TCP_RST, out.th.flags);
	s = t_seg("RST|ACK", 1, 2, 0, 0);
	ASSERT_FALSE(tl_rst_reply(&s.th, 0, &out));
}

TEST(rfc9293_3_10_7_3_simultaneous_open)
{
	struct t_conn a, b;
	struct tl_seg_out syn_a, syn_b, synack_a, synack_b, ack_a, ack_b;
	struct tl_seg_in in;

	t_init(&a);
	t_init(&b);
	tl_open_active(&a.tcb, 1000, 2000, 100, a.now, &a.act);
	syn_a = a.act.seg[0];
	tl_open_active(&b.tcb, 2000, 1000, 900, b.now, &b.act);
	syn_b = b.act.seg[0];

	/* Each SYN-SENT side gets the other's SYN: SYN-RECEIVED, SYN,ACK */
	memset(&in, 0, sizeof(in));
	in.th = syn_b.th;
	tl_input(&a.tcb, &in, a.now, &a.act);
	EXPECT_STATE(&a, TL_SYN_RECEIVED);
	EXPECT_SEG(&a, 0, "SYN|ACK", 100, 901);
	synack_a = a.act.seg[0];
	in.th = syn_a.th;
	tl_input(&b.tcb, &in, b.now, &b.act);
	EXPECT_STATE(&b, TL_SYN_RECEIVED);
	EXPECT_SEG(&b, 0, "SYN|ACK", 900, 101);
	synack_b = b.act.seg[0];

	/*
	 * The SYN,ACKs repeat SYNs already received (RFC 9293 figure 7 line 6): the
	 * old SYN is trimmed, the ACK establishes, and the repeat is
	 * acknowledged.
	 */
	in.th = synack_b.th;
	tl_input(&a.tcb, &in, a.now, &a.act);
	EXPECT_STATE(&a, TL_ESTABLISHED);
	EXPECT_SEG(&a, 0, "ACK", 101, 901);
	ack_a = a.act.seg[0];
	in.th = synack_a.th;
	tl_input(&b.tcb, &in, b.now, &b.act);
	EXPECT_STATE(&b, TL_ESTABLISHED);
	EXPECT_SEG(&b, 0, "ACK", 901, 101);
	ack_b = b.act.seg[0];

	/* The crossing ACKs are duplicates: no reply, no change. */
	in.th = ack_b.th;
	tl_input(&a.tcb, &in, a.now, &a.act);
	EXPECT_STATE(&a, TL_ESTABLISHED);
	ASSERT_EQ(0, a.act.nseg);
	in.th = ack_a.th;
	tl_input(&b.tcb, &in, b.now, &b.act);
	EXPECT_STATE(&b, TL_ESTABLISHED);
	ASSERT_EQ(0, b.act.nseg);
	ASSERT_FALSE(a.tcb.passive);
}

TEST(rfc9293_3_10_7_4_simultaneous_open_rst_refused)
{
	struct t_conn c;

	t_init(&c);
	tl_open_active(&c.tcb, T_LPORT, T_RPORT, ISS, c.now, &c.act);
	t_in(&c, "SYN", IRS, 0, 1000, 0);
	EXPECT_STATE(&c, TL_SYN_RECEIVED);
	t_in(&c, "RST", IRS + 1, 0, 0, 0);
	EXPECT_STATE(&c, TL_CLOSED);
	ASSERT_EQ(-ECONNREFUSED, c.act.error);
}

TEST(rfc9293_3_10_7_4_syn_received_passive_rst_and_syn)
{
	struct t_conn lst, c;

	/* RST from a passive open: child just ends, nobody is told */
	t_goto_syn_received(_metadata, &lst, &c);
	t_in(&c, "RST", IRS + 1, 0, 0, 0);
	EXPECT_STATE(&c, TL_CLOSED);
	ASSERT_EQ(0, c.act.error);
	ASSERT_TRUE(c.act.release);

	/* in-window SYN: "return this connection to the LISTEN state" */
	t_goto_syn_received(_metadata, &lst, &c);
	t_in(&c, "SYN", IRS + 1, 0, 0, 0);
	EXPECT_STATE(&c, TL_CLOSED);
	ASSERT_TRUE(c.act.release);

	/* unacceptable ACK: <SEQ=SEG.ACK><CTL=RST> */
	t_goto_syn_received(_metadata, &lst, &c);
	t_in(&c, "ACK", IRS + 1, ISS + 5, 1000, 0);
	EXPECT_SEG(&c, 0, "RST", ISS + 5, 0);
	ASSERT_EQ(TL_DROP_BAD_ACK, c.act.drop);
	EXPECT_STATE(&c, TL_SYN_RECEIVED);
}

/*
 * A segment without ACK, RST or SYN is dropped before any check, as
 * Linux does: outside the window it draws no ACK either, and its data
 * is not taken.  TIME-WAIT still answers one outside the window.
 */
TEST(rfc9293_3_10_7_4_no_ack_bit_dropped_silently)
{
	struct t_conn c;

	t_goto(_metadata, &c, TL_ESTABLISHED);
	t_in(&c, "FIN", IRS + 900000, 0, 60000, 0);
	ASSERT_EQ(TL_DROP_NO_ACK, c.act.drop);
	EXPECT_NOSEG(&c);
	t_in(&c, "PSH", IRS + 1, 0, 60000, 100);
	ASSERT_EQ(TL_DROP_NO_ACK, c.act.drop);
	EXPECT_NOSEG(&c);
	ASSERT_EQ(0, c.act.deliver_len);
	EXPECT_STATE(&c, TL_ESTABLISHED);
	ASSERT_EQ(IRS + 1, c.tcb.rcv_nxt);

	t_goto(_metadata, &c, TL_TIME_WAIT);
	t_in(&c, "FIN", IRS + 900000, 0, 60000, 0);
	ASSERT_EQ(1, c.act.nseg);
	EXPECT_SEG(&c, 0, "ACK", ISS + 2, IRS + 2);
}

TEST(rfc9293_3_10_4_close_active_four_way)
{
	struct t_conn c;

	t_goto(_metadata, &c, TL_ESTABLISHED);
	ASSERT_EQ(0, tl_close(&c.tcb, c.now, &c.act));
	EXPECT_STATE(&c, TL_FIN_WAIT_1);
	EXPECT_SEG(&c, 0, "FIN|ACK", ISS + 1, IRS + 1);
	ASSERT_EQ(TL_TIMER_ARM, c.act.timer[TL_TIMER_RTX].op);
	/* second CLOSE is a no-op, SEND is refused */
	ASSERT_EQ(0, tl_close(&c.tcb, c.now, &c.act));
	EXPECT_NOSEG(&c);
	ASSERT_EQ(-EPIPE, tl_send(&c.tcb, 10, c.now, &c.act));

	/* 3.10.7.4 fifth: FIN acked -> FIN-WAIT-2 */
	t_in(&c, "ACK", IRS + 1, ISS + 2, 60000, 0);
	EXPECT_STATE(&c, TL_FIN_WAIT_2);
	EXPECT_NOSEG(&c);
	ASSERT_EQ(0, c.act.acked);	/* the FIN took no buffer */
	/* 3.10.7.4 eighth: FIN -> TIME-WAIT, ACK it */
	t_in(&c, "FIN|ACK", IRS + 1, ISS + 2, 60000, 0);
	EXPECT_STATE(&c, TL_TIME_WAIT);
	EXPECT_SEG(&c, 0, "ACK", ISS + 2, IRS + 2);
	ASSERT_TRUE(c.act.eof);
	ASSERT_EQ(TL_TIMER_ARM, c.act.timer[TL_TIMER_TIME_WAIT].op);
	ASSERT_EQ(c.now + 2 * T_MSL, c.act.timer[TL_TIMER_TIME_WAIT].expires);
}

TEST(rfc9293_3_10_8_time_wait_expiry)
{
	struct t_conn c;
	u64 deadline;

	t_goto(_metadata, &c, TL_TIME_WAIT);
	deadline = c.tcb.timer[TL_TIMER_TIME_WAIT];
	ASSERT_EQ(c.now + 2 * T_MSL, deadline);

	/* an early (stale) firing does nothing */
	tl_timer(&c.tcb, TL_TIMER_TIME_WAIT, deadline - 1, &c.act);
	EXPECT_STATE(&c, TL_TIME_WAIT);

	/* a retransmitted FIN is ACKed and restarts 2 MSL */
	c.now += 1000000;
	t_in(&c, "FIN|ACK", IRS + 1, ISS + 2, 60000, 0);
	EXPECT_SEG(&c, 0, "ACK", ISS + 2, IRS + 2);
	ASSERT_EQ(c.now + 2 * T_MSL, c.tcb.timer[TL_TIMER_TIME_WAIT]);
	/* the old deadline is stale now */
	tl_timer(&c.tcb, TL_TIMER_TIME_WAIT, deadline, &c.act);
	EXPECT_STATE(&c, TL_TIME_WAIT);

	t_fire(&c, TL_TIMER_TIME_WAIT);
	EXPECT_STATE(&c, TL_CLOSED);
	ASSERT_TRUE(c.act.release);
	ASSERT_EQ(0, c.act.error);
}

TEST(rfc9293_3_10_7_4_passive_close_last_ack)
{
	struct t_conn c;

	t_goto(_metadata, &c, TL_ESTABLISHED);
	t_in(&c, "FIN|ACK", IRS + 1, ISS + 1, 60000, 0);
	EXPECT_STATE(&c, TL_CLOSE_WAIT);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 2);
	ASSERT_TRUE(c.act.eof);
	ASSERT_TRUE(c.act.wake & TL_WAKE_READ);

	ASSERT_EQ(0, tl_close(&c.tcb, c.now, &c.act));
	EXPECT_STATE(&c, TL_LAST_ACK);
	EXPECT_SEG(&c, 0, "FIN|ACK", ISS + 1, IRS + 2);

	t_in(&c, "ACK", IRS + 2, ISS + 2, 60000, 0);
	EXPECT_STATE(&c, TL_CLOSED);
	ASSERT_TRUE(c.act.release);
	ASSERT_EQ(0, c.act.error);
}

TEST(rfc9293_3_10_7_4_simultaneous_close_closing)
{
	struct t_conn c;

	t_goto(_metadata, &c, TL_FIN_WAIT_1);
	/* peer's FIN does not ack ours: CLOSING */
	t_in(&c, "FIN|ACK", IRS + 1, ISS + 1, 60000, 0);
	EXPECT_STATE(&c, TL_CLOSING);
	EXPECT_SEG(&c, 0, "ACK", ISS + 2, IRS + 2);
	/* our FIN acked: TIME-WAIT */
	t_in(&c, "ACK", IRS + 2, ISS + 2, 60000, 0);
	EXPECT_STATE(&c, TL_TIME_WAIT);
	ASSERT_EQ(TL_TIMER_CANCEL, c.act.timer[TL_TIMER_RTX].op);
	ASSERT_EQ(TL_TIMER_ARM, c.act.timer[TL_TIMER_TIME_WAIT].op);
}

TEST(rfc9293_3_10_7_4_fin_wait_1_fin_ack_time_wait)
{
	struct t_conn c;

	t_goto(_metadata, &c, TL_FIN_WAIT_1);
	/* FIN that also acks our FIN: straight to TIME-WAIT */
	t_in(&c, "FIN|ACK", IRS + 1, ISS + 2, 60000, 0);
	EXPECT_STATE(&c, TL_TIME_WAIT);
	ASSERT_EQ(2, c.act.nstate);
	ASSERT_EQ(TL_FIN_WAIT_2, c.act.state[0].to);
	ASSERT_EQ(TL_TIME_WAIT, c.act.state[1].to);
}

TEST(rfc9293_3_10_4_half_close)
{
	struct t_conn c;

	/* we closed our side; the peer keeps sending */
	t_goto(_metadata, &c, TL_FIN_WAIT_2);
	t_in(&c, "ACK|PSH", IRS + 1, ISS + 2, 60000, 300);
	EXPECT_STATE(&c, TL_FIN_WAIT_2);
	ASSERT_EQ(0, c.act.deliver_off);
	ASSERT_EQ(300, c.act.deliver_len);
	EXPECT_SEG(&c, 0, "ACK", ISS + 2, IRS + 301);

	/* the peer closed its side; we keep sending */
	t_goto(_metadata, &c, TL_CLOSE_WAIT);
	ASSERT_EQ(100, tl_send(&c.tcb, 100, c.now, &c.act));
	EXPECT_SEG(&c, 0, "ACK|PSH", ISS + 1, IRS + 2);
	EXPECT_DATA(&c, 0, 100);
	/* text after the FIN is ignored in CLOSE-WAIT */
	t_in(&c, "ACK", IRS + 2, ISS + 101, 60000, 50);
	ASSERT_EQ(0, c.act.deliver_len);
	ASSERT_EQ(100, c.act.acked);
}

/* RST in each synchronized state: exact / in window / out of window. */
static void t_rst_case(struct __test_metadata *_metadata, enum tl_state st,
		       int err)
{
	struct t_conn c;
	u32 nxt;

	/* out of window: silently dropped */
	t_goto(_metadata, &c, st);
	nxt = c.tcb.rcv_nxt;
	t_in(&c, "RST", nxt + 100000, 0, 0, 0);
	EXPECT_NOSEG(&c);
	ASSERT_EQ(TL_DROP_SEQ, c.act.drop);
	EXPECT_STATE(&c, st);

	/* in window, not exact: challenge ACK (RFC 5961 3.2) */
	t_in(&c, "RST", nxt + 10, 0, 0, 0);
	EXPECT_SEG(&c, 0, "ACK", c.tcb.snd_nxt, nxt);
	ASSERT_EQ(TL_DROP_RST_CHALLENGE, c.act.drop);
	EXPECT_STATE(&c, st);

	/* exact: reset */
	t_in(&c, "RST", nxt, 0, 0, 0);
	EXPECT_NOSEG(&c);
	EXPECT_STATE(&c, TL_CLOSED);
	ASSERT_EQ(err, c.act.error);
	ASSERT_TRUE(c.act.release);
}

TEST(rfc5961_3_2_rst_established)
{
	t_rst_case(_metadata, TL_ESTABLISHED, -ECONNRESET);
}

TEST(rfc5961_3_2_rst_fin_wait_1)
{
	t_rst_case(_metadata, TL_FIN_WAIT_1, -ECONNRESET);
}

TEST(rfc5961_3_2_rst_fin_wait_2)
{
	t_rst_case(_metadata, TL_FIN_WAIT_2, -ECONNRESET);
}

TEST(rfc5961_3_2_rst_close_wait)
{
	t_rst_case(_metadata, TL_CLOSE_WAIT, -ECONNRESET);
}

TEST(rfc5961_3_2_rst_closing)
{
	t_rst_case(_metadata, TL_CLOSING, 0);
}

TEST(rfc5961_3_2_rst_last_ack)
{
	t_rst_case(_metadata, TL_LAST_ACK, 0);
}

TEST(rfc5961_3_2_rst_time_wait)
{
	t_rst_case(_metadata, TL_TIME_WAIT, 0);
}

TEST(rfc5961_4_2_syn_established_challenge_ack)
{
	struct t_conn c;

	t_goto(_metadata, &c, TL_ESTABLISHED);
	/* in window */
	t_in(&c, "SYN", IRS + 1, 0, 1000, 0);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 1);
	ASSERT_EQ(TL_DROP_SYN_CHALLENGE, c.act.drop);
	EXPECT_STATE(&c, TL_ESTABLISHED);
	/* out of window: ACKed by the first step */
	t_in(&c, "SYN", 123456, 0, 1000, 0);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 1);
	ASSERT_EQ(TL_DROP_SEQ, c.act.drop);
	EXPECT_STATE(&c, TL_ESTABLISHED);
}

TEST(rfc9293_3_10_7_4_acceptability_four_cases)
{
	struct tl_cfg cfg;
	struct t_conn c;
	u32 nxt;

	t_cfg(&cfg);
	cfg.rcv_buf = 2000;
	t_init_cfg(&c, &cfg);
	T_ESTABLISH_ACTIVE(&c, ISS, IRS);
	ASSERT_EQ(2000, c.act.seg[0].th.wnd);
	ASSERT_EQ(500, tl_send(&c.tcb, 500, c.now, &c.act));

	/* fill the window: RCV.WND becomes 0 */
	t_in(&c, "ACK", IRS + 1, ISS + 1, 60000, 2000);
	ASSERT_EQ(2000, c.act.deliver_len);
	ASSERT_EQ(0, c.act.seg[0].th.wnd);
	ASSERT_EQ(0, c.tcb.rcv_wnd);
	nxt = IRS + 2001;

	/* length 0, window 0: only SEG.SEQ = RCV.NXT */
	t_in(&c, "ACK", nxt, ISS + 1, 60000, 0);
	ASSERT_EQ(TL_DROP_NONE, c.act.drop);
	EXPECT_NOSEG(&c);
	t_in(&c, "ACK", nxt + 1, ISS + 1, 60000, 0);
	ASSERT_EQ(TL_DROP_SEQ, c.act.drop);
	EXPECT_SEG(&c, 0, "ACK", ISS + 501, nxt);

	/*
	 * length > 0, window 0: not acceptable, but the special allowance
	 * lets the ACK through; the data is not taken.
	 */
	t_in(&c, "ACK", nxt, ISS + 501, 60000, 100);
	ASSERT_EQ(TL_DROP_NONE, c.act.drop);
	ASSERT_EQ(500, c.act.acked);
	ASSERT_EQ(0, c.act.deliver_len);
	EXPECT_SEG(&c, 0, "ACK", ISS + 501, nxt);
	ASSERT_EQ(0, c.act.seg[0].th.wnd);
	t_in(&c, "ACK", nxt + 50, ISS + 501, 60000, 100);
	ASSERT_EQ(TL_DROP_SEQ, c.act.drop);

	/* the user reads: window update (receiver SWS rule satisfied) */
	tl_rcv_read(&c.tcb, 2000, c.now, &c.act);
	EXPECT_SEG(&c, 0, "ACK", ISS + 501, nxt);
	ASSERT_EQ(2000, c.act.seg[0].th.wnd);

	/* length 0, window > 0: RCV.NXT =< SEG.SEQ < RCV.NXT + RCV.WND */
	t_in(&c, "ACK", nxt + 1999, ISS + 501, 60000, 0);
	ASSERT_EQ(TL_DROP_NONE, c.act.drop);
	t_in(&c, "ACK", nxt + 2000, ISS + 501, 60000, 0);
	ASSERT_EQ(TL_DROP_SEQ, c.act.drop);

	/* length > 0, window > 0: last octet in window; old part trimmed */
	t_in(&c, "ACK", nxt - 100, ISS + 501, 60000, 300);
	ASSERT_EQ(TL_DROP_NONE, c.act.drop);
	ASSERT_EQ(100, c.act.deliver_off);
	ASSERT_EQ(200, c.act.deliver_len);
	/* ... entirely old: not acceptable */
	t_in(&c, "ACK", nxt - 100, ISS + 501, 60000, 100);
	ASSERT_EQ(TL_DROP_SEQ, c.act.drop);
	nxt += 200;
	ASSERT_EQ(nxt, c.tcb.rcv_nxt);
	ASSERT_EQ(1800, c.tcb.rcv_wnd);		/* right edge unchanged */
	/* beyond the right edge: trimmed to the window */
	t_in(&c, "ACK", nxt + 100, ISS + 501, 60000, 3000);
	ASSERT_EQ(nxt + 100, c.act.ooo_seq);
	ASSERT_EQ(1700, c.act.ooo_len);
}

TEST(rfc9293_3_4_sequence_wraparound)
{
	struct t_conn c;
	u32 iss = 0xFFFFFF00, irs = 0xFFFFFFF0;

	t_init(&c);
	T_ESTABLISH_ACTIVE(&c, iss, irs);

	/* send 1000 bytes across 2^32: two 536-byte MSS segments */
	ASSERT_EQ(1000, tl_send(&c.tcb, 1000, c.now, &c.act));
	ASSERT_EQ(2, c.act.nseg);
	EXPECT_SEG(&c, 0, "ACK", 0xFFFFFF01, irs + 1);
	EXPECT_SEG(&c, 1, "ACK|PSH", 0xFFFFFF01 + 536, irs + 1);
	ASSERT_EQ(536, c.act.seg[1].data_off);
	ASSERT_EQ(0x2E9, c.tcb.snd_nxt);

	/* partial ACK below the wrap, then the rest above it */
	t_in(&c, "ACK", irs + 1, 0xFFFFFFFF, 60000, 0);
	ASSERT_EQ(254, c.act.acked);
	t_in(&c, "ACK", irs + 1, 0x2E9, 60000, 0);
	ASSERT_EQ(746, c.act.acked);
	ASSERT_EQ(TL_TIMER_CANCEL, c.act.timer[TL_TIMER_RTX].op);

	/* receive across the wrap, out of order first */
	t_in(&c, "ACK", irs + 101, 0x2E9, 60000, 100);	/* ooo: 0x55.. */
	ASSERT_EQ(0x55, c.act.ooo_seq);
	ASSERT_EQ(0, c.act.deliver_len);
	EXPECT_SEG(&c, 0, "ACK", 0x2E9, irs + 1);
	t_in(&c, "ACK", irs + 1, 0x2E9, 60000, 100);
	ASSERT_EQ(100, c.act.deliver_len);
	ASSERT_TRUE(c.act.ooo_ready);
	ASSERT_EQ(irs + 201, c.act.ooo_ready_to);
	ASSERT_EQ(0xB9, c.tcb.rcv_nxt);
	EXPECT_SEG(&c, 0, "ACK", 0x2E9, 0xB9);
}

TEST(rfc9293_3_10_7_4_out_of_order_and_overlap)
{
	struct t_conn c;
	int i;

	t_goto(_metadata, &c, TL_ESTABLISHED);
	/* [5201,5301) arrives first: held, duplicate ACK */
	t_in(&c, "ACK", IRS + 201, ISS + 1, 60000, 100);
	ASSERT_EQ(IRS + 201, c.act.ooo_seq);
	ASSERT_EQ(0, c.act.ooo_off);
	ASSERT_EQ(100, c.act.ooo_len);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 1);
	/* [5101,5201) merges with it */
	t_in(&c, "ACK", IRS + 101, ISS + 1, 60000, 100);
	ASSERT_EQ(1, c.tcb.ooo.n);
	ASSERT_EQ(IRS + 101, c.tcb.ooo.r[0].start);
	ASSERT_EQ(IRS + 301, c.tcb.ooo.r[0].end);
	/* [5001,5151) fills the hole, overlapping held data */
	t_in(&c, "ACK", IRS + 1, ISS + 1, 60000, 150);
	ASSERT_EQ(0, c.act.deliver_off);
	ASSERT_EQ(150, c.act.deliver_len);
	ASSERT_TRUE(c.act.ooo_ready);
	ASSERT_EQ(IRS + 301, c.act.ooo_ready_to);
	ASSERT_EQ(IRS + 301, c.tcb.rcv_nxt);
	ASSERT_TRUE(tl_ooo_empty(&c.tcb.ooo));
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 301);
	/* pure duplicate: nothing delivered, ACK again */
	t_in(&c, "ACK", IRS + 201, ISS + 1, 60000, 100);
	ASSERT_EQ(0, c.act.deliver_len);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 301);
	/* overlap at the front: only the new half is delivered */
	t_in(&c, "ACK", IRS + 251, ISS + 1, 60000, 100);
	ASSERT_EQ(50, c.act.deliver_off);
	ASSERT_EQ(50, c.act.deliver_len);

	/* a full tracker refuses a fifth separate range */
	for (i = 0; i < 4; i++) {
		t_in(&c, "ACK", IRS + 1000 + i * 100, ISS + 1, 60000, 10);
		ASSERT_EQ(TL_DROP_NONE, c.act.drop);
	}
	t_in(&c, "ACK", IRS + 2000, ISS + 1, 60000, 10);
	ASSERT_EQ(TL_DROP_OOO_FULL, c.act.drop);
	ASSERT_EQ(0, c.act.ooo_len);
}

/* A segment arrives that the glue found no memory for. */
static struct tl_actions *t_in_noroom(struct t_conn *c, const char *flags,
				      u32 seq, u32 ack, u16 wnd, u32 len)
{
	struct tl_seg_in s = t_seg(flags, seq, ack, wnd, len);

	s.no_room = true;
	tl_input(&c->tcb, &s, c->now, &c->act);
	return &c->act;
}

static enum tl_rcv_place t_place(struct t_conn *c, u32 seq, u32 len,
				 u32 *first)
{
	struct tl_seg_in s = t_seg("ACK", seq, ISS + 1, 60000, len);

	return tl_rcv_place(&c->tcb, &s, first);
}

TEST(ooo_duplicates_and_overlaps_held_once)
{
	struct t_conn c;
	u32 first;

	t_goto(_metadata, &c, TL_ESTABLISHED);
	t_in(&c, "ACK", IRS + 201, ISS + 1, 60000, 100);	/* [201,301) */
	t_in(&c, "ACK", IRS + 501, ISS + 1, 60000, 100);	/* [501,601) */
	ASSERT_EQ(2, c.tcb.ooo.n);

	/* the same range again: not held twice, ACKed at once */
	ASSERT_EQ(TL_RCV_HELD, t_place(&c, IRS + 201, 100, &first));
	t_in(&c, "ACK", IRS + 201, ISS + 1, 60000, 100);
	ASSERT_EQ(TL_DROP_OOO_DUP, c.act.drop);
	ASSERT_EQ(0, c.act.ooo_len);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 1);
	/* a part of it, too */
	t_in(&c, "ACK", IRS + 250, ISS + 1, 60000, 1);
	ASSERT_EQ(TL_DROP_OOO_DUP, c.act.drop);
	ASSERT_EQ(0, c.act.ooo_len);

	/* overlapping the front of a held range: only the new bytes */
	ASSERT_EQ(TL_RCV_OOO, t_place(&c, IRS + 151, 100, &first));
	ASSERT_EQ(IRS + 151, first);
	t_in(&c, "ACK", IRS + 151, ISS + 1, 60000, 100);
	ASSERT_EQ(IRS + 151, c.act.ooo_seq);
	ASSERT_EQ(0, c.act.ooo_off);
	ASSERT_EQ(50, c.act.ooo_len);
	/* overlapping the back: the payload offset skips the held part */
	ASSERT_EQ(TL_RCV_OOO, t_place(&c, IRS + 281, 40, &first));
	ASSERT_EQ(IRS + 301, first);
	t_in(&c, "ACK", IRS + 281, ISS + 1, 60000, 40);
	ASSERT_EQ(IRS + 301, c.act.ooo_seq);
	ASSERT_EQ(20, c.act.ooo_off);
	ASSERT_EQ(20, c.act.ooo_len);
	/* spanning the gap up to the next range: the gap only */
	t_in(&c, "ACK", IRS + 301, ISS + 1, 60000, 300);
	ASSERT_EQ(IRS + 321, c.act.ooo_seq);
	ASSERT_EQ(20, c.act.ooo_off);
	ASSERT_EQ(180, c.act.ooo_len);
	ASSERT_EQ(1, c.tcb.ooo.n);
	ASSERT_EQ(IRS + 151, c.tcb.ooo.r[0].start);
	ASSERT_EQ(IRS + 601, c.tcb.ooo.r[0].end);

	/* in order, and outside the window, are what they were */
	ASSERT_EQ(TL_RCV_INORDER, t_place(&c, IRS + 1, 10, &first));
	ASSERT_EQ(TL_RCV_NONE, t_place(&c, IRS + 1 + T_BUF, 10, &first));
	ASSERT_EQ(TL_RCV_NONE, t_place(&c, IRS - 100, 10, &first));
	ASSERT_EQ(TL_RCV_NONE, t_place(&c, IRS + 1, 0, &first));
}

TEST(ooo_no_free_range_is_reported_before_input)
{
	struct t_conn c;
	u32 first;
	int i;

	t_goto(_metadata, &c, TL_ESTABLISHED);
	for (i = 0; i < 4; i++)
		t_in(&c, "ACK", IRS + 101 + i * 100, ISS + 1, 60000, 10);
	ASSERT_EQ(TL_RCV_NO_RANGE, t_place(&c, IRS + 1001, 10, &first));
	/* extending a held range needs no slot */
	ASSERT_EQ(TL_RCV_OOO, t_place(&c, IRS + 111, 10, &first));
	t_in(&c, "ACK", IRS + 1001, ISS + 1, 60000, 10);
	ASSERT_EQ(TL_DROP_OOO_FULL, c.act.drop);
}

TEST(no_room_refuses_data_and_acks_what_is_held)
{
	struct t_conn c;

	t_goto(_metadata, &c, TL_ESTABLISHED);
	/* in order, no memory: RCV.NXT stays, the ACK says so at once */
	t_in_noroom(&c, "ACK", IRS + 1, ISS + 1, 60000, 100);
	ASSERT_EQ(TL_DROP_RCV_MEM, c.act.drop);
	ASSERT_EQ(0, c.act.deliver_len);
	ASSERT_EQ(IRS + 1, c.tcb.rcv_nxt);
	ASSERT_EQ(T_BUF, c.tcb.rcv_space);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 1);
	/* a FIN behind refused data is not taken either */
	t_in_noroom(&c, "FIN|ACK", IRS + 1, ISS + 1, 60000, 100);
	ASSERT_FALSE(c.act.eof);
	EXPECT_STATE(&c, TL_ESTABLISHED);
	/* out of order, no memory: not held */
	t_in_noroom(&c, "ACK", IRS + 201, ISS + 1, 60000, 100);
	ASSERT_EQ(TL_DROP_OOO_MEM, c.act.drop);
	ASSERT_EQ(0, c.act.ooo_len);
	ASSERT_TRUE(tl_ooo_empty(&c.tcb.ooo));
	/* the peer sends it again when there is room */
	t_in(&c, "ACK", IRS + 1, ISS + 1, 60000, 100);
	ASSERT_EQ(100, c.act.deliver_len);
	ASSERT_EQ(IRS + 101, c.tcb.rcv_nxt);
	/* an old duplicate needs no memory: no_room changes nothing */
	t_in_noroom(&c, "ACK", IRS + 1, ISS + 1, 60000, 100);
	ASSERT_EQ(TL_DROP_SEQ, c.act.drop);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 101);
}

TEST(rcv_prune_forgets_the_right_edge)
{
	struct t_conn c;

	t_goto(_metadata, &c, TL_ESTABLISHED);
	t_in(&c, "ACK", IRS + 201, ISS + 1, 60000, 100);	/* [201,301) */
	t_in(&c, "ACK", IRS + 501, ISS + 1, 60000, 100);	/* [501,601) */
	/* the glue let go of everything from 251 on */
	tl_rcv_prune(&c.tcb, IRS + 251);
	ASSERT_EQ(1, c.tcb.ooo.n);
	ASSERT_EQ(IRS + 251, c.tcb.ooo.r[0].end);
	/* the pruned bytes are new again, and held when they come */
	t_in(&c, "ACK", IRS + 201, ISS + 1, 60000, 100);
	ASSERT_EQ(IRS + 251, c.act.ooo_seq);
	ASSERT_EQ(50, c.act.ooo_off);
	ASSERT_EQ(50, c.act.ooo_len);
	/* filling the hole makes only what is held in order */
	t_in(&c, "ACK", IRS + 1, ISS + 1, 60000, 200);
	ASSERT_TRUE(c.act.ooo_ready);
	ASSERT_EQ(IRS + 301, c.act.ooo_ready_to);
	ASSERT_EQ(IRS + 301, c.tcb.rcv_nxt);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 301);
}

TEST(in_order_data_covering_held_range_lets_glue_free_it)
{
	struct t_conn c;

	t_goto(_metadata, &c, TL_ESTABLISHED);
	t_in(&c, "ACK", IRS + 151, ISS + 1, 60000, 10);	/* [151,161) */
	/* [1,201) covers it: nothing stays held, the glue must hear so */
	t_in(&c, "ACK", IRS + 1, ISS + 1, 60000, 200);
	ASSERT_EQ(200, c.act.deliver_len);
	ASSERT_TRUE(c.act.ooo_ready);
	ASSERT_EQ(IRS + 201, c.act.ooo_ready_to);
	ASSERT_EQ(IRS + 201, c.tcb.rcv_nxt);
	ASSERT_TRUE(tl_ooo_empty(&c.tcb.ooo));
}

TEST(rfc9293_3_10_7_4_fin_out_of_order_not_taken)
{
	struct t_conn c;

	t_goto(_metadata, &c, TL_ESTABLISHED);
	t_in(&c, "FIN|ACK", IRS + 101, ISS + 1, 60000, 100);
	EXPECT_STATE(&c, TL_ESTABLISHED);
	ASSERT_FALSE(c.act.eof);
	t_in(&c, "ACK", IRS + 1, ISS + 1, 60000, 100);
	ASSERT_EQ(IRS + 201, c.tcb.rcv_nxt);
	/* the retransmitted FIN segment completes it */
	t_in(&c, "FIN|ACK", IRS + 101, ISS + 1, 60000, 100);
	ASSERT_TRUE(c.act.eof);
	ASSERT_EQ(0, c.act.deliver_len);
	EXPECT_STATE(&c, TL_CLOSE_WAIT);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 202);
}

TEST(rfc9293_3_10_7_3_synack_with_data_and_fin)
{
	struct t_conn c;

	t_init(&c);
	tl_open_active(&c.tcb, T_LPORT, T_RPORT, ISS, c.now, &c.act);
	t_in(&c, "SYN|ACK|FIN", IRS, ISS + 1, 60000, 10);
	EXPECT_STATE(&c, TL_CLOSE_WAIT);
	ASSERT_EQ(0, c.act.deliver_off);
	ASSERT_EQ(10, c.act.deliver_len);
	ASSERT_TRUE(c.act.eof);
	ASSERT_EQ(1, c.act.nseg);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 12);
}

TEST(rfc9293_3_10_7_4_send_window_update_wl1_wl2)
{
	struct t_conn c;

	t_goto(_metadata, &c, TL_ESTABLISHED);
	tl_send(&c.tcb, 1000, c.now, &c.act);
	/* newer segment: window taken */
	t_in(&c, "ACK", IRS + 1, ISS + 601, 20000, 0);
	ASSERT_EQ(20000, c.tcb.snd_wnd);
	ASSERT_EQ(ISS + 601, c.tcb.snd_wl2);
	/* reordered older ACK (SEG.ACK < SND.UNA): window not taken */
	t_in(&c, "ACK", IRS + 1, ISS + 301, 40000, 0);
	ASSERT_EQ(20000, c.tcb.snd_wnd);
	/* same SEG.SEQ, SEG.ACK >= WL2: taken (window may shrink) */
	t_in(&c, "ACK", IRS + 1, ISS + 601, 10000, 0);
	ASSERT_EQ(10000, c.tcb.snd_wnd);
}

TEST(rfc9293_3_10_7_4_ack_future_and_rfc5961_5_old_ack)
{
	struct t_conn c;

	t_goto(_metadata, &c, TL_ESTABLISHED);
	t_in(&c, "ACK", IRS + 1, ISS + 5000, 60000, 0);
	ASSERT_EQ(TL_DROP_ACK_FUTURE, c.act.drop);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 1);
	t_in(&c, "ACK", IRS + 1, ISS + 1 - 70000, 60000, 0);
	ASSERT_EQ(TL_DROP_ACK_OLD, c.act.drop);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 1);
	/* within MAX.SND.WND below SND.UNA: a harmless old duplicate */
	t_in(&c, "ACK", IRS + 1, ISS + 1 - 50000, 60000, 0);
	ASSERT_EQ(TL_DROP_NONE, c.act.drop);
	EXPECT_NOSEG(&c);
}

TEST(rfc9293_3_10_7_4_ack_without_ack_bit_dropped)
{
	struct t_conn c;

	t_goto(_metadata, &c, TL_ESTABLISHED);
	t_in(&c, "PSH", IRS + 1, 0, 60000, 10);
	ASSERT_EQ(TL_DROP_NO_ACK, c.act.drop);
	ASSERT_EQ(0, c.act.deliver_len);
}

TEST(rfc9293_3_8_6_send_segmentation_and_window)
{
	struct t_conn c;
	struct tl_cfg cfg;

	t_cfg(&cfg);
	t_init_cfg(&c, &cfg);
	ASSERT_EQ(0, tl_open_active(&c.tcb, T_LPORT, T_RPORT, ISS, c.now,
				    &c.act));
	/* queued in SYN-SENT, sent once ESTABLISHED */
	ASSERT_EQ(2500, tl_send(&c.tcb, 2500, c.now, &c.act));
	EXPECT_NOSEG(&c);
	t_in(&c, "SYN|ACK", IRS, ISS + 1, 1500, 0);
	EXPECT_STATE(&c, TL_ESTABLISHED);
	/* peer MSS unknown: 536; window 1500 -> 536 + 536 + 428? no: SWS */
	ASSERT_EQ(2, c.act.nseg);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 1);
	EXPECT_DATA(&c, 0, 536);
	ASSERT_EQ(0, c.act.seg[0].data_off);
	EXPECT_SEG(&c, 1, "ACK", ISS + 537, IRS + 1);
	ASSERT_EQ(536, c.act.seg[1].data_off);
	/*
	 * The remaining 428 bytes of window are less than an MSS, less
	 * than the 1428 queued, and less than half the largest window:
	 * sender SWS avoidance holds them.
	 */
	ASSERT_EQ(ISS + 1073, c.tcb.snd_nxt);
	/* ACK of the first segment slides the window by 536 */
	t_in(&c, "ACK", IRS + 1, ISS + 537, 1500, 0);
	ASSERT_EQ(536, c.act.acked);
	ASSERT_TRUE(c.act.wake & TL_WAKE_WRITE);
	ASSERT_EQ(1, c.act.nseg);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1073, IRS + 1);
	EXPECT_DATA(&c, 0, 536);
	ASSERT_EQ(536, c.act.seg[0].data_off);	/* buffer head moved */
	ASSERT_EQ(1964, tl_snd_queued(&c.tcb));
	/* CLOSE with data still queued: the FIN waits for it */
	ASSERT_EQ(0, tl_close(&c.tcb, c.now, &c.act));
	EXPECT_STATE(&c, TL_FIN_WAIT_1);
	EXPECT_NOSEG(&c);
	/* the window opens: the rest goes, the FIN on the last segment */
	t_in(&c, "ACK", IRS + 1, ISS + 1609, 5000, 0);
	ASSERT_EQ(1072, c.act.acked);
	ASSERT_EQ(2, c.act.nseg);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1609, IRS + 1);
	EXPECT_DATA(&c, 0, 536);
	EXPECT_SEG(&c, 1, "FIN|ACK|PSH", ISS + 2145, IRS + 1);
	EXPECT_DATA(&c, 1, 356);
	t_in(&c, "ACK", IRS + 1, ISS + 2502, 5000, 0);
	ASSERT_EQ(892, c.act.acked);
	EXPECT_STATE(&c, TL_FIN_WAIT_2);
	ASSERT_EQ(0, tl_snd_queued(&c.tcb));
}

TEST(rfc9293_3_10_5_abort)
{
	struct t_conn c;

	t_goto(_metadata, &c, TL_ESTABLISHED);
	tl_send(&c.tcb, 10, c.now, &c.act);
	ASSERT_EQ(0, tl_abort(&c.tcb, &c.act));
	/* <SEQ=SND.NXT><CTL=RST>, with ACK of RCV.NXT as Linux's */
	EXPECT_SEG(&c, 0, "RST|ACK", ISS + 11, IRS + 1);
	EXPECT_STATE(&c, TL_CLOSED);
	ASSERT_TRUE(c.act.release);
	ASSERT_EQ(-ENOTCONN, tl_abort(&c.tcb, &c.act));

	/* SYN-SENT: nothing to tell the peer */
	t_init(&c);
	tl_open_active(&c.tcb, T_LPORT, T_RPORT, ISS, c.now, &c.act);
	ASSERT_EQ(0, tl_abort(&c.tcb, &c.act));
	EXPECT_NOSEG(&c);
	EXPECT_STATE(&c, TL_CLOSED);

	/* TIME-WAIT: "respond with ok and delete the TCB" */
	t_goto(_metadata, &c, TL_TIME_WAIT);
	ASSERT_EQ(0, tl_abort(&c.tcb, &c.act));
	EXPECT_NOSEG(&c);
	ASSERT_EQ(TL_TIMER_CANCEL, c.act.timer[TL_TIMER_TIME_WAIT].op);
}

TEST(rfc9293_3_10_user_call_errors)
{
	struct t_conn c;

	t_init(&c);
	ASSERT_EQ(-ENOTCONN, tl_send(&c.tcb, 1, c.now, &c.act));
	ASSERT_EQ(-ENOTCONN, tl_close(&c.tcb, c.now, &c.act));
	tl_open_passive(&c.tcb, T_LPORT, &c.act);
	ASSERT_EQ(-ENOTCONN, tl_send(&c.tcb, 1, c.now, &c.act));
	ASSERT_EQ(0, tl_close(&c.tcb, c.now, &c.act));
	EXPECT_STATE(&c, TL_CLOSED);
	ASSERT_TRUE(c.act.release);
}

TEST(rfc9293_3_10_4_close_in_syn_received_waits_for_established)
{
	struct t_conn lst, c;

	t_goto_syn_received(_metadata, &lst, &c);
	ASSERT_EQ(0, tl_close(&c.tcb, c.now, &c.act));
	EXPECT_NOSEG(&c);
	EXPECT_STATE(&c, TL_SYN_RECEIVED);
	ASSERT_EQ(-EPIPE, tl_send(&c.tcb, 1, c.now, &c.act));
	t_in(&c, "ACK", IRS + 1, ISS + 1, 30000, 0);
	EXPECT_STATE(&c, TL_FIN_WAIT_1);
	EXPECT_SEG(&c, 0, "FIN|ACK", ISS + 1, IRS + 1);
}

TEST(rfc6298_5_syn_retransmission_backoff_and_etimedout)
{
	struct t_conn c;
	u64 sent;
	int i;

	t_init(&c);
	tl_open_active(&c.tcb, T_LPORT, T_RPORT, ISS, c.now, &c.act);
	sent = c.now;
	ASSERT_FALSE(c.act.seg[0].rtx);		/* the first SYN */
	for (i = 0; i < 6; i++) {
		/* 1, 2, 4, ... 32 s */
		ASSERT_EQ(sent + (1000000ULL << i), c.tcb.timer[TL_TIMER_RTX]);
		t_fire(&c, TL_TIMER_RTX);
		EXPECT_SEG(&c, 0, "SYN", ISS, 0);
		ASSERT_TRUE(c.act.seg[0].rtx);	/* counted as retransmission */
		EXPECT_STATE(&c, TL_SYN_SENT);
		sent = c.now;
	}
	ASSERT_EQ(sent + 64000000ULL, c.tcb.timer[TL_TIMER_RTX]);
	t_fire(&c, TL_TIMER_RTX);
	EXPECT_NOSEG(&c);
	EXPECT_STATE(&c, TL_CLOSED);
	ASSERT_EQ(-ETIMEDOUT, c.act.error);
	ASSERT_TRUE(c.act.release);
}

/*
 * A kernel timer counts jiffies and may fire a little before the core's
 * microsecond deadline: the core must ask for it again, never drop it
 * (a dropped timer left connections in SYN-SENT and TIME-WAIT forever).
 */
TEST(early_timer_is_rearmed_not_lost)
{
	struct t_conn c;
	u64 deadline;

	t_init(&c);
	tl_open_active(&c.tcb, T_LPORT, T_RPORT, ISS, c.now, &c.act);
	deadline = c.tcb.timer[TL_TIMER_RTX];
	tl_timer(&c.tcb, TL_TIMER_RTX, deadline - 100, &c.act);
	EXPECT_NOSEG(&c);
	ASSERT_EQ(TL_TIMER_ARM, c.act.timer[TL_TIMER_RTX].op);
	ASSERT_EQ(deadline, c.act.timer[TL_TIMER_RTX].expires);
	ASSERT_EQ(deadline, c.tcb.timer[TL_TIMER_RTX]);
	/* On time, it retransmits the SYN. */
	t_fire(&c, TL_TIMER_RTX);
	EXPECT_SEG(&c, 0, "SYN", ISS, 0);
	/* A cancelled timer that fires anyway does nothing. */
	c.tcb.timer[TL_TIMER_TIME_WAIT] = 0;
	tl_timer(&c.tcb, TL_TIMER_TIME_WAIT, c.now, &c.act);
	ASSERT_EQ(TL_TIMER_KEEP, c.act.timer[TL_TIMER_TIME_WAIT].op);
	EXPECT_NOSEG(&c);
}

TEST(rfc6298_3_karn_and_5_7_after_syn_timeout)
{
	struct t_conn c;

	t_init(&c);
	tl_open_active(&c.tcb, T_LPORT, T_RPORT, ISS, c.now, &c.act);
	t_fire(&c, TL_TIMER_RTX);		/* SYN lost, resent */
	c.now += 5000;
	t_in(&c, "SYN|ACK", IRS, ISS + 1, 60000, 0);
	EXPECT_STATE(&c, TL_ESTABLISHED);
	/* Karn: ambiguous, no sample */
	ASSERT_EQ(0, c.tcb.rto.srtt8);
	/* 5.7: RTO re-initialised to 3 s */
	ASSERT_EQ(3000000, tl_rto_timeout(&c.tcb.rto));
}

TEST(rfc6298_5_syn_ack_retransmission)
{
	struct t_conn lst, c;

	t_goto_syn_received(_metadata, &lst, &c);
	t_fire(&c, TL_TIMER_RTX);
	EXPECT_SEG(&c, 0, "SYN|ACK", ISS, IRS + 1);
	EXPECT_STATE(&c, TL_SYN_RECEIVED);
}

TEST(rfc6298_5_data_retransmission_and_etimedout)
{
	struct t_conn c;
	int i;

	t_goto(_metadata, &c, TL_ESTABLISHED);
	ASSERT_EQ(200000, tl_rto_timeout(&c.tcb.rto));	/* 200 ms floor */
	tl_send(&c.tcb, 500, c.now, &c.act);
	EXPECT_SEG(&c, 0, "ACK|PSH", ISS + 1, IRS + 1);
	ASSERT_EQ(c.now + 200000, c.act.timer[TL_TIMER_RTX].expires);

	/* lost: retransmitted with a doubled timer */
	t_fire(&c, TL_TIMER_RTX);
	ASSERT_EQ(1, c.act.nseg);
	EXPECT_SEG(&c, 0, "ACK|PSH", ISS + 1, IRS + 1);
	EXPECT_DATA(&c, 0, 500);
	ASSERT_EQ(0, c.act.seg[0].data_off);
	ASSERT_EQ(c.now + 400000, c.act.timer[TL_TIMER_RTX].expires);
	ASSERT_FALSE(c.tcb.rtt_timing);		/* Karn */

	/* acknowledged: timer off, retry count reset */
	t_in(&c, "ACK", IRS + 1, ISS + 501, 60000, 0);
	ASSERT_EQ(500, c.act.acked);
	ASSERT_EQ(TL_TIMER_CANCEL, c.act.timer[TL_TIMER_RTX].op);
	ASSERT_EQ(0, c.tcb.retries);

	/* never acknowledged: 15 retransmissions, then ETIMEDOUT */
	tl_send(&c.tcb, 100, c.now, &c.act);
	for (i = 0; i < 15; i++) {
		t_fire(&c, TL_TIMER_RTX);
		EXPECT_SEG(&c, 0, "ACK|PSH", ISS + 501, IRS + 1);
	}
	/* the backoff is capped at max_rto (120 s) */
	ASSERT_EQ(c.now + 120000000ULL, c.tcb.timer[TL_TIMER_RTX]);
	t_fire(&c, TL_TIMER_RTX);
	EXPECT_STATE(&c, TL_CLOSED);
	ASSERT_EQ(-ETIMEDOUT, c.act.error);
}

TEST(rfc6298_5_fin_retransmission)
{
	struct t_conn c;

	t_goto(_metadata, &c, TL_FIN_WAIT_1);
	t_fire(&c, TL_TIMER_RTX);
	EXPECT_SEG(&c, 0, "FIN|ACK", ISS + 1, IRS + 1);
	t_in(&c, "ACK", IRS + 1, ISS + 2, 60000, 0);
	EXPECT_STATE(&c, TL_FIN_WAIT_2);

	t_goto(_metadata, &c, TL_LAST_ACK);
	t_fire(&c, TL_TIMER_RTX);
	EXPECT_SEG(&c, 0, "FIN|ACK", ISS + 1, IRS + 2);
}

TEST(rfc9293_3_8_6_1_zero_window_probe)
{
	struct t_conn c;

	t_goto(_metadata, &c, TL_ESTABLISHED);
	t_in(&c, "ACK", IRS + 1, ISS + 1, 0, 0);
	ASSERT_EQ(0, c.tcb.snd_wnd);
	tl_send(&c.tcb, 500, c.now, &c.act);
	EXPECT_NOSEG(&c);
	ASSERT_EQ(TL_TIMER_ARM, c.act.timer[TL_TIMER_PERSIST].op);
	ASSERT_EQ(0, c.tcb.timer[TL_TIMER_RTX]);
	/* persist timer: a probe below SND.UNA, no data (tl_persist.c) */
	t_fire(&c, TL_TIMER_PERSIST);
	EXPECT_SEG(&c, 0, "ACK", ISS, IRS + 1);
	EXPECT_DATA(&c, 0, 0);
	ASSERT_TRUE(c.act.seg[0].probe);
	ASSERT_EQ(ISS + 1, c.tcb.snd_nxt);
	/* still closed, but answered: no retry counted */
	t_in(&c, "ACK", IRS + 1, ISS + 1, 0, 0);
	ASSERT_EQ(0, c.tcb.retries);
	/* window opens: everything goes */
	t_in(&c, "ACK", IRS + 1, ISS + 1, 4000, 0);
	EXPECT_SEG(&c, 0, "ACK|PSH", ISS + 1, IRS + 1);
	EXPECT_DATA(&c, 0, 500);
	ASSERT_EQ(0, c.act.seg[0].data_off);
	ASSERT_EQ(TL_TIMER_CANCEL, c.act.timer[TL_TIMER_PERSIST].op);
}

TEST(rfc5681_3_2_fast_retransmit)
{
	struct tl_cfg cfg;
	struct t_conn c;
	int i;

	t_cfg(&cfg);
	cfg.cc = &tl_cc_reno;
	t_init_cfg(&c, &cfg);
	T_ESTABLISH_ACTIVE(&c, ISS, IRS);
	tl_send(&c.tcb, 536 * 4, c.now, &c.act);
	ASSERT_EQ(4, c.act.nseg);
	for (i = 0; i < 2; i++) {
		t_in(&c, "ACK", IRS + 1, ISS + 1, 60000, 0);
		EXPECT_NOSEG(&c);
	}
	t_in(&c, "ACK", IRS + 1, ISS + 1, 60000, 0);
	ASSERT_EQ(1, c.act.nseg);
	EXPECT_SEG(&c, 0, "ACK", ISS + 1, IRS + 1);
	EXPECT_DATA(&c, 0, 536);
	ASSERT_EQ(2 * 536, c.tcb.cc.ssthresh);
	ASSERT_EQ(ISS + 1 + 4 * 536, c.tcb.snd_nxt);
}

TEST(rfc7323_options_negotiated_and_carried)
{
	struct tl_cfg cfg;
	struct t_conn lst, c;
	struct tl_seg_in s;

	/* passive side: the peer offers everything */
	t_cfg(&cfg);
	cfg.opts = TL_TCB_WSCALE | TL_TCB_SACK | TL_TCB_TS;
	cfg.rcv_buf = 100000;
	cfg.rcv_buf_limit = 200000;	/* a window scale of 2 */
	t_init_cfg(&lst, &cfg);
	tl_open_passive(&lst.tcb, T_LPORT, &lst.act);
	s = t_seg("SYN", IRS, 0, 65535, 0);
	s.opts.present = TL_OPTF_MSS | TL_OPTF_WSCALE | TL_OPTF_SACK_PERM |
			 TL_OPTF_TS;
	s.opts.mss = 1460;
	s.opts.wscale = 3;
	s.opts.tsval = 777;
	tl_input(&lst.tcb, &s, lst.now, &lst.act);
	ASSERT_TRUE(lst.act.child);
	t_init_cfg(&c, &cfg);
	tl_accept_syn(&c.tcb, &lst.act.child_req, ISS, c.now, &c.act);
	EXPECT_SEG(&c, 0, "SYN|ACK", ISS, IRS + 1);
	ASSERT_EQ(TL_OPTF_MSS | TL_OPTF_WSCALE | TL_OPTF_SACK_PERM | TL_OPTF_TS,
		  c.act.seg[0].opts.present);
	ASSERT_EQ(2, c.act.seg[0].opts.wscale);
	ASSERT_EQ(777, c.act.seg[0].opts.tsecr);
	ASSERT_EQ(65535, c.act.seg[0].th.wnd);	/* SYN: unscaled, capped */
	/* MSS: min(1460, ours 1000) minus 12 bytes of timestamps */
	ASSERT_EQ(T_MSS - 12, c.tcb.snd_mss);

	/* the final ACK's window is scaled by the peer's shift (3) */
	s = t_seg("ACK", IRS + 1, ISS + 1, 1000, 0);
	s.opts.present = TL_OPTF_TS;
	s.opts.tsval = 800;
	tl_input(&c.tcb, &s, c.now, &c.act);
	EXPECT_STATE(&c, TL_ESTABLISHED);
	ASSERT_EQ(8000, c.tcb.snd_wnd);
	ASSERT_EQ(800, c.tcb.ts_recent);

	/* out-of-order data is reported in a SACK block, windows scaled */
	t_in(&c, "ACK", IRS + 101, ISS + 1, 1000, 50);
	ASSERT_TRUE(c.act.seg[0].opts.present & TL_OPTF_SACK);
	ASSERT_EQ(1, c.act.seg[0].opts.nr_sack);
	ASSERT_EQ(IRS + 101, c.act.seg[0].opts.sack[0].start);
	ASSERT_EQ(IRS + 151, c.act.seg[0].opts.sack[0].end);
	ASSERT_EQ(100000 >> 2, c.act.seg[0].th.wnd);
}

/* A one-way wire for the end-to-end tests; it can lose one segment. */
struct t_wire {
	struct tl_seg_out q[256];
	int n;
	int data_segs;	/* data segments seen so far */
	int drop;	/* lose the data segment with this number */
};

/* Put everything @c just emitted on the wire, calling tl_output() while
 * the actions say there is more.
 */
static void t_flush(struct __test_metadata *_metadata, struct t_conn *c,
		    struct t_wire *w)
{
	int i;

	for (;;) {
		for (i = 0; i < c->act.nseg; i++) {
			if (c->act.seg[i].data_len &&
			    ++w->data_segs == w->drop)
				continue;
			ASSERT_LT(w->n, (int)ARRAY_SIZE(w->q));
			w->q[w->n++] = c->act.seg[i];
		}
		if (!c->act.more)
			return;
		tl_output(&c->tcb, c->now, &c->act);
	}
}

static bool t_wire_pop(struct t_wire *w, struct tl_seg_in *in)
{
	if (!w->n)
		return false;
	memset(in, 0, sizeof(*in));
	in->th = w->q[0].th;
	in->opts = w->q[0].opts;
	in->len = w->q[0].data_len;
	memmove(w->q, w->q + 1, --w->n * sizeof(w->q[0]));
	return true;
}

/*
 * End to end: a sends 50 kB to a listener b over a wire that loses a's
 * data segment number @drop (0: none), with Reno and sequence numbers
 * that wrap.  b's application reads everything as soon as it is in order.
 */
static void t_pump(struct __test_metadata *_metadata, int drop)
{
	struct t_wire ab = { .drop = drop }, ba = { 0 };
	const u32 total = 50000, a_iss = 0xFFFFF000, b_iss = 0x7FFFFFF0;
	u32 sent = 0, b_nxt;
	u64 acked = 0;
	struct tl_cfg cfg;
	struct t_conn a, b;
	struct tl_seg_in in;
	int steps;

	t_cfg(&cfg);
	cfg.cc = &tl_cc_reno;
	cfg.rcv_buf = 20000;
	t_init_cfg(&a, &cfg);
	t_init_cfg(&b, &cfg);
	tl_open_passive(&b.tcb, 2000, &b.act);
	tl_open_active(&a.tcb, 1000, 2000, a_iss, a.now, &a.act);
	t_flush(_metadata, &a, &ab);
	b_nxt = 0;

	for (steps = 0; steps < 20000 && acked < total; steps++) {
		if (a.tcb.state == TL_ESTABLISHED && sent < total) {
			int n = tl_send(&a.tcb, total - sent, a.now, &a.act);

			ASSERT_GT(n, 0);
			sent += n;
			t_flush(_metadata, &a, &ab);
		} else if (t_wire_pop(&ab, &in)) {
			b.now = a.now;
			tl_input(&b.tcb, &in, b.now, &b.act);
			if (b.act.child) {
				struct tl_child_req req = b.act.child_req;

				/* b's "glue" swaps the listener for a child */
				t_init_cfg(&b, &cfg);
				b.now = a.now;
				tl_accept_syn(&b.tcb, &req, b_iss, b.now, &b.act);
				b_nxt = b.tcb.rcv_nxt;
			}
			t_flush(_metadata, &b, &ba);
			if (b.tcb.rcv_nxt != b_nxt) {
				tl_rcv_read(&b.tcb, b.tcb.rcv_nxt - b_nxt, b.now,
					    &b.act);
				b_nxt = b.tcb.rcv_nxt;
				t_flush(_metadata, &b, &ba);
			}
		} else if (t_wire_pop(&ba, &in)) {
			tl_input(&a.tcb, &in, a.now, &a.act);
			acked += a.act.acked;
			t_flush(_metadata, &a, &ab);
		} else {
			/* the wire is idle: a's retransmission timer fires */
			ASSERT_NE(0, a.tcb.timer[TL_TIMER_RTX]);
			a.now = a.tcb.timer[TL_TIMER_RTX];
			tl_timer(&a.tcb, TL_TIMER_RTX, a.now, &a.act);
			t_flush(_metadata, &a, &ab);
		}
	}
	ASSERT_EQ(total, acked);
	ASSERT_EQ(a_iss + 1 + total, b.tcb.rcv_nxt);
	ASSERT_TRUE(tl_ooo_empty(&b.tcb.ooo));
	EXPECT_STATE(&b, TL_ESTABLISHED);
}

TEST(end_to_end_bulk_transfer)
{
	t_pump(_metadata, 0);
}

TEST(end_to_end_bulk_transfer_with_loss)
{
	t_pump(_metadata, 5);
	t_pump(_metadata, 1);
	t_pump(_metadata, 30);
}

TEST_HARNESS_MAIN
