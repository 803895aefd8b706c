// SPDX-License-Identifier: GPL-2.0
/*
 * tl_state.c - state names, spelled exactly as in RFC 9293 Section 3.3.2
 * so that traces can be compared with the RFC's state diagram (Figure 6).
 */
#include "tl_types.h"
#include "tl_state.h"

static const char *const tl_state_names[TL_STATE_NR] = {
	[TL_CLOSED]		= "CLOSED",
	[TL_LISTEN]		= "LISTEN",
	[TL_SYN_SENT]		= "SYN-SENT",
	[TL_SYN_RECEIVED]	= "SYN-RECEIVED",
	[TL_ESTABLISHED]	= "ESTABLISHED",
	[TL_FIN_WAIT_1]		= "FIN-WAIT-1",
	[TL_FIN_WAIT_2]		= "FIN-WAIT-2",
	[TL_CLOSE_WAIT]		= "CLOSE-WAIT",
	[TL_CLOSING]		= "CLOSING",
	[TL_LAST_ACK]		= "LAST-ACK",
	[TL_TIME_WAIT]		= "TIME-WAIT",
};

const char *tl_state_name(enum tl_state state)
{
	if (!tl_state_valid(state))
		return "INVALID";
	return tl_state_names[state];
}
