/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace.h - tcplab's tracepoints: the single source for the teaching
 * instruments.  Enable them in tracefs:
 *
 *   echo 1 > /sys/kernel/tracing/events/tcplab/enable
 *   cat /sys/kernel/tracing/trace_pipe
 *
 * Every state change of every connection and every segment in and out
 * is an event; sequence numbers are absolute, with the connection's ISS
 * and IRS alongside so a reader can make them relative.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM tcplab

#if !defined(_TCPLAB_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TCPLAB_TRACE_H

#include <linux/tracepoint.h>

#include "tcplab.h"

#define tcplab_show_state(s)						\
	__print_symbolic(s,						\
		{ TL_CLOSED, "CLOSED" }, { TL_LISTEN, "LISTEN" },	\
		{ TL_SYN_SENT, "SYN-SENT" },				\
		{ TL_SYN_RECEIVED, "SYN-RECEIVED" },			\
		{ TL_ESTABLISHED, "ESTABLISHED" },			\
		{ TL_FIN_WAIT_1, "FIN-WAIT-1" },			\
		{ TL_FIN_WAIT_2, "FIN-WAIT-2" },			\
		{ TL_CLOSE_WAIT, "CLOSE-WAIT" },			\
		{ TL_CLOSING, "CLOSING" }, { TL_LAST_ACK, "LAST-ACK" },	\
		{ TL_TIME_WAIT, "TIME-WAIT" })

#define tcplab_show_flags(f)						\
	__print_flags(f, "",						\
		{ TL_TCP_SYN, "S" }, { TL_TCP_FIN, "F" },		\
		{ TL_TCP_RST, "R" }, { TL_TCP_PSH, "P" },		\
		{ TL_TCP_ACK, "." }, { TL_TCP_URG, "U" },		\
		{ TL_TCP_ECE, "E" }, { TL_TCP_CWR, "W" })

/* The connection's addresses, common to every event. */
#define TCPLAB_TUPLE_ASSIGN(tsk)					\
	do {								\
		__entry->sk = (tsk);					\
		__entry->saddr = (tsk)->saddr;				\
		__entry->daddr = (tsk)->daddr;				\
		__entry->sport = ntohs((tsk)->sport);			\
		__entry->dport = ntohs((tsk)->dport);			\
	} while (0)

TRACE_EVENT(tcplab_state,
	TP_PROTO(const struct tcplab_sock *tsk, int oldstate, int newstate),
	TP_ARGS(tsk, oldstate, newstate),
	TP_STRUCT__entry(
		__field(const void *, sk)
		__field(__be32, saddr)
		__field(__be32, daddr)
		__field(u16, sport)
		__field(u16, dport)
		__field(int, oldstate)
		__field(int, newstate)
	),
	TP_fast_assign(
		TCPLAB_TUPLE_ASSIGN(tsk);
		__entry->oldstate = oldstate;
		__entry->newstate = newstate;
	),
	TP_printk("sk=%p %pI4:%u %pI4:%u %s -> %s", __entry->sk,
		  &__entry->saddr, __entry->sport, &__entry->daddr,
		  __entry->dport, tcplab_show_state(__entry->oldstate),
		  tcplab_show_state(__entry->newstate))
);

DECLARE_EVENT_CLASS(tcplab_segment_class,
	TP_PROTO(const struct tcplab_sock *tsk, const struct tl_tcphdr *th,
		 u32 len),
	TP_ARGS(tsk, th, len),
	TP_STRUCT__entry(
		__field(const void *, sk)
		__field(__be32, saddr)
		__field(__be32, daddr)
		__field(u16, sport)
		__field(u16, dport)
		__field(u32, seq)
		__field(u32, ack)
		__field(u32, len)
		__field(u32, iss)
		__field(u32, irs)
		__field(u16, wnd)
		__field(u8, flags)
		__field(int, state)
	),
	TP_fast_assign(
		TCPLAB_TUPLE_ASSIGN(tsk);
		__entry->seq = th->seq;
		__entry->ack = th->ack;
		__entry->len = len;
		__entry->iss = tsk->tcb.iss;
		__entry->irs = tsk->tcb.irs;
		__entry->wnd = th->wnd;
		__entry->flags = th->flags;
		__entry->state = tsk->tcb.state;
	),
	TP_printk("sk=%p %pI4:%u %pI4:%u [%s] seq=%u ack=%u win=%u len=%u iss=%u irs=%u state=%s",
		  __entry->sk, &__entry->saddr, __entry->sport,
		  &__entry->daddr, __entry->dport,
		  tcplab_show_flags(__entry->flags), __entry->seq,
		  __entry->ack, __entry->wnd, __entry->len, __entry->iss,
		  __entry->irs, tcplab_show_state(__entry->state))
);

/* A segment for this connection arrived (after checksum and parsing). */
DEFINE_EVENT(tcplab_segment_class, tcplab_segment_in,
	TP_PROTO(const struct tcplab_sock *tsk, const struct tl_tcphdr *th,
		 u32 len),
	TP_ARGS(tsk, th, len)
);

/* The core asked for this segment to be sent. */
DEFINE_EVENT(tcplab_segment_class, tcplab_segment_out,
	TP_PROTO(const struct tcplab_sock *tsk, const struct tl_tcphdr *th,
		 u32 len),
	TP_ARGS(tsk, th, len)
);

#endif /* _TCPLAB_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
