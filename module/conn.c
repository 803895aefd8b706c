// SPDX-License-Identifier: GPL-2.0
/*
 * conn.c - runs the sans-I/O core (core/) for one socket.
 *
 * Every event of a connection - a segment arrives, a timer expires, the
 * user calls connect/send/recv/close - is handed to the core, which
 * answers with a struct tl_actions (see core/tl_tcb.h for the contract).
 * tcplab_run_actions() carries those out with the kernel's means: skb
 * queues, kernel timers, socket wake-ups, child sockets for a listener.
 *
 * All of it runs under the socket lock: bh_lock_sock() from softirq
 * (input.c, timers) or lock_sock() from a system call.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/security.h>
#include <linux/siphash.h>
#include <linux/timekeeping.h>
#include <linux/math64.h>
#include <linux/jiffies.h>
#include <net/tcp.h>		/* MAX_TCP_HEADER */
#include <net/tcp_states.h>

#include "tcplab.h"
#include "core/tl_isn.h"
#include "core/tl_syncookie.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

u64 tcplab_now_us(void)
{
	return div_u64(ktime_get_ns(), NSEC_PER_USEC);
}

/* RFC 6528: ISN = M + F(4-tuple, secret); F is SipHash with a boot key. */
static siphash_aligned_key_t tcplab_isn_key;

static u32 tcplab_isn(const struct tcplab_sock *tsk, u64 now)
{
	u32 f;

	net_get_random_once(&tcplab_isn_key, sizeof(tcplab_isn_key));
	f = siphash_3u32((__force u32)tsk->saddr, (__force u32)tsk->daddr,
			 (__force u32)tsk->sport << 16 | (__force u32)tsk->dport,
			 &tcplab_isn_key);
	return tl_isn_compose(now, f);
}

/* The Linux TCP_* value that mirrors each RFC state in sk->sk_state. */
static const u8 tcplab_linux_state[TL_STATE_NR] = {
	[TL_CLOSED]		= TCP_CLOSE,
	[TL_LISTEN]		= TCP_LISTEN,
	[TL_SYN_SENT]		= TCP_SYN_SENT,
	[TL_SYN_RECEIVED]	= TCP_SYN_RECV,
	[TL_ESTABLISHED]	= TCP_ESTABLISHED,
	[TL_FIN_WAIT_1]		= TCP_FIN_WAIT1,
	[TL_FIN_WAIT_2]		= TCP_FIN_WAIT2,
	[TL_CLOSE_WAIT]		= TCP_CLOSE_WAIT,
	[TL_CLOSING]		= TCP_CLOSING,
	[TL_LAST_ACK]		= TCP_LAST_ACK,
	/*
	 * TCP_TIME_WAIT marks Linux's timewait mini-sockets (sk_fullsock()
	 * is false for it); a full socket whose connection waits out 2*MSL
	 * shows TCP_CLOSE to generic code, as a Linux socket does then.
	 */
	[TL_TIME_WAIT]		= TCP_CLOSE,
};

/* Nagle, cork and keepalive settings: socket options, else sysctls. */
static void tcplab_cfg_flow(struct sock *sk, struct tl_cfg *cfg)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	struct net *net = sock_net(sk);
	u32 v;

	cfg->delack_min_us = min_t(u32, tcplab_knob(net, TCPLAB_KNOB_DELACK_MIN_MS),
				   200) * USEC_PER_MSEC;
	cfg->nodelay = READ_ONCE(tsk->nodelay);
	cfg->cork = READ_ONCE(tsk->cork);
	cfg->keepalive = sock_flag(sk, SOCK_KEEPOPEN);
	v = READ_ONCE(tsk->keepidle) ? :
	    READ_ONCE(net->ipv4.sysctl_tcp_keepalive_time) / HZ;
	cfg->keep_idle_s = v;
	v = READ_ONCE(tsk->keepintvl) ? :
	    READ_ONCE(net->ipv4.sysctl_tcp_keepalive_intvl) / HZ;
	cfg->keep_intvl_s = v;
	cfg->keep_cnt = READ_ONCE(tsk->keepcnt) ? :
			READ_ONCE(net->ipv4.sysctl_tcp_keepalive_probes);
}

/* SO_KEEPALIVE (proto.keepalive) or TCP_KEEP*: tell the core.  Locked. */
void tcplab_keepalive_update(struct sock *sk)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	struct tl_actions *act;
	struct tl_cfg cfg;

	tcplab_cfg_flow(sk, &cfg);
	act = tcplab_act_get();
	tl_set_keepalive(&tsk->tcb, cfg.keepalive, cfg.keep_idle_s,
			 cfg.keep_intvl_s, cfg.keep_cnt, tcplab_now_us(), act);
	tcplab_run_actions(sk, NULL, act);
}

/* proto.keepalive: sock_setsockopt(SO_KEEPALIVE) sets the flag after. */
void tcplab_keepalive(struct sock *sk, int on)
{
	if (on)
		sock_set_flag(sk, SOCK_KEEPOPEN);
	else
		sock_reset_flag(sk, SOCK_KEEPOPEN);
	tcplab_keepalive_update(sk);
}

/*
 * RFC 6298 bounds, retry limits (tcplab's sysctls or module parameters,
 * else the namespace's net.ipv4 sysctls as Linux uses them), the limits
 * on orphans (the namespace's net.ipv4 sysctls) and the congestion
 * control algorithm.
 */
static void tcplab_cfg_recovery(struct sock *sk, struct tl_cfg *cfg)
{
	struct net *net = sock_net(sk);
	int syn = tcplab_knob(net, TCPLAB_KNOB_SYN_RETRIES);
	int data = tcplab_knob(net, TCPLAB_KNOB_DATA_RETRIES);
	int orphan, fin;
	u32 lo = max(tcplab_knob(net, TCPLAB_KNOB_RTO_MIN_MS), 1);
	u32 hi = max_t(u32, tcplab_knob(net, TCPLAB_KNOB_RTO_MAX_MS), lo);
	u32 init = max(tcplab_knob(net, TCPLAB_KNOB_RTO_INITIAL_MS), 0);

	cfg->rto_min_us = min_t(u32, lo, 3600000) * USEC_PER_MSEC;
	cfg->rto_max_us = min_t(u32, hi, 3600000) * USEC_PER_MSEC;
	cfg->rto_initial_us = min_t(u32, init, 3600000) * USEC_PER_MSEC;
	if (syn >= 0)
		cfg->syn_retries = min(syn, 255);
	if (data >= 0)
		cfg->data_retries = min(data, 255);
	else
		cfg->data_retries =
			READ_ONCE(sock_net(sk)->ipv4.sysctl_tcp_retries2);
	/* The namespace's tcp_orphan_retries (0: 8) and tcp_fin_timeout. */
	orphan = READ_ONCE(sock_net(sk)->ipv4.sysctl_tcp_orphan_retries);
	cfg->orphan_retries = orphan ?: 8;
	fin = READ_ONCE(sock_net(sk)->ipv4.sysctl_tcp_fin_timeout);
	cfg->fin_timeout_us = min_t(u64, (u64)jiffies_to_msecs(max(fin, 1)) *
				    USEC_PER_MSEC, U32_MAX);
	cfg->cc = READ_ONCE(tcplab_sk(sk)->cc_ops) ?: tcplab_cc_for(net);
	cfg->user_timeout_ms = READ_ONCE(tcplab_sk(sk)->user_timeout);
}

/*
 * The user read @len bytes (RFC 9293 3.10.3 RECEIVE): the window may
 * open, and autotuning may grow the receive buffer, which SO_RCVBUF then
 * shows, as Linux's tcp_rcv_space_adjust() grows sk_rcvbuf (twice the
 * window: the other half pays for overhead).  SO_RCVBUF set by the user
 * since the connection began stops autotuning, as on Linux.  Socket
 * lock held.
 */
void tcplab_rcv_read(struct sock *sk, u32 len)
{
	struct tl_tcb *tcb = &tcplab_sk(sk)->tcb;
	bool locked = sk->sk_userlocks & SOCK_RCVBUF_LOCK;
	struct tl_actions *act;
	u32 buf;

	if (locked)
		tcb->cfg.rcv_buf_max = 0;
	act = tcplab_act_get();
	tl_rcv_read(tcb, len, tcplab_now_us(), act);
	tcplab_run_actions(sk, NULL, act);
	buf = tcb->cfg.rcv_buf;
	if (!locked && (u64)buf * 2 > (u64)READ_ONCE(sk->sk_rcvbuf))
		WRITE_ONCE(sk->sk_rcvbuf, (int)min_t(u64, (u64)buf * 2, INT_MAX));
}

