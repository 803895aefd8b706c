// SPDX-License-Identifier: GPL-2.0
/*
 * proc.c - /proc/net/tcplab (one line per socket) and
 * /proc/net/tcplab_stats, per network namespace; and the debugfs file
 * tcplab/sockets, every socket of every namespace.
 *
 * The socket table uses RFC 9293 state names ("SYN-SENT", "TIME-WAIT"),
 * not Linux's numeric st column, and dotted addresses: it is meant to be
 * read by people.  The file is readable by everyone, so the sequence
 * numbers, which let whoever knows them inject into a connection (RFC
 * 5961), are shown only to a reader with CAP_NET_ADMIN over the socket's
 * network namespace; others read 0 there.  Linux's /proc/net/tcp shows
 * none at all.
 */
#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "tcplab.h"
#include "tls.h"

const char *const tcplab_mib_names[TCPLAB_MIB_MAX] = {
	[TCPLAB_MIB_SEGS_IN]		= "SegmentsIn",
	[TCPLAB_MIB_SEGS_OUT]		= "SegmentsOut",
	[TCPLAB_MIB_BAD_CSUM]		= "BadChecksum",
	[TCPLAB_MIB_MALFORMED]		= "Malformed",
	[TCPLAB_MIB_NO_SOCKET]		= "NoSocketResets",
	[TCPLAB_MIB_RST_OUT]		= "ResetsOut",
	[TCPLAB_MIB_RST_IN]		= "ResetsIn",
	[TCPLAB_MIB_CHALLENGE_ACKS]	= "ChallengeAcks",
	[TCPLAB_MIB_RETRANS]		= "Retransmits",
	[TCPLAB_MIB_ACTIVE_OPENS]	= "ActiveOpens",
	[TCPLAB_MIB_PASSIVE_OPENS]	= "PassiveOpens",
	[TCPLAB_MIB_ESTABLISHED]	= "Established",
	[TCPLAB_MIB_FAILED]		= "Failed",
	[TCPLAB_MIB_LISTEN_OVERFLOW]	= "ListenOverflows",
	[TCPLAB_MIB_BACKLOG_DROP]	= "BacklogDrops",
	[TCPLAB_MIB_OUT_ERRORS]		= "OutErrors",
	[TCPLAB_MIB_TLS_TX_RECORDS]	= "TlsTxRecords",
	[TCPLAB_MIB_TLS_RX_RECORDS]	= "TlsRxRecords",
	[TCPLAB_MIB_TLS_DECRYPT_ERRORS]	= "TlsDecryptErrors",
	[TCPLAB_MIB_TLS_REKEYS]		= "TlsRekeys",
	[TCPLAB_MIB_FAST_RETRANS]	= "FastRetransmits",
	[TCPLAB_MIB_SACK_RETRANS]	= "SackRetransmits",
	[TCPLAB_MIB_RTO_RETRANS]	= "RtoRetransmits",
	[TCPLAB_MIB_RTO_TIMEOUTS]	= "RtoTimeouts",
	[TCPLAB_MIB_NEWRENO_RECOVERY]	= "NewRenoRecoveries",
	[TCPLAB_MIB_SACK_RECOVERY]	= "SackRecoveries",
	[TCPLAB_MIB_DSACK_UNDO]		= "DsackUndos",
	[TCPLAB_MIB_PAWS_DROPS]		= "PawsDrops",
	[TCPLAB_MIB_FILTER_DROP]	= "FilterDrops",
	[TCPLAB_MIB_RCV_PRUNE_CALLED]	= "RcvPruneCalled",
	[TCPLAB_MIB_RCV_COLLAPSED]	= "RcvCollapsed",
	[TCPLAB_MIB_OFO_PRUNED]		= "OfoPruned",
	[TCPLAB_MIB_OFO_DROP]		= "OfoDrop",
	[TCPLAB_MIB_OFO_NO_RANGE]	= "OfoNoRange",
	[TCPLAB_MIB_OFO_DUPLICATE]	= "OfoDuplicate",
	[TCPLAB_MIB_RCVQ_DROP]		= "RcvQDrop",
	[TCPLAB_MIB_LISTEN_DROPS]	= "ListenDrops",
	[TCPLAB_MIB_SYNCOOKIES_SENT]	= "SyncookiesSent",
	[TCPLAB_MIB_SYNCOOKIES_RECV]	= "SyncookiesRecv",
	[TCPLAB_MIB_SYNCOOKIES_FAILED]	= "SyncookiesFailed",
	[TCPLAB_MIB_MEMORY_PRESSURES]	= "MemoryPressures",
	[TCPLAB_MIB_ABORT_ON_MEMORY]	= "AbortOnMemory",
};

