// SPDX-License-Identifier: GPL-2.0
/*
 * sysctl.c - /proc/sys/net/tcplab/: the settings that shape a new
 * connection, one set per network namespace, where Linux keeps its own
 * net.ipv4.tcp_* knobs.
 *
 * The module parameter of the same name is each file's default: a
 * namespace follows the parameter (reading its file shows the
 * parameter's current value) until a value is written to the file; from
 * then on that namespace keeps its own value, whatever the parameter
 * does.  So one machine can run a namespace with a short MSL beside one
 * with the usual 60 s of TIME-WAIT.  Like Linux's knobs, a value is read
 * when a connection is set up; established connections keep theirs.
 *
 * The parameters that size the whole machine (mem, max_orphans) stay
 * module parameters, as tcp_mem and tcp_max_orphans are machine-wide in
 * Linux; family is fixed at load.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>

#include "tcplab.h"

/* The proc handlers' table became const in 6.11 (module/Kbuild). */
#ifdef TCPLAB_HAVE_CONST_CTL_TABLE
#define TCPLAB_CTL_TABLE const struct ctl_table
#else
#define TCPLAB_CTL_TABLE struct ctl_table
#endif

/* A namespace's value that follows the module parameter. */
#define TCPLAB_KNOB_FOLLOW	INT_MIN

static int knob_param(enum tcplab_knob k)
{
	switch (k) {
	case TCPLAB_KNOB_MSL_MS:
		return min_t(unsigned int, READ_ONCE(tcplab_msl_ms), INT_MAX);
	case TCPLAB_KNOB_DELACK_MIN_MS:
		return min_t(unsigned int, READ_ONCE(tcplab_delack_min_ms), 200);
	case TCPLAB_KNOB_CSUM_OFFLOAD:
		return READ_ONCE(tcplab_csum_offload);
	case TCPLAB_KNOB_RTO_MIN_MS:
		return min_t(unsigned int, READ_ONCE(tcplab_rto_min_ms), INT_MAX);
	case TCPLAB_KNOB_RTO_MAX_MS:
		return min_t(unsigned int, READ_ONCE(tcplab_rto_max_ms), INT_MAX);
	case TCPLAB_KNOB_RTO_INITIAL_MS:
		return min_t(unsigned int, READ_ONCE(tcplab_rto_initial_ms), INT_MAX);
	case TCPLAB_KNOB_SYN_RETRIES:
		return READ_ONCE(tcplab_syn_retries);
	case TCPLAB_KNOB_DATA_RETRIES:
		return READ_ONCE(tcplab_data_retries);
	default:
		WARN_ON_ONCE(1);
		return 0;
	}
}

int tcplab_knob(const struct net *net, enum tcplab_knob k)
{
	int v = READ_ONCE(tcplab_pernet(net)->knobs.val[k]);

	return v == TCPLAB_KNOB_FOLLOW ? knob_param(k) : v;
}

const struct tl_cc_ops *tcplab_cc_for(const struct net *net)
{
	return READ_ONCE(tcplab_pernet(net)->knobs.cc) ?: tcplab_cc_default();
}

/*
 * What a write may set; the same bounds conn.c applies to the module
 * parameters (an hour for any time, 255 retries, -1 for "the
 * namespace's net.ipv4 sysctl").
 */
static const int knob_min[TCPLAB_KNOB_NR] = {
	[TCPLAB_KNOB_MSL_MS]		= 1,
	[TCPLAB_KNOB_DELACK_MIN_MS]	= 0,
	[TCPLAB_KNOB_CSUM_OFFLOAD]	= 0,
	[TCPLAB_KNOB_RTO_MIN_MS]	= 1,
	[TCPLAB_KNOB_RTO_MAX_MS]	= 1,
	[TCPLAB_KNOB_RTO_INITIAL_MS]	= 1,
	[TCPLAB_KNOB_SYN_RETRIES]	= -1,
	[TCPLAB_KNOB_DATA_RETRIES]	= -1,
};

static const int knob_max[TCPLAB_KNOB_NR] = {
	[TCPLAB_KNOB_MSL_MS]		= 3600000,
	[TCPLAB_KNOB_DELACK_MIN_MS]	= 200,
	[TCPLAB_KNOB_CSUM_OFFLOAD]	= 1,
	[TCPLAB_KNOB_RTO_MIN_MS]	= 3600000,
	[TCPLAB_KNOB_RTO_MAX_MS]	= 3600000,
	[TCPLAB_KNOB_RTO_INITIAL_MS]	= 3600000,
	[TCPLAB_KNOB_SYN_RETRIES]	= 255,
	[TCPLAB_KNOB_DATA_RETRIES]	= 255,
};

/*
 * One handler for the integers: reads show the value in force (the
 * namespace's, else the parameter's), writes are parsed and bounded by
 * proc_dointvec_minmax() on a copy, so a bad write changes nothing.
 * The entry's extra1 points into knob_min[], which gives its index.
 */
