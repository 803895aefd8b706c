// SPDX-License-Identifier: GPL-2.0
/*
 * tls_ulp.c - installing kernel TLS on a tcplab socket, with the calls
 * and errnos of Linux kTLS:
 *
 *   setsockopt(fd, SOL_TCP, TCP_ULP, "tls", 4)   (tcp_set_ulp(), tls_init())
 *   setsockopt(fd, SOL_TLS, TLS_TX | TLS_RX, &crypto_info, len)
 *   setsockopt(fd, SOL_TLS, TLS_TX_ZEROCOPY_RO | TLS_RX_EXPECT_NO_PAD, ..)
 *   getsockopt(fd, SOL_TLS, the same)            (do_tls_getsockopt())
 *
 * Validation of crypto_info and the getsockopt() answer are the core's
 * (core/tls_crypto_info.c); this file allocates the transforms and
 * buffers and switches the socket's data path over.
 */
#include <linux/slab.h>
#include <linux/tcp.h>
#include <linux/sockptr.h>
#include <linux/seq_file.h>
#include <linux/workqueue.h>
#include <net/tcp.h>

#include "tls.h"
#include "trace.h"

#define TCPLAB_ULP_NAME_MAX	16	/* Linux TCP_ULP_NAME_MAX */

/*
 * setsockopt(SOL_TCP, TCP_ULP): do_tcp_setsockopt() reads at most 15
 * bytes of name; tcp_set_ulp() answers ENOENT for an unknown ULP, EEXIST
 * if one is installed, and tls_init() ENOTCONN unless ESTABLISHED.
 */
int tcplab_tls_set_ulp(struct sock *sk, sockptr_t optval, unsigned int optlen)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	char name[TCPLAB_ULP_NAME_MAX];
	struct tcplab_tls *tls;
	long n;
	int err;

	if (optlen < 1)
		return -EINVAL;
	n = strncpy_from_sockptr(name, optval,
				 min_t(long, TCPLAB_ULP_NAME_MAX - 1, optlen));
	if (n < 0)
		return -EFAULT;
	name[n] = 0;
	if (strcmp(name, "tls"))
		return -ENOENT;

	lock_sock(sk);
	err = -EEXIST;
	if (tsk->tls)
		goto out;
	err = -ENOTCONN;
	if (sk->sk_state != TCP_ESTABLISHED)
		goto out;
	err = -ENOMEM;
	tls = kzalloc(sizeof(*tls), GFP_KERNEL);
	if (!tls)
		goto out;
	/* The RX path sees every arrival first (Linux: the strparser). */
	tls->saved_data_ready = sk->sk_data_ready;
	WRITE_ONCE(tsk->tls, tls);
	sk->sk_data_ready = tcplab_tls_data_ready;
	err = 0;
out:
	release_sock(sk);
	return err;
}

/* getsockopt(SOL_TCP, TCP_ULP): the name, or an empty answer. */
int tcplab_tls_get_ulp(struct sock *sk, char __user *optval,
		       int __user *optlen)
{
	char name[TCPLAB_ULP_NAME_MAX] = "tls";
	int len;

	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	len = min_t(unsigned int, len, TCPLAB_ULP_NAME_MAX);
	if (!tcplab_tls_get(sk))
		len = 0;
	if (put_user(len, optlen))
		return -EFAULT;
	if (len && copy_to_user(optval, name, len))
		return -EFAULT;
	return 0;
}

/* The version both directions share (Linux tls_prot_info.version). */
static u16 tcplab_tls_version(const struct tcplab_tls *tls)
{
	if (tls->tx_keys.cipher)
		return tls->tx_keys.cipher->version;
	if (tls->rx_keys.cipher)
		return tls->rx_keys.cipher->version;
	return 0;
}

