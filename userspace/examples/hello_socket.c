// SPDX-License-Identifier: MIT
/*
 * hello_socket: the smallest tcplab program.  It opens a socket in the
 * tcplab family, asks the kernel what it got, and shows the socket's line
 * in /proc/net/tcplab.  A new socket is in the RFC 9293 state CLOSED.
 *
 *   cc -I module/uapi -I userspace/lib hello_socket.c libtcplab.a
 */
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "tcplab.h"

int main(int argc, char **argv)
{
	int family = tcplab_family();
	int fd, type = 0, proto = 0;
	socklen_t len = sizeof(int);
	char line[256];
	FILE *f;

	tcplab_std_options(argc, argv, "");
	if (argc > 1) {
		fprintf(stderr, "usage: %s (no arguments)\n", argv[0]);
		return 2;
	}
	if (family < 0) {
		fprintf(stderr, "tcplab is not loaded (%s): insmod tcplab.ko first\n",
			strerror(errno));
		return 1;
	}
	fd = socket(family, SOCK_STREAM, 0);
	if (fd < 0) {
		fprintf(stderr, "socket(%d, SOCK_STREAM, 0): %s\n", family, strerror(errno));
		return 1;
	}
	getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len);
	len = sizeof(int);
	getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len);
	printf("socket(AF_TCPLAB=%d, SOCK_STREAM, 0) = fd %d: type %s, protocol %s\n",
	       family, fd, type == SOCK_STREAM ? "SOCK_STREAM" : "?",
	       proto == IPPROTO_TCP ? "IPPROTO_TCP" : "?");

	printf("\n%s while it is open:\n", TCPLAB_PROC_SOCKETS);
	f = fopen(TCPLAB_PROC_SOCKETS, "r");
	while (f && fgets(line, sizeof(line), f))
		fputs(line, stdout);
	if (f)
		fclose(f);
	close(fd);
	return 0;
}
