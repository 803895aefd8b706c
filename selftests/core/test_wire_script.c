// SPDX-License-Identifier: GPL-2.0
/*
 * test_wire_script.c - the wire scripts' parser (selftests/wire_script.h),
 * on the host: every kind of line parses to what it says, bad lines are
 * refused with their line number, option lists survive the round trip
 * through text and through the wire.
 */
#include <stdio.h>
#include <string.h>
#include "kselftest_harness.h"
#include "../wire_script.h"

/* Parse @text (lines separated by '\n'); the parser's verdict. */
static int parse(struct ws_script *s, const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret;

	ret = ws_parse_file(s, f);
	fclose(f);
	return ret;
}

TEST(every_line_kind)
{
	struct ws_script s;
	const struct ws_event *e;

	ASSERT_EQ(0, parse(&s,
		"# a comment\n"
		"%tolerance 0.02\n"
		"%ignore-extra\n"
		"%sysctl inet net/ipv4/tcp_rmem 4096 131072 6291456\n"
		"\n"
		"0 socket(..., SOCK_STREAM, 0) = 3\n"
		"+0.1 < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>\n"
		"+0 > S. 0:0(0) ack 1 win 100..65535 <...>\n"
		"* > . 1:1(0) ack 1 win *  # trailing comment\n"
		"+0 write(4, ..., 2000) = 2000\n"
		"+0 read(4, ..., 10) = -1 EAGAIN\n"
		"+0 setsockopt(4, IPPROTO_TCP, TCP_QUICKACK, [0], 4) = 0\n"
		"+0.3 quiet\n"));
	EXPECT_EQ(0.02, s.tolerance);
	EXPECT_TRUE(s.ignore_extra);
	ASSERT_EQ(1, s.nsysctl);
	EXPECT_STREQ("inet", s.sysctl[0].family);
	EXPECT_STREQ("net/ipv4/tcp_rmem", s.sysctl[0].path);
	EXPECT_STREQ("4096 131072 6291456", s.sysctl[0].val);
	ASSERT_EQ(8, s.nevents);

	e = &s.ev[0];
	EXPECT_EQ(6, e->line);
	EXPECT_EQ(WS_T_ABS, e->time);
	EXPECT_EQ(WS_CALL, e->kind);
	EXPECT_EQ(WS_SOCKET, e->call.sys);
	EXPECT_EQ(WS_ARG_DOTS, e->call.arg[0].kind);
	EXPECT_EQ(SOCK_STREAM, e->call.arg[1].num);
	EXPECT_EQ(3, e->call.ret);

	e = &s.ev[1];
	EXPECT_EQ(WS_T_REL, e->time);
	EXPECT_EQ(0.1, e->t);
	EXPECT_EQ(WS_IN, e->kind);
	EXPECT_EQ(WS_SYN, e->seg.flags);
	EXPECT_EQ(32792, e->seg.win_lo);
	EXPECT_FALSE(e->seg.has_ack);
	ASSERT_EQ(6, e->seg.nopts);
	EXPECT_EQ(WS_OPT_MSS, e->seg.opt[0].kind);
	EXPECT_EQ(1000, e->seg.opt[0].val[0]);
	EXPECT_EQ(WS_OPT_WSCALE, e->seg.opt[5].kind);
	EXPECT_EQ(7, e->seg.opt[5].val[0]);

	e = &s.ev[2];
	EXPECT_EQ(WS_OUT, e->kind);
	EXPECT_EQ(WS_SYN | WS_ACK, e->seg.flags);
	EXPECT_TRUE(e->seg.has_ack);
	EXPECT_EQ(1, e->seg.ack);
	EXPECT_TRUE(e->seg.has_win);
	EXPECT_EQ(100, e->seg.win_lo);
	EXPECT_EQ(65535, e->seg.win_hi);
	EXPECT_TRUE(e->seg.opts_any);

	e = &s.ev[3];
	EXPECT_EQ(WS_T_ANY, e->time);
	EXPECT_FALSE(e->seg.has_win);
	EXPECT_FALSE(e->seg.opts_any);
	EXPECT_EQ(0, e->seg.nopts);

	e = &s.ev[4];
	EXPECT_EQ(WS_WRITE, e->call.sys);
	EXPECT_EQ(2000, e->call.arg[2].num);
	EXPECT_EQ(2000, e->call.ret);

	e = &s.ev[5];
	EXPECT_EQ(-1, e->call.ret);
	EXPECT_EQ(EAGAIN, e->call.err);

	e = &s.ev[6];
	EXPECT_EQ(WS_SETSOCKOPT, e->call.sys);
	EXPECT_EQ(IPPROTO_TCP, e->call.arg[1].num);
	EXPECT_EQ(TCP_QUICKACK, e->call.arg[2].num);
	EXPECT_EQ(WS_ARG_BOX, e->call.arg[3].kind);
	EXPECT_EQ(0, e->call.arg[3].num);

	EXPECT_EQ(WS_QUIET, s.ev[7].kind);
	EXPECT_EQ(0.3, s.ev[7].t);
	ws_free(&s);
}

