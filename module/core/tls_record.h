/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tls_record.h - TLS record framing for kTLS-compatible sockets.
 *
 * On the wire every protected record is (RFC 5246 §6.2.3.3, RFC 8446 §5.2)
 *
 *   +------+---------+--------+------------------+----------------+-----+
 *   | type | 03 03   | length | explicit nonce   | ciphertext     | tag |
 *   | 1    | 2       | 2      | 8: TLS 1.2       | TLS 1.3: also  | 16  |
 *   |      |         |        | GCM/CCM only     | holds the type |     |
 *   +------+---------+--------+------------------+----------------+-----+
 *   \________ header _________/
 *   \__________________ prepend ________________/
 *                             \____________ length bytes ______________/
 *
 * TLS 1.3 encrypts a TLSInnerPlaintext (RFC 8446 §5.2):
 *	content || content_type[1] || zeros[padding]
 * and always sends opaque_type 23 in the header.
 *
 * Contract for the kernel glue, per TX record (sendmsg path):
 *   split user data into chunks of at most TL_TLS_MAX_PAYLOAD_SIZE;
 *   rc = tl_tls_tx_record(&tx_keys, type, len, &rec);  (consumes one seq)
 *   write rec.prepend (rec.prepend_size bytes) to the record buffer,
 *   then the plaintext, then rec.tail (rec.tail_size bytes, TLS 1.3);
 *   aead_request_set_ad(req, rec.aad_size) with rec.aad in front of the
 *   source scatterlist, aead_request_set_crypt(req, src, dst,
 *   rec.crypt_len, rec.aead_iv); crypto_aead_encrypt(); the record is
 *   rec.record_len bytes.  rc < 0 is fatal for the socket (Linux:
 *   tls_err_abort()).
 * Per RX record:
 *   feed arriving TCP bytes to a struct tl_tls_rx_parser; on -errno abort
 *   the socket with that error (Linux: tls_strp_abort_strp()); when
 *   tl_tls_rx_parser_ready(), the last rec_len bytes form one record;
 *   rc = tl_tls_rx_record(&rx_keys, tl_tls_rx_parser_prepend(p),
 *                         tl_tls_rx_parser_record_len(p), &rec);
 *   decrypt rec.crypt_len bytes that start rec.prepend_size bytes into the
 *   record, with rec.aad / rec.aead_iv; an authentication failure is
 *   -EBADMSG and fatal.  The plaintext is rec.crypt_len - tag bytes; in
 *   TLS 1.3 run tl_tls13_inner_unpad() on it to get the content type and
 *   length.  Then tl_tls_rx_parser_next(p).  If the record is a TLS 1.3
 *   handshake record and tl_tls13_is_key_update() says so, stop
 *   decrypting further records (reads return -EKEYEXPIRED, Linux 6.14)
 *   until setsockopt(TLS_RX) installs the next key (TL_TLS_CONF_REKEY).
 */
#ifndef _TCPLAB_CORE_TLS_RECORD_H
#define _TCPLAB_CORE_TLS_RECORD_H

#include "tl_types.h"
#include "tls_cipher.h"
#include "tls_crypto_info.h"

/* Handshake message type of KeyUpdate, RFC 8446 §4 / §4.6.3. */
#define TL_TLS_HANDSHAKE_KEY_UPDATE	24
/* Handshake message header: msg_type(1) length(3), RFC 8446 §4. */
#define TL_TLS_HANDSHAKE_HEADER_SIZE	4

/*
 * Check the first bytes of a received record like Linux tls_rx_msg_size().
 * @buf holds @avail bytes from the start of the record.  Returns
 *   0          fewer than cipher->prepend_size bytes (header and, in
 *              TLS 1.2 GCM/CCM, the explicit nonce): wait for more;
 *   > 0        length of the whole record, header included;
 *   -EMSGSIZE  length field > cipher->max_record_data, i.e.
 *              2^14 + tag + explicit nonce + (TLS 1.3) 1.  Note Linux
 *              allows no more than one byte beyond 2^14 + tag in TLS 1.3,
 *              although RFC 8446 §5.2 permits up to 2^14 + 256;
 *   -EBADMSG   length field < tag + explicit nonce;
 *   -EINVAL    version bytes are not 03 03.
 * The errors are checked in this order, as in Linux.
 */
int tl_tls_rx_parse_header(const struct tl_tls_cipher *cipher,
			   const u8 *buf, size_t avail);

/* Everything needed to run the AEAD over one record. */
struct tl_tls_rec {
	u64 seq;		/* the record's sequence number */
	u8 type;		/* TX: the type asked for; RX: header type */
	u8 prepend_size;	/* header (+ explicit nonce) bytes */
	u8 tail_size;		/* TX TLS 1.3: 1, else 0 */
	u8 aad_size;
	u8 aead_iv_size;
	u8 prepend[TL_TLS_MAX_PREPEND_SIZE]; /* TX: to write; RX: as read */
	u8 tail[1];		/* TX TLS 1.3: inner content type */
	u8 nonce[TL_TLS_NONCE_SIZE];	/* the RFC nonce */
	u8 aead_iv[TL_TLS_MAX_AEAD_IV_SIZE]; /* what the kernel AEAD takes */
	u8 aad[TL_TLS_MAX_AAD_SIZE];
	/*
	 * TX: bytes to encrypt (content + tail); the AEAD appends the tag.
	 * RX: bytes to decrypt (ciphertext + tag), starting right after
	 * the prepend.
	 */
	u32 crypt_len;
	u32 record_len;		/* whole record on the wire */
};

