// SPDX-License-Identifier: GPL-2.0
/*
 * tcplab-tls: TLS over a tcplab (or Linux TCP) socket, with the record
 * layer in the kernel and the handshake in libtcplab-tls.
 *
 *   tcplab-tls [OPTIONS] connect HOST:PORT    stdin/stdout <-> TLS, like nc
 *   tcplab-tls [OPTIONS] serve PORT           echo server (or --file/--stdio)
 *
 * The exit status tells why a connection was refused (see --help).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tcplab.h"
#include "tcplab_tls.h"

static struct {
	struct tcplab_tls_config tls;
	int family;
	const char *family_name;
	const char *bind_addr;
	const char *file;
	bool stdio, once, verbose;
	long long rekey_after;
} opt = { .bind_addr = "0.0.0.0", .rekey_after = -1 };

static void say(void *arg, const char *line)
{
	(void)arg;
	fprintf(stderr, "tcplab-tls: %s\n", line);
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: tcplab-tls [OPTIONS] connect HOST:PORT\n"
"       tcplab-tls [OPTIONS] serve PORT\n"
"       tcplab-tls [-f FAMILY] probe     can the kernel do TLS (and rekey)?\n"
"       tcplab-tls --help | --version\n"
"\n"
"connect bridges stdin and stdout to a TLS connection; serve answers each\n"
"connection (one after another): echo by default.\n"
"\n"
"  -f, --family inet|tcplab  the socket family (default: tcplab if loaded)\n"
"  -c, --ca FILE             trusted root(s), PEM (default: system store)\n"
"  -n, --name NAME           server name to check (default: HOST)\n"
"      --cert FILE --key FILE  our certificate chain and key\n"
"  -m, --mutual              serve: require a client certificate from --ca\n"
"      --crl FILE            also check this certificate revocation list\n"
"  -t, --tls 1.3|1.2|any     protocol version (default 1.3)\n"
"      --cipher SUITE        e.g. TLS_AES_256_GCM_SHA384,\n"
"                            TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\n"
"      --file FILE           serve: send FILE, then close\n"
"      --stdio               serve: bridge stdin/stdout (one connection)\n"
"  -1, --once                serve: exit after one connection\n"
"  -b, --bind ADDR           serve: local address (default 0.0.0.0)\n"
"      --rekey-after BYTES   TLS 1.3 KeyUpdate after sending BYTES\n"
"      --keylog FILE         append the session secrets to FILE (NSS key\n"
"                            log format, for Wireshark; as SSLKEYLOGFILE)\n"
"  -v, --verbose             explain each step of the handshake\n"
"\n"
"exit status: 0 ok, 1 system error, 2 usage, 10 handshake failed,\n"
"11 untrusted issuer, 12 expired, 13 not yet valid, 14 name mismatch,\n"
"15 self-signed, 16 revoked, 17 wrong key usage, 18 refused by the peer,\n"
"19 no client certificate, 20 kernel refused the keys, 21 cannot rekey\n");
}

static int refused(int rc)
{
	fprintf(stderr, "tcplab-tls: refused: %s\n", tcplab_tls_last_reason());
	return rc;
}

static void info_line(struct tcplab_tls *t)
{
	struct tcplab_tls_info in;

	tcplab_tls_get_info(t, &in);
	fprintf(stderr, "tcplab-tls: %s, %s, group %s; keys in the kernel\n",
		in.version, in.cipher, in.group);
}

static int send_all(struct tcplab_tls *t, const char *p, size_t n)
{
	while (n) {
		ssize_t w = tcplab_tls_send(t, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= w;
	}
	return 0;
}

/* Bytes waiting to go out on the connection. */
struct outq {
	char *p;
	size_t off, len, cap;
};

