// SPDX-License-Identifier: GPL-2.0
/*
 * hostile_test: peers and users that do what a well-behaved program does
 * not.  A peer resets a tcplab client whose send queue is full, again and
 * again: the memory the queues held comes back.  Clients flood a tcplab
 * listener with SYNs while it is closed or shut down: segments that wait
 * in the listener's backlog meet a closed socket and the kernel log stays
 * clean.  shutdown(SHUT_RD) of a listener answers as Linux TCP does.  A
 * listener's children route as their owner, like Linux's.
 */
#include <pthread.h>
#include <sys/fsuid.h>
#include <sys/resource.h>

#include "kselftest_harness.h"
#include "api_util.h"

/* Connections reset with a full send queue, after one to warm up. */
#define RESET_FULL_ROUNDS	12
/* Listeners closed (and shut down) while clients flood them. */
#define FLOOD_ROUNDS		16
/* Connects per flood round. */
#define FLOOD_CONNECTS		400

/*
 * Objects in use in the skb head caches (/proc/slabinfo); -1 if unknown.
 * The caches are shrunk first: KASAN holds freed objects in a quarantine,
 * where they still count as in use until a shrink lets them go.
 */
static long skb_heads(void)
{
	static const char *const caches[] = {
		"skbuff_head_cache", "skbuff_fclone_cache",
	};
	char line[512], name[64], path[96];
	long active, total = 0;
	int found = 0, i;
	FILE *f;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
			 caches[i]);
		f = fopen(path, "w");
		if (f) {
			fputs("1", f);
			fclose(f);
		}
	}
	f = fopen("/proc/slabinfo", "r");
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

/* From the kernel log after @fd: true on a WARNING or BUG. */
static int kmsg_warned(int fd)
{
	char rec[1024];
	ssize_t n;
	int bad = 0;

	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0) {
		rec[n] = 0;
		if (strstr(rec, "WARNING") || strstr(rec, "BUG")) {
			fprintf(stderr, "# kernel: %s", rec);
			bad = 1;
		}
	}
	return bad;
}

static int kmsg_open_at_end(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
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

	TCPLAB_FAMILY_OR_FAIL(family);
	if (skb_heads() < 0)
		ENV_FAIL("no skbuff caches in /proc/slabinfo");
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

struct flood {
	struct sockaddr_in addr;
	volatile int stop;
	int fds[FLOOD_CONNECTS];
	int nfds;
};

/* Nonblocking Linux TCP connects to the listener until told to stop. */
static void *flood_run(void *arg)
{
	struct flood *fl = arg;

	while (!fl->stop && fl->nfds < FLOOD_CONNECTS) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

		if (fd < 0)
			break;
		connect(fd, (struct sockaddr *)&fl->addr, sizeof(fl->addr));
		fl->fds[fl->nfds++] = fd;
	}
	return NULL;
}

static void flood_end(struct flood *fl, pthread_t th)
{
	int i;

	fl->stop = 1;
	pthread_join(th, NULL);
	for (i = 0; i < fl->nfds; i++)
		api_close_rst(fl->fds[i]);
	fl->nfds = 0;
}

/*
 * While close() or shutdown(SHUT_RD) holds the listener, the SYNs and
 * ACKs of a flood of Linux TCP clients wait in its backlog; they are
 * processed when the call ends, by a socket that is CLOSED and has no
 * peer.  They are answered as segments for a closed port, with nothing
 * in the kernel log.
 */
TEST(listener_closed_under_syn_flood)
{
	long passive0, rst0, passive, rst;
	int family, kmsg, round;
	struct rlimit rl;

	TCPLAB_FAMILY_OR_FAIL(family);
	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < FLOOD_CONNECTS + 64) {
		rl.rlim_cur = FLOOD_CONNECTS + 64;
		if (rl.rlim_max < rl.rlim_cur)
			rl.rlim_max = rl.rlim_cur;
		ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	}
	kmsg = kmsg_open_at_end();
	passive0 = tcplab_stat("PassiveOpens");
	rst0 = tcplab_stat("ResetsOut");
	for (round = 0; round < FLOOD_ROUNDS; round++) {
		struct flood *fl = calloc(1, sizeof(*fl));
		pthread_t th;
		int lfd;

		ASSERT_NE(NULL, fl);
		lfd = api_listener(family, 4096, &fl->addr);
		ASSERT_LE(0, lfd);
		ASSERT_EQ(0, pthread_create(&th, NULL, flood_run, fl));
		/* Let the flood build up a queue of children, then stop. */
		while (fl->nfds < FLOOD_CONNECTS / 4)
			usleep(1000);
		if (round & 1)
			EXPECT_EQ(0, shutdown(lfd, SHUT_RD));
		close(lfd);
		flood_end(fl, th);
		free(fl);
	}
	passive = tcplab_stat("PassiveOpens") - passive0;
	rst = tcplab_stat("ResetsOut") - rst0;
	ksft_print_msg("%d listeners closed under a flood: %ld children, %ld RSTs out\n",
		       FLOOD_ROUNDS, passive, rst);
	EXPECT_LT(0, passive);
	if (kmsg >= 0) {
		EXPECT_FALSE(kmsg_warned(kmsg));
		close(kmsg);
	}
}

/* What one family's listener does around shutdown(SHUT_RD). */
struct shut_rd {
	int shut, shut_err;	/* shutdown(SHUT_RD) of the listener */
	int client_err;		/* the pending client's recv() errno */
	int accept_err;		/* accept() after it */
	int acceptconn;		/* SO_ACCEPTCONN after it */
	int again, again_err;	/* shutdown(SHUT_RD) a second time */
	int relisten;		/* listen() again */
	int reaccept;		/* a client of the old address is accepted */
};

