/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tl_cc.h - congestion control behind a small ops table (RFC 5681 words:
 * cwnd and ssthresh, both in bytes).
 *
 * The connection calls the hooks; an algorithm only moves cwnd and
 * ssthresh.  The caller owns the struct tl_cc storage (inside the tcb).
 */
#ifndef _TCPLAB_CORE_CC_H
#define _TCPLAB_CORE_CC_H

#include "tl_types.h"

/* RFC 6928: initial window of 10 segments. */
#define TL_CC_INIT_WND_SEGS	10
#define TL_CC_PRIV_WORDS	8

struct tl_cc;

struct tl_cc_ops {
	const char *name;
	/* Connection established: set the initial window. */
	void (*init)(struct tl_cc *cc, u64 now_us);
	/* @acked new bytes were acknowledged; @rtt_us is 0 without sample. */
	void (*on_ack)(struct tl_cc *cc, u32 acked, u32 rtt_us, u64 now_us);
	/* Loss detected by duplicate ACKs, @flight bytes outstanding. */
	void (*on_loss)(struct tl_cc *cc, u32 flight, u64 now_us);
	/* The retransmission timer expired with @flight bytes outstanding. */
	void (*on_rto)(struct tl_cc *cc, u32 flight, u64 now_us);
};

struct tl_cc {
	const struct tl_cc_ops *ops;
	u32 mss;	/* sender MSS (SMSS) */
	u32 cwnd;
	u32 ssthresh;
	u64 priv[TL_CC_PRIV_WORDS];	/* algorithm state */
};

extern const struct tl_cc_ops tl_cc_reno;
extern const struct tl_cc_ops tl_cc_cubic;

/* The algorithm called @name ("reno", "cubic"), or NULL (tl_cc.c). */
const struct tl_cc_ops *tl_cc_find(const char *name);
/* Change the algorithm of a connection, keeping cwnd and ssthresh. */
void tl_cc_switch(struct tl_cc *cc, const struct tl_cc_ops *ops);

/*
 * RFC 5681 Section 3.1 equation (4): ssthresh = max(FlightSize / 2,
 * 2 * SMSS), used by Reno on loss.
 */
static inline u32 tl_cc_half_flight(const struct tl_cc *cc, u32 flight)
{
	return max_t(u32, flight / 2, 2 * cc->mss);
}

/*
 * RFC 6928 2: "min (10*MSS, max (2*MSS, 14600))".  Linux (TCP_INIT_CWND)
 * uses 10 segments whatever the MSS, which only differs for MSS above
 * 1460 (loopback, jumbo frames); tcplab follows Linux, its oracle.
 */
static inline u32 tl_cc_initial_window(u32 mss)
{
	return TL_CC_INIT_WND_SEGS * mss;
}

/*
 * Was the sender using its window when @flight bytes were out?  RFC 7661
 * (and Linux's tcp_is_cwnd_limited()): cwnd only grows when it is what
 * limits sending, else an application- or receiver-limited connection
 * would build a window it never tested.  Slow start may still double
 * what was in flight.
 */
static inline bool tl_cc_limited(const struct tl_cc *cc, u32 flight, u32 mss)
{
	if (cc->cwnd < cc->ssthresh)
		return cc->cwnd < 2 * flight;
	return flight + mss >= cc->cwnd;
}

#endif /* _TCPLAB_CORE_CC_H */
