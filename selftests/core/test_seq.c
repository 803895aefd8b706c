// SPDX-License-Identifier: GPL-2.0
/*
 * test_seq.c - sequence arithmetic (RFC 9293 3.4), ISN composition
 * (RFC 6528) and the out-of-order range tracker.
 */
#include "test_util.h"
#include "tl_seq.h"
#include "tl_isn.h"
#include "tl_ooo.h"

TEST(rfc9293_3_4_compare_modulo_2_32)
{
	ASSERT_TRUE(tl_seq_lt(1, 2));
	ASSERT_TRUE(tl_seq_lt(0xFFFFFFF0, 0x10));	/* across the wrap */
	ASSERT_TRUE(tl_seq_gt(0x10, 0xFFFFFFF0));
	ASSERT_FALSE(tl_seq_lt(5, 5));
	ASSERT_TRUE(tl_seq_leq(5, 5));
	ASSERT_TRUE(tl_seq_geq(0, 0xFFFFFFFF));
	/* up to 2^31 - 1 apart the order is well defined */
	ASSERT_TRUE(tl_seq_lt(0, 0x7FFFFFFF));
	ASSERT_TRUE(tl_seq_gt(0, 0x80000001));
	ASSERT_EQ(0x10, tl_seq_max(0xFFFFFFF0, 0x10));
	ASSERT_EQ(0xFFFFFFF0, tl_seq_min(0xFFFFFFF0, 0x10));
}

TEST(rfc9293_3_4_between_and_window)
{
	ASSERT_TRUE(tl_seq_between(0xFFFFFFF0, 0xFFFFFFF0, 0x10));
	ASSERT_TRUE(tl_seq_between(0xFFFFFFF0, 0x0, 0x10));
	ASSERT_TRUE(tl_seq_between(0xFFFFFFF0, 0x10, 0x10));
	ASSERT_FALSE(tl_seq_between(0xFFFFFFF0, 0x11, 0x10));
	ASSERT_FALSE(tl_seq_between(0xFFFFFFF0, 0xFFFFFFEF, 0x10));
	/* [start, start + wnd) */
	ASSERT_TRUE(tl_seq_in_window(0xFFFFFFFF, 0xFFFFFFFF, 1));
	ASSERT_FALSE(tl_seq_in_window(0, 0xFFFFFFFF, 1));
	ASSERT_TRUE(tl_seq_in_window(5, 0xFFFFFFFA, 12));
	ASSERT_FALSE(tl_seq_in_window(6, 0xFFFFFFFA, 12));
	ASSERT_FALSE(tl_seq_in_window(7, 7, 0));	/* zero window */
	ASSERT_EQ(7, tl_seq_clamp(3, 7, 9));
	ASSERT_EQ(9, tl_seq_clamp(12, 7, 9));
}

TEST(rfc6528_isn_composition)
{
	/* M is a 4 us clock: 4000 us -> 1000 ticks */
	ASSERT_EQ(1000, tl_isn_clock(4000));
	ASSERT_EQ(1000 + 0x12345678, tl_isn_compose(4000, 0x12345678));
	/* the sum wraps modulo 2^32 */
	ASSERT_EQ(999, tl_isn_compose(4000, 0xFFFFFFFF));
	/* ... and so does M, after about 4.77 hours */
	ASSERT_EQ(0, tl_isn_clock(4ULL << 32));
	/* a later connection to the same endpoints starts higher */
	ASSERT_TRUE(tl_seq_gt(tl_isn_compose(1000000, 77),
			      tl_isn_compose(0, 77)));
}

TEST(ooo_tracker_merge_and_advance)
{
	struct tl_seq_range st[3];
	struct tl_sack_block blk[4];
	struct tl_ooo o;

	tl_ooo_init(&o, st, 3);
	ASSERT_EQ(0, tl_ooo_add(&o, 300, 400));
	ASSERT_EQ(0, tl_ooo_add(&o, 100, 200));
	ASSERT_EQ(0, tl_ooo_add(&o, 500, 600));
	ASSERT_EQ(3, o.n);
	ASSERT_EQ(100, o.r[0].start);	/* sorted */
	ASSERT_EQ(-ENOSPC, tl_ooo_add(&o, 700, 800));
	/* empty ranges are ignored */
	ASSERT_EQ(0, tl_ooo_add(&o, 900, 900));
	ASSERT_EQ(3, o.n);
	/* adjacent merges: [100,200) + [200,300) + [300,400) */
	ASSERT_EQ(0, tl_ooo_add(&o, 200, 300));
	ASSERT_EQ(2, o.n);
	ASSERT_EQ(100, o.r[0].start);
	ASSERT_EQ(400, o.r[0].end);
	/* SACK: most recent first (RFC 2018 4) */
	ASSERT_EQ(2, tl_ooo_sack_blocks(&o, blk, 4));
	ASSERT_EQ(100, blk[0].start);
	ASSERT_EQ(500, blk[1].start);
	ASSERT_EQ(0, tl_ooo_add(&o, 550, 650));
	ASSERT_EQ(2, tl_ooo_sack_blocks(&o, blk, 4));
	ASSERT_EQ(500, blk[0].start);
	ASSERT_EQ(650, blk[0].end);
	/* one range swallowing two */
	ASSERT_EQ(0, tl_ooo_add(&o, 150, 700));
	ASSERT_EQ(1, o.n);
	ASSERT_EQ(700, o.r[0].end);
	/* nothing below RCV.NXT yet */
	ASSERT_EQ(50, tl_ooo_advance(&o, 50));
	ASSERT_EQ(1, o.n);
	/* RCV.NXT reaches the range: it becomes in order */
	ASSERT_EQ(700, tl_ooo_advance(&o, 120));
	ASSERT_TRUE(tl_ooo_empty(&o));
}

