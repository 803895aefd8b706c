// SPDX-License-Identifier: GPL-2.0
/*
 * wire_script_test - run every wire script (wire_scripts/NAME.wire, the
 * language of wire_script.h, described in doc/wire-scripts.md) once on
 * Linux TCP (AF_INET) and once on tcplab, and print TAP: one line per
 * script and family.
 *
 * The runner is the remote peer: each run gets a fresh network namespace
 * with a tun device, the local end 192.0.2.1 and the peer 192.0.2.2
 * behind the tun.  The runner writes the peer's segments into the tun
 * (its own IPv4 and TCP headers and checksums) and reads what the local
 * stack sends, checking each against the script.  Sequence numbers in
 * scripts are relative: the peer's to its own ISN, the local stack's to
 * the ISN of the first SYN it sends.
 *
 * Linux is the oracle: a script must pass on AF_INET.  A script that
 * fails on tcplab must have a row in wire_scripts/differences.md; it is
 * then reported as a known difference ("ok ... # known difference"),
 * and a row whose script now passes fails, so that the table stays true.
 *
 * Environment: WIRE_SCRIPT=a,b runs only those scripts;
 * WIRE_SCRIPT_DIR the scripts' directory (default: wire_scripts next to
 * the program); WIRE_SCRIPT_INET=1 runs the AF_INET half only (the
 * host, which has no tcplab); TCPLAB_TIME_FACTOR widens the late side
 * of every timing check.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "tcplab.h"
#include "wire_csum.h"
#include "wire_script.h"

#define LOCAL_ADDR	"192.0.2.1"
#define PEER_ADDR	"192.0.2.2"
#define LISTEN_PORT	8080		/* bind() and connect() use it */
#define PEER_PORT	40000		/* the peer's port when it connects */
#define PEER_ISN	1000000u
#define TUN_NAME	"wst0"
#define MAX_FDS		64
#define MAX_QUEUE	64
#define MAX_SCRIPTS	64
#define MAX_HIST	48
#define RUN_LIMIT_S	20		/* one script on one family */
#define CALL_LIMIT_S	2		/* one call that blocks */
#define ANY_TIME_S	3		/* how long "*" waits */
#define LATE_MIN_S	0.1		/* the late side's least slack */
#define LOOK_AFTER_S	1.5		/* a missing segment: what came later */

enum { FAM_INET, FAM_TCPLAB, FAM_NR };
static const char *const fam_name[FAM_NR] = { "inet", "tcplab" };

/* A segment the local stack sent, as read from the tun. */
struct cap {
	double t;
	struct ws_seg seg;	/* relative numbers, decoded options */
	unsigned int seq, ack;	/* absolute */
	unsigned int win;
	uint16_t sport, dport;
	bool csum_ok;
};

struct run {
	const struct ws_script *s;
	const char *name;
	int family;
	int tun;
	double t0, last;
	double early, late;	/* timing slack, seconds */
	int fd[MAX_FDS];	/* the script's fd numbers to real ones */
	bool have_isn;
	unsigned int isn;	/* the local stack's ISN */
	uint16_t lport, rport;
	bool bound;
	int nq;
	struct cap q[MAX_QUEUE];
	int nhist;
	char hist[MAX_HIST][200];	/* what happened, for a failure */
};

static int time_factor(void)
{
	const char *s = getenv("TCPLAB_TIME_FACTOR");
	int k = s ? atoi(s) : 1;

	return k > 1 ? k : 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Reset every connection the script left open: with the tun gone at the
 * exit, a FIN would be sent again and again into nothing, and the
 * orphan would outlive the run (and keep its namespace alive).
 */
static void abort_all(struct run *r)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int i;

	for (i = 0; i < MAX_FDS; i++)
		if (r->fd[i] >= 0) {
			setsockopt(r->fd[i], SOL_SOCKET, SO_LINGER, &lg,
				   sizeof(lg));
			close(r->fd[i]);
			r->fd[i] = -1;
		}
}