static int outq_add(struct outq *q, const char *p, size_t n)
{
	if (q->off == q->len)
		q->off = q->len = 0;
	if (q->len + n > q->cap) {
		size_t cap = q->cap ? q->cap : 65536;
		char *np;

		while (cap < q->len + n)
			cap *= 2;
		np = realloc(q->p, cap);
		if (!np)
			return -1;
		q->p = np;
		q->cap = cap;
	}
	memcpy(q->p + q->len, p, n);
	q->len += n;
	return 0;
}

/* Send what the socket takes now; -1 on error. */
static int outq_flush(struct tcplab_tls *t, struct outq *q)
{
	while (q->off < q->len) {
		ssize_t w = tcplab_tls_send(t, q->p + q->off, q->len - q->off,
					    MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			return 0;
		if (w <= 0)
			return -1;
		q->off += w;
	}
	return 0;
}

static void recv_error(void)
{
	fprintf(stderr, "tcplab-tls: receive: %s%s%s\n", strerror(errno),
		errno == ECONNRESET ? ": " : "",
		errno == ECONNRESET ? tcplab_tls_last_reason() : "");
}

/*
 * The peer's close_notify came first: give its FIN a moment (1 s) to
 * follow before we close.  The side that ended the TLS session then also
 * ends TCP first and keeps the TIME-WAIT, not us; without the wait, a
 * peer that sends close_notify and calls shutdown() a little later can
 * find our FIN already there.
 */
static void await_peer_fin(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLRDHUP };

	while (poll(&p, 1, 1000) < 0 && errno == EINTR)
		;
}

/*
 * Copy stdin to the connection and the connection to stdout, never
 * blocking on a send: a peer that echoes, or that is itself blocked
 * sending to us, waits for us to read.  So even the KeyUpdate and the
 * close_notify wait for POLLOUT here.
 */
static int bridge(struct tcplab_tls *t, int fd)
{
	static char buf[65536];
	struct outq q = { 0 };
	bool in_open = true, closing = false;
	long long sent = 0;
	int rc = 1;

	for (;;) {
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
				       { .fd = 0, .events = POLLIN } };
		bool pending = q.off < q.len;
		bool rekey = !pending && opt.rekey_after >= 0 &&
			     sent >= opt.rekey_after;
		bool want_out = pending || rekey || closing;
		bool want_in = in_open && !want_out;
		ssize_t n;

		if (want_out)
			p[0].events |= POLLOUT;
		if (poll(p, want_in ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			goto out;
		}
		if (p[0].revents & (POLLIN | POLLERR | POLLHUP)) {
			n = tcplab_tls_recv(t, buf, sizeof(buf), MSG_DONTWAIT);
			if (n < 0 && errno != EAGAIN && errno != EINTR) {
				recv_error();
				goto out;
			}
			if (n == 0) {
				if (in_open)
					await_peer_fin(fd);
				rc = 0;
				goto out;
			}
			if (n > 0 && fwrite(buf, 1, n, stdout) != (size_t)n)
				goto out;
			fflush(stdout);
		}
		if (!(p[0].revents & POLLOUT)) {
			/* nothing to send now */
		} else if (pending) {
			size_t before = q.off;

			if (outq_flush(t, &q))
				goto out;
			sent += q.off - before;
		} else if (rekey) {
			int r = tcplab_tls_rekey(t, true, MSG_DONTWAIT);

			if (r == TCPLAB_TLS_E_AGAIN)
				continue;
			opt.rekey_after = -1;
			if (r) {
				rc = refused(r);
				goto out;
			}
			if (opt.verbose)
				say(NULL, "KeyUpdate sent; the kernel now encrypts with the next key");
		} else if (closing) {
			/* End of our data: close_notify, then FIN. */
			closing = false;
			tcplab_tls_close(t);
			shutdown(fd, SHUT_WR);
		}
		if (want_in && p[1].revents) {
			n = read(0, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				in_open = false;
				closing = true;
				continue;
			}
			if (outq_add(&q, buf, n) || outq_flush(t, &q))
				goto out;
			sent += q.off;
		}
	}
out:
	free(q.p);
	return rc;
}

