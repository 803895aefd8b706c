// SPDX-License-Identifier: GPL-2.0
/*
 * tcplab-bench: one measurement of one TCP, to compare tcplab with Linux.
 *
 *   tcplab-bench [-p] [-j] [-n NETNS] FAMILY ADDR TEST
 *
 * FAMILY is "inet" (Linux TCP) or "tcplab" (the loaded module's family);
 * both ends use it.  The server is a child process, moved into the network
 * namespace NETNS (a path such as /var/run/netns/peer) when given, that
 * listens on ADDR; the client connects from here.  TEST is one of
 *
 *   bulk  64 MiB one way in 64 KiB send()s, until the receiver's close
 *   rr    10000 round trips of one byte each way (TCP_NODELAY)
 *   cps   2000 connections: connect, the server accepts and closes, the
 *         client reads EOF and closes
 *   mem   1000 connections held open: kernel slab (/proc/meminfo Slab)
 *         before and after, per connection (both of its ends are here)
 *   tls   as bulk, with kernel TLS on both ends (TCP_ULP "tls", TLS 1.3
 *         AES-128-GCM: TLS_TX on the client, TLS_RX on the server); also
 *         names the crypto driver the client's TLS_TX got (the gcm(aes)
 *         entry of /proc/crypto whose refcnt grew), or "?"
 *   aead  no connection: AES-128-GCM through AF_ALG ("gcm(aes)", the
 *         kernel AEAD kTLS uses), 64 MiB in 16 KiB records with TLS 1.3
 *         AAD: the ceiling of the "tls" test on this machine
 *
 * -p pins the server of bulk, tls and lossy to CPU 1 and the client to
 * CPU 0 (when there are two), as on two hosts; by default the scheduler
 * places both, and a kTLS result then depends on whether they shared a
 * vCPU for the whole run.  rr and cps are never pinned.
 *
 * Output: one line "TEST VALUE UNIT" ("tls VALUE MiB/s DRIVER", "lossy
 * VALUE MiB/s RETRANSMISSIONS"); with -j/--json one JSON object instead,
 * with the family, address and pinning as well.  It is printed once the
 * server has finished too.  Exit status 1 on any error, 2 on a usage
 * error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/if_alg.h>
#include <linux/tls.h>
#include <time.h>
#include <unistd.h>

#include "tcplab.h"
#include "tcplab_version.h"

#define BULK_BYTES	(64 << 20)
#define CHUNK		65536
#define RR_COUNT	10000
#define CPS_COUNT	2000
#define MEM_CONNS	1000
#define TIME_LIMIT	300	/* seconds, per process */
#ifndef SOL_TLS
#define SOL_TLS		282
#endif
#ifndef TCP_ULP
#define TCP_ULP		31
#endif
#ifndef SOL_ALG
#define SOL_ALG		279
#endif

static int family;
static bool pinned;		/* -p */
static bool json;		/* -j */

/* The measurement, printed by report() once both ends are done. */
static struct {
	const char *test, *unit;
	double value;
	int decimals;
	const char *driver;	/* tls: the crypto driver, else NULL */
	long retrans;		/* lossy: the sender's, else -1 */
} res = { .retrans = -1 };
static struct sockaddr_in addr = { .sin_family = AF_INET };
static char buf[CHUNK];

static void die(const char *what)
{
	fprintf(stderr, "tcplab-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void result(const char *test, double value, int decimals, const char *unit)
{
	res.test = test;
	res.value = value;
	res.decimals = decimals;
	res.unit = unit;
}

/* A JSON string: the driver names come from /proc/crypto. */
static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void report(const char *family_name, const char *address)
{
	if (!json) {
		printf("%s %.*f %s", res.test, res.decimals, res.value, res.unit);
		if (res.driver)
			printf(" %s", res.driver);
		if (res.retrans >= 0)
			printf(" %ld", res.retrans);
		putchar('\n');
		return;
	}
	printf("{\"tool\":\"tcplab-bench\",\"version\":\"%s\",\"test\":\"%s\","
	       "\"family\":\"%s\",", TCPLAB_VERSION, res.test, family_name);
	if (address)
		printf("\"address\":\"%s\",\"pinned\":%s,", address,
		       pinned ? "true" : "false");
	printf("\"value\":%.*f,\"unit\":\"%s\"", res.decimals, res.value, res.unit);
	if (res.driver) {
		printf(",\"driver\":");
		json_string(res.driver);
	}
	if (res.retrans >= 0)
		printf(",\"retransmissions\":%ld", res.retrans);
	printf("}\n");
}

static void send_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0)
			die("send");
		p += n;
		len -= n;
	}
}

