// SPDX-License-Identifier: GPL-2.0
/*
 * api_connect_test: connect, bind, listen and accept, differential.
 *
 * Fixture "one" runs each test on one family (AF_INET, then tcplab);
 * fixture "api" runs it for client and server each either family.  The
 * assertions are the same for every variant: Linux TCP is the oracle.
 * Tests that need a SYN to go unanswered use a private network namespace
 * with a veth "blackhole" (api_netns_blackhole()).
 */
#include <linux/capability.h>

#include "kselftest_harness.h"
#include "api_util.h"

#define NETNS_OR_FAIL()							\
	do {								\
		if (api_netns_blackhole())				\
			ENV_FAIL("no network namespace with veth");	\
	} while (0)

/* SYN retries of the namespace, as Linux's tcp_syn_retries. */
#define SYN_RETRIES_OR_FAIL(n)						\
	do {								\
		if (api_sysctl("/proc/sys/net/ipv4/tcp_syn_retries", n))	\
			ENV_FAIL("cannot set tcp_syn_retries");	\
	} while (0)

/* A port on 127.0.0.1 that nobody listens on: SYNs get RST. */
static struct sockaddr_in dead_port(void)
{
	struct sockaddr_in sin = api_sin("127.0.0.1", 0);
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	getsockname(fd, (struct sockaddr *)&sin, &len);
	close(fd);
	return sin;
}

/* Nonblocking connect that cannot complete: EINPROGRESS, then EALREADY. */
TEST_F(one, connect_einprogress_ealready)
{
	struct sockaddr_in dst = api_sin(API_BLACKHOLE, 80), peer;
	socklen_t len = sizeof(peer);
	int fd;

	NETNS_OR_FAIL();
	fd = socket(self->fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&dst, sizeof(dst)));
	EXPECT_EQ(EINPROGRESS, errno);
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&dst, sizeof(dst)));
	EXPECT_EQ(EALREADY, errno);
	/* SYN-SENT: nothing to report in poll, no error, no peer yet. */
	EXPECT_EQ(0, api_poll_mask(fd));
	EXPECT_EQ(0, api_sockopt_int(fd, SOL_SOCKET, SO_ERROR));
	EXPECT_EQ(-1, getpeername(fd, (struct sockaddr *)&peer, &len));
	EXPECT_EQ(ENOTCONN, errno);
	close(fd);
}

/* inet_stream_connect(): SO_SNDTIMEO running out answers EINPROGRESS. */
TEST_F(one, connect_sndtimeo)
{
	struct sockaddr_in dst = api_sin(API_BLACKHOLE, 80);
	long t0;
	int fd;

	NETNS_OR_FAIL();
	fd = socket(self->fam, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, api_set_timeo(fd, SO_SNDTIMEO, 300));
	t0 = api_now_ms();
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&dst, sizeof(dst)));
	EXPECT_EQ(EINPROGRESS, errno);
	EXPECT_LE(250, api_now_ms() - t0);
	/* The attempt goes on: another call is EALREADY (after a wait). */
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&dst, sizeof(dst)));
	EXPECT_EQ(EALREADY, errno);
	close(fd);
}

/* SYN retries exhausted: ETIMEDOUT (tcp_syn_retries = 1: about 3 s). */
TEST_F(one, connect_etimedout)
{
	struct sockaddr_in dst = api_sin(API_BLACKHOLE, 80);
	long t0, dt;
	int fd;

	NETNS_OR_FAIL();
	SYN_RETRIES_OR_FAIL("1");
	fd = socket(self->fam, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	t0 = api_now_ms();
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&dst, sizeof(dst)));
	EXPECT_EQ(ETIMEDOUT, errno);
	dt = api_now_ms() - t0;
	EXPECT_LE(2000, dt);
	EXPECT_GE(10000, dt);
	/* The error was returned by connect(): SO_ERROR is clear. */
	EXPECT_EQ(0, api_sockopt_int(fd, SOL_SOCKET, SO_ERROR));
	close(fd);
}

