// SPDX-License-Identifier: GPL-2.0
/*
 * wire_inject_test: hand-made segments, sent from host B through a raw
 * socket (our own IPv4 and TCP headers and checksums), into a tcplab
 * connection on host A whose peer is Linux TCP on B.  What A sends back
 * is recorded by an AF_PACKET socket on B's veth.
 *
 * RST and SYN handling (RFC 9293 3.10.7.4 with RFC 5961 3.2 and 4.2):
 *  - a RST at exactly RCV.NXT resets the connection (ECONNRESET);
 *  - a RST elsewhere in the window is answered with a challenge ACK
 *    <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> and the connection lives on;
 *  - a RST outside the window is dropped without a word;
 *  - a SYN on an established connection gets a challenge ACK.
 * A segment to a port tcplab holds but with no connection is answered
 * with the RST of RFC 9293 3.10.7.1.
 *
 * Bad input: short headers, Data Offset below 5 or beyond the segment,
 * option lengths that overrun, SYN+RST, SYN+FIN, no flags, a wrong
 * checksum.  Each is dropped and counted (Malformed, BadChecksum in
 * /proc/net/tcplab_stats), A answers none of them, and the connection is
 * unharmed.  Each damaged segment would do harm if it were accepted (a
 * RST at RCV.NXT, or data).
 */
#include "kselftest_harness.h"
#include "wire_util.h"

FIXTURE(inj) {
	struct wire w;
	int lab;
	int cfd, afd;		/* tcplab on A, Linux TCP on B */
	uint16_t aport, bport;
	char la[32], lb[32];
};

FIXTURE_SETUP(inj)
{
	struct sockaddr_in sin = wire_sin(WIRE_ADDR_B, 0);
	socklen_t sl = sizeof(sin);
	const char *why = NULL;
	char buf[4];
	int lfd, r;

	self->w.root = self->w.a = self->w.b = -1;
	self->w.up = false;
	self->cfd = self->afd = -1;
	self->lab = tcplab_family();
	if (self->lab < 0)
		ENV_FAIL("tcplab module not loaded");
	r = wire_up(&self->w, &why);
	if (r > 0)
		ENV_FAIL("%s", why);
	ASSERT_EQ(0, r) TH_LOG("%s", why);

	lfd = wire_socket(&self->w, self->w.b, AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(lfd, 1));
	ASSERT_EQ(0, getsockname(lfd, (struct sockaddr *)&sin, &sl));
	self->cfd = wire_socket(&self->w, self->w.a, self->lab, SOCK_STREAM, 0);
	ASSERT_LE(0, self->cfd);
	ASSERT_EQ(0, connect(self->cfd, (struct sockaddr *)&sin, sizeof(sin)));
	self->afd = accept(lfd, NULL, NULL);
	ASSERT_LE(0, self->afd);
	close(lfd);
	wire_name(self->cfd, 0, self->la, sizeof(self->la));
	wire_name(self->cfd, 1, self->lb, sizeof(self->lb));
	self->aport = atoi(strchr(self->la, ':') + 1);
	self->bport = ntohs(sin.sin_port);

	/* Some data each way, so that the sequence numbers have moved. */
	ASSERT_EQ(3, send(self->cfd, "abc", 3, 0));
	ASSERT_EQ(3, recv(self->afd, buf, 3, MSG_WAITALL));
	ASSERT_EQ(2, send(self->afd, "de", 2, 0));
	ASSERT_EQ(2, recv(self->cfd, buf, 2, MSG_WAITALL));
	usleep(100000);		/* all acknowledged: the numbers are still */
}

FIXTURE_TEARDOWN(inj)
{
	if (self->cfd >= 0)
		close(self->cfd);
	if (self->afd >= 0)
		close(self->afd);
	wire_down(&self->w);
}

/* A's view of the connection. */
static int row(FIXTURE_DATA(inj) *self, struct wire_row *r)
{
	return wire_row_find(&self->w, self->w.a, self->la, self->lb, r);
}

