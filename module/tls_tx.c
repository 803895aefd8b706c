// SPDX-License-Identifier: GPL-2.0
/*
 * tls_tx.c - sending on a socket with TLS_TX set (Linux tls_sw_sendmsg()).
 *
 * The user's plaintext is copied once into the open record (tx_buf);
 * MSG_MORE leaves the record open so later sends fill it up to 2^14
 * bytes (RFC 8446 §5.1).  Closing a record reserves its whole length in
 * the send queue first (the unsent tail skb and new skbs of one MSS each,
 * at most 16 KiB, as plain sends build them), then asks the core for the
 * record's framing (core/tls_record.h) and lets the AEAD write header-less
 * ciphertext and tag straight into those skbs: the bytes that go to the
 * wire are written exactly once, by the cipher.  Only then are the bytes
 * handed to the TCP core (tl_send()), so a record is queued entirely or
 * not at all: a nonblocking send that runs out of buffer space returns a
 * short count, but never leaves half a record or sends one twice.
 *
 * Like plain sends (socket.c), the records of one sendmsg() reach the
 * core in batches of about 64 KiB (tx_pending), not one by one: the core
 * then cuts full-sized segments across record boundaries.  Handed over
 * one at a time, each 16 KiB record became a segment smaller than
 * loopback's 64 KiB MSS, which Nagle's rule (tl_nagle.c) held until the
 * previous one was acknowledged, while the receiver delayed its ACK
 * waiting for a full-sized segment: a few records per delayed-ACK
 * timeout.  Every function here that returns leaves tx_pending at 0.
 */
#include <linux/slab.h>
#include <linux/uio.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "tls.h"
#include "trace.h"

/* Flags tls_sw_sendmsg() accepts; 6.1's sendpage path adds two. */
#define TCPLAB_TLS_SEND_FLAGS	(MSG_MORE | MSG_DONTWAIT | MSG_NOSIGNAL | \
				 MSG_CMSG_COMPAT | MSG_EOR | \
				 MSG_SENDPAGE_NOPOLICY | TCPLAB_MSG_SPLICE | \
				 TCPLAB_MSG_NOTLAST)
#ifdef MSG_SPLICE_PAGES
#define TCPLAB_MSG_SPLICE	MSG_SPLICE_PAGES
#else
#define TCPLAB_MSG_SPLICE	0
#endif
#ifdef MSG_SENDPAGE_NOTLAST
#define TCPLAB_MSG_NOTLAST	MSG_SENDPAGE_NOTLAST
#else
#define TCPLAB_MSG_NOTLAST	0
#endif

/* Make room for @n destination scatterlist entries. */
static int tcplab_tls_tx_sg(struct tcplab_tls *tls, unsigned int n)
{
	struct scatterlist *sg;

	if (n <= tls->tx_sg_max)
		return 0;
	sg = kmalloc_array(n, sizeof(*sg), GFP_KERNEL);
	if (!sg)
		return -ENOMEM;
	kfree(tls->tx_sg);
	tls->tx_sg = sg;
	tls->tx_sg_max = n;
	return 0;
}

/* Hand the records sealed since the last call to the core, which sends. */
static void tcplab_tls_tx_commit(struct sock *sk, struct tcplab_tls *tls)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	u32 len = tls->tx_pending;
	struct tl_actions *act;
	int sent;

	if (!len)
		return;
	tls->tx_pending = 0;
	/* RFC 9293 3.10.2 SEND: the core segmentizes and sends. */
	act = tcplab_act_get();
	sent = tl_send(&tsk->tcb, len, tcplab_now_us(), act);
	WARN_ON_ONCE(sent != (int)len);
	tcplab_run_actions(sk, NULL, act);
}

static u32 tcplab_skb_list_truesize(struct sk_buff_head *list)
{
	struct sk_buff *skb;
	u32 sum = 0;

	skb_queue_walk(list, skb)
		sum += skb->truesize;
	return sum;
}