/* A failure of this run: printed as a TAP diagnostic, then the exit. */
static __printf(3, 4) __noreturn void
fail(struct run *r, int line, const char *fmt, ...)
{
	va_list ap;
	int i;

	/* The run so far, then the verdict: a failure explains itself. */
	for (i = 0; i < r->nhist; i++)
		printf("#   %s\n", r->hist[i]);
	printf("# %s.%s: line %d: ", r->name, fam_name[r->family != AF_INET],
	       line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	abort_all(r);
	_exit(1);
}

/* Note what happened at @t, to be printed if the run fails. */
static __printf(3, 4) void note(struct run *r, double t, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* Keep the last ones: the first of those says "..." */
	if (r->nhist == MAX_HIST) {
		memmove(r->hist, r->hist + 1, sizeof(r->hist[0]) * --r->nhist);
		snprintf(r->hist[0], sizeof(r->hist[0]), "...");
	}
	n = snprintf(r->hist[r->nhist], sizeof(r->hist[0]), "%7.3f ",
		     t - r->t0);
	va_start(ap, fmt);
	vsnprintf(r->hist[r->nhist] + n, sizeof(r->hist[0]) - n, fmt, ap);
	va_end(ap);
	r->nhist++;
}

/* ---- the namespace and the tun ---- */

static int write_proc(const char *path, const char *val)
{
	char full[160];
	int fd, ok;

	snprintf(full, sizeof(full), "/proc/sys/%s", path);
	fd = open(full, O_WRONLY);
	if (fd < 0)
		return -1;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -1;
}

static int if_up(int sk, const char *dev, const char *addr)
{
	struct ifreq ifr = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;

	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", dev);
	if (addr) {
		sin->sin_family = AF_INET;
		inet_pton(AF_INET, addr, &sin->sin_addr);
		if (ioctl(sk, SIOCSIFADDR, &ifr))
			return -1;
		inet_pton(AF_INET, "255.255.255.0", &sin->sin_addr);
		if (ioctl(sk, SIOCSIFNETMASK, &ifr))
			return -1;
	}
	if (ioctl(sk, SIOCGIFFLAGS, &ifr))
		return -1;
	ifr.ifr_flags |= IFF_UP;
	return ioctl(sk, SIOCSIFFLAGS, &ifr);
}

/* A fresh namespace with lo and the tun up; the tun's fd. */
static int setup_net(struct run *r)
{
	struct ifreq ifr = { 0 };
	int i, sk, fd;

	if (unshare(CLONE_NEWNET))
		fail(r, 0, "unshare(CLONE_NEWNET): %s", strerror(errno));
	/* IPv6 would only add router solicitations to the tun. */
	write_proc("net/ipv6/conf/default/disable_ipv6", "1");
	for (i = 0; i < r->s->nsysctl; i++) {
		const struct ws_sysctl *y = &r->s->sysctl[i];

		if (strcmp(y->family, fam_name[r->family != AF_INET]))
			continue;
		if (write_proc(y->path, y->val))
			fail(r, 0, "sysctl %s = %s: %s", y->path, y->val,
			     strerror(errno));
	}
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		fail(r, 0, "/dev/net/tun: %s", strerror(errno));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, TUN_NAME);
	if (ioctl(fd, TUNSETIFF, &ifr))
		fail(r, 0, "TUNSETIFF: %s", strerror(errno));
	sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sk < 0 || if_up(sk, "lo", NULL) ||
	    if_up(sk, TUN_NAME, LOCAL_ADDR))
		fail(r, 0, "interfaces: %s", strerror(errno));
	close(sk);
	return fd;
}

/* ---- segments ---- */

static uint16_t tcp_csum(const unsigned char *ip, const unsigned char *tcp,
			 size_t len)
{
	unsigned char ph[12];

	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = IPPROTO_TCP;
	ph[10] = len >> 8;
	ph[11] = len;
	return wire_csum_fold(wire_csum_add(wire_csum_add(0, ph, sizeof(ph)), tcp, len));
}