/* A segment from B's end of the connection to A's. */
static struct wire_seg seg_to_a(FIXTURE_DATA(inj) *self, uint8_t flags,
				uint32_t seq, uint32_t ack)
{
	struct wire_seg s = {
		.src = WIRE_ADDR_B, .dst = WIRE_ADDR_A,
		.sport = self->bport, .dport = self->aport,
		.seq = seq, .ack = ack, .flags = flags, .wnd = 64000,
	};
	return s;
}

/* What A sent to B (port @port at either end) within @ms. */
static int from_a(int cap, uint16_t port, struct wire_pkt *pk, int max, int ms)
{
	struct wire_pkt all[64];
	int n = wire_capture_read(cap, all, 64, port, ms, ms), i, k = 0;

	for (i = 0; i < n; i++)
		if (!all[i].outgoing && k < max)
			pk[k++] = all[i];
	return k;
}

/* The connection still carries data both ways. */
static void still_alive(struct __test_metadata *_metadata,
			FIXTURE_DATA(inj) *self)
{
	char buf[8];

	ASSERT_EQ(4, send(self->cfd, "live", 4, 0));
	ASSERT_EQ(4, recv(self->afd, buf, 4, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(buf, "live", 4));
	ASSERT_EQ(5, send(self->afd, "still", 5, 0));
	ASSERT_EQ(5, recv(self->cfd, buf, 5, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(buf, "still", 5));
}

#define STAT(key) wire_stat(&self->w, self->w.a, key)

TEST_F(inj, rst_exact_seq_resets)
{
	struct wire_seg s;
	struct wire_row r;
	long rst_in = STAT("ResetsIn");
	struct pollfd pfd = { .fd = self->cfd, .events = POLLIN };
	char buf[4];

	ASSERT_EQ(1, row(self, &r));
	ASSERT_STREQ("ESTABLISHED", r.state);
	s = seg_to_a(self, WIRE_RST, r.rcv_nxt, 0);
	ASSERT_EQ(0, wire_inject(&self->w, self->w.b, &s));
	ASSERT_EQ(1, poll(&pfd, 1, 5000));
	EXPECT_EQ(-1, recv(self->cfd, buf, sizeof(buf), 0));
	EXPECT_EQ(ECONNRESET, errno);
	EXPECT_EQ(rst_in + 1, STAT("ResetsIn"));
	/* Gone from ESTABLISHED: CLOSED while the user holds the socket. */
	if (row(self, &r) == 1)
		EXPECT_STREQ("CLOSED", r.state);
	/* A reset connection sends nothing more. */
	EXPECT_EQ(-1, send(self->cfd, "x", 1, MSG_NOSIGNAL));
}

TEST_F(inj, rst_in_window_challenge_ack)
{
	long rst_in = STAT("ResetsIn"), chal = STAT("ChallengeAcks");
	struct wire_pkt pk[8];
	struct wire_seg s;
	struct wire_row r;
	int cap, n;

	ASSERT_EQ(1, row(self, &r));
	ASSERT_LT(2, r.rcv_wnd);
	cap = wire_capture_open(&self->w, self->w.b, WIRE_DEV_B);
	ASSERT_LE(0, cap);
	/* In the window, not at RCV.NXT: one past it, and near the end. */
	s = seg_to_a(self, WIRE_RST, r.rcv_nxt + 1, 0);
	ASSERT_EQ(0, wire_inject(&self->w, self->w.b, &s));
	n = from_a(cap, self->aport, pk, 8, 1000);
	ASSERT_EQ(1, n);
	EXPECT_EQ(WIRE_ACK, pk[0].flags);
	EXPECT_EQ(r.snd_nxt, pk[0].seq);
	EXPECT_EQ(r.rcv_nxt, pk[0].ack);
	EXPECT_EQ(0, pk[0].len);
	EXPECT_TRUE(pk[0].tcp_csum_ok);

	s = seg_to_a(self, WIRE_RST | WIRE_ACK, r.rcv_nxt + r.rcv_wnd - 1,
		     r.snd_nxt);
	ASSERT_EQ(0, wire_inject(&self->w, self->w.b, &s));
	n = from_a(cap, self->aport, pk, 8, 1000);
	close(cap);
	ASSERT_EQ(1, n);
	EXPECT_EQ(WIRE_ACK, pk[0].flags);
	EXPECT_EQ(r.snd_nxt, pk[0].seq);
	EXPECT_EQ(r.rcv_nxt, pk[0].ack);

	EXPECT_EQ(chal + 2, STAT("ChallengeAcks"));
	EXPECT_EQ(rst_in + 2, STAT("ResetsIn"));
	ASSERT_EQ(1, row(self, &r));
	EXPECT_STREQ("ESTABLISHED", r.state);
	still_alive(_metadata, self);
}

TEST_F(inj, rst_out_of_window_dropped)
{
	long chal = STAT("ChallengeAcks"), out = STAT("SegmentsOut");
	struct wire_pkt pk[8];
	struct wire_seg s;
	struct wire_row r;
	int cap;

	ASSERT_EQ(1, row(self, &r));
	cap = wire_capture_open(&self->w, self->w.b, WIRE_DEV_B);
	ASSERT_LE(0, cap);
	/* Beyond the right edge, and just below RCV.NXT (old). */
	s = seg_to_a(self, WIRE_RST, r.rcv_nxt + r.rcv_wnd + 1000, 0);
	ASSERT_EQ(0, wire_inject(&self->w, self->w.b, &s));
	s = seg_to_a(self, WIRE_RST, r.rcv_nxt + r.rcv_wnd, 0);
	ASSERT_EQ(0, wire_inject(&self->w, self->w.b, &s));
	s = seg_to_a(self, WIRE_RST | WIRE_ACK, r.rcv_nxt - 1, r.snd_nxt);
	ASSERT_EQ(0, wire_inject(&self->w, self->w.b, &s));
	EXPECT_EQ(0, from_a(cap, self->aport, pk, 8, 1000));
	close(cap);
	EXPECT_EQ(chal, STAT("ChallengeAcks"));
	EXPECT_EQ(out, STAT("SegmentsOut"));
	ASSERT_EQ(1, row(self, &r));
	EXPECT_STREQ("ESTABLISHED", r.state);
	still_alive(_metadata, self);
}

TEST_F(inj, syn_in_established_challenge_ack)
{
	long chal = STAT("ChallengeAcks");
	struct wire_pkt pk[8];
	struct wire_seg s;
	struct wire_row r;
	int cap, n;

	ASSERT_EQ(1, row(self, &r));
	cap = wire_capture_open(&self->w, self->w.b, WIRE_DEV_B);
	ASSERT_LE(0, cap);
	/* RFC 5961 4.2: "irrespective of the sequence number". */
	s = seg_to_a(self, WIRE_SYN, r.rcv_nxt + 12345, 0);
	ASSERT_EQ(0, wire_inject(&self->w, self->w.b, &s));
	n = from_a(cap, self->aport, pk, 8, 1000);
	ASSERT_EQ(1, n);
	EXPECT_EQ(WIRE_ACK, pk[0].flags);
	EXPECT_EQ(r.snd_nxt, pk[0].seq);
	EXPECT_EQ(r.rcv_nxt, pk[0].ack);
	s = seg_to_a(self, WIRE_SYN, r.rcv_nxt, 0);
	ASSERT_EQ(0, wire_inject(&self->w, self->w.b, &s));
	n = from_a(cap, self->aport, pk, 8, 1000);
	close(cap);
	ASSERT_EQ(1, n);
	EXPECT_EQ(WIRE_ACK, pk[0].flags);
	EXPECT_EQ(r.rcv_nxt, pk[0].ack);
	EXPECT_EQ(chal + 2, STAT("ChallengeAcks"));
	ASSERT_EQ(1, row(self, &r));
	EXPECT_STREQ("ESTABLISHED", r.state);
	still_alive(_metadata, self);
}

/* RFC 9293 3.10.7.1 (CLOSED) and 3.10.7.2 (LISTEN, an ACK). */
TEST_F(inj, no_connection_rst)
{
	struct sockaddr_in bound = wire_sin(WIRE_ADDR_A, 40100);
	struct sockaddr_in lsn = wire_sin(WIRE_ADDR_A, 40101);
	long nosock = STAT("NoSocketResets"), rst_out = STAT("ResetsOut");
	struct wire_pkt pk[8];
	struct wire_seg s;
	int fd, lfd, cap, n;

	fd = wire_socket(&self->w, self->w.a, self->lab, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&bound, sizeof(bound)));
	lfd = wire_socket(&self->w, self->w.a, self->lab, SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&lsn, sizeof(lsn)));
	ASSERT_EQ(0, listen(lfd, 1));
	cap = wire_capture_open(&self->w, self->w.b, WIRE_DEV_B);
	ASSERT_LE(0, cap);

	s = seg_to_a(self, WIRE_ACK, 1000, 777777);
	s.sport = 50000;
	s.dport = 40100;
	/* "If the ACK bit is on, <SEQ=SEG.ACK><CTL=RST>" */
	ASSERT_EQ(0, wire_inject(&self->w, self->w.b, &s));
	n = from_a(cap, 50000, pk, 8, 1000);
	ASSERT_EQ(1, n);
	EXPECT_EQ(WIRE_RST, pk[0].flags);
	EXPECT_EQ(777777, pk[0].seq);
	EXPECT_EQ(40100, pk[0].sport);
	EXPECT_EQ(50000, pk[0].dport);
	EXPECT_TRUE(pk[0].tcp_csum_ok);
	EXPECT_TRUE(pk[0].ip_csum_ok);

	/*
	 * "If the ACK bit is off, sequence number zero is used,
	 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>": a SYN, then data.
	 */
	s.flags = WIRE_SYN;
	s.seq = 4242;
	s.ack = 0;
	ASSERT_EQ(0, wire_inject(&self->w, self->w.b, &s));
	n = from_a(cap, 50000, pk, 8, 1000);
	ASSERT_EQ(1, n);
	EXPECT_EQ(WIRE_RST | WIRE_ACK, pk[0].flags);
	EXPECT_EQ(0, pk[0].seq);
	EXPECT_EQ(4243, pk[0].ack);

	s.flags = WIRE_PSH;
	s.seq = 9000;
	s.data = "payload";
	s.data_len = 7;
	ASSERT_EQ(0, wire_inject(&self->w, self->w.b, &s));
	n = from_a(cap, 50000, pk, 8, 1000);
	ASSERT_EQ(1, n);
	EXPECT_EQ(WIRE_RST | WIRE_ACK, pk[0].flags);
	EXPECT_EQ(0, pk[0].seq);
	EXPECT_EQ(9007, pk[0].ack);

	/* "An incoming segment containing a RST is discarded." */
	s.flags = WIRE_RST;
	s.data = NULL;
	s.data_len = 0;
	ASSERT_EQ(0, wire_inject(&self->w, self->w.b, &s));
	EXPECT_EQ(0, from_a(cap, 50000, pk, 8, 500));

	/* LISTEN: "<SEQ=SEG.ACK><CTL=RST>" for any ACK-bearing segment. */
	s = seg_to_a(self, WIRE_ACK, 31337, 555);
	s.sport = 50001;
	s.dport = 40101;
	ASSERT_EQ(0, wire_inject(&self->w, self->w.b, &s));
	n = from_a(cap, 50001, pk, 8, 1000);
	close(cap);
	ASSERT_EQ(1, n);
	EXPECT_EQ(WIRE_RST, pk[0].flags);
	EXPECT_EQ(555, pk[0].seq);

	EXPECT_EQ(nosock + 3, STAT("NoSocketResets"));
	EXPECT_EQ(rst_out + 4, STAT("ResetsOut"));
	close(fd);
	close(lfd);
	still_alive(_metadata, self);
}

