// SPDX-License-Identifier: GPL-2.0
/*
 * tls_io_test: the kernel TLS data path, on loopback, differential.
 *
 * Every test runs once on AF_INET with Linux kTLS (the oracle) and once
 * on AF_TCPLAB with the same expectations.  Transmit tests read the raw
 * record stream on a peer without TLS and split it into records; receive
 * tests write records from a peer without TLS.  Those records are made
 * by Linux kTLS (TX into a raw reader), so they do not depend on the
 * stack under test; tampered, oversize, truncated and wrong-version
 * records are made by editing them.
 */
#include <sys/sendfile.h>
#include <sys/utsname.h>
#include "kselftest_harness.h"
#include "api_util.h"
#include "tls_util.h"

#define V12	TLS_1_2_VERSION
#define V13	TLS_1_3_VERSION
#define GCM128	TLS_CIPHER_AES_GCM_128
#define OVH12	(8 + 16)	/* TLS 1.2 GCM body overhead */
#define OVH13	(16 + 1)	/* TLS 1.3 body overhead */

FIXTURE(io) {
	int fam;
	int a, b;		/* a connection of fam */
};

FIXTURE_VARIANT(io) {
	bool lab;
};

FIXTURE_VARIANT_ADD(io, inet) { .lab = false };
FIXTURE_VARIANT_ADD(io, lab) { .lab = true };

FIXTURE_SETUP(io)
{
	self->a = self->b = -1;
	self->fam = api_family(variant->lab);
	if (self->fam < 0)
		ENV_FAIL("tcplab module not loaded");
	if (system("/sbin/modprobe -q tls 2>/dev/null") &&
	    access("/sys/module/tls", F_OK))
		ENV_FAIL("Linux kTLS (tls.ko) not available");
	ASSERT_EQ(0, api_pair(self->fam, self->fam, &self->a, &self->b));
}

FIXTURE_TEARDOWN(io)
{
	if (self->a >= 0)
		close(self->a);
	if (self->b >= 0)
		close(self->b);
}

/*
 * Linux kTLS before 6.5 (the 6.1 test kernel) refuses MSG_EOR (EOPNOTSUPP,
 * even with MSG_MORE, where later kernels say EINVAL) and lets
 * poll() report a partial record as readable; tcplab does what later
 * Linux does on every kernel.  True when the oracle is such a kernel.
 */
static bool old_oracle(bool lab)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (lab || uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return false;
	return major < 6 || (major == 6 && minor < 5);
}

/* A record plan: content type and length of each record to make. */
struct plan {
	unsigned char type;
	int len;
};

/*
 * Records sealed by Linux kTLS with TX keys of @seed: the raw bytes in
 * @out (returned length), the payload byte i of record k is k + i.
 */
static ssize_t make_records(uint16_t version, const struct plan *p, int n,
			    int seed, unsigned char *out, size_t cap)
{
	unsigned char buf[TLS_MAX_PAYLOAD];
	int tx, rx, k, i;
	ssize_t got;

	if (api_pair(AF_INET, AF_INET, &tx, &rx))
		return -1;
	if (tls_install(tx, version, GCM128, seed, -1))
		return -1;
	for (k = 0; k < n; k++) {
		for (i = 0; i < p[k].len; i++)
			buf[i] = (unsigned char)(k + i);
		if (tls_send_type(tx, p[k].type, buf, p[k].len, 0) != p[k].len)
			return -1;
	}
	close(tx);
	got = tls_read_idle(rx, out, cap, 300);
	close(rx);
	return got;
}

static bool payload_ok(const unsigned char *b, int k, int len)
{
	int i;

	for (i = 0; i < len; i++)
		if (b[i] != (unsigned char)(k + i))
			return false;
	return true;
}

