// SPDX-License-Identifier: GPL-2.0
/*
 * wire_flow_test: flow control on the wire between two hosts (network
 * namespaces joined by a veth pair, see wire_util.h), each end tcplab or
 * Linux TCP (inet_inet is the oracle):
 *  - a receiver that stops reading for 5 s: the window closes, the sender
 *    probes it (persist timer), and when reading resumes all data arrives
 *    byte-identical (hash) - in both directions;
 *  - keepalive probes are on the wire, and a dead peer (its replies
 *    dropped by netem loss 100%) ends the connection with ETIMEDOUT;
 *  - delayed ACKs: a bulk receiver acknowledges about every second
 *    segment, and a ping-pong exchange piggybacks its ACKs on the replies.
 */
#include "kselftest_harness.h"
#include "wire_util.h"

#define FLOW_STALL_BYTES	(2ULL << 20)
#define FLOW_MAX_PKTS		20000

FIXTURE(flow) {
	struct wire w;
	int cfam, sfam;
	int cfd, afd;
	uint16_t sport;		/* the server's port */
};

FIXTURE_VARIANT(flow) {
	bool lab_client;
	bool lab_server;
};

FIXTURE_VARIANT_ADD(flow, inet_inet) { false, false };
FIXTURE_VARIANT_ADD(flow, lab_inet) { true, false };
FIXTURE_VARIANT_ADD(flow, inet_lab) { false, true };
FIXTURE_VARIANT_ADD(flow, lab_lab) { true, true };

/* A capture on host A's veth with room for a whole test's packets. */
static int flow_capture(FIXTURE_DATA(flow) *self)
{
	int fd = wire_capture_open(&self->w, self->w.a, WIRE_DEV_A);
	int size = 64 << 20;

	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	return fd;
}

/* Client in host A, server in host B; @rcvbuf for the server if > 0. */
static int flow_connect(struct __test_metadata *_metadata,
			FIXTURE_DATA(flow) *self, int rcvbuf)
{
	struct sockaddr_in sin = wire_sin(WIRE_ADDR_B, 0);
	socklen_t sl = sizeof(sin);
	int lfd;

	lfd = wire_socket(&self->w, self->w.b, self->sfam, SOCK_STREAM, 0);
	if (lfd < 0)
		return -1;
	if (rcvbuf > 0)
		setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) || listen(lfd, 4) ||
	    getsockname(lfd, (struct sockaddr *)&sin, &sl))
		return -1;
	self->sport = ntohs(sin.sin_port);
	self->cfd = wire_socket(&self->w, self->w.a, self->cfam, SOCK_STREAM, 0);
	if (self->cfd < 0)
		return -1;
	if (rcvbuf > 0)
		setsockopt(self->cfd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			   sizeof(rcvbuf));
	if (connect(self->cfd, (struct sockaddr *)&sin, sizeof(sin)))
		return -1;
	self->afd = accept(lfd, NULL, NULL);
	close(lfd);
	return self->afd < 0 ? -1 : 0;
}

FIXTURE_SETUP(flow)
{
	const char *why = NULL;
	int lab = tcplab_family(), r;

	self->w.root = self->w.a = self->w.b = -1;
	self->w.up = false;
	self->cfd = self->afd = -1;
	if (lab < 0)
		ENV_FAIL("tcplab module not loaded");
	self->cfam = variant->lab_client ? lab : AF_INET;
	self->sfam = variant->lab_server ? lab : AF_INET;
	r = wire_up(&self->w, &why);
	if (r > 0)
		ENV_FAIL("%s", why);
	ASSERT_EQ(0, r) TH_LOG("%s", why);
}

FIXTURE_TEARDOWN(flow)
{
	if (self->cfd >= 0)
		close(self->cfd);
	if (self->afd >= 0)
		close(self->afd);
	wire_down(&self->w);
}

/* Sender child: FLOW_STALL_BYTES of stream @seed, then SHUT_WR. */
struct flow_sent {
	int rc;
	uint64_t bytes, hash;
};

