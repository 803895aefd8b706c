// SPDX-License-Identifier: GPL-2.0
/*
 * wire_states_test: the rarer paths of the RFC 9293 state diagram
 * (section 3.3.2, figure 5) between two tcplab hosts, observed in
 * /proc/net/tcplab of each host's namespace:
 *  - simultaneous open (3.5, figure 7): both ends connect to each other
 *    with a 200 ms netem delay on the veth, so the SYNs cross:
 *    SYN-SENT -> SYN-RECEIVED -> ESTABLISHED on both;
 *  - simultaneous close (3.6, figure 13): both ends shut down at once
 *    with the delay, so the FINs cross: FIN-WAIT-1 -> CLOSING ->
 *    TIME-WAIT on both;
 *  - TIME-WAIT lasts 2 * MSL (msl_ms module parameter) and then the
 *    active closer's socket goes away;
 *  - an orphan (closed by its user) does not live for ever: FIN-WAIT-2
 *    ends after net.ipv4.tcp_fin_timeout when the peer never closes, and
 *    retransmissions into a dead path end after tcp_orphan_retries, as
 *    on Linux (the sysctls of the orphan's namespace).
 */
#include "kselftest_harness.h"
#include "wire_util.h"

#define DELAY_MS	200

FIXTURE(states) {
	struct wire w;
	int lab;
};

FIXTURE_SETUP(states)
{
	const char *why = NULL;
	int r;

	self->w.root = self->w.a = self->w.b = -1;
	self->w.up = false;
	self->lab = tcplab_family();
	if (self->lab < 0)
		ENV_FAIL("tcplab module not loaded");
	r = wire_up(&self->w, &why);
	if (r > 0)
		ENV_FAIL("%s", why);
	ASSERT_EQ(0, r) TH_LOG("%s", why);
}

FIXTURE_TEARDOWN(states)
{
	wire_down(&self->w);
}

/* The distinct states one /proc/net/tcplab row went through. */
struct seen {
	char st[16][16];
	int n;
	double t_last_change;
};

static void seen_add(struct seen *s, const char *st)
{
	if (s->n && !strcmp(s->st[s->n - 1], st))
		return;
	s->t_last_change = wire_now();
	if (s->n < 16)
		snprintf(s->st[s->n++], sizeof(s->st[0]), "%s", st);
}

static bool seen_has(const struct seen *s, const char *st)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->st[i], st))
			return true;
	return false;
}

/* Index of @st in @s, -1 if absent. */
static int seen_idx(const struct seen *s, const char *st)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->st[i], st))
			return i;
	return -1;
}

static void seen_log(struct __test_metadata *_metadata, const char *who,
		     const struct seen *s)
{
	char line[256] = "";
	int i;

	for (i = 0; i < s->n; i++) {
		if (i)
			strcat(line, " -> ");
		strcat(line, s->st[i]);
	}
	TH_LOG("%s: %s", who, line);
}

static void sample(const struct wire *w, int nsfd, const char *local,
		   const char *remote, struct seen *s)
{
	struct wire_row r;
	int f = wire_row_find(w, nsfd, local, remote, &r);

	seen_add(s, f > 0 ? r.state : "(gone)");
}

