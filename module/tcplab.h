/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcplab.h - definitions shared by the kernel glue files of the module.
 */
#ifndef _TCPLAB_H
#define _TCPLAB_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/percpu_counter.h>
#include <net/sock.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "uapi/linux/tcplab.h"

/* The family number this module registered (module parameter). */
extern int tcplab_family;

/*
 * Per network namespace state.  Every tcplab socket belongs to the
 * namespace it was created in and is listed here for /proc/net/tcplab.
 */
struct tcplab_net {
	spinlock_t		all_lock;	/* protects all_socks */
	struct hlist_head	all_socks;	/* every tcplab socket */
	atomic_t		nr_socks;	/* sockets alive in this netns */
};

extern unsigned int tcplab_net_id;

static inline struct tcplab_net *tcplab_pernet(const struct net *net)
{
	return net_generic(net, tcplab_net_id);
}

/* The tcplab socket: a struct sock first, so sk <-> tsk casts are free. */
struct tcplab_sock {
	struct sock		sk;
	struct hlist_node	all_node;	/* in tcplab_net.all_socks */
};

static inline struct tcplab_sock *tcplab_sk(const struct sock *sk)
{
	return (struct tcplab_sock *)sk;
}

/* socket.c */
int tcplab_socket_init(void);
void tcplab_socket_exit(void);
int tcplab_family_register(void);
void tcplab_family_unregister(void);

/* proc.c */
int tcplab_proc_net_init(struct net *net);
void tcplab_proc_net_exit(struct net *net);
const char *tcplab_state_name(const struct sock *sk);

/* Number of tcplab sockets alive in all namespaces (for leak checks). */
extern atomic_t tcplab_socks_alive;

#endif /* _TCPLAB_H */
