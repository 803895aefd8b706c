// SPDX-License-Identifier: GPL-2.0
/*
 * stress_test: a hostile or careless program must not crash the module,
 * leak from it, or get answers Linux TCP would never give.
 *
 *   race_one_socket  four threads close, shut down, send, receive, poll and
 *                    install kernel TLS on one connected socket at once;
 *                    every errno must be one Linux TCP gives for the same
 *                    calls (the same program on AF_INET is the oracle)
 *   fuzz             a small seeded fuzzer: random sequences of every call
 *                    the family has, with random flags, lengths, options
 *                    and addresses, from three threads over a pool of
 *                    sockets, half of the time as the user nobody
 *   rmmod_under_load the module stays loaded while a listener, moving
 *                    connections, TIME-WAIT and a TLS socket exist, and
 *                    unloads cleanly once they are gone
 *   netns_teardown   a namespace whose process is killed with sockets in
 *                    every state goes away with all of tcplab's state
 *
 * Kernel reports (WARNING, BUG, KASAN, lockdep...) are the runner's to
 * find in the kernel log; these tests make them happen if they can, and
 * check what a program can see: errnos, hangs, the socket counts.
 *
 * Fuzzer: TCPLAB_FUZZ_SEED=N replays a seed (each thread's sequence of
 * calls follows from it; how the threads interleave does not), and
 * TCPLAB_FUZZ_SECONDS=N sets its length (60 s; 600 s when
 * TCPLAB_TIER=full or debug).
 */
#include <linux/filter.h>
#include <linux/tls.h>
#include <pthread.h>
#include <grp.h>
#include <limits.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "kselftest_harness.h"
#include "api_util.h"

#ifndef SOL_TLS
#define SOL_TLS		282
#endif
#ifndef TCP_ULP
#define TCP_ULP		31
#endif
#ifndef TLS_TX_ZEROCOPY_RO
#define TLS_TX_ZEROCOPY_RO	3
#endif
#ifndef TLS_RX_EXPECT_NO_PAD
#define TLS_RX_EXPECT_NO_PAD	4
#endif

/* Rounds of race_one_socket: about 60 s on 6.12 under TCG. */
#define ROUNDS		2500
/* Rounds of the same calls on AF_INET first, the oracle. */
#define ORACLE_ROUNDS	1000
/* Threads racing on one socket. */
#define RACE_THREADS	4
/* Calls per racing thread per round. */
#define RACE_CALLS	6

/*
 * Seconds a socket count may take to come back to 0: TIME-WAIT is 2 s
 * here, but an orphan in FIN-WAIT-2 whose peer never closes lives for
 * tcp_fin_timeout (60 s), as on Linux, and the fuzzer makes such peers.
 */
#define DRAIN_SECONDS	75

#define SOCKETS_DEBUGFS	"/sys/kernel/debug/tcplab/sockets"

static long all_sockets(void)
{
	return tcplab_stat("SocketsAllNamespaces");
}

/* Wait up to @secs for every tcplab socket to be gone; the count left. */
static long drain(int secs)
{
	long n = all_sockets();

	for (int i = 0; i < secs * 10 && n != 0; i++) {
		usleep(100 * 1000);
		n = all_sockets();
	}
	return n;
}

static void set_timeouts(int fd, long ms)
{
	api_set_timeo(fd, SO_RCVTIMEO, ms);
	api_set_timeo(fd, SO_SNDTIMEO, ms);
}

/* A valid TLS 1.2 AES-128-GCM transmit key (what a handshake hands over). */
static void crypto_gcm128(struct tls12_crypto_info_aes_gcm_128 *ci)
{
	memset(ci, 0, sizeof(*ci));
	ci->info.version = TLS_1_2_VERSION;
	ci->info.cipher_type = TLS_CIPHER_AES_GCM_128;
	memset(ci->key, 0x11, sizeof(ci->key));
	memset(ci->iv, 0x22, sizeof(ci->iv));
	memset(ci->salt, 0x33, sizeof(ci->salt));
}

/* ---- errno sets ---- */

#define ERRNO_MAX	256

struct errset {
	unsigned long long bits[ERRNO_MAX / 64];
};

static void errset_add(struct errset *s, int e)
{
	if (e > 0 && e < ERRNO_MAX)
		__atomic_fetch_or(&s->bits[e / 64], 1ULL << (e % 64),
				  __ATOMIC_RELAXED);
}

static bool errset_has(const struct errset *s, int e)
{
	return e > 0 && e < ERRNO_MAX && (s->bits[e / 64] >> (e % 64)) & 1;
}

static void errset_print(char *out, size_t size, const struct errset *s)
{
	size_t n = 0;

	out[0] = 0;
	for (int e = 1; e < ERRNO_MAX && n < size; e++)
		if (errset_has(s, e))
			n += snprintf(out + n, size - n, "%s%s", n ? "," : "",
				      strerrorname_np(e) ?: "?");
	if (!n)
		snprintf(out, size, "-");
}

/* ---- race_one_socket ---- */

enum { R_CLOSE, R_SHUTDOWN, R_SEND, R_RECV, R_ULP, R_TLS_TX, R_POLL, R_NKINDS };

static const char *const race_names[R_NKINDS] = {
	"close", "shutdown", "send", "recv", "setsockopt(TCP_ULP)",
	"setsockopt(TLS_TX)", "poll",
};

/*
 * What Linux TCP (with kTLS) answers these calls with, on a socket that
 * another thread may shut down or close meanwhile and whose peer may
 * reset it: collected from this test's AF_INET run, and from reading
 * the calls (tcp_sendmsg(), tcp_recvmsg(), tcp_set_ulp(), tls_init(),
 * do_tls_setsockopt_conf(), inet_shutdown()).  EBADF: another thread
 * closed the descriptor first.
 */
static const int race_linux[R_NKINDS][8] = {
	[R_CLOSE]	= { EBADF },
	[R_SHUTDOWN]	= { EBADF, ENOTCONN },
	[R_SEND]	= { EBADF, EPIPE, EAGAIN, ECONNRESET, ENOTCONN, EINVAL },
	[R_RECV]	= { EBADF, EAGAIN, ECONNRESET, ENOTCONN, EINVAL },
	[R_ULP]		= { EBADF, ENOTCONN, EEXIST },
	[R_TLS_TX]	= { EBADF, ENOPROTOOPT, EBUSY, ENOTCONN, EINVAL },
	[R_POLL]	= { },
};

struct race {
	int fd;
	pthread_barrier_t go;
	struct errset errs[R_NKINDS];
	unsigned long calls[R_NKINDS];
	unsigned long nval;		/* poll() saw POLLNVAL: fd closed */
	unsigned int seed;
};

struct race_arg {
	struct race *r;
	int idx;
	unsigned int seed;
};

static void race_call(struct race *r, unsigned int kind, unsigned int *seed)
{
	struct tls12_crypto_info_aes_gcm_128 ci;
	char buf[4096];
	struct pollfd pfd;
	int ret = 0, how;

	if (kind >= R_NKINDS)
		return;
	switch (kind) {
	case R_CLOSE:
		ret = close(r->fd);
		break;
	case R_SHUTDOWN:
		how = rand_r(seed) % 3;
		ret = shutdown(r->fd, how);
		break;
	case R_SEND:
		ret = send(r->fd, buf, 1 + rand_r(seed) % sizeof(buf),
			   MSG_DONTWAIT | MSG_NOSIGNAL);
		break;
	case R_RECV:
		ret = recv(r->fd, buf, sizeof(buf),
			   rand_r(seed) % 2 ? MSG_DONTWAIT : 0);
		break;
	case R_ULP:
		ret = setsockopt(r->fd, SOL_TCP, TCP_ULP, "tls", 4);
		break;
	case R_TLS_TX:
		crypto_gcm128(&ci);
		ret = setsockopt(r->fd, SOL_TLS, TLS_TX, &ci, sizeof(ci));
		break;
	case R_POLL:
		pfd.fd = r->fd;
		pfd.events = POLLIN | POLLOUT | POLLRDHUP;
		ret = poll(&pfd, 1, rand_r(seed) % 3);
		if (ret > 0 && (pfd.revents & POLLNVAL))
			__atomic_fetch_add(&r->nval, 1, __ATOMIC_RELAXED);
		break;
	}
	__atomic_fetch_add(&r->calls[kind], 1, __ATOMIC_RELAXED);
	if (ret < 0)
		errset_add(&r->errs[kind], errno);
}

