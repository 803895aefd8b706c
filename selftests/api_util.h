/* SPDX-License-Identifier: GPL-2.0 */
/*
 * api_util.h - helpers shared by the api_* selftests: the socket API of
 * tcplab compared with Linux TCP (AF_INET), the oracle.
 *
 * Every helper returns a negative errno on failure, so a test can compare
 * the exact error of both families.
 */
#ifndef _API_UTIL_H
#define _API_UTIL_H

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "tcplab_test.h"

/* The address that routes into the void in api_netns_blackhole(). */
#define API_BLACKHOLE	"192.0.2.99"
#define API_IP		"/usr/sbin/ip"

/* Every poll event tcp_poll() can report; poll(2) only shows asked ones. */
#define API_POLL_ALL	(POLLIN | POLLPRI | POLLOUT | POLLRDNORM | POLLRDBAND | \
			 POLLWRNORM | POLLWRBAND | POLLRDHUP)

static inline int api_family(bool lab)
{
	return lab ? tcplab_family() : AF_INET;
}

static inline struct sockaddr_in api_sin(const char *ip, unsigned short port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	inet_pton(AF_INET, ip, &sin.sin_addr);
	return sin;
}

/* A listener on 127.0.0.1, ephemeral port; its address in @addr. */
static inline int api_listener(int family, int backlog, struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int fd = socket(family, SOCK_STREAM, 0);

	if (fd < 0)
		return -errno;
	*addr = api_sin("127.0.0.1", 0);
	if (bind(fd, (struct sockaddr *)addr, sizeof(*addr)) ||
	    listen(fd, backlog) ||
	    getsockname(fd, (struct sockaddr *)addr, &len)) {
		int err = errno;

		close(fd);
		return -err;
	}
	return fd;
}

static inline int api_connect(int family, const struct sockaddr_in *addr)
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

/* A connection: client @cfd of family @cfam, accepted @afd of @sfam. */
static inline int api_pair(int cfam, int sfam, int *cfd, int *afd)
{
	struct sockaddr_in addr;
	int lfd = api_listener(sfam, 8, &addr);

	if (lfd < 0)
		return lfd;
	*cfd = api_connect(cfam, &addr);
	if (*cfd < 0) {
		close(lfd);
		return *cfd;
	}
	*afd = accept(lfd, NULL, NULL);
	if (*afd < 0) {
		int err = errno;

		close(*cfd);
		close(lfd);
		return -err;
	}
	close(lfd);
	return 0;
}

/* The poll mask of @fd now (all events asked for). */
static inline int api_poll_mask(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = API_POLL_ALL };

	if (poll(&pfd, 1, 0) < 0)
		return -errno;
	return pfd.revents;
}

/* Wait up to @ms for any of @events on @fd; the mask (0: timeout). */
static inline int api_poll_wait(int fd, short events, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int n = poll(&pfd, 1, ms);

	if (n < 0)
		return -errno;
	return n ? pfd.revents : 0;
}

static inline int api_sockopt_int(int fd, int level, int name)
{
	int val = -1;
	socklen_t len = sizeof(val);

	if (getsockopt(fd, level, name, &val, &len))
		return -errno;
	return val;
}

static inline int api_set_int(int fd, int level, int name, int val)
{
	return setsockopt(fd, level, name, &val, sizeof(val)) ? -errno : 0;
}

static inline int api_set_timeo(int fd, int name, long ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	return setsockopt(fd, SOL_SOCKET, name, &tv, sizeof(tv)) ? -errno : 0;
}

static inline long api_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Close with SO_LINGER {1, 0}: the connection is reset (RST). */
static inline void api_close_rst(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

/*
 * Fill the send buffer (and the peer's window) without blocking.  Done
 * when three sends 50 ms apart (times TCPLAB_TIME_FACTOR: a slow kernel
 * takes longer to acknowledge what is in flight) found no room: ACKs
 * free room for a while after the first EAGAIN.
 */
static inline long api_fill(int fd)
{
	static char buf[65536];
	long total = 0;
	int idle = 0;

	while (idle < 3 && total < (256L << 20)) {
		ssize_t n = send(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n > 0) {
			total += n;
			idle = 0;
			continue;
		}
		if (n < 0 && errno != EAGAIN)
			return -errno;
		idle++;
		usleep(50000 * tcplab_time_factor());
	}
	return total;
}

/* Signals: a counting handler, installed with or without SA_RESTART. */
static volatile sig_atomic_t api_signals;

static void api_sig_handler(int sig)
{
	api_signals++;
}

static inline void api_catch(int sig, bool restart)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = api_sig_handler;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

/* SIGALRM after @ms milliseconds (once). */
static inline void api_alarm_ms(long ms)
{
	struct itimerval it = {
		.it_value = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 },
	};

	setitimer(ITIMER_REAL, &it, NULL);
}

static inline int api_run(const char *cmd)
{
	int rc = system(cmd);

	return rc == 0 ? 0 : -1;
}

/*
 * A private network namespace in which API_BLACKHOLE is routed out of a
 * veth whose other end drops everything (the frames are for another
 * MAC): a SYN to it is never answered, and no ICMP comes back either.
 * Call it in the test's own (forked) process.  0, or -1: cannot (skip).
 */
static inline int api_netns_blackhole(void)
{
	if (unshare(CLONE_NEWNET))
		return -1;
	if (api_run(API_IP " link set lo up") ||
	    api_run(API_IP " link add tla type veth peer name tlb") ||
	    api_run(API_IP " addr add 192.0.2.1/24 dev tla") ||
	    api_run(API_IP " link set tla up") ||
	    api_run(API_IP " link set tlb up") ||
	    api_run(API_IP " neigh add " API_BLACKHOLE
		    " lladdr 02:00:00:00:00:99 dev tla nud permanent"))
		return -1;
	return 0;
}

/* Write a sysctl of the current namespace; 0 or -errno. */
static inline int api_sysctl(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

static inline int api_wait_child(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * Fixture "one", shared by the api_* programs: each TEST_F(one, ...) runs
 * once on AF_INET and once on tcplab with the same assertions.
 */
FIXTURE(one) {
	int fam;
};

FIXTURE_VARIANT(one) {
	bool lab;
};

FIXTURE_VARIANT_ADD(one, inet) { .lab = false };
FIXTURE_VARIANT_ADD(one, lab) { .lab = true };

FIXTURE_SETUP(one)
{
	self->fam = api_family(variant->lab);
	if (self->fam < 0)
		ENV_FAIL("tcplab module not loaded");
}

FIXTURE_TEARDOWN(one)
{
}

#endif /* _API_UTIL_H */
