// SPDX-License-Identifier: GPL-2.0
/*
 * tls_rekey_test: TLS 1.3 KeyUpdate (RFC 8446 §4.6.3) on tcplab sockets.
 *
 * Linux 6.12 refuses a second TLS_TX/TLS_RX (EBUSY); tcplab does what
 * Linux 6.14 does: a second TLS_TX on TLS 1.3 switches the transmit key
 * (after the records already written), and after a KeyUpdate handshake
 * record arrives, reads fail with EKEYEXPIRED until userspace installs
 * the next receive key with a second TLS_RX.
 *
 * The sender streams data, and every few MiB sends a KeyUpdate record
 * and switches to the next key (a new seed, record sequence 0); the
 * receiver follows.  Both hash the data; the hashes must agree.
 */
#include "kselftest_harness.h"
#include "api_util.h"
#include "wire_util.h"
#include "tls_util.h"

#define REKEYS		6
#define PER_KEY		(3 << 20)	/* bytes between key updates */

static const unsigned char key_update[5] = { 24, 0, 0, 1, 0 };

static int next_key(int fd, int dir, uint16_t cipher, int gen)
{
	struct tls_ci ci;

	/* Generation @gen: the same key for the sender's TX, our RX. */
	tls_ci_fill(&ci, TLS_1_3_VERSION, cipher, 100 + gen, 0);
	return tls_set(fd, dir, &ci);
}

struct result {
	int rc;
	uint64_t bytes, hash;
	int rekeys, expired;
};

static void sender(int fd, uint16_t cipher, struct result *r)
{
	static unsigned char buf[65536];
	uint64_t state = 0x5e4d;
	int gen, left, n;

	memset(r, 0, sizeof(*r));
	r->hash = FNV64_INIT;
	for (gen = 0; gen <= REKEYS; gen++) {
		for (left = PER_KEY; left > 0; left -= n) {
			/* Odd sizes: records end anywhere in the stream. */
			n = (int)sizeof(buf) - gen * 7;
			if (n > left)
				n = left;
			wire_fill(&state, buf, n);
			if (send(fd, buf, n, 0) != n) {
				r->rc = -errno;
				return;
			}
			r->hash = fnv1a64(r->hash, buf, n);
			r->bytes += n;
		}
		if (gen == REKEYS)
			break;
		if (tls_send_type(fd, TLS_CT_HS, key_update, 5, 0) != 5 ||
		    next_key(fd, TLS_TX, cipher, gen + 1)) {
			r->rc = -errno;
			return;
		}
		r->rekeys++;
	}
	shutdown(fd, SHUT_WR);
}

static void receiver(int fd, uint16_t cipher, struct result *r)
{
	static unsigned char buf[65536];
	unsigned char type;
	ssize_t n;

	memset(r, 0, sizeof(*r));
	r->hash = FNV64_INIT;
	for (;;) {
		n = tls_recv_type(fd, buf, sizeof(buf), 0, &type);
		if (n == -EKEYEXPIRED) {
			r->rc = -EKEYEXPIRED;	/* not after a KeyUpdate */
			return;
		}
		if (n < 0) {
			r->rc = n;
			return;
		}
		if (n == 0)
			return;
		if (type == TLS_CT_DATA) {
			r->hash = fnv1a64(r->hash, buf, n);
			r->bytes += n;
			continue;
		}
		if (type != TLS_CT_HS || n != 5 || buf[0] != 24) {
			r->rc = -EPROTO;
			return;
		}
		/* Paused: nothing is decrypted until the next key. */
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == EKEYEXPIRED)
			r->expired++;
		r->rekeys++;
		if (next_key(fd, TLS_RX, cipher, r->rekeys)) {
			r->rc = -errno;
			return;
		}
	}
}

FIXTURE(rekey) {
	int fam;
};

FIXTURE_VARIANT(rekey) {
	uint16_t cipher;
};

