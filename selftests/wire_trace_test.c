// SPDX-License-Identifier: GPL-2.0
/*
 * wire_trace_test: one tcplab connection between two hosts, recorded by
 * an AF_PACKET socket on host A's veth, checked segment by segment:
 *  - the three-way handshake is exactly SYN; SYN,ACK; ACK (RFC 9293 3.5,
 *    figure 6), with the acknowledgment numbers of the ISNs + 1;
 *  - the close is the four-way exchange of RFC 9293 3.6 (figure 12):
 *    FIN,ACK; ACK; FIN,ACK; ACK.  RFC 9293 allows the passive closer to
 *    put its FIN on the ACK of ours (three segments) when its user
 *    closes before the ACK goes out; tcplab acknowledges a FIN at once
 *    and here the passive user closes only after reading EOF, so tcplab
 *    sends four, and the test asserts four;
 *  - every segment has a valid IPv4 header checksum and TCP checksum
 *    (computed here; the module parameter csum_offload is turned off for
 *    the test, or segments with data would carry partial sums) and a
 *    sane header length;
 *  - in each direction the sequence numbers are contiguous (no
 *    retransmission on a clean link), and every ACK acknowledges exactly
 *    the sequence space the other side had sent before it.
 */
#include "kselftest_harness.h"
#include "wire_util.h"

#define MAXPKT	256

FIXTURE(trace) {
	struct wire w;
	int lab;
	char csum;	/* csum_offload before the test */
};

#define CSUM_PARAM "/sys/module/tcplab/parameters/csum_offload"

/* Set the csum_offload parameter to @val; its old value ('Y'/'N'). */
static char csum_offload(char val)
{
	char old = 0;
	FILE *f = fopen(CSUM_PARAM, "r+");

	if (!f)
		return 0;
	if (fread(&old, 1, 1, f) == 1) {
		rewind(f);
		fputc(val, f);
	}
	fclose(f);
	return old;
}

FIXTURE_SETUP(trace)
{
	const char *why = NULL;
	int r;

	self->w.root = self->w.a = self->w.b = -1;
	self->w.up = false;
	self->lab = tcplab_family();
	self->csum = 0;
	if (self->lab < 0)
		ENV_FAIL("tcplab module not loaded");
	r = wire_up(&self->w, &why);
	if (r > 0)
		ENV_FAIL("%s", why);
	ASSERT_EQ(0, r) TH_LOG("%s", why);
	/*
	 * Last: the teardown, which puts the parameter back, only runs once
	 * the setup finished.
	 */
	self->csum = csum_offload('N');
	ASSERT_NE(0, self->csum) TH_LOG("cannot read " CSUM_PARAM);
}

FIXTURE_TEARDOWN(trace)
{
	if (self->csum)
		csum_offload(self->csum);
	wire_down(&self->w);
}

static void dump(struct __test_metadata *_metadata, const struct wire_pkt *p,
		 int n)
{
	char f[64];
	int i;

	for (i = 0; i < n; i++)
		TH_LOG("%2d %s %u > %u [%s] seq %u ack %u len %u win %u%s%s", i,
		       p[i].outgoing ? "A>B" : "B>A", p[i].sport, p[i].dport,
		       wire_flags_str(p[i].flags, f), p[i].seq, p[i].ack,
		       p[i].len, p[i].wnd, p[i].ip_csum_ok ? "" : " BAD-IP-CSUM",
		       p[i].tcp_csum_ok ? "" : " BAD-TCP-CSUM");
}

