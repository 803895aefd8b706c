// SPDX-License-Identifier: MIT
/*
 * echo_server PORT [COUNT]: a TCP echo server on the teaching TCP.
 *
 * It listens on PORT (all addresses), accepts COUNT connections (default
 * 1) one after the other, and sends back every byte it receives until
 * the client closes its side.  The only difference from an AF_INET echo
 * server is the family passed to socket().
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tcplab.h"

int main(int argc, char **argv)
{
	int family = tcplab_family(), lfd, cfd, count, one = 1;
	struct sockaddr_in addr = { .sin_family = AF_INET };
	char buf[4096];
	ssize_t n;

	tcplab_std_options(argc, argv, "PORT [COUNT]");
	if (argc < 2) {
		fprintf(stderr, "usage: %s PORT [COUNT]\n", argv[0]);
		return 2;
	}
	if (family < 0) {
		fprintf(stderr, "tcplab is not loaded\n");
		return 1;
	}
	count = argc > 2 ? atoi(argv[2]) : 1;
	addr.sin_port = htons(atoi(argv[1]));

	lfd = socket(family, SOCK_STREAM, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) || listen(lfd, 8)) {
		perror("echo_server: socket/bind/listen");
		return 1;
	}
	while (count-- > 0) {
		cfd = accept(lfd, NULL, NULL);		/* three-way handshake done */
		if (cfd < 0) {
			perror("echo_server: accept");
			return 1;
		}
		while ((n = recv(cfd, buf, sizeof(buf), 0)) > 0)
			if (send(cfd, buf, n, MSG_NOSIGNAL) != n)
				break;
		close(cfd);	/* recv() returned 0: the client's FIN came */
	}
	close(lfd);
	return 0;
}
