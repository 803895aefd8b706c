// SPDX-License-Identifier: GPL-2.0
/*
 * test_rto.c - RFC 6298 estimator against values computed by hand with
 * the RFC's formulas (alpha = 1/8, beta = 1/4, K = 4).
 */
#include "test_util.h"
#include "tl_rto.h"

#define MS 1000U

static void t_rto(struct tl_rto *r)
{
	tl_rto_init(r, TL_RTO_INITIAL, TL_RTO_MIN_DEFAULT, TL_RTO_MAX_DEFAULT, 1);
}

TEST(rfc6298_2_1_initial_rto)
{
	struct tl_rto r;

	t_rto(&r);
	ASSERT_EQ(1000 * MS, tl_rto_timeout(&r));
	ASSERT_EQ(0, r.srtt8);
}

TEST(rfc6298_2_2_2_3_estimator_numbers)
{
	struct tl_rto r;

	t_rto(&r);
	/* 2.2: R = 100 ms -> SRTT 100, RTTVAR 50, RTO 100 + 4*50 = 300 */
	tl_rto_sample(&r, 100 * MS);
	ASSERT_EQ(100 * MS, tl_rto_srtt(&r));
	ASSERT_EQ(50 * MS, tl_rto_rttvar(&r));
	ASSERT_EQ(300 * MS, tl_rto_timeout(&r));
	/*
	 * 2.3: R' = 200 ms
	 *   RTTVAR = 3/4 * 50 + 1/4 * |100 - 200| = 62.5
	 *   SRTT   = 7/8 * 100 + 1/8 * 200        = 112.5
	 *   RTO    = 112.5 + 4 * 62.5             = 362.5
	 */
	tl_rto_sample(&r, 200 * MS);
	ASSERT_EQ(112500, tl_rto_srtt(&r));
	ASSERT_EQ(62500, tl_rto_rttvar(&r));
	ASSERT_EQ(362500, tl_rto_timeout(&r));
	/*
	 * R' = 50 ms
	 *   RTTVAR = 3/4 * 62.5 + 1/4 * |112.5 - 50| = 62.5
	 *   SRTT   = 7/8 * 112.5 + 1/8 * 50          = 104.6875
	 *   RTO    = 104.6875 + 250                  = 354.6875 (354687 us)
	 */
	tl_rto_sample(&r, 50 * MS);
	ASSERT_EQ(104687, tl_rto_srtt(&r));
	ASSERT_EQ(62500, tl_rto_rttvar(&r));
	ASSERT_EQ(354687, tl_rto_timeout(&r));
}

TEST(rfc6298_2_4_2_5_bounds)
{
	struct tl_rto r;

	t_rto(&r);
	/* 1 ms: 1 + 4 * 0.5 = 3 ms, raised to the 200 ms floor */
	tl_rto_sample(&r, 1 * MS);
	ASSERT_EQ(200 * MS, tl_rto_timeout(&r));
	t_rto(&r);
	/* 100 s: 100 + 200 = 300 s, capped at 120 s */
	tl_rto_sample(&r, 100000 * MS);
	ASSERT_EQ(120000 * MS, tl_rto_timeout(&r));
	/* G dominates a tiny variance: RTO = SRTT + max(G, 4 * RTTVAR) */
	tl_rto_init(&r, TL_RTO_INITIAL, 0, TL_RTO_MAX_DEFAULT, 500 * MS);
	tl_rto_sample(&r, 100 * MS);
	tl_rto_sample(&r, 100 * MS);
	ASSERT_EQ(600 * MS, tl_rto_timeout(&r));
}

TEST(rfc6298_5_5_backoff_and_collapse)
{
	struct tl_rto r;
	int i;

	t_rto(&r);
	tl_rto_sample(&r, 100 * MS);		/* RTO 300 ms */
	tl_rto_backoff(&r);
	ASSERT_EQ(600 * MS, tl_rto_timeout(&r));
	tl_rto_backoff(&r);
	ASSERT_EQ(1200 * MS, tl_rto_timeout(&r));
	for (i = 0; i < 40; i++)
		tl_rto_backoff(&r);
	ASSERT_EQ(120000 * MS, tl_rto_timeout(&r));	/* 2.5 maximum */
	/* a new valid sample collapses the backed-off value (note after 5.7) */
	tl_rto_sample(&r, 100 * MS);
	ASSERT_EQ(0, r.backoff);
	ASSERT_LT(tl_rto_timeout(&r), 400 * MS);
}

TEST(rfc6298_5_7_raise)
{
	struct tl_rto r;

	t_rto(&r);
	tl_rto_raise(&r, TL_RTO_AFTER_SYN_TIMEOUT);
	ASSERT_EQ(3000 * MS, tl_rto_timeout(&r));
}

TEST_HARNESS_MAIN