TEST(segment_numbers_and_flags)
{
	struct ws_script s;
	const struct ws_seg *g;

	ASSERT_EQ(0, parse(&s, "0 < P. 1001:2001(1000) ack 7 win 0\n"
			       "+0 > RF 5:5(0) win 3\n"));
	g = &s.ev[0].seg;
	EXPECT_EQ(WS_PSH | WS_ACK, g->flags);
	EXPECT_EQ(1001, g->start);
	EXPECT_EQ(2001, g->end);
	EXPECT_EQ(7, g->ack);
	EXPECT_EQ(0, g->win_lo);
	EXPECT_EQ(WS_RST | WS_FIN, s.ev[1].seg.flags);
	ws_free(&s);
}

/* Each bad script is refused, and the message names the bad line. */
TEST(bad_lines_name_their_line)
{
	static const struct {
		const char *text;
		const char *line;
	} bad[] = {
		{ "0 < S 0:0(0)\n+0 frobnicate(3) = 0\n", "line 2:" },
		{ "0 < S 0:10(0)\n", "line 1:" },	/* END - START */
		{ "\n\n0 < SS 0:0(0)\n", "line 3:" },	/* a flag twice */
		{ "0 < X 0:0(0)\n", "line 1:" },
		{ "0 < . 1:1(0)\n", "line 1:" },	/* '.' without ack */
		{ "0 < S 0:0(0) ack 1\n", "line 1:" },	/* ack without '.' */
		{ "0 < S 0:0(0) win *\n", "line 1:" },	/* incoming: a window */
		{ "0 < S 0:0(0) <...>\n", "line 1:" },
		{ "0 < S 0:0(0) <mss *>\n", "line 1:" },
		{ "0 < S 0:0(0) <mss 1000,wscale 7>\n", "line 1:" }, /* 7 bytes */
		{ "0 < S 0:0(0) <mss 70000>\n", "line 1:" },
		{ "0 < S 0:0(0) <mss 1000 nop>\n", "line 1:" },
		{ "0 < S 0:0(0) <bogus>\n", "line 1:" },
		{ "0 > S 0:0(0) win 9..3\n", "line 1:" },
		{ "0 close(3, 4) = 0\n", "line 1:" },
		{ "0 close(3) = -1 EWHAT\n", "line 1:" },
		{ "0 close(3) = -1\n", "line 1:" },
		{ "0 close(3)\n", "line 1:" },
		{ "0 socket(3, SOCK_STREAM, 0) = 3\n", "line 1:" },
		{ "0 write(3, 7, 10) = 10\n", "line 1:" },
		{ "0 send(3, ..., 10) = 10\n", "line 1:" },	/* no flags */
		{ "0 poll(3, ..., 0) = 0\n", "line 1:" },
		{ "0 write(3, ..., 10) = 10..5\n", "line 1:" },
		{ "0 accept(3, ..., ...) = 4..5\n", "line 1:" },
		{ "0 shutdown(3, SHUT_SIDEWAYS) = 0\n", "line 1:" },
		{ "0 close(3) = 0 junk\n", "line 1:" },
		{ "* close(3) = 0\n", "line 1:" },	/* "*" time: outgoing only */
		{ "+x close(3) = 0\n", "line 1:" },
		{ "0 quiet\n%tolerance -1\n", "line 2:" },
		{ "0 quiet\n%sysctl bsd kern/x 1\n", "line 2:" },
		{ "0 quiet\n%sysctl inet ../../etc 1\n", "line 2:" },
		{ "0 quiet\n%frob\n", "line 2:" },
		{ "# nothing but a comment\n", "line 1:" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct ws_script s;

		EXPECT_EQ(-1, parse(&s, bad[i].text)) {
			TH_LOG("accepted: %s", bad[i].text);
		}
		EXPECT_EQ(0, strncmp(s.err, bad[i].line, strlen(bad[i].line))) {
			TH_LOG("%s: %s", bad[i].text, s.err);
		}
		ws_free(&s);
	}
}

/* Text to list to text, and list to wire to list, unchanged. */
TEST(options_round_trip)
{
	static const char *const lists[] = {
		"<mss 1000,sackOK,nop,nop,nop,wscale 7>",
		"<mss 1460,nop,nop,sackOK,nop,wscale 7>",
		"<nop,nop,TS val 100 ecr 0,mss 536,nop,wscale 14,nop,nop,sackOK>",
		"<nop,nop,sack 1:1001 2001:3001>",
		"<nop,nop,sack 1:2 3:4 5:6 7:8>",
		"<nop,nop,nop,eol>",
		"<>",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lists); i++) {
		struct ws_cur c = { .line = 1 };
		struct ws_seg a = { 0 }, b = { 0 };
		unsigned char wire[40];
		char text[256], err[200];
		int n;

		c.p = lists[i];
		c.err = err;
		ASSERT_EQ(0, ws_parse_opts(&c, &a)) {
			TH_LOG("%s: %s", lists[i], err);
		}
		ws_format_opts(&a, text, sizeof(text));
		EXPECT_STREQ(lists[i], text);
		n = ws_opts_encode(&a, wire);
		EXPECT_EQ(0, n % 4);
		ASSERT_EQ(0, ws_opts_decode(wire, n, &b));
		EXPECT_TRUE(ws_opts_match(&a, &b)) {
			TH_LOG("%s: decoded differently", lists[i]);
		}
		ws_format_opts(&b, text, sizeof(text));
		EXPECT_STREQ(lists[i], text);
	}
}