struct bad_seg {
	const char *name;
	uint8_t flags;
	int hdr_len, doff;
	const unsigned char *opts;
	int opts_len;
	const char *data;
	bool bad_csum;
};

static const unsigned char opt_overrun[4] = { 2, 8, 5, 180 };	/* MSS, len 8 */
static const unsigned char opt_len0[4] = { 254, 0, 1, 1 };
static const unsigned char opt_len1[4] = { 254, 1, 1, 1 };
static const unsigned char opt_trunc[4] = { 1, 1, 1, 3 };	/* len byte missing */

static const struct bad_seg bad_segs[] = {
	{ "short header (12 bytes)", WIRE_RST, .hdr_len = 12 },
	{ "short header (18 bytes)", WIRE_RST, .hdr_len = 18 },
	{ "data offset 4", WIRE_RST, .hdr_len = 20, .doff = 4 },
	{ "data offset 0", WIRE_RST, .hdr_len = 20, .doff = 0xf0 },
	{ "data offset 15 in a 20-byte segment", WIRE_RST, .hdr_len = 20,
	  .doff = 15 },
	{ "data offset 8 in a 24-byte segment", WIRE_ACK | WIRE_PSH,
	  .hdr_len = 20, .doff = 8, .data = "evil" },
	{ "MSS option length 8 in 4 bytes", WIRE_RST, .opts = opt_overrun,
	  .opts_len = 4 },
	{ "option length 0", WIRE_RST, .opts = opt_len0, .opts_len = 4 },
	{ "option length 1", WIRE_RST, .opts = opt_len1, .opts_len = 4 },
	{ "option without its length byte", WIRE_RST, .opts = opt_trunc,
	  .opts_len = 4 },
	{ "SYN+RST", WIRE_SYN | WIRE_RST },
	{ "SYN+FIN", WIRE_SYN | WIRE_FIN },
	{ "no flags, with data", 0, .data = "evil" },
	{ "bad checksum (RST)", WIRE_RST, .bad_csum = true },
	{ "bad checksum (data)", WIRE_ACK | WIRE_PSH, .data = "evil",
	  .bad_csum = true },
};

