// SPDX-License-Identifier: GPL-2.0
/*
 * table.c - tcplab's local ports and the socket lookup of the input path.
 *
 * Ports.  A struct tcplab_port is tcplab's hold on one local port number
 * of a network namespace.  The port is reserved in Linux's own TCP port
 * table by a kernel socket that is bound to it and never listens (the
 * "reservation socket"; see tcplab_resv_prot below), so:
 *  - bind() to a port that Linux TCP uses fails with EADDRINUSE, exactly
 *    as Linux reports it (the error comes from Linux's own bind);
 *  - Linux TCP cannot bind or listen on a port tcplab holds;
 *  - ephemeral ports come from Linux's allocator (ip_local_port_range,
 *    ip_local_reserved_ports) with its collision checks.
 *
 * Simplifications against Linux TCP, on purpose:
 *  - one tcplab_port per port number and namespace: two tcplab binds to
 *    the same port on different local addresses conflict (EADDRINUSE),
 *    even where Linux would allow them;
 *  - every connection gets its own local port (connect() autobinds like
 *    bind(port 0)); Linux lets connections to different destinations
 *    share one ephemeral port;
 *  - SO_REUSEADDR sharing follows the classic BSD rule that Linux applies
 *    (inet_bind_conflict()): a port is shared only if every socket on it,
 *    and the newcomer, set SO_REUSEADDR and none of them listens.  This is
 *    what lets a restarted server rebind while its old connections sit in
 *    TIME-WAIT, whether tcplab's or Linux TCP's (tcplab_resv_bind()).
 *    SO_REUSEPORT is not supported.
 *
 * The reservation socket is created and bound in process context (it
 * sleeps).  The last tcplab_port_put() may happen in softirq (a TIME-WAIT
 * timer or an incoming RST ends a connection), so releasing the
 * reservation socket is always deferred to a work item; a bind that
 * collides with a port whose release is still pending waits for the work
 * and tries again, so close() followed by bind() of the same port works.
 * tcplab_table_net_exit() flushes the work, so neither a namespace nor the
 * module can go away under a pending release (unregister_pernet_subsys()
 * runs it for every namespace at module unload).
 *
 * Lookup.  Connections (sockets with a 4-tuple: SYN-SENT onwards, and
 * TIME-WAIT) are hashed by 4-tuple in tcplab_net.ehash; a listener is
 * found through its port in tcplab_net.phash.  Both tables are protected
 * by tcplab_net.table_lock, taken with spin_lock_bh() in every context
 * (the input path runs in softirq).  The tables hold a reference on every
 * socket they contain (sock_hold()), so a lookup can take its own
 * reference under the lock.  Lock order: socket lock, then table_lock;
 * the input path drops table_lock before it locks the socket.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/in.h>
#include <linux/jhash.h>
#include <linux/net.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/inet_common.h>
#include <net/inet_connection_sock.h>
#include <net/inet_hashtables.h>
#include <net/ip.h>
#include <net/netns/hash.h>
#include <net/protocol.h>
#include <net/tcp_states.h>

#include "tcplab.h"

static u32 tcplab_ehash_secret __read_mostly;

/* Ports whose reservation socket still has to be released. */
static HLIST_HEAD(tcplab_dead_ports);
static DEFINE_SPINLOCK(tcplab_dead_lock);

/*
 * The reservation socket's protocol.  A full Linux TCP sock (about 2.4 KiB)
 * only to sit in the port table made every tcplab connection with its own
 * port cost more than a Linux TCP connection.  The port table needs less:
 * Linux's bind (inet_bind() -> inet_csk_get_port()) works on any
 * inet_connection_sock whose protocol has no table of its own
 * (proto.h.hashinfo NULL means TCP's, tcp_or_dccp_get_hashinfo()), and
 * what Linux TCP looks at when it meets the sock there (bind conflicts,
 * inet_bind_conflict()) is in struct sock and struct inet_sock.  So the
 * reservation is an AF_INET SOCK_STREAM socket of protocol
 * TCPLAB_RESV_PROTO, registered with inet_register_protosw() and made
 * only by the kernel (tcplab_resv_init() refuses user sockets), whose
 * sock is an inet_connection_sock (about 1.4 KiB) bound with Linux's own
 * inet_bind().
 *
 * While it holds a port its state is TCP_SYN_SENT, never TCP_CLOSE: Linux
 * TCP's sock_diag dumps bound TCP_CLOSE socks of the port table as TCP
 * sockets (TCP_BOUND_INACTIVE) and would read TCP fields this sock does
 * not have.  Bind conflicts only tell TCP_LISTEN from the rest.
 */
