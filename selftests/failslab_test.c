// SPDX-License-Identifier: GPL-2.0
/*
 * failslab_test: every allocation of tcplab's system calls fails once.
 *
 * The debug kernel's fault injection (CONFIG_FAILSLAB with
 * /proc/thread-self/fail-nth) makes the Nth slab allocation of the
 * calling thread fail.  For each call the family supports (socket, bind,
 * listen, connect, accept, send, recv, sendfile, shutdown, close, the
 * kernel TLS options and a TLS send), N walks from 1 up until the call
 * makes fewer than N allocations: every allocation it makes, tcplab's
 * and the kernel's on its behalf, fails once.  Each failure must give
 * the call a clean result (success, or ENOMEM, ENOBUFS, EAGAIN, ENFILE),
 * and the sockets must still close: at the end no tcplab socket and no
 * page of tcplab's memory is left, and the guest's kmemleak scan after
 * unloading finds nothing.
 *
 * Then the receive path: the TCPLAB slab cache alone fails a quarter of
 * its allocations (failslab's cache filter), so that children of a
 * listener cannot be made for many incoming SYNs; 50 Linux clients must
 * still connect, later.
 *
 * Only the debug kernel has fault injection: this program is in the
 * debug tier (selftests/Makefile).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/sendfile.h>

#include "kselftest_harness.h"
#include "tcplab_test.h"
#include "tls_util.h"

#define FAILSLAB	"/sys/kernel/debug/failslab"
#define FAILPAGE	"/sys/kernel/debug/fail_page_alloc"
#define NTH_MAX		400

static int read_int(const char *path)
{
	char buf[32];
	int fd = open(path, O_RDONLY), n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return atoi(buf);
}

static int fail_nth_fd = -1;

/* Make this thread's @nth slab allocation from now on fail (0: none). */
static void fail_nth(int nth)
{
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%d", nth);

	if (pwrite(fail_nth_fd, buf, n, 0) != n)
		abort();
}

/* 0 if the failure was injected, else how many allocations were left. */
static int fail_nth_left(void)
{
	char buf[16];
	int n = pread(fail_nth_fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		abort();
	buf[n] = 0;
	return atoi(buf);
}

struct env {
	int lab;
	int lin;			/* Linux listener on 127.0.0.1 */
	struct sockaddr_in lin_addr;
	int labl;			/* tcplab listener on 127.0.0.1 */
	struct sockaddr_in lab_addr;
	int file;			/* for sendfile */
	/* per call: */
	int fd, peer;
};

static int listener(int family, struct sockaddr_in *sin)
{
	socklen_t sl = sizeof(*sin);
	int fd = socket(family, SOCK_STREAM, 0);

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)sin, sizeof(*sin)) ||
	    listen(fd, 64) || getsockname(fd, (struct sockaddr *)sin, &sl))
		return -1;
	return fd;
}

/* A tcplab client connected to the Linux listener; its peer in e->peer. */
static int connected(struct env *e)
{
	struct pollfd p = { .fd = e->lin, .events = POLLIN };

	e->fd = socket(e->lab, SOCK_STREAM, 0);
	if (e->fd < 0 || connect(e->fd, (struct sockaddr *)&e->lin_addr,
				 sizeof(e->lin_addr)))
		return -1;
	if (poll(&p, 1, 10000) != 1)
		return -1;
	e->peer = accept(e->lin, NULL, NULL);
	return e->peer < 0 ? -1 : 0;
}

static void reap(struct env *e)
{
	struct pollfd p = { .fd = e->lin, .events = POLLIN };
	int fd;

	if (e->fd >= 0)
		close(e->fd);
	if (e->peer >= 0)
		close(e->peer);
	e->fd = e->peer = -1;
	/* Connections that completed while their call failed. */
	while (poll(&p, 1, 0) == 1 && (fd = accept4(e->lin, NULL, NULL,
						    SOCK_NONBLOCK)) >= 0)
		close(fd);
}

/* ---- the calls: prepare (no failure), then the call under failure ---- */

static int prep_none(struct env *e) { return 0; }

static int prep_socket(struct env *e)
{
	e->fd = socket(e->lab, SOCK_STREAM, 0);
	return e->fd < 0 ? -1 : 0;
}

static int prep_bound(struct env *e)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (prep_socket(e))
		return -1;
	return bind(e->fd, (struct sockaddr *)&sin, sizeof(sin));
}

