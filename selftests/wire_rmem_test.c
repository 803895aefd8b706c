// SPDX-License-Identifier: GPL-2.0
/*
 * wire_rmem_test: the receive memory of a tcplab socket stays bounded
 * whatever a hostile peer sends.
 *
 * The peer is a raw socket on host B that speaks for 192.0.2.3, an
 * address nobody owns: A reaches it through a static neighbour entry
 * with a made-up MAC, so A's segments cross the veth and die on B
 * (other host), and no Linux TCP answers them with a RST.  The peer does
 * the handshake itself (its SYN, A's SYN,ACK read with AF_PACKET, its
 * ACK), then sends wire_rmem_segs() tiny segments, in sendmmsg() batches,
 * to a tcplab socket whose reader does not read, four kinds in turn:
 *  - the same out-of-order byte, again and again;
 *  - distinct out-of-order bytes, two per segment, each segment
 *    overlapping the one before by a byte, sweeping the window;
 *  - segments outside the window (above the right edge, far below
 *    RCV.NXT);
 *  - in-order one-byte segments (and, once the in-order part is in,
 *    old duplicates of it).
 * After every batch SO_MEMINFO gives the socket's receive memory, which
 * must stay within SO_RCVBUF + TCPLAB_RCVBUF_SLACK.  Then the reader
 * reads, the peer sends whatever A still lacks from RCV.NXT on (as a
 * retransmitting sender would: what A pruned is not acknowledged), and
 * every byte read must be the byte sent.
 */
#include <linux/sock_diag.h>
#include "kselftest_harness.h"
#include "wire_util.h"

#ifndef SO_MEMINFO
#define SO_MEMINFO		55
#endif

/*
 * Segments of the flood, by tier (TCPLAB_TIER): a million took 183 s
 * under TCG on 6.12 (5500 a second, each answered by an ACK), so
 * `make check` sends 150 000 (memory ran away after 512 without the
 * limit), the debug kernel's run 300 000 and `make check-full` the
 * million.  The rate is printed.
 */
static uint64_t wire_rmem_segs(void)
{
	const char *tier = getenv("TCPLAB_TIER");

	if (tier && !strcmp(tier, "full"))
		return 1000000;
	if (tier && !strcmp(tier, "debug"))
		return 300000;
	return 150000;
}
#define WIRE_RMEM_BATCH		256
/* The flood stops early if memory runs away (a broken module). */
#define WIRE_RMEM_RUNAWAY	(48 << 20)

#define PEER_ADDR	"192.0.2.3"
#define PEER_MAC	"02:00:00:00:00:03"
#define PEER_PORT	40000
#define PEER_ISS	0x10000000U

/* Stream offsets (from the first data byte) of the flood's regions. */
#define INORDER_LEN	24576		/* [0, INORDER_LEN): in order */
#define OOO_START	(INORDER_LEN + 1)	/* the hole is INORDER_LEN */
#define OOO_END		60000		/* distinct out-of-order bytes */
#define DUP_OFF		62000		/* the one byte sent again and again */
#define STREAM_LEN	64000		/* what the reader gets in the end */

static uint8_t pattern(uint32_t off)
{
	return (uint8_t)(off * 131 + (off >> 8) * 7 + 1);
}

FIXTURE(rmem) {
	struct wire w;
	int lab;
	int fd;			/* the accepted tcplab socket on A */
	int raw;		/* the peer's raw socket on B */
	uint16_t aport;
	uint32_t data;		/* sequence number of stream offset 0 */
	uint32_t ack;		/* A's ISS + 1 */
	char la[32];
};

