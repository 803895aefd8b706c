// SPDX-License-Identifier: GPL-2.0
/*
 * synflood_test: a SYN flood from spoofed addresses against a tcplab
 * listener and, as the oracle, a Linux TCP listener in the same place.
 *
 * Namespace A (192.0.2.1) floods namespace B (192.0.2.2) through a raw
 * socket: SYNs from random addresses of 198.51.100.0/24 and
 * 203.0.113.0/24 and random ports, in sendmmsg() batches, as fast as the
 * guest allows.  B routes those addresses back through the veth; A
 * blackholes them, so the SYN,ACKs die there unanswered, as a real
 * flood's would, and nothing leaves the VM.  Meanwhile a Linux TCP
 * client at 192.0.2.1 makes 100 connections, each moving a few bytes
 * both ways, and a sampler records the listener side's memory: the
 * TCPLAB slab (and tcplab's Sockets counter) or Linux's request_sock_TCP
 * slab.
 *
 * net.ipv4.tcp_syncookies of B: 1 (the default) must let the clients
 * through with bounded memory; 0 must drop at the SYN queue's limit as
 * Linux does; 2 must give a working connection from cookies alone, with
 * window scale and SACK recovered from the timestamp.
 */
#include <pthread.h>
#include <sys/uio.h>

#include "kselftest_harness.h"
#include "wire_util.h"

/*
 * SYNs of the flood with tcp_syncookies=1, per listener.  The debug
 * kernel sends a few hundred a second under TCG, so its run sends a
 * tenth: enough to fill the queue a hundred times over.
 */
#define SYN_COUNT		(tcplab_tier_is("debug") ? 10000 : 100000)
/* ... with tcp_syncookies=0: the queue is full after a few hundred. */
#define SYN_COUNT_NOCOOKIES	20000
#define LEGIT_CONNECTS		100
/* Clients connecting at once: a few with cookies, more without. */
#define LEGIT_BATCH		10
#define LEGIT_BATCH_NOCOOKIES	25
#define LISTEN_BACKLOG		128
#define FLOOD_BATCH		256
#define LAB_PORT		8080
#define INET_PORT		8081
/* A flood stops after this long even if it did not send everything. */
#define FLOOD_MAX_S		100

#define SPOOF_NET_1		"198.51.100.0/24"
#define SPOOF_NET_2		"203.0.113.0/24"

FIXTURE(flood) {
	struct wire w;
	int lab;
	int syncookies;		/* B's value before the test; -1: unread */
};