/* Write the peer's segment @e into the tun. */
static void inject(struct run *r, const struct ws_event *e)
{
	struct ws_seg s = e->seg;
	unsigned char pkt[1600] = { 0 }, *t = pkt + 20;
	unsigned int plen = s.end - s.start, olen, tlen;
	char text[320];
	uint32_t ack;
	int i, j;

	/* The peer acknowledges and SACKs the local stack's numbers. */
	for (i = 0; i < s.nopts; i++)
		if (s.opt[i].kind == WS_OPT_SACK)
			for (j = 0; j < 2 * s.opt[i].nval; j++)
				s.opt[i].val[j] = (uint32_t)(s.opt[i].val[j] +
							     r->isn);
	olen = ws_opts_encode(&s, t + 20);
	tlen = 20 + olen + plen;
	if (20 + tlen > sizeof(pkt))
		fail(r, e->line, "segment too long for the tun's MTU");
	pkt[0] = 0x45;
	pkt[2] = (20 + tlen) >> 8;
	pkt[3] = 20 + tlen;
	pkt[6] = 0x40;			/* DF */
	pkt[8] = 64;
	pkt[9] = IPPROTO_TCP;
	inet_pton(AF_INET, PEER_ADDR, pkt + 12);
	inet_pton(AF_INET, LOCAL_ADDR, pkt + 16);
	i = wire_csum_fold(wire_csum_add(0, pkt, 20));
	pkt[10] = i >> 8;
	pkt[11] = i;
	t[0] = r->rport >> 8;
	t[1] = r->rport;
	t[2] = r->lport >> 8;
	t[3] = r->lport;
	ws_put32(t + 4, PEER_ISN + s.start);
	ack = s.has_ack ? r->isn + s.ack : 0;
	ws_put32(t + 8, ack);
	t[12] = ((20 + olen) / 4) << 4;
	t[13] = s.flags;
	t[14] = s.win_lo >> 8;
	t[15] = s.win_lo;
	memset(t + 20 + olen, 'p', plen);
	i = tcp_csum(pkt, t, tlen);
	t[16] = i >> 8;
	t[17] = i;
	ws_format_seg(&e->seg, text, sizeof(text));
	note(r, now(), "< %s", text);
	if (write(r->tun, pkt, 20 + tlen) != (ssize_t)(20 + tlen))
		fail(r, e->line, "write to the tun: %s", strerror(errno));
}

/* Decode what the tun gave; false if it is not ours (not TCP to the peer). */
static bool decode(struct run *r, const unsigned char *p, size_t n,
		   struct cap *k)
{
	struct in_addr src, dst, want_src, want_dst;
	unsigned int ihl, tot, doff, i, j;
	const unsigned char *t;

	if (n < 40 || (p[0] >> 4) != 4 || p[9] != IPPROTO_TCP)
		return false;
	ihl = (p[0] & 15) * 4;
	tot = (p[2] << 8) | p[3];
	if (tot > n || tot < ihl + 20)
		return false;
	memcpy(&src, p + 12, 4);
	memcpy(&dst, p + 16, 4);
	inet_pton(AF_INET, LOCAL_ADDR, &want_src);
	inet_pton(AF_INET, PEER_ADDR, &want_dst);
	if (src.s_addr != want_src.s_addr || dst.s_addr != want_dst.s_addr)
		return false;
	t = p + ihl;
	doff = (t[12] >> 4) * 4;
	if (doff < 20 || doff > tot - ihl)
		return false;
	memset(k, 0, sizeof(*k));
	k->sport = (t[0] << 8) | t[1];
	k->dport = (t[2] << 8) | t[3];
	k->seq = ws_get32(t + 4);
	k->ack = ws_get32(t + 8);
	k->seg.flags = t[13] & 0x1f;
	k->win = (t[14] << 8) | t[15];
	k->csum_ok = tcp_csum(p, t, tot - ihl) == 0;
	if (ws_opts_decode(t + 20, doff - 20, &k->seg))
		k->seg.nopts = 0;
	if ((k->seg.flags & WS_SYN) && !r->have_isn) {
		r->isn = k->seq;
		r->have_isn = true;
	}
	if (!r->lport)
		r->lport = k->sport;
	/* Before any ISN (a reset of a closed port) numbers stay absolute. */
	k->seg.start = k->seq - (r->have_isn ? r->isn : 0);
	k->seg.end = k->seg.start + (tot - ihl - doff);
	k->seg.has_ack = k->seg.flags & WS_ACK;
	k->seg.ack = k->seg.has_ack ? k->ack - PEER_ISN : 0;
	k->seg.has_win = true;
	k->seg.win_lo = k->win;
	k->seg.win_hi = k->win;
	for (i = 0; i < (unsigned int)k->seg.nopts; i++)
		if (k->seg.opt[i].kind == WS_OPT_SACK)
			for (j = 0; j < 2 * (unsigned int)k->seg.opt[i].nval; j++)
				k->seg.opt[i].val[j] = (uint32_t)
					(k->seg.opt[i].val[j] - PEER_ISN);
	return true;
}

static bool verbose;