/*
 * Thread 0 closes the descriptor after a few calls; the others never
 * do, so it is closed exactly once and no other descriptor can take its
 * number while the round runs (nothing else opens one then).
 */
static void *race_thread(void *p)
{
	struct race_arg *a = p;
	unsigned int seed = a->seed;
	int close_at = a->idx == 0 ? rand_r(&seed) % RACE_CALLS : -1;

	pthread_barrier_wait(&a->r->go);
	for (int i = 0; i < RACE_CALLS; i++) {
		int kind = i == close_at ? R_CLOSE :
			   1 + rand_r(&seed) % (R_NKINDS - 1);

		race_call(a->r, kind, &seed);
	}
	return NULL;
}

static void race_alarm(int sig)
{
	static const char msg[] = "# race_one_socket: a round hung for 60 s\n";

	write(2, msg, sizeof(msg) - 1);
	_exit(3);
}

/*
 * ROUNDS rounds on @fam: a fresh connection each round (the peer is
 * Linux TCP on even rounds, @peer_odd on odd ones), its peer sends a
 * little first so that receives find data.  0, or -errno of the setup.
 */
static int race_rounds(struct race *r, int fam, int peer_odd, int rounds)
{
	pthread_t th[RACE_THREADS];
	struct race_arg args[RACE_THREADS];
	char data[2048] = { 0 };
	unsigned int seed = r->seed;

	signal(SIGALRM, race_alarm);
	for (int round = 0; round < rounds; round++) {
		int cfd, afd, err;

		alarm(60);
		err = api_pair(fam, round % 2 ? peer_odd : AF_INET, &cfd, &afd);
		if (err)
			return err;
		set_timeouts(cfd, 20);
		send(afd, data, sizeof(data), MSG_DONTWAIT);
		r->fd = cfd;
		pthread_barrier_init(&r->go, NULL, RACE_THREADS + 1);
		for (int i = 0; i < RACE_THREADS; i++) {
			args[i].r = r;
			args[i].idx = i;
			args[i].seed = rand_r(&seed);
			pthread_create(&th[i], NULL, race_thread, &args[i]);
		}
		/*
		 * The peer resets the connection or closes it, in the middle
		 * of the calls or after them.
		 */
		pthread_barrier_wait(&r->go);
		if (round % 4 < 2)
			usleep(rand_r(&seed) % 500);
		else
			for (int i = 0; i < RACE_THREADS; i++)
				pthread_join(th[i], NULL);
		if (round % 2)
			api_close_rst(afd);
		else
			close(afd);
		if (round % 4 < 2)
			for (int i = 0; i < RACE_THREADS; i++)
				pthread_join(th[i], NULL);
		pthread_barrier_destroy(&r->go);
	}
	alarm(0);
	return 0;
}

static bool race_linux_allows(int kind, int e)
{
	for (int i = 0; i < 8 && race_linux[kind][i]; i++)
		if (race_linux[kind][i] == e)
			return true;
	return false;
}

FIXTURE(stress) {
	int fam;
};

FIXTURE_SETUP(stress)
{
	self->fam = tcplab_family();
	if (self->fam < 0)
		ENV_FAIL("tcplab module not loaded");
}

FIXTURE_TEARDOWN(stress)
{
}

/*
 * The same calls, with the same seed, on AF_INET first: the oracle.  A
 * tcplab errno is wrong if Linux TCP cannot give it for that call.
 */
TEST_F_TIMEOUT(stress, race_one_socket, 3600)
{
	struct race *inet = calloc(1, sizeof(*inet));
	struct race *lab = calloc(1, sizeof(*lab));
	char s_lab[256], s_inet[256];
	long t0, t_inet, t_lab;

	ASSERT_TRUE(inet && lab);
	ASSERT_EQ(0, drain(DRAIN_SECONDS)) TH_LOG("sockets left by others");
	inet->seed = lab->seed = 1;
	t0 = api_now_ms();
	ASSERT_EQ(0, race_rounds(inet, AF_INET, AF_INET, ORACLE_ROUNDS));
	t_inet = api_now_ms() - t0;
	t0 = api_now_ms();
	ASSERT_EQ(0, race_rounds(lab, self->fam, self->fam, ROUNDS));
	t_lab = api_now_ms() - t0;
	TH_LOG("%d threads x %d calls per round: %d rounds on AF_INET in %ld ms, %d on tcplab in %ld ms",
	       RACE_THREADS, RACE_CALLS, ORACLE_ROUNDS, t_inet, ROUNDS, t_lab);
	for (int k = 0; k < R_NKINDS; k++) {
		errset_print(s_lab, sizeof(s_lab), &lab->errs[k]);
		errset_print(s_inet, sizeof(s_inet), &inet->errs[k]);
		TH_LOG("%-20s calls %5lu/%5lu  tcplab %s  Linux %s", race_names[k],
		       lab->calls[k], inet->calls[k], s_lab, s_inet);
		for (int e = 1; e < ERRNO_MAX; e++) {
			if (errset_has(&inet->errs[k], e) &&
			    !race_linux_allows(k, e))
				TH_LOG("note: Linux gave %s for %s, not in the table",
				       strerrorname_np(e), race_names[k]);
			if (!errset_has(&lab->errs[k], e) ||
			    race_linux_allows(k, e) ||
			    errset_has(&inet->errs[k], e))
				continue;
			EXPECT_TRUE(false) TH_LOG("%s: tcplab gave %s, Linux TCP cannot",
						  race_names[k], strerrorname_np(e));
		}
	}
	TH_LOG("poll saw a closed descriptor (POLLNVAL) %lu times on tcplab",
	       lab->nval);
	EXPECT_EQ(0, drain(DRAIN_SECONDS)) TH_LOG("tcplab sockets left: %ld",
						  all_sockets());
	free(inet);
	free(lab);
}

/* ---- fuzz ---- */

enum {
	F_SOCKET, F_BIND, F_LISTEN, F_CONNECT, F_ACCEPT, F_SEND, F_RECV,
	F_SENDMSG, F_RECVMSG, F_SENDFILE, F_SPLICE, F_SHUTDOWN, F_CLOSE,
	F_POLL, F_EPOLL, F_SETSOCKOPT, F_GETSOCKOPT, F_GETNAME, F_PAIR,
	F_NKINDS
};

static const char *const fuzz_names[F_NKINDS] = {
	"socket", "bind", "listen", "connect", "accept", "send", "recv",
	"sendmsg", "recvmsg", "sendfile", "splice", "shutdown", "close",
	"poll", "epoll", "setsockopt", "getsockopt", "getname", "pair",
};

#define FUZZ_THREADS	3
#define FUZZ_POOL	24
#define FUZZ_PORTS	8
#define FUZZ_BUF	(128 * 1024)
/* A call that takes this long is a hang: every socket has 100 ms timeouts. */
#define FUZZ_HANG_S	30

/* Shared with the parent (MAP_SHARED): figures and the verdict. */
struct fuzz_shared {
	unsigned long calls[F_NKINDS];
	unsigned long efault;
	long peak;
	int hang_kind;
};

struct fuzz {
	int lab;
	int slot[FUZZ_POOL];
	unsigned short port[FUZZ_PORTS];	/* listeners seen, host order */
	int file;				/* sendfile/splice source */
	volatile int stop;
	struct fuzz_shared *sh;
	struct {
		long since_ms;			/* 0: between calls */
		int kind;
	} cur[FUZZ_THREADS];
};

struct fuzz_thread {
	struct fuzz *f;
	int idx;
	unsigned long long rng;
	int epfd;
	char *buf;
	char *buf2;
};

