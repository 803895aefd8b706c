// SPDX-License-Identifier: GPL-2.0
/*
 * socket.c - the AF_TCPLAB family: socket creation, struct proto (own
 * slab cache) and proto_ops, the socket API a program sees.
 *
 * Linux TCP is the oracle: each call answers with the return values and
 * errno that the same call on an AF_INET stream socket gives (see
 * net/ipv4/af_inet.c and net/ipv4/tcp.c).  The protocol work is done by
 * the core through conn.c; this file maps socket calls onto RFC 9293's
 * user calls (3.10.1 - 3.10.5) and waits where the caller must wait.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/capability.h>
#include <linux/in.h>
#include <linux/net.h>
#include <linux/poll.h>
#include <linux/tcp.h>
#include <linux/sched/signal.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/tcp.h>		/* MAX_TCP_HEADER */

#include "tcplab.h"
#include "tls.h"

static void tcplab_sk_destruct(struct sock *sk)
{
	struct tcplab_net *tn = tcplab_pernet(sock_net(sk));

	/* Only inet_sock_destruct() drops a cached route: we must. */
	sk_dst_reset(sk);
	/*
	 * The port list must not keep a freed socket (tcp_v4_destroy_sock()
	 * puts the port the same way); every path should have let go by now.
	 */
	if (WARN_ON_ONCE(tcplab_sk(sk)->port))
		tcplab_port_put(sk);
	spin_lock_bh(&tn->all_lock);
	hlist_del_init(&tcplab_sk(sk)->all_node);
	spin_unlock_bh(&tn->all_lock);
	tcplab_tls_free(sk);
	/*
	 * Every path empties the queues before the last reference goes;
	 * as inet_sock_destruct() does, make sure, so that every page they
	 * held goes back (mem.c).
	 */
	tcplab_purge_queues(sk);
	sk_mem_reclaim_final(sk);
	WARN_ON_ONCE(sk->sk_forward_alloc);
	tcplab_orphan_del(sk);
	sk_sockets_allocated_dec(sk);
	atomic_dec(&tn->nr_socks);
	atomic_dec(&tcplab_socks_alive);
}

/*
 * Like sk_stream_write_space(), which is not exported to modules, as
 * tcp_check_space() calls it: only a writer that found the send buffer
 * full (SOCK_NOSPACE, set by sendmsg and poll) is woken, so an
 * edge-triggered epoll sees no EPOLLOUT edge for every ACK.
 */
static void tcplab_write_space(struct sock *sk)
{
	struct socket *sock = sk->sk_socket;
	struct socket_wq *wq;

	if (!sock || !test_bit(SOCK_NOSPACE, &sock->flags) ||
	    !sk_stream_is_writeable(sk))
		return;
	clear_bit(SOCK_NOSPACE, &sock->flags);
	rcu_read_lock();
	wq = rcu_dereference(sk->sk_wq);
	if (skwq_has_sleeper(wq))
		wake_up_interruptible_poll(&wq->wait, EPOLLOUT | EPOLLWRNORM |
					   EPOLLWRBAND);
	if (wq && wq->fasync_list && !(sk->sk_shutdown & SEND_SHUTDOWN))
		sock_wake_async(wq, SOCK_WAKE_SPACE, POLL_OUT);
	rcu_read_unlock();
}

/* Common set-up of a user's socket (@sock) or a listener's child (NULL). */
void tcplab_sock_init(struct sock *sk, struct socket *sock)
{
	struct tcplab_net *tn = tcplab_pernet(sock_net(sk));
	struct tcplab_sock *tsk = tcplab_sk(sk);

	sock_init_data(sock, sk);
	/*
	 * Linux TCP starts a socket's receive buffer at tcp_rmem[1] (its
	 * tcp_init_sock()), not sock_init_data()'s rmem_default; the first
	 * window a connection offers is derived from it (tl_window.c).
	 */
	WRITE_ONCE(sk->sk_rcvbuf,
		   READ_ONCE(sock_net(sk)->ipv4.sysctl_tcp_rmem[1]));
	sk->sk_protocol = IPPROTO_TCP;
	sk->sk_destruct = tcplab_sk_destruct;
	sk->sk_write_space = tcplab_write_space;
	/* Segments that arrive while a process owns the socket. */
	sk->sk_backlog_rcv = tcplab_sk_rcv;
	INIT_HLIST_NODE(&tsk->all_node);
	INIT_HLIST_NODE(&tsk->ehash_node);
	INIT_HLIST_NODE(&tsk->port_node);
	tcplab_conn_init(sk);

	sk_sockets_allocated_inc(sk);
	atomic_inc(&tcplab_socks_alive);
	atomic_inc(&tn->nr_socks);
	spin_lock_bh(&tn->all_lock);
	hlist_add_head(&tsk->all_node, &tn->all_socks);
	spin_unlock_bh(&tn->all_lock);
}

/*
 * TCP_NOTSENT_LOWAT, else the namespace's net.ipv4.tcp_notsent_lowat,
 * read each time as tcp_notsent_lowat() does (UINT_MAX by default: no
 * limit).
 */
u32 tcplab_notsent_lowat(const struct sock *sk)
{
	return READ_ONCE(tcplab_sk(sk)->notsent_lowat) ? :
	       READ_ONCE(sock_net(sk)->ipv4.sysctl_tcp_notsent_lowat);
}

/*
 * proto.stream_memory_free, which sk_stream_memory_free() (sendmsg) and
 * sk_stream_is_writeable() (poll, with @wake 1) consult after the send
 * buffer's own limit, as tcp_stream_memory_free() does for Linux TCP:
 * the bytes queued but never sent must stay below the low-water mark,
 * and below half of it to report the socket writable, so that a
 * writer woken has room for a worthwhile write.
 */
static bool tcplab_stream_memory_free(const struct sock *sk, int wake)
{
	const struct tl_tcb *tcb = &tcplab_sk(sk)->tcb;
	u32 end = READ_ONCE(tcb->snd_end), max = READ_ONCE(tcb->snd_max);
	u64 notsent = tl_seq_gt(end, max) ? end - max : 0;

	return (notsent << wake) < tcplab_notsent_lowat(sk);
}

struct proto tcplab_prot = {
	.name		= "TCPLAB",
	.owner		= THIS_MODULE,
	.obj_size	= sizeof(struct tcplab_sock),
	.backlog_rcv	= tcplab_sk_rcv,
	.release_cb	= tcplab_release_cb,
	.keepalive	= tcplab_keepalive,
	.stream_memory_free	= tcplab_stream_memory_free,
	/* Memory of all sockets together (mem.c) */
	.enter_memory_pressure	= tcplab_enter_memory_pressure,
	.leave_memory_pressure	= tcplab_leave_memory_pressure,
	.memory_allocated	= &tcplab_memory_allocated,
	.per_cpu_fw_alloc	= &tcplab_memory_per_cpu_fw_alloc,
	.sockets_allocated	= &tcplab_sockets_allocated,
	.memory_pressure	= &tcplab_memory_pressure,
	.sysctl_mem		= tcplab_sysctl_mem,
	/* Each socket's floor over the limit: the namespace's tcp_[rw]mem[0]. */
	.sysctl_wmem_offset	= offsetof(struct net, ipv4.sysctl_tcp_wmem),
	.sysctl_rmem_offset	= offsetof(struct net, ipv4.sysctl_tcp_rmem),
};

