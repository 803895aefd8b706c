/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wire_script.h - the language of the wire scripts (doc/wire-scripts.md):
 * a script plays the remote peer's segments and the local program's
 * calls, one event a line, and says which segments the local stack must
 * send in return.  This file parses and prints scripts and encodes and
 * decodes TCP options; it does no I/O, so the host unit tests
 * (selftests/core/test_wire_script.c) run it as the guest's runner
 * (wire_script_test.c) does.
 *
 *   # comment
 *   %tolerance 0.05             timing tolerance in seconds
 *   %ignore-extra               segments the script does not expect are
 *                               skipped, not failures
 *   %sysctl inet net/ipv4/tcp_sack 0      a sysctl of one family's run
 *   0 socket(..., SOCK_STREAM, 0) = 3
 *   +0.1 < S 0:0(0) win 32792 <mss 1000,nop,nop,sackOK>
 *   +0 > S. 0:0(0) ack 1 win * <...>
 *   +0 write(4, ..., 1000) = 1000
 *   +0.3 quiet
 */
#ifndef _WIRE_SCRIPT_H
#define _WIRE_SCRIPT_H

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#define WS_FIN		0x01
#define WS_SYN		0x02
#define WS_RST		0x04
#define WS_PSH		0x08
#define WS_ACK		0x10

#define WS_MAX_OPTS	16
#define WS_MAX_ARGS	6
#define WS_MAX_SYSCTL	8
#define WS_ANY		(-1LL)		/* a value written "*" */

enum ws_kind { WS_IN, WS_OUT, WS_CALL, WS_QUIET };
enum ws_time { WS_T_ABS, WS_T_REL, WS_T_ANY };

enum ws_opt_kind {
	WS_OPT_EOL, WS_OPT_NOP, WS_OPT_MSS, WS_OPT_WSCALE, WS_OPT_SACKOK,
	WS_OPT_SACK, WS_OPT_TS,
};

struct ws_opt {
	int kind;
	int nval;
	long long val[8];	/* mss, wscale: 1; sack: edge pairs; TS: val ecr */
};

struct ws_seg {
	unsigned int flags;
	unsigned int start, end;	/* relative sequence numbers */
	bool has_ack;
	unsigned int ack;
	bool has_win;			/* false: any window (outgoing only) */
	long long win_lo, win_hi;
	bool opts_any;			/* "<...>": any options (outgoing only) */
	int nopts;
	struct ws_opt opt[WS_MAX_OPTS];
};

enum ws_sys {
	WS_SOCKET, WS_BIND, WS_LISTEN, WS_ACCEPT, WS_CONNECT, WS_WRITE,
	WS_READ, WS_CLOSE, WS_SHUTDOWN, WS_FCNTL, WS_SETSOCKOPT, WS_SEND,
	WS_POLL, WS_NSYS,
};

enum ws_arg_kind { WS_ARG_NUM, WS_ARG_DOTS, WS_ARG_BOX };

struct ws_arg {
	int kind;
	long long num;
	const char *sym;	/* the name it was written as, or NULL */
};

struct ws_call {
	int sys;
	int nargs;
	struct ws_arg arg[WS_MAX_ARGS];
	long long ret;
	long long ret_hi;	/* "= LOW..HIGH": any result in between */
	int err;		/* errno expected with a return of -1 */
};

struct ws_event {
	int line;
	int time;		/* enum ws_time */
	double t;
	int kind;		/* enum ws_kind */
	struct ws_seg seg;
	struct ws_call call;
};

struct ws_sysctl {
	char family[8];		/* "inet" or "tcplab" */
	char path[96];		/* under /proc/sys/ */
	char val[64];
};

struct ws_script {
	double tolerance;	/* seconds, before the time factor; 0: default */
	bool ignore_extra;
	int nsysctl;
	struct ws_sysctl sysctl[WS_MAX_SYSCTL];
	int nevents, cap;
	struct ws_event *ev;
	char err[200];		/* "line N: why" after a failed parse */
};

/* ---- names ---- */

struct ws_name {
	const char *name;
	long long val;
};

