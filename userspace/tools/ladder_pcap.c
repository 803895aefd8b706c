// SPDX-License-Identifier: GPL-2.0
/*
 * ladder_pcap.c - tcplab-ladder's second source: a libpcap capture file
 * (any TCP, tcplab's or not) read into the same events a trace gives.
 *
 * Each TCP segment becomes a TL_EV_OUT event of its sender, with the
 * ISNs of both ends (the SYN's sequence number, or one less than the
 * first byte seen) so that the ladder shows relative numbers as it does
 * for a trace.  A capture sees the wire from one place only, so a
 * segment is taken to be received when it is captured; nothing is ever
 * drawn as lost, and retransmissions are recognized, as for a trace,
 * from the sequence numbers.  A capture holds no state changes:
 * ladder_infer.c infers them from the segments.
 *
 * The TCP payload of each end is put back in order by ladder_stream.c
 * for ladder_tls.c, which names the TLS records in it; the names go on
 * the segment that carries each record's header.
 *
 * The file format: the classic libpcap one (both byte orders, micro- or
 * nanosecond timestamps), link types Ethernet (with VLAN tags), raw IP,
 * Linux cooked v1 and v2, BSD loopback; IPv4 without fragments, IPv6
 * after hop-by-hop, routing, destination and authentication headers.
 * Every length is checked against what was captured; a record longer
 * than PCAP_MAX_CAPLEN ends the reading, and a packet that is cut short
 * or malformed is skipped.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ladder.h"
#include "ladder_infer.h"
#include "ladder_stream.h"

#define PCAP_MAX_PACKETS	1000000
#define PCAP_MAX_CAPLEN		262144
#define PCAP_MAX_CONNS		4096
#define HASH_SIZE		8192		/* a power of two > 2 * MAX_CONNS */
#define LABEL_LEN		160

#define LINKTYPE_NULL		0
#define LINKTYPE_ETHERNET	1
#define LINKTYPE_RAW		101
#define LINKTYPE_LOOP		108
#define LINKTYPE_LINUX_SLL	113
#define LINKTYPE_IPV4		228
#define LINKTYPE_IPV6		229
#define LINKTYPE_LINUX_SLL2	276

#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_PSH	0x08
#define TH_ACK	0x10
#define TH_URG	0x20
#define TH_ECE	0x40
#define TH_CWR	0x80

/* What the segments tell of one end. */
struct end {
	bool have_isn, ws;
	uint32_t isn;
	unsigned int wscale;
};

struct conn {
	int family;
	unsigned char ip[2][16];
	uint16_t port[2];
	char addr[2][TL_ADDR_LEN];	/* end 0 sent the first packet seen */
	struct end end[2];
	struct streams bytes;
};

/* A TLS label being built for one segment. */
struct seglab {
	char text[LABEL_LEN];
	char last[64];			/* the name the text ends with */
	bool cont, full;
};

struct reader {
	struct tl_ev *ev;
	int *ev_conn;			/* per event: its connection ... */
	unsigned char *ev_side;		/* ... and the end that sent it */
	struct seglab **lab;
	int n, cap;
	struct conn *conns;
	int nconns;
	int hash[HASH_SIZE];
	unsigned int want_port;
	unsigned long skipped, too_many_conns;
};

struct packet {
	int family;
	const unsigned char *src, *dst;	/* 4 or 16 bytes */
	const unsigned char *tcp;	/* the TCP header */
	size_t tcp_cap;			/* bytes of it and after captured */
	size_t tcp_len;			/* bytes of it and after on the wire */
};

static uint16_t get16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint32_t file32(const unsigned char *p, bool swap)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

bool ladder_is_pcap(const unsigned char m[4])
{
	uint32_t v;

	memcpy(&v, m, 4);
	return v == 0xa1b2c3d4 || v == 0xa1b23c4d ||
	       v == 0xd4c3b2a1 || v == 0x4d3cb2a1;
}

