// SPDX-License-Identifier: GPL-2.0
/*
 * conn_test: TCP connections on loopback, differential.
 *
 * Every test runs four times (fixture variants): client and server each
 * either Linux TCP (AF_INET) or tcplab.  The assertions are the same for
 * all four, so the inet_inet variant shows what Linux does and the other
 * three must do the same: tcplab with itself and with Linux TCP in both
 * directions.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "tcplab_test.h"

FIXTURE(conn) {
	int cfam, sfam;		/* client and server families */
	struct sockaddr_in addr;	/* the server's listening address */
	int lfd;
};

FIXTURE_VARIANT(conn) {
	bool lab_client;
	bool lab_server;
};

FIXTURE_VARIANT_ADD(conn, inet_inet) { .lab_client = false, .lab_server = false };
FIXTURE_VARIANT_ADD(conn, lab_inet) { .lab_client = true, .lab_server = false };
FIXTURE_VARIANT_ADD(conn, inet_lab) { .lab_client = false, .lab_server = true };
FIXTURE_VARIANT_ADD(conn, lab_lab) { .lab_client = true, .lab_server = true };

FIXTURE_SETUP(conn)
{
	int lab = tcplab_family();
	socklen_t len = sizeof(self->addr);

	if (lab < 0 && (variant->lab_client || variant->lab_server))
		ENV_FAIL("tcplab module not loaded");
	self->cfam = variant->lab_client ? lab : AF_INET;
	self->sfam = variant->lab_server ? lab : AF_INET;

	self->lfd = socket(self->sfam, SOCK_STREAM, 0);
	ASSERT_LE(0, self->lfd);
	memset(&self->addr, 0, sizeof(self->addr));
	self->addr.sin_family = AF_INET;
	self->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(0, bind(self->lfd, (struct sockaddr *)&self->addr, sizeof(self->addr)));
	ASSERT_EQ(0, listen(self->lfd, 16));
	ASSERT_EQ(0, getsockname(self->lfd, (struct sockaddr *)&self->addr, &len));
	ASSERT_NE(0, self->addr.sin_port);
}

FIXTURE_TEARDOWN(conn)
{
	if (self->lfd >= 0)
		close(self->lfd);
}

/* A reproducible byte stream: byte i of stream @seed. */
static unsigned char stream_byte(unsigned int seed, size_t i)
{
	unsigned int x = (unsigned int)(i / 4) * 2654435761u + seed;

	x ^= x >> 13;
	x *= 0x5bd1e995;
	x ^= x >> 15;
	return (unsigned char)(x >> ((i % 4) * 8));
}

static int write_all(int fd, const unsigned char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= n;
	}
	return 0;
}

static int connect_to(int family, const struct sockaddr_in *addr)
{
	int fd = socket(family, SOCK_STREAM, 0);

	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)addr, sizeof(*addr))) {
		int err = errno;

		close(fd);
		return -err;
	}
	return fd;
}

/*
 * Server child: accept one connection and echo until EOF, then close.
 * Exit status 0 on success.
 */
static pid_t echo_server(int lfd)
{
	pid_t pid = fork();
	unsigned char buf[65536];
	int cfd;

	if (pid)
		return pid;
	cfd = accept(lfd, NULL, NULL);
	if (cfd < 0)
		_exit(10);
	for (;;) {
		ssize_t n = recv(cfd, buf, sizeof(buf), 0);

		if (n == 0)
			break;
		if (n < 0)
			_exit(11);
		if (write_all(cfd, buf, n))
			_exit(12);
	}
	close(cfd);
	_exit(0);
}

