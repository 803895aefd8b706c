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
 *
 * Besides the data, each test checks how tcplab got it there:
 *  - SACK is negotiated (both ends offer it by default), so recovery is
 *    RFC 6675's and never NewReno's; where netem loses segments every
 *    tcplab end enters SACK recovery and resends in it; a blackhole
 *    takes retransmission timeouts;
 *  - the time: Linux client <-> Linux server moves the same data through
 *    the same fault in the same run (once per fault, shared by its
 *    variants), and tcplab may take at most FAULT_RATIO times as long,
 *    plus FAULT_SLACK_S seconds.
 */
#include <sys/mman.h>
#include <sys/utsname.h>
#include "kselftest_harness.h"
#include "wire_util.h"

#define MIB	(1ULL << 20)

/*
 * tcplab's transfer time at most FAULT_RATIO times Linux's plus
 * FAULT_SLACK_S (times TCPLAB_TIME_FACTOR).  The slack covers the runs
 * where Linux, with 64 KiB GSO packets on a veth that loses none of
 * them, is done in a second or two.
 */
#define FAULT_RATIO	4
#define FAULT_SLACK_S	10

/*
 * The Linux pair's time for each fault.  Each test runs in a process of
 * its own, forked from the harness's: the table is shared memory, made
 * before the first fork.  The first variant of a fault to run measures
 * it; a variant run alone measures it itself.
 */
#define FAULT_KINDS	16

struct fault_linux {
	char name[16];
	double secs;
};

static struct fault_linux *fault_linux_times;

static void __attribute__((constructor)) fault_linux_table(void)
{
	void *p = mmap(NULL, FAULT_KINDS * sizeof(struct fault_linux),
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		       -1, 0);

	fault_linux_times = p == MAP_FAILED ? NULL : p;
}

static struct fault_linux *fault_linux_slot(const char *name)
{
	int i;

	for (i = 0; fault_linux_times && i < FAULT_KINDS; i++)
		if (!fault_linux_times[i].name[0] ||
		    !strcmp(fault_linux_times[i].name, name))
			return &fault_linux_times[i];
	return NULL;
}

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
 * `make check-full` runs the whole matrix on both kernels, and so does
 * `make check-debug` (tcplab at both ends puts the most of its code
 * under the detectors).  `make check` keeps CI inside its budget: on 6.12 every fault with Linux TCP at one
 * end (tcplab sending, tcplab receiving), tcplab with itself only in the
 * full tier; on 6.1 only the variants marked "both" (the whole matrix
 * takes about nine minutes under TCG).  Returns why a variant is left
 * out, or NULL.
 */
static const char *fault_left_out(bool both, bool lab_lab)
{
	const char *tier = getenv("TCPLAB_TIER");
	struct utsname u;

	if (tier && (!strcmp(tier, "full") || !strcmp(tier, "debug")))
		return NULL;
	if (!uname(&u) && !strncmp(u.release, "6.1.", 4))
		return both ? NULL : "subset on 6.1 (make check-full runs all)";
	return lab_lab ? "tcplab with itself: make check-full" : NULL;
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
	char data_retries[16];	/* as before the test; "": not changed */
};

FIXTURE_VARIANT(fault) {
	bool lab_client;
	bool lab_server;
	const char *netem;
	unsigned int mib;	/* each way */
	bool both;		/* also on 6.1 */
	int blackhole_s;	/* 100% loss for this long, from the start */
	const char *fault;	/* the fault's name, shared by its variants */
};