static enum tl_state tcplab_state(const struct sock *sk)
{
	return tcplab_sk(sk)->tcb.state;
}

/* ---- addresses ---- */

/*
 * A user-supplied address: struct sockaddr_in with sin_family AF_INET
 * (or AF_TCPLAB).  Errors as inet_bind()/inet_stream_connect() give them.
 */
static int tcplab_check_addr(const struct sockaddr *uaddr, int addr_len,
			     const struct sockaddr_in **sin)
{
	if (addr_len < (int)sizeof(struct sockaddr_in))
		return -EINVAL;
	*sin = (const struct sockaddr_in *)uaddr;
	if ((*sin)->sin_family != AF_INET && (*sin)->sin_family != tcplab_family)
		return -EAFNOSUPPORT;
	return 0;
}

static int tcplab_bind(struct socket *sock, struct sockaddr *uaddr, int addr_len)
{
	struct sock *sk = sock->sk;
	struct tcplab_sock *tsk = tcplab_sk(sk);
	const struct sockaddr_in *sin;
	int err, type;

	err = tcplab_check_addr(uaddr, addr_len, &sin);
	/* inet_bind() accepts AF_UNSPEC with INADDR_ANY, for old programs. */
	if (err == -EAFNOSUPPORT && sin->sin_family == AF_UNSPEC &&
	    sin->sin_addr.s_addr == htonl(INADDR_ANY))
		err = 0;
	if (err)
		return err;

	type = inet_addr_type_table(sock_net(sk), sin->sin_addr.s_addr,
				    RT_TABLE_LOCAL);
	if (sin->sin_addr.s_addr != htonl(INADDR_ANY) && type != RTN_LOCAL &&
	    type != RTN_MULTICAST && type != RTN_BROADCAST &&
	    !sock_net(sk)->ipv4.sysctl_ip_nonlocal_bind)
		return -EADDRNOTAVAIL;
	/* __inet_bind() checks the privileged port before the socket state. */
	if (sin->sin_port &&
	    inet_port_requires_bind_service(sock_net(sk), ntohs(sin->sin_port)) &&
	    !ns_capable(sock_net(sk)->user_ns, CAP_NET_BIND_SERVICE))
		return -EACCES;

	lock_sock(sk);
	err = -EINVAL;
	if (tcplab_state(sk) != TL_CLOSED || tsk->port)
		goto out;
	err = tcplab_port_get(sk, sin->sin_addr.s_addr, sin->sin_port);
	if (err)
		goto out;
	if (sin->sin_addr.s_addr)
		sk->sk_userlocks |= SOCK_BINDADDR_LOCK;
	if (sin->sin_port)
		sk->sk_userlocks |= SOCK_BINDPORT_LOCK;
out:
	release_sock(sk);
	return err;
}

static int tcplab_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	DECLARE_SOCKADDR(struct sockaddr_in *, sin, uaddr);
	struct sock *sk = sock->sk;
	struct tcplab_sock *tsk = tcplab_sk(sk);

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	lock_sock(sk);
	if (peer) {
		/* inet_getname(): no peer before the handshake completes. */
		if (!tsk->dport || (1 << sk->sk_state) & (TCPF_CLOSE | TCPF_SYN_SENT)) {
			release_sock(sk);
			return -ENOTCONN;
		}
		sin->sin_port = tsk->dport;
		sin->sin_addr.s_addr = tsk->daddr;
	} else {
		sin->sin_port = tsk->sport;
		sin->sin_addr.s_addr = tsk->saddr;
	}
	release_sock(sk);
	return sizeof(*sin);
}

/* ---- connect ---- */

/* Wait while the handshake runs (like inet_wait_for_connect()). */
static long tcplab_wait_connect(struct sock *sk, long timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);

	add_wait_queue(sk_sleep(sk), &wait);
	while ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)) {
		release_sock(sk);
		timeo = wait_woken(&wait, TASK_INTERRUPTIBLE, timeo);
		lock_sock(sk);
		if (signal_pending(current) || !timeo)
			break;
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	return timeo;
}

static void tcplab_listen_stop(struct sock *sk);

/*
 * Like tcp_disconnect(): abort whatever the socket does (a listener
 * resets its unaccepted children, a connection sends RST where RFC 9293
 * 3.10.5 ABORT says so) and leave a fresh CLOSED socket that may connect
 * or listen again.
 */
static void tcplab_disconnect(struct sock *sk)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	int old_state = sk->sk_state;

	if (tsk->tcb.state == TL_LISTEN) {
		tcplab_listen_stop(sk);
		tcplab_unhash_listen(sk);
	}
	if (tsk->tcb.state != TL_CLOSED) {
		struct tl_actions *act = tcplab_act_get();

		if (!tl_abort(&tsk->tcb, act))
			tcplab_run_actions(sk, NULL, act);
		else
			tcplab_act_put(act);
	}
	/* tcp_disconnect(): the user is told the connection was reset. */
	if (old_state != TCP_CLOSE && old_state != TCP_LISTEN)
		WRITE_ONCE(sk->sk_err, ECONNRESET);
	tcplab_purge_queues(sk);
	WRITE_ONCE(sk->sk_shutdown, 0);
	sock_reset_flag(sk, SOCK_DONE);
	if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK) && !tsk->port)
		tsk->saddr = 0;
	tsk->dport = 0;
	sk_error_report(sk);
}