/* A signal without SA_RESTART interrupts connect(): EINTR, attempt goes on. */
TEST_F(one, connect_eintr)
{
	struct sockaddr_in dst = api_sin(API_BLACKHOLE, 80);
	int fd;

	NETNS_OR_FAIL();
	fd = socket(self->fam, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	api_catch(SIGALRM, false);
	api_alarm_ms(300);
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&dst, sizeof(dst)));
	EXPECT_EQ(EINTR, errno);
	EXPECT_EQ(1, api_signals);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&dst, sizeof(dst)));
	EXPECT_EQ(EALREADY, errno);
	close(fd);
}

/*
 * With SA_RESTART and no SO_SNDTIMEO, connect() is restarted
 * (sock_intr_errno(): -ERESTARTSYS) and ends when the SYNs run out.
 */
TEST_F(one, connect_sa_restart)
{
	struct sockaddr_in dst = api_sin(API_BLACKHOLE, 80);
	int fd;

	NETNS_OR_FAIL();
	SYN_RETRIES_OR_FAIL("1");
	fd = socket(self->fam, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	api_catch(SIGALRM, true);
	api_alarm_ms(300);
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&dst, sizeof(dst)));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_EQ(1, api_signals);
	close(fd);
}

/* With a socket timeout set, even SA_RESTART gives EINTR (not restarted). */
TEST_F(one, connect_sa_restart_sndtimeo)
{
	struct sockaddr_in dst = api_sin(API_BLACKHOLE, 80);
	int fd;

	NETNS_OR_FAIL();
	fd = socket(self->fam, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, api_set_timeo(fd, SO_SNDTIMEO, 5000));
	api_catch(SIGALRM, true);
	api_alarm_ms(300);
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&dst, sizeof(dst)));
	EXPECT_EQ(EINTR, errno);
	EXPECT_EQ(1, api_signals);
	close(fd);
}

/* Refused nonblocking connect: poll mask, SO_ERROR, then ECONNABORTED. */
TEST_F(one, connect_refused_nonblocking)
{
	struct sockaddr_in dst = dead_port();
	int fd, mask;

	fd = socket(self->fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&dst, sizeof(dst)));
	EXPECT_EQ(EINPROGRESS, errno);
	/* poll() reports only what was asked for, plus POLLERR/POLLHUP. */
	mask = api_poll_wait(fd, POLLOUT, 5000);
	EXPECT_EQ(POLLOUT | POLLERR | POLLHUP, mask);
	/* tcp_poll() after tcp_reset()/tcp_done(): */
	EXPECT_EQ(POLLIN | POLLRDNORM | POLLRDHUP | POLLOUT | POLLWRNORM |
		  POLLERR | POLLHUP, api_poll_mask(fd));
	EXPECT_EQ(ECONNREFUSED, api_sockopt_int(fd, SOL_SOCKET, SO_ERROR));
	EXPECT_EQ(0, api_sockopt_int(fd, SOL_SOCKET, SO_ERROR));
	EXPECT_EQ(POLLIN | POLLRDNORM | POLLRDHUP | POLLOUT | POLLWRNORM |
		  POLLHUP, api_poll_mask(fd));
	/* The error was consumed: inet_stream_connect() says ECONNABORTED. */
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&dst, sizeof(dst)));
	EXPECT_EQ(ECONNABORTED, errno);
	/* tcp_disconnect() left a fresh socket: POLLOUT|POLLHUP only. */
	EXPECT_EQ(POLLOUT | POLLWRNORM | POLLHUP, api_poll_mask(fd));
	close(fd);
}

/* A refused blocking connect leaves a socket that can connect again. */
TEST_F(one, connect_refused_then_reconnect)
{
	struct sockaddr_in dst = dead_port(), addr;
	int fd, lfd, afd;

	fd = socket(self->fam, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&dst, sizeof(dst)));
	EXPECT_EQ(ECONNREFUSED, errno);
	lfd = api_listener(self->fam, 4, &addr);
	ASSERT_LE(0, lfd);
	EXPECT_EQ(0, connect(fd, (struct sockaddr *)&addr, sizeof(addr)));
	afd = accept(lfd, NULL, NULL);
	EXPECT_LE(0, afd);
	EXPECT_EQ(3, send(fd, "abc", 3, 0));
	close(afd);
	close(lfd);
	close(fd);
}

