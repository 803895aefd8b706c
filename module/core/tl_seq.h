/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tl_seq.h - sequence number arithmetic (RFC 9293 Section 3.4).
 *
 * "It is essential to remember that the actual sequence number space is
 * finite, though large.  This space ranges from 0 to 2^32 - 1.  Since the
 * space is finite, all arithmetic dealing with sequence numbers must be
 * performed modulo 2^32."  (RFC 9293 Section 3.4)
 *
 * Comparing two sequence numbers therefore means asking whether the
 * distance from one to the other, taken as a signed 32-bit value, is
 * negative.  That is only meaningful while the two numbers are less than
 * 2^31 apart, which TCP guarantees because windows are at most 2^30
 * (RFC 7323 Section 2.3).  Linux uses the same trick (before()/after() in
 * include/net/tcp.h).
 */
#ifndef _TCPLAB_CORE_SEQ_H
#define _TCPLAB_CORE_SEQ_H

#include "tl_types.h"

/* a < b in sequence space */
static inline bool tl_seq_lt(u32 a, u32 b)
{
	/* LAB seq: begin */
	return (s32)(a - b) < 0;
	/* LAB seq: end */
}

/* a <= b in sequence space */
static inline bool tl_seq_leq(u32 a, u32 b)
{
	/* LAB seq: begin */
	return (s32)(a - b) <= 0;
	/* LAB seq: end */
}

/* a > b in sequence space */
static inline bool tl_seq_gt(u32 a, u32 b)
{
	return tl_seq_lt(b, a);
}

/* a >= b in sequence space */
static inline bool tl_seq_geq(u32 a, u32 b)
{
	return tl_seq_leq(b, a);
}

/*
 * lo <= x <= hi, measured as distances from lo so that the test is right
 * even when the interval itself wraps past 2^32.
 */
static inline bool tl_seq_between(u32 lo, u32 x, u32 hi)
{
	/* LAB seq: begin */
	return (u32)(x - lo) <= (u32)(hi - lo);
	/* LAB seq: end */
}

/*
 * start <= x < start + wnd: the "window test" used by the acceptability
 * check of RFC 9293 Section 3.10.7.4.  A zero window contains nothing.
 */
static inline bool tl_seq_in_window(u32 x, u32 start, u32 wnd)
{
	/* LAB seq: begin */
	return (u32)(x - start) < wnd;
	/* LAB seq: end */
}

static inline u32 tl_seq_max(u32 a, u32 b)
{
	return tl_seq_lt(a, b) ? b : a;
}

static inline u32 tl_seq_min(u32 a, u32 b)
{
	return tl_seq_lt(a, b) ? a : b;
}

/* Clamp x into [lo, hi] (sequence space; requires lo <= hi). */
static inline u32 tl_seq_clamp(u32 x, u32 lo, u32 hi)
{
	return tl_seq_min(tl_seq_max(x, lo), hi);
}

#endif /* _TCPLAB_CORE_SEQ_H */
