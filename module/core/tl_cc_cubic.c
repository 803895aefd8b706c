// SPDX-License-Identifier: GPL-2.0
/*
 * tl_cc_cubic.c - CUBIC congestion control (RFC 9438).
 *
 * After a congestion event CUBIC grows the window along a cubic curve of
 * the time since that event:
 *
 *	W_cubic(t) = C * (t - K)^3 + W_max		(RFC 9438, eq. 1)
 *	K = cubic_root((W_max - cwnd_epoch) / C)	(eq. 2)
 *
 * with C = 0.4 (segments / s^3): concave up to the window where the loss
 * happened (W_max), a plateau around it, then convex probing beyond.  A
 * Reno estimate W_est (Section 4.3) keeps it at least as aggressive as
 * Reno on short-RTT paths.  The kernel has no floating point, so windows
 * are bytes, times are milliseconds and the constants are fractions.
 */
#include "tl_types.h"
#include "tl_cc.h"

/* beta_cubic = 0.7 (Section 4.6) as 7/10 */
#define CUBIC_BETA_NUM		7
#define CUBIC_BETA_DEN		10
/* alpha_cubic = 3 (1 - beta) / (1 + beta) = 0.529 (Section 4.3), /1024 */
#define CUBIC_ALPHA_1024	542
/* Clamp |t - K| (ms) so (t - K)^3 fits the arithmetic below: 100 s. */
#define CUBIC_DT_MAX_MS		100000

/* State in tl_cc.priv[] */
enum {
	CUBIC_WMAX,		/* W_max, bytes */
	CUBIC_ORIGIN,		/* the curve's plateau: max(W_max, cwnd_epoch) */
	CUBIC_K_MS,		/* K in milliseconds */
	CUBIC_EPOCH,		/* start of the epoch (us), 0 = none yet */
	CUBIC_WEST,		/* W_est in bytes << 10 */
	CUBIC_CNT,		/* fractional cwnd growth in bytes << 10 */
	CUBIC_RTT,		/* latest RTT sample (us) */
};

/* Largest r with r^3 <= x. */
static u32 tl_cbrt(u64 x)
{
	u32 r = 0;
	int bit;

	for (bit = 21; bit >= 0; bit--) {
		u64 c = r | (1U << bit);

		if (c * c * c <= x)
			r = (u32)c;
	}
	return r;
}

static void tl_cubic_reset_epoch(struct tl_cc *cc)
{
	cc->priv[CUBIC_EPOCH] = 0;
	cc->priv[CUBIC_CNT] = 0;
}

static void tl_cubic_init(struct tl_cc *cc, u64 now_us)
{
	memset(cc->priv, 0, sizeof(cc->priv));
	/* RFC 6928 initial window; "ssthresh ... arbitrarily high". */
	cc->cwnd = tl_cc_initial_window(cc->mss);
	cc->ssthresh = 0xffffffffU;
}

/*
 * W_cubic(t) in bytes for @t_ms since the epoch: C * (t - K)^3 segments
 * around the origin, with C = 0.4 = 4 / 10 and t in ms:
 * 4 * d^3 / 10^10 segments, computed as (d^3 / 10^5) * 4 * mss / 10^5.
 */
static u64 tl_cubic_w(const struct tl_cc *cc, u64 t_ms)
{
	s64 d = (s64)t_ms - (s64)cc->priv[CUBIC_K_MS];
	u64 ad = d < 0 ? -d : d, off;

	if (ad > CUBIC_DT_MAX_MS)
		ad = CUBIC_DT_MAX_MS;
	off = ad * ad * ad / 100000 * 4 * cc->mss / 100000;
	if (d >= 0)
		return cc->priv[CUBIC_ORIGIN] + off;
	return off < cc->priv[CUBIC_ORIGIN] ? cc->priv[CUBIC_ORIGIN] - off : 0;
}

static void tl_cubic_epoch_start(struct tl_cc *cc, u64 now_us)
{
	u64 wmax = cc->priv[CUBIC_WMAX];

	cc->priv[CUBIC_EPOCH] = now_us ? now_us : 1;
	cc->priv[CUBIC_CNT] = 0;
	/* Section 4.3: "W_est is set equal to cwnd_epoch" at its start. */
	cc->priv[CUBIC_WEST] = (u64)cc->cwnd << 10;
	if (wmax > cc->cwnd) {
		/*
		 * Eq. 2: K^3 = (W_max - cwnd_epoch) / C seconds^3; in ms^3
		 * and bytes: (W_max - cwnd) / mss * 2.5 * 10^9.
		 */
		cc->priv[CUBIC_K_MS] = tl_cbrt((wmax - cc->cwnd) * 2500000000ULL /
					       cc->mss);
		cc->priv[CUBIC_ORIGIN] = wmax;
	} else {
		/* Beyond the old maximum: the curve starts convex here. */
		cc->priv[CUBIC_K_MS] = 0;
		cc->priv[CUBIC_ORIGIN] = cc->cwnd;
	}
}

