// SPDX-License-Identifier: GPL-2.0
/*
 * wire_fault_test: transfers over a faulty path.  `tc qdisc ... netem` on
 * both ends of the veth pair (wire_util.h) loses, reorders, duplicates,
 * corrupts or delays segments in both directions; a connection moves
 * data both ways at once (wire_duplex) and both ends' hashes must agree.
 *
 * Every fault runs tcplab client <-> Linux server, Linux client <->
 * tcplab server and tcplab <-> tcplab: 16 MiB each way when netem adds
 * no delay, 2 MiB when it does.  On 6.1 (checked with uname) only the
 * variants marked "both" run, to keep the second kernel's run short.
 */
#include <sys/utsname.h>
#include "kselftest_harness.h"
#include "wire_util.h"

#define MIB	(1ULL << 20)

/* Netem on both veth ends ("change" with an empty spec: none). */
static int fault_netem(const char *spec)
{
	if (wire_sh(WIRE_IP " netns exec " WIRE_NS_A " " WIRE_TC
		    " qdisc replace dev " WIRE_DEV_A " root netem %s", spec) ||
	    wire_sh(WIRE_IP " netns exec " WIRE_NS_B " " WIRE_TC
		    " qdisc replace dev " WIRE_DEV_B " root netem %s", spec))
		return -1;
	return 0;
}

/*
 * 6.1 runs the variants marked "both" in `make check` (the whole matrix
 * would add about ten minutes to CI) and all of them in `make check-full`.
 */
static bool fault_subset(void)
{
	const char *tier = getenv("TCPLAB_TIER");
	struct utsname u;

	if (tier && !strcmp(tier, "full"))
		return false;
	return !uname(&u) && !strncmp(u.release, "6.1.", 4);
}

static int fault_netem_ready(void)
{
	if (access(WIRE_TC, X_OK))
		return 1;
	if (wire_sh(WIRE_MODPROBE " -q sch_netem") &&
	    access("/sys/module/sch_netem", F_OK))
		return 1;
	return 0;
}

FIXTURE(fault) {
	struct wire w;
	int cfam, sfam;
};

FIXTURE_VARIANT(fault) {
	bool lab_client;
	bool lab_server;
	const char *netem;
	unsigned int mib;	/* each way */
	bool both;		/* also on 6.1 */
	int blackhole_s;	/* 100% loss for this long, from the start */
};

#define FAULT(name, spec, mib, both)					\
	FIXTURE_VARIANT_ADD(fault, name##_lab_inet) {			\
		true, false, spec, mib, both, 0 };			\
	FIXTURE_VARIANT_ADD(fault, name##_inet_lab) {			\
		false, true, spec, mib, false, 0 };			\
	FIXTURE_VARIANT_ADD(fault, name##_lab_lab) {			\
		true, true, spec, mib, false, 0 }

FAULT(loss1, "loss 1%", 16, true);
FAULT(loss5, "loss 5%", 16, false);
FAULT(loss10, "loss 10%", 16, true);
FAULT(reorder25, "delay 10ms reorder 25%", 2, false);
FAULT(dup5, "duplicate 5%", 16, true);
FAULT(corrupt1, "corrupt 1%", 16, false);
FAULT(delay50, "delay 50ms 10ms", 2, false);
FAULT(combo, "delay 10ms 5ms loss 2% reorder 10% duplicate 1%", 2, true);
FIXTURE_VARIANT_ADD(fault, blackhole5s_lab_inet) {
	true, false, "", 16, true, 5 };
FIXTURE_VARIANT_ADD(fault, blackhole5s_inet_lab) {
	false, true, "", 16, false, 5 };
FIXTURE_VARIANT_ADD(fault, blackhole5s_lab_lab) {
	true, true, "", 16, false, 5 };