/* Configuration for a new connection, from the socket and the module. */
static void tcplab_cfg(struct sock *sk, struct tl_cfg *cfg)
{
	tl_cfg_default(cfg);
	cfg->msl_us = min_t(u32, tcplab_knob(sock_net(sk), TCPLAB_KNOB_MSL_MS),
			    3600000) * USEC_PER_MSEC;
	/*
	 * Like Linux, half of SO_RCVBUF is offered as window: the rest pays
	 * for skb overhead.  Linux's tcp_full_space() says the same when a
	 * connection starts: 6.6 and later from a ratio that begins at one
	 * half (TCP_DEFAULT_SCALING_RATIO), earlier kernels from
	 * net.ipv4.tcp_adv_win_scale, 1 (a half) by default.
	 */
	cfg->rcv_buf = max_t(u32, READ_ONCE(sk->sk_rcvbuf) / 2, TL_MSS_DEFAULT);
	/*
	 * Autotuning (core/tl_window.c) up to half of tcp_rmem[2], unless the
	 * user set SO_RCVBUF or net.ipv4.tcp_moderate_rcvbuf is 0 (Linux's
	 * rules).
	 */
	if (!(sk->sk_userlocks & SOCK_RCVBUF_LOCK) &&
	    READ_ONCE(sock_net(sk)->ipv4.sysctl_tcp_moderate_rcvbuf))
		cfg->rcv_buf_max =
			READ_ONCE(sock_net(sk)->ipv4.sysctl_tcp_rmem[2]) / 2;
	/*
	 * The window scale (tl_rcv_wnd_initial()) covers the largest buffer
	 * the socket could be given: tcp_rmem[2], up to which autotuning
	 * grows it, or net.core.rmem_max, up to which SO_RCVBUF sets it -
	 * even with autotuning off, as Linux's tcp_select_initial_window().
	 * A buffer the user fixed is all there is.
	 */
	cfg->rcv_buf_limit =
		max_t(u32, READ_ONCE(sock_net(sk)->ipv4.sysctl_tcp_rmem[2]),
		      READ_ONCE(sysctl_rmem_max));
	cfg->rcv_buf_fixed = sk->sk_userlocks & SOCK_RCVBUF_LOCK;
	/* SYN retries from the namespace's sysctl, as tcp_write_timeout(). */
	cfg->syn_retries = READ_ONCE(sock_net(sk)->ipv4.sysctl_tcp_syn_retries);
	/* D-SACKs sent (RFC 2883) as the namespace's net.ipv4.tcp_dsack. */
	cfg->dsack = READ_ONCE(sock_net(sk)->ipv4.sysctl_tcp_dsack);
	tcplab_cfg_flow(sk, cfg);
	tcplab_cfg_recovery(sk, cfg);
}

static void tcplab_timer_fire(struct timer_list *t);

void tcplab_conn_init(struct sock *sk)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	struct tl_cfg cfg;

	tcplab_cfg(sk, &cfg);
	tl_tcb_init(&tsk->tcb, &cfg, tsk->ooo_ranges, TCPLAB_OOO_RANGES);
	/*
	 * Until a connection finds its own, the MSS shown (TCP_MAXSEG,
	 * tcpi_snd_mss) is RFC 9293 3.7.1's default, as tcp_init_sock()
	 * sets mss_cache.
	 */
	tsk->tcb.snd_mss = TL_MSS_DEFAULT;
	skb_queue_head_init(&tsk->ooo_queue);
	timer_setup(&tsk->timer, tcplab_timer_fire, 0);
	INIT_LIST_HEAD(&tsk->accept_node);
	INIT_LIST_HEAD(&tsk->syn_queue);
	INIT_LIST_HEAD(&tsk->accept_queue);
	spin_lock_init(&tsk->accept_lock);
}

/* Re-read the configuration before opening (buffer sizes may have changed). */
void tcplab_conn_setup(struct sock *sk, u16 mss)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	struct tl_cfg cfg;
	u16 user_mss;

	tcplab_cfg(sk, &cfg);
	if (mss)
		cfg.mss = mss;
	/*
	 * TCP_MAXSEG caps both the MSS we announce and the one we send
	 * with, as Linux's user_mss does (tcp_mss_clamp(), mss_clamp).
	 */
	user_mss = READ_ONCE(tsk->user_mss);
	if (user_mss && user_mss < cfg.mss)
		cfg.mss = user_mss;
	tl_tcb_init(&tsk->tcb, &cfg, tsk->ooo_ranges, TCPLAB_OOO_RANGES);
}

/* ---- send buffer ---- */

/*
 * Send buffer autotuning, as Linux's tcp_sndbuf_expand(): room for two
 * congestion windows (one in flight, one queued behind it while the ACKs
 * travel), counted in queue skbs with their overhead, up to
 * net.ipv4.tcp_wmem[2] - unless the user set SO_SNDBUF.  It only grows:
 * when the connection is established (for the initial window) and as
 * ACKs free the queue.  Without it the default buffer (wmem_default,
 * 208 KiB) holds the sender back as soon as cwnd and the peer's window
 * are larger.
 */
static void tcplab_sndbuf_expand(struct sock *sk)
{
	const struct tl_tcb *tcb = &tcplab_sk(sk)->tcb;
	u32 seg = min_t(u32, tcb->snd_mss ? : TL_MSS_DEFAULT,
			TCPLAB_SKB_PAYLOAD_MAX);
	u64 want;

	if (sk->sk_userlocks & SOCK_SNDBUF_LOCK || !tcb->cc.ops)
		return;
	/* tcp_should_expand_sndbuf(): not while memory is short (mem.c). */
	if (sk_under_memory_pressure(sk) ||
	    sk_memory_allocated(sk) >= sk_prot_mem_limits(sk, 0))
		return;
	want = 2ULL * DIV_ROUND_UP(tcb->cc.cwnd, seg) *
	       SKB_TRUESIZE(MAX_TCP_HEADER + seg);
	want = min_t(u64, want, READ_ONCE(sock_net(sk)->ipv4.sysctl_tcp_wmem[2]));
	if (want > (u64)READ_ONCE(sk->sk_sndbuf))
		WRITE_ONCE(sk->sk_sndbuf, (int)want);
}

static void tcplab_snd_free(struct sock *sk, u32 bytes)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	struct sk_buff *skb;

	while (bytes) {
		u32 avail;

		skb = skb_peek(&sk->sk_write_queue);
		if (WARN_ON_ONCE(!skb))
			break;
		avail = skb->len - tsk->snd_head_acked;
		if (bytes < avail) {
			tsk->snd_head_acked += bytes;
			break;
		}
		bytes -= avail;
		tsk->snd_head_acked = 0;
		if (skb == tsk->xmit_hint)
			tsk->xmit_hint = NULL;
		__skb_unlink(skb, &sk->sk_write_queue);
		tcplab_wmem_free_skb(sk, skb);
	}
	tcplab_sndbuf_expand(sk);
}

void tcplab_purge_queues(struct sock *sk)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(&sk->sk_write_queue)))
		tcplab_wmem_free_skb(sk, skb);
	tsk->snd_head_acked = 0;
	tsk->xmit_hint = NULL;
	__skb_queue_purge(&tsk->ooo_queue);
	__skb_queue_purge(&sk->sk_receive_queue);
}

/* ---- receive queues ---- */

/* Keep bytes [off, off + len) of @skb's payload; false if that fails. */
static bool tcplab_skb_keep(struct sk_buff *skb, u32 off, u32 len)
{
	if (off && !pskb_pull(skb, off))
		return false;
	if (skb->len > len && pskb_trim(skb, len))
		return false;
	return skb->len == len;
}

static void tcplab_rcv_queue(struct sock *sk, struct sk_buff *skb)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);

	TCPLAB_SKB_CB(skb)->seq = 0;	/* in the receive queue: bytes read */
	skb_set_owner_r(skb, sk);
	__skb_queue_tail(&sk->sk_receive_queue, skb);
	tsk->rcv_queued_end += skb->len;
}

/*
 * Hold out-of-order payload, sorted by sequence number.  The core hands
 * over only bytes it did not hold yet, starting and ending outside held
 * ranges (tl_ooo_new()): a held skb it overlaps lies wholly inside it and
 * is freed, so the queue's skbs never overlap and cover exactly the
 * core's ranges.
 */
static void tcplab_ooo_hold(struct sock *sk, struct sk_buff *skb, u32 seq)
{
	struct sk_buff_head *q = &tcplab_sk(sk)->ooo_queue;
	struct sk_buff *pos, *next;
	u32 end = seq + skb->len;

	TCPLAB_SKB_CB(skb)->seq = seq;
	TCPLAB_SKB_CB(skb)->end_seq = end;
	skb_set_owner_r(skb, sk);
	skb_queue_reverse_walk(q, pos) {
		if (tl_seq_geq(seq, TCPLAB_SKB_CB(pos)->seq))
			break;
	}
	if (pos == (struct sk_buff *)q)
		__skb_queue_head(q, skb);
	else
		__skb_queue_after(q, pos, skb);
	while (!skb_queue_is_last(q, skb)) {
		next = skb_queue_next(q, skb);
		if (tl_seq_gt(TCPLAB_SKB_CB(next)->end_seq, end))
			break;
		__skb_unlink(next, q);
		kfree_skb(next);
	}
}