/* connect() on a listening socket: EISCONN (inet_stream_connect()). */
TEST_F(one, connect_on_listener)
{
	struct sockaddr_in addr;
	int lfd = api_listener(self->fam, 4, &addr);

	ASSERT_LE(0, lfd);
	EXPECT_EQ(-1, connect(lfd, (struct sockaddr *)&addr, sizeof(addr)));
	EXPECT_EQ(EISCONN, errno);
	close(lfd);
}

/* Bad addresses to connect(): EINVAL (length), EAFNOSUPPORT (family). */
TEST_F(one, connect_bad_address)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(80) };
	struct sockaddr_in sin = api_sin("127.0.0.1", 80);
	int fd = socket(self->fam, SOCK_STREAM, 0);

	ASSERT_LE(0, fd);
	sin6.sin6_addr = in6addr_loopback;
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&sin6, sizeof(sin6)));
	EXPECT_EQ(EAFNOSUPPORT, errno);
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&sin, sizeof(sin) - 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&sin, 1));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

/* bind() errors in inet_bind()'s order. */
TEST_F(one, bind_errors)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in sin = api_sin("127.0.0.1", 0);
	struct sockaddr_in far = api_sin("192.0.2.77", 0);
	int fd = socket(self->fam, SOCK_STREAM, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, bind(fd, (struct sockaddr *)&sin, sizeof(sin) - 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)));
	EXPECT_EQ(EAFNOSUPPORT, errno);
	EXPECT_EQ(-1, bind(fd, (struct sockaddr *)&far, sizeof(far)));
	EXPECT_EQ(EADDRNOTAVAIL, errno);
	EXPECT_EQ(0, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	/* Bound already: EINVAL. */
	EXPECT_EQ(-1, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

/* Ports below 1024 need CAP_NET_BIND_SERVICE: EACCES without it. */
TEST_F(one, bind_privileged_port)
{
	struct sockaddr_in sin = api_sin("127.0.0.1", 81);
	pid_t pid;
	int fd;

	if (geteuid() != 0)
		ENV_FAIL("needs root");
	/* With the capability (root) it works. */
	fd = socket(self->fam, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	close(fd);

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct __user_cap_header_struct hdr = {
			.version = _LINUX_CAPABILITY_VERSION_3,
		};
		struct __user_cap_data_struct data[2];

		if (syscall(SYS_capget, &hdr, data))
			_exit(10);
		data[CAP_TO_INDEX(CAP_NET_BIND_SERVICE)].effective &=
			~CAP_TO_MASK(CAP_NET_BIND_SERVICE);
		if (syscall(SYS_capset, &hdr, data))
			_exit(11);
		fd = socket(self->fam, SOCK_STREAM, 0);
		if (fd < 0)
			_exit(12);
		sin.sin_port = htons(82);
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0)
			_exit(13);
		if (errno != EACCES)
			_exit(14);
		/* Above the limit it works without the capability. */
		sin.sin_port = 0;
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)))
			_exit(15);
		_exit(0);
	}
	EXPECT_EQ(0, api_wait_child(pid));
}

/* accept() on a socket that does not listen: EINVAL. */
TEST_F(one, accept_not_listening)
{
	struct sockaddr_in sin = api_sin("127.0.0.1", 0);
	int fd = socket(self->fam, SOCK_STREAM, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, accept(fd, NULL, NULL));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	EXPECT_EQ(-1, accept(fd, NULL, NULL));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

/* Nothing to accept: EAGAIN at once (nonblocking) or after SO_RCVTIMEO. */
TEST_F(one, accept_eagain)
{
	struct sockaddr_in addr = api_sin("127.0.0.1", 0);
	long t0;
	int lfd;

	lfd = socket(self->fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&addr, sizeof(addr)));
	ASSERT_EQ(0, listen(lfd, 4));
	EXPECT_EQ(-1, accept(lfd, NULL, NULL));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, api_poll_mask(lfd));

	fcntl(lfd, F_SETFL, 0);
	ASSERT_EQ(0, api_set_timeo(lfd, SO_RCVTIMEO, 300));
	t0 = api_now_ms();
	EXPECT_EQ(-1, accept(lfd, NULL, NULL));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_LE(250, api_now_ms() - t0);
	close(lfd);
}