#define FAULT(name, spec, mib, both)					\
	FIXTURE_VARIANT_ADD(fault, name##_lab_inet) {			\
		true, false, spec, mib, both, 0, #name };		\
	FIXTURE_VARIANT_ADD(fault, name##_inet_lab) {			\
		false, true, spec, mib, false, 0, #name };		\
	FIXTURE_VARIANT_ADD(fault, name##_lab_lab) {			\
		true, true, spec, mib, false, 0, #name }

FAULT(loss1, "loss 1%", 16, true);
FAULT(loss5, "loss 5%", 16, false);
FAULT(loss10, "loss 10%", 16, true);
FAULT(reorder25, "delay 10ms reorder 25%", 2, false);
FAULT(dup5, "duplicate 5%", 16, true);
FAULT(corrupt1, "corrupt 1%", 16, false);
FAULT(delay50, "delay 50ms 10ms", 2, false);
FAULT(combo, "delay 10ms 5ms loss 2% reorder 10% duplicate 1%", 2, true);
FIXTURE_VARIANT_ADD(fault, blackhole5s_lab_inet) {
	true, false, "", 16, true, 5, "blackhole5s" };
FIXTURE_VARIANT_ADD(fault, blackhole5s_inet_lab) {
	false, true, "", 16, false, 5, "blackhole5s" };
FIXTURE_VARIANT_ADD(fault, blackhole5s_lab_lab) {
	true, true, "", 16, false, 5, "blackhole5s" };

FIXTURE_SETUP(fault)
{
	const char *why = NULL;
	int lab = tcplab_family(), r;

	self->w.root = self->w.a = self->w.b = -1;
	self->w.up = false;
	self->data_retries[0] = 0;
	if (lab < 0)
		ENV_FAIL("tcplab module not loaded");
	why = fault_left_out(variant->both,
			     variant->lab_client && variant->lab_server);
	if (why)
		SKIP(return, "%s", why);
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
	/* Put the module parameter back even after a failed assertion. */
	if (self->data_retries[0])
		tcplab_param_set("data_retries", self->data_retries);
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

/* What one transfer through the fault gave. */
struct fault_run {
	struct wire_xfer cx, sx;
	double secs;		/* the slower end's */
};

/*
 * One connection, client @cfam in host A, server @sfam in host B:
 * variant->mib MiB each way through the variant's fault, which starts
 * after the handshake and is gone again afterwards.
 */
static void fault_transfer(struct __test_metadata *_metadata,
			   FIXTURE_DATA(fault) *self,
			   const FIXTURE_VARIANT(fault) *variant, int cfam,
			   int sfam, struct fault_run *r)
{
	uint64_t bytes = (uint64_t)variant->mib * MIB;
	struct sockaddr_in sin = wire_sin(WIRE_ADDR_B, 0);
	struct wire_child child;
	socklen_t sl = sizeof(sin);
	int lfd, cfd, p[2];
	pid_t bh = 0;

	memset(r, 0, sizeof(*r));
	lfd = wire_socket(&self->w, self->w.b, sfam, SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(lfd, 4));
	ASSERT_EQ(0, getsockname(lfd, (struct sockaddr *)&sin, &sl));

	ASSERT_EQ(0, pipe(p));
	child.pid = fork();
	ASSERT_LE(0, child.pid);
	if (!child.pid) {
		int afd = accept(lfd, NULL, NULL);
		struct wire_xfer sx;

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

	cfd = wire_socket(&self->w, self->w.a, cfam, SOCK_STREAM, 0);
	ASSERT_LE(0, cfd);
	ASSERT_EQ(0, connect(cfd, (struct sockaddr *)&sin, sizeof(sin)));
	/* The handshake ran clean; the faults hit the data. */
	if (variant->netem[0])
		ASSERT_EQ(0, fault_netem(variant->netem));
	if (variant->blackhole_s)
		bh = fault_blackhole(variant->blackhole_s);
	wire_duplex(cfd, bytes, 0xc11e47, 60, &r->cx);
	close(cfd);
	ASSERT_EQ(0, wire_child_wait(&child, &r->sx, sizeof(r->sx)));
	if (bh)
		waitpid(bh, NULL, 0);
	ASSERT_EQ(0, fault_netem("loss 0%"));
	r->secs = r->cx.secs > r->sx.secs ? r->cx.secs : r->sx.secs;

	EXPECT_EQ(0, r->cx.rc) TH_LOG("client stalled: %s", r->cx.stall);
	EXPECT_EQ(0, r->sx.rc) TH_LOG("server stalled: %s", r->sx.stall);
	EXPECT_EQ(bytes, r->cx.rcvd);
	EXPECT_EQ(bytes, r->sx.rcvd);
	EXPECT_EQ(r->cx.sent_hash, r->sx.rcvd_hash);
	EXPECT_EQ(r->sx.sent_hash, r->cx.rcvd_hash);
	EXPECT_NE(r->cx.sent_hash, r->sx.sent_hash);
}

/* Recovery counters of the tcplab in one namespace. */
struct fault_rec {
	long rtx, fast, sack, rto, timeouts, sack_rec, newreno_rec;
	long paws, badcsum;
};

static void fault_rec_read(const struct wire *w, int ns, struct fault_rec *c)
{
	c->rtx = wire_stat(w, ns, "Retransmits");
	c->fast = wire_stat(w, ns, "FastRetransmits");
	c->sack = wire_stat(w, ns, "SackRetransmits");
	c->rto = wire_stat(w, ns, "RtoRetransmits");
	c->timeouts = wire_stat(w, ns, "RtoTimeouts");
	c->sack_rec = wire_stat(w, ns, "SackRecoveries");
	c->newreno_rec = wire_stat(w, ns, "NewRenoRecoveries");
	c->paws = wire_stat(w, ns, "PawsDrops");
	c->badcsum = wire_stat(w, ns, "BadChecksum");
}

static void fault_rec_delta(const struct wire *w, int ns, struct fault_rec *c)
{
	struct fault_rec now;

	fault_rec_read(w, ns, &now);
	c->rtx = now.rtx - c->rtx;
	c->fast = now.fast - c->fast;
	c->sack = now.sack - c->sack;
	c->rto = now.rto - c->rto;
	c->timeouts = now.timeouts - c->timeouts;
	c->sack_rec = now.sack_rec - c->sack_rec;
	c->newreno_rec = now.newreno_rec - c->newreno_rec;
	c->paws = now.paws - c->paws;
	c->badcsum = now.badcsum - c->badcsum;
}

/*
 * How the tcplab end @who recovered (@c: its namespace's counters over
 * the transfer, @x: its socket's end of it).
 */
static void fault_check_recovery(struct __test_metadata *_metadata,
				 const FIXTURE_VARIANT(fault) *variant,
				 const char *who, const struct fault_rec *c,
				 const struct wire_xfer *x)
{
	TH_LOG("tcplab %s: %ld retransmitted (fast %ld, sack %ld, rto %ld), %ld timeouts; recoveries: SACK %ld, NewReno %ld; TCP_INFO retrans %u; PawsDrops %ld BadChecksum %ld",
	       who, c->rtx, c->fast, c->sack, c->rto, c->timeouts,
	       c->sack_rec, c->newreno_rec, x->total_retrans, c->paws,
	       c->badcsum);
	/* Both ends offer SACK by default, so it is on... */
	EXPECT_TRUE(x->options & TCPI_OPT_SACK) TH_LOG("%s: no SACK", who);
	/* ... and recovery is RFC 6675's, never NewReno's. */
	EXPECT_EQ(0, c->newreno_rec) TH_LOG("%s", who);
	/* Where segments are lost, recovery happened, by SACK. */
	if (strstr(variant->netem, "loss")) {
		EXPECT_LT(0, c->sack_rec) TH_LOG("%s", who);
		EXPECT_LT(0, c->sack) TH_LOG("%s", who);
	}
	if (strstr(variant->netem, "loss") || variant->blackhole_s)
		EXPECT_LT(0, c->rtx) TH_LOG("%s", who);
	if (variant->blackhole_s)
		EXPECT_LT(0, c->timeouts) TH_LOG("%s", who);
}

TEST_F_TIMEOUT(fault, duplex_hash, 360)
{
	struct fault_linux *lin = fault_linux_slot(variant->fault);
	struct fault_rec ca, cb;
	struct fault_run inet, lab;
	double linux_secs, limit;

	ASSERT_NE(NULL, lin) TH_LOG("more than %d faults", FAULT_KINDS);
	/* Before the sockets: Linux TCP reads the limit at connect/accept. */
	if (strstr(variant->netem, "loss"))
		ASSERT_EQ(0, wire_gso_segs(1));

	/* The oracle: Linux on both ends, the same fault, this run. */
	if (!lin->name[0]) {
		fault_transfer(_metadata, self, variant, AF_INET, AF_INET,
			       &inet);
		ASSERT_EQ(0, _metadata->exit_code)
			TH_LOG("Linux TCP did not get through this fault");
		snprintf(lin->name, sizeof(lin->name), "%s", variant->fault);
		lin->secs = inet.secs;
	}
	linux_secs = lin->secs;

	fault_rec_read(&self->w, self->w.a, &ca);
	fault_rec_read(&self->w, self->w.b, &cb);
	fault_transfer(_metadata, self, variant, self->cfam, self->sfam, &lab);
	fault_rec_delta(&self->w, self->w.a, &ca);
	fault_rec_delta(&self->w, self->w.b, &cb);

	limit = (FAULT_RATIO * linux_secs + FAULT_SLACK_S) *
		tcplab_time_factor();
	TH_LOG("%s: tcplab %.1f s, Linux %.1f s: %.2f times Linux's (limit %.1f s)",
	       variant->netem[0] ? variant->netem : "blackhole", lab.secs,
	       linux_secs, lab.secs / (linux_secs > 0.01 ? linux_secs : 0.01),
	       limit);
	if (variant->lab_client)
		fault_check_recovery(_metadata, variant, "client", &ca,
				     &lab.cx);
	if (variant->lab_server)
		fault_check_recovery(_metadata, variant, "server", &cb,
				     &lab.sx);
	/*
	 * Jitter reorders segments; tcplab takes reordering for loss and
	 * only undoes that afterwards, by D-SACK, where Linux tolerates it
	 * up front (doc/socket-api.md, "What the teaching TCP does not
	 * do"), so there its time is reported, not bounded.
	 */
	if (strcmp(variant->fault, "delay50"))
		EXPECT_GE(limit, lab.secs);
}

/*
 * A path that never comes back: after data_retries timeouts in a row the
 * connection fails with ETIMEDOUT (short settings: 3 retries, so about
 * 0.2 + 0.4 + 0.8 + 1.6 s).
 */
TEST_F_TIMEOUT(fault, blackhole_forever_etimedout, 120)
{
	struct sockaddr_in sin = wire_sin(WIRE_ADDR_B, 0);
	socklen_t sl = sizeof(sin);
	char old[16], buf[4096];
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
	ASSERT_EQ(0, tcplab_param_get("data_retries", old, sizeof(old)));
	memcpy(self->data_retries, old, sizeof(old));
	ASSERT_EQ(0, tcplab_param_set("data_retries", "3"));
	cfd = wire_socket(&self->w, self->w.a, self->cfam, SOCK_STREAM, 0);
	ASSERT_LE(0, cfd);
	/* the parameter is read when the connection is set up */
	ASSERT_EQ(0, connect(cfd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, tcplab_param_set("data_retries", old));
	self->data_retries[0] = 0;
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
