/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tl_rto.h - retransmission timeout estimator (RFC 6298).
 *
 * All times are in microseconds.  Like Linux (tcp_rtt_estimator() in
 * net/ipv4/tcp_input.c) SRTT and RTTVAR are kept scaled by 8 and 4 so that
 * the RFC's alpha = 1/8 and beta = 1/4 become shifts and no precision is
 * lost to integer division.
 */
#ifndef _TCPLAB_CORE_RTO_H
#define _TCPLAB_CORE_RTO_H

#include "tl_types.h"

#define TL_USEC_PER_SEC		1000000U
#define TL_USEC_PER_MSEC	1000U
/* RFC 6298 Section 2.1: "the RTO SHOULD be set to one second" initially. */
#define TL_RTO_INITIAL		TL_USEC_PER_SEC
/* Linux's TCP_RTO_MIN and TCP_RTO_MAX. */
#define TL_RTO_MIN_DEFAULT	(200U * 1000U)
#define TL_RTO_MAX_DEFAULT	(120U * TL_USEC_PER_SEC)
/* RFC 6298 Section 5.7: RTO after a SYN timeout is at least 3 seconds. */
#define TL_RTO_AFTER_SYN_TIMEOUT (3U * TL_USEC_PER_SEC)
/* Backing off further than this would exceed any sane max_rto anyway. */
#define TL_RTO_MAX_BACKOFF	16

struct tl_rto {
	u32 srtt8;	/* SRTT << 3; 0 while there is no sample yet */
	u32 rttvar4;	/* RTTVAR << 2 */
	u32 rto;	/* RTO before backoff, already clamped */
	u32 min_rto;
	u32 max_rto;
	u32 granularity; /* G, the clock granularity */
	u8 backoff;	/* number of doublings (Section 5.5) */
};

/* Start with no samples and RTO = @initial (clamped to [min, max]). */
void tl_rto_init(struct tl_rto *r, u32 initial, u32 min_rto, u32 max_rto,
		 u32 granularity);

/*
 * Feed one RTT measurement.  The caller is responsible for Karn's rule
 * (Section 3): never feed a sample from a retransmitted segment.  A valid
 * sample also ends any backoff, see tl_rto.c.
 */
void tl_rto_sample(struct tl_rto *r, u32 rtt);

/* The timeout to arm now: RTO doubled per backoff, at most max_rto. */
u32 tl_rto_timeout(const struct tl_rto *r);

/* The timer expired: double the timeout (Section 5.5). */
void tl_rto_backoff(struct tl_rto *r);

/* Raise the base RTO to at least @floor (used for Section 5.7). */
void tl_rto_raise(struct tl_rto *r, u32 floor);

static inline u32 tl_rto_srtt(const struct tl_rto *r)
{
	return r->srtt8 >> 3;
}

static inline u32 tl_rto_rttvar(const struct tl_rto *r)
{
	return r->rttvar4 >> 2;
}

#endif /* _TCPLAB_CORE_RTO_H */
