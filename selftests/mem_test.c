// SPDX-License-Identifier: GPL-2.0
/*
 * mem_test: the memory of all tcplab sockets together, and orphans.
 *
 * limit: tcplab receivers in namespace A (192.0.2.1) that do not read,
 * Linux TCP senders in namespace B pushing at them.  First with the
 * module's default "mem" limit, to see how much the receivers hold when
 * nothing stops them, then with a limit far below that: the pages in use
 * (MemoryPages in /proc/net/tcplab_stats) must stay within the limit plus
 * each socket's floor (tcp_rmem[0] and one skb), the pool must report
 * pressure, and once the receivers read, every byte must arrive intact.
 * When all is closed the pages in use go back to zero.
 *
 * orphan_storm: thousands of tcplab connections to a Linux peer that then
 * vanishes (netem drops all A sends), all closed by the program.  Orphans
 * stay within max_orphans, the rest are reset at close (AbortOnMemory),
 * the orphans die after tcp_orphan_retries, and sockets and memory go back
 * to where they were.
 */
#include <poll.h>

#include "kselftest_harness.h"
#include "wire_util.h"

#define PCPU_RSV	"/proc/sys/net/core/mem_pcpu_rsv"
#define LAB_PORT	8090


/* /proc/sys/net/ipv4/@name of namespace @ns; -1 on error. */
static int ns_sysctl(const struct wire *w, int ns, const char *name,
		     const char *set)
{
	char path[96], buf[64];
	int v = -1;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/%s", name);
	if (wire_enter(ns))
		return -1;
	if (set)
		v = tcplab_write_file(path, set);
	else if (!tcplab_read_line(path, buf, sizeof(buf)))
		v = atoi(buf);
	wire_enter(w->root);
	return v;
}

/* Pattern byte @off of connection @conn: a gap or a swap shows. */
static unsigned char pattern(int conn, uint64_t off)
{
	return (unsigned char)((off * 7 + (off >> 12) + conn * 31) & 0xff);
}

FIXTURE(mem) {
	struct wire w;
	int lab;
	char mem[64];		/* the parameter before the test; "" unread */
	char orphans[32];
	char rto_min[32];
	int orphan_retries;	/* A's tcp_orphan_retries; -1 unread */
};

FIXTURE_SETUP(mem)
{
	const char *why = NULL;
	int r;

	self->w.root = self->w.a = self->w.b = -1;
	self->w.up = false;
	self->mem[0] = self->orphans[0] = self->rto_min[0] = '\0';

	self->orphan_retries = -1;
	self->lab = tcplab_family();
	if (self->lab < 0)
		ENV_FAIL("tcplab module not loaded");
	ASSERT_EQ(0, tcplab_param_get("mem", self->mem, sizeof(self->mem)));
	ASSERT_EQ(0, tcplab_param_get("max_orphans", self->orphans,
			       sizeof(self->orphans)));
	ASSERT_EQ(0, tcplab_param_get("rto_min_ms", self->rto_min,
			       sizeof(self->rto_min)));
	r = wire_up(&self->w, &why);
	if (r > 0)
		ENV_FAIL("%s", why);
	ASSERT_EQ(0, r) TH_LOG("%s", why);
	ASSERT_EQ(0, wire_raise_nofile(32768));
}