/* /proc/sys/net/ipv4/@name in namespace @ns; -1 on error. */
static int flood_sysctl_get(const struct wire *w, int ns, const char *name)
{
	char path[96];
	FILE *f;
	int v = -1;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/%s", name);
	if (wire_enter(ns))
		return -1;
	f = fopen(path, "r");
	wire_enter(w->root);
	if (!f)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int flood_sysctl_set(const struct wire *w, int ns, const char *name,
			    int val)
{
	char path[96];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/%s", name);
	if (wire_enter(ns))
		return -1;
	f = fopen(path, "w");
	wire_enter(w->root);
	if (!f)
		return -1;
	fprintf(f, "%d\n", val);
	return fclose(f) ? -1 : 0;
}

FIXTURE_SETUP(flood)
{
	const char *why = NULL;
	int r;

	self->w.root = self->w.a = self->w.b = -1;
	self->w.up = false;
	self->syncookies = -1;
	self->lab = tcplab_family();
	if (self->lab < 0)
		ENV_FAIL("tcplab module not loaded");
	r = wire_up(&self->w, &why);
	if (r > 0)
		ENV_FAIL("%s", why);
	ASSERT_EQ(0, r) TH_LOG("%s", why);
	if (access("/proc/sys/net/ipv4/tcp_syncookies", F_OK))
		ENV_FAIL("no net.ipv4.tcp_syncookies (CONFIG_SYN_COOKIES)");
	if (access("/proc/slabinfo", R_OK))
		ENV_FAIL("no /proc/slabinfo");
	self->syncookies = flood_sysctl_get(&self->w, self->w.b,
					    "tcp_syncookies");
	ASSERT_EQ(1, self->syncookies);
	/* The spoofed sources: back through the veth, dead ends in A. */
	ASSERT_EQ(0, wire_sh(WIRE_IP " -n " WIRE_NS_B " route add " SPOOF_NET_1
			     " via " WIRE_ADDR_A));
	ASSERT_EQ(0, wire_sh(WIRE_IP " -n " WIRE_NS_B " route add " SPOOF_NET_2
			     " via " WIRE_ADDR_A));
	ASSERT_EQ(0, wire_sh(WIRE_IP " -n " WIRE_NS_A " route add blackhole "
			     SPOOF_NET_1));
	ASSERT_EQ(0, wire_sh(WIRE_IP " -n " WIRE_NS_A " route add blackhole "
			     SPOOF_NET_2));
}

FIXTURE_TEARDOWN(flood)
{
	/* Put the sysctl back even after a failed assertion. */
	if (self->syncookies >= 0 && self->w.b >= 0)
		flood_sysctl_set(&self->w, self->w.b, "tcp_syncookies",
				 self->syncookies);
	wire_down(&self->w);
}



/* ---- the flooder (namespace A) ---- */

struct flood_ctl {
	const struct wire *w;
	int port;
	long nsyn;		/* at least this many */
	volatile int legit_done;
	volatile int stop;
	long sent;		/* SYNs sent */
	volatile long progress;	/* the same, for the other threads */
	double secs;
	int err;
};

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

#define SYN_LEN	(20 + 20 + 20)	/* IP, TCP, MSS+SACKOK+TS+NOP+WS */

/* A SYN from a random spoofed address and port to @dport. */
static void syn_build(uint8_t *pkt, uint64_t *rnd, in_addr_t daddr,
		      int dport)
{
	struct iphdr *ip = (struct iphdr *)pkt;
	struct tcphdr *th = (struct tcphdr *)(pkt + 20);
	uint8_t *o = pkt + 40;
	uint32_t sum, saddr;
	uint64_t r;

	*rnd ^= *rnd << 13;
	*rnd ^= *rnd >> 7;
	*rnd ^= *rnd << 17;
	r = *rnd;
	/* 198.51.100.1-254 or 203.0.113.1-254 */
	saddr = (r & 1 ? 0xc6336400U : 0xcb007100U) | (1 + (r >> 1) % 254);

	memset(pkt, 0, SYN_LEN);
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(SYN_LEN);
	ip->ttl = 64;
	ip->protocol = IPPROTO_TCP;
	ip->saddr = htonl(saddr);
	ip->daddr = daddr;
	th->source = htons(1024 + (r >> 9) % 64000);
	th->dest = htons(dport);
	th->seq = htonl((uint32_t)(r >> 24));
	th->doff = 10;
	th->syn = 1;
	th->window = htons(64240);
	o[0] = 2; o[1] = 4; o[2] = 1460 >> 8; o[3] = 1460 & 0xff;
	o[4] = 4; o[5] = 2;				/* SACK permitted */
	o[6] = 8; o[7] = 10;				/* timestamps */
	memcpy(o + 8, &r, 4);
	o[16] = 1;					/* NOP */
	o[17] = 3; o[18] = 3; o[19] = 7;		/* window scale 7 */

	sum = csum_add(0, &ip->saddr, 8);
	sum += IPPROTO_TCP + 40;
	sum = csum_add(sum, th, 40);
	th->check = htons(csum_fold(sum));
}

static void *flooder(void *arg)
{
	static uint8_t pkts[FLOOD_BATCH][SYN_LEN];
	struct mmsghdr msg[FLOOD_BATCH];
	struct iovec iov[FLOOD_BATCH];
	struct flood_ctl *c = arg;
	struct sockaddr_in dst = wire_sin(WIRE_ADDR_B, c->port);
	uint64_t rnd = 0x9e3779b97f4a7c15ULL ^ (uint64_t)c->port;
	double t0, deadline;
	int fd, i, n;

	if (wire_enter(c->w->a)) {
		c->err = errno;
		return NULL;
	}
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		c->err = errno;
		return NULL;
	}
	memset(msg, 0, sizeof(msg));
	for (i = 0; i < FLOOD_BATCH; i++) {
		iov[i].iov_base = pkts[i];
		iov[i].iov_len = SYN_LEN;
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
		msg[i].msg_hdr.msg_name = &dst;
		msg[i].msg_hdr.msg_namelen = sizeof(dst);
	}
	t0 = wire_now();
	deadline = t0 + FLOOD_MAX_S;
	/* All of the SYNs, and for as long as the clients connect. */
	while ((c->sent < c->nsyn || !c->legit_done) && !c->stop &&
	       wire_now() < deadline) {
		for (i = 0; i < FLOOD_BATCH; i++)
			syn_build(pkts[i], &rnd, dst.sin_addr.s_addr, c->port);
		n = sendmmsg(fd, msg, FLOOD_BATCH, 0);
		if (n < 0) {
			if (errno == ENOBUFS || errno == EAGAIN) {
				sched_yield();
				continue;
			}
			c->err = errno;
			break;
		}
		c->sent += n;
		c->progress = c->sent;
	}
	c->secs = wire_now() - t0;
	close(fd);
	return NULL;
}

