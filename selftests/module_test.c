// SPDX-License-Identifier: GPL-2.0
/*
 * module_test: module life cycle.  rmmod is refused while a tcplab socket
 * exists and succeeds once it is closed; the "family" parameter is
 * honoured and checked; connections that die before accept() leave
 * nothing behind that would keep the port or break the unload.  Each
 * test leaves the module loaded with its default parameters.  Needs
 * TCPLAB_KO (the path of tcplab.ko).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "tcplab_test.h"

/* The parameters the runner loaded the module with (TCPLAB_PARAMS). */
static const char *default_params(void)
{
	const char *p = getenv("TCPLAB_PARAMS");

	return p ? p : "";
}

/* Connections of earlier tests may linger in TIME-WAIT: wait them out. */
static void drain_sockets(void)
{
	for (int i = 0; i < 200 && tcplab_stat("SocketsAllNamespaces") > 0; i++)
		usleep(100000);
}

/*
 * Unload where nothing should hold the module: a reference taken for a
 * moment (a /sys/module read, a socket being freed after RCU) makes
 * delete_module() fail with EWOULDBLOCK, so try again for up to 5 s.
 */
static int unload_settled(void)
{
	int err, i;

	for (i = 0; i < 50; i++) {
		err = tcplab_unload();
		if (err != -EWOULDBLOCK)
			break;
		usleep(100 * 1000);
	}
	return err;
}

static int loaded(void)
{
	return access("/sys/module/tcplab", F_OK) == 0;
}

/* Drain /dev/kmsg; return a descriptor positioned at its end. */
static int kmsg_open_at_end(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

static int kmsg_contains(int fd, const char *needle)
{
	char rec[1024];
	ssize_t n;

	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0) {
		rec[n] = 0;
		if (strstr(rec, needle))
			return 1;
	}
	return 0;
}

/* The family the runner's parameters give: family=N, else the default. */
static int default_family(void)
{
	const char *f = strstr(default_params(), "family=");

	return f ? atoi(f + 7) : TCPLAB_FAMILY_DEFAULT;
}

/*
 * The tests unload the module and load it again, some with parameters
 * of their own.  Whatever assertion failed, the teardown leaves it
 * loaded with the runner's parameters: the programs after this one
 * need it as it was.
 */
FIXTURE(mod) {
};

FIXTURE_SETUP(mod)
{
}

FIXTURE_TEARDOWN(mod)
{
	if (loaded() && tcplab_family() == default_family())
		return;
	if (loaded())
		unload_settled();
	tcplab_load(default_params());
}

#define REQUIRE_KO()							\
	do {								\
		if (!getenv("TCPLAB_KO"))				\
			ENV_FAIL("TCPLAB_KO not set");			\
		if (!loaded())						\
			ASSERT_EQ(0, tcplab_load(default_params()));	\
		drain_sockets();					\
	} while (0)

TEST_F(mod, rmmod_refused_while_socket_open)
{
	int family, fd;

	REQUIRE_KO();
	TCPLAB_FAMILY_OR_FAIL(family);
	fd = socket(family, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EWOULDBLOCK, tcplab_unload());
	EXPECT_TRUE(loaded());
	close(fd);
	/* No socket left anywhere: the slab cache is empty, so unload. */
	EXPECT_EQ(0, tcplab_stat("SocketsAllNamespaces"));
	EXPECT_EQ(0, unload_settled());
	EXPECT_FALSE(loaded());
	EXPECT_EQ(0, access(TCPLAB_PROC_SOCKETS, F_OK) ? 0 : 1);
	/* The family is gone with the module. */
	EXPECT_EQ(-1, socket(family, SOCK_STREAM, 0));
	EXPECT_EQ(EAFNOSUPPORT, errno);
	ASSERT_EQ(0, tcplab_load(default_params()));
}

TEST_F(mod, family_parameter_honoured)
{
	int fd, other = TCPLAB_FAMILY_DEFAULT + 1;	/* 23: AF_ISDN */
	char params[32];

	REQUIRE_KO();
	/* AF_ISDN belongs to mISDN, not loaded in the test VM. */
	ASSERT_EQ(0, unload_settled());
	snprintf(params, sizeof(params), "family=%d", other);
	ASSERT_EQ(0, tcplab_load(params));
	EXPECT_EQ(other, tcplab_family());
	fd = socket(other, SOCK_STREAM, 0);
	EXPECT_LE(0, fd) TH_LOG("socket(%d): %s", other, strerror(errno));
	if (fd >= 0)
		close(fd);
	EXPECT_EQ(-1, socket(TCPLAB_FAMILY_DEFAULT, SOCK_STREAM, 0));
	EXPECT_EQ(EAFNOSUPPORT, errno);
	ASSERT_EQ(0, unload_settled());
	ASSERT_EQ(0, tcplab_load(default_params()));
	EXPECT_EQ(TCPLAB_FAMILY_DEFAULT, tcplab_family());
}

