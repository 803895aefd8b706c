// SPDX-License-Identifier: GPL-2.0
/*
 * test_options.c - TCP options: round trips and malformed input
 * (RFC 9293 3.2, RFC 7323, RFC 2018).
 */
#include "test_util.h"
#include "tl_options.h"

TEST(rfc7323_syn_options_linux_layout)
{
	struct tl_tcp_opts o = {
		.present = TL_OPTF_MSS | TL_OPTF_WSCALE | TL_OPTF_SACK_PERM |
			   TL_OPTF_TS,
		.mss = 1460, .wscale = 7, .tsval = 0x11223344, .tsecr = 0,
	};
	static const u8 want[] = {
		2, 4, 0x05, 0xb4,			/* MSS 1460 */
		4, 2, 8, 10, 0x11, 0x22, 0x33, 0x44,	/* SACK-perm, TS */
		0, 0, 0, 0,
		1, 3, 3, 7,				/* NOP, WS 7 */
	};
	struct tl_tcp_opts back;
	u8 buf[40];

	ASSERT_EQ(sizeof(want), tl_opts_build(buf, sizeof(buf), &o));
	ASSERT_EQ(0, memcmp(want, buf, sizeof(want)));
	ASSERT_EQ(TL_OPT_OK, tl_opts_parse(buf, sizeof(want), &back));
	ASSERT_EQ(o.present, back.present);
	ASSERT_EQ(1460, back.mss);
	ASSERT_EQ(7, back.wscale);
	ASSERT_EQ(0x11223344, back.tsval);
	ASSERT_EQ(0, back.tsecr);
	ASSERT_EQ(-ENOSPC, tl_opts_build(buf, 19, &o));
}

TEST(rfc2018_sack_blocks_round_trip)
{
	struct tl_tcp_opts o = { .present = TL_OPTF_TS | TL_OPTF_SACK,
				 .tsval = 1, .tsecr = 2, .nr_sack = 4 };
	struct tl_tcp_opts back;
	u8 buf[40];
	int i, n;

	for (i = 0; i < 4; i++) {
		o.sack[i].start = 1000 * i + 0xfffffc00;
		o.sack[i].end = 1000 * i + 0xfffffc00 + 500;
	}
	/* with timestamps only 3 blocks fit in 40 bytes */
	n = tl_opts_build(buf, sizeof(buf), &o);
	ASSERT_EQ(12 + 4 + 3 * 8, n);
	ASSERT_EQ(TL_OPT_OK, tl_opts_parse(buf, n, &back));
	ASSERT_EQ(3, back.nr_sack);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(o.sack[i].start, back.sack[i].start);
		ASSERT_EQ(o.sack[i].end, back.sack[i].end);
	}
	/* without timestamps all 4 fit */
	o.present = TL_OPTF_SACK;
	n = tl_opts_build(buf, sizeof(buf), &o);
	ASSERT_EQ(4 + 4 * 8, n);
	ASSERT_EQ(TL_OPT_OK, tl_opts_parse(buf, n, &back));
	ASSERT_EQ(4, back.nr_sack);
}

TEST(rfc9293_3_2_nop_eol_unknown)
{
	/* NOPs, an unknown kind 0x99 (len 4) skipped, EOL ends the list */
	static const u8 b[] = { 1, 1, 0x99, 4, 0xaa, 0xbb, 2, 4, 0x02, 0x18,
				0, 2, 0, 0 /* garbage after EOL */ };
	struct tl_tcp_opts o;

	ASSERT_EQ(TL_OPT_OK, tl_opts_parse(b, sizeof(b), &o));
	ASSERT_EQ(TL_OPTF_MSS, o.present);
	ASSERT_EQ(536, o.mss);
	ASSERT_EQ(TL_OPT_OK, tl_opts_parse(b, 0, &o));
	ASSERT_EQ(0, o.present);
}

TEST(rfc9293_3_2_malformed_lengths)
{
	static const u8 zero_len[] = { 2, 0, 5, 0xb4 };
	static const u8 one_len[] = { 0x99, 1, 1, 1 };
	static const u8 overrun[] = { 1, 8, 10, 0, 0, 0, 0 };
	static const u8 lone_kind[] = { 1, 1, 1, 2 };
	static const u8 mss_len3[] = { 2, 3, 5, 1 };
	static const u8 ws_len4[] = { 3, 4, 7, 0 };
	static const u8 ts_len8[] = { 8, 8, 0, 0, 0, 0, 0, 0 };
	static const u8 sackperm_len3[] = { 4, 3, 0, 1 };
	static const u8 sack_len9[] = { 5, 9, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1 };
	static const u8 sack_len2[] = { 5, 2, 1, 1 };
	/* a good MSS before a broken option is still reported */
	static const u8 good_then_bad[] = { 2, 4, 1, 0, 3, 0, 0, 0 };
	struct tl_tcp_opts o;

	ASSERT_EQ(TL_OPT_ERR_BAD_LEN, tl_opts_parse(zero_len, 4, &o));
	ASSERT_EQ(TL_OPT_ERR_BAD_LEN, tl_opts_parse(one_len, 4, &o));
	ASSERT_EQ(TL_OPT_ERR_TRUNCATED, tl_opts_parse(overrun, 7, &o));
	ASSERT_EQ(TL_OPT_ERR_TRUNCATED, tl_opts_parse(lone_kind, 4, &o));
	ASSERT_EQ(TL_OPT_ERR_BAD_LEN, tl_opts_parse(mss_len3, 4, &o));
	ASSERT_EQ(TL_OPT_ERR_BAD_LEN, tl_opts_parse(ws_len4, 4, &o));
	ASSERT_EQ(TL_OPT_ERR_BAD_LEN, tl_opts_parse(ts_len8, 8, &o));
	ASSERT_EQ(TL_OPT_ERR_BAD_LEN, tl_opts_parse(sackperm_len3, 4, &o));
	ASSERT_EQ(TL_OPT_ERR_BAD_LEN, tl_opts_parse(sack_len9, 12, &o));
	ASSERT_EQ(TL_OPT_ERR_BAD_LEN, tl_opts_parse(sack_len2, 4, &o));
	ASSERT_EQ(TL_OPT_ERR_BAD_LEN, tl_opts_parse(good_then_bad, 8, &o));
	ASSERT_EQ(TL_OPTF_MSS, o.present);
	ASSERT_EQ(256, o.mss);
	ASSERT_STREQ("bad option length", tl_opt_err_name(TL_OPT_ERR_BAD_LEN));
}

TEST(rfc7323_2_3_wscale_clamped_to_14)
{
	static const u8 b[] = { 1, 3, 3, 200 };
	struct tl_tcp_opts o;

	ASSERT_EQ(TL_OPT_OK, tl_opts_parse(b, 4, &o));
	ASSERT_EQ(TL_WSCALE_MAX, o.wscale);
}

TEST_HARNESS_MAIN
