// SPDX-License-Identifier: GPL-2.0
/*
 * api_flow_test: the flow control socket options, differential (AF_INET
 * is the oracle): TCP_CORK, TCP_QUICKACK, SO_KEEPALIVE, TCP_KEEPIDLE,
 * TCP_KEEPINTVL, TCP_KEEPCNT (defaults, limits, errors), and what cork,
 * MSG_MORE and TCP_NODELAY do to data on a loopback connection.
 */
#include "kselftest_harness.h"
#include "api_util.h"

/* Defaults and limits of the keepalive options, as do_tcp_setsockopt(). */
TEST_F(one, keepalive_options)
{
	static const struct { int name, max, def; } o[] = {
		{ TCP_KEEPIDLE, 32767, 7200 },
		{ TCP_KEEPINTVL, 32767, 75 },
		{ TCP_KEEPCNT, 127, 9 },
	};
	int fd = socket(self->fam, SOCK_STREAM, 0);
	unsigned int i;
	char c = 1;

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, api_sockopt_int(fd, SOL_SOCKET, SO_KEEPALIVE));
	EXPECT_EQ(0, api_set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 7));
	EXPECT_EQ(1, api_sockopt_int(fd, SOL_SOCKET, SO_KEEPALIVE));
	for (i = 0; i < ARRAY_SIZE(o); i++) {
		EXPECT_EQ(o[i].def, api_sockopt_int(fd, SOL_TCP, o[i].name));
		EXPECT_EQ(-EINVAL, api_set_int(fd, SOL_TCP, o[i].name, 0));
		EXPECT_EQ(-EINVAL, api_set_int(fd, SOL_TCP, o[i].name, -1));
		EXPECT_EQ(-EINVAL, api_set_int(fd, SOL_TCP, o[i].name,
					       o[i].max + 1));
		EXPECT_EQ(0, api_set_int(fd, SOL_TCP, o[i].name, o[i].max));
		EXPECT_EQ(o[i].max, api_sockopt_int(fd, SOL_TCP, o[i].name));
		EXPECT_EQ(0, api_set_int(fd, SOL_TCP, o[i].name, 1));
		EXPECT_EQ(1, api_sockopt_int(fd, SOL_TCP, o[i].name));
		EXPECT_EQ(-1, setsockopt(fd, SOL_TCP, o[i].name, &c, 1));
		EXPECT_EQ(EINVAL, errno);
	}
	EXPECT_EQ(0, api_set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 0));
	EXPECT_EQ(0, api_sockopt_int(fd, SOL_SOCKET, SO_KEEPALIVE));
	close(fd);
}

TEST_F(one, cork_and_quickack_options)
{
	struct sockaddr_in addr;
	int fd = socket(self->fam, SOCK_STREAM, 0), lfd, cfd, afd;

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, api_sockopt_int(fd, SOL_TCP, TCP_CORK));
	EXPECT_EQ(0, api_set_int(fd, SOL_TCP, TCP_CORK, 3));
	EXPECT_EQ(1, api_sockopt_int(fd, SOL_TCP, TCP_CORK));
	EXPECT_EQ(0, api_set_int(fd, SOL_TCP, TCP_CORK, 0));
	EXPECT_EQ(0, api_sockopt_int(fd, SOL_TCP, TCP_CORK));
	EXPECT_EQ(1, api_sockopt_int(fd, SOL_TCP, TCP_QUICKACK));
	close(fd);

	/* On a connection: TCP_QUICKACK 0 enters ping-pong mode, 1 leaves */
	lfd = api_listener(self->fam, 4, &addr);
	ASSERT_LE(0, lfd);
	cfd = api_connect(self->fam, &addr);
	ASSERT_LE(0, cfd);
	afd = accept(lfd, NULL, NULL);
	ASSERT_LE(0, afd);
	EXPECT_EQ(1, api_sockopt_int(cfd, SOL_TCP, TCP_QUICKACK));
	EXPECT_EQ(0, api_set_int(cfd, SOL_TCP, TCP_QUICKACK, 0));
	EXPECT_EQ(0, api_sockopt_int(cfd, SOL_TCP, TCP_QUICKACK));
	EXPECT_EQ(0, api_set_int(cfd, SOL_TCP, TCP_QUICKACK, 1));
	EXPECT_EQ(1, api_sockopt_int(cfd, SOL_TCP, TCP_QUICKACK));
	/* accept() inherits SO_KEEPALIVE and TCP_KEEP* from the listener */
	close(afd);
	close(cfd);
	ASSERT_EQ(0, api_set_int(lfd, SOL_SOCKET, SO_KEEPALIVE, 1));
	ASSERT_EQ(0, api_set_int(lfd, SOL_TCP, TCP_KEEPIDLE, 33));
	cfd = api_connect(self->fam, &addr);
	ASSERT_LE(0, cfd);
	afd = accept(lfd, NULL, NULL);
	ASSERT_LE(0, afd);
	EXPECT_EQ(1, api_sockopt_int(afd, SOL_SOCKET, SO_KEEPALIVE));
	EXPECT_EQ(33, api_sockopt_int(afd, SOL_TCP, TCP_KEEPIDLE));
	EXPECT_EQ(0, api_sockopt_int(cfd, SOL_SOCKET, SO_KEEPALIVE));
	close(afd);
	close(cfd);
	close(lfd);
}