/* ---- link, network and transport headers ---- */

/*
 * @cap bytes of the IP packet are in the file, @lost more were on the
 * wire but not captured (the snap length); a length field that claims
 * more than both is a lie.
 */
static bool ipv4(const unsigned char *p, size_t cap, size_t lost,
		 struct packet *pk)
{
	size_t ihl, total;
	uint16_t frag;

	if (cap < 20 || p[0] >> 4 != 4)
		return false;
	ihl = (size_t)(p[0] & 15) * 4;
	total = get16(p + 2);
	frag = get16(p + 6);
	/* Fragments carry no TCP header we could read whole. */
	if (ihl < 20 || ihl > cap || total < ihl || total > cap + lost ||
	    p[9] != 6 || (frag & 0x3fff))
		return false;
	pk->family = 4;
	pk->src = p + 12;
	pk->dst = p + 16;
	pk->tcp = p + ihl;
	pk->tcp_len = total - ihl;
	pk->tcp_cap = cap - ihl < pk->tcp_len ? cap - ihl : pk->tcp_len;
	return true;
}

static bool ipv6(const unsigned char *p, size_t cap, size_t lost,
		 struct packet *pk)
{
	size_t off = 40, len, hl;
	unsigned int next, hops;

	if (cap < 40 || p[0] >> 4 != 6)
		return false;
	len = get16(p + 4);		/* 0: a jumbogram, not read */
	next = p[6];
	for (hops = 0; next != 6; hops++) {
		if (hops == 8 || off + 8 > cap)
			return false;
		switch (next) {
		case 0:		/* hop-by-hop options */
		case 43:	/* routing */
		case 60:	/* destination options */
			hl = ((size_t)p[off + 1] + 1) * 8;
			break;
		case 51:	/* authentication header */
			hl = ((size_t)p[off + 1] + 2) * 4;
			break;
		default:	/* a fragment, no next header, not TCP */
			return false;
		}
		next = p[off];
		off += hl;
	}
	if (off > cap || off - 40 > len || 40 + len > cap + lost)
		return false;
	pk->family = 6;
	pk->src = p + 8;
	pk->dst = p + 24;
	pk->tcp = p + off;
	pk->tcp_len = len - (off - 40);
	pk->tcp_cap = cap - off < pk->tcp_len ? cap - off : pk->tcp_len;
	return true;
}

static bool ip(const unsigned char *p, size_t cap, size_t lost,
	       struct packet *pk)
{
	if (!cap)
		return false;
	return p[0] >> 4 == 4 ? ipv4(p, cap, lost, pk) :
				ipv6(p, cap, lost, pk);
}

/* The IP packet inside a frame of @linktype. */
static bool link(unsigned int linktype, const unsigned char *p, size_t cap,
		 size_t lost, struct packet *pk)
{
	size_t off;
	uint16_t proto;
	int tags;

	switch (linktype) {
	case LINKTYPE_ETHERNET:
		if (cap < 14)
			return false;
		proto = get16(p + 12);
		off = 14;
		/* 802.1Q and 802.1ad tags, up to two. */
		for (tags = 0; (proto == 0x8100 || proto == 0x88a8) && tags < 2;
		     tags++) {
			if (cap < off + 4)
				return false;
			proto = get16(p + off + 2);
			off += 4;
		}
		break;
	case LINKTYPE_LINUX_SLL:
		if (cap < 16)
			return false;
		proto = get16(p + 14);
		off = 16;
		break;
	case LINKTYPE_LINUX_SLL2:
		if (cap < 20)
			return false;
		proto = get16(p);
		off = 20;
		break;
	case LINKTYPE_NULL:
	case LINKTYPE_LOOP:
		/* The address family, in an order that varies: read the IP
		 * version instead.
		 */
		if (cap < 4)
			return false;
		return ip(p + 4, cap - 4, lost, pk);
	case LINKTYPE_RAW:
	case LINKTYPE_IPV4:
	case LINKTYPE_IPV6:
		return ip(p, cap, lost, pk);
	default:
		return false;
	}
	if (proto == 0x0800)
		return ipv4(p + off, cap - off, lost, pk);
	if (proto == 0x86dd)
		return ipv6(p + off, cap - off, lost, pk);
	return false;
}

