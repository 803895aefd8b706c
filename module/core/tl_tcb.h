/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tl_tcb.h - the Transmission Control Block (RFC 9293 Section 3.3.1) and
 * the interface between the sans-I/O core and the kernel glue.
 *
 * Contract
 * --------
 * The glue owns all memory (the tcb, the out-of-order range storage, the
 * send and receive bytes) and all I/O.  It calls one of the entry points
 * below for every event:
 *
 *   user calls (RFC 9293 3.10.1-3.10.5)  tl_open_active(), tl_open_passive(),
 *                                        tl_accept_syn(), tl_send(),
 *                                        tl_rcv_read(), tl_close(), tl_abort()
 *   a segment arrives (3.10.7)           tl_input()
 *   a timer fires (3.10.8)               tl_timer()
 *   room freed for more segments         tl_output()
 *
 * Each entry point clears and fills a struct tl_actions that the glue then
 * executes, in this order: free ->acked bytes from the head of the send
 * buffer; move ->deliver_* payload to the receive queue, hold ->ooo_*
 * payload, move held data below ->ooo_ready_to to the receive queue; build
 * and transmit ->seg[] (tl_seg_out_build() + payload + checksum); apply
 * ->timer[]; report ->error; wake the socket per ->wake; if ->child, create
 * a child (tl_accept_syn()); if ->more, call tl_output() again; finally if
 * ->release, the tcb is CLOSED and may be freed.
 *
 * Time is a u64 count of microseconds from any monotonic origin (the glue
 * can pass ktime_get_ns() / 1000 computed with div_u64).  Timer deadlines
 * in the actions are absolute times on the same clock.
 */
#ifndef _TCPLAB_CORE_TCB_H
#define _TCPLAB_CORE_TCB_H

#include "tl_types.h"
#include "tl_state.h"
#include "tl_segment.h"
#include "tl_options.h"
#include "tl_ooo.h"
#include "tl_rto.h"
#include "tl_cc.h"
#include "tl_sack.h"

/* RFC 9293 Section 3.7.1: MSS assumed when the peer sends none (RFC 6691) */
#define TL_MSS_DEFAULT		536
/* Like Linux TCP_MIN_SND_MSS: refuse to cut segments absurdly small. */
#define TL_MSS_MIN		48
/* Largest unscaled window field. */
#define TL_WND_MAX		65535U
/* The most data tcplab lets the user have queued but unacknowledged. */
#define TL_SND_QUEUE_MAX	(1U << 30)

/* Timers the glue runs on behalf of a tcb. */
enum tl_timer_id {
	TL_TIMER_RTX,		/* retransmission */
	TL_TIMER_TIME_WAIT,	/* 2 * MSL in TIME-WAIT; orphan FIN-WAIT-2 */
	TL_TIMER_DELACK,	/* delayed ACK (tl_delack.c) */
	TL_TIMER_PERSIST,	/* zero-window probes (tl_persist.c) */
	TL_TIMER_KEEPALIVE,	/* keepalive probes (tl_keepalive.c) */
	TL_TIMER_CORK,		/* corked data's 200 ms ceiling (tl_nagle.c) */
	TL_TIMER_NR,
};

enum tl_timer_op {
	TL_TIMER_KEEP = 0,	/* leave the timer as it is */
	TL_TIMER_ARM,		/* (re)arm to expire at ->expires */
	TL_TIMER_CANCEL,
};

/* Bits of tl_actions.wake */
#define TL_WAKE_READ	0x01	/* data or EOF to read */
#define TL_WAKE_WRITE	0x02	/* connected, or send buffer space freed */
#define TL_WAKE_HUP	0x04	/* connection is gone (CLOSED) */

/* Bits of tl_cfg.opts and tl_tcb.opts (options to offer / negotiated) */
#define TL_TCB_WSCALE	0x01
#define TL_TCB_SACK	0x02
#define TL_TCB_TS	0x04

/*
 * Why tl_input() dropped (part of) a segment; an index for counters.
 */
