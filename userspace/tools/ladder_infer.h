/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ladder_infer.h - tcplab-ladder's inference of the RFC 9293 states of
 * captured connections from their segments (ladder_infer.c), for the
 * capture reader (ladder_pcap.c).
 */
#ifndef LADDER_INFER_H
#define LADDER_INFER_H

#include "tltrace.h"

/*
 * The segments @ev[0..n-1] of a capture, TL_EV_OUT events in the order
 * captured (segment i of connection @ev_conn[i], 0 to @nconns - 1, sent
 * by its end @ev_side[i], 0 or 1), with the TL_EV_STATE events they
 * imply put among them; a state event names its end's addresses as the
 * segment that caused it does.  Returns the count and the array in *out,
 * or -1 when out of memory.
 */
int ladder_infer_states(const struct tl_ev *ev, const int *ev_conn,
			const unsigned char *ev_side, int n, int nconns,
			struct tl_ev **out);

#endif /* LADDER_INFER_H */