/* First keys for a direction: transform, buffers, then switch over. */
static int tcplab_tls_install(struct sock *sk, struct tcplab_tls *tls,
			      bool tx, const struct tl_tls_keys *new)
{
	struct tcplab_tls_aead *a = tx ? &tls->tx_aead : &tls->rx_aead;
	int err;

	if (tx && !tls->tx_buf)
		tls->tx_buf = kmalloc(TL_TLS_MAX_PAYLOAD_SIZE + 1, GFP_KERNEL);
	if (!tx && !tls->rx_buf)
		tls->rx_buf = kmalloc(TCPLAB_TLS_RX_BUF_SIZE, GFP_KERNEL);
	if (tx ? !tls->tx_buf : !tls->rx_buf)
		return -ENOMEM;
	err = tcplab_tls_aead_init(a, new);
	if (err)
		return err;
	if (tx) {
		tls->tx_open_len = 0;
		memcpy(&tls->tx_keys, new, sizeof(*new));
	} else {
		memcpy(&tls->rx_keys, new, sizeof(*new));
		tcplab_tls_rx_start(sk);
	}
	return 0;
}

/* TLS 1.3 KeyUpdate (RFC 8446 §4.6.3): same transform, next key. */
static int tcplab_tls_rekey(struct sock *sk, struct tcplab_tls *tls,
			    bool tx, const struct tl_tls_keys *new)
{
	struct tcplab_tls_aead *a = tx ? &tls->tx_aead : &tls->rx_aead;
	struct tl_tls_keys *cur = tx ? &tls->tx_keys : &tls->rx_keys;
	int err;

	/* What was written before the call is sealed with the old key. */
	if (tx) {
		err = tcplab_tls_tx_flush(sk);
		if (err)
			return err;
	}
	err = tcplab_tls_aead_setkey(a, new);
	if (err)
		return err;
	tl_tls_keys_wipe(cur);
	memcpy(cur, new, sizeof(*new));
	tcplab_inc_stats(sock_net(sk), TCPLAB_MIB_TLS_REKEYS);
	if (!tx && tls->rx_paused) {
		tls->rx_paused = false;
		/* Records queued behind the KeyUpdate may be readable now. */
		tcplab_tls_data_ready(sk);
	}
	return 0;
}

static int tcplab_tls_set_conf(struct sock *sk, struct tcplab_tls *tls,
			       bool tx, sockptr_t optval, unsigned int optlen)
{
	u8 buf[TL_TLS_CRYPTO_INFO_MAX_SIZE];
	struct tl_tls_keys new;
	struct tl_tls_keys *cur, *other;
	int rc, kind;

	memset(buf, 0, sizeof(buf));
	if (!sockptr_is_null(optval) &&
	    copy_from_sockptr(buf, optval, min_t(unsigned int, optlen,
						 sizeof(buf))))
		return -EFAULT;

	lock_sock(sk);
	cur = tx ? &tls->tx_keys : &tls->rx_keys;
	other = tx ? &tls->rx_keys : &tls->tx_keys;
	rc = tl_tls_crypto_info_parse(&new, sockptr_is_null(optval) ? NULL : buf,
				      optlen, cur, other);
	kind = rc;
	if (rc == TL_TLS_CONF_NEW)
		rc = tcplab_tls_install(sk, tls, tx, &new);
	else if (rc == TL_TLS_CONF_REKEY)
		rc = tcplab_tls_rekey(sk, tls, tx, &new);
	else
		goto out;
	if (!rc)
		trace_tcplab_tls_key(tcplab_sk(sk), tx, cur->cipher->version,
				     cur->cipher->cipher_type,
				     kind == TL_TLS_CONF_REKEY);
out:
	release_sock(sk);
	tl_tls_keys_wipe(&new);
	memzero_explicit(buf, sizeof(buf));
	return rc;
}

/* do_tls_setsockopt_tx_zc(): a boolean, exactly an unsigned int. */
static int tcplab_tls_set_tx_zc(struct sock *sk, struct tcplab_tls *tls,
				sockptr_t optval, unsigned int optlen)
{
	unsigned int val;

	if (sockptr_is_null(optval) || optlen != sizeof(val))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	if (val > 1)
		return -EINVAL;
	/*
	 * A promise that sendfile()'s pages do not change while in flight.
	 * tcplab always encrypts from a copy, so it needs no promise.
	 */
	lock_sock(sk);
	tls->tx_zc_ro = val;
	release_sock(sk);
	return 0;
}