enum tl_drop {
	TL_DROP_NONE = 0,
	TL_DROP_CLOSED,		/* no connection; a RST may have been sent */
	TL_DROP_LISTEN_RST,	/* RST to a listener */
	TL_DROP_LISTEN_ACK,	/* ACK to a listener: answered by RST */
	TL_DROP_LISTEN_NO_SYN,	/* neither SYN, ACK nor RST to a listener */
	TL_DROP_BAD_ACK,	/* unacceptable ACK in SYN-SENT/SYN-RECEIVED */
	TL_DROP_NO_SYN,		/* SYN-SENT got neither SYN nor RST */
	TL_DROP_SEQ,		/* failed the acceptability test */
	TL_DROP_RST_CHALLENGE,	/* in-window RST not at RCV.NXT (RFC 5961) */
	TL_DROP_SYN_CHALLENGE,	/* SYN in a synchronized state (RFC 5961) */
	TL_DROP_NO_ACK,		/* ACK bit off */
	TL_DROP_ACK_OLD,	/* ACK below SND.UNA - MAX.SND.WND (RFC 5961) */
	TL_DROP_ACK_FUTURE,	/* ACK for data never sent */
	TL_DROP_OOO_FULL,	/* out-of-order data with no tracker slot */
	TL_DROP_PAWS,		/* old timestamp (RFC 7323 5.3 R1) */
	TL_DROP_OOO_DUP,	/* out-of-order data all held already */
	TL_DROP_OOO_MEM,	/* out-of-order data, no receive memory */
	TL_DROP_RCV_MEM,	/* in-order data, no receive memory */
	TL_DROP_NR,
};

const char *tl_drop_name(enum tl_drop drop);

/* Configuration; the glue fills it from sysctls/socket options. */
struct tl_cfg {
	u32 msl_us;		/* Maximum Segment Lifetime; TIME-WAIT = 2*MSL */
	u32 rto_initial_us;
	u32 rto_min_us;
	u32 rto_max_us;
	u8 syn_retries;		/* like tcp_syn_retries (6) */
	u8 data_retries;	/* like tcp_retries2 (15) */
	u8 orphan_retries;	/* the same once orphaned (Linux: 8) */
	u32 fin_timeout_us;	/* orphan in FIN-WAIT-2 (tcp_fin_timeout) */
	/*
	 * TCP_USER_TIMEOUT (RFC 5482), ms: how long sent data may stay
	 * unacknowledged, or keepalive probes unanswered, before the
	 * connection fails; it replaces the retry counts.  0: off.
	 */
	u32 user_timeout_ms;
	u8 opts;		/* TL_TCB_* options to offer */
	u16 mss;		/* our MSS: from the route MTU (1460) */
	u32 rcv_buf;		/* the window the receive buffer allows */
	u32 rcv_buf_max;	/* autotuning may grow rcv_buf this far */
	/*
	 * The window scale we offer (tl_rcv_wnd_initial()) covers the
	 * largest receive buffer the socket could be given, rcv_buf_limit
	 * (Linux: tcp_rmem[2] or rmem_max); when the user fixed SO_RCVBUF
	 * (rcv_buf_fixed), no more than rcv_buf.
	 */
	u32 rcv_buf_limit;
	bool rcv_buf_fixed;
	const struct tl_cc_ops *cc;	/* NULL: no congestion control */

	/* Flow control and timers of tl_delack/nagle/persist/keepalive.c */
	u32 delack_min_us;	/* first delayed ACK timeout; 0: ACK at once */
	u32 delack_max_us;	/* largest delayed ACK timeout (200 ms) */
	u32 cork_us;		/* corked partial segments wait at most this */
	bool nodelay;		/* TCP_NODELAY: no Nagle */
	bool cork;		/* TCP_CORK */
	bool keepalive;		/* SO_KEEPALIVE */
	bool dsack;		/* report duplicates (RFC 2883, tcp_dsack) */
	u8 keep_cnt;		/* TCP_KEEPCNT */
	u32 keep_idle_s;	/* TCP_KEEPIDLE */
	u32 keep_intvl_s;	/* TCP_KEEPINTVL */
};

/* Linux-like defaults (MSL 30 s so TIME-WAIT lasts 60 s as in Linux). */
void tl_cfg_default(struct tl_cfg *cfg);

