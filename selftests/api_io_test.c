// SPDX-License-Identifier: GPL-2.0
/*
 * api_io_test: send/recv flags, shutdown, SIGPIPE and signals during
 * blocking calls, differential (AF_INET is the oracle).
 */
#include <linux/filter.h>

#include <sys/uio.h>

#include "kselftest_harness.h"
#include "api_util.h"

/*
 * Calls on a socket that never connected: recv and getpeername ENOTCONN,
 * send EPIPE (tcp_sendmsg_locked() -> sk_stream_wait_connect()) with
 * SIGPIPE unless MSG_NOSIGNAL, shutdown ENOTCONN (or EINVAL for a bad how).
 */
TEST_F(one, unconnected)
{
	struct sockaddr_in peer;
	socklen_t len = sizeof(peer);
	char buf[4];
	int fd = socket(self->fam, SOCK_STREAM, 0);

	ASSERT_LE(0, fd);
	api_catch(SIGPIPE, false);
	EXPECT_EQ(-1, recv(fd, buf, sizeof(buf), 0));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, getpeername(fd, (struct sockaddr *)&peer, &len));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, send(fd, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(0, api_signals);
	EXPECT_EQ(-1, send(fd, "x", 1, 0));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(1, api_signals);
	EXPECT_EQ(-1, shutdown(fd, 3));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, shutdown(fd, -1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, shutdown(fd, SHUT_RD));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, shutdown(fd, SHUT_RDWR));
	EXPECT_EQ(ENOTCONN, errno);
	close(fd);
}

