/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wire_util.h - helpers of the wire_* selftests: two "hosts" (network
 * namespaces joined by a veth pair), sockets made in either of them, bulk
 * transfers checked by hash, packet capture (AF_PACKET) and injection
 * (raw IPv4 with our own headers and checksums), /proc/net/tcplab rows.
 *
 * Topology (TEST-NET-1, RFC 5737):
 *
 *   netns WIRE_NS_A            netns WIRE_NS_B
 *   va 192.0.2.1/24  <-veth->  vb 192.0.2.2/24
 *
 * A socket keeps the namespace it was created in, so one process can
 * hold sockets of both hosts: wire_socket() switches to the namespace,
 * creates the socket and switches back.
 */
#ifndef _WIRE_UTIL_H
#define _WIRE_UTIL_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <net/if.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tcplab_test.h"
#include "wire_csum.h"
#include "tcp_info_util.h"

#define WIRE_IP		"/usr/sbin/ip"
#define WIRE_TC		"/usr/sbin/tc"
#define WIRE_MODPROBE	"/sbin/modprobe"
#define WIRE_NS_A	"tlwire_a"
#define WIRE_NS_B	"tlwire_b"
#define WIRE_DEV_A	"va"
#define WIRE_DEV_B	"vb"
#define WIRE_ADDR_A	"192.0.2.1"
#define WIRE_ADDR_B	"192.0.2.2"

/* ---- time ---- */

static inline double wire_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- shell ---- */

/* Run a shell command (printf format); its exit status, -1 on error. */
static inline int wire_sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* ---- namespaces ---- */

struct wire {
	int root;		/* the namespace the test started in */
	int a, b;		/* the two hosts */
	bool up;
};