/* ---- the listener's side: accept and echo; the sampler ---- */

#define SERVER_MAX_CONNS	(2 * LEGIT_CONNECTS)

struct server_ctl {
	int lfd;
	volatile int stop;
	int nconn;
	pthread_t conn[SERVER_MAX_CONNS];
};

/*
 * One connection: echo what comes, wait for the client to close first
 * (no TIME-WAIT on the listener's side).  A thread of its own, because
 * connections are not accepted in the order the client made them: when
 * a client's ACK is lost, its first data segment brings the cookie back
 * later.
 */
static void *server_conn(void *arg)
{
	struct timeval tv = { .tv_sec = 10 };
	int fd = (int)(intptr_t)arg;
	char buf[64];
	ssize_t n;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	n = read(fd, buf, sizeof(buf));
	if (n > 0 && write(fd, buf, n) == n)
		while (read(fd, buf, sizeof(buf)) > 0)
			;
	close(fd);
	return NULL;
}

static void *server(void *arg)
{
	struct server_ctl *s = arg;
	int i;

	while (!s->stop) {
		struct pollfd p = { .fd = s->lfd, .events = POLLIN };
		int fd;

		if (poll(&p, 1, 100) <= 0)
			continue;
		fd = accept(s->lfd, NULL, NULL);
		if (fd < 0)
			continue;
		if (s->nconn == SERVER_MAX_CONNS ||
		    pthread_create(&s->conn[s->nconn], NULL, server_conn,
				   (void *)(intptr_t)fd)) {
			close(fd);
			continue;
		}
		s->nconn++;
	}
	for (i = 0; i < s->nconn; i++)
		pthread_join(s->conn[i], NULL);
	return NULL;
}

struct sampler_ctl {
	const struct wire *w;
	const char *slab;
	bool lab;
	volatile int stop;
	long peak_slab, peak_socks;
};

/* "Sockets" of tcplab_stats in this thread's namespace; -1 if absent. */
static long thread_sockets(void)
{
	FILE *f = fopen("/proc/thread-self/net/tcplab_stats", "r");
	char name[64];
	long val, ret = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%63[^:]: %ld\n", name, &val) == 2) {
		if (!strcmp(name, "Sockets")) {
			ret = val;
			break;
		}
	}
	fclose(f);
	return ret;
}

static void *sampler(void *arg)
{
	struct sampler_ctl *s = arg;

	/* /proc/self/net is the main thread's namespace, not ours. */
	if (s->lab && wire_enter(s->w->b))
		return NULL;
	while (!s->stop) {
		long v = tcplab_slab_active(s->slab);

		if (v > s->peak_slab)
			s->peak_slab = v;
		if (s->lab) {
			v = thread_sockets();
			if (v > s->peak_socks)
				s->peak_socks = v;
		}
		usleep(20000);
	}
	return NULL;
}

/* ---- the legitimate clients (namespace A, Linux TCP) ---- */

/*
 * @n connections at once to @port, each sending a line and reading it
 * back within @timeout_ms (connect and echo each).  Returns how many
 * succeeded.
 */