static int prep_pending(struct env *e)
{
	/* A Linux client whose connection waits in tcplab's accept queue. */
	struct pollfd p = { .fd = e->labl, .events = POLLIN };

	e->peer = socket(AF_INET, SOCK_STREAM, 0);
	if (e->peer < 0 || connect(e->peer, (struct sockaddr *)&e->lab_addr,
				   sizeof(e->lab_addr)))
		return -1;
	return poll(&p, 1, 10000) == 1 ? 0 : -1;
}

static int prep_data_in(struct env *e)
{
	if (connected(e))
		return -1;
	return send(e->peer, "0123456789", 10, 0) == 10 ? 0 : -1;
}

static int prep_ulp(struct env *e)
{
	if (connected(e))
		return -1;
	return tls_ulp(e->fd);
}

static int prep_tls_tx(struct env *e)
{
	if (connected(e))
		return -1;
	return tls_install(e->peer, TLS_1_3_VERSION, TLS_CIPHER_AES_GCM_128,
			   -1, 1) ||
	       tls_install(e->fd, TLS_1_3_VERSION, TLS_CIPHER_AES_GCM_128,
			   1, -1) ? -1 : 0;
}

static long call_socket(struct env *e)
{
	e->fd = socket(e->lab, SOCK_STREAM, 0);
	return e->fd;
}

static long call_bind(struct env *e)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return bind(e->fd, (struct sockaddr *)&sin, sizeof(sin));
}

static long call_listen(struct env *e) { return listen(e->fd, 8); }

static long call_connect(struct env *e)
{
	return connect(e->fd, (struct sockaddr *)&e->lin_addr,
		       sizeof(e->lin_addr));
}

static long call_accept(struct env *e)
{
	int fd = accept4(e->labl, NULL, NULL, SOCK_NONBLOCK);

	if (fd >= 0)
		e->fd = fd;
	return fd;
}

static long call_send(struct env *e)
{
	static char buf[32768];

	return send(e->fd, buf, sizeof(buf), MSG_DONTWAIT);
}

static long call_recv(struct env *e)
{
	char buf[16];

	return recv(e->fd, buf, sizeof(buf), MSG_DONTWAIT);
}

static long call_sendfile(struct env *e)
{
	off_t off = 0;

	return sendfile(e->fd, e->file, &off, 20000);
}

static long call_shutdown(struct env *e) { return shutdown(e->fd, SHUT_WR); }

static long call_close(struct env *e)
{
	long r;

	send(e->fd, "unsent", 6, MSG_DONTWAIT);
	r = close(e->fd);
	e->fd = -1;
	return r;
}

static long call_ulp(struct env *e) { return tls_ulp(e->fd); }

static long call_tls_tx(struct env *e)
{
	struct tls_ci ci;

	tls_ci_fill(&ci, TLS_1_3_VERSION, TLS_CIPHER_AES_GCM_128, 1, 0);
	return tls_set(e->fd, TLS_TX, &ci);
}

static long call_tls_rx(struct env *e)
{
	struct tls_ci ci;

	tls_ci_fill(&ci, TLS_1_3_VERSION, TLS_CIPHER_CHACHA20_POLY1305, 2, 0);
	return tls_set(e->fd, TLS_RX, &ci);
}

static long call_tls_send(struct env *e)
{
	static char buf[20000];

	return send(e->fd, buf, sizeof(buf), MSG_DONTWAIT);
}

static long call_info(struct env *e)
{
	unsigned char info[256];
	socklen_t len = sizeof(info);

	return getsockopt(e->fd, SOL_TCP, TCP_INFO, info, &len);
}

struct call {
	const char *name;
	int (*prep)(struct env *e);
	long (*call)(struct env *e);
};

static const struct call calls[] = {
	{ "socket",	prep_none,	call_socket },
	{ "bind",	prep_socket,	call_bind },
	{ "listen",	prep_bound,	call_listen },
	{ "connect",	prep_socket,	call_connect },
	{ "accept",	prep_pending,	call_accept },
	{ "send",	connected,	call_send },
	{ "recv",	prep_data_in,	call_recv },
	{ "sendfile",	connected,	call_sendfile },
	{ "shutdown",	connected,	call_shutdown },
	{ "close",	connected,	call_close },
	{ "TCP_INFO",	connected,	call_info },
	{ "TCP_ULP",	connected,	call_ulp },
	{ "TLS_TX",	prep_ulp,	call_tls_tx },
	{ "TLS_RX",	prep_ulp,	call_tls_rx },
	{ "TLS send",	prep_tls_tx,	call_tls_send },
};

