/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test_util.h - a tiny scripting language for driving a tcb (in the style
 * of smoltcp's and CS144's tests):
 *
 *	t_in(&c, "SYN|ACK", seq, ack, wnd, len);	a segment arrives
 *	EXPECT_SEG(&c, 0, "ACK", seq, ack);		first segment sent
 *	EXPECT_NOSEG(&c);				nothing sent
 *	EXPECT_STATE(&c, TL_ESTABLISHED);
 *
 * The connection under test is local port 1000, the peer port 2000.
 */
#ifndef _TCPLAB_TEST_UTIL_H
#define _TCPLAB_TEST_UTIL_H

#include <stdio.h>
#include <string.h>
#include "kselftest_harness.h"
#include "tl_tcb.h"
#include "tl_seq.h"

#define T_LPORT	1000
#define T_RPORT	2000
#define T_MSS	1000
#define T_BUF	8000
#define T_MSL	(30ULL * 1000000)

struct t_conn {
	struct tl_tcb tcb;
	struct tl_seq_range ooo[4];
	struct tl_actions act;
	u64 now;
};

static inline u8 t_flags(const char *s)
{
	static const struct { const char *n; u8 f; } names[] = {
		{ "FIN", TL_TCP_FIN }, { "SYN", TL_TCP_SYN },
		{ "RST", TL_TCP_RST }, { "PSH", TL_TCP_PSH },
		{ "ACK", TL_TCP_ACK }, { "URG", TL_TCP_URG },
	};
	u8 f = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (strstr(s, names[i].n))
			f |= names[i].f;
	return f;
}

/* Plain config: no options, no congestion control - windows are exact. */
static inline void t_cfg(struct tl_cfg *cfg)
{
	tl_cfg_default(cfg);
	cfg->opts = 0;
	cfg->cc = NULL;
	cfg->mss = T_MSS;
	cfg->rcv_buf = T_BUF;
	cfg->msl_us = T_MSL;
	/*
	 * Every data segment acknowledged at once, no Nagle: the scripts
	 * see one reply per segment.  test_flow.c turns these back on.
	 */
	cfg->delack_min_us = 0;
	cfg->nodelay = true;
}

static inline void t_init_cfg(struct t_conn *c, const struct tl_cfg *cfg)
{
	memset(c, 0, sizeof(*c));
	tl_tcb_init(&c->tcb, cfg, c->ooo, ARRAY_SIZE(c->ooo));
	c->now = 1000000;
}

static inline void t_init(struct t_conn *c)
{
	struct tl_cfg cfg;

	t_cfg(&cfg);
	t_init_cfg(c, &cfg);
}

static inline struct tl_seg_in t_seg(const char *flags, u32 seq, u32 ack,
				     u16 wnd, u32 len)
{
	struct tl_seg_in s;

	memset(&s, 0, sizeof(s));
	s.th.sport = T_RPORT;
	s.th.dport = T_LPORT;
	s.th.seq = seq;
	s.th.ack = ack;
	s.th.doff = 5;
	s.th.flags = t_flags(flags);
	s.th.wnd = wnd;
	s.len = len;
	return s;
}

/* A segment arrives at the connection under test. */
static inline struct tl_actions *t_in(struct t_conn *c, const char *flags,
				      u32 seq, u32 ack, u16 wnd, u32 len)
{
	struct tl_seg_in s = t_seg(flags, seq, ack, wnd, len);

	tl_input(&c->tcb, &s, c->now, &c->act);
	return &c->act;
}

static inline void t_fire(struct t_conn *c, enum tl_timer_id id)
{
	c->now = c->tcb.timer[id];
	tl_timer(&c->tcb, id, c->now, &c->act);
}

#define EXPECT_STATE(c, st) \
	ASSERT_STREQ(tl_state_name(st), tl_state_name((c)->tcb.state))

#define EXPECT_NOSEG(c) ASSERT_EQ(0, (c)->act.nseg)

#define EXPECT_SEG(c, i, fl, sq, ak) do { \
	ASSERT_GT((c)->act.nseg, (i)); \
	ASSERT_EQ(t_flags(fl), (c)->act.seg[i].th.flags); \
	ASSERT_EQ((u32)(sq), (c)->act.seg[i].th.seq); \
	if (t_flags(fl) & TL_TCP_ACK) \
		ASSERT_EQ((u32)(ak), (c)->act.seg[i].th.ack); \
} while (0)

#define EXPECT_DATA(c, i, len) ASSERT_EQ((u32)(len), (c)->act.seg[i].data_len)

/* Active open with @iss, answered by SYN,ACK from @irs: ESTABLISHED. */
#define T_ESTABLISH_ACTIVE(c, iss, irs) do { \
	ASSERT_EQ(0, tl_open_active(&(c)->tcb, T_LPORT, T_RPORT, (iss), \
				    (c)->now, &(c)->act)); \
	EXPECT_SEG(c, 0, "SYN", (iss), 0); \
	(c)->now += 10000; \
	t_in(c, "SYN|ACK", (irs), (u32)(iss) + 1, 60000, 0); \
	EXPECT_STATE(c, TL_ESTABLISHED); \
	EXPECT_SEG(c, 0, "ACK", (u32)(iss) + 1, (u32)(irs) + 1); \
} while (0)

#endif /* _TCPLAB_TEST_UTIL_H */