static int legit_batch(const struct wire *w, int port, int n, int base,
		       int timeout_ms)
{
	struct sockaddr_in sin = wire_sin(WIRE_ADDR_B, port);
	int fd[LEGIT_BATCH_NOCOOKIES], i, ok = 0;
	bool up[LEGIT_BATCH_NOCOOKIES] = { 0 };
	double end;

	for (i = 0; i < n; i++) {
		fd[i] = wire_socket(w, w->a, AF_INET, SOCK_STREAM | SOCK_NONBLOCK,
				    0);
		if (fd[i] >= 0)
			connect(fd[i], (struct sockaddr *)&sin, sizeof(sin));
	}
	end = wire_now() + timeout_ms / 1000.0;
	for (;;) {
		struct pollfd p[LEGIT_BATCH_NOCOOKIES];
		int k = 0, left = (int)((end - wire_now()) * 1000);

		for (i = 0; i < n; i++) {
			p[i].fd = fd[i] >= 0 && !up[i] ? fd[i] : -1;
			p[i].events = POLLOUT;
			k += p[i].fd >= 0;
		}
		if (!k || left <= 0 || poll(p, n, left) <= 0)
			break;
		for (i = 0; i < n; i++) {
			int err = 0;
			socklen_t sl = sizeof(err);

			if (p[i].fd < 0 || !p[i].revents)
				continue;
			getsockopt(fd[i], SOL_SOCKET, SO_ERROR, &err, &sl);
			if (err) {
				close(fd[i]);
				fd[i] = -1;
			} else {
				up[i] = true;
			}
		}
	}
	for (i = 0; i < n; i++) {
		char msg[32], back[32];
		struct pollfd p;
		int len, got = 0;

		if (fd[i] < 0)
			continue;
		if (!up[i])
			goto next;
		len = snprintf(msg, sizeof(msg), "hello %d\n", base + i);
		if (write(fd[i], msg, len) != len)
			goto next;
		p.fd = fd[i];
		p.events = POLLIN;
		while (got < len) {
			ssize_t r;

			if (poll(&p, 1, timeout_ms) <= 0)
				break;
			r = read(fd[i], back + got, len - got);
			if (r <= 0)
				break;
			got += r;
		}
		if (got == len && !memcmp(msg, back, len))
			ok++;
next:
		close(fd[i]);
	}
	return ok;
}

struct flood_result {
	long sent;
	double secs;
	int ok;
	long peak_slab, peak_socks;
	long cookies_sent, cookies_recv, listen_drops;
};

/*
 * Flood a listener of @family on @port with @nsyn SYNs while
 * LEGIT_CONNECTS clients connect, @batch at a time, each waiting
 * @timeout_ms.
 */
