// SPDX-License-Identifier: GPL-2.0
/*
 * api_sockopt_test: socket options, differential (AF_INET is the oracle).
 *
 * SOL_SOCKET options are handled by the socket core for both families
 * (sock_setsockopt()); what matters is that tcplab acts on them as Linux
 * TCP does: timeouts, buffer sizes and the window, SO_REUSEADDR against
 * TIME-WAIT, SO_LINGER {1, 0} as a reset.
 */
#include "kselftest_harness.h"
#include "api_util.h"
#include "tcp_info_util.h"

/* SO_TYPE, SO_DOMAIN (the family number itself), SO_PROTOCOL, ... */
TEST_F(one, identity)
{
	struct sockaddr_in addr;
	int fd = socket(self->fam, SOCK_STREAM, 0), lfd;

	ASSERT_LE(0, fd);
	EXPECT_EQ(SOCK_STREAM, api_sockopt_int(fd, SOL_SOCKET, SO_TYPE));
	EXPECT_EQ(self->fam, api_sockopt_int(fd, SOL_SOCKET, SO_DOMAIN));
	EXPECT_EQ(IPPROTO_TCP, api_sockopt_int(fd, SOL_SOCKET, SO_PROTOCOL));
	EXPECT_EQ(0, api_sockopt_int(fd, SOL_SOCKET, SO_ERROR));
	EXPECT_EQ(0, api_sockopt_int(fd, SOL_SOCKET, SO_ACCEPTCONN));
	lfd = api_listener(self->fam, 4, &addr);
	ASSERT_LE(0, lfd);
	EXPECT_EQ(1, api_sockopt_int(lfd, SOL_SOCKET, SO_ACCEPTCONN));
	close(lfd);
	close(fd);
}

/* SO_SNDBUF / SO_RCVBUF: doubled, clamped to the same minimum as Linux. */
TEST_F(one, buffer_sizes)
{
	int fd = socket(self->fam, SOCK_STREAM, 0);
	int ref = socket(AF_INET, SOCK_STREAM, 0);
	static const int names[] = { SO_SNDBUF, SO_RCVBUF };
	unsigned int i;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, ref);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, api_set_int(fd, SOL_SOCKET, names[i], 10000));
		EXPECT_EQ(20000, api_sockopt_int(fd, SOL_SOCKET, names[i]));
		ASSERT_EQ(0, api_set_int(fd, SOL_SOCKET, names[i], 1));
		ASSERT_EQ(0, api_set_int(ref, SOL_SOCKET, names[i], 1));
		EXPECT_EQ(api_sockopt_int(ref, SOL_SOCKET, names[i]),
			  api_sockopt_int(fd, SOL_SOCKET, names[i]));
	}
	close(ref);
	close(fd);
}

TEST_F(one, tcp_nodelay)
{
	int fd = socket(self->fam, SOCK_STREAM, 0);
	char c = 1;

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, api_sockopt_int(fd, SOL_TCP, TCP_NODELAY));
	EXPECT_EQ(0, api_set_int(fd, SOL_TCP, TCP_NODELAY, 5));
	EXPECT_EQ(1, api_sockopt_int(fd, SOL_TCP, TCP_NODELAY));
	EXPECT_EQ(0, api_set_int(fd, SOL_TCP, TCP_NODELAY, 0));
	EXPECT_EQ(0, api_sockopt_int(fd, SOL_TCP, TCP_NODELAY));
	EXPECT_EQ(-1, setsockopt(fd, SOL_TCP, TCP_NODELAY, &c, 1));
	EXPECT_EQ(EINVAL, errno);
	/* An option TCP does not have. */
	EXPECT_EQ(-ENOPROTOOPT, api_set_int(fd, SOL_TCP, 9999, 1));
	close(fd);
}

