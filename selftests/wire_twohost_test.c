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
 *
 * The link is clean: nothing drops a packet (the kernel's backlog drop
 * counter stays put).  Neither end may then take a retransmission
 * timeout (200 ms at least without an ACK), and retransmissions are
 * rare: at most BULK_RESENT_MAX per socket (TCP_INFO) and per namespace
 * (tcplab's /proc/net/tcplab_stats, Linux's /proc/net/snmp), of about
 * 46 000 segments each way.  Not none: a tail loss probe (RFC 8985)
 * fires at 2 * SRTT plus a few ms, which the hiccups of a TCG guest on
 * a busy host beat now and then, and with two CPUs the veth can deliver
 * segments out of order (each CPU has its backlog queue), which can set
 * off a fast retransmit.  Linux TCP with Linux TCP did both here: 0 to
 * 3 loss probes a run, one recovery in four runs.
 */
#include "kselftest_harness.h"
#include "wire_util.h"

#define WIRE_BULK	(64ULL << 20)
#define BULK_RESENT_MAX	32

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

/* Packets the kernel dropped for want of backlog room (all CPUs). */
static long softnet_drops(void)
{
	FILE *f = fopen("/proc/net/softnet_stat", "r");
	unsigned long processed, dropped;
	long sum = 0;
	char rest[512];

	if (!f)
		return -1;
	while (fscanf(f, "%lx %lx", &processed, &dropped) == 2) {
		sum += dropped;
		if (!fgets(rest, sizeof(rest), f))
			break;
	}
	fclose(f);
	return sum;
}

/* Retransmissions and recoveries of namespace @ns: tcplab's, Linux's. */
struct bulk_rtx {
	long lab, fast, sack, rto, timeouts, recoveries;
	long inet, probes, inet_timeouts, inet_recoveries;
};

static void bulk_rtx_read(const struct wire *w, int ns, struct bulk_rtx *r)
{
	r->lab = wire_stat(w, ns, "Retransmits");
	r->fast = wire_stat(w, ns, "FastRetransmits");
	r->sack = wire_stat(w, ns, "SackRetransmits");
	r->rto = wire_stat(w, ns, "RtoRetransmits");
	r->timeouts = wire_stat(w, ns, "RtoTimeouts");
	r->recoveries = wire_stat(w, ns, "SackRecoveries") +
			wire_stat(w, ns, "NewRenoRecoveries");
	r->inet = wire_mib(w, ns, "snmp", "Tcp", "RetransSegs");
	r->probes = wire_mib(w, ns, "netstat", "TcpExt", "TCPLossProbes");
	/* RTOs in the Open state, and in the others */
	r->inet_timeouts = wire_mib(w, ns, "netstat", "TcpExt", "TCPTimeouts") +
			   wire_mib(w, ns, "netstat", "TcpExt",
				    "TCPLossFailures") +
			   wire_mib(w, ns, "netstat", "TcpExt",
				    "TCPSackFailures") +
			   wire_mib(w, ns, "netstat", "TcpExt",
				    "TCPRenoFailures");
	r->inet_recoveries = wire_mib(w, ns, "netstat", "TcpExt",
				      "TCPSackRecovery") +
			     wire_mib(w, ns, "netstat", "TcpExt",
				      "TCPRenoRecovery");
}

/* @r minus @r0, field by field. */
static void bulk_rtx_delta(struct bulk_rtx *r, const struct bulk_rtx *r0)
{
	r->lab -= r0->lab;
	r->fast -= r0->fast;
	r->sack -= r0->sack;
	r->rto -= r0->rto;
	r->timeouts -= r0->timeouts;
	r->recoveries -= r0->recoveries;
	r->inet -= r0->inet;
	r->probes -= r0->probes;
	r->inet_timeouts -= r0->inet_timeouts;
	r->inet_recoveries -= r0->inet_recoveries;
}