TEST_F(mod, family_parameter_out_of_range)
{
	REQUIRE_KO();
	ASSERT_EQ(0, unload_settled());
	EXPECT_EQ(-EINVAL, tcplab_load("family=0"));
	EXPECT_EQ(-EINVAL, tcplab_load("family=-3"));
	EXPECT_EQ(-EINVAL, tcplab_load("family=4096"));
	EXPECT_FALSE(loaded());
	ASSERT_EQ(0, tcplab_load(default_params()));
}

/* A family number already taken: loading fails and the log says why. */
TEST_F(mod, family_slot_taken)
{
	int kmsg;

	REQUIRE_KO();
	ASSERT_EQ(0, unload_settled());
	kmsg = kmsg_open_at_end();
	EXPECT_EQ(-EEXIST, tcplab_load("family=2"));	/* AF_INET */
	EXPECT_FALSE(loaded());
	if (kmsg >= 0) {
		EXPECT_TRUE(kmsg_contains(kmsg, "module parameter 'family'"));
		close(kmsg);
	}
	ASSERT_EQ(0, tcplab_load(default_params()));
}

/*
 * Linux TCP clients reset before the tcplab listener accepts them: the
 * full tier and the debug kernel's run (TCPLAB_TIER) do five times more.
 */
static int reset_before_accept_count(void)
{
	return tcplab_tier_is("full") || tcplab_tier_is("debug") ? 10000 : 2000;
}

/* True if the kernel log from @fd on reports a memory or state bug. */
static int kmsg_bug(int fd)
{
	static const char *const bad[] = {
		"BUG", "WARNING", "Poison", "still has objects", "refcount_t",
		"list_del corruption", "general protection",
	};
	char rec[1024];
	ssize_t n;
	size_t i;

	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0) {
		rec[n] = 0;
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			if (strstr(rec, bad[i])) {
				fprintf(stderr, "# kernel: %s", rec);
				return 1;
			}
	}
	return 0;
}

/*
 * A child inherits its listener's SO_* locks, SOCK_BINDPORT_LOCK among
 * them; when it dies before accept() it must still give back its hold on
 * the listener's port.  Each Linux client completes the handshake and
 * closes with SO_LINGER 0 before accept(); the RST kills the child in
 * the accept queue (or, if the RST overtakes the ACK, in SYN-RECEIVED).
 * Afterwards the port is free for a new bind and the module unloads
 * without a slab report.
 */
TEST_F(mod, reset_before_accept_then_unload)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int count = reset_before_accept_count();
	int family, lfd, fd, i, kmsg, refused = 0;
	long resets;

	REQUIRE_KO();
	TCPLAB_FAMILY_OR_FAIL(family);
	kmsg = kmsg_open_at_end();
	resets = tcplab_stat("ResetsIn");
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* A free port, bound by number: the listener has SOCK_BINDPORT_LOCK. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, getsockname(fd, (struct sockaddr *)&sin, &len));
	close(fd);
	lfd = socket(family, SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(lfd, 128));
	for (i = 0; i < count; i++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		ASSERT_LE(0, fd);
		if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
			refused++;
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(fd);
	}
	resets = tcplab_stat("ResetsIn") - resets;
	ksft_print_msg("%d connections reset before accept (%d refused), %ld RSTs in, %ld tcplab sockets left\n",
		       count, refused, resets,
		       tcplab_stat("Sockets"));
	EXPECT_EQ(0, refused);
	EXPECT_LE(count, resets);
	/* Every child is gone: only the listener is left. */
	EXPECT_EQ(1, tcplab_stat("Sockets"));
	close(lfd);

	/* The port is free again: a plain bind (no SO_REUSEADDR) takes it. */
	lfd = socket(family, SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	EXPECT_EQ(0, bind(lfd, (struct sockaddr *)&sin, sizeof(sin)))
		TH_LOG("bind to port %u again: %s", ntohs(sin.sin_port),
		       strerror(errno));
	close(lfd);

	drain_sockets();
	EXPECT_EQ(0, tcplab_stat("SocketsAllNamespaces"));
	EXPECT_EQ(0, tcplab_stat("MemoryPages"));
	EXPECT_EQ(0, tcplab_stat("OrphansAllNamespaces"));
	EXPECT_EQ(0, unload_settled());
	EXPECT_FALSE(loaded());
	if (kmsg >= 0) {
		EXPECT_FALSE(kmsg_bug(kmsg));
		close(kmsg);
	}
	if (!loaded())
		ASSERT_EQ(0, tcplab_load(default_params()));
}

TEST_HARNESS_MAIN
