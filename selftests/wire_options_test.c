// SPDX-License-Identifier: GPL-2.0
/*
 * wire_options_test: SACK, timestamps and window scaling against a Linux
 * peer that has each of them on or off (net.ipv4.tcp_sack,
 * tcp_timestamps, tcp_window_scaling in the peer's namespace), with 1%
 * loss so that recovery is exercised.  tcplab must negotiate exactly what
 * both offer (TCP_INFO tcpi_options), recover with SACK only when it was
 * negotiated, and deliver both streams intact (hash).
 */
#include "kselftest_harness.h"
#include "wire_util.h"
#include "tcp_info_util.h"

#define OPT_BYTES	(4ULL << 20)

#define OFF_SACK	0x1
#define OFF_TS		0x2
#define OFF_WS		0x4

FIXTURE(opts) {
	struct wire w;
	int lab;
};

FIXTURE_VARIANT(opts) {
	int off;		/* options the Linux peer has turned off */
	bool lab_client;
};

FIXTURE_VARIANT_ADD(opts, all_on_lab_client) { 0, true };
FIXTURE_VARIANT_ADD(opts, all_on_lab_server) { 0, false };
FIXTURE_VARIANT_ADD(opts, sack_off_lab_client) { OFF_SACK, true };
FIXTURE_VARIANT_ADD(opts, sack_off_lab_server) { OFF_SACK, false };
FIXTURE_VARIANT_ADD(opts, ts_off_lab_client) { OFF_TS, true };
FIXTURE_VARIANT_ADD(opts, ts_off_lab_server) { OFF_TS, false };
FIXTURE_VARIANT_ADD(opts, wscale_off_lab_client) { OFF_WS, true };
FIXTURE_VARIANT_ADD(opts, wscale_off_lab_server) { OFF_WS, false };
FIXTURE_VARIANT_ADD(opts, all_off_lab_client) { OFF_SACK | OFF_TS | OFF_WS, true };

FIXTURE_SETUP(opts)
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
	if (access(WIRE_TC, X_OK) || (wire_sh(WIRE_MODPROBE " -q sch_netem") &&
				      access("/sys/module/sch_netem", F_OK)))
		ENV_FAIL("no netem");
}

FIXTURE_TEARDOWN(opts)
{
	wire_down(&self->w);
}

/* Write @val to /proc/sys/net/ipv4/@name as seen from namespace @ns. */
static int opts_sysctl(const struct wire *w, int ns, const char *name,
		       int val)
{
	char path[96];
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/%s", name);
	if (wire_enter(ns))
		return -1;
	f = fopen(path, "w");
	wire_enter(w->root);
	if (!f)
		return -1;
	fprintf(f, "%d\n", val);
	rc = fclose(f);
	return rc;
}

struct opts_result {
	struct wire_xfer x;
	struct tl_tcp_info ti;
};