/* "*" values and "<...>" match what they should, and no more. */
TEST(options_match)
{
	struct ws_seg want = { 0 }, got = { 0 };
	struct ws_cur c = { .line = 1 };
	unsigned char wire[] = { 2, 4, 5, 0xb4, 1, 3, 3, 7 };
	char err[200];

	ASSERT_EQ(0, ws_opts_decode(wire, sizeof(wire), &got));
	c.err = err;
	c.p = "<mss *,nop,wscale 7>";
	ASSERT_EQ(0, ws_parse_opts(&c, &want));
	EXPECT_TRUE(ws_opts_match(&want, &got));
	c.p = "<mss 1460,nop,wscale 8>";
	ASSERT_EQ(0, ws_parse_opts(&c, &want));
	EXPECT_FALSE(ws_opts_match(&want, &got));
	c.p = "<mss 1460,wscale 7,nop>";
	ASSERT_EQ(0, ws_parse_opts(&c, &want));
	EXPECT_FALSE(ws_opts_match(&want, &got));
	c.p = "<...>";
	ASSERT_EQ(0, ws_parse_opts(&c, &want));
	EXPECT_TRUE(ws_opts_match(&want, &got));
	c.p = "<>";
	ASSERT_EQ(0, ws_parse_opts(&c, &want));
	EXPECT_FALSE(ws_opts_match(&want, &got));
}

/* Malformed options on the wire are refused, not read past their end. */
TEST(options_decode_refuses_malformed)
{
	static const unsigned char bad[][4] = {
		{ 2, 4, 5 },		/* MSS cut short */
		{ 3, 2, 1, 1 },		/* wscale of length 2 */
		{ 2, 0, 1, 1 },		/* length 0 */
		{ 99, 4, 0, 0 },	/* unknown kind */
	};
	static const int len[] = { 3, 4, 4, 4 };
	struct ws_seg s;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(len); i++)
		EXPECT_EQ(-1, ws_opts_decode(bad[i], len[i], &s));
}

/* A call prints back as it was written. */
TEST(calls_round_trip)
{
	static const char *const calls[] = {
		"socket(..., SOCK_STREAM, 0) = 3",
		"shutdown(4, SHUT_WR) = -1 ENOTCONN",
		"setsockopt(4, IPPROTO_TCP, TCP_NODELAY, [1], 4) = 0",
		"fcntl(3, F_SETFL, O_NONBLOCK) = 0",
		"write(4, ..., 2000) = 2000",
		"send(4, ..., 100, MSG_MORE) = 100",
		"poll(4, POLLIN, 0) = 0",
		"write(4, ..., 65536) = 1..65536",
		"setsockopt(4, SOL_SOCKET, SO_RCVLOWAT, [200], 4) = 0",
		"setsockopt(4, IPPROTO_TCP, TCP_KEEPIDLE, [1], 4) = -1 EINVAL",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(calls); i++) {
		struct ws_script s;
		char line[300], text[300];

		snprintf(line, sizeof(line), "0 %s\n", calls[i]);
		ASSERT_EQ(0, parse(&s, line)) {
			TH_LOG("%s", s.err);
		}
		ws_format_call(&s.ev[0].call, text, sizeof(text));
		EXPECT_STREQ(calls[i], text);
		ws_free(&s);
	}
}

TEST_HARNESS_MAIN
