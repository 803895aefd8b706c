// SPDX-License-Identifier: GPL-2.0
/*
 * wire_many_test: 1000 connections open at the same time in one network
 * namespace (on its loopback), tcplab with tcplab and with Linux TCP in
 * both directions.  All are opened (nonblocking connects, then accepts),
 * each carries its own message each way, all are closed; afterwards,
 * once TIME-WAIT is over, no tcplab socket is left in any namespace
 * (SocketsAllNamespaces 0), so the module can unload.
 */
#include "kselftest_harness.h"
#include "wire_util.h"

#define NCONN	1000

FIXTURE(many) {
	struct wire w;
	int cfam, sfam;
	int cfd[NCONN], afd[NCONN];
	int lfd;
};

FIXTURE_VARIANT(many) {
	bool lab_client;
	bool lab_server;
};

FIXTURE_VARIANT_ADD(many, lab_lab) { true, true };
FIXTURE_VARIANT_ADD(many, lab_inet) { true, false };
FIXTURE_VARIANT_ADD(many, inet_lab) { false, true };

FIXTURE_SETUP(many)
{
	const char *why = NULL;
	int lab = tcplab_family(), r, i;

	self->w.root = self->w.a = self->w.b = -1;
	self->w.up = false;
	self->lfd = -1;
	for (i = 0; i < NCONN; i++)
		self->cfd[i] = self->afd[i] = -1;
	if (lab < 0)
		ENV_FAIL("tcplab module not loaded");
	self->cfam = variant->lab_client ? lab : AF_INET;
	self->sfam = variant->lab_server ? lab : AF_INET;
	ASSERT_EQ(0, wire_raise_nofile(2 * NCONN + 64));
	r = wire_up(&self->w, &why);
	if (r > 0)
		ENV_FAIL("%s", why);
	ASSERT_EQ(0, r) TH_LOG("%s", why);
}

FIXTURE_TEARDOWN(many)
{
	int i;

	for (i = 0; i < NCONN; i++) {
		if (self->cfd[i] >= 0)
			close(self->cfd[i]);
		if (self->afd[i] >= 0)
			close(self->afd[i]);
	}
	if (self->lfd >= 0)
		close(self->lfd);
	wire_down(&self->w);
}

static int local_port(int fd, int peer)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);

	if ((peer ? getpeername : getsockname)(fd, (struct sockaddr *)&sin, &sl))
		return -1;
	return ntohs(sin.sin_port);
}

TEST_F_TIMEOUT(many, thousand_connections, 600)
{
	struct sockaddr_in sin = wire_sin("127.0.0.1", 0);
	static int by_port[65536];
	socklen_t sl = sizeof(sin);
	long est0 = wire_stat(&self->w, self->w.a, "Established");
	int i, accepted = 0, n_est;
	double t0 = wire_now(), t_open, t_data, t_closed, t_drain;
	long left = -1;

	self->lfd = wire_socket(&self->w, self->w.a, self->sfam, SOCK_STREAM, 0);
	ASSERT_LE(0, self->lfd);
	ASSERT_EQ(0, bind(self->lfd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(self->lfd, NCONN + 24));
	ASSERT_EQ(0, getsockname(self->lfd, (struct sockaddr *)&sin, &sl));

	/* Open: every connect in flight at once, then accept them all. */
	for (i = 0; i < NCONN; i++) {
		self->cfd[i] = wire_socket(&self->w, self->w.a, self->cfam,
					   SOCK_STREAM | SOCK_NONBLOCK, 0);
		ASSERT_LE(0, self->cfd[i]) TH_LOG("socket %d: %s", i, strerror(errno));
		if (connect(self->cfd[i], (struct sockaddr *)&sin, sizeof(sin)))
			ASSERT_EQ(EINPROGRESS, errno) TH_LOG("connect %d", i);
	}
	while (accepted < NCONN) {
		struct pollfd pfd = { .fd = self->lfd, .events = POLLIN };
		int fd;

		ASSERT_EQ(1, poll(&pfd, 1, 20000))
			TH_LOG("accepted %d of %d", accepted, NCONN);
		fd = accept(self->lfd, NULL, NULL);
		ASSERT_LE(0, fd);
		self->afd[accepted++] = fd;
	}
	/* Every client connected, without error. */
	for (i = 0; i < NCONN; i++) {
		struct pollfd pfd = { .fd = self->cfd[i], .events = POLLOUT };
		socklen_t el = sizeof(int);
		int err = -1;

		ASSERT_EQ(1, poll(&pfd, 1, 20000)) TH_LOG("client %d", i);
		ASSERT_EQ(0, getsockopt(self->cfd[i], SOL_SOCKET, SO_ERROR, &err, &el));
		ASSERT_EQ(0, err) TH_LOG("client %d", i);
		fcntl(self->cfd[i], F_SETFL, 0);
		by_port[local_port(self->cfd[i], 0)] = i + 1;
	}
	t_open = wire_now();

	/* Each connection its own message: client -> server -> back. */
	for (i = 0; i < NCONN; i++) {
		char msg[32];
		int len = snprintf(msg, sizeof(msg), "conn %04d ->", i);

		ASSERT_EQ(len, send(self->cfd[i], msg, len, 0));
	}
	for (i = 0; i < NCONN; i++) {
		char msg[32], want[32];
		int c = by_port[local_port(self->afd[i], 1)] - 1, len;

		ASSERT_LE(0, c) TH_LOG("accepted %d: unknown peer", i);
		len = snprintf(want, sizeof(want), "conn %04d ->", c);
		ASSERT_EQ(len, recv(self->afd[i], msg, len, MSG_WAITALL));
		ASSERT_EQ(0, memcmp(msg, want, len));
		len = snprintf(msg, sizeof(msg), "<- conn %04d", c);
		ASSERT_EQ(len, send(self->afd[i], msg, len, 0));
	}
	for (i = 0; i < NCONN; i++) {
		char msg[32], want[32];
		int len = snprintf(want, sizeof(want), "<- conn %04d", i);

		ASSERT_EQ(len, recv(self->cfd[i], msg, len, MSG_WAITALL));
		ASSERT_EQ(0, memcmp(msg, want, len));
	}
	t_data = wire_now();
	n_est = wire_stat(&self->w, self->w.a, "Established") - est0;
	EXPECT_EQ((variant->lab_client + variant->lab_server) * NCONN, n_est);

	/* Close: clients first (they wait out TIME-WAIT), then servers. */
	for (i = 0; i < NCONN; i++) {
		close(self->cfd[i]);
		self->cfd[i] = -1;
	}
	for (i = 0; i < NCONN; i++) {
		char c;

		EXPECT_EQ(0, recv(self->afd[i], &c, 1, 0));
		close(self->afd[i]);
		self->afd[i] = -1;
	}
	close(self->lfd);
	self->lfd = -1;

	/*
	 * 2 * MSL of TIME-WAIT, then nothing of tcplab is left anywhere: a
	 * minute from the last close (times TCPLAB_TIME_FACTOR), looked at
	 * at least once.
	 */
	t_closed = wire_now();
	do {
		left = wire_stat(&self->w, self->w.a, "SocketsAllNamespaces");
		if (left == 0)
			break;
		usleep(100000);
	} while (wire_now() - t_closed < 60.0 * tcplab_time_factor());
	t_drain = wire_now();
	TH_LOG("open %.1f s, data %.1f s, close + drain %.1f s",
	       t_open - t0, t_data - t_open, t_drain - t_data);
	EXPECT_EQ(0, left);
	EXPECT_EQ(0, wire_stat(&self->w, self->w.a, "Sockets"));
}

TEST_HARNESS_MAIN
