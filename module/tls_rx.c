// SPDX-License-Identifier: GPL-2.0
/*
 * tls_rx.c - receiving on a socket with TLS_RX set (Linux tls_sw_recvmsg()
 * and its strparser).
 *
 * TCP keeps queueing in-order payload on sk->sk_receive_queue as usual.
 * The record layer reads that queue as a byte stream: the core's
 * reassembler (tl_tls_rx_parser) looks at the bytes each time data
 * arrives (sk_data_ready, which we take over at TCP_ULP time) and knows
 * when a whole record is there; only then are readers woken and does
 * poll() report EPOLLIN.  recvmsg() takes the record off the queue,
 * returning its bytes to TCP's receive window, and decrypts and
 * authenticates it into rx_buf, the AEAD reading the ciphertext where it
 * lies in the skbs (a scatterlist, as Linux tls_sw does; they are freed
 * once it is done).  No byte of it reaches the user before the tag has
 * been checked (RFC 5116 §2.2): the plaintext is copied from rx_buf once
 * the AEAD has accepted it.  Errors are sticky, like Linux's
 * tls_err_abort(): the record stream cannot be resynchronised.
 */
#include <linux/slab.h>
#include <linux/sched/signal.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "tls.h"
#include "trace.h"

/* Unread bytes of the receive queue. */
static u32 tcplab_tls_rx_queued(const struct sock *sk,
				const struct tcplab_tls *tls)
{
	return tcplab_sk(sk)->rcv_queued_end - tls->rx_seq;
}

/* Copy @len bytes that start @off bytes past the first unread one. */
static int tcplab_tls_rx_copy(struct sock *sk, u32 off, u8 *to, u32 len)
{
	struct sk_buff *skb;

	skb_queue_walk(&sk->sk_receive_queue, skb) {
		u32 start = TCPLAB_SKB_CB(skb)->seq;	/* already read */
		u32 avail = skb->len - start, n;

		if (off >= avail) {
			off -= avail;
			continue;
		}
		n = min(len, avail - off);
		if (skb_copy_bits(skb, start + off, to, n))
			return -EFAULT;
		to += n;
		len -= n;
		off = 0;
		if (!len)
			return 0;
	}
	return -EFAULT;
}

/*
 * Scatterlist entries skb_to_sgvec() fills for @len bytes at @off of
 * @skb: one for the linear part, one per page fragment, and so on down
 * the frag_list (loopback and veth deliver our GSO skbs as they were
 * built, output.c).  -EMSGSIZE beyond skb_to_sgvec()'s depth.
 */
static int tcplab_tls_skb_nsg(const struct sk_buff *skb, int off, int len,
			      int depth)
{
	int start = skb_headlen(skb), n = 0, end, chunk, i;
	const struct sk_buff *frag;

	if (depth >= 24)
		return -EMSGSIZE;
	if (off < start) {
		chunk = min(start - off, len);
		n++;
		len -= chunk;
		off += chunk;
	}
	for (i = 0; len && i < skb_shinfo(skb)->nr_frags; i++) {
		end = start + skb_frag_size(&skb_shinfo(skb)->frags[i]);
		if (off < end) {
			chunk = min(end - off, len);
			n++;
			len -= chunk;
			off += chunk;
		}
		start = end;
	}
	skb_walk_frags(skb, frag) {
		int r;

		if (!len)
			break;
		end = start + frag->len;
		if (off < end) {
			chunk = min(end - off, len);
			r = tcplab_tls_skb_nsg(frag, off - start, chunk,
					       depth + 1);
			if (r < 0)
				return r;
			n += r;
			len -= chunk;
			off += chunk;
		}
		start = end;
	}
	return len ? -EFAULT : n;
}

/*
 * Point @sg (@max entries) at the @len bytes that start @off bytes past
 * the first unread one, in the receive queue's skbs: no copy.  Returns
 * the number of entries used (the end is not marked), or -EMSGSIZE when
 * @max would not do.
 */
static int tcplab_tls_rx_sg(struct sock *sk, u32 off, u32 len,
			    struct scatterlist *sg, int max)
{
	struct sk_buff *skb;
	int used = 0, n;

	skb_queue_walk(&sk->sk_receive_queue, skb) {
		u32 start = TCPLAB_SKB_CB(skb)->seq;	/* already read */
		u32 avail = skb->len - start, k;

		if (off >= avail) {
			off -= avail;
			continue;
		}
		k = min(len, avail - off);
		n = tcplab_tls_skb_nsg(skb, start + off, k, 0);
		if (n < 0 || n > max - used)
			return -EMSGSIZE;
		n = skb_to_sgvec_nomark(skb, sg + used, start + off, k);
		if (n < 0)
			return n;
		used += n;
		len -= k;
		off = 0;
		if (!len)
			return used;
	}
	return -EFAULT;
}