static int wait_child(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Connect, send @total bytes, read them all back, compare, close. */
static int echo_roundtrip(int cfam, const struct sockaddr_in *addr, size_t total,
			  size_t chunk)
{
	unsigned char *out = malloc(chunk), *in = malloc(65536);
	size_t sent = 0, got = 0;
	int fd, err = 0;

	fd = connect_to(cfam, addr);
	if (fd < 0) {
		free(out);
		free(in);
		return fd;
	}
	while (got < total) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (sent < total)
			pfd.events |= POLLOUT;
		if (poll(&pfd, 1, 20000) <= 0) {
			err = -ETIMEDOUT;
			break;
		}
		if ((pfd.revents & POLLOUT) && sent < total) {
			size_t len = total - sent < chunk ? total - sent : chunk, i;

			for (i = 0; i < len; i++)
				out[i] = stream_byte(7, sent + i);
			n = send(fd, out, len, MSG_DONTWAIT | MSG_NOSIGNAL);
			if (n < 0 && errno != EAGAIN) {
				err = -errno;
				break;
			}
			if (n > 0)
				sent += n;
		}
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
			size_t i;

			n = recv(fd, in, 65536, MSG_DONTWAIT);
			if (n == 0) {
				err = -EPIPE;
				break;
			}
			if (n < 0 && errno != EAGAIN) {
				err = -errno;
				break;
			}
			for (i = 0; n > 0 && i < (size_t)n; i++)
				if (in[i] != stream_byte(7, got + i)) {
					err = -EBADMSG;
					break;
				}
			if (n > 0)
				got += n;
			if (err)
				break;
		}
	}
	close(fd);
	free(out);
	free(in);
	return err;
}

TEST_F(conn, echo_small)
{
	pid_t srv = echo_server(self->lfd);

	ASSERT_EQ(0, echo_roundtrip(self->cfam, &self->addr, 1000, 1000));
	EXPECT_EQ(0, wait_child(srv));
}

TEST_F(conn, echo_4mib)
{
	pid_t srv = echo_server(self->lfd);

	ASSERT_EQ(0, echo_roundtrip(self->cfam, &self->addr, 4 << 20, 65536));
	EXPECT_EQ(0, wait_child(srv));
}

/* Addresses on both ends, as getsockname/getpeername report them. */
TEST_F(conn, names)
{
	struct sockaddr_in local, peer, acc_peer, acc_local;
	socklen_t len;
	int fd, afd;

	fd = connect_to(self->cfam, &self->addr);
	ASSERT_LE(0, fd);
	afd = accept(self->lfd, (struct sockaddr *)&acc_peer, &(socklen_t){ sizeof(acc_peer) });
	ASSERT_LE(0, afd);

	len = sizeof(local);
	ASSERT_EQ(0, getsockname(fd, (struct sockaddr *)&local, &len));
	len = sizeof(peer);
	ASSERT_EQ(0, getpeername(fd, (struct sockaddr *)&peer, &len));
	EXPECT_EQ(AF_INET, peer.sin_family);
	EXPECT_EQ(self->addr.sin_port, peer.sin_port);
	EXPECT_EQ(self->addr.sin_addr.s_addr, peer.sin_addr.s_addr);
	EXPECT_EQ(htonl(INADDR_LOOPBACK), local.sin_addr.s_addr);
	EXPECT_NE(0, local.sin_port);
	/* The server sees the client's address, and its own. */
	EXPECT_EQ(local.sin_port, acc_peer.sin_port);
	EXPECT_EQ(local.sin_addr.s_addr, acc_peer.sin_addr.s_addr);
	len = sizeof(acc_local);
	ASSERT_EQ(0, getsockname(afd, (struct sockaddr *)&acc_local, &len));
	EXPECT_EQ(self->addr.sin_port, acc_local.sin_port);
	close(afd);
	close(fd);
}