/*
 * Let go of the out-of-order data held from @seq on (an skb that starts
 * there and its successors), in the queue and in the core.
 */
static void tcplab_ooo_prune_from(struct sock *sk, u32 seq)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	struct sk_buff *skb;

	while ((skb = skb_peek_tail(&tsk->ooo_queue)) &&
	       tl_seq_geq(TCPLAB_SKB_CB(skb)->seq, seq)) {
		__skb_unlink(skb, &tsk->ooo_queue);
		kfree_skb(skb);
	}
	tl_rcv_prune(&tsk->tcb, seq);
}

/*
 * ---- receive memory ----
 *
 * Both queues are charged to sk_rmem_alloc (skb_set_owner_r()) with the
 * skbs' truesize, and it must stay within the limit below, whatever the
 * peer sends (Linux's tcp_try_rmem_schedule()).  The window never offers
 * more than cfg.rcv_buf bytes for the unread and the out-of-order data
 * together (core/tl_window.c), and the limit is at least twice that, so
 * what the window lets in always fits once small skbs are copied into
 * compact ones (tcplab_collapse()); a peer that sends within the window
 * loses nothing.  Only when collapsing cannot make room (no memory) is
 * out-of-order data let go from the right edge, and then new data
 * refused: the core acknowledges none of it, and the peer sends it
 * again.
 */

/* Sequence space an skb holds: unread bytes in the receive queue. */
static u32 tcplab_skb_bytes(const struct sk_buff *skb, bool ooo)
{
	return ooo ? skb->len : skb->len - TCPLAB_SKB_CB(skb)->seq;
}

static u32 tcplab_rmem_limit(const struct sock *sk)
{
	u64 buf = max_t(u64, READ_ONCE(sk->sk_rcvbuf),
			2ULL * tcplab_sk(sk)->tcb.cfg.rcv_buf);

	return min_t(u64, buf + TCPLAB_RCVBUF_SLACK, INT_MAX);
}

/*
 * Does @skb fit, in the socket's limit and in the memory of all sockets
 * (mem.c)?  One skb always fits the first, and the second lets every
 * socket have tcp_rmem[0], so data can flow.
 */
static bool tcplab_rmem_fits(struct sock *sk, struct sk_buff *skb)
{
	u32 rmem = atomic_read(&sk->sk_rmem_alloc);

	if (rmem && (u64)rmem + skb->truesize > tcplab_rmem_limit(sk))
		return false;
	return sk_rmem_schedule(sk, skb, skb->truesize);
}

/* Memory worth copying away: more than twice the data it holds. */
static bool tcplab_skb_wasteful(const struct sk_buff *skb, bool ooo)
{
	return skb->truesize > 2 * tcplab_skb_bytes(skb, ooo);
}

/*
 * Copy the data of @first and of the skbs after it in @q up to (not
 * including) @stop, a run without holes, into skbs of at most a page
 * (Linux's tcp_collapse()).  Receive queue skbs give their unread
 * bytes; out-of-order ones keep their sequence numbers.  Without memory
 * it stops: what is left of an skb half copied stays as unread bytes
 * (receive queue) or is let go (out of order).
 */
static void tcplab_collapse(struct sock *sk, struct sk_buff_head *q,
			    struct sk_buff *first, struct sk_buff *stop,
			    bool ooo)
{
	struct sk_buff *skb = first, *nskb, *next;
	u32 off = ooo ? 0 : TCPLAB_SKB_CB(first)->seq;
	u32 seq = ooo ? TCPLAB_SKB_CB(first)->seq : 0;
	u32 total = 0, size, n;

	for (next = first; next != stop; next = next->next)
		total += tcplab_skb_bytes(next, ooo);
	while (total) {
		size = min_t(u32, total, SKB_MAX_ORDER(0, 0));
		nskb = alloc_skb(size, GFP_ATOMIC);
		if (!nskb)
			break;
		__skb_queue_before(q, skb, nskb);
		if (ooo) {
			TCPLAB_SKB_CB(nskb)->seq = seq;
			TCPLAB_SKB_CB(nskb)->end_seq = seq + size;
			seq += size;
		} else {
			TCPLAB_SKB_CB(nskb)->seq = 0;
		}
		total -= size;
		while (size) {
			n = min_t(u32, size, skb->len - off);
			if (WARN_ON_ONCE(skb_copy_bits(skb, off,
						       skb_put(nskb, n), n)))
				memset(nskb->data + nskb->len - n, 0, n);
			size -= n;
			off += n;
			if (off == skb->len) {
				next = skb->next;
				__skb_unlink(skb, q);
				kfree_skb(skb);
				tcplab_inc_stats(sock_net(sk),
						 TCPLAB_MIB_RCV_COLLAPSED);
				skb = next;
				off = 0;
			}
		}
		skb_set_owner_r(nskb, sk);
	}
	if (!total || !off)
		return;
	if (!ooo) {
		TCPLAB_SKB_CB(skb)->seq = off;
		return;
	}
	/* Its first @off bytes are copied: let go of it and what follows. */
	seq = TCPLAB_SKB_CB(skb)->seq + off;
	while ((next = __skb_dequeue_tail(q)) && next != skb)
		kfree_skb(next);
	kfree_skb(skb);
	tl_rcv_prune(&tcplab_sk(sk)->tcb, seq);
}

/*
 * Collapse, in the run [@from, end of run) of @q, everything from the
 * first wasteful skb on; a lone skb only when a copy would take less
 * than half its memory.  Returns the skb after the run.
 */
static struct sk_buff *tcplab_collapse_run(struct sock *sk,
					   struct sk_buff_head *q,
					   struct sk_buff *from, bool ooo)
{
	struct sk_buff *first = NULL, *stop = from, *last = NULL;

	while (stop != (struct sk_buff *)q &&
	       (!last || !ooo ||
		TCPLAB_SKB_CB(stop)->seq == TCPLAB_SKB_CB(last)->end_seq)) {
		if (!first && tcplab_skb_wasteful(stop, ooo))
			first = stop;
		last = stop;
		stop = stop->next;
	}
	if (first && (first != last ||
		      first->truesize >
		      2 * SKB_TRUESIZE(tcplab_skb_bytes(first, ooo))))
		tcplab_collapse(sk, q, first, stop, ooo);
	return stop;
}

static void tcplab_collapse_queues(struct sock *sk)
{
	struct sk_buff_head *ooo = &tcplab_sk(sk)->ooo_queue;
	struct sk_buff *skb;

	skb = skb_peek(&sk->sk_receive_queue);
	if (skb)
		tcplab_collapse_run(sk, &sk->sk_receive_queue, skb, false);
	skb = skb_peek(ooo);
	while (skb && skb != (struct sk_buff *)ooo)
		skb = tcplab_collapse_run(sk, ooo, skb, true);
}

/*
 * Make room for @skb, whose payload the core would keep (@place; out of
 * order from @seq).  False: it does not fit, the core must refuse it.
 */
static bool tcplab_rmem_schedule(struct sock *sk, struct sk_buff *skb,
				 enum tl_rcv_place place, u32 seq)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	struct net *net = sock_net(sk);
	struct sk_buff *tail;

	if (tcplab_rmem_fits(sk, skb))
		return true;
	tcplab_inc_stats(net, TCPLAB_MIB_RCV_PRUNE_CALLED);
	tcplab_collapse_queues(sk);
	/*
	 * Then out-of-order data from the right edge (tcp_prune_ofo_queue()):
	 * for in-order data any of it, for out-of-order data only what lies
	 * above it - the lower bytes are needed first.
	 */
	while (!tcplab_rmem_fits(sk, skb) &&
	       (tail = skb_peek_tail(&tsk->ooo_queue)) &&
	       (place == TL_RCV_INORDER ||
		tl_seq_gt(TCPLAB_SKB_CB(tail)->seq, seq))) {
		tcplab_ooo_prune_from(sk, TCPLAB_SKB_CB(tail)->seq);
		tcplab_inc_stats(net, TCPLAB_MIB_OFO_PRUNED);
	}
	return tcplab_rmem_fits(sk, skb);
}

/*
 * The core says everything held below @upto is now in order: move it to
 * the receive queue, trimming what overlaps data already queued.
 */