/*
 * The first @len unread bytes were taken: free them (the skbs emptied go
 * to @keep instead, when given), open the window.
 */
static void tcplab_tls_rx_consume(struct sock *sk, struct tcplab_tls *tls,
				  u32 len, struct sk_buff_head *keep)
{
	u32 left = len;

	tls->rx_seq += len;
	while (left) {
		struct sk_buff *skb = skb_peek(&sk->sk_receive_queue);
		u32 n;

		if (WARN_ON_ONCE(!skb))
			break;
		n = min(left, skb->len - TCPLAB_SKB_CB(skb)->seq);
		TCPLAB_SKB_CB(skb)->seq += n;
		left -= n;
		if (TCPLAB_SKB_CB(skb)->seq == skb->len) {
			__skb_unlink(skb, &sk->sk_receive_queue);
			if (keep)
				__skb_queue_tail(keep, skb);
			else
				kfree_skb(skb);
		}
	}
	tcplab_rcv_read(sk, len);
}

/* Like tls_err_abort(): remember @err (positive) and tell everyone. */
static void tcplab_tls_rx_abort(struct sock *sk, struct tcplab_tls *tls,
				int err)
{
	if (tls->rx_err)
		return;
	WRITE_ONCE(tls->rx_err, err);
	WRITE_ONCE(sk->sk_err, err);
	sk_error_report(sk);
}

/* Feed the reassembler what arrived since it last looked. */
static void tcplab_tls_rx_parse(struct sock *sk, struct tcplab_tls *tls)
{
	struct tl_tls_rx_parser *p = &tls->rxp;
	u8 hdr[TL_TLS_MAX_PREPEND_SIZE];

	while (!tls->rx_err && !tl_tls_rx_parser_ready(p)) {
		u32 avail = tcplab_tls_rx_queued(sk, tls);
		int rc;

		if (avail <= p->have)
			return;
		avail -= p->have;
		if (p->state == TL_TLS_RXP_HEADER) {
			u32 n = min_t(u32, avail,
				      p->cipher->prepend_size - p->have);

			if (tcplab_tls_rx_copy(sk, p->have, hdr, n))
				return;
			rc = tl_tls_rx_parser_feed(p, hdr, n);
		} else {
			/* Payload is only counted, never looked at. */
			rc = tl_tls_rx_parser_feed(p, NULL, avail);
		}
		if (rc < 0)
			tcplab_tls_rx_abort(sk, tls, -rc);
		if (rc <= 0)
			return;
	}
}

bool tcplab_tls_rx_readable(const struct sock *sk)
{
	const struct tcplab_tls *tls = tcplab_tls_get(sk);

	return READ_ONCE(tls->rx_have) || READ_ONCE(tls->rx_err) ||
	       READ_ONCE(tls->rx_paused) ||
	       READ_ONCE(tls->rxp.state) == TL_TLS_RXP_READY;
}

/* sk_data_ready while TCP_ULP "tls" is on: wake only for whole records. */
void tcplab_tls_data_ready(struct sock *sk)
{
	struct tcplab_tls *tls = tcplab_tls_get(sk);

	if (!tls)
		return;
	if (tls->rx_keys.cipher) {
		tcplab_tls_rx_parse(sk, tls);
		if (!tcplab_tls_rx_readable(sk) && !READ_ONCE(sk->sk_err) &&
		    !(READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN))
			return;
	}
	tls->saved_data_ready(sk);
}

/* TLS_RX was just set: records may already be waiting in the queue. */
void tcplab_tls_rx_start(struct sock *sk)
{
	struct tcplab_tls *tls = tcplab_tls_get(sk);
	struct sk_buff *skb;
	u32 unread = 0;

	skb_queue_walk(&sk->sk_receive_queue, skb)
		unread += skb->len - TCPLAB_SKB_CB(skb)->seq;
	tls->rx_seq = tcplab_sk(sk)->rcv_queued_end - unread;
	tl_tls_rx_parser_init(&tls->rxp, tls->rx_keys.cipher);
	tls->rx_have = false;
	tls->rx_paused = false;
	tcplab_tls_data_ready(sk);
}

/*
 * The AEAD's source for the record framed in rx_rec, still at the head of
 * the receive queue: rx_sg, over the ciphertext in the skbs.  A record in
 * more pieces than rx_sg holds is copied into rx_buf, past room for its
 * header, to be decrypted in place: NULL then.
 */