/* A listener has no data stream. */
TEST_F(one, listener_io)
{
	struct sockaddr_in addr;
	char buf[4];
	int lfd = api_listener(self->fam, 4, &addr);

	ASSERT_LE(0, lfd);
	EXPECT_EQ(-1, recv(lfd, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, send(lfd, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	/* shutdown(SHUT_WR) of a listener does nothing. */
	EXPECT_EQ(0, shutdown(lfd, SHUT_WR));
	EXPECT_EQ(1, api_sockopt_int(lfd, SOL_SOCKET, SO_ACCEPTCONN));
	close(lfd);
}

FIXTURE(api) {
	int cfd, afd;
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

/* Wait until @fd has @n bytes to read (peeking). */
static int wait_bytes(int fd, int n)
{
	char buf[256];
	int i;

	for (i = 0; i < 200; i++) {
		if (recv(fd, buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT) >= n)
			return 0;
		usleep(10000);
	}
	return -1;
}

TEST_F(api, msg_peek)
{
	char buf[32];

	ASSERT_EQ(11, send(self->cfd, "hello", 5, 0) + send(self->cfd, " world", 6, 0));
	ASSERT_EQ(0, wait_bytes(self->afd, 11));
	EXPECT_EQ(5, recv(self->afd, buf, 5, MSG_PEEK));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	EXPECT_EQ(11, recv(self->afd, buf, sizeof(buf), MSG_PEEK));
	EXPECT_EQ(0, memcmp(buf, "hello world", 11));
	EXPECT_EQ(3, recv(self->afd, buf, 3, 0));
	EXPECT_EQ(8, recv(self->afd, buf, sizeof(buf), MSG_PEEK));
	EXPECT_EQ(0, memcmp(buf, "lo world", 8));
	EXPECT_EQ(8, recv(self->afd, buf, sizeof(buf), 0));
	EXPECT_EQ(-1, recv(self->afd, buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
}

/* MSG_WAITALL waits for pieces that come one by one; EOF cuts it short. */
TEST_F(api, msg_waitall)
{
	char buf[3000];
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int i;

		for (i = 0; i < 3; i++) {
			usleep(100000);
			memset(buf, 'a' + i, 1000);
			if (send(self->cfd, buf, 1000, 0) != 1000)
				_exit(1);
		}
		_exit(0);
	}
	EXPECT_EQ(3000, recv(self->afd, buf, sizeof(buf), MSG_WAITALL));
	EXPECT_EQ('a', buf[0]);
	EXPECT_EQ('c', buf[2999]);
	EXPECT_EQ(0, api_wait_child(pid));

	ASSERT_EQ(10, send(self->cfd, "0123456789", 10, 0));
	ASSERT_EQ(0, shutdown(self->cfd, SHUT_WR));
	EXPECT_EQ(10, recv(self->afd, buf, sizeof(buf), MSG_WAITALL));
	EXPECT_EQ(0, recv(self->afd, buf, sizeof(buf), MSG_WAITALL));
}

TEST_F(api, msg_dontwait)
{
	char buf[1000] = { 0 };

	EXPECT_EQ(-1, recv(self->afd, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_LT(0, api_fill(self->cfd));
	EXPECT_EQ(-1, send(self->cfd, buf, sizeof(buf), MSG_DONTWAIT | MSG_NOSIGNAL));
	EXPECT_EQ(EAGAIN, errno);
}

/*
 * After a RST: the first send reports the error (ECONNRESET, no signal),
 * later ones EPIPE with SIGPIPE unless MSG_NOSIGNAL (sk_stream_error()).
 */
TEST_F(api, sigpipe_after_reset)
{
	api_catch(SIGPIPE, false);
	api_close_rst(self->afd);
	self->afd = -1;
	api_poll_wait(self->cfd, POLLERR, 2000);
	EXPECT_EQ(-1, send(self->cfd, "x", 1, 0));
	EXPECT_EQ(ECONNRESET, errno);
	EXPECT_EQ(0, api_signals);
	EXPECT_EQ(-1, send(self->cfd, "x", 1, 0));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(1, api_signals);
	EXPECT_EQ(-1, send(self->cfd, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(1, api_signals);
}

/*
 * A send of no bytes: every way of saying it (send() of length 0,
 * sendmsg() without an iovec or with empty ones, writev()) returns 0 on
 * a connection and sends nothing; after shutdown(SHUT_WR) or a reset
 * send() and sendmsg() fail like a send with bytes (the socket is no
 * longer ESTABLISHED or CLOSE-WAIT, so tcp_sendmsg_locked() fails before
 * it looks at the data), and an unconnected socket gives EPIPE.
 */
static int send_empty(int fd, int how, int flags)
{
	struct iovec iov[2] = { { .iov_base = "", .iov_len = 0 },
				{ .iov_base = NULL, .iov_len = 0 } };
	struct msghdr msg = { 0 };

	switch (how) {
	case 0:
		return send(fd, "", 0, flags) < 0 ? -errno : 0;
	case 1:
		return sendmsg(fd, &msg, flags) < 0 ? -errno : 0;
	case 2:
		msg.msg_iov = iov;
		msg.msg_iovlen = 2;
		return sendmsg(fd, &msg, flags) < 0 ? -errno : 0;
	default:
		return writev(fd, iov, 1) < 0 ? -errno : 0;
	}
}

TEST_F(api, send_empty)
{
	char buf[8];
	int how, fd;

	api_catch(SIGPIPE, false);
	for (how = 0; how < 4; how++) {
		EXPECT_EQ(0, send_empty(self->cfd, how, 0)) TH_LOG("way %d", how);
		EXPECT_EQ(0, send_empty(self->afd, how, MSG_DONTWAIT))
			TH_LOG("way %d", how);
	}
	/* Nothing went out: the peer has nothing to read. */
	usleep(100000);
	EXPECT_EQ(-1, recv(self->afd, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, api_signals);

	/* Unconnected: EPIPE. */
	fd = socket(api_family(variant->lab_client), SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EPIPE, send_empty(fd, 1, MSG_NOSIGNAL));
	EXPECT_EQ(0, api_signals);
	close(fd);

	/*
	 * After SHUT_WR: EPIPE, as for one byte, and SIGPIPE without
	 * MSG_NOSIGNAL.  writev() of nothing never reaches the protocol
	 * (the socket layer returns 0 for it first).
	 */
	ASSERT_EQ(0, shutdown(self->cfd, SHUT_WR));
	for (how = 0; how < 3; how++)
		EXPECT_EQ(-EPIPE, send_empty(self->cfd, how, MSG_NOSIGNAL))
			TH_LOG("way %d", how);
	EXPECT_EQ(0, api_signals);
	EXPECT_EQ(-EPIPE, send_empty(self->cfd, 1, 0));
	EXPECT_EQ(1, api_signals);
	EXPECT_EQ(0, send_empty(self->cfd, 3, 0));

	/* A reset (in FIN-WAIT-2): the error once, then EPIPE. */
	api_close_rst(self->afd);
	self->afd = -1;
	api_poll_wait(self->cfd, POLLERR, 2000);
	EXPECT_EQ(-ECONNRESET, send_empty(self->cfd, 2, MSG_NOSIGNAL));
	EXPECT_EQ(-EPIPE, send_empty(self->cfd, 2, MSG_NOSIGNAL));
}

/* SHUT_RD: queued data is still read, then EOF; sending still works. */
TEST_F(api, shutdown_rd)
{
	char buf[8];

	ASSERT_EQ(3, send(self->cfd, "abc", 3, 0));
	ASSERT_EQ(0, wait_bytes(self->afd, 3));
	ASSERT_EQ(0, shutdown(self->afd, SHUT_RD));
	EXPECT_EQ(3, recv(self->afd, buf, sizeof(buf), 0));
	EXPECT_EQ(0, recv(self->afd, buf, sizeof(buf), 0));
	EXPECT_EQ(2, send(self->afd, "xy", 2, 0));
	EXPECT_EQ(2, recv(self->cfd, buf, 2, MSG_WAITALL));
}

/* SHUT_WR: EPIPE for us, EOF for the peer; twice is fine. */
TEST_F(api, shutdown_wr)
{
	char buf[8];

	ASSERT_EQ(0, shutdown(self->afd, SHUT_WR));
	EXPECT_EQ(0, shutdown(self->afd, SHUT_WR));
	EXPECT_EQ(-1, send(self->afd, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(0, recv(self->cfd, buf, sizeof(buf), 0));
	EXPECT_EQ(1, send(self->cfd, "y", 1, 0));
	EXPECT_EQ(1, recv(self->afd, buf, sizeof(buf), 0));
	EXPECT_EQ(-1, shutdown(self->afd, 7));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(api, shutdown_rdwr)
{
	char buf[8];

	ASSERT_EQ(0, shutdown(self->cfd, SHUT_RDWR));
	EXPECT_EQ(0, recv(self->cfd, buf, sizeof(buf), 0));
	EXPECT_EQ(-1, send(self->cfd, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(0, recv(self->afd, buf, sizeof(buf), 0));
}

/* Send from a child after @ms. */
static pid_t delayed_send(int fd, int ms)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	usleep(ms * 1000);
	_exit(send(fd, "late", 4, 0) == 4 ? 0 : 1);
}

/*
 * A signal in a blocking recv: EINTR without SA_RESTART; with it, the call
 * is restarted (-ERESTARTSYS) unless SO_RCVTIMEO is set (then -EINTR:
 * sock_intr_errno()).
 */
TEST_F(api, recv_signals)
{
	char buf[8];
	pid_t pid;

	api_catch(SIGALRM, false);
	api_alarm_ms(200);
	EXPECT_EQ(-1, recv(self->afd, buf, sizeof(buf), 0));
	EXPECT_EQ(EINTR, errno);

	api_catch(SIGALRM, true);
	pid = delayed_send(self->cfd, 700);
	ASSERT_LE(0, pid);
	api_alarm_ms(200);
	EXPECT_EQ(4, recv(self->afd, buf, sizeof(buf), 0));
	EXPECT_EQ(2, api_signals);
	EXPECT_EQ(0, api_wait_child(pid));

	ASSERT_EQ(0, api_set_timeo(self->afd, SO_RCVTIMEO, 5000));
	api_alarm_ms(200);
	EXPECT_EQ(-1, recv(self->afd, buf, sizeof(buf), 0));
	EXPECT_EQ(EINTR, errno);
	EXPECT_EQ(3, api_signals);
}

/* A signal in a send blocked on a full buffer: EINTR. */
TEST_F(api, send_signals)
{
	char buf[1000] = { 0 };

	ASSERT_LT(0, api_fill(self->cfd));
	api_catch(SIGALRM, false);
	api_alarm_ms(200);
	EXPECT_EQ(-1, send(self->cfd, buf, sizeof(buf), MSG_NOSIGNAL));
	EXPECT_EQ(EINTR, errno);
	EXPECT_EQ(1, api_signals);
	ASSERT_EQ(0, api_set_timeo(self->cfd, SO_SNDTIMEO, 5000));
	ASSERT_LE(0, api_fill(self->cfd));
	api_catch(SIGALRM, true);
	api_alarm_ms(200);
	EXPECT_EQ(-1, send(self->cfd, buf, sizeof(buf), MSG_NOSIGNAL));
	EXPECT_EQ(EINTR, errno);
	EXPECT_EQ(2, api_signals);
}

/*
 * SO_ATTACH_FILTER on the receiving socket: a filter that drops every
 * segment keeps the data out (the sender retransmits); once detached, the
 * retransmission is delivered.  Linux TCP runs the filter on every segment
 * for the socket (tcp_filter()), so the two must agree.
 */
TEST_F(api, socket_filter_drops_segments)
{
	struct sock_filter drop_all[] = { BPF_STMT(BPF_RET | BPF_K, 0) };
	struct sock_fprog prog = { .len = 1, .filter = drop_all };
	char buf[16];
	int dummy = 0;

	ASSERT_EQ(0, setsockopt(self->afd, SOL_SOCKET, SO_ATTACH_FILTER,
				&prog, sizeof(prog)));
	ASSERT_EQ(5, send(self->cfd, "hello", 5, 0));
	usleep(300000);
	EXPECT_EQ(-1, recv(self->afd, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, setsockopt(self->afd, SOL_SOCKET, SO_DETACH_FILTER,
				&dummy, sizeof(dummy)));
	/* The next retransmission comes within a few RTOs. */
	ASSERT_EQ(0, wait_bytes(self->afd, 5) && wait_bytes(self->afd, 5) &&
		  wait_bytes(self->afd, 5))
		TH_LOG("no data 6 s after detaching the filter");
	EXPECT_EQ(5, recv(self->afd, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
}

TEST_HARNESS_MAIN
