// SPDX-License-Identifier: GPL-2.0
/*
 * test_segment.c - TCP header parse/validate/build (RFC 9293 3.1) and the
 * Internet checksum (RFC 1071) against answers computed independently.
 */
#include "test_util.h"
#include "tl_segment.h"
#include "tl_csum.h"

/* SYN 192.168.0.1:40000 -> 192.168.0.2:80, MSS 1460, checksum 0x7b4b */
static const u8 syn_seg[] = {
	0x9c, 0x40, 0x00, 0x50, 0x01, 0x02, 0x03, 0x04,
	0x00, 0x00, 0x00, 0x00, 0x60, 0x02, 0xfa, 0xf0,
	0x00, 0x00, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4,
};

#define IP_A 0xc0a80001	/* 192.168.0.1 */
#define IP_B 0xc0a80002

TEST(rfc1071_example)
{
	static const u8 b[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

	/* RFC 1071 section 3: the sum is ddf2, the checksum its complement */
	ASSERT_EQ(0x220d, tl_csum_fold(tl_csum_add(0, b, sizeof(b))));
	/* summing in even-sized pieces gives the same result */
	ASSERT_EQ(0x220d, tl_csum_fold(tl_csum_add(tl_csum_add(0, b, 4),
						   b + 4, 4)));
}

TEST(rfc9293_3_1_checksum_known_answers)
{
	u8 seg[sizeof(syn_seg)];
	/* PSH|ACK from B to A with 5 payload bytes "hello": odd length */
	static const u8 data_seg[] = {
		0x00, 0x50, 0x9c, 0x40, 0xde, 0xad, 0xbe, 0xef,
		0x01, 0x02, 0x03, 0x05, 0x50, 0x18, 0x02, 0x00,
		0x00, 0x00, 0x00, 0x00, 'h', 'e', 'l', 'l', 'o',
	};
	u8 d[sizeof(data_seg)];

	memcpy(seg, syn_seg, sizeof(seg));
	ASSERT_EQ(0x7b4b, tl_csum_tcp_ipv4(IP_A, IP_B, seg, sizeof(seg)));
	memcpy(d, data_seg, sizeof(d));
	ASSERT_EQ(0xaa6c, tl_csum_tcp_ipv4(IP_B, IP_A, d, sizeof(d)));

	/* with the checksum in place, verification yields 0 */
	tl_put_be16(seg + 16, 0x7b4b);
	ASSERT_EQ(0, tl_csum_tcp_ipv4(IP_A, IP_B, seg, sizeof(seg)));
	/* any flipped bit is caught */
	seg[5] ^= 0x10;
	ASSERT_NE(0, tl_csum_tcp_ipv4(IP_A, IP_B, seg, sizeof(seg)));
	/* the pseudo header matters: wrong destination address */
	seg[5] ^= 0x10;
	ASSERT_NE(0, tl_csum_tcp_ipv4(IP_A, IP_B + 1, seg, sizeof(seg)));
}

TEST(rfc9293_3_1_parse_valid)
{
	struct tl_tcphdr th;

	ASSERT_EQ(TL_SEG_OK, tl_seg_parse(syn_seg, sizeof(syn_seg), &th));
	ASSERT_EQ(40000, th.sport);
	ASSERT_EQ(80, th.dport);
	ASSERT_EQ(0x01020304, th.seq);
	ASSERT_EQ(0, th.ack);
	ASSERT_EQ(6, th.doff);
	ASSERT_EQ(24, tl_seg_hdr_len(&th));
	ASSERT_EQ(TL_TCP_SYN, th.flags);
	ASSERT_EQ(64240, th.wnd);
}

TEST(rfc9293_3_1_parse_rejects)
{
	u8 b[sizeof(syn_seg)];
	struct tl_tcphdr th;
	int i, j;

	ASSERT_EQ(TL_SEG_ERR_SHORT, tl_seg_parse(syn_seg, 19, &th));
	ASSERT_EQ(TL_SEG_ERR_SHORT, tl_seg_parse(syn_seg, 0, &th));

	memcpy(b, syn_seg, sizeof(b));
	b[12] = 4 << 4;
	ASSERT_EQ(TL_SEG_ERR_DOFF_SMALL, tl_seg_parse(b, sizeof(b), &th));
	b[12] = 7 << 4;			/* 28 bytes > 24 */
	ASSERT_EQ(TL_SEG_ERR_DOFF_BEYOND, tl_seg_parse(b, sizeof(b), &th));
	b[12] = 6 << 4;
	ASSERT_EQ(TL_SEG_ERR_DOFF_BEYOND, tl_seg_parse(b, 20, &th));

	b[13] = 0;
	ASSERT_EQ(TL_SEG_ERR_NO_FLAGS, tl_seg_parse(b, sizeof(b), &th));
	b[13] = TL_TCP_ECE | TL_TCP_CWR;	/* ECN bits alone: still none */
	ASSERT_EQ(TL_SEG_ERR_NO_FLAGS, tl_seg_parse(b, sizeof(b), &th));
	b[13] = TL_TCP_SYN | TL_TCP_RST | TL_TCP_ACK;
	ASSERT_EQ(TL_SEG_ERR_SYN_RST, tl_seg_parse(b, sizeof(b), &th));
	b[13] = TL_TCP_SYN | TL_TCP_FIN;
	ASSERT_EQ(TL_SEG_ERR_SYN_FIN, tl_seg_parse(b, sizeof(b), &th));
	b[13] = TL_TCP_FIN | TL_TCP_RST | TL_TCP_ACK;	/* odd but legal */
	ASSERT_EQ(TL_SEG_OK, tl_seg_parse(b, sizeof(b), &th));

	/* reasons are distinct, named, and usable as counter indexes */
	for (i = 0; i < TL_SEG_ERR_NR; i++)
		for (j = i + 1; j < TL_SEG_ERR_NR; j++)
			ASSERT_STRNE(tl_seg_err_name(i), tl_seg_err_name(j));
	ASSERT_STREQ("invalid", tl_seg_err_name(TL_SEG_ERR_NR));
}

TEST(rfc9293_3_1_build_round_trip)
{
	static const u8 opt[4] = { 2, 4, 0x05, 0xb4 };
	struct tl_tcphdr th = {
		.sport = 40000, .dport = 80, .seq = 0x01020304,
		.flags = TL_TCP_SYN, .wnd = 64240,
	};
	struct tl_tcphdr back;
	u8 buf[60];

	ASSERT_EQ(24, tl_seg_build(buf, sizeof(buf), &th, opt, 4));
	ASSERT_EQ(0, memcmp(buf, syn_seg, sizeof(syn_seg)));
	ASSERT_EQ(TL_SEG_OK, tl_seg_parse(buf, 24, &back));
	ASSERT_EQ(th.seq, back.seq);
	ASSERT_EQ(6, back.doff);

	/* options must be whole words and fit; the buffer must be big enough */
	ASSERT_EQ(0, tl_seg_build(buf, sizeof(buf), &th, opt, 3));
	ASSERT_EQ(0, tl_seg_build(buf, sizeof(buf), &th, opt, 44));
	ASSERT_EQ(0, tl_seg_build(buf, 23, &th, opt, 4));
	ASSERT_EQ(20, tl_seg_build(buf, 20, &th, NULL, 0));
}

TEST(rfc9293_3_10_seg_out_build)
{
	struct tl_seg_out s;
	struct tl_tcphdr th;
	struct tl_tcp_opts o;
	u8 buf[60];
	int n;

	memset(&s, 0, sizeof(s));
	s.th.sport = 1;
	s.th.dport = 2;
	s.th.seq = 3;
	s.th.ack = 4;
	s.th.flags = TL_TCP_SYN | TL_TCP_ACK;
	s.opts.present = TL_OPTF_MSS | TL_OPTF_WSCALE;
	s.opts.mss = 1460;
	s.opts.wscale = 7;
	n = tl_seg_out_build(buf, sizeof(buf), &s);
	ASSERT_EQ(28, n);
	ASSERT_EQ(TL_SEG_OK, tl_seg_parse(buf, n, &th));
	ASSERT_EQ(TL_OPT_OK, tl_opts_parse(buf + 20, n - 20, &o));
	ASSERT_EQ(1460, o.mss);
	ASSERT_EQ(7, o.wscale);
	ASSERT_EQ(-ENOSPC, tl_seg_out_build(buf, 27, &s));
}

TEST_HARNESS_MAIN
