// SPDX-License-Identifier: MIT
/*
 * tls_echo_client ADDRESS PORT CA_FILE MESSAGE: the echo client again,
 * but over TLS.  Three steps: connect (TCP, in the kernel), handshake
 * (libtcplab-tls checks the server's certificate against CA_FILE and
 * gives the keys to the kernel), then plain send()/recv(): the kernel
 * encrypts and decrypts.  Try it against tls_echo_server.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tcplab.h"
#include "tcplab_tls.h"

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	struct tcplab_tls_config cfg;
	struct tcplab_tls *tls;
	int family = tcplab_family(), fd, rc;
	size_t len, got = 0;
	char buf[4096];
	ssize_t n;

	tcplab_std_options(argc, argv, "ADDRESS PORT CA_FILE MESSAGE");
	if (argc < 5) {
		fprintf(stderr, "usage: %s ADDRESS PORT CA_FILE MESSAGE\n", argv[0]);
		return 2;
	}
	if (family < 0)
		family = AF_INET;	/* no tcplab: Linux TCP does the same */
	inet_pton(AF_INET, argv[1], &addr.sin_addr);
	addr.sin_port = htons(atoi(argv[2]));

	/* 1. TCP: the kernel's three-way handshake. */
	fd = socket(family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		perror("connect");
		return 1;
	}

	/* 2. TLS handshake; the certificate must name ADDRESS. */
	tcplab_tls_config_init(&cfg);
	cfg.ca_file = argv[3];
	cfg.server_name = argv[1];
	rc = tcplab_tls_client(fd, &cfg, &tls);
	if (rc) {
		fprintf(stderr, "TLS refused: %s\n", tcplab_tls_last_reason());
		return rc;
	}

	/* 3. Plaintext in, ciphertext on the wire. */
	len = strlen(argv[4]);
	if (len > sizeof(buf))
		len = sizeof(buf);
	if (send(fd, argv[4], len, 0) != (ssize_t)len) {
		perror("send");
		return 1;
	}
	while (got < len && (n = tcplab_tls_recv(tls, buf + got, len - got, 0)) > 0)
		got += n;
	printf("sent %zu bytes over TLS, the server echoed: %.*s\n", len,
	       (int)got, buf);
	tcplab_tls_close(tls);	/* close_notify alert */
	tcplab_tls_free(tls);
	close(fd);
	return got == len ? 0 : 1;
}