static const struct ws_name ws_syms[] = {
	{ "SOCK_STREAM", SOCK_STREAM }, { "SOCK_NONBLOCK", SOCK_NONBLOCK },
	{ "SHUT_RD", SHUT_RD }, { "SHUT_WR", SHUT_WR },
	{ "SHUT_RDWR", SHUT_RDWR }, { "F_GETFL", F_GETFL },
	{ "F_SETFL", F_SETFL }, { "O_NONBLOCK", O_NONBLOCK },
	{ "O_RDWR", O_RDWR }, { "SOL_SOCKET", SOL_SOCKET },
	{ "IPPROTO_TCP", IPPROTO_TCP }, { "SOL_TCP", IPPROTO_TCP },
	{ "SO_RCVBUF", SO_RCVBUF }, { "SO_SNDBUF", SO_SNDBUF },
	{ "SO_REUSEADDR", SO_REUSEADDR }, { "SO_KEEPALIVE", SO_KEEPALIVE },
	{ "TCP_NODELAY", TCP_NODELAY }, { "TCP_QUICKACK", TCP_QUICKACK },
	{ "TCP_MAXSEG", TCP_MAXSEG }, { "TCP_CORK", TCP_CORK },
	{ "SO_RCVLOWAT", SO_RCVLOWAT }, { "TCP_KEEPIDLE", TCP_KEEPIDLE },
	{ "TCP_KEEPINTVL", TCP_KEEPINTVL }, { "TCP_KEEPCNT", TCP_KEEPCNT },
	{ "TCP_SYNCNT", TCP_SYNCNT }, { "MSG_MORE", MSG_MORE },
	{ "MSG_DONTWAIT", MSG_DONTWAIT }, { "POLLIN", POLLIN },
	{ "POLLOUT", POLLOUT }, { "POLLERR", POLLERR }, { "POLLHUP", POLLHUP },
	{ NULL, 0 }
};

static const struct ws_name ws_errnos[] = {
	{ "EPERM", EPERM }, { "EBADF", EBADF }, { "EAGAIN", EAGAIN },
	{ "EFAULT", EFAULT }, { "EINVAL", EINVAL }, { "EPIPE", EPIPE },
	{ "ENOTSOCK", ENOTSOCK }, { "EDESTADDRREQ", EDESTADDRREQ },
	{ "EOPNOTSUPP", EOPNOTSUPP }, { "EADDRINUSE", EADDRINUSE },
	{ "EADDRNOTAVAIL", EADDRNOTAVAIL }, { "ECONNABORTED", ECONNABORTED },
	{ "ECONNRESET", ECONNRESET }, { "EISCONN", EISCONN },
	{ "ENOTCONN", ENOTCONN }, { "ETIMEDOUT", ETIMEDOUT },
	{ "ECONNREFUSED", ECONNREFUSED }, { "EALREADY", EALREADY },
	{ "EINPROGRESS", EINPROGRESS }, { "ENOPROTOOPT", ENOPROTOOPT },
	{ "EINTR", EINTR }, { "EPROTONOSUPPORT", EPROTONOSUPPORT },
	{ NULL, 0 }
};

/* The calls: name, number of arguments. */
static const struct {
	const char *name;
	int nargs;
} ws_sys_table[WS_NSYS] = {
	[WS_SOCKET] = { "socket", 3 },	[WS_BIND] = { "bind", 3 },
	[WS_LISTEN] = { "listen", 2 },	[WS_ACCEPT] = { "accept", 3 },
	[WS_CONNECT] = { "connect", 3 }, [WS_WRITE] = { "write", 3 },
	[WS_READ] = { "read", 3 },	[WS_CLOSE] = { "close", 1 },
	[WS_SHUTDOWN] = { "shutdown", 2 }, [WS_FCNTL] = { "fcntl", 3 },
	[WS_SETSOCKOPT] = { "setsockopt", 5 }, [WS_SEND] = { "send", 4 },
	[WS_POLL] = { "poll", 3 },
};

static inline const char *ws_errno_name(int err)
{
	const struct ws_name *n;

	for (n = ws_errnos; n->name; n++)
		if (n->val == err)
			return n->name;
	return "E?";
}

/* ---- the scanner ---- */

struct ws_cur {
	const char *p;
	char *err;		/* the script's err buffer */
	int line;
};

static inline void ws_skip(struct ws_cur *c)
{
	while (*c->p == ' ' || *c->p == '\t')
		c->p++;
}

static inline int ws_fail(struct ws_cur *c, const char *why)
{
	snprintf(c->err, 200, "line %d: %s at \"%.20s\"", c->line, why, c->p);
	return -1;
}