static unsigned long long rnd(struct fuzz_thread *t)
{
	/* xorshift64* */
	t->rng ^= t->rng >> 12;
	t->rng ^= t->rng << 25;
	t->rng ^= t->rng >> 27;
	return t->rng * 0x2545F4914F6CDD1DULL;
}

static unsigned int rndn(struct fuzz_thread *t, unsigned int n)
{
	return n ? rnd(t) % n : 0;
}

static bool chance(struct fuzz_thread *t, unsigned int percent)
{
	return rndn(t, 100) < percent;
}

/* A descriptor of the pool: a live one if one of a few tries finds it. */
static int pick(struct fuzz_thread *t)
{
	int fd = -1;

	for (int i = 0; i < 4 && fd < 0; i++)
		fd = __atomic_load_n(&t->f->slot[rndn(t, FUZZ_POOL)],
				     __ATOMIC_RELAXED);
	return fd;
}

/* Put a new descriptor into a random slot; close the one it replaces. */
static void pool_put(struct fuzz_thread *t, int fd)
{
	int old;

	if (fd < 0)
		return;
	old = __atomic_exchange_n(&t->f->slot[rndn(t, FUZZ_POOL)], fd,
				  __ATOMIC_ACQ_REL);
	if (old >= 0)
		close(old);
}

/* Each descriptor is closed by the one thread that took it out. */
static int pool_take(struct fuzz_thread *t)
{
	return __atomic_exchange_n(&t->f->slot[rndn(t, FUZZ_POOL)], -1,
				   __ATOMIC_ACQ_REL);
}

static void new_sock_setup(int fd)
{
	set_timeouts(fd, 100);
}

/* A length: the interesting ones around @size, and some others. */
static unsigned int rnd_len(struct fuzz_thread *t, unsigned int size)
{
	switch (rndn(t, 10)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return 3;
	case 3: return size ? size - 1 : 0;
	case 4: return size + 1;
	case 5: return rndn(t, 2 * size + 2);
	case 6: return rnd(t) & 1 ? 65536 : 0x7fffffff;
	default: return size;
	}
}

static int rnd_int(struct fuzz_thread *t)
{
	static const int v[] = { 0, 1, -1, 2, 5, 64, 1000, 65535, 1 << 20,
				 INT_MAX, INT_MIN };

	return chance(t, 70) ? v[rndn(t, ARRAY_SIZE(v))] : (int)rnd(t);
}

static unsigned short rnd_port(struct fuzz_thread *t)
{
	switch (rndn(t, 6)) {
	case 0: return 0;
	case 1: return 1 + rndn(t, 1023);		/* privileged */
	case 2: return 20000 + rndn(t, 16);	/* collide often */
	case 3: return t->f->port[rndn(t, FUZZ_PORTS)];
	case 4: return 40000 + rndn(t, 20000);
	default: return rnd(t);
	}
}

static socklen_t rnd_addr(struct fuzz_thread *t, struct sockaddr_storage *ss)
{
	static const char *const ips[] = {
		"127.0.0.1", "0.0.0.0", "127.0.0.2", "255.255.255.255",
		"224.0.0.1", "192.0.2.99", "10.255.255.1",
	};
	static const socklen_t lens[] = { 0, 1, 2, 4, 8, 15, 17, 128 };
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (chance(t, 5))
		for (size_t i = 0; i < sizeof(*ss); i++)
			((unsigned char *)ss)[i] = rnd(t);
	if (chance(t, 85))
		sin->sin_family = AF_INET;
	else
		sin->sin_family = chance(t, 50) ? AF_UNSPEC :
				  chance(t, 50) ? AF_INET6 : rnd(t);
	sin->sin_port = htons(rnd_port(t));
	if (chance(t, 10))
		sin->sin_addr.s_addr = rnd(t);
	else
		inet_pton(AF_INET, ips[rndn(t, 3) ? 0 : rndn(t, ARRAY_SIZE(ips))],
			  &sin->sin_addr);
	return chance(t, 85) ? sizeof(*sin) : lens[rndn(t, ARRAY_SIZE(lens))];
}

static int rnd_msg_flags(struct fuzz_thread *t, bool tx)
{
	static const int txf[] = { MSG_DONTWAIT, MSG_MORE, MSG_OOB, MSG_NOSIGNAL,
				   MSG_EOR, MSG_CONFIRM, MSG_DONTROUTE,
				   MSG_FASTOPEN, MSG_ZEROCOPY };
	static const int rxf[] = { MSG_DONTWAIT, MSG_PEEK, MSG_WAITALL, MSG_OOB,
				   MSG_TRUNC, MSG_ERRQUEUE, MSG_CMSG_CLOEXEC };
	const int *f = tx ? txf : rxf;
	size_t n = tx ? ARRAY_SIZE(txf) : ARRAY_SIZE(rxf);
	int flags = 0;

	if (chance(t, 3))
		return rnd(t);
	for (int i = rndn(t, 3); i > 0; i--)
		flags |= f[rndn(t, n)];
	return flags;
}

static size_t rnd_io_len(struct fuzz_thread *t)
{
	switch (rndn(t, 5)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return rndn(t, 200);
	case 3: return FUZZ_BUF;
	default: return rndn(t, FUZZ_BUF);
	}
}

/* iovecs: NULL, empty, short and normal entries, sometimes too many. */
static int rnd_iov(struct fuzz_thread *t, struct iovec *iov, int max, char *buf)
{
	int n = rndn(t, 5);

	if (chance(t, 2))
		return 1025;	/* > UIO_MAXIOV; the entries are not read */
	for (int i = 0; i < n && i < max; i++) {
		switch (rndn(t, 6)) {
		case 0:
			iov[i].iov_base = NULL;
			iov[i].iov_len = rndn(t, 2) ? 0 : 16;
			break;
		case 1:
			iov[i].iov_base = buf;
			iov[i].iov_len = 0;
			break;
		case 2:
			iov[i].iov_base = buf + rndn(t, 64);
			iov[i].iov_len = 1 + rndn(t, 32);
			break;
		default:
			iov[i].iov_base = buf + rndn(t, 1024);
			iov[i].iov_len = rndn(t, FUZZ_BUF / 4 - 1024);
		}
	}
	return n;
}

/* Every kind of value an option can take, by what the option expects. */
enum { O_INT, O_LINGER, O_TIMEO, O_ULP, O_CC, O_CRYPTO, O_FILTER, O_DEV,
       O_RAW };

struct optdesc {
	int level, name, type;
};

/*
 * Not SO_TIMESTAMP(ING): it turns a static key on and off, and the code
 * patching that does under QEMU TCG has oopsed the guest (int3 in
 * netif_rx_internal()), whatever the socket family.
 */