/*
 * Frame the next TX record carrying @data_len bytes of content of type
 * @type.  Consumes one sequence number (and advances the TLS 1.2 explicit
 * nonce counter).  Returns 0, or
 *   -EINVAL    @keys not configured;
 *   -EMSGSIZE  @data_len > TL_TLS_MAX_PAYLOAD_SIZE (RFC 8446 §5.1);
 *   -EBADMSG   sequence numbers exhausted (tls_seq.h).
 */
int tl_tls_tx_record(struct tl_tls_keys *keys, u8 type, size_t data_len,
		     struct tl_tls_rec *rec);

/*
 * Prepare decryption of a received record of @record_len bytes (as
 * returned by tl_tls_rx_parse_header()) whose first cipher->prepend_size
 * bytes are @prepend.  Consumes one sequence number: Linux advances
 * rec_seq after each successful decryption and a failed one is fatal,
 * which comes to the same.  Returns 0, or -EINVAL (@keys not configured,
 * or a record length that tl_tls_rx_parse_header() would have refused),
 * -EBADMSG (sequence numbers exhausted).
 */
int tl_tls_rx_record(struct tl_tls_keys *keys, const u8 *prepend,
		     u32 record_len, struct tl_tls_rec *rec);

/*
 * Build a TLS 1.3 TLSInnerPlaintext in place (RFC 8446 §5.2/§5.4): @buf
 * holds @content_len bytes of content; append @type and @pad zero bytes.
 * @buf_size is the size of @buf.  Returns the inner plaintext length, or
 * -EMSGSIZE if it would not fit @buf_size or exceed 2^14 + 1 bytes (the
 * RFC limit on TLSInnerPlaintext).  Linux never pads on TX; this exists
 * for tests and for anyone who wants to hide record lengths.
 */
int tl_tls13_inner_build(u8 *buf, size_t buf_size, size_t content_len,
			 u8 type, size_t pad);

/*
 * Parse a decrypted TLS 1.3 TLSInnerPlaintext of @len bytes (RFC 8446
 * §5.4): scan from the end past the zero padding; the first non-zero byte
 * is the real content type and everything before it is content.
 * Returns 0 with *@type and *@content_len set, or -EBADMSG if there is no
 * non-zero byte at all, as Linux tls_padding_length() (the RFC asks for
 * an "unexpected_message" alert; the kernel reports EBADMSG).
 */
int tl_tls13_inner_unpad(const u8 *inner, size_t len, u8 *type,
			 size_t *content_len);

/*
 * Does the decrypted content of a record of type @type carry a TLS 1.3
 * KeyUpdate (handshake msg_type 24, RFC 8446 §4.6.3)?  After one, the
 * peer encrypts with the next traffic key, so RX must stop until
 * userspace derives it and calls setsockopt(TLS_RX) again.
 * Linux 6.14 tls_check_pending_rekey() looks only at the first byte of a
 * handshake record.  A record may coalesce several handshake messages,
 * and KeyUpdate must be the last one (RFC 8446 §5.1: messages must not
 * span key changes), so this walks the complete message headers in the
 * record and reports any KeyUpdate; for a record that starts with one it
 * answers exactly like Linux.  Like Linux it assumes the record starts
 * at a message boundary (no fragment of an earlier record's message).
 */
bool tl_tls13_is_key_update(u8 type, const u8 *content, size_t len);

/*
 * Record stream reassembler.  TCP delivers bytes with arbitrary segment
 * boundaries; this finds the records in them, as the Linux TLS strparser
 * does (tls_strp.c + tls_rx_msg_size()).
 */
enum tl_tls_rxp_state {
	TL_TLS_RXP_HEADER,	/* collecting the prepend bytes */
	TL_TLS_RXP_BODY,	/* header valid, record length known */
	TL_TLS_RXP_READY,	/* a whole record has been fed */
	TL_TLS_RXP_ERROR,	/* stream is corrupt: err, sticky */
};

struct tl_tls_rx_parser {
	const struct tl_tls_cipher *cipher;
	enum tl_tls_rxp_state state;
	int err;
	u32 rec_len;		/* whole record; valid in BODY and READY */
	u32 have;		/* bytes of the current record fed so far */
	u8 prepend[TL_TLS_MAX_PREPEND_SIZE];
};

void tl_tls_rx_parser_init(struct tl_tls_rx_parser *p,
			   const struct tl_tls_cipher *cipher);

/*
 * Feed the next @len bytes of the TCP stream.  Returns how many were
 * consumed: all of them, or fewer when a record became complete (the
 * rest belongs to the next record: call tl_tls_rx_parser_next() and feed
 * it again), 0 while a complete record is waiting, or a negative errno
 * from tl_tls_rx_parse_header() (sticky: every later call returns it).
 * @data is read only while the parser is collecting the prepend bytes:
 * in state TL_TLS_RXP_BODY it may be NULL, so the glue can feed counts
 * for payload that sits in skbs and never copy it.
 */
int tl_tls_rx_parser_feed(struct tl_tls_rx_parser *p, const u8 *data,
			  size_t len);

/* The record reported by the last feed has been taken: find the next. */
void tl_tls_rx_parser_next(struct tl_tls_rx_parser *p);

static inline bool tl_tls_rx_parser_ready(const struct tl_tls_rx_parser *p)
{
	return p->state == TL_TLS_RXP_READY;
}

/* Whole record length once the header is known (BODY, READY), else 0. */
static inline u32
tl_tls_rx_parser_record_len(const struct tl_tls_rx_parser *p)
{
	return (p->state == TL_TLS_RXP_BODY ||
		p->state == TL_TLS_RXP_READY) ? p->rec_len : 0;
}

/* Header (+ explicit nonce) of the current record, valid in BODY/READY. */
static inline const u8 *
tl_tls_rx_parser_prepend(const struct tl_tls_rx_parser *p)
{
	return p->prepend;
}

#endif /* _TCPLAB_CORE_TLS_RECORD_H */
