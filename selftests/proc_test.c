// SPDX-License-Identifier: GPL-2.0
/*
 * proc_test: /proc/net/tcplab lists every tcplab socket of the reader's
 * network namespace, with its RFC 9293 state name and inode, and
 * /proc/net/tcplab_stats counts them.  Sequence numbers are shown only
 * to a reader with CAP_NET_ADMIN; others read 0 in their columns.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

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

/* The sequence columns of the socket with inode @ino (-1: not found). */
static int proc_seqs(unsigned long ino, unsigned int seq[3])
{
	FILE *f = fopen(TCPLAB_PROC_SOCKETS, "r");
	char line[512], local[64], remote[64], st[32];
	unsigned int txq, rxq, uid;
	unsigned long inode;
	int found = -1;

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f) ||
	    !strstr(line, "snd_una    snd_nxt    rcv_nxt")) {
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %63s %31s %u %u %u %lu %u %u %u", local,
			   remote, st, &txq, &rxq, &uid, &inode, &seq[0],
			   &seq[1], &seq[2]) == 10 && inode == ino) {
			found = 0;
			break;
		}
	fclose(f);
	return found;
}

/*
 * snd_una, snd_nxt and rcv_nxt are what an attacker needs to inject into
 * a connection: only a reader with CAP_NET_ADMIN sees them, anyone else
 * reads 0 (as Linux's /proc/net/tcp shows no sequence numbers at all).
 */
TEST(sequence_numbers_need_cap_net_admin)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	unsigned int cseq[3], aseq[3];
	int family, lfd, cfd, afd, status, p[2];
	unsigned int seen[6];
	pid_t pid;
	int i;

	TCPLAB_FAMILY_OR_FAIL(family);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(family, SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, getsockname(lfd, (struct sockaddr *)&sin, &len));
	ASSERT_EQ(0, listen(lfd, 1));
	cfd = socket(family, SOCK_STREAM, 0);
	ASSERT_LE(0, cfd);
	ASSERT_EQ(0, connect(cfd, (struct sockaddr *)&sin, sizeof(sin)));
	afd = accept(lfd, NULL, NULL);
	ASSERT_LE(0, afd);
	ASSERT_EQ(5, write(cfd, "hello", 5));
	usleep(100 * 1000);

	/* Root: the real values, the two ends agreeing. */
	ASSERT_EQ(0, proc_seqs(inode_of(cfd), cseq));
	ASSERT_EQ(0, proc_seqs(inode_of(afd), aseq));
	ksft_print_msg("root reads client snd_una %u snd_nxt %u rcv_nxt %u, server %u %u %u\n",
		       cseq[0], cseq[1], cseq[2], aseq[0], aseq[1], aseq[2]);
	EXPECT_EQ(cseq[1], aseq[2]);
	EXPECT_EQ(aseq[1], cseq[2]);
	EXPECT_NE(0, cseq[1] | aseq[1]);

	/* nobody, without capabilities: zeros, the socket still listed. */
	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		unsigned int out[6] = { ~0u, ~0u, ~0u, ~0u, ~0u, ~0u };

		close(p[0]);
		if (setgid(65534) || setuid(65534))
			_exit(2);
		if (proc_seqs(inode_of(cfd), out) ||
		    proc_seqs(inode_of(afd), out + 3))
			_exit(3);
		_exit(write(p[1], out, sizeof(out)) == sizeof(out) ? 0 : 4);
	}
	close(p[1]);
	ASSERT_EQ(sizeof(seen), read(p[0], seen, sizeof(seen)));
	close(p[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ksft_print_msg("nobody reads client snd_una %u snd_nxt %u rcv_nxt %u, server %u %u %u\n",
		       seen[0], seen[1], seen[2], seen[3], seen[4], seen[5]);
	for (i = 0; i < 6; i++)
		EXPECT_EQ(0, seen[i]) TH_LOG("column %d", i % 3);
	close(afd);
	close(cfd);
	close(lfd);
}

TEST_HARNESS_MAIN
