// SPDX-License-Identifier: GPL-2.0
/*
 * wire_bindtodevice_test: SO_BINDTODEVICE on input.  A listener bound to
 * a device takes only the SYNs that arrive on that device; a SYN for its
 * port that arrives on another is refused with a RST, as no socket
 * matches it.  Host A (wire_util.h) has lo and the veth va: a client in
 * A reaches A's listener at 127.0.0.1 through lo, a client in B through
 * va.  A client in A that connects to A's own 192.0.2.1 counts as coming
 * in on va, the device that holds the address (Linux's rt_iif), though
 * the packets loop through lo.  Each case runs with Linux TCP on both ends
 * first (the oracle: the expectations are Linux's) and with tcplab on
 * both ends.
 */
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tcplab_test.h"
#include "wire_util.h"

FIXTURE(bind)
{
	struct wire w;
	int family;
};

FIXTURE_VARIANT(bind)
{
	bool lab;
};

FIXTURE_VARIANT_ADD(bind, inet) { .lab = false };
FIXTURE_VARIANT_ADD(bind, lab) { .lab = true };

FIXTURE_SETUP(bind)
{
	const char *why = NULL;
	int rc;

	self->family = AF_INET;
	if (variant->lab)
		TCPLAB_FAMILY_OR_FAIL(self->family);
	rc = wire_up(&self->w, &why);
	if (rc > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, rc) TH_LOG("%s", why);
}

FIXTURE_TEARDOWN(bind)
{
	wire_down(&self->w);
}

/* A listener in A on any address, bound to @dev; its port in *@port. */
static int listener_on(struct __test_metadata *_metadata, FIXTURE_DATA(bind) *self,
		       const char *dev, int *port)
{
	struct sockaddr_in sin = wire_sin("0.0.0.0", 0);
	socklen_t len = sizeof(sin);
	int fd;

	fd = wire_socket(&self->w, self->w.a, self->family, SOCK_STREAM, 0);
	EXPECT_LE(0, fd);
	if (fd < 0)
		return -1;
	EXPECT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev, strlen(dev) + 1))
		TH_LOG("SO_BINDTODEVICE %s: %s", dev, strerror(errno));
	EXPECT_EQ(0, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	EXPECT_EQ(0, listen(fd, 4));
	EXPECT_EQ(0, getsockname(fd, (struct sockaddr *)&sin, &len));
	*port = ntohs(sin.sin_port);
	return fd;
}

/* Connect from namespace @nsfd to @ip:@port: 0 or the errno. */
static int connect_from(FIXTURE_DATA(bind) *self, int nsfd, const char *ip, int port)
{
	struct sockaddr_in sin = wire_sin(ip, port);
	struct timeval tv = { .tv_sec = 10 * tcplab_time_factor() };
	int fd, err = 0;

	fd = wire_socket(&self->w, nsfd, self->family, SOCK_STREAM, 0);
	if (fd < 0)
		return errno;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
		err = errno;
	close(fd);
	return err;
}

/* Take the connections that reached @l; how many there were. */
static int accept_all(int l)
{
	int n = 0, fd;

	while ((fd = accept4(l, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
		close(fd);
		n++;
	}
	return n;
}

TEST_F(bind, listener_bound_to_lo)
{
	int port, l;

	l = listener_on(_metadata, self, "lo", &port);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, fcntl(l, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(0, connect_from(self, self->w.a, "127.0.0.1", port));
	/* From B, and to the address of va, the SYN comes in on va. */
	EXPECT_EQ(ECONNREFUSED, connect_from(self, self->w.b, WIRE_ADDR_A, port));
	EXPECT_EQ(ECONNREFUSED, connect_from(self, self->w.a, WIRE_ADDR_A, port));
	usleep(100000);
	EXPECT_EQ(1, accept_all(l));
	close(l);
}

TEST_F(bind, listener_bound_to_veth)
{
	int port, l;

	l = listener_on(_metadata, self, WIRE_DEV_A, &port);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, fcntl(l, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(0, connect_from(self, self->w.b, WIRE_ADDR_A, port));
	EXPECT_EQ(0, connect_from(self, self->w.a, WIRE_ADDR_A, port));
	/* To 127.0.0.1 the SYN comes in on lo. */
	EXPECT_EQ(ECONNREFUSED, connect_from(self, self->w.a, "127.0.0.1", port));
	usleep(100000);
	EXPECT_EQ(2, accept_all(l));
	close(l);
}

/* Unbound again (an empty name), the listener takes both ways in. */
TEST_F(bind, listener_unbound_again)
{
	int port, l;

	l = listener_on(_metadata, self, WIRE_DEV_A, &port);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, fcntl(l, F_SETFL, O_NONBLOCK));
	ASSERT_EQ(0, setsockopt(l, SOL_SOCKET, SO_BINDTODEVICE, "", 1));
	EXPECT_EQ(0, connect_from(self, self->w.b, WIRE_ADDR_A, port));
	EXPECT_EQ(0, connect_from(self, self->w.a, "127.0.0.1", port));
	usleep(100000);
	EXPECT_EQ(2, accept_all(l));
	close(l);
}

TEST_HARNESS_MAIN