/*
 * IP_TOS (SOL_IP) on both families, each call on an AF_INET socket first:
 * the same result, errno, value and returned length.  An int, one byte
 * or nothing (0); any int is cut to its low byte, and the ECN field
 * (the low two bits) stays with TCP; a short buffer reads one byte.
 */
static void tos_same(struct __test_metadata *_metadata, int fd, int ref,
		     const void *val, socklen_t len)
{
	unsigned char out[8], rout[8];
	socklen_t olen, rlen;
	int r, rr, e, re, i;

	errno = 0;
	rr = setsockopt(ref, SOL_IP, IP_TOS, val, len);
	re = errno;
	errno = 0;
	r = setsockopt(fd, SOL_IP, IP_TOS, val, len);
	e = errno;
	EXPECT_EQ(rr, r) TH_LOG("setsockopt length %u", len);
	EXPECT_EQ(re, e) TH_LOG("setsockopt length %u", len);
	for (i = 0; i <= 6; i++) {
		memset(out, 0xaa, sizeof(out));
		memset(rout, 0xaa, sizeof(rout));
		olen = rlen = i;
		rr = getsockopt(ref, SOL_IP, IP_TOS, rout, &rlen);
		r = getsockopt(fd, SOL_IP, IP_TOS, out, &olen);
		EXPECT_EQ(rr, r) TH_LOG("getsockopt length %d", i);
		EXPECT_EQ(rlen, olen) TH_LOG("getsockopt length %d", i);
		EXPECT_EQ(0, memcmp(rout, out, sizeof(out)))
			TH_LOG("getsockopt length %d: %02x %02x", i, rout[0],
			       out[0]);
	}
}

TEST_F(one, ip_tos)
{
	int fd = socket(self->fam, SOCK_STREAM, 0);
	int ref = socket(AF_INET, SOCK_STREAM, 0);
	static const int ints[] = { 0x10, 0x2b, 0x1ff, -1, 0xb8, 0 };
	unsigned char byte = 0x73;
	socklen_t len = sizeof(int);
	int i, val = 0;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, ref);
	EXPECT_EQ(0, api_sockopt_int(fd, SOL_IP, IP_TOS));
	for (i = 0; i < (int)(sizeof(ints) / sizeof(ints[0])); i++)
		tos_same(_metadata, fd, ref, &ints[i], sizeof(int));
	tos_same(_metadata, fd, ref, &byte, 1);
	tos_same(_metadata, fd, ref, &ints[1], 3);
	tos_same(_metadata, fd, ref, NULL, 0);	/* as if 0 */
	tos_same(_metadata, fd, ref, &ints[4], 8);
	EXPECT_EQ(0xb8, api_sockopt_int(fd, SOL_IP, IP_TOS));
	/* A negative length, and a bad pointer. */
	len = -1;
	EXPECT_EQ(-1, getsockopt(fd, SOL_IP, IP_TOS, &val, &len));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, setsockopt(fd, SOL_IP, IP_TOS, (void *)8, sizeof(int)));
	EXPECT_EQ(EFAULT, errno);
	/* The ECN bits of a value are dropped: 0x2b gives 0x28. */
	ASSERT_EQ(0, api_set_int(ref, SOL_IP, IP_TOS, 0x2b));
	ASSERT_EQ(0, api_set_int(fd, SOL_IP, IP_TOS, 0x2b));
	EXPECT_EQ(0x28, api_sockopt_int(fd, SOL_IP, IP_TOS));
	/* SO_PRIORITY follows the TOS as rt_tos2priority() maps it. */
	EXPECT_EQ(api_sockopt_int(ref, SOL_SOCKET, SO_PRIORITY),
		  api_sockopt_int(fd, SOL_SOCKET, SO_PRIORITY));
	ASSERT_EQ(0, api_set_int(ref, SOL_IP, IP_TOS, 0x10));
	ASSERT_EQ(0, api_set_int(fd, SOL_IP, IP_TOS, 0x10));
	EXPECT_EQ(api_sockopt_int(ref, SOL_SOCKET, SO_PRIORITY),
		  api_sockopt_int(fd, SOL_SOCKET, SO_PRIORITY));
	EXPECT_NE(0, api_sockopt_int(fd, SOL_SOCKET, SO_PRIORITY));
	close(ref);
	close(fd);
}