static inline int wire_nsfd(const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static inline void wire_down(struct wire *w)
{
	if (w->a >= 0)
		close(w->a);
	if (w->b >= 0)
		close(w->b);
	if (w->root >= 0) {
		setns(w->root, CLONE_NEWNET);
		close(w->root);
	}
	w->a = w->b = w->root = -1;
	if (w->up) {
		wire_sh(WIRE_IP " netns del " WIRE_NS_A " 2>/dev/null");
		wire_sh(WIRE_IP " netns del " WIRE_NS_B " 2>/dev/null");
	}
	w->up = false;
}

/*
 * Build the two-host topology.  Returns 0, or a reason to SKIP (the
 * tools or veth missing) as a static string in *@why and 1, or -1 with
 * *@why set when setting up failed for another reason (a test failure).
 */
static inline int wire_up(struct wire *w, const char **why)
{
	w->a = w->b = -1;
	w->up = false;
	w->root = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (w->root < 0) {
		*why = "no /proc/self/ns/net";
		return 1;
	}
	if (access(WIRE_IP, X_OK)) {
		*why = "no " WIRE_IP;
		return 1;
	}
	if (wire_sh(WIRE_MODPROBE " -q veth") && access("/sys/module/veth", F_OK)) {
		*why = "veth module not available";
		return 1;
	}
	/* Leftovers of an interrupted run. */
	wire_sh(WIRE_IP " netns del " WIRE_NS_A " 2>/dev/null");
	wire_sh(WIRE_IP " netns del " WIRE_NS_B " 2>/dev/null");
	w->up = true;
	if (wire_sh(WIRE_IP " netns add " WIRE_NS_A) ||
	    wire_sh(WIRE_IP " netns add " WIRE_NS_B) ||
	    wire_sh(WIRE_IP " -n " WIRE_NS_A " link add " WIRE_DEV_A
		    " type veth peer name " WIRE_DEV_B " netns " WIRE_NS_B) ||
	    wire_sh(WIRE_IP " -n " WIRE_NS_A " addr add " WIRE_ADDR_A "/24 dev "
		    WIRE_DEV_A) ||
	    wire_sh(WIRE_IP " -n " WIRE_NS_B " addr add " WIRE_ADDR_B "/24 dev "
		    WIRE_DEV_B) ||
	    wire_sh(WIRE_IP " -n " WIRE_NS_A " link set lo up") ||
	    wire_sh(WIRE_IP " -n " WIRE_NS_B " link set lo up") ||
	    wire_sh(WIRE_IP " -n " WIRE_NS_A " link set " WIRE_DEV_A " up") ||
	    wire_sh(WIRE_IP " -n " WIRE_NS_B " link set " WIRE_DEV_B " up")) {
		*why = "ip netns/veth set-up failed";
		wire_down(w);
		return -1;
	}
	w->a = wire_nsfd(WIRE_NS_A);
	w->b = wire_nsfd(WIRE_NS_B);
	if (w->a < 0 || w->b < 0) {
		*why = "cannot open /run/netns/*";
		wire_down(w);
		return -1;
	}
	return 0;
}

/* Netem delay on both veth ends (so SYNs and FINs cross in flight). */
static inline int wire_delay(int ms)
{
	if (access(WIRE_TC, X_OK))
		return 1;
	if (wire_sh(WIRE_MODPROBE " -q sch_netem") &&
	    access("/sys/module/sch_netem", F_OK))
		return 1;
	if (wire_sh(WIRE_IP " netns exec " WIRE_NS_A " " WIRE_TC
		    " qdisc add dev " WIRE_DEV_A " root netem delay %dms", ms) ||
	    wire_sh(WIRE_IP " netns exec " WIRE_NS_B " " WIRE_TC
		    " qdisc add dev " WIRE_DEV_B " root netem delay %dms", ms))
		return -1;
	return 0;
}

/*
 * At most @segs segments per GSO packet on both veth ends (the device's
 * gso_max_segs, obeyed by Linux TCP and tcplab alike).  Netem drops
 * whole packets: with 64 KiB GSO packets "loss 1%" would lose 1% of
 * 44-segment bursts, so loss tests ask for one segment per packet and
 * netem's percentages mean segments, as on a real wire.
 */
static inline int wire_gso_segs(unsigned int segs)
{
	return wire_sh(WIRE_IP " -n " WIRE_NS_A " link set dev " WIRE_DEV_A
		       " gso_max_segs %u", segs) ||
	       wire_sh(WIRE_IP " -n " WIRE_NS_B " link set dev " WIRE_DEV_B
		       " gso_max_segs %u", segs) ? -1 : 0;
}

/* Enter namespace @nsfd (this thread); 0 or -errno. */
static inline int wire_enter(int nsfd)
{
	return setns(nsfd, CLONE_NEWNET) ? -errno : 0;
}

/* A socket created in namespace @nsfd; the caller stays where it was. */
static inline int wire_socket(const struct wire *w, int nsfd, int family,
			      int type, int proto)
{
	int fd, err;

	if (wire_enter(nsfd))
		return -1;
	fd = socket(family, type, proto);
	err = errno;
	wire_enter(w->root);
	errno = err;
	return fd;
}

static inline struct sockaddr_in wire_sin(const char *ip, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	sin.sin_port = htons(port);
	inet_pton(AF_INET, ip, &sin.sin_addr);
	return sin;
}

static inline int wire_raise_nofile(rlim_t n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -1;
	if (rl.rlim_cur >= n)
		return 0;
	rl.rlim_cur = n;
	if (rl.rlim_max < n)
		rl.rlim_max = n;
	return setrlimit(RLIMIT_NOFILE, &rl);
}

/* ---- /proc/net/tcplab and /proc/net/tcplab_stats, per namespace ---- */

struct wire_row {
	char local[32], remote[32], state[16];
	unsigned int txq, rxq, uid;
	unsigned long inode;
	uint32_t snd_una, snd_nxt, rcv_nxt, snd_wnd, rcv_wnd;
};

/*
 * The row of namespace @nsfd whose local and remote "ip:port" match
 * (NULL: any).  1 found, 0 not found, -1 error.
 */
static inline int wire_row_find(const struct wire *w, int nsfd,
				const char *local, const char *remote,
				struct wire_row *r)
{
	char line[256];
	int found = 0;
	FILE *f;

	if (wire_enter(nsfd))
		return -1;
	f = fopen(TCPLAB_PROC_SOCKETS, "r");
	wire_enter(w->root);
	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f)) {	/* header */
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31s %31s %15s %u %u %u %lu %u %u %u %u %u",
			   r->local, r->remote, r->state, &r->txq, &r->rxq,
			   &r->uid, &r->inode, &r->snd_una, &r->snd_nxt,
			   &r->rcv_nxt, &r->snd_wnd, &r->rcv_wnd) != 12)
			continue;
		if ((!local || !strcmp(local, r->local)) &&
		    (!remote || !strcmp(remote, r->remote))) {
			found = 1;
			break;
		}
	}
	fclose(f);
	return found;
}