static void flow_send_all(int fd, uint64_t seed, struct flow_sent *s)
{
	unsigned char buf[16384];
	uint64_t state = seed | 1;

	s->rc = 0;
	s->bytes = 0;
	s->hash = FNV64_INIT;
	while (s->bytes < FLOW_STALL_BYTES) {
		size_t n = sizeof(buf), off = 0;

		if (FLOW_STALL_BYTES - s->bytes < n)
			n = FLOW_STALL_BYTES - s->bytes;
		wire_fill(&state, buf, n);
		while (off < n) {
			ssize_t r = send(fd, buf + off, n - off, MSG_NOSIGNAL);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				s->rc = -errno;
				return;
			}
			off += r;
		}
		s->hash = fnv1a64(s->hash, buf, n);
		s->bytes += n;
	}
	if (shutdown(fd, SHUT_WR))
		s->rc = -errno;
}

/*
 * @snd sends FLOW_STALL_BYTES to @rcv, which reads nothing for 5 s and
 * then everything.  The capture on host A's veth during the stall must
 * show the zero window and the sender's probes.
 */
static void flow_stall(struct __test_metadata *_metadata,
		       FIXTURE_DATA(flow) *self, int snd, int rcv,
		       bool client_sends)
{
	static struct wire_pkt pk[FLOW_MAX_PKTS];
	struct flow_sent sent;
	struct wire_child child;
	unsigned char buf[65536];
	uint64_t got = 0, hash = FNV64_INIT;
	int p[2], cap, n, i, zero = 0, probes = 0;
	uint32_t snd_addr;

	inet_pton(AF_INET, client_sends ? WIRE_ADDR_A : WIRE_ADDR_B, &snd_addr);
	ASSERT_EQ(0, pipe(p));
	child.pid = fork();
	ASSERT_LE(0, child.pid);
	if (!child.pid) {
		close(p[0]);
		flow_send_all(snd, 0x57a11ULL + client_sends, &sent);
		if (write(p[1], &sent, sizeof(sent)) != sizeof(sent))
			_exit(2);
		_exit(0);
	}
	close(p[1]);
	child.rfd = p[0];

	/* The window fills in the first second; watch the next four. */
	sleep(1);
	cap = flow_capture(self);
	ASSERT_LE(0, cap);
	sleep(4);
	n = wire_capture_read(cap, pk, FLOW_MAX_PKTS, self->sport, 0, 100);
	close(cap);
	for (i = 0; i < n; i++) {
		if (pk[i].saddr == snd_addr)
			probes++;
		else if (!pk[i].wnd)
			zero++;
	}
	TH_LOG("stalled 4 s: %d segments from the sender, %d zero windows",
	       probes, zero);
	/* RFC 9293 3.8.6.1: the window is zero, and the sender probes it */
	EXPECT_LE(1, zero);
	EXPECT_LE(1, probes);
	EXPECT_GE(20, probes);

	for (;;) {
		ssize_t r = recv(rcv, buf, sizeof(buf), 0);

		if (r < 0 && errno == EINTR)
			continue;
		ASSERT_LE(0, r) TH_LOG("recv: %s", strerror(errno));
		if (!r)
			break;
		hash = fnv1a64(hash, buf, r);
		got += r;
	}
	ASSERT_EQ(0, wire_child_wait(&child, &sent, sizeof(sent)));
	EXPECT_EQ(0, sent.rc);
	EXPECT_EQ(FLOW_STALL_BYTES, sent.bytes);
	EXPECT_EQ(FLOW_STALL_BYTES, got);
	EXPECT_EQ(sent.hash, hash);
}

TEST_F_TIMEOUT(flow, zero_window_server_stops_reading, 60)
{
	ASSERT_EQ(0, flow_connect(_metadata, self, 32768));
	flow_stall(_metadata, self, self->cfd, self->afd, true);
}

