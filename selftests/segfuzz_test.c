// SPDX-License-Identifier: GPL-2.0
/*
 * segfuzz_test: random segments into live tcplab connections.
 *
 * A tcplab connection on host A talks to Linux TCP on host B while a raw
 * socket on B sends A segments with the connection's 4-tuple and random
 * everything else: sequence and acknowledgment numbers near the live ones
 * (read from /proc/net/tcplab) or anywhere, any flags, random and broken
 * options (MSS, window scale, SACK blocks, timestamps, unknown kinds,
 * lengths that overrun), wrong Data Offsets, payloads, bad checksums.
 * Meanwhile both ends move data.  Three connections: established (data
 * both ways), half-closed (the peer has sent its FIN, tcplab still
 * sends), and kernel TLS on both ends.
 *
 * Blind segments with the right numbers can end or desynchronise any TCP
 * connection (a RST at RCV.NXT, an ACK of data the peer has not seen,
 * data in the window), Linux's too, and TLS then fails authentication.
 * What must hold is what a kernel owes whatever arrives: every call
 * returns data or an error Linux TCP or kTLS gives (EAGAIN, ECONNRESET,
 * EPIPE, ETIMEDOUT; EBADMSG, EMSGSIZE, EINVAL from TLS), tcplab parses
 * and counts what it drops, nothing is left once both ends close (no
 * socket, no page of tcplab's memory), a new connection works
 * afterwards, and the kernel log stays clean.  TCPLAB_FUZZ_SEED replays
 * a run; each test prints its seed and figures.
 */
#include <poll.h>

#include "kselftest_harness.h"
#include "wire_util.h"
#include "tls_util.h"

enum fz_mode { FZ_ESTABLISHED, FZ_HALF_CLOSED, FZ_TLS };


/* Segments per connection: a tenth on the debug kernel, ten times in full. */
static int fz_count(void)
{
	return tcplab_tier_is("full") ? 200000 : tcplab_tier_is("debug") ? 4000 : 20000;
}


/* xorshift64*: small, seeded, the same sequence everywhere. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static uint32_t rndn(uint64_t *s, uint32_t n)
{
	return n ? (uint32_t)(rnd(s) % n) : 0;
}

static bool chance(uint64_t *s, unsigned int per_mille)
{
	return rndn(s, 1000) < per_mille;
}

FIXTURE(fz) {
	struct wire w;
	int lab, raw, kmsg;
	int cfd, afd;		/* tcplab on A, Linux TCP on B */
	uint16_t aport, bport;
	char la[32], lb[32];
	uint64_t seed, rng;
};

FIXTURE_VARIANT(fz) {
	enum fz_mode mode;
};

FIXTURE_VARIANT_ADD(fz, established) { .mode = FZ_ESTABLISHED };
FIXTURE_VARIANT_ADD(fz, half_closed) { .mode = FZ_HALF_CLOSED };
FIXTURE_VARIANT_ADD(fz, tls) { .mode = FZ_TLS };

/* A tcplab client on A connected to a Linux server on B. */
static void fz_connect(struct __test_metadata *_metadata,
		       FIXTURE_DATA(fz) *self, int *cfd, int *afd)
{
	struct sockaddr_in sin = wire_sin(WIRE_ADDR_B, 0);
	socklen_t sl = sizeof(sin);
	int lfd;

	lfd = wire_socket(&self->w, self->w.b, AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(lfd, 1));
	ASSERT_EQ(0, getsockname(lfd, (struct sockaddr *)&sin, &sl));
	*cfd = wire_socket(&self->w, self->w.a, self->lab, SOCK_STREAM, 0);
	ASSERT_LE(0, *cfd);
	ASSERT_EQ(0, connect(*cfd, (struct sockaddr *)&sin, sizeof(sin)));
	*afd = accept(lfd, NULL, NULL);
	ASSERT_LE(0, *afd);
	close(lfd);
	self->bport = ntohs(sin.sin_port);
}

