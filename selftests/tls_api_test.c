// SPDX-License-Identifier: GPL-2.0
/*
 * tls_api_test: the kernel TLS control interface, differential.
 *
 * One sequence of TCP_ULP / SOL_TLS calls - right and wrong ones - runs
 * on an AF_INET connection (Linux kTLS, tls.ko: the oracle) and on an
 * AF_TCPLAB connection; every step's result (0, a value, or -errno) must
 * be the same.  A few steps are also checked against fixed values, so
 * that a broken oracle cannot make both sides agree on nonsense.
 */
#include "kselftest_harness.h"
#include "api_util.h"
#include "tls_util.h"

#define MAX_STEPS	96

struct seq {
	int n;
	int res[MAX_STEPS];
	const char *name[MAX_STEPS];
};

static void step(struct seq *s, const char *name, int res)
{
	if (s->n < MAX_STEPS) {
		s->name[s->n] = name;
		s->res[s->n++] = res;
	}
}

static int get_ulp(int fd, char *name, socklen_t cap)
{
	socklen_t len = cap;

	memset(name, 0, cap);
	if (getsockopt(fd, SOL_TCP, TCP_ULP, name, &len))
		return -errno;
	return len;
}

static int set_raw(int fd, int opt, const void *p, socklen_t len)
{
	return setsockopt(fd, SOL_TLS, opt, p, len) ? -errno : 0;
}

static int get_raw(int fd, int opt, void *p, socklen_t len)
{
	if (getsockopt(fd, SOL_TLS, opt, p, &len))
		return -errno;
	return len;
}

