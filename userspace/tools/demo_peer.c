// SPDX-License-Identifier: GPL-2.0
/*
 * tcplab-demo-peer: one end of a `make demo` scenario, over tcplab.
 *
 *   tcplab-demo-peer listen PORT REPLY [-c FILE]
 *   tcplab-demo-peer connect ADDR PORT MESSAGE [-b LPORT] [-r LEN]
 *                    [-s FILE] [-g FILE] [-c FILE] [-e] [-C ALGO] [-z BYTES]
 *
 * listen: accept one connection, read a message, answer REPLY, then
 * close after the peer does (the passive close: CLOSE-WAIT, LAST-ACK).
 * connect: connect (from local port LPORT with -b, so two peers can
 * connect to each other: a simultaneous open), send MESSAGE, read LEN
 * bytes back (default: MESSAGE's length), print them and close first
 * (the active close: FIN-WAIT-1, FIN-WAIT-2, TIME-WAIT).
 *
 * The demo script coordinates the two ends with files (both ends see
 * the same /tmp): with -s FILE a peer waits for FILE before connecting
 * (two peers start their connect() together), with -g FILE before sending;
 * with -c FILE it waits for FILE before closing (both ends at once: a
 * simultaneous close).  Before waiting, a peer creates FILE.PID so the
 * script knows it is there.  -e expects the connection to be refused:
 * exit 0 only if connect() fails with ECONNREFUSED.
 *
 * For the congestion-control scenario, -C ALGO selects the client's
 * algorithm with TCP_CONGESTION before it connects, and -z BYTES sends
 * that many more bytes after the answer has arrived (a bulk transfer the
 * server reads until the close), so cwnd has something to grow on.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tcplab.h"

static void wait_for(const char *file)
{
	char mark[256];
	FILE *f;
	int i;

	if (!file)
		return;
	snprintf(mark, sizeof(mark), "%s.%d", file, (int)getpid());
	f = fopen(mark, "w");
	if (f)
		fclose(f);
	for (i = 0; i < 600 && access(file, F_OK); i++)
		usleep(50000);
}

static int read_n(int fd, char *buf, size_t want)
{
	size_t got = 0;
	ssize_t n;

	while (got < want && (n = recv(fd, buf + got, want - got, 0)) > 0)
		got += (size_t)n;
	return (int)got;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: tcplab-demo-peer listen PORT REPLY [-c FILE]\n"
		"       tcplab-demo-peer connect ADDR PORT MESSAGE [-b LPORT] [-r LEN] [-s FILE] [-g FILE] [-c FILE] [-e]\n"
		"                        [-C ALGO] [-z BYTES]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	const char *go = NULL, *closing = NULL, *start = NULL, *msg, *ca = NULL;
	int family = tcplab_family(), fd, lfd, opt, n;
	bool listen_mode, refused = false;
	unsigned int lport = 0;
	size_t want = 0, bulk = 0;
	char buf[4096];
	char *end;

	if (argc < 4)
		usage();
	listen_mode = !strcmp(argv[1], "listen");
	if (!listen_mode && (strcmp(argv[1], "connect") || argc < 5))
		usage();
	if (family < 0) {
		fprintf(stderr, "tcplab-demo-peer: tcplab is not loaded\n");
		return 1;
	}
	msg = listen_mode ? argv[3] : argv[4];
	optind = listen_mode ? 4 : 5;
	while ((opt = getopt(argc, argv, "b:r:s:g:c:eC:z:")) != -1) {
		switch (opt) {
		case 'b':
			lport = (unsigned int)atoi(optarg);
			break;
		case 'r':
			want = (size_t)atoi(optarg);
			break;
		case 's':
			start = optarg;
			break;
		case 'g':
			go = optarg;
			break;
		case 'c':
			closing = optarg;
			break;
		case 'e':
			refused = true;
			break;
		case 'C':
			ca = optarg;
			break;
		case 'z':
			errno = 0;
			bulk = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-')
				usage();
			break;
		default:
			usage();
		}
	}
	fd = socket(family, SOCK_STREAM, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	if (listen_mode) {
		a.sin_port = htons(atoi(argv[2]));
		lfd = fd;
		if (bind(lfd, (struct sockaddr *)&a, sizeof(a)) ||
		    listen(lfd, 1)) {
			perror("tcplab-demo-peer: listen");
			return 1;
		}
		fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			perror("accept");
			return 1;
		}
		close(lfd);
		n = (int)recv(fd, buf, sizeof(buf), 0);
		if (n <= 0) {
			fprintf(stderr, "tcplab-demo-peer: no message\n");
			return 1;
		}
		printf("server got \"%.*s\", answers \"%s\"\n", n, buf, msg);
		fflush(stdout);
		if (send(fd, msg, strlen(msg), 0) != (ssize_t)strlen(msg)) {
			perror("send");
			return 1;
		}
		if (closing) {
			wait_for(closing);
		} else {
			/* Passive close: wait for the client's FIN (EOF). */
			while ((n = (int)recv(fd, buf, sizeof(buf), 0)) > 0)
				;
		}
		close(fd);
		return 0;
	}

	if (inet_pton(AF_INET, argv[2], &a.sin_addr) != 1)
		usage();
	a.sin_port = htons(atoi(argv[3]));
	if (lport) {
		struct sockaddr_in me = { .sin_family = AF_INET,
					  .sin_port = htons(lport) };

		if (bind(fd, (struct sockaddr *)&me, sizeof(me))) {
			perror("bind");
			return 1;
		}
	}
	if (ca && setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, ca, strlen(ca))) {
		fprintf(stderr, "tcplab-demo-peer: TCP_CONGESTION %s: %s\n", ca,
			strerror(errno));
		return 1;
	}
	wait_for(start);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		if (refused && errno == ECONNREFUSED) {
			printf("connect: %s (the server answered the SYN with RST)\n",
			       strerror(errno));
			return 0;
		}
		perror("tcplab-demo-peer: connect");
		return 1;
	}
	if (refused) {
		fprintf(stderr, "tcplab-demo-peer: connected, but expected a refusal\n");
		return 1;
	}
	wait_for(go);
	if (send(fd, msg, strlen(msg), 0) != (ssize_t)strlen(msg)) {
		perror("send");
		return 1;
	}
	if (!want)
		want = strlen(msg);
	if (want > sizeof(buf))
		want = sizeof(buf);
	n = read_n(fd, buf, want);
	printf("%s sent \"%s\", got \"%.*s\"\n", lport ? "peer" : "client", msg,
	       n, buf);
	fflush(stdout);
	if (bulk) {
		size_t left = bulk;
		ssize_t w;

		memset(buf, 'x', sizeof(buf));
		while (left) {
			w = send(fd, buf, left < sizeof(buf) ? left : sizeof(buf), 0);
			if (w <= 0) {
				perror("tcplab-demo-peer: send");
				return 1;
			}
			left -= (size_t)w;
		}
		printf("client sent %zu more bytes%s%s\n", bulk,
		       ca ? " with " : "", ca ? ca : "");
		fflush(stdout);
	}
	wait_for(closing);
	close(fd);
	return n == (int)want ? 0 : 1;
}