FIXTURE_TEARDOWN(mem)
{
	char v[16];

	/* Put everything back even after a failed assertion. */
	if (self->mem[0])
		tcplab_param_set("mem", self->mem);
	if (self->orphans[0])
		tcplab_param_set("max_orphans", self->orphans);
	if (self->rto_min[0])
		tcplab_param_set("rto_min_ms", self->rto_min);

	if (self->orphan_retries >= 0 && self->w.a >= 0) {
		snprintf(v, sizeof(v), "%d", self->orphan_retries);
		ns_sysctl(&self->w, self->w.a, "tcp_orphan_retries", v);
	}
	wire_down(&self->w);
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* ---- limit ---- */

#define LIMIT_CONNS	64
#define LIMIT_TOTAL	(512 * 1024)	/* bytes per connection */

struct flow {
	int snd, rcv;			/* B's Linux socket, A's tcplab one */
	uint64_t sent, rcvd;
	bool bad;
};

/* Send what @f's socket takes now; bytes sent, -1 on an error. */
static long flow_push(struct flow *f, int conn)
{
	unsigned char buf[16384];
	long total = 0;

	while (f->sent < LIMIT_TOTAL) {
		size_t n = sizeof(buf), i;
		ssize_t r;

		if (n > LIMIT_TOTAL - f->sent)
			n = LIMIT_TOTAL - f->sent;
		for (i = 0; i < n; i++)
			buf[i] = pattern(conn, f->sent + i);
		r = send(f->snd, buf, n, MSG_DONTWAIT);
		if (r < 0)
			return errno == EAGAIN ? total : -1;
		f->sent += r;
		total += r;
	}
	return total;
}

/* Read and check what @f's receiver has; bytes read, -1 on an error. */
static long flow_pull(struct flow *f, int conn)
{
	unsigned char buf[16384];
	long total = 0;

	for (;;) {
		ssize_t r = recv(f->rcv, buf, sizeof(buf), MSG_DONTWAIT);
		ssize_t i;

		if (r < 0)
			return errno == EAGAIN ? total : -1;
		if (!r)
			return total;
		for (i = 0; i < r; i++)
			if (buf[i] != pattern(conn, f->rcvd + i))
				f->bad = true;
		f->rcvd += r;
		total += r;
	}
}

/*
 * Connect LIMIT_CONNS flows and push without reading until nothing
 * moves for a while; the peak of MemoryPages meanwhile.
 */
static long limit_fill(struct __test_metadata *_metadata, FIXTURE_DATA(mem) *self,
		       struct flow *fl)
{
	struct sockaddr_in sin = wire_sin(WIRE_ADDR_A, LAB_PORT);
	double idle_since = 0;
	long peak = 0, pages;
	int lfd, i;

	lfd = wire_socket(&self->w, self->w.a, self->lab, SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &(int){1},
				sizeof(int)));
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(lfd, LIMIT_CONNS));
	for (i = 0; i < LIMIT_CONNS; i++) {
		memset(&fl[i], 0, sizeof(fl[i]));
		fl[i].snd = wire_socket(&self->w, self->w.b, AF_INET,
					SOCK_STREAM, 0);
		ASSERT_LE(0, fl[i].snd);
		ASSERT_EQ(0, connect(fl[i].snd, (struct sockaddr *)&sin,
				     sizeof(sin))) TH_LOG("connect %d: %s", i,
							  strerror(errno));
		fl[i].rcv = accept(lfd, NULL, NULL);
		ASSERT_LE(0, fl[i].rcv);
	}
	close(lfd);
	while (wire_now() - idle_since < 1.0 * tcplab_time_factor() ||
	       !idle_since) {
		long moved = 0;

		for (i = 0; i < LIMIT_CONNS; i++) {
			long r = flow_push(&fl[i], i);

			ASSERT_LE(0, r) TH_LOG("send %d: %s", i, strerror(errno));
			moved += r;
		}
		pages = tcplab_stat("MemoryPages");
		ASSERT_LE(0, pages);
		if (pages > peak)
			peak = pages;
		if (moved)
			idle_since = wire_now();
		usleep(20000);
	}
	return peak;
}

/* Read everything, check it, close; then no page stays in use. */
static void limit_drain(struct __test_metadata *_metadata,
			FIXTURE_DATA(mem) *self, struct flow *fl)
{
	double deadline = wire_now() + 60.0 * tcplab_time_factor();
	bool done = false;
	long pages = -1;
	int i;

	while (!done) {
		ASSERT_LT(wire_now(), deadline) TH_LOG("transfer stalled");
		done = true;
		for (i = 0; i < LIMIT_CONNS; i++) {
			ASSERT_LE(0, flow_push(&fl[i], i));
			if (fl[i].sent == LIMIT_TOTAL && fl[i].snd >= 0) {
				close(fl[i].snd);	/* FIN after the data */
				fl[i].snd = -1;
			}
			ASSERT_LE(0, flow_pull(&fl[i], i));
			if (fl[i].rcvd < LIMIT_TOTAL)
				done = false;
		}
		if (!done)
			usleep(2000);
	}
	for (i = 0; i < LIMIT_CONNS; i++) {
		EXPECT_FALSE(fl[i].bad) TH_LOG("connection %d: data corrupted", i);
		EXPECT_EQ(LIMIT_TOTAL, fl[i].rcvd);
		if (fl[i].snd >= 0)
			close(fl[i].snd);
		close(fl[i].rcv);
	}
	/* LAST-ACK ends at the peer's ACK; TIME-WAIT holds no pages. */
	deadline = wire_now() + 10.0 * tcplab_time_factor();
	while (wire_now() < deadline && (pages = tcplab_stat("MemoryPages")))
		usleep(50000);
	EXPECT_EQ(0, pages) TH_LOG("pages still in use after every socket closed");
}

