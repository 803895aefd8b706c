// SPDX-License-Identifier: GPL-2.0
/*
 * api_poll_test: poll/select/epoll readiness at every stage of a
 * connection, differential (Linux TCP's tcp_poll() is the oracle).
 *
 * The masks asserted are what tcp_poll() computes: a fresh or closed
 * socket is POLLOUT|POLLHUP, a listener POLLIN when accept() would not
 * block, a connecting socket nothing, and after the peer's FIN POLLIN and
 * POLLRDHUP; POLLHUP once both directions are shut, POLLERR while an
 * error is pending (until SO_ERROR or a call reports it).
 */
#include <sys/epoll.h>
#include <sys/select.h>

#include "kselftest_harness.h"
#include "api_util.h"

#define M_OUT		(POLLOUT | POLLWRNORM)
#define M_IN		(POLLIN | POLLRDNORM)
#define M_EOF		(M_IN | POLLRDHUP)

TEST_F(one, fresh_socket)
{
	struct timeval tv = { 0, 0 };
	fd_set rd, wr, ex;
	int fd = socket(self->fam, SOCK_STREAM, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(M_OUT | POLLHUP, api_poll_mask(fd));
	/* select(): POLLHUP counts as readable. */
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_ZERO(&ex);
	FD_SET(fd, &rd);
	FD_SET(fd, &wr);
	FD_SET(fd, &ex);
	EXPECT_EQ(2, select(fd + 1, &rd, &wr, &ex, &tv));
	EXPECT_TRUE(FD_ISSET(fd, &rd));
	EXPECT_TRUE(FD_ISSET(fd, &wr));
	EXPECT_FALSE(FD_ISSET(fd, &ex));
	close(fd);
}

TEST_F(one, listening)
{
	struct sockaddr_in addr;
	int lfd = api_listener(self->fam, 4, &addr), fd, afd;

	ASSERT_LE(0, lfd);
	EXPECT_EQ(0, api_poll_mask(lfd));
	fd = api_connect(self->fam, &addr);
	ASSERT_LE(0, fd);
	EXPECT_EQ(M_IN, api_poll_wait(lfd, API_POLL_ALL, 2000));
	afd = accept(lfd, NULL, NULL);
	ASSERT_LE(0, afd);
	EXPECT_EQ(0, api_poll_mask(lfd));
	/* shutdown(SHUT_RD) of a listener stops it: a closed socket again. */
	EXPECT_EQ(0, shutdown(lfd, SHUT_RD));
	EXPECT_EQ(M_OUT | POLLHUP, api_poll_mask(lfd));
	EXPECT_EQ(-1, accept(lfd, NULL, NULL));
	EXPECT_EQ(EINVAL, errno);
	close(afd);
	close(fd);
	close(lfd);
}

FIXTURE(api) {
	int cfd, afd;	/* client, accepted */
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
	int cfam = api_family(variant->lab_client);
	int sfam = api_family(variant->lab_server);

	self->cfd = self->afd = -1;
	if (cfam < 0 || sfam < 0)
		ENV_FAIL("tcplab module not loaded");
	ASSERT_EQ(0, api_pair(cfam, sfam, &self->cfd, &self->afd));
}

FIXTURE_TEARDOWN(api)
{
	if (self->cfd >= 0)
		close(self->cfd);
	if (self->afd >= 0)
		close(self->afd);
}

/* Connected, data, half-close each way: both ends at every step. */
TEST_F(api, stages)
{
	char buf[16];

	EXPECT_EQ(M_OUT, api_poll_mask(self->cfd));
	EXPECT_EQ(M_OUT, api_poll_mask(self->afd));
	ASSERT_EQ(3, send(self->cfd, "abc", 3, 0));
	EXPECT_EQ(M_IN | M_OUT, api_poll_wait(self->afd, POLLIN, 2000) | api_poll_mask(self->afd));
	EXPECT_EQ(M_IN | M_OUT, api_poll_mask(self->afd));
	ASSERT_EQ(3, recv(self->afd, buf, sizeof(buf), 0));
	EXPECT_EQ(M_OUT, api_poll_mask(self->afd));

	/* The client shuts its sending side: the server sees EOF. */
	ASSERT_EQ(0, shutdown(self->cfd, SHUT_WR));
	EXPECT_EQ(M_OUT, api_poll_mask(self->cfd));
	api_poll_wait(self->afd, POLLRDHUP, 2000);
	EXPECT_EQ(M_EOF | M_OUT, api_poll_mask(self->afd));
	/* Both sides shut: POLLHUP on both. */
	ASSERT_EQ(0, shutdown(self->afd, SHUT_WR));
	EXPECT_EQ(M_EOF | M_OUT | POLLHUP, api_poll_mask(self->afd));
	api_poll_wait(self->cfd, POLLRDHUP, 2000);
	EXPECT_EQ(M_EOF | M_OUT | POLLHUP, api_poll_mask(self->cfd));
	EXPECT_EQ(0, recv(self->cfd, buf, sizeof(buf), 0));
}

/* shutdown(SHUT_RD) alone: POLLIN|POLLRDHUP, still writable. */
TEST_F(api, shut_rd)
{
	ASSERT_EQ(0, shutdown(self->afd, SHUT_RD));
	EXPECT_EQ(M_EOF | M_OUT, api_poll_mask(self->afd));
	ASSERT_EQ(0, shutdown(self->afd, SHUT_WR));
	EXPECT_EQ(M_EOF | M_OUT | POLLHUP, api_poll_mask(self->afd));
}

/*
 * The peer closes: EOF.  Writing then draws a RST, which tcp_reset()
 * reports as EPIPE in CLOSE-WAIT: POLLERR and POLLHUP.
 */
TEST_F(api, peer_close)
{
	int mask;

	close(self->afd);
	self->afd = -1;
	api_poll_wait(self->cfd, POLLRDHUP, 2000);
	EXPECT_EQ(M_EOF | M_OUT, api_poll_mask(self->cfd));
	EXPECT_EQ(1, send(self->cfd, "x", 1, MSG_NOSIGNAL));
	mask = api_poll_wait(self->cfd, POLLERR, 2000);
	EXPECT_TRUE(mask & POLLERR);
	EXPECT_EQ(M_EOF | M_OUT | POLLHUP | POLLERR, api_poll_mask(self->cfd));
	EXPECT_EQ(EPIPE, api_sockopt_int(self->cfd, SOL_SOCKET, SO_ERROR));
	EXPECT_EQ(M_EOF | M_OUT | POLLHUP, api_poll_mask(self->cfd));
}

/* The peer resets: everything at once, ECONNRESET. */
TEST_F(api, peer_reset)
{
	char buf[4];

	api_close_rst(self->cfd);
	self->cfd = -1;
	api_poll_wait(self->afd, POLLERR, 2000);
	EXPECT_EQ(M_EOF | M_OUT | POLLHUP | POLLERR, api_poll_mask(self->afd));
	EXPECT_EQ(-1, recv(self->afd, buf, sizeof(buf), 0));
	EXPECT_EQ(ECONNRESET, errno);
	EXPECT_EQ(M_EOF | M_OUT | POLLHUP, api_poll_mask(self->afd));
	EXPECT_EQ(0, recv(self->afd, buf, sizeof(buf), 0));
}

/* select() waits for data like poll(). */
TEST_F(api, select_data)
{
	struct timeval tv = { 0, 100000 };
	fd_set rd;

	FD_ZERO(&rd);
	FD_SET(self->afd, &rd);
	EXPECT_EQ(0, select(self->afd + 1, &rd, NULL, NULL, &tv));
	ASSERT_EQ(1, send(self->cfd, "z", 1, 0));
	tv.tv_sec = 2;
	FD_ZERO(&rd);
	FD_SET(self->afd, &rd);
	EXPECT_EQ(1, select(self->afd + 1, &rd, NULL, NULL, &tv));
	EXPECT_TRUE(FD_ISSET(self->afd, &rd));
}

static int et_wait(int ep, int ms, unsigned int *events)
{
	struct epoll_event ev[4];
	int n = epoll_wait(ep, ev, 4, ms);

	*events = n > 0 ? ev[0].events : 0;
	return n;
}

/*
 * Edge-triggered epoll: exactly one wakeup per new data arrival; none for
 * the ACKs of what we send (Linux wakes writers only after the send
 * buffer was full: tcp_check_space()).
 */
TEST_F(api, epoll_edge)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLET };
	unsigned int events;
	char buf[16];
	int ep = epoll_create1(0);

	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->afd, &ev));
	EXPECT_EQ(1, et_wait(ep, 0, &events));
	EXPECT_EQ(EPOLLOUT, events);
	EXPECT_EQ(0, et_wait(ep, 0, &events));

	ASSERT_EQ(1, send(self->cfd, "a", 1, 0));
	EXPECT_EQ(1, et_wait(ep, 2000, &events));
	EXPECT_EQ(EPOLLIN | EPOLLOUT, events);
	EXPECT_EQ(0, et_wait(ep, 200, &events));
	/* New data, nothing read: a new edge. */
	ASSERT_EQ(1, send(self->cfd, "b", 1, 0));
	EXPECT_EQ(1, et_wait(ep, 2000, &events));
	EXPECT_EQ(0, et_wait(ep, 200, &events));
	/* Our own data going out and being acknowledged: no wakeup. */
	ASSERT_EQ(1, send(self->afd, "c", 1, 0));
	EXPECT_EQ(0, et_wait(ep, 300, &events));
	EXPECT_EQ(2, recv(self->afd, buf, sizeof(buf), 0));
	EXPECT_EQ(0, et_wait(ep, 100, &events));
	/* The peer's FIN: one more edge. */
	ASSERT_EQ(0, shutdown(self->cfd, SHUT_WR));
	EXPECT_EQ(1, et_wait(ep, 2000, &events));
	EXPECT_EQ(EPOLLIN | EPOLLOUT, events);
	EXPECT_EQ(0, et_wait(ep, 200, &events));
	close(ep);
}

