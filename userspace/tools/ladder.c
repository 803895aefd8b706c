// SPDX-License-Identifier: GPL-2.0
/*
 * tcplab-ladder: draw TCP connections as ladder diagrams (the way
 * textbooks draw TCP), from the tcplab tracepoints (module/trace.h) or
 * from a pcap capture of any TCP (ladder_pcap.c).
 *
 *   tcplab-ladder [-p PORT] [-o FILE.svg] [-q] [TRACEFILE|CAPTURE|-]
 *   tcplab-ladder --pcap CAPTURE [-p PORT] [-o FILE.svg] [-q]
 *   tcplab-ladder -r TRACEOUT [-w SECS] [-p PORT] [-o FILE.svg] -- CMD...
 *
 * TRACEFILE defaults to the tracefs "trace" file; a file that starts
 * with a pcap magic number is read as a capture, as with --pcap.  With
 * -r the tool enables tcplab's events, runs CMD, waits SECS more (to see
 * TIME-WAIT end), saves the trace in TRACEOUT and draws it.  Every
 * connection is drawn (-p keeps those with PORT at either end), one
 * ladder each: the end that sent the first SYN on the left, the other
 * on the right.  Each arrow is a real segment: flags, sequence and
 * acknowledgment numbers relative to each side's ISN, payload length;
 * retransmissions are marked (from the sequence numbers, and with the
 * reason when a tcplab_retransmit event says it), as are segments one
 * traced end sent and the other traced end never received (lost).  The
 * RFC 9293 state changes are written in the column of the end that
 * changed, right after the segment that caused them; a capture has none,
 * so they are inferred from the segments (ladder_infer.c) and the ladder
 * says so.
 *
 * TLS records are written on the segment that carries their header.  A
 * trace gives the type and plaintext length of each kernel TLS record
 * (tcplab_tls_record), and the phases are marked: the handshake the
 * helper runs in user space (plain TCP payload), the key hand-off to the
 * kernel (tcplab_tls_key), encrypted records.  A capture has the bytes:
 * ladder_tls.c names the handshake messages, alerts and ChangeCipherSpec
 * as far as they are plaintext, and what is encrypted as such.
 *
 * -o writes the same diagrams as SVG (ladder_svg.c); -q skips the text.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ladder.h"
#include "tcplab_version.h"

static bool is_wild(const char *addr)
{
	return !strncmp(addr, "0.0.0.0:", 8);
}

static bool same_pair(const struct tl_ev *e, const char *x, const char *y)
{
	return !strcmp(e->local, x) && !strcmp(e->remote, y);
}

/* Sequence space a segment takes: payload, plus one each for SYN, FIN. */
static unsigned int seg_space(const struct tl_ev *e)
{
	return e->len + !!strchr(e->flags, 'S') + !!strchr(e->flags, 'F');
}

static bool pure_syn(const struct tl_ev *e)
{
	return strchr(e->flags, 'S') && !strchr(e->flags, '.');
}

/* Find the connections; orient each by its first SYN. */
static int find_conns(struct tl_ev *ev, int n, struct ladder_conn *c,
		      int max, unsigned int want_port)
{
	int nc = 0, i, k;

	for (i = 0; i < n; i++) {
		struct tl_ev *e = &ev[i];

		if (is_wild(e->remote))
			continue;
		for (k = 0; k < nc; k++)
			if (same_pair(e, c[k].left, c[k].right) ||
			    same_pair(e, c[k].right, c[k].left))
				break;
		if (k < nc)
			continue;
		if (nc == max)
			break;
		memset(&c[nc], 0, sizeof(c[nc]));
		/* Left: who sent the first SYN; else the first event's end. */
		if (e->kind == TL_EV_IN && pure_syn(e)) {
			strcpy(c[nc].left, e->remote);
			strcpy(c[nc].right, e->local);
		} else {
			strcpy(c[nc].left, e->local);
			strcpy(c[nc].right, e->remote);
		}
		c[nc].first = i;
		nc++;
	}
	/* A SYN sent later than the first event still orients the pair. */
	for (k = 0; k < nc; k++) {
		for (i = c[k].first; i < n; i++) {
			struct tl_ev *e = &ev[i];
			const char *sender;

			if ((e->kind != TL_EV_OUT && e->kind != TL_EV_IN) ||
			    !pure_syn(e))
				continue;
			if (!same_pair(e, c[k].left, c[k].right) &&
			    !same_pair(e, c[k].right, c[k].left))
				continue;
			sender = e->kind == TL_EV_OUT ? e->local : e->remote;
			if (strcmp(sender, c[k].left)) {
				char t[TL_ADDR_LEN];

				strcpy(t, c[k].left);
				strcpy(c[k].left, c[k].right);
				strcpy(c[k].right, t);
			}
			break;
		}
	}
	/* Port filter. */
	for (i = k = 0; k < nc; k++) {
		if (want_port && tl_port(c[k].left) != want_port &&
		    tl_port(c[k].right) != want_port)
			continue;
		c[i++] = c[k];
	}
	return i;
}

