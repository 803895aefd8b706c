// SPDX-License-Identifier: GPL-2.0
/*
 * tcplab-ccplot: congestion window and retransmission timeout over
 * time, from the tcplab_cc and tcplab_retransmit tracepoints.
 *
 *   tcplab-ccplot [-p PORT] [-o FILE.svg] [-q] [-j] [TRACEFILE|-]
 *
 * For every sending end that has tcplab_cc events (-p: with PORT at
 * either end) it prints the events as a table (-q: not) and, with -o,
 * draws two panels per sender in one SVG: cwnd and ssthresh in segments
 * (bytes / MSS) above, SRTT and RTO in milliseconds below, against
 * seconds since the sender's first event.  Losses, timeouts and
 * recovery are marked with vertical lines, retransmissions as red ticks,
 * so slow start, the ssthresh cut of fast recovery (RFC 5681 3.2) and the
 * collapse to one segment after a timeout (RFC 5681 3.1, RFC 6298 5.5)
 * can be seen.  An "infinite" initial ssthresh is not drawn.  -j prints
 * the same events as JSON instead of the table, for programs.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tltrace.h"
#include "tcplab_version.h"

#define MAX_SENDERS	16
#define W		760
#define PANEL_H		200
#define ML		70	/* left margin */
#define MR		20
#define GAP		60

struct sender {
	char local[TL_ADDR_LEN], remote[TL_ADDR_LEN];
	char ca[sizeof(((struct tl_ev *)0)->ca)];	/* the algorithm, last seen */
	int n;			/* cc events */
	double t0, t1;
};

static double segs(unsigned int bytes, unsigned int mss)
{
	return mss ? (double)bytes / mss : bytes;
}

static bool ssthresh_finite(const struct tl_ev *e)
{
	return e->ssthresh < 0x7fffffffu && (!e->mss ||
					     e->ssthresh / e->mss < 100000);
}

static bool mine(const struct sender *s, const struct tl_ev *e)
{
	return !strcmp(s->local, e->local) && !strcmp(s->remote, e->remote);
}

static int find_senders(struct tl_ev *ev, int n, struct sender *s,
			unsigned int port)
{
	int ns = 0, i, k;

	for (i = 0; i < n; i++) {
		if (ev[i].kind != TL_EV_CC)
			continue;
		if (port && tl_port(ev[i].local) != port &&
		    tl_port(ev[i].remote) != port)
			continue;
		for (k = 0; k < ns; k++)
			if (!strcmp(s[k].local, ev[i].local) &&
			    !strcmp(s[k].remote, ev[i].remote))
				break;
		if (k == ns) {
			if (ns == MAX_SENDERS)
				continue;
			memset(&s[ns], 0, sizeof(s[ns]));
			strcpy(s[ns].local, ev[i].local);
			strcpy(s[ns].remote, ev[i].remote);
			s[ns].t0 = ev[i].ts;
			ns++;
		}
		s[k].n++;
		s[k].t1 = ev[i].ts;
		snprintf(s[k].ca, sizeof(s[k].ca), "%s", ev[i].ca);
	}
	/* Retransmissions after the last cc event stay on the plot. */
	for (i = 0; i < n; i++)
		for (k = 0; k < ns; k++)
			if (ev[i].kind == TL_EV_RETRANS && mine(&s[k], &ev[i]) &&
			    ev[i].ts > s[k].t1)
				s[k].t1 = ev[i].ts;
	return ns;
}

