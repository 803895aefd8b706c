/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tl_paws.h - timestamps (RFC 7323): the clock, RTT samples from TSecr
 * (Section 4) and Protection Against Wrapped Sequences (Section 5).
 */
#ifndef _TCPLAB_CORE_PAWS_H
#define _TCPLAB_CORE_PAWS_H

#include "tl_types.h"

struct tl_tcb;
struct tl_seg_in;

/*
 * The timestamp clock: microseconds >> 10, ticks of 1.024 ms (Linux's
 * TCP_TS_HZ is 1000).  RFC 7323 5.4 wants 1 ms to 1 s per tick.
 */
#define TL_TS_SHIFT	10

/* Timestamps this much older than TS.Recent still pass (Linux's too). */
#define TL_PAWS_WINDOW	1

/* RFC 7323 5.5: TS.Recent is invalid after 24 days of idleness. */
#define TL_PAWS_IDLE_US	(24ULL * 24 * 3600 * 1000000)

static inline u32 tl_ts_now(u64 now)
{
	return (u32)(now >> TL_TS_SHIFT);
}

/*
 * RFC 7323 5.3 R1: true if the segment carries a timestamp older than
 * TS.Recent (and is no RST), so it must be dropped and acknowledged.
 */
bool tl_paws_reject(const struct tl_tcb *tcb, const struct tl_seg_in *seg,
		    u64 now);

/*
 * RFC 7323 4.1: an RTT sample in microseconds from the TSecr of an ACK
 * that advanced SND.UNA, or 0 if there is none.
 */
u32 tl_ts_rtt_sample(const struct tl_tcb *tcb, const struct tl_seg_in *seg,
		     u64 now);

#endif /* _TCPLAB_CORE_PAWS_H */
