/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcplab.h - definitions shared by the kernel glue files of the module.
 *
 * Who does what (kernel side; the protocol itself is in core/):
 *   main.c    module init/exit, parameters, per-netns setup
 *   socket.c  proto_ops: the socket API (bind, connect, send, recv, ...)
 *   conn.c    runs the core for one socket: feeds it segments, user calls
 *             and timer expiries, and executes the actions it returns
 *   table.c   ports (reserved in Linux's own table) and socket lookup
 *   input.c   netfilter hook: claims tcplab's segments, checks, demuxes
 *   output.c  turns a core segment into an skb and sends it via IPv4
 *   proc.c    /proc/net/tcplab, /proc/net/tcplab_stats
 *   mem.c     memory of all sockets together (struct proto accounting)
 *             and the orphan limit
 *
 * Locking follows Linux TCP: a socket is protected by its socket lock.
 * Softirq paths (input, timers) take bh_lock_sock(); when a process owns
 * the socket they defer: segments go to the socket backlog (processed by
 * release_sock() through proto.backlog_rcv), timer expiries set a bit in
 * tcplab_sock.deferred (processed by proto.release_cb).
 */
#ifndef _TCPLAB_H
#define _TCPLAB_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/skbuff.h>
#include <net/sock.h>
#ifdef TCPLAB_HAVE_PROTO_MEMORY_H
#include <net/proto_memory.h>
#endif
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "uapi/linux/tcplab.h"
#include "core/tl_tcb.h"
#include "core/tl_seq.h"

/* Module parameters (main.c). */
extern int tcplab_family;
extern unsigned int tcplab_msl_ms;	/* Maximum Segment Lifetime */
extern bool tcplab_csum_offload;	/* CHECKSUM_PARTIAL for payload */
extern unsigned int tcplab_delack_min_ms;	/* 0: no delayed ACKs */
/* Retransmission (RFC 6298) and congestion control defaults (main.c). */
extern unsigned int tcplab_rto_min_ms, tcplab_rto_max_ms, tcplab_rto_initial_ms;
extern int tcplab_syn_retries, tcplab_data_retries;	/* -1: the netns sysctl */
const struct tl_cc_ops *tcplab_cc_default(void);
#define TCPLAB_CA_NAME_MAX	16	/* Linux's TCP_CA_NAME_MAX */

/*
 * sysctl.c: the same settings per network namespace, in
 * /proc/sys/net/tcplab/; each follows its module parameter until set.
 */
enum tcplab_knob {
	TCPLAB_KNOB_MSL_MS,
	TCPLAB_KNOB_DELACK_MIN_MS,
	TCPLAB_KNOB_CSUM_OFFLOAD,
	TCPLAB_KNOB_RTO_MIN_MS,
	TCPLAB_KNOB_RTO_MAX_MS,
	TCPLAB_KNOB_RTO_INITIAL_MS,
	TCPLAB_KNOB_SYN_RETRIES,
	TCPLAB_KNOB_DATA_RETRIES,
	TCPLAB_KNOB_NR
};

struct tcplab_knobs {
	int			val[TCPLAB_KNOB_NR];	/* INT_MIN: follow */
	const struct tl_cc_ops	*cc;			/* NULL: follow */
	struct ctl_table_header	*hdr;
	struct ctl_table	*table;
};

int tcplab_knob(const struct net *net, enum tcplab_knob k);
const struct tl_cc_ops *tcplab_cc_for(const struct net *net);
int tcplab_sysctl_net_init(struct net *net);
void tcplab_sysctl_net_exit(struct net *net);

/* Counters in /proc/net/tcplab_stats, per network namespace. */
enum tcplab_mib {
	TCPLAB_MIB_SEGS_IN,		/* segments claimed by tcplab */
	TCPLAB_MIB_SEGS_OUT,		/* segments sent */
	TCPLAB_MIB_BAD_CSUM,		/* dropped: bad checksum */
	TCPLAB_MIB_MALFORMED,		/* dropped: header or options malformed */
	TCPLAB_MIB_NO_SOCKET,		/* claimed, but no connection: RST sent */
	TCPLAB_MIB_RST_OUT,
	TCPLAB_MIB_RST_IN,
	TCPLAB_MIB_CHALLENGE_ACKS,	/* RFC 5961 challenge ACKs sent */
	TCPLAB_MIB_RETRANS,		/* segments retransmitted */
	TCPLAB_MIB_ACTIVE_OPENS,	/* connect() */
	TCPLAB_MIB_PASSIVE_OPENS,	/* SYN accepted by a listener */
	TCPLAB_MIB_ESTABLISHED,		/* connections that reached ESTABLISHED */
	TCPLAB_MIB_FAILED,		/* connections that ended with an error */
	TCPLAB_MIB_LISTEN_OVERFLOW,	/* SYN dropped: SYN or accept queue full */
	TCPLAB_MIB_BACKLOG_DROP,	/* dropped: socket backlog full */
	TCPLAB_MIB_OUT_ERRORS,		/* could not route or allocate a segment */
	TCPLAB_MIB_TLS_TX_RECORDS,	/* kernel TLS records sent */
	TCPLAB_MIB_TLS_RX_RECORDS,	/* kernel TLS records authenticated */
	TCPLAB_MIB_TLS_DECRYPT_ERRORS,	/* records that failed authentication */
	TCPLAB_MIB_TLS_REKEYS,		/* TLS 1.3 key updates installed */
	/* Loss recovery */
	TCPLAB_MIB_FAST_RETRANS,	/* fast retransmits (RFC 5681/6582) */
	TCPLAB_MIB_SACK_RETRANS,	/* retransmissions in RFC 6675 recovery */
	TCPLAB_MIB_RTO_RETRANS,		/* retransmissions after a timeout */
	TCPLAB_MIB_RTO_TIMEOUTS,	/* retransmission timeouts (data) */
	TCPLAB_MIB_NEWRENO_RECOVERY,	/* NewReno fast recoveries entered */
	TCPLAB_MIB_SACK_RECOVERY,	/* SACK recoveries entered */
	TCPLAB_MIB_DSACK_UNDO,		/* recoveries undone: D-SACK (RFC 3708) */
	TCPLAB_MIB_PAWS_DROPS,		/* dropped by PAWS (RFC 7323 5) */
	TCPLAB_MIB_FILTER_DROP,		/* dropped by the socket's filter or IPsec policy */
	/* Receive memory (conn.c): SO_RCVBUF + TCPLAB_RCVBUF_SLACK */
	TCPLAB_MIB_RCV_PRUNE_CALLED,	/* over the limit: collapse, prune */
	TCPLAB_MIB_RCV_COLLAPSED,	/* skbs copied into compact ones */
	TCPLAB_MIB_OFO_PRUNED,		/* out-of-order skbs let go */
	TCPLAB_MIB_OFO_DROP,		/* out-of-order data: no memory */
	TCPLAB_MIB_OFO_NO_RANGE,	/* out-of-order data: no range slot */
	TCPLAB_MIB_OFO_DUPLICATE,	/* out-of-order data already held */
	TCPLAB_MIB_RCVQ_DROP,		/* in-order data: no memory */
	/* A listener's SYN queue and SYN cookies (RFC 4987 3.6) */
	TCPLAB_MIB_LISTEN_DROPS,	/* SYN or cookie ACK dropped by a listener */
	TCPLAB_MIB_SYNCOOKIES_SENT,	/* SYN,ACKs with a cookie */
	TCPLAB_MIB_SYNCOOKIES_RECV,	/* ACKs with a valid cookie */
	TCPLAB_MIB_SYNCOOKIES_FAILED,	/* ACKs whose cookie did not check */
	/* Memory of all sockets together, orphans (mem.c) */
	TCPLAB_MIB_MEMORY_PRESSURES,	/* times the pool went over pressure */
	TCPLAB_MIB_ABORT_ON_MEMORY,	/* reset: too many orphans, or no memory */
	TCPLAB_MIB_MAX
};

extern const char *const tcplab_mib_names[TCPLAB_MIB_MAX];

#define TCPLAB_EHASH_BITS	12	/* connection table: 4096 buckets */
#define TCPLAB_PHASH_BITS	8	/* port table: 256 buckets */

/*
 * Per network namespace state.  Every tcplab socket belongs to the
 * namespace it was created in.
 */
struct tcplab_tls;

struct tcplab_net {
	spinlock_t		all_lock;	/* protects all_socks */
	struct hlist_head	all_socks;	/* every tcplab socket, for /proc */
	atomic_t		nr_socks;	/* sockets alive in this netns */

	/* table.c */
	spinlock_t		table_lock;	/* protects the two tables */
	struct hlist_head	ehash[1 << TCPLAB_EHASH_BITS];	/* by 4-tuple */
	struct hlist_head	phash[1 << TCPLAB_PHASH_BITS];	/* ports */

	atomic_long_t		mib[TCPLAB_MIB_MAX];

	struct tcplab_knobs	knobs;		/* sysctl.c */
};

extern unsigned int tcplab_net_id;

static inline struct tcplab_net *tcplab_pernet(const struct net *net)
{
	return net_generic(net, tcplab_net_id);
}

static inline void tcplab_inc_stats(const struct net *net, enum tcplab_mib m)
{
	atomic_long_inc(&tcplab_pernet(net)->mib[m]);
}

/* Bits of tcplab_sock.deferred: timer work postponed while owned. */
#define TCPLAB_DEFER_TIMER	0

#define TCPLAB_OOO_RANGES	8	/* out-of-order ranges tracked */

/* output.c: full segments of one batch of actions gathered for GSO */
struct tcplab_gso {
	struct sk_buff		*list;		/* payload clones, in order */
	struct sk_buff		*last;
	struct tl_seg_out	first;		/* header of the first */
	u32			next_seq;
	u32			len;
	u16			segs;
	u8			psh;
};

/*
 * The tcplab socket: a struct sock first, so sk <-> tsk casts are free.
 * Addresses and ports are kept in network byte order, as on the wire.
 */
struct tcplab_sock {
	struct sock		sk;
	struct hlist_node	all_node;	/* tcplab_net.all_socks */

	/* Addressing */
	__be32			saddr;		/* local address (0: any) */
	__be32			daddr;		/* remote address */
	__be16			sport;		/* local port */
	__be16			dport;		/* remote port */
	struct tcplab_port	*port;		/* our hold on the local port */
	struct hlist_node	ehash_node;	/* tcplab_net.ehash, by 4-tuple */
	struct hlist_node	port_node;	/* tcplab_port.socks */
	bool			hashed;		/* on ehash */

	/* The protocol core's state for this connection. */
	struct tl_tcb		tcb;
	struct tl_seq_range	ooo_ranges[TCPLAB_OOO_RANGES];

	/*
	 * Send buffer: sk->sk_write_queue holds the bytes not yet
	 * acknowledged, in skbs of at most one MSS; the first
	 * @snd_head_acked bytes of the head skb are already acknowledged.
	 * The core addresses them as offsets from SND.UNA.
	 */
	u32			snd_head_acked;
	/* Out-of-order segments, sorted by sequence (TCP_SKB_CB-like seq). */
	struct sk_buff_head	ooo_queue;

	struct timer_list	timer;		/* all of tcb.timer[] (conn.c) */
	unsigned long		deferred;	/* TCPLAB_DEFER_* bits */
	/*
	 * output.c: full segments gathered into one GSO skb, in the scratch
	 * of the actions being run (conn.c), else NULL; a queue hint
	 */
	struct tcplab_gso	*gso;
	struct sk_buff		*xmit_hint;	/* a write queue skb, or NULL */
	/* Kernel TLS (module/tls_*.c); NULL until TCP_ULP "tls". */
	struct tcplab_tls	*tls;
	bool			nodelay;	/* TCP_NODELAY */
	bool			orphan_counted;	/* in mem.c's orphan count */
	bool			cork;		/* TCP_CORK */
	u8			tos;		/* IP_TOS, ECN bits clear */
	u16			user_mss;	/* TCP_MAXSEG; 0: the route's */
	u32			user_timeout;	/* TCP_USER_TIMEOUT, ms; 0: off */
	u32			notsent_lowat;	/* TCP_NOTSENT_LOWAT; 0: sysctl */
	/* TCP_KEEPIDLE/INTVL (s), TCP_KEEPCNT; 0: the netns sysctl */
	u32			keepidle;
	u32			keepintvl;
	u8			keepcnt;
	/* TCP_CONGESTION; NULL: the cc module parameter's */
	const struct tl_cc_ops	*cc_ops;
	/* Per-connection counters for TCP_INFO (socket lock) */
	struct {
		u64 bytes_acked, bytes_received;
		u32 segs_in, segs_out, data_segs_in, data_segs_out;
		u32 total_retrans, total_rto;
	} info;

	/* Receive side: sequence number after the last byte queued to read */
	u32			rcv_queued_end;

	/*
	 * Listener side.  A child is on its listener's syn_queue from SYN
	 * to ESTABLISHED, then on its accept_queue until accept() takes it;
	 * both lists and the counts are protected by the listener's
	 * accept_lock (spinlock: softirq adds, process context removes).
	 */
	struct sock		*listener;	/* child: its listener (held) */
	struct list_head	accept_node;	/* child: in syn_ or accept_queue */
	bool			in_syn_queue;	/* child: on syn_queue */
	spinlock_t		accept_lock;	/* listener */
	struct list_head	syn_queue;	/* listener: SYN-RECEIVED children */
	struct list_head	accept_queue;	/* listener: established children */
	u32			syn_queue_len;	/* listener */
	unsigned long		listen_flags;	/* listener: TCPLAB_LISTEN_* */
	unsigned long		synq_overflow;	/* listener: last cookie, jiffies */
};

/* Bits of tcplab_sock.listen_flags */
#define TCPLAB_LISTEN_SYNFLOOD_WARNED	0	/* "possible SYN flooding" said */
#define TCPLAB_LISTEN_COOKIES_SENT	1	/* synq_overflow is valid */

static inline struct tcplab_sock *tcplab_sk(const struct sock *sk)
{
	return (struct tcplab_sock *)sk;
}

/* Sequence number of the first payload byte of an skb we hold. */
struct tcplab_skb_cb {
	u32 seq;
	u32 end_seq;
};

#define TCPLAB_SKB_CB(skb) ((struct tcplab_skb_cb *)&((skb)->cb[0]))

/*
 * Send queue skbs hold at most one MSS, and no more than fits a 16 KiB
 * allocation: loopback's 64 KiB MSS would otherwise take order-5 pages
 * with a truesize twice the data (socket.c, tls_tx.c).
 */
#define TCPLAB_SKB_PAYLOAD_MAX	(SKB_WITH_OVERHEAD(16384) - MAX_TCP_HEADER)
/*
 * ... and a send of less gets an skb of its size, at least what fits a
 * 2 KiB allocation: the kernel zeroes every allocation (init_on_alloc),
 * and a one-byte send() paid for zeroing 16 KiB.
 */
#define TCPLAB_SKB_PAYLOAD_MIN	(SKB_WITH_OVERHEAD(2048) - MAX_TCP_HEADER)

/* Bytes queued in the send queue before the core hears of them. */
#define TCPLAB_SEND_BATCH	(64U * 1024)

/* Microseconds on the monotonic clock: the core's notion of "now". */
u64 tcplab_now_us(void);

/* socket.c */
int tcplab_socket_init(void);
void tcplab_socket_exit(void);
int tcplab_family_register(void);
void tcplab_family_unregister(void);
extern struct proto tcplab_prot;

void tcplab_sock_init(struct sock *sk, struct socket *sock);

/* conn.c: drive the core for one socket (socket lock held) */
int tcplab_sk_rcv(struct sock *sk, struct sk_buff *skb);	/* backlog_rcv */
bool tcplab_tw_reopen(struct sock *sk, struct sk_buff *skb);
void tcplab_release_cb(struct sock *sk);
void tcplab_conn_init(struct sock *sk);
void tcplab_rcv_read(struct sock *sk, u32 len);
void tcplab_conn_setup(struct sock *sk, u16 mss);
struct tl_actions *tcplab_act_get(void);
void tcplab_act_put(struct tl_actions *act);
void tcplab_run_actions(struct sock *sk, struct sk_buff *skb,
			struct tl_actions *act);
int tcplab_connect_start(struct sock *sk);
void tcplab_purge_queues(struct sock *sk);
void tcplab_timers_stop(struct sock *sk);
/* flow control socket options (conn.c) */
void tcplab_keepalive(struct sock *sk, int on);
void tcplab_keepalive_update(struct sock *sk);
u32 tcplab_notsent_lowat(const struct sock *sk);

/*
 * table.c: ports and lookup.
 *
 * A tcplab_port is tcplab's hold on one local port of a namespace.  It
 * is reserved in Linux's own TCP port table with a bound (never
 * listening) kernel TCP socket, so Linux TCP and tcplab never share a
 * port: bind() on a port Linux uses fails with EADDRINUSE, Linux cannot
 * take ours, and ephemeral ports come from Linux's own allocator
 * (ip_local_port_range) with its collision checks.
 */
struct tcplab_port {
	struct hlist_node	node;		/* tcplab_net.phash */
	refcount_t		ref;		/* sockets holding it */
	__be16			port;
	__be32			addr;		/* bound address (0: any) */
	struct sock		*resv;		/* the Linux TCP sock holding it */
	struct hlist_head	socks;		/* sockets bound to it */
	struct sock		*listener;	/* LISTEN socket on it, if any */
	/*
	 * A TIME-WAIT connection reopened by a new SYN (RFC 1122 4.2.2.13):
	 * the child for that peer starts above the old sequence space.
	 */
	__be32			reopen_raddr;
	__be16			reopen_rport;
	u32			reopen_iss;
	struct rcu_head		rcu;
};

int tcplab_port_get(struct sock *sk, __be32 addr, __be16 port);
int tcplab_port_share(struct sock *child, struct sock *parent);
void tcplab_port_put(struct sock *sk);
int tcplab_hash_listen(struct sock *sk);
void tcplab_unhash_listen(struct sock *sk);
int tcplab_hash_conn(struct sock *sk);
void tcplab_unhash_conn(struct sock *sk);
struct sock *tcplab_lookup(struct net *net, __be32 saddr, __be16 sport,
			   __be32 daddr, __be16 dport, int dif, int sdif,
			   bool *port_owned);
int tcplab_table_net_init(struct net *net);
void tcplab_table_net_exit(struct net *net);
int tcplab_table_init(void);
void tcplab_table_exit(void);

/* input.c */
int tcplab_input_net_init(struct net *net);
void tcplab_input_net_exit(struct net *net);

/* output.c */
struct rtable;
struct flowi4;
int tcplab_route(struct sock *sk);
u16 tcplab_route_mss(struct sock *sk);
int tcplab_xmit(struct sock *sk, const struct tl_seg_out *seg);
void tcplab_xmit_flush(struct sock *sk);
struct rtable *tcplab_reply_route(struct net *net, struct sk_buff *in_skb,
				  u16 sport, u16 dport, struct flowi4 *fl4,
				  u16 *mss);
void tcplab_reply_send(struct net *net, struct sk_buff *in_skb,
		       const struct tl_seg_out *seg, struct rtable *rt,
		       struct flowi4 *fl4);
void tcplab_send_reset(struct net *net, struct sk_buff *in_skb,
		       const struct tl_seg_out *rst);

/* proc.c */
int tcplab_proc_net_init(struct net *net);
void tcplab_proc_net_exit(struct net *net);
void tcplab_debugfs_init(void);
void tcplab_debugfs_exit(void);

/* mem.c */
extern atomic_long_t tcplab_memory_allocated;
DECLARE_PER_CPU(int, tcplab_memory_per_cpu_fw_alloc);
extern struct percpu_counter tcplab_sockets_allocated;
extern unsigned long tcplab_memory_pressure;
extern long tcplab_sysctl_mem[3];
void tcplab_enter_memory_pressure(struct sock *sk);
void tcplab_leave_memory_pressure(struct sock *sk);
long tcplab_mem_pages(void);
int tcplab_orphan_count(void);
void tcplab_orphan_add(struct sock *sk);
void tcplab_orphan_del(struct sock *sk);
bool tcplab_orphan_oom(struct sock *sk);
void tcplab_wmem_free_skb(struct sock *sk, struct sk_buff *skb);
int tcplab_mem_init(void);
void tcplab_mem_exit(void);

/* Number of tcplab sockets alive in all namespaces (for leak checks). */
extern atomic_t tcplab_socks_alive;

#endif /* _TCPLAB_H */