/* A loopback connection, each end tcplab or Linux TCP. */
FIXTURE(pair) {
	int cfd, afd;
};

FIXTURE_VARIANT(pair) {
	bool lab_client;
	bool lab_server;
};

FIXTURE_VARIANT_ADD(pair, inet_inet) { .lab_client = false, .lab_server = false };
FIXTURE_VARIANT_ADD(pair, lab_inet) { .lab_client = true, .lab_server = false };
FIXTURE_VARIANT_ADD(pair, inet_lab) { .lab_client = false, .lab_server = true };
FIXTURE_VARIANT_ADD(pair, lab_lab) { .lab_client = true, .lab_server = true };

FIXTURE_SETUP(pair)
{
	int cfam = api_family(variant->lab_client);
	int sfam = api_family(variant->lab_server);

	self->cfd = self->afd = -1;
	if (cfam < 0 || sfam < 0)
		ENV_FAIL("tcplab module not loaded");
	ASSERT_EQ(0, api_pair(cfam, sfam, &self->cfd, &self->afd));
}

FIXTURE_TEARDOWN(pair)
{
	if (self->cfd >= 0)
		close(self->cfd);
	if (self->afd >= 0)
		close(self->afd);
}

/* Bytes readable on @fd within @ms (0 if none arrived). */
static int api_avail_within(int fd, int ms)
{
	char buf[4096];
	int n;

	if (api_poll_wait(fd, POLLIN, ms) <= 0)
		return 0;
	n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_PEEK);
	return n < 0 ? -errno : n;
}

static void api_drain(int fd, int n)
{
	char buf[4096];

	while (n > 0) {
		int r = recv(fd, buf, sizeof(buf) < (size_t)n ? sizeof(buf) : n,
			     0);
		if (r <= 0)
			break;
		n -= r;
	}
}

/* TCP_CORK holds a partial segment; uncorking sends it. */
TEST_F(pair, cork_holds_until_uncork)
{
	char buf[300];
	long t0;

	memset(buf, 'c', sizeof(buf));
	ASSERT_EQ(0, api_set_int(self->cfd, SOL_TCP, TCP_CORK, 1));
	ASSERT_EQ(100, send(self->cfd, buf, 100, 0));
	EXPECT_EQ(0, api_avail_within(self->afd, 100));
	ASSERT_EQ(200, send(self->cfd, buf, 200, 0));
	EXPECT_EQ(0, api_avail_within(self->afd, 50));
	t0 = api_now_ms();
	ASSERT_EQ(0, api_set_int(self->cfd, SOL_TCP, TCP_CORK, 0));
	EXPECT_EQ(300, api_avail_within(self->afd, 1000));
	EXPECT_GT(150, api_now_ms() - t0);
	api_drain(self->afd, 300);
}

/* ... but not for ever: Linux's 200 ms ceiling. */
TEST_F(pair, cork_ceiling)
{
	char buf[100];
	long t0, dt;

	memset(buf, 'c', sizeof(buf));
	ASSERT_EQ(0, api_set_int(self->cfd, SOL_TCP, TCP_CORK, 1));
	t0 = api_now_ms();
	ASSERT_EQ(100, send(self->cfd, buf, 100, 0));
	EXPECT_EQ(100, api_avail_within(self->afd, 3000));
	dt = api_now_ms() - t0;
	TH_LOG("corked data arrived after %ld ms", dt);
	EXPECT_LE(150, dt);
	EXPECT_GE(1500, dt);
	api_drain(self->afd, 100);
}

/* MSG_MORE holds the tail of one send(); the next send() takes it along. */
TEST_F(pair, msg_more)
{
	char buf[200];

	memset(buf, 'm', sizeof(buf));
	ASSERT_EQ(0, api_set_int(self->cfd, SOL_TCP, TCP_NODELAY, 1));
	ASSERT_EQ(100, send(self->cfd, buf, 100, MSG_MORE));
	EXPECT_EQ(0, api_avail_within(self->afd, 100));
	ASSERT_EQ(100, send(self->cfd, buf, 100, 0));
	EXPECT_EQ(200, api_avail_within(self->afd, 1000));
	api_drain(self->afd, 200);
}