static void cap_str(const struct run *r, const struct cap *k, char *buf,
		    size_t len);

/* WIRE_SCRIPT_VERBOSE: every segment as it comes, to write scripts by. */
static void trace(const struct run *r, const struct cap *k)
{
	char got[400];

	cap_str(r, k, got, sizeof(got));
	printf("#   %s.%s: %s\n", r->name, fam_name[r->family != AF_INET],
	       got);
}

/* Read the tun into the queue until @until (now or earlier: no wait). */
static void pump(struct run *r, double until, bool stop_at_one)
{
	unsigned char buf[2048];

	for (;;) {
		struct pollfd pfd = { .fd = r->tun, .events = POLLIN };
		double left = until - now();
		ssize_t n;

		while ((n = read(r->tun, buf, sizeof(buf))) > 0) {
			double t = now();

			if (r->nq == MAX_QUEUE)
				fail(r, 0, "more than %d segments unread",
				     MAX_QUEUE);
			if (decode(r, buf, n, &r->q[r->nq])) {
				struct cap *k = &r->q[r->nq++];
				char seg[320];

				k->t = t;
				if (verbose)
					trace(r, k);
				ws_format_seg(&k->seg, seg, sizeof(seg));
				note(r, t, "> %s", seg);
			}
		}
		if (left <= 0 || (stop_at_one && r->nq))
			return;
		poll(&pfd, 1, (int)(left * 1000) + 1);
	}
}

static void cap_str(const struct run *r, const struct cap *k, char *buf,
		    size_t len)
{
	char seg[320];

	ws_format_seg(&k->seg, seg, sizeof(seg));
	snprintf(buf, len, "> %s at +%.3f s%s", seg, k->t - r->last,
		 k->csum_ok ? "" : " (bad checksum)");
}

/* Segments the script did not ask for: a failure unless it ignores them. */
static void no_extra(struct run *r, int line)
{
	char got[400];

	if (r->nq && !r->s->ignore_extra) {
		cap_str(r, &r->q[0], got, sizeof(got));
		fail(r, line, "segment the script does not expect before this line: %s",
		     got);
	}
	r->nq = 0;
}

/* Why @k is not the segment @w asks for, or NULL. */
static const char *mismatch(const struct ws_seg *w, const struct cap *k)
{
	if (w->flags != k->seg.flags)
		return "flags";
	if (w->start != k->seg.start || w->end != k->seg.end)
		return "sequence numbers or length";
	if (w->has_ack && w->ack != k->seg.ack)
		return "ack";
	if (w->has_win && (k->win < w->win_lo || k->win > w->win_hi))
		return "window";
	if (!ws_opts_match(w, &k->seg))
		return "options";
	if (!k->csum_ok)
		return "checksum";
	return NULL;
}

static void expect_seg(struct run *r, const struct ws_event *e, double due)
{
	double deadline = e->time == WS_T_ANY ?
		r->last + ANY_TIME_S * time_factor() : due + r->late;
	char want[320], got[400];
	const char *why;

	ws_format_seg(&e->seg, want, sizeof(want));
	for (;;) {
		struct cap k;

		if (!r->nq)
			pump(r, deadline, true);
		if (!r->nq) {
			/* What came instead, if anything, goes in the history. */
			pump(r, now() + LOOK_AFTER_S, true);
			fail(r, e->line, "no segment by +%.3f s; expected > %s",
			     deadline - r->last, want);
		}
		k = r->q[0];
		memmove(r->q, r->q + 1, --r->nq * sizeof(r->q[0]));
		why = mismatch(&e->seg, &k);
		cap_str(r, &k, got, sizeof(got));
		if (why && r->s->ignore_extra)
			continue;
		if (why)
			fail(r, e->line, "expected > %s; got %s (%s differ)",
			     want, got, why);
		if (e->time != WS_T_ANY && k.t < due - r->early)
			fail(r, e->line, "expected > %s at +%.3f s; it came early: %s",
			     want, due - r->last, got);
		r->last = k.t;
		return;
	}
}

/* ---- calls ---- */

static void on_alarm(int sig)
{
}

static int fd_of(struct run *r, const struct ws_event *e, int i)
{
	long long n = e->call.arg[i].num;

	if (n < 0 || n >= MAX_FDS || r->fd[n] < 0)
		fail(r, e->line, "fd %lld is not open in this script", n);
	return r->fd[n];
}