/*
 * What Linux gives when an allocation fails.  EADDRINUSE too, for bind
 * and connect: tcplab takes its ports through Linux's own bind, which
 * answers a failed bind bucket allocation with it (__inet_bind()).
 */
static bool errno_ok(int err)
{
	return err == ENOMEM || err == ENOBUFS || err == EAGAIN ||
	       err == ENFILE || err == EADDRINUSE;
}

FIXTURE(fs) {
	struct env e;
	char rto[32];
	int probability, interval, times, space, verbose, ignore_wait;
	int task_filter, cache_filter, page_order;
	bool set;
};

static void failslab_put(FIXTURE_DATA(fs) *self)
{
	char v[32];

#define PUT(file, val) do {						\
		snprintf(v, sizeof(v), "%d", (val));			\
		tcplab_write_file(FAILSLAB "/" file, v);		\
	} while (0)
	PUT("probability", self->probability);
	PUT("interval", self->interval);
	PUT("times", self->times);
	PUT("space", self->space);
	PUT("verbose", self->verbose);
	tcplab_write_file(FAILSLAB "/ignore-gfp-wait",
			  self->ignore_wait ? "Y" : "N");
	tcplab_write_file(FAILSLAB "/task-filter",
			  self->task_filter ? "Y" : "N");
	tcplab_write_file(FAILSLAB "/cache-filter",
			  self->cache_filter ? "Y" : "N");
	snprintf(v, sizeof(v), "%d", self->page_order);
	tcplab_write_file(FAILPAGE "/min-order", v);
#undef PUT
}

static int read_yn(const char *path)
{
	char buf[4] = "";
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	if (read(fd, buf, 1) != 1)
		buf[0] = 0;
	close(fd);
	return buf[0] == 'Y';
}

FIXTURE_SETUP(fs)
{
	char path[64];

	self->set = false;
	self->rto[0] = 0;
	self->e.fd = self->e.peer = self->e.lin = self->e.labl = -1;
	self->e.file = -1;
	TCPLAB_FAMILY_OR_FAIL(self->e.lab);
	if (access(FAILSLAB, F_OK))
		ENV_FAIL("no " FAILSLAB ": this program needs the debug kernel");
	snprintf(path, sizeof(path), "/proc/self/task/%d/fail-nth",
		 (int)syscall(SYS_gettid));
	fail_nth_fd = open(path, O_RDWR);
	ASSERT_LE(0, fail_nth_fd) TH_LOG("%s: %s", path, strerror(errno));

	self->probability = read_int(FAILSLAB "/probability");
	self->interval = read_int(FAILSLAB "/interval");
	self->times = read_int(FAILSLAB "/times");
	self->space = read_int(FAILSLAB "/space");
	self->verbose = read_int(FAILSLAB "/verbose");
	self->ignore_wait = read_yn(FAILSLAB "/ignore-gfp-wait");
	self->task_filter = read_yn(FAILSLAB "/task-filter");
	self->cache_filter = read_yn(FAILSLAB "/cache-filter");
	self->page_order = read_int(FAILPAGE "/min-order");
	ASSERT_LE(0, self->ignore_wait);
	ASSERT_LE(0, self->page_order);
	self->set = true;
	/*
	 * Sleeping allocations fail too; no stack dump per failure; pages
	 * do not fail (the page allocator reports its failures in the log,
	 * which the host reads as trouble), only slab objects.
	 */
	ASSERT_EQ(0, tcplab_write_file(FAILSLAB "/ignore-gfp-wait", "N"));
	ASSERT_EQ(0, tcplab_write_file(FAILSLAB "/verbose", "0"));
	ASSERT_EQ(0, tcplab_write_file(FAILPAGE "/min-order", "10"));
	/* A SYN whose skb could not be made goes again soon. */
	ASSERT_EQ(0, tcplab_param_get("rto_initial_ms", self->rto,
				     sizeof(self->rto)));
	ASSERT_EQ(0, tcplab_param_set("rto_initial_ms", "200"));

	self->e.lin = listener(AF_INET, &self->e.lin_addr);
	ASSERT_LE(0, self->e.lin);
	self->e.labl = listener(self->e.lab, &self->e.lab_addr);
	ASSERT_LE(0, self->e.labl);
	self->e.file = open("/proc/self/exe", O_RDONLY);
	ASSERT_LE(0, self->e.file);
}