/* A listener's IP_TOS is its children's (sk_clone_lock() copies it). */
TEST_F(one, ip_tos_inherited)
{
	struct sockaddr_in addr = api_sin("127.0.0.1", 0);
	socklen_t len = sizeof(addr);
	int lfd = socket(self->fam, SOCK_STREAM, 0), cfd, afd;

	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, api_set_int(lfd, SOL_IP, IP_TOS, 0x88));
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&addr, sizeof(addr)));
	ASSERT_EQ(0, listen(lfd, 4));
	ASSERT_EQ(0, getsockname(lfd, (struct sockaddr *)&addr, &len));
	cfd = api_connect(self->fam, &addr);
	ASSERT_LE(0, cfd);
	afd = accept(lfd, NULL, NULL);
	ASSERT_LE(0, afd);
	EXPECT_EQ(0x88, api_sockopt_int(afd, SOL_IP, IP_TOS));
	EXPECT_EQ(0, api_sockopt_int(cfd, SOL_IP, IP_TOS));
	close(afd);
	close(cfd);
	close(lfd);
}

/*
 * TCP_USER_TIMEOUT: any int but a negative one, read back as set, on
 * AF_INET and tcplab alike; a listener passes it to its children.
 */
TEST_F(one, user_timeout_values)
{
	static const int vals[] = { 0, 1, 3000, -1, 0x7fffffff, -5, 42 };
	struct sockaddr_in addr;
	int fd = socket(self->fam, SOCK_STREAM, 0);
	int ref = socket(AF_INET, SOCK_STREAM, 0);
	short two = 10;
	unsigned int i;
	int lfd, cfd, afd;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, ref);
	EXPECT_EQ(0, api_sockopt_int(fd, SOL_TCP, TCP_USER_TIMEOUT));
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		EXPECT_EQ(api_set_int(ref, SOL_TCP, TCP_USER_TIMEOUT, vals[i]),
			  api_set_int(fd, SOL_TCP, TCP_USER_TIMEOUT, vals[i]))
			TH_LOG("TCP_USER_TIMEOUT %d", vals[i]);
		EXPECT_EQ(api_sockopt_int(ref, SOL_TCP, TCP_USER_TIMEOUT),
			  api_sockopt_int(fd, SOL_TCP, TCP_USER_TIMEOUT))
			TH_LOG("after TCP_USER_TIMEOUT %d", vals[i]);
	}
	EXPECT_EQ(-EINVAL, api_set_int(fd, SOL_TCP, TCP_USER_TIMEOUT, -1));
	EXPECT_EQ(42, api_sockopt_int(fd, SOL_TCP, TCP_USER_TIMEOUT));
	EXPECT_EQ(-1, setsockopt(fd, SOL_TCP, TCP_USER_TIMEOUT, &two,
				 sizeof(two)));
	EXPECT_EQ(EINVAL, errno);
	close(ref);
	close(fd);

	lfd = socket(self->fam, SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, api_set_int(lfd, SOL_TCP, TCP_USER_TIMEOUT, 7000));
	addr = api_sin("127.0.0.1", 0);
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&addr, sizeof(addr)));
	ASSERT_EQ(0, listen(lfd, 4));
	ASSERT_EQ(0, getsockname(lfd, (struct sockaddr *)&addr,
				 &(socklen_t){ sizeof(addr) }));
	cfd = api_connect(self->fam, &addr);
	ASSERT_LE(0, cfd);
	afd = accept(lfd, NULL, NULL);
	ASSERT_LE(0, afd);
	EXPECT_EQ(7000, api_sockopt_int(afd, SOL_TCP, TCP_USER_TIMEOUT));
	EXPECT_EQ(0, api_sockopt_int(cfd, SOL_TCP, TCP_USER_TIMEOUT));
	close(afd);
	close(cfd);
	close(lfd);
}