/*
 * TCP_NOTSENT_LOWAT (on the socket, or net.ipv4.tcp_notsent_lowat of
 * the namespace when @sockopt is false) of 16 KiB on @cfd, whose peer
 * @afd does not read: once the window is full and the unsent bytes
 * reach the mark, send() finds no room and poll() no POLLOUT, though
 * the send buffer has plenty (tcp_stream_memory_free()); a higher mark,
 * by the option or the sysctl, lets the writer on at once.  When the reader drains the connection,
 * a writer waiting in poll() is woken.
 */
#define LOWAT_SYSCTL	"/proc/sys/net/ipv4/tcp_notsent_lowat"

static void lowat_check(struct __test_metadata *_metadata, int cfd, int afd,
			bool sockopt)
{
	static char buf[65536];
	long sent, got = 0;
	char c = 0;
	pid_t pid;
	int m;

	/* A fixed, large send buffer: only the mark holds the writer. */
	ASSERT_EQ(0, api_set_int(cfd, SOL_SOCKET, SO_SNDBUF, 1 << 20));
	if (sockopt)
		ASSERT_EQ(0, api_set_int(cfd, SOL_TCP, TCP_NOTSENT_LOWAT,
					 16384));
	/* The socket's own value only, as tcp_getsockopt() reads it. */
	EXPECT_EQ(sockopt ? 16384 : 0,
		  api_sockopt_int(cfd, SOL_TCP, TCP_NOTSENT_LOWAT));
	EXPECT_TRUE(api_poll_mask(cfd) & POLLOUT);
	sent = api_fill(cfd);
	ASSERT_LT(0, sent);
	TH_LOG("%ld bytes queued before the mark held the writer", sent);
	m = api_poll_mask(cfd);
	EXPECT_FALSE(m & POLLOUT) TH_LOG("mask %#x", m);
	EXPECT_EQ(-1, send(cfd, &c, 1, MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	if (sockopt) {
		ASSERT_EQ(0, api_set_int(cfd, SOL_TCP, TCP_NOTSENT_LOWAT,
					 64 << 20));
		EXPECT_TRUE(api_poll_mask(cfd) & POLLOUT);
		ASSERT_EQ(0, api_set_int(cfd, SOL_TCP, TCP_NOTSENT_LOWAT,
					 16384));
	} else {
		/* The sysctl is read each time, as tcp_notsent_lowat() does. */
		ASSERT_EQ(0, api_sysctl(LOWAT_SYSCTL, "67108864"));
		EXPECT_TRUE(api_poll_mask(cfd) & POLLOUT);
		ASSERT_EQ(0, api_sysctl(LOWAT_SYSCTL, "16384"));
	}
	EXPECT_FALSE(api_poll_mask(cfd) & POLLOUT);

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		usleep(300000);
		while (got < sent) {
			ssize_t n;

			if (!(api_poll_wait(afd, POLLIN, 3000) & POLLIN))
				_exit(1);
			n = recv(afd, buf, sizeof(buf), MSG_DONTWAIT);
			if (n <= 0)
				_exit(2);
			got += n;
		}
		_exit(0);
	}
	m = api_poll_wait(cfd, POLLOUT, 5000);
	EXPECT_TRUE(m & POLLOUT) TH_LOG("mask %#x", m);
	EXPECT_EQ(0, api_wait_child(pid));
}

TEST_F(api, notsent_lowat)
{
	lowat_check(_metadata, self->cfd, self->afd, true);
}

/* The same mark from the namespace's sysctl, every pair of stacks. */
TEST(notsent_lowat_sysctl)
{
	int lab = api_family(true), i, cfd, afd;

	if (lab < 0)
		ENV_FAIL("tcplab module not loaded");
	if (unshare(CLONE_NEWNET) || api_run(API_IP " link set lo up"))
		ENV_FAIL("no network namespace");
	ASSERT_EQ(0, api_sysctl(LOWAT_SYSCTL, "16384"));
	for (i = 0; i < 4; i++) {
		int cfam = i & 1 ? lab : AF_INET, sfam = i & 2 ? lab : AF_INET;

		TH_LOG("client %s, server %s", i & 1 ? "tcplab" : "Linux",
		       i & 2 ? "tcplab" : "Linux");
		ASSERT_EQ(0, api_pair(cfam, sfam, &cfd, &afd));
		lowat_check(_metadata, cfd, afd, false);
		close(cfd);
		close(afd);
	}
}

/* A listener passes the option to its children. */
TEST_F(one, notsent_lowat_values)
{
	static const int vals[] = { 0, 1, 16384, -1, 0x7fffffff, 0 };
	struct sockaddr_in addr;
	int fd = socket(self->fam, SOCK_STREAM, 0);
	int ref = socket(AF_INET, SOCK_STREAM, 0);
	int lfd, cfd, afd;
	short two = 10;
	unsigned int i;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, ref);
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		EXPECT_EQ(api_set_int(ref, SOL_TCP, TCP_NOTSENT_LOWAT, vals[i]),
			  api_set_int(fd, SOL_TCP, TCP_NOTSENT_LOWAT, vals[i]));
		EXPECT_EQ(api_sockopt_int(ref, SOL_TCP, TCP_NOTSENT_LOWAT),
			  api_sockopt_int(fd, SOL_TCP, TCP_NOTSENT_LOWAT))
			TH_LOG("after TCP_NOTSENT_LOWAT %d", vals[i]);
	}
	EXPECT_EQ(-1, setsockopt(fd, SOL_TCP, TCP_NOTSENT_LOWAT, &two,
				 sizeof(two)));
	EXPECT_EQ(EINVAL, errno);
	close(ref);
	close(fd);

	lfd = api_listener(self->fam, 4, &addr);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, api_set_int(lfd, SOL_TCP, TCP_NOTSENT_LOWAT, 4096));
	cfd = api_connect(self->fam, &addr);
	ASSERT_LE(0, cfd);
	afd = accept(lfd, NULL, NULL);
	ASSERT_LE(0, afd);
	EXPECT_EQ(4096, api_sockopt_int(afd, SOL_TCP, TCP_NOTSENT_LOWAT));
	close(afd);
	close(cfd);
	close(lfd);
}

TEST_HARNESS_MAIN