FIXTURE_SETUP(fz)
{
	const char *why = NULL, *s = getenv("TCPLAB_FUZZ_SEED");
	int r;

	self->w.root = self->w.a = self->w.b = -1;
	self->w.up = false;
	self->cfd = self->afd = self->raw = self->kmsg = -1;
	self->lab = tcplab_family();
	if (self->lab < 0)
		ENV_FAIL("tcplab module not loaded");
	r = wire_up(&self->w, &why);
	if (r > 0)
		ENV_FAIL("%s", why);
	ASSERT_EQ(0, r) TH_LOG("%s", why);
	self->raw = wire_raw_socket(&self->w, self->w.b);
	ASSERT_LE(0, self->raw);
	/* The kernel log from here on. */
	self->kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, self->kmsg);
	lseek(self->kmsg, 0, SEEK_END);

	self->seed = s ? strtoull(s, NULL, 0) :
		     (uint64_t)time(NULL) * 2654435761u ^ getpid();
	self->seed += variant->mode;
	self->rng = self->seed | 1;
	fz_connect(_metadata, self, &self->cfd, &self->afd);
	wire_name(self->cfd, 0, self->la, sizeof(self->la));
	wire_name(self->cfd, 1, self->lb, sizeof(self->lb));
	self->aport = atoi(strchr(self->la, ':') + 1);
	if (variant->mode == FZ_TLS) {
		ASSERT_EQ(0, tls_install(self->cfd, TLS_1_3_VERSION,
					 TLS_CIPHER_AES_GCM_128, 1, 2));
		ASSERT_EQ(0, tls_install(self->afd, TLS_1_3_VERSION,
					 TLS_CIPHER_AES_GCM_128, 2, 1));
	}
	if (variant->mode == FZ_HALF_CLOSED) {
		ASSERT_EQ(0, shutdown(self->afd, SHUT_WR));
		usleep(100000);
	}
}

FIXTURE_TEARDOWN(fz)
{
	if (self->cfd >= 0)
		close(self->cfd);
	if (self->afd >= 0)
		close(self->afd);
	if (self->raw >= 0)
		close(self->raw);
	if (self->kmsg >= 0)
		close(self->kmsg);
	wire_down(&self->w);
}

/* Options: well-formed, slightly wrong or random, padded to words. */
static int fz_options(uint64_t *rng, const struct wire_row *r,
		      unsigned char *o)
{
	int n = 0, want = rndn(rng, 41), i;

	if (chance(rng, 100)) {		/* raw random bytes */
		for (i = 0; i < want; i++)
			o[i] = rnd(rng);
		return want & ~3;
	}
	while (n < want && n < 40) {
		int room = 40 - n, len;

		switch (rndn(rng, 9)) {
		case 0:
			o[n++] = 1;			/* NOP */
			continue;
		case 1:
			len = 4;			/* MSS */
			if (room < len)
				goto out;
			o[n] = 2; o[n + 1] = 4;
			o[n + 2] = rnd(rng); o[n + 3] = rnd(rng);
			break;
		case 2:
			len = 3;			/* window scale */
			if (room < len)
				goto out;
			o[n] = 3; o[n + 1] = 3; o[n + 2] = rndn(rng, 20);
			break;
		case 3:
			len = 2;			/* SACK permitted */
			o[n] = 4; o[n + 1] = 2;
			break;
		case 4: {			/* SACK blocks near the data */
			int k = 1 + rndn(rng, 4), b;

			len = 2 + 8 * k;
			if (room < len)
				goto out;
			o[n] = 5; o[n + 1] = len;
			for (b = 0; b < k; b++) {
				uint32_t l = r->snd_una + rndn(rng, 200000) - 50000;
				uint32_t e = l + rndn(rng, 70000) - 1000;
				unsigned char *p = o + n + 2 + 8 * b;

				p[0] = l >> 24; p[1] = l >> 16; p[2] = l >> 8; p[3] = l;
				p[4] = e >> 24; p[5] = e >> 16; p[6] = e >> 8; p[7] = e;
			}
			break;
		}
		case 5: {			/* timestamps */
			uint32_t v = rnd(rng);

			len = 10;
			if (room < len)
				goto out;
			o[n] = 8; o[n + 1] = 10;
			for (i = 0; i < 8; i++)
				o[n + 2 + i] = v >> (8 * (i & 3));
			break;
		}
		case 6:				/* a length that overruns */
			len = 2;
			o[n] = rndn(rng, 40); o[n + 1] = 2 + rndn(rng, 60);
			break;
		case 7:
			o[n++] = 0;			/* EOL, then anything */
			continue;
		default:			/* unknown kind */
			len = 2 + rndn(rng, 8);
			if (room < len)
				goto out;
			o[n] = 9 + rndn(rng, 246); o[n + 1] = len;
			for (i = 2; i < len; i++)
				o[n + i] = rnd(rng);
			break;
		}
		n += len;
	}
out:
	while (n & 3)
		o[n++] = 1;
	return n > 40 ? 40 : n;
}