FIXTURE_SETUP(fault)
{
	const char *why = NULL;
	int lab = tcplab_family(), r;

	self->w.root = self->w.a = self->w.b = -1;
	self->w.up = false;
	if (lab < 0)
		ENV_FAIL("tcplab module not loaded");
	if (fault_subset() && !variant->both)
		SKIP(return, "subset on 6.1");
	self->cfam = variant->lab_client ? lab : AF_INET;
	self->sfam = variant->lab_server ? lab : AF_INET;
	r = wire_up(&self->w, &why);
	if (r > 0)
		ENV_FAIL("%s", why);
	ASSERT_EQ(0, r) TH_LOG("%s", why);
	if (fault_netem_ready())
		ENV_FAIL("no tc/sch_netem");
}

FIXTURE_TEARDOWN(fault)
{
	wire_down(&self->w);
}

static pid_t fault_blackhole(int secs)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	fault_netem("loss 100%");
	sleep(secs);
	fault_netem("loss 0%");
	_exit(0);
}

TEST_F_TIMEOUT(fault, duplex_hash, 240)
{
	uint64_t bytes = (uint64_t)variant->mib * MIB;
	struct sockaddr_in sin = wire_sin(WIRE_ADDR_B, 0);
	struct wire_xfer cx, sx;
	struct wire_child child;
	socklen_t sl = sizeof(sin);
	long rtx0_a, rtx0_b, rto0;
	int lfd, cfd, p[2];
	pid_t bh = 0;

	/* Before the sockets: Linux TCP reads the limit at connect/accept. */
	if (strstr(variant->netem, "loss"))
		ASSERT_EQ(0, wire_gso_segs(1));
	lfd = wire_socket(&self->w, self->w.b, self->sfam, SOCK_STREAM, 0);
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
			wire_duplex(afd, bytes, 0x5e12e1, 60, &sx);
		if (write(p[1], &sx, sizeof(sx)) != sizeof(sx))
			_exit(2);
		close(afd);
		_exit(0);
	}
	close(p[1]);
	child.rfd = p[0];
	close(lfd);

	cfd = wire_socket(&self->w, self->w.a, self->cfam, SOCK_STREAM, 0);
	ASSERT_LE(0, cfd);
	ASSERT_EQ(0, connect(cfd, (struct sockaddr *)&sin, sizeof(sin)));
	/* The handshake ran clean; the faults hit the data. */
	if (variant->netem[0])
		ASSERT_EQ(0, fault_netem(variant->netem));
	rtx0_a = wire_stat(&self->w, self->w.a, "Retransmits");
	rtx0_b = wire_stat(&self->w, self->w.b, "Retransmits");
	rto0 = wire_stat(&self->w, variant->lab_client ? self->w.a : self->w.b,
			 "RtoTimeouts");
	if (variant->blackhole_s)
		bh = fault_blackhole(variant->blackhole_s);
	wire_duplex(cfd, bytes, 0xc11e47, 60, &cx);
	close(cfd);
	ASSERT_EQ(0, wire_child_wait(&child, &sx, sizeof(sx)));
	if (bh)
		waitpid(bh, NULL, 0);

	TH_LOG("%s: %.1f s; tcplab retransmits: client ns %ld, server ns %ld; RtoTimeouts +%ld",
	       variant->netem[0] ? variant->netem : "blackhole",
	       cx.secs > sx.secs ? cx.secs : sx.secs,
	       wire_stat(&self->w, self->w.a, "Retransmits") - rtx0_a,
	       wire_stat(&self->w, self->w.b, "Retransmits") - rtx0_b,
	       wire_stat(&self->w, variant->lab_client ? self->w.a : self->w.b,
			 "RtoTimeouts") - rto0);
	{
		int ns = variant->lab_client ? self->w.a : self->w.b;

		TH_LOG("tcplab %s ns: fast %ld sack %ld rto %ld probe-ish rest; PawsDrops %ld BadChecksum %ld",
		       variant->lab_client ? "client" : "server",
		       wire_stat(&self->w, ns, "FastRetransmits"),
		       wire_stat(&self->w, ns, "SackRetransmits"),
		       wire_stat(&self->w, ns, "RtoRetransmits"),
		       wire_stat(&self->w, ns, "PawsDrops"),
		       wire_stat(&self->w, ns, "BadChecksum"));
	}
	EXPECT_EQ(0, cx.rc) TH_LOG("client stalled: %s", cx.stall);
	EXPECT_EQ(0, sx.rc) TH_LOG("server stalled: %s", sx.stall);
	EXPECT_EQ(bytes, cx.rcvd);
	EXPECT_EQ(bytes, sx.rcvd);
	EXPECT_EQ(cx.sent_hash, sx.rcvd_hash);
	EXPECT_EQ(sx.sent_hash, cx.rcvd_hash);
	EXPECT_NE(cx.sent_hash, sx.sent_hash);
	/* The fault really hit: tcplab had to retransmit. */
	if (strstr(variant->netem, "loss") || variant->blackhole_s)
		EXPECT_LT(0, wire_stat(&self->w, variant->lab_client ?
				       self->w.a : self->w.b, "Retransmits") -
			     (variant->lab_client ? rtx0_a : rtx0_b));
	if (variant->blackhole_s)
		EXPECT_LT(0, wire_stat(&self->w, variant->lab_client ?
				       self->w.a : self->w.b, "RtoTimeouts") -
			     rto0);
}