static void *tcplab_seq_start(struct seq_file *seq, loff_t *pos)
	__acquires(&tn->all_lock)
{
	struct tcplab_net *tn = tcplab_pernet(seq_file_net(seq));

	spin_lock_bh(&tn->all_lock);
	return seq_hlist_start_head(&tn->all_socks, *pos);
}

static void *tcplab_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct tcplab_net *tn = tcplab_pernet(seq_file_net(seq));

	return seq_hlist_next(v, &tn->all_socks, pos);
}

static void tcplab_seq_stop(struct seq_file *seq, void *v)
	__releases(&tn->all_lock)
{
	struct tcplab_net *tn = tcplab_pernet(seq_file_net(seq));

	spin_unlock_bh(&tn->all_lock);
}

static void tcplab_show_header(struct seq_file *seq)
{
	seq_printf(seq, "%-21s %-21s %-12s %8s %8s %6s %8s %10s %10s %10s %8s %8s",
		   "local_address", "remote_address", "state",
		   "tx_queue", "rx_queue", "uid", "inode",
		   "snd_una", "snd_nxt", "rcv_nxt", "snd_wnd", "rcv_wnd");
	/* Congestion control and RTO, appended. */
	seq_printf(seq, " %10s %10s %8s %8s %4s", "cwnd", "ssthresh",
		   "srtt_us", "rto_us", "rtx");
	tcplab_tls_proc_show(seq, NULL);
	seq_putc(seq, '\n');
}

static void tcplab_show_sock(struct seq_file *seq, struct tcplab_sock *tsk)
{
	struct sock *sk = &tsk->sk;
	u32 snd_una = 0, snd_nxt = 0, rcv_nxt = 0;
	const struct tl_tcb *tcb;
	char local[24], remote[24];

	tcb = &tsk->tcb;
	/* The opener's credentials, as for any file: not the reader's. */
	if (file_ns_capable(seq->file, sock_net(sk)->user_ns, CAP_NET_ADMIN)) {
		snd_una = READ_ONCE(tcb->snd_una);
		snd_nxt = READ_ONCE(tcb->snd_nxt);
		rcv_nxt = READ_ONCE(tcb->rcv_nxt);
	}
	snprintf(local, sizeof(local), "%pI4:%u", &tsk->saddr, ntohs(tsk->sport));
	snprintf(remote, sizeof(remote), "%pI4:%u", &tsk->daddr, ntohs(tsk->dport));
	/*
	 * tx_queue: bytes sent or queued but not acknowledged; rx_queue:
	 * bytes received and not read yet (in order or not).
	 */
	seq_printf(seq, "%-21s %-21s %-12s %8u %8u %6u %8lu %10u %10u %10u %8u %8u",
		   local, remote, tl_state_name(READ_ONCE(tcb->state)),
		   tl_snd_queued(tcb),
		   tcb->cfg.rcv_buf - tcb->rcv_space,
		   from_kuid_munged(seq_user_ns(seq), sock_i_uid(sk)),
		   sock_i_ino(sk), snd_una, snd_nxt, rcv_nxt,
		   tcb->snd_wnd, tcb->rcv_wnd);
	/*
	 * cwnd and ssthresh in bytes (ssthresh 0xffffffff: not set yet),
	 * SRTT and RTO (with backoff) in microseconds, rtx: consecutive
	 * timeouts (tcpi_retransmits).  Read without the socket lock, so
	 * they may be a moment apart.
	 */
	seq_printf(seq, " %10u %10u %8u %8u %4u", READ_ONCE(tcb->cc.cwnd),
		   READ_ONCE(tcb->cc.ssthresh), tl_rto_srtt(&tcb->rto),
		   tl_rto_timeout(&tcb->rto), READ_ONCE(tcb->retries));
	tcplab_tls_proc_show(seq, tsk);
	seq_putc(seq, '\n');
}

