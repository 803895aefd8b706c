// SPDX-License-Identifier: GPL-2.0
/*
 * wire_twohost_test: bulk transfers between two hosts (network namespaces
 * joined by a veth pair, see wire_util.h) and on loopback.
 *
 * Each variant opens one connection and moves 64 MiB in each direction
 * at the same time (full duplex); both ends hash what they send and what
 * they receive (FNV-1a 64) and the hashes and byte counts must agree.
 * Client and server are each tcplab or Linux TCP; inet_inet is the
 * oracle that shows the set-up itself works.
 */
#include "kselftest_harness.h"
#include "wire_util.h"

#define WIRE_BULK	(64ULL << 20)

FIXTURE(bulk) {
	struct wire w;
	int cfam, sfam;
};

FIXTURE_VARIANT(bulk) {
	bool lab_client;
	bool lab_server;
	bool loopback;		/* both ends in host A on 127.0.0.1 */
};

FIXTURE_VARIANT_ADD(bulk, veth_inet_inet) { false, false, false };
FIXTURE_VARIANT_ADD(bulk, veth_lab_lab) { true, true, false };
FIXTURE_VARIANT_ADD(bulk, veth_lab_inet) { true, false, false };
FIXTURE_VARIANT_ADD(bulk, veth_inet_lab) { false, true, false };
FIXTURE_VARIANT_ADD(bulk, lo_lab_lab) { true, true, true };
FIXTURE_VARIANT_ADD(bulk, lo_lab_inet) { true, false, true };
FIXTURE_VARIANT_ADD(bulk, lo_inet_lab) { false, true, true };

FIXTURE_SETUP(bulk)
{
	const char *why = NULL;
	int lab = tcplab_family(), r;

	self->w.root = self->w.a = self->w.b = -1;
	self->w.up = false;
	if (lab < 0)
		ENV_FAIL("tcplab module not loaded");
	self->cfam = variant->lab_client ? lab : AF_INET;
	self->sfam = variant->lab_server ? lab : AF_INET;
	r = wire_up(&self->w, &why);
	if (r > 0)
		ENV_FAIL("%s", why);
	ASSERT_EQ(0, r) TH_LOG("%s", why);
}

FIXTURE_TEARDOWN(bulk)
{
	wire_down(&self->w);
}

TEST_F_TIMEOUT(bulk, duplex_64mib_hash, 300)
{
	int cns = self->w.a, sns = variant->loopback ? self->w.a : self->w.b;
	const char *saddr = variant->loopback ? "127.0.0.1" : WIRE_ADDR_B;
	struct sockaddr_in sin = wire_sin(saddr, 0);
	struct wire_xfer cx, sx;
	struct wire_child child;
	socklen_t sl = sizeof(sin);
	int lfd, cfd, p[2];

	lfd = wire_socket(&self->w, sns, self->sfam, SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(lfd, 4));
	ASSERT_EQ(0, getsockname(lfd, (struct sockaddr *)&sin, &sl));

	ASSERT_EQ(0, pipe(p));
	child.pid = fork();
	ASSERT_LE(0, child.pid);
	if (!child.pid) {
		int afd = accept(lfd, NULL, NULL);

		close(p[0]);
		memset(&sx, 0, sizeof(sx));
		if (afd < 0)
			sx.rc = -errno;
		else
			wire_duplex(afd, WIRE_BULK, 0x5e12e1, 60, &sx);
		if (write(p[1], &sx, sizeof(sx)) != sizeof(sx))
			_exit(2);
		close(afd);
		_exit(0);
	}
	close(p[1]);
	child.rfd = p[0];
	close(lfd);

	cfd = wire_socket(&self->w, cns, self->cfam, SOCK_STREAM, 0);
	ASSERT_LE(0, cfd);
	ASSERT_EQ(0, connect(cfd, (struct sockaddr *)&sin, sizeof(sin)));
	wire_duplex(cfd, WIRE_BULK, 0xc11e47, 60, &cx);
	close(cfd);
	ASSERT_EQ(0, wire_child_wait(&child, &sx, sizeof(sx)));

	TH_LOG("%s: client %.1f s, server %.1f s; %.1f MiB/s each way",
	       variant->loopback ? "lo" : "veth", cx.secs, sx.secs,
	       (double)WIRE_BULK / (1 << 20) / (cx.secs > sx.secs ? cx.secs : sx.secs));
	TH_LOG("client ns: Retransmits %ld BacklogDrops %ld OutErrors %ld SegmentsOut %ld; server ns: Retransmits %ld BacklogDrops %ld OutErrors %ld SegmentsOut %ld",
	       wire_stat(&self->w, cns, "Retransmits"),
	       wire_stat(&self->w, cns, "BacklogDrops"),
	       wire_stat(&self->w, cns, "OutErrors"),
	       wire_stat(&self->w, cns, "SegmentsOut"),
	       wire_stat(&self->w, sns, "Retransmits"),
	       wire_stat(&self->w, sns, "BacklogDrops"),
	       wire_stat(&self->w, sns, "OutErrors"),
	       wire_stat(&self->w, sns, "SegmentsOut"));
	EXPECT_EQ(0, cx.rc) TH_LOG("client stalled: %s", cx.stall);
	EXPECT_EQ(0, sx.rc) TH_LOG("server stalled: %s", sx.stall);
	EXPECT_EQ(WIRE_BULK, cx.sent);
	EXPECT_EQ(WIRE_BULK, sx.sent);
	EXPECT_EQ(WIRE_BULK, cx.rcvd);
	EXPECT_EQ(WIRE_BULK, sx.rcvd);
	EXPECT_EQ(cx.sent_hash, sx.rcvd_hash);
	EXPECT_EQ(sx.sent_hash, cx.rcvd_hash);
	/* The two streams differ: a hash that ignored its input would not. */
	EXPECT_NE(cx.sent_hash, sx.sent_hash);
}

TEST_HARNESS_MAIN