static int msl_ms(void)
{
	FILE *f = fopen("/sys/module/tcplab/parameters/msl_ms", "r");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

TEST_F_TIMEOUT(states, simultaneous_open, 60)
{
	struct sockaddr_in a_addr = wire_sin(WIRE_ADDR_A, 40001);
	struct sockaddr_in b_addr = wire_sin(WIRE_ADDR_B, 40002);
	struct seen sa = { .n = 0 }, sb = { .n = 0 };
	const char *la = WIRE_ADDR_A ":40001", *lb = WIRE_ADDR_B ":40002";
	int a, b, r, err, cap, n, i, syn_out = 0, syn_in = 0;
	struct wire_pkt pk[64];
	socklen_t el = sizeof(err);
	double t0;
	char buf[8];

	r = wire_delay(DELAY_MS);
	if (r > 0)
		ENV_FAIL("no tc or sch_netem");
	ASSERT_EQ(0, r);

	a = wire_socket(&self->w, self->w.a, self->lab,
			SOCK_STREAM | SOCK_NONBLOCK, 0);
	b = wire_socket(&self->w, self->w.b, self->lab,
			SOCK_STREAM | SOCK_NONBLOCK, 0);
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_EQ(0, bind(a, (struct sockaddr *)&a_addr, sizeof(a_addr)));
	ASSERT_EQ(0, bind(b, (struct sockaddr *)&b_addr, sizeof(b_addr)));
	cap = wire_capture_open(&self->w, self->w.a, WIRE_DEV_A);
	ASSERT_LE(0, cap);

	/* Both SYNs leave long before either arrives (200 ms). */
	ASSERT_EQ(-1, connect(a, (struct sockaddr *)&b_addr, sizeof(b_addr)));
	ASSERT_EQ(EINPROGRESS, errno);
	ASSERT_EQ(-1, connect(b, (struct sockaddr *)&a_addr, sizeof(a_addr)));
	ASSERT_EQ(EINPROGRESS, errno);

	t0 = wire_now();
	while (wire_now() - t0 < 5) {
		sample(&self->w, self->w.a, la, lb, &sa);
		sample(&self->w, self->w.b, lb, la, &sb);
		if (!strcmp(sa.st[sa.n - 1], "ESTABLISHED") &&
		    !strcmp(sb.st[sb.n - 1], "ESTABLISHED"))
			break;
		usleep(5000);
	}
	seen_log(_metadata, "A", &sa);
	seen_log(_metadata, "B", &sb);
	/* SYN-SENT -> SYN-RECEIVED -> ESTABLISHED, in that order. */
	ASSERT_EQ(0, seen_idx(&sa, "SYN-SENT"));
	ASSERT_EQ(1, seen_idx(&sa, "SYN-RECEIVED"));
	ASSERT_EQ(2, seen_idx(&sa, "ESTABLISHED"));
	ASSERT_EQ(0, seen_idx(&sb, "SYN-SENT"));
	ASSERT_EQ(1, seen_idx(&sb, "SYN-RECEIVED"));
	ASSERT_EQ(2, seen_idx(&sb, "ESTABLISHED"));

	/* connect() reports success on both, and data flows both ways. */
	ASSERT_EQ(0, getsockopt(a, SOL_SOCKET, SO_ERROR, &err, &el));
	EXPECT_EQ(0, err);
	ASSERT_EQ(0, getsockopt(b, SOL_SOCKET, SO_ERROR, &err, &el));
	EXPECT_EQ(0, err);
	fcntl(a, F_SETFL, 0);
	fcntl(b, F_SETFL, 0);
	ASSERT_EQ(4, send(a, "ping", 4, 0));
	ASSERT_EQ(4, send(b, "pong", 4, 0));
	ASSERT_EQ(4, recv(b, buf, 4, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(buf, "ping", 4));
	ASSERT_EQ(4, recv(a, buf, 4, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(buf, "pong", 4));

	/* On the wire at A: our SYN out and theirs in, neither with ACK. */
	n = wire_capture_read(cap, pk, 64, 40001, 100, 100);
	close(cap);
	for (i = 0; i < n; i++) {
		if (pk[i].flags != WIRE_SYN)
			continue;
		if (pk[i].outgoing)
			syn_out++;
		else
			syn_in++;
	}
	EXPECT_EQ(1, syn_out);
	EXPECT_EQ(1, syn_in);
	close(a);
	close(b);
}

/* A connection A:40003 <-> B:40004 with the delay on; its two sockets. */
static int delayed_pair(struct __test_metadata *_metadata, FIXTURE_DATA(states) *self,
			int *a, int *b)
{
	struct sockaddr_in b_addr = wire_sin(WIRE_ADDR_B, 40004);
	struct sockaddr_in a_addr = wire_sin(WIRE_ADDR_A, 40003);
	int lfd, r;

	r = wire_delay(DELAY_MS);
	if (r)
		return r;
	lfd = wire_socket(&self->w, self->w.b, self->lab, SOCK_STREAM, 0);
	*a = wire_socket(&self->w, self->w.a, self->lab, SOCK_STREAM, 0);
	if (lfd < 0 || *a < 0 ||
	    bind(lfd, (struct sockaddr *)&b_addr, sizeof(b_addr)) ||
	    listen(lfd, 1) ||
	    bind(*a, (struct sockaddr *)&a_addr, sizeof(a_addr)) ||
	    connect(*a, (struct sockaddr *)&b_addr, sizeof(b_addr)))
		return -1;
	*b = accept(lfd, NULL, NULL);
	close(lfd);
	return *b < 0 ? -1 : 0;
}

TEST_F_TIMEOUT(states, simultaneous_close, 60)
{
	const char *la = WIRE_ADDR_A ":40003", *lb = WIRE_ADDR_B ":40004";
	struct seen sa = { .n = 0 }, sb = { .n = 0 };
	int a, b, r;
	double t0;
	char buf[8];

	r = delayed_pair(_metadata, self, &a, &b);
	if (r > 0)
		ENV_FAIL("no tc or sch_netem");
	ASSERT_EQ(0, r);

	/* Both FINs leave long before either arrives. */
	ASSERT_EQ(0, shutdown(a, SHUT_WR));
	ASSERT_EQ(0, shutdown(b, SHUT_WR));
	t0 = wire_now();
	while (wire_now() - t0 < 5) {
		sample(&self->w, self->w.a, la, lb, &sa);
		sample(&self->w, self->w.b, lb, la, &sb);
		if (!strcmp(sa.st[sa.n - 1], "TIME-WAIT") &&
		    !strcmp(sb.st[sb.n - 1], "TIME-WAIT"))
			break;
		usleep(5000);
	}
	seen_log(_metadata, "A", &sa);
	seen_log(_metadata, "B", &sb);
	/* FIN-WAIT-1 -> CLOSING -> TIME-WAIT on both ends. */
	EXPECT_EQ(0, seen_idx(&sa, "FIN-WAIT-1"));
	EXPECT_EQ(1, seen_idx(&sa, "CLOSING"));
	EXPECT_EQ(2, seen_idx(&sa, "TIME-WAIT"));
	EXPECT_EQ(0, seen_idx(&sb, "FIN-WAIT-1"));
	EXPECT_EQ(1, seen_idx(&sb, "CLOSING"));
	EXPECT_EQ(2, seen_idx(&sb, "TIME-WAIT"));
	/* Never FIN-WAIT-2: our FIN was not acknowledged before theirs came. */
	EXPECT_FALSE(seen_has(&sa, "FIN-WAIT-2"));
	EXPECT_FALSE(seen_has(&sb, "FIN-WAIT-2"));
	/* Both read the end of the stream. */
	EXPECT_EQ(0, recv(a, buf, sizeof(buf), 0));
	EXPECT_EQ(0, recv(b, buf, sizeof(buf), 0));
	close(a);
	close(b);
}

TEST_F_TIMEOUT(states, time_wait_expiry, 60)
{
	struct sockaddr_in sin = wire_sin(WIRE_ADDR_B, 0);
	char la[32], lb[32], buf[8];
	struct seen sa = { .n = 0 }, sb = { .n = 0 };
	socklen_t sl = sizeof(sin);
	int lfd, cfd, afd, msl = msl_ms();
	double t0, t_tw = 0, t_gone = 0;

	if (msl <= 0 || msl > 10000)
		ENV_FAIL("msl_ms %d: TIME-WAIT too long to wait for", msl);
	lfd = wire_socket(&self->w, self->w.b, self->lab, SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(lfd, 1));
	ASSERT_EQ(0, getsockname(lfd, (struct sockaddr *)&sin, &sl));
	cfd = wire_socket(&self->w, self->w.a, self->lab, SOCK_STREAM, 0);
	ASSERT_LE(0, cfd);
	ASSERT_EQ(0, connect(cfd, (struct sockaddr *)&sin, sizeof(sin)));
	afd = accept(lfd, NULL, NULL);
	ASSERT_LE(0, afd);
	close(lfd);
	wire_name(cfd, 0, la, sizeof(la));
	wire_name(cfd, 1, lb, sizeof(lb));

	/* A closes first: A is the active closer and ends in TIME-WAIT. */
	close(cfd);
	ASSERT_EQ(0, recv(afd, buf, sizeof(buf), 0));
	close(afd);
	t0 = wire_now();
	while (wire_now() - t0 < msl * 2 / 1000.0 + 5) {
		sample(&self->w, self->w.a, la, lb, &sa);
		sample(&self->w, self->w.b, lb, la, &sb);
		if (!t_tw && !strcmp(sa.st[sa.n - 1], "TIME-WAIT"))
			t_tw = wire_now();
		if (t_tw && !strcmp(sa.st[sa.n - 1], "(gone)")) {
			t_gone = wire_now();
			break;
		}
		usleep(10000);
	}
	seen_log(_metadata, "A (active)", &sa);
	seen_log(_metadata, "B (passive)", &sb);
	ASSERT_NE(0, t_tw);
	ASSERT_NE(0, t_gone) TH_LOG("TIME-WAIT did not end");
	TH_LOG("TIME-WAIT seen for %.0f ms, 2*MSL = %d ms",
	       (t_gone - t_tw) * 1000, 2 * msl);
	/* First seen a little after it began; gone a little after expiry. */
	EXPECT_LE(2 * msl - 300, (t_gone - t_tw) * 1000);
	EXPECT_GE(2 * msl + 1500, (t_gone - t_tw) * 1000);
	/* The passive closer never enters TIME-WAIT (LAST-ACK -> CLOSED). */
	EXPECT_FALSE(seen_has(&sb, "TIME-WAIT"));
	EXPECT_STREQ("(gone)", sb.st[sb.n - 1]);
}

/* Write @val to /proc/sys/net/ipv4/@name in namespace @nsfd; 0 or -1. */
static int ns_sysctl(const struct wire *w, int nsfd, const char *name,
		     const char *val)
{
	char path[96];
	int ok = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/%s", name);
	if (wire_enter(nsfd))
		return -1;
	f = fopen(path, "w");
	if (f) {
		ok = fputs(val, f) < 0 ? -1 : 0;
		if (fclose(f))
			ok = -1;
	}
	wire_enter(w->root);
	return ok;
}

/*
 * A tcplab client in A connected to a Linux TCP server in B; *@a and *@b
 * its two ends, @la and @lb their "ip:port" names.
 */
static int linux_peer_pair(struct __test_metadata *_metadata,
			   FIXTURE_DATA(states) *self, int *a, int *b,
			   char *la, char *lb)
{
	struct sockaddr_in sin = wire_sin(WIRE_ADDR_B, 0);
	socklen_t sl = sizeof(sin);
	int lfd;

	lfd = wire_socket(&self->w, self->w.b, AF_INET, SOCK_STREAM, 0);
	*a = wire_socket(&self->w, self->w.a, self->lab, SOCK_STREAM, 0);
	if (lfd < 0 || *a < 0 ||
	    bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    listen(lfd, 1) ||
	    getsockname(lfd, (struct sockaddr *)&sin, &sl) ||
	    connect(*a, (struct sockaddr *)&sin, sizeof(sin)))
		return -1;
	*b = accept(lfd, NULL, NULL);
	close(lfd);
	wire_name(*a, 0, la, 32);
	wire_name(*a, 1, lb, 32);
	return *b < 0 ? -1 : 0;
}

/* Sample A's row until it is gone (or @secs pass); when it went. */
static double wait_gone(FIXTURE_DATA(states) *self, const char *la,
			const char *lb, struct seen *sa, double secs)
{
	double t0 = wire_now();

	while (wire_now() - t0 < secs) {
		sample(&self->w, self->w.a, la, lb, sa);
		if (!strcmp(sa->st[sa->n - 1], "(gone)"))
			return wire_now();
		usleep(10000);
	}
	return 0;
}

/*
 * The Linux peer acknowledges our FIN but never closes (CLOSE-WAIT for
 * ever).  shutdown(SHUT_WR) leaves FIN-WAIT-2 unbounded, the user may
 * still read; close() makes it an orphan, gone after tcp_fin_timeout
 * without a segment, never TIME-WAIT.
 */
TEST_F_TIMEOUT(states, orphan_fin_wait_2_timeout, 60)
{
	struct seen sa = { .n = 0 };
	char la[32], lb[32];
	double t_close, t_gone;
	int a, b;

	ASSERT_EQ(0, ns_sysctl(&self->w, self->w.a, "tcp_fin_timeout", "2"));
	ASSERT_EQ(0, linux_peer_pair(_metadata, self, &a, &b, la, lb));
	ASSERT_EQ(0, shutdown(a, SHUT_WR));
	t_close = wire_now();
	while (wire_now() - t_close < 3.5) {
		sample(&self->w, self->w.a, la, lb, &sa);
		usleep(20000);
	}
	/* past the 2 s: still FIN-WAIT-2, the socket is not an orphan */
	EXPECT_STREQ("FIN-WAIT-2", sa.st[sa.n - 1]);

	close(a);
	t_close = wire_now();
	t_gone = wait_gone(self, la, lb, &sa, 10);
	seen_log(_metadata, "A (tcplab, closed)", &sa);
	ASSERT_NE(0, t_gone) TH_LOG("the orphan is still in FIN-WAIT-2");
	TH_LOG("orphan gone %.0f ms after close(), tcp_fin_timeout 2 s",
	       (t_gone - t_close) * 1000);
	EXPECT_LE(1900, (t_gone - t_close) * 1000);
	EXPECT_GE(3500, (t_gone - t_close) * 1000);
	EXPECT_FALSE(seen_has(&sa, "TIME-WAIT"));
	close(b);
}

/*
 * The path dies (netem drops everything A sends) with data and FIN
 * unacknowledged.  An orphan retransmits tcp_orphan_retries times, not
 * tcp_retries2 times (15: many minutes), and is gone.
 */
TEST_F_TIMEOUT(states, orphan_retries_on_dead_path, 60)
{
	struct seen sa = { .n = 0 };
	char la[32], lb[32], buf[4096];
	double t_close, t_gone;
	int a, b;

	if (wire_sh(WIRE_MODPROBE " -q sch_netem") &&
	    access("/sys/module/sch_netem", F_OK))
		ENV_FAIL("no sch_netem");
	ASSERT_EQ(0, ns_sysctl(&self->w, self->w.a, "tcp_orphan_retries", "2"));
	ASSERT_EQ(0, linux_peer_pair(_metadata, self, &a, &b, la, lb));
	ASSERT_EQ(0, wire_sh(WIRE_IP " netns exec " WIRE_NS_A " " WIRE_TC
			     " qdisc add dev " WIRE_DEV_A " root netem loss 100%%"));
	memset(buf, 'x', sizeof(buf));
	ASSERT_EQ(sizeof(buf), send(a, buf, sizeof(buf), 0));
	close(a);
	t_close = wire_now();
	/* RTO 200 ms (the veth's RTT is tiny): 0.2 + 0.4 + 0.8 s */
	t_gone = wait_gone(self, la, lb, &sa, 30);
	seen_log(_metadata, "A (tcplab, closed)", &sa);
	ASSERT_NE(0, t_gone) TH_LOG("the orphan still retransmits");
	TH_LOG("orphan gone %.0f ms after close(), tcp_orphan_retries 2",
	       (t_gone - t_close) * 1000);
	EXPECT_GE(8000, (t_gone - t_close) * 1000);
	EXPECT_LT(0, wire_stat(&self->w, self->w.a, "RtoTimeouts"));
	close(b);
}

TEST_HARNESS_MAIN