TEST_F_TIMEOUT(mem, limit, 240)
{
	long rmem0, free_peak, peak, bound, pressures, rsv = 256;
	struct flow fl[LIMIT_CONNS];
	char limit[64], buf[32];

	rmem0 = ns_sysctl(&self->w, self->w.a, "tcp_rmem", NULL);
	ASSERT_LT(0, rmem0);
	/*
	 * Each CPU takes pages from the pool in batches of mem_pcpu_rsv
	 * (256, its minimum), so the pool the limit is checked against is
	 * up to that far off on each.
	 */
	if (!tcplab_read_line(PCPU_RSV, buf, sizeof(buf)))
		rsv = atol(buf);
	/* One segment per packet: an skb is then less than a page. */
	ASSERT_EQ(0, wire_gso_segs(1));

	free_peak = limit_fill(_metadata, self, fl);
	limit_drain(_metadata, self, fl);
	TH_LOG("default mem %s: %d receivers held at most %ld pages",
	       self->mem, LIMIT_CONNS, free_peak);

	/*
	 * A limit of a quarter of that: over it each socket keeps at most
	 * tcp_rmem[0], one skb more, and less than a page of forward
	 * allocation.
	 */
	snprintf(limit, sizeof(limit), "%ld,%ld,%ld", free_peak / 8,
		 free_peak / 6, free_peak / 4);
	bound = free_peak / 4 + LIMIT_CONNS * ((rmem0 + 4095) / 4096 + 2) +
		sysconf(_SC_NPROCESSORS_CONF) * rsv;
	ASSERT_LT(bound, free_peak) TH_LOG("the receivers held too little for a test: %ld pages",
					   free_peak);
	ASSERT_EQ(0, tcplab_param_set("mem", limit));
	pressures = wire_stat(&self->w, self->w.a, "MemoryPressures");
	peak = limit_fill(_metadata, self, fl);
	TH_LOG("mem %s: at most %ld pages (bound %ld), pressure %ld",
	       limit, peak, bound, tcplab_stat("MemoryPressure"));
	EXPECT_LE(peak, bound);
	EXPECT_EQ(1, tcplab_stat("MemoryPressure"));
	EXPECT_LT(pressures, wire_stat(&self->w, self->w.a, "MemoryPressures"));
	limit_drain(_metadata, self, fl);
	/*
	 * The pressure ends when the pool, as the CPUs' batches leave it,
	 * is below min: with a min this small, maybe not yet.
	 */
	TH_LOG("after the transfer: pressure %ld", tcplab_stat("MemoryPressure"));
}

/* ---- orphan_storm ---- */


static long lab_sockets(const struct wire *w)
{
	return wire_stat(w, w->a, "Sockets");
}