static void map_fd(struct run *r, const struct ws_event *e, long ret)
{
	long long want = e->call.ret;

	if (ret < 0 || want < 0)
		return;
	if (want >= MAX_FDS)
		fail(r, e->line, "fd %lld: scripts use fds below %d", want,
		     MAX_FDS);
	r->fd[want] = ret;
}

static void do_call(struct run *r, const struct ws_event *e)
{
	const struct ws_call *k = &e->call;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct itimerval it = { .it_value.tv_sec = CALL_LIMIT_S * time_factor() };
	struct itimerval off = { 0 };
	static char buf[65536];
	struct pollfd pfd;
	char text[256];
	long ret = -1;
	int val, err;

	switch (k->sys) {
	case WS_BIND:
	case WS_CONNECT:
		sin.sin_port = htons(LISTEN_PORT);
		inet_pton(AF_INET, k->sys == WS_BIND ? LOCAL_ADDR : PEER_ADDR,
			  &sin.sin_addr);
		break;
	case WS_WRITE:
	case WS_READ:
	case WS_SEND:
		if (k->arg[2].num > (long long)sizeof(buf))
			fail(r, e->line, "at most %zu bytes a call",
			     sizeof(buf));
		break;
	}
	setitimer(ITIMER_REAL, &it, NULL);
	errno = 0;
	switch (k->sys) {
	case WS_SOCKET:
		ret = socket(r->family, k->arg[1].num, k->arg[2].num);
		break;
	case WS_BIND:
		ret = bind(fd_of(r, e, 0), (struct sockaddr *)&sin, sizeof(sin));
		if (!ret) {
			r->bound = true;
			r->lport = LISTEN_PORT;
		}
		break;
	case WS_LISTEN:
		ret = listen(fd_of(r, e, 0), k->arg[1].num);
		break;
	case WS_ACCEPT:
		ret = accept(fd_of(r, e, 0), NULL, NULL);
		break;
	case WS_CONNECT:
		r->rport = LISTEN_PORT;
		/*
		 * The port is learnt from the SYN; a connect() again (EALREADY,
		 * EISCONN) must not forget it before the next peer segment.
		 */
		if (!r->bound && !r->have_isn)
			r->lport = 0;
		ret = connect(fd_of(r, e, 0), (struct sockaddr *)&sin,
			      sizeof(sin));
		break;
	case WS_WRITE:
		memset(buf, 'w', k->arg[2].num);
		ret = write(fd_of(r, e, 0), buf, k->arg[2].num);
		break;
	case WS_READ:
		ret = read(fd_of(r, e, 0), buf, k->arg[2].num);
		break;
	case WS_CLOSE:
		ret = close(fd_of(r, e, 0));
		r->fd[k->arg[0].num] = -1;
		break;
	case WS_SHUTDOWN:
		ret = shutdown(fd_of(r, e, 0), k->arg[1].num);
		break;
	case WS_FCNTL:
		ret = fcntl(fd_of(r, e, 0), k->arg[1].num, k->arg[2].num);
		break;
	case WS_SETSOCKOPT:
		val = k->arg[3].num;
		ret = setsockopt(fd_of(r, e, 0), k->arg[1].num, k->arg[2].num,
				 &val, k->arg[4].num);
		break;
	case WS_SEND:
		memset(buf, 'w', k->arg[2].num);
		ret = send(fd_of(r, e, 0), buf, k->arg[2].num, k->arg[3].num);
		break;
	case WS_POLL:
		/* The result is the events that came, 0 after the timeout. */
		pfd.fd = fd_of(r, e, 0);
		pfd.events = k->arg[1].num;
		ret = poll(&pfd, 1, k->arg[2].num);
		if (ret > 0)
			ret = pfd.revents;
		break;
	}
	err = errno;
	setitimer(ITIMER_REAL, &off, NULL);
	ws_format_call(k, text, sizeof(text));
	note(r, r->last, "%.*s-> %ld%s%s", (int)strcspn(text, "="), text,
	     ret, ret < 0 ? " " : "", ret < 0 ? ws_errno_name(err) : "");
	if (ret < 0 && err == EINTR && k->err != EINTR)
		fail(r, e->line, "%s: the call blocked for %d s", text,
		     CALL_LIMIT_S * time_factor());
	if ((ret < 0) != (k->ret < 0))
		fail(r, e->line, "%s: got %ld%s%s", text, ret,
		     ret < 0 ? " " : "", ret < 0 ? ws_errno_name(err) : "");
	if (ret < 0 && err != k->err)
		fail(r, e->line, "%s: got -1 %s (%d)", text,
		     ws_errno_name(err), err);
	if (k->sys == WS_SOCKET || k->sys == WS_ACCEPT)
		map_fd(r, e, ret);
	else if (ret >= 0 && (ret < k->ret || ret > k->ret_hi))
		fail(r, e->line, "%s: got %ld", text, ret);
}

