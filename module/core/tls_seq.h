/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tls_seq.h - TLS record sequence numbers.
 *
 * Each direction of a TLS connection counts its records with an implicit
 * 64-bit sequence number that is never sent in TLS 1.3 and is sent in
 * TLS 1.2 only inside the AAD (RFC 5246 §6.1, RFC 8446 §5.3).  It starts at
 * the value userspace passes in crypto_info.rec_seq (the handshake has
 * already used some numbers) and goes up by one per record.
 *
 * It must never wrap: the nonce is derived from it, and a repeated
 * (key, nonce) pair breaks both confidentiality and integrity of every
 * AEAD used here.  RFC 8446 §5.3: "If a TLS implementation would need to
 * wrap a sequence number, it MUST either rekey (Section 4.6.3) or
 * terminate the connection."  Linux (tls_advance_record_sn() in
 * net/tls/tls.h) increments the big-endian rec_seq bytes after each record
 * and, if that wraps to zero, aborts the socket with EBADMSG
 * (tls_err_abort()).  tcplab does the same, but marks the counter
 * "exhausted" instead of letting it wrap, so that a glue bug which ignores
 * the error still cannot reuse a nonce: every later record fails until a
 * TLS 1.3 rekey installs a fresh key and counter.
 */
#ifndef _TCPLAB_CORE_TLS_SEQ_H
#define _TCPLAB_CORE_TLS_SEQ_H

#include "tl_types.h"

struct tl_tls_seq {
	u64 next;		/* number of the next record */
	bool exhausted;		/* 2^64 - 1 has been used: no more records */
};

/* Start counting at @first (crypto_info.rec_seq, big-endian on the wire). */
void tl_tls_seq_init(struct tl_tls_seq *s, u64 first);

/*
 * Hand out the sequence number for the record about to be protected and
 * move to the next one.  Returns 0 and stores it in *@seq, or -EBADMSG
 * (Linux's errno for this case) once all 2^64 numbers have been used.
 */
int tl_tls_seq_take(struct tl_tls_seq *s, u64 *seq);

/*
 * The value Linux reports as rec_seq in getsockopt(): the next number, or
 * 0 after exhaustion (Linux's byte counter has wrapped to zero by then).
 */
u64 tl_tls_seq_peek(const struct tl_tls_seq *s);

/*
 * Increment a big-endian counter of @len bytes in place, as Linux
 * tls_bigint_increment().  Returns true if it wrapped to all-zeroes.
 * Used for the TLS 1.2 GCM/CCM explicit nonce, see tls_nonce.h.
 */
bool tl_tls_be_increment(u8 *ctr, unsigned int len);

#endif /* _TCPLAB_CORE_TLS_SEQ_H */