/*
 * The receive window a new connection offers in its SYN or SYN,ACK and
 * the window scale it announces, as Linux's tcp_select_initial_window()
 * chooses them (tl_window.c).  @space is the window the receive buffer
 * allows now (cfg.rcv_buf), @limit the largest buffer the socket could
 * be given (cfg.rcv_buf_limit), @fixed true if the user set SO_RCVBUF,
 * @mss the data in a full segment from the peer.  Returns RCV.WND;
 * *@wscale gets the shift.
 */
u32 tl_rcv_wnd_initial(u32 space, u32 limit, bool fixed, u16 mss,
		       u8 *wscale);

/* What the glue needs to create a connection for a SYN to a listener. */
struct tl_child_req {
	u16 lport;
	u16 rport;
	u32 irs;		/* SEG.SEQ of the SYN */
	u16 wnd;		/* SEG.WND of the SYN (never scaled) */
	struct tl_tcp_opts opts; /* the SYN's options */
};

/* One segment for the glue to transmit. */
struct tl_seg_out {
	struct tl_tcphdr th;	/* doff and csum are left 0 */
	struct tl_tcp_opts opts;
	/*
	 * Payload: @data_len bytes starting @data_off bytes into the send
	 * buffer, whose head is the oldest byte not yet acknowledged.
	 */
	u32 data_off;
	u32 data_len;
	/* Carries sequence space sent before (SYN, data or FIN again). */
	bool rtx;
	/* A zero-window or keepalive probe (seq SND.UNA - 1, no data). */
	bool probe;
	u8 rtx_kind;		/* enum tl_rtx_kind, if rtx */
};

/* Why sequence space is sent again (tcplab_retransmit's "kind"). */
enum tl_rtx_kind {
	TL_RTX_RTO = 0,		/* retransmission timeout (and go-back-N) */
	TL_RTX_SYN,		/* SYN or SYN,ACK retry */
	TL_RTX_FAST,		/* fast retransmit: RFC 5681 / RFC 6582 */
	TL_RTX_SACK,		/* RFC 6675 loss recovery */
	TL_RTX_PROBE,		/* window probe */
	TL_RTX_NR,
};

const char *tl_rtx_kind_name(u8 kind);

/* Congestion control events, in order (tcplab_cc's "event"). */
enum tl_cc_event {
	TL_CC_EV_INIT,
	TL_CC_EV_ACK,		/* cwnd grew on an ACK */
	TL_CC_EV_RTT,		/* a new RTT sample */
	TL_CC_EV_LOSS,		/* loss detected by ACKs: ssthresh cut */
	TL_CC_EV_RECOVERY_ENTER,
	TL_CC_EV_RECOVERY_EXIT,
	TL_CC_EV_RTO,		/* timeout: cwnd to one segment */
	TL_CC_EV_BACKOFF,	/* RTO doubled */
	TL_CC_EV_UNDO,		/* a spurious fast recovery undone (D-SACK) */
	TL_CC_EV_NR,
};

const char *tl_cc_event_name(u8 ev);

/*
 * Loss recovery state; ca_state uses Linux's TCP_CA_* numbers so that
 * TCP_INFO can report it unchanged.
 */
enum tl_ca_state {
	TL_CA_OPEN = 0,
	TL_CA_DISORDER = 1,	/* duplicate ACKs or SACKs, no loss yet */
	TL_CA_RECOVERY = 3,	/* fast recovery (RFC 6582 / RFC 6675) */
	TL_CA_LOSS = 4,		/* after a retransmission timeout */
};

struct tl_recovery {
	u8 ca_state;		/* enum tl_ca_state */
	bool sack;		/* this episode is SACK based (RFC 6675) */
	bool first_rtx_done;	/* the episode's first retransmission sent */
	bool tlp_armed;		/* the RTX timer is a loss probe timeout */
	bool tlp_out;		/* a loss probe went out, no progress since */
	u32 recover;		/* RFC 6582 "recover", RFC 6675 RecoveryPoint */
	u32 high_rxt;		/* RFC 6675 HighRxt */
	struct tl_sack_sb sb;	/* RFC 6675 scoreboard */
	/* RFC 3708: was the episode spurious?  (tl_undo.c) */
	bool undo_ok;		/* it may still be undone */
	u32 undo_marker;	/* SND.UNA when it began */
	u32 undo_rtx;		/* segments it sent again */
	u32 undo_dsacked;	/* of those, reported duplicate by D-SACK */
	struct tl_cc undo_cc;	/* congestion state before it */
};

