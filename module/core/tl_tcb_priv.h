/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tl_tcb_priv.h - helpers shared by the core's tl_*.c files.  Not part of
 * the glue interface.
 */
#ifndef _TCPLAB_CORE_TCB_PRIV_H
#define _TCPLAB_CORE_TCB_PRIV_H

#include "tl_tcb.h"
#include "tl_seq.h"

/* tl_tcb.c */
void tl_actions_clear(struct tl_actions *act);
void tl_set_state(struct tl_tcb *tcb, enum tl_state new_state, u64 now,
		  struct tl_actions *act);
void tl_conn_done(struct tl_tcb *tcb, int err, struct tl_actions *act);
void tl_timer_arm(struct tl_tcb *tcb, enum tl_timer_id id, u64 expires,
		  struct tl_actions *act);
void tl_timer_cancel(struct tl_tcb *tcb, enum tl_timer_id id,
		     struct tl_actions *act);
void tl_rtx_timer_restart(struct tl_tcb *tcb, u64 now,
			  struct tl_actions *act);
void tl_syn_negotiate(struct tl_tcb *tcb, const struct tl_tcp_opts *peer);
void tl_established(struct tl_tcb *tcb, u64 now);

/*
 * Sequence number of the first byte of the send buffer if the peer has
 * acknowledged everything below @una: user data lives in
 * [ISS + 1, snd_end); SYN and FIN occupy sequence space but no buffer.
 */
static inline u32 tl_snd_buf_head(const struct tl_tcb *tcb, u32 una)
{
	return tl_seq_clamp(una, tcb->iss + 1, tcb->snd_end);
}

/* Has the peer acknowledged our FIN (it sits at sequence snd_end)? */
static inline bool tl_fin_acked(const struct tl_tcb *tcb)
{
	return tcb->fin_queued && tl_seq_gt(tcb->snd_una, tcb->snd_end);
}

/* tl_output.c */
void tl_transmit(struct tl_tcb *tcb, u64 now, struct tl_actions *act);
void tl_send_syn(struct tl_tcb *tcb, u64 now, struct tl_actions *act);
void tl_send_rst(struct tl_tcb *tcb, u32 seq, struct tl_actions *act);
void tl_reply_rst(const struct tl_seg_in *seg, struct tl_actions *act);
bool tl_rcv_wnd_should_update(const struct tl_tcb *tcb);
void tl_rcv_autotune_init(struct tl_tcb *tcb, u64 now);
void tl_rcv_rtt_sample(struct tl_tcb *tcb, const struct tl_seg_in *seg,
		       u32 len, u64 now);
void tl_rcv_autotune(struct tl_tcb *tcb, u32 len, u64 now);
void tl_retransmit_head(struct tl_tcb *tcb, u64 now, struct tl_actions *act);
void tl_send_probe(struct tl_tcb *tcb, u64 now, struct tl_actions *act);
u32 tl_snd_usable(const struct tl_tcb *tcb);
u32 tl_snd_avail(const struct tl_tcb *tcb);
void tl_send_window_probe(struct tl_tcb *tcb, u64 now, struct tl_actions *act);

/* tl_window.c: the receive window (RFC 9293 3.8.6.2.2) */
u16 tl_rcv_wnd_syn(const struct tl_cfg *cfg, u16 mss, bool ts, u8 *wscale);
void tl_rcv_wnd_init(struct tl_tcb *tcb);
void tl_rcv_wnd_scaled(struct tl_tcb *tcb);
u16 tl_rcv_wnd_field(struct tl_tcb *tcb, bool syn);

/* tl_delack.c: when to acknowledge (RFC 9293 3.8.6.3, RFC 1122 4.2.3.2) */
void tl_delack_init(struct tl_tcb *tcb);
void tl_delack_data(struct tl_tcb *tcb, u32 len, u64 now,
		    struct tl_actions *act);
void tl_delack_ack_sent(struct tl_tcb *tcb, struct tl_actions *act);
void tl_delack_read(struct tl_tcb *tcb);
void tl_delack_data_sent(struct tl_tcb *tcb, u64 now);
void tl_delack_timeout(struct tl_tcb *tcb, u64 now);
void tl_delack_dup(struct tl_tcb *tcb);

/* tl_nagle.c: whether to send a partial segment (RFC 896, RFC 9293 3.7.4) */
bool tl_nagle_hold(const struct tl_tcb *tcb, u32 len);
void tl_nagle_sent(struct tl_tcb *tcb, u32 seq, u32 len);
void tl_cork_check(struct tl_tcb *tcb, bool held, u64 now,
		   struct tl_actions *act);
void tl_cork_timeout(struct tl_tcb *tcb);

/* tl_persist.c: zero-window probing (RFC 9293 3.8.6.1) */
void tl_persist_check(struct tl_tcb *tcb, bool wnd_held, u64 now,
		      struct tl_actions *act);
void tl_persist_timeout(struct tl_tcb *tcb, u64 now, struct tl_actions *act);

/* tl_keepalive.c (RFC 9293 3.8.4, RFC 1122 4.2.3.6) */
void tl_keepalive_start(struct tl_tcb *tcb, u64 now, struct tl_actions *act);
void tl_fin_wait_2_timer(struct tl_tcb *tcb, u64 now, struct tl_actions *act);
u8 tl_retry_limit(const struct tl_tcb *tcb);
bool tl_user_timed_out(const struct tl_tcb *tcb, u64 now);
u64 tl_user_timeout_clamp(const struct tl_tcb *tcb, u64 now, u64 expires);
void tl_keepalive_rcv(struct tl_tcb *tcb, u64 now);
void tl_keepalive_timeout(struct tl_tcb *tcb, u64 now, struct tl_actions *act);
u32 tl_retransmit_range(struct tl_tcb *tcb, u32 seq, u32 len, u8 kind,
			u64 now, struct tl_actions *act);

/* tl_recovery.c */
void tl_cc_event(struct tl_actions *act, u8 ev);
void tl_recovery_init(struct tl_tcb *tcb);
void tl_recovery_ack(struct tl_tcb *tcb, u32 prev_una, bool dup,
		     u32 sack_new, u64 now, struct tl_actions *act);
void tl_recovery_rto(struct tl_tcb *tcb, u64 now, struct tl_actions *act);
void tl_recovery_transmit(struct tl_tcb *tcb, u64 now, struct tl_actions *act);
bool tl_recovery_room(const struct tl_tcb *tcb, u32 *room);
u32 tl_recovery_sack(struct tl_tcb *tcb, const struct tl_seg_in *seg);

/* tl_undo.c: spurious fast recovery found by D-SACK (RFC 2883, 3708) */
void tl_undo_begin(struct tl_tcb *tcb);
void tl_undo_forget(struct tl_tcb *tcb);
void tl_undo_count_rtx(struct tl_tcb *tcb);
void tl_undo_dsack(struct tl_tcb *tcb, const struct tl_seg_in *seg);
void tl_undo_check(struct tl_tcb *tcb, struct tl_actions *act);
u32 tl_recovery_pto(struct tl_tcb *tcb);
void tl_recovery_arm_probe(struct tl_tcb *tcb, u64 now,
			   struct tl_actions *act);
bool tl_recovery_probe(struct tl_tcb *tcb, u64 now, struct tl_actions *act);

#endif /* _TCPLAB_CORE_TCB_PRIV_H */