/* Consume @s (after blanks) if it comes next. */
static inline bool ws_eat(struct ws_cur *c, const char *s)
{
	size_t n = strlen(s);

	ws_skip(c);
	if (strncmp(c->p, s, n))
		return false;
	c->p += n;
	return true;
}

/* A word: letters, digits, '_' and '-'; its length, 0 if none. */
static inline int ws_word(struct ws_cur *c, char *buf, size_t len)
{
	size_t n = 0;

	ws_skip(c);
	while (isalnum((unsigned char)c->p[n]) || c->p[n] == '_' ||
	       c->p[n] == '-')
		n++;
	if (!n || n >= len)
		return 0;
	memcpy(buf, c->p, n);
	buf[n] = 0;
	c->p += n;
	return n;
}

/* An unsigned decimal number up to @max. */
static inline int ws_num(struct ws_cur *c, long long max, long long *v)
{
	long long x = 0;

	ws_skip(c);
	if (!isdigit((unsigned char)*c->p))
		return ws_fail(c, "number expected");
	while (isdigit((unsigned char)*c->p)) {
		x = x * 10 + (*c->p++ - '0');
		if (x > max)
			return ws_fail(c, "number too large");
	}
	*v = x;
	return 0;
}

/* A number or "*". */
static inline int ws_num_any(struct ws_cur *c, long long max, long long *v)
{
	if (ws_eat(c, "*")) {
		*v = WS_ANY;
		return 0;
	}
	return ws_num(c, max, v);
}

/* A time: "0.25", "+0.25", "*". */
static inline int ws_time(struct ws_cur *c, struct ws_event *e)
{
	char *end;

	ws_skip(c);
	if (ws_eat(c, "*")) {
		e->time = WS_T_ANY;
		return 0;
	}
	e->time = ws_eat(c, "+") ? WS_T_REL : WS_T_ABS;
	if (!isdigit((unsigned char)*c->p))
		return ws_fail(c, "time expected");
	e->t = strtod(c->p, &end);
	if (e->t > 3600)
		return ws_fail(c, "time too large");
	c->p = end;
	return 0;
}

/* ---- TCP options ---- */

static const char *const ws_opt_names[] = {
	[WS_OPT_EOL] = "eol", [WS_OPT_NOP] = "nop", [WS_OPT_MSS] = "mss",
	[WS_OPT_WSCALE] = "wscale", [WS_OPT_SACKOK] = "sackOK",
	[WS_OPT_SACK] = "sack", [WS_OPT_TS] = "TS",
};

/* Bytes @o takes on the wire. */
static inline int ws_opt_size(const struct ws_opt *o)
{
	switch (o->kind) {
	case WS_OPT_EOL:
	case WS_OPT_NOP:
		return 1;
	case WS_OPT_MSS:
		return 4;
	case WS_OPT_WSCALE:
		return 3;
	case WS_OPT_SACKOK:
		return 2;
	case WS_OPT_SACK:
		return 2 + 4 * o->nval;
	default:
		return 10;
	}
}

/* One option of a list, "mss 1000", "sack 1:1001 2001:3001", "TS val 1 ecr 0". */
static inline int ws_parse_opt(struct ws_cur *c, struct ws_opt *o)
{
	char w[16];
	int k;

	if (!ws_word(c, w, sizeof(w)))
		return ws_fail(c, "option expected");
	for (k = 0; k <= WS_OPT_TS; k++)
		if (!strcmp(w, ws_opt_names[k]))
			break;
	if (k > WS_OPT_TS)
		return ws_fail(c, "unknown option");
	o->kind = k;
	o->nval = 0;
	switch (k) {
	case WS_OPT_MSS:
		o->nval = 1;
		return ws_num_any(c, 65535, &o->val[0]);
	case WS_OPT_WSCALE:
		o->nval = 1;
		return ws_num_any(c, 14, &o->val[0]);
	case WS_OPT_SACK:
		do {
			if (o->nval == 8)
				return ws_fail(c, "more than 4 SACK blocks");
			if (ws_num(c, 0xffffffffLL, &o->val[o->nval]) ||
			    !ws_eat(c, ":") ||
			    ws_num(c, 0xffffffffLL, &o->val[o->nval + 1]))
				return ws_fail(c, "SACK block START:END expected");
			o->nval += 2;
			ws_skip(c);
		} while (isdigit((unsigned char)*c->p));
		o->nval /= 2;
		/* nval counts blocks from here on */
		return 0;
	case WS_OPT_TS:
		o->nval = 2;
		if (!ws_eat(c, "val") || ws_num_any(c, 0xffffffffLL, &o->val[0]) ||
		    !ws_eat(c, "ecr") || ws_num_any(c, 0xffffffffLL, &o->val[1]))
			return ws_fail(c, "TS val N ecr N expected");
		return 0;
	}
	return 0;
}