/* Connect to @addr from a child after @ms; the child holds it 1 s. */
static pid_t delayed_connect(int fam, const struct sockaddr_in *addr, int ms)
{
	pid_t pid = fork();
	int fd;

	if (pid)
		return pid;
	usleep(ms * 1000);
	fd = api_connect(fam, addr);
	if (fd < 0)
		_exit(1);
	usleep(1000000);
	close(fd);
	_exit(0);
}

/* Signals and accept(): EINTR; SA_RESTART restarts unless SO_RCVTIMEO. */
TEST_F(one, accept_signals)
{
	struct sockaddr_in addr;
	int lfd = api_listener(self->fam, 4, &addr), afd;
	pid_t pid;

	ASSERT_LE(0, lfd);
	api_catch(SIGALRM, false);
	api_alarm_ms(200);
	EXPECT_EQ(-1, accept(lfd, NULL, NULL));
	EXPECT_EQ(EINTR, errno);

	api_catch(SIGALRM, true);
	api_alarm_ms(200);
	pid = delayed_connect(self->fam, &addr, 700);
	ASSERT_LE(0, pid);
	afd = accept(lfd, NULL, NULL);
	EXPECT_LE(0, afd);
	EXPECT_EQ(2, api_signals);
	if (afd >= 0)
		close(afd);
	EXPECT_EQ(0, api_wait_child(pid));

	ASSERT_EQ(0, api_set_timeo(lfd, SO_RCVTIMEO, 5000));
	api_alarm_ms(200);
	EXPECT_EQ(-1, accept(lfd, NULL, NULL));
	EXPECT_EQ(EINTR, errno);
	EXPECT_EQ(3, api_signals);
	close(lfd);
}

FIXTURE(api) {
	int cfam, sfam;
};

FIXTURE_VARIANT(api) {
	bool lab_client;
	bool lab_server;
};

FIXTURE_VARIANT_ADD(api, inet_inet) { .lab_client = false, .lab_server = false };
FIXTURE_VARIANT_ADD(api, lab_inet) { .lab_client = true, .lab_server = false };
FIXTURE_VARIANT_ADD(api, inet_lab) { .lab_client = false, .lab_server = true };
FIXTURE_VARIANT_ADD(api, lab_lab) { .lab_client = true, .lab_server = true };

FIXTURE_SETUP(api)
{
	self->cfam = api_family(variant->lab_client);
	self->sfam = api_family(variant->lab_server);
	if (self->cfam < 0 || self->sfam < 0)
		ENV_FAIL("tcplab module not loaded");
}

FIXTURE_TEARDOWN(api)
{
}

TEST_F(api, blocking_connect)
{
	struct sockaddr_in addr, peer;
	socklen_t len = sizeof(peer);
	int lfd = api_listener(self->sfam, 4, &addr), fd, afd;

	ASSERT_LE(0, lfd);
	fd = socket(self->cfam, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, connect(fd, (struct sockaddr *)&addr, sizeof(addr)));
	EXPECT_EQ(0, getpeername(fd, (struct sockaddr *)&peer, &len));
	EXPECT_EQ(addr.sin_port, peer.sin_port);
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&addr, sizeof(addr)));
	EXPECT_EQ(EISCONN, errno);
	/* listen() on a connected socket: EINVAL (inet_listen()). */
	EXPECT_EQ(-1, listen(fd, 4));
	EXPECT_EQ(EINVAL, errno);
	afd = accept(lfd, NULL, NULL);
	EXPECT_LE(0, afd);
	EXPECT_EQ(-1, listen(afd, 4));
	EXPECT_EQ(EINVAL, errno);
	close(afd);
	close(fd);
	close(lfd);
}

