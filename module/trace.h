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

/*
 * A segment is sent again.  @kind says why: "syn" (SYN or SYN-ACK
 * retry), "rto" (retransmission timeout), "fast" (three duplicate ACKs,
 * RFC 5681/6582), "sack" (RFC 6675 loss recovery), "probe" (zero-window
 * probe or tail probe).
 */
TRACE_EVENT(tcplab_retransmit,
	TP_PROTO(const struct tcplab_sock *tsk, u32 seq, u32 len,
		 const char *kind),
	TP_ARGS(tsk, seq, len, kind),
	TP_STRUCT__entry(
		__field(const void *, sk)
		__field(__be32, saddr)
		__field(__be32, daddr)
		__field(u16, sport)
		__field(u16, dport)
		__field(u32, seq)
		__field(u32, len)
		__field(u32, iss)
		__field(const char *, kind)
	),
	TP_fast_assign(
		TCPLAB_TUPLE_ASSIGN(tsk);
		__entry->seq = seq;
		__entry->len = len;
		__entry->iss = tsk->tcb.iss;
		__entry->kind = kind;
	),
	TP_printk("sk=%p %pI4:%u %pI4:%u seq=%u len=%u iss=%u kind=%s",
		  __entry->sk, &__entry->saddr, __entry->sport,
		  &__entry->daddr, __entry->dport, __entry->seq,
		  __entry->len, __entry->iss, __entry->kind)
);

/*
 * Congestion control and RTO state after an event.  @event is one of
 * "init", "ack" (cwnd grew), "rtt" (new RTT sample moved SRTT/RTO),
 * "loss" (fast retransmit: ssthresh cut), "recovery_enter",
 * "recovery_exit", "rto" (timeout: cwnd to 1 segment), "backoff" (RTO
 * doubled).  cwnd and ssthresh are in bytes; times in microseconds.
 */
TRACE_EVENT(tcplab_cc,
	TP_PROTO(const struct tcplab_sock *tsk, const char *event),
	TP_ARGS(tsk, event),
	TP_STRUCT__entry(
		__field(const void *, sk)
		__field(__be32, saddr)
		__field(__be32, daddr)
		__field(u16, sport)
		__field(u16, dport)
		__field(u32, cwnd)
		__field(u32, ssthresh)
		__field(u32, mss)
		__field(u32, srtt_us)
		__field(u32, rttvar_us)
		__field(u32, rto_us)
		__field(u32, inflight)
		__field(const char *, ca)
		__field(const char *, event)
	),
	TP_fast_assign(
		TCPLAB_TUPLE_ASSIGN(tsk);
		__entry->cwnd = tsk->tcb.cc.cwnd;
		__entry->ssthresh = tsk->tcb.cc.ssthresh;
		__entry->mss = tsk->tcb.cc.mss;
		__entry->srtt_us = tl_rto_srtt(&tsk->tcb.rto);
		__entry->rttvar_us = tl_rto_rttvar(&tsk->tcb.rto);
		__entry->rto_us = tl_rto_timeout(&tsk->tcb.rto);
		__entry->inflight = tsk->tcb.snd_nxt - tsk->tcb.snd_una;
		__entry->ca = tsk->tcb.cc.ops ? tsk->tcb.cc.ops->name : "none";
		__entry->event = event;
	),
	TP_printk("sk=%p %pI4:%u %pI4:%u cwnd=%u ssthresh=%u mss=%u srtt=%u rttvar=%u rto=%u inflight=%u ca=%s event=%s",
		  __entry->sk, &__entry->saddr, __entry->sport,
		  &__entry->daddr, __entry->dport, __entry->cwnd,
		  __entry->ssthresh, __entry->mss, __entry->srtt_us,
		  __entry->rttvar_us, __entry->rto_us, __entry->inflight,
		  __entry->ca, __entry->event)
);

/*
 * A TLS record went out ("tx") or was authenticated and accepted ("rx").
 * @type is the TLS content type (23 application data, 21 alert, 22
 * handshake), @len the plaintext length, @rec_seq the record sequence
 * number, @tcp_seq the TCP sequence number of the record's first header
 * byte (so a ladder can place the record on its segments).
 */
TRACE_EVENT(tcplab_tls_record,
	TP_PROTO(const struct tcplab_sock *tsk, bool tx, u8 type, u32 len,
		 u64 rec_seq, u32 tcp_seq),
	TP_ARGS(tsk, tx, type, len, rec_seq, tcp_seq),
	TP_STRUCT__entry(
		__field(const void *, sk)
		__field(__be32, saddr)
		__field(__be32, daddr)
		__field(u16, sport)
		__field(u16, dport)
		__field(bool, tx)
		__field(u8, type)
		__field(u32, len)
		__field(u64, rec_seq)
		__field(u32, tcp_seq)
	),
	TP_fast_assign(
		TCPLAB_TUPLE_ASSIGN(tsk);
		__entry->tx = tx;
		__entry->type = type;
		__entry->len = len;
		__entry->rec_seq = rec_seq;
		__entry->tcp_seq = tcp_seq;
	),
	TP_printk("sk=%p %pI4:%u %pI4:%u dir=%s type=%u len=%u rec_seq=%llu tcp_seq=%u",
		  __entry->sk, &__entry->saddr, __entry->sport,
		  &__entry->daddr, __entry->dport,
		  __entry->tx ? "tx" : "rx", __entry->type, __entry->len,
		  __entry->rec_seq, __entry->tcp_seq)
);

/*
 * Keys were installed for one direction (@rekey false) or replaced by a
 * TLS 1.3 KeyUpdate (@rekey true).  Never the keys themselves.
 */
TRACE_EVENT(tcplab_tls_key,
	TP_PROTO(const struct tcplab_sock *tsk, bool tx, u16 version,
		 u16 cipher, bool rekey),
	TP_ARGS(tsk, tx, version, cipher, rekey),
	TP_STRUCT__entry(
		__field(const void *, sk)
		__field(__be32, saddr)
		__field(__be32, daddr)
		__field(u16, sport)
		__field(u16, dport)
		__field(bool, tx)
		__field(u16, version)
		__field(u16, cipher)
		__field(bool, rekey)
	),
	TP_fast_assign(
		TCPLAB_TUPLE_ASSIGN(tsk);
		__entry->tx = tx;
		__entry->version = version;
		__entry->cipher = cipher;
		__entry->rekey = rekey;
	),
	TP_printk("sk=%p %pI4:%u %pI4:%u dir=%s version=0x%04x cipher=%u event=%s",
		  __entry->sk, &__entry->saddr, __entry->sport,
		  &__entry->daddr, __entry->dport,
		  __entry->tx ? "tx" : "rx", __entry->version,
		  __entry->cipher, __entry->rekey ? "rekey" : "install")
);

#endif /* _TCPLAB_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