#define TCPLAB_RESV_PROTO	253	/* RFC 3692: for experimentation */

static int tcplab_resv_init(struct sock *sk)
{
	return sk->sk_kern_sock ? 0 : -EPROTONOSUPPORT;
}

static int tcplab_resv_get_port(struct sock *sk, unsigned short snum)
{
	int err;

	sk->sk_state = TCP_SYN_SENT;	/* before it is in the table */
	err = inet_csk_get_port(sk, snum);
	if (err)
		sk->sk_state = TCP_CLOSE;
	return err;
}

/* proto.close: inet_release() of a failed bind, tcplab_resv_close(). */
static void tcplab_resv_prot_close(struct sock *sk, long timeout)
{
	if (inet_csk(sk)->icsk_bind_hash)
		inet_put_port(sk);
	sk->sk_state = TCP_CLOSE;	/* inet_sock_destruct() checks */
	sock_orphan(sk);
	sock_put(sk);
}

/* sk_common_release() of a refused user socket calls it. */
static void tcplab_resv_unhash(struct sock *sk)
{
}

/*
 * No .owner: a reservation outlives its tcplab socket by a work item
 * (tcplab_port_work), and must not keep the module from unloading right
 * after the last socket closed; tcplab_table_net_exit() flushes that work
 * before the module can go.
 */
static struct proto tcplab_resv_prot = {
	.name		= "TCPLAB_PORT",
	.obj_size	= sizeof(struct inet_connection_sock),
	.init		= tcplab_resv_init,
	.close		= tcplab_resv_prot_close,
	.unhash		= tcplab_resv_unhash,
	.get_port	= tcplab_resv_get_port,
	.put_port	= inet_put_port,
};

static const struct proto_ops tcplab_resv_ops = {
	.family		= PF_INET,
	.owner		= THIS_MODULE,
	.release	= inet_release,
	.bind		= inet_bind,
	.connect	= sock_no_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= sock_no_accept,
	.getname	= inet_getname,
	.ioctl		= sock_no_ioctl,
	.listen		= sock_no_listen,
	.shutdown	= sock_no_shutdown,
	.sendmsg	= sock_no_sendmsg,
	.recvmsg	= sock_no_recvmsg,
	.mmap		= sock_no_mmap,
};

static struct inet_protosw tcplab_resv_protosw = {
	.type		= SOCK_STREAM,
	.protocol	= TCPLAB_RESV_PROTO,
	.prot		= &tcplab_resv_prot,
	.ops		= &tcplab_resv_ops,
};

int tcplab_table_init(void)
{
	int err = proto_register(&tcplab_resv_prot, 1);

	if (!err)
		inet_register_protosw(&tcplab_resv_protosw);
	return err;
}

/* After tcplab_table_net_exit() of every namespace: no reservation left. */
void tcplab_table_exit(void)
{
	inet_unregister_protosw(&tcplab_resv_protosw);
	proto_unregister(&tcplab_resv_prot);
}

/*
 * A reservation needs only the bound sock in Linux's port table, not
 * the struct socket (and its inode) that sock_create_kern() made for the
 * bind: keep the sock, orphaned, and free the rest.  This is what makes
 * a tcplab connection's port hold cost one sock instead of a sock plus a
 * socket inode.  inet_release() does nothing for a socket without a sock.
 */
static struct sock *tcplab_resv_detach(struct socket *sock)
{
	struct sock *sk = sock->sk;

	sock_orphan(sk);
	sock->sk = NULL;
	sock_release(sock);
	return sk;
}

/*
 * Close a detached reservation the way inet_release() closes a socket's
 * sock: tcplab_resv_prot_close() gives the port back (inet_put_port())
 * and drops the last reference.
 */
static void tcplab_resv_close(struct sock *sk)
{
	sk->sk_prot->close(sk, 0);
}