/* A counter of /proc/net/tcplab_stats in namespace @nsfd. */
static inline long wire_stat(const struct wire *w, int nsfd, const char *key)
{
	long v;

	if (wire_enter(nsfd))
		return -1;
	v = tcplab_stat(key);
	wire_enter(w->root);
	return v;
}

/*
 * A counter of Linux TCP's MIBs in namespace @nsfd (per namespace, as
 * nstat shows them): @file "snmp" or "netstat", @group "Tcp" or
 * "TcpExt", @key "RetransSegs" or "TCPLossProbes"; -1 if absent.
 */
static inline long wire_mib(const struct wire *w, int nsfd, const char *file,
			    const char *group, const char *key)
{
	char path[32], *names = NULL, *vals = NULL, *n, *v, *sn, *sv;
	size_t glen = strlen(group), nl = 0, vl = 0;
	long ret = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/net/%s", file);
	if (wire_enter(nsfd))
		return -1;
	f = fopen(path, "r");
	wire_enter(w->root);
	if (!f)
		return -1;
	/* Pairs of lines: "Group: Name1 Name2 ..." then "Group: 1 2 ..." */
	while (getline(&names, &nl, f) > 0 && getline(&vals, &vl, f) > 0) {
		if (strncmp(names, group, glen) || names[glen] != ':')
			continue;
		n = strtok_r(names + glen + 1, " \t\n", &sn);
		v = strtok_r(vals + glen + 1, " \t\n", &sv);
		while (n && v) {
			if (!strcmp(n, key)) {
				ret = strtol(v, NULL, 10);
				break;
			}
			n = strtok_r(NULL, " \t\n", &sn);
			v = strtok_r(NULL, " \t\n", &sv);
		}
		break;
	}
	free(names);
	free(vals);
	fclose(f);
	return ret;
}

/* "a.b.c.d:port" of a socket's own (peer = 0) or peer address. */
static inline void wire_name(int fd, int peer, char *buf, size_t len)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	char ip[INET_ADDRSTRLEN];

	memset(&sin, 0, sizeof(sin));
	if (peer)
		getpeername(fd, (struct sockaddr *)&sin, &sl);
	else
		getsockname(fd, (struct sockaddr *)&sin, &sl);
	inet_ntop(AF_INET, &sin.sin_addr, ip, sizeof(ip));
	snprintf(buf, len, "%s:%u", ip, ntohs(sin.sin_port));
}

/* ---- hash and stream ---- */

#define FNV64_INIT	0xcbf29ce484222325ULL
#define FNV64_PRIME	0x100000001b3ULL

/* FNV-1a, 64 bit, over a byte stream in pieces. */
static inline uint64_t fnv1a64(uint64_t h, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len--) {
		h ^= *p++;
		h *= FNV64_PRIME;
	}
	return h;
}

/* xorshift64*: a fast pseudo-random byte stream. */
static inline void wire_fill(uint64_t *state, unsigned char *buf, size_t len)
{
	uint64_t x = *state;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t v;

		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		v = x * 0x2545f4914f6cdd1dULL;
		memcpy(buf + i, &v, 8);
	}
	for (; i < len; i++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		buf[i] = (unsigned char)((x * 0x2545f4914f6cdd1dULL) >> 56);
	}
	*state = x;
}

struct wire_xfer {
	int rc;			/* 0 or -errno */
	uint64_t sent, rcvd;	/* bytes */
	uint64_t sent_hash, rcvd_hash;
	double secs;
	uint32_t total_retrans;	/* TCP_INFO at the end: segments resent */
	uint8_t options;	/* TCP_INFO: TCPI_OPT_* negotiated */
	char stall[192];	/* on a timeout: the socket's TCP_INFO */
};

/* Where a connection that stopped moving stands, from its TCP_INFO. */
static inline void wire_stall_info(int fd, char *buf, size_t len)
{
	struct tl_tcp_info ti;

	if (tl_get_info(fd, &ti)) {
		snprintf(buf, len, "TCP_INFO: %s", strerror(errno));
		return;
	}
	snprintf(buf, len,
		 "state %u ca %u rto %u ms backoff %u retransmits %u unacked %u lost %u cwnd %u rtt %u/%u us last data in %u ms, ack in %u ms",
		 ti.b.tcpi_state, ti.b.tcpi_ca_state, ti.b.tcpi_rto / 1000,
		 ti.b.tcpi_backoff, ti.b.tcpi_retransmits, ti.b.tcpi_unacked,
		 ti.b.tcpi_lost, ti.b.tcpi_snd_cwnd, ti.b.tcpi_rtt,
		 ti.b.tcpi_rttvar, ti.b.tcpi_last_data_recv,
		 ti.b.tcpi_last_ack_recv);
}