/* ---- one run ---- */

static __noreturn void
run_script(const struct ws_script *s, const char *name, int family,
	   bool tcplab)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct run *r = calloc(1, sizeof(*r));
	double tol = s->tolerance ? s->tolerance : 0.05;
	int i;

	if (!r)
		_exit(1);
	r->s = s;
	r->name = name;
	r->family = tcplab ? family : AF_INET;
	for (i = 0; i < MAX_FDS; i++)
		r->fd[i] = -1;
	r->lport = LISTEN_PORT;
	r->rport = PEER_PORT;
	/* A slow machine makes segments late, never early. */
	r->early = tol;
	r->late = (tol > LATE_MIN_S ? tol : LATE_MIN_S) * time_factor();
	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: calls get EINTR */
	r->tun = setup_net(r);
	r->t0 = now();
	r->last = r->t0;
	for (i = 0; i < s->nevents; i++) {
		const struct ws_event *e = &s->ev[i];
		double due = e->time == WS_T_ABS ? r->t0 + e->t : r->last + e->t;

		if (e->kind == WS_OUT) {
			expect_seg(r, e, due);
			continue;
		}
		pump(r, due, false);
		no_extra(r, e->line);
		r->last = now();
		if (e->kind == WS_IN)
			inject(r, e);
		else if (e->kind == WS_CALL)
			do_call(r, e);
	}
	pump(r, 0, false);
	no_extra(r, s->ev[s->nevents - 1].line + 1);
	fflush(stdout);
	abort_all(r);
	_exit(0);
}