/* Which end of @c an event belongs to: 0 left, 1 right, -1 neither. */
static int side_of(const struct ladder_conn *c, const struct tl_ev *e)
{
	if (same_pair(e, c->left, c->right))
		return 0;
	if (same_pair(e, c->right, c->left))
		return 1;
	return -1;
}

static struct ladder_row *add_row(struct ladder_conn *c, enum row_kind k,
				  double ts)
{
	struct ladder_row *r, *nr;

	if (c->nrows == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		nr = realloc(c->rows, (size_t)c->cap * sizeof(*nr));
		if (!nr) {
			perror("tcplab-ladder");
			exit(1);
		}
		c->rows = nr;
	}
	r = &c->rows[c->nrows++];
	memset(r, 0, sizeof(*r));
	r->kind = k;
	r->ts = ts;
	return r;
}

/* Bytes a TLS record of @len plaintext bytes takes on the wire. */
static unsigned int tls_wire_len(unsigned int len, unsigned int version)
{
	if (version == 0x0303)		/* header, explicit nonce, tag */
		return 5 + 8 + len + 16;
	return 5 + len + 1 + 16;	/* TLS 1.3: header, type byte, tag */
}

/* Did the receiving end trace segment @i (a segment_in matching it)? */
static bool arrived(struct tl_ev *ev, int n, int i, const char *rcv,
		    char *used)
{
	const struct tl_ev *o = &ev[i];
	int j;

	for (j = i + 1; j < n; j++) {
		const struct tl_ev *e = &ev[j];

		/* Sent again before it arrived: this copy was lost. */
		if (e->kind == TL_EV_OUT && !strcmp(e->local, o->local) &&
		    !strcmp(e->remote, o->remote) && e->seq == o->seq &&
		    e->len == o->len && !strcmp(e->flags, o->flags))
			return false;
		if (e->kind != TL_EV_IN || used[j])
			continue;
		/* A listener traces a SYN with no remote address. */
		if ((strcmp(e->remote, o->local) && !is_wild(e->remote)) ||
		    tl_port(e->local) != tl_port(rcv))
			continue;
		if (e->seq == o->seq && e->ack == o->ack && e->len == o->len &&
		    !strcmp(e->flags, o->flags)) {
			used[j] = 1;
			return true;
		}
	}
	return false;
}

/* The reason a tcplab_retransmit event near segment @i gives, if any. */
static const char *retrans_reason(struct tl_ev *ev, int n, int i)
{
	int j;

	for (j = i - 8; j <= i + 8; j++) {
		if (j < 0 || j >= n || ev[j].kind != TL_EV_RETRANS)
			continue;
		if (!strcmp(ev[j].local, ev[i].local) &&
		    !strcmp(ev[j].remote, ev[i].remote) &&
		    ev[j].seq == ev[i].seq)
			return ev[j].kind_name;
	}
	return NULL;
}

/*
 * The trace gives a record's type, not its handshake message; but a
 * handshake record after which the same socket replaces that
 * direction's key (tcplab_tls_key event=rekey, before any other record
 * that way) is a KeyUpdate (RFC 8446 §4.6.3).
 */
static bool key_update(const struct tl_ev *ev, int n, int j)
{
	const struct tl_ev *rec = &ev[j];
	int k;

	if (rec->type != 22)
		return false;
	for (k = j + 1; k < n; k++) {
		const struct tl_ev *e = &ev[k];

		if ((e->kind != TL_EV_TLS_REC && e->kind != TL_EV_TLS_KEY) ||
		    strcmp(e->sk, rec->sk) || e->tx != rec->tx)
			continue;
		return e->kind == TL_EV_TLS_KEY && e->rekey;
	}
	return false;
}