/* Send back all that arrives, buffering while the peer does not read. */
static int echo(struct tcplab_tls *t, int fd)
{
	static char buf[65536];
	struct outq q = { 0 };
	bool eof = false;
	int rc = 1;

	while (!eof || q.off < q.len) {
		struct pollfd p = { .fd = fd, .events = eof ? 0 : POLLIN };
		ssize_t n;

		if (q.off < q.len)
			p.events |= POLLOUT;
		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			goto out;
		}
		if (!eof && (p.revents & (POLLIN | POLLERR | POLLHUP))) {
			n = tcplab_tls_recv(t, buf, sizeof(buf), MSG_DONTWAIT);
			if (n < 0 && errno != EAGAIN && errno != EINTR) {
				recv_error();
				goto out;
			}
			if (n == 0)
				eof = true;
			if (n > 0 && outq_add(&q, buf, n))
				goto out;
		}
		if (outq_flush(t, &q))
			goto out;
	}
	tcplab_tls_close(t);
	rc = 0;
out:
	free(q.p);
	return rc;
}

static int send_file(struct tcplab_tls *t)
{
	static char buf[65536];
	int f = open(opt.file, O_RDONLY);
	ssize_t n;

	if (f < 0) {
		perror(opt.file);
		return 1;
	}
	while ((n = read(f, buf, sizeof(buf))) > 0)
		if (send_all(t, buf, n))
			break;
	close(f);
	tcplab_tls_close(t);
	return n == 0 ? 0 : 1;
}

/* Kernel TLS on this family?  0 yes, 1 no; says whether it can rekey. */
static int probe(void)
{
	int r = tcplab_tls_kernel_can_rekey(opt.family);

	printf("%s: kernel TLS %s; KeyUpdate (new keys on a live socket) %s\n",
	       opt.family_name, r < 0 ? "no" : "yes", r > 0 ? "yes" : "no");
	return r < 0;
}

static void summary(struct tcplab_tls *t)
{
	struct tcplab_tls_info in;

	if (!opt.verbose)
		return;
	tcplab_tls_get_info(t, &in);
	fprintf(stderr, "tcplab-tls: connection done; key updates: %u sent, %u received\n",
		in.rekeys_tx, in.rekeys_rx);
}

/* A port number, 1 to 65535, or -1. */
static int parse_port(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > 65535)
		return -1;
	return (int)v;
}

/* A byte count (0 or more) into *@v; 0 or -1. */
static int parse_bytes(const char *s, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	return errno || end == s || *end || *v < 0 ? -1 : 0;
}

static int parse_hostport(const char *arg, struct sockaddr_in *sin,
			  char *host, size_t hlen)
{
	struct addrinfo hints = { .ai_family = AF_INET,
				  .ai_socktype = SOCK_STREAM }, *ai;
	const char *colon = strrchr(arg, ':');

	if (!colon || (size_t)(colon - arg) >= hlen)
		return -1;
	memcpy(host, arg, colon - arg);
	host[colon - arg] = 0;
	/* A service name ("https") is fine; a number must be a port. */
	if (isdigit((unsigned char)colon[1]) && parse_port(colon + 1) < 0)
		return -1;
	if (getaddrinfo(host, colon + 1, &hints, &ai))
		return -1;
	memcpy(sin, ai->ai_addr, sizeof(*sin));
	freeaddrinfo(ai);
	return 0;
}