TEST_F_TIMEOUT(flow, zero_window_client_stops_reading, 60)
{
	ASSERT_EQ(0, flow_connect(_metadata, self, 32768));
	flow_stall(_metadata, self, self->afd, self->cfd, false);
}

static int flow_keepalive(int fd, int idle, int intvl, int cnt)
{
	int on = 1;

	if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on)) ||
	    setsockopt(fd, SOL_TCP, TCP_KEEPIDLE, &idle, sizeof(idle)) ||
	    setsockopt(fd, SOL_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl)) ||
	    setsockopt(fd, SOL_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt)))
		return -errno;
	return 0;
}

/* Idle connection: probes <SEQ=SND.UNA-1>, no data, and answers. */
TEST_F_TIMEOUT(flow, keepalive_probes_on_the_wire, 30)
{
	static struct wire_pkt pk[64];
	uint32_t caddr;
	int cap, n, i, probes = 0, answers = 0;
	char c = 'k';

	inet_pton(AF_INET, WIRE_ADDR_A, &caddr);
	ASSERT_EQ(0, flow_connect(_metadata, self, 0));
	ASSERT_EQ(0, flow_keepalive(self->cfd, 1, 1, 9));
	ASSERT_EQ(1, send(self->cfd, &c, 1, 0));
	ASSERT_EQ(1, recv(self->afd, &c, 1, 0));
	cap = flow_capture(self);
	ASSERT_LE(0, cap);
	sleep(4);
	n = wire_capture_read(cap, pk, 64, self->sport, 0, 100);
	close(cap);
	for (i = 0; i < n; i++) {
		if (pk[i].saddr != caddr) {
			answers++;
			continue;
		}
		/* RFC 1122 4.2.3.6: an old sequence number, no data */
		EXPECT_EQ(0, pk[i].len);
		EXPECT_EQ(WIRE_ACK, pk[i].flags);
		if (i + 1 < n && pk[i + 1].saddr != caddr)
			EXPECT_EQ(pk[i].seq + 1, pk[i + 1].ack);
		probes++;
	}
	TH_LOG("4 s idle: %d probes, %d answers", probes, answers);
	EXPECT_LE(2, probes);
	EXPECT_GE(6, probes);
	EXPECT_LE(2, answers);
	/* The connection is fine. */
	ASSERT_EQ(1, send(self->afd, &c, 1, 0));
	ASSERT_EQ(1, recv(self->cfd, &c, 1, 0));
}

/* The peer's answers vanish: KEEPCNT probes, then ETIMEDOUT. */
TEST_F_TIMEOUT(flow, keepalive_dead_peer_etimedout, 60)
{
	double t0;
	char c = 'k';
	int r;

	ASSERT_EQ(0, flow_connect(_metadata, self, 0));
	ASSERT_EQ(0, flow_keepalive(self->cfd, 1, 1, 2));
	ASSERT_EQ(1, send(self->cfd, &c, 1, 0));
	ASSERT_EQ(1, recv(self->afd, &c, 1, 0));
	if (access(WIRE_TC, X_OK) ||
	    (wire_sh(WIRE_MODPROBE " -q sch_netem") &&
	     access("/sys/module/sch_netem", F_OK)))
		ENV_FAIL("no tc or netem");
	ASSERT_EQ(0, wire_sh(WIRE_IP " netns exec " WIRE_NS_B " " WIRE_TC
			     " qdisc add dev " WIRE_DEV_B " root netem loss 100%%"));
	t0 = wire_now();
	r = recv(self->cfd, &c, 1, 0);
	EXPECT_EQ(-1, r);
	EXPECT_EQ(ETIMEDOUT, errno);
	TH_LOG("ETIMEDOUT after %.1f s", wire_now() - t0);
	EXPECT_LE(1.5, wire_now() - t0);
	EXPECT_GE(15.0, wire_now() - t0);
}

