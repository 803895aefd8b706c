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

TEST_HARNESS_MAIN