static int tcplab_knob_handler(TCPLAB_CTL_TABLE *table, int write,
			       void *buffer, size_t *lenp, loff_t *ppos)
{
	int k = (const int *)table->extra1 - knob_min;
	struct tcplab_knobs *kn = table->data;
	int val = READ_ONCE(kn->val[k]);
	struct ctl_table tmp = {
		.data	= &val,
		.maxlen	= sizeof(val),
		.extra1	= table->extra1,
		.extra2	= table->extra2,
	};
	int ret;

	if (val == TCPLAB_KNOB_FOLLOW)
		val = knob_param(k);
	ret = proc_dointvec_minmax(&tmp, write, buffer, lenp, ppos);
	if (write && !ret)
		WRITE_ONCE(kn->val[k], val);
	return ret;
}

/* congestion_control: a name, checked against the algorithms there are. */
static int tcplab_cc_handler(TCPLAB_CTL_TABLE *table, int write,
			     void *buffer, size_t *lenp, loff_t *ppos)
{
	struct tcplab_knobs *kn = table->data;
	const struct tl_cc_ops *ops;
	char name[TCPLAB_CA_NAME_MAX];
	struct ctl_table tmp = {
		.data	= name,
		.maxlen	= sizeof(name),
	};
	int ret;

	ops = READ_ONCE(kn->cc) ?: tcplab_cc_default();
	strscpy(name, ops->name, sizeof(name));
	ret = proc_dostring(&tmp, write, buffer, lenp, ppos);
	if (!write || ret)
		return ret;
	ops = tl_cc_find(strim(name));
	if (!ops)
		return -ENOENT;
	WRITE_ONCE(kn->cc, ops);
	return 0;
}

#define TCPLAB_KNOB_ENTRY(name, k) {				\
	.procname	= name,						\
	.maxlen		= sizeof(int),					\
	.mode		= 0644,						\
	.proc_handler	= tcplab_knob_handler,				\
	.extra1		= (void *)&knob_min[k],				\
	.extra2		= (void *)&knob_max[k],				\
}

/*
 * The names are the module parameters'; data is set per namespace.  In
 * the order of enum tcplab_knob, then congestion_control.
 */
static const struct ctl_table tcplab_sysctl_template[] = {
	TCPLAB_KNOB_ENTRY("msl_ms", TCPLAB_KNOB_MSL_MS),
	TCPLAB_KNOB_ENTRY("delack_min_ms", TCPLAB_KNOB_DELACK_MIN_MS),
	TCPLAB_KNOB_ENTRY("csum_offload", TCPLAB_KNOB_CSUM_OFFLOAD),
	TCPLAB_KNOB_ENTRY("rto_min_ms", TCPLAB_KNOB_RTO_MIN_MS),
	TCPLAB_KNOB_ENTRY("rto_max_ms", TCPLAB_KNOB_RTO_MAX_MS),
	TCPLAB_KNOB_ENTRY("rto_initial_ms", TCPLAB_KNOB_RTO_INITIAL_MS),
	TCPLAB_KNOB_ENTRY("syn_retries", TCPLAB_KNOB_SYN_RETRIES),
	TCPLAB_KNOB_ENTRY("data_retries", TCPLAB_KNOB_DATA_RETRIES),
	{
		.procname	= "congestion_control",
		.maxlen		= TCPLAB_CA_NAME_MAX,
		.mode		= 0644,
		.proc_handler	= tcplab_cc_handler,
	},
#ifndef TCPLAB_HAVE_REGISTER_NET_SYSCTL_SZ
	{ }	/* the end, for register_net_sysctl() before 6.6 */
#endif
};

#define TCPLAB_SYSCTL_ENTRIES	(TCPLAB_KNOB_NR + 1)

int tcplab_sysctl_net_init(struct net *net)
{
	struct tcplab_knobs *kn = &tcplab_pernet(net)->knobs;
	struct ctl_table *t;
	int i;

	BUILD_BUG_ON(ARRAY_SIZE(knob_min) != TCPLAB_KNOB_NR);
	for (i = 0; i < TCPLAB_KNOB_NR; i++)
		kn->val[i] = TCPLAB_KNOB_FOLLOW;
	kn->cc = NULL;

	t = kmemdup(tcplab_sysctl_template, sizeof(tcplab_sysctl_template),
		    GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	for (i = 0; i < TCPLAB_SYSCTL_ENTRIES; i++)
		t[i].data = kn;
#ifdef TCPLAB_HAVE_REGISTER_NET_SYSCTL_SZ
	kn->hdr = register_net_sysctl_sz(net, "net/tcplab", t,
					 TCPLAB_SYSCTL_ENTRIES);
#else
	kn->hdr = register_net_sysctl(net, "net/tcplab", t);
#endif
	if (!kn->hdr) {
		kfree(t);
		return -ENOMEM;
	}
	kn->table = t;
	return 0;
}

void tcplab_sysctl_net_exit(struct net *net)
{
	struct tcplab_knobs *kn = &tcplab_pernet(net)->knobs;

	unregister_net_sysctl_table(kn->hdr);
	kfree(kn->table);
}
