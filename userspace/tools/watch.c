// SPDX-License-Identifier: GPL-2.0
/*
 * tcplab-watch: a live view of /proc/net/tcplab, refreshing like
 * `watch ss -tie`.
 *
 *   tcplab-watch [-1] [-n SECS] [-e] [-l] [-N NETNS] [--state STATE]...
 *                [--port PORT] [--file FILE] [-j]
 *
 * The options mean what they mean to ss(8) and watch(1), where those
 * have them: -n SECS is watch's interval, -e shows the uid and inode
 * columns as ss -e does, -l the listeners only as ss -l, -N the network
 * namespace as ss -N, and the output is always numeric (ss -n).  -1
 * prints once and exits (for scripts); --port keeps the sockets with
 * PORT at either end; --state keeps those in the states named (RFC 9293
 * names, as the table writes them; several times for several states);
 * --file reads a saved copy; -j prints once as JSON.
 *
 * The header line of /proc/net/tcplab names the columns; they are
 * looked up by name, so columns the module adds later appear here
 * without a change.  Rows are not limited: the table grows with the
 * file.  Below the table: the counters of /proc/net/tcplab_stats that
 * changed since the last refresh.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* setns() */
#endif
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "tcplab_version.h"

#define MAX_COLS	64
#define CELL		32
#define MAX_STATS	128
#define MAX_STATES	12

/* Columns that say little to a learner watching a connection (ss -e). */
static const char *const hidden[] = { "uid", "inode", NULL };

struct table {
	int ncols, nrows, cap;
	char head[MAX_COLS][CELL];
	char (*cell)[MAX_COLS][CELL];
};

static struct table tab;
static char stat_name[MAX_STATS][CELL];
static long stat_val[MAX_STATS];
static int nstats;

static struct {
	bool extended, listening, json;
	unsigned int port;
	const char *states[MAX_STATES];
	int nstates;
} sel;

/* Split @line into at most @max cells; -1 when it has more. */
static int split(char *line, char out[][CELL], int max)
{
	char *tok, *save = NULL;
	int n = 0;

	for (tok = strtok_r(line, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		if (n == max)
			return -1;
		snprintf(out[n++], CELL, "%s", tok);
	}
	return n;
}

static int read_table(const char *path, struct table *t)
{
	char line[4096];
	FILE *f = fopen(path, "r");

	if (!f) {
		perror(path);
		return -1;
	}
	t->ncols = t->nrows = 0;
	if (fgets(line, sizeof(line), f))
		t->ncols = split(line, t->head, MAX_COLS);
	if (t->ncols < 0) {
		fprintf(stderr, "tcplab-watch: %s has more than %d columns\n",
			path, MAX_COLS);
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (t->nrows == t->cap) {
			int cap = t->cap ? 2 * t->cap : 256;
			void *p = realloc(t->cell, sizeof(*t->cell) * cap);

			if (!p) {
				fprintf(stderr, "tcplab-watch: out of memory at %d rows\n",
					t->nrows);
				fclose(f);
				return -1;
			}
			t->cell = p;
			t->cap = cap;
		}
		memset(t->cell[t->nrows], 0, sizeof(t->cell[t->nrows]));
		if (split(line, t->cell[t->nrows], MAX_COLS) > 0)
			t->nrows++;
	}
	fclose(f);
	return 0;
}

static int col(const struct table *t, const char *name)
{
	int i;

	for (i = 0; i < t->ncols; i++)
		if (!strcmp(t->head[i], name))
			return i;
	return -1;
}

static bool shown(const char *name)
{
	int i;

	for (i = 0; hidden[i] && !sel.extended; i++)
		if (!strcmp(hidden[i], name))
			return false;
	return true;
}

static bool has_port(const char *addr, unsigned int port)
{
	const char *c = strrchr(addr, ':');

	return c && (unsigned int)atoi(c + 1) == port;
}

/* Is row @r one the user asked for? */
static bool wanted(const struct table *t, int r)
{
	int lc = col(t, "local_address"), rc = col(t, "remote_address");
	int sc = col(t, "state"), i;
	const char *state = sc >= 0 ? t->cell[r][sc] : "";

	if (sel.port && lc >= 0 && rc >= 0 &&
	    !has_port(t->cell[r][lc], sel.port) &&
	    !has_port(t->cell[r][rc], sel.port))
		return false;
	if (sel.listening && strcmp(state, "LISTEN"))
		return false;
	if (!sel.nstates)
		return true;
	for (i = 0; i < sel.nstates; i++)
		if (!strcasecmp(sel.states[i], state))
			return true;
	return false;
}

static void print_table(const struct table *t)
{
	int width[MAX_COLS], i, r;

	for (i = 0; i < t->ncols; i++)
		width[i] = (int)strlen(t->head[i]);
	for (r = 0; r < t->nrows; r++)
		for (i = 0; i < t->ncols; i++)
			if ((int)strlen(t->cell[r][i]) > width[i])
				width[i] = (int)strlen(t->cell[r][i]);
	for (i = 0; i < t->ncols; i++)
		if (shown(t->head[i]))
			printf("%-*s ", width[i], t->head[i]);
	putchar('\n');
	for (r = 0; r < t->nrows; r++) {
		if (!wanted(t, r))
			continue;
		for (i = 0; i < t->ncols; i++)
			if (shown(t->head[i]))
				printf("%-*s ", width[i], t->cell[r][i]);
		putchar('\n');
	}
}

/* A cell as a JSON value: a number when it is one, else a string. */
static void json_value(const char *s)
{
	const char *p = s + (*s == '-');

	if (*p && strspn(p, "0123456789") == strlen(p) &&
	    (p[0] != '0' || !p[1])) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		if ((unsigned char)*s >= 0x20)
			putchar(*s);
	}
	putchar('"');
}