static uint64_t be64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void run_seq(int fam, struct seq *s)
{
	struct tls_ci ci, bad, out;
	unsigned char raw[256];
	unsigned int u;
	char name[32];
	int cfd, afd, fd, lfd, r;
	struct sockaddr_in addr;

	s->n = 0;
	fd = socket(fam, SOCK_STREAM, 0);
	step(s, "ulp on unconnected socket", tls_ulp(fd));
	step(s, "get ulp, none", get_ulp(fd, name, 16));
	close(fd);
	lfd = api_listener(fam, 4, &addr);
	step(s, "ulp on listener", tls_ulp(lfd));
	close(lfd);

	r = api_pair(fam, fam, &cfd, &afd);
	step(s, "connect", r);
	if (r)
		return;
	tls_ci_fill(&ci, TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_128, 1, 5);
	step(s, "SOL_TLS set before ulp", tls_set(cfd, TLS_TX, &ci));
	step(s, "SOL_TLS get before ulp", get_raw(cfd, TLS_TX, raw, ci.len));
	step(s, "ulp, optlen 0",
	     setsockopt(cfd, SOL_TCP, TCP_ULP, "tls", 0) ? -errno : 0);
	step(s, "ulp unknown name",
	     setsockopt(cfd, SOL_TCP, TCP_ULP, "nosuch", 7) ? -errno : 0);
	step(s, "ulp tls, optlen 3",
	     setsockopt(cfd, SOL_TCP, TCP_ULP, "tls", 3) ? -errno : 0);
	step(s, "ulp again", tls_ulp(cfd));
	step(s, "ulp unknown after tls",
	     setsockopt(cfd, SOL_TCP, TCP_ULP, "nosuch", 7) ? -errno : 0);
	step(s, "get ulp len", get_ulp(cfd, name, sizeof(name)));
	step(s, "get ulp name is tls", !strcmp(name, "tls"));
	step(s, "get ulp short buffer", get_ulp(cfd, name, 2));
	step(s, "TCP_NODELAY still works", api_sockopt_int(cfd, SOL_TCP,
							  TCP_NODELAY));

	step(s, "get TX unset, full", get_raw(cfd, TLS_TX, raw, ci.len));
	step(s, "get TX unset, header", get_raw(cfd, TLS_TX, raw, 4));
	step(s, "get TX unset, 2 bytes", get_raw(cfd, TLS_TX, raw, 2));
	step(s, "get RX unset, full", get_raw(cfd, TLS_RX, raw, ci.len));
	step(s, "set TX NULL", set_raw(cfd, TLS_TX, NULL, ci.len));
	step(s, "set TX optlen 3", set_raw(cfd, TLS_TX, &ci.u, 3));
	step(s, "set TX header only", set_raw(cfd, TLS_TX, &ci.u, 4));
	step(s, "set TX len - 1", set_raw(cfd, TLS_TX, &ci.u, ci.len - 1));
	step(s, "set TX len + 1", set_raw(cfd, TLS_TX, &ci.u, ci.len + 1));
	bad = ci;
	bad.u.info.version = 0x0302;
	step(s, "set TX TLS 1.1", tls_set(cfd, TLS_TX, &bad));
	bad = ci;
	bad.u.info.cipher_type = 99;
	step(s, "set TX unknown cipher", tls_set(cfd, TLS_TX, &bad));
	step(s, "set TX gcm128 with chacha length",
	     set_raw(cfd, TLS_TX, &ci.u,
		     sizeof(struct tls12_crypto_info_chacha20_poly1305)));
	step(s, "set TX", tls_set(cfd, TLS_TX, &ci));
	step(s, "set TX twice", tls_set(cfd, TLS_TX, &ci));
	tls_ci_fill(&bad, TLS_1_3_VERSION, TLS_CIPHER_AES_GCM_128, 2, 0);
	step(s, "set RX other version", tls_set(cfd, TLS_RX, &bad));
	tls_ci_fill(&bad, TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_256, 2, 0);
	step(s, "set RX other cipher", tls_set(cfd, TLS_RX, &bad));
	tls_ci_fill(&bad, TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_128, 2, 9);
	step(s, "set RX", tls_set(cfd, TLS_RX, &bad));
	step(s, "set RX twice", tls_set(cfd, TLS_RX, &bad));

	memset(&out, 0, sizeof(out));
	r = get_raw(cfd, TLS_TX, &out.u, 4);
	step(s, "get TX header", r);
	step(s, "get TX header version/cipher",
	     out.u.info.version << 16 | out.u.info.cipher_type);
	r = get_raw(cfd, TLS_TX, &out.u, ci.len);
	step(s, "get TX full", r);
	step(s, "get TX full equals set", !memcmp(&out.u, &ci.u, ci.len));
	step(s, "get TX len + 1", get_raw(cfd, TLS_TX, &out.u, ci.len + 1));
	step(s, "get TX len - 1", get_raw(cfd, TLS_TX, &out.u, ci.len - 1));
	r = get_raw(cfd, TLS_RX, &out.u, ci.len);
	step(s, "get RX full", r);
	step(s, "get RX rec_seq", (int)be64(out.u.gcm128.rec_seq));

	/* One record out: the sequence number and explicit nonce move. */
	step(s, "send 5 bytes", (int)send(cfd, "hello", 5, 0));
	step(s, "raw record bytes", (int)tls_read_full(afd, raw, 5 + 29, 2000));
	step(s, "raw record header", raw[0] << 16 | raw[1] << 8 | raw[2]);
	step(s, "raw record length", raw[3] << 8 | raw[4]);
	step(s, "raw explicit nonce", (int)be64(raw + 5));
	get_raw(cfd, TLS_TX, &out.u, ci.len);
	step(s, "TX rec_seq after one record", (int)be64(out.u.gcm128.rec_seq));
	step(s, "TX iv after one record", (int)be64(out.u.gcm128.iv));

	u = 1;
	step(s, "zerocopy_ro set 1", set_raw(cfd, TLS_TX_ZEROCOPY_RO, &u, 4));
	u = 2;
	step(s, "zerocopy_ro set 2", set_raw(cfd, TLS_TX_ZEROCOPY_RO, &u, 4));
	step(s, "zerocopy_ro set len 8", set_raw(cfd, TLS_TX_ZEROCOPY_RO,
						 raw, 8));
	step(s, "zerocopy_ro set NULL", set_raw(cfd, TLS_TX_ZEROCOPY_RO,
						NULL, 4));
	u = 7;
	r = get_raw(cfd, TLS_TX_ZEROCOPY_RO, &u, 4);
	step(s, "zerocopy_ro get", r);
	step(s, "zerocopy_ro value", u);
	step(s, "zerocopy_ro get len 8", get_raw(cfd, TLS_TX_ZEROCOPY_RO,
						 raw, 8));
	u = 1;
	step(s, "no_pad on TLS 1.2", set_raw(cfd, TLS_RX_EXPECT_NO_PAD, &u, 4));
	step(s, "no_pad get on TLS 1.2", get_raw(cfd, TLS_RX_EXPECT_NO_PAD,
						 &u, 4));
	step(s, "unknown SOL_TLS set", set_raw(cfd, 99, &u, 4));
	step(s, "unknown SOL_TLS get", get_raw(cfd, 99, &u, 4));
	close(cfd);
	close(afd);

	/* TLS 1.3 and TLS_RX_EXPECT_NO_PAD. */
	r = api_pair(fam, fam, &cfd, &afd);
	step(s, "connect 2", r);
	if (r)
		return;
	step(s, "ulp 2", tls_ulp(cfd));
	u = 1;
	step(s, "no_pad, no keys", set_raw(cfd, TLS_RX_EXPECT_NO_PAD, &u, 4));
	tls_ci_fill(&ci, TLS_1_3_VERSION, TLS_CIPHER_CHACHA20_POLY1305, 3, 0);
	step(s, "set TX 1.3 chacha", tls_set(cfd, TLS_TX, &ci));
	step(s, "no_pad, TX only", set_raw(cfd, TLS_RX_EXPECT_NO_PAD, &u, 4));
	step(s, "no_pad get, TX only", get_raw(cfd, TLS_RX_EXPECT_NO_PAD,
					       &u, 4));
	tls_ci_fill(&ci, TLS_1_3_VERSION, TLS_CIPHER_CHACHA20_POLY1305, 4, 0);
	step(s, "set RX 1.3 chacha", tls_set(cfd, TLS_RX, &ci));
	u = 0;
	r = get_raw(cfd, TLS_RX_EXPECT_NO_PAD, &u, 4);
	step(s, "no_pad get default", r);
	step(s, "no_pad default value", u);
	u = 1;
	step(s, "no_pad set 1", set_raw(cfd, TLS_RX_EXPECT_NO_PAD, &u, 4));
	u = 2;
	step(s, "no_pad set 2", set_raw(cfd, TLS_RX_EXPECT_NO_PAD, &u, 4));
	step(s, "no_pad set len 2", set_raw(cfd, TLS_RX_EXPECT_NO_PAD, &u, 2));
	memset(raw, 0, 8);
	step(s, "no_pad set 0, len 8 zeroes",
	     set_raw(cfd, TLS_RX_EXPECT_NO_PAD, raw, 8));
	raw[0] = 1;
	raw[5] = 1;
	step(s, "no_pad set len 8 not zero",
	     set_raw(cfd, TLS_RX_EXPECT_NO_PAD, raw, 8));
	u = 9;
	r = get_raw(cfd, TLS_RX_EXPECT_NO_PAD, &u, 4);
	step(s, "no_pad get", r);
	step(s, "no_pad value", u);
	step(s, "no_pad get len 2", get_raw(cfd, TLS_RX_EXPECT_NO_PAD, &u, 2));
	step(s, "no_pad get len 8", get_raw(cfd, TLS_RX_EXPECT_NO_PAD, raw, 8));
	memset(&out, 0, sizeof(out));
	r = get_raw(cfd, TLS_RX, &out.u, ci.len);
	step(s, "get RX chacha full", r);
	step(s, "get RX chacha equals set", !memcmp(&out.u, &ci.u, ci.len));
	close(cfd);
	close(afd);
}

