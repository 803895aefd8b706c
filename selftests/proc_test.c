// SPDX-License-Identifier: GPL-2.0
/*
 * proc_test: /proc/net/tcplab lists every tcplab socket of the reader's
 * network namespace, with its RFC 9293 state name and inode, and
 * /proc/net/tcplab_stats counts them.
 */
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "tcplab_test.h"

/* Find the line of the socket with inode @ino; copy its state name. */
static int proc_find(unsigned long ino, char *state, size_t n)
{
	FILE *f = fopen(TCPLAB_PROC_SOCKETS, "r");
	char line[512], local[64], remote[64], st[32];
	unsigned long inode;
	unsigned int txq, rxq, uid;
	int found = 0;

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f) || !strstr(line, "local_address")) {
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %63s %31s %u %u %u %lu", local, remote,
			   st, &txq, &rxq, &uid, &inode) != 7)
			continue;
		if (inode == ino) {
			snprintf(state, n, "%s", st);
			found = 1;
		}
	}
	fclose(f);
	return found;
}

static unsigned long inode_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		return 0;
	return st.st_ino;
}

TEST(lists_sockets_by_inode)
{
	int family, fds[3], i;
	char state[32];
	long before;

	TCPLAB_FAMILY_OR_FAIL(family);
	before = tcplab_stat("Sockets");
	ASSERT_LE(0, before);
	for (i = 0; i < 3; i++) {
		fds[i] = socket(family, SOCK_STREAM, 0);
		ASSERT_LE(0, fds[i]);
	}
	EXPECT_EQ(before + 3, tcplab_stat("Sockets"));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(1, proc_find(inode_of(fds[i]), state, sizeof(state)));
		EXPECT_STREQ("CLOSED", state);
	}
	for (i = 0; i < 3; i++)
		close(fds[i]);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, proc_find(inode_of(fds[i]), state, sizeof(state)));
	EXPECT_EQ(before, tcplab_stat("Sockets"));
}

/* Sockets belong to their network namespace. */
TEST(per_network_namespace)
{
	int family, outer, inner;
	unsigned long outer_ino, inner_ino;
	char state[32];

	TCPLAB_FAMILY_OR_FAIL(family);
	outer = socket(family, SOCK_STREAM, 0);
	ASSERT_LE(0, outer);
	outer_ino = inode_of(outer);
	if (unshare(CLONE_NEWNET))
		ENV_FAIL("unshare(CLONE_NEWNET): %s", strerror(errno));
	EXPECT_EQ(0, tcplab_stat("Sockets"));
	inner = socket(family, SOCK_STREAM, 0);
	ASSERT_LE(0, inner);
	inner_ino = inode_of(inner);
	EXPECT_EQ(1, proc_find(inner_ino, state, sizeof(state)));
	EXPECT_EQ(0, proc_find(outer_ino, state, sizeof(state)));
	EXPECT_EQ(1, tcplab_stat("Sockets"));
	EXPECT_LE(2, tcplab_stat("SocketsAllNamespaces"));
	close(inner);
	close(outer);
}

TEST_HARNESS_MAIN
