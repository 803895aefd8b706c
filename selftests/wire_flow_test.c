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
 *  - TCP_USER_TIMEOUT ends a connection whose data or keepalive probes
 *    stay unanswered that long, instead of after the retry counts;
 *  - delayed ACKs: a bulk receiver acknowledges about every second
 *    segment, a ping-pong exchange piggybacks its ACKs on the replies,
 *    and the ACK of a lone small segment waits for the delayed-ACK timer:
 *    no less than its configured minimum and not much longer;
 *  - Nagle: small writes while a small segment is unacknowledged wait
 *    for its ACK and then go out together.
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
	char delack[16];	/* delack_min_ms before the test changed it */
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
	self->delack[0] = 0;
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
	/* Put the module parameter back even after a failed assertion. */
	if (self->delack[0])
		tcplab_param_set("delack_min_ms", self->delack);
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

/* Drop everything host B sends (netem loss 100%): a dead peer. */
static int flow_kill_peer(struct __test_metadata *_metadata)
{
	if (access(WIRE_TC, X_OK) ||
	    (wire_sh(WIRE_MODPROBE " -q sch_netem") &&
	     access("/sys/module/sch_netem", F_OK)))
		return 1;
	return wire_sh(WIRE_IP " netns exec " WIRE_NS_B " " WIRE_TC
		       " qdisc add dev " WIRE_DEV_B " root netem loss 100%%");
}

/*
 * TCP_USER_TIMEOUT (RFC 5482), unacknowledged data: the peer's ACKs
 * vanish, and the connection fails with ETIMEDOUT once the byte has
 * waited 3 s, not after tcp_retries2 (15) backed-off timeouts, many
 * minutes.  The same window for every pair, Linux TCP's included (its
 * RTO is pulled in to the user timeout, tcp_clamp_rto_to_user_timeout()).
 */
TEST_F_TIMEOUT(flow, user_timeout_unacked_data, 60)
{
	double t0, dt;
	char c = 'u';
	int r;

	ASSERT_EQ(0, flow_connect(_metadata, self, 0));
	ASSERT_EQ(0, setsockopt(self->cfd, SOL_TCP, TCP_USER_TIMEOUT,
				&(int){ 3000 }, sizeof(int)));
	ASSERT_EQ(1, send(self->cfd, &c, 1, 0));
	ASSERT_EQ(1, recv(self->afd, &c, 1, 0));
	r = flow_kill_peer(_metadata);
	if (r > 0)
		ENV_FAIL("no tc or netem");
	ASSERT_EQ(0, r);
	t0 = wire_now();
	ASSERT_EQ(1, send(self->cfd, &c, 1, 0));
	r = recv(self->cfd, &c, 1, 0);
	dt = wire_now() - t0;
	EXPECT_EQ(-1, r);
	EXPECT_EQ(ETIMEDOUT, errno);
	TH_LOG("ETIMEDOUT after %.2f s", dt);
	EXPECT_LE(2.9, dt);
	EXPECT_GE(3.0 + 1.5 * tcplab_time_factor(), dt);
}

/*
 * TCP_USER_TIMEOUT with keepalive: KEEPCNT (9 probes, 1 s apart, after
 * 1 s idle: 10 s) no longer counts; the peer is dead at the first probe
 * time after 2.5 s of silence with a probe out, about 3 s after the
 * last exchange (the clock starts there: setting netem up takes a
 * while under TCG).
 */