static void tcplab_port_release_work(struct work_struct *work)
{
	struct tcplab_port *port;
	struct hlist_node *tmp;
	HLIST_HEAD(list);

	spin_lock_bh(&tcplab_dead_lock);
	hlist_move_list(&tcplab_dead_ports, &list);
	spin_unlock_bh(&tcplab_dead_lock);

	hlist_for_each_entry_safe(port, tmp, &list, node) {
		hlist_del(&port->node);
		tcplab_resv_close(port->resv);
		/* /proc may still look at tsk->port under RCU. */
		kfree_rcu(port, rcu);
	}
}

static DECLARE_WORK(tcplab_port_work, tcplab_port_release_work);

static struct hlist_head *tcplab_phash_head(struct tcplab_net *tn, __be16 port)
{
	return &tn->phash[hash_32((__force u32)port, TCPLAB_PHASH_BITS)];
}

static struct hlist_head *tcplab_ehash_head(const struct net *net,
					    __be32 laddr, __be16 lport,
					    __be32 raddr, __be16 rport)
{
	u32 ports = ((u32)(__force u16)lport << 16) | (__force u16)rport;
	u32 h = jhash_3words((__force u32)laddr, (__force u32)raddr, ports,
			     tcplab_ehash_secret + net_hash_mix(net));

	return &tcplab_pernet(net)->ehash[h >> (32 - TCPLAB_EHASH_BITS)];
}

/* The port struct for @port, or NULL.  table_lock held. */
static struct tcplab_port *tcplab_port_find(struct tcplab_net *tn,
					    __be16 port)
{
	struct tcplab_port *p;

	hlist_for_each_entry(p, tcplab_phash_head(tn, port), node)
		if (p->port == port)
			return p;
	return NULL;
}

/* Hand @sk a hold on @p.  table_lock held. */
static void tcplab_port_link(struct sock *sk, struct tcplab_port *p)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);

	hlist_add_head(&tsk->port_node, &p->socks);
	tsk->port = p;
	tsk->sport = p->port;
	if (p->addr)
		tsk->saddr = p->addr;
}

/*
 * May @sk share @p, which tcplab holds already?  Only on the same local
 * address, with SO_REUSEADDR everywhere and nobody listening (see the top
 * of this file).  table_lock held.
 */
static int tcplab_port_try_share(struct sock *sk, struct tcplab_port *p,
				 __be32 addr)
{
	struct tcplab_sock *other;

	if (p->addr != addr || p->listener || !sk->sk_reuse)
		return -EADDRINUSE;
	hlist_for_each_entry(other, &p->socks, port_node)
		if (!other->sk.sk_reuse)
			return -EADDRINUSE;

	refcount_inc(&p->ref);
	tcplab_port_link(sk, p);
	return 0;
}

/*
 * Create a reservation socket, bind it to @addr:@port in Linux's TCP table
 * and keep its sock as the reservation (tcplab_resv_detach()).  @reuse:
 * the tcplab socket has SO_REUSEADDR.
 */
static int tcplab_resv_bind(struct net *net, __be32 addr, __be16 port,
			    bool reuse, struct sock **resv, __be16 *bound)
{
	struct sockaddr_in sin = {
		.sin_family	= AF_INET,
		.sin_addr.s_addr = addr,
		.sin_port	= port,
	};
	struct socket *sock;
	int err;

	err = sock_create_kern(net, AF_INET, SOCK_STREAM, TCPLAB_RESV_PROTO,
			       &sock);
	if (err)
		return err;

	err = kernel_bind(sock, (struct sockaddr *)&sin, sizeof(sin));
	if (err == -EADDRINUSE && port) {
		/*
		 * Perhaps the port was tcplab's and its reservation is
		 * waiting in tcplab_port_work to be released: wait for it.
		 */
		flush_work(&tcplab_port_work);
		err = kernel_bind(sock, (struct sockaddr *)&sin, sizeof(sin));
	}
	if (err == -EADDRINUSE && port && reuse) {
		/*
		 * Perhaps Linux TCP holds the port in TIME-WAIT, from a
		 * socket that had SO_REUSEADDR: with SO_REUSEADDR on ours,
		 * Linux's own rule (inet_bind_conflict()) lets us bind, as
		 * it lets a restarted Linux server.  Only for this bind: a
		 * reservation without SO_REUSEADDR conflicts with every
		 * later Linux bind, so Linux TCP cannot join the port.  Not
		 * for the first try either: a new bind bucket would remember
		 * the flag (tb->fastreuse) for later binds.
		 */
		sock->sk->sk_reuse = SK_CAN_REUSE;
		err = kernel_bind(sock, (struct sockaddr *)&sin, sizeof(sin));
		sock->sk->sk_reuse = SK_NO_REUSE;
	}
	if (err)
		goto out_release;

	if (!port) {
		/* Linux picked an ephemeral port: which one? */
		err = kernel_getsockname(sock, (struct sockaddr *)&sin);
		if (err < 0)
			goto out_release;
		port = sin.sin_port;
	}
	*resv = tcplab_resv_detach(sock);
	*bound = port;
	return 0;

out_release:
	sock_release(sock);
	return err;
}