static const struct optdesc fuzz_opts[] = {
	{ SOL_TCP, TCP_NODELAY, O_INT },
	{ SOL_TCP, TCP_CORK, O_INT },
	{ SOL_TCP, TCP_QUICKACK, O_INT },
	{ SOL_TCP, TCP_KEEPIDLE, O_INT },
	{ SOL_TCP, TCP_KEEPINTVL, O_INT },
	{ SOL_TCP, TCP_KEEPCNT, O_INT },
	{ SOL_TCP, TCP_MAXSEG, O_INT },
	{ SOL_TCP, TCP_USER_TIMEOUT, O_INT },
	{ SOL_TCP, TCP_SYNCNT, O_INT },
	{ SOL_TCP, TCP_DEFER_ACCEPT, O_INT },
	{ SOL_TCP, TCP_WINDOW_CLAMP, O_INT },
	{ SOL_TCP, TCP_NOTSENT_LOWAT, O_INT },
	{ SOL_TCP, TCP_FASTOPEN, O_INT },
	{ SOL_TCP, TCP_INFO, O_RAW },
	{ SOL_TCP, TCP_CONGESTION, O_CC },
	{ SOL_TCP, TCP_ULP, O_ULP },
	{ SOL_TLS, TLS_TX, O_CRYPTO },
	{ SOL_TLS, TLS_RX, O_CRYPTO },
	{ SOL_TLS, TLS_TX_ZEROCOPY_RO, O_INT },
	{ SOL_TLS, TLS_RX_EXPECT_NO_PAD, O_INT },
	{ SOL_SOCKET, SO_LINGER, O_LINGER },
	{ SOL_SOCKET, SO_RCVBUF, O_INT },
	{ SOL_SOCKET, SO_SNDBUF, O_INT },
	{ SOL_SOCKET, SO_RCVBUFFORCE, O_INT },
	{ SOL_SOCKET, SO_SNDBUFFORCE, O_INT },
	{ SOL_SOCKET, SO_KEEPALIVE, O_INT },
	{ SOL_SOCKET, SO_REUSEADDR, O_INT },
	{ SOL_SOCKET, SO_REUSEPORT, O_INT },
	{ SOL_SOCKET, SO_RCVLOWAT, O_INT },
	{ SOL_SOCKET, SO_OOBINLINE, O_INT },
	{ SOL_SOCKET, SO_PRIORITY, O_INT },
	{ SOL_SOCKET, SO_MARK, O_INT },
	{ SOL_SOCKET, SO_ZEROCOPY, O_INT },
	{ SOL_SOCKET, SO_DONTROUTE, O_INT },
	{ SOL_SOCKET, SO_MAX_PACING_RATE, O_INT },
	{ SOL_SOCKET, SO_RCVTIMEO, O_TIMEO },
	{ SOL_SOCKET, SO_SNDTIMEO, O_TIMEO },
	{ SOL_SOCKET, SO_BINDTODEVICE, O_DEV },
	{ SOL_SOCKET, SO_ATTACH_FILTER, O_FILTER },
	{ SOL_SOCKET, SO_DETACH_FILTER, O_INT },
	{ SOL_SOCKET, SO_ERROR, O_RAW },
	{ SOL_SOCKET, SO_ACCEPTCONN, O_RAW },
	{ SOL_SOCKET, SO_PEERCRED, O_RAW },
	{ SOL_SOCKET, SO_COOKIE, O_RAW },
	{ SOL_IP, IP_TOS, O_INT },
	{ SOL_IP, IP_TTL, O_INT },
};

/* TLS crypto_info: valid for a random version and cipher, or garbage. */
static unsigned int rnd_crypto(struct fuzz_thread *t, char *buf, bool valid)
{
	static const struct { int cipher; unsigned int size; } c[] = {
		{ TLS_CIPHER_AES_GCM_128, sizeof(struct tls12_crypto_info_aes_gcm_128) },
		{ TLS_CIPHER_AES_GCM_256, sizeof(struct tls12_crypto_info_aes_gcm_256) },
		{ TLS_CIPHER_AES_CCM_128, sizeof(struct tls12_crypto_info_aes_ccm_128) },
		{ TLS_CIPHER_CHACHA20_POLY1305,
		  sizeof(struct tls12_crypto_info_chacha20_poly1305) },
	};
	struct tls_crypto_info *ci = (struct tls_crypto_info *)buf;
	int i = rndn(t, ARRAY_SIZE(c));

	for (unsigned int j = 0; j < 64; j++)
		buf[j] = rnd(t);
	if (valid || chance(t, 70)) {
		ci->version = chance(t, 50) ? TLS_1_2_VERSION : TLS_1_3_VERSION;
		ci->cipher_type = c[i].cipher;
		if (valid)
			return c[i].size;
		if (chance(t, 10))
			ci->version = rnd(t);
		return chance(t, 80) ? c[i].size : rnd_len(t, c[i].size);
	}
	return rnd_len(t, 56);
}

static int fuzz_setsockopt(struct fuzz_thread *t, int fd)
{
	static const char *const ulps[] = { "tls", "tls", "tl", "tlsx", "",
					     "tls\0junk", "espintcp", "mptcp" };
	static const char *const ccs[] = { "reno", "cubic", "bbr", "", "dctcp",
					   "renocubicrenocubicreno" };
	const struct optdesc *o = &fuzz_opts[rndn(t, ARRAY_SIZE(fuzz_opts))];
	struct sock_filter insn = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog prog = { .len = 1, .filter = &insn };
	char *val = t->buf2;
	unsigned int len = 0;
	int level = o->level, name = o->name;

	memset(val, 0, 256);
	switch (o->type) {
	case O_INT:
	case O_RAW:
		*(int *)val = rnd_int(t);
		len = rnd_len(t, sizeof(int));
		break;
	case O_LINGER:
		/* A long linger makes close() wait, not a kernel bug. */
		((struct linger *)val)->l_onoff = rndn(t, 2);
		((struct linger *)val)->l_linger = rndn(t, 2);
		len = rnd_len(t, sizeof(struct linger));
		if (len > sizeof(struct linger))
			len = sizeof(struct linger);
		break;
	case O_TIMEO:
		/* Never 0 (no timeout) or long: that would be a real hang. */
		((struct timeval *)val)->tv_usec = 1000 + rndn(t, 200000);
		len = chance(t, 80) ? sizeof(struct timeval) : rndn(t, 16);
		break;
	case O_ULP:
		if (chance(t, 80)) {
			int i = rndn(t, ARRAY_SIZE(ulps));

			memcpy(val, ulps[i], i == 5 ? 9 : strlen(ulps[i]) + 1);
			len = i == 5 ? 9 : rnd_len(t, strlen(ulps[i]) + 1);
		} else {
			for (int i = 0; i < 32; i++)
				val[i] = rnd(t);
			len = rnd_len(t, 16);
		}
		break;
	case O_CC:
		if (chance(t, 80)) {
			int i = rndn(t, ARRAY_SIZE(ccs));

			strcpy(val, ccs[i]);
			len = rnd_len(t, strlen(ccs[i]));
		} else {
			for (int i = 0; i < 32; i++)
				val[i] = rnd(t);
			len = rnd_len(t, 16);
		}
		break;
	case O_CRYPTO:
		len = rnd_crypto(t, val, false);
		break;
	case O_FILTER:
		/* Accept all, or trim to a length; dropping all would keep
		 * orphans retransmitting past the drain time.
		 */
		insn.k = chance(t, 50) ? 0xffffffff : 64 + rndn(t, 2000);
		memcpy(val, &prog, sizeof(prog));
		len = chance(t, 90) ? sizeof(prog) : rnd_len(t, sizeof(prog));
		break;
	case O_DEV:
		strcpy(val, chance(t, 50) ? "lo" : chance(t, 50) ? "" : "nodev0");
		len = rnd_len(t, strlen(val) + 1);
		break;
	}
	if (len > FUZZ_BUF / 2 && len != 0x7fffffff)
		len = FUZZ_BUF / 2;
	if (chance(t, 3)) {
		/* An option number the module does not know. */
		name = rndn(t, 80);
		level = chance(t, 50) ? SOL_TCP : SOL_TLS;
	}
	return setsockopt(fd, level, name, chance(t, 2) ? NULL : val, len);
}

static int fuzz_getsockopt(struct fuzz_thread *t, int fd)
{
	static const int lens[] = { -1, 0, 1, 3, 4, 8, 16, 40, 104, 232, 256 };
	const struct optdesc *o = &fuzz_opts[rndn(t, ARRAY_SIZE(fuzz_opts))];
	socklen_t len = lens[rndn(t, ARRAY_SIZE(lens))];

	if (chance(t, 2))
		return getsockopt(fd, o->level, o->name, NULL, &len);
	return getsockopt(fd, o->level, o->name, t->buf2, &len);
}

static int fuzz_sendmsg(struct fuzz_thread *t, int fd)
{
	struct iovec iov[8];
	char cbuf[CMSG_SPACE(8)] = { 0 };
	struct msghdr msg = { .msg_iov = iov };
	struct cmsghdr *cm;

	msg.msg_iovlen = rnd_iov(t, iov, 8, t->buf);
	if (chance(t, 30)) {
		/* A TLS record type, as kTLS takes it; or a wrong cmsg. */
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = chance(t, 80) ? SOL_TLS : rndn(t, 300);
		cm->cmsg_type = chance(t, 80) ? TLS_SET_RECORD_TYPE : rndn(t, 4);
		cm->cmsg_len = chance(t, 80) ? CMSG_LEN(1) : rndn(t, 40);
		*CMSG_DATA(cm) = chance(t, 50) ? 21 : rnd(t);
		msg.msg_controllen = chance(t, 80) ? CMSG_SPACE(1) :
				     rndn(t, sizeof(cbuf) + 1);
	}
	return sendmsg(fd, &msg, rnd_msg_flags(t, true));
}