/*
 * Full duplex on connected socket @fd: send @total bytes of stream @seed
 * while receiving until EOF; shutdown(SHUT_WR) after the last byte.
 * Gives up after @timeout_s seconds without progress.
 */
static inline void wire_duplex(int fd, uint64_t total, uint64_t seed,
			       int timeout_s, struct wire_xfer *x)
{
	enum { CHUNK = 65536 };
	unsigned char *out = malloc(CHUNK), *in = malloc(CHUNK);
	size_t out_len = 0, out_off = 0;
	uint64_t state = seed | 1;
	bool eof = false, wr_done = false;
	double t0 = wire_now();
	int fl = fcntl(fd, F_GETFL);

	memset(x, 0, sizeof(*x));
	x->sent_hash = x->rcvd_hash = FNV64_INIT;
	if (!out || !in) {
		x->rc = -ENOMEM;
		goto out;
	}
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	while (!eof || !wr_done) {
		struct pollfd pfd = { .fd = fd };
		ssize_t n;
		int r;

		if (!eof)
			pfd.events |= POLLIN;
		if (!wr_done)
			pfd.events |= POLLOUT;
		r = poll(&pfd, 1, timeout_s * 1000);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			x->rc = -ETIMEDOUT;
			wire_stall_info(fd, x->stall, sizeof(x->stall));
			break;
		}
		if (!wr_done && (pfd.revents & (POLLOUT | POLLERR | POLLHUP))) {
			if (out_off == out_len) {
				uint64_t left = total - x->sent;

				out_len = left < CHUNK ? left : CHUNK;
				out_off = 0;
				wire_fill(&state, out, out_len);
			}
			n = send(fd, out + out_off, out_len - out_off,
				 MSG_NOSIGNAL);
			if (n < 0 && errno != EAGAIN && errno != EINTR) {
				x->rc = -errno;
				break;
			}
			if (n > 0) {
				x->sent_hash = fnv1a64(x->sent_hash,
						       out + out_off, n);
				out_off += n;
				x->sent += n;
			}
			if (x->sent == total) {
				if (shutdown(fd, SHUT_WR)) {
					x->rc = -errno;
					break;
				}
				wr_done = true;
			}
		}
		if (!eof && (pfd.revents & (POLLIN | POLLERR | POLLHUP))) {
			n = recv(fd, in, CHUNK, 0);
			if (n < 0 && errno != EAGAIN && errno != EINTR) {
				x->rc = -errno;
				break;
			}
			if (n == 0)
				eof = true;
			if (n > 0) {
				x->rcvd_hash = fnv1a64(x->rcvd_hash, in, n);
				x->rcvd += n;
			}
		}
	}
	fcntl(fd, F_SETFL, fl);
	{
		struct tl_tcp_info ti;

		if (!tl_get_info(fd, &ti)) {
			x->total_retrans = ti.b.tcpi_total_retrans;
			x->options = ti.b.tcpi_options;
		}
	}
out:
	x->secs = wire_now() - t0;
	free(out);
	free(in);
}

/* Child process: runs @fn, whose result goes back through a pipe. */
struct wire_child {
	pid_t pid;
	int rfd;
};