/* One IPv4/TCP packet from the peer into @pkt; its length. */
static int build(FIXTURE_DATA(rmem) *self, unsigned char *pkt, uint8_t flags,
		 uint32_t seq, const unsigned char *opts, int opts_len,
		 const void *data, int len)
{
	unsigned char *t = pkt + 20;
	uint32_t saddr, daddr;
	int hdr = 20 + opts_len, tcp_len = hdr + len;
	uint16_t c;

	inet_pton(AF_INET, PEER_ADDR, &saddr);
	inet_pton(AF_INET, WIRE_ADDR_A, &daddr);
	memset(pkt, 0, 20 + hdr);
	pkt[0] = 0x45;
	pkt[2] = (20 + tcp_len) >> 8;
	pkt[3] = (20 + tcp_len) & 0xff;
	pkt[6] = 0x40;			/* DF */
	pkt[8] = 64;
	pkt[9] = IPPROTO_TCP;
	memcpy(pkt + 12, &saddr, 4);
	memcpy(pkt + 16, &daddr, 4);
	t[0] = PEER_PORT >> 8;
	t[1] = PEER_PORT & 0xff;
	t[2] = self->aport >> 8;
	t[3] = self->aport & 0xff;
	t[4] = seq >> 24; t[5] = seq >> 16; t[6] = seq >> 8; t[7] = seq;
	if (flags & WIRE_ACK) {
		t[8] = self->ack >> 24; t[9] = self->ack >> 16;
		t[10] = self->ack >> 8; t[11] = self->ack;
	}
	t[12] = (hdr / 4) << 4;
	t[13] = flags;
	t[14] = 64000 >> 8;
	t[15] = 64000 & 0xff;
	if (opts_len)
		memcpy(t + 20, opts, opts_len);
	if (len)
		memcpy(t + hdr, data, len);
	c = wire_tcp_csum(saddr, daddr, t, tcp_len);
	t[16] = c >> 8;
	t[17] = c & 0xff;
	return 20 + tcp_len;
}

static int send_one(FIXTURE_DATA(rmem) *self, uint8_t flags, uint32_t seq,
		    const unsigned char *opts, int opts_len,
		    const void *data, int len)
{
	struct sockaddr_in dst = wire_sin(WIRE_ADDR_A, 0);
	unsigned char pkt[1600];
	int n = build(self, pkt, flags, seq, opts, opts_len, data, len);

	return sendto(self->raw, pkt, n, 0, (struct sockaddr *)&dst,
		      sizeof(dst)) == n ? 0 : -errno;
}

/* The stream bytes [off, off + len). */
static void stream(uint32_t off, unsigned char *buf, int len)
{
	int i;

	for (i = 0; i < len; i++)
		buf[i] = pattern(off + i);
}

static int meminfo(int fd, uint32_t *rmem, uint32_t *rcvbuf)
{
	uint32_t mi[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mi);

	memset(mi, 0, sizeof(mi));
	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mi, &len))
		return -errno;
	*rmem = mi[SK_MEMINFO_RMEM_ALLOC];
	*rcvbuf = mi[SK_MEMINFO_RCVBUF];
	return 0;
}

FIXTURE_SETUP(rmem)
{
	/* MSS 1460, SACK permitted, NOP, NOP */
	static const unsigned char syn_opts[] = { 2, 4, 0x05, 0xb4, 4, 2, 1, 1 };
	struct sockaddr_in sin = wire_sin(WIRE_ADDR_A, 0);
	socklen_t sl = sizeof(sin);
	struct wire_pkt pk[16];
	struct pollfd pfd;
	const char *why = NULL;
	int lfd, cap, r, i, n, size = 65536;
	bool got = false;

	self->w.root = self->w.a = self->w.b = -1;
	self->w.up = false;
	self->fd = self->raw = -1;
	self->lab = tcplab_family();
	if (self->lab < 0)
		ENV_FAIL("tcplab module not loaded");
	r = wire_up(&self->w, &why);
	if (r > 0)
		ENV_FAIL("%s", why);
	ASSERT_EQ(0, r) TH_LOG("%s", why);
	ASSERT_EQ(0, wire_sh(WIRE_IP " -n " WIRE_NS_A " neigh add " PEER_ADDR
			     " lladdr " PEER_MAC " dev " WIRE_DEV_A
			     " nud permanent"));

	lfd = wire_socket(&self->w, self->w.a, self->lab, SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	/* A fixed buffer: the accepted socket inherits it, no autotuning. */
	ASSERT_EQ(0, setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &size,
				sizeof(size)));
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(lfd, 1));
	ASSERT_EQ(0, getsockname(lfd, (struct sockaddr *)&sin, &sl));
	self->aport = ntohs(sin.sin_port);

	ASSERT_EQ(0, wire_enter(self->w.b));
	self->raw = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	ASSERT_EQ(0, wire_enter(self->w.root));
	ASSERT_LE(0, self->raw);
	cap = wire_capture_open(&self->w, self->w.b, WIRE_DEV_B);
	ASSERT_LE(0, cap);

	/* The handshake, spoken by the peer. */
	ASSERT_EQ(0, send_one(self, WIRE_SYN, PEER_ISS, syn_opts,
			      sizeof(syn_opts), NULL, 0));
	n = wire_capture_read(cap, pk, 16, self->aport, 2000, 200);
	for (i = 0; i < n; i++) {
		if (pk[i].sport == self->aport &&
		    (pk[i].flags & (WIRE_SYN | WIRE_ACK)) ==
		    (WIRE_SYN | WIRE_ACK)) {
			self->ack = pk[i].seq + 1;
			got = true;
		}
	}
	close(cap);
	ASSERT_TRUE(got) TH_LOG("no SYN,ACK from A (%d packets seen)", n);
	self->data = PEER_ISS + 1;
	ASSERT_EQ(0, send_one(self, WIRE_ACK, self->data, NULL, 0, NULL, 0));
	pfd.fd = lfd;
	pfd.events = POLLIN;
	ASSERT_EQ(1, poll(&pfd, 1, 3000));
	self->fd = accept(lfd, NULL, NULL);
	ASSERT_LE(0, self->fd);
	close(lfd);
	wire_name(self->fd, 0, self->la, sizeof(self->la));
}