/*
 * Give @sk (not yet holding a port) a hold on local port @port (network
 * order; 0: an ephemeral port) on address @addr (0: INADDR_ANY).
 * Process context only: it may sleep.  Returns 0, -EACCES (privileged
 * port), -EADDRINUSE, -EADDRNOTAVAIL (address not local), -ENOMEM, or an
 * error from Linux's bind.
 */
int tcplab_port_get(struct sock *sk, __be32 addr, __be16 port)
{
	struct net *net = sock_net(sk);
	struct tcplab_net *tn = tcplab_pernet(net);
	struct tcplab_port *p, *newp;
	struct sock *resv, *spare[4];
	unsigned int nspare = 0;
	__be16 bound = 0;
	int err;

	might_sleep();
	if (WARN_ON_ONCE(tcplab_sk(sk)->port))
		return -EINVAL;

	/*
	 * Linux's bind checks CAP_NET_BIND_SERVICE of the calling task in the
	 * namespace's user namespace (inet_bind()).  The reservation socket is
	 * a kernel socket, so do not rely on it: check here, as inet_bind().
	 */
	if (port && inet_port_requires_bind_service(net, ntohs(port)) &&
	    !ns_capable(net->user_ns, CAP_NET_BIND_SERVICE))
		return -EACCES;

	if (port) {
		/* tcplab holds the port already: share it or fail. */
		spin_lock_bh(&tn->table_lock);
		p = tcplab_port_find(tn, port);
		err = p ? tcplab_port_try_share(sk, p, addr) : 0;
		spin_unlock_bh(&tn->table_lock);
		if (p)
			return err;
	}

	newp = kzalloc(sizeof(*newp), GFP_KERNEL);
	if (!newp)
		return -ENOMEM;

retry:
	/* Sleeps: outside table_lock.  Then re-check under the lock. */
	resv = NULL;
	err = tcplab_resv_bind(net, addr, port, sk->sk_reuse, &resv, &bound);

	spin_lock_bh(&tn->table_lock);
	p = NULL;
	if (port || !err)
		p = tcplab_port_find(tn, port ? port : bound);
	if (p && !port && !err) {
		/*
		 * An ephemeral port on a specific address that tcplab holds on
		 * another address (Linux only avoids conflicts per address).
		 * Keep this reservation, so Linux picks another port, and ask
		 * again.
		 */
		spin_unlock_bh(&tn->table_lock);
		if (nspare < ARRAY_SIZE(spare)) {
			spare[nspare++] = resv;
			goto retry;
		}
		err = -EADDRINUSE;
	} else if (p) {
		/*
		 * Another tcplab bind of the same port won the race: its
		 * reservation made our Linux bind fail (or it holds the port
		 * on another address).  Join it if the rules allow.
		 */
		err = tcplab_port_try_share(sk, p, addr);
		spin_unlock_bh(&tn->table_lock);
	} else if (!err) {
		refcount_set(&newp->ref, 1);
		newp->port = bound;
		newp->addr = addr;
		newp->resv = resv;
		INIT_HLIST_HEAD(&newp->socks);
		hlist_add_head(&newp->node, tcplab_phash_head(tn, bound));
		tcplab_port_link(sk, newp);
		spin_unlock_bh(&tn->table_lock);
		newp = NULL;
		resv = NULL;
	} else {
		spin_unlock_bh(&tn->table_lock);
	}

	if (resv)
		tcplab_resv_close(resv);
	while (nspare)
		tcplab_resv_close(spare[--nspare]);
	kfree(newp);
	return err;
}