struct tl_state_change {
	u8 from;	/* enum tl_state */
	u8 to;
};

struct tl_timer_act {
	u8 op;		/* enum tl_timer_op */
	u64 expires;	/* absolute, microseconds */
};

#define TL_ACT_MAX_SEGS		8
#define TL_ACT_MAX_STATES	4
#define TL_ACT_MAX_CC_EV	6

struct tl_actions {
	u8 nseg;
	bool more;	/* seg[] filled up: call tl_output() afterwards */
	bool sack_trimmed;	/* a segment had no room for its SACK blocks */
	bool sack_sent;		/* a segment carries all its SACK blocks */
	struct tl_seg_out seg[TL_ACT_MAX_SEGS];

	u8 nstate;	/* transitions in order (only the first 4 kept) */
	struct tl_state_change state[TL_ACT_MAX_STATES];

	/* Receive side: offsets are into the payload of the input segment */
	u32 deliver_off;	/* in-order payload to append */
	u32 deliver_len;
	u32 ooo_seq;		/* out-of-order payload to hold, at ooo_seq */
	u32 ooo_off;
	u32 ooo_len;
	bool ooo_ready;		/* held data below ooo_ready_to is in order */
	u32 ooo_ready_to;
	bool eof;		/* FIN: nothing follows the delivered data */

	/* Send side */
	u32 acked;		/* bytes to free from the send buffer head */

	int error;		/* 0 or -ECONNREFUSED/-ECONNRESET/-ETIMEDOUT */
	u8 wake;		/* TL_WAKE_* */
	bool release;		/* tcb is CLOSED: free it after these actions */
	enum tl_drop drop;

	bool child;		/* a listener got a SYN: see child_req */
	struct tl_child_req child_req;

	struct tl_timer_act timer[TL_TIMER_NR];

	/* Observability: congestion control events, in order. */
	u8 ncc_ev;
	u8 cc_ev[TL_ACT_MAX_CC_EV];
	u8 rtx_kind;	/* kind of the retransmissions emitted from now on */
};

struct tl_tcb {
	enum tl_state state;
	bool passive;		/* created from a LISTEN (for 3.10.7.4) */
	bool orphan;		/* the user is gone (tl_orphan()) */
	u16 lport;
	u16 rport;

	/* Send Sequence Variables (RFC 9293 Section 3.3.1) */
	u32 snd_una;
	u32 snd_nxt;
	u32 snd_wnd;		/* in bytes, already scaled */
	u32 snd_wl1;
	u32 snd_wl2;
	u32 iss;
	/*
	 * snd_max is BSD's name for the highest sequence number sent so far.
	 * After a retransmission timeout SND.NXT is pulled back to SND.UNA
	 * (go-back-N), so "ACK of something not yet sent" must be judged
	 * against snd_max, not SND.NXT.  Invariant: una <= nxt <= max.
	 */
	u32 snd_max;
	u32 max_snd_wnd;	/* MAX.SND.WND of RFC 5961 Section 5 */
	u32 snd_end;		/* after the last byte the user queued */
	bool fin_queued;	/* CLOSE called: FIN takes sequence snd_end */

	/* Receive Sequence Variables */
	u32 rcv_nxt;
	u32 rcv_wnd;		/* window offered: [RCV.NXT, RCV.NXT+RCV.WND) */
	u32 irs;
	u32 rcv_space;		/* free receive buffer, per tl_rcv_read() */
	/* Receive buffer autotuning (tl_window.c) */
	u32 rcv_rtt_us;		/* the receiver's RTT estimate */
	u32 drs_copied;		/* bytes the user read in this round */
	u32 drs_space;		/* the most read in one round so far */
	u64 drs_start;		/* when this round began */

