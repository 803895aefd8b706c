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

#define TRACING "/sys/kernel/tracing"

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

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

/* The /proc/net/tcplab line whose local address is 127.0.0.1:@port. */
static int proc_line(unsigned int port, char *out, size_t n)
{
	char want[32], *all = slurp(TCPLAB_PROC_SOCKETS), *l;
	int found = 0;

	snprintf(want, sizeof(want), "127.0.0.1:%u ", port);
	for (l = all; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (!strncmp(l, want, strlen(want))) {
			char *e = strchr(l, '\n');
			size_t len = e ? (size_t)(e - l) : strlen(l);

			snprintf(out, n, "%.*s", (int)len, l);
			found = 1;
			break;
		}
	}
	free(all);
	return found;
}

static unsigned int local_port(int fd)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);

	getsockname(fd, (struct sockaddr *)&sin, &sl);
	return ntohs(sin.sin_port);
}

/* The last four columns of a socket's line. */
static int tls_cols(int fd, char cols[4][24])
{
	char line[512];

	if (!proc_line(local_port(fd), line, sizeof(line)))
		return -1;
	return sscanf(line, "%*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %23s %23s %23s %23s",
		      cols[0], cols[1], cols[2], cols[3]);
}

TEST(proc_columns_and_counters)
{
	int fam = tcplab_family(), a, b;
	long tx0, rx0, err0;
	char cols[4][24], buf[64];
	struct tls_ci ci;
	unsigned char type;

	if (fam < 0)
		SKIP(return, "tcplab module not loaded");
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

TEST(tracepoints)
{
	int fam = tcplab_family(), a, b;
	char want[160], buf[64], *trace;
	unsigned char type;

	if (fam < 0)
		SKIP(return, "tcplab module not loaded");
	if (access(TRACING "/events/tcplab/tcplab_tls_record", F_OK))
		SKIP(return, "no tracefs or no tcplab_tls_record event");
	ASSERT_EQ(0, write_file(TRACING "/events/tcplab/tcplab_tls_record/enable", "1"));
	ASSERT_EQ(0, write_file(TRACING "/events/tcplab/tcplab_tls_key/enable", "1"));
	ASSERT_EQ(0, write_file(TRACING "/trace", ""));

	ASSERT_EQ(0, api_pair(fam, fam, &a, &b));
	ASSERT_EQ(0, tls_install(a, TLS_1_2_VERSION, TLS_CIPHER_AES_CCM_128,
				 1, -1));
	ASSERT_EQ(0, tls_install(b, TLS_1_2_VERSION, TLS_CIPHER_AES_CCM_128,
				 -1, 1));
	EXPECT_EQ(11, send(a, "hello world", 11, 0));
	EXPECT_EQ(4, tls_send_type(a, TLS_CT_HS, "\4\0\0\0", 4, 0));
	EXPECT_EQ(11, tls_recv_type(b, buf, sizeof(buf), 0, &type));
	EXPECT_EQ(4, tls_recv_type(b, buf, sizeof(buf), 0, &type));
	write_file(TRACING "/events/tcplab/tcplab_tls_record/enable", "0");
	write_file(TRACING "/events/tcplab/tcplab_tls_key/enable", "0");
	trace = slurp(TRACING "/trace");
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