/* Receive until EOF; returns the byte count. */
static size_t drain(int fd)
{
	size_t total = 0;
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
		total += n;
	if (n < 0)
		die("recv");
	return total;
}

static int connect_server(void)
{
	int fd = socket(family, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
		die("connect");
	return fd;
}

static void nodelay(int fd)
{
	int one = 1;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		die("TCP_NODELAY");
}

/* Kernel TLS, TLS 1.3 AES-128-GCM, one direction (fixed test keys). */
static void ktls(int fd, int dir)
{
	struct tls12_crypto_info_aes_gcm_128 ci;

	memset(&ci, 0x42, sizeof(ci));
	ci.info.version = TLS_1_3_VERSION;
	ci.info.cipher_type = TLS_CIPHER_AES_GCM_128;
	memset(ci.rec_seq, 0, sizeof(ci.rec_seq));
	if (setsockopt(fd, SOL_TCP, TCP_ULP, "tls", 4))
		die("TCP_ULP tls");
	if (setsockopt(fd, SOL_TLS, dir, &ci, sizeof(ci)))
		die("SOL_TLS");
}

#define MAX_DRIVERS	32

/* The gcm(aes) implementations in /proc/crypto and their use counts. */
struct gcm_drivers {
	int n;
	char name[MAX_DRIVERS][64];
	long refcnt[MAX_DRIVERS];
};

static void gcm_drivers(struct gcm_drivers *d)
{
	FILE *f = fopen("/proc/crypto", "r");
	char line[160], name[64] = "", drv[64] = "";
	long ref;

	d->n = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "name : %63s", name) == 1 ||
		    sscanf(line, "driver : %63s", drv) == 1)
			continue;
		if (sscanf(line, "refcnt : %ld", &ref) == 1 &&
		    !strcmp(name, "gcm(aes)") && d->n < MAX_DRIVERS) {
			snprintf(d->name[d->n], sizeof(d->name[0]), "%s", drv);
			d->refcnt[d->n++] = ref;
		}
	}
	fclose(f);
}

/* The driver whose use count grew from @before to now, or "?". */
static const char *gcm_driver_taken(const struct gcm_drivers *before)
{
	static struct gcm_drivers after;
	int i, j;

	gcm_drivers(&after);
	for (i = 0; i < after.n; i++) {
		long was = 0;

		for (j = 0; j < before->n; j++)
			if (!strcmp(before->name[j], after.name[i]))
				was = before->refcnt[j];
		if (after.refcnt[i] > was)
			return after.name[i];
	}
	return "?";
}