FIXTURE_TEARDOWN(fs)
{
	/* Everything back even after a failed assertion. */
	if (fail_nth_fd >= 0) {
		fail_nth(0);
		close(fail_nth_fd);
		fail_nth_fd = -1;
	}
	if (self->set)
		failslab_put(self);
	if (self->rto[0])
		tcplab_param_set("rto_initial_ms", self->rto);
	tcplab_write_file("/sys/kernel/slab/TCPLAB/failslab", "0");
	reap(&self->e);
	if (self->e.lin >= 0)
		close(self->e.lin);
	if (self->e.labl >= 0)
		close(self->e.labl);
	if (self->e.file >= 0)
		close(self->e.file);
}

/* No tcplab socket (TIME-WAIT lasts 2 s in the VM) and no page left. */
static void all_gone(struct __test_metadata *_metadata, int keep)
{
	int i;

	for (i = 0; i < 600 && tcplab_stat("Sockets") > keep; i++)
		usleep(100000);
	EXPECT_EQ(keep, tcplab_stat("Sockets"));
	if (!keep)
		EXPECT_EQ(0, tcplab_stat("MemoryPages"));
}

TEST_F_TIMEOUT(fs, syscalls, 1800)
{
	size_t c;

	for (c = 0; c < sizeof(calls) / sizeof(calls[0]); c++) {
		const struct call *k = &calls[c];
		int nth, injected = 0, failed = 0, left = 0;
		char errs[128] = "";

		for (nth = 1; nth <= NTH_MAX; nth++) {
			long r;
			int err;

			ASSERT_EQ(0, k->prep(&self->e))
				TH_LOG("%s: setting up: %s", k->name,
				       strerror(errno));
			fail_nth(nth);
			r = k->call(&self->e);
			err = errno;
			left = fail_nth_left();
			fail_nth(0);
			reap(&self->e);
			if (left)
				break;		/* fewer than nth allocations */
			injected++;
			if (r >= 0)
				continue;
			failed++;
			EXPECT_TRUE(errno_ok(err))
				TH_LOG("%s with allocation %d failing: %s",
				       k->name, nth, strerror(err));
			if (!strstr(errs, strerror(err)) &&
			    strlen(errs) + strlen(strerror(err)) + 3 < sizeof(errs))
				snprintf(errs + strlen(errs),
					 sizeof(errs) - strlen(errs), "%s%s",
					 *errs ? ", " : "", strerror(err));
		}
		EXPECT_NE(0, left) TH_LOG("%s: still allocating at %d", k->name,
					  NTH_MAX);
		TH_LOG("%-9s %3d allocations failed one by one: %3d calls failed (%s), the others succeeded",
		       k->name, injected, failed, *errs ? errs : "-");
	}
	close(self->e.labl);
	self->e.labl = -1;
	all_gone(_metadata, 0);
}

TEST_F_TIMEOUT(fs, receive_path_children, 600)
{
	int i, ok = 0, fds[50], afd;
	long drops;

	/* A quarter of the TCPLAB cache's allocations fail, anywhere. */
	ASSERT_EQ(0, tcplab_write_file("/sys/kernel/slab/TCPLAB/failslab", "1"));
	ASSERT_EQ(0, tcplab_write_file(FAILSLAB "/cache-filter", "Y"));
	ASSERT_EQ(0, tcplab_write_file(FAILSLAB "/task-filter", "N"));
	ASSERT_EQ(0, tcplab_write_file(FAILSLAB "/interval", "1"));
	ASSERT_EQ(0, tcplab_write_file(FAILSLAB "/times", "-1"));
	ASSERT_EQ(0, tcplab_write_file(FAILSLAB "/probability", "25"));
	drops = tcplab_stat("ListenDrops");
	for (i = 0; i < 50; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		ASSERT_LE(0, fds[i]);
		if (!connect(fds[i], (struct sockaddr *)&self->e.lab_addr,
			     sizeof(self->e.lab_addr)))
			ok++;
		afd = accept(self->e.labl, NULL, NULL);
		if (afd >= 0)
			close(afd);
	}
	ASSERT_EQ(0, tcplab_write_file(FAILSLAB "/probability", "0"));
	TH_LOG("50 connects with a quarter of TCPLAB allocations failing: %d connected, %ld SYNs dropped by the listener",
	       ok, tcplab_stat("ListenDrops") - drops);
	EXPECT_EQ(50, ok);
	EXPECT_LT(0, tcplab_stat("ListenDrops") - drops);
	for (i = 0; i < 50; i++)
		close(fds[i]);
	close(self->e.labl);
	self->e.labl = -1;
	all_gone(_metadata, 0);
}

TEST_HARNESS_MAIN
