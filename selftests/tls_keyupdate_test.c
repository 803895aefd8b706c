// SPDX-License-Identifier: GPL-2.0
/*
 * tls_keyupdate_test: libtcplab-tls sends TLS 1.3 KeyUpdate (RFC 8446
 * 4.6.3) without ever blocking a program that also reads.
 *
 * Two programs that send and read at once can fill both directions: each
 * side's send buffer is full because the other is not reading yet.  A
 * KeyUpdate that then waited for room would wait for ever if the peer is
 * itself blocked sending to us (OpenSSL's s_server writes with blocking
 * sends).  So:
 *
 *   - tcplab_tls_rekey(MSG_DONTWAIT) on a full send buffer returns
 *     TCPLAB_TLS_E_AGAIN with nothing sent and the keys unchanged, and
 *     succeeds once the peer has read;
 *   - tcplab_tls_recv() that meets a KeyUpdate asking for ours, with our
 *     send buffer full, installs the next receive key, returns the data,
 *     and owes the answer: the next tcplab_tls_send() sends it first.
 *
 * Both ends are libtcplab-tls on the family under test, client in
 * namespace A, server in B, one thread driving both after the handshake,
 * so every step happens in a known order.  All data is checked byte for
 * byte: what the old keys sealed and what the new ones did.
 *
 * Family from the program's name (tls_lib_util.h).  Linux kTLS before
 * 6.14 cannot change keys on a live socket: there, the _inet run skips.
 */
#include <pthread.h>

#include "kselftest_harness.h"
#include "tls_lib_util.h"

#define PORT		4440
#define BUF		65536	/* SO_SNDBUF/SO_RCVBUF: fills fast */
#define CHUNK		16384

/* One direction of the stream: what was sent and what was read. */
struct dir {
	uint64_t tx_state, rx_state;
	uint64_t sent, rcvd;
	bool bad;	/* a byte read differs from the one sent */
};

/* Send the stream while the socket takes it; bytes sent now. */
static uint64_t fill(struct tcplab_tls *t, struct dir *d)
{
	static unsigned char buf[CHUNK];
	uint64_t before = d->sent;

	for (;;) {
		uint64_t st = d->tx_state;
		ssize_t n;

		wire_fill(&st, buf, sizeof(buf));
		n = tcplab_tls_send(t, buf, sizeof(buf),
				    MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n <= 0)
			break;
		/* Advance the generator by exactly what went out. */
		wire_fill(&d->tx_state, buf, n);
		d->sent += n;
	}
	return d->sent - before;
}

/* Fill until the peer's window is shut: nothing more after a pause. */
static void fill_stuck(struct tcplab_tls *t, struct dir *d)
{
	int i;

	for (i = 0; i < 50; i++) {
		fill(t, d);
		usleep(100 * 1000);
		if (!fill(t, d))
			return;
	}
}

/* Read what is there now, checking every byte. */
static void drain(struct tcplab_tls *t, struct dir *d)
{
	static unsigned char buf[CHUNK], want[CHUNK];

	for (;;) {
		ssize_t n = tcplab_tls_recv(t, buf, sizeof(buf), MSG_DONTWAIT);

		if (n <= 0)
			return;
		wire_fill(&d->rx_state, want, n);
		if (memcmp(buf, want, n))
			d->bad = true;
		d->rcvd += n;
	}
}

static void wait_fd(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	poll(&p, 1, 100);
}

/* Read (from @fd's end) until all that was sent is in, or @deadline. */
static void drain_all(struct tcplab_tls *t, int fd, struct dir *d,
		      double deadline)
{
	while (d->rcvd < d->sent && wire_now() < deadline) {
		drain(t, d);
		wait_fd(fd, POLLIN);
	}
}

static unsigned int rekeys(struct tcplab_tls *t, bool rx)
{
	struct tcplab_tls_info in;

	tcplab_tls_get_info(t, &in);
	return rx ? in.rekeys_rx : in.rekeys_tx;
}

struct server_hs {
	int fd;
	struct tcplab_tls *t;
	int rc;
	char why[256];
};

static void *server_handshake(void *arg)
{
	struct server_hs *s = arg;
	struct tcplab_tls_config cfg = {
		.size = sizeof(struct tcplab_tls_config),
		.cert_file = PKI "/server-chain.pem",
		.key_file = PKI "/server.key",
	};

	s->rc = tcplab_tls_server(s->fd, &cfg, &s->t);
	if (s->rc)
		snprintf(s->why, sizeof(s->why), "%s",
			 tcplab_tls_last_reason());
	return NULL;
}

FIXTURE(keyupdate) {
	struct wire w;
	int family;
	int cfd, sfd;
	struct tcplab_tls *c, *s;
};

