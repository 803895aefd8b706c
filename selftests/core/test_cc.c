// SPDX-License-Identifier: GPL-2.0
/*
 * test_cc.c - Reno (RFC 5681) and CUBIC (RFC 9438) with the RFC 6928
 * initial window.
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

	/* 10 segments, as Linux (RFC 6928 would cap at 14600 bytes) */
	t_reno(&cc, 1460);
	ASSERT_EQ(14600, cc.cwnd);
	t_reno(&cc, 1000);
	ASSERT_EQ(10000, cc.cwnd);
	t_reno(&cc, 9000);
	ASSERT_EQ(90000, cc.cwnd);
	ASSERT_EQ(0xffffffffU, cc.ssthresh);
}

/*
 * Reno's rules one test each, so that a score says which rule holds.
 * Each starts from a state set by hand where it needs one, not from the
 * other rules' results.
 */
TEST(rfc5681_3_1_slow_start)
{
	struct tl_cc cc;

	t_reno(&cc, 1000);
	/* equation (2): cwnd += min(N, SMSS) per ACK */
	cc.ops->on_ack(&cc, 1000, 0, 0);
	ASSERT_EQ(11000, cc.cwnd);
	cc.ops->on_ack(&cc, 3000, 0, 0);
	ASSERT_EQ(12000, cc.cwnd);
	cc.ops->on_ack(&cc, 500, 0, 0);
	ASSERT_EQ(12500, cc.cwnd);
}

TEST(rfc5681_3_1_congestion_avoidance)
{
	struct tl_cc cc;
	int i;

	t_reno(&cc, 1000);
	cc.ssthresh = 10000;
	cc.cwnd = 10000;
	/* about one SMSS per round trip: per cwnd of acknowledged bytes */
	for (i = 0; i < 9; i++)
		cc.ops->on_ack(&cc, 1000, 0, 0);
	ASSERT_EQ(10000, cc.cwnd);
	cc.ops->on_ack(&cc, 1000, 0, 0);
	ASSERT_EQ(11000, cc.cwnd);
	/* the next step takes the new, larger cwnd */
	for (i = 0; i < 10; i++)
		cc.ops->on_ack(&cc, 1000, 0, 0);
	ASSERT_EQ(11000, cc.cwnd);
	cc.ops->on_ack(&cc, 1000, 0, 0);
	ASSERT_EQ(12000, cc.cwnd);
}

TEST(rfc5681_3_2_loss_halves_the_flight)
{
	struct tl_cc cc;
	int i;

	t_reno(&cc, 1000);
	cc.ssthresh = 12000;
	cc.cwnd = 12000;
	/* half-way to the next step of congestion avoidance */
	for (i = 0; i < 6; i++)
		cc.ops->on_ack(&cc, 1000, 0, 0);
	/* step 2, equation (4): ssthresh = max(FlightSize / 2, 2 * SMSS) */
	cc.ops->on_loss(&cc, 20000, 0);
	ASSERT_EQ(10000, cc.ssthresh);
	ASSERT_EQ(10000, cc.cwnd);
	/* the bytes counted before the loss do not count after it */
	for (i = 0; i < 9; i++)
		cc.ops->on_ack(&cc, 1000, 0, 0);
	ASSERT_EQ(10000, cc.cwnd);
	/* never below two segments */
	cc.ops->on_loss(&cc, 3000, 0);
	ASSERT_EQ(2000, cc.ssthresh);
	ASSERT_EQ(2000, cc.cwnd);
}

TEST(rfc5681_3_1_timeout_loss_window)
{
	struct tl_cc cc;

	t_reno(&cc, 1000);
	cc.ssthresh = 10000;
	cc.cwnd = 11000;
	/* equation (4), then cwnd = LW, one full-sized segment */
	cc.ops->on_rto(&cc, 3000, 0);
	ASSERT_EQ(2000, cc.ssthresh);
	ASSERT_EQ(1000, cc.cwnd);
	cc.ops->on_rto(&cc, 40000, 0);
	ASSERT_EQ(20000, cc.ssthresh);
	ASSERT_EQ(1000, cc.cwnd);
	/* slow start again, up to ssthresh */
	cc.ops->on_ack(&cc, 1000, 0, 0);
	ASSERT_EQ(2000, cc.cwnd);
}

static void t_cubic(struct tl_cc *cc, u32 mss)
{
	memset(cc, 0, sizeof(*cc));
	cc->ops = tl_cc_find("cubic");
	cc->mss = mss;
	cc->ops->init(cc, 0);
}

