// SPDX-License-Identifier: GPL-2.0
/*
 * socket.c - the AF_TCPLAB family: socket creation, struct proto (own
 * slab cache) and proto_ops, the socket API a program sees.
 *
 * socket(AF_TCPLAB, SOCK_STREAM, 0 or IPPROTO_TCP) answers like
 * socket(AF_INET, ...) would: a type the family does not offer gives
 * ESOCKTNOSUPPORT, a protocol it does not offer EPROTONOSUPPORT, a protocol
 * number out of range EINVAL (see inet_create() in net/ipv4/af_inet.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/in.h>
#include <linux/net.h>
#include <linux/poll.h>
#include <net/sock.h>

#include "tcplab.h"

static struct proto tcplab_prot = {
	.name		= "TCPLAB",
	.owner		= THIS_MODULE,
	.obj_size	= sizeof(struct tcplab_sock),
};

static void tcplab_sk_destruct(struct sock *sk)
{
	atomic_dec(&tcplab_pernet(sock_net(sk))->nr_socks);
	atomic_dec(&tcplab_socks_alive);
}

static void tcplab_list_add(struct sock *sk)
{
	struct tcplab_net *tn = tcplab_pernet(sock_net(sk));

	spin_lock_bh(&tn->all_lock);
	hlist_add_head(&tcplab_sk(sk)->all_node, &tn->all_socks);
	spin_unlock_bh(&tn->all_lock);
}

static void tcplab_list_del(struct sock *sk)
{
	struct tcplab_net *tn = tcplab_pernet(sock_net(sk));

	spin_lock_bh(&tn->all_lock);
	hlist_del_init(&tcplab_sk(sk)->all_node);
	spin_unlock_bh(&tn->all_lock);
}

static int tcplab_release(struct socket *sock)
{
	struct sock *sk = sock->sk;

	if (!sk)
		return 0;

	lock_sock(sk);
	sk->sk_shutdown = SHUTDOWN_MASK;
	sock_orphan(sk);
	release_sock(sk);

	tcplab_list_del(sk);
	sock->sk = NULL;
	sock_put(sk);
	return 0;
}

static int tcplab_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	DECLARE_SOCKADDR(struct sockaddr_in *, sin, uaddr);

	/* Not connected yet: there is no peer, and we are bound to nothing. */
	if (peer)
		return -ENOTCONN;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	return sizeof(*sin);
}

static __poll_t tcplab_poll(struct file *file, struct socket *sock,
			    poll_table *wait)
{
	struct sock *sk = sock->sk;
	__poll_t mask = 0;

	sock_poll_wait(file, sock, wait);

	/* RFC 9293 CLOSED: like Linux TCP, a closed socket reports HUP. */
	if (sk->sk_shutdown == SHUTDOWN_MASK || sk->sk_state == TCP_CLOSE)
		mask |= EPOLLHUP;
	if (!(sk->sk_shutdown & SEND_SHUTDOWN))
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

static int tcplab_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
{
	return -ENOIOCTLCMD;
}

/*
 * The kernel finds a family through net_proto_family (registered with the
 * number from the module parameter) and sockets report sk->sk_family;
 * proto_ops.family is only informational, so it names the default.
 */
static const struct proto_ops tcplab_ops = {
	.family		= TCPLAB_FAMILY_DEFAULT,
	.owner		= THIS_MODULE,
	.release	= tcplab_release,
	.bind		= sock_no_bind,
	.connect	= sock_no_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= sock_no_accept,
	.getname	= tcplab_getname,
	.poll		= tcplab_poll,
	.ioctl		= tcplab_ioctl,
	.listen		= sock_no_listen,
	.shutdown	= sock_no_shutdown,
	.sendmsg	= sock_no_sendmsg,
	.recvmsg	= sock_no_recvmsg,
	.mmap		= sock_no_mmap,
};

static int tcplab_create(struct net *net, struct socket *sock, int protocol,
			 int kern)
{
	struct sock *sk;

	if (protocol < 0 || protocol >= IPPROTO_MAX)
		return -EINVAL;
	if (sock->type != SOCK_STREAM)
		return -ESOCKTNOSUPPORT;
	if (protocol != 0 && protocol != IPPROTO_TCP)
		return -EPROTONOSUPPORT;

	sk = sk_alloc(net, tcplab_family, GFP_KERNEL, &tcplab_prot, kern);
	if (!sk)
		return -ENOBUFS;

	sock->state = SS_UNCONNECTED;
	sock->ops = &tcplab_ops;
	sock_init_data(sock, sk);
	sk->sk_protocol = IPPROTO_TCP;
	sk->sk_destruct = tcplab_sk_destruct;
	INIT_HLIST_NODE(&tcplab_sk(sk)->all_node);

	atomic_inc(&tcplab_socks_alive);
	atomic_inc(&tcplab_pernet(net)->nr_socks);
	tcplab_list_add(sk);
	return 0;
}

/* .family is written once at load time, from the module parameter. */
static struct net_proto_family tcplab_family_ops __ro_after_init = {
	.create	= tcplab_create,
	.owner	= THIS_MODULE,
};

int tcplab_family_register(void)
{
	int err;

	tcplab_family_ops.family = tcplab_family;
	err = sock_register(&tcplab_family_ops);
	if (err == -EEXIST)
		pr_err("socket family %d is already registered by another module; load tcplab with family=<free number> (module parameter 'family')\n",
		       tcplab_family);
	else if (err)
		pr_err("cannot register socket family %d (error %d); try another value of the 'family' module parameter\n",
		       tcplab_family, err);
	return err;
}

void tcplab_family_unregister(void)
{
	sock_unregister(tcplab_family);
}

int tcplab_socket_init(void)
{
	/* alloc_slab = 1: our own "TCPLAB" kmem cache, visible in slabinfo. */
	return proto_register(&tcplab_prot, 1);
}

void tcplab_socket_exit(void)
{
	proto_unregister(&tcplab_prot);
}
