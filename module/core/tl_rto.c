// SPDX-License-Identifier: GPL-2.0
/*
 * tl_rto.c - RFC 6298 "Computing TCP's Retransmission Timer".
 */
#include "tl_types.h"
#include "tl_rto.h"

static u32 tl_rto_clamp(const struct tl_rto *r, u64 rto)
{
	/*
	 * Section 2.4 recommends a 1 second minimum; Linux (and tcplab by
	 * default) uses 200 ms, which the RFC permits as long as the
	 * choice is deliberate.  Section 2.5 allows a maximum "provided it
	 * is at least 60 seconds".
	 */
	if (rto < r->min_rto)
		return r->min_rto;
	if (rto > r->max_rto)
		return r->max_rto;
	return (u32)rto;
}

void tl_rto_init(struct tl_rto *r, u32 initial, u32 min_rto, u32 max_rto,
		 u32 granularity)
{
	r->srtt8 = 0;
	r->rttvar4 = 0;
	r->min_rto = min_rto;
	r->max_rto = max_rto;
	r->granularity = granularity;
	r->backoff = 0;
	/* Section 2.1: before any measurement, RTO <- initial (1 s). */
	r->rto = tl_rto_clamp(r, initial);
}

void tl_rto_sample(struct tl_rto *r, u32 rtt)
{
	/* LAB rto: begin */
	s32 m;

	/*
	 * Clamp absurd samples so the scaled sums below stay inside 32 bits;
	 * an RTT above max_rto cannot change the clamped result anyway.
	 */
	rtt = min_t(u32, rtt, r->max_rto);
	m = (s32)rtt;
	if (!rtt)
		m = 1;	/* a zero sample would look like "no sample yet" */

	if (!r->srtt8) {
		/*
		 * Section 2.2, first measurement R:
		 *   SRTT <- R, RTTVAR <- R/2
		 */
		r->srtt8 = (u32)m << 3;
		r->rttvar4 = (u32)m << 1;
	} else {
		/*
		 * Section 2.3, subsequent measurement R', in this order:
		 *   RTTVAR <- (1 - 1/4) * RTTVAR + 1/4 * |SRTT - R'|
		 *   SRTT   <- (1 - 1/8) * SRTT   + 1/8 * R'
		 * Both use the old SRTT, so compute the error first.  With the
		 * scaled variables, x += err - x/2^k is x = (1-2^-k)x + err.
		 */
		s32 err = m - (s32)(r->srtt8 >> 3);

		r->srtt8 += err;
		if (err < 0)
			err = -err;
		r->rttvar4 = r->rttvar4 - (r->rttvar4 >> 2) + (u32)err;
	}
	/*
	 * Section 2.2/2.3: RTO <- SRTT + max(G, K * RTTVAR) with K = 4;
	 * rttvar4 is exactly 4 * RTTVAR.
	 */
	r->rto = tl_rto_clamp(r, (u64)(r->srtt8 >> 3) +
				 max_t(u32, r->granularity, r->rttvar4));
	/*
	 * Section 5, note after rule 5.7: once a new RTT measurement is
	 * obtained the RTO is recomputed, "which may result in collapsing
	 * RTO back down after it has been subject to exponential back off".
	 * Until then (Karn, Section 3) the backed-off value stays.
	 */
	r->backoff = 0;
	/* LAB rto: end */
}

u32 tl_rto_timeout(const struct tl_rto *r)
{
	return tl_rto_clamp(r, (u64)r->rto << r->backoff);
}

void tl_rto_backoff(struct tl_rto *r)
{
	/* Section 5.5: "RTO <- RTO * 2 ("back off the timer")". */
	if (r->backoff < TL_RTO_MAX_BACKOFF)
		r->backoff++;
}

void tl_rto_raise(struct tl_rto *r, u32 floor)
{
	r->rto = tl_rto_clamp(r, max_t(u32, r->rto, floor));
}