TEST_F(one, linger_roundtrip)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 }, out;
	socklen_t len = sizeof(out);
	int fd = socket(self->fam, SOCK_STREAM, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_LINGER, &out, &len));
	EXPECT_EQ(1, out.l_onoff);
	EXPECT_EQ(0, out.l_linger);
	close(fd);
}

FIXTURE(api) {
	int cfam, sfam;
	int cfd, afd;
};

FIXTURE_VARIANT(api) {
	bool lab_client;
	bool lab_server;
};

FIXTURE_VARIANT_ADD(api, inet_inet) { .lab_client = false, .lab_server = false };
FIXTURE_VARIANT_ADD(api, lab_inet) { .lab_client = true, .lab_server = false };
FIXTURE_VARIANT_ADD(api, inet_lab) { .lab_client = false, .lab_server = true };
FIXTURE_VARIANT_ADD(api, lab_lab) { .lab_client = true, .lab_server = true };

FIXTURE_SETUP(api)
{
	self->cfd = self->afd = -1;
	self->cfam = api_family(variant->lab_client);
	self->sfam = api_family(variant->lab_server);
	if (self->cfam < 0 || self->sfam < 0)
		ENV_FAIL("tcplab module not loaded");
	ASSERT_EQ(0, api_pair(self->cfam, self->sfam, &self->cfd, &self->afd));
}

FIXTURE_TEARDOWN(api)
{
	if (self->cfd >= 0)
		close(self->cfd);
	if (self->afd >= 0)
		close(self->afd);
}

/*
 * TCP_MAXSEG's bounds (TCP_MIN_MSS 88 to MAX_TCP_WINDOW 32767, 0 to take
 * the cap away) and its value read back while closed, as on AF_INET.
 */
TEST_F(one, maxseg_values)
{
	static const int vals[] = { 0, 87, 88, 1000, 32767, 32768, -1, 65535,
				    500, 0 };
	int fd = socket(self->fam, SOCK_STREAM, 0);
	int ref = socket(AF_INET, SOCK_STREAM, 0);
	short two = 1000;
	unsigned int i;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, ref);
	EXPECT_EQ(api_sockopt_int(ref, SOL_TCP, TCP_MAXSEG),
		  api_sockopt_int(fd, SOL_TCP, TCP_MAXSEG));
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		EXPECT_EQ(api_set_int(ref, SOL_TCP, TCP_MAXSEG, vals[i]),
			  api_set_int(fd, SOL_TCP, TCP_MAXSEG, vals[i]))
			TH_LOG("TCP_MAXSEG %d", vals[i]);
		EXPECT_EQ(api_sockopt_int(ref, SOL_TCP, TCP_MAXSEG),
			  api_sockopt_int(fd, SOL_TCP, TCP_MAXSEG))
			TH_LOG("after TCP_MAXSEG %d", vals[i]);
	}
	EXPECT_EQ(-EINVAL, api_set_int(fd, SOL_TCP, TCP_MAXSEG, 87));
	EXPECT_EQ(-EINVAL, api_set_int(fd, SOL_TCP, TCP_MAXSEG, 32768));
	EXPECT_EQ(0, api_set_int(fd, SOL_TCP, TCP_MAXSEG, 1200));
	EXPECT_EQ(1200, api_sockopt_int(fd, SOL_TCP, TCP_MAXSEG));
	EXPECT_EQ(-1, setsockopt(fd, SOL_TCP, TCP_MAXSEG, &two, sizeof(two)));
	EXPECT_EQ(EINVAL, errno);
	close(ref);
	close(fd);
}

