// SPDX-License-Identifier: MIT
/*
 * echo_client ADDRESS PORT MESSAGE: send MESSAGE to an echo server over
 * the teaching TCP, print what comes back, and close first (so this side
 * goes through FIN-WAIT-1, FIN-WAIT-2 and TIME-WAIT).
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
	int family = tcplab_family(), fd;
	struct sockaddr_in addr = { .sin_family = AF_INET };
	size_t len, got = 0;
	char buf[4096];
	ssize_t n;

	tcplab_std_options(argc, argv, "ADDRESS PORT MESSAGE");
	if (argc < 4) {
		fprintf(stderr, "usage: %s ADDRESS PORT MESSAGE\n", argv[0]);
		return 2;
	}
	if (family < 0) {
		fprintf(stderr, "tcplab is not loaded\n");
		return 1;
	}
	if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
		fprintf(stderr, "echo_client: bad address %s\n", argv[1]);
		return 2;
	}
	addr.sin_port = htons(atoi(argv[2]));
	len = strlen(argv[3]);
	if (len > sizeof(buf))
		len = sizeof(buf);

	fd = socket(family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		perror("echo_client: connect");
		return 1;
	}
	if (send(fd, argv[3], len, 0) != (ssize_t)len) {
		perror("echo_client: send");
		return 1;
	}
	while (got < len && (n = recv(fd, buf + got, len - got, 0)) > 0)
		got += n;
	printf("sent %zu bytes, the server echoed: %.*s\n", len, (int)got, buf);
	close(fd);		/* active close: our FIN goes first */
	return got == len ? 0 : 1;
}