static int tcplab_connect(struct socket *sock, struct sockaddr *uaddr,
			  int addr_len, int flags)
{
	struct sock *sk = sock->sk;
	struct tcplab_sock *tsk = tcplab_sk(sk);
	const struct sockaddr_in *sin;
	long timeo;
	int err;

	if (addr_len < (int)sizeof(uaddr->sa_family))
		return -EINVAL;
	lock_sock(sk);
	switch (sock->state) {
	case SS_CONNECTED:
		err = -EISCONN;
		goto out;
	case SS_CONNECTING:
		/* A nonblocking connect is still running, or has finished. */
		err = -EALREADY;
		break;
	case SS_UNCONNECTED:
		err = tcplab_check_addr(uaddr, addr_len, &sin);
		if (err)
			goto out;
		err = -EISCONN;
		if (tcplab_state(sk) != TL_CLOSED)
			goto out;
		tsk->daddr = sin->sin_addr.s_addr;
		tsk->dport = sin->sin_port;
		if (!tsk->daddr)
			tsk->daddr = htonl(INADDR_LOOPBACK); /* as Linux does */
		sk->sk_err = 0;
		WRITE_ONCE(sk->sk_shutdown, 0);
		err = tcplab_connect_start(sk);
		if (err) {
			tsk->dport = 0;
			goto out;
		}
		sock->state = SS_CONNECTING;
		err = -EINPROGRESS;
		break;
	default:
		err = -EINVAL;
		goto out;
	}

	timeo = sock_sndtimeo(sk, flags & O_NONBLOCK);
	if ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)) {
		/*
		 * As __inet_stream_connect(): nonblocking, or SO_SNDTIMEO ran
		 * out, gives the error set above (EINPROGRESS on the first
		 * call, EALREADY later) while the handshake goes on.
		 */
		if (!timeo)
			goto out;
		timeo = tcplab_wait_connect(sk, timeo);
		if (!timeo)
			goto out;
		/* -ERESTARTSYS (restarted: EALREADY, wait on) or -EINTR. */
		err = sock_intr_errno(timeo);
		if (signal_pending(current))
			goto out;
	}
	/* Closed by RST, by running out of retries, or by shutdown(). */
	if (sk->sk_state == TCP_CLOSE) {
		err = sock_error(sk) ? : -ECONNABORTED;
		sock->state = SS_UNCONNECTED;
		tcplab_disconnect(sk);
		goto out;
	}
	sock->state = SS_CONNECTED;
	err = 0;
out:
	release_sock(sk);
	return err;
}

/* ---- listen / accept ---- */

static int tcplab_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	struct tcplab_sock *tsk = tcplab_sk(sk);
	int somaxconn = READ_ONCE(sock_net(sk)->core.sysctl_somaxconn);
	struct tl_actions *act;
	int err;

	if ((unsigned int)backlog > (unsigned int)somaxconn)
		backlog = somaxconn;
	lock_sock(sk);
	err = -EINVAL;
	if (sock->state != SS_UNCONNECTED)
		goto out;
	if (tcplab_state(sk) == TL_LISTEN) {
		/* listen() again only changes the backlog, as on Linux. */
		WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
		err = 0;
		goto out;
	}
	if (tcplab_state(sk) != TL_CLOSED)
		goto out;
	if (!tsk->port) {
		/* inet_listen() binds an unbound socket to an ephemeral port. */
		err = tcplab_port_get(sk, 0, 0);
		if (err)
			goto out;
	}
	tcplab_conn_setup(sk, 0);
	err = tcplab_hash_listen(sk);
	if (err)
		goto out;
	WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
	sk->sk_ack_backlog = 0;
	act = tcplab_act_get();
	tl_open_passive(&tsk->tcb, ntohs(tsk->sport), act);
	tcplab_run_actions(sk, NULL, act);
out:
	release_sock(sk);
	return err;
}

/* Take the first established child off the accept queue, or NULL. */
static struct sock *tcplab_accept_pop(struct sock *sk)
{
	struct tcplab_sock *tsk = tcplab_sk(sk), *ctsk;

	spin_lock_bh(&tsk->accept_lock);
	ctsk = list_first_entry_or_null(&tsk->accept_queue, struct tcplab_sock,
					accept_node);
	if (ctsk) {
		list_del_init(&ctsk->accept_node);
		sk_acceptq_removed(sk);
	}
	spin_unlock_bh(&tsk->accept_lock);
	return ctsk ? &ctsk->sk : NULL;
}

static bool tcplab_accept_ready(struct sock *sk)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	bool ready;

	spin_lock_bh(&tsk->accept_lock);
	ready = !list_empty(&tsk->accept_queue);
	spin_unlock_bh(&tsk->accept_lock);
	return ready;
}

static int tcplab_do_accept(struct socket *sock, struct socket *newsock,
			    int flags)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct sock *sk = sock->sk, *csk = NULL;
	long timeo;
	int err = 0;

	lock_sock(sk);
	timeo = sock_rcvtimeo(sk, flags & O_NONBLOCK);
	add_wait_queue_exclusive(sk_sleep(sk), &wait);
	for (;;) {
		if (tcplab_state(sk) != TL_LISTEN) {
			err = -EINVAL;
			break;
		}
		csk = tcplab_accept_pop(sk);
		if (csk)
			break;
		err = -EAGAIN;
		if (!timeo)
			break;
		err = sock_intr_errno(timeo);
		if (signal_pending(current))
			break;
		release_sock(sk);
		timeo = wait_woken(&wait, TASK_INTERRUPTIBLE, timeo);
		lock_sock(sk);
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	release_sock(sk);
	if (!csk)
		return err;

	/* The child's own reference now belongs to @newsock. */
	lock_sock(csk);
	if (tcplab_sk(csk)->listener == sk) {
		tcplab_sk(csk)->listener = NULL;
		sock_put(sk);
	}
	sock_graft(csk, newsock);
	newsock->state = SS_CONNECTED;
	release_sock(csk);
	return 0;
}

#ifdef TCPLAB_HAVE_PROTO_ACCEPT_ARG	/* Linux 6.10+ */
static int tcplab_accept(struct socket *sock, struct socket *newsock,
			 struct proto_accept_arg *arg)
{
	return tcplab_do_accept(sock, newsock, arg->flags);
}
#else
static int tcplab_accept(struct socket *sock, struct socket *newsock,
			 int flags, bool kern)
{
	return tcplab_do_accept(sock, newsock, flags);
}
#endif

/*
 * The listener closes: every child not yet accepted is reset, as Linux
 * does in inet_csk_listen_stop().
 */
static void tcplab_listen_stop(struct sock *sk)
{
	struct tcplab_sock *tsk = tcplab_sk(sk), *ctsk;
	struct sock *csk;

	for (;;) {
		spin_lock_bh(&tsk->accept_lock);
		ctsk = list_first_entry_or_null(&tsk->syn_queue,
						struct tcplab_sock, accept_node);
		if (!ctsk)
			ctsk = list_first_entry_or_null(&tsk->accept_queue,
							struct tcplab_sock,
							accept_node);
		if (ctsk) {
			if (ctsk->in_syn_queue)
				tsk->syn_queue_len--;
			else
				sk_acceptq_removed(sk);
			ctsk->in_syn_queue = false;
			list_del_init(&ctsk->accept_node);
		}
		spin_unlock_bh(&tsk->accept_lock);
		if (!ctsk)
			break;

		/*
		 * Off the lists, the child's own reference is ours.  The
		 * listener's lock is held: the child's nests inside it.
		 */
		csk = &ctsk->sk;
		lock_sock_nested(csk, SINGLE_DEPTH_NESTING);
		if (ctsk->listener == sk) {
			ctsk->listener = NULL;
			sock_put(sk);
		}
		sock_set_flag(csk, SOCK_DEAD);
		if (ctsk->tcb.state != TL_CLOSED) {
			struct tl_actions *act = tcplab_act_get();

			if (!tl_abort(&ctsk->tcb, act))
				tcplab_run_actions(csk, NULL, act);
			else
				tcplab_act_put(act);
		}
		release_sock(csk);
		sock_put(csk);
	}
}