/*
 * The MSS each end of a connection uses, when the client (@cmss) or the
 * listener (@lmss) set TCP_MAXSEG (0: not set) before connect()/listen():
 * TCP_MAXSEG of the listener, the client and the accepted socket, and
 * how many data segments 40000 bytes took each way.
 */
struct mss_seen {
	int listener, client, child;
	unsigned int c_segs, s_segs;
};

#define MSS_BYTES	40000

static void mss_send(struct __test_metadata *_metadata, int from, int to,
		     unsigned int *segs)
{
	static char buf[MSS_BYTES];
	struct tl_tcp_info ti;
	long got = 0;

	ASSERT_EQ(0, api_set_int(from, SOL_TCP, TCP_NODELAY, 1));
	ASSERT_EQ(MSS_BYTES, send(from, buf, sizeof(buf), 0));
	while (got < MSS_BYTES) {
		ssize_t n = recv(to, buf, sizeof(buf), 0);

		ASSERT_LT(0, n);
		got += n;
	}
	ASSERT_EQ(0, tl_get_info(from, &ti));
	*segs = ti.data_segs_out;
}

static void mss_run(struct __test_metadata *_metadata, int cfam, int sfam,
		    int cmss, int lmss, struct mss_seen *seen)
{
	struct sockaddr_in addr = api_sin("127.0.0.1", 0);
	socklen_t len = sizeof(addr);
	int lfd, cfd, afd;

	lfd = socket(sfam, SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	if (lmss)
		ASSERT_EQ(0, api_set_int(lfd, SOL_TCP, TCP_MAXSEG, lmss));
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&addr, sizeof(addr)));
	ASSERT_EQ(0, listen(lfd, 4));
	ASSERT_EQ(0, getsockname(lfd, (struct sockaddr *)&addr, &len));
	cfd = socket(cfam, SOCK_STREAM, 0);
	ASSERT_LE(0, cfd);
	if (cmss)
		ASSERT_EQ(0, api_set_int(cfd, SOL_TCP, TCP_MAXSEG, cmss));
	ASSERT_EQ(0, connect(cfd, (struct sockaddr *)&addr, sizeof(addr)));
	afd = accept(lfd, NULL, NULL);
	ASSERT_LE(0, afd);
	seen->listener = api_sockopt_int(lfd, SOL_TCP, TCP_MAXSEG);
	seen->client = api_sockopt_int(cfd, SOL_TCP, TCP_MAXSEG);
	seen->child = api_sockopt_int(afd, SOL_TCP, TCP_MAXSEG);
	mss_send(_metadata, cfd, afd, &seen->c_segs);
	mss_send(_metadata, afd, cfd, &seen->s_segs);
	close(afd);
	close(cfd);
	close(lfd);
}

/*
 * TCP_MAXSEG before connect() or listen() caps the MSS announced and the
 * one used: compared with two Linux TCP sockets doing the same.
 */
static void mss_compare(struct __test_metadata *_metadata, int cfam,
			int sfam, int cmss, int lmss)
{
	struct mss_seen ref, got;
	int mss = cmss ? cmss : lmss;

	mss_run(_metadata, AF_INET, AF_INET, cmss, lmss, &ref);
	mss_run(_metadata, cfam, sfam, cmss, lmss, &got);
	TH_LOG("Linux: listener %d client %d child %d, %u/%u segments",
	       ref.listener, ref.client, ref.child, ref.c_segs, ref.s_segs);
	TH_LOG("here:  listener %d client %d child %d, %u/%u segments",
	       got.listener, got.client, got.child, got.c_segs, got.s_segs);
	EXPECT_EQ(ref.listener, got.listener);
	EXPECT_EQ(ref.client, got.client);
	EXPECT_EQ(ref.child, got.child);
	/* Timestamps take 12 bytes of each segment's MSS. */
	EXPECT_GE(mss, got.client);
	EXPECT_LE(mss - 12, got.client);
	/* No segment above the MSS, so at least this many each way. */
	EXPECT_LE((MSS_BYTES + got.client - 1) / got.client, got.c_segs);
	EXPECT_LE((MSS_BYTES + got.child - 1) / got.child, got.s_segs);
}