static void attach_records(struct ladder_conn *c, struct tl_ev *ev, int n,
			   int i, int from, struct ladder_row *r, char *used)
{
	const struct tl_ev *s = &ev[i];
	const char *sender = from ? c->right : c->left;
	bool have_tx = from ? c->tls_tx[1] : c->tls_tx[0];
	int k, j;

	for (k = 0; k < c->nrecs; k++) {
		const struct tl_ev *e = &ev[c->recs[k]];
		unsigned int off, wire;
		bool mine;

		j = c->recs[k];
		/* tx records of the sender, or rx records at its peer. */
		if (e->tx)
			mine = !strcmp(e->local, sender) && side_of(c, e) >= 0;
		else
			mine = !have_tx && !strcmp(e->remote, sender) &&
			       side_of(c, e) >= 0;
		if (!mine)
			continue;
		off = e->tcp_seq - s->seq;
		wire = tls_wire_len(e->len, c->tls_version ? c->tls_version :
				    0x0304);
		if (off < s->len && !used[j]) {
			char one[64];

			used[j] = 1;
			snprintf(one, sizeof(one), "%sTLS %s %u", r->tls[0] ? "; " : "",
				 key_update(ev, n, j) ? "KeyUpdate" :
				 tl_tls_type_name(e->type), e->len);
			strncat(r->tls, one, sizeof(r->tls) - strlen(r->tls) - 1);
		} else if ((int)(s->seq - e->tcp_seq) > 0 &&
			   s->seq - e->tcp_seq < wire && !strstr(r->tls, "cont")) {
			strncat(r->tls, r->tls[0] ? "; record continues" :
				"record continues",
				sizeof(r->tls) - strlen(r->tls) - 1);
		}
	}
}