/* One random segment from B's end of the connection to A's. */
static void fz_segment(uint64_t *rng, FIXTURE_DATA(fz) *self,
		       const struct wire_row *r, struct wire_seg *s,
		       unsigned char *opts, unsigned char *data)
{
	uint32_t wnd = r->rcv_wnd ? r->rcv_wnd : 65535, x = rndn(rng, 100);
	int i;

	memset(s, 0, sizeof(*s));
	s->src = WIRE_ADDR_B;
	s->dst = WIRE_ADDR_A;
	s->sport = self->bport;
	s->dport = self->aport;
	if (x < 40)
		s->seq = r->rcv_nxt + rndn(rng, wnd + 2000) - 1000;
	else if (x < 60)
		s->seq = r->rcv_nxt + rndn(rng, 5) - 2;
	else if (x < 80)
		s->seq = r->rcv_nxt - rndn(rng, 1 << 20);
	else
		s->seq = rnd(rng);
	x = rndn(rng, 100);
	if (x < 40)
		s->ack = r->snd_una + rndn(rng, 4000) - 2000;
	else if (x < 60)
		s->ack = r->snd_nxt + rndn(rng, 3) - 1;
	else if (x < 80)
		s->ack = r->snd_una - rndn(rng, 1 << 20);
	else
		s->ack = rnd(rng);
	s->flags = WIRE_ACK;
	if (chance(rng, 50))
		s->flags = rnd(rng) & ~WIRE_RST;
	if (chance(rng, 300))
		s->flags |= WIRE_PSH;
	if (chance(rng, 40))
		s->flags |= WIRE_FIN;
	if (chance(rng, 30))
		s->flags |= WIRE_SYN;
	if (chance(rng, 30))
		s->flags |= WIRE_URG;
	if (chance(rng, 30))
		s->flags ^= WIRE_ACK;
	/* Rare: a RST at the right number ends the test's connection. */
	if (chance(rng, 1))
		s->flags |= WIRE_RST;
	s->wnd = rnd(rng);
	if (chance(rng, 500)) {
		s->opts = opts;
		s->opts_len = fz_options(rng, r, opts);
	}
	if (chance(rng, 50))
		s->doff = rndn(rng, 16) ? : -1;
	if (chance(rng, 10))
		s->hdr_len = 1 + rndn(rng, 19);
	if (chance(rng, 500)) {
		s->data_len = 1 + rndn(rng, 1200);
		for (i = 0; i < s->data_len; i++)
			data[i] = rnd(rng);
		s->data = data;
	}
	s->bad_csum = chance(rng, 20);
}

struct fz_io {
	enum fz_mode mode;
	uint64_t a_sent, a_rcvd, b_sent, b_rcvd;
	int a_err, b_err;	/* first error of each end; 0: none */
	bool bad_errno;
	char what[96];
};

static bool fz_errno_ok(enum fz_mode mode, int err)
{
	switch (err) {
	case EAGAIN: case ECONNRESET: case EPIPE: case ETIMEDOUT:
		return true;
	case EBADMSG: case EMSGSIZE: case EINVAL:
		return mode == FZ_TLS;
	default:
		return false;
	}
}

/* Note an error from @who; false if it is not one Linux gives. */
static void fz_note(struct fz_io *io, const char *who, int *slot, int err)
{
	if (err == EAGAIN)
		return;
	if (!*slot)
		*slot = err;
	if (!fz_errno_ok(io->mode, err) && !io->bad_errno) {
		io->bad_errno = true;
		snprintf(io->what, sizeof(io->what), "%s: %s", who,
			 strerror(err));
	}
}