TEST(differential)
{
	static struct seq inet, lab;
	int fam = tcplab_family(), i;

	if (fam < 0)
		ENV_FAIL("tcplab module not loaded");
	if (system("/sbin/modprobe -q tls 2>/dev/null") &&
	    access("/sys/module/tls", F_OK))
		ENV_FAIL("Linux kTLS (tls.ko) not available");
	run_seq(AF_INET, &inet);
	run_seq(fam, &lab);
	ASSERT_EQ(inet.n, lab.n);
	for (i = 0; i < inet.n; i++) {
		EXPECT_EQ(inet.res[i], lab.res[i])
			TH_LOG("step %d \"%s\": AF_INET %d, tcplab %d", i,
			       inet.name[i], inet.res[i], lab.res[i]);
	}
	/* Anchors: the oracle itself behaves as documented. */
	for (i = 0; i < inet.n; i++) {
		if (!strcmp(inet.name[i], "ulp on unconnected socket"))
			EXPECT_EQ(-ENOTCONN, inet.res[i]);
		if (!strcmp(inet.name[i], "ulp again"))
			EXPECT_EQ(-EEXIST, inet.res[i]);
		if (!strcmp(inet.name[i], "set TX twice"))
			EXPECT_EQ(-EBUSY, inet.res[i]);
		if (!strcmp(inet.name[i], "raw record length"))
			EXPECT_EQ(5 + 8 + 16, inet.res[i]);
		if (!strcmp(inet.name[i], "TX rec_seq after one record"))
			EXPECT_EQ(6, inet.res[i]);
	}
}

/* TLS 1.3: a second TLS_TX is a key update (Linux 6.12 says EBUSY). */
TEST(tls13_second_tx_is_rekey)
{
	int fam = tcplab_family(), cfd, afd;
	struct tls_ci ci;

	if (fam < 0)
		ENV_FAIL("tcplab module not loaded");
	ASSERT_EQ(0, api_pair(fam, fam, &cfd, &afd));
	ASSERT_EQ(0, tls_install(cfd, TLS_1_3_VERSION, TLS_CIPHER_AES_GCM_128,
				 1, 2));
	tls_ci_fill(&ci, TLS_1_3_VERSION, TLS_CIPHER_AES_GCM_128, 5, 0);
	EXPECT_EQ(0, tls_set(cfd, TLS_TX, &ci));
	EXPECT_EQ(0, tls_set(cfd, TLS_RX, &ci));
	/* Changing the cipher is not a key update. */
	tls_ci_fill(&ci, TLS_1_3_VERSION, TLS_CIPHER_AES_GCM_256, 5, 0);
	EXPECT_EQ(-EINVAL, tls_set(cfd, TLS_TX, &ci));
	close(cfd);
	close(afd);
}

TEST_HARNESS_MAIN