/* Turn the events of one connection into rows. */
static void build_rows(struct ladder_conn *c, struct tl_ev *ev, int n,
		       char *used_in, char *used_rec)
{
	bool traced_out[2] = { false, false }, traced_in[2] = { false, false };
	bool have_max[2] = { false, false }, keys = false, hs_banner = false;
	bool data_banner = false, syn_acked[2] = { false, false };
	unsigned int iss[2] = { 0, 0 }, max_end[2] = { 0, 0 };
	int i, s;

	for (i = c->first; i < n; i++) {
		struct tl_ev *e = &ev[i];

		s = side_of(c, e);
		if (s < 0)
			continue;
		if (e->kind == TL_EV_OUT) {
			traced_out[s] = true;
			iss[s] = e->iss;
		}
		if (e->kind == TL_EV_IN)
			traced_in[s] = true;
		if (e->kind == TL_EV_TLS_KEY) {
			if (!keys)
				c->first_key = i;
			keys = true;
			c->tls_version = e->version;
		}
		if (e->kind == TL_EV_TLS_REC) {
			if (e->tx)
				c->tls_tx[s] = true;
			if (c->nrecs == c->recs_cap) {
				c->recs_cap = c->recs_cap ? 2 * c->recs_cap : 64;
				c->recs = realloc(c->recs, (size_t)c->recs_cap *
						  sizeof(*c->recs));
				if (!c->recs) {
					perror("tcplab-ladder");
					exit(1);
				}
			}
			c->recs[c->nrecs++] = i;
		}
	}
	/*
	 * The ISN of an end that sent nothing seen: its peer's IRS (a
	 * capture of one direction gives it with every segment).
	 */
	for (i = c->first; i < n; i++) {
		struct tl_ev *e = &ev[i];

		s = side_of(c, e);
		if (s >= 0 && (e->kind == TL_EV_IN || e->kind == TL_EV_OUT) &&
		    e->irs && !traced_out[!s])
			iss[!s] = e->irs;
		if (s >= 0 && (e->kind == TL_EV_IN || e->kind == TL_EV_OUT) &&
		    pure_syn(e))
			c->syn_seen = true;
	}
	c->traced[0] = traced_out[0] || traced_in[0];
	c->traced[1] = traced_out[1] || traced_in[1];
	c->tls = keys;

	for (i = 0; i < n; i++) {
		struct tl_ev *e = &ev[i];
		struct ladder_row *r;
		int from;

		s = side_of(c, e);
		/* The listener the right end's connection came from. */
		if (s < 0 && e->kind == TL_EV_STATE && is_wild(e->remote) &&
		    tl_port(e->local) == tl_port(c->right) &&
		    !strcmp(e->to, "LISTEN") && i < c->first) {
			r = add_row(c, ROW_STATE, e->ts);
			r->side = 1;
			snprintf(r->text, sizeof(r->text), "%s", e->to);
			c->listener = true;
			continue;
		}
		if (s < 0 || i < c->first)
			continue;
		switch (e->kind) {
		case TL_EV_STATE:
			r = add_row(c, ROW_STATE, e->ts);
			r->side = s;
			snprintf(r->text, sizeof(r->text), "%s", e->to);
			break;
		case TL_EV_TLS_KEY:
			r = add_row(c, ROW_KEY, e->ts);
			r->side = s;
			snprintf(r->text, sizeof(r->text), "%s %s key: %s %s",
				 e->rekey ? "KeyUpdate, new" : "kernel TLS",
				 e->tx ? "send" : "receive",
				 tl_tls_version_name(e->version),
				 tl_tls_cipher_name(e->cipher));
			break;
		case TL_EV_OUT:
		case TL_EV_IN:
			from = e->kind == TL_EV_OUT ? s : !s;
			/* Each segment once: from its sender's own event. */
			if (e->kind == TL_EV_IN && traced_out[from])
				break;
			if (c->tls && e->len && !keys_before(ev, c, i) &&
			    !hs_banner) {
				r = add_row(c, ROW_PHASE, e->ts);
				snprintf(r->text, sizeof(r->text),
					 "TLS handshake in user space (plain TCP payload)");
				hs_banner = true;
			}
			if (c->tls && e->len && keys_before(ev, c, i) &&
			    !data_banner) {
				r = add_row(c, ROW_PHASE, e->ts);
				snprintf(r->text, sizeof(r->text),
					 "encrypted application data (TLS records sealed in the kernel)");
				data_banner = true;
			}
			r = add_row(c, ROW_SEG, e->ts);
			r->side = from;
			snprintf(r->flags, sizeof(r->flags), "%s", e->flags);
			r->seq = e->seq - iss[from];
			r->ack = e->ack - iss[!from];
			r->has_ack = strchr(e->flags, '.') != NULL;
			r->len = e->len;
			r->win = e->win;
			if (seg_space(e) && have_max[from] &&
			    (int)(e->seq - max_end[from]) < 0) {
				const char *why = retrans_reason(ev, n, i);

				/*
				 * In a simultaneous open the SYN,ACK carries
				 * the SYN again (RFC 9293 figure 7): not a
				 * retransmission unless the module says so.
				 */
				if (why || !strchr(e->flags, 'S') ||
				    !strchr(e->flags, '.') || syn_acked[from])
					snprintf(r->retrans, sizeof(r->retrans),
						 "%s", why ? why : "resent");
			}
			if (strchr(e->flags, 'S') && strchr(e->flags, '.'))
				syn_acked[from] = true;
			if (from == 1 && pure_syn(e))
				c->right_syn = true;
			if (!have_max[from] ||
			    (int)(e->seq + seg_space(e) - max_end[from]) > 0) {
				max_end[from] = e->seq + seg_space(e);
				have_max[from] = true;
			}
			if (e->kind == TL_EV_OUT && traced_in[!from] &&
			    !arrived(ev, n, i, from ? c->left : c->right, used_in))
				r->lost = true;
			if (e->len && c->nrecs)
				attach_records(c, ev, n, i, from, r, used_rec);
			/* From a capture: named by ladder_pcap.c. */
			if (e->tls)
				snprintf(r->tls, sizeof(r->tls), "%s", e->tls);
			break;
		default:
			break;
		}
	}
}

bool keys_before(const struct tl_ev *ev, const struct ladder_conn *c, int i)
{
	(void)ev;
	return c->tls && c->first_key < i;
}

/* ---- record mode ---- */

static const char *tracefs(void)
{
	static const char *const dirs[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char p[128];
	size_t i;

	for (i = 0; i < 2; i++) {
		snprintf(p, sizeof(p), "%s/events/tcplab/enable", dirs[i]);
		if (access(p, W_OK) == 0)
			return dirs[i];
	}
	return NULL;
}

static int write_file(const char *dir, const char *name, const char *val)
{
	char p[256];
	int fd, ok;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_TRUNC);
	if (fd < 0) {
		fprintf(stderr, "tcplab-ladder: %s: %s\n", p, strerror(errno));
		return -1;
	}
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -1;
}

