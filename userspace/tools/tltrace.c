// SPDX-License-Identifier: GPL-2.0
/*
 * tltrace.c - parse tcplab's tracepoint lines (formats: module/trace.h).
 *
 * A tracefs line looks like
 *
 *   echo-server-97  [001] b..1.  12.345678: tcplab_state: sk=... A B X -> Y
 *
 * The part before the event name (task, CPU, flags, timestamp) varies
 * between kernels; only the timestamp, the number ending in ':' right
 * before the event name, is used.
 */
#include <stdlib.h>
#include <string.h>

#include "tltrace.h"

static double parse_ts(const char *line, const char *name)
{
	const char *p = name;

	while (p > line && p[-1] == ' ')
		p--;
	if (p == line || p[-1] != ':')
		return 0;
	p--;
	while (p > line && (p[-1] == '.' || (p[-1] >= '0' && p[-1] <= '9')))
		p--;
	return strtod(p, NULL);
}

/* "sk=X LOCAL REMOTE " at the start of every event; returns the rest. */
static const char *parse_tuple(const char *p, struct tl_ev *e)
{
	int n = 0;

	if (sscanf(p, " sk=%23s %63s %63s %n", e->sk, e->local, e->remote,
		   &n) != 3 || !n)
		return NULL;
	return p + n;
}

static bool parse_segment(const char *p, struct tl_ev *e)
{
	const char *close;
	size_t fl;

	if (*p != '[')
		return false;
	close = strchr(p, ']');
	if (!close)
		return false;
	fl = (size_t)(close - p - 1);
	if (fl >= sizeof(e->flags))
		return false;
	memcpy(e->flags, p + 1, fl);
	e->flags[fl] = 0;
	return sscanf(close + 1,
		      " seq=%u ack=%u win=%u len=%u iss=%u irs=%u state=%15s",
		      &e->seq, &e->ack, &e->win, &e->len, &e->iss, &e->irs,
		      e->state) == 7;
}

bool tl_parse_line(const char *line, struct tl_ev *e)
{
	static const struct {
		const char *name;
		enum tl_ev_kind kind;
	} names[] = {
		{ "tcplab_state: ", TL_EV_STATE },
		{ "tcplab_segment_out: ", TL_EV_OUT },
		{ "tcplab_segment_in: ", TL_EV_IN },
		{ "tcplab_retransmit: ", TL_EV_RETRANS },
		{ "tcplab_cc: ", TL_EV_CC },
		{ "tcplab_tls_record: ", TL_EV_TLS_REC },
		{ "tcplab_tls_key: ", TL_EV_TLS_KEY },
	};
	const char *p = NULL, *name = NULL;
	char dir[4] = "", ev[12] = "";
	size_t i;

	memset(e, 0, sizeof(*e));
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		name = strstr(line, names[i].name);
		if (name) {
			e->kind = names[i].kind;
			p = name + strlen(names[i].name);
			break;
		}
	}
	if (!p)
		return false;
	e->ts = parse_ts(line, name);
	p = parse_tuple(p, e);
	if (!p)
		return false;

	switch (e->kind) {
	case TL_EV_STATE:
		return sscanf(p, "%15s -> %15s", e->from, e->to) == 2;
	case TL_EV_OUT:
	case TL_EV_IN:
		return parse_segment(p, e);
	case TL_EV_RETRANS:
		return sscanf(p, "seq=%u len=%u iss=%u kind=%15s", &e->seq,
			      &e->len, &e->iss, e->kind_name) == 4;
	case TL_EV_CC:
		return sscanf(p, "cwnd=%u ssthresh=%u mss=%u srtt=%u rttvar=%u rto=%u inflight=%u ca=%15s event=%19s",
			      &e->cwnd, &e->ssthresh, &e->mss, &e->srtt,
			      &e->rttvar, &e->rto, &e->inflight, e->ca,
			      e->event) == 9;
	case TL_EV_TLS_REC:
		if (sscanf(p, "dir=%3s type=%u len=%u rec_seq=%llu tcp_seq=%u",
			   dir, &e->type, &e->len, &e->rec_seq,
			   &e->tcp_seq) != 5)
			return false;
		e->tx = !strcmp(dir, "tx");
		return true;
	case TL_EV_TLS_KEY:
		if (sscanf(p, "dir=%3s version=%x cipher=%u event=%11s", dir,
			   &e->version, &e->cipher, ev) != 4)
			return false;
		e->tx = !strcmp(dir, "tx");
		e->rekey = !strcmp(ev, "rekey");
		return true;
	}
	return false;
}

int tl_read_events(FILE *f, struct tl_ev **out)
{
	struct tl_ev *v = NULL, *nv;
	int n = 0, cap = 0;
	char line[1024];

	while (fgets(line, sizeof(line), f)) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			nv = realloc(v, (size_t)cap * sizeof(*v));
			if (!nv) {
				free(v);
				return -1;
			}
			v = nv;
		}
		if (tl_parse_line(line, &v[n]))
			n++;
	}
	*out = v;
	return n;
}

unsigned int tl_port(const char *addr)
{
	const char *c = strrchr(addr, ':');

	return c ? (unsigned int)atoi(c + 1) : 0;
}

void tl_flag_names(const char *f, char *out, size_t n)
{
	static const struct { char c; const char *name; } names[] = {
		{ 'S', "SYN" }, { 'F', "FIN" }, { 'R', "RST" },
		{ 'P', "PSH" }, { '.', "ACK" }, { 'U', "URG" },
		{ 'E', "ECE" }, { 'W', "CWR" },
	};
	size_t i;

	out[0] = 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strchr(f, names[i].c))
			continue;
		if (out[0])
			strncat(out, ",", n - strlen(out) - 1);
		strncat(out, names[i].name, n - strlen(out) - 1);
	}
	if (!out[0])
		snprintf(out, n, "(no flags)");
}

void tl_xml_escape(const char *s, char *out, size_t n)
{
	size_t o = 0;

	for (; *s && o + 7 < n; s++) {
		const char *r = NULL;

		switch (*s) {
		case '<':
			r = "&lt;";
			break;
		case '>':
			r = "&gt;";
			break;
		case '&':
			r = "&amp;";
			break;
		case '"':
			r = "&quot;";
			break;
		}
		if (r) {
			memcpy(out + o, r, strlen(r));
			o += strlen(r);
		} else {
			out[o++] = *s;
		}
	}
	out[o] = 0;
}