/* ---- close ---- */

static int tcplab_release(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct tcplab_sock *tsk;
	struct tl_actions *act;
	int err = 0;

	if (!sk)
		return 0;
	tsk = tcplab_sk(sk);

	lock_sock(sk);
	tcplab_tls_release(sk);		/* the last TLS record before FIN */
	if (tsk->tcb.state == TL_LISTEN) {
		tcplab_listen_stop(sk);
		tcplab_unhash_listen(sk);
	}
	act = tcplab_act_get();
	switch (tsk->tcb.state) {
	case TL_CLOSED:
		break;
	case TL_LISTEN:
		err = tl_close(&tsk->tcb, tcplab_now_us(), act);
		break;
	default:
		/*
		 * tcp_close(): unread data, or SO_LINGER with a zero time,
		 * mean the connection is aborted with RST (RFC 9293 3.10.5);
		 * otherwise CLOSE (3.10.4) sends FIN after the queued data.
		 */
		if (!skb_queue_empty(&sk->sk_receive_queue) ||
		    (sock_flag(sk, SOCK_LINGER) && !sk->sk_lingertime)) {
			err = tl_abort(&tsk->tcb, act);
		} else if (tsk->tcb.state != TL_SYN_SENT &&
			   tsk->tcb.state != TL_TIME_WAIT &&
			   tcplab_orphan_oom(sk)) {
			/*
			 * No room for one more orphan (mem.c): like
			 * tcp_close(), reset rather than let it live on.
			 */
			err = tl_abort(&tsk->tcb, act);
			tcplab_inc_stats(sock_net(sk),
					 TCPLAB_MIB_ABORT_ON_MEMORY);
		} else {
			err = tl_close(&tsk->tcb, tcplab_now_us(), act);
		}
		break;
	}
	/* From here on the connection lives on alone (FIN-WAIT, TIME-WAIT). */
	if (!err && tsk->tcb.state != TL_CLOSED) {
		tl_orphan(&tsk->tcb, tcplab_now_us(), act);
		if (tsk->tcb.state != TL_TIME_WAIT)
			tcplab_orphan_add(sk);
	}
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	sock_orphan(sk);
	if ((tsk->tcb.state != TL_CLOSED || act->release) && !err)
		tcplab_run_actions(sk, NULL, act);
	else
		tcplab_act_put(act);
	if (tsk->tcb.state == TL_CLOSED) {
		/*
		 * CLOSED by a RST, a timeout or an abort, or never connected:
		 * nothing will send, acknowledge or reassemble what the
		 * queues still hold.
		 */
		tcplab_purge_queues(sk);
		if (tsk->port)
			tcplab_port_put(sk);
	}
	release_sock(sk);

	sock->sk = NULL;
	sock_put(sk);
	return 0;
}

static int tcplab_shutdown(struct socket *sock, int how)
{
	struct sock *sk = sock->sk;
	struct tcplab_sock *tsk = tcplab_sk(sk);
	int err = 0;

	/* SHUT_RD (0) -> RCV_SHUTDOWN (1), SHUT_WR -> 2, SHUT_RDWR -> 3 */
	how++;
	if ((how & ~SHUTDOWN_MASK) || !how)
		return -EINVAL;

	lock_sock(sk);
	if (how & SEND_SHUTDOWN)
		tcplab_tls_tx_flush(sk);	/* the record MSG_MORE held */
	if (sock->state == SS_CONNECTING &&
	    (1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV | TCPF_CLOSE))
		sock->state = SS_DISCONNECTING;
	else if (sock->state == SS_CONNECTING)
		sock->state = SS_CONNECTED;

	/*
	 * inet_shutdown() decides on sk_state: a connection in TIME-WAIT
	 * shows TCP_CLOSE there, so it is ENOTCONN like a closed one.
	 */
	switch (sk->sk_state) {
	case TCP_CLOSE:
		err = -ENOTCONN;
		fallthrough;
	default:
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | how);
		/* tcp_shutdown(): SHUT_WR sends our FIN (RFC 9293 3.10.4). */
		if ((how & SEND_SHUTDOWN) && sk->sk_state != TCP_CLOSE) {
			struct tl_actions *act = tcplab_act_get();

			if (!tl_close(&tsk->tcb, tcplab_now_us(), act))
				tcplab_run_actions(sk, NULL, act);
			else
				tcplab_act_put(act);
		}
		break;
	case TCP_LISTEN:
		if (!(how & RCV_SHUTDOWN))
			break;
		fallthrough;
	case TCP_SYN_SENT:
		/* inet_shutdown() disconnects: the socket may be reused. */
		tcplab_disconnect(sk);
		sock->state = SS_UNCONNECTED;
		break;
	}
	sk->sk_state_change(sk);
	release_sock(sk);
	return err;
}

/* ---- data ---- */

/*
 * Hand @pending bytes queued behind SND.END to the core (RFC 9293 3.10.2
 * SEND: it segmentizes and sends).  Queued in batches, so that one core
 * call sees many segments' worth and output.c can send them as one GSO
 * skb.
 */
static int tcplab_send_pending(struct sock *sk, u32 *pending, int flags)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	struct tl_actions *act;
	int sent;

	if (!*pending)
		return 0;
	tsk->tcb.snd_more = flags & MSG_MORE;	/* tl_nagle.c */
	act = tcplab_act_get();
	sent = tl_send(&tsk->tcb, *pending, tcplab_now_us(), act);
	tsk->tcb.snd_more = false;
	if (WARN_ON_ONCE(sent != (int)*pending)) {
		/* Take back from the queue what the core did not take. */
		struct sk_buff *skb;
		u32 end = tsk->tcb.snd_end;

		tcplab_act_put(act);
		while ((skb = skb_peek_tail(&sk->sk_write_queue)) &&
		       tl_seq_gt(TCPLAB_SKB_CB(skb)->end_seq, end)) {
			if (tl_seq_gt(end, TCPLAB_SKB_CB(skb)->seq)) {
				skb_trim(skb, end - TCPLAB_SKB_CB(skb)->seq);
				TCPLAB_SKB_CB(skb)->end_seq = end;
				break;
			}
			__skb_unlink(skb, &sk->sk_write_queue);
			if (skb == tsk->xmit_hint)
				tsk->xmit_hint = NULL;
			tcplab_wmem_free_skb(sk, skb);
		}
		*pending = 0;
		return sent < 0 ? sent : -EPIPE;
	}
	*pending = 0;
	tcplab_run_actions(sk, NULL, act);
	return 0;
}