static void print_json(const struct table *t, const char *stats)
{
	char line[256], name[CELL];
	bool sep = false;
	int i, r;
	long v;
	FILE *f;

	printf("{\"version\":\"%s\",\"sockets\":[", TCPLAB_VERSION);
	for (r = 0; r < t->nrows; r++) {
		if (!wanted(t, r))
			continue;
		printf("%s{", sep ? "," : "");
		sep = true;
		for (i = 0; i < t->ncols; i++) {
			printf("%s\"%s\":", i ? "," : "", t->head[i]);
			json_value(t->cell[r][i]);
		}
		putchar('}');
	}
	printf("],\"counters\":{");
	f = stats ? fopen(stats, "r") : NULL;
	sep = false;
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31[^:]: %ld", name, &v) != 2)
			continue;
		printf("%s\"%s\":%ld", sep ? "," : "", name, v);
		sep = true;
	}
	if (f)
		fclose(f);
	printf("}}\n");
}

/* The counters of tcplab_stats that moved since the last call. */
static void print_stats(const char *path, bool first)
{
	char line[256], name[CELL];
	bool any = false;
	long v;
	int i;
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31[^:]: %ld", name, &v) != 2)
			continue;
		for (i = 0; i < nstats; i++)
			if (!strcmp(stat_name[i], name))
				break;
		if (i == nstats) {
			if (nstats == MAX_STATS)
				continue;
			snprintf(stat_name[nstats++], CELL, "%s", name);
			stat_val[i] = v;
			if (!first)
				continue;
		}
		if (first || v != stat_val[i]) {
			if (!any)
				printf("\n%s", first ? "counters:" : "changed:");
			printf(" %s=%ld", name, v);
			if (!first && strncmp(name, "Sockets", 7))
				printf("(+%ld)", v - stat_val[i]);
			any = true;
		}
		stat_val[i] = v;
	}
	if (any)
		putchar('\n');
	fclose(f);
}

/* --help: on stdout, status 0; a usage error: on stderr, status 2. */
static void usage(FILE *f, int status)
{
	fprintf(f,
		"usage: tcplab-watch [-1] [-n SECS] [-e] [-l] [-N NETNS] [--state STATE]...\n"
		"                    [--port PORT] [--file FILE] [-j]\n"
		"       tcplab-watch --help | --version\n"
		"Shows /proc/net/tcplab every SECS seconds (default 1; -1: once) with\n"
		"the counters that changed.  -e also the uid and inode columns; -l\n"
		"listeners only; --state only sockets in STATE (LISTEN, ESTABLISHED,\n"
		"TIME-WAIT, ...; repeat for more); --port only sockets with PORT at\n"
		"either end; -N in the network namespace NETNS (ip netns); --file a\n"
		"saved copy of the table; -j once, as JSON.  Numbers are never\n"
		"resolved to names.\n");
	exit(status);
}

/* A number in [@lo, @hi]; a usage error otherwise. */
static double number(const char *opt, const char *s, double lo, double hi)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "tcplab-watch: %s takes a number from %g to %g, not '%s'\n",
			opt, lo, hi, s);
		usage(stderr, 2);
	}
	return v;
}

/* Enter the network namespace @name, as `ip netns exec` does. */
static int enter_netns(const char *name)
{
	char path[256];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		fprintf(stderr, "tcplab-watch: network namespace %s: %s\n",
			name, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	enum { O_STATE = 256, O_PORT, O_FILE, O_VERSION };
	const char *path = "/proc/net/tcplab";
	const char *stats = "/proc/net/tcplab_stats";
	bool once = false, first = true;
	double interval = 1;
	int opt;
	static const struct option lo[] = {
		{ "once", no_argument, NULL, '1' },
		{ "interval", required_argument, NULL, 'n' },
		{ "extended", no_argument, NULL, 'e' },
		{ "listening", no_argument, NULL, 'l' },
		{ "net", required_argument, NULL, 'N' },
		{ "state", required_argument, NULL, O_STATE },
		{ "port", required_argument, NULL, O_PORT },
		{ "file", required_argument, NULL, O_FILE },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};

	while ((opt = getopt_long(argc, argv, "1n:elN:jh", lo, NULL)) != -1) {
		switch (opt) {
		case '1':
			once = true;
			break;
		case 'n':
			interval = number("-n", optarg, 0.1, 86400);
			break;
		case 'e':
			sel.extended = true;
			break;
		case 'l':
			sel.listening = true;
			break;
		case 'N':
			if (enter_netns(optarg))
				return 1;
			break;
		case O_STATE:
			if (sel.nstates == MAX_STATES) {
				fprintf(stderr, "tcplab-watch: at most %d --state\n",
					MAX_STATES);
				usage(stderr, 2);
			}
			sel.states[sel.nstates++] = optarg;
			break;
		case O_PORT:
			sel.port = (unsigned int)number("--port", optarg, 1, 65535);
			break;
		case O_FILE:
			path = optarg;
			stats = NULL;
			break;
		case 'j':
			sel.json = true;
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case O_VERSION:
			printf("tcplab-watch %s\n", TCPLAB_VERSION);
			return 0;
		default:
			usage(stderr, 2);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "tcplab-watch: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr, 2);
	}
	for (;;) {
		if (read_table(path, &tab))
			return 1;
		if (sel.json) {
			print_json(&tab, stats);
			return 0;
		}
		if (!once) {
			printf("\033[H\033[2J");	/* home, clear */
			printf("Every %.1fs: %s (Ctrl-C to stop)\n\n", interval,
			       path);
		}
		print_table(&tab);
		if (stats)
			print_stats(stats, first);
		first = false;
		fflush(stdout);
		if (once)
			return 0;
		usleep((useconds_t)(interval * 1e6));
	}
}