/* The first character of a tracefs file ('1' for "1\n"), or 0. */
static char read_flag(const char *dir, const char *name)
{
	char p[256], c = 0;
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "r");
	if (f) {
		if (fread(&c, 1, 1, f) != 1)
			c = 0;
		fclose(f);
	}
	return c;
}

/*
 * Run @argv with tcplab's events on; keep the tcplab lines in @out.
 *
 * Enabling or disabling an event patches kernel code (static keys), and
 * by default the first enabled event also starts recording task names,
 * which patches the scheduler's sched_switch tracepoint.  Under QEMU TCG
 * that patching has been seen to oops in __schedule (int3), so: task
 * names are not recorded ("record-cmd" off while we enable the events;
 * the trace shows "<...>" for them), events already enabled are left
 * as they are, and only events we enabled are disabled again.  Between
 * recordings the ring buffer is gated with tracing_on, which patches
 * nothing.
 */
static int record(const char *out, double wait_s, char **argv)
{
	const char *dir = tracefs();
	char p[256], line[1024], was_cmd;
	bool enabled_here = false;
	int status = 0;
	FILE *in, *o;
	pid_t pid;

	if (!dir) {
		fprintf(stderr, "tcplab-ladder: no tracefs with tcplab events (is the module loaded, tracefs mounted, and are you root?)\n");
		return -1;
	}
	was_cmd = read_flag(dir, "options/record-cmd");
	if (write_file(dir, "tracing_on", "0") || write_file(dir, "trace", ""))
		return -1;
	if (read_flag(dir, "events/tcplab/enable") != '1') {
		write_file(dir, "options/record-cmd", "0");
		if (write_file(dir, "events/tcplab/enable", "1"))
			return -1;
		enabled_here = true;
	}
	if (write_file(dir, "tracing_on", "1"))
		return -1;
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return -1;
	}
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "tcplab-ladder: %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (wait_s > 0)
		usleep((useconds_t)(wait_s * 1e6));
	write_file(dir, "tracing_on", "0");
	if (enabled_here) {
		write_file(dir, "events/tcplab/enable", "0");
		if (was_cmd == '1')
			write_file(dir, "options/record-cmd", "1");
	}
	snprintf(p, sizeof(p), "%s/trace", dir);
	in = fopen(p, "r");
	o = fopen(out, "w");
	if (!in || !o) {
		perror(in ? out : p);
		return -1;
	}
	while (fgets(line, sizeof(line), in))
		if (strstr(line, "tcplab_"))
			fputs(line, o);
	fclose(in);
	fclose(o);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* --help: on stdout, status 0; a usage error: on stderr, status 2. */
static void usage(FILE *f, int status)
{
	fprintf(f,
		"usage: tcplab-ladder [-p PORT] [-o FILE.svg] [-q] [TRACEFILE|CAPTURE.pcap|-]\n"
		"       tcplab-ladder --pcap CAPTURE.pcap [-p PORT] [-o FILE.svg] [-q]\n"
		"       tcplab-ladder -r TRACEOUT [-w SECS] [-p PORT] [-o FILE.svg] -- COMMAND [ARGS...]\n"
		"Draws TCP connections as ladder diagrams, from a tcplab trace or from a\n"
		"pcap capture of any TCP (--pcap, or a file that starts like one; its\n"
		"states are inferred from the segments): every connection (-p: those with\n"
		"PORT at either end) as a text ladder on stdout (-q: none) and, with -o,\n"
		"as SVG.  TLS records are named as far as their bytes are plaintext.\n"
		"-r records while COMMAND runs (and SECS seconds more), saving the raw\n"
		"trace in TRACEOUT; it leaves tracing_on at 0.\n"
		"       tcplab-ladder --help | --version\n");
	exit(status);
}