/* shutdown(SHUT_WR) then keep reading: the half-close of RFC 9293 3.6. */
TEST_F(conn, half_close)
{
	char buf[64];
	int fd, afd;

	fd = connect_to(self->cfam, &self->addr);
	ASSERT_LE(0, fd);
	afd = accept(self->lfd, NULL, NULL);
	ASSERT_LE(0, afd);

	ASSERT_EQ(5, send(fd, "hello", 5, 0));
	ASSERT_EQ(0, shutdown(fd, SHUT_WR));
	ASSERT_EQ(5, recv(afd, buf, 5, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	EXPECT_EQ(0, recv(afd, buf, sizeof(buf), 0));	/* FIN: end of stream */
	/* The other direction still works. */
	ASSERT_EQ(6, send(afd, "world!", 6, 0));
	ASSERT_EQ(6, recv(fd, buf, 6, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(buf, "world!", 6));
	/* Sending after SHUT_WR: EPIPE. */
	EXPECT_EQ(-1, send(fd, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	close(afd);
	EXPECT_EQ(0, recv(fd, buf, sizeof(buf), 0));
	close(fd);
}

/* Nonblocking connect: EINPROGRESS, then writable, SO_ERROR 0. */
TEST_F(conn, nonblocking_connect)
{
	struct pollfd pfd;
	int fd, err = -1;
	socklen_t len = sizeof(err);

	fd = socket(self->cfam, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(-1, connect(fd, (struct sockaddr *)&self->addr, sizeof(self->addr)));
	/* On loopback Linux can finish at once; both answers are Linux's. */
	ASSERT_TRUE(errno == EINPROGRESS);
	pfd.fd = fd;
	pfd.events = POLLOUT;
	ASSERT_EQ(1, poll(&pfd, 1, 10000));
	EXPECT_TRUE(pfd.revents & POLLOUT);
	ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len));
	EXPECT_EQ(0, err);
	/* connect() again on a connected socket: EISCONN. */
	connect(fd, (struct sockaddr *)&self->addr, sizeof(self->addr));
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&self->addr, sizeof(self->addr)));
	EXPECT_EQ(EISCONN, errno);
	close(fd);
}

/* A port nobody listens on: RST to the SYN, ECONNREFUSED. */
TEST_F(conn, refused)
{
	struct sockaddr_in dead = self->addr;
	int fd;

	/* Close the listener: its port now answers SYNs with RST. */
	close(self->lfd);
	self->lfd = -1;
	fd = connect_to(self->cfam, &dead);
	EXPECT_EQ(-ECONNREFUSED, fd);
	if (fd >= 0)
		close(fd);
}

/* Data the peer never read makes close() send RST: ECONNRESET. */
TEST_F(conn, reset_on_unread_close)
{
	char buf[16];
	int fd, afd;

	fd = connect_to(self->cfam, &self->addr);
	ASSERT_LE(0, fd);
	afd = accept(self->lfd, NULL, NULL);
	ASSERT_LE(0, afd);
	ASSERT_EQ(4, send(fd, "data", 4, 0));
	usleep(200000);		/* let it arrive, unread */
	close(afd);
	EXPECT_EQ(-1, recv(fd, buf, sizeof(buf), 0));
	EXPECT_EQ(ECONNRESET, errno);
	close(fd);
}

/* recv flags: MSG_PEEK leaves data, MSG_DONTWAIT says EAGAIN. */
TEST_F(conn, recv_flags)
{
	char buf[16];
	int fd, afd;

	fd = connect_to(self->cfam, &self->addr);
	ASSERT_LE(0, fd);
	afd = accept(self->lfd, NULL, NULL);
	ASSERT_LE(0, afd);
	EXPECT_EQ(-1, recv(afd, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(6, send(fd, "abcdef", 6, 0));
	ASSERT_EQ(3, recv(afd, buf, 3, MSG_PEEK | MSG_WAITALL));
	EXPECT_EQ(0, memcmp(buf, "abc", 3));
	ASSERT_EQ(6, recv(afd, buf, 6, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(buf, "abcdef", 6));
	close(afd);
	close(fd);
}

static long elapsed_ms(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

/*
 * The server closes first and waits in TIME-WAIT; the client reconnects
 * from the same port.  RFC 1122 4.2.2.13 lets TIME-WAIT accept the new
 * SYN (Linux does): the connect completes at once, not after a SYN
 * retransmission timeout (1 s).
 */
TEST_F(conn, time_wait_reopen)
{
	struct sockaddr_in caddr = { .sin_family = AF_INET };
	struct timespec t0, t1;
	socklen_t len = sizeof(caddr);
	int fd, afd, one = 1;
	char c;

	caddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(self->cfam, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&caddr, sizeof(caddr)));
	ASSERT_EQ(0, getsockname(fd, (struct sockaddr *)&caddr, &len));
	ASSERT_EQ(0, connect(fd, (struct sockaddr *)&self->addr, sizeof(self->addr)));
	afd = accept(self->lfd, NULL, NULL);
	ASSERT_LE(0, afd);
	close(afd);			/* the server closes first: TIME-WAIT */
	ASSERT_EQ(0, recv(fd, &c, 1, 0));
	close(fd);
	usleep(200000);

	fd = socket(self->cfam, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&caddr, sizeof(caddr)));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(0, connect(fd, (struct sockaddr *)&self->addr, sizeof(self->addr)));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	afd = accept(self->lfd, NULL, NULL);
	ASSERT_LE(0, afd);
	EXPECT_GT(500, elapsed_ms(&t0, &t1));
	ASSERT_EQ(1, send(fd, "x", 1, 0));
	ASSERT_EQ(1, recv(afd, &c, 1, 0));
	close(afd);
	close(fd);
}

TEST_HARNESS_MAIN