/* Namespace @who's counters over a transfer on a clean link. */
static void bulk_rtx_check(struct __test_metadata *_metadata, const char *who,
			   const struct bulk_rtx *r)
{
	/* tcplab's loss probes are its retransmissions of no other kind */
	long probes = r->lab - r->fast - r->sack - r->rto;

	TH_LOG("%s ns: tcplab resent %ld (fast %ld sack %ld rto %ld probe %ld), %ld timeouts, %ld recoveries; Linux resent %ld (%ld loss probes), %ld timeouts, %ld recoveries",
	       who, r->lab, r->fast, r->sack, r->rto, probes, r->timeouts,
	       r->recoveries, r->inet, r->probes, r->inet_timeouts,
	       r->inet_recoveries);
	/*
	 * On a kernel slowed down by its bug detectors (TCPLAB_TIME_FACTOR
	 * above 1) an ACK can take longer than the minimum RTO to be sent
	 * and processed, for Linux TCP as for tcplab: a clean link is then
	 * not a reason for zero timeouts, and the counts are only reported.
	 */
	if (tcplab_time_factor() > 1)
		return;
	EXPECT_EQ(0, r->timeouts) TH_LOG("%s: tcplab", who);
	EXPECT_EQ(0, r->rto) TH_LOG("%s: tcplab", who);
	EXPECT_EQ(0, r->inet_timeouts) TH_LOG("%s: Linux", who);
	EXPECT_GE(BULK_RESENT_MAX, r->lab) TH_LOG("%s: tcplab", who);
	EXPECT_GE(BULK_RESENT_MAX, r->inet) TH_LOG("%s: Linux", who);
}

TEST_F_TIMEOUT(bulk, duplex_64mib_hash, 300)
{
	int cns = self->w.a, sns = variant->loopback ? self->w.a : self->w.b;
	const char *saddr = variant->loopback ? "127.0.0.1" : WIRE_ADDR_B;
	struct sockaddr_in sin = wire_sin(saddr, 0);
	struct wire_xfer cx, sx;
	struct wire_child child;
	socklen_t sl = sizeof(sin);
	struct bulk_rtx cr0, sr0, cr, sr;
	int lfd, cfd, p[2];
	long drops0, drops;

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

	bulk_rtx_read(&self->w, cns, &cr0);
	bulk_rtx_read(&self->w, sns, &sr0);
	drops0 = softnet_drops();
	cfd = wire_socket(&self->w, cns, self->cfam, SOCK_STREAM, 0);
	ASSERT_LE(0, cfd);
	ASSERT_EQ(0, connect(cfd, (struct sockaddr *)&sin, sizeof(sin)));
	wire_duplex(cfd, WIRE_BULK, 0xc11e47, 60, &cx);
	close(cfd);
	ASSERT_EQ(0, wire_child_wait(&child, &sx, sizeof(sx)));
	bulk_rtx_read(&self->w, cns, &cr);
	bulk_rtx_read(&self->w, sns, &sr);
	bulk_rtx_delta(&cr, &cr0);
	bulk_rtx_delta(&sr, &sr0);
	drops = softnet_drops() - drops0;

	TH_LOG("%s: client %.1f s, server %.1f s; %.1f MiB/s each way",
	       variant->loopback ? "lo" : "veth", cx.secs, sx.secs,
	       (double)WIRE_BULK / (1 << 20) / (cx.secs > sx.secs ? cx.secs : sx.secs));
	TH_LOG("client ns: BacklogDrops %ld OutErrors %ld SegmentsOut %ld; server ns: BacklogDrops %ld OutErrors %ld SegmentsOut %ld",
	       wire_stat(&self->w, cns, "BacklogDrops"),
	       wire_stat(&self->w, cns, "OutErrors"),
	       wire_stat(&self->w, cns, "SegmentsOut"),
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

	TH_LOG("sent again: client %u, server %u segments (TCP_INFO); backlog drops %ld",
	       cx.total_retrans, sx.total_retrans, drops);
	/* Nothing was lost on the way... */
	EXPECT_EQ(0, drops);
	/*
	 * ... so hardly anything was sent again, on a kernel that keeps
	 * time (see bulk_rtx_check() for the slowed-down ones).
	 */
	if (tcplab_time_factor() == 1) {
		EXPECT_GE(BULK_RESENT_MAX, cx.total_retrans);
		EXPECT_GE(BULK_RESENT_MAX, sx.total_retrans);
	}
	bulk_rtx_check(_metadata, "client", &cr);
	if (sns != cns)
		bulk_rtx_check(_metadata, "server", &sr);
}

TEST_HARNESS_MAIN