/* @f as a file that can be read twice (a pipe is copied first). */
static FILE *rewindable(FILE *f)
{
	char buf[65536];
	size_t got;
	FILE *t;

	if (fseek(f, 0, SEEK_CUR) == 0)
		return f;
	t = tmpfile();
	if (!t)
		return NULL;
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		if (fwrite(buf, 1, got, t) != got) {
			fclose(t);
			return NULL;
		}
	if (ferror(f) || fseek(t, 0, SEEK_SET)) {
		fclose(t);
		return NULL;
	}
	return t;
}

/*
 * Does @f start like a pcap file (or a pcapng one, which the pcap
 * reader then refuses by name)?  Leaves it where it was.
 */
static bool starts_as_pcap(FILE *f)
{
	static const unsigned char ng[4] = { 0x0a, 0x0d, 0x0d, 0x0a };
	unsigned char m[4];
	long at = ftell(f);
	bool yes;

	yes = fread(m, 1, sizeof(m), f) == sizeof(m) &&
	      (ladder_is_pcap(m) || !memcmp(m, ng, sizeof(ng)));
	if (at < 0 || fseek(f, at, SEEK_SET))
		return false;
	return yes;
}

enum { OPT_PCAP = 256 };

int main(int argc, char **argv)
{
	const char *path = NULL, *svg = NULL, *rec = NULL;
	struct ladder_conn conns[LADDER_MAX_CONNS];
	unsigned int want_port = 0;
	int opt, n, nc, k, cmd_status = 0;
	bool quiet = false, pcap = false;
	char *used_in, *used_rec;
	struct tl_ev *ev;
	double wait_s = 0;
	FILE *f, *in;
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "pcap", required_argument, NULL, OPT_PCAP },
		{ NULL, 0, NULL, 0 }
	};

	while ((opt = getopt_long(argc, argv, "+p:o:qr:w:h", lo, NULL)) != -1) {
		switch (opt) {
		case 'p':
			want_port = (unsigned int)atoi(optarg);
			break;
		case 'o':
			svg = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'r':
			rec = optarg;
			break;
		case 'w':
			wait_s = atof(optarg);
			break;
		case OPT_PCAP:
			path = optarg;
			pcap = true;
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 'V':
			printf("tcplab-ladder %s\n", TCPLAB_VERSION);
			return 0;
		default:
			usage(stderr, 2);
		}
	}
	if (rec) {
		if (optind >= argc || pcap)
			usage(stderr, 2);
		cmd_status = record(rec, wait_s, argv + optind);
		if (cmd_status < 0)
			return 1;
		path = rec;
	} else if (pcap) {
		if (optind < argc)
			usage(stderr, 2);
	} else {
		path = optind < argc ? argv[optind] : NULL;
	}
	if (!path) {
		const char *dir = tracefs();
		static char p[256];

		snprintf(p, sizeof(p), "%s/trace",
			 dir ? dir : "/sys/kernel/tracing");
		path = p;
	}
	in = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!in) {
		perror(path);
		return 1;
	}
	/* Trace or capture: the file's first bytes tell. */
	f = rec ? in : rewindable(in);
	if (!f) {
		perror(path);
		return 1;
	}
	if (!rec && starts_as_pcap(f))
		pcap = true;
	if (pcap)
		n = ladder_read_pcap(f, path, want_port, &ev);
	else
		n = tl_read_events(f, &ev);
	if (f != stdin)
		fclose(f);
	if (in != f && in != stdin)
		fclose(in);
	if (n < 0) {
		if (!pcap)
			perror("tcplab-ladder");
		return 1;
	}
	nc = find_conns(ev, n, conns, LADDER_MAX_CONNS, want_port);
	if (!nc) {
		fprintf(stderr, "tcplab-ladder: no %s connection in %s%s\n",
			pcap ? "TCP" : "tcplab", path,
			want_port ? " with that port" : "");
		return 1;
	}
	used_in = calloc((size_t)n + 1, 1);
	used_rec = calloc((size_t)n + 1, 1);
	if (!used_in || !used_rec)
		return 1;
	for (k = 0; k < nc; k++) {
		conns[k].capture = pcap;
		build_rows(&conns[k], ev, n, used_in, used_rec);
	}
	if (!quiet)
		for (k = 0; k < nc; k++)
			ladder_text(stdout, &conns[k], k, nc);
	if (svg && ladder_svg(svg, conns, nc))
		return 1;
	if (rec && cmd_status)
		fprintf(stderr, "tcplab-ladder: the command exited with status %d\n",
			cmd_status);
	return cmd_status;
}