FIXTURE_TEARDOWN(rmem)
{
	if (self->fd >= 0) {
		struct wire_row row;

		/* A RST at RCV.NXT ends the connection without a FIN dance. */
		if (wire_row_find(&self->w, self->w.a, self->la,
				  PEER_ADDR ":40000", &row) == 1)
			send_one(self, WIRE_RST | WIRE_ACK, row.rcv_nxt,
				 NULL, 0, NULL, 0);
		usleep(100000);
		close(self->fd);
	}
	if (self->raw >= 0)
		close(self->raw);
	wire_down(&self->w);
}

/* The next segment of kind @kind (counter @k of that kind) into @pkt. */
static int flood_seg(FIXTURE_DATA(rmem) *self, unsigned char *pkt,
		     unsigned int kind, uint64_t k)
{
	const uint32_t sweep = OOO_END - OOO_START - 1;
	unsigned char b[2];
	uint32_t off;

	switch (kind) {
	case 0:		/* the same out-of-order byte */
		stream(DUP_OFF, b, 1);
		return build(self, pkt, WIRE_ACK, self->data + DUP_OFF,
			     NULL, 0, b, 1);
	case 1:		/* distinct out-of-order bytes, overlapping pairs */
		off = OOO_START + k % sweep;
		stream(off, b, 2);
		return build(self, pkt, WIRE_ACK, self->data + off, NULL, 0,
			     b, 2);
	case 2:		/* outside the window: above it, or long ago */
		off = k & 1 ? 70000 + (uint32_t)(k % 1000) : -100000;
		b[0] = 0xee;
		return build(self, pkt, WIRE_ACK, self->data + off, NULL, 0,
			     b, 1);
	default:	/* in order, one byte; then old duplicates */
		off = k % INORDER_LEN;
		stream(off, b, 1);
		return build(self, pkt, WIRE_ACK | WIRE_PSH,
			     self->data + off, NULL, 0, b, 1);
	}
}

#define STAT(key) wire_stat(&self->w, self->w.a, key)

static const char *const counters[] = {
	"RcvPruneCalled", "RcvCollapsed", "OfoPruned", "OfoDrop",
	"OfoNoRange", "OfoDuplicate", "RcvQDrop", "BacklogDrops",
};