/* Setting TCP_NODELAY pushes what Nagle held; data is never lost. */
TEST_F(pair, nagle_small_writes_all_arrive)
{
	char buf[1];
	int i, got = 0;

	buf[0] = 'n';
	for (i = 0; i < 200; i++)
		ASSERT_EQ(1, send(self->cfd, buf, 1, 0));
	ASSERT_EQ(0, api_set_int(self->cfd, SOL_TCP, TCP_NODELAY, 1));
	while (got < 200) {
		char in[256];
		int n;

		ASSERT_LT(0, api_poll_wait(self->afd, POLLIN, 2000));
		n = recv(self->afd, in, sizeof(in), 0);
		ASSERT_LT(0, n);
		got += n;
	}
	EXPECT_EQ(200, got);
}

/*
 * Bulk data from cfd to afd (a child process writes @total bytes in
 * 64 KiB sends); the bytes the parent read.
 */
static long api_bulk(int wfd, int rfd, long total)
{
	static char buf[65536];
	long got = 0;
	pid_t pid;
	int st;

	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		long sent = 0;

		while (sent < total) {
			ssize_t n = send(wfd, buf, sizeof(buf), 0);

			if (n <= 0)
				_exit(1);
			sent += n;
		}
		_exit(0);
	}
	while (got < total) {
		ssize_t n = recv(rfd, buf, sizeof(buf), 0);

		if (n <= 0)
			break;
		got += n;
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return -1;
	return got;
}

/* A number from /proc/sys. */
static long api_proc_long(const char *path, int field)
{
	long v[3] = { -1, -1, -1 };
	FILE *f = fopen(path, "r");

	if (f) {
		if (fscanf(f, "%ld %ld %ld", &v[0], &v[1], &v[2]) < field + 1)
			v[field] = -1;
		fclose(f);
	}
	return v[field];
}

/*
 * Buffer autotuning: a bulk transfer grows the receiver's SO_RCVBUF
 * (tcp_rcv_space_adjust()); the sender's SO_SNDBUF holds two congestion
 * windows (tcp_sndbuf_expand(), on loopback more than wmem_default from
 * the handshake on); tcp_rmem[2] and tcp_wmem[2] bound both.
 */
TEST_F(pair, buffers_grow_with_bulk_data)
{
	long rmax = api_proc_long("/proc/sys/net/ipv4/tcp_rmem", 2);
	long wmax = api_proc_long("/proc/sys/net/ipv4/tcp_wmem", 2);
	long wdef = api_proc_long("/proc/sys/net/core/wmem_default", 0);
	int rcv0 = api_sockopt_int(self->afd, SOL_SOCKET, SO_RCVBUF);
	int snd0 = api_sockopt_int(self->cfd, SOL_SOCKET, SO_SNDBUF);
	int rcv, snd;

	ASSERT_LT(0, rmax);
	ASSERT_LT(0, wmax);
	ASSERT_LT(0, wdef);
	ASSERT_EQ(32L << 20, api_bulk(self->cfd, self->afd, 32L << 20));
	rcv = api_sockopt_int(self->afd, SOL_SOCKET, SO_RCVBUF);
	snd = api_sockopt_int(self->cfd, SOL_SOCKET, SO_SNDBUF);
	TH_LOG("SO_RCVBUF %d -> %d, SO_SNDBUF %d -> %d", rcv0, rcv, snd0, snd);
	EXPECT_LT(rcv0, rcv);
	EXPECT_LE(snd0, snd);
	EXPECT_LT(wdef, snd);
	EXPECT_GE(rmax, rcv);
	EXPECT_GE(wmax, snd);
}

/* ... but not a buffer the user sized: SO_RCVBUF and SO_SNDBUF stay. */
TEST_F(pair, buffers_set_by_the_user_stay)
{
	int rcv, snd;

	ASSERT_EQ(0, api_set_int(self->afd, SOL_SOCKET, SO_RCVBUF, 100000));
	ASSERT_EQ(0, api_set_int(self->cfd, SOL_SOCKET, SO_SNDBUF, 100000));
	ASSERT_EQ(8L << 20, api_bulk(self->cfd, self->afd, 8L << 20));
	rcv = api_sockopt_int(self->afd, SOL_SOCKET, SO_RCVBUF);
	snd = api_sockopt_int(self->cfd, SOL_SOCKET, SO_SNDBUF);
	EXPECT_EQ(200000, rcv);		/* doubled by the kernel, as always */
	EXPECT_EQ(200000, snd);
}

TEST_HARNESS_MAIN