/* Run in a child with a time limit; true if the script held. */
static bool run_one(const struct ws_script *s, const char *name, int family,
		    bool tcplab)
{
	double end = now() + RUN_LIMIT_S * time_factor();
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return false;
	if (!pid)
		run_script(s, name, family, tcplab);
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (now() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			printf("# %s.%s: killed after %d s\n", name,
			       fam_name[tcplab], RUN_LIMIT_S * time_factor());
			return false;
		}
		usleep(10000);
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* ---- the differences table ---- */

struct diff {
	char script[64];
	char tcplab[200];	/* what tcplab does, for the TAP line */
	bool used;
};

/* Rows "| script | Linux | tcplab | ... |" of differences.md. */
static int read_diffs(const char *dir, struct diff *d, int max)
{
	char path[PATH_MAX + 32], line[1024];
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "%s/differences.md", dir);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (n < max && fgets(line, sizeof(line), f)) {
		char *cell[4], *p = line;
		int i;

		if (line[0] != '|')
			continue;
		for (i = 0; i < 4 && p; i++) {
			cell[i] = p + 1;
			p = strchr(p + 1, '|');
			if (p)
				*p = 0;
		}
		if (i < 4 || !p)
			continue;
		for (i = 0; i < 4; i++) {
			while (*cell[i] == ' ')
				cell[i]++;
			while (*cell[i] && cell[i][strlen(cell[i]) - 1] == ' ')
				cell[i][strlen(cell[i]) - 1] = 0;
		}
		/* The script's name is written as code. */
		if (cell[0][0] == '`') {
			cell[0]++;
			cell[0][strcspn(cell[0], "`")] = 0;
		}
		if (!strcmp(cell[0], "script") || cell[0][0] == '-' ||
		    !cell[0][0])
			continue;
		snprintf(d[n].script, sizeof(d[n].script), "%s", cell[0]);
		snprintf(d[n].tcplab, sizeof(d[n].tcplab), "%s", cell[2]);
		d[n].used = false;
		n++;
	}
	fclose(f);
	return n;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool wanted(const char *name)
{
	const char *only = getenv("WIRE_SCRIPT");
	char list[512], *w, *save;

	if (!only || !*only)
		return true;
	snprintf(list, sizeof(list), "%s", only);
	for (w = strtok_r(list, ",", &save); w; w = strtok_r(NULL, ",", &save))
		if (!strcmp(w, name))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	static struct diff diffs[MAX_SCRIPTS];
	char *names[MAX_SCRIPTS], dir[PATH_MAX - 64], self[PATH_MAX];
	bool inet_only = getenv("WIRE_SCRIPT_INET") != NULL;
	int i, f, n = 0, ndiff, family, nfam, stale = 0;
	struct dirent *de;
	double t0 = now();
	DIR *dh;

	verbose = getenv("WIRE_SCRIPT_VERBOSE") != NULL;
	if (getenv("WIRE_SCRIPT_DIR")) {
		snprintf(dir, sizeof(dir), "%s", getenv("WIRE_SCRIPT_DIR"));
	} else {
		snprintf(self, sizeof(self), "%s", argv[0]);
		snprintf(dir, sizeof(dir), "%s/wire_scripts", dirname(self));
	}
	ksft_print_header();
	dh = opendir(dir);
	if (!dh)
		ksft_exit_fail_msg("%s: %s\n", dir, strerror(errno));
	while ((de = readdir(dh)) && n < MAX_SCRIPTS) {
		size_t len = strlen(de->d_name);

		if (len > 5 && !strcmp(de->d_name + len - 5, ".wire")) {
			names[n] = strndup(de->d_name, len - 5);
			if (wanted(names[n]))
				n++;
			else
				free(names[n]);
		}
	}
	closedir(dh);
	if (!n)
		ksft_exit_fail_msg("no scripts in %s (or none WIRE_SCRIPT names)\n",
				   dir);
	qsort(names, n, sizeof(names[0]), by_name);
	ndiff = read_diffs(dir, diffs, MAX_SCRIPTS);
	/* The tun driver is a module on Debian's kernels. */
	if (access("/dev/net/tun", F_OK))
		system("/sbin/modprobe tun");
	family = tcplab_family();
	nfam = inet_only ? 1 : FAM_NR;
	ksft_set_plan(n * nfam);

	for (i = 0; i < n; i++) {
		struct ws_script s;
		char path[PATH_MAX + 64];
		struct diff *d = NULL;
		FILE *fp;
		int k, ok;

		for (k = 0; k < ndiff; k++)
			if (!strcmp(diffs[k].script, names[i]))
				d = &diffs[k];
		snprintf(path, sizeof(path), "%s/%s.wire", dir, names[i]);
		fp = fopen(path, "r");
		ok = fp && !ws_parse_file(&s, fp);
		if (fp)
			fclose(fp);
		if (!ok)
			printf("# %s: %s\n", names[i], fp ? s.err : strerror(errno));
		for (f = 0; f < nfam; f++) {
			bool tcplab = f == FAM_TCPLAB;
			bool pass;

			if (d && tcplab)
				d->used = true;
			/* A broken script or image is never a known difference. */
			if (!ok || (tcplab && family < 0)) {
				ksft_test_result_fail("%s.%s # %s\n", names[i],
						      fam_name[f], ok ?
						      "tcplab module not loaded" :
						      "the script does not parse");
				continue;
			}
			pass = run_one(&s, names[i], family, tcplab);
			if (d && tcplab) {
				if (pass) {
					ksft_test_result_fail("%s.%s # listed in differences.md but passes: remove its row\n",
							      names[i], fam_name[f]);
				} else {
					ksft_inc_xfail_cnt();
					printf("ok %u %s.%s # known difference: %s\n",
					       ksft_test_num(), names[i],
					       fam_name[f], d->tcplab);
				}
				continue;
			}
			ksft_test_result(pass, "%s.%s\n", names[i], fam_name[f]);
		}
		if (ok)
			ws_free(&s);
		free(names[i]);
	}
	/* A row without a script is as stale as one whose script passes. */
	for (i = 0; i < ndiff && !getenv("WIRE_SCRIPT") && !inet_only; i++)
		if (!diffs[i].used) {
			printf("# differences.md lists %s, which has no script\n",
			       diffs[i].script);
			stale++;
		}
	printf("# %d scripts in %.1f s\n", n, now() - t0);
	ksft_exit(!stale && ksft_get_pass_cnt() + ksft_get_xfail_cnt() ==
		  (unsigned int)(n * nfam));
}