static int fuzz_recvmsg(struct fuzz_thread *t, int fd)
{
	static const size_t clens[] = { 0, 1, 16, CMSG_SPACE(1), 64 };
	struct iovec iov[8];
	char cbuf[64];
	struct msghdr msg = { .msg_iov = iov, .msg_control = cbuf };

	msg.msg_iovlen = rnd_iov(t, iov, 8, t->buf);
	msg.msg_controllen = clens[rndn(t, ARRAY_SIZE(clens))];
	if (!msg.msg_controllen)
		msg.msg_control = NULL;
	return recvmsg(fd, &msg, rnd_msg_flags(t, false));
}

static int fuzz_splice(struct fuzz_thread *t, int fd)
{
	unsigned int flags = rndn(t, 2) ? SPLICE_F_NONBLOCK : 0;
	size_t n = rndn(t, 65536);
	loff_t off = rndn(t, 300000);
	int p[2], ret;

	if (pipe(p))
		return -1;
	if (chance(t, 50)) {
		/* file -> pipe -> socket */
		ret = splice(t->f->file, &off, p[1], NULL, n, SPLICE_F_NONBLOCK);
		if (ret > 0)
			ret = splice(p[0], NULL, fd, NULL, rndn(t, ret + 10),
				     flags | (rndn(t, 2) ? SPLICE_F_MORE : 0));
	} else {
		/* socket -> pipe */
		ret = splice(fd, NULL, p[1], NULL, n, flags);
	}
	close(p[0]);
	close(p[1]);
	return ret;
}

static int fuzz_poll(struct fuzz_thread *t)
{
	struct pollfd pfd[4];
	int n = 1 + rndn(t, 4);

	for (int i = 0; i < n; i++) {
		pfd[i].fd = pick(t);
		pfd[i].events = chance(t, 80) ? POLLIN | POLLOUT | POLLRDHUP :
				rnd(t);
	}
	return poll(pfd, n, rndn(t, 20));
}

static int fuzz_epoll(struct fuzz_thread *t)
{
	static const int ops[] = { EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_CTL_DEL };
	struct epoll_event ev[4] = { 0 };
	int fd = pick(t);

	if (fd >= 0 && chance(t, 60)) {
		ev[0].events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
		if (chance(t, 30))
			ev[0].events |= EPOLLET;
		if (chance(t, 20))
			ev[0].events |= EPOLLONESHOT;
		if (chance(t, 10))
			ev[0].events = rnd(t);
		epoll_ctl(t->epfd, ops[rndn(t, 3)], fd, &ev[0]);
	}
	return epoll_wait(t->epfd, ev, 4, rndn(t, 10));
}

/* A connection from the pool's family to a fresh listener; all pooled. */
static int fuzz_pair(struct fuzz_thread *t)
{
	int lfam = chance(t, 60) ? t->f->lab : AF_INET;
	int cfam = chance(t, 85) ? t->f->lab : AF_INET;
	struct sockaddr_in addr;
	int lfd, cfd, afd;

	lfd = api_listener(lfam, 4, &addr);
	if (lfd < 0)
		return lfd;
	t->f->port[rndn(t, FUZZ_PORTS)] = ntohs(addr.sin_port);
	cfd = socket(cfam, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (cfd < 0) {
		close(lfd);
		return -1;
	}
	new_sock_setup(cfd);
	connect(cfd, (struct sockaddr *)&addr, sizeof(addr));
	api_poll_wait(lfd, POLLIN, 200);
	afd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	new_sock_setup(lfd);
	if (afd >= 0 && chance(t, 40) &&
	    (api_poll_wait(cfd, POLLOUT, 200) & POLLOUT)) {
		/*
		 * Kernel TLS both ways on both ends, with the same key and
		 * record numbers, so that records are opened, not refused.
		 */
		unsigned int len = rnd_crypto(t, t->buf2, true);

		for (int i = 0; i < 2; i++) {
			int fd = i ? afd : cfd;

			setsockopt(fd, SOL_TCP, TCP_ULP, "tls", 4);
			setsockopt(fd, SOL_TLS, TLS_TX, t->buf2, len);
			setsockopt(fd, SOL_TLS, TLS_RX, t->buf2, len);
		}
	}
	pool_put(t, cfd);
	if (afd >= 0) {
		new_sock_setup(afd);
		pool_put(t, afd);
	}
	if (chance(t, 50))
		pool_put(t, lfd);
	else
		close(lfd);
	return afd < 0 ? -1 : 0;
}

static int fuzz_call(struct fuzz_thread *t, int kind)
{
	struct sockaddr_storage ss;
	socklen_t alen;
	off_t off;
	int fd = pick(t), ret, flags;

	switch (kind) {
	case F_SOCKET:
		flags = SOCK_STREAM;
		if (chance(t, 30))
			flags |= SOCK_NONBLOCK;
		if (chance(t, 30))
			flags |= SOCK_CLOEXEC;
		ret = socket(chance(t, 90) ? t->f->lab : AF_INET, flags,
			     chance(t, 90) ? 0 : chance(t, 50) ? IPPROTO_TCP :
			     (int)rnd(t));
		if (ret >= 0) {
			new_sock_setup(ret);
			pool_put(t, ret);
		}
		return ret;
	case F_BIND:
		alen = rnd_addr(t, &ss);
		if (chance(t, 20))
			api_set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1);
		return bind(fd, (struct sockaddr *)&ss, alen);
	case F_LISTEN:
		ret = listen(fd, rnd_int(t));
		alen = sizeof(ss);
		if (!ret && !getsockname(fd, (struct sockaddr *)&ss, &alen))
			t->f->port[rndn(t, FUZZ_PORTS)] =
				ntohs(((struct sockaddr_in *)&ss)->sin_port);
		return ret;
	case F_CONNECT:
		alen = rnd_addr(t, &ss);
		if (chance(t, 40)) {
			flags = fcntl(fd, F_GETFL);
			if (flags >= 0)
				fcntl(fd, F_SETFL, rndn(t, 2) ? flags | O_NONBLOCK :
				      flags & ~O_NONBLOCK);
		}
		return connect(fd, (struct sockaddr *)&ss, alen);
	case F_ACCEPT:
		alen = rnd_len(t, sizeof(struct sockaddr_in));
		flags = chance(t, 80) ? (rndn(t, 2) ? SOCK_NONBLOCK : 0) |
			(rndn(t, 2) ? SOCK_CLOEXEC : 0) : (int)rnd(t);
		if (chance(t, 30))
			ret = accept(fd, NULL, NULL);
		else
			ret = accept4(fd, (struct sockaddr *)&ss,
				      chance(t, 5) ? NULL : &alen, flags);
		if (ret >= 0) {
			new_sock_setup(ret);
			pool_put(t, ret);
		}
		return ret;
	case F_SEND:
		return send(fd, t->buf, rnd_io_len(t), rnd_msg_flags(t, true));
	case F_RECV:
		return recv(fd, t->buf, rnd_io_len(t), rnd_msg_flags(t, false));
	case F_SENDMSG:
		return fuzz_sendmsg(t, fd);
	case F_RECVMSG:
		return fuzz_recvmsg(t, fd);
	case F_SENDFILE:
		off = chance(t, 90) ? rndn(t, 300000) : -1;
		return sendfile(fd, t->f->file, chance(t, 10) ? NULL : &off,
				chance(t, 10) ? 1 << 20 : rndn(t, 65536));
	case F_SPLICE:
		return fuzz_splice(t, fd);
	case F_SHUTDOWN:
		flags = chance(t, 90) ? (int)rndn(t, 3) : (int)rnd(t);
		/*
		 * A Linux TCP peer is not the subject: after SHUT_RD it sends
		 * no window update, so a zero window it advertised stays
		 * zero, in FIN-WAIT-2 too, and the tcplab orphan facing it
		 * probes that window for as long as Linux would (tens of
		 * seconds), longer than the drain allows.
		 */
		alen = sizeof(ret);
		if ((flags == SHUT_RD || flags == SHUT_RDWR) &&
		    !getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &ret, &alen) &&
		    ret == AF_INET)
			flags = SHUT_WR;
		return shutdown(fd, flags);
	case F_CLOSE:
		fd = pool_take(t);
		return fd < 0 ? 0 : close(fd);
	case F_POLL:
		return fuzz_poll(t);
	case F_EPOLL:
		return fuzz_epoll(t);
	case F_SETSOCKOPT:
		return fuzz_setsockopt(t, fd);
	case F_GETSOCKOPT:
		return fuzz_getsockopt(t, fd);
	case F_GETNAME:
		alen = rnd_len(t, sizeof(struct sockaddr_in));
		if (alen > sizeof(ss))
			alen = sizeof(ss);
		return rndn(t, 2) ? getsockname(fd, (struct sockaddr *)&ss, &alen) :
			getpeername(fd, (struct sockaddr *)&ss, &alen);
	case F_PAIR:
		return fuzz_pair(t);
	}
	return 0;
}

