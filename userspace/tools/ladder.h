/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ladder.h - tcplab-ladder's model of a connection: the rows of its
 * diagram, built from trace events (ladder.c) or from a capture read
 * into the same events (ladder_pcap.c), and drawn as text
 * (ladder_text.c) or SVG (ladder_svg.c).
 */
#ifndef LADDER_H
#define LADDER_H

#include "tltrace.h"

#define LADDER_MAX_CONNS	64

enum row_kind {
	ROW_STATE,	/* an end entered state @text */
	ROW_SEG,	/* a segment from @side to the other end */
	ROW_KEY,	/* kernel TLS key installed/replaced at @side */
	ROW_PHASE,	/* a banner across the diagram */
};

struct ladder_row {
	enum row_kind kind;
	int side;			/* 0 left, 1 right */
	double ts;
	char text[96];
	/* ROW_SEG */
	char flags[12];
	unsigned int seq, ack, len, win;
	bool has_ack, lost;
	char retrans[16];		/* why it was sent again, or "" */
	char tls[160];			/* TLS records it carries, or "" */
};

struct ladder_conn {
	char left[TL_ADDR_LEN], right[TL_ADDR_LEN];
	int first;			/* index of its first event */
	bool traced[2];			/* tcplab traced that end */
	bool capture;			/* drawn from a capture: states inferred */
	bool syn_seen;			/* a SYN without ACK is in the events */
	bool listener;			/* the right end listened first */
	bool right_syn;			/* the right end sent a SYN too */
	bool tls, tls_tx[2];
	unsigned int tls_version;
	int first_key;			/* index of its first key event */
	int *recs, nrecs, recs_cap;	/* indexes of its TLS record events */
	struct ladder_row *rows;
	int nrows, cap;
};

bool keys_before(const struct tl_ev *ev, const struct ladder_conn *c, int i);

/* "SYN,ACK seq=0 ack=1 len=5" */
/* "client", "server", "client too", with "(not tcplab)" if untraced. */
void ladder_role(const struct ladder_conn *c, int side, char *out, size_t n);

void ladder_seg_label(const struct ladder_row *r, char *out, size_t n);

void ladder_text(FILE *out, const struct ladder_conn *c, int idx, int total);
int ladder_svg(const char *path, const struct ladder_conn *c, int nc);

/* Do these first four bytes start a libpcap capture file? */
bool ladder_is_pcap(const unsigned char magic[4]);
/*
 * Read the TCP segments of a capture (those with @want_port at either
 * end, if not 0) as events, with the inferred state changes; returns the
 * count and the array in *out, or -1 after saying why on stderr.
 */
int ladder_read_pcap(FILE *f, const char *name, unsigned int want_port,
		     struct tl_ev **out);

#endif /* LADDER_H */