static int tcplab_sendmsg(struct socket *sock, struct msghdr *msg, size_t len)
{
	struct sock *sk = sock->sk;
	struct tcplab_sock *tsk = tcplab_sk(sk);
	int flags = msg->msg_flags;
	bool nomem = false;
	size_t copied = 0;
	u32 pending = 0;
	struct sk_buff *skb;
	long timeo;
	int err;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;	/* urgent data: see tl_input.c */
	if (tcplab_tls_tx_active(sk))
		return tcplab_tls_sendmsg(sk, msg, len);

	lock_sock(sk);
	timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);

	/* tcp_sendmsg_locked(): wait for the handshake; EPIPE if none. */
	if ((1 << sk->sk_state) & ~(TCPF_ESTABLISHED | TCPF_CLOSE_WAIT)) {
		err = sk_stream_wait_connect(sk, &timeo);
		if (err)
			goto do_error;
	}

	while (msg_data_left(msg)) {
		u32 mss = tsk->tcb.snd_mss ? : TL_MSS_DEFAULT;
		size_t copy;

		err = -EPIPE;
		if (sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN))
			goto do_error;

		/* A queue skb holds at most one MSS, in 16 KiB (tcplab.h). */
		mss = min_t(u32, mss, TCPLAB_SKB_PAYLOAD_MAX);
		/* Fill the last skb if none of its bytes went out yet. */
		skb = skb_peek_tail(&sk->sk_write_queue);
		if (!skb || skb->len >= mss || !skb_tailroom(skb) ||
		    tl_seq_lt(TCPLAB_SKB_CB(skb)->seq, tsk->tcb.snd_max)) {
			if (!sk_stream_memory_free(sk))
				goto wait_for_space;
			skb = alloc_skb(MAX_TCP_HEADER +
					min_t(size_t, mss,
					      max_t(size_t, msg_data_left(msg),
						    TCPLAB_SKB_PAYLOAD_MIN)),
					sk->sk_allocation);
			/* A share of the memory of all sockets (mem.c). */
			if (skb && !sk_wmem_schedule(sk, skb->truesize)) {
				kfree_skb(skb);
				skb = NULL;
			}
			if (!skb) {
				nomem = true;
				goto wait_for_space;
			}
			skb_reserve(skb, MAX_TCP_HEADER);
			/* Clones for transmission may write their headers. */
			__skb_header_release(skb);
			TCPLAB_SKB_CB(skb)->seq = tsk->tcb.snd_end + pending;
			TCPLAB_SKB_CB(skb)->end_seq = tsk->tcb.snd_end + pending;
			__skb_queue_tail(&sk->sk_write_queue, skb);
			sk_wmem_queued_add(sk, skb->truesize);
			sk_mem_charge(sk, skb->truesize);
		}

		copy = min_t(size_t, msg_data_left(msg), mss - skb->len);
		copy = min_t(size_t, copy, skb_tailroom(skb));
		if (copy_from_iter(skb_put(skb, copy), copy, &msg->msg_iter) != copy) {
			skb_trim(skb, skb->len - copy);
			err = -EFAULT;
			goto do_error;
		}
		TCPLAB_SKB_CB(skb)->end_seq += copy;
		pending += copy;
		copied += copy;
		if (pending >= TCPLAB_SEND_BATCH || !msg_data_left(msg)) {
			err = tcplab_send_pending(sk, &pending, flags);
			if (err)
				goto do_error;
		}
		continue;

wait_for_space:
		/* What is queued goes out before we sleep. */
		err = tcplab_send_pending(sk, &pending, flags);
		if (err)
			goto do_error;
		/*
		 * The buffer has room but the allocation failed: as in
		 * tcp_sendmsg_locked(), sk_stream_wait_memory() sleeps a
		 * little then (its vm_wait) and returns on a signal, rather
		 * than retrying at once, forever.
		 */
		if (!nomem && sk_stream_memory_free(sk))
			continue;
		nomem = false;
		set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		err = sk_stream_wait_memory(sk, &timeo);
		if (err)
			goto do_error;
	}
	release_sock(sk);
	return copied;

do_error:
	/* Bytes already in the queue are the user's: send them. */
	if (pending) {
		u32 queued = pending;

		if (tcplab_send_pending(sk, &pending, flags))
			copied -= min_t(size_t, copied, queued);
	}
	if (copied) {
		release_sock(sk);
		return copied;
	}
	err = sk_stream_error(sk, flags, err);
	release_sock(sk);
	return err;
}

/*
 * Receive queue skbs hold in-order payload; TCPLAB_SKB_CB(skb)->seq counts
 * the bytes of an skb already read.
 */
static int tcplab_recvmsg(struct socket *sock, struct msghdr *msg, size_t len,
			  int flags)
{
	struct sock *sk = sock->sk;
	struct tcplab_sock *tsk = tcplab_sk(sk);
	int copied = 0, target, err = 0;
	u32 peek_off = 0;
	long timeo;

	if (flags & MSG_OOB)
		return -EINVAL;
	if (flags & MSG_ERRQUEUE)
		return sock_recv_errqueue(sk, msg, len, SOL_IP, IP_RECVERR);
	if (tcplab_tls_rx_active(sk))
		return tcplab_tls_recvmsg(sk, msg, len, flags);

	lock_sock(sk);
	err = -ENOTCONN;
	if (tsk->tcb.state == TL_LISTEN)
		goto out;
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);
	err = 0;

	while (copied < len) {
		struct sk_buff *skb, *last = NULL;
		u32 skipped = 0, got = 0;

		skb_queue_walk(&sk->sk_receive_queue, skb) {
			u32 off = TCPLAB_SKB_CB(skb)->seq;
			u32 avail = skb->len - off;

			last = skb;
			if (flags & MSG_PEEK) {
				/* Pass over what this call has peeked already. */
				if (peek_off >= skipped + avail) {
					skipped += avail;
					continue;
				}
				off += peek_off - skipped;
				avail -= peek_off - skipped;
			}
			avail = min_t(u32, avail, len - copied);
			err = skb_copy_datagram_msg(skb, off, msg, avail);
			if (err)
				goto out_copied;
			copied += avail;
			got = avail;
			if (flags & MSG_PEEK)
				peek_off += avail;
			else
				TCPLAB_SKB_CB(skb)->seq += avail;
			break;
		}
		if (!(flags & MSG_PEEK) && got) {
			skb = skb_peek(&sk->sk_receive_queue);
			if (skb->len == TCPLAB_SKB_CB(skb)->seq) {
				__skb_unlink(skb, &sk->sk_receive_queue);
				kfree_skb(skb);
			}
			tcplab_rcv_read(sk, got);
		}
		if (got)
			continue;

		/* Nothing (more) to copy now. */
		if (copied >= target)
			break;
		if (copied) {
			if (sk->sk_err || sk->sk_state == TCP_CLOSE ||
			    (sk->sk_shutdown & RCV_SHUTDOWN) || !timeo ||
			    signal_pending(current))
				break;
		} else {
			/* The order of tcp_recvmsg(): FIN, then errors (RST). */
			if (sock_flag(sk, SOCK_DONE))
				break;
			if (sk->sk_err) {
				copied = sock_error(sk);
				break;
			}
			if (sk->sk_shutdown & RCV_SHUTDOWN)
				break;
			if (sk->sk_state == TCP_CLOSE) {
				copied = -ENOTCONN;
				break;
			}
			if (!timeo) {
				copied = -EAGAIN;
				break;
			}
			if (signal_pending(current)) {
				copied = sock_intr_errno(timeo);
				break;
			}
		}
		sk_wait_data(sk, &timeo, last);
	}
	release_sock(sk);
	return copied;

