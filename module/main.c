// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - tcplab module entry: parameters, per network namespace state,
 * and registration of the AF_TCPLAB socket family.
 *
 * Order matters.  Load: socket layer (struct proto + slab cache), then
 * per-netns state (so every namespace has its table before a socket can be
 * created in it), then the family (from here on socket() reaches us).
 * Unload: the reverse.  The socket core holds a module reference for every
 * open tcplab socket, so exit only runs once the last one is gone.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/socket.h>
#include <net/net_namespace.h>

#include "tcplab.h"
#include "tls.h"

int tcplab_family = TCPLAB_FAMILY_DEFAULT;
module_param_named(family, tcplab_family, int, 0444);
MODULE_PARM_DESC(family,
		 "socket family number to register (default 22, AF_SNA, unused in-tree; must be below AF_MAX)");

unsigned int tcplab_msl_ms = 30000;
module_param_named(msl_ms, tcplab_msl_ms, uint, 0644);
MODULE_PARM_DESC(msl_ms,
		 "Maximum Segment Lifetime in ms; TIME-WAIT lasts 2*MSL (default 30000, so 60 s as in Linux)");

unsigned int tcplab_delack_min_ms = 40;
module_param_named(delack_min_ms, tcplab_delack_min_ms, uint, 0644);
MODULE_PARM_DESC(delack_min_ms,
		 "first delayed ACK timeout of new connections in ms, doubling up to 200 (default 40, as Linux); 0: acknowledge every segment at once");

bool tcplab_csum_offload = true;
module_param_named(csum_offload, tcplab_csum_offload, bool, 0644);
MODULE_PARM_DESC(csum_offload,
		 "let the device checksum segments with payload (CHECKSUM_PARTIAL), as Linux TCP does; 0: always in software, so captures on lo/veth show valid sums (default 1)");
/* RFC 6298 timer bounds and retry limits, Linux's defaults. */
unsigned int tcplab_rto_min_ms = 200;
module_param_named(rto_min_ms, tcplab_rto_min_ms, uint, 0644);
MODULE_PARM_DESC(rto_min_ms, "lower bound of the RTO in ms (default 200, as Linux's TCP_RTO_MIN)");

unsigned int tcplab_rto_max_ms = 120000;
module_param_named(rto_max_ms, tcplab_rto_max_ms, uint, 0644);
MODULE_PARM_DESC(rto_max_ms, "upper bound of the RTO in ms (default 120000, as Linux's TCP_RTO_MAX)");

unsigned int tcplab_rto_initial_ms = 1000;
module_param_named(rto_initial_ms, tcplab_rto_initial_ms, uint, 0644);
MODULE_PARM_DESC(rto_initial_ms, "RTO before the first RTT sample in ms (default 1000, RFC 6298 2.1)");

int tcplab_syn_retries = -1;
module_param_named(syn_retries, tcplab_syn_retries, int, 0644);
MODULE_PARM_DESC(syn_retries, "SYN/SYN-ACK retransmissions before ETIMEDOUT (default -1: the namespace's net.ipv4.tcp_syn_retries, 6)");

int tcplab_data_retries = -1;
module_param_named(data_retries, tcplab_data_retries, int, 0644);
MODULE_PARM_DESC(data_retries, "data retransmission timeouts in a row before ETIMEDOUT (default -1: the namespace's net.ipv4.tcp_retries2, 15)");

/* Default congestion control: CUBIC, as Linux. */
static const struct tl_cc_ops *tcplab_cc = &tl_cc_cubic;

const struct tl_cc_ops *tcplab_cc_default(void)
{
	return READ_ONCE(tcplab_cc);
}

static int tcplab_cc_param_set(const char *val, const struct kernel_param *kp)
{
	const struct tl_cc_ops *ops;
	char name[16];

	strscpy(name, val, sizeof(name));
	ops = tl_cc_find(strim(name));
	if (!ops)
		return -ENOENT;
	WRITE_ONCE(tcplab_cc, ops);
	return 0;
}

