// SPDX-License-Identifier: GPL-2.0
/*
 * tls_proc_test: what kernel TLS shows of itself - the TLS columns of
 * /proc/net/tcplab (on/off per direction, version, cipher; never keys),
 * the Tls* counters of /proc/net/tcplab_stats, and the tcplab_tls_key /
 * tcplab_tls_record tracepoints (one event per record, with direction,
 * content type, plaintext length and record sequence number).
 */
#include "kselftest_harness.h"
#include "api_util.h"
#include "tls_util.h"


static char *slurp(const char *path)
{
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (!buf || fd < 0) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((n = read(fd, buf + len, cap - len - 1)) > 0)
		len += n;
	close(fd);
	buf[len] = 0;
	return buf;
}

static unsigned int local_port(int fd)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);

	if (getsockname(fd, (struct sockaddr *)&sin, &sl))
		return 0;
	return ntohs(sin.sin_port);
}

/*
 * Split @line into at most @max whitespace separated words (in place).
 * Returns the number of words.
 */
static int split_words(char *line, char **w, int max)
{
	int n = 0;
	char *save = NULL, *t;

	for (t = strtok_r(line, " \t\n", &save); t && n < max;
	     t = strtok_r(NULL, " \t\n", &save))
		w[n++] = t;
	return n;
}

/*
 * The TLS columns (tls_tx, tls_rx, tls_ver, tls_cipher) of the
 * /proc/net/tcplab line whose local address is 127.0.0.1 and @fd's port.
 * Columns are found by their names in the header line, so the test does
 * not depend on which other columns the table has.  Returns 4 or -1.
 */
static int tls_cols(int fd, char cols[4][24])
{
	static const char * const names[4] = {
		"tls_tx", "tls_rx", "tls_ver", "tls_cipher"
	};
	char *all = slurp(TCPLAB_PROC_SOCKETS), *hw[64], *lw[64], *l, *nl;
	char want[32];
	int nh, nl_words, i, j, found = 0;

	if (!all)
		return -1;
	nl = strchr(all, '\n');
	if (!nl) {
		free(all);
		return -1;
	}
	*nl = 0;
	nh = split_words(all, hw, 64);
	snprintf(want, sizeof(want), "127.0.0.1:%u", local_port(fd));
	for (l = nl + 1; l && *l; l = nl ? nl + 1 : NULL) {
		nl = strchr(l, '\n');
		if (nl)
			*nl = 0;
		nl_words = split_words(l, lw, 64);
		if (!nl_words || strcmp(lw[0], want))
			continue;
		for (i = 0; i < 4; i++)
			for (j = 0; j < nh && j < nl_words; j++)
				if (!strcmp(hw[j], names[i])) {
					snprintf(cols[i], 24, "%s", lw[j]);
					found++;
				}
		break;
	}
	free(all);
	return found == 4 ? 4 : -1;
}