out_copied:
	if (copied)
		err = copied;
out:
	release_sock(sk);
	return err;
}

static __poll_t tcplab_poll(struct file *file, struct socket *sock,
			    poll_table *wait)
{
	struct sock *sk = sock->sk;
	__poll_t mask = 0;
	int state, shutdown;

	sock_poll_wait(file, sock, wait);
	state = READ_ONCE(sk->sk_state);
	if (state == TCP_LISTEN)
		return tcplab_accept_ready(sk) ? EPOLLIN | EPOLLRDNORM : 0;

	/* As tcp_poll() computes it. */
	shutdown = READ_ONCE(sk->sk_shutdown);
	if (shutdown == SHUTDOWN_MASK || state == TCP_CLOSE)
		mask |= EPOLLHUP;
	if (shutdown & RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
	if (state != TCP_SYN_SENT && state != TCP_SYN_RECV) {
		if (tcplab_tls_rx_active(sk) ? tcplab_tls_rx_readable(sk) :
		    !skb_queue_empty_lockless(&sk->sk_receive_queue))
			mask |= EPOLLIN | EPOLLRDNORM;
		if (!(shutdown & SEND_SHUTDOWN)) {
			if (sk_stream_is_writeable(sk)) {
				mask |= EPOLLOUT | EPOLLWRNORM;
			} else {
				set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
				/* Pairs with the write-space wake-up (tcp_poll). */
				smp_mb__after_atomic();
				if (sk_stream_is_writeable(sk))
					mask |= EPOLLOUT | EPOLLWRNORM;
			}
		} else {
			mask |= EPOLLOUT | EPOLLWRNORM;
		}
	}
	if (READ_ONCE(sk->sk_err) || !skb_queue_empty_lockless(&sk->sk_error_queue))
		mask |= EPOLLERR;
	return mask;
}

static int tcplab_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
{
	return -ENOIOCTLCMD;
}

/* ---- socket options (SOL_TCP; SOL_SOCKET is handled by the core) ---- */

/*
 * Flow control options (core/tl_nagle.c, tl_delack.c, tl_keepalive.c),
 * with do_tcp_setsockopt()'s limits and errors.
 */
static int tcplab_set_flowopt(struct sock *sk, int optname, int val)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	u64 now = tcplab_now_us();
	struct tl_actions *act;
	int err = 0;

	lock_sock(sk);
	act = tcplab_act_get();
	switch (optname) {
	case TCP_NODELAY:
		WRITE_ONCE(tsk->nodelay, !!val);
		tl_set_nodelay(&tsk->tcb, !!val, now, act);
		break;
	case TCP_CORK:
		WRITE_ONCE(tsk->cork, !!val);
		tl_set_cork(&tsk->tcb, !!val, now, act);
		break;
	case TCP_QUICKACK:
		tl_set_quickack(&tsk->tcb, !!val, now, act);
		break;
	case TCP_KEEPIDLE:
		if (val < 1 || val > MAX_TCP_KEEPIDLE)
			err = -EINVAL;
		else
			WRITE_ONCE(tsk->keepidle, val);
		break;
	case TCP_KEEPINTVL:
		if (val < 1 || val > MAX_TCP_KEEPINTVL)
			err = -EINVAL;
		else
			WRITE_ONCE(tsk->keepintvl, val);
		break;
	case TCP_KEEPCNT:
		if (val < 1 || val > MAX_TCP_KEEPCNT)
			err = -EINVAL;
		else
			WRITE_ONCE(tsk->keepcnt, val);
		break;
	}
	if (err) {
		tcplab_act_put(act);
	} else {
		tcplab_run_actions(sk, NULL, act);
		if (optname == TCP_KEEPIDLE || optname == TCP_KEEPINTVL ||
		    optname == TCP_KEEPCNT)
			tcplab_keepalive_update(sk);
	}
	release_sock(sk);
	return err;
}

/*
 * TCP_CONGESTION, as do_tcp_setsockopt(): a name of at most 15 bytes,
 * ENOENT if no such algorithm.  On a live connection cwnd and ssthresh
 * carry over to the new algorithm.
 */
static int tcplab_set_congestion(struct sock *sk, sockptr_t optval,
				 unsigned int optlen)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	char name[TCPLAB_CA_NAME_MAX];
	const struct tl_cc_ops *ops;

	if (optlen < 1)
		return -EINVAL;
	optlen = min_t(unsigned int, optlen, sizeof(name) - 1);
	if (copy_from_sockptr(name, optval, optlen))
		return -EFAULT;
	name[optlen] = 0;
	ops = tl_cc_find(name);
	if (!ops)
		return -ENOENT;
	lock_sock(sk);
	WRITE_ONCE(tsk->cc_ops, ops);
	tsk->tcb.cfg.cc = ops;
	if (tsk->tcb.cc.ops != ops) {
		if (tl_state_synchronized(tsk->tcb.state))
			tl_cc_switch(&tsk->tcb.cc, ops);
		else
			tsk->tcb.cc.ops = ops;	/* init() at ESTABLISHED */
	}
	release_sock(sk);
	return 0;
}

/* Linux copies min(len, TCP_CA_NAME_MAX) bytes of the zero-padded name. */
static int tcplab_get_congestion(struct sock *sk, char __user *optval,
				 int __user *optlen, int len)
{
	const struct tl_cc_ops *ops = READ_ONCE(tcplab_sk(sk)->cc_ops) ?:
				      tcplab_cc_for(sock_net(sk));
	char name[TCPLAB_CA_NAME_MAX] = {};

	strscpy(name, ops->name, sizeof(name));
	len = min_t(unsigned int, len, sizeof(name));
	if (put_user(len, optlen) || copy_to_user(optval, name, len))
		return -EFAULT;
	return 0;
}

static u32 tcplab_segs(u32 bytes, u32 mss)
{
	return mss ? DIV_ROUND_UP(bytes, mss) : 0;
}