static int tcplab_cc_param_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%s\n", tcplab_cc_default()->name);
}

static const struct kernel_param_ops tcplab_cc_param_ops = {
	.set	= tcplab_cc_param_set,
	.get	= tcplab_cc_param_get,
};
module_param_cb(congestion_control, &tcplab_cc_param_ops, NULL, 0644);
MODULE_PARM_DESC(congestion_control, "default congestion control of new sockets: cubic (default) or reno");

unsigned int tcplab_net_id __read_mostly;
atomic_t tcplab_socks_alive = ATOMIC_INIT(0);

static int __net_init tcplab_net_init(struct net *net)
{
	struct tcplab_net *tn = tcplab_pernet(net);
	int err;

	spin_lock_init(&tn->all_lock);
	INIT_HLIST_HEAD(&tn->all_socks);
	atomic_set(&tn->nr_socks, 0);

	err = tcplab_sysctl_net_init(net);
	if (err)
		return err;
	err = tcplab_table_net_init(net);
	if (err)
		goto out_sysctl;
	err = tcplab_proc_net_init(net);
	if (err)
		goto out_table;
	/* Last: from here on segments for tcplab ports are claimed. */
	err = tcplab_input_net_init(net);
	if (err)
		goto out_proc;
	return 0;

out_proc:
	tcplab_proc_net_exit(net);
out_table:
	tcplab_table_net_exit(net);
out_sysctl:
	tcplab_sysctl_net_exit(net);
	return err;
}

static void __net_exit tcplab_net_exit(struct net *net)
{
	struct tcplab_net *tn = tcplab_pernet(net);

	tcplab_input_net_exit(net);
	tcplab_proc_net_exit(net);
	tcplab_table_net_exit(net);
	tcplab_sysctl_net_exit(net);
	/*
	 * A socket pins its namespace (sk_alloc takes a reference), so a
	 * namespace cannot die while one of our sockets lives in it.
	 */
	WARN_ON_ONCE(!hlist_empty(&tn->all_socks));
}

static struct pernet_operations tcplab_net_ops = {
	.init	= tcplab_net_init,
	.exit	= tcplab_net_exit,
	.id	= &tcplab_net_id,
	.size	= sizeof(struct tcplab_net),
};

static int __init tcplab_init(void)
{
	int err;

	if (tcplab_family <= AF_UNSPEC || tcplab_family >= AF_MAX) {
		pr_err("family=%d is out of range: choose 1..%d with the 'family' module parameter\n",
		       tcplab_family, AF_MAX - 1);
		return -EINVAL;
	}

	err = tcplab_tls_init();
	if (err)
		return err;

	err = tcplab_socket_init();
	if (err)
		goto out_tls;

	err = tcplab_table_init();
	if (err)
		goto out_socket;

	err = register_pernet_subsys(&tcplab_net_ops);
	if (err)
		goto out_table;

	err = tcplab_family_register();
	if (err)
		goto out_pernet;

	tcplab_debugfs_init();
	pr_info("registered socket family %d (AF_TCPLAB)\n", tcplab_family);
	return 0;

out_pernet:
	unregister_pernet_subsys(&tcplab_net_ops);
out_table:
	tcplab_table_exit();
out_socket:
	tcplab_socket_exit();
out_tls:
	tcplab_tls_exit();
	return err;
}

static void __exit tcplab_exit(void)
{
	tcplab_debugfs_exit();
	tcplab_family_unregister();
	unregister_pernet_subsys(&tcplab_net_ops);
	tcplab_table_exit();
	tcplab_socket_exit();
	tcplab_tls_exit();
	pr_info("unloaded\n");
}

module_init(tcplab_init);
module_exit(tcplab_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("tcplab: a teaching TCP and TLS record layer in its own socket family");
MODULE_AUTHOR("tcplab developers");
MODULE_VERSION(TCPLAB_VERSION);