TEST_F(inj, bad_input_dropped_and_counted)
{
	long malformed = STAT("Malformed"), csum = STAT("BadChecksum");
	long out = STAT("SegmentsOut"), in = STAT("SegmentsIn");
	long exp_mal = 0, exp_csum = 0;
	struct wire_pkt pk[8];
	struct wire_row r;
	unsigned int i;
	int cap;

	ASSERT_EQ(1, row(self, &r));
	cap = wire_capture_open(&self->w, self->w.b, WIRE_DEV_B);
	ASSERT_LE(0, cap);
	for (i = 0; i < sizeof(bad_segs) / sizeof(bad_segs[0]); i++) {
		const struct bad_seg *b = &bad_segs[i];
		struct wire_seg s = seg_to_a(self, b->flags, r.rcv_nxt,
					     r.snd_nxt);
		struct wire_row now;

		s.hdr_len = b->hdr_len;
		s.doff = b->doff == 0xf0 ? -1 : b->doff;
		s.opts = b->opts;
		s.opts_len = b->opts_len;
		s.data = b->data;
		s.data_len = b->data ? strlen(b->data) : 0;
		s.bad_csum = b->bad_csum;
		ASSERT_EQ(0, wire_inject(&self->w, self->w.b, &s));
		if (b->bad_csum)
			exp_csum++;
		else
			exp_mal++;
		usleep(50000);
		EXPECT_EQ(malformed + exp_mal, STAT("Malformed"))
			TH_LOG("after: %s", b->name);
		EXPECT_EQ(csum + exp_csum, STAT("BadChecksum"))
			TH_LOG("after: %s", b->name);
		ASSERT_EQ(1, row(self, &now)) TH_LOG("after: %s", b->name);
		EXPECT_STREQ("ESTABLISHED", now.state) TH_LOG("after: %s", b->name);
		EXPECT_EQ(r.rcv_nxt, now.rcv_nxt) TH_LOG("after: %s", b->name);
		EXPECT_EQ(r.snd_nxt, now.snd_nxt) TH_LOG("after: %s", b->name);
	}
	/* Not one answered, not one taken for a valid segment. */
	EXPECT_EQ(0, from_a(cap, self->aport, pk, 8, 300));
	close(cap);
	EXPECT_EQ(out, STAT("SegmentsOut"));
	EXPECT_EQ(in, STAT("SegmentsIn"));
	still_alive(_metadata, self);
}

TEST_HARNESS_MAIN
