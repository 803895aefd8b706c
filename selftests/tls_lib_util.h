/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tls_lib_util.h - what the libtcplab-tls tests share: the family under
 * test (from the program's name), the two hosts of wire_util.h with
 * kernel TLS and a test PKI, and sockets on them.
 *
 * Such a test is installed twice: NAME_inet (Linux TCP + Linux kTLS, the
 * oracle) and NAME_tcplab; environment TLS_TEST_FAMILY=inet|tcplab
 * overrides the name.
 */
#ifndef _TLS_LIB_UTIL_H
#define _TLS_LIB_UTIL_H

#include <linux/tls.h>

#include "wire_util.h"
#include "tcplab_tls.h"

/* Made by tcplab-tls-pki once per boot, shared by the tests. */
#define PKI	"/tmp/tls_lib_pki"
#define OPENSSL	"openssl"

static inline bool family_is_lab(void)
{
	const char *e = getenv("TLS_TEST_FAMILY");
	const char *n = program_invocation_short_name;
	size_t l = strlen(n);

	if (e)
		return !strcmp(e, "tcplab");
	return l > 7 && !strcmp(n + l - 7, "_tcplab");
}

/* Set up what every test needs; 0, or 1 with *why for SKIP. */
static inline int tls_setup(struct wire *w, int *family, const char **why)
{
	w->root = w->a = w->b = -1;
	w->up = false;
	*family = AF_INET;
	if (family_is_lab()) {
		*family = tcplab_family();
		if (*family < 0) {
			*why = "tcplab module not loaded";
			return 1;
		}
	}
	wire_sh(WIRE_MODPROBE " -q tls");
	if (tcplab_tls_kernel_can_rekey(*family) < 0) {
		*why = family_is_lab() ?
			"no kernel TLS on tcplab sockets (record layer not merged?)" :
			"no kernel TLS (tls.ko)";
		return 1;
	}
	if (access(PKI "/done", F_OK)) {
		if (wire_sh("tcplab-tls-pki " PKI " >/dev/null") ||
		    wire_sh("touch " PKI "/done")) {
			*why = "cannot make the test PKI (certtool?)";
			return -1;
		}
	}
	return wire_up(w, why);
}

/* Connect from namespace A, retrying while the server starts (10 s). */
static inline int connect_retry(const struct wire *w, int family, int port)
{
	struct sockaddr_in sin = wire_sin(WIRE_ADDR_B, port);
	int i, fd;

	for (i = 0; i < 100; i++) {
		fd = wire_socket(w, w->a, family, SOCK_STREAM, 0);
		if (fd < 0)
			return -1;
		if (!connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
			return fd;
		close(fd);
		usleep(100 * 1000);
	}
	return -1;
}

/* A listener in namespace @nsfd (w->a or w->b) on @addr:@port. */
static inline int listen_on(const struct wire *w, int nsfd, int family,
			    const char *addr, int port)
{
	struct sockaddr_in sin = wire_sin(addr, port);
	int fd = wire_socket(w, nsfd, family, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, 4)) {
		close(fd);
		return -1;
	}
	return fd;
}

static inline int accept_timeout(int lfd, int secs)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };

	if (poll(&p, 1, secs * 1000) != 1)
		return -1;
	return accept(lfd, NULL, NULL);
}

#endif /* _TLS_LIB_UTIL_H */