/* Raw wire bytes the peer @fd sees, split into records. */
static int raw_records(int fd, unsigned char *types, unsigned int *lens,
		       int max)
{
	static unsigned char raw[1 << 20];
	ssize_t n = tls_read_idle(fd, raw, sizeof(raw), 300);

	return n <= 0 ? -1 : tls_split(raw, n, types, lens, max);
}

/* One record per send(); MSG_MORE coalesces; 2^14 bytes at most. */
TEST_F(io, tx_record_boundaries)
{
	static unsigned char buf[40000];
	unsigned char types[16];
	unsigned int lens[16];

	ASSERT_EQ(0, tls_install(self->a, V12, GCM128, 1, -1));
	EXPECT_EQ(100, send(self->a, buf, 100, 0));
	EXPECT_EQ(200, send(self->a, buf, 200, 0));
	EXPECT_EQ(300, send(self->a, buf, 300, MSG_MORE));
	EXPECT_EQ(50, send(self->a, buf, 50, 0));
	EXPECT_EQ(40000, send(self->a, buf, 40000, 0));
	EXPECT_EQ(10, send(self->a, buf, 10,
			   old_oracle(variant->lab) ? 0 : MSG_EOR));
	ASSERT_EQ(7, raw_records(self->b, types, lens, 16));
	EXPECT_EQ(100 + OVH12, lens[0]);
	EXPECT_EQ(200 + OVH12, lens[1]);
	EXPECT_EQ(350 + OVH12, lens[2]);
	EXPECT_EQ(16384 + OVH12, lens[3]);
	EXPECT_EQ(16384 + OVH12, lens[4]);
	EXPECT_EQ(40000 - 2 * 16384 + OVH12, lens[5]);
	EXPECT_EQ(10 + OVH12, lens[6]);
	EXPECT_EQ(TLS_CT_DATA, types[0]);
	/* Flags kTLS refuses. */
	EXPECT_EQ(-1, send(self->a, buf, 10, MSG_MORE | MSG_EOR));
	EXPECT_EQ(old_oracle(variant->lab) ? EOPNOTSUPP : EINVAL, errno);
	EXPECT_EQ(-1, send(self->a, buf, 10, MSG_OOB));
	EXPECT_EQ(EOPNOTSUPP, errno);
}

/* TLS_SET_RECORD_TYPE: own record, after what MSG_MORE held back. */
TEST_F(io, tx_control_records)
{
	unsigned char buf[64] = { 1, 0 }, types[8];
	unsigned int lens[8];

	ASSERT_EQ(0, tls_install(self->a, V12, GCM128, 1, -1));
	EXPECT_EQ(2, tls_send_type(self->a, TLS_CT_ALERT, buf, 2, 0));
	EXPECT_EQ(-EINVAL, tls_send_type(self->a, TLS_CT_ALERT, buf, 2,
					 MSG_MORE));
	EXPECT_EQ(30, send(self->a, buf, 30, MSG_MORE));
	EXPECT_EQ(4, tls_send_type(self->a, TLS_CT_HS, buf, 4, 0));
	EXPECT_EQ(5, send(self->a, buf, 5, 0));
	ASSERT_EQ(4, raw_records(self->b, types, lens, 8));
	EXPECT_EQ(TLS_CT_ALERT, types[0]);
	EXPECT_EQ(2 + OVH12, lens[0]);
	EXPECT_EQ(TLS_CT_DATA, types[1]);
	EXPECT_EQ(30 + OVH12, lens[1]);
	EXPECT_EQ(TLS_CT_HS, types[2]);
	EXPECT_EQ(4 + OVH12, lens[2]);
	EXPECT_EQ(TLS_CT_DATA, types[3]);
}

/*
 * Data records merge into one recv(); a control record comes alone,
 * only with a cmsg buffer (EIO without), with its type in the cmsg.
 */