/* Bulk: the receiver acknowledges (about) every second full segment. */
TEST_F_TIMEOUT(flow, delayed_ack_every_second_segment, 60)
{
	static struct wire_pkt pk[FLOW_MAX_PKTS];
	enum { TOTAL = 1 << 20, MSS = 1448 };
	unsigned char buf[65536];
	uint32_t caddr;
	int cap, n, i, data = 0, acks = 0, full = 0;
	long got = 0;
	pid_t pid;

	inet_pton(AF_INET, WIRE_ADDR_A, &caddr);
	ASSERT_EQ(0, flow_connect(_metadata, self, 0));
	cap = flow_capture(self);
	ASSERT_LE(0, cap);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		long sent = 0;

		memset(buf, 'd', sizeof(buf));
		while (sent < TOTAL) {
			ssize_t r = send(self->cfd, buf, sizeof(buf), 0);

			if (r <= 0)
				_exit(1);
			sent += r;
		}
		_exit(0);
	}
	while (got < TOTAL) {
		ssize_t r = recv(self->afd, buf, sizeof(buf), 0);

		ASSERT_LT(0, r);
		got += r;
	}
	waitpid(pid, NULL, 0);
	n = wire_capture_read(cap, pk, FLOW_MAX_PKTS, self->sport, 0, 200);
	close(cap);
	for (i = 0; i < n; i++) {
		if (pk[i].saddr == caddr) {
			/* a GSO packet of Linux counts as its segments */
			data += (pk[i].len + MSS - 1) / MSS;
			full += pk[i].len >= MSS;
		} else if (!pk[i].len) {
			acks++;
		}
	}
	TH_LOG("%d data segments (%d packets of at least an MSS), %d ACKs",
	       data, full, acks);
	EXPECT_EQ(n < FLOW_MAX_PKTS, true);
	/*
	 * RFC 9293 3.8.6.3: fewer ACKs than segments.  With GRO a segment
	 * on this veth may carry several MSS, so only an upper bound is
	 * sure.
	 */
	/* Linux also sends window updates as the reader reads */
	EXPECT_GT(variant->lab_server ? data * 3 / 4 : data, acks);
	EXPECT_LT(0, acks);
}

/* Ping-pong with TCP_NODELAY: ACKs ride on the replies. */
TEST_F_TIMEOUT(flow, delayed_ack_piggybacks_on_replies, 60)
{
	static struct wire_pkt pk[FLOW_MAX_PKTS];
	enum { ROUNDS = 300 };
	int cap, n, i, one = 1, bare = 0;
	char c = 'p';

	ASSERT_EQ(0, flow_connect(_metadata, self, 0));
	setsockopt(self->cfd, SOL_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(self->afd, SOL_TCP, TCP_NODELAY, &one, sizeof(one));
	/* warm up: past quick-ACK mode */
	for (i = 0; i < 50; i++) {
		ASSERT_EQ(1, send(self->cfd, &c, 1, 0));
		ASSERT_EQ(1, recv(self->afd, &c, 1, 0));
		ASSERT_EQ(1, send(self->afd, &c, 1, 0));
		ASSERT_EQ(1, recv(self->cfd, &c, 1, 0));
	}
	cap = flow_capture(self);
	ASSERT_LE(0, cap);
	for (i = 0; i < ROUNDS; i++) {
		ASSERT_EQ(1, send(self->cfd, &c, 1, 0));
		ASSERT_EQ(1, recv(self->afd, &c, 1, 0));
		ASSERT_EQ(1, send(self->afd, &c, 1, 0));
		ASSERT_EQ(1, recv(self->cfd, &c, 1, 0));
	}
	n = wire_capture_read(cap, pk, FLOW_MAX_PKTS, self->sport, 0, 100);
	close(cap);
	for (i = 0; i < n; i++)
		bare += !pk[i].len;
	TH_LOG("%d rounds: %d segments, %d without data", ROUNDS, n, bare);
	/* One segment each way per round, plus the last delayed ACK */
	EXPECT_GE(2 * ROUNDS + ROUNDS / 10, n);
	EXPECT_GE(ROUNDS / 10, bare);
}

TEST_HARNESS_MAIN