static inline int wire_child_wait(struct wire_child *c, void *res,
				  size_t len)
{
	size_t got = 0;
	int st;

	while (got < len) {
		ssize_t n = read(c->rfd, (char *)res + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	close(c->rfd);
	if (waitpid(c->pid, &st, 0) != c->pid)
		return -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		return -1;
	return got == len ? 0 : -1;
}

/* ---- packets ---- */

/* TCP checksum of @tcp_len bytes at @tcp (host-order result, 0 = valid). */
static inline uint16_t wire_tcp_csum(uint32_t saddr, uint32_t daddr,
				     const void *tcp, size_t tcp_len)
{
	uint32_t sum = 0;
	unsigned char ph[12];

	memcpy(ph, &saddr, 4);
	memcpy(ph + 4, &daddr, 4);
	ph[8] = 0;
	ph[9] = IPPROTO_TCP;
	ph[10] = tcp_len >> 8;
	ph[11] = tcp_len & 0xff;
	sum = wire_csum_add(sum, ph, sizeof(ph));
	sum = wire_csum_add(sum, tcp, tcp_len);
	return wire_csum_fold(sum);
}

/* A captured IPv4/TCP packet, decoded. */
struct wire_pkt {
	bool outgoing;
	uint32_t saddr, daddr;		/* network order */
	uint16_t sport, dport;		/* host order */
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	uint8_t tos;			/* the IPv4 header's TOS byte */
	unsigned int doff;		/* bytes */
	unsigned int len;		/* payload bytes */
	bool ip_csum_ok, tcp_csum_ok;
	double t;
};

#define WIRE_FIN	0x01
#define WIRE_SYN	0x02
#define WIRE_RST	0x04
#define WIRE_PSH	0x08
#define WIRE_ACK	0x10
#define WIRE_URG	0x20

static inline const char *wire_flags_str(uint8_t f, char *buf)
{
	static const char *const names[] = { "FIN", "SYN", "RST", "PSH", "ACK",
					      "URG", "ECE", "CWR" };
	int i;

	buf[0] = 0;
	for (i = 0; i < 8; i++)
		if (f & (1 << i)) {
			if (buf[0])
				strcat(buf, ",");
			strcat(buf, names[i]);
		}
	return buf;
}

/*
 * An AF_PACKET socket on interface @dev of namespace @nsfd.  ETH_P_ALL:
 * only those taps see outgoing packets too (dev_queue_xmit_nit()); the
 * reader keeps the IPv4 ones.
 */
static inline int wire_capture_open(const struct wire *w, int nsfd,
				    const char *dev)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ALL) };
	int fd, size = 4 << 20;

	if (wire_enter(nsfd))
		return -1;
	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK, htons(ETH_P_ALL));
	if (fd >= 0) {
		sll.sll_ifindex = if_nametoindex(dev);
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
		if (!sll.sll_ifindex ||
		    bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
			close(fd);
			fd = -1;
		}
	}
	wire_enter(w->root);
	return fd;
}

/* Decode one IPv4 datagram; false if it is not a whole TCP segment. */
static inline bool wire_decode(const unsigned char *p, size_t n,
			       struct wire_pkt *k)
{
	unsigned int ihl, tot;
	const unsigned char *t;

	if (n < 20 || (p[0] >> 4) != 4)
		return false;
	ihl = (p[0] & 15) * 4;
	tot = (p[2] << 8) | p[3];
	if (ihl < 20 || tot > n || tot < ihl + 20 || p[9] != IPPROTO_TCP)
		return false;
	k->ip_csum_ok = wire_csum_fold(wire_csum_add(0, p, ihl)) == 0;
	k->tos = p[1];
	memcpy(&k->saddr, p + 12, 4);
	memcpy(&k->daddr, p + 16, 4);
	t = p + ihl;
	k->sport = (t[0] << 8) | t[1];
	k->dport = (t[2] << 8) | t[3];
	k->seq = ((uint32_t)t[4] << 24) | (t[5] << 16) | (t[6] << 8) | t[7];
	k->ack = ((uint32_t)t[8] << 24) | (t[9] << 16) | (t[10] << 8) | t[11];
	k->doff = (t[12] >> 4) * 4;
	k->flags = t[13];
	k->wnd = (t[14] << 8) | t[15];
	if (k->doff < 20 || k->doff > tot - ihl)
		return false;
	k->len = tot - ihl - k->doff;
	k->tcp_csum_ok = wire_tcp_csum(k->saddr, k->daddr, t, tot - ihl) == 0;
	return true;
}

/*
 * Read what the capture socket holds, waiting up to @ms for the first
 * packet and then until @quiet_ms pass without one; keep TCP segments
 * with port @port at either end (0: all).  Returns the number stored.
 */
static inline int wire_capture_read(int fd, struct wire_pkt *pk, int max,
				    uint16_t port, int ms, int quiet_ms)
{
	unsigned char buf[65536];
	int n = 0, wait = ms;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t len;

		if (poll(&pfd, 1, wait) <= 0)
			break;
		wait = quiet_ms;
		while ((len = recvfrom(fd, buf, sizeof(buf), 0,
				       (struct sockaddr *)&from, &fl)) > 0) {
			struct wire_pkt k;

			fl = sizeof(from);
			if (from.sll_protocol != htons(ETH_P_IP) ||
			    !wire_decode(buf, len, &k))
				continue;
			if (port && k.sport != port && k.dport != port)
				continue;
			k.outgoing = from.sll_pkttype == PACKET_OUTGOING;
			k.t = wire_now();
			if (n < max)
				pk[n++] = k;
		}
	}
	return n;
}

