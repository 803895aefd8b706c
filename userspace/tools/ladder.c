// SPDX-License-Identifier: GPL-2.0
/*
 * tcplab-ladder: draw one TCP connection as a ladder diagram, from the
 * tcplab tracepoints (module/trace.h) recorded in tracefs.
 *
 *   tcplab-ladder [-p PORT] [TRACEFILE]
 *
 * TRACEFILE defaults to /sys/kernel/tracing/trace ("-" reads stdin).  The
 * connection drawn is the first one that opens with a SYN, or the first
 * with PORT at either end.  The client is drawn on the left, the server
 * on the right; every arrow is a real segment with its flags, relative
 * sequence and acknowledgment numbers and payload length; every RFC 9293
 * state change is written in the column of the end that changed.
 *
 * Both ends may be tcplab sockets (then each end's own "segment_out"
 * events are the arrows) or one end may be any other TCP (then tcplab's
 * "segment_in" events draw the peer's segments).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_EVENTS	100000
#define ADDR_LEN	48
#define ARROW_LEN	46

enum ev_kind { EV_STATE, EV_OUT, EV_IN };

struct event {
	enum ev_kind kind;
	char local[ADDR_LEN], remote[ADDR_LEN];
	char from[16], to[16];			/* EV_STATE */
	char flags[12];				/* segments */
	unsigned int seq, ack, win, len, iss, irs;
};

static struct event events[MAX_EVENTS];
static int nevents;

static void usage(void)
{
	fprintf(stderr,
		"usage: tcplab-ladder [-p PORT] [TRACEFILE|-]\n"
		"Draws a tcplab connection from its tracepoints. Record them with:\n"
		"  echo 1 > /sys/kernel/tracing/events/tcplab/enable\n");
	exit(2);
}

/* Parse one line of the trace; false if it is not a tcplab event. */
static bool parse_line(const char *line, struct event *e)
{
	const char *p;

	memset(e, 0, sizeof(*e));
	if ((p = strstr(line, "tcplab_state: "))) {
		e->kind = EV_STATE;
		return sscanf(p + 14, "sk=%*s %47s %47s %15s -> %15s", e->local,
			      e->remote, e->from, e->to) == 4;
	}
	if ((p = strstr(line, "tcplab_segment_out: ")))
		e->kind = EV_OUT;
	else if ((p = strstr(line, "tcplab_segment_in: ")))
		e->kind = EV_IN;
	else
		return false;
	p = strchr(p, ' ');
	return sscanf(p, " sk=%*s %47s %47s [%11[^]]] seq=%u ack=%u win=%u len=%u iss=%u irs=%u",
		      e->local, e->remote, e->flags, &e->seq, &e->ack, &e->win,
		      &e->len, &e->iss, &e->irs) == 9;
}

static unsigned int port_of(const char *addr)
{
	const char *c = strrchr(addr, ':');

	return c ? (unsigned int)atoi(c + 1) : 0;
}

/* "S." -> "SYN,ACK": the names a textbook uses. */
static void flag_names(const char *f, char *out, size_t n)
{
	static const struct { char c; const char *name; } names[] = {
		{ 'S', "SYN" }, { 'F', "FIN" }, { 'R', "RST" },
		{ 'P', "PSH" }, { '.', "ACK" }, { 'U', "URG" },
	};

	out[0] = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strchr(f, names[i].c))
			continue;
		if (out[0])
			strncat(out, ",", n - strlen(out) - 1);
		strncat(out, names[i].name, n - strlen(out) - 1);
	}
}

static void print_arrow(bool to_right, const char *label)
{
	char line[ARROW_LEN + 1];
	int len = (int)strlen(label), start;

	memset(line, '-', ARROW_LEN);
	line[ARROW_LEN] = 0;
	if (to_right)
		line[ARROW_LEN - 1] = '>';
	else
		line[0] = '<';
	start = (ARROW_LEN - len) / 2;
	if (start < 2)
		start = 2;
	for (int i = 0; i < len && start + i < ARROW_LEN - 2; i++)
		line[start + i] = label[i];
	if (start > 0)
		line[start - 1] = ' ';
	if (start + len < ARROW_LEN - 1)
		line[start + len] = ' ';
	printf("%-14s %s\n", "", line);
}

static void print_state(bool right, const char *state)
{
	if (right)
		printf("%-14s %*s %s\n", "", ARROW_LEN, "", state);
	else
		printf("%s\n", state);
}

