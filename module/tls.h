/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tls.h - kernel TLS on tcplab sockets: the glue around the sans-I/O
 * record core (core/tls_*.h), with Linux kTLS's interface
 * (<linux/tls.h>, net/tls in Linux).
 *
 *   tls_ulp.c   setsockopt(SOL_TCP, TCP_ULP, "tls"), SOL_TLS set/get,
 *               life cycle of struct tcplab_tls
 *   tls_aead.c  one kernel crypto API AEAD transform per direction
 *   tls_tx.c    sendmsg: plaintext -> records encrypted into the skbs of
 *               the send queue
 *   tls_rx.c    record reassembly over the receive queue, decryption,
 *               recvmsg and poll
 *
 * Everything runs under the socket lock.  The struct is allocated at
 * TCP_ULP time and freed with the socket (sk_destruct); keys are wiped
 * with memzero_explicit() on rekey and when it is freed.
 */
#ifndef _TCPLAB_TLS_H
#define _TCPLAB_TLS_H

#include <linux/scatterlist.h>
#include <crypto/aead.h>

#include "tcplab.h"
#include "core/tls_cipher.h"
#include "core/tls_crypto_info.h"
#include "core/tls_record.h"

#ifndef SOL_TLS
#define SOL_TLS		282
#endif

/* One direction's AEAD: transform and a preallocated request. */
struct tcplab_tls_aead {
	struct crypto_aead	*tfm;
	struct aead_request	*req;
};

/* Largest record body we ever hold for decryption, header included. */
#define TCPLAB_TLS_RX_BUF_SIZE	(TL_TLS_MAX_PREPEND_SIZE + \
				 TL_TLS_MAX_PAYLOAD_SIZE + 1 + \
				 TL_TLS_TAG_SIZE + 16)

/*
 * Scatterlist entries for decrypting straight from the receive queue: the
 * AAD and up to 32 pieces of skb (a 16 KiB record in 1448-byte segments
 * takes 12).  A record in more pieces is copied out first.
 */
#define TCPLAB_TLS_RX_SG	33

struct tcplab_tls {
	struct work_struct	free_work;	/* freed from softirq: later */
	struct tl_tls_keys	tx_keys;	/* cipher NULL: TX not set */
	struct tl_tls_keys	rx_keys;
	struct tcplab_tls_aead	tx_aead;
	struct tcplab_tls_aead	rx_aead;
	bool			tx_zc_ro;	/* TLS_TX_ZEROCOPY_RO */
	bool			rx_no_pad;	/* TLS_RX_EXPECT_NO_PAD */

	/*
	 * TX: the open record, plaintext not yet framed (MSG_MORE
	 * coalesces here).  tx_buf holds 2^14 bytes + the TLS 1.3 inner
	 * content type byte.
	 */
	u8			*tx_buf;
	u32			tx_open_len;
	u8			tx_open_type;
	int			tx_err;		/* sticky: encryption failed */
	u32			tx_pending;	/* sealed, queued, not sent */
	struct tl_tls_rec	tx_rec;		/* framing of the record sealed */
	u8			tx_aad_out[TL_TLS_MAX_AAD_SIZE];
	struct scatterlist	*tx_sg;		/* dst scatterlist, grown */
	unsigned int		tx_sg_max;

	/*
	 * RX: the receive queue is a byte stream whose first unread byte
	 * has TCP sequence number rx_seq; the parser has seen the first
	 * rxp.have bytes of the current record.  A decrypted record waits
	 * in rx_buf: rx_len plaintext bytes left from rx_off, type rx_type.
	 * rx_sg: the AEAD's source, the record's ciphertext in the skbs.
	 */
	struct tl_tls_rx_parser	rxp;
	u32			rx_seq;
	u8			*rx_buf;
	bool			rx_have;
	u8			rx_type;
	u32			rx_off;
	u32			rx_len;
	u64			rx_rec_seq;	/* of the record in rx_buf */
	struct tl_tls_rec	rx_rec;
	struct scatterlist	rx_sg[TCPLAB_TLS_RX_SG];
	bool			rx_paused;	/* KeyUpdate: wait for TLS_RX */
	int			rx_err;		/* sticky, positive errno */
	void			(*saved_data_ready)(struct sock *sk);
};

static inline struct tcplab_tls *tcplab_tls_get(const struct sock *sk)
{
	return READ_ONCE(tcplab_sk(sk)->tls);
}

static inline bool tcplab_tls_tx_active(const struct sock *sk)
{
	struct tcplab_tls *tls = tcplab_tls_get(sk);

	return tls && READ_ONCE(tls->tx_keys.cipher);
}

static inline bool tcplab_tls_rx_active(const struct sock *sk)
{
	struct tcplab_tls *tls = tcplab_tls_get(sk);

	return tls && READ_ONCE(tls->rx_keys.cipher);
}

/* tls_ulp.c: hooks called from socket.c */
int tcplab_tls_set_ulp(struct sock *sk, sockptr_t optval,
		       unsigned int optlen);
int tcplab_tls_get_ulp(struct sock *sk, char __user *optval,
		       int __user *optlen);
int tcplab_tls_setsockopt(struct sock *sk, int optname, sockptr_t optval,
			  unsigned int optlen);
int tcplab_tls_getsockopt(struct sock *sk, int optname, char __user *optval,
			  int __user *optlen);
void tcplab_tls_release(struct sock *sk);	/* close(), socket locked */
void tcplab_tls_free(struct sock *sk);		/* sk_destruct */
int tcplab_tls_init(void);			/* module load, unload */
void tcplab_tls_exit(void);
struct seq_file;
void tcplab_tls_proc_show(struct seq_file *seq, struct tcplab_sock *tsk);

/* tls_aead.c */
int tcplab_tls_aead_init(struct tcplab_tls_aead *a,
			 const struct tl_tls_keys *keys);
int tcplab_tls_aead_setkey(struct tcplab_tls_aead *a,
			   const struct tl_tls_keys *keys);
void tcplab_tls_aead_free(struct tcplab_tls_aead *a);
int tcplab_tls_aead_run(struct tcplab_tls_aead *a, bool encrypt,
			struct scatterlist *src, struct scatterlist *dst,
			unsigned int aad_len, unsigned int crypt_len, u8 *iv);

/* tls_tx.c */
int tcplab_tls_sendmsg(struct sock *sk, struct msghdr *msg, size_t len);
int tcplab_tls_tx_flush(struct sock *sk);

/* tls_rx.c */
int tcplab_tls_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
		       int flags);
bool tcplab_tls_rx_readable(const struct sock *sk);
void tcplab_tls_data_ready(struct sock *sk);
void tcplab_tls_rx_start(struct sock *sk);

#endif /* _TCPLAB_TLS_H */