static void shut_rd_run(int family, struct shut_rd *r)
{
	struct sockaddr_in addr;
	int lfd, cfd, afd;
	char c;

	memset(r, 0, sizeof(*r));
	lfd = api_listener(family, 8, &addr);
	if (lfd < 0)
		return;
	cfd = api_connect(AF_INET, &addr);	/* left in the accept queue */
	usleep(100 * 1000);
	r->shut = shutdown(lfd, SHUT_RD);
	r->shut_err = r->shut ? errno : 0;
	if (cfd >= 0) {
		api_poll_wait(cfd, POLLIN, 2000);
		r->client_err = recv(cfd, &c, 1, MSG_DONTWAIT) < 0 ? errno : 0;
		close(cfd);
	}
	afd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	r->accept_err = afd < 0 ? errno : 0;
	if (afd >= 0)
		close(afd);
	r->acceptconn = api_sockopt_int(lfd, SOL_SOCKET, SO_ACCEPTCONN);
	r->again = shutdown(lfd, SHUT_RD);
	r->again_err = r->again ? errno : 0;
	r->relisten = listen(lfd, 8);
	cfd = api_connect(AF_INET, &addr);
	afd = cfd >= 0 ? accept(lfd, NULL, NULL) : -1;
	r->reaccept = afd >= 0;
	if (afd >= 0)
		close(afd);
	if (cfd >= 0)
		close(cfd);
	close(lfd);
}

TEST(shutdown_rd_of_listener_as_linux)
{
	struct shut_rd inet, lab;
	int family;

	TCPLAB_FAMILY_OR_FAIL(family);
	shut_rd_run(AF_INET, &inet);
	shut_rd_run(family, &lab);
	ksft_print_msg("shutdown(SHUT_RD) of a listener: inet %d/%d client %d accept %d acceptconn %d again %d/%d relisten %d reaccept %d\n",
		       inet.shut, inet.shut_err, inet.client_err,
		       inet.accept_err, inet.acceptconn, inet.again,
		       inet.again_err, inet.relisten, inet.reaccept);
	ksft_print_msg("shutdown(SHUT_RD) of a listener: tcplab %d/%d client %d accept %d acceptconn %d again %d/%d relisten %d reaccept %d\n",
		       lab.shut, lab.shut_err, lab.client_err, lab.accept_err,
		       lab.acceptconn, lab.again, lab.again_err, lab.relisten,
		       lab.reaccept);
	EXPECT_EQ(inet.shut, lab.shut);
	EXPECT_EQ(inet.shut_err, lab.shut_err);
	EXPECT_EQ(inet.client_err, lab.client_err);
	EXPECT_EQ(inet.accept_err, lab.accept_err);
	EXPECT_EQ(inet.acceptconn, lab.acceptconn);
	EXPECT_EQ(inet.again, lab.again);
	EXPECT_EQ(inet.again_err, lab.again_err);
	EXPECT_EQ(inet.relisten, lab.relisten);
	EXPECT_EQ(inet.reaccept, lab.reaccept);
}

/* The uid whose routes are prohibited in child_owner_routing's namespace. */
#define ROUTE_UID	1000

/*
 * 1 if a Linux TCP client connects within a second to a listener of
 * @family owned by ROUTE_UID (socket created with that fsuid), 0 if not,
 * -1 on a setup error.  In the namespace of child_owner_routing.
 */
static int owner_routed_connect(int family)
{
	struct sockaddr_in addr;
	int lfd, cfd, mask;

	setfsuid(ROUTE_UID);
	lfd = api_listener(family, 8, &addr);
	setfsuid(0);
	if (lfd < 0)
		return -1;
	cfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (cfd < 0 ||
	    (connect(cfd, (struct sockaddr *)&addr, sizeof(addr)) &&
	     errno != EINPROGRESS)) {
		close(lfd);
		return -1;
	}
	mask = api_poll_wait(cfd, POLLOUT, 1000);
	mask = (mask & POLLOUT) && !api_sockopt_int(cfd, SOL_SOCKET, SO_ERROR);
	api_close_rst(cfd);
	close(lfd);
	return mask;
}

/*
 * sk_clone_lock() gives an inet child its listener's owner, so the
 * SYN,ACK is routed by the listener's uid ("ip rule uidrange").  With the
 * routes of ROUTE_UID prohibited, a listener that uid owns answers no
 * SYN: the client's connect() does not complete, for Linux TCP and for
 * tcplab alike.  The listener's own traffic (root's client) routes.
 */
TEST(child_routes_as_listener_owner)
{
	int family, status, p[2];
	int res[2] = { -1, -1 };
	pid_t pid;

	TCPLAB_FAMILY_OR_FAIL(family);
	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(p[0]);
		if (unshare(CLONE_NEWNET) ||
		    api_run(API_IP " link set lo up") ||
		    api_run(API_IP " rule add pref 10 uidrange 1000-1000 prohibit") ||
		    api_run(API_IP " rule add pref 100 table local") ||
		    api_run(API_IP " rule del pref 0"))
			_exit(4);
		res[0] = owner_routed_connect(AF_INET);
		res[1] = owner_routed_connect(family);
		_exit(write(p[1], res, sizeof(res)) == sizeof(res) ? 0 : 3);
	}
	close(p[1]);
	read(p[0], res, sizeof(res));
	close(p[0]);
	status = api_wait_child(pid);
	if (status == 4)
		ENV_FAIL("no network namespace with uid routing rules");
	EXPECT_EQ(0, status);
	ksft_print_msg("listener owned by uid %d behind a prohibit rule: inet connects %d, tcplab connects %d\n",
		       ROUTE_UID, res[0], res[1]);
	EXPECT_EQ(0, res[0]);
	EXPECT_EQ(res[0], res[1]);
}

TEST_HARNESS_MAIN