static int do_connect(const char *arg)
{
	struct sockaddr_in sin;
	struct tcplab_tls *t;
	char host[256];
	int fd, rc;

	if (parse_hostport(arg, &sin, host, sizeof(host))) {
		fprintf(stderr, "tcplab-tls: cannot resolve %s (want HOST:PORT)\n",
			arg);
		return TCPLAB_TLS_E_USAGE;
	}
	if (!opt.tls.server_name)
		opt.tls.server_name = host;
	fd = socket(opt.family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		fprintf(stderr, "tcplab-tls: connect %s: %s\n", arg,
			strerror(errno));
		return TCPLAB_TLS_E_SYSTEM;
	}
	if (opt.verbose)
		fprintf(stderr, "tcplab-tls: connected to %s over %s (fd %d)\n",
			arg, opt.family_name, fd);
	rc = tcplab_tls_client(fd, &opt.tls, &t);
	if (rc) {
		close(fd);
		return refused(rc);
	}
	if (opt.verbose)
		info_line(t);
	rc = bridge(t, fd);
	summary(t);
	tcplab_tls_free(t);
	close(fd);
	return rc;
}

static int do_serve(const char *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int l, one = 1, rc = 0, p = parse_port(port);

	if (p < 0) {
		fprintf(stderr, "tcplab-tls: bad port '%s' (1 to 65535)\n", port);
		return TCPLAB_TLS_E_USAGE;
	}
	sin.sin_port = htons(p);
	if (inet_pton(AF_INET, opt.bind_addr, &sin.sin_addr) != 1) {
		fprintf(stderr, "tcplab-tls: bad address %s\n", opt.bind_addr);
		return TCPLAB_TLS_E_USAGE;
	}
	l = socket(opt.family, SOCK_STREAM, 0);
	if (l < 0) {
		perror("tcplab-tls: socket");
		return TCPLAB_TLS_E_SYSTEM;
	}
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&sin, sizeof(sin)) || listen(l, 16)) {
		fprintf(stderr, "tcplab-tls: listen on %s:%s: %s\n",
			opt.bind_addr, port, strerror(errno));
		return TCPLAB_TLS_E_SYSTEM;
	}
	if (opt.verbose)
		fprintf(stderr, "tcplab-tls: listening on %s:%s over %s\n",
			opt.bind_addr, port, opt.family_name);
	for (;;) {
		struct tcplab_tls *t;
		int fd = accept(l, NULL, NULL);

		if (fd < 0) {
			if (errno == EINTR)
				continue;
			perror("tcplab-tls: accept");
			return TCPLAB_TLS_E_SYSTEM;
		}
		rc = tcplab_tls_server(fd, &opt.tls, &t);
		if (rc) {
			refused(rc);
		} else {
			if (opt.verbose)
				info_line(t);
			if (opt.stdio)
				rc = bridge(t, fd);
			else if (opt.file)
				rc = send_file(t);
			else
				rc = echo(t, fd);
			summary(t);
			tcplab_tls_free(t);
		}
		close(fd);
		if (opt.once || opt.stdio)
			break;
	}
	close(l);
	return rc;
}