static struct scatterlist *tcplab_tls_rx_src(struct sock *sk,
					     struct tcplab_tls *tls, int *err)
{
	struct tl_tls_rec *rec = &tls->rx_rec;
	int n;

	sg_init_table(tls->rx_sg, TCPLAB_TLS_RX_SG);
	sg_set_buf(&tls->rx_sg[0], rec->aad, rec->aad_size);
	n = tcplab_tls_rx_sg(sk, rec->prepend_size, rec->crypt_len,
			     &tls->rx_sg[1], TCPLAB_TLS_RX_SG - 1);
	if (n > 0) {
		sg_mark_end(&tls->rx_sg[n]);
		return tls->rx_sg;
	}
	*err = tcplab_tls_rx_copy(sk, rec->prepend_size,
				  tls->rx_buf + rec->prepend_size,
				  rec->crypt_len);
	return NULL;
}

/* Decrypt and authenticate from @src (NULL: in place) into rx_buf. */
static int tcplab_tls_rx_open(struct sock *sk, struct tcplab_tls *tls,
			      struct scatterlist *src)
{
	struct tl_tls_rec *rec = &tls->rx_rec;
	struct scatterlist dst[2];
	int err;

	sg_init_table(dst, 2);
	sg_set_buf(&dst[0], rec->aad, rec->aad_size);
	sg_set_buf(&dst[1], tls->rx_buf + rec->prepend_size, rec->crypt_len);
	err = tcplab_tls_aead_run(&tls->rx_aead, false, src ? : dst, dst,
				  rec->aad_size, rec->crypt_len, rec->aead_iv);
	if (err)
		tcplab_inc_stats(sock_net(sk), TCPLAB_MIB_TLS_DECRYPT_ERRORS);
	return err;
}

/*
 * Take the complete record at the head of the queue, decrypt and check
 * it (RFC 5246 §6.2.3.3, RFC 8446 §5.2).  Returns 0 with the plaintext
 * in rx_buf, or a negative errno after aborting the stream.
 */
static int tcplab_tls_rx_decrypt(struct sock *sk, struct tcplab_tls *tls)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	const struct tl_tls_cipher *c = tls->rx_keys.cipher;
	struct tl_tls_rec *rec = &tls->rx_rec;
	u32 rlen = tl_tls_rx_parser_record_len(&tls->rxp);
	u32 tcp_seq = tls->rx_seq;
	struct scatterlist *src = NULL;
	struct sk_buff_head used;
	size_t clen;
	u8 type;
	int err;

	/* The header (and TLS 1.2's explicit nonce) frame the record. */
	err = tcplab_tls_rx_copy(sk, 0, tls->rx_buf, c->prepend_size);
	if (err)
		goto abort;
	err = tl_tls_rx_record(&tls->rx_keys, tls->rx_buf, rlen, rec);
	if (!err)
		src = tcplab_tls_rx_src(sk, tls, &err);
	/*
	 * The record's bytes are ours now: the next one may be parsed, and
	 * the window opens while we decrypt.  The skbs src points into stay
	 * on @used, or at the head of the queue, until the AEAD is done.
	 */
	tl_tls_rx_parser_next(&tls->rxp);
	__skb_queue_head_init(&used);
	tcplab_tls_rx_consume(sk, tls, rlen, &used);
	if (!err)
		err = tcplab_tls_rx_open(sk, tls, src);
	__skb_queue_purge(&used);
	if (err)
		goto abort;
	clen = rec->crypt_len - c->tag_size;
	type = rec->type;
	if (c->tail_size) {
		/* RFC 8446 §5.4: the real type follows the content. */
		err = tl_tls13_inner_unpad(tls->rx_buf + rec->prepend_size,
					   clen, &type, &clen);
		if (err)
			goto abort;
	}
	tls->rx_off = rec->prepend_size;
	tls->rx_len = clen;
	tls->rx_type = type;
	tls->rx_rec_seq = rec->seq;
	WRITE_ONCE(tls->rx_have, true);
	trace_tcplab_tls_record(tsk, false, type, clen, rec->seq, tcp_seq);
	tcplab_inc_stats(sock_net(sk), TCPLAB_MIB_TLS_RX_RECORDS);
	/* RFC 8446 §4.6.3: what follows a KeyUpdate uses the next key. */
	if (c->version == TLS_1_3_VERSION &&
	    tl_tls13_is_key_update(type, tls->rx_buf + tls->rx_off, clen))
		WRITE_ONCE(tls->rx_paused, true);
	return 0;

abort:
	tcplab_tls_rx_abort(sk, tls, err == -EBADMSG ? EBADMSG : -err);
	return err;
}