static void tl_cubic_on_ack(struct tl_cc *cc, u32 acked, u32 rtt_us,
			    u64 now_us)
{
	u64 t_ms, target, w_t, west, alpha, inc;

	if (rtt_us)
		cc->priv[CUBIC_RTT] = rtt_us;
	if (cc->cwnd < cc->ssthresh) {
		/* Section 4.10: slow start as in RFC 5681 (eq. 2). */
		cc->cwnd += min_t(u32, acked, cc->mss);
		return;
	}
	if (!cc->priv[CUBIC_EPOCH])
		tl_cubic_epoch_start(cc, now_us);

	t_ms = (now_us - cc->priv[CUBIC_EPOCH]) / 1000;
	w_t = tl_cubic_w(cc, t_ms);
	/*
	 * Section 4.2: the target is W_cubic(t + RTT), kept within
	 * [cwnd, 1.5 cwnd].
	 */
	target = tl_cubic_w(cc, t_ms + cc->priv[CUBIC_RTT] / 1000);
	if (target < cc->cwnd)
		target = cc->cwnd;
	if (target > cc->cwnd + cc->cwnd / 2)
		target = cc->cwnd + cc->cwnd / 2;

	/*
	 * Section 4.3, Reno-friendly region: W_est grows by alpha_cubic
	 * segments per window acknowledged (alpha 1 once W_est reaches
	 * W_max); when W_cubic(t) is below W_est, cwnd follows W_est.
	 */
	alpha = (cc->priv[CUBIC_WEST] >> 10) >= cc->priv[CUBIC_WMAX] ?
		1024 : CUBIC_ALPHA_1024;
	cc->priv[CUBIC_WEST] += alpha * cc->mss * acked / cc->cwnd;
	west = cc->priv[CUBIC_WEST] >> 10;
	if (w_t < west) {
		if (west > cc->cwnd)
			cc->cwnd = (u32)min_t(u64, west, 0xffffffffU);
		return;
	}
	/*
	 * Sections 4.4/4.5, concave and convex regions: "cwnd MUST be
	 * incremented by (target - cwnd) / cwnd for each received new ACK"
	 * (per segment acknowledged); with bytes: (target - cwnd) * acked /
	 * cwnd, accumulated with 10 fractional bits.
	 */
	cc->priv[CUBIC_CNT] += ((target - cc->cwnd) << 10) * acked / cc->cwnd;
	inc = cc->priv[CUBIC_CNT] >> 10;
	if (inc) {
		cc->priv[CUBIC_CNT] -= inc << 10;
		cc->cwnd += (u32)inc;
	}
}

/* Sections 4.6 and 4.7: multiplicative decrease, fast convergence. */
static void tl_cubic_decrease(struct tl_cc *cc)
{
	u32 cwnd = cc->cwnd;

	/*
	 * 4.7: "if cwnd < W_max and fast convergence is enabled, further
	 * reduce W_max": W_max = cwnd * (1 + beta) / 2; else W_max = cwnd.
	 */
	if (cwnd < cc->priv[CUBIC_WMAX])
		cc->priv[CUBIC_WMAX] = (u64)cwnd *
			(CUBIC_BETA_DEN + CUBIC_BETA_NUM) / (2 * CUBIC_BETA_DEN);
	else
		cc->priv[CUBIC_WMAX] = cwnd;
	/* 4.6: ssthresh = cwnd * beta_cubic, at least 2 segments. */
	cc->ssthresh = max_t(u32, (u64)cwnd * CUBIC_BETA_NUM / CUBIC_BETA_DEN,
			     2 * cc->mss);
	tl_cubic_reset_epoch(cc);
}

static void tl_cubic_on_loss(struct tl_cc *cc, u32 flight, u64 now_us)
{
	tl_cubic_decrease(cc);
	/* 4.6: "cwnd = ssthresh" (the reduced window). */
	cc->cwnd = cc->ssthresh;
}

static void tl_cubic_on_rto(struct tl_cc *cc, u32 flight, u64 now_us)
{
	/*
	 * 4.8: on a timeout "CUBIC follows Reno to reduce cwnd ... but sets
	 * ssthresh using beta_cubic": one segment, then slow start.
	 */
	tl_cubic_decrease(cc);
	cc->cwnd = cc->mss;
}

const struct tl_cc_ops tl_cc_cubic = {
	.name		= "cubic",
	.init		= tl_cubic_init,
	.on_ack		= tl_cubic_on_ack,
	.on_loss	= tl_cubic_on_loss,
	.on_rto		= tl_cubic_on_rto,
};