/*
 * Give the child @child of listener @parent a hold on the listener's port,
 * without the SO_REUSEADDR rules (an accepted connection always shares its
 * listener's port).  Any context: it does not sleep.
 */
int tcplab_port_share(struct sock *child, struct sock *parent)
{
	struct tcplab_net *tn = tcplab_pernet(sock_net(parent));
	struct tcplab_port *p;
	int err = 0;

	if (WARN_ON_ONCE(tcplab_sk(child)->port))
		return -EINVAL;

	spin_lock_bh(&tn->table_lock);
	p = tcplab_sk(parent)->port;
	if (p) {
		refcount_inc(&p->ref);
		tcplab_port_link(child, p);
	} else {
		err = -EINVAL;
	}
	spin_unlock_bh(&tn->table_lock);
	return err;
}

/*
 * Drop @sk's hold on its port (nothing if it holds none).  Any context:
 * the reservation socket of a port nobody holds any more is released by
 * tcplab_port_work.  tsk->sport is left as it was.
 */
void tcplab_port_put(struct sock *sk)
{
	struct tcplab_net *tn = tcplab_pernet(sock_net(sk));
	struct tcplab_sock *tsk = tcplab_sk(sk);
	bool last = false, was_listener = false;
	struct tcplab_port *p;

	spin_lock_bh(&tn->table_lock);
	p = tsk->port;
	if (p) {
		/* The caller should have called tcplab_unhash_listen(). */
		if (WARN_ON_ONCE(p->listener == sk)) {
			p->listener = NULL;
			was_listener = true;
		}
		hlist_del_init(&tsk->port_node);
		WRITE_ONCE(tsk->port, NULL);
		last = refcount_dec_and_test(&p->ref);
		if (last)
			hlist_del(&p->node);
	}
	spin_unlock_bh(&tn->table_lock);

	if (was_listener)
		__sock_put(sk);	/* the caller still holds its own reference */
	if (last) {
		spin_lock_bh(&tcplab_dead_lock);
		hlist_add_head(&p->node, &tcplab_dead_ports);
		spin_unlock_bh(&tcplab_dead_lock);
		schedule_work(&tcplab_port_work);
	}
}

/* Make @sk the listener of its port; the table holds a reference. */
int tcplab_hash_listen(struct sock *sk)
{
	struct tcplab_net *tn = tcplab_pernet(sock_net(sk));
	struct tcplab_port *p;
	int err = 0;

	spin_lock_bh(&tn->table_lock);
	p = tcplab_sk(sk)->port;
	if (WARN_ON_ONCE(!p)) {
		err = -EINVAL;
	} else if (!p->listener) {
		p->listener = sk;
		sock_hold(sk);
	} else if (p->listener != sk) {
		err = -EADDRINUSE;
	}
	spin_unlock_bh(&tn->table_lock);
	return err;
}

void tcplab_unhash_listen(struct sock *sk)
{
	struct tcplab_net *tn = tcplab_pernet(sock_net(sk));
	struct tcplab_port *p;
	bool put = false;

	spin_lock_bh(&tn->table_lock);
	p = tcplab_sk(sk)->port;
	if (p && p->listener == sk) {
		p->listener = NULL;
		put = true;
	}
	spin_unlock_bh(&tn->table_lock);
	if (put)
		sock_put(sk);
}

/*
 * Enter @sk into the connection table under its 4-tuple (saddr, sport,
 * daddr, dport, all set by the caller).  The table holds a reference.
 */
int tcplab_hash_conn(struct sock *sk)
{
	struct tcplab_net *tn = tcplab_pernet(sock_net(sk));
	struct tcplab_sock *tsk = tcplab_sk(sk);
	struct hlist_head *head;
	struct tcplab_sock *other;
	int err = 0;

	head = tcplab_ehash_head(sock_net(sk), tsk->saddr, tsk->sport,
				 tsk->daddr, tsk->dport);
	spin_lock_bh(&tn->table_lock);
	if (WARN_ON_ONCE(tsk->hashed)) {
		err = -EINVAL;
		goto out;
	}
	hlist_for_each_entry(other, head, ehash_node) {
		if (other->saddr == tsk->saddr && other->sport == tsk->sport &&
		    other->daddr == tsk->daddr && other->dport == tsk->dport) {
			err = -EADDRINUSE;
			goto out;
		}
	}
	hlist_add_head(&tsk->ehash_node, head);
	tsk->hashed = true;
	sock_hold(sk);
out:
	spin_unlock_bh(&tn->table_lock);
	return err;
}