int main(int argc, char **argv)
{
	enum { O_CERT = 256, O_KEY, O_CRL, O_CIPHER, O_FILE, O_STDIO, O_REKEY,
	       O_VERSION, O_KEYLOG };
	static const struct option lo[] = {
		{ "family", required_argument, NULL, 'f' },
		{ "ca", required_argument, NULL, 'c' },
		{ "name", required_argument, NULL, 'n' },
		{ "cert", required_argument, NULL, O_CERT },
		{ "key", required_argument, NULL, O_KEY },
		{ "mutual", no_argument, NULL, 'm' },
		{ "crl", required_argument, NULL, O_CRL },
		{ "tls", required_argument, NULL, 't' },
		{ "cipher", required_argument, NULL, O_CIPHER },
		{ "file", required_argument, NULL, O_FILE },
		{ "stdio", no_argument, NULL, O_STDIO },
		{ "once", no_argument, NULL, '1' },
		{ "bind", required_argument, NULL, 'b' },
		{ "rekey-after", required_argument, NULL, O_REKEY },
		{ "keylog", required_argument, NULL, O_KEYLOG },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	const char *family = NULL, *version = NULL;
	int c;

	signal(SIGPIPE, SIG_IGN);
	tcplab_tls_config_init(&opt.tls);
	while ((c = getopt_long(argc, argv, "f:c:n:mt:1b:vh", lo, NULL)) != -1) {
		switch (c) {
		case 'f': family = optarg; break;
		case 'c': opt.tls.ca_file = optarg; break;
		case 'n': opt.tls.server_name = optarg; break;
		case O_CERT: opt.tls.cert_file = optarg; break;
		case O_KEY: opt.tls.key_file = optarg; break;
		case 'm': opt.tls.require_client_cert = true; break;
		case O_CRL: opt.tls.crl_file = optarg; break;
		case 't': version = optarg; break;
		case O_CIPHER: opt.tls.cipher = optarg; break;
		case O_FILE: opt.file = optarg; break;
		case O_STDIO: opt.stdio = true; break;
		case '1': opt.once = true; break;
		case 'b': opt.bind_addr = optarg; break;
		case O_REKEY:
			if (parse_bytes(optarg, &opt.rekey_after)) {
				fprintf(stderr, "tcplab-tls: --rekey-after takes a number of bytes, not '%s'\n",
					optarg);
				return TCPLAB_TLS_E_USAGE;
			}
			break;
		case O_KEYLOG:
			/*
			 * GnuTLS writes the NSS key log itself to the file
			 * SSLKEYLOGFILE names, opened at its first secret:
			 * setting it before the handshake is all it takes.
			 */
			if (setenv("SSLKEYLOGFILE", optarg, 1)) {
				perror("tcplab-tls: setenv");
				return TCPLAB_TLS_E_SYSTEM;
			}
			break;
		case 'v': opt.verbose = true; break;
		case 'h': usage(stdout); return 0;
		case O_VERSION:
			printf("tcplab-tls %s\n", TCPLAB_VERSION);
			return 0;
		default: usage(stderr); return TCPLAB_TLS_E_USAGE;
		}
	}
	if (argc - optind != 2 &&
	    !(argc - optind == 1 && !strcmp(argv[optind], "probe"))) {
		usage(stderr);
		return TCPLAB_TLS_E_USAGE;
	}
	if (!version) {
		/* A TLS 1.2 suite implies TLS 1.2. */
		if (opt.tls.cipher && strstr(opt.tls.cipher, "_WITH_"))
			opt.tls.version = TCPLAB_TLS_V12;
	} else if (!strcmp(version, "1.2")) {
		opt.tls.version = TCPLAB_TLS_V12;
	} else if (!strcmp(version, "any")) {
		opt.tls.version = TCPLAB_TLS_VANY;
	} else if (strcmp(version, "1.3")) {
		fprintf(stderr, "tcplab-tls: --tls takes 1.3, 1.2 or any\n");
		return TCPLAB_TLS_E_USAGE;
	}
	if (!family || !strcmp(family, "tcplab")) {
		opt.family = tcplab_family();
		opt.family_name = "tcplab (the teaching TCP)";
		if (opt.family < 0) {
			if (family) {
				fprintf(stderr, "tcplab-tls: the tcplab module is not loaded\n");
				return TCPLAB_TLS_E_SYSTEM;
			}
			opt.family = AF_INET;
			opt.family_name = "Linux TCP (tcplab is not loaded)";
			fprintf(stderr, "tcplab-tls: warning: the tcplab module is not loaded; using Linux TCP\n");
		}
	} else if (!strcmp(family, "inet")) {
		opt.family = AF_INET;
		opt.family_name = "Linux TCP";
	} else {
		fprintf(stderr, "tcplab-tls: --family takes inet or tcplab\n");
		return TCPLAB_TLS_E_USAGE;
	}
	if (opt.verbose) {
		opt.tls.log = say;
		opt.verbose = true;
	}
	if (!strcmp(argv[optind], "probe"))
		return probe();
	if (!strcmp(argv[optind], "connect"))
		return do_connect(argv[optind + 1]);
	if (!strcmp(argv[optind], "serve"))
		return do_serve(argv[optind + 1]);
	usage(stderr);
	return TCPLAB_TLS_E_USAGE;
}