/*
 * TCP_INFO: struct tcp_info with what tcplab knows, in Linux's units
 * (times in microseconds, windows in segments).  Like tcp_get_info() a
 * short buffer gets the first @len bytes and @optlen says how many.
 */
static int tcplab_get_info(struct sock *sk, char __user *optval,
			   int __user *optlen, int len)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	const struct tl_tcb *tcb = &tsk->tcb;
	struct tcp_info info;
	u32 mss;

	memset(&info, 0, sizeof(info));
	lock_sock(sk);
	mss = tcb->snd_mss;
	/* Linux's TCP_* numbers; a full socket waiting out 2*MSL too. */
	info.tcpi_state = tcb->state == TL_TIME_WAIT ? TCP_TIME_WAIT :
			  READ_ONCE(sk->sk_state);
	info.tcpi_ca_state = tcb->rec.ca_state;
	info.tcpi_retransmits = tcb->retries;
	info.tcpi_backoff = tcb->rto.backoff;
	if (tcb->state == TL_SYN_RECEIVED || tl_seq_gt(tcb->snd_una, tcb->iss)) {
		/*
		 * Negotiated options only (before that they are offers); like
		 * Linux they stay visible once the connection has closed.
		 */
		if (tcb->opts & TL_TCB_TS)
			info.tcpi_options |= TCPI_OPT_TIMESTAMPS;
		if (tcb->opts & TL_TCB_SACK)
			info.tcpi_options |= TCPI_OPT_SACK;
		if (tcb->opts & TL_TCB_WSCALE) {
			info.tcpi_options |= TCPI_OPT_WSCALE;
			info.tcpi_snd_wscale = tcb->snd_wscale;
			info.tcpi_rcv_wscale = tcb->rcv_wscale;
		}
		info.tcpi_unacked = tcplab_segs(tcb->snd_max - tcb->snd_una,
						mss);
		info.tcpi_sacked = tcplab_segs(tl_sack_bytes(&tcb->rec.sb), mss);
		info.tcpi_lost = tcplab_segs(tl_recovery_lost(tcb), mss);
		info.tcpi_retrans = tcplab_segs(tl_recovery_retrans_out(tcb),
						mss);
		info.tcpi_snd_wnd = tcb->snd_wnd;
	}
	info.tcpi_rto = tl_rto_timeout(&tcb->rto);
	info.tcpi_snd_mss = mss;
	info.tcpi_rcv_mss = tcb->cfg.mss;
	info.tcpi_pmtu = tcb->cfg.mss + 40;
	info.tcpi_rcv_ssthresh = tcb->rcv_wnd;
	info.tcpi_rtt = tl_rto_srtt(&tcb->rto);
	info.tcpi_rttvar = tl_rto_rttvar(&tcb->rto);
	if (tcb->cc.ops && mss) {
		info.tcpi_snd_cwnd = tcb->cc.cwnd / mss;
		info.tcpi_snd_ssthresh = tcb->cc.ssthresh == 0xffffffffU ?
			0x7fffffff : tcb->cc.ssthresh / mss;
	}
	info.tcpi_advmss = tcb->cfg.mss;
	info.tcpi_reordering = TL_DUPTHRESH;
	info.tcpi_rcv_space = tcb->cfg.rcv_buf;
	info.tcpi_total_retrans = tsk->info.total_retrans;
	info.tcpi_bytes_acked = tsk->info.bytes_acked;
	info.tcpi_bytes_received = tsk->info.bytes_received;
	info.tcpi_segs_out = tsk->info.segs_out;
	info.tcpi_segs_in = tsk->info.segs_in;
	info.tcpi_data_segs_out = tsk->info.data_segs_out;
	info.tcpi_data_segs_in = tsk->info.data_segs_in;
	release_sock(sk);

	len = min_t(unsigned int, len, sizeof(info));
	if (put_user(len, optlen) || copy_to_user(optval, &info, len))
		return -EFAULT;
	return 0;
}

/*
 * TCP_USER_TIMEOUT (RFC 5482), in ms: how long sent data may stay
 * unacknowledged, or keepalive probes unanswered, before the connection
 * fails with ETIMEDOUT (core/tl_timer.c, tl_keepalive.c).  Any value but
 * a negative one, as tcp_sock_set_user_timeout() takes it; a running
 * connection uses it from its next timeout on.
 */
static int tcplab_set_user_timeout(struct sock *sk, int val)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);

	if (val < 0)
		return -EINVAL;
	lock_sock(sk);
	WRITE_ONCE(tsk->user_timeout, val);
	tsk->tcb.cfg.user_timeout_ms = val;
	release_sock(sk);
	return 0;
}

/*
 * TCP_MAXSEG caps the MSS of the connections the socket makes or accepts
 * from then on (tcplab_conn_setup()): both the one announced in the SYN
 * or SYN,ACK and the one used to send (RFC 9293 3.7.1 lets either end
 * send less than the peer's MSS).  0 takes the cap away.  Linux's
 * bounds, as do_tcp_setsockopt(): TCP_MIN_MSS (88) to MAX_TCP_WINDOW
 * (32767); a value above the route's MTU has no effect.
 */
static int tcplab_set_maxseg(struct sock *sk, int val)
{
	if (val && (val < TCP_MIN_MSS || val > MAX_TCP_WINDOW))
		return -EINVAL;
	lock_sock(sk);
	WRITE_ONCE(tcplab_sk(sk)->user_mss, val);
	release_sock(sk);
	return 0;
}

/*
 * As tcp_getsockopt(): while closed or listening, the value TCP_MAXSEG
 * set; otherwise the MSS the connection sends with, which a socket that
 * never connected, and a listener, leave at the default of 536
 * (tcp_init_sock()'s mss_cache).
 */
static int tcplab_get_maxseg(struct sock *sk)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	int state = READ_ONCE(sk->sk_state);
	u16 user_mss = READ_ONCE(tsk->user_mss);

	if (user_mss && (state == TCP_CLOSE || state == TCP_LISTEN))
		return user_mss;
	if (state == TCP_LISTEN)
		return TL_MSS_DEFAULT;
	return READ_ONCE(tsk->tcb.snd_mss) ? : TL_MSS_DEFAULT;
}

/*
 * IP_TOS: the value goes into the IPv4 header of every segment the
 * connection sends (output.c).  As do_ip_setsockopt() reads it: an int
 * if @optlen holds one, else one byte, and nothing at all (@optlen 0)
 * means 0; any int is taken and cut to its low byte.  For a stream
 * socket __ip_sock_set_tos() keeps the ECN field (RFC 3168 5) to TCP
 * itself; tcplab does not do ECN, so the field stays 0.
 */