/* Move what moves without blocking, both ways. */
static void fz_pump(struct fz_io *io, int cfd, int afd)
{
	static unsigned char buf[16384];
	ssize_t r = 0;

	memset(buf, 'x', 4096);
	if (!io->a_err) {
		r = send(cfd, buf, 1000 + (io->a_sent % 3000),
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (r > 0)
			io->a_sent += r;
		else if (r < 0)
			fz_note(io, "tcplab send", &io->a_err, errno);
	}
	if (io->mode != FZ_HALF_CLOSED && !io->b_err) {
		r = send(afd, buf, 1500, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (r > 0)
			io->b_sent += r;
		else if (r < 0)
			fz_note(io, "linux send", &io->b_err, errno);
	}
	while (!io->a_err && (r = recv(cfd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		io->a_rcvd += r;
	if (r < 0 && !io->a_err)
		fz_note(io, "tcplab recv", &io->a_err, errno);
	while (!io->b_err && (r = recv(afd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		io->b_rcvd += r;
	if (r < 0 && !io->b_err)
		fz_note(io, "linux recv", &io->b_err, errno);
}

/* A report of the kernel's bug detectors or a WARN since @fd opened. */
static bool kmsg_bug(int fd, char *line, size_t len)
{
	static const char *const bad[] = {
		"BUG", "WARNING", "KASAN", "UBSAN", "refcount_t",
		"list_del corruption", "general protection", "Oops",
	};
	char rec[1024];
	ssize_t n;
	size_t i;

	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		rec[n] = 0;
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			if (strstr(rec, bad[i])) {
				snprintf(line, len, "%s", rec);
				return true;
			}
	}
	return false;
}

#define STAT(key) wire_stat(&self->w, self->w.a, key)

TEST_F_TIMEOUT(fz, live, 600)
{
	static const char *const keys[] = {
		"SegmentsIn", "Malformed", "BadChecksum", "ChallengeAcks",
		"ResetsIn", "PawsDrops", "OfoDuplicate", "TlsDecryptErrors",
	};
	long before[8], pages;
	unsigned char opts[48], data[1200];
	struct fz_io io = { .mode = variant->mode };
	struct wire_row r;
	struct wire_seg s;
	int n = fz_count(), i, k, sent = 0, alive = 0, gone_at = -1, cfd, afd;
	double t0 = wire_now(), deadline;
	char line[1024];

	for (k = 0; k < 8; k++)
		before[k] = STAT(keys[k]);
	ASSERT_EQ(1, wire_row_find(&self->w, self->w.a, self->la, self->lb,
				   &r));
	for (i = 0; i < n; i++) {
		if (!(i % 32)) {
			fz_pump(&io, self->cfd, self->afd);
			/* Reset: fuzz the port no connection holds now. */
			if (gone_at < 0 &&
			    (wire_row_find(&self->w, self->w.a, self->la,
					   self->lb, &r) != 1 ||
			     !strcmp(r.state, "CLOSED")))
				gone_at = i;
		}
		fz_segment(&self->rng, self, &r, &s, opts, data);
		if (!wire_inject_fd(self->raw, &s)) {
			sent++;
			alive += gone_at < 0;
		}
	}
	fz_pump(&io, self->cfd, self->afd);
	TH_LOG("seed %llu (replay: TCPLAB_FUZZ_SEED=%llu): %d of %d segments sent in %.1f s; connection %s%s",
	       (unsigned long long)self->seed,
	       (unsigned long long)self->seed - variant->mode, sent, n,
	       wire_now() - t0, gone_at < 0 ? "alive to the end" : "ended",
	       gone_at < 0 ? "" : " (reset or closed by a segment)");
	TH_LOG("moved: tcplab sent %llu, received %llu; Linux sent %llu, received %llu; first errors: tcplab %s, Linux %s",
	       (unsigned long long)io.a_sent, (unsigned long long)io.a_rcvd,
	       (unsigned long long)io.b_sent, (unsigned long long)io.b_rcvd,
	       io.a_err ? strerror(io.a_err) : "none",
	       io.b_err ? strerror(io.b_err) : "none");
	for (k = 0; k < 8; k++)
		TH_LOG("  %s +%ld", keys[k], STAT(keys[k]) - before[k]);
	EXPECT_FALSE(io.bad_errno) TH_LOG("an errno Linux does not give: %s",
					  io.what);
	EXPECT_EQ(n, sent);
	/*
	 * While the connection lived every segment reached tcplab's input
	 * (after it, Linux TCP's), and the broken ones were counted.
	 */
	EXPECT_LE((alive - 32) * 9 / 10, STAT("SegmentsIn") - before[0] +
		  STAT("Malformed") - before[1] + STAT("BadChecksum") - before[2]);
	EXPECT_LT(before[1], STAT("Malformed"));
	EXPECT_LT(before[2], STAT("BadChecksum"));

	/*
	 * Both ends close: nothing of the connection may stay.  tcplab's
	 * end aborts: a connection the fuzzer desynchronised (data injected
	 * at RCV.NXT makes A acknowledge bytes B never sent, and Linux then
	 * discards every segment of A's) would otherwise retransmit, backed
	 * off, for minutes as an orphan, as Linux's would.
	 */
	ASSERT_EQ(0, setsockopt(self->cfd, SOL_SOCKET, SO_LINGER,
				&(struct linger){ .l_onoff = 1 },
				sizeof(struct linger)));
	close(self->cfd);
	close(self->afd);
	self->cfd = self->afd = -1;
	deadline = wire_now() + 60.0 * tcplab_time_factor();
	while (wire_now() < deadline && STAT("Sockets"))
		usleep(100000);
	EXPECT_EQ(0, STAT("Sockets")) TH_LOG("tcplab sockets left in A");
	pages = tcplab_stat("MemoryPages");
	EXPECT_EQ(0, pages);

	/* tcplab still works. */
	fz_connect(_metadata, self, &cfd, &afd);
	ASSERT_EQ(4, send(cfd, "live", 4, 0));
	ASSERT_EQ(4, recv(afd, line, 4, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(line, "live", 4));
	close(cfd);
	close(afd);

	EXPECT_FALSE(kmsg_bug(self->kmsg, line, sizeof(line)))
		TH_LOG("kernel: %s", line);
}

TEST_HARNESS_MAIN
