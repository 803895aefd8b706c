// SPDX-License-Identifier: GPL-2.0
/*
 * tls_interop_test: tcplab kernel TLS against Linux kTLS (tls.ko) across
 * the veth pair of wire_util.h, for every version x cipher both support.
 *
 * One connection per variant: host A runs one end, host B the other;
 * both install TX and RX keys (A's TX key is B's RX key and vice versa)
 * and move 16 MiB in each direction at the same time, hashing what they
 * send and receive.  Then each side sends an alert and a handshake
 * record, which the other must receive as control records with the right
 * type.  tcplab is the client in the lab_inet variants and the server in
 * the inet_lab ones; inet_inet runs the oracle against itself.
 */
#include "kselftest_harness.h"
#include "wire_util.h"
#include "tls_util.h"

#define TLS_BULK	(16ULL << 20)

FIXTURE(interop) {
	struct wire w;
	int cfam, sfam;
};

FIXTURE_VARIANT(interop) {
	bool lab_client, lab_server;
	int suite;		/* index in tls_suites[] */
};

#define SUITE_VARIANTS(i, n)						\
	FIXTURE_VARIANT_ADD(interop, lab_inet_##n) { true, false, i };	\
	FIXTURE_VARIANT_ADD(interop, inet_lab_##n) { false, true, i }

SUITE_VARIANTS(0, tls12_gcm128);
SUITE_VARIANTS(1, tls12_gcm256);
SUITE_VARIANTS(2, tls12_ccm128);
SUITE_VARIANTS(3, tls12_chacha);
SUITE_VARIANTS(4, tls13_gcm128);
SUITE_VARIANTS(5, tls13_gcm256);
SUITE_VARIANTS(6, tls13_ccm128);
SUITE_VARIANTS(7, tls13_chacha);
FIXTURE_VARIANT_ADD(interop, inet_inet_tls13_gcm128) { false, false, 4 };

FIXTURE_SETUP(interop)
{
	const char *why = NULL;
	int lab = tcplab_family(), r;

	self->w.root = self->w.a = self->w.b = -1;
	self->w.up = false;
	if (lab < 0)
		ENV_FAIL("tcplab module not loaded");
	if (system("/sbin/modprobe -q tls 2>/dev/null") &&
	    access("/sys/module/tls", F_OK))
		ENV_FAIL("Linux kTLS (tls.ko) not available");
	self->cfam = variant->lab_client ? lab : AF_INET;
	self->sfam = variant->lab_server ? lab : AF_INET;
	r = wire_up(&self->w, &why);
	if (r > 0)
		ENV_FAIL("%s", why);
	ASSERT_EQ(0, r) TH_LOG("%s", why);
}

FIXTURE_TEARDOWN(interop)
{
	wire_down(&self->w);
}

struct side {
	struct wire_xfer x;
	int install;		/* 0 or -errno of the key set-up */
	int ctl_sent;		/* 0 or -errno */
	unsigned char ctl_types[2];	/* types of the records received */
	int ctl_lens[2];
};

/* Control records after the bulk: an alert and a handshake message. */
static void ctl_exchange(int fd, bool first, struct side *s)
{
	static const unsigned char alert[2] = { 1, 0 };
	static const unsigned char hs[6] = { 4, 0, 0, 2, 0xab, 0xcd };
	unsigned char buf[64];
	int i;

	if (!first) {
		for (i = 0; i < 2; i++)
			s->ctl_lens[i] = tls_recv_type(fd, buf, sizeof(buf), 0,
						       &s->ctl_types[i]);
	}
	if (tls_send_type(fd, TLS_CT_ALERT, alert, 2, 0) != 2 ||
	    tls_send_type(fd, TLS_CT_HS, hs, 6, 0) != 6)
		s->ctl_sent = -errno;
	if (first) {
		for (i = 0; i < 2; i++)
			s->ctl_lens[i] = tls_recv_type(fd, buf, sizeof(buf), 0,
						       &s->ctl_types[i]);
	}
}

/*
 * Keys, control records, then the bulk (which ends the stream with
 * shutdown(SHUT_WR), so it comes last).
 */
static void run_side(int fd, const struct tls_suite *su, bool client,
		     struct side *s)
{
	memset(s, 0, sizeof(*s));
	s->install = tls_install(fd, su->version, su->cipher,
				 client ? 1 : 2, client ? 2 : 1);
	if (s->install) {
		s->x.rc = s->install;
		return;
	}
	ctl_exchange(fd, client, s);
	wire_duplex(fd, TLS_BULK, client ? 0xc11e47 : 0x5e12e1, 60, &s->x);
}

TEST_F_TIMEOUT(interop, bulk_16mib_and_control, 300)
{
	const struct tls_suite *su = &tls_suites[variant->suite];
	struct sockaddr_in sin = wire_sin(WIRE_ADDR_B, 0);
	struct side c, s;
	struct wire_child child;
	socklen_t sl = sizeof(sin);
	int lfd, cfd, p[2], i;

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
		memset(&s, 0, sizeof(s));
		if (afd < 0)
			s.x.rc = -errno;
		else
			run_side(afd, su, false, &s);
		if (write(p[1], &s, sizeof(s)) != sizeof(s))
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
	run_side(cfd, su, true, &c);
	close(cfd);
	ASSERT_EQ(0, wire_child_wait(&child, &s, sizeof(s)));

	if (!variant->lab_client && c.install == -EINVAL)
		SKIP_UNLESS_FAILED("Linux kTLS does not take %s", su->name);
	if (!variant->lab_server && s.install == -EINVAL)
		SKIP_UNLESS_FAILED("Linux kTLS does not take %s", su->name);
	TH_LOG("%s: %.1f MiB/s each way (client %.1f s, server %.1f s)",
	       su->name, (double)TLS_BULK / (1 << 20) /
	       (c.x.secs > s.x.secs ? c.x.secs : s.x.secs),
	       c.x.secs, s.x.secs);
	EXPECT_EQ(0, c.install);
	EXPECT_EQ(0, s.install);
	EXPECT_EQ(0, c.x.rc);
	EXPECT_EQ(0, s.x.rc);
	EXPECT_EQ(TLS_BULK, c.x.sent);
	EXPECT_EQ(TLS_BULK, s.x.sent);
	EXPECT_EQ(TLS_BULK, c.x.rcvd);
	EXPECT_EQ(TLS_BULK, s.x.rcvd);
	EXPECT_EQ(c.x.sent_hash, s.x.rcvd_hash);
	EXPECT_EQ(s.x.sent_hash, c.x.rcvd_hash);
	EXPECT_NE(c.x.sent_hash, s.x.sent_hash);
	/* Control records, both ways: alert (2 bytes), handshake (6). */
	EXPECT_EQ(0, c.ctl_sent);
	EXPECT_EQ(0, s.ctl_sent);
	for (i = 0; i < 2; i++) {
		struct side *r = i ? &s : &c;

		EXPECT_EQ(TLS_CT_ALERT, r->ctl_types[0]);
		EXPECT_EQ(2, r->ctl_lens[0]);
		EXPECT_EQ(TLS_CT_HS, r->ctl_types[1]);
		EXPECT_EQ(6, r->ctl_lens[1]);
	}
}

TEST_HARNESS_MAIN