static void table(const struct sender *s, struct tl_ev *ev, int n)
{
	int i;

	printf("%s -> %s\n", s->local, s->remote);
	printf("%9s %-15s %8s %9s %6s %9s %9s %8s\n", "time(s)", "event",
	       "cwnd", "ssthresh", "mss", "srtt(ms)", "rto(ms)", "inflight");
	for (i = 0; i < n; i++) {
		const struct tl_ev *e = &ev[i];
		char ss[16];

		if (!mine(s, e))
			continue;
		if (e->kind == TL_EV_RETRANS) {
			printf("%9.3f %-15s seq=%u len=%u (%s)\n", e->ts - s->t0,
			       "retransmit", e->seq - e->iss, e->len,
			       e->kind_name);
			continue;
		}
		if (e->kind != TL_EV_CC)
			continue;
		if (ssthresh_finite(e))
			snprintf(ss, sizeof(ss), "%u", e->ssthresh);
		else
			snprintf(ss, sizeof(ss), "inf");
		printf("%9.3f %-15s %8u %9s %6u %9.1f %9.1f %8u\n",
		       e->ts - s->t0, e->event, e->cwnd, ss, e->mss,
		       e->srtt / 1000.0, e->rto / 1000.0, e->inflight);
	}
}

/*
 * -j: one JSON object, {"senders": [...]}, each sender with its
 * addresses and its events in order: the cc events with every value
 * (ssthresh null while infinite; times in seconds since the sender's
 * first event, SRTT and RTO in microseconds) and the retransmissions.
 */
static void json(const struct sender *s, int ns, struct tl_ev *ev, int n)
{
	bool sep;
	int i, k;

	printf("{\"version\":\"%s\",\"senders\":[", TCPLAB_VERSION);
	for (k = 0; k < ns; k++) {
		printf("%s{\"local\":\"%s\",\"remote\":\"%s\",\"events\":[",
		       k ? "," : "", s[k].local, s[k].remote);
		sep = false;
		for (i = 0; i < n; i++) {
			const struct tl_ev *e = &ev[i];

			if (!mine(&s[k], e))
				continue;
			if (e->kind == TL_EV_RETRANS) {
				printf("%s{\"t\":%.6f,\"event\":\"retransmit\",\"seq\":%u,\"len\":%u,\"kind\":\"%s\"}",
				       sep ? "," : "", e->ts - s[k].t0,
				       e->seq - e->iss, e->len, e->kind_name);
			} else if (e->kind == TL_EV_CC) {
				printf("%s{\"t\":%.6f,\"event\":\"%s\",\"ca\":\"%s\",\"cwnd\":%u,",
				       sep ? "," : "", e->ts - s[k].t0, e->event,
				       e->ca, e->cwnd);
				if (ssthresh_finite(e))
					printf("\"ssthresh\":%u,", e->ssthresh);
				else
					printf("\"ssthresh\":null,");
				printf("\"mss\":%u,\"srtt_us\":%u,\"rttvar_us\":%u,\"rto_us\":%u,\"inflight\":%u}",
				       e->mss, e->srtt, e->rttvar, e->rto, e->inflight);
			} else {
				continue;
			}
			sep = true;
		}
		printf("]}");
	}
	printf("]}\n");
}

/* One panel: series drawn as steps (values hold until the next event). */
struct series {
	const char *name, *cls;
	double (*get)(const struct tl_ev *e, bool *ok);
};

static double get_cwnd(const struct tl_ev *e, bool *ok)
{
	*ok = true;
	return segs(e->cwnd, e->mss);
}

static double get_ssthresh(const struct tl_ev *e, bool *ok)
{
	*ok = ssthresh_finite(e);
	return segs(e->ssthresh, e->mss);
}

static double get_srtt(const struct tl_ev *e, bool *ok)
{
	*ok = e->srtt != 0;
	return e->srtt / 1000.0;
}

static double get_rto(const struct tl_ev *e, bool *ok)
{
	*ok = true;
	return e->rto / 1000.0;
}