static int tcplab_seq_show(struct seq_file *seq, void *v)
{
	if (v == SEQ_START_TOKEN)
		tcplab_show_header(seq);
	else
		tcplab_show_sock(seq, hlist_entry(v, struct tcplab_sock,
						  all_node));
	return 0;
}

static const struct seq_operations tcplab_seq_ops = {
	.start	= tcplab_seq_start,
	.next	= tcplab_seq_next,
	.stop	= tcplab_seq_stop,
	.show	= tcplab_seq_show,
};

static int tcplab_stats_show(struct seq_file *seq, void *v)
{
	struct tcplab_net *tn = tcplab_pernet(seq_file_single_net(seq));

	int i;

	seq_printf(seq, "Sockets: %d\n", atomic_read(&tn->nr_socks));
	seq_printf(seq, "SocketsAllNamespaces: %d\n",
		   atomic_read(&tcplab_socks_alive));
	/* The next three count every namespace, as the limits do. */
	seq_printf(seq, "OrphansAllNamespaces: %d\n", tcplab_orphan_count());
	seq_printf(seq, "MemoryPages: %ld\n", tcplab_mem_pages());
	seq_printf(seq, "MemoryPressure: %d\n",
		   !!READ_ONCE(tcplab_memory_pressure));
	for (i = 0; i < TCPLAB_MIB_MAX; i++)
		seq_printf(seq, "%s: %ld\n", tcplab_mib_names[i],
			   atomic_long_read(&tn->mib[i]));
	return 0;
}

/*
 * /sys/kernel/debug/tcplab/sockets: every tcplab socket of every network
 * namespace, each line led by its namespace's inode number (as in
 * /proc/PID/ns/net), including namespaces that have no name and no
 * process any more but live on because a socket holds them (an orphaned
 * connection still retransmitting, say).  For debugging, and for the
 * test VM's end check that every socket is gone.
 */
static int tcplab_all_show(struct seq_file *seq, void *v)
{
	struct tcplab_sock *tsk;
	struct net *net;

	seq_printf(seq, "%-10s ", "netns");
	tcplab_show_header(seq);
	down_read(&net_rwsem);
	for_each_net(net) {
		struct tcplab_net *tn = tcplab_pernet(net);

		spin_lock_bh(&tn->all_lock);
		hlist_for_each_entry(tsk, &tn->all_socks, all_node) {
			seq_printf(seq, "%-10u ", net->ns.inum);
			tcplab_show_sock(seq, tsk);
		}
		spin_unlock_bh(&tn->all_lock);
	}
	up_read(&net_rwsem);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tcplab_all);

static struct dentry *tcplab_debugfs;

void tcplab_debugfs_init(void)
{
	tcplab_debugfs = debugfs_create_dir("tcplab", NULL);
	debugfs_create_file("sockets", 0400, tcplab_debugfs, NULL,
			    &tcplab_all_fops);
}

void tcplab_debugfs_exit(void)
{
	debugfs_remove_recursive(tcplab_debugfs);
}

int tcplab_proc_net_init(struct net *net)
{
	if (!proc_create_net("tcplab", 0444, net->proc_net, &tcplab_seq_ops,
			     sizeof(struct seq_net_private)))
		return -ENOMEM;
	if (!proc_create_net_single("tcplab_stats", 0444, net->proc_net,
				    tcplab_stats_show, NULL)) {
		remove_proc_entry("tcplab", net->proc_net);
		return -ENOMEM;
	}
	return 0;
}

void tcplab_proc_net_exit(struct net *net)
{
	remove_proc_entry("tcplab_stats", net->proc_net);
	remove_proc_entry("tcplab", net->proc_net);
}
