// SPDX-License-Identifier: GPL-2.0
/*
 * tl_paws.c - the two uses of the TCP timestamps option (RFC 7323):
 * RTTM, round-trip time measurement (Section 4), and PAWS, Protection
 * Against Wrapped Sequences (Section 5).
 */
#include "tl_types.h"
#include "tl_tcb_priv.h"
#include "tl_paws.h"

bool tl_paws_reject(const struct tl_tcb *tcb, const struct tl_seg_in *seg,
		    u64 now)
{
	if (!(tcb->opts & TL_TCB_TS) || !(seg->opts.present & TL_OPTF_TS))
		return false;
	/*
	 * RFC 7323 5.3 R1: "If there is a Timestamps option in the
	 * arriving segment, SEG.TSval < TS.Recent, TS.Recent is valid (see
	 * later discussion), and the RST bit is not set, then treat the
	 * arriving segment as not acceptable".  Timestamps compare modulo
	 * 2^32 like sequence numbers (5.2).
	 */
	if (seg->th.flags & TL_TCP_RST)
		return false;
	/*
	 * Linux tolerates one tick (TCP_PAWS_WINDOW): a sender that paces
	 * stamps data with its departure time, which may run ahead of the
	 * clock its pure ACKs carry.
	 */
	if (!tl_seq_lt(seg->opts.tsval + TL_PAWS_WINDOW, tcb->ts_recent))
		return false;
	/*
	 * 5.5: a connection idle for more than 24 days has an invalid
	 * TS.Recent (the peer's clock may have wrapped its sign bit).  A
	 * zero stamp means TS.Recent came from the SYN just now.
	 */
	if (tcb->ts_recent_stamp && now - tcb->ts_recent_stamp > TL_PAWS_IDLE_US)
		return false;
	return true;
}

u32 tl_ts_rtt_sample(const struct tl_tcb *tcb, const struct tl_seg_in *seg,
		     u64 now)
{
	u32 ticks;

	/*
	 * RFC 7323 4.1: "the RTT is measured as the difference between the
	 * current time and the timestamp echoed", and (4.2) the echoed
	 * value belongs to a segment that really arrived, so unlike
	 * sequence-based timing it stays valid for retransmitted data:
	 * Karn's ambiguity does not arise.  TSecr 0 is treated as "no
	 * echo" (Linux does the same; 4.3 lets a SYN's TSecr be 0).
	 */
	if (!(tcb->opts & TL_TCB_TS) || !(seg->opts.present & TL_OPTF_TS) ||
	    !seg->opts.tsecr)
		return 0;
	ticks = tl_ts_now(now) - seg->opts.tsecr;
	if ((s32)ticks < 0 || ticks > (tcb->cfg.rto_max_us >> TL_TS_SHIFT))
		return 0;	/* from the future, or absurd: no sample */
	/* Half a tick more: a 0-tick difference is not a 0 us RTT. */
	return (ticks << TL_TS_SHIFT) + (1U << (TL_TS_SHIFT - 1));
}