TEST_F(io, rx_merge_and_control)
{
	static const struct plan p[] = {
		{ TLS_CT_DATA, 100 }, { TLS_CT_DATA, 200 },
		{ TLS_CT_ALERT, 2 }, { TLS_CT_DATA, 50 },
	};
	static unsigned char raw[4096], buf[4096];
	ssize_t n = make_records(V13, p, 4, 7, raw, sizeof(raw));
	unsigned char type;

	ASSERT_LT(0, n);
	ASSERT_EQ(0, tls_install(self->b, V13, GCM128, -1, 7));
	ASSERT_EQ(n, send(self->a, raw, n, 0));
	ASSERT_EQ(POLLIN, api_poll_wait(self->b, POLLIN, 2000));
	usleep(100000);
	EXPECT_EQ(300, tls_recv_type(self->b, buf, sizeof(buf), 0, &type));
	EXPECT_EQ(TLS_CT_DATA, type);
	EXPECT_TRUE(payload_ok(buf, 0, 100));
	EXPECT_TRUE(payload_ok(buf + 100, 1, 200));
	EXPECT_EQ(-1, recv(self->b, buf, sizeof(buf), 0));
	EXPECT_EQ(EIO, errno);
	EXPECT_EQ(2, tls_recv_type(self->b, buf, sizeof(buf), 0, &type));
	EXPECT_EQ(TLS_CT_ALERT, type);
	EXPECT_TRUE(payload_ok(buf, 2, 2));
	EXPECT_EQ(50, recv(self->b, buf, sizeof(buf), 0));
	EXPECT_TRUE(payload_ok(buf, 3, 50));
	EXPECT_EQ(-1, recv(self->b, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
}

/*
 * All records arrive at once; a read that takes exactly the first one
 * leaves the second readable: poll() says so though nothing more comes
 * (tcplab parsed records only as data arrived, so a reader waiting in
 * poll() for a record already queued could wait for ever).
 */
TEST_F(io, rx_next_record_readable_after_exact_read)
{
	static const struct plan p[] = {
		{ TLS_CT_DATA, 100 }, { TLS_CT_DATA, 100 },
	};
	static unsigned char raw[4096], buf[4096];
	ssize_t n = make_records(V13, p, 2, 9, raw, sizeof(raw));

	ASSERT_LT(0, n);
	ASSERT_EQ(0, tls_install(self->b, V13, GCM128, -1, 9));
	ASSERT_EQ(n, send(self->a, raw, n, 0));
	ASSERT_EQ(POLLIN, api_poll_wait(self->b, POLLIN, 2000));
	usleep(100000);
	EXPECT_EQ(100, recv(self->b, buf, 100, MSG_DONTWAIT));
	EXPECT_TRUE(payload_ok(buf, 0, 100));
	EXPECT_EQ(POLLIN, api_poll_wait(self->b, POLLIN, 0));
	EXPECT_EQ(100, recv(self->b, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_TRUE(payload_ok(buf, 1, 100));
	EXPECT_EQ(0, api_poll_wait(self->b, POLLIN, 0));
}

/* Readable only with a whole record; MSG_PEEK; partial reads. */
TEST_F(io, rx_whole_records_peek)
{
	static const struct plan p[] = {
		{ TLS_CT_DATA, 1000 }, { TLS_CT_DATA, 10 },
	};
	static unsigned char raw[4096], buf[4096];
	ssize_t n = make_records(V12, p, 2, 3, raw, sizeof(raw));
	int first = 5 + 1000 + OVH12;

	ASSERT_LT(0, n);
	ASSERT_EQ(0, tls_install(self->b, V12, GCM128, -1, 3));
	ASSERT_EQ(first - 1, send(self->a, raw, first - 1, 0));
	usleep(200000);
	if (!old_oracle(variant->lab))
		EXPECT_EQ(0, api_poll_wait(self->b, POLLIN, 100));
	EXPECT_EQ(-1, recv(self->b, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(1, send(self->a, raw + first - 1, 1, 0));
	EXPECT_EQ(POLLIN, api_poll_wait(self->b, POLLIN, 2000));
	EXPECT_EQ(300, recv(self->b, buf, 300, MSG_PEEK));
	EXPECT_TRUE(payload_ok(buf, 0, 300));
	EXPECT_EQ(400, recv(self->b, buf, 400, 0));
	EXPECT_TRUE(payload_ok(buf, 0, 400));
	EXPECT_EQ(600, recv(self->b, buf, sizeof(buf), 0));
	EXPECT_EQ(buf[0], (unsigned char)400);
	ASSERT_EQ(n - first, send(self->a, raw + first, n - first, 0));
	EXPECT_EQ(10, recv(self->b, buf, sizeof(buf), 0));
	EXPECT_TRUE(payload_ok(buf, 1, 10));
}

/* MSG_WAITALL and SO_RCVLOWAT wait for more records. */
TEST_F(io, rx_waitall_rcvlowat)
{
	static const struct plan p[] = {
		{ TLS_CT_DATA, 100 }, { TLS_CT_DATA, 100 },
		{ TLS_CT_DATA, 100 }, { TLS_CT_DATA, 100 },
	};
	static unsigned char raw[4096], buf[4096];
	ssize_t n = make_records(V12, p, 4, 3, raw, sizeof(raw));
	int rec = 5 + 100 + OVH12;
	pid_t pid;

	ASSERT_EQ(4 * rec, n);
	ASSERT_EQ(0, tls_install(self->b, V12, GCM128, -1, 3));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int k;

		for (k = 0; k < 4; k++) {
			usleep(150000);
			if (send(self->a, raw + k * rec, rec, 0) != rec)
				_exit(1);
		}
		_exit(0);
	}
	EXPECT_EQ(200, recv(self->b, buf, 200, MSG_WAITALL));
	EXPECT_TRUE(payload_ok(buf, 0, 100));
	EXPECT_TRUE(payload_ok(buf + 100, 1, 100));
	ASSERT_EQ(0, api_set_int(self->b, SOL_SOCKET, SO_RCVLOWAT, 150));
	EXPECT_EQ(200, recv(self->b, buf, sizeof(buf), 0));
	EXPECT_TRUE(payload_ok(buf, 2, 100));
	waitpid(pid, NULL, 0);
}

/* A broken record: @errno_want, no plaintext, and the error sticks. */
static void rx_bad(struct __test_metadata *_metadata, int a, int b,
		   const unsigned char *raw, size_t n, int errno_want,
		   bool lab)
{
	unsigned char buf[512];

	ASSERT_EQ((ssize_t)n, send(a, raw, n, 0));
	memset(buf, 0x5a, sizeof(buf));
	EXPECT_EQ(-1, recv(b, buf, sizeof(buf), 0));
	EXPECT_EQ(errno_want, errno);
	/*
	 * Not one byte of the buffer written: tcplab authenticates before
	 * copying.  (Linux may decrypt straight into the buffer and leave
	 * unauthenticated plaintext there while returning -1.)  tcplab also
	 * keeps the error (Linux 6.12 reports it once).
	 */
	if (lab) {
		EXPECT_EQ(0x5a, buf[0]);
		EXPECT_EQ(0x5a, buf[100]);
		EXPECT_EQ(-1, recv(b, buf, sizeof(buf), MSG_DONTWAIT));
		EXPECT_EQ(errno_want, errno);
	}
}

/* A relay flipped one ciphertext byte: EBADMSG, zero plaintext. */
TEST_F(io, rx_tampered_ebadmsg)
{
	static const struct plan p[] = { { TLS_CT_DATA, 300 } };
	unsigned char raw[1024];
	ssize_t n = make_records(V12, p, 1, 4, raw, sizeof(raw));

	ASSERT_LT(0, n);
	ASSERT_EQ(0, tls_install(self->b, V12, GCM128, -1, 4));
	raw[5 + 8 + 77] ^= 0x01;
	rx_bad(_metadata, self->a, self->b, raw, n, EBADMSG, variant->lab);
}

/* The tag itself altered (TLS 1.3): EBADMSG too. */
TEST_F(io, rx_tampered_tag_tls13)
{
	static const struct plan p[] = { { TLS_CT_DATA, 300 } };
	unsigned char raw[1024];
	ssize_t n = make_records(V13, p, 1, 4, raw, sizeof(raw));

	ASSERT_LT(0, n);
	ASSERT_EQ(0, tls_install(self->b, V13, GCM128, -1, 4));
	raw[n - 1] ^= 0x80;
	rx_bad(_metadata, self->a, self->b, raw, n, EBADMSG, variant->lab);
}

/* Length beyond 2^14 + overhead: EMSGSIZE from the header alone. */
TEST_F(io, rx_oversize_emsgsize)
{
	unsigned char raw[64] = { 23, 3, 3 };
	int len = 16384 + 8 + 16 + 1;

	ASSERT_EQ(0, tls_install(self->b, V12, GCM128, -1, 4));
	raw[3] = len >> 8;
	raw[4] = len & 0xff;
	rx_bad(_metadata, self->a, self->b, raw, sizeof(raw), EMSGSIZE,
	       variant->lab);
}

/* Shorter than explicit nonce + tag: EBADMSG. */
TEST_F(io, rx_short_record_ebadmsg)
{
	unsigned char raw[64] = { 23, 3, 3, 0, 8 + 16 - 1 };

	ASSERT_EQ(0, tls_install(self->b, V12, GCM128, -1, 4));
	rx_bad(_metadata, self->a, self->b, raw, 5 + 23, EBADMSG,
	       variant->lab);
}

/* Version bytes other than 03 03: EINVAL. */
TEST_F(io, rx_bad_version_einval)
{
	static const struct plan p[] = { { TLS_CT_DATA, 30 } };
	unsigned char raw[1024];
	ssize_t n = make_records(V12, p, 1, 4, raw, sizeof(raw));

	ASSERT_LT(0, n);
	ASSERT_EQ(0, tls_install(self->b, V12, GCM128, -1, 4));
	raw[2] = 1;
	rx_bad(_metadata, self->a, self->b, raw, n, EINVAL, variant->lab);
}

/* A good record, then a bad one: the good one is read first. */
TEST_F(io, rx_good_then_tampered)
{
	static const struct plan p[] = {
		{ TLS_CT_DATA, 100 }, { TLS_CT_DATA, 100 },
	};
	unsigned char raw[1024], buf[512];
	ssize_t n = make_records(V13, p, 2, 4, raw, sizeof(raw));

	ASSERT_LT(0, n);
	ASSERT_EQ(0, tls_install(self->b, V13, GCM128, -1, 4));
	raw[n - 30] ^= 0x10;
	ASSERT_EQ(n, send(self->a, raw, n, 0));
	usleep(100000);
	EXPECT_EQ(100, recv(self->b, buf, sizeof(buf), 0));
	EXPECT_TRUE(payload_ok(buf, 0, 100));
	EXPECT_EQ(-1, recv(self->b, buf, sizeof(buf), 0));
	EXPECT_EQ(EBADMSG, errno);
}

/*
 * Nonblocking sends into a full buffer: short counts and EAGAIN, but the
 * stream is whole records carrying exactly the bytes accepted.
 */
TEST_F(io, tx_nonblocking_whole_records)
{
	static unsigned char buf[65536], raw[32 << 20];
	static unsigned char types[1024];
	static unsigned int lens[1024];
	long accepted = 0, plain = 0;
	int eagain = 0, k, nrec, i;
	ssize_t n, got;

	ASSERT_EQ(0, tls_install(self->a, V12, GCM128, 1, -1));
	for (i = 0; i < 200 && eagain < 3; i++) {
		n = send(self->a, buf, sizeof(buf) - i, MSG_DONTWAIT);
		if (n < 0) {
			ASSERT_EQ(EAGAIN, errno);
			eagain++;
			usleep(10000);
			continue;
		}
		accepted += n;
	}
	EXPECT_LT(0, eagain);
	close(self->a);
	self->a = -1;
	got = tls_read_full(self->b, raw, sizeof(raw), 1000);
	ASSERT_LT(0, got);
	nrec = tls_split(raw, got, types, lens, 1024);
	ASSERT_LT(0, nrec);
	for (k = 0; k < nrec; k++) {
		EXPECT_GE(16384 + OVH12, lens[k]);
		plain += lens[k] - OVH12;
	}
	EXPECT_EQ(accepted, plain);
}

/* sendfile() and splice() into a TLS socket make correct records. */
TEST_F(io, tx_sendfile_splice)
{
	static unsigned char data[100000], buf[100000];
	char path[] = "/tmp/tls_io_XXXXXX";
	int fd = mkstemp(path), pfd[2], i;
	off_t off = 0;
	ssize_t n;

	ASSERT_LE(0, fd);
	unlink(path);
	for (i = 0; i < (int)sizeof(data); i++)
		data[i] = (unsigned char)(i * 7 + i / 251);
	ASSERT_EQ((ssize_t)sizeof(data), write(fd, data, sizeof(data)));
	ASSERT_EQ(0, tls_install(self->a, V13, GCM128, 1, -1));
	ASSERT_EQ(0, tls_install(self->b, V13, GCM128, -1, 1));
	EXPECT_EQ((ssize_t)sizeof(data), sendfile(self->a, fd, &off,
						  sizeof(data)));
	n = tls_read_full(self->b, buf, sizeof(buf), 2000);
	EXPECT_EQ((ssize_t)sizeof(data), n);
	EXPECT_EQ(0, memcmp(data, buf, sizeof(data)));

	/* splice: file -> pipe -> socket */
	ASSERT_EQ(0, pipe(pfd));
	off = 0;
	for (i = 0; i < 4; i++) {
		n = splice(fd, &off, pfd[1], NULL, 25000, 0);
		ASSERT_EQ(25000, n);
		ASSERT_EQ(25000, splice(pfd[0], NULL, self->a, NULL, 25000,
					i < 3 ? SPLICE_F_MORE : 0));
	}
	n = tls_read_full(self->b, buf, sizeof(buf), 2000);
	EXPECT_EQ((ssize_t)sizeof(data), n);
	EXPECT_EQ(0, memcmp(data, buf, sizeof(data)));
	close(pfd[0]);
	close(pfd[1]);
	close(fd);
}

/* tcplab: what MSG_MORE held back is sent at shutdown() and close(). */
TEST_F(io, tx_more_flushed_at_shutdown_and_close)
{
	char buf[16];
	int a, b;

	if (!variant->lab)
		SKIP(return, "tcplab's behaviour; Linux may drop the record");
	ASSERT_EQ(0, tls_install(self->a, V13, GCM128, 1, -1));
	ASSERT_EQ(0, tls_install(self->b, V13, GCM128, -1, 1));
	EXPECT_EQ(3, send(self->a, "abc", 3, MSG_MORE));
	EXPECT_EQ(0, shutdown(self->a, SHUT_WR));
	EXPECT_EQ(3, tls_read_full(self->b, buf, sizeof(buf), 1000));
	EXPECT_EQ(0, memcmp(buf, "abc", 3));

	ASSERT_EQ(0, api_pair(self->fam, self->fam, &a, &b));
	ASSERT_EQ(0, tls_install(a, V12, GCM128, 1, -1));
	ASSERT_EQ(0, tls_install(b, V12, GCM128, -1, 1));
	EXPECT_EQ(3, send(a, "xyz", 3, MSG_MORE));
	close(a);
	EXPECT_EQ(3, tls_read_full(b, buf, sizeof(buf), 1000));
	EXPECT_EQ(0, memcmp(buf, "xyz", 3));
	close(b);
}

TEST_HARNESS_MAIN