/* "<...>", "<>" or "<opt,opt,...>", the '<' not yet consumed. */
static inline int ws_parse_opts(struct ws_cur *c, struct ws_seg *s)
{
	int bytes = 0;

	s->nopts = 0;
	s->opts_any = false;
	if (!ws_eat(c, "<"))
		return ws_fail(c, "'<' expected");
	if (ws_eat(c, "...")) {
		s->opts_any = true;
		return ws_eat(c, ">") ? 0 : ws_fail(c, "'>' expected");
	}
	if (ws_eat(c, ">"))
		return 0;
	do {
		if (s->nopts == WS_MAX_OPTS)
			return ws_fail(c, "too many options");
		if (ws_parse_opt(c, &s->opt[s->nopts]))
			return -1;
		bytes += ws_opt_size(&s->opt[s->nopts++]);
	} while (ws_eat(c, ","));
	if (!ws_eat(c, ">"))
		return ws_fail(c, "',' or '>' expected");
	if (bytes > 40)
		return ws_fail(c, "options longer than 40 bytes");
	if (bytes % 4)
		return ws_fail(c, "options not a multiple of 4 bytes (add nop)");
	return 0;
}

static inline void ws_val_str(long long v, char *buf, size_t len)
{
	if (v == WS_ANY)
		snprintf(buf, len, "*");
	else
		snprintf(buf, len, "%lld", v);
}

/* The option list as a script writes it, with its "<>". */
static inline void ws_format_opts(const struct ws_seg *s, char *buf,
				  size_t len)
{
	size_t n;
	int i, j;

	if (s->opts_any) {
		snprintf(buf, len, "<...>");
		return;
	}
	n = snprintf(buf, len, "<");
	for (i = 0; i < s->nopts && n < len; i++) {
		const struct ws_opt *o = &s->opt[i];
		char a[16], b[16];

		n += snprintf(buf + n, len - n, "%s%s", i ? "," : "",
			      ws_opt_names[o->kind]);
		if (n >= len)
			break;
		switch (o->kind) {
		case WS_OPT_MSS:
		case WS_OPT_WSCALE:
			ws_val_str(o->val[0], a, sizeof(a));
			n += snprintf(buf + n, len - n, " %s", a);
			break;
		case WS_OPT_SACK:
			for (j = 0; j < o->nval && n < len; j++)
				n += snprintf(buf + n, len - n, " %lld:%lld",
					      o->val[2 * j], o->val[2 * j + 1]);
			break;
		case WS_OPT_TS:
			ws_val_str(o->val[0], a, sizeof(a));
			ws_val_str(o->val[1], b, sizeof(b));
			n += snprintf(buf + n, len - n, " val %s ecr %s", a, b);
			break;
		}
	}
	if (n < len)
		snprintf(buf + n, len - n, ">");
}