	/* Negotiated at SYN time */
	u8 opts;		/* TL_TCB_*: offered, then agreed */
	u8 snd_wscale;		/* peer's shift: applied to SEG.WND */
	u8 rcv_wscale;		/* our shift: applied to windows we send */
	u16 snd_mss;		/* payload bytes per segment we send */
	u32 ts_recent;		/* RFC 7323 TS.Recent */
	u32 last_ack_sent;	/* RFC 7323 Last.ACK.sent */

	/* Retransmission (RFC 6298) */
	struct tl_rto rto;
	u8 retries;		/* consecutive timeouts without progress */
	u64 rtx_stamp;		/* when the timed-out segment was sent */
	bool rtt_timing;	/* one segment timed at a time (Karn) */
	u32 rtt_end;		/* timed segment's end sequence */
	u64 rtt_start;
	u8 dupacks;		/* RFC 5681 duplicate ACK counter */
	u64 timer[TL_TIMER_NR];	/* deadlines, 0 = not armed */

	bool ack_pending;	/* an ACK must go out before we return */
	int err;		/* the error the connection ended with */

	/* Delayed ACK (tl_delack.c) */
	bool ack_delayed;	/* an ACK is owed; TL_TIMER_DELACK sends it */
	bool ack_pushed;	/* ... for a segment below rcv_mss */
	bool ack_pingpong;	/* interactive: our replies carry the ACKs */
	u8 ack_quick;		/* ACK this many more segments at once */
	u16 rcv_mss;		/* full-sized segment from the peer */
	u32 ack_ato;		/* delayed ACK timeout now */
	u64 ack_lrcv;		/* when data last arrived */
	/* Nagle, cork (tl_nagle.c) */
	u32 snd_sml;		/* end of the last small segment sent */
	bool snd_more;		/* MSG_MORE: set by the glue around tl_send() */
	bool cork_push;		/* cork timer fired: send the partial segment */
	/* Persist (tl_persist.c) and keepalive (tl_keepalive.c) */
	u8 persist_backoff;	/* probes sent in this zero-window episode */
	u8 keep_probes;		/* keepalive probes unanswered */
	u64 rcv_tstamp;		/* when the last segment arrived */

	struct tl_ooo ooo;
	/* RFC 2883: a duplicate to report first in the next SACK option */
	bool dsack_pending;
	struct tl_sack_block dsack;
	struct tl_cc cc;
	struct tl_cfg cfg;

	/* Loss recovery (tl_recovery.c) and PAWS (tl_paws.c) */
	struct tl_recovery rec;
	u64 ts_recent_stamp;	/* when TS.Recent was set (RFC 7323 5.5) */
};

/* Segment as handed to tl_input(): header, options, payload length. */
struct tl_seg_in {
	struct tl_tcphdr th;
	struct tl_tcp_opts opts;
	u32 len;
	/*
	 * The glue has no receive memory for the payload (tl_rcv_place()
	 * said it would be kept): the core takes none of it, and the ACK
	 * it sends leaves the peer to send it again.
	 */
	bool no_room;
};

/* Where tl_input() would put a segment's payload (tl_rcv_place()). */
enum tl_rcv_place {
	TL_RCV_NONE,		/* nothing new: no text, duplicate, outside */
	TL_RCV_HELD,		/* out of order, all of it held already */
	TL_RCV_NO_RANGE,	/* out of order, no tracker slot for it */
	TL_RCV_INORDER,		/* new data at RCV.NXT */
	TL_RCV_OOO,		/* new data beyond RCV.NXT */
};

/*
 * Set up a CLOSED tcb.  @ooo_storage (may be NULL, @ooo_cap 0) is the
 * caller's array for the out-of-order tracker.
 */
void tl_tcb_init(struct tl_tcb *tcb, const struct tl_cfg *cfg,
		 struct tl_seq_range *ooo_storage, u8 ooo_cap);

/* User calls, RFC 9293 Section 3.10.1 - 3.10.5 (tl_user.c) */
int tl_open_active(struct tl_tcb *tcb, u16 lport, u16 rport, u32 iss,
		   u64 now, struct tl_actions *act);
int tl_open_passive(struct tl_tcb *tcb, u16 lport, struct tl_actions *act);
int tl_accept_syn(struct tl_tcb *child, const struct tl_child_req *req,
		  u32 iss, u64 now, struct tl_actions *act);
