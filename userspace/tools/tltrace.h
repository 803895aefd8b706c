/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tltrace.h - reading tcplab's tracepoints (module/trace.h) back from a
 * tracefs text trace: one struct tl_ev per line.  Shared by
 * tcplab-ladder and tcplab-ccplot; the formats parsed here are exactly
 * the TP_printk formats of module/trace.h.
 */
#ifndef TLTRACE_H
#define TLTRACE_H

#include <stdbool.h>
#include <stdio.h>

/* "a.b.c.d:port" or "[v6]:port" */
#define TL_ADDR_LEN	64

enum tl_ev_kind {
	TL_EV_STATE,		/* tcplab_state */
	TL_EV_OUT,		/* tcplab_segment_out */
	TL_EV_IN,		/* tcplab_segment_in */
	TL_EV_RETRANS,		/* tcplab_retransmit */
	TL_EV_CC,		/* tcplab_cc */
	TL_EV_TLS_REC,		/* tcplab_tls_record */
	TL_EV_TLS_KEY,		/* tcplab_tls_key */
};

struct tl_ev {
	enum tl_ev_kind kind;
	double ts;			/* seconds, the trace's clock */
	char sk[24];
	char local[TL_ADDR_LEN], remote[TL_ADDR_LEN];
	/* tcplab_state */
	char from[16], to[16];
	/* segments */
	char flags[12];
	unsigned int seq, ack, win, len, iss, irs;
	char state[16];
	/* tcplab_retransmit (seq, len, iss above) */
	char kind_name[16];
	/* tcplab_cc */
	unsigned int cwnd, ssthresh, mss, srtt, rttvar, rto, inflight;
	char ca[16], event[20];
	/* TLS: tx is true for "dir=tx" */
	bool tx;
	unsigned int type, tcp_seq, version, cipher;
	unsigned long long rec_seq;
	bool rekey;
	/* From a capture: the TLS records the segment starts, or NULL. */
	const char *tls;
};

/* Parse one trace line; false when it is not a tcplab event. */
bool tl_parse_line(const char *line, struct tl_ev *e);

/*
 * Read every tcplab event of @f into a growing array; returns the count
 * (or -1 on allocation failure) and stores the array in *out.
 */
int tl_read_events(FILE *f, struct tl_ev **out);

/* The port of "a.b.c.d:port". */
unsigned int tl_port(const char *addr);

/*
 * Names a reader knows (tls_names.c): 23 -> "appdata", 0x0304 ->
 * "TLS 1.3", handshake type 2 -> "ServerHello", alert 42 ->
 * "bad_certificate", level 2 -> "fatal".  The handshake and alert
 * lookups return NULL for a number they do not know.
 */
const char *tl_tls_type_name(unsigned int type);
const char *tl_tls_version_name(unsigned int version);
const char *tl_tls_cipher_name(unsigned int cipher);
const char *tl_tls_handshake_name(unsigned int type);
const char *tl_tls_alert_name(unsigned int desc);
const char *tl_tls_alert_level_name(unsigned int level);
/* Is this ServerHello random the one of a HelloRetryRequest? */
bool tl_tls_is_hrr(const unsigned char random[32]);

/* "S." -> "SYN,ACK" */
void tl_flag_names(const char *flags, char *out, size_t n);

/* Minimal XML escaping of @s into @out. */
void tl_xml_escape(const char *s, char *out, size_t n);

#endif /* TLTRACE_H */