TEST_F_TIMEOUT(trace, handshake_data_close, 60)
{
	struct sockaddr_in sin = wire_sin(WIRE_ADDR_B, 0);
	struct wire_pkt pk[MAXPKT];
	socklen_t sl = sizeof(sin);
	int lfd, cfd, afd, cap, n, i, nfin = 0;
	uint32_t c_isn, s_isn, c_nxt, s_nxt;
	uint32_t c_sent_end, s_sent_end;	/* highest seq sent so far */
	char buf[16];
	int first_fin = -1;

	lfd = wire_socket(&self->w, self->w.b, self->lab, SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(lfd, 4));
	ASSERT_EQ(0, getsockname(lfd, (struct sockaddr *)&sin, &sl));

	cap = wire_capture_open(&self->w, self->w.a, WIRE_DEV_A);
	ASSERT_LE(0, cap);

	cfd = wire_socket(&self->w, self->w.a, self->lab, SOCK_STREAM, 0);
	ASSERT_LE(0, cfd);
	ASSERT_EQ(0, connect(cfd, (struct sockaddr *)&sin, sizeof(sin)));
	afd = accept(lfd, NULL, NULL);
	ASSERT_LE(0, afd);

	ASSERT_EQ(5, send(cfd, "hello", 5, 0));
	ASSERT_EQ(5, recv(afd, buf, 5, MSG_WAITALL));
	ASSERT_EQ(6, send(afd, "world!", 6, 0));
	ASSERT_EQ(6, recv(cfd, buf, 6, MSG_WAITALL));
	usleep(100000);		/* the ACK of "world!" */
	close(cfd);				/* active close */
	ASSERT_EQ(0, recv(afd, buf, sizeof(buf), 0));	/* EOF */
	close(afd);
	close(lfd);

	n = wire_capture_read(cap, pk, MAXPKT, ntohs(sin.sin_port), 2000, 500);
	close(cap);
	dump(_metadata, pk, n);
	ASSERT_LE(11, n);

	/* Checksums and headers of every segment (both ends are tcplab). */
	for (i = 0; i < n; i++) {
		EXPECT_TRUE(pk[i].ip_csum_ok) TH_LOG("segment %d", i);
		EXPECT_TRUE(pk[i].tcp_csum_ok) TH_LOG("segment %d", i);
		EXPECT_LE(20, pk[i].doff);
		EXPECT_FALSE(pk[i].flags & WIRE_RST) TH_LOG("segment %d", i);
		/* Direction on the wire matches the addresses. */
		EXPECT_EQ(pk[i].outgoing, pk[i].dport == ntohs(sin.sin_port));
	}

	/* Three-way handshake, RFC 9293 figure 6. */
	EXPECT_TRUE(pk[0].outgoing);
	EXPECT_EQ(WIRE_SYN, pk[0].flags);
	EXPECT_EQ(0, pk[0].len);
	EXPECT_LT(20, pk[0].doff);		/* MSS at least */
	c_isn = pk[0].seq;
	EXPECT_FALSE(pk[1].outgoing);
	EXPECT_EQ(WIRE_SYN | WIRE_ACK, pk[1].flags);
	EXPECT_EQ(c_isn + 1, pk[1].ack);
	EXPECT_EQ(0, pk[1].len);
	s_isn = pk[1].seq;
	EXPECT_TRUE(pk[2].outgoing);
	EXPECT_EQ(WIRE_ACK, pk[2].flags);
	EXPECT_EQ(c_isn + 1, pk[2].seq);
	EXPECT_EQ(s_isn + 1, pk[2].ack);
	EXPECT_EQ(0, pk[2].len);
	for (i = 3; i < n; i++)
		EXPECT_FALSE(pk[i].flags & WIRE_SYN) TH_LOG("segment %d", i);

	/*
	 * Sequence numbers: contiguous per direction; an ACK acknowledges
	 * no more than the other side has sent so far (capture order is
	 * the order on the wire at A, which for incoming segments is
	 * after the peer sent them).
	 */
	c_nxt = c_isn;
	s_nxt = s_isn;
	c_sent_end = c_isn;
	s_sent_end = s_isn;
	for (i = 0; i < n; i++) {
		uint32_t end = pk[i].seq + pk[i].len +
			       !!(pk[i].flags & WIRE_SYN) +
			       !!(pk[i].flags & WIRE_FIN);

		if (pk[i].outgoing) {
			EXPECT_EQ(c_nxt, pk[i].seq) TH_LOG("segment %d", i);
			c_nxt = end;
			c_sent_end = end;
			if (pk[i].flags & WIRE_ACK) {
				EXPECT_TRUE((int32_t)(pk[i].ack - s_sent_end) <= 0)
					TH_LOG("segment %d acks unsent data", i);
			}
		} else {
			EXPECT_EQ(s_nxt, pk[i].seq) TH_LOG("segment %d", i);
			s_nxt = end;
			s_sent_end = end;
			if (pk[i].flags & WIRE_ACK) {
				EXPECT_TRUE((int32_t)(pk[i].ack - c_sent_end) <= 0)
					TH_LOG("segment %d acks unsent data", i);
			}
		}
		if (pk[i].flags & WIRE_FIN) {
			nfin++;
			if (first_fin < 0)
				first_fin = i;
		}
	}
	/* All the data: 1 + 5 + 1 and 1 + 6 + 1 sequence numbers. */
	EXPECT_EQ(c_isn + 7, c_nxt);
	EXPECT_EQ(s_isn + 8, s_nxt);

	/* Data: "hello" and "world!" pushed, each acknowledged. */
	for (i = 3; i < first_fin; i++) {
		if (!pk[i].len)
			continue;
		EXPECT_EQ(WIRE_PSH | WIRE_ACK, pk[i].flags);
		EXPECT_EQ(pk[i].outgoing ? 5 : 6, pk[i].len);
	}

	/* Four-way close, RFC 9293 figure 12. */
	EXPECT_EQ(2, nfin);
	ASSERT_EQ(n - 4, first_fin);
	EXPECT_TRUE(pk[n - 4].outgoing);
	EXPECT_EQ(WIRE_FIN | WIRE_ACK, pk[n - 4].flags);
	EXPECT_EQ(s_isn + 7, pk[n - 4].ack);
	EXPECT_FALSE(pk[n - 3].outgoing);
	EXPECT_EQ(WIRE_ACK, pk[n - 3].flags);
	EXPECT_EQ(pk[n - 4].seq + 1, pk[n - 3].ack);
	EXPECT_FALSE(pk[n - 2].outgoing);
	EXPECT_EQ(WIRE_FIN | WIRE_ACK, pk[n - 2].flags);
	EXPECT_EQ(pk[n - 4].seq + 1, pk[n - 2].ack);
	EXPECT_TRUE(pk[n - 1].outgoing);
	EXPECT_EQ(WIRE_ACK, pk[n - 1].flags);
	EXPECT_EQ(pk[n - 2].seq + 1, pk[n - 1].ack);
	EXPECT_EQ(pk[n - 4].seq + 1, pk[n - 1].seq);
	EXPECT_EQ(0, pk[n - 1].len);
}

