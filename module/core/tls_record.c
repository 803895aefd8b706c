// SPDX-License-Identifier: GPL-2.0
/*
 * tls_record.c - TLS record framing, TLS 1.3 inner plaintext, KeyUpdate
 * detection and the RX record reassembler.  See tls_record.h.
 */
#include "tl_types.h"
#include "tls_record.h"
#include "tls_nonce.h"
#include "tls_seq.h"

int tl_tls_rx_parse_header(const struct tl_tls_cipher *cipher,
			   const u8 *buf, size_t avail)
{
	size_t min_len, data_len;

	/*
	 * Like Linux, wait for the explicit nonce too (TLS 1.2 GCM/CCM), so
	 * that the record can be decrypted without looking back into it.
	 */
	if (avail < cipher->prepend_size)
		return 0;

	data_len = tl_get_be16(buf + 3);

	/*
	 * RFC 8446 §5.2: a record must not carry more than 2^14 bytes of
	 * content plus the expansion of the AEAD.  Checking this before the
	 * record arrives bounds the receive buffer.
	 */
	if (data_len > cipher->max_record_data)
		return -EMSGSIZE;

	/*
	 * Anything shorter than the tag (and explicit nonce) cannot be a
	 * valid record.  Linux does not count the TLS 1.3 content type byte
	 * here; a record without it fails in tl_tls13_inner_unpad().
	 */
	min_len = cipher->tag_size + cipher->explicit_nonce_size;
	if (data_len < min_len)
		return -EBADMSG;

	/* both TLS 1.2 and TLS 1.3 put 03 03 here (RFC 8446 §5.1) */
	if (tl_get_be16(buf + 1) != TL_TLS_LEGACY_VERSION)
		return -EINVAL;

	return TL_TLS_HEADER_SIZE + data_len;
}

/* the nonce and the IV buffer for the kernel AEAD */
static void tl_tls_rec_nonce(const struct tl_tls_keys *keys,
			     struct tl_tls_rec *rec, const u8 *explicit_nonce)
{
	tl_tls_record_nonce(keys, rec->seq, explicit_nonce, rec->nonce);
	rec->aead_iv_size = tl_tls_aead_iv(keys->cipher, rec->nonce,
					   rec->aead_iv);
}

int tl_tls_tx_record(struct tl_tls_keys *keys, u8 type, size_t data_len,
		     struct tl_tls_rec *rec)
{
	const struct tl_tls_cipher *c = keys->cipher;
	u8 *explicit_ctr;
	int rc;

	if (!c)
		return -EINVAL;
	if (data_len > TL_TLS_MAX_PAYLOAD_SIZE)
		return -EMSGSIZE;

	memset(rec, 0, sizeof(*rec));
	rc = tl_tls_seq_take(&keys->seq, &rec->seq);
	if (rc)
		return rc;

	rec->type = type;
	rec->prepend_size = c->prepend_size;
	rec->tail_size = c->tail_size;
	rec->crypt_len = data_len + c->tail_size;
	rec->record_len = data_len + c->overhead_size;

	/*
	 * Header, as Linux tls_fill_prepend(): TLS 1.3 hides the real type
	 * in the encrypted tail and always says application_data.
	 */
	rec->prepend[0] = c->version == TLS_1_3_VERSION ?
			  TL_TLS_CT_APPLICATION_DATA : type;
	tl_put_be16(rec->prepend + 1, TL_TLS_LEGACY_VERSION);
	tl_put_be16(rec->prepend + 3, rec->record_len - TL_TLS_HEADER_SIZE);
	if (c->tail_size)
		rec->tail[0] = type;

	/* nonce and AAD with the explicit nonce counter as it is now ... */
	tl_tls_rec_nonce(keys, rec, NULL);
	rec->aad_size = tl_tls_make_aad(c, rec->aad, rec->seq, type, data_len);

	/* ... which is also sent, then moves on for the next record */
	if (c->explicit_nonce_size) {
		explicit_ctr = keys->salt_iv + c->salt_size;
		memcpy(rec->prepend + TL_TLS_HEADER_SIZE, explicit_ctr,
		       c->explicit_nonce_size);
		/*
		 * Linux ignores a wrap of this counter, and so can we: it
		 * started at some value X and will have handed out distinct
		 * values for 2^64 records, before which rec_seq is exhausted.
		 */
		tl_tls_be_increment(explicit_ctr, c->explicit_nonce_size);
	}
	return 0;
}