/* accept4() flags land on the new descriptor, nothing is inherited. */
TEST_F(api, accept4_flags)
{
	struct sockaddr_in addr;
	int lfd = api_listener(self->sfam, 4, &addr), c1, c2, a1, a2;

	ASSERT_LE(0, lfd);
	c1 = api_connect(self->cfam, &addr);
	ASSERT_LE(0, c1);
	c2 = api_connect(self->cfam, &addr);
	ASSERT_LE(0, c2);
	a1 = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	ASSERT_LE(0, a1);
	EXPECT_TRUE(fcntl(a1, F_GETFL) & O_NONBLOCK);
	EXPECT_TRUE(fcntl(a1, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(-1, recv(a1, &addr, 1, 0));
	EXPECT_EQ(EAGAIN, errno);
	/* A nonblocking listener does not make the accepted socket so. */
	fcntl(lfd, F_SETFL, O_NONBLOCK);
	a2 = accept4(lfd, NULL, NULL, 0);
	ASSERT_LE(0, a2);
	EXPECT_FALSE(fcntl(a2, F_GETFL) & O_NONBLOCK);
	EXPECT_FALSE(fcntl(a2, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(-1, accept4(lfd, NULL, NULL, SOCK_NONBLOCK));
	EXPECT_EQ(EAGAIN, errno);
	/* Bad flags: EINVAL. */
	EXPECT_EQ(-1, accept4(lfd, NULL, NULL, 0x1));
	EXPECT_EQ(EINVAL, errno);
	close(a1);
	close(a2);
	close(c1);
	close(c2);
	close(lfd);
}

/*
 * Listen backlog N and nobody accepting: how many connects complete?
 * Linux: N + 1 (sk_acceptq_is_full() is "more than N"; with syncookies,
 * the default, a full SYN queue does not refuse a SYN).
 */
static int backlog_count(struct __test_metadata *_metadata, int cfam, int sfam,
			 int backlog)
{
	int fds[8], lfd, i, done = 0;
	struct sockaddr_in addr;

	lfd = api_listener(sfam, backlog, &addr);
	if (lfd < 0)
		return lfd;
	for (i = 0; i < backlog + 4 && i < 8; i++) {
		fds[i] = socket(cfam, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (fds[i] < 0)
			break;
		connect(fds[i], (struct sockaddr *)&addr, sizeof(addr));
		if (api_poll_wait(fds[i], POLLOUT, 400) & POLLOUT &&
		    api_sockopt_int(fds[i], SOL_SOCKET, SO_ERROR) == 0)
			done++;
	}
	while (i--)
		close(fds[i]);
	close(lfd);
	return done;
}

TEST_F(api, listen_backlog)
{
	EXPECT_EQ(1, backlog_count(_metadata, self->cfam, self->sfam, 0));
	EXPECT_EQ(3, backlog_count(_metadata, self->cfam, self->sfam, 2));
}

/* One port, two families: EADDRINUSE both ways. */
TEST_F(api, eaddrinuse_cross)
{
	struct sockaddr_in sin = api_sin("127.0.0.1", 0), any;
	socklen_t len = sizeof(sin);
	int fd1, fd2;

	fd1 = socket(self->cfam, SOCK_STREAM, 0);
	ASSERT_LE(0, fd1);
	ASSERT_EQ(0, bind(fd1, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, getsockname(fd1, (struct sockaddr *)&sin, &len));
	fd2 = socket(self->sfam, SOCK_STREAM, 0);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(-1, bind(fd2, (struct sockaddr *)&sin, sizeof(sin)));
	EXPECT_EQ(EADDRINUSE, errno);
	any = sin;
	any.sin_addr.s_addr = htonl(INADDR_ANY);
	EXPECT_EQ(-1, bind(fd2, (struct sockaddr *)&any, sizeof(any)));
	EXPECT_EQ(EADDRINUSE, errno);
	/* Listening makes no difference. */
	ASSERT_EQ(0, listen(fd1, 4));
	EXPECT_EQ(-1, bind(fd2, (struct sockaddr *)&sin, sizeof(sin)));
	EXPECT_EQ(EADDRINUSE, errno);
	close(fd2);
	close(fd1);
}

TEST_HARNESS_MAIN