static void tcplab_ooo_drain(struct sock *sk, u32 upto)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	struct sk_buff *skb;

	while ((skb = skb_peek(&tsk->ooo_queue)) &&
	       tl_seq_lt(TCPLAB_SKB_CB(skb)->seq, upto)) {
		u32 seq = TCPLAB_SKB_CB(skb)->seq;
		u32 end = TCPLAB_SKB_CB(skb)->end_seq;
		u32 have = tsk->rcv_queued_end;

		__skb_unlink(skb, &tsk->ooo_queue);
		if (tl_seq_leq(end, have)) {		/* all duplicate */
			kfree_skb(skb);
			continue;
		}
		if (WARN_ON_ONCE(tl_seq_gt(seq, have)) ||	/* a gap: core bug */
		    !tcplab_skb_keep(skb, have - seq, end - have)) {
			kfree_skb(skb);
			continue;
		}
		/* skb_set_owner_r() again below: drop the old charge first. */
		skb_orphan(skb);
		tcplab_rcv_queue(sk, skb);
	}
}

/* ---- timers ---- */

/*
 * One kernel timer per socket stands for the core's six (enum
 * tl_timer_id): it is kept at the earliest deadline in tcb.timer[] (0: not
 * armed), which tl_timer_arm() and tl_timer_cancel() keep up to date
 * along with the actions they emit.  When it fires, every due deadline
 * is handed to tl_timer(), in order.  Socket lock held.
 */
static void tcplab_timer_sync(struct sock *sk, u64 now)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	unsigned long when;
	u64 next = 0;
	int id;

	for (id = 0; id < TL_TIMER_NR; id++)
		if (tsk->tcb.timer[id] &&
		    (!next || tsk->tcb.timer[id] < next))
			next = tsk->tcb.timer[id];
	if (!next) {
		sk_stop_timer(sk, &tsk->timer);
		return;
	}
	when = jiffies + usecs_to_jiffies(next > now ? next - now : 0);
	if (!timer_pending(&tsk->timer) || tsk->timer.expires != when)
		sk_reset_timer(sk, &tsk->timer, when);
}

/*
 * tcp_out_of_resources(): an orphan about to retransmit or probe is reset
 * when there is no room for it (mem.c): max_orphans lowered under it, or
 * the memory of all sockets over max while it holds data.  True if it
 * was.
 */
static bool tcplab_orphan_reap(struct sock *sk)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	struct tl_actions *act;

	if (!tsk->orphan_counted ||
	    !tcplab_orphan_oom(sk))
		return false;
	act = tcplab_act_get();
	if (tl_abort(&tsk->tcb, act)) {
		tcplab_act_put(act);
		return false;
	}
	tcplab_inc_stats(sock_net(sk), TCPLAB_MIB_ABORT_ON_MEMORY);
	tcplab_run_actions(sk, NULL, act);
	return true;
}

static void tcplab_timer_run(struct sock *sk)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	u64 now = tcplab_now_us();
	struct tl_actions *act;
	bool ran = false;
	int id;

	for (id = 0; id < TL_TIMER_NR; id++) {
		if (tsk->tcb.state == TL_CLOSED)
			return;
		if (!tsk->tcb.timer[id] || tsk->tcb.timer[id] > now)
			continue;
		if ((id == TL_TIMER_RTX || id == TL_TIMER_PERSIST) &&
		    tcplab_orphan_reap(sk))
			return;
		act = tcplab_act_get();
		tl_timer(&tsk->tcb, id, now, act);
		tcplab_run_actions(sk, NULL, act);
		ran = true;
	}
	/* Early (jiffies are coarser than microseconds): wait again. */
	if (!ran)
		tcplab_timer_sync(sk, now);
}

static void tcplab_timer_fire(struct timer_list *t)
{
	struct tcplab_sock *tsk = from_timer(tsk, t, timer);
	struct sock *sk = &tsk->sk;

	bh_lock_sock(sk);
	if (sock_owned_by_user(sk))
		set_bit(TCPLAB_DEFER_TIMER, &tsk->deferred);
	else
		tcplab_timer_run(sk);
	bh_unlock_sock(sk);
	/*
	 * The hold sk_reset_timer() took.  It may be the last reference of
	 * the last socket, and with it the module reference sk_alloc() took,
	 * while this function has yet to return: safe, because unloading
	 * waits in free_module()'s synchronize_rcu() for every softirq
	 * handler running now, this one included.
	 */
	sock_put(sk);
}

/* proto.release_cb: run the timer work deferred while the user held us. */
void tcplab_release_cb(struct sock *sk)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);

	if (test_and_clear_bit(TCPLAB_DEFER_TIMER, &tsk->deferred))
		tcplab_timer_run(sk);
}

void tcplab_timers_stop(struct sock *sk)
{
	sk_stop_timer(sk, &tcplab_sk(sk)->timer);
}

/* ---- listener: children ---- */

/*
 * SYN cookies (RFC 4987 3.6, core/tl_syncookie.c): the keyed hash of a
 * cookie covers the 4-tuple, the peer's ISN and the period t, under a
 * secret drawn once per boot, like Linux's syncookie_secret.
 */
static siphash_aligned_key_t tcplab_cookie_key;

static u32 tcplab_cookie_hash(__be32 laddr, __be32 raddr, u16 lport,
			      u16 rport, u32 irs, u32 t)
{
	net_get_random_once(&tcplab_cookie_key, sizeof(tcplab_cookie_key));
	return (u32)siphash_3u64((u64)(__force u32)laddr << 32 |
				 (__force u32)raddr,
				 (u64)lport << 48 | (u64)rport << 32 | irs,
				 t, &tcplab_cookie_key);
}

/* Cookies are checked this long after a listener last sent one (Linux). */
#define TCPLAB_COOKIE_VALID	(2 * 60 * HZ)

/*
 * The SYN queue of @lsk is full (or tcp_syncookies is 2): true if the
 * SYN is to be answered with a cookie, false if dropped.  Like Linux's
 * tcp_syn_flood_action(), a full queue is reported once per listener.
 */
static bool tcplab_syn_flood(struct sock *lsk, int mode)
{
	struct tcplab_sock *ltsk = tcplab_sk(lsk);

	if (mode != 2 &&
	    !test_and_set_bit(TCPLAB_LISTEN_SYNFLOOD_WARNED,
			      &ltsk->listen_flags))
		net_info_ratelimited("possible SYN flooding on port %u. %s.\n",
				     ntohs(ltsk->sport),
				     mode ? "Sending cookies" :
					    "Dropping request");
	return mode != 0;
}

/*
 * Answer a SYN without keeping state: the SYN,ACK's ISN is the cookie,
 * and with timestamps its TSval holds the SYN's window scale and SACK.
 * @in is the SYN (its IP header gives the addresses).
 */
static void tcplab_cookie_synack(struct sock *lsk, struct sk_buff *in,
				 const struct tl_child_req *req,
				 __be32 laddr, __be32 raddr)
{
	struct tcplab_sock *ltsk = tcplab_sk(lsk);
	struct net *net = sock_net(lsk);
	u64 now = tcplab_now_us();
	struct tl_seg_out out;
	struct tl_seg_in syn;
	struct flowi4 fl4;
	struct tl_cfg cfg;
	struct rtable *rt;
	u32 t, cookie;
	u16 mss;
	u8 idx;

	/* The route first: its MSS is announced, and the window rounded to it. */
	rt = tcplab_reply_route(net, in, req->lport, req->rport, &fl4, &mss);
	if (!rt)
		return;
	memset(&syn, 0, sizeof(syn));
	syn.th.sport = req->rport;
	syn.th.dport = req->lport;
	syn.th.seq = req->irs;
	syn.th.flags = TL_TCP_SYN;
	syn.th.wnd = req->wnd;
	syn.opts = req->opts;

	t = tl_syncookie_count(now);
	idx = tl_syncookie_mss_index(req->opts.present & TL_OPTF_MSS ?
				     req->opts.mss : TL_MSS_DEFAULT);
	cookie = tl_syncookie_make(t, idx,
				   tcplab_cookie_hash(laddr, raddr, req->lport,
						      req->rport, req->irs, t));
	/*
	 * The window and window scale from the listener's buffer and sysctls
	 * now, as the child made when the cookie comes back reads them
	 * (tcplab_child_alloc()): the scale must be the same.  The MSS is
	 * the route's, or TCP_MAXSEG's if that is smaller (Linux's
	 * user_mss, tcp_openreq_init()).
	 */
	tcplab_cfg(lsk, &cfg);
	if (READ_ONCE(ltsk->user_mss) && READ_ONCE(ltsk->user_mss) < mss)
		mss = READ_ONCE(ltsk->user_mss);
	tl_syncookie_synack(&syn, &cfg, cookie, mss, now, &out);
	/* tcp_synq_overflow(): the ACKs of the next 2 minutes are checked. */
	WRITE_ONCE(ltsk->synq_overflow, jiffies);
	set_bit(TCPLAB_LISTEN_COOKIES_SENT, &ltsk->listen_flags);
	tcplab_inc_stats(net, TCPLAB_MIB_SYNCOOKIES_SENT);
	trace_tcplab_segment_out(ltsk, &out.th, 0);
	tcplab_reply_send(net, in, &out, rt, &fl4);
}