int tl_tls_rx_record(struct tl_tls_keys *keys, const u8 *prepend,
		     u32 record_len, struct tl_tls_rec *rec)
{
	const struct tl_tls_cipher *c = keys->cipher;
	const u8 *explicit_nonce = NULL;
	int rc;

	if (!c)
		return -EINVAL;
	if (record_len < (u32)(c->overhead_size - c->tail_size) ||
	    record_len > (u32)(TL_TLS_HEADER_SIZE + c->max_record_data))
		return -EINVAL;

	memset(rec, 0, sizeof(*rec));
	rc = tl_tls_seq_take(&keys->seq, &rec->seq);
	if (rc)
		return rc;

	rec->type = prepend[0];
	rec->prepend_size = c->prepend_size;
	memcpy(rec->prepend, prepend, c->prepend_size);
	rec->crypt_len = record_len - c->prepend_size;
	rec->record_len = record_len;

	if (c->explicit_nonce_size)
		explicit_nonce = prepend + TL_TLS_HEADER_SIZE;

	tl_tls_rec_nonce(keys, rec, explicit_nonce);

	/*
	 * The receiver builds the AAD from the record length, as it cannot
	 * know the plaintext length before decrypting.  TLS 1.3: the
	 * ciphertext length, which is the header's length field.  TLS 1.2:
	 * the plaintext length, record minus header, explicit nonce and tag.
	 */
	if (c->version == TLS_1_3_VERSION) {
		tl_tls13_make_aad(rec->aad, record_len - TL_TLS_HEADER_SIZE);
		rec->aad_size = TL_TLS13_AAD_SIZE;
	} else {
		tl_tls12_make_aad(rec->aad, rec->seq, rec->type,
				  record_len - c->overhead_size);
		rec->aad_size = TL_TLS12_AAD_SIZE;
	}
	return 0;
}

int tl_tls13_inner_build(u8 *buf, size_t buf_size, size_t content_len,
			 u8 type, size_t pad)
{
	size_t total;

	/* RFC 8446 §5.2: TLSInnerPlaintext must not exceed 2^14 + 1 bytes */
	if (content_len > TL_TLS_MAX_PAYLOAD_SIZE ||
	    pad > TL_TLS_MAX_PAYLOAD_SIZE - content_len)
		return -EMSGSIZE;
	total = content_len + 1 + pad;
	if (total > buf_size)
		return -EMSGSIZE;

	buf[content_len] = type;
	memset(buf + content_len + 1, 0, pad);
	return total;
}

int tl_tls13_inner_unpad(const u8 *inner, size_t len, u8 *type,
			 size_t *content_len)
{
	size_t i = len;

	/*
	 * RFC 8446 §5.4: "the receiving implementation scans the field from
	 * the end toward the beginning until it finds a non-zero octet.
	 * This non-zero octet is the content type of the message."
	 */
	while (i > 0) {
		i--;
		if (inner[i]) {
			*type = inner[i];
			*content_len = i;
			return 0;
		}
	}
	/* "If a receiving implementation does not find a non-zero octet" */
	return -EBADMSG;
}

bool tl_tls13_is_key_update(u8 type, const u8 *content, size_t len)
{
	size_t off = 0;

	if (type != TL_TLS_CT_HANDSHAKE)
		return false;

	/*
	 * struct { HandshakeType msg_type; uint24 length; ... } Handshake;
	 * (RFC 8446 §4).  Look at the type of every message that starts in
	 * this record; the first byte is checked even if its header is cut
	 * short, as Linux does.
	 */
	while (off < len) {
		if (content[off] == TL_TLS_HANDSHAKE_KEY_UPDATE)
			return true;
		if (len - off < TL_TLS_HANDSHAKE_HEADER_SIZE)
			break;
		off += TL_TLS_HANDSHAKE_HEADER_SIZE +
		       (((size_t)content[off + 1] << 16) |
			((size_t)content[off + 2] << 8) | content[off + 3]);
	}
	return false;
}

void tl_tls_rx_parser_init(struct tl_tls_rx_parser *p,
			   const struct tl_tls_cipher *cipher)
{
	memset(p, 0, sizeof(*p));
	p->cipher = cipher;
	p->state = TL_TLS_RXP_HEADER;
}

int tl_tls_rx_parser_feed(struct tl_tls_rx_parser *p, const u8 *data,
			  size_t len)
{
	size_t used = 0, n;
	int rc;

	if (p->state == TL_TLS_RXP_ERROR)
		return p->err;
	if (p->state == TL_TLS_RXP_READY)
		return 0;

	if (p->state == TL_TLS_RXP_HEADER) {
		/* copy what is missing of the prepend into our own buffer */
		n = min_t(size_t, len, p->cipher->prepend_size - p->have);
		if (n) {
			memcpy(p->prepend + p->have, data, n);
			p->have += n;
			used = n;
		}

		rc = tl_tls_rx_parse_header(p->cipher, p->prepend, p->have);
		if (rc == 0)
			return used;		/* need more header bytes */
		if (rc < 0) {
			p->state = TL_TLS_RXP_ERROR;
			p->err = rc;
			return rc;
		}
		p->rec_len = rc;
		p->state = TL_TLS_RXP_BODY;
	}

	/* TL_TLS_RXP_BODY: the payload is only counted, never looked at */
	n = min_t(size_t, len - used, p->rec_len - p->have);
	p->have += n;
	used += n;
	if (p->have == p->rec_len)
		p->state = TL_TLS_RXP_READY;
	return used;
}

void tl_tls_rx_parser_next(struct tl_tls_rx_parser *p)
{
	if (p->state != TL_TLS_RXP_READY)
		return;
	p->state = TL_TLS_RXP_HEADER;
	p->have = 0;
	p->rec_len = 0;
	memset(p->prepend, 0, sizeof(p->prepend));
}