static bool link_known(unsigned int linktype)
{
	switch (linktype) {
	case LINKTYPE_NULL:
	case LINKTYPE_ETHERNET:
	case LINKTYPE_RAW:
	case LINKTYPE_LOOP:
	case LINKTYPE_LINUX_SLL:
	case LINKTYPE_IPV4:
	case LINKTYPE_IPV6:
	case LINKTYPE_LINUX_SLL2:
		return true;
	}
	return false;
}

static void addr_text(const struct packet *pk, const unsigned char *a,
		      uint16_t port, char *out, size_t n)
{
	char buf[INET6_ADDRSTRLEN];

	if (!inet_ntop(pk->family == 4 ? AF_INET : AF_INET6, a, buf,
		       sizeof(buf)))
		snprintf(buf, sizeof(buf), "?");
	if (pk->family == 4)
		snprintf(out, n, "%s:%u", buf, port);
	else
		snprintf(out, n, "[%s]:%u", buf, port);
}

/* "S.", "FP." ...: the letters and order of module/trace.h. */
static void flag_letters(unsigned int f, char *out)
{
	static const struct { unsigned int bit; char c; } l[] = {
		{ TH_SYN, 'S' }, { TH_FIN, 'F' }, { TH_RST, 'R' },
		{ TH_PSH, 'P' }, { TH_ACK, '.' }, { TH_URG, 'U' },
		{ TH_ECE, 'E' }, { TH_CWR, 'W' },
	};
	size_t i, k = 0;

	for (i = 0; i < sizeof(l) / sizeof(l[0]); i++)
		if (f & l[i].bit)
			out[k++] = l[i].c;
	out[k] = 0;
}