/* How often each call is picked: data calls and options the most. */
static const unsigned char fuzz_weight[F_NKINDS] = {
	[F_SOCKET] = 4, [F_BIND] = 4, [F_LISTEN] = 3, [F_CONNECT] = 5,
	[F_ACCEPT] = 4, [F_SEND] = 8, [F_RECV] = 8, [F_SENDMSG] = 5,
	[F_RECVMSG] = 5, [F_SENDFILE] = 3, [F_SPLICE] = 3, [F_SHUTDOWN] = 3,
	[F_CLOSE] = 3, [F_POLL] = 3, [F_EPOLL] = 3, [F_SETSOCKOPT] = 14,
	[F_GETSOCKOPT] = 5, [F_GETNAME] = 2, [F_PAIR] = 3,
};

static int fuzz_pick_kind(struct fuzz_thread *t)
{
	unsigned int total = 0, r;

	for (int k = 0; k < F_NKINDS; k++)
		total += fuzz_weight[k];
	r = rndn(t, total);
	for (int k = 0; k < F_NKINDS; k++) {
		if (r < fuzz_weight[k])
			return k;
		r -= fuzz_weight[k];
	}
	return F_SEND;
}

static void *fuzz_thread_main(void *p)
{
	struct fuzz_thread *t = p;
	struct fuzz *f = t->f;

	while (!f->stop) {
		int kind = fuzz_pick_kind(t);

		f->cur[t->idx].kind = kind;
		__atomic_store_n(&f->cur[t->idx].since_ms, api_now_ms(),
				 __ATOMIC_RELEASE);
		if (fuzz_call(t, kind) < 0 && errno == EFAULT)
			__atomic_fetch_add(&f->sh->efault, 1, __ATOMIC_RELAXED);
		__atomic_store_n(&f->cur[t->idx].since_ms, 0, __ATOMIC_RELEASE);
		__atomic_fetch_add(&f->sh->calls[kind], 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/*
 * One phase of the fuzzer in this process: FUZZ_THREADS threads for
 * @secs seconds, then everything closed.  A call that does not return
 * within FUZZ_HANG_S is reported and ends the process with status 3.
 */
static int fuzz_run(struct fuzz_shared *sh, int lab, int file,
		    unsigned long long seed, int secs)
{
	struct fuzz *f = calloc(1, sizeof(*f));
	struct fuzz_thread th[FUZZ_THREADS];
	pthread_t tid[FUZZ_THREADS];
	long end = api_now_ms() + secs * 1000L;

	if (!f)
		return 1;
	f->lab = lab;
	f->file = file;
	f->sh = sh;
	for (int i = 0; i < FUZZ_POOL; i++)
		f->slot[i] = -1;
	for (int i = 0; i < FUZZ_THREADS; i++) {
		th[i] = (struct fuzz_thread){ .f = f, .idx = i };
		th[i].rng = seed * 0x9E3779B97F4A7C15ULL + i + 1;
		th[i].epfd = epoll_create1(0);
		th[i].buf = calloc(1, FUZZ_BUF);
		th[i].buf2 = calloc(1, FUZZ_BUF);
		if (!th[i].buf || !th[i].buf2 || th[i].epfd < 0)
			return 1;
		rnd(&th[i]);
	}
	/* Start with some connections: tcplab-tcplab and tcplab-Linux. */
	for (int i = 0; i < 4; i++)
		fuzz_pair(&th[0]);
	for (int i = 0; i < FUZZ_THREADS; i++)
		pthread_create(&tid[i], NULL, fuzz_thread_main, &th[i]);
	while (api_now_ms() < end) {
		long now, n = all_sockets();

		if (n > sh->peak)
			sh->peak = n;
		usleep(250 * 1000);
		now = api_now_ms();
		for (int i = 0; i < FUZZ_THREADS; i++) {
			long since = __atomic_load_n(&f->cur[i].since_ms,
						     __ATOMIC_ACQUIRE);

			if (since && now - since > FUZZ_HANG_S * 1000) {
				sh->hang_kind = f->cur[i].kind;
				fprintf(stderr, "# fuzz: thread %d hangs in %s for %ld s\n",
					i, fuzz_names[f->cur[i].kind],
					(now - since) / 1000);
				_exit(3);
			}
		}
	}
	f->stop = 1;
	for (int i = 0; i < FUZZ_THREADS; i++) {
		pthread_join(tid[i], NULL);
		close(th[i].epfd);
		free(th[i].buf);
		free(th[i].buf2);
	}
	for (int i = 0; i < FUZZ_POOL; i++)
		if (f->slot[i] >= 0)
			close(f->slot[i]);
	free(f);
	return 0;
}

static void fuzz_alarm(int sig)
{
	static const char msg[] = "# fuzz: the phase did not end in time\n";

	write(2, msg, sizeof(msg) - 1);
	_exit(4);
}

/* A phase in a child process, as root or as nobody. */
static int fuzz_phase(struct fuzz_shared *sh, int lab, int file,
		      unsigned long long seed, int secs, bool nobody)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		signal(SIGPIPE, SIG_IGN);
		signal(SIGALRM, fuzz_alarm);
		alarm(secs + 2 * FUZZ_HANG_S);
		if (nobody && (setgroups(0, NULL) || setgid(65534) ||
			       setuid(65534)))
			_exit(5);
		_exit(fuzz_run(sh, lab, file, seed, secs));
	}
	return api_wait_child(pid);
}

static int fuzz_seconds(void)
{
	const char *s = getenv("TCPLAB_FUZZ_SECONDS");
	const char *tier = getenv("TCPLAB_TIER");

	if (s && atoi(s) > 0)
		return atoi(s);
	return tier && (!strcmp(tier, "full") || !strcmp(tier, "debug")) ?
	       600 : 60;
}

TEST_F_TIMEOUT(stress, fuzz, 7200)
{
	struct fuzz_shared *sh;
	const char *s = getenv("TCPLAB_FUZZ_SEED");
	unsigned long long seed;
	unsigned long total = 0;
	char path[] = "/tmp/stress_fuzz_XXXXXX", block[1024];
	int secs = fuzz_seconds(), file, rc;
	long left;

	seed = s ? strtoull(s, NULL, 0) :
	       (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 32);
	TH_LOG("seed %llu (replay: TCPLAB_FUZZ_SEED=%llu), %d s, %d threads, %d descriptors",
	       seed, seed, secs, FUZZ_THREADS, FUZZ_POOL);
	ASSERT_EQ(0, drain(DRAIN_SECONDS)) TH_LOG("sockets left by others");
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	memset(sh, 0, sizeof(*sh));
	sh->hang_kind = -1;
	/* The sendfile/splice source, readable by nobody too. */
	file = mkstemp(path);
	ASSERT_LE(0, file);
	unlink(path);
	memset(block, 'x', sizeof(block));
	for (int i = 0; i < 300; i++)
		ASSERT_EQ(sizeof(block), write(file, block, sizeof(block)));

	rc = fuzz_phase(sh, self->fam, file, seed, secs / 2, false);
	EXPECT_EQ(0, rc) TH_LOG("root phase ended with status %d", rc);
	rc = fuzz_phase(sh, self->fam, file, seed + 1, secs - secs / 2, true);
	EXPECT_EQ(0, rc) TH_LOG("nobody phase ended with status %d", rc);
	close(file);

	for (int k = 0; k < F_NKINDS; k++) {
		TH_LOG("%-11s %8lu calls", fuzz_names[k], sh->calls[k]);
		total += sh->calls[k];
	}
	TH_LOG("%lu calls (%lu EFAULT), at most %ld tcplab sockets at once",
	       total, sh->efault, sh->peak);
	left = drain(DRAIN_SECONDS);
	EXPECT_EQ(0, left) TH_LOG("%ld tcplab sockets still there after %d s",
				  left, DRAIN_SECONDS);
	if (left) {
		/* What is left, and the Linux TCP sockets it may talk to. */
		system("cat " TCPLAB_PROC_SOCKETS " /proc/net/tcp >&2");
	}
	munmap(sh, sizeof(*sh));
}

/* ---- rmmod_under_load ---- */

struct load {
	int fd[2];		/* a connection: both ends exchange data */
	volatile int *stop;
	unsigned long bytes;
};

static void *load_mover(void *p)
{
	struct load *l = p;
	static char buf[16384];

	while (!*l->stop) {
		for (int i = 0; i < 2; i++) {
			ssize_t n = send(l->fd[i], buf, sizeof(buf),
					 MSG_DONTWAIT | MSG_NOSIGNAL);

			if (n > 0)
				l->bytes += n;
			while (recv(l->fd[i], buf, sizeof(buf), MSG_DONTWAIT) > 0)
				;
		}
		api_poll_wait(l->fd[0], POLLIN, 5);
	}
	return NULL;
}

struct churn {
	int fam;
	volatile int *stop;
	unsigned long made;
	int bad_errno;
};

/* socket() and close() in a loop: the family stays while the module does. */
static void *load_churn(void *p)
{
	struct churn *c = p;

	while (!*c->stop) {
		int fd = socket(c->fam, SOCK_STREAM, 0);

		if (fd < 0) {
			c->bad_errno = errno;
			break;
		}
		close(fd);
		c->made++;
	}
	return NULL;
}

/* Unload attempts while something still holds the module: all refused. */
static int unload_refused(int tries, int *unexpected)
{
	int refused = 0;

	for (int i = 0; i < tries; i++) {
		int err = tcplab_unload();

		if (err == -EWOULDBLOCK || err == -EBUSY)
			refused++;
		else
			*unexpected = err;
		if (!err)
			break;
		usleep(20 * 1000);
	}
	return refused;
}

#define LOAD_CONNS	3
#define LOAD_TIMEWAIT	4

TEST_F_TIMEOUT(stress, rmmod_under_load, 600)
{
	struct tls12_crypto_info_aes_gcm_128 ci;
	static const int pairs[LOAD_CONNS][2] = {
		{ 1, 1 }, { 1, 0 }, { 0, 1 },	/* client, server: tcplab? */
	};
	struct load conn[LOAD_CONNS];
	pthread_t mover[LOAD_CONNS], churner;
	struct churn ch = { .fam = self->fam };
	struct sockaddr_in laddr;
	volatile int stop = 0;
	int lfd, tls_c, tls_a, unexpected = 0, refused, err, fd;
	unsigned long moved = 0;
	long peak;

	if (!getenv("TCPLAB_KO"))
		ENV_FAIL("TCPLAB_KO not set");
	ASSERT_EQ(0, drain(DRAIN_SECONDS));

	lfd = api_listener(self->fam, 16, &laddr);
	ASSERT_LE(0, lfd);
	for (int i = 0; i < LOAD_CONNS; i++) {
		ASSERT_EQ(0, api_pair(api_family(pairs[i][0]),
				      api_family(pairs[i][1]),
				      &conn[i].fd[0], &conn[i].fd[1]));
		conn[i].stop = &stop;
		conn[i].bytes = 0;
		pthread_create(&mover[i], NULL, load_mover, &conn[i]);
	}
	ASSERT_EQ(0, api_pair(self->fam, AF_INET, &tls_c, &tls_a));
	crypto_gcm128(&ci);
	ASSERT_EQ(0, setsockopt(tls_c, SOL_TCP, TCP_ULP, "tls", 4));
	ASSERT_EQ(0, setsockopt(tls_c, SOL_TLS, TLS_TX, &ci, sizeof(ci)));
	ASSERT_LT(0, send(tls_c, "record", 6, 0));
	/* Active closes on both sides: TIME-WAIT at the tcplab end. */
	for (int i = 0; i < LOAD_TIMEWAIT; i++) {
		int c, a;

		ASSERT_EQ(0, api_pair(self->fam, i % 2 ? self->fam : AF_INET,
				      &c, &a));
		close(c);
		api_poll_wait(a, POLLIN, 1000);
		close(a);
	}
	ch.stop = &stop;
	pthread_create(&churner, NULL, load_churn, &ch);
	usleep(200 * 1000);
	peak = all_sockets();

	refused = unload_refused(50, &unexpected);
	EXPECT_EQ(50, refused) TH_LOG("delete_module: %s", strerror(-unexpected));
	EXPECT_EQ(0, system("/sbin/rmmod tcplab 2>/dev/null") ? 0 : 1);
	EXPECT_EQ(0, access("/sys/module/tcplab", F_OK));

	stop = 1;
	pthread_join(churner, NULL);
	for (int i = 0; i < LOAD_CONNS; i++) {
		pthread_join(mover[i], NULL);
		moved += conn[i].bytes;
		close(conn[i].fd[0]);
		close(conn[i].fd[1]);
	}
	EXPECT_EQ(0, ch.bad_errno) TH_LOG("socket() under rmmod: %s",
					  strerror(ch.bad_errno));
	close(tls_c);
	close(tls_a);
	close(lfd);
	TH_LOG("%d unloads refused with %ld sockets (%lu bytes moved, %lu sockets churned)",
	       refused, peak, moved, ch.made);

	/* TIME-WAIT alone still holds the module. */
	fd = 0;
	for (int i = 0; i < 20 && all_sockets() > 0; i++) {
		if (unload_refused(1, &unexpected) != 1) {
			fd = -1;
			break;
		}
		usleep(50 * 1000);
	}
	EXPECT_EQ(0, fd) TH_LOG("unloaded while %ld sockets were left (%s)",
				all_sockets(), strerror(-unexpected));
	if (fd)
		goto reload;
	EXPECT_EQ(0, drain(DRAIN_SECONDS)) TH_LOG("%ld sockets left", all_sockets());
	for (int i = 0; i < 50; i++) {
		err = tcplab_unload();
		if (err != -EWOULDBLOCK)
			break;
		usleep(100 * 1000);
	}
	EXPECT_EQ(0, err) TH_LOG("delete_module after the drain: %s", strerror(-err));
	EXPECT_NE(0, access("/sys/module/tcplab", F_OK));
reload:
	if (access("/sys/module/tcplab", F_OK))
		ASSERT_EQ(0, tcplab_load(getenv("TCPLAB_PARAMS")));
	fd = socket(tcplab_family(), SOCK_STREAM, 0);
	EXPECT_LE(0, fd);
	close(fd);
}

/* ---- netns_teardown ---- */

#define NS_VETH		"stressa"	/* stays in the root namespace */
#define NS_VETH_PEER	"stressb"	/* in the doomed namespace */
#define NS_ROOT_IP	"198.51.100.1"
#define NS_CHILD_IP	"198.51.100.2"
#define NS_BLACKHOLE	"198.51.100.99"

/* Lines of the debugfs socket list of namespace @inum; -1 if unreadable. */
static int ns_sockets(unsigned long inum)
{
	FILE *f = fopen(SOCKETS_DEBUGFS, "r");
	char line[512];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strtoul(line, NULL, 10) == inum)
			n++;
	fclose(f);
	return n;
}