/* AES-128-GCM through AF_ALG: one 16 KiB TLS 1.3 record per request. */
static void aead_bench(void)
{
	struct sockaddr_alg sa = {
		.salg_family = AF_ALG, .salg_type = "aead",
		.salg_name = "gcm(aes)",
	};
	static char in[5 + 16384], out[5 + 16384 + 16];
	char cbuf[CMSG_SPACE(4) + CMSG_SPACE(sizeof(struct af_alg_iv) + 12) +
		  CMSG_SPACE(4)];
	struct iovec iov = { .iov_base = in, .iov_len = sizeof(in) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	unsigned char key[16] = { 1 };
	struct af_alg_iv *iv;
	struct cmsghdr *c;
	int tfm, op, i, n = BULK_BYTES / 16384;
	double t0;

	tfm = socket(AF_ALG, SOCK_SEQPACKET, 0);
	if (tfm < 0 || bind(tfm, (struct sockaddr *)&sa, sizeof(sa)))
		die("AF_ALG gcm(aes)");
	if (setsockopt(tfm, SOL_ALG, ALG_SET_KEY, key, sizeof(key)) ||
	    setsockopt(tfm, SOL_ALG, ALG_SET_AEAD_AUTHSIZE, NULL, 16))
		die("AF_ALG key");
	op = accept(tfm, NULL, 0);
	if (op < 0)
		die("AF_ALG accept");
	memset(cbuf, 0, sizeof(cbuf));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_OP;
	c->cmsg_len = CMSG_LEN(4);
	*(__u32 *)CMSG_DATA(c) = ALG_OP_ENCRYPT;
	c = CMSG_NXTHDR(&msg, c);
	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_IV;
	c->cmsg_len = CMSG_LEN(sizeof(*iv) + 12);
	iv = (struct af_alg_iv *)CMSG_DATA(c);
	iv->ivlen = 12;
	c = CMSG_NXTHDR(&msg, c);
	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_AEAD_ASSOCLEN;
	c->cmsg_len = CMSG_LEN(4);
	*(__u32 *)CMSG_DATA(c) = 5;
	t0 = now();
	for (i = 0; i < n; i++) {
		iv->iv[11] = i;		/* a new nonce per record */
		if (sendmsg(op, &msg, 0) != (ssize_t)sizeof(in))
			die("AF_ALG sendmsg");
		if (read(op, out, sizeof(out)) != (ssize_t)sizeof(out))
			die("AF_ALG read");
	}
	result("aead", (BULK_BYTES >> 20) / (now() - t0), 1, "MiB/s");
	close(op);
	close(tfm);
}

static long slab_kb(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long kb = -1;

	if (!f)
		die("/proc/meminfo");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* The server side of @test on listening socket @lfd; @sync is a pipe. */
static void serve(const char *test, int lfd, int sync)
{
	static int held[MEM_CONNS];
	int i, fd;
	char c = 0;

	if (!strcmp(test, "bulk") || !strcmp(test, "tls") ||
	    !strcmp(test, "lossy")) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			die("accept");
		if (!strcmp(test, "tls"))
			ktls(fd, TLS_RX);
		if (drain(fd) != BULK_BYTES)
			die("bulk: short stream");
		close(fd);
	} else if (!strcmp(test, "rr")) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			die("accept");
		nodelay(fd);
		while (recv(fd, &c, 1, 0) == 1)
			send_all(fd, &c, 1);
		close(fd);
	} else if (!strcmp(test, "cps")) {
		for (i = 0; i < CPS_COUNT; i++) {
			fd = accept(lfd, NULL, NULL);
			if (fd < 0)
				die("accept");
			close(fd);
		}
	} else {
		for (i = 0; i < MEM_CONNS; i++) {
			held[i] = accept(lfd, NULL, NULL);
			if (held[i] < 0)
				die("accept");
		}
		/* All accepted: tell the client, hold them until it is done. */
		if (write(sync, &c, 1) != 1 || read(sync, &c, 1) < 0)
			die("sync");
	}
}

/* Throughput tests: this process on @cpu, if the machine has two. */
static void pin(const char *test, int cpu)
{
	cpu_set_t set;

	if (!pinned || (strcmp(test, "bulk") && strcmp(test, "tls") &&
			strcmp(test, "lossy")))
		return;
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
}

static pid_t start_server(const char *netns, const char *test, int *sync)
{
	socklen_t len = sizeof(addr);
	int sv[2], lfd, one = 1;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		die("socketpair");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid) {
		close(sv[1]);
		*sync = sv[0];
		/* The server sends its port when it listens. */
		if (read(sv[0], &addr.sin_port, sizeof(addr.sin_port)) != sizeof(addr.sin_port))
			exit(1);
		return pid;
	}
	close(sv[0]);
	alarm(TIME_LIMIT);
	pin(test, 1);
	if (netns) {
		int nsfd = open(netns, O_RDONLY);

		if (nsfd < 0 || setns(nsfd, CLONE_NEWNET))
			die(netns);
		close(nsfd);
	}
	lfd = socket(family, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) || listen(lfd, 1024) ||
	    getsockname(lfd, (struct sockaddr *)&addr, &len))
		die("bind/listen");
	if (write(sv[1], &addr.sin_port, sizeof(addr.sin_port)) < 0)
		die("sync");
	serve(test, lfd, sv[1]);
	_exit(0);
}