/*
 * do_tls_setsockopt_no_pad(): TLS 1.3 only, RX configured; a u32 0/1,
 * longer buffers allowed if the rest is zero.  The receiver always copes
 * with padding here, so the hint changes nothing but its getsockopt().
 */
static int tcplab_tls_set_no_pad(struct sock *sk, struct tcplab_tls *tls,
				 sockptr_t optval, unsigned int optlen)
{
	u32 val;
	int rc;

	if (tcplab_tls_version(tls) != TLS_1_3_VERSION ||
	    sockptr_is_null(optval) || optlen < sizeof(val))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	if (val > 1)
		return -EINVAL;
	rc = check_zeroed_sockptr(optval, sizeof(val), optlen - sizeof(val));
	if (rc < 1)
		return rc == 0 ? -EINVAL : rc;
	lock_sock(sk);
	rc = -EINVAL;
	if (tls->rx_keys.cipher) {
		tls->rx_no_pad = val;
		rc = 0;
	}
	release_sock(sk);
	return rc;
}

int tcplab_tls_setsockopt(struct sock *sk, int optname, sockptr_t optval,
			  unsigned int optlen)
{
	struct tcplab_tls *tls = tcplab_tls_get(sk);

	/* Without the ULP, SOL_TLS is nobody's level (ip_setsockopt()). */
	if (!tls)
		return -ENOPROTOOPT;
	switch (optname) {
	case TLS_TX:
	case TLS_RX:
		return tcplab_tls_set_conf(sk, tls, optname == TLS_TX, optval,
					   optlen);
	case TLS_TX_ZEROCOPY_RO:
		return tcplab_tls_set_tx_zc(sk, tls, optval, optlen);
	case TLS_RX_EXPECT_NO_PAD:
		return tcplab_tls_set_no_pad(sk, tls, optval, optlen);
	default:
		return -ENOPROTOOPT;
	}
}

static int tcplab_tls_get_conf(struct sock *sk, struct tcplab_tls *tls,
			       bool tx, char __user *optval, int len)
{
	u8 buf[TL_TLS_CRYPTO_INFO_MAX_SIZE];
	int rc;

	if (!optval)
		return -EINVAL;
	rc = tl_tls_crypto_info_get(tx ? &tls->tx_keys : &tls->rx_keys, buf,
				    len);
	if (rc > 0)
		rc = copy_to_user(optval, buf, rc) ? -EFAULT : 0;
	memzero_explicit(buf, sizeof(buf));
	return rc;
}

int tcplab_tls_getsockopt(struct sock *sk, int optname, char __user *optval,
			  int __user *optlen)
{
	struct tcplab_tls *tls = tcplab_tls_get(sk);
	int len, rc;
	u32 val;

	/* Without the ULP: ip_getsockopt() answers for unknown levels. */
	if (!tls)
		return -EOPNOTSUPP;
	if (get_user(len, optlen))
		return -EFAULT;
	lock_sock(sk);
	switch (optname) {
	case TLS_TX:
	case TLS_RX:
		rc = tcplab_tls_get_conf(sk, tls, optname == TLS_TX, optval,
					 len);
		break;
	case TLS_TX_ZEROCOPY_RO:
		rc = -EINVAL;
		if (len != sizeof(val))
			break;
		val = tls->tx_zc_ro;
		rc = copy_to_user(optval, &val, sizeof(val)) ? -EFAULT : 0;
		break;
	case TLS_RX_EXPECT_NO_PAD:
		rc = -EINVAL;
		if (tcplab_tls_version(tls) != TLS_1_3_VERSION ||
		    len < (int)sizeof(val) || !tls->rx_keys.cipher)
			break;
		val = tls->rx_no_pad;
		rc = -EFAULT;
		if (put_user(sizeof(val), optlen) ||
		    copy_to_user(optval, &val, sizeof(val)))
			break;
		rc = 0;
		break;
	default:
		rc = -ENOPROTOOPT;
		break;
	}
	release_sock(sk);
	return rc;
}