void tcplab_unhash_conn(struct sock *sk)
{
	struct tcplab_net *tn = tcplab_pernet(sock_net(sk));
	struct tcplab_sock *tsk = tcplab_sk(sk);
	bool put = false;

	spin_lock_bh(&tn->table_lock);
	if (tsk->hashed) {
		hlist_del_init(&tsk->ehash_node);
		tsk->hashed = false;
		put = true;
	}
	spin_unlock_bh(&tn->table_lock);
	if (put)
		sock_put(sk);
}

/*
 * SO_BINDTODEVICE on input, as Linux's lookups have it: a socket bound
 * to a device takes only segments that arrived on it (@dif), or on the
 * L3 master device (VRF) it is enslaved to (@sdif).
 */
static bool tcplab_dev_match(const struct sock *sk, int dif, int sdif)
{
	int bound = READ_ONCE(sk->sk_bound_dev_if);

	return !bound || bound == dif || bound == sdif;
}

/*
 * The socket a segment from @saddr:@sport to @daddr:@dport, received on
 * device @dif (@sdif), belongs to: the connection with exactly that
 * 4-tuple, else the listener on @dport (bound to INADDR_ANY or to
 * @daddr), if the socket's device binding lets it take the segment.
 * Returns it with a reference held, or NULL.  *@port_owned tells whether
 * tcplab holds @dport on an address matching @daddr, i.e. whether a
 * segment nobody takes must be answered with a RST by tcplab rather than
 * left to Linux TCP.  Any context.
 */
struct sock *tcplab_lookup(struct net *net, __be32 saddr, __be16 sport,
			   __be32 daddr, __be16 dport, int dif, int sdif,
			   bool *port_owned)
{
	struct tcplab_net *tn = tcplab_pernet(net);
	struct hlist_head *head;
	struct tcplab_sock *tsk;
	struct tcplab_port *p;
	struct sock *sk = NULL;

	*port_owned = false;
	head = tcplab_ehash_head(net, daddr, dport, saddr, sport);

	spin_lock_bh(&tn->table_lock);
	hlist_for_each_entry(tsk, head, ehash_node) {
		if (tsk->saddr == daddr && tsk->sport == dport &&
		    tsk->daddr == saddr && tsk->dport == sport &&
		    tcplab_dev_match(&tsk->sk, dif, sdif)) {
			sk = &tsk->sk;
			sock_hold(sk);
			*port_owned = true;
			goto out;
		}
	}
	p = tcplab_port_find(tn, dport);
	if (p && (!p->addr || p->addr == daddr)) {
		*port_owned = true;
		if (p->listener && tcplab_dev_match(p->listener, dif, sdif)) {
			sk = p->listener;
			sock_hold(sk);
		}
	}
out:
	spin_unlock_bh(&tn->table_lock);
	return sk;
}

int tcplab_table_net_init(struct net *net)
{
	struct tcplab_net *tn = tcplab_pernet(net);
	unsigned int i;

	net_get_random_once(&tcplab_ehash_secret, sizeof(tcplab_ehash_secret));
	spin_lock_init(&tn->table_lock);
	for (i = 0; i < ARRAY_SIZE(tn->ehash); i++)
		INIT_HLIST_HEAD(&tn->ehash[i]);
	for (i = 0; i < ARRAY_SIZE(tn->phash); i++)
		INIT_HLIST_HEAD(&tn->phash[i]);
	return 0;
}

void tcplab_table_net_exit(struct net *net)
{
	struct tcplab_net *tn = tcplab_pernet(net);
	unsigned int i;

	/* Release the reservation sockets still pending (in any netns). */
	flush_work(&tcplab_port_work);

	for (i = 0; i < ARRAY_SIZE(tn->ehash); i++)
		WARN_ON_ONCE(!hlist_empty(&tn->ehash[i]));
	for (i = 0; i < ARRAY_SIZE(tn->phash); i++)
		WARN_ON_ONCE(!hlist_empty(&tn->phash[i]));
}