TEST_F_TIMEOUT(flow, user_timeout_keepalive, 60)
{
	double t0, dt;
	char c = 'k';
	int r;

	ASSERT_EQ(0, flow_connect(_metadata, self, 0));
	ASSERT_EQ(0, flow_keepalive(self->cfd, 1, 1, 9));
	ASSERT_EQ(0, setsockopt(self->cfd, SOL_TCP, TCP_USER_TIMEOUT,
				&(int){ 2500 }, sizeof(int)));
	ASSERT_EQ(1, send(self->cfd, &c, 1, 0));
	ASSERT_EQ(1, recv(self->afd, &c, 1, 0));
	/* Nothing the client hears comes before this but the byte's ACK. */
	t0 = wire_now();
	usleep(100000);		/* the ACK of the byte */
	r = flow_kill_peer(_metadata);
	if (r > 0)
		ENV_FAIL("no tc or netem");
	ASSERT_EQ(0, r);
	r = recv(self->cfd, &c, 1, 0);
	dt = wire_now() - t0;
	EXPECT_EQ(-1, r);
	EXPECT_EQ(ETIMEDOUT, errno);
	TH_LOG("ETIMEDOUT %.2f s after the last exchange", dt);
	EXPECT_LE(2.45, dt);
	EXPECT_GE(3.5 + 1.5 * tcplab_time_factor(), dt);
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

/* Sequence numbers: @a before @b. */
static bool flow_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

/*
 * Send 1 byte from the client and wait (up to 1 s) for the server's ACK
 * of it on host A's veth.  Returns the delay in ms from the segment to
 * its ACK, both as the capture on host A's veth saw them (the server's
 * share alone), or -1 if no ACK came; *@wire_ms is how long after the
 * send() call the segment crossed the veth (the client's share), and
 * *@out counts the data segments the client sent meanwhile.
 */
static double flow_ack_delay(FIXTURE_DATA(flow) *self, int cap, int *out,
			     double *wire_ms)
{
	struct wire_pkt pk[16];
	uint32_t caddr, end = 0;
	bool sent = false;
	double t0, dl;
	char c = 'a';
	int n, i;

	inet_pton(AF_INET, WIRE_ADDR_A, &caddr);
	*out = 0;
	t0 = wire_now();
	if (send(self->cfd, &c, 1, 0) != 1)
		return -1;
	dl = t0 + 1.0;
	while (wire_now() < dl) {
		n = wire_capture_read(cap, pk, 16, self->sport,
				      (int)((dl - wire_now()) * 1000) + 1, 0);
		for (i = 0; i < n; i++) {
			if (pk[i].saddr == caddr) {
				if (pk[i].len) {
					if (!*out)
						*wire_ms = (pk[i].t - t0) * 1000;
					(*out)++;
					end = pk[i].seq + pk[i].len;
					sent = true;
				}
				continue;
			}
			if (sent && (pk[i].flags & WIRE_ACK) &&
			    !flow_before(pk[i].ack, end))
				return (pk[i].t - t0) * 1000 - *wire_ms;
		}
	}
	return -1;
}

/*
 * Client to server, TCP_NODELAY on the client: 24 single bytes, each
 * read at once, so that the receiver leaves quick-ACK mode (Linux and
 * tcplab ACK the first 16 segments or so at once) with a short gap
 * behind it, which keeps the ATO at its minimum.
 */
static void flow_delack_warm_up(struct __test_metadata *_metadata,
				FIXTURE_DATA(flow) *self)
{
	char c = 'w';
	int i, one = 1;

	ASSERT_EQ(0, setsockopt(self->cfd, SOL_TCP, TCP_NODELAY, &one,
				sizeof(one)));
	for (i = 0; i < 24; i++) {
		ASSERT_EQ(1, send(self->cfd, &c, 1, 0));
		ASSERT_EQ(1, recv(self->afd, &c, 1, 0));
	}
}

/*
 * RFC 9293 3.8.6.3 / RFC 1122 4.2.3.2: the ACK of a small segment that
 * nobody reads waits for the delayed-ACK timer.  Linux's first timeout
 * is TCP_DELACK_MIN, 40 ms; tcplab's is delack_min_ms (40 by default,
 * as Linux).  The delay is measured on host A's veth: the client's
 * segment of one byte, then the server's ACK of it; the server reads the
 * byte only after the ACK.  It must be no shorter than the
 * timeout (less a jiffy, 4 ms at HZ 250) and at most 40 ms longer (times
 * TCPLAB_TIME_FACTOR).  A tcplab server then does it again with
 * delack_min_ms at 100, a value no default of either TCP has.
 *
 * Three such segments in a row, each sent when the ACK of the one
 * before came, and each ACK is due after the timeout again: the timer
 * that keeps firing doubles the ATO, but Linux's tcp_send_delayed_ack()
 * bounds it by the RTT (and not below TCP_DELACK_MIN).  The server's
 * SRTT comes from its handshake, usually far below a millisecond on
 * this path, but a guest that lost its CPU then measured more: the
 * upper bound is the larger of the timeout and the SRTT that TCP_INFO
 * reports, plus the margin.  An ACK that waited longer than the RTT
 * would come after the peer's loss probe (2 * SRTT + 200 ms with one
 * segment out) and near its minimum RTO (200 ms): a spurious
 * retransmission.
 */
#define FLOW_DELACK_SAMPLES	3
#define FLOW_DELACK_MARGIN_MS	40

static void flow_delack_samples(struct __test_metadata *_metadata,
				FIXTURE_DATA(flow) *self, int min_ms,
				bool linux_rcv)
{
	double lo = min_ms - 5;
	struct tl_tcp_info ti;
	int i, cap, out;
	char c;

	flow_delack_warm_up(_metadata, self);
	cap = flow_capture(self);
	ASSERT_LE(0, cap);
	for (i = 0; i < FLOW_DELACK_SAMPLES; i++) {
		double srtt, hi, ms, wire_ms = 0;

		ASSERT_EQ(0, tl_get_info(self->afd, &ti));
		srtt = ti.b.tcpi_rtt / 1000.0;
		hi = ((srtt > min_ms ? srtt : min_ms) + FLOW_DELACK_MARGIN_MS) *
		     tcplab_time_factor();
		ms = flow_ack_delay(self, cap, &out, &wire_ms);
		TH_LOG("%s server, delayed-ACK timeout %d ms, SRTT %.1f ms: segment on the wire %.1f ms after send(), ACK %d %.1f ms after it (%d data segment%s)",
		       linux_rcv ? "Linux" : "tcplab", min_ms, srtt, wire_ms,
		       i + 1, ms, out, out == 1 ? "" : "s");
		ASSERT_LE(0, ms) TH_LOG("no ACK within 1 s");
		/* one segment: no loss probe or retransmission in between */
		EXPECT_EQ(1, out);
		EXPECT_LE(lo, ms);
		EXPECT_GE(hi, ms);
		ASSERT_EQ(1, recv(self->afd, &c, 1, 0));
	}
	close(cap);
}

TEST_F_TIMEOUT(flow, delayed_ack_timer, 60)
{
	bool linux_rcv = !variant->lab_server;
	char cur[16];

	ASSERT_EQ(0, tcplab_param_get("delack_min_ms", cur, sizeof(cur)));
	ASSERT_EQ(0, flow_connect(_metadata, self, 0));
	flow_delack_samples(_metadata, self, linux_rcv ? 40 : atoi(cur),
			    linux_rcv);
	if (linux_rcv)
		return;

	/* The parameter counts for connections set up after it changed. */
	close(self->cfd);
	close(self->afd);
	self->cfd = self->afd = -1;
	memcpy(self->delack, cur, sizeof(cur));
	ASSERT_EQ(0, tcplab_param_set("delack_min_ms", "100"));
	ASSERT_EQ(0, flow_connect(_metadata, self, 0));
	flow_delack_samples(_metadata, self, 100, false);
}

/*
 * Nagle's algorithm (RFC 896; RFC 9293 3.7.4 with Minshall's variant,
 * as Linux and tcplab implement it): with TCP_NODELAY off, a segment
 * smaller than the MSS is not sent while an earlier small segment is
 * unacknowledged.  The client writes 100 bytes every 10 ms for 300 ms;
 * netem delays the server's ACKs by 40 ms, so writes pile up behind
 * each unacknowledged segment.  The capture on host A's veth sees the
 * client's segments and the ACKs in the order the client's stack did:
 * an ACK is captured as it arrives, before TCP processes it.
 */
#define NAGLE_WRITES	30
#define NAGLE_LEN	100

struct nagle_run {
	int segs;	/* data segments of new data */
	int small;	/* of them below the MSS */
	int violations;	/* small ones sent while a small one is unACKed */
	int rtx;	/* segments carrying old data */
	long got;	/* bytes the server read */
};

static void flow_nagle_run(struct __test_metadata *_metadata,
			   FIXTURE_DATA(flow) *self, bool nodelay,
			   struct nagle_run *r)
{
	static struct wire_pkt pk[4096];
	char buf[NAGLE_LEN * NAGLE_WRITES];
	uint32_t caddr, snd_max = 0, sml = 0, acked = 0;
	bool sml_set = false, any = false;
	struct tl_tcp_info ti;
	int cap, n, i, on = nodelay;
	unsigned int mss;
	double t0, next;

	memset(r, 0, sizeof(*r));
	memset(buf, 'n', sizeof(buf));
	inet_pton(AF_INET, WIRE_ADDR_A, &caddr);
	ASSERT_EQ(0, flow_connect(_metadata, self, 0));
	ASSERT_EQ(0, setsockopt(self->cfd, SOL_TCP, TCP_NODELAY, &on,
				sizeof(on)));
	ASSERT_EQ(0, tl_get_info(self->cfd, &ti));
	mss = ti.b.tcpi_snd_mss;
	/* what piles up in a round trip stays below the MSS */
	ASSERT_LT(NAGLE_LEN * 5, mss);
	cap = flow_capture(self);
	ASSERT_LE(0, cap);

	/* Write on a clock; read whatever comes in between, at once. */
	t0 = wire_now();
	for (i = 0; i < NAGLE_WRITES || r->got < (long)sizeof(buf); ) {
		struct pollfd pfd = { .fd = self->afd, .events = POLLIN };
		double now = wire_now();
		ssize_t k;

		next = t0 + i * 0.010;
		if (i < NAGLE_WRITES && now >= next) {
			ASSERT_EQ(NAGLE_LEN,
				  send(self->cfd, buf, NAGLE_LEN, 0));
			i++;
			continue;
		}
		ASSERT_GT(t0 + 5.0, now) TH_LOG("server read %ld bytes in 5 s",
						 r->got);
		if (poll(&pfd, 1, i < NAGLE_WRITES ?
			 (int)((next - now) * 1000) + 1 : 100) <= 0)
			continue;
		k = recv(self->afd, buf, sizeof(buf), MSG_DONTWAIT);
		ASSERT_LT(0, k);
		r->got += k;
	}
	n = wire_capture_read(cap, pk, 4096, self->sport, 0, 100);
	close(cap);
	ASSERT_GT(4096, n);

	for (i = 0; i < n; i++) {
		const struct wire_pkt *p = &pk[i];

		if (p->saddr != caddr) {
			if ((p->flags & WIRE_ACK) &&
			    (!any || flow_before(acked, p->ack)))
				acked = p->ack;
			any = true;
			continue;
		}
		if (!p->len)
			continue;
		if (r->segs && !flow_before(snd_max, p->seq + p->len)) {
			r->rtx++;
			continue;
		}
		r->segs++;
		snd_max = p->seq + p->len;
		if (p->len >= mss)
			continue;
		r->small++;
		/* Minshall: the last small segment is not acknowledged yet */
		if (sml_set && (!any || flow_before(acked, sml)))
			r->violations++;
		sml = p->seq + p->len;
		sml_set = true;
	}
	close(self->cfd);
	close(self->afd);
	self->cfd = self->afd = -1;
}

TEST_F_TIMEOUT(flow, nagle_one_small_segment_unacked, 60)
{
	struct nagle_run nagle, nodelay;

	ASSERT_EQ(0, wire_sh(WIRE_IP " netns exec " WIRE_NS_B " " WIRE_TC
			     " qdisc add dev " WIRE_DEV_B
			     " root netem delay 40ms"));
	flow_nagle_run(_metadata, self, false, &nagle);
	flow_nagle_run(_metadata, self, true, &nodelay);
	TH_LOG("%d writes of %d bytes; Nagle: %d segments (%d small, %d sent while a small one was unacknowledged, %d resent); TCP_NODELAY: %d segments (%d small, %d sent so, %d resent)",
	       NAGLE_WRITES, NAGLE_LEN, nagle.segs, nagle.small,
	       nagle.violations, nagle.rtx, nodelay.segs, nodelay.small,
	       nodelay.violations, nodelay.rtx);
	EXPECT_EQ(NAGLE_WRITES * NAGLE_LEN, nagle.got);
	EXPECT_EQ(NAGLE_WRITES * NAGLE_LEN, nodelay.got);
	EXPECT_EQ(0, nagle.rtx);
	EXPECT_EQ(0, nodelay.rtx);
	/* The rule itself */
	EXPECT_EQ(0, nagle.violations);
	/*
	 * ... and not more than it: each ACK releases what waited (about
	 * one segment per 40 ms round trip, 300 ms of writes), so writes
	 * coalesce but do not all wait for the end.
	 */
	EXPECT_LE(4, nagle.segs);
	EXPECT_GE(NAGLE_WRITES / 2, nagle.segs);
	/*
	 * Without Nagle every write goes out at once, 10 ms apart, inside
	 * the 40 ms round trip: the check above sees that.
	 */
	EXPECT_LE(NAGLE_WRITES * 2 / 3, nodelay.violations);
}

TEST_HARNESS_MAIN