static void panel(FILE *o, const struct sender *s, struct tl_ev *ev, int n,
		  int y0, const char *ylabel, const struct series *ser,
		  int nser)
{
	double span = (s->t1 > s->t0 ? s->t1 - s->t0 : 1) * 1.1, ymax = 1, v;
	int pw = W - ML - MR, i, k, tick;
	bool ok;

	for (i = 0; i < n; i++)
		for (k = 0; k < nser; k++)
			if (ev[i].kind == TL_EV_CC && mine(s, &ev[i])) {
				v = ser[k].get(&ev[i], &ok);
				if (ok && v > ymax)
					ymax = v;
			}
	ymax *= 1.1;
	fprintf(o, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"frame\"/>\n",
		ML, y0, pw, PANEL_H);
	for (tick = 0; tick <= 4; tick++) {
		int y = y0 + PANEL_H - tick * PANEL_H / 4;

		fprintf(o, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" class=\"axis\">%.1f</text>\n",
			ML - 4, y + 4, ymax * tick / 4);
		fprintf(o, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" class=\"axis\">%.2f</text>\n",
			ML + tick * pw / 4, y0 + PANEL_H + 14, span * tick / 4);
	}
	fprintf(o, "<text x=\"14\" y=\"%d\" class=\"axis\" transform=\"rotate(-90 14 %d)\" text-anchor=\"middle\">%s</text>\n",
		y0 + PANEL_H / 2, y0 + PANEL_H / 2, ylabel);
	/* Event markers and retransmissions. */
	for (i = 0; i < n; i++) {
		const struct tl_ev *e = &ev[i];
		double x = ML + (e->ts - s->t0) / span * pw;

		if (!mine(s, e))
			continue;
		if (e->kind == TL_EV_RETRANS)
			fprintf(o, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" class=\"rtx\"/>\n",
				x, y0 + PANEL_H, x, y0 + PANEL_H - 8);
		if (e->kind == TL_EV_CC && (!strcmp(e->event, "loss") ||
					    !strcmp(e->event, "rto") ||
					    !strcmp(e->event, "recovery_enter")))
			fprintf(o, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" class=\"mark\"><title>%s</title></line>\n",
				x, y0, x, y0 + PANEL_H, e->event);
	}
	for (k = 0; k < nser; k++) {
		bool started = false;
		double px = 0, py = 0;

		fprintf(o, "<path class=\"%s\" d=\"", ser[k].cls);
		for (i = 0; i < n; i++) {
			const struct tl_ev *e = &ev[i];
			double x, y;

			if (e->kind != TL_EV_CC || !mine(s, e))
				continue;
			v = ser[k].get(e, &ok);
			x = ML + (e->ts - s->t0) / span * pw;
			y = y0 + PANEL_H - v / ymax * PANEL_H;
			if (!ok) {
				started = false;
				continue;
			}
			if (started)
				fprintf(o, " L%.1f %.1f L%.1f %.1f", x, py, x, y);
			else
				fprintf(o, " M%.1f %.1f", x, y);
			started = true;
			px = x;
			py = y;
		}
		/* The last value holds to the end of the plot. */
		if (started && px < ML + pw)
			fprintf(o, " L%d %.1f", ML + pw, py);
		fprintf(o, "\"/>\n");
		fprintf(o, "<text x=\"%d\" y=\"%d\" class=\"legend %s\">%s</text>\n",
			ML + 10 + k * 160, y0 - 6, ser[k].cls, ser[k].name);
	}
}