FIXTURE_VARIANT_ADD(rekey, aes_gcm_128) { TLS_CIPHER_AES_GCM_128 };
FIXTURE_VARIANT_ADD(rekey, chacha20) { TLS_CIPHER_CHACHA20_POLY1305 };

FIXTURE_SETUP(rekey)
{
	self->fam = tcplab_family();
	if (self->fam < 0)
		ENV_FAIL("tcplab module not loaded");
}

FIXTURE_TEARDOWN(rekey)
{
}

TEST_F_TIMEOUT(rekey, several_key_updates_mid_transfer, 200)
{
	long before = tcplab_stat("TlsRekeys");
	struct result s, r;
	struct wire_child child;
	int a, b, p[2];

	ASSERT_EQ(0, api_pair(self->fam, self->fam, &a, &b));
	ASSERT_EQ(0, tls_ulp(a));
	ASSERT_EQ(0, tls_ulp(b));
	ASSERT_EQ(0, next_key(a, TLS_TX, variant->cipher, 0));
	ASSERT_EQ(0, next_key(b, TLS_RX, variant->cipher, 0));
	ASSERT_EQ(0, pipe(p));
	child.pid = fork();
	ASSERT_LE(0, child.pid);
	if (!child.pid) {
		close(p[0]);
		close(b);
		sender(a, variant->cipher, &s);
		if (write(p[1], &s, sizeof(s)) != sizeof(s))
			_exit(2);
		close(a);
		_exit(0);
	}
	close(p[1]);
	close(a);
	child.rfd = p[0];
	receiver(b, variant->cipher, &r);
	ASSERT_EQ(0, wire_child_wait(&child, &s, sizeof(s)));
	close(b);
	EXPECT_EQ(0, s.rc);
	EXPECT_EQ(0, r.rc);
	EXPECT_EQ(REKEYS, s.rekeys);
	EXPECT_EQ(REKEYS, r.rekeys);
	EXPECT_EQ(REKEYS, r.expired);
	EXPECT_EQ(s.bytes, r.bytes);
	EXPECT_EQ(s.hash, r.hash);
	EXPECT_LT(5ULL << 20, r.bytes);
	EXPECT_EQ(before + 2 * REKEYS, tcplab_stat("TlsRekeys"));
}

/* Without the next key, reading stays paused (EKEYEXPIRED). */
TEST_F(rekey, paused_until_tls_rx)
{
	unsigned char buf[64], type;
	int a, b;

	ASSERT_EQ(0, api_pair(self->fam, self->fam, &a, &b));
	ASSERT_EQ(0, tls_ulp(a));
	ASSERT_EQ(0, tls_ulp(b));
	ASSERT_EQ(0, next_key(a, TLS_TX, variant->cipher, 0));
	ASSERT_EQ(0, next_key(b, TLS_RX, variant->cipher, 0));
	ASSERT_EQ(5, tls_send_type(a, TLS_CT_HS, key_update, 5, 0));
	ASSERT_EQ(0, next_key(a, TLS_TX, variant->cipher, 1));
	ASSERT_EQ(3, send(a, "new", 3, 0));
	EXPECT_EQ(5, tls_recv_type(b, buf, sizeof(buf), 0, &type));
	EXPECT_EQ(TLS_CT_HS, type);
	usleep(100000);
	EXPECT_EQ(-EKEYEXPIRED, tls_recv_type(b, buf, sizeof(buf), 0, &type));
	EXPECT_EQ(-EKEYEXPIRED, tls_recv_type(b, buf, sizeof(buf),
					      MSG_DONTWAIT, &type));
	ASSERT_EQ(0, next_key(b, TLS_RX, variant->cipher, 1));
	EXPECT_EQ(3, tls_recv_type(b, buf, sizeof(buf), 0, &type));
	EXPECT_EQ(TLS_CT_DATA, type);
	EXPECT_EQ(0, memcmp(buf, "new", 3));
	close(a);
	close(b);
}

TEST_HARNESS_MAIN