static int run_flood(struct __test_metadata *_metadata, struct wire *w,
		     int family, int port, long nsyn, int batch,
		     int timeout_ms, struct flood_result *r)
{
	struct sockaddr_in sin = wire_sin(WIRE_ADDR_B, port);
	bool lab = family != AF_INET;
	struct flood_ctl fc = { .w = w, .port = port, .nsyn = nsyn };
	struct server_ctl sc = { 0 };
	struct sampler_ctl smp = {
		.w = w, .lab = lab,
		.slab = lab ? "TCPLAB" : "request_sock_TCP",
	};
	long cs0 = 0, cr0 = 0, ld0 = 0;
	pthread_t ft, st, pt;
	int one = 1, i;

	memset(r, 0, sizeof(*r));
	sc.lfd = wire_socket(w, w->b, family, SOCK_STREAM, 0);
	if (sc.lfd < 0)
		return -1;
	setsockopt(sc.lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(sc.lfd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    listen(sc.lfd, LISTEN_BACKLOG)) {
		close(sc.lfd);
		return -1;
	}
	if (lab) {
		cs0 = wire_stat(w, w->b, "SyncookiesSent");
		cr0 = wire_stat(w, w->b, "SyncookiesRecv");
		ld0 = wire_stat(w, w->b, "ListenDrops");
	}
	smp.peak_slab = tcplab_slab_active(smp.slab);
	pthread_create(&pt, NULL, sampler, &smp);
	pthread_create(&st, NULL, server, &sc);
	pthread_create(&ft, NULL, flooder, &fc);

	/* The clients come while the flood is on. */
	while (fc.progress < nsyn / 10 && !fc.err && fc.secs == 0)
		usleep(10000);
	for (i = 0; i < LEGIT_CONNECTS; i += batch)
		r->ok += legit_batch(w, port, batch, i, timeout_ms);
	fc.legit_done = 1;
	pthread_join(ft, NULL);
	usleep(200000);
	sc.stop = 1;
	smp.stop = 1;
	pthread_join(st, NULL);
	pthread_join(pt, NULL);
	close(sc.lfd);

	r->sent = fc.sent;
	r->secs = fc.secs;
	r->peak_slab = smp.peak_slab;
	r->peak_socks = smp.peak_socks;
	if (lab) {
		r->cookies_sent = wire_stat(w, w->b, "SyncookiesSent") - cs0;
		r->cookies_recv = wire_stat(w, w->b, "SyncookiesRecv") - cr0;
		r->listen_drops = wire_stat(w, w->b, "ListenDrops") - ld0;
	}
	TH_LOG("%s listener: %ld SYNs in %.1f s (%.0f/s), %d/%d connects with data both ways, peak %s objects %ld%s",
	       lab ? "tcplab" : "Linux", r->sent, r->secs,
	       r->secs > 0 ? r->sent / r->secs : 0.0, r->ok, LEGIT_CONNECTS,
	       smp.slab, r->peak_slab, lab ? "" : " (request socks)");
	if (lab)
		TH_LOG("tcplab: peak Sockets %ld; SyncookiesSent %ld SyncookiesRecv %ld ListenDrops %ld",
		       r->peak_socks, r->cookies_sent, r->cookies_recv,
		       r->listen_drops);
	if (fc.err)
		TH_LOG("flooder: %s", strerror(fc.err));
	return fc.err ? -1 : 0;
}

/*
 * tcp_syncookies=1: the clients get through and the listener's memory
 * stays bounded by its backlog, as Linux's does.
 */
TEST_F_TIMEOUT(flood, cookies_when_queue_full, 280)
{
	struct flood_result lab, inet;

	ASSERT_EQ(0, run_flood(_metadata, &self->w, self->lab, LAB_PORT,
			       SYN_COUNT, LEGIT_BATCH, 5000, &lab));
	ASSERT_EQ(0, run_flood(_metadata, &self->w, AF_INET, INET_PORT,
			       SYN_COUNT, LEGIT_BATCH, 5000, &inet));
	TH_LOG("peak listener state: tcplab %ld sockets (TCPLAB slab %ld), Linux %ld request socks",
	       lab.peak_socks, lab.peak_slab, inet.peak_slab);
	EXPECT_LE(SYN_COUNT, lab.sent);
	EXPECT_LE(LEGIT_CONNECTS - 1, lab.ok);
	EXPECT_LE(LEGIT_CONNECTS - 1, inet.ok);
	/*
	 * Bounded: the SYN queue (the backlog), the clients' connections,
	 * the listener and a few in TIME-WAIT elsewhere; the flood's 10^5
	 * SYNs must not show.
	 */
	EXPECT_GE(LISTEN_BACKLOG + LEGIT_CONNECTS + 32, lab.peak_socks);
	if (!tcplab_tier_is("debug"))
		EXPECT_GE(LISTEN_BACKLOG + LEGIT_CONNECTS + 64, lab.peak_slab);
	EXPECT_LT(0, lab.cookies_sent);
	EXPECT_LT(0, lab.cookies_recv);
}

/*
 * tcp_syncookies=0: at the SYN queue's limit the listener drops SYNs,
 * so clients that come during the flood mostly fail, on Linux too.
 */
TEST_F_TIMEOUT(flood, no_cookies_drops_at_limit, 200)
{
	struct flood_result lab, inet;

	ASSERT_EQ(0, flood_sysctl_set(&self->w, self->w.b, "tcp_syncookies", 0));
	ASSERT_EQ(0, run_flood(_metadata, &self->w, self->lab, LAB_PORT,
			       SYN_COUNT_NOCOOKIES, LEGIT_BATCH_NOCOOKIES, 2000,
			       &lab));
	ASSERT_EQ(0, run_flood(_metadata, &self->w, AF_INET, INET_PORT,
			       SYN_COUNT_NOCOOKIES, LEGIT_BATCH_NOCOOKIES, 2000,
			       &inet));
	TH_LOG("tcp_syncookies=0: connects tcplab %d/%d, Linux %d/%d; peak tcplab %ld sockets, Linux %ld request socks",
	       lab.ok, LEGIT_CONNECTS, inet.ok, LEGIT_CONNECTS,
	       lab.peak_socks, inet.peak_slab);
	EXPECT_GT(LEGIT_CONNECTS, inet.ok);
	EXPECT_GT(LEGIT_CONNECTS, lab.ok);
	EXPECT_EQ(0, lab.cookies_sent);
	EXPECT_LT(0, lab.listen_drops);
	EXPECT_GE(LISTEN_BACKLOG + LEGIT_CONNECTS + 32, lab.peak_socks);
}

/* One connection from a Linux client; TCP_INFO of both ends. */
static void one_conn(struct __test_metadata *_metadata, struct wire *w,
		     int family, int port, struct tl_tcp_info *ci,
		     struct tl_tcp_info *si)
{
	struct sockaddr_in sin = wire_sin(WIRE_ADDR_B, port);
	int lfd, cfd, afd, one = 1;
	char buf[16];

	lfd = wire_socket(w, w->b, family, SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(lfd, 8));
	cfd = wire_socket(w, w->a, AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, cfd);
	ASSERT_EQ(0, connect(cfd, (struct sockaddr *)&sin, sizeof(sin)));
	/* The client speaks first: the ACK may be lost, data repeats it. */
	ASSERT_EQ(5, write(cfd, "hello", 5));
	afd = accept(lfd, NULL, NULL);
	ASSERT_LE(0, afd);
	ASSERT_EQ(5, read(afd, buf, sizeof(buf)));
	ASSERT_EQ(0, memcmp(buf, "hello", 5));
	ASSERT_EQ(3, write(afd, "bye", 3));
	ASSERT_EQ(3, read(cfd, buf, sizeof(buf)));
	ASSERT_EQ(0, memcmp(buf, "bye", 3));
	ASSERT_EQ(0, tl_get_info(cfd, ci));
	ASSERT_EQ(0, tl_get_info(afd, si));
	close(cfd);
	close(afd);
	close(lfd);
}

#define OPTS (TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK | TCPI_OPT_WSCALE)

/*
 * tcp_syncookies=2, with and without timestamps on the client: every
 * connection is made from a cookie; window scale and SACK come back from
 * the timestamp, and without one there are none (as Linux's listener
 * under the same sysctl, the oracle).
 */
static void always(struct __test_metadata *_metadata, struct wire *w, int lab,
		   bool ts)
{
	struct tl_tcp_info lc, ls, ic, is;
	long cs0, cr0;

	ASSERT_EQ(0, flood_sysctl_set(w, w->b, "tcp_syncookies", 2));
	ASSERT_EQ(0, flood_sysctl_set(w, w->a, "tcp_timestamps", ts));
	cs0 = wire_stat(w, w->b, "SyncookiesSent");
	cr0 = wire_stat(w, w->b, "SyncookiesRecv");
	one_conn(_metadata, w, lab, LAB_PORT, &lc, &ls);
	EXPECT_LE(cs0 + 1, wire_stat(w, w->b, "SyncookiesSent"));
	EXPECT_LE(cr0 + 1, wire_stat(w, w->b, "SyncookiesRecv"));
	one_conn(_metadata, w, AF_INET, INET_PORT, &ic, &is);

	TH_LOG("timestamps %s: tcplab server options %#x wscale snd %u rcv %u, its Linux client %#x snd %u rcv %u",
	       ts ? "on" : "off", ls.b.tcpi_options, ls.b.tcpi_snd_wscale,
	       ls.b.tcpi_rcv_wscale, lc.b.tcpi_options, lc.b.tcpi_snd_wscale,
	       lc.b.tcpi_rcv_wscale);
	TH_LOG("oracle: Linux server options %#x wscale snd %u rcv %u, its client %#x snd %u rcv %u",
	       is.b.tcpi_options, is.b.tcpi_snd_wscale, is.b.tcpi_rcv_wscale,
	       ic.b.tcpi_options, ic.b.tcpi_snd_wscale, ic.b.tcpi_rcv_wscale);
	EXPECT_EQ(is.b.tcpi_options & OPTS, ls.b.tcpi_options & OPTS);
	EXPECT_EQ(ic.b.tcpi_options & OPTS, lc.b.tcpi_options & OPTS);
	EXPECT_EQ(ts ? OPTS : 0, ls.b.tcpi_options & OPTS);
	EXPECT_EQ(lc.b.tcpi_options & OPTS, ls.b.tcpi_options & OPTS);
	/* Each end scales by the shift the other announced. */
	EXPECT_EQ((int)lc.b.tcpi_snd_wscale, (int)ls.b.tcpi_rcv_wscale);
	EXPECT_EQ((int)lc.b.tcpi_rcv_wscale, (int)ls.b.tcpi_snd_wscale);
	/*
	 * The shift the cookie's SYN,ACK announced is the one Linux's
	 * listener announces from the same buffer and sysctls.
	 */
	EXPECT_EQ((int)is.b.tcpi_rcv_wscale, (int)ls.b.tcpi_rcv_wscale);
	if (ts)
		EXPECT_LT(0, (int)ls.b.tcpi_snd_wscale);
}

TEST_F(flood, always_cookies_options_from_timestamp)
{
	always(_metadata, &self->w, self->lab, true);
}

TEST_F(flood, always_cookies_without_timestamps)
{
	always(_metadata, &self->w, self->lab, false);
}

TEST_HARNESS_MAIN