/*
 * Make the child socket that will carry a connection to @lsk, hashed and
 * on the listener's SYN queue, its core tcb set up but CLOSED.  Returns
 * it locked (bh_lock_sock, softirqs off) or NULL.  @laddr and @raddr
 * come from the IP header of the segment that asked for it.
 */
static struct sock *tcplab_child_alloc(struct sock *lsk,
				       const struct tl_child_req *req,
				       __be32 laddr, __be32 raddr)
{
	struct tcplab_sock *ltsk = tcplab_sk(lsk), *ctsk;
	struct net *net = sock_net(lsk);
	struct sock *csk;

	csk = sk_alloc(net, lsk->sk_family, GFP_ATOMIC, lsk->sk_prot, 0);
	if (!csk)
		return NULL;
	tcplab_sock_init(csk, NULL);
	/*
	 * sk_clone_lock() gives an inet child its listener's owner (routing
	 * by uid, "ip rule uidrange", sees it until accept() sets the
	 * acceptor's) and LSM label; sock_init_data() without a socket made
	 * root the owner.
	 */
	csk->sk_uid = lsk->sk_uid;
	security_sk_clone(lsk, csk);
	csk->sk_rcvbuf = READ_ONCE(lsk->sk_rcvbuf);
	csk->sk_sndbuf = READ_ONCE(lsk->sk_sndbuf);
	csk->sk_userlocks = lsk->sk_userlocks;
	csk->sk_mark = READ_ONCE(lsk->sk_mark);
	csk->sk_bound_dev_if = READ_ONCE(lsk->sk_bound_dev_if);
	/* What sk_clone_lock() copies and the socket API shows. */
	csk->sk_reuse = lsk->sk_reuse;	/* TIME-WAIT vs SO_REUSEADDR */
	csk->sk_rcvtimeo = READ_ONCE(lsk->sk_rcvtimeo);
	csk->sk_sndtimeo = READ_ONCE(lsk->sk_sndtimeo);
	csk->sk_rcvlowat = READ_ONCE(lsk->sk_rcvlowat);
	csk->sk_priority = READ_ONCE(lsk->sk_priority);
	csk->sk_lingertime = READ_ONCE(lsk->sk_lingertime);
	if (sock_flag(lsk, SOCK_LINGER))
		sock_set_flag(csk, SOCK_LINGER);
	ctsk = tcplab_sk(csk);
	ctsk->nodelay = READ_ONCE(ltsk->nodelay);
	/* sk_clone_lock() copies the keepalive and cork settings too. */
	if (sock_flag(lsk, SOCK_KEEPOPEN))
		sock_set_flag(csk, SOCK_KEEPOPEN);
	ctsk->cork = READ_ONCE(ltsk->cork);
	ctsk->tos = READ_ONCE(ltsk->tos);	/* inet_sk(sk)->tos, cloned */
	ctsk->user_mss = READ_ONCE(ltsk->user_mss);	/* tcp_openreq_init() */
	/* sk_clone_lock() copies icsk_user_timeout with the rest. */
	ctsk->user_timeout = READ_ONCE(ltsk->user_timeout);
	ctsk->notsent_lowat = READ_ONCE(ltsk->notsent_lowat);
	ctsk->keepidle = READ_ONCE(ltsk->keepidle);
	ctsk->keepintvl = READ_ONCE(ltsk->keepintvl);
	ctsk->keepcnt = READ_ONCE(ltsk->keepcnt);
	ctsk->cc_ops = READ_ONCE(ltsk->cc_ops);	/* as tcp_sk_clone */
	ctsk->saddr = laddr;
	ctsk->daddr = raddr;
	ctsk->sport = htons(req->lport);
	ctsk->dport = htons(req->rport);

	/*
	 * We may run in process context (the listener's backlog): keep
	 * softirqs off while the child's spinlock is held, or a segment
	 * looped back by our own SYN,ACK could spin on it on this CPU.
	 */
	local_bh_disable();
	/*
	 * In softirq the listener's lock is held at SINGLE_DEPTH_NESTING
	 * (input.c): the child's is taken one level below it, so lockdep
	 * sees an order, not the same lock taken twice.
	 */
	bh_lock_sock(csk);
	if (tcplab_port_share(csk, lsk) || tcplab_route(csk))
		goto drop;
	tcplab_conn_setup(csk, tcplab_route_mss(csk));
	if (tcplab_hash_conn(csk))
		goto drop;

	sock_hold(lsk);
	ctsk->listener = lsk;
	spin_lock_bh(&ltsk->accept_lock);
	ltsk->syn_queue_len++;
	ctsk->in_syn_queue = true;
	list_add_tail(&ctsk->accept_node, &ltsk->syn_queue);
	spin_unlock_bh(&ltsk->accept_lock);
	tcplab_inc_stats(net, TCPLAB_MIB_PASSIVE_OPENS);
	return csk;

drop:
	tcplab_port_put(csk);
	bh_unlock_sock(csk);
	local_bh_enable();
	sk_free(csk);
	return NULL;
}

static void tcplab_listen_drop(struct net *net, enum tcplab_mib why)
{
	if (why != TCPLAB_MIB_LISTEN_DROPS)
		tcplab_inc_stats(net, why);
	tcplab_inc_stats(net, TCPLAB_MIB_LISTEN_DROPS);	/* tcp_listendrop() */
}

/*
 * A listener accepted a SYN (RFC 9293 3.10.7.2): make the child socket
 * that will carry the connection and let the core answer with SYN,ACK;
 * or, with the SYN queue full, answer with a cookie and keep nothing
 * (RFC 4987 3.6), or drop the SYN.  @in is the SYN; @laddr and @raddr
 * come from its IP header.
 */
static void tcplab_new_child(struct sock *lsk, struct sk_buff *in,
			     const struct tl_child_req *req,
			     __be32 laddr, __be32 raddr)
{
	struct tcplab_sock *ltsk = tcplab_sk(lsk), *ctsk;
	struct net *net = sock_net(lsk);
	int mode = READ_ONCE(net->ipv4.sysctl_tcp_syncookies);
	int max_syn = READ_ONCE(net->ipv4.sysctl_max_syn_backlog);
	struct tcplab_port *port;
	struct tl_actions *act;
	bool want_cookie = false;
	struct sock *csk;
	u64 now;
	u32 iss, qlen;

	/*
	 * tcp_conn_request(): the SYN queue is full when it holds more
	 * connections in SYN-RECEIVED than the listen() backlog (capped by
	 * somaxconn), "more than" as for the accept queue, so a backlog of
	 * 0 still takes one.  Full, or always with tcp_syncookies=2, the
	 * SYN gets a cookie; with tcp_syncookies=0 it is dropped and the
	 * client retries.
	 */
	spin_lock_bh(&ltsk->accept_lock);
	qlen = ltsk->syn_queue_len;
	spin_unlock_bh(&ltsk->accept_lock);
	if (mode == 2 || qlen > READ_ONCE(lsk->sk_max_ack_backlog)) {
		want_cookie = tcplab_syn_flood(lsk, mode);
		if (!want_cookie) {
			tcplab_listen_drop(net, TCPLAB_MIB_LISTEN_OVERFLOW);
			return;
		}
	}
	/* A full accept queue drops the SYN, cookie or not. */
	if (sk_acceptq_is_full(lsk)) {
		tcplab_listen_drop(net, TCPLAB_MIB_LISTEN_OVERFLOW);
		return;
	}
	/*
	 * Without cookies, the last quarter of tcp_max_syn_backlog is kept
	 * for peers known to be alive: tcplab knows none, so it drops there.
	 */
	if (!want_cookie && !mode && in &&
	    max_syn - (int)qlen < (max_syn >> 2)) {
		tcplab_listen_drop(net, TCPLAB_MIB_LISTEN_DROPS);
		return;
	}
	if (want_cookie) {
		if (in)
			tcplab_cookie_synack(lsk, in, req, laddr, raddr);
		return;
	}

	csk = tcplab_child_alloc(lsk, req, laddr, raddr);
	if (!csk) {
		/* tcp_v4_syn_recv_sock(): no memory for the child. */
		tcplab_listen_drop(net, TCPLAB_MIB_LISTEN_DROPS);
		return;
	}
	ctsk = tcplab_sk(csk);
	now = tcplab_now_us();
	iss = tcplab_isn(ctsk, now);
	port = ltsk->port;
	if (port && READ_ONCE(port->reopen_rport) == ctsk->dport &&
	    READ_ONCE(port->reopen_raddr) == ctsk->daddr) {
		/* A reopened TIME-WAIT connection: above the old sequences. */
		iss = READ_ONCE(port->reopen_iss);
		WRITE_ONCE(port->reopen_rport, 0);
	}
	act = tcplab_act_get();
	tl_accept_syn(&ctsk->tcb, req, iss, now, act);
	tcplab_run_actions(csk, NULL, act);
	bh_unlock_sock(csk);
	local_bh_enable();
}