/* ---- injection ---- */

struct wire_seg {
	const char *src, *dst;	/* dotted */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	/* The raw header may be damaged on purpose: */
	int doff;		/* Data Offset in words; 0: computed, <0: 0 */
	int hdr_len;		/* bytes of TCP header sent; 0: doff * 4 */
	const unsigned char *opts;	/* options, padded by the caller */
	int opts_len;
	const void *data;
	int data_len;
	bool bad_csum;
};

/* A raw socket (IPPROTO_RAW) in namespace @nsfd, for wire_inject_fd(). */
static inline int wire_raw_socket(const struct wire *w, int nsfd)
{
	int fd, err;

	if (wire_enter(nsfd))
		return -1;
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	err = errno;
	wire_enter(w->root);
	errno = err;
	return fd;
}

/*
 * Send one hand-made IPv4/TCP packet through raw socket @fd (we write the
 * IP header; the kernel fills in the IP checksum).  0 or -errno.
 */
static inline int wire_inject_fd(int fd, const struct wire_seg *s)
{
	unsigned char pkt[1500], *t = pkt + 20;
	struct sockaddr_in dst = { .sin_family = AF_INET };
	int tcp_len, hdr, err = 0;
	uint32_t saddr, daddr;
	struct iphdr *ip = (struct iphdr *)pkt;
	uint16_t c;

	if (s->opts_len < 0 || s->opts_len > 40 || s->data_len < 0)
		return -EINVAL;
	hdr = s->hdr_len ? s->hdr_len : 20 + s->opts_len;
	tcp_len = hdr + s->data_len;
	if (20 + tcp_len > (int)sizeof(pkt))
		return -EMSGSIZE;
	memset(pkt, 0, sizeof(pkt));
	inet_pton(AF_INET, s->src, &saddr);
	inet_pton(AF_INET, s->dst, &daddr);
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(20 + tcp_len);
	ip->ttl = 64;
	ip->frag_off = htons(IP_DF);
	ip->protocol = IPPROTO_TCP;
	ip->saddr = saddr;
	ip->daddr = daddr;
	ip->check = htons(wire_csum_fold(wire_csum_add(0, pkt, 20)));

	t[0] = s->sport >> 8;
	t[1] = s->sport;
	t[2] = s->dport >> 8;
	t[3] = s->dport;
	t[4] = s->seq >> 24; t[5] = s->seq >> 16; t[6] = s->seq >> 8; t[7] = s->seq;
	t[8] = s->ack >> 24; t[9] = s->ack >> 16; t[10] = s->ack >> 8; t[11] = s->ack;
	/* A short header keeps what fits of the fixed part. */
	if (hdr > 12)
		t[12] = (s->doff < 0 ? 0 :
			 s->doff ? s->doff : (20 + s->opts_len) / 4) << 4;
	if (hdr > 13)
		t[13] = s->flags;
	if (hdr > 15) {
		t[14] = s->wnd >> 8;
		t[15] = s->wnd;
	}
	if (s->opts_len && hdr >= 20 + s->opts_len)
		memcpy(t + 20, s->opts, s->opts_len);
	if (s->data_len)
		memcpy(t + hdr, s->data, s->data_len);
	/*
	 * The checksum goes in its field; a header too short to have one
	 * (12 bytes at least) gets it in the low half of the ACK field, so
	 * that the segment still passes the checksum and reaches the parser.
	 */
	{
		int at = hdr >= 18 ? 16 : 10;

		if (hdr >= 12) {
			t[at] = t[at + 1] = 0;
			c = wire_tcp_csum(saddr, daddr, t, tcp_len);
			if (s->bad_csum)
				c ^= 0x5a5a;
			t[at] = c >> 8;
			t[at + 1] = c;
		}
	}

	dst.sin_addr.s_addr = daddr;
	if (sendto(fd, pkt, 20 + tcp_len, 0, (struct sockaddr *)&dst,
		   sizeof(dst)) != 20 + tcp_len)
		err = -errno;
	return err;
}

/* wire_inject_fd() from namespace @nsfd, through a raw socket of its own. */
static inline int wire_inject(const struct wire *w, int nsfd,
			      const struct wire_seg *s)
{
	int fd = wire_raw_socket(w, nsfd), err;

	if (fd < 0)
		return -errno;
	err = wire_inject_fd(fd, s);
	close(fd);
	return err;
}

#endif /* _WIRE_UTIL_H */
