/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ladder_tls.h - tcplab-ladder's reader of TLS records in a captured
 * TCP byte stream (ladder_tls.c): it is fed each end's bytes in order
 * and names every record by what its plaintext shows.
 */
#ifndef LADDER_TLS_H
#define LADDER_TLS_H

#include <stdbool.h>
#include <stddef.h>

/* RFC 8446 §5.2: 2^14 bytes of plaintext plus what protection adds. */
#define TLSD_MAX_RECORD		(16384 + 2048)

/* Where a chunk of bytes sits in its end's stream. */
enum tlsd_where {
	TLSD_MIDDLE,		/* right after the previous chunk */
	TLSD_SEG_START,		/* at the start of a segment's payload */
	TLSD_STREAM_START,	/* the first byte after the SYN */
};

struct tlsd_dir {
	enum { TLSD_UNSEEN, TLSD_ON, TLSD_RESYNC, TLSD_OFF } mode;
	unsigned char hdr[5];
	unsigned int hdr_have;
	unsigned int body_len, body_have;
	unsigned char *body;		/* types 20-22 and 24: the body read */
	int rec_ev;			/* the segment the header starts in */
	bool enc;			/* TLS 1.2: this end sent ChangeCipherSpec */
	bool after_ccs;			/* ... and no record since */
	unsigned int hs_left;		/* a handshake message goes on */
	unsigned int hs_type;
	unsigned char hs_hdr[4];	/* a message header split by records */
	unsigned int hs_hdr_have;
	unsigned int resync_tries;
	unsigned int nrec;		/* records read whole */
	int flight_ev;			/* TLS 1.3: the client's encrypted flight */
	unsigned int nenc;		/* type 23 records after the ServerHello */
};

/*
 * One connection's two streams.  @name is called once per record with
 * the segment that carries the record's header, the record's name and
 * its length (@show_len false for a plaintext alert, whose name says
 * all), and once per segment that carries only the middle of a record
 * (@name NULL).
 */
struct tlsd {
	struct tlsd_dir d[2];
	int client, server;		/* the ends that sent the Hellos, or -1 */
	bool tls13;			/* the ServerHello chose TLS 1.3 */
	bool server_hello;		/* a ServerHello (not a retry) was read */
	void (*name)(void *ctx, int ev, const char *name, unsigned int len,
		     bool show_len);
	void *ctx;
};

void tlsd_init(struct tlsd *t,
	       void (*name)(void *, int, const char *, unsigned int, bool),
	       void *ctx);
/* Is end @dir's stream known not to be TLS? */
bool tlsd_off(const struct tlsd *t, int dir);
/* @n bytes of end @dir's stream, the next in order, from segment @ev. */
void tlsd_data(struct tlsd *t, int dir, const unsigned char *p, size_t n,
	       int ev, enum tlsd_where where);
/* Bytes of end @dir's stream are missing: find the next record header. */
void tlsd_gap(struct tlsd *t, int dir);
/* The capture ended: name what is half read; free the buffers. */
void tlsd_end(struct tlsd *t);

#endif /* LADDER_TLS_H */
