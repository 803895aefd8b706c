/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ladder_stream.h - tcplab-ladder's byte streams of a captured
 * connection (ladder_stream.c): each end's TCP payload put back in
 * order and fed to the reader of TLS records (ladder_tls.h), for the
 * capture reader (ladder_pcap.c).
 */
#ifndef LADDER_STREAM_H
#define LADDER_STREAM_H

#include <stdint.h>

#include "ladder_tls.h"

#define PEND_MAX		64

struct pend {
	uint32_t seq, len, caplen;
	int ev;
	unsigned char *data;
};

/* One end's bytes. */
struct stream {
	bool syn;			/* its SYN was seen: its bytes start */
	uint32_t start;			/* at this sequence number */
	bool have_next;
	uint32_t next;			/* the next byte to hand on */
	struct pend pend[PEND_MAX];	/* out of order, held back */
	int npend;
	size_t pend_bytes;
};

/* A connection's two streams, and the reader of TLS records they feed. */
struct streams {
	struct stream s[2];
	struct tlsd tls;
};

/* @name and @ctx: those of the TLS reader, as for tlsd_init(). */
void streams_init(struct streams *ss,
		  void (*name)(void *, int, const char *, unsigned int, bool),
		  void *ctx);
/* End @side sent a SYN with sequence number @seq. */
void stream_syn(struct streams *ss, int side, uint32_t seq);
/*
 * End @side sent segment @ev, whose payload of @len bytes starts at
 * sequence number @seq; @caplen of them were captured, at @p.
 */
void stream_seg(struct streams *ss, int side, uint32_t seq,
		const unsigned char *p, uint32_t caplen, uint32_t len, int ev);
/* The capture ended: skip what is still missing, end the TLS reader. */
void streams_end(struct streams *ss);

#endif /* LADDER_STREAM_H */