/*
 * A path that never comes back: after data_retries timeouts in a row the
 * connection fails with ETIMEDOUT (short settings: 3 retries, so about
 * 0.2 + 0.4 + 0.8 + 1.6 s).
 */
static int fault_param(const char *name, const char *val, char *old,
		       size_t oldlen)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/tcplab/parameters/%s", name);
	if (old) {
		f = fopen(path, "r");
		if (!f || !fgets(old, oldlen, f)) {
			if (f)
				fclose(f);
			return -1;
		}
		fclose(f);
		old[strcspn(old, "\n")] = 0;
	}
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(val, f);
	return fclose(f);
}

TEST_F_TIMEOUT(fault, blackhole_forever_etimedout, 120)
{
	struct sockaddr_in sin = wire_sin(WIRE_ADDR_B, 0);
	socklen_t sl = sizeof(sin);
	char old[32], buf[4096];
	int lfd, cfd, afd, err = 0;
	double t0, secs;
	ssize_t n;

	if (!variant->lab_client || variant->lab_server ||
	    strcmp(variant->netem, "loss 1%"))
		SKIP(return, "runs once (loss1_lab_inet)");
	lfd = wire_socket(&self->w, self->w.b, AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(lfd, 4));
	ASSERT_EQ(0, getsockname(lfd, (struct sockaddr *)&sin, &sl));
	ASSERT_EQ(0, fault_param("data_retries", "3", old, sizeof(old)));
	cfd = wire_socket(&self->w, self->w.a, self->cfam, SOCK_STREAM, 0);
	ASSERT_LE(0, cfd);
	/* the parameter is read when the connection is set up */
	ASSERT_EQ(0, connect(cfd, (struct sockaddr *)&sin, sizeof(sin)));
	fault_param("data_retries", old, NULL, 0);
	afd = accept(lfd, NULL, NULL);
	ASSERT_LE(0, afd);
	ASSERT_EQ(0, fault_netem("loss 100%"));
	memset(buf, 'x', sizeof(buf));
	ASSERT_EQ(sizeof(buf), send(cfd, buf, sizeof(buf), 0));
	t0 = wire_now();
	n = recv(cfd, buf, sizeof(buf), 0);
	if (n < 0)
		err = errno;
	secs = wire_now() - t0;
	TH_LOG("recv after %.1f s: %zd, %s", secs, n, strerror(err));
	EXPECT_EQ(-1, n);
	EXPECT_EQ(ETIMEDOUT, err);
	EXPECT_LT(2.5, secs);
	EXPECT_GT(30.0, secs);
	close(afd);
	close(cfd);
	close(lfd);
}

TEST_HARNESS_MAIN