TEST(ooo_tracker_wraparound_and_no_storage)
{
	struct tl_seq_range st[2];
	struct tl_ooo o;

	tl_ooo_init(&o, st, 2);
	ASSERT_EQ(0, tl_ooo_add(&o, 0x10, 0x20));
	ASSERT_EQ(0, tl_ooo_add(&o, 0xFFFFFFF0, 0x5));
	ASSERT_EQ(0xFFFFFFF0, o.r[0].start);	/* before 0x10 */
	ASSERT_EQ(0x5, tl_ooo_advance(&o, 0xFFFFFFF0));
	ASSERT_EQ(1, o.n);
	ASSERT_EQ(0x20, tl_ooo_advance(&o, 0x10));

	tl_ooo_init(&o, NULL, 5);
	ASSERT_EQ(-ENOSPC, tl_ooo_add(&o, 1, 2));
}

TEST(ooo_tracker_new_part_only)
{
	struct tl_seq_range st[4];
	struct tl_ooo o;
	u32 a, b;

	tl_ooo_init(&o, st, 4);
	ASSERT_EQ(0, tl_ooo_add(&o, 100, 200));
	ASSERT_EQ(0, tl_ooo_add(&o, 300, 400));

	/* held wholly: nothing new, whatever its edges */
	a = 100, b = 200;
	ASSERT_FALSE(tl_ooo_new(&o, &a, &b));
	a = 150, b = 151;
	ASSERT_FALSE(tl_ooo_new(&o, &a, &b));
	/* new on one side: cut at the held range's edge */
	a = 150, b = 250;
	ASSERT_TRUE(tl_ooo_new(&o, &a, &b));
	ASSERT_EQ(200, a);
	ASSERT_EQ(250, b);
	a = 250, b = 350;
	ASSERT_TRUE(tl_ooo_new(&o, &a, &b));
	ASSERT_EQ(250, a);
	ASSERT_EQ(300, b);
	/* both edges held, the gap between new: exactly the gap */
	a = 150, b = 350;
	ASSERT_TRUE(tl_ooo_new(&o, &a, &b));
	ASSERT_EQ(200, a);
	ASSERT_EQ(300, b);
	/* edges in gaps: a held range in the middle stays covered */
	a = 50, b = 250;
	ASSERT_TRUE(tl_ooo_new(&o, &a, &b));
	ASSERT_EQ(50, a);
	ASSERT_EQ(250, b);
	/* touching a range is not overlapping it */
	a = 200, b = 300;
	ASSERT_TRUE(tl_ooo_new(&o, &a, &b));
	ASSERT_EQ(200, a);
	ASSERT_EQ(300, b);
	/* across the wrap */
	tl_ooo_init(&o, st, 4);
	ASSERT_EQ(0, tl_ooo_add(&o, 0xFFFFFFF0, 0x10));
	a = 0xFFFFFFF8, b = 0x20;
	ASSERT_TRUE(tl_ooo_new(&o, &a, &b));
	ASSERT_EQ(0x10, a);
	ASSERT_EQ(0x20, b);
	a = 0xFFFFFFF0, b = 0x10;
	ASSERT_FALSE(tl_ooo_new(&o, &a, &b));
}

TEST(ooo_tracker_fits_and_prune)
{
	struct tl_seq_range st[2];
	struct tl_sack_block blk[4];
	struct tl_ooo o;

	tl_ooo_init(&o, st, 2);
	ASSERT_EQ(0, tl_ooo_add(&o, 100, 200));
	ASSERT_EQ(0, tl_ooo_add(&o, 300, 400));
	/* full: only what touches a held range fits */
	ASSERT_FALSE(tl_ooo_fits(&o, 500, 600));
	ASSERT_TRUE(tl_ooo_fits(&o, 400, 450));
	ASSERT_TRUE(tl_ooo_fits(&o, 50, 100));
	ASSERT_TRUE(tl_ooo_fits(&o, 200, 300));

	/* prune inside a range: it is cut there, the rest forgotten */
	tl_ooo_prune(&o, 350);
	ASSERT_EQ(2, o.n);
	ASSERT_EQ(350, o.r[1].end);
	ASSERT_EQ(2, tl_ooo_sack_blocks(&o, blk, 4));
	ASSERT_EQ(300, blk[0].start);
	ASSERT_EQ(350, blk[0].end);
	/* prune at a range's start: the range goes, SACKs follow */
	tl_ooo_prune(&o, 300);
	ASSERT_EQ(1, o.n);
	ASSERT_EQ(1, tl_ooo_sack_blocks(&o, blk, 4));
	ASSERT_EQ(100, blk[0].start);
	ASSERT_EQ(200, blk[0].end);
	/* a slot is free again */
	ASSERT_TRUE(tl_ooo_fits(&o, 500, 600));
	/* beyond everything: nothing changes */
	tl_ooo_prune(&o, 1000);
	ASSERT_EQ(1, o.n);
	ASSERT_EQ(200, o.r[0].end);
	/* below everything: all gone */
	tl_ooo_prune(&o, 50);
	ASSERT_TRUE(tl_ooo_empty(&o));
	ASSERT_EQ(0, tl_ooo_sack_blocks(&o, blk, 4));
}

TEST_HARNESS_MAIN