TEST(proc_columns_and_counters)
{
	int fam = tcplab_family(), a, b;
	long tx0, rx0, err0;
	char cols[4][24], buf[64];
	struct tls_ci ci;
	unsigned char type;

	if (fam < 0)
		ENV_FAIL("tcplab module not loaded");
	ASSERT_EQ(0, api_pair(fam, fam, &a, &b));
	ASSERT_EQ(4, tls_cols(a, cols));
	EXPECT_STREQ("off", cols[0]);
	EXPECT_STREQ("off", cols[1]);
	EXPECT_STREQ("-", cols[2]);
	EXPECT_STREQ("-", cols[3]);

	ASSERT_EQ(0, tls_ulp(a));
	tls_ci_fill(&ci, TLS_1_3_VERSION, TLS_CIPHER_CHACHA20_POLY1305, 1, 0);
	ASSERT_EQ(0, tls_set(a, TLS_TX, &ci));
	ASSERT_EQ(4, tls_cols(a, cols));
	EXPECT_STREQ("on", cols[0]);
	EXPECT_STREQ("off", cols[1]);
	EXPECT_STREQ("1.3", cols[2]);
	EXPECT_STREQ("chacha20-poly1305", cols[3]);
	ASSERT_EQ(0, tls_install(b, TLS_1_3_VERSION,
				 TLS_CIPHER_CHACHA20_POLY1305, -1, 1));
	ASSERT_EQ(4, tls_cols(b, cols));
	EXPECT_STREQ("off", cols[0]);
	EXPECT_STREQ("on", cols[1]);

	tx0 = tcplab_stat("TlsTxRecords");
	rx0 = tcplab_stat("TlsRxRecords");
	err0 = tcplab_stat("TlsDecryptErrors");
	ASSERT_LE(0, tx0);
	EXPECT_EQ(3, send(a, "abc", 3, 0));
	EXPECT_EQ(2, tls_send_type(a, TLS_CT_ALERT, "\1\0", 2, 0));
	EXPECT_EQ(3, tls_recv_type(b, buf, sizeof(buf), 0, &type));
	EXPECT_EQ(2, tls_recv_type(b, buf, sizeof(buf), 0, &type));
	EXPECT_EQ(tx0 + 2, tcplab_stat("TlsTxRecords"));
	EXPECT_EQ(rx0 + 2, tcplab_stat("TlsRxRecords"));
	EXPECT_EQ(err0, tcplab_stat("TlsDecryptErrors"));
	close(a);
	close(b);

	/* A record under the wrong key: one decrypt error. */
	ASSERT_EQ(0, api_pair(fam, fam, &a, &b));
	ASSERT_EQ(0, tls_install(a, TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_256,
				 1, -1));
	ASSERT_EQ(0, tls_install(b, TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_256,
				 -1, 2));
	EXPECT_EQ(3, send(a, "abc", 3, 0));
	EXPECT_EQ(-EBADMSG, tls_recv_type(b, buf, sizeof(buf), 0, &type));
	EXPECT_EQ(err0 + 1, tcplab_stat("TlsDecryptErrors"));
	close(a);
	close(b);
}

TCPLAB_TRACE_FIXTURE(trace);

TEST_F(trace, tracepoints)
{
	int fam = tcplab_family(), a, b;
	char want[160], buf[64], *trace;
	unsigned char type;

	if (fam < 0)
		ENV_FAIL("tcplab module not loaded");
	if (access(TCPLAB_TRACING "/events/tcplab/tcplab_tls_record", F_OK))
		ENV_FAIL("no tracefs or no tcplab_tls_record event");
	ASSERT_EQ(0, tcplab_trace_on(&self->t, "tcplab/tcplab_tls_record"));
	ASSERT_EQ(0, tcplab_trace_on(&self->t, "tcplab/tcplab_tls_key"));
	ASSERT_EQ(0, tcplab_write_file(TCPLAB_TRACING "/trace", ""));

	ASSERT_EQ(0, api_pair(fam, fam, &a, &b));
	ASSERT_EQ(0, tls_install(a, TLS_1_2_VERSION, TLS_CIPHER_AES_CCM_128,
				 1, -1));
	ASSERT_EQ(0, tls_install(b, TLS_1_2_VERSION, TLS_CIPHER_AES_CCM_128,
				 -1, 1));
	EXPECT_EQ(11, send(a, "hello world", 11, 0));
	EXPECT_EQ(4, tls_send_type(a, TLS_CT_HS, "\4\0\0\0", 4, 0));
	EXPECT_EQ(11, tls_recv_type(b, buf, sizeof(buf), 0, &type));
	EXPECT_EQ(4, tls_recv_type(b, buf, sizeof(buf), 0, &type));
	tcplab_trace_restore(&self->t);
	trace = slurp(TCPLAB_TRACING "/trace");
	ASSERT_NE(NULL, trace);

	snprintf(want, sizeof(want), "127.0.0.1:%u", local_port(a));
	EXPECT_NE(NULL, strstr(trace, want));
	EXPECT_NE(NULL, strstr(trace, "dir=tx version=0x0303 cipher=53 event=install"));
	EXPECT_NE(NULL, strstr(trace, "dir=rx version=0x0303 cipher=53 event=install"));
	EXPECT_NE(NULL, strstr(trace, "dir=tx type=23 len=11 rec_seq=0"));
	EXPECT_NE(NULL, strstr(trace, "dir=tx type=22 len=4 rec_seq=1"));
	EXPECT_NE(NULL, strstr(trace, "dir=rx type=23 len=11 rec_seq=0"));
	EXPECT_NE(NULL, strstr(trace, "dir=rx type=22 len=4 rec_seq=1"));
	/* Never key material. */
	EXPECT_EQ(NULL, strstr(trace, "key="));
	free(trace);
	close(a);
	close(b);
}

TEST_HARNESS_MAIN
