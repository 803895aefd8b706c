// SPDX-License-Identifier: GPL-2.0
/*
 * tcplab-watch: a live view of /proc/net/tcplab, refreshing like
 * `watch ss -ti`.
 *
 *   tcplab-watch [-n] [-i SECS] [-a] [-p PORT] [-f FILE]
 *
 * The header line of /proc/net/tcplab names the columns; they are
 * looked up by name, so columns the module adds later (cwnd, ssthresh,
 * srtt, rto, TLS columns...) appear here without a change: every column
 * that is not on the "hidden" list below is shown (-a: all of them).
 * -n prints once and exits (for scripts and tests); -i sets the refresh
 * interval (default 1 s); -p keeps the sockets with PORT at either end;
 * -f reads another file (a saved copy).  Below the table: the counters
 * of /proc/net/tcplab_stats that changed since the last refresh.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tcplab_version.h"

#define MAX_COLS	48
#define MAX_ROWS	512
#define CELL		32
#define MAX_STATS	64

/* Columns that say little to a learner watching a connection. */
static const char *const hidden[] = { "uid", "inode", NULL };

struct table {
	int ncols, nrows;
	char head[MAX_COLS][CELL];
	char cell[MAX_ROWS][MAX_COLS][CELL];
};

static struct table tab;
static char stat_name[MAX_STATS][CELL];
static long stat_val[MAX_STATS];
static int nstats;

static int split(char *line, char out[][CELL], int max)
{
	char *tok, *save = NULL;
	int n = 0;

	for (tok = strtok_r(line, " \t\n", &save); tok && n < max;
	     tok = strtok_r(NULL, " \t\n", &save))
		snprintf(out[n++], CELL, "%s", tok);
	return n;
}

static int read_table(const char *path, struct table *t)
{
	char line[2048];
	FILE *f = fopen(path, "r");

	if (!f) {
		perror(path);
		return -1;
	}
	t->ncols = t->nrows = 0;
	if (fgets(line, sizeof(line), f))
		t->ncols = split(line, t->head, MAX_COLS);
	while (t->nrows < MAX_ROWS && fgets(line, sizeof(line), f)) {
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

static bool shown(const char *name, bool all)
{
	int i;

	for (i = 0; hidden[i] && !all; i++)
		if (!strcmp(hidden[i], name))
			return false;
	return true;
}

static bool has_port(const char *addr, unsigned int port)
{
	const char *c = strrchr(addr, ':');

	return c && (unsigned int)atoi(c + 1) == port;
}

static void print_table(const struct table *t, bool all, unsigned int port)
{
	int width[MAX_COLS], i, r, lc = col(t, "local_address"),
	    rc = col(t, "remote_address");

	for (i = 0; i < t->ncols; i++)
		width[i] = (int)strlen(t->head[i]);
	for (r = 0; r < t->nrows; r++)
		for (i = 0; i < t->ncols; i++)
			if ((int)strlen(t->cell[r][i]) > width[i])
				width[i] = (int)strlen(t->cell[r][i]);
	for (i = 0; i < t->ncols; i++)
		if (shown(t->head[i], all))
			printf("%-*s ", width[i], t->head[i]);
	putchar('\n');
	for (r = 0; r < t->nrows; r++) {
		if (port && lc >= 0 && rc >= 0 &&
		    !has_port(t->cell[r][lc], port) &&
		    !has_port(t->cell[r][rc], port))
			continue;
		for (i = 0; i < t->ncols; i++)
			if (shown(t->head[i], all))
				printf("%-*s ", width[i], t->cell[r][i]);
		putchar('\n');
	}
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
		"usage: tcplab-watch [-n] [-i SECS] [-a] [-p PORT] [-f FILE]\n"
		"       tcplab-watch --help | --version\n"
		"Shows /proc/net/tcplab every SECS (default 1); -n once; -a all\n"
		"columns; -p only sockets with PORT; -f another file.\n");
	exit(status);
}

int main(int argc, char **argv)
{
	const char *path = "/proc/net/tcplab";
	const char *stats = "/proc/net/tcplab_stats";
	unsigned int port = 0;
	bool once = false, all = false, first = true;
	double interval = 1;
	int opt;
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};

	while ((opt = getopt_long(argc, argv, "ni:ap:f:h", lo, NULL)) != -1) {
		switch (opt) {
		case 'n':
			once = true;
			break;
		case 'i':
			interval = atof(optarg);
			break;
		case 'a':
			all = true;
			break;
		case 'p':
			port = (unsigned int)atoi(optarg);
			break;
		case 'f':
			path = optarg;
			stats = NULL;
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 'V':
			printf("tcplab-watch %s\n", TCPLAB_VERSION);
			return 0;
		default:
			usage(stderr, 2);
		}
	}
	if (interval < 0.1)
		interval = 0.1;
	for (;;) {
		if (read_table(path, &tab))
			return 1;
		if (!once)
			printf("\033[H\033[2J");	/* home, clear */
		if (!once)
			printf("Every %.1fs: %s (Ctrl-C to stop)\n\n", interval,
			       path);
		print_table(&tab, all, port);
		if (stats)
			print_stats(stats, first);
		first = false;
		fflush(stdout);
		if (once)
			return 0;
		usleep((useconds_t)(interval * 1e6));
	}
}
