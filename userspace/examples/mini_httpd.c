// SPDX-License-Identifier: MIT
/*
 * mini_httpd: a tiny HTTP/1.0 file server on plain AF_INET sockets.
 *
 *   tcplab-mini-httpd PORT DIR
 *
 * It knows nothing of tcplab: run it with the preload shim
 * (LD_PRELOAD=/usr/lib/tcplab/libtcplab-preload.so) and it serves over the
 * teaching TCP, which is the point.  GET of a file directly in DIR, one
 * request per connection, one connection at a time; anything else gets 404.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tcplab_version.h"

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n <= 0)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

static void serve(int cfd, int dirfd)
{
	char req[1024], name[256], hdr[256], buf[65536];
	size_t got = 0;
	struct stat st;
	ssize_t n;
	int fd;

	/*
	 * Read the whole request (headers are ignored): closing a socket with
	 * unread data would make Linux TCP reset the connection.
	 */
	req[0] = '\0';
	while (got < sizeof(req) - 1 && !strstr(req, "\r\n\r\n") && !strstr(req, "\n\n")) {
		n = read(cfd, req + got, sizeof(req) - 1 - got);
		if (n <= 0)
			return;
		got += n;
		req[got] = '\0';
	}
	if (sscanf(req, "GET /%255[^ \r\n]", name) != 1 || strchr(name, '/') ||
	    name[0] == '.' || (fd = openat(dirfd, name, O_RDONLY)) < 0) {
		const char *nf = "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n";

		write_all(cfd, nf, strlen(nf));
		return;
	}
	fstat(fd, &st);
	snprintf(hdr, sizeof(hdr),
		 "HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n"
		 "Content-Length: %lld\r\nConnection: close\r\n\r\n",
		 (long long)st.st_size);
	if (!write_all(cfd, hdr, strlen(hdr)))
		while ((n = read(fd, buf, sizeof(buf))) > 0 && !write_all(cfd, buf, n))
			;
	close(fd);
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	int lfd, dirfd, one = 1;
	const char *name;

	/* Nothing of libtcplab here, not even its option helper. */
	name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("%s %s\n", name, TCPLAB_VERSION);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		printf("usage: %s PORT DIR\n", name);
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: %s PORT DIR\n", argv[0]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	dirfd = open(argv[2], O_RDONLY | O_DIRECTORY);
	if (dirfd < 0) {
		perror(argv[2]);
		return 1;
	}
	addr.sin_port = htons(atoi(argv[1]));
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) || listen(lfd, 16)) {
		perror("mini_httpd: socket/bind/listen");
		return 1;
	}
	for (;;) {
		int cfd = accept(lfd, NULL, NULL);

		if (cfd < 0) {
			perror("mini_httpd: accept");
			return 1;
		}
		serve(cfd, dirfd);
		close(cfd);
	}
}
