// SPDX-License-Identifier: MIT
/*
 * tls_echo_server PORT CERT KEY: accept one connection, do the TLS
 * handshake as server with CERT (a PEM chain) and KEY, then echo
 * everything back with plain recv()/send() while the kernel does the
 * record encryption.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tcplab.h"
#include "tcplab_tls.h"

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	struct tcplab_tls_config cfg;
	struct tcplab_tls *tls;
	int family = tcplab_family(), l, fd, one = 1, rc;
	char buf[16384];
	ssize_t n;

	tcplab_std_options(argc, argv, "PORT CERT KEY");
	if (argc < 4) {
		fprintf(stderr, "usage: %s PORT CERT KEY\n", argv[0]);
		return 2;
	}
	if (family < 0)
		family = AF_INET;
	addr.sin_port = htons(atoi(argv[1]));
	l = socket(family, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l < 0 || bind(l, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(l, 1)) {
		perror("listen");
		return 1;
	}
	fd = accept(l, NULL, NULL);
	if (fd < 0) {
		perror("accept");
		return 1;
	}

	tcplab_tls_config_init(&cfg);
	cfg.cert_file = argv[2];
	cfg.key_file = argv[3];
	rc = tcplab_tls_server(fd, &cfg, &tls);
	if (rc) {
		fprintf(stderr, "TLS refused: %s\n", tcplab_tls_last_reason());
		return rc;
	}
	/* The kernel holds the keys: echo plaintext. */
	while ((n = tcplab_tls_recv(tls, buf, sizeof(buf), 0)) > 0)
		if (send(fd, buf, n, 0) != n)
			break;
	tcplab_tls_close(tls);
	tcplab_tls_free(tls);
	close(fd);
	close(l);
	return 0;
}