/*
 * An ACK reached listener @lsk and no connection: if it returns a cookie
 * of ours (RFC 4987 3.6), the handshake is complete, and the child is
 * created straight from it and the ACK, data and all.  True if @skb
 * (the ACK, data at its payload) was consumed; false if it goes on to
 * the listener, which answers it with a RST (RFC 9293 3.10.7.2 second).
 * Like Linux's cookie_v4_check(), only while the listener has sent
 * cookies in the last two minutes.
 */
static bool tcplab_cookie_ack(struct sock *lsk, struct sk_buff *skb,
			      const struct tl_seg_in *seg)
{
	struct tcplab_sock *ltsk = tcplab_sk(lsk);
	struct net *net = sock_net(lsk);
	__be32 laddr = ip_hdr(skb)->daddr, raddr = ip_hdr(skb)->saddr;
	u32 cookie = seg->th.ack - 1;
	struct tl_child_req req;
	struct tl_actions *act;
	struct sock *csk;
	u64 now;
	u32 t;
	u8 idx;

	if ((seg->th.flags & (TL_TCP_ACK | TL_TCP_SYN | TL_TCP_RST)) !=
	    TL_TCP_ACK ||
	    !READ_ONCE(net->ipv4.sysctl_tcp_syncookies) ||
	    !test_bit(TCPLAB_LISTEN_COOKIES_SENT, &ltsk->listen_flags) ||
	    time_after(jiffies, READ_ONCE(ltsk->synq_overflow) +
				TCPLAB_COOKIE_VALID))
		return false;

	now = tcplab_now_us();
	if (!tl_syncookie_age(cookie, tl_syncookie_count(now), &t) ||
	    !tl_syncookie_hash_ok(cookie,
				  tcplab_cookie_hash(laddr, raddr,
						     seg->th.dport,
						     seg->th.sport,
						     seg->th.seq - 1, t),
				  &idx) ||
	    !tl_syncookie_req(seg, idx, &req)) {
		tcplab_inc_stats(net, TCPLAB_MIB_SYNCOOKIES_FAILED);
		return false;
	}
	tcplab_inc_stats(net, TCPLAB_MIB_SYNCOOKIES_RECV);
	/* tcp_v4_syn_recv_sock(): no room in the accept queue, no child. */
	if (sk_acceptq_is_full(lsk)) {
		tcplab_listen_drop(net, TCPLAB_MIB_LISTEN_OVERFLOW);
		kfree_skb(skb);
		return true;
	}
	csk = tcplab_child_alloc(lsk, &req, laddr, raddr);
	if (!csk) {
		kfree_skb(skb);
		return true;
	}
	act = tcplab_act_get();
	tl_accept_cookie(&tcplab_sk(csk)->tcb, &req, cookie, now, act);
	tcplab_run_actions(csk, NULL, act);
	/* The ACK itself, SYN-RECEIVED -> ESTABLISHED (RFC 9293 3.10.7.4). */
	tcplab_sk(csk)->info.segs_in++;
	if (seg->len)
		tcplab_sk(csk)->info.data_segs_in++;
	act = tcplab_act_get();
	tl_input(&tcplab_sk(csk)->tcb, seg, now, act);
	tcplab_run_actions(csk, skb, act);
	bh_unlock_sock(csk);
	local_bh_enable();
	return true;
}

/* A child's handshake completed: it moves to its listener's accept queue. */
static void tcplab_child_established(struct sock *csk)
{
	struct tcplab_sock *ctsk = tcplab_sk(csk);
	struct sock *lsk = ctsk->listener;
	struct tcplab_sock *ltsk;

	if (!lsk)
		return;
	ltsk = tcplab_sk(lsk);
	spin_lock_bh(&ltsk->accept_lock);
	if (ctsk->in_syn_queue) {
		list_move_tail(&ctsk->accept_node, &ltsk->accept_queue);
		ctsk->in_syn_queue = false;
		ltsk->syn_queue_len--;
		sk_acceptq_added(lsk);
	}
	spin_unlock_bh(&ltsk->accept_lock);
	lsk->sk_data_ready(lsk);
}

/*
 * A child died before accept() took it: unlink it from its listener.
 * Returns true if the caller must drop the child's own reference (no
 * struct socket will ever own it).
 */
static bool tcplab_child_unlink(struct sock *csk)
{
	struct tcplab_sock *ctsk = tcplab_sk(csk);
	struct sock *lsk = ctsk->listener;
	struct tcplab_sock *ltsk;
	bool unlinked = false;

	if (!lsk)
		return false;
	ltsk = tcplab_sk(lsk);
	spin_lock_bh(&ltsk->accept_lock);
	if (!list_empty(&ctsk->accept_node)) {
		if (ctsk->in_syn_queue)
			ltsk->syn_queue_len--;
		else
			sk_acceptq_removed(lsk);
		list_del_init(&ctsk->accept_node);
		unlinked = true;
	}
	spin_unlock_bh(&ltsk->accept_lock);
	if (unlinked) {
		ctsk->listener = NULL;
		sock_put(lsk);
	}
	return unlinked;
}

/* ---- running the actions ---- */

static void tcplab_state_changed(struct sock *sk, const struct tl_state_change *c)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	struct net *net = sock_net(sk);

	trace_tcplab_state(tsk, c->from, c->to);
	WRITE_ONCE(sk->sk_state, tcplab_linux_state[c->to]);
	switch (c->to) {
	case TL_SYN_RECEIVED:
		/* The peer's first data byte: IRS + 1 (RFC 9293 3.4). */
		tsk->rcv_queued_end = tsk->tcb.irs + 1;
		break;
	case TL_ESTABLISHED:
		tsk->rcv_queued_end = tsk->tcb.irs + 1;
		tcplab_inc_stats(net, TCPLAB_MIB_ESTABLISHED);
		if (tsk->tcb.cc.ops)
			trace_tcplab_cc(tsk, "init");
		tcplab_sndbuf_expand(sk);	/* tcp_init_buffer_space() */
		if (tsk->listener)
			tcplab_child_established(sk);
		break;
	case TL_TIME_WAIT:
		tcplab_orphan_del(sk);	/* holds no data (mem.c) */
		break;
	case TL_CLOSED:
		/* Like tcp_done(): nothing more to send or receive. */
		WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
		break;
	default:
		break;
	}
}

/* The connection reached CLOSED: the core has deleted the TCB. */
static void tcplab_conn_released(struct sock *sk)
{
	bool orphan_child;

	tcplab_timers_stop(sk);
	tcplab_orphan_del(sk);
	orphan_child = tcplab_child_unlink(sk);
	/*
	 * Like Linux, an automatically chosen port is let go at CLOSE, a
	 * bound one when the user closes the socket.  A child that no user
	 * will ever own (dead, or dying on its listener's queues) lets go
	 * now: its SOCK_BINDPORT_LOCK is only its listener's, copied.
	 */
	if (!(sk->sk_userlocks & SOCK_BINDPORT_LOCK) ||
	    sock_flag(sk, SOCK_DEAD) || orphan_child)
		tcplab_port_put(sk);
	if (sock_flag(sk, SOCK_DEAD) || orphan_child)
		tcplab_purge_queues(sk);
	/* Last: unhashing may drop the last reference of an orphan. */
	if (orphan_child)
		sock_put(sk);
	tcplab_unhash_conn(sk);
}

/* A segment carries sequence space again: count it, trace its kind. */
static void tcplab_retransmitted(struct sock *sk, const struct tl_seg_out *seg)
{
	static const u8 mib[TL_RTX_NR] = {
		[TL_RTX_RTO]	= TCPLAB_MIB_RTO_RETRANS,
		[TL_RTX_FAST]	= TCPLAB_MIB_FAST_RETRANS,
		[TL_RTX_SACK]	= TCPLAB_MIB_SACK_RETRANS,
	};
	struct tcplab_sock *tsk = tcplab_sk(sk);
	struct net *net = sock_net(sk);

	tcplab_inc_stats(net, TCPLAB_MIB_RETRANS);
	tsk->info.total_retrans++;
	if (seg->rtx_kind < TL_RTX_NR && mib[seg->rtx_kind])
		tcplab_inc_stats(net, mib[seg->rtx_kind]);
	trace_tcplab_retransmit(tsk, seg->th.seq, seg->data_len,
				tl_rtx_kind_name(seg->rtx_kind));
}