/* One round trip: a window's worth of ACKs, one per segment. */
static void t_round(struct tl_cc *cc, u64 *now, u32 rtt)
{
	u32 done = 0, wnd = cc->cwnd;

	while (done < wnd) {
		cc->ops->on_ack(cc, cc->mss, rtt, *now);
		done += cc->mss;
	}
	*now += rtt;
}

TEST(tcp_congestion_names)
{
	ASSERT_EQ(&tl_cc_reno, tl_cc_find("reno"));
	ASSERT_EQ(&tl_cc_cubic, tl_cc_find("cubic"));
	ASSERT_EQ(NULL, tl_cc_find("bbr"));
	ASSERT_EQ(NULL, tl_cc_find(""));
}

TEST(rfc9438_4_6_multiplicative_decrease_and_4_7_fast_convergence)
{
	struct tl_cc cc;

	t_cubic(&cc, 1000);
	ASSERT_EQ(10000, cc.cwnd);
	ASSERT_EQ(0xffffffffU, cc.ssthresh);
	cc.cwnd = 100000;
	cc.ops->on_loss(&cc, 100000, 0);
	/* beta_cubic = 0.7 */
	ASSERT_EQ(70000, cc.ssthresh);
	ASSERT_EQ(70000, cc.cwnd);
	/* a loss below W_max (100000): W_max = cwnd * (1 + beta) / 2 */
	cc.ops->on_loss(&cc, 70000, 0);
	ASSERT_EQ(49000, cc.ssthresh);
	/* 4.8: a timeout leaves one segment, ssthresh by beta_cubic */
	cc.cwnd = 30000;
	cc.ops->on_rto(&cc, 30000, 0);
	ASSERT_EQ(21000, cc.ssthresh);
	ASSERT_EQ(1000, cc.cwnd);
	/* ssthresh never below 2 segments */
	cc.ops->on_rto(&cc, 1000, 0);
	ASSERT_EQ(2000, cc.ssthresh);
}

TEST(rfc9438_4_2_cubic_curve_concave_plateau_convex)
{
	const u32 rtt = 100000;		/* 100 ms: CUBIC's own region */
	struct tl_cc cc;
	u64 now = 1000000;
	u32 at_half = 0, at_k = 0, at_2k;
	int i;

	t_cubic(&cc, 1000);
	cc.cwnd = 100000;
	cc.ops->on_loss(&cc, 100000, now);
	/*
	 * K = cbrt(W_max * (1 - beta) / C) = cbrt(100 * 0.3 / 0.4) = 4.22 s.
	 * Each round trip is 0.1 s: round 21 is K / 2, round 42 is K.
	 */
	for (i = 1; i <= 84; i++) {
		t_round(&cc, &now, rtt);
		if (i == 21)
			at_half = cc.cwnd;
		if (i == 42)
			at_k = cc.cwnd;
	}
	at_2k = cc.cwnd;
	TH_LOG("cwnd after loss 70000, K/2 %u, K %u, 2K %u", at_half, at_k,
	       at_2k);
	/* concave: most of the way back at K/2 (cubic: 1 - 1/8 of it) */
	ASSERT_GT(at_half, 70000 + 30000 * 3 / 4);
	ASSERT_LT(at_half, 100000);
	/* plateau around W_max at K */
	ASSERT_GE(at_k, 97000);
	ASSERT_LE(at_k, 103000);
	/* convex beyond: C * K^3 = W_max - cwnd_epoch = 30 segments more */
	ASSERT_GE(at_2k, 120000);
	ASSERT_LE(at_2k, 140000);
}

TEST(rfc9438_4_3_reno_friendly_region)
{
	const u32 rtt = 1000;		/* 1 ms: Reno would grow faster */
	struct tl_cc cc;
	u64 now = 1000000;
	int i;

	t_cubic(&cc, 1000);
	cc.cwnd = 100000;
	cc.ops->on_loss(&cc, 100000, now);
	/*
	 * In 50 round trips of 1 ms, W_cubic barely moves but W_est grows
	 * by alpha_cubic = 0.53 segments per round trip ...
	 */
	for (i = 0; i < 50; i++)
		t_round(&cc, &now, rtt);
	ASSERT_GE(cc.cwnd, 70000 + 50 * 1000 / 2);
	ASSERT_LE(cc.cwnd, 70000 + 50 * 1000 * 6 / 10);
	/* ... and by 1 segment once it is back at W_max (100000) */
	for (i = 0; i < 100; i++)
		t_round(&cc, &now, rtt);
	ASSERT_GE(cc.cwnd, 100000 + 40 * 1000);
}

TEST_HARNESS_MAIN