int main(int argc, char **argv)
{
	const char *path = "/sys/kernel/tracing/trace";
	char client[ADDR_LEN] = "", server[ADDR_LEN] = "", line[1024];
	unsigned int want_port = 0, client_iss = 0, server_iss = 0;
	bool client_traced = false, server_traced = false;
	int opt, i;
	FILE *f;

	while ((opt = getopt(argc, argv, "p:h")) != -1) {
		if (opt == 'p')
			want_port = (unsigned int)atoi(optarg);
		else
			usage();
	}
	if (optind < argc)
		path = argv[optind];
	f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f) {
		perror(path);
		return 1;
	}
	while (nevents < MAX_EVENTS && fgets(line, sizeof(line), f))
		if (parse_line(line, &events[nevents]))
			nevents++;
	if (f != stdin)
		fclose(f);

	/* The connection: who sent the SYN is the client. */
	for (i = 0; i < nevents && !client[0]; i++) {
		struct event *e = &events[i];
		bool syn = strchr(e->flags, 'S') && !strchr(e->flags, '.');

		if (e->kind == EV_STATE || !syn)
			continue;
		if (want_port && port_of(e->local) != want_port &&
		    port_of(e->remote) != want_port)
			continue;
		strcpy(client, e->kind == EV_OUT ? e->local : e->remote);
		strcpy(server, e->kind == EV_OUT ? e->remote : e->local);
	}
	if (!client[0]) {
		fprintf(stderr, "tcplab-ladder: no connection opening (SYN) found in %s%s\n",
			path, want_port ? " for that port" : "");
		return 1;
	}

	/* Which ends did tcplab trace (their own segment_out events)? */
	for (i = 0; i < nevents; i++) {
		struct event *e = &events[i];

		if (e->kind != EV_OUT)
			continue;
		if (!strcmp(e->local, client) && !strcmp(e->remote, server)) {
			client_traced = true;
			client_iss = e->iss;
		}
		if (!strcmp(e->local, server) && !strcmp(e->remote, client)) {
			server_traced = true;
			server_iss = e->iss;
		}
	}
	for (i = 0; i < nevents; i++) {		/* ISS of an untraced end */
		struct event *e = &events[i];

		if (e->kind == EV_IN && !strcmp(e->local, client) && e->irs)
			server_iss = e->irs;
		if (e->kind == EV_IN && !strcmp(e->local, server) && e->irs)
			client_iss = e->irs;
	}

	printf("%-*s %s\n", 14 + ARROW_LEN + 1, client, server);
	printf("%-*s %s\n\n", 14 + ARROW_LEN + 1, "(client)", "(server)");
	for (i = 0; i < nevents; i++) {
		struct event *e = &events[i];
		bool from_client, to_right;
		char names[32], label[96];

		if (e->kind == EV_STATE) {
			if (!strcmp(e->local, client) && !strcmp(e->remote, server))
				print_state(false, e->to);
			else if (!strcmp(e->local, server) && !strcmp(e->remote, client))
				print_state(true, e->to);
			/* The listener the server's connection came from. */
			else if (port_of(e->local) == port_of(server) &&
				 !strcmp(e->to, "LISTEN"))
				print_state(true, e->to);
			continue;
		}
		if (!strcmp(e->local, client) && !strcmp(e->remote, server))
			from_client = e->kind == EV_OUT;
		else if (!strcmp(e->local, server) && !strcmp(e->remote, client))
			from_client = e->kind == EV_IN;
		else
			continue;
		/* Draw each segment once: from its sender's own event if traced. */
		if (e->kind == EV_IN && (from_client ? client_traced : server_traced))
			continue;
		to_right = from_client;
		flag_names(e->flags, names, sizeof(names));
		{
			unsigned int s0 = from_client ? client_iss : server_iss;
			unsigned int a0 = from_client ? server_iss : client_iss;
			int n = snprintf(label, sizeof(label), "%s seq=%u", names,
					 e->seq - s0);

			if (strchr(e->flags, '.'))
				n += snprintf(label + n, sizeof(label) - n, " ack=%u",
					      e->ack - a0);
			if (e->len)
				snprintf(label + n, sizeof(label) - n, " len=%u", e->len);
		}
		print_arrow(to_right, label);
	}
	return 0;
}