static int ns_wait_state(int fd, int state, int ms)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	for (int i = 0; i < ms / 10; i++) {
		if (!getsockopt(fd, SOL_TCP, TCP_INFO, &ti, &len) &&
		    ti.tcpi_state == state)
			return 0;
		usleep(10 * 1000);
	}
	return -1;
}

/*
 * In a new namespace: sockets in every state, then report the namespace
 * and wait to be killed.  Exits non-zero when it could not set them up.
 */
static int ns_child(int fam, int report, unsigned short root_port)
{
	static char data[65536];
	struct sockaddr_in addr, lin, bh = api_sin(NS_BLACKHOLE, 80);
	struct sockaddr_in root = api_sin(NS_ROOT_IP, root_port);
	int lfd, ilfd, c[8], a[8];
	struct stat st;

	if (unshare(CLONE_NEWNET) ||
	    api_sysctl("/proc/sys/net/ipv4/tcp_fin_timeout", "3") ||
	    api_run(API_IP " link set lo up") ||
	    api_run(API_IP " link add " NS_VETH " type veth peer name " NS_VETH_PEER) ||
	    api_run(API_IP " addr add " NS_CHILD_IP "/24 dev " NS_VETH_PEER) ||
	    api_run(API_IP " link set " NS_VETH_PEER " up") ||
	    api_run(API_IP " neigh add " NS_BLACKHOLE
		    " lladdr 02:00:00:00:00:99 dev " NS_VETH_PEER " nud permanent") ||
	    api_run(API_IP " link set " NS_VETH " netns 1") ||
	    stat("/proc/self/ns/net", &st))
		return 10;
	/* The root end comes up: the parent adds its address. */
	if (write(report, &st.st_ino, sizeof(st.st_ino)) != sizeof(st.st_ino))
		return 11;
	usleep(300 * 1000);

	lfd = api_listener(fam, 16, &addr);
	ilfd = api_listener(AF_INET, 16, &lin);
	if (lfd < 0 || ilfd < 0)
		return 12;
	/* ESTABLISHED with unread data both ways. */
	if (api_pair(fam, fam, &c[0], &a[0]))
		return 13;
	send(c[0], data, sizeof(data), MSG_DONTWAIT);
	send(a[0], data, 1000, MSG_DONTWAIT);
	/* ESTABLISHED, never accepted. */
	c[1] = api_connect(fam, &addr);
	/* FIN-WAIT-2: the Linux peer never closes. */
	c[2] = api_connect(fam, &lin);
	a[2] = accept(ilfd, NULL, NULL);
	if (c[1] < 0 || c[2] < 0 || a[2] < 0)
		return 14;
	shutdown(c[2], SHUT_WR);
	if (ns_wait_state(c[2], TCP_FIN_WAIT2, 2000))
		return 15;
	/* TIME-WAIT */
	if (api_pair(fam, fam, &c[3], &a[3]))
		return 16;
	close(c[3]);
	api_poll_wait(a[3], POLLIN, 1000);
	close(a[3]);
	/* SYN-SENT to an address that never answers. */
	c[4] = socket(fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (c[4] < 0 || connect(c[4], (struct sockaddr *)&bh, sizeof(bh)) != -1 ||
	    errno != EINPROGRESS)
		return 17;
	/* ESTABLISHED across the veth to the root namespace, data unread. */
	c[5] = api_connect(fam, &root);
	if (c[5] < 0)
		return 18;
	send(c[5], data, 4096, MSG_DONTWAIT);
	/* TLS on the first connection. */
	{
		struct tls12_crypto_info_aes_gcm_128 ci;

		crypto_gcm128(&ci);
		if (setsockopt(c[0], SOL_TCP, TCP_ULP, "tls", 4) ||
		    setsockopt(c[0], SOL_TLS, TLS_TX, &ci, sizeof(ci)))
			return 19;
	}
	if (write(report, "r", 1) != 1)
		return 20;
	pause();
	return 0;
}

#define NS_ROUNDS	4

TEST_F_TIMEOUT(stress, netns_teardown, 600)
{
	/* How long the sockets live before their process is killed (ms). */
	static const int linger_ms[NS_ROUNDS] = { 0, 500, 2500, 100 };
	static char data[65536];
	struct sockaddr_in raddr;

	ASSERT_EQ(0, drain(DRAIN_SECONDS));
	if (access(SOCKETS_DEBUGFS, R_OK))
		ENV_FAIL(SOCKETS_DEBUGFS " missing (debugfs not mounted?)");
	for (int round = 0; round < NS_ROUNDS; round++) {
		unsigned long inum = 0;
		int p[2], rfd, afd = -1, left = -1, peak, status;
		long t0, gone_ms = -1;
		char ready = 0;
		pid_t pid;

		/*
		 * A listener in the root namespace, on the veth's net: tcplab
		 * on even rounds, Linux TCP on odd ones.
		 */
		ASSERT_EQ(0, pipe(p));
		rfd = socket(round % 2 ? AF_INET : self->fam, SOCK_STREAM, 0);
		raddr = api_sin("0.0.0.0", 0);
		ASSERT_EQ(0, bind(rfd, (struct sockaddr *)&raddr, sizeof(raddr)));
		ASSERT_EQ(0, listen(rfd, 4));
		socklen_t alen = sizeof(raddr);

		ASSERT_EQ(0, getsockname(rfd, (struct sockaddr *)&raddr, &alen));
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			close(p[0]);
			_exit(ns_child(self->fam, p[1], ntohs(raddr.sin_port)));
		}
		close(p[1]);
		ASSERT_EQ(sizeof(inum), read(p[0], &inum, sizeof(inum)));
		EXPECT_EQ(0, api_run(API_IP " addr add " NS_ROOT_IP "/24 dev " NS_VETH) ||
			  api_run(API_IP " link set " NS_VETH " up"));
		if (read(p[0], &ready, 1) != 1) {
			waitpid(pid, &status, 0);
			close(p[0]);
			close(rfd);
			ASSERT_TRUE(false) TH_LOG("namespace setup failed: status %d",
						  WEXITSTATUS(status));
		}
		close(p[0]);
		afd = accept(rfd, NULL, NULL);
		peak = ns_sockets(inum);
		usleep(linger_ms[round] * 1000);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		t0 = api_now_ms();
		/*
		 * The root end stays open, holding its route through the
		 * veth that is about to go, and sends into the dead path.
		 */
		if (afd >= 0)
			send(afd, data, sizeof(data), MSG_DONTWAIT | MSG_NOSIGNAL);
		close(rfd);
		for (int i = 0; i < 300; i++) {
			left = ns_sockets(inum);
			if (left == 0 && access("/sys/class/net/" NS_VETH, F_OK)) {
				gone_ms = api_now_ms() - t0;
				break;
			}
			usleep(100 * 1000);
		}
		TH_LOG("round %d: netns %lu had %d tcplab sockets, killed after %d ms; %s",
		       round, inum, peak, linger_ms[round],
		       gone_ms >= 0 ? "gone" : "NOT gone");
		if (gone_ms >= 0)
			TH_LOG("round %d: namespace and veth gone %ld ms after the kill",
			       round, gone_ms);
		EXPECT_LE(6, peak);
		EXPECT_EQ(0, left) TH_LOG("sockets of netns %lu left", inum);
		EXPECT_NE(0, access("/sys/class/net/" NS_VETH, F_OK))
			TH_LOG(NS_VETH " still in the root namespace");
		if (afd >= 0)
			close(afd);
		if (left) {
			system("cat " SOCKETS_DEBUGFS " >&2");
			break;
		}
	}
	EXPECT_EQ(0, drain(DRAIN_SECONDS));
}

TEST_HARNESS_MAIN