/*
 * Close the open record: frame, encrypt into the send queue, behind
 * tx_pending bytes the core has not been given yet (tcplab_tls_tx_commit()
 * gives them).  Returns 0 or -errno; -ENOMEM leaves the record open and
 * untouched.
 */
static int tcplab_tls_tx_push(struct sock *sk, struct tcplab_tls *tls)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	struct tl_tls_keys *keys = &tls->tx_keys;
	const struct tl_tls_cipher *c = keys->cipher;
	struct tl_tls_rec *rec = &tls->tx_rec;
	u32 plen = tls->tx_open_len;
	u32 rlen = plen + c->overhead_size;
	u32 mss = tsk->tcb.snd_mss ? : TL_MSS_DEFAULT;
	u32 room = 0, old_len = 0, need, seq, pre, n;
	struct sk_buff *tail, *skb;
	struct sk_buff_head list;
	struct scatterlist src[2];
	unsigned int nsg = 2, i;
	int err;

	if (tls->tx_err)
		return -tls->tx_err;
	/* The record must be one TCP can still send (RFC 9293 3.10.2). */
	if (!((1 << tsk->tcb.state) & (1 << TL_ESTABLISHED |
				       1 << TL_CLOSE_WAIT)) ||
	    (sk->sk_shutdown & SEND_SHUTDOWN))
		return -EPIPE;

	/*
	 * The queue's last skb takes more bytes if none has gone out; new
	 * skbs have room for a whole MSS (in 16 KiB), so that the next
	 * record fills the last one up: the skbs stay one segment each, as
	 * the core cuts them, and go out as GSO batches (output.c).
	 */
	mss = min_t(u32, mss, TCPLAB_SKB_PAYLOAD_MAX);
	tail = skb_peek_tail(&sk->sk_write_queue);
	if (tail && tail->len < mss &&
	    !tl_seq_lt(TCPLAB_SKB_CB(tail)->seq, tsk->tcb.snd_max))
		room = min_t(u32, min_t(u32, mss - tail->len,
					skb_tailroom(tail)), rlen);
	__skb_queue_head_init(&list);
	for (need = rlen - room; need; need -= n) {
		skb = alloc_skb(MAX_TCP_HEADER + mss, sk->sk_allocation);
		if (!skb) {
			__skb_queue_purge(&list);
			return -ENOMEM;
		}
		skb_reserve(skb, MAX_TCP_HEADER);
		/* Clones for transmission may write their headers. */
		__skb_header_release(skb);
		n = min(need, mss);
		skb_put(skb, n);
		__skb_queue_tail(&list, skb);
		nsg++;
	}
	err = tcplab_tls_tx_sg(tls, nsg);
	if (!err && !sk_wmem_schedule(sk, tcplab_skb_list_truesize(&list)))
		err = -ENOMEM;	/* the memory of all sockets (mem.c) */
	if (err) {
		__skb_queue_purge(&list);
		return err;
	}

	/* From here on a sequence number is used: failure is fatal. */
	err = tl_tls_tx_record(keys, tls->tx_open_type, plen, rec);
	if (err)
		goto fail;
	if (rec->tail_size)
		tls->tx_buf[plen] = rec->tail[0];	/* TLS 1.3 inner type */

	/* src: AAD || plaintext (|| type); dst: AAD || skb bytes. */
	sg_init_table(src, 2);
	sg_set_buf(&src[0], rec->aad, rec->aad_size);
	sg_set_buf(&src[1], tls->tx_buf, rec->crypt_len);
	sg_init_table(tls->tx_sg, nsg);
	sg_set_buf(&tls->tx_sg[0], tls->tx_aad_out, rec->aad_size);
	i = 1;
	pre = 0;
	if (room) {
		old_len = tail->len;
		skb_put(tail, room);
	}
	skb = room ? tail : skb_peek(&list);
	while (skb) {
		u8 *p = room && skb == tail ? tail->data + old_len : skb->data;
		u32 len = room && skb == tail ? room : skb->len;
		u32 k = min_t(u32, len, rec->prepend_size - pre);

		/* The header (and explicit nonce) are written as they are. */
		memcpy(p, rec->prepend + pre, k);
		pre += k;
		if (len > k)
			sg_set_buf(&tls->tx_sg[i++], p + k, len - k);
		skb = skb == tail ? skb_peek(&list) :
		      skb_queue_is_last(&list, skb) ? NULL : skb->next;
	}
	sg_mark_end(&tls->tx_sg[i - 1]);
	err = tcplab_tls_aead_run(&tls->tx_aead, true, src, tls->tx_sg,
				  rec->aad_size, rec->crypt_len,
				  rec->aead_iv);
	if (err)
		goto fail_trim;

	/* Commit: the record joins the send queue, for TCP. */
	seq = tsk->tcb.snd_end + tls->tx_pending;
	if (room)
		TCPLAB_SKB_CB(tail)->end_seq += room;
	seq += room;
	while ((skb = __skb_dequeue(&list))) {
		TCPLAB_SKB_CB(skb)->seq = seq;
		TCPLAB_SKB_CB(skb)->end_seq = seq + skb->len;
		seq += skb->len;
		__skb_queue_tail(&sk->sk_write_queue, skb);
		sk_wmem_queued_add(sk, skb->truesize);
		sk_mem_charge(sk, skb->truesize);
	}
	trace_tcplab_tls_record(tsk, true, tls->tx_open_type, plen, rec->seq,
				tsk->tcb.snd_end + tls->tx_pending);
	tls->tx_open_len = 0;
	tls->tx_pending += rlen;
	tcplab_inc_stats(sock_net(sk), TCPLAB_MIB_TLS_TX_RECORDS);
	return 0;