TEST_F(api, maxseg_client)
{
	mss_compare(_metadata, self->cfam, self->sfam, 1000, 0);
}

TEST_F(api, maxseg_listener)
{
	mss_compare(_metadata, self->cfam, self->sfam, 0, 700);
}

TEST_F(api, rcvtimeo)
{
	char buf[4];
	long t0;

	ASSERT_EQ(0, api_set_timeo(self->afd, SO_RCVTIMEO, 300));
	t0 = api_now_ms();
	EXPECT_EQ(-1, recv(self->afd, buf, sizeof(buf), 0));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_LE(250, api_now_ms() - t0);
	/* MSG_WAITALL does not outlast the timeout either. */
	ASSERT_EQ(1, send(self->cfd, "q", 1, 0));
	EXPECT_EQ(1, recv(self->afd, buf, sizeof(buf), MSG_WAITALL));
}

/* A full send buffer (the peer does not read): EAGAIN after SO_SNDTIMEO. */
TEST_F(api, sndtimeo)
{
	char buf[1000] = { 0 };
	long t0;

	ASSERT_LT(0, api_fill(self->cfd));
	ASSERT_EQ(0, api_set_timeo(self->cfd, SO_SNDTIMEO, 300));
	t0 = api_now_ms();
	EXPECT_EQ(-1, send(self->cfd, buf, sizeof(buf), MSG_NOSIGNAL));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_LE(250, api_now_ms() - t0);
	EXPECT_FALSE(api_poll_mask(self->cfd) & POLLOUT);
}

/*
 * A small SO_RCVBUF limits the window: a sender whose peer does not read
 * blocks after a bounded amount, and every byte arrives intact.
 */
TEST_F(api, small_rcvbuf_window)
{
	struct sockaddr_in addr = api_sin("127.0.0.1", 0);
	socklen_t len = sizeof(addr);
	static char buf[65536];
	int lfd, cfd, afd;
	long sent, got = 0;

	lfd = socket(self->sfam, SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, api_set_int(lfd, SOL_SOCKET, SO_RCVBUF, 4096));
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&addr, sizeof(addr)));
	ASSERT_EQ(0, listen(lfd, 4));
	ASSERT_EQ(0, getsockname(lfd, (struct sockaddr *)&addr, &len));
	/* A small send buffer too, or it is the sender that holds it all. */
	cfd = socket(self->cfam, SOCK_STREAM, 0);
	ASSERT_LE(0, cfd);
	ASSERT_EQ(0, api_set_int(cfd, SOL_SOCKET, SO_SNDBUF, 16384));
	ASSERT_EQ(0, connect(cfd, (struct sockaddr *)&addr, sizeof(addr)));
	afd = accept(lfd, NULL, NULL);
	ASSERT_LE(0, afd);
	EXPECT_EQ(8192, api_sockopt_int(afd, SOL_SOCKET, SO_RCVBUF));

	sent = api_fill(cfd);
	EXPECT_LT(0, sent);
	EXPECT_GT(256L << 10, sent);
	TH_LOG("sent %ld bytes before blocking", sent);
	while (got < sent) {
		ssize_t n;

		if (!(api_poll_wait(afd, POLLIN, 3000) & POLLIN))
			break;
		n = recv(afd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n <= 0)
			break;
		got += n;
	}
	EXPECT_EQ(sent, got);
	close(afd);
	close(cfd);
	close(lfd);
}

/* SO_LINGER {1, 0}: close() resets; the peer's recv says ECONNRESET. */
TEST_F(api, linger_zero_reset)
{
	char buf[4];

	api_close_rst(self->afd);
	self->afd = -1;
	api_poll_wait(self->cfd, POLLERR, 2000);
	EXPECT_EQ(-1, recv(self->cfd, buf, sizeof(buf), 0));
	EXPECT_EQ(ECONNRESET, errno);
}