/* A congestion control event of the core: trace and count it. */
static void tcplab_cc_event(struct sock *sk, u8 ev)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	struct net *net = sock_net(sk);

	trace_tcplab_cc(tsk, tl_cc_event_name(ev));
	switch (ev) {
	case TL_CC_EV_RTO:
		tsk->info.total_rto++;
		tcplab_inc_stats(net, TCPLAB_MIB_RTO_TIMEOUTS);
		break;
	case TL_CC_EV_LOSS:
		tcplab_inc_stats(net, tsk->tcb.rec.sack ?
				 TCPLAB_MIB_SACK_RECOVERY :
				 TCPLAB_MIB_NEWRENO_RECOVERY);
		break;
	case TL_CC_EV_UNDO:
		tcplab_inc_stats(net, TCPLAB_MIB_DSACK_UNDO);
		break;
	default:
		break;
	}
}

/*
 * ---- the actions of a core call ----
 *
 * A struct tl_actions (about 870 bytes) lives only from a core call until
 * tcplab_run_actions() has carried it out, and so do the segments
 * output.c gathers for GSO meanwhile (tcplab_sock.gso points to them):
 * per-CPU scratch rather than part of every socket.  The slots form a stack: from
 * tcplab_act_get() to tcplab_act_put() preemption is off, so on this CPU
 * only softirqs can run meanwhile, and a softirq runs to its end on top
 * of us, taking and giving back the slots above ours.  A system call
 * (socket owned) and a softirq (bh_lock_sock) need two; a softirq never
 * nests in a softirq, and a listener's child takes its slot only after
 * the listener's is given back (tcplab_run_actions()).  One more is kept
 * spare; beyond that, a kmalloc'ed one.  Nothing that runs actions
 * sleeps (segments are allocated GFP_ATOMIC, timers are not waited for).
 */
#define TCPLAB_ACT_SLOTS	3

/* The actions, and the segments output.c gathers while running them. */
struct tcplab_act_slot {
	struct tl_actions act;
	struct tcplab_gso gso;
};

struct tcplab_act_stack {
	unsigned int depth;	/* slots in use */
	unsigned int over;	/* in use beyond them (a bug: WARNed) */
	struct tcplab_act_slot slot[TCPLAB_ACT_SLOTS];
};

static DEFINE_PER_CPU(struct tcplab_act_stack, tcplab_act_stack);

/* Zeroed actions for one core call; give back with tcplab_act_put(). */
struct tl_actions *tcplab_act_get(void)
{
	struct tcplab_act_stack *st;
	struct tcplab_act_slot *slot;

	preempt_disable();
	st = this_cpu_ptr(&tcplab_act_stack);
	if (likely(st->depth < TCPLAB_ACT_SLOTS)) {
		slot = &st->slot[st->depth++];
	} else {
		WARN_ON_ONCE(1);
		st->over++;
		slot = kmalloc(sizeof(*slot), GFP_ATOMIC);
		/* Out of memory too: share the last slot rather than oops. */
		if (!slot)
			slot = &st->slot[TCPLAB_ACT_SLOTS - 1];
	}
	memset(slot, 0, sizeof(*slot));
	return &slot->act;
}

/* Slots are given back in the reverse order of tcplab_act_get(). */
void tcplab_act_put(struct tl_actions *act)
{
	struct tcplab_act_stack *st = this_cpu_ptr(&tcplab_act_stack);

	if (unlikely(st->over)) {
		st->over--;
		if (act != &st->slot[TCPLAB_ACT_SLOTS - 1].act)
			kfree(container_of(act, struct tcplab_act_slot, act));
	} else {
		st->depth--;
	}
	preempt_enable();
}

/*
 * Carry out @act, the actions of a core call for @sk (@skb: the segment
 * it got, or NULL), then give @act back (tcplab_act_put()).
 */
void tcplab_run_actions(struct sock *sk, struct sk_buff *skb,
			struct tl_actions *act)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	struct tl_child_req child_req;
	struct net *net = sock_net(sk);
	__be32 laddr = 0, raddr = 0;
	u64 now = tcplab_now_us();
	struct sk_buff *in = skb;	/* valid while not consumed */
	unsigned int i;
	bool release, child;
	u8 wake;

	if (skb) {
		laddr = ip_hdr(skb)->daddr;
		raddr = ip_hdr(skb)->saddr;
	}
	tsk->gso = &container_of(act, struct tcplab_act_slot, act)->gso;
again:
	wake = act->wake;

	for (i = 0; i < act->nstate; i++)
		tcplab_state_changed(sk, &act->state[i]);

	if (act->acked) {
		tsk->info.bytes_acked += act->acked;
		tcplab_snd_free(sk, act->acked);
		wake |= TL_WAKE_WRITE;
	}

	/* Receive side: in-order payload, out-of-order payload, reassembly. */
	if (skb && act->deliver_len && act->ooo_len) {
		struct sk_buff *clone = skb_clone(skb, GFP_ATOMIC);

		if (clone && tcplab_skb_keep(clone, act->ooo_off, act->ooo_len)) {
			tcplab_ooo_hold(sk, clone, act->ooo_seq);
		} else {
			kfree_skb(clone);
			tcplab_ooo_prune_from(sk, act->ooo_seq);
		}
		act->ooo_len = 0;
	}
	if (skb && act->deliver_len) {
		if (tcplab_skb_keep(skb, act->deliver_off, act->deliver_len)) {
			tcplab_rcv_queue(sk, skb);
			wake |= TL_WAKE_READ;
		} else {
			kfree_skb(skb);
		}
		skb = NULL;
		in = NULL;
	} else if (skb && act->ooo_len) {
		/* Kept as the core says, or forgotten by the core as well. */
		if (tcplab_skb_keep(skb, act->ooo_off, act->ooo_len)) {
			tcplab_ooo_hold(sk, skb, act->ooo_seq);
		} else {
			kfree_skb(skb);
			tcplab_ooo_prune_from(sk, act->ooo_seq);
		}
		skb = NULL;
		in = NULL;
	}
	if (act->ooo_ready) {
		tcplab_ooo_drain(sk, act->ooo_ready_to);
		wake |= TL_WAKE_READ;
	}
	if (act->eof) {
		sock_set_flag(sk, SOCK_DONE);
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | RCV_SHUTDOWN);
		wake |= TL_WAKE_READ;
	}

	/*
	 * A listener has no peer: its only segments are replies (RST to an
	 * ACK, RFC 9293 3.10.7.2), addressed from the segment that came in.
	 * So has a listener that closed or shut down while segments waited
	 * in its backlog: CLOSED, it answers them with RST (3.10.7.1).
	 */
	for (i = 0; i < act->nseg; i++) {
		trace_tcplab_segment_out(tsk, &act->seg[i].th, act->seg[i].data_len);
		tsk->info.segs_out++;
		if (act->seg[i].data_len)
			tsk->info.data_segs_out++;
		if (act->seg[i].rtx)
			tcplab_retransmitted(sk, &act->seg[i]);
		if (act->seg[i].probe)
			trace_tcplab_retransmit(tsk, act->seg[i].th.seq, 0,
						"probe");
		if (tsk->tcb.state != TL_LISTEN && tsk->dport)
			tcplab_xmit(sk, &act->seg[i]);
		else if (in)
			tcplab_send_reset(net, in, &act->seg[i]);
	}

	tcplab_timer_sync(sk, now);
	for (i = 0; i < act->ncc_ev; i++)
		tcplab_cc_event(sk, act->cc_ev[i]);

	if (act->error) {
		int err = -act->error;

		/* tcp_reset(): a RST in CLOSE-WAIT is reported as EPIPE. */
		if (err == ECONNRESET && act->nstate &&
		    act->state[0].from == TL_CLOSE_WAIT)
			err = EPIPE;
		WRITE_ONCE(sk->sk_err, err);
		tcplab_inc_stats(net, TCPLAB_MIB_FAILED);
		sk_error_report(sk);
	}

	if (wake & TL_WAKE_READ)
		sk->sk_data_ready(sk);
	/*
	 * Under a notsent low-water mark, sending makes room as freeing
	 * acknowledged bytes does (tcp_stream_memory_free()).
	 */
	if (act->nseg && tcplab_notsent_lowat(sk) != UINT_MAX)
		wake |= TL_WAKE_WRITE;
	if (wake & TL_WAKE_WRITE)
		sk->sk_write_space(sk);
	/*
	 * State changes wake everyone (tcp_set_state() callers call
	 * sk_state_change()); an ACK alone must not, or edge-triggered
	 * epoll would report an edge for every ACK.
	 */
	if ((wake & TL_WAKE_HUP) || act->nstate)
		sk->sk_state_change(sk);

	if (!act->release && act->more) {
		tl_output(&tsk->tcb, now, act);
		goto again;
	}
	tcplab_xmit_flush(sk);		/* segments gathered for GSO */
	tsk->gso = NULL;
	/*
	 * Executed: give the scratch back before a listener's child runs
	 * actions of its own, and before the release, which may drop the
	 * last reference of an orphan.
	 */
	release = act->release;
	child = act->child && laddr;
	if (child)
		child_req = act->child_req;
	tcplab_act_put(act);
	if (child)
		tcplab_new_child(sk, in, &child_req, laddr, raddr);
	if (release)
		tcplab_conn_released(sk);
	kfree_skb(skb);		/* payload the core did not want */
}

