// SPDX-License-Identifier: MIT
/*
 * https_get ADDRESS PORT PATH [CA_FILE [NAME]]: a tiny HTTPS client.
 * GET PATH over TLS and print the response (headers and body) to stdout.
 * The certificate must be for NAME (default ADDRESS) and chain to
 * CA_FILE (default: the system's trusted roots).
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
	char req[1024], buf[16384];
	ssize_t n;

	tcplab_std_options(argc, argv, "ADDRESS PORT PATH [CA_FILE [NAME]]");
	if (argc < 4) {
		fprintf(stderr, "usage: %s ADDRESS PORT PATH [CA_FILE [NAME]]\n",
			argv[0]);
		return 2;
	}
	if (family < 0)
		family = AF_INET;
	inet_pton(AF_INET, argv[1], &addr.sin_addr);
	addr.sin_port = htons(atoi(argv[2]));
	fd = socket(family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		perror("connect");
		return 1;
	}
	tcplab_tls_config_init(&cfg);
	cfg.ca_file = argc > 4 ? argv[4] : NULL;
	cfg.server_name = argc > 5 ? argv[5] : argv[1];
	rc = tcplab_tls_client(fd, &cfg, &tls);
	if (rc) {
		fprintf(stderr, "TLS refused: %s\n", tcplab_tls_last_reason());
		return rc;
	}
	/* HTTP/1.0: the server closes when the response is complete. */
	snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n",
		 argv[3], cfg.server_name);
	send(fd, req, strlen(req), 0);
	while ((n = tcplab_tls_recv(tls, buf, sizeof(buf), 0)) > 0)
		fwrite(buf, 1, n, stdout);
	tcplab_tls_free(tls);
	close(fd);
	return n < 0;
}
