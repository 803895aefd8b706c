/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tl_isn.h - initial sequence numbers (RFC 6528, RFC 9293 Section 3.4.1).
 *
 *   ISN = M + F(localip, localport, remoteip, remoteport, secretkey)
 *
 * M is a timer that ticks every 4 microseconds, so a fresh connection
 * between the same endpoints starts "above" the sequence numbers an old
 * incarnation can still have in flight.  F is a keyed pseudorandom
 * function of the connection identifier, so an off-path attacker cannot
 * predict the ISN of a connection it is not part of.
 *
 * F needs a secret key and a cryptographic hash; that belongs to the
 * kernel glue (siphash_3u32() with a boot-time random key, as Linux's
 * secure_tcp_seq() does), which passes the 32-bit result in.  The core
 * only does the composition, so tests can use a fixed F.
 */
#ifndef _TCPLAB_CORE_ISN_H
#define _TCPLAB_CORE_ISN_H

#include "tl_types.h"

/* M: the 4 microsecond clock of RFC 9293 Section 3.4.1, modulo 2^32. */
static inline u32 tl_isn_clock(u64 now_us)
{
	return (u32)(now_us >> 2);
}

/* Compose M + F (RFC 6528 Section 3) for time @now_us and hash @f. */
u32 tl_isn_compose(u64 now_us, u32 f);

#endif /* _TCPLAB_CORE_ISN_H */