/* close(): what MSG_MORE held back still goes out, before the FIN. */
void tcplab_tls_release(struct sock *sk)
{
	struct tcplab_tls *tls = tcplab_tls_get(sk);

	if (tls)
		tcplab_tls_tx_flush(sk);
}

/* The socket is being destroyed: wipe and free everything. */
/*
 * Transforms are freed in process context, as Linux kTLS frees them (at
 * close): a crypto driver's exit may sleep.  A socket's last reference
 * can go in softirq (its TIME-WAIT timer), so there the freeing waits
 * for a worker.  Unloading drains the workqueue: it outlives every
 * socket, and the module's code outlives the queue.
 */
static struct workqueue_struct *tcplab_tls_wq;

static void tcplab_tls_free_now(struct tcplab_tls *tls)
{
	tcplab_tls_aead_free(&tls->tx_aead);
	tcplab_tls_aead_free(&tls->rx_aead);
	tl_tls_keys_wipe(&tls->tx_keys);
	tl_tls_keys_wipe(&tls->rx_keys);
	kfree_sensitive(tls->tx_buf);
	kfree_sensitive(tls->rx_buf);
	kfree(tls->tx_sg);
	kfree_sensitive(tls);
}

static void tcplab_tls_free_work(struct work_struct *work)
{
	tcplab_tls_free_now(container_of(work, struct tcplab_tls, free_work));
}

void tcplab_tls_free(struct sock *sk)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	struct tcplab_tls *tls = tsk->tls;

	if (!tls)
		return;
	tsk->tls = NULL;
	sk->sk_data_ready = tls->saved_data_ready;
	if (in_task()) {
		tcplab_tls_free_now(tls);
		return;
	}
	INIT_WORK(&tls->free_work, tcplab_tls_free_work);
	queue_work(tcplab_tls_wq, &tls->free_work);
}

int tcplab_tls_init(void)
{
	tcplab_tls_wq = alloc_workqueue("tcplab_tls", 0, 0);
	return tcplab_tls_wq ? 0 : -ENOMEM;
}

void tcplab_tls_exit(void)
{
	destroy_workqueue(tcplab_tls_wq);	/* runs what is queued */
}

static const char *tcplab_tls_cipher_name(u16 cipher_type)
{
	switch (cipher_type) {
	case TLS_CIPHER_AES_GCM_128:
		return "aes-gcm-128";
	case TLS_CIPHER_AES_GCM_256:
		return "aes-gcm-256";
	case TLS_CIPHER_AES_CCM_128:
		return "aes-ccm-128";
	case TLS_CIPHER_CHACHA20_POLY1305:
		return "chacha20-poly1305";
	}
	return "?";
}

/*
 * /proc/net/tcplab columns: TLS TX and RX on or off, version and cipher
 * (never keys).  @tsk NULL: the header.  Called under tcplab_net.all_lock,
 * which keeps the socket (and so its tcplab_tls) alive.
 */
void tcplab_tls_proc_show(struct seq_file *seq, struct tcplab_sock *tsk)
{
	const struct tl_tls_cipher *tx = NULL, *rx = NULL, *c;
	struct tcplab_tls *tls;

	if (!tsk) {
		seq_printf(seq, " %6s %6s %7s %-17s", "tls_tx", "tls_rx",
			   "tls_ver", "tls_cipher");
		return;
	}
	tls = READ_ONCE(tsk->tls);
	if (tls) {
		tx = READ_ONCE(tls->tx_keys.cipher);
		rx = READ_ONCE(tls->rx_keys.cipher);
	}
	c = tx ? tx : rx;
	seq_printf(seq, " %6s %6s %7s %-17s", tx ? "on" : "off",
		   rx ? "on" : "off",
		   !c ? "-" : c->version == TLS_1_3_VERSION ? "1.3" : "1.2",
		   c ? tcplab_tls_cipher_name(c->cipher_type) : "-");
}