/*
 * No whole record is queued: the reader needs more from the peer, so an
 * ACK the delayed-ACK timer holds goes now (tl_rcv_starved()).
 */
static void tcplab_tls_rx_starved(struct sock *sk)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	struct tl_actions *act = tcplab_act_get();

	tl_rcv_starved(&tsk->tcb, tcplab_now_us(), act);
	tcplab_run_actions(sk, NULL, act);
}

/* Sleep until a record, an error or the end of the stream. */
static void tcplab_tls_rx_wait(struct sock *sk, struct tcplab_tls *tls,
			       long *timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);

	add_wait_queue(sk_sleep(sk), &wait);
	sk_set_bit(SOCKWQ_ASYNC_WAITDATA, sk);
	sk_wait_event(sk, timeo,
		      tcplab_tls_rx_readable(sk) || READ_ONCE(sk->sk_err) ||
		      (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN) ||
		      READ_ONCE(sk->sk_state) == TCP_CLOSE, &wait);
	sk_clear_bit(SOCKWQ_ASYNC_WAITDATA, sk);
	remove_wait_queue(sk_sleep(sk), &wait);
}

int tcplab_tls_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
		       int flags)
{
	struct tcplab_tls *tls = tcplab_tls_get(sk);
	bool peek = flags & MSG_PEEK;
	u8 ctype = 0;		/* 0: no record returned yet */
	int copied = 0, target, err = 0;
	long timeo;

	lock_sock(sk);
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);
	while (copied < len) {
		u32 n;

		if (!tls->rx_have) {
			if (tls->rx_err) {
				err = -tls->rx_err;
				break;
			}
			/* Linux 6.14: after a KeyUpdate, until TLS_RX. */
			if (tls->rx_paused) {
				err = -EKEYEXPIRED;
				break;
			}
			tcplab_tls_rx_parse(sk, tls);
			if (tls->rx_err)
				continue;
			if (tl_tls_rx_parser_ready(&tls->rxp)) {
				/* MSG_PEEK shows the current record only. */
				if (peek && copied)
					break;
				tcplab_tls_rx_decrypt(sk, tls);
				/* Segments that arrived while we decrypted. */
				sk_flush_backlog(sk);
				continue;
			}
			tcplab_tls_rx_starved(sk);
			if (copied >= target)
				break;
			if (copied) {
				if (sk->sk_err || sk->sk_state == TCP_CLOSE ||
				    (sk->sk_shutdown & RCV_SHUTDOWN) ||
				    !timeo || signal_pending(current))
					break;
			} else {
				if (sock_flag(sk, SOCK_DONE))
					break;
				if (sk->sk_err) {
					err = sock_error(sk);
					break;
				}
				if (sk->sk_shutdown & RCV_SHUTDOWN)
					break;
				if (sk->sk_state == TCP_CLOSE) {
					err = -ENOTCONN;
					break;
				}
				if (!timeo) {
					err = -EAGAIN;
					break;
				}
				if (signal_pending(current)) {
					err = sock_intr_errno(timeo);
					break;
				}
			}
			tcplab_tls_rx_wait(sk, tls, &timeo);
			continue;
		}

		/*
		 * A decrypted record.  One call never mixes content types;
		 * the type goes out as a cmsg, and a non-data record needs
		 * a buffer for it (tls_record_content_type()).
		 */
		if (!ctype) {
			int cerr;

			ctype = tls->rx_type;
			cerr = put_cmsg(msg, SOL_TLS, TLS_GET_RECORD_TYPE,
					sizeof(ctype), &ctype);
			if (ctype != TL_TLS_CT_APPLICATION_DATA &&
			    (cerr || (msg->msg_flags & MSG_CTRUNC))) {
				err = -EIO;
				break;
			}
		} else if (ctype != tls->rx_type) {
			break;
		}
		n = min_t(u32, tls->rx_len, len - copied);
		err = memcpy_to_msg(msg, tls->rx_buf + tls->rx_off, n);
		if (err)
			break;
		copied += n;
		if (!peek) {
			tls->rx_off += n;
			tls->rx_len -= n;
			if (!tls->rx_len)
				WRITE_ONCE(tls->rx_have, false);
		}
		/* A control record is returned alone; peek sees one. */
		if (ctype != TL_TLS_CT_APPLICATION_DATA || peek ||
		    tls->rx_have)
			break;
	}
	/*
	 * The next record may be queued whole already, and no more data
	 * may come to make sk_data_ready() parse it (the peer waits for
	 * our answer): parse now, or poll() would not see it.
	 */
	if (!tls->rx_have)
		tcplab_tls_rx_parse(sk, tls);
	release_sock(sk);
	return copied ? copied : err;
}
