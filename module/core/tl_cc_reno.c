// SPDX-License-Identifier: GPL-2.0
/*
 * tl_cc_reno.c - Reno congestion control (RFC 5681).
 */
#include "tl_types.h"
#include "tl_cc.h"

/*
 * Bytes acknowledged in congestion avoidance since cwnd last grew
 * (RFC 5681 3.1 "appropriate byte counting" variant).
 */
#define RENO_BYTES_ACKED	0

static void tl_reno_init(struct tl_cc *cc, u64 now_us)
{
	/* RFC 6928: an initial window of 10 segments (see tl_cc.h) */
	cc->cwnd = tl_cc_initial_window(cc->mss);
	/* RFC 5681 3.1: "The initial value of ssthresh SHOULD be set
	 * arbitrarily high".
	 */
	cc->ssthresh = 0xffffffffU;
	cc->priv[RENO_BYTES_ACKED] = 0;
}

static void tl_reno_on_ack(struct tl_cc *cc, u32 acked, u32 rtt_us,
			   u64 now_us)
{
	/* LAB cc: begin */
	if (cc->cwnd < cc->ssthresh) {
		/*
		 * Slow start, RFC 5681 3.1 equation (2): cwnd += min(N, SMSS)
		 * per ACK, N being the newly acknowledged bytes.
		 */
		cc->cwnd += min_t(u32, acked, cc->mss);
		return;
	}
	/*
	 * Congestion avoidance: about one SMSS per round trip.  RFC 5681
	 * 3.1 allows counting bytes: once a cwnd worth of bytes has been
	 * acknowledged, cwnd += SMSS.  This avoids equation (3)'s division.
	 */
	cc->priv[RENO_BYTES_ACKED] += acked;
	if (cc->priv[RENO_BYTES_ACKED] >= cc->cwnd) {
		cc->priv[RENO_BYTES_ACKED] -= cc->cwnd;
		cc->cwnd += cc->mss;
	}
	/* LAB cc: end */
}

static void tl_reno_on_loss(struct tl_cc *cc, u32 flight, u64 now_us)
{
	/* LAB cc: begin */
	/*
	 * RFC 5681 3.2 step 2: ssthresh = max(FlightSize / 2, 2 * SMSS).
	 * Without fast recovery's window inflation, cwnd drops to ssthresh
	 * right away (the deflated value 3.2 step 6 ends with).
	 */
	cc->ssthresh = tl_cc_half_flight(cc, flight);
	cc->cwnd = cc->ssthresh;
	cc->priv[RENO_BYTES_ACKED] = 0;
	/* LAB cc: end */
}

static void tl_reno_on_rto(struct tl_cc *cc, u32 flight, u64 now_us)
{
	/* LAB cc: begin */
	/*
	 * RFC 5681 3.1: on a timeout ssthresh is set by equation (4) and
	 * "the congestion window MUST be set to no more than the loss
	 * window, LW, which equals 1 full-sized segment".
	 */
	cc->ssthresh = tl_cc_half_flight(cc, flight);
	cc->cwnd = cc->mss;
	cc->priv[RENO_BYTES_ACKED] = 0;
	/* LAB cc: end */
}

const struct tl_cc_ops tl_cc_reno = {
	.name		= "reno",
	.init		= tl_reno_init,
	.on_ack		= tl_reno_on_ack,
	.on_loss	= tl_reno_on_loss,
	.on_rto		= tl_reno_on_rto,
};
