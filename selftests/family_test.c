// SPDX-License-Identifier: GPL-2.0
/*
 * family_test: socket(AF_TCPLAB, ...) answers like socket(AF_INET, ...).
 *
 * Where AF_INET offers no such socket either, the test is differential:
 * both families must fail with the same errno.  Where AF_INET does offer
 * one (datagram, raw) tcplab must answer as Linux does for a type the
 * family does not offer: ESOCKTNOSUPPORT.
 */
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "tcplab_test.h"

static int sock_errno(int family, int type, int protocol)
{
	int fd = socket(family, type, protocol);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno;
}

static int getint(int fd, int level, int opt)
{
	int v = -1;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, level, opt, &v, &len))
		return -errno;
	return v;
}

TEST(stream_protocol_0_and_tcp)
{
	int family, fd, protos[] = { 0, IPPROTO_TCP };

	TCPLAB_FAMILY_OR_FAIL(family);
	for (unsigned int i = 0; i < 2; i++) {
		fd = socket(family, SOCK_STREAM, protos[i]);
		ASSERT_LE(0, fd) TH_LOG("protocol %d: %s", protos[i], strerror(errno));
		EXPECT_EQ(SOCK_STREAM, getint(fd, SOL_SOCKET, SO_TYPE));
		EXPECT_EQ(family, getint(fd, SOL_SOCKET, SO_DOMAIN));
		EXPECT_EQ(IPPROTO_TCP, getint(fd, SOL_SOCKET, SO_PROTOCOL));
		close(fd);
	}
}

TEST(type_flags)
{
	int family, fd;

	TCPLAB_FAMILY_OR_FAIL(family);
	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, fd);
	EXPECT_TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK);
	EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
}

/* Same errno as AF_INET for requests AF_INET refuses too. */
TEST(differential_refusals)
{
	static const struct { int type, protocol; const char *what; } cases[] = {
		{ SOCK_STREAM, IPPROTO_UDP, "stream + UDP" },
		{ SOCK_STREAM, IPPROTO_ICMP, "stream + ICMP" },
		{ SOCK_STREAM, -1, "negative protocol" },
		{ SOCK_STREAM, IPPROTO_MAX, "protocol >= IPPROTO_MAX" },
		{ SOCK_SEQPACKET, 0, "seqpacket" },
		{ 99, 0, "type out of range" },
	};
	int family;

	TCPLAB_FAMILY_OR_FAIL(family);
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int inet = sock_errno(AF_INET, cases[i].type, cases[i].protocol);
		int lab = sock_errno(family, cases[i].type, cases[i].protocol);

		EXPECT_NE(0, inet) TH_LOG("AF_INET accepted %s", cases[i].what);
		EXPECT_EQ(inet, lab) TH_LOG("%s: AF_INET %s, tcplab %s",
					    cases[i].what, strerror(inet), strerror(lab));
	}
}

TEST(unsupported_types)
{
	int family;

	TCPLAB_FAMILY_OR_FAIL(family);
	EXPECT_EQ(ESOCKTNOSUPPORT, sock_errno(family, SOCK_DGRAM, 0));
	EXPECT_EQ(ESOCKTNOSUPPORT, sock_errno(family, SOCK_DGRAM, IPPROTO_UDP));
	EXPECT_EQ(ESOCKTNOSUPPORT, sock_errno(family, SOCK_RAW, IPPROTO_TCP));
	EXPECT_EQ(ESOCKTNOSUPPORT, sock_errno(family, SOCK_RDM, 0));
}

/*
 * tcplab holds its ports in Linux's TCP port table with kernel sockets of
 * an AF_INET stream protocol of its own (module/table.c, protocol 253);
 * a program asking for that protocol gets what it gets without tcplab.
 */
TEST(reservation_protocol_kernel_only)
{
	int family;

	TCPLAB_FAMILY_OR_FAIL(family);
	EXPECT_EQ(EPROTONOSUPPORT, sock_errno(AF_INET, SOCK_STREAM, 253));
}

/* A fresh socket polls like a fresh AF_INET stream socket. */
TEST(differential_fresh_socket)
{
	int family, fds[2], i;
	struct sockaddr_in sin[2];
	socklen_t len;
	short revents[2];

	TCPLAB_FAMILY_OR_FAIL(family);
	fds[0] = socket(AF_INET, SOCK_STREAM, 0);
	fds[1] = socket(family, SOCK_STREAM, 0);
	ASSERT_LE(0, fds[0]);
	ASSERT_LE(0, fds[1]);
	for (i = 0; i < 2; i++) {
		struct pollfd pfd = { .fd = fds[i], .events = POLLIN | POLLOUT | POLLRDHUP };

		ASSERT_EQ(1, poll(&pfd, 1, 0));
		revents[i] = pfd.revents;
		len = sizeof(sin[i]);
		ASSERT_EQ(0, getsockname(fds[i], (struct sockaddr *)&sin[i], &len));
		EXPECT_EQ(sizeof(struct sockaddr_in), len);
		len = sizeof(sin[i]);
		EXPECT_EQ(-1, getpeername(fds[i], (struct sockaddr *)&sin[i], &len));
		EXPECT_EQ(ENOTCONN, errno);
	}
	EXPECT_EQ(revents[0], revents[1]);
	EXPECT_EQ(sin[0].sin_family, sin[1].sin_family);
	EXPECT_EQ(sin[0].sin_port, sin[1].sin_port);
	EXPECT_EQ(sin[0].sin_addr.s_addr, sin[1].sin_addr.s_addr);
	close(fds[0]);
	close(fds[1]);
}

TEST_HARNESS_MAIN
