// SPDX-License-Identifier: GPL-2.0
/*
 * module_test: module life cycle.  rmmod is refused while a tcplab socket
 * exists and succeeds once it is closed; the "family" parameter is
 * honoured and checked.  Each test leaves the module loaded with its
 * default parameters.  Needs TCPLAB_KO (the path of tcplab.ko).
 */
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "tcplab_test.h"

static int load(const char *params)
{
	const char *ko = getenv("TCPLAB_KO");
	int fd, ret;

	if (!ko)
		return -ENOENT;
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

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

static int unload(void)
{
	return syscall(SYS_delete_module, "tcplab", O_NONBLOCK) ? -errno : 0;
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
		err = unload();
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

#define REQUIRE_KO()							\
	do {								\
		if (!getenv("TCPLAB_KO"))				\
			ENV_FAIL("TCPLAB_KO not set");			\
		if (!loaded())						\
			ASSERT_EQ(0, load(default_params()));		\
		drain_sockets();					\
	} while (0)

TEST(rmmod_refused_while_socket_open)
{
	int family, fd;

	REQUIRE_KO();
	TCPLAB_FAMILY_OR_FAIL(family);
	fd = socket(family, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EWOULDBLOCK, unload());
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
	ASSERT_EQ(0, load(default_params()));
}

TEST(family_parameter_honoured)
{
	int fd, other = TCPLAB_FAMILY_DEFAULT + 1;	/* 23: AF_ISDN */
	char params[32];

	REQUIRE_KO();
	/* AF_ISDN belongs to mISDN, not loaded in the test VM. */
	ASSERT_EQ(0, unload_settled());
	snprintf(params, sizeof(params), "family=%d", other);
	ASSERT_EQ(0, load(params));
	EXPECT_EQ(other, tcplab_family());
	fd = socket(other, SOCK_STREAM, 0);
	EXPECT_LE(0, fd) TH_LOG("socket(%d): %s", other, strerror(errno));
	if (fd >= 0)
		close(fd);
	EXPECT_EQ(-1, socket(TCPLAB_FAMILY_DEFAULT, SOCK_STREAM, 0));
	EXPECT_EQ(EAFNOSUPPORT, errno);
	ASSERT_EQ(0, unload_settled());
	ASSERT_EQ(0, load(default_params()));
	EXPECT_EQ(TCPLAB_FAMILY_DEFAULT, tcplab_family());
}

TEST(family_parameter_out_of_range)
{
	REQUIRE_KO();
	ASSERT_EQ(0, unload_settled());
	EXPECT_EQ(-EINVAL, load("family=0"));
	EXPECT_EQ(-EINVAL, load("family=-3"));
	EXPECT_EQ(-EINVAL, load("family=4096"));
	EXPECT_FALSE(loaded());
	ASSERT_EQ(0, load(default_params()));
}

/* A family number already taken: loading fails and the log says why. */
TEST(family_slot_taken)
{
	int kmsg;

	REQUIRE_KO();
	ASSERT_EQ(0, unload_settled());
	kmsg = kmsg_open_at_end();
	EXPECT_EQ(-EEXIST, load("family=2"));	/* AF_INET */
	EXPECT_FALSE(loaded());
	if (kmsg >= 0) {
		EXPECT_TRUE(kmsg_contains(kmsg, "module parameter 'family'"));
		close(kmsg);
	}
	ASSERT_EQ(0, load(default_params()));
}

TEST_HARNESS_MAIN