fail_trim:
	if (room)
		skb_trim(tail, old_len);
fail:
	__skb_queue_purge(&list);
	/* Like tls_err_abort(): the stream cannot continue. */
	tls->tx_err = err == -EBADMSG ? EBADMSG : -err;
	WRITE_ONCE(sk->sk_err, tls->tx_err);
	sk_error_report(sk);
	return err;
}

/*
 * Push what MSG_MORE held back (rekey, shutdown, close), if it can still
 * be sent.  Socket locked.
 */
int tcplab_tls_tx_flush(struct sock *sk)
{
	struct tcplab_tls *tls = tcplab_tls_get(sk);

	int err;

	if (!tls || !tls->tx_keys.cipher || !tls->tx_open_len ||
	    (sk->sk_shutdown & SEND_SHUTDOWN) ||
	    !((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT)))
		return 0;
	err = tcplab_tls_tx_push(sk, tls);
	tcplab_tls_tx_commit(sk, tls);
	return err;
}

/* tls_process_cmsg(): SOL_TLS / TLS_SET_RECORD_TYPE picks the type. */
static int tcplab_tls_cmsg(struct sock *sk, struct tcplab_tls *tls,
			   struct msghdr *msg, u8 *type)
{
	struct cmsghdr *cmsg;
	int rc = -EINVAL;

	for_each_cmsghdr(cmsg, msg) {
		if (!CMSG_OK(msg, cmsg))
			return -EINVAL;
		if (cmsg->cmsg_level != SOL_TLS)
			continue;
		switch (cmsg->cmsg_type) {
		case TLS_SET_RECORD_TYPE:
			if (cmsg->cmsg_len < CMSG_LEN(sizeof(*type)))
				return -EINVAL;
			if (msg->msg_flags & MSG_MORE)
				return -EINVAL;
			*type = *(u8 *)CMSG_DATA(cmsg);
			/* A pending data record goes first. */
			rc = tls->tx_open_len ? tcplab_tls_tx_push(sk, tls) : 0;
			break;
		default:
			return -EINVAL;
		}
	}
	return rc;
}