TEST_F_TIMEOUT(opts, negotiate_and_recover, 180)
{
	int lab_ns = variant->lab_client ? self->w.a : self->w.b;
	int inet_ns = variant->lab_client ? self->w.b : self->w.a;
	int cfam = variant->lab_client ? self->lab : AF_INET;
	int sfam = variant->lab_client ? AF_INET : self->lab;
	struct sockaddr_in sin = wire_sin(WIRE_ADDR_B, 0);
	struct opts_result cr, sr, *lr;
	struct wire_child child;
	socklen_t sl = sizeof(sin);
	long sack0, nr0;
	int lfd, cfd, p[2];
	unsigned int want;

	ASSERT_EQ(0, opts_sysctl(&self->w, inet_ns, "tcp_sack",
				 !(variant->off & OFF_SACK)));
	ASSERT_EQ(0, opts_sysctl(&self->w, inet_ns, "tcp_timestamps",
				 !(variant->off & OFF_TS)));
	ASSERT_EQ(0, opts_sysctl(&self->w, inet_ns, "tcp_window_scaling",
				 !(variant->off & OFF_WS)));

	/* loss per segment; Linux TCP reads the limit at connect/accept */
	ASSERT_EQ(0, wire_gso_segs(1));
	lfd = wire_socket(&self->w, self->w.b, sfam, SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(lfd, 4));
	ASSERT_EQ(0, getsockname(lfd, (struct sockaddr *)&sin, &sl));
	sack0 = wire_stat(&self->w, lab_ns, "SackRecoveries");
	nr0 = wire_stat(&self->w, lab_ns, "NewRenoRecoveries");

	ASSERT_EQ(0, pipe(p));
	child.pid = fork();
	ASSERT_LE(0, child.pid);
	if (!child.pid) {
		int afd = accept(lfd, NULL, NULL);

		close(p[0]);
		memset(&sr, 0, sizeof(sr));
		if (afd < 0) {
			sr.x.rc = -errno;
		} else {
			wire_duplex(afd, OPT_BYTES, 0x5e12e1, 60, &sr.x);
			tl_get_info(afd, &sr.ti);
		}
		if (write(p[1], &sr, sizeof(sr)) != sizeof(sr))
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
	ASSERT_EQ(0, wire_sh(WIRE_IP " netns exec " WIRE_NS_A " " WIRE_TC
			     " qdisc add dev " WIRE_DEV_A " root netem loss 1%%"));
	ASSERT_EQ(0, wire_sh(WIRE_IP " netns exec " WIRE_NS_B " " WIRE_TC
			     " qdisc add dev " WIRE_DEV_B " root netem loss 1%%"));
	memset(&cr, 0, sizeof(cr));
	wire_duplex(cfd, OPT_BYTES, 0xc11e47, 60, &cr.x);
	tl_get_info(cfd, &cr.ti);
	close(cfd);
	ASSERT_EQ(0, wire_child_wait(&child, &sr, sizeof(sr)));

	lr = variant->lab_client ? &cr : &sr;
	want = 0;
	if (!(variant->off & OFF_SACK))
		want |= TCPI_OPT_SACK;
	if (!(variant->off & OFF_TS))
		want |= TCPI_OPT_TIMESTAMPS;
	if (!(variant->off & OFF_WS))
		want |= TCPI_OPT_WSCALE;
	TH_LOG("tcplab: options %x (want %x) wscale %u/%u mss %u, retrans %u; recoveries: SACK +%ld NewReno +%ld; %.1f s",
	       lr->ti.b.tcpi_options, want, lr->ti.b.tcpi_snd_wscale,
	       lr->ti.b.tcpi_rcv_wscale, lr->ti.b.tcpi_snd_mss,
	       lr->ti.b.tcpi_total_retrans,
	       wire_stat(&self->w, lab_ns, "SackRecoveries") - sack0,
	       wire_stat(&self->w, lab_ns, "NewRenoRecoveries") - nr0,
	       cr.x.secs);
	EXPECT_EQ(0, cr.x.rc);
	EXPECT_EQ(0, sr.x.rc);
	EXPECT_EQ(OPT_BYTES, cr.x.rcvd);
	EXPECT_EQ(OPT_BYTES, sr.x.rcvd);
	EXPECT_EQ(cr.x.sent_hash, sr.x.rcvd_hash);
	EXPECT_EQ(sr.x.sent_hash, cr.x.rcvd_hash);
	EXPECT_EQ(want, lr->ti.b.tcpi_options &
		  (TCPI_OPT_SACK | TCPI_OPT_TIMESTAMPS | TCPI_OPT_WSCALE));
	/* timestamps take 12 bytes of every segment (RFC 6691) */
	EXPECT_EQ(variant->off & OFF_TS ? 1460 : 1448, lr->ti.b.tcpi_snd_mss);
	if (variant->off & OFF_SACK) {
		EXPECT_EQ(0, wire_stat(&self->w, lab_ns, "SackRecoveries") -
			     sack0);
	} else {
		EXPECT_EQ(0, wire_stat(&self->w, lab_ns, "NewRenoRecoveries") -
			     nr0);
	}
	EXPECT_LT(0, lr->ti.b.tcpi_total_retrans);
}

TEST_HARNESS_MAIN