static int svg(const char *path, struct sender *s, int ns, struct tl_ev *ev,
	       int n)
{
	static const struct series top[] = {
		{ "cwnd (segments)", "cwnd", get_cwnd },
		{ "ssthresh (segments)", "ssthresh", get_ssthresh },
	};
	static const struct series bottom[] = {
		{ "SRTT (ms)", "srtt", get_srtt },
		{ "RTO (ms)", "rto", get_rto },
	};
	int per = 2 * (PANEL_H + GAP) + 40, h = ns * per, k;
	FILE *o = fopen(path, "w");

	if (!o) {
		perror(path);
		return -1;
	}
	fprintf(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n"
		"<title>tcplab congestion window and RTO</title>\n"
		"<style>\n"
		"text { font-family: monospace; font-size: 12px; fill: #222; }\n"
		".axis { font-size: 10px; fill: #555; } .title { font-weight: bold; }\n"
		".frame { fill: none; stroke: #999; }\n"
		"path { fill: none; stroke-width: 2; }\n"
		"path.cwnd { stroke: #05a; } path.ssthresh { stroke: #a50; stroke-dasharray: 6 3; }\n"
		"path.srtt { stroke: #083; } path.rto { stroke: #c00; }\n"
		".legend.cwnd { fill: #05a; } .legend.ssthresh { fill: #a50; }\n"
		".legend.srtt { fill: #083; } .legend.rto { fill: #c00; }\n"
		".mark { stroke: #c00; stroke-dasharray: 2 3; } .rtx { stroke: #c00; stroke-width: 2; }\n"
		"</style>\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		W, h, W, h);
	for (k = 0; k < ns; k++) {
		int y0 = k * per;
		char title[256], esc[400];

		snprintf(title, sizeof(title), "sender %.47s -> %.47s, %s (%s)",
			 s[k].local, s[k].remote, s[k].ca,
			 "time in s; red: loss/timeout, ticks: retransmissions");
		tl_xml_escape(title, esc, sizeof(esc));
		fprintf(o, "<text x=\"%d\" y=\"%d\" class=\"title\">%s</text>\n",
			10, y0 + 18, esc);
		panel(o, &s[k], ev, n, y0 + 50, "segments", top, 2);
		panel(o, &s[k], ev, n, y0 + 50 + PANEL_H + GAP, "ms", bottom, 2);
	}
	fprintf(o, "</svg>\n");
	return fclose(o) ? -1 : 0;
}

/* --help: on stdout, status 0; a usage error: on stderr, status 2. */
static void usage(FILE *f, int status)
{
	fprintf(f,
		"usage: tcplab-ccplot [-p PORT] [-o FILE.svg] [-q] [-j] [TRACEFILE|-]\n"
		"       tcplab-ccplot --help | --version\n");
	exit(status);
}

int main(int argc, char **argv)
{
	struct sender s[MAX_SENDERS];
	const char *path = "/sys/kernel/tracing/trace", *out = NULL;
	unsigned int port = 0;
	bool quiet = false, as_json = false;
	struct tl_ev *ev;
	char *end;
	long v;
	int opt, n, ns, k;
	FILE *f;
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};

	while ((opt = getopt_long(argc, argv, "p:o:qjh", lo, NULL)) != -1) {
		switch (opt) {
		case 'p':
			v = strtol(optarg, &end, 10);
			if (end == optarg || *end || v < 1 || v > 65535) {
				fprintf(stderr, "tcplab-ccplot: -p takes a port, 1 to 65535, not '%s'\n",
					optarg);
				usage(stderr, 2);
			}
			port = (unsigned int)v;
			break;
		case 'j':
			as_json = true;
			break;
		case 'o':
			out = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 'V':
			printf("tcplab-ccplot %s\n", TCPLAB_VERSION);
			return 0;
		default:
			usage(stderr, 2);
		}
	}
	if (optind < argc)
		path = argv[optind];
	f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f) {
		perror(path);
		return 1;
	}
	n = tl_read_events(f, &ev);
	if (f != stdin)
		fclose(f);
	if (n < 0)
		return 1;
	ns = find_senders(ev, n, s, port);
	if (!ns) {
		fprintf(stderr, "tcplab-ccplot: no tcplab_cc events in %s (the congestion control tracepoint)\n",
			path);
		return 1;
	}
	if (as_json)
		json(s, ns, ev, n);
	for (k = 0; k < ns && !quiet && !as_json; k++)
		table(&s[k], ev, n);
	if (out && svg(out, s, ns, ev, n))
		return 1;
	return 0;
}