/*
 * tcp_rcv_state_process() step 7: new data for a connection in FIN-WAIT-1
 * or FIN-WAIT-2 whose user will read no more (close(), or SHUT_RD before
 * SHUT_WR) aborts it with RST, as RFC 1122 4.2.2.13 asks ("if new data
 * is received after CLOSE is called, its TCP SHOULD send a RST").  The
 * peer then reports EPIPE (RST in CLOSE-WAIT) as with Linux.  True if the
 * segment was consumed so.
 */
static bool tcplab_abort_on_data(struct sock *sk, const struct tl_seg_in *seg)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	const struct tl_tcb *tcb = &tsk->tcb;
	u32 end = seg->th.seq + seg->len;
	struct tl_actions *act;
	unsigned int i;

	if (!(READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN) || !seg->len ||
	    (seg->th.flags & (TL_TCP_SYN | TL_TCP_RST)) ||
	    (tcb->state != TL_FIN_WAIT_1 && tcb->state != TL_FIN_WAIT_2) ||
	    !tl_seq_gt(end, tcb->rcv_nxt) ||
	    tl_seq_gt(seg->th.seq, tcb->rcv_nxt + tcb->rcv_wnd))
		return false;
	act = tcplab_act_get();
	if (tl_abort(&tsk->tcb, act)) {
		tcplab_act_put(act);
		return false;
	}
	/*
	 * Linux answers the segment itself (tcp_reset(), then
	 * tcp_v4_send_reset()): the reply form of 3.10.7.1,
	 * <SEQ=SEG.ACK><CTL=RST>, rather than the ABORT form.
	 */
	for (i = 0; i < act->nseg; i++)
		if (act->seg[i].th.flags & TL_TCP_RST)
			tl_rst_reply(&seg->th, seg->len, &act->seg[i]);
	if (!sock_flag(sk, SOCK_DEAD)) {
		/* tcp_reset() in FIN-WAIT: the user learns ECONNRESET. */
		WRITE_ONCE(sk->sk_err, ECONNRESET);
		sk_error_report(sk);
	}
	tcplab_run_actions(sk, NULL, act);
	return true;
}

/*
 * RFC 1122 4.2.2.13: a connection in TIME-WAIT "MAY accept a new SYN from
 * the remote TCP to reopen the connection directly from TIME-WAIT state,
 * if it: (1) assigns its initial sequence number for the new connection
 * to be larger than the largest sequence number it used on the previous
 * connection incarnation, and (2) returns to TIME-WAIT state if the SYN
 * turns out to be an old duplicate."  Linux does (TCP_TW_SYN in
 * tcp_timewait_state_process()).  Without it a client that reuses its
 * port while we wait in TIME-WAIT gets a challenge ACK, resets, and
 * connects only after a SYN retransmission timeout.
 *
 * If the segment in @skb (softirq, @sk bh-locked and not owned) is such
 * a SYN, with a sequence number beyond the old connection's and a
 * listener on the port, end the TIME-WAIT connection and return true:
 * the caller hands the SYN to the listener.  Otherwise false, nothing
 * done.  (2) is left to the peer: an old duplicate SYN meets a new
 * connection that answers it as RFC 9293 says.
 */
bool tcplab_tw_reopen(struct sock *sk, struct sk_buff *skb)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	struct tcplab_port *port = tsk->port;
	struct tl_actions *act;
	struct tl_tcphdr th;

	if (tsk->tcb.state != TL_TIME_WAIT || !port ||
	    !READ_ONCE(port->listener) ||
	    tl_seg_parse(skb->data, skb_headlen(skb), &th) != TL_SEG_OK ||
	    (th.flags & (TL_TCP_SYN | TL_TCP_ACK | TL_TCP_RST | TL_TCP_FIN)) !=
	    TL_TCP_SYN || !tl_seq_gt(th.seq, tsk->tcb.rcv_nxt))
		return false;

	/* (1), as tcp_timewait_state_process() picks it. */
	WRITE_ONCE(port->reopen_iss, tsk->tcb.snd_nxt + 65535 + 2);
	WRITE_ONCE(port->reopen_raddr, tsk->daddr);
	WRITE_ONCE(port->reopen_rport, tsk->dport);
	/* 3.10.5 ABORT in TIME-WAIT: no RST, delete the TCB. */
	act = tcplab_act_get();
	if (!tl_abort(&tsk->tcb, act))
		tcplab_run_actions(sk, NULL, act);
	else
		tcplab_act_put(act);
	return true;
}

/* The counter, if any, of why the core dropped (part of) a segment. */
static void tcplab_count_drop(struct net *net, enum tl_drop drop)
{
	static const u8 mib[TL_DROP_NR] = {
		[TL_DROP_RST_CHALLENGE]	= TCPLAB_MIB_CHALLENGE_ACKS,
		[TL_DROP_SYN_CHALLENGE]	= TCPLAB_MIB_CHALLENGE_ACKS,
		[TL_DROP_PAWS]		= TCPLAB_MIB_PAWS_DROPS,
		[TL_DROP_OOO_FULL]	= TCPLAB_MIB_OFO_NO_RANGE,
		[TL_DROP_OOO_DUP]	= TCPLAB_MIB_OFO_DUPLICATE,
		[TL_DROP_OOO_MEM]	= TCPLAB_MIB_OFO_DROP,
		[TL_DROP_RCV_MEM]	= TCPLAB_MIB_RCVQ_DROP,
	};

	if ((unsigned int)drop < TL_DROP_NR && mib[drop])
		tcplab_inc_stats(net, mib[drop]);
}

/* proto.backlog_rcv, and the softirq path (input.c): one segment arrives. */
int tcplab_sk_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	const u8 *h = skb->data;
	struct tl_actions *act;
	struct tl_seg_in seg;
	u32 hlen, rcv_nxt, seq;
	bool sync;

	if (tl_seg_parse(h, skb_headlen(skb), &seg.th) != TL_SEG_OK)
		goto malformed;
	hlen = tl_seg_hdr_len(&seg.th);
	if (tl_opts_parse(h + TL_TCP_HDR_MIN, hlen - TL_TCP_HDR_MIN,
			  &seg.opts) != TL_OPT_OK)
		goto malformed;
	seg.len = skb->len - hlen;
	/* Room for the payload is decided below, or a cookie's child is new. */
	seg.no_room = false;
	__skb_pull(skb, hlen);
	trace_tcplab_segment_in(tsk, &seg.th, seg.len);

	if (tcplab_abort_on_data(sk, &seg)) {
		kfree_skb(skb);
		return 0;
	}
	if (tsk->tcb.state == TL_LISTEN && tcplab_cookie_ack(sk, skb, &seg))
		return 0;
	tsk->info.segs_in++;
	if (seg.len)
		tsk->info.data_segs_in++;
	sync = tl_state_synchronized(tsk->tcb.state);
	rcv_nxt = tsk->tcb.rcv_nxt;
	if (seg.len) {
		enum tl_rcv_place place = tl_rcv_place(&tsk->tcb, &seg, &seq);

		if ((place == TL_RCV_INORDER || place == TL_RCV_OOO) &&
		    !tcplab_rmem_schedule(sk, skb, place, seq))
			seg.no_room = true;
	}
	act = tcplab_act_get();
	tl_input(&tsk->tcb, &seg, tcplab_now_us(), act);
	tcplab_count_drop(sock_net(sk), act->drop);
	if (sync)
		tsk->info.bytes_received += tsk->tcb.rcv_nxt - rcv_nxt -
					    act->eof;
	tcplab_run_actions(sk, skb, act);
	return 0;

malformed:
	tcplab_inc_stats(sock_net(sk), TCPLAB_MIB_MALFORMED);
	kfree_skb(skb);
	return 0;
}

/* Open actively: route, port, hash, SYN (RFC 9293 3.10.1). */
int tcplab_connect_start(struct sock *sk)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	u64 now = tcplab_now_us();
	struct tl_actions *act;
	int err;

	err = tcplab_route(sk);
	if (err)
		return err;
	if (!tsk->port) {
		err = tcplab_port_get(sk, tsk->saddr, 0);
		if (err)
			return err;
	}
	tcplab_conn_setup(sk, tcplab_route_mss(sk));
	err = tcplab_hash_conn(sk);
	if (err)
		return err;
	tcplab_inc_stats(sock_net(sk), TCPLAB_MIB_ACTIVE_OPENS);
	act = tcplab_act_get();
	err = tl_open_active(&tsk->tcb, ntohs(tsk->sport), ntohs(tsk->dport),
			     tcplab_isn(tsk, now), now, act);
	if (err) {
		tcplab_act_put(act);
		tcplab_unhash_conn(sk);
		return err;
	}
	tcplab_run_actions(sk, NULL, act);
	return 0;
}
