// SPDX-License-Identifier: GPL-2.0
/*
 * proc.c - /proc/net/tcplab (one line per socket) and
 * /proc/net/tcplab_stats, per network namespace.
 *
 * The socket table uses RFC 9293 state names ("SYN-SENT", "TIME-WAIT"),
 * not Linux's numeric st column, and dotted addresses: it is meant to be
 * read by people.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/tcp_states.h>

#include "tcplab.h"

/* Linux's TCP_* values in sk_state, named as RFC 9293 §3.3.2 names them. */
static const char *const tcplab_rfc_names[TCP_MAX_STATES] = {
	[TCP_ESTABLISHED]	= "ESTABLISHED",
	[TCP_SYN_SENT]		= "SYN-SENT",
	[TCP_SYN_RECV]		= "SYN-RECEIVED",
	[TCP_FIN_WAIT1]		= "FIN-WAIT-1",
	[TCP_FIN_WAIT2]		= "FIN-WAIT-2",
	[TCP_TIME_WAIT]		= "TIME-WAIT",
	[TCP_CLOSE]		= "CLOSED",
	[TCP_CLOSE_WAIT]	= "CLOSE-WAIT",
	[TCP_LAST_ACK]		= "LAST-ACK",
	[TCP_LISTEN]		= "LISTEN",
	[TCP_CLOSING]		= "CLOSING",
};

const char *tcplab_state_name(const struct sock *sk)
{
	unsigned int st = READ_ONCE(sk->sk_state);

	if (st < TCP_MAX_STATES && tcplab_rfc_names[st])
		return tcplab_rfc_names[st];
	return "?";
}

static void *tcplab_seq_start(struct seq_file *seq, loff_t *pos)
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
{
	struct tcplab_net *tn = tcplab_pernet(seq_file_net(seq));

	spin_unlock_bh(&tn->all_lock);
}

static int tcplab_seq_show(struct seq_file *seq, void *v)
{
	struct tcplab_sock *tsk;
	struct sock *sk;

	if (v == SEQ_START_TOKEN) {
		seq_printf(seq, "%-21s %-21s %-12s %8s %8s %6s %8s\n",
			   "local_address", "remote_address", "state",
			   "tx_queue", "rx_queue", "uid", "inode");
		return 0;
	}

	tsk = hlist_entry(v, struct tcplab_sock, all_node);
	sk = &tsk->sk;
	seq_printf(seq, "%-21s %-21s %-12s %8u %8u %6u %8lu\n",
		   "0.0.0.0:0", "0.0.0.0:0", tcplab_state_name(sk),
		   sk_wmem_alloc_get(sk), sk_rmem_alloc_get(sk),
		   from_kuid_munged(seq_user_ns(seq), sock_i_uid(sk)),
		   sock_i_ino(sk));
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

	seq_printf(seq, "Sockets: %d\n", atomic_read(&tn->nr_socks));
	seq_printf(seq, "SocketsAllNamespaces: %d\n",
		   atomic_read(&tcplab_socks_alive));
	return 0;
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
