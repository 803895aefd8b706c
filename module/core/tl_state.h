/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tl_state.h - the eleven connection states of RFC 9293 Section 3.3.2.
 */
#ifndef _TCPLAB_CORE_STATE_H
#define _TCPLAB_CORE_STATE_H

#include "tl_types.h"

enum tl_state {
	TL_CLOSED,
	TL_LISTEN,
	TL_SYN_SENT,
	TL_SYN_RECEIVED,
	TL_ESTABLISHED,
	TL_FIN_WAIT_1,
	TL_FIN_WAIT_2,
	TL_CLOSE_WAIT,
	TL_CLOSING,
	TL_LAST_ACK,
	TL_TIME_WAIT,
	TL_STATE_NR,
};

/* The RFC's spelling of a state ("SYN-RECEIVED"), or "INVALID". */
const char *tl_state_name(enum tl_state state);

static inline bool tl_state_valid(enum tl_state state)
{
	return (unsigned int)state < TL_STATE_NR;
}

/*
 * "Synchronized" states are those after the three-way handshake has
 * completed: ESTABLISHED and everything after it (RFC 9293 Section 3.5,
 * Section 3.10.7.4 "fourth" and "second" use this term).
 */
static inline bool tl_state_synchronized(enum tl_state state)
{
	return state >= TL_ESTABLISHED && state < TL_STATE_NR;
}

#endif /* _TCPLAB_CORE_STATE_H */
