// SPDX-License-Identifier: GPL-2.0
/*
 * test_cc.c - Reno (RFC 5681) with the RFC 6928 initial window.
 */
#include "test_util.h"
#include "tl_cc.h"

static void t_reno(struct tl_cc *cc, u32 mss)
{
	memset(cc, 0, sizeof(*cc));
	cc->ops = &tl_cc_reno;
	cc->mss = mss;
	cc->ops->init(cc, 0);
}

TEST(rfc6928_initial_window)
{
	struct tl_cc cc;

	/* min(10 * MSS, max(2 * MSS, 14600)) */
	t_reno(&cc, 1460);
	ASSERT_EQ(14600, cc.cwnd);
	t_reno(&cc, 1000);
	ASSERT_EQ(10000, cc.cwnd);
	t_reno(&cc, 9000);
	ASSERT_EQ(18000, cc.cwnd);
	ASSERT_EQ(0xffffffffU, cc.ssthresh);
}

TEST(rfc5681_3_1_slow_start_and_avoidance)
{
	struct tl_cc cc;
	int i;

	t_reno(&cc, 1000);
	/* slow start: + min(N, SMSS) per ACK */
	cc.ops->on_ack(&cc, 1000, 0, 0);
	ASSERT_EQ(11000, cc.cwnd);
	cc.ops->on_ack(&cc, 3000, 0, 0);
	ASSERT_EQ(12000, cc.cwnd);
	/* 3.2: loss with 20000 in flight -> ssthresh 10000 */
	cc.ops->on_loss(&cc, 20000, 0);
	ASSERT_EQ(10000, cc.ssthresh);
	ASSERT_EQ(10000, cc.cwnd);
	/* congestion avoidance: one SMSS per cwnd of acknowledged bytes */
	for (i = 0; i < 9; i++)
		cc.ops->on_ack(&cc, 1000, 0, 0);
	ASSERT_EQ(10000, cc.cwnd);
	cc.ops->on_ack(&cc, 1000, 0, 0);
	ASSERT_EQ(11000, cc.cwnd);
	/* 3.1 timeout: ssthresh max(flight / 2, 2 * SMSS), cwnd 1 SMSS */
	cc.ops->on_rto(&cc, 3000, 0);
	ASSERT_EQ(2000, cc.ssthresh);
	ASSERT_EQ(1000, cc.cwnd);
	/* slow start again up to ssthresh */
	cc.ops->on_ack(&cc, 1000, 0, 0);
	ASSERT_EQ(2000, cc.cwnd);
}

TEST_HARNESS_MAIN
