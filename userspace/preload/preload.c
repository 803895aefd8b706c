// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libtcplab-preload.so: run unmodified programs on tcplab.
 *
 *   LD_PRELOAD=/usr/lib/tcplab/libtcplab-preload.so curl http://192.0.2.2/
 *
 * socket(AF_INET, SOCK_STREAM[|SOCK_NONBLOCK|SOCK_CLOEXEC], 0 or IPPROTO_TCP)
 * becomes the same call in the tcplab family; every other socket is left
 * alone.  Nothing else needs changing: tcplab takes and returns ordinary
 * struct sockaddr_in, and accepted sockets are tcplab sockets already.
 *
 * When the module is not loaded the program keeps Linux TCP, with a note on
 * stderr (once); with TCPLAB_PRELOAD_STRICT=1 such a socket() call fails
 * with EAFNOSUPPORT instead.
 *
 * Statically linked programs (busybox-static) never see this library.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tcplab.h"

static int (*real_socket)(int, int, int);
static int lab_family = -1;	/* -1: module not loaded */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void setup(void)
{
	real_socket = (int (*)(int, int, int))dlsym(RTLD_NEXT, "socket");
	lab_family = tcplab_family();
}

static int is_inet_tcp(int domain, int type, int protocol)
{
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);

	return domain == AF_INET && base == SOCK_STREAM &&
	       (protocol == 0 || protocol == IPPROTO_TCP);
}

static int strict(void)
{
	const char *s = getenv("TCPLAB_PRELOAD_STRICT");

	return s && !strcmp(s, "1");
}

int socket(int domain, int type, int protocol)
{
	static int noted;

	pthread_once(&once, setup);
	if (!real_socket) {
		errno = ENOSYS;
		return -1;
	}
	if (!is_inet_tcp(domain, type, protocol))
		return real_socket(domain, type, protocol);
	if (lab_family >= 0)
		return real_socket(lab_family, type, protocol);
	if (strict()) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (!__atomic_exchange_n(&noted, 1, __ATOMIC_RELAXED))
		fprintf(stderr, "libtcplab-preload: tcplab module not loaded; using Linux TCP\n");
	return real_socket(domain, type, protocol);
}