static int tcplab_set_tos(struct sock *sk, sockptr_t optval,
			  unsigned int optlen)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	int val = 0;
	u8 tos;

	if (optlen >= sizeof(int)) {
		if (copy_from_sockptr(&val, optval, sizeof(val)))
			return -EFAULT;
	} else if (optlen >= sizeof(u8)) {
		u8 byte;

		if (copy_from_sockptr(&byte, optval, sizeof(byte)))
			return -EFAULT;
		val = byte;
	}
	tos = (u8)val & ~INET_ECN_MASK;
	lock_sock(sk);
	if (tsk->tos != tos) {
		WRITE_ONCE(tsk->tos, tos);
		WRITE_ONCE(sk->sk_priority, rt_tos2priority(tos));
		/* The TOS is a routing key: route again on the next send. */
		sk_dst_reset(sk);
	}
	release_sock(sk);
	return 0;
}

/* SOL_IP options: IP_TOS only. */
static int tcplab_ip_setsockopt(struct sock *sk, int optname,
				sockptr_t optval, unsigned int optlen)
{
	switch (optname) {
	case IP_TOS:
		return tcplab_set_tos(sk, optval, optlen);
	default:
		return -ENOPROTOOPT;
	}
}

/*
 * As do_ip_getsockopt() copies a small value out: one byte when the
 * buffer is shorter than an int (and not empty), else at most an int.
 */
static int tcplab_ip_getsockopt(struct sock *sk, int optname,
				char __user *optval, int __user *optlen)
{
	int val, len;

	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	switch (optname) {
	case IP_TOS:
		val = READ_ONCE(tcplab_sk(sk)->tos);
		break;
	default:
		return -ENOPROTOOPT;
	}
	if (len > 0 && len < sizeof(int)) {
		u8 byte = val;

		len = 1;
		if (put_user(len, optlen) || copy_to_user(optval, &byte, 1))
			return -EFAULT;
		return 0;
	}
	len = min_t(unsigned int, len, sizeof(int));
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}

static int tcplab_setsockopt(struct socket *sock, int level, int optname,
			     sockptr_t optval, unsigned int optlen)
{
	int val;

	if (level == SOL_TLS)
		return tcplab_tls_setsockopt(sock->sk, optname, optval, optlen);
	if (level == SOL_TCP && optname == TCP_ULP)
		return tcplab_tls_set_ulp(sock->sk, optval, optlen);
	if (level == SOL_IP)
		return tcplab_ip_setsockopt(sock->sk, optname, optval, optlen);
	if (level != SOL_TCP)
		return -ENOPROTOOPT;
	if (optname == TCP_CONGESTION)
		return tcplab_set_congestion(sock->sk, optval, optlen);
	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	switch (optname) {
	case TCP_NODELAY:
	case TCP_CORK:
	case TCP_QUICKACK:
	case TCP_KEEPIDLE:
	case TCP_KEEPINTVL:
	case TCP_KEEPCNT:
		return tcplab_set_flowopt(sock->sk, optname, val);
	case TCP_USER_TIMEOUT:
		return tcplab_set_user_timeout(sock->sk, val);
	case TCP_NOTSENT_LOWAT:
		/*
		 * Any value, taken as unsigned, as do_tcp_setsockopt() does;
		 * a writer it lets through is woken at once.
		 */
		lock_sock(sock->sk);
		WRITE_ONCE(tcplab_sk(sock->sk)->notsent_lowat, val);
		sock->sk->sk_write_space(sock->sk);
		release_sock(sock->sk);
		return 0;
	case TCP_MAXSEG:
		return tcplab_set_maxseg(sock->sk, val);
	default:
		return -ENOPROTOOPT;
	}
}

static int tcplab_getsockopt(struct socket *sock, int level, int optname,
			     char __user *optval, int __user *optlen)
{
	struct tcplab_sock *tsk = tcplab_sk(sock->sk);
	int val, len;

	if (level == SOL_TLS)
		return tcplab_tls_getsockopt(sock->sk, optname, optval, optlen);
	if (level == SOL_TCP && optname == TCP_ULP)
		return tcplab_tls_get_ulp(sock->sk, optval, optlen);
	if (level == SOL_IP)
		return tcplab_ip_getsockopt(sock->sk, optname, optval, optlen);
	if (level != SOL_TCP)
		return -ENOPROTOOPT;
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	switch (optname) {
	case TCP_INFO:
		return tcplab_get_info(sock->sk, optval, optlen, len);
	case TCP_CONGESTION:
		return tcplab_get_congestion(sock->sk, optval, optlen, len);
	case TCP_NODELAY:
		val = READ_ONCE(tsk->nodelay);
		break;
	case TCP_MAXSEG:
		val = tcplab_get_maxseg(sock->sk);
		break;
	case TCP_CORK:
		val = READ_ONCE(tsk->cork);
		break;
	case TCP_QUICKACK:
		val = !READ_ONCE(tsk->tcb.ack_pingpong);
		break;
	case TCP_KEEPIDLE:
		val = READ_ONCE(tsk->keepidle) ? :
		      READ_ONCE(sock_net(sock->sk)->ipv4.sysctl_tcp_keepalive_time) / HZ;
		break;
	case TCP_KEEPINTVL:
		val = READ_ONCE(tsk->keepintvl) ? :
		      READ_ONCE(sock_net(sock->sk)->ipv4.sysctl_tcp_keepalive_intvl) / HZ;
		break;
	case TCP_KEEPCNT:
		val = READ_ONCE(tsk->keepcnt) ? :
		      READ_ONCE(sock_net(sock->sk)->ipv4.sysctl_tcp_keepalive_probes);
		break;
	case TCP_USER_TIMEOUT:
		val = READ_ONCE(tsk->user_timeout);
		break;
	case TCP_NOTSENT_LOWAT:
		val = READ_ONCE(tsk->notsent_lowat);
		break;
	default:
		return -ENOPROTOOPT;
	}
	len = min_t(unsigned int, len, sizeof(int));
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
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
	.bind		= tcplab_bind,
	.connect	= tcplab_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= tcplab_accept,
	.getname	= tcplab_getname,
	.poll		= tcplab_poll,
	.ioctl		= tcplab_ioctl,
	.listen		= tcplab_listen,
	.shutdown	= tcplab_shutdown,
	.setsockopt	= tcplab_setsockopt,
	.getsockopt	= tcplab_getsockopt,
	.sendmsg	= tcplab_sendmsg,
	.recvmsg	= tcplab_recvmsg,
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
	tcplab_sock_init(sk, sock);
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
	int err = tcplab_mem_init();

	if (err)
		return err;
	/* alloc_slab = 1: our own "TCPLAB" kmem cache, visible in slabinfo. */
	err = proto_register(&tcplab_prot, 1);
	if (err)
		tcplab_mem_exit();
	return err;
}

void tcplab_socket_exit(void)
{
	proto_unregister(&tcplab_prot);
	tcplab_mem_exit();
}
