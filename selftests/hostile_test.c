// SPDX-License-Identifier: GPL-2.0
/*
 * hostile_test: peers and users that do what a well-behaved program does
 * not.  A peer resets a tcplab client whose send queue is full, again and
 * again: the memory the queues held comes back.
 */

#include "kselftest_harness.h"
#include "api_util.h"

/* Connections reset with a full send queue, after one to warm up. */
#define RESET_FULL_ROUNDS	12

/* Objects in use in the skb head caches (/proc/slabinfo); -1 if unknown. */
static long skb_heads(void)
{
	FILE *f = fopen("/proc/slabinfo", "r");
	char line[512], name[64];
	long active, total = 0;
	int found = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %ld", name, &active) != 2)
			continue;
		if (!strcmp(name, "skbuff_head_cache") ||
		    !strcmp(name, "skbuff_fclone_cache")) {
			total += active;
			found++;
		}
	}
	fclose(f);
	return found ? total : -1;
}

/* A line of /proc/meminfo in KiB; -1 if absent. */
static long meminfo_kb(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char name[64];
	long val, ret = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%63[^:]: %ld kB\n", name, &val) == 2) {
		if (!strcmp(name, key)) {
			ret = val;
			break;
		}
	}
	fclose(f);
	return ret;
}

/*
 * One round: a tcplab client fills its send queue towards a Linux TCP
 * peer that does not read, the peer resets the connection (SO_LINGER 0),
 * then the client closes its socket, already CLOSED.  The bytes it had
 * queued: returned through @queued.  0 or -errno.
 */
static int reset_full_round(long *queued)
{
	struct sockaddr_in addr;
	int lfd, cfd, afd, err = 0;
	char c;

	lfd = api_listener(AF_INET, 8, &addr);
	if (lfd < 0)
		return lfd;
	cfd = api_connect(tcplab_family(), &addr);
	if (cfd < 0) {
		close(lfd);
		return cfd;
	}
	afd = accept(lfd, NULL, NULL);
	close(lfd);
	if (afd < 0) {
		close(cfd);
		return -errno;
	}
	*queued = api_fill(cfd);
	api_close_rst(afd);
	/* The RST arrives: the client's connection is CLOSED. */
	if (!(api_poll_wait(cfd, POLLIN, 5000) & (POLLERR | POLLHUP)))
		err = -ETIMEDOUT;
	else if (recv(cfd, &c, 1, MSG_DONTWAIT) != -1 || errno != ECONNRESET)
		err = -EPROTO;
	close(cfd);
	return err;
}

/*
 * A connection reset by its peer (or timed out) while its send queue is
 * full is CLOSED when its user closes it: the send queue, the out-of-order
 * queue and the receive queue are all freed then.
 */
TEST(reset_with_full_send_queue_frees_memory)
{
	long heads0, heads1, avail0, avail1, queued = 0, total = 0;
	int family, i;

	TCPLAB_FAMILY_OR_SKIP(family);
	if (skb_heads() < 0)
		SKIP(return, "no skbuff caches in /proc/slabinfo");
	ASSERT_EQ(0, reset_full_round(&queued));	/* warm up the caches */
	usleep(200 * 1000);
	heads0 = skb_heads();
	avail0 = meminfo_kb("MemAvailable");
	for (i = 0; i < RESET_FULL_ROUNDS; i++) {
		ASSERT_EQ(0, reset_full_round(&queued)) TH_LOG("round %d", i);
		total += queued;
	}
	usleep(200 * 1000);	/* RCU-freed skbs and sockets */
	heads1 = skb_heads();
	avail1 = meminfo_kb("MemAvailable");
	ksft_print_msg("%d resets with %ld KiB queued in all: skb heads in use %ld -> %ld, MemAvailable %ld -> %ld KiB\n",
		       RESET_FULL_ROUNDS, total >> 10, heads0, heads1, avail0,
		       avail1);
	EXPECT_LT(0, total / RESET_FULL_ROUNDS);
	/* A leak costs one skb per 16 KiB queued, dozens per round. */
	EXPECT_GT(heads0 + RESET_FULL_ROUNDS, heads1);
	EXPECT_GT(avail1 + (total >> 10) / 2, avail0);
	EXPECT_EQ(family, tcplab_family());
}

TEST_HARNESS_MAIN