/*
 * IP_TOS on the wire: a client whose TOS is 0x2b (its ECN bits dropped:
 * 0x28) connects to a listener whose TOS is 0xb8 (DSCP EF), sends, reads
 * and closes; the TOS byte of every segment each side sends must be what
 * Linux TCP puts on the wire for the same calls, run first as the oracle:
 * the listener's for the SYN,ACK and everything its child sends.
 */
struct tos_seen {
	int out, in;		/* segments A>B, B>A */
	uint8_t out_tos, in_tos;
	bool out_mixed, in_mixed;
};

static void tos_run(struct __test_metadata *_metadata, struct wire *w,
		    int fam, struct tos_seen *seen)
{
	struct sockaddr_in sin = wire_sin(WIRE_ADDR_B, 0);
	struct wire_pkt pk[MAXPKT];
	socklen_t sl = sizeof(sin);
	int lfd, cfd, afd, cap, n, i;
	char buf[16];

	memset(seen, 0, sizeof(*seen));
	lfd = wire_socket(w, w->b, fam, SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, setsockopt(lfd, SOL_IP, IP_TOS, &(int){ 0xb8 },
				sizeof(int)));
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(lfd, 4));
	ASSERT_EQ(0, getsockname(lfd, (struct sockaddr *)&sin, &sl));
	cap = wire_capture_open(w, w->a, WIRE_DEV_A);
	ASSERT_LE(0, cap);
	cfd = wire_socket(w, w->a, fam, SOCK_STREAM, 0);
	ASSERT_LE(0, cfd);
	ASSERT_EQ(0, setsockopt(cfd, SOL_IP, IP_TOS, &(int){ 0x2b },
				sizeof(int)));
	ASSERT_EQ(0, connect(cfd, (struct sockaddr *)&sin, sizeof(sin)));
	afd = accept(lfd, NULL, NULL);
	ASSERT_LE(0, afd);
	ASSERT_EQ(5, send(cfd, "hello", 5, 0));
	ASSERT_EQ(5, recv(afd, buf, 5, MSG_WAITALL));
	ASSERT_EQ(6, send(afd, "world!", 6, 0));
	ASSERT_EQ(6, recv(cfd, buf, 6, MSG_WAITALL));
	close(cfd);
	ASSERT_EQ(0, recv(afd, buf, sizeof(buf), 0));
	close(afd);
	close(lfd);
	n = wire_capture_read(cap, pk, MAXPKT, ntohs(sin.sin_port), 2000, 500);
	close(cap);
	for (i = 0; i < n; i++) {
		if (pk[i].outgoing) {
			if (seen->out++ && pk[i].tos != seen->out_tos)
				seen->out_mixed = true;
			seen->out_tos = pk[i].tos;
		} else {
			if (seen->in++ && pk[i].tos != seen->in_tos)
				seen->in_mixed = true;
			seen->in_tos = pk[i].tos;
		}
	}
	TH_LOG("%s: %d segments A>B TOS 0x%02x%s, %d B>A TOS 0x%02x%s",
	       fam == AF_INET ? "Linux TCP" : "tcplab", seen->out,
	       seen->out_tos, seen->out_mixed ? " (mixed)" : "", seen->in,
	       seen->in_tos, seen->in_mixed ? " (mixed)" : "");
}

TEST_F_TIMEOUT(trace, ip_tos, 60)
{
	struct tos_seen linux_tcp, lab;

	tos_run(_metadata, &self->w, AF_INET, &linux_tcp);
	tos_run(_metadata, &self->w, self->lab, &lab);
	ASSERT_LE(4, linux_tcp.out);
	ASSERT_LE(4, linux_tcp.in);
	ASSERT_LE(4, lab.out);
	ASSERT_LE(4, lab.in);
	EXPECT_FALSE(lab.out_mixed);
	EXPECT_FALSE(lab.in_mixed);
	EXPECT_EQ(linux_tcp.out_mixed, lab.out_mixed);
	EXPECT_EQ(linux_tcp.in_mixed, lab.in_mixed);
	EXPECT_EQ(linux_tcp.out_tos, lab.out_tos);
	EXPECT_EQ(linux_tcp.in_tos, lab.in_tos);
	EXPECT_EQ(0x28, lab.out_tos);
	EXPECT_EQ(0xb8, lab.in_tos);
}

TEST_HARNESS_MAIN