FIXTURE_SETUP(keyupdate)
{
	struct tcplab_tls_config cfg = {
		.size = sizeof(struct tcplab_tls_config),
		.ca_file = PKI "/ca.pem",
		.server_name = WIRE_ADDR_B,
	};
	struct sockaddr_in sin = wire_sin(WIRE_ADDR_B, PORT);
	struct server_hs hs = { .fd = -1 };
	const char *why = NULL;
	int r, lfd, sz = BUF;
	pthread_t th;

	self->cfd = self->sfd = -1;
	self->c = self->s = NULL;
	r = tls_setup(&self->w, &self->family, &why);
	if (r > 0)
		ENV_FAIL("%s", why);
	ASSERT_EQ(0, r) TH_LOG("%s", why);
	if (tcplab_tls_kernel_can_rekey(self->family) != 1)
		SKIP(return, "this kernel's TLS cannot change keys on a live socket");

	lfd = listen_on(&self->w, self->w.b, self->family, WIRE_ADDR_B, PORT);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, setsockopt(lfd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz)));
	ASSERT_EQ(0, setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz)));
	self->cfd = wire_socket(&self->w, self->w.a, self->family,
				SOCK_STREAM, 0);
	ASSERT_LE(0, self->cfd);
	ASSERT_EQ(0, setsockopt(self->cfd, SOL_SOCKET, SO_SNDBUF, &sz,
				sizeof(sz)));
	ASSERT_EQ(0, setsockopt(self->cfd, SOL_SOCKET, SO_RCVBUF, &sz,
				sizeof(sz)));
	ASSERT_EQ(0, connect(self->cfd, (struct sockaddr *)&sin, sizeof(sin)));
	self->sfd = accept_timeout(lfd, 10);
	close(lfd);
	ASSERT_LE(0, self->sfd);

	hs.fd = self->sfd;
	ASSERT_EQ(0, pthread_create(&th, NULL, server_handshake, &hs));
	r = tcplab_tls_client(self->cfd, &cfg, &self->c);
	pthread_join(th, NULL);
	self->s = hs.t;
	ASSERT_EQ(0, r) TH_LOG("client: %s", tcplab_tls_last_reason());
	ASSERT_EQ(0, hs.rc) TH_LOG("server: %s", hs.why);
}

FIXTURE_TEARDOWN(keyupdate)
{
	if (self->c)
		tcplab_tls_free(self->c);
	if (self->s)
		tcplab_tls_free(self->s);
	if (self->cfd >= 0)
		close(self->cfd);
	if (self->sfd >= 0)
		close(self->sfd);
	wire_down(&self->w);
}

TEST_F_TIMEOUT(keyupdate, never_blocks_a_reader, 120)
{
	struct dir up = { .tx_state = 0x1234, .rx_state = 0x1234 };
	struct dir down = { .tx_state = 0x5678, .rx_state = 0x5678 };
	double deadline;
	int r;

	/* 1. Client to server full; the KeyUpdate must not wait for room. */
	fill_stuck(self->c, &up);
	ASSERT_LT(0, up.sent);
	r = tcplab_tls_rekey(self->c, true, MSG_DONTWAIT);
	ASSERT_EQ(TCPLAB_TLS_E_AGAIN, r) TH_LOG("%s", tcplab_tls_last_reason());
	EXPECT_EQ(0, rekeys(self->c, false));

	/* 2. Once the server reads, there is room and it goes out. */
	deadline = wire_now() + 20;
	do {
		drain(self->s, &up);
		r = tcplab_tls_rekey(self->c, true, MSG_DONTWAIT);
		if (r == TCPLAB_TLS_E_AGAIN)
			wait_fd(self->cfd, POLLOUT);
	} while (r == TCPLAB_TLS_E_AGAIN && wire_now() < deadline);
	ASSERT_EQ(0, r) TH_LOG("%s", tcplab_tls_last_reason());
	EXPECT_EQ(1, rekeys(self->c, false));

	/*
	 * 3. Data under the client's new key behind the KeyUpdate; the
	 * server's own send buffer full.  Reading the request then installs
	 * the next receive key but cannot send the answer: it is owed.
	 */
	fill(self->c, &up);
	fill_stuck(self->s, &down);
	drain_all(self->s, self->sfd, &up, wire_now() + 20);
	ASSERT_EQ(up.sent, up.rcvd);
	ASSERT_FALSE(up.bad) TH_LOG("the server read bytes that were not sent");
	EXPECT_EQ(1, rekeys(self->s, true));
	EXPECT_EQ(0, rekeys(self->s, false)) TH_LOG("the answer went out on a full send buffer?");
	EXPECT_EQ(-1, tcplab_tls_send(self->s, "x", 1, MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);

	/*
	 * 4. The client reads; the server's next send carries the owed
	 * KeyUpdate first, and the data after it is sealed with its new key.
	 */
	deadline = wire_now() + 20;
	while (rekeys(self->s, false) == 0 && wire_now() < deadline) {
		drain(self->c, &down);
		fill(self->s, &down);
		wait_fd(self->cfd, POLLIN);
	}
	EXPECT_EQ(1, rekeys(self->s, false));
	drain_all(self->c, self->cfd, &down, wire_now() + 20);
	ASSERT_EQ(down.sent, down.rcvd);
	ASSERT_FALSE(down.bad) TH_LOG("the client read bytes that were not sent");
	EXPECT_EQ(1, rekeys(self->c, true));
	TH_LOG("client to server %llu bytes, server to client %llu bytes",
	       (unsigned long long)up.sent, (unsigned long long)down.sent);
}

TEST_HARNESS_MAIN