/*
 * A SYN cookie came back (RFC 4987 3.6, tl_syncookie.h): set @child up
 * in SYN-RECEIVED as if it had sent its SYN,ACK with ISS @iss, for
 * tl_input() to take the ACK that carried the cookie.
 */
int tl_accept_cookie(struct tl_tcb *child, const struct tl_child_req *req,
		     u32 iss, u64 now, struct tl_actions *act);
int tl_send(struct tl_tcb *tcb, u32 len, u64 now, struct tl_actions *act);
void tl_rcv_read(struct tl_tcb *tcb, u32 len, u64 now,
		 struct tl_actions *act);
int tl_close(struct tl_tcb *tcb, u64 now, struct tl_actions *act);
/*
 * The user has let go of the connection (close(): the socket is
 * orphaned).  Adds its actions to @act (does not clear it): call it
 * after tl_close(), before the glue runs the actions.
 */
void tl_orphan(struct tl_tcb *tcb, u64 now, struct tl_actions *act);
int tl_abort(struct tl_tcb *tcb, struct tl_actions *act);

/* SEGMENT ARRIVES, RFC 9293 Section 3.10.7 (tl_input.c) */
void tl_input(struct tl_tcb *tcb, const struct tl_seg_in *seg, u64 now,
	      struct tl_actions *act);

/*
 * Before tl_input(): where would @seg's payload go (TL_RCV_*)?  For
 * TL_RCV_OOO, *@seq is the first byte that would be held.  The glue
 * makes room in memory for TL_RCV_INORDER and TL_RCV_OOO only, and
 * sets seg->no_room when it cannot (tl_input.c).
 */
enum tl_rcv_place tl_rcv_place(const struct tl_tcb *tcb,
			       const struct tl_seg_in *seg, u32 *seq);
/*
 * The glue let go of the out-of-order data held from @seq on, to free
 * memory: it is no longer reported in SACK blocks, and the peer sends
 * it again (RFC 2018 Section 8 allows a receiver to renege).
 */
void tl_rcv_prune(struct tl_tcb *tcb, u32 seq);

/* Timeouts, RFC 9293 Section 3.10.8 (tl_timer.c) */
void tl_timer(struct tl_tcb *tcb, enum tl_timer_id id, u64 now,
	      struct tl_actions *act);

/* Send whatever the windows allow (tl_output.c) */
void tl_output(struct tl_tcb *tcb, u64 now, struct tl_actions *act);

/*
 * The reply to a segment that reaches no connection (RFC 9293 Section
 * 3.10.7.1).  Returns false when no reply is due (the segment is a RST).
 */
bool tl_rst_reply(const struct tl_tcphdr *th, u32 payload_len,
		  struct tl_seg_out *out);

/* Write header + options of @s into @buf; header length or -ENOSPC. */
int tl_seg_out_build(u8 *buf, u32 buflen, const struct tl_seg_out *s);

/* Socket options that change a running connection (tl_nagle.c etc.) */
void tl_set_nodelay(struct tl_tcb *tcb, bool on, u64 now,
		    struct tl_actions *act);
void tl_set_cork(struct tl_tcb *tcb, bool on, u64 now, struct tl_actions *act);
void tl_set_quickack(struct tl_tcb *tcb, bool on, u64 now,
		     struct tl_actions *act);
/* The reader can make no progress without more data (tl_delack.c). */
void tl_rcv_starved(struct tl_tcb *tcb, u64 now, struct tl_actions *act);
void tl_set_keepalive(struct tl_tcb *tcb, bool on, u32 idle_s, u32 intvl_s,
		      u8 cnt, u64 now, struct tl_actions *act);
/* Loss recovery, for TCP_INFO (tl_recovery.c): bytes in each class. */
u32 tl_recovery_pipe(const struct tl_tcb *tcb);
u32 tl_recovery_lost(const struct tl_tcb *tcb);
u32 tl_recovery_retrans_out(const struct tl_tcb *tcb);

/* Bytes the user has queued that are not acknowledged yet. */
u32 tl_snd_queued(const struct tl_tcb *tcb);

#endif /* _TCPLAB_CORE_TCB_H */
