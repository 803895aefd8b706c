// SPDX-License-Identifier: GPL-2.0
/*
 * trace_test: the tcplab tracepoints tell the story of a connection.
 *
 * One tcplab connection on loopback, opened, used and closed by the
 * client first; the events recorded in tracefs must show, in order, the
 * RFC 9293 states of both ends (the client's path through FIN-WAIT-1,
 * FIN-WAIT-2 and TIME-WAIT; the server's through SYN-RECEIVED,
 * CLOSE-WAIT and LAST-ACK) and the segments of the three-way handshake.
 */
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "tcplab_test.h"


/* Read the whole trace buffer into a malloc'd string. */
static char *read_trace(void)
{
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap);
	int fd = open(TCPLAB_TRACING "/trace", O_RDONLY);
	ssize_t n;

	if (!buf || fd < 0) {
		free(buf);
		return NULL;
	}
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += n;
		if (len + 1 == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				break;
		}
	}
	close(fd);
	if (buf)
		buf[len] = 0;
	return buf;
}

/*
 * Loop over the lines of @trace holding @event; @rest points just after
 * the event name.
 */
#define for_each_event(trace, event, rest)				\
	for (const char *_l = (trace); _l && *_l;			\
	     _l = strchr(_l, '\n') ? strchr(_l, '\n') + 1 : NULL)	\
		if (((rest) = strstr(_l, event)) &&			\
		    (!strchr(_l, '\n') || (rest) < strchr(_l, '\n')) &&	\
		    ((rest) += strlen(event)))

/*
 * The transitions of the connection whose local end is 127.0.0.1:@port,
 * in trace order, as "A>B " words.  Events read
 * "tcplab_state: sk=... LOCAL REMOTE A -> B".
 */
static void state_path(const char *trace, unsigned int port, char *out, size_t n)
{
	char want[32], local[64], from[16], to[16];
	const char *rest;

	snprintf(want, sizeof(want), "127.0.0.1:%u", port);
	out[0] = 0;
	for_each_event(trace, "tcplab_state:", rest) {
		if (sscanf(rest, " sk=%*s %63s %*s %15s -> %15s", local, from, to) != 3 ||
		    strcmp(local, want))
			continue;
		snprintf(out + strlen(out), n - strlen(out), "%s>%s ", from, to);
	}
}

/* Segments sent from 127.0.0.1:@port with exactly the flags @flags. */
static int count_out(const char *trace, unsigned int port, const char *flags)
{
	char want[32], local[64], f[16];
	const char *rest;
	int count = 0;

	snprintf(want, sizeof(want), "127.0.0.1:%u", port);
	for_each_event(trace, "tcplab_segment_out:", rest) {
		if (sscanf(rest, " sk=%*s %63s %*s [%15[^]]]", local, f) == 2 &&
		    !strcmp(local, want) && !strcmp(f, flags))
			count++;
	}
	return count;
}

TCPLAB_TRACE_FIXTURE(trace);

TEST_F(trace, connection_story)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	unsigned int cport, sport;
	int family, lfd, cfd, afd;
	char path[512], buf[8], *trace;

	TCPLAB_FAMILY_OR_FAIL(family);
	if (access(TCPLAB_TRACING "/events/tcplab/enable", W_OK))
		ENV_FAIL("no tcplab events in tracefs");
	ASSERT_EQ(0, tcplab_trace_on(&self->t, "tcplab"));
	ASSERT_EQ(0, tcplab_write_file(TCPLAB_TRACING "/trace", ""));

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(family, SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&addr, sizeof(addr)));
	ASSERT_EQ(0, listen(lfd, 4));
	ASSERT_EQ(0, getsockname(lfd, (struct sockaddr *)&addr, &len));
	sport = ntohs(addr.sin_port);

	cfd = socket(family, SOCK_STREAM, 0);
	ASSERT_LE(0, cfd);
	ASSERT_EQ(0, connect(cfd, (struct sockaddr *)&addr, sizeof(addr)));
	afd = accept(lfd, NULL, NULL);
	ASSERT_LE(0, afd);
	len = sizeof(addr);
	ASSERT_EQ(0, getsockname(cfd, (struct sockaddr *)&addr, &len));
	cport = ntohs(addr.sin_port);

	ASSERT_EQ(2, send(cfd, "hi", 2, 0));
	ASSERT_EQ(2, recv(afd, buf, 2, MSG_WAITALL));
	close(cfd);				/* the client closes first */
	ASSERT_EQ(0, recv(afd, buf, sizeof(buf), 0));
	close(afd);
	close(lfd);
	/* TIME-WAIT lasts 2 * MSL; the test VM sets msl_ms=1000. */
	sleep(3);
	tcplab_trace_restore(&self->t);

	trace = read_trace();
	ASSERT_NE(NULL, trace);
	state_path(trace, cport, path, sizeof(path));
	TH_LOG("client %u: %s", cport, path);
	EXPECT_NE(NULL, strstr(path,
		"CLOSED>SYN-SENT SYN-SENT>ESTABLISHED ESTABLISHED>FIN-WAIT-1 "
		"FIN-WAIT-1>FIN-WAIT-2 FIN-WAIT-2>TIME-WAIT TIME-WAIT>CLOSED"));
	/* The accepted socket shares the listener's port: its own path. */
	state_path(trace, sport, path, sizeof(path));
	TH_LOG("server %u: %s", sport, path);
	EXPECT_NE(NULL, strstr(path, "CLOSED>LISTEN"));
	EXPECT_NE(NULL, strstr(path,
		"CLOSED>SYN-RECEIVED SYN-RECEIVED>ESTABLISHED "
		"ESTABLISHED>CLOSE-WAIT CLOSE-WAIT>LAST-ACK LAST-ACK>CLOSED"));
	/* Three-way handshake: one SYN, one SYN,ACK. */
	EXPECT_EQ(1, count_out(trace, cport, "S"));
	EXPECT_EQ(1, count_out(trace, sport, "S."));
	free(trace);
}

TEST_HARNESS_MAIN