TEST_F_TIMEOUT(mem, orphan_storm, 600)
{
	int n = tcplab_tier_is("debug") ? 1000 : 5000, max_orphans = n / 10;
	struct sockaddr_in sin = wire_sin(WIRE_ADDR_B, LAB_PORT);
	long aborts, orphans, peak = 0, slab0, pages;
	double deadline, t0;
	int *cfd, lfd, i, afd;
	char v[16];

	cfd = calloc(n, sizeof(*cfd));
	ASSERT_NE(NULL, cfd);
	self->orphan_retries = ns_sysctl(&self->w, self->w.a,
					 "tcp_orphan_retries", NULL);
	ASSERT_LE(0, self->orphan_retries);
	/* The orphans give up after one retransmission of their FIN. */
	ASSERT_EQ(0, ns_sysctl(&self->w, self->w.a, "tcp_orphan_retries", "1"));
	ASSERT_EQ(0, wire_sh(WIRE_IP " netns exec " WIRE_NS_A
			     " sysctl -qw net.ipv4.ip_local_port_range='10000 65000'"));
	snprintf(v, sizeof(v), "%d", max_orphans);
	ASSERT_EQ(0, tcplab_param_set("max_orphans", v));
	/*
	 * Orphans that live through the closing loop (RTO at least 2 s),
	 * so that exactly max_orphans of them are alive at its end.
	 */
	snprintf(v, sizeof(v), "%d", 2000 * tcplab_time_factor());
	ASSERT_EQ(0, tcplab_param_set("rto_min_ms", v));
	slab0 = tcplab_slab_active("TCPLAB");
	ASSERT_LE(0, slab0);
	ASSERT_EQ(0, lab_sockets(&self->w));

	lfd = wire_socket(&self->w, self->w.b, AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(lfd, 4096));
	ASSERT_EQ(0, set_nonblock(lfd));
	/* The connections, accepted (and kept open) by Linux in B. */
	for (i = 0; i < n; i++) {
		cfd[i] = wire_socket(&self->w, self->w.a, self->lab,
				     SOCK_STREAM, 0);
		ASSERT_LE(0, cfd[i]) TH_LOG("socket %d: %s", i, strerror(errno));
		ASSERT_EQ(0, connect(cfd[i], (struct sockaddr *)&sin,
				     sizeof(sin))) TH_LOG("connect %d: %s", i,
							  strerror(errno));
		while ((afd = accept(lfd, NULL, NULL)) >= 0)
			close(afd);	/* Linux's side just goes away */
	}
	usleep(200000);
	while ((afd = accept(lfd, NULL, NULL)) >= 0)
		close(afd);
	/*
	 * Linux's closed sockets answered with FINs, which tcplab took;
	 * now the peer vanishes: nothing tcplab sends arrives any more.
	 */
	ASSERT_EQ(0, wire_sh(WIRE_IP " netns exec " WIRE_NS_A " " WIRE_TC
			     " qdisc add dev " WIRE_DEV_A " root netem loss 100%%"));
	aborts = wire_stat(&self->w, self->w.a, "AbortOnMemory");
	t0 = wire_now();
	for (i = 0; i < n; i++) {
		/* Unsent data makes the orphans hold memory too. */
		send(cfd[i], "orphan", 6, MSG_DONTWAIT);
		close(cfd[i]);
		if (i % 50 && i != n - 1)
			continue;
		orphans = tcplab_stat("OrphansAllNamespaces");
		if (orphans > peak)
			peak = orphans;
	}
	aborts = wire_stat(&self->w, self->w.a, "AbortOnMemory") - aborts;
	TH_LOG("default max_orphans %s; %d connections closed in %.1f s: at most %ld orphans (max_orphans %d), %ld reset at close, %ld pages in use",
	       self->orphans, n, wire_now() - t0, peak, max_orphans, aborts,
	       tcplab_stat("MemoryPages"));
	EXPECT_LE(peak, max_orphans);
	EXPECT_LT(0, peak);
	EXPECT_LE(n - max_orphans, aborts);

	/* One retransmission later the orphans give up. */
	deadline = wire_now() + 30.0 * tcplab_time_factor();
	while (wire_now() < deadline &&
	       (tcplab_stat("OrphansAllNamespaces") || lab_sockets(&self->w)))
		usleep(100000);
	EXPECT_EQ(0, tcplab_stat("OrphansAllNamespaces"));
	EXPECT_EQ(0, lab_sockets(&self->w));
	pages = tcplab_stat("MemoryPages");
	EXPECT_EQ(0, pages);
	/* KASAN's quarantine keeps freed objects counted as active. */
	if (!tcplab_tier_is("debug"))
		EXPECT_GE(slab0 + 64, tcplab_slab_active("TCPLAB"))
			TH_LOG("TCPLAB objects: %ld before, %ld after", slab0,
			       tcplab_slab_active("TCPLAB"));
	close(lfd);
	free(cfd);
}

TEST_HARNESS_MAIN