TEST_F(api, linger_zero_reset_client)
{
	char buf[4];

	api_close_rst(self->cfd);
	self->cfd = -1;
	api_poll_wait(self->afd, POLLERR, 2000);
	EXPECT_EQ(-1, recv(self->afd, buf, sizeof(buf), 0));
	EXPECT_EQ(ECONNRESET, errno);
}

/*
 * A server restarts while its old connection sits in TIME-WAIT (the server
 * closed first).  Rebinding the port needs SO_REUSEADDR on both the old
 * and the new socket (inet_bind_conflict()); without it EADDRINUSE.
 * TIME-WAIT lasts 2 s for tcplab in the test VM: be quick.
 */
static void timewait_rebind(struct __test_metadata *_metadata, int cfam,
			    int sfam, int nfam, bool reuse)
{
	struct sockaddr_in addr = api_sin("127.0.0.1", 0);
	socklen_t len = sizeof(addr);
	int lfd, cfd, afd, nfd, c2;
	char buf[4];

	lfd = socket(sfam, SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, api_set_int(lfd, SOL_SOCKET, SO_REUSEADDR, 1));
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&addr, sizeof(addr)));
	ASSERT_EQ(0, listen(lfd, 4));
	ASSERT_EQ(0, getsockname(lfd, (struct sockaddr *)&addr, &len));
	cfd = api_connect(cfam, &addr);
	ASSERT_LE(0, cfd);
	afd = accept(lfd, NULL, NULL);
	ASSERT_LE(0, afd);
	close(lfd);
	close(afd);			/* active close: TIME-WAIT here */
	EXPECT_EQ(0, recv(cfd, buf, sizeof(buf), 0));
	close(cfd);
	usleep(100000);

	nfd = socket(nfam, SOCK_STREAM, 0);
	ASSERT_LE(0, nfd);
	if (reuse)
		ASSERT_EQ(0, api_set_int(nfd, SOL_SOCKET, SO_REUSEADDR, 1));
	if (!reuse) {
		EXPECT_EQ(-1, bind(nfd, (struct sockaddr *)&addr, sizeof(addr)));
		EXPECT_EQ(EADDRINUSE, errno);
		close(nfd);
		return;
	}
	EXPECT_EQ(0, bind(nfd, (struct sockaddr *)&addr, sizeof(addr)));
	EXPECT_EQ(0, listen(nfd, 4));
	c2 = api_connect(cfam, &addr);
	EXPECT_LE(0, c2);
	if (c2 >= 0)
		close(c2);
	close(nfd);
}

TEST_F(api, reuseaddr_timewait_without)
{
	timewait_rebind(_metadata, self->cfam, self->sfam, self->sfam, false);
}

TEST_F(api, reuseaddr_timewait_with)
{
	timewait_rebind(_metadata, self->cfam, self->sfam, self->sfam, true);
}

/*
 * A Linux TCP server's old connection sits in TIME-WAIT and a tcplab
 * server takes the port over: the same rule as between two Linux sockets
 * (tcplab's port reservation binds with SO_REUSEADDR when ours has it).
 * Linux's TIME-WAIT lasts 60 s, so every run needs a port of its own:
 * the old listener's ephemeral one.
 */
TEST(reuseaddr_linux_timewait_without)
{
	int lab = api_family(true);

	if (lab < 0)
		ENV_FAIL("tcplab module not loaded");
	timewait_rebind(_metadata, AF_INET, AF_INET, lab, false);
}

TEST(reuseaddr_linux_timewait_with)
{
	int lab = api_family(true);

	if (lab < 0)
		ENV_FAIL("tcplab module not loaded");
	timewait_rebind(_metadata, AF_INET, AF_INET, lab, true);
}

TEST_HARNESS_MAIN