int tcplab_tls_sendmsg(struct sock *sk, struct msghdr *msg, size_t len)
{
	struct tcplab_tls *tls = tcplab_tls_get(sk);
	int flags = msg->msg_flags;
	u8 type = TL_TLS_CT_APPLICATION_DATA;
	bool more = flags & (MSG_MORE | TCPLAB_MSG_NOTLAST);
	size_t copied = 0;
	long timeo;
	int err;

	if (flags & ~TCPLAB_TLS_SEND_FLAGS)
		return -EOPNOTSUPP;
	if ((flags & MSG_MORE) && (flags & MSG_EOR))
		return -EINVAL;

	lock_sock(sk);
	if (msg->msg_controllen) {
		err = tcplab_tls_cmsg(sk, tls, msg, &type);
		if (err)
			goto out;
	}
	/* One record never mixes content types. */
	if (tls->tx_open_len && tls->tx_open_type != type) {
		err = tcplab_tls_tx_push(sk, tls);
		if (err)
			goto out;
	}
	timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);
	if ((1 << sk->sk_state) & ~(TCPF_ESTABLISHED | TCPF_CLOSE_WAIT)) {
		err = sk_stream_wait_connect(sk, &timeo);
		if (err)
			goto do_error;
	}

	while (msg_data_left(msg)) {
		size_t copy, n;

		if (sk->sk_err) {
			err = -sk->sk_err;
			goto do_error;
		}
		err = -EPIPE;
		if (sk->sk_shutdown & SEND_SHUTDOWN)
			goto do_error;
		if (!sk_stream_memory_free(sk))
			goto wait_for_space;

		if (!tls->tx_open_len)
			tls->tx_open_type = type;
		copy = min_t(size_t, msg_data_left(msg),
			     TL_TLS_MAX_PAYLOAD_SIZE - tls->tx_open_len);
		n = copy_from_iter(tls->tx_buf + tls->tx_open_len, copy,
				   &msg->msg_iter);
		tls->tx_open_len += n;
		copied += n;
		if (n != copy) {
			err = -EFAULT;
			goto do_error;
		}
		/* One record per send unless MSG_MORE; full ones go now. */
		if (tls->tx_open_len == TL_TLS_MAX_PAYLOAD_SIZE ||
		    (!msg_data_left(msg) && !more)) {
			/* Memory of all sockets short (mem.c): wait a little. */
			while ((err = tcplab_tls_tx_push(sk, tls)) == -ENOMEM) {
				tcplab_tls_tx_commit(sk, tls);
				err = sk_stream_wait_memory(sk, &timeo);
				if (err)
					goto do_error;
			}
			if (err)
				goto do_error;
		}
		if (tls->tx_pending >= TCPLAB_SEND_BATCH) {
			tcplab_tls_tx_commit(sk, tls);
			/*
			 * Encrypting takes a while: let the ACKs that came
			 * meanwhile (held in the backlog while we own the
			 * socket) open the window now, not at release.
			 */
			sk_flush_backlog(sk);
		}
		continue;

wait_for_space:
		/* What is sealed goes out before we sleep. */
		tcplab_tls_tx_commit(sk, tls);
		set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		err = sk_stream_wait_memory(sk, &timeo);
		if (err)
			goto do_error;
	}
	tcplab_tls_tx_commit(sk, tls);
	release_sock(sk);
	return copied;

do_error:
	/*
	 * A short count: the bytes accepted so far form whole records
	 * (unless the caller said MSG_MORE), so nothing waits half-done.
	 */
	if (copied && tls->tx_open_len && !more && !tls->tx_err)
		tcplab_tls_tx_push(sk, tls);
	tcplab_tls_tx_commit(sk, tls);
	if (copied) {
		release_sock(sk);
		return copied;
	}
	err = sk_stream_error(sk, flags, err);
	release_sock(sk);
	return err;
out:
	tcplab_tls_tx_commit(sk, tls);
	release_sock(sk);
	return err;
}