static void client(const char *test, int sync)
{
	static int held[MEM_CONNS];
	static struct gcm_drivers drivers;
	const char *drv = "";
	double t0 = now(), t;
	int i, fd;
	char c = 'x';

	if (!strcmp(test, "bulk") || !strcmp(test, "tls")) {
		fd = connect_server();
		if (!strcmp(test, "tls")) {
			gcm_drivers(&drivers);
			ktls(fd, TLS_TX);
			drv = gcm_driver_taken(&drivers);
		}
		t0 = now();
		for (i = 0; i < BULK_BYTES / CHUNK; i++)
			send_all(fd, buf, CHUNK);
		shutdown(fd, SHUT_WR);
		drain(fd);
		t = now() - t0;
		close(fd);
		result(test, (BULK_BYTES >> 20) / t, 1, "MiB/s");
		if (*drv)
			res.driver = drv;
	} else if (!strcmp(test, "lossy")) {
		struct tcp_info ti;
		socklen_t tl = sizeof(ti);

		/*
		 * bulk over a lossy path (the caller sets up netem): goodput
		 * and the sender's retransmissions (TCP_INFO, either TCP).
		 */
		fd = connect_server();
		t0 = now();
		for (i = 0; i < BULK_BYTES / CHUNK; i++)
			send_all(fd, buf, CHUNK);
		shutdown(fd, SHUT_WR);
		drain(fd);
		t = now() - t0;
		memset(&ti, 0, sizeof(ti));
		getsockopt(fd, SOL_TCP, TCP_INFO, &ti, &tl);
		close(fd);
		result("lossy", (BULK_BYTES >> 20) / t, 2, "MiB/s");
		res.retrans = ti.tcpi_total_retrans;
	} else if (!strcmp(test, "rr")) {
		fd = connect_server();
		nodelay(fd);
		t0 = now();
		for (i = 0; i < RR_COUNT; i++) {
			send_all(fd, &c, 1);
			if (recv(fd, &c, 1, 0) != 1)
				die("rr: recv");
		}
		t = now() - t0;
		close(fd);
		result("rr", RR_COUNT / t, 0, "round-trips/s");
	} else if (!strcmp(test, "cps")) {
		for (i = 0; i < CPS_COUNT; i++) {
			fd = connect_server();
			drain(fd);
			close(fd);
		}
		result("cps", CPS_COUNT / (now() - t0), 0, "connections/s");
	} else {
		long before = slab_kb(), after;

		for (i = 0; i < MEM_CONNS; i++)
			held[i] = connect_server();
		if (read(sync, &c, 1) != 1)
			die("mem: server failed");
		sleep(1);	/* let deferred work (RCU, per-cpu caches) settle */
		after = slab_kb();
		if (write(sync, &c, 1) != 1)
			die("sync");
		for (i = 0; i < MEM_CONNS; i++)
			close(held[i]);
		result("mem", (after - before) * 1024.0 / MEM_CONNS, 0, "bytes/connection");
	}
}

static void usage(FILE *f)
{
	fprintf(f, "usage: tcplab-bench [-p] [-j] [-n NETNS] inet|tcplab ADDR bulk|rr|cps|mem|tls|aead|lossy\n"
		"       tcplab-bench --help | --version\n"
		"  -p, --pin         the server of bulk, tls and lossy on CPU 1, the client on CPU 0\n"
		"  -j, --json        one JSON object instead of the line \"TEST VALUE UNIT\"\n"
		"  -n, --netns PATH  the server's network namespace (/var/run/netns/NAME)\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pin", no_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "netns", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static const char * const tests[] = {
		"bulk", "rr", "cps", "mem", "tls", "aead", "lossy"
	};
	const char *netns = NULL, *test = NULL;
	struct rlimit rl;
	int sync, status, opt;
	unsigned int i;
	pid_t pid;

	while ((opt = getopt_long(argc, argv, "pjn:", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			pinned = true;
			break;
		case 'j':
			json = true;
			break;
		case 'n':
			netns = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("tcplab-bench %s\n", TCPLAB_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argv += optind - 1;
	argc -= optind - 1;
	for (i = 0; argc == 4 && i < sizeof(tests) / sizeof(tests[0]); i++)
		if (!strcmp(argv[3], tests[i]))
			test = tests[i];
	if (!test) {
		if (argc == 4)
			fprintf(stderr, "tcplab-bench: unknown test %s\n", argv[3]);
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "inet") && strcmp(argv[1], "tcplab")) {
		fprintf(stderr, "tcplab-bench: the family is inet or tcplab, not %s\n", argv[1]);
		return 2;
	}
	family = strcmp(argv[1], "inet") ? tcplab_family() : AF_INET;
	if (family < 0)
		die("tcplab family (module not loaded?)");
	if (inet_pton(AF_INET, argv[2], &addr.sin_addr) != 1) {
		fprintf(stderr, "tcplab-bench: bad address %s\n", argv[2]);
		return 2;
	}
	/* 1000 held connections need more than the default 1024 fds. */
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	signal(SIGPIPE, SIG_IGN);
	alarm(TIME_LIMIT);
	memset(buf, 'b', sizeof(buf));
	if (!strcmp(test, "aead")) {
		aead_bench();
		report(argv[1], argv[2]);
		return 0;
	}

	pid = start_server(netns, test, &sync);
	pin(test, 0);
	client(test, sync);
	close(sync);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "tcplab-bench: %s server failed\n", test);
		return 1;
	}
	report(argv[1], argv[2]);
	return 0;
}