TEST_F_TIMEOUT(rmem, hostile_flood_bounded, 560)
{
	static unsigned char pkts[WIRE_RMEM_BATCH][64];
	struct sockaddr_in dst = wire_sin(WIRE_ADDR_A, 0);
	struct iovec iov[WIRE_RMEM_BATCH];
	struct mmsghdr msg[WIRE_RMEM_BATCH];
	uint64_t sent = 0, per_kind[4] = { 0 }, over = 0, samples = 0;
	uint32_t rmem, rcvbuf, peak = 0, limit, first_over = 0;
	long before[8], after[8];
	unsigned char buf[4096], want[4096];
	uint32_t got = 0;
	double t0, t1;
	int i, tries;

	ASSERT_EQ(0, meminfo(self->fd, &rmem, &rcvbuf));
	limit = rcvbuf + TCPLAB_RCVBUF_SLACK;
	for (i = 0; i < 8; i++)
		before[i] = STAT(counters[i]);

	t0 = wire_now();
	while (sent < wire_rmem_segs()) {
		int n = WIRE_RMEM_BATCH, done;

		if (wire_rmem_segs() - sent < (uint64_t)n)
			n = wire_rmem_segs() - sent;
		for (i = 0; i < n; i++) {
			unsigned int kind = (sent + i) & 3;

			iov[i].iov_base = pkts[i];
			iov[i].iov_len = flood_seg(self, pkts[i], kind,
						   per_kind[kind]++);
			memset(&msg[i], 0, sizeof(msg[i]));
			msg[i].msg_hdr.msg_name = &dst;
			msg[i].msg_hdr.msg_namelen = sizeof(dst);
			msg[i].msg_hdr.msg_iov = &iov[i];
			msg[i].msg_hdr.msg_iovlen = 1;
		}
		done = sendmmsg(self->raw, msg, n, 0);
		ASSERT_EQ(n, done) TH_LOG("sendmmsg: %s", strerror(errno));
		sent += n;
		ASSERT_EQ(0, meminfo(self->fd, &rmem, &rcvbuf));
		samples++;
		if (rmem > peak)
			peak = rmem;
		if (rmem > rcvbuf + TCPLAB_RCVBUF_SLACK) {
			if (!over++)
				first_over = (uint32_t)sent;
			if (rmem > WIRE_RMEM_RUNAWAY)
				break;
		}
	}
	t1 = wire_now();
	usleep(200000);
	for (i = 0; i < 8; i++)
		after[i] = STAT(counters[i]);

	printf("# sent %llu segments in %.1f s (%.0f/s): %llu duplicate, %llu distinct out-of-order, %llu out-of-window, %llu in-order\n",
	       (unsigned long long)sent, t1 - t0, sent / (t1 - t0),
	       (unsigned long long)per_kind[0],
	       (unsigned long long)per_kind[1],
	       (unsigned long long)per_kind[2],
	       (unsigned long long)per_kind[3]);
	printf("# receive memory: peak %u bytes over %llu samples; SO_RCVBUF %u, limit %u (+%u slack); now %u\n",
	       peak, (unsigned long long)samples, rcvbuf, limit,
	       TCPLAB_RCVBUF_SLACK, rmem);
	for (i = 0; i < 8; i++)
		printf("# %s: %ld\n", counters[i],
		       before[i] < 0 || after[i] < 0 ? -1 :
		       after[i] - before[i]);
	EXPECT_EQ(0, over)
		TH_LOG("memory over SO_RCVBUF + slack in %llu of %llu samples, first after %u segments; peak %u > %u",
		       (unsigned long long)over, (unsigned long long)samples,
		       first_over, peak, limit);
	if (over)
		return;

	/*
	 * The reader reads what is in order; the peer sends from RCV.NXT
	 * on what A lacks, until the whole stream is through.
	 */
	for (tries = 0; got < STREAM_LEN && tries < 2000; tries++) {
		struct wire_row row;
		uint32_t off, len;
		ssize_t r;

		while ((r = recv(self->fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
			ASSERT_GE(STREAM_LEN, got + r);
			stream(got, want, r);
			ASSERT_EQ(0, memcmp(buf, want, r))
				TH_LOG("bytes %u..%zd differ", got, got + r);
			got += r;
		}
		if (got >= STREAM_LEN)
			break;
		ASSERT_EQ(1, wire_row_find(&self->w, self->w.a, self->la,
					   PEER_ADDR ":40000", &row));
		off = row.rcv_nxt - self->data;
		ASSERT_GE(off, got);
		len = STREAM_LEN - off;
		if (len > 1400)
			len = 1400;
		if (len > row.rcv_wnd)
			len = row.rcv_wnd;
		if (len) {
			stream(off, buf, len);
			ASSERT_EQ(0, send_one(self, WIRE_ACK | WIRE_PSH,
					      self->data + off, NULL, 0,
					      buf, len));
		}
		usleep(2000);
	}
	printf("# afterwards: %u of %u bytes read back, identical, in %d rounds\n",
	       got, STREAM_LEN, tries);
	EXPECT_EQ(STREAM_LEN, got);
	ASSERT_EQ(0, meminfo(self->fd, &rmem, &rcvbuf));
	EXPECT_EQ(0, rmem) TH_LOG("%u bytes of receive memory left", rmem);
}

TEST_HARNESS_MAIN