/* The window scale a SYN offers (RFC 7323 §2.2), or -1. */
static int syn_wscale(const unsigned char *opt, size_t n)
{
	size_t i = 0;

	while (i < n) {
		if (opt[i] == 0)
			break;
		if (opt[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= n || opt[i + 1] < 2 || i + opt[i + 1] > n)
			break;
		if (opt[i] == 3 && opt[i + 1] == 3)
			return opt[i + 2] > 14 ? 14 : opt[i + 2];
		i += opt[i + 1];
	}
	return -1;
}

/* ---- events and their TLS labels ---- */

static int grow(struct reader *r)
{
	int cap = r->cap ? r->cap * 2 : 1024;
	void *p;

	p = realloc(r->ev, (size_t)cap * sizeof(*r->ev));
	if (!p)
		return -1;
	r->ev = p;
	p = realloc(r->ev_conn, (size_t)cap * sizeof(*r->ev_conn));
	if (!p)
		return -1;
	r->ev_conn = p;
	p = realloc(r->ev_side, (size_t)cap);
	if (!p)
		return -1;
	r->ev_side = p;
	p = realloc(r->lab, (size_t)cap * sizeof(*r->lab));
	if (!p)
		return -1;
	r->lab = p;
	memset(r->lab + r->cap, 0, (size_t)(cap - r->cap) * sizeof(*r->lab));
	r->cap = cap;
	return 0;
}

/*
 * Called by ladder_tls.c: record @name of @len bytes starts in segment
 * @ev.  Consecutive records of one name share it:
 * "TLS encrypted handshake 29, 932, 96, 53".
 */
static void tls_name(void *ctx, int ev, const char *name, unsigned int len,
		     bool show_len)
{
	struct reader *r = ctx;
	struct seglab *l = r->lab[ev];
	char one[128];
	size_t have;

	if (!l) {
		l = calloc(1, sizeof(*l));
		if (!l)
			return;
		r->lab[ev] = l;
	}
	if (!name) {
		l->cont = true;
		return;
	}
	if (l->full)
		return;
	if (show_len && l->last[0] && !strcmp(l->last, name))
		snprintf(one, sizeof(one), ", %u", len);
	else if (show_len)
		snprintf(one, sizeof(one), "%sTLS %s %u", l->text[0] ? "; " : "",
			 name, len);
	else
		snprintf(one, sizeof(one), "%sTLS %s", l->text[0] ? "; " : "",
			 name);
	have = strlen(l->text);
	if (have + strlen(one) + 5 > sizeof(l->text)) {
		snprintf(l->text + have, sizeof(l->text) - have, " ...");
		l->full = true;
		return;
	}
	memcpy(l->text + have, one, strlen(one) + 1);
	snprintf(l->last, sizeof(l->last), "%s", show_len ? name : "");
}

/* ---- connections ---- */

static unsigned int hash_of(const struct packet *pk, uint16_t sp, uint16_t dp)
{
	size_t alen = pk->family == 4 ? 4 : 16, i;
	unsigned int h = 2166136261u, a = 0, b = 0;

	/* The same for both directions: sum the ends' hashes. */
	for (i = 0; i < alen; i++) {
		a = (a ^ pk->src[i]) * 16777619u;
		b = (b ^ pk->dst[i]) * 16777619u;
	}
	a = (a ^ sp) * 16777619u;
	b = (b ^ dp) * 16777619u;
	h ^= a + b;
	return (h * 16777619u) & (HASH_SIZE - 1);
}

static bool is_end(const struct conn *c, int e, const struct packet *pk,
		   const unsigned char *a, uint16_t port)
{
	return c->family == pk->family && c->port[e] == port &&
	       !memcmp(c->ip[e], a, pk->family == 4 ? 4 : 16);
}

/* The connection of @pk and the end that sent it; -1 when full. */
static int find_conn(struct reader *r, const struct packet *pk, uint16_t sp,
		     uint16_t dp, int *side)
{
	unsigned int h = hash_of(pk, sp, dp);
	struct conn *c;
	int k;

	for (;; h = (h + 1) & (HASH_SIZE - 1)) {
		k = r->hash[h];
		if (k < 0)
			break;
		c = &r->conns[k];
		if (is_end(c, 0, pk, pk->src, sp) && is_end(c, 1, pk, pk->dst, dp)) {
			*side = 0;
			return k;
		}
		if (is_end(c, 1, pk, pk->src, sp) && is_end(c, 0, pk, pk->dst, dp)) {
			*side = 1;
			return k;
		}
	}
	if (r->nconns == PCAP_MAX_CONNS)
		return -1;
	k = r->nconns++;
	r->hash[h] = k;
	c = &r->conns[k];
	memset(c, 0, sizeof(*c));
	c->family = pk->family;
	memcpy(c->ip[0], pk->src, pk->family == 4 ? 4 : 16);
	memcpy(c->ip[1], pk->dst, pk->family == 4 ? 4 : 16);
	c->port[0] = sp;
	c->port[1] = dp;
	addr_text(pk, pk->src, sp, c->addr[0], sizeof(c->addr[0]));
	addr_text(pk, pk->dst, dp, c->addr[1], sizeof(c->addr[1]));
	streams_init(&c->bytes, tls_name, r);
	*side = 0;
	return k;
}

/* One captured TCP segment: an event, and its payload to the stream. */
static int segment(struct reader *r, const struct packet *pk, double ts)
{
	const unsigned char *t = pk->tcp;
	uint16_t sp, dp;
	size_t doff;
	unsigned int fl;
	uint32_t seq, ack, len, caplen;
	struct tl_ev *e;
	struct conn *c;
	struct end *me;
	int k, side, ws;

	if (pk->tcp_cap < 20)
		return 0;
	doff = (size_t)(t[12] >> 4) * 4;
	if (doff < 20 || doff > pk->tcp_cap)
		return 0;
	sp = get16(t);
	dp = get16(t + 2);
	if (r->want_port && sp != r->want_port && dp != r->want_port)
		return 0;
	k = find_conn(r, pk, sp, dp, &side);
	if (k < 0) {
		r->too_many_conns++;
		return 0;
	}
	c = &r->conns[k];
	me = &c->end[side];
	seq = get32(t + 4);
	ack = get32(t + 8);
	fl = t[13];
	len = (uint32_t)(pk->tcp_len - doff);
	caplen = (uint32_t)(pk->tcp_cap - doff);
	if (r->n == r->cap && grow(r))
		return -1;
	e = &r->ev[r->n];
	memset(e, 0, sizeof(*e));
	e->kind = TL_EV_OUT;
	e->ts = ts;
	snprintf(e->sk, sizeof(e->sk), "capture");
	snprintf(e->local, sizeof(e->local), "%s", c->addr[side]);
	snprintf(e->remote, sizeof(e->remote), "%s", c->addr[!side]);
	flag_letters(fl, e->flags);
	e->seq = seq;
	e->ack = ack;
	e->len = len;
	e->win = get16(t + 14);
	snprintf(e->state, sizeof(e->state), "-");
	r->ev_conn[r->n] = k;
	r->ev_side[r->n] = (unsigned char)side;

	if (fl & TH_SYN) {
		me->have_isn = true;
		me->isn = seq;
		stream_syn(&c->bytes, side, seq);
		ws = syn_wscale(t + 20, doff - 20);
		me->ws = ws >= 0;
		me->wscale = ws >= 0 ? (unsigned int)ws : 0;
	} else {
		/* RFC 7323 §2.2: scaled once both SYNs offered it. */
		if (c->end[0].ws && c->end[1].ws)
			e->win <<= me->wscale;
		if (!me->have_isn) {
			me->have_isn = true;
			me->isn = seq - 1;
		}
	}
	if ((fl & TH_ACK) && !c->end[!side].have_isn) {
		c->end[!side].have_isn = true;
		c->end[!side].isn = ack - 1;
	}
	stream_seg(&c->bytes, side, seq + !!(fl & TH_SYN), t + doff, caplen,
		   len, r->n);
	r->n++;
	return 0;
}

/* ---- the file ---- */

static void free_reader(struct reader *r)
{
	int i;

	for (i = 0; i < r->n; i++)
		free(r->lab[i]);
	free(r->lab);
	free(r->ev);
	free(r->ev_conn);
	free(r->ev_side);
	free(r->conns);
}

int ladder_read_pcap(FILE *f, const char *name, unsigned int want_port,
		     struct tl_ev **out)
{
	static const char *const label_cont = "TLS record continues";
	unsigned char gh[24], rh[16], *pkt = NULL, *p;
	struct reader r = { .want_port = want_port };
	unsigned long count = 0;
	uint32_t magic, snaplen, linktype, caplen, wirelen;
	bool swap, nsec, truncated = false;
	struct packet pk;
	int i, n;

	memset(r.hash, 0xff, sizeof(r.hash));
	if (fread(gh, 1, sizeof(gh), f) != sizeof(gh)) {
		fprintf(stderr, "tcplab-ladder: %s: too short for a pcap file\n",
			name);
		return -1;
	}
	memcpy(&magic, gh, 4);
	swap = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
	nsec = magic == 0xa1b23c4d || magic == 0x4d3cb2a1;
	if (!ladder_is_pcap(gh)) {
		fprintf(stderr, "tcplab-ladder: %s: not a pcap file%s\n", name,
			magic == 0x0a0d0d0a ?
			" (pcapng: convert it with editcap -F pcap)" : "");
		return -1;
	}
	snaplen = file32(gh + 16, swap);
	/* The low 16 bits; the rest may say whether frames end in an FCS. */
	linktype = file32(gh + 20, swap) & 0xffff;
	if (!link_known(linktype)) {
		fprintf(stderr, "tcplab-ladder: %s: link type %u is not read (Ethernet, raw IP, Linux cooked, loopback are)\n",
			name, linktype);
		return -1;
	}
	r.conns = malloc(PCAP_MAX_CONNS * sizeof(*r.conns));
	if (!r.conns)
		goto nomem;
	for (;;) {
		size_t got = fread(rh, 1, sizeof(rh), f);

		if (got == 0)
			break;
		if (got != sizeof(rh)) {
			truncated = true;
			break;
		}
		caplen = file32(rh + 8, swap);
		wirelen = file32(rh + 12, swap);
		if (caplen > PCAP_MAX_CAPLEN) {
			fprintf(stderr, "tcplab-ladder: %s: packet %lu claims %u bytes (more than %u): the file is damaged\n",
				name, count + 1, caplen, PCAP_MAX_CAPLEN);
			goto out;
		}
		if (++count > PCAP_MAX_PACKETS) {
			fprintf(stderr, "tcplab-ladder: %s: more than %u packets; cut the capture down (editcap -r, or -p PORT when capturing)\n",
				name, PCAP_MAX_PACKETS);
			goto out;
		}
		/*
		 * Each packet in a buffer of its own size, so that a read
		 * past its end is one past an allocation (AddressSanitizer).
		 */
		p = realloc(pkt, caplen ? caplen : 1);
		if (!p)
			goto nomem;
		pkt = p;
		if (fread(pkt, 1, caplen, f) != caplen) {
			truncated = true;
			break;
		}
		/* More than the file's own limit: not to be trusted. */
		if (snaplen && caplen > snaplen) {
			r.skipped++;
			continue;
		}
		memset(&pk, 0, sizeof(pk));
		if (wirelen < caplen ||
		    !link(linktype, pkt, caplen, wirelen - caplen, &pk))
			continue;
		if (segment(&r, &pk, file32(rh, swap) +
			    file32(rh + 4, swap) / (nsec ? 1e9 : 1e6)))
			goto nomem;
	}
	if (truncated)
		fprintf(stderr, "tcplab-ladder: %s: the last packet is cut short (a truncated file); drawing what came before\n",
			name);
	if (r.skipped)
		fprintf(stderr, "tcplab-ladder: %s: %lu packets longer than the snap length %u skipped\n",
			name, r.skipped, snaplen);
	if (r.too_many_conns)
		fprintf(stderr, "tcplab-ladder: %s: more than %d connections; %lu segments of the others skipped\n",
			name, PCAP_MAX_CONNS, r.too_many_conns);
	for (i = 0; i < r.nconns; i++)
		streams_end(&r.conns[i].bytes);
	/* Each end's ISN in iss and irs, known now that all was read. */
	for (i = 0; i < r.n; i++) {
		const struct conn *c = &r.conns[r.ev_conn[i]];
		struct seglab *l = r.lab[i];

		r.ev[i].iss = c->end[r.ev_side[i]].isn;
		r.ev[i].irs = c->end[!r.ev_side[i]].isn;
		if (l && l->text[0])
			r.ev[i].tls = l->text;
		else if (l && l->cont)
			r.ev[i].tls = label_cont;
	}
	n = ladder_infer_states(r.ev, r.ev_conn, r.ev_side, r.n, r.nconns,
				out);
	if (n < 0)
		goto nomem;
	/* The labels stay: the events point into them. */
	free(r.lab);
	r.lab = NULL;
	r.n = 0;
	free_reader(&r);
	free(pkt);
	return n;
nomem:
	perror("tcplab-ladder");
out:
	free_reader(&r);
	free(pkt);
	return -1;
}