static inline void ws_put32(unsigned char *p, unsigned long long v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static inline unsigned int ws_get32(const unsigned char *p)
{
	return ((unsigned int)p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}

/*
 * The wire form of @s's options into @buf (40 bytes); the length.  SACK
 * edges are absolute here: the runner has added the ISN.  "*" values
 * go out as 0 (a script's incoming segment has none: the parser sees to
 * it).
 */
static inline int ws_opts_encode(const struct ws_seg *s, unsigned char *buf)
{
	int i, j, n = 0;

	for (i = 0; i < s->nopts; i++) {
		const struct ws_opt *o = &s->opt[i];
		long long v0 = o->val[0] == WS_ANY ? 0 : o->val[0];
		long long v1 = o->val[1] == WS_ANY ? 0 : o->val[1];

		switch (o->kind) {
		case WS_OPT_EOL:
			buf[n++] = 0;
			break;
		case WS_OPT_NOP:
			buf[n++] = 1;
			break;
		case WS_OPT_MSS:
			buf[n++] = 2;
			buf[n++] = 4;
			buf[n++] = v0 >> 8;
			buf[n++] = v0;
			break;
		case WS_OPT_WSCALE:
			buf[n++] = 3;
			buf[n++] = 3;
			buf[n++] = v0;
			break;
		case WS_OPT_SACKOK:
			buf[n++] = 4;
			buf[n++] = 2;
			break;
		case WS_OPT_SACK:
			buf[n++] = 5;
			buf[n++] = 2 + 8 * o->nval;
			for (j = 0; j < 2 * o->nval; j++, n += 4)
				ws_put32(buf + n, o->val[j]);
			break;
		case WS_OPT_TS:
			buf[n++] = 8;
			buf[n++] = 10;
			ws_put32(buf + n, v0);
			ws_put32(buf + n + 4, v1);
			n += 8;
			break;
		}
	}
	return n;
}

/* Options of a received segment into @s's list; -1 if malformed. */
static inline int ws_opts_decode(const unsigned char *p, int len,
				 struct ws_seg *s)
{
	int i = 0, j;

	s->nopts = 0;
	s->opts_any = false;
	while (i < len) {
		struct ws_opt *o = &s->opt[s->nopts];
		int olen;

		if (s->nopts == WS_MAX_OPTS)
			return -1;
		o->nval = 0;
		if (p[i] == 0 || p[i] == 1) {
			o->kind = p[i] ? WS_OPT_NOP : WS_OPT_EOL;
			s->nopts++;
			i++;
			continue;
		}
		if (i + 1 >= len || p[i + 1] < 2 || i + p[i + 1] > len)
			return -1;
		olen = p[i + 1];
		switch (p[i]) {
		case 2:
			if (olen != 4)
				return -1;
			o->kind = WS_OPT_MSS;
			o->nval = 1;
			o->val[0] = (p[i + 2] << 8) | p[i + 3];
			break;
		case 3:
			if (olen != 3)
				return -1;
			o->kind = WS_OPT_WSCALE;
			o->nval = 1;
			o->val[0] = p[i + 2];
			break;
		case 4:
			if (olen != 2)
				return -1;
			o->kind = WS_OPT_SACKOK;
			break;
		case 5:
			if ((olen - 2) % 8 || olen > 34)
				return -1;
			o->kind = WS_OPT_SACK;
			o->nval = (olen - 2) / 8;
			for (j = 0; j < 2 * o->nval; j++)
				o->val[j] = ws_get32(p + i + 2 + 4 * j);
			break;
		case 8:
			if (olen != 10)
				return -1;
			o->kind = WS_OPT_TS;
			o->nval = 2;
			o->val[0] = ws_get32(p + i + 2);
			o->val[1] = ws_get32(p + i + 6);
			break;
		default:
			return -1;
		}
		s->nopts++;
		i += olen;
	}
	return 0;
}

/*
 * Whether @got (decoded, SACK edges made relative) has the options @want
 * asks for: the same list in the same order, "*" matching any value.
 */
static inline bool ws_opts_match(const struct ws_seg *want,
				 const struct ws_seg *got)
{
	int i, j;

	if (want->opts_any)
		return true;
	if (want->nopts != got->nopts)
		return false;
	for (i = 0; i < want->nopts; i++) {
		const struct ws_opt *a = &want->opt[i], *b = &got->opt[i];
		int nv = a->kind == WS_OPT_SACK ? 2 * a->nval : a->nval;

		if (a->kind != b->kind || a->nval != b->nval)
			return false;
		for (j = 0; j < nv; j++)
			if (a->val[j] != WS_ANY && a->val[j] != b->val[j])
				return false;
	}
	return true;
}

/* ---- segments ---- */

static const struct {
	char c;
	unsigned int bit;
} ws_flag_chars[] = {
	{ 'S', WS_SYN }, { 'F', WS_FIN }, { 'R', WS_RST }, { 'P', WS_PSH },
	{ '.', WS_ACK },
};

static inline int ws_parse_seg(struct ws_cur *c, struct ws_event *e)
{
	struct ws_seg *s = &e->seg;
	long long a, b, n;
	bool out = e->kind == WS_OUT;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	ws_skip(c);
	while (*c->p && *c->p != ' ' && *c->p != '\t') {
		for (i = 0; i < 5; i++)
			if (*c->p == ws_flag_chars[i].c)
				break;
		if (i == 5 || (s->flags & ws_flag_chars[i].bit))
			return ws_fail(c, "flags are S F R P . each at most once");
		s->flags |= ws_flag_chars[i].bit;
		c->p++;
	}
	if (!s->flags)
		return ws_fail(c, "flags expected");
	if (ws_num(c, 0xffffffffLL, &a) || !ws_eat(c, ":") ||
	    ws_num(c, 0xffffffffLL, &b) || !ws_eat(c, "(") ||
	    ws_num(c, 65535, &n) || !ws_eat(c, ")"))
		return ws_fail(c, "START:END(LENGTH) expected");
	if (b < a || b - a != n)
		return ws_fail(c, "END - START is not LENGTH");
	s->start = a;
	s->end = b;
	if (ws_eat(c, "ack")) {
		if (ws_num(c, 0xffffffffLL, &a))
			return -1;
		s->has_ack = true;
		s->ack = a;
	}
	if ((s->flags & WS_ACK) != (s->has_ack ? WS_ACK : 0))
		return ws_fail(c, "'ack N' goes with the '.' flag and only with it");
	s->win_lo = 65535;
	s->win_hi = 65535;
	s->has_win = !out;
	if (ws_eat(c, "win")) {
		if (ws_eat(c, "*")) {
			if (!out)
				return ws_fail(c, "an incoming segment needs a window");
			s->has_win = false;
		} else {
			if (ws_num(c, 65535, &s->win_lo))
				return -1;
			s->win_hi = s->win_lo;
			if (ws_eat(c, "..")) {
				if (!out)
					return ws_fail(c, "a window range is for outgoing segments");
				if (ws_num(c, 65535, &s->win_hi) ||
				    s->win_hi < s->win_lo)
					return ws_fail(c, "window range LOW..HIGH expected");
			}
			s->has_win = true;
		}
	}
	ws_skip(c);
	if (*c->p == '<' && ws_parse_opts(c, s))
		return -1;
	if (!out) {
		int i, j;

		if (s->opts_any)
			return ws_fail(c, "an incoming segment cannot have \"<...>\"");
		for (i = 0; i < s->nopts; i++)
			for (j = 0; j < 2; j++)
				if (s->opt[i].val[j] == WS_ANY && j < s->opt[i].nval)
					return ws_fail(c, "an incoming segment cannot have \"*\" values");
	}
	return 0;
}

static inline void ws_flags_str(unsigned int f, char *buf)
{
	int i, n = 0;

	for (i = 0; i < 5; i++)
		if (f & ws_flag_chars[i].bit)
			buf[n++] = ws_flag_chars[i].c;
	buf[n] = 0;
}

/* A segment as a script writes it (without direction and time). */
static inline void ws_format_seg(const struct ws_seg *s, char *buf,
				 size_t len)
{
	char f[8], w[32], o[256];

	ws_flags_str(s->flags, f);
	if (!s->has_win)
		snprintf(w, sizeof(w), " win *");
	else if (s->win_lo != s->win_hi)
		snprintf(w, sizeof(w), " win %lld..%lld", s->win_lo, s->win_hi);
	else
		snprintf(w, sizeof(w), " win %lld", s->win_lo);
	o[0] = 0;
	if (s->opts_any || s->nopts) {
		o[0] = ' ';
		ws_format_opts(s, o + 1, sizeof(o) - 1);
	}
	if (s->has_ack)
		snprintf(buf, len, "%s %u:%u(%u) ack %u%s%s", f, s->start,
			 s->end, s->end - s->start, s->ack, w, o);
	else
		snprintf(buf, len, "%s %u:%u(%u)%s%s", f, s->start, s->end,
			 s->end - s->start, w, o);
}

/* ---- calls ---- */

static inline int ws_parse_arg(struct ws_cur *c, struct ws_arg *a)
{
	const struct ws_name *n;
	char w[32];

	a->sym = NULL;
	a->kind = WS_ARG_NUM;
	ws_skip(c);
	if (ws_eat(c, "...")) {
		a->kind = WS_ARG_DOTS;
		return 0;
	}
	if (ws_eat(c, "[")) {
		a->kind = WS_ARG_BOX;
		if (ws_num(c, 0x7fffffffLL, &a->num) || !ws_eat(c, "]"))
			return ws_fail(c, "[NUMBER] expected");
		return 0;
	}
	if (isdigit((unsigned char)*c->p))
		return ws_num(c, 0x7fffffffLL, &a->num);
	if (!ws_word(c, w, sizeof(w)))
		return ws_fail(c, "argument expected");
	for (n = ws_syms; n->name; n++)
		if (!strcmp(n->name, w)) {
			a->num = n->val;
			a->sym = n->name;
			return 0;
		}
	return ws_fail(c, "unknown name");
}

/*
 * What each call takes: 'f' a script fd, 'n' a number or name, '.'
 * "...", 'b' "[N]".
 */
static const char *const ws_sys_args[WS_NSYS] = {
	[WS_SOCKET] = ".nn", [WS_BIND] = "f..", [WS_LISTEN] = "fn",
	[WS_ACCEPT] = "f..", [WS_CONNECT] = "f..", [WS_WRITE] = "f.n",
	[WS_READ] = "f.n", [WS_CLOSE] = "f", [WS_SHUTDOWN] = "fn",
	[WS_FCNTL] = "fnn", [WS_SETSOCKOPT] = "fnnbn", [WS_SEND] = "f.nn",
	[WS_POLL] = "fnn",
};

static inline int ws_parse_call(struct ws_cur *c, struct ws_call *k,
				const char *name)
{
	const char *want;
	long long v;
	char w[32];
	int i;

	memset(k, 0, sizeof(*k));
	for (i = 0; i < WS_NSYS; i++)
		if (!strcmp(name, ws_sys_table[i].name))
			break;
	if (i == WS_NSYS)
		return ws_fail(c, "unknown call");
	k->sys = i;
	want = ws_sys_args[i];
	if (!ws_eat(c, "("))
		return ws_fail(c, "'(' expected");
	for (i = 0; i < ws_sys_table[k->sys].nargs; i++) {
		struct ws_arg *a = &k->arg[i];

		if (i && !ws_eat(c, ","))
			return ws_fail(c, "',' expected");
		if (ws_parse_arg(c, a))
			return -1;
		if ((want[i] == '.') != (a->kind == WS_ARG_DOTS) ||
		    (want[i] == 'b') != (a->kind == WS_ARG_BOX) ||
		    (want[i] == 'f' && a->sym))
			return ws_fail(c, "wrong kind of argument");
	}
	k->nargs = i;
	if (!ws_eat(c, ")"))
		return ws_fail(c, "')' expected (wrong number of arguments?)");
	if (!ws_eat(c, "="))
		return ws_fail(c, "'= RESULT' expected");
	if (ws_eat(c, "-1")) {
		k->ret = -1;
		if (!ws_word(c, w, sizeof(w)))
			return ws_fail(c, "an errno name after -1 expected");
		for (i = 0; ws_errnos[i].name; i++)
			if (!strcmp(w, ws_errnos[i].name))
				break;
		if (!ws_errnos[i].name)
			return ws_fail(c, "unknown errno name");
		k->err = ws_errnos[i].val;
		return 0;
	}
	if (ws_num(c, 0x7fffffffLL, &v))
		return -1;
	k->ret = v;
	k->ret_hi = v;
	/* A count the kernel chooses, as a write into a full buffer. */
	if (ws_eat(c, "..")) {
		if (ws_num(c, 0x7fffffffLL, &k->ret_hi) || k->ret_hi < v)
			return ws_fail(c, "result range LOW..HIGH expected");
		if (k->sys == WS_SOCKET || k->sys == WS_ACCEPT)
			return ws_fail(c, "an fd cannot be a range");
	}
	return 0;
}

static inline void ws_format_call(const struct ws_call *k, char *buf,
				  size_t len)
{
	size_t n;
	int i;

	n = snprintf(buf, len, "%s(", ws_sys_table[k->sys].name);
	for (i = 0; i < k->nargs && n < len; i++) {
		const struct ws_arg *a = &k->arg[i];
		const char *sep = i ? ", " : "";

		if (a->kind == WS_ARG_DOTS)
			n += snprintf(buf + n, len - n, "%s...", sep);
		else if (a->kind == WS_ARG_BOX)
			n += snprintf(buf + n, len - n, "%s[%lld]", sep, a->num);
		else if (a->sym)
			n += snprintf(buf + n, len - n, "%s%s", sep, a->sym);
		else
			n += snprintf(buf + n, len - n, "%s%lld", sep, a->num);
	}
	if (n >= len)
		return;
	if (k->ret == -1)
		snprintf(buf + n, len - n, ") = -1 %s", ws_errno_name(k->err));
	else if (k->ret_hi != k->ret)
		snprintf(buf + n, len - n, ") = %lld..%lld", k->ret, k->ret_hi);
	else
		snprintf(buf + n, len - n, ") = %lld", k->ret);
}

/* ---- lines and scripts ---- */

static inline int ws_directive(struct ws_script *s, struct ws_cur *c)
{
	struct ws_sysctl *y;
	char w[24];
	char *end;

	if (!ws_word(c, w, sizeof(w)))
		return ws_fail(c, "directive expected");
	if (!strcmp(w, "tolerance")) {
		ws_skip(c);
		s->tolerance = strtod(c->p, &end);
		if (end == c->p || s->tolerance <= 0 || s->tolerance > 10)
			return ws_fail(c, "tolerance in seconds (0 to 10) expected");
		c->p = end;
		return 0;
	}
	if (!strcmp(w, "ignore-extra")) {
		s->ignore_extra = true;
		return 0;
	}
	if (strcmp(w, "sysctl"))
		return ws_fail(c, "unknown directive");
	if (s->nsysctl == WS_MAX_SYSCTL)
		return ws_fail(c, "too many sysctls");
	y = &s->sysctl[s->nsysctl];
	if (!ws_word(c, y->family, sizeof(y->family)) ||
	    (strcmp(y->family, "inet") && strcmp(y->family, "tcplab")))
		return ws_fail(c, "sysctl FAMILY PATH VALUE: inet or tcplab");
	ws_skip(c);
	/* The value is the rest of the line: tcp_rmem takes three numbers. */
	if (sscanf(c->p, "%95s %63[^#]", y->path, y->val) != 2 ||
	    strstr(y->path, ".."))
		return ws_fail(c, "sysctl FAMILY PATH VALUE expected");
	y->val[strcspn(y->val, "\n")] = 0;
	while (*y->val && y->val[strlen(y->val) - 1] == ' ')
		y->val[strlen(y->val) - 1] = 0;
	c->p += strcspn(c->p, "#");
	s->nsysctl++;
	return 0;
}

/* Parse one line (without its newline) into @s. */
static inline int ws_parse_line(struct ws_script *s, const char *line,
				int lineno)
{
	struct ws_cur c = { .p = line, .err = s->err, .line = lineno };
	struct ws_event *e;
	char w[32];

	ws_skip(&c);
	if (!*c.p || *c.p == '#')
		return 0;
	if (ws_eat(&c, "%")) {
		if (ws_directive(s, &c))
			return -1;
		goto end;
	}
	if (s->nevents == s->cap) {
		int cap = s->cap ? 2 * s->cap : 32;
		struct ws_event *ev = realloc(s->ev, cap * sizeof(*ev));

		if (!ev)
			return ws_fail(&c, "out of memory");
		s->ev = ev;
		s->cap = cap;
	}
	e = &s->ev[s->nevents];
	memset(e, 0, sizeof(*e));
	e->line = lineno;
	if (ws_time(&c, e))
		return -1;
	if (ws_eat(&c, "<") || ws_eat(&c, ">")) {
		e->kind = c.p[-1] == '<' ? WS_IN : WS_OUT;
		if (ws_parse_seg(&c, e))
			return -1;
	} else if (ws_word(&c, w, sizeof(w))) {
		if (!strcmp(w, "quiet")) {
			e->kind = WS_QUIET;
		} else {
			e->kind = WS_CALL;
			if (ws_parse_call(&c, &e->call, w))
				return -1;
		}
	} else {
		return ws_fail(&c, "'<', '>', a call or \"quiet\" expected");
	}
	if (e->time == WS_T_ANY && e->kind != WS_OUT)
		return ws_fail(&c, "\"*\" time is for outgoing segments");
	s->nevents++;
end:
	ws_skip(&c);
	if (*c.p && *c.p != '#')
		return ws_fail(&c, "junk at the end of the line");
	return 0;
}

static inline void ws_free(struct ws_script *s)
{
	free(s->ev);
	s->ev = NULL;
	s->nevents = 0;
	s->cap = 0;
}

/* Parse a whole script; -1 with s->err set at the first bad line. */
static inline int ws_parse_file(struct ws_script *s, FILE *f)
{
	char line[512];
	int n = 0;

	memset(s, 0, sizeof(*s));
	while (fgets(line, sizeof(line), f)) {
		n++;
		line[strcspn(line, "\r\n")] = 0;
		if (ws_parse_line(s, line, n))
			return -1;
	}
	if (!s->nevents) {
		snprintf(s->err, sizeof(s->err), "line %d: no events", n);
		return -1;
	}
	return 0;
}

#endif /* _WIRE_SCRIPT_H */
