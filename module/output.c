// SPDX-License-Identifier: GPL-2.0
/*
 * output.c - turn a segment of the core (struct tl_seg_out) into an IPv4
 * packet and send it.
 *
 * The TCP header and options are written by the core's tl_seg_out_build()
 * into a stack buffer and copied in front of the payload.  The payload is
 * named by sequence number: seg->data_len bytes starting at seg->th.seq
 * (+ 1 if SYN is set, since the SYN takes one sequence number).  They are
 * in sk->sk_write_queue, where every skb holds the bytes
 * [TCPLAB_SKB_CB(skb)->seq, ->end_seq) as its skb->len bytes of data
 * (at most one MSS each; the head skb keeps its full payload until it is
 * entirely acknowledged).
 *
 * Payload is copied at most once per direction, and the user -> skb copy
 * happened in sendmsg(), so:
 *  - when the segment is exactly one queue skb's payload (the common case:
 *    new data, or a retransmission of a whole segment), the queue skb is
 *    cloned (pskb_copy()'d if a clone of it is still in flight, as
 *    __tcp_transmit_skb() does) and the headers are pushed into its
 *    headroom.  Queue skbs are allocated with MAX_TCP_HEADER of headroom
 *    and marked with __skb_header_release(), so a clone may write there;
 *  - otherwise (the range splits or spans queue skbs: a partial window,
 *    a retransmission after a partial ACK, a loopback MSS larger than a
 *    queue skb) a header-only skb is allocated and clones of the queue
 *    skbs, trimmed to the range, become its frag_list: no copy either.
 *
 * The TCP checksum of segments without payload (handshake, ACKs, FIN,
 * RST) is always computed in software (CHECKSUM_NONE), so that packet
 * captures on lo and veth show valid checksums: tcplab is for looking at
 * segments.  Segments with payload leave the sum to the device
 * (CHECKSUM_PARTIAL) as Linux TCP does - a capture on lo or veth then
 * shows a checksum of the pseudo-header only - unless csum_offload
 * (the namespace's sysctl, else the module parameter) is 0.
 *
 * Our socket is not an inet socket, and much of the IPv4 output path
 * interprets skb->sk / the sk argument as one (inet_sk(sk)->pmtudisc in
 * ip_skb_dst_mtu(), inet_sk_flowi_flags(), the IP ID of ip_select_ident(),
 * BPF and netfilter socket matches).  So the packets are sent without a
 * socket: ip_local_out(net, NULL, skb) with skb->sk unset, as the
 * netfilter REJECT target sends its resets.  The routing keys that are
 * plain struct sock fields (mark, uid, bound device) are filled in by hand.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/skbuff.h>
#include <net/checksum.h>
#include <net/dst.h>
#include <net/flow.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/tcp.h>

#include "tcplab.h"
#include "core/tl_seq.h"

/*
 * Route a flow of ours; the caller owns the reference of the result.
 * @tos is a routing key too ("ip rule tos"), as RT_CONN_FLAGS() makes
 * it for Linux TCP.
 */
static struct rtable *tcplab_route_flow(struct net *net, struct flowi4 *fl4,
					const struct sock *sk, u32 mark,
					__be32 daddr, __be32 saddr,
					__be16 dport, __be16 sport, int oif,
					u8 tos)
{
	flowi4_init_output(fl4, oif, mark, RT_TOS(tos), RT_SCOPE_UNIVERSE,
			   IPPROTO_TCP, 0, daddr, saddr, dport, sport,
			   sock_net_uid(net, sk));
	return ip_route_output_flow(net, fl4, NULL);
}

/*
 * Find the route of @sk's connection and cache it in the socket.  Fills
 * in the local address (tsk->saddr) if it was 0 and, as Linux connect()
 * does, the remote one if it was 0 (INADDR_ANY means this host).  Errors
 * are those of connect(): -ENETUNREACH, -EHOSTUNREACH, -EINVAL, ...
 * Socket lock held.
 */
int tcplab_route(struct sock *sk)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	struct net *net = sock_net(sk);
	struct flowi4 fl4;
	struct rtable *rt;

	rt = tcplab_route_flow(net, &fl4, sk, READ_ONCE(sk->sk_mark),
			       tsk->daddr, tsk->saddr, tsk->dport, tsk->sport,
			       READ_ONCE(sk->sk_bound_dev_if),
			       READ_ONCE(tsk->tos));
	if (IS_ERR(rt)) {
		tcplab_inc_stats(net, TCPLAB_MIB_OUT_ERRORS);
		return PTR_ERR(rt);
	}
	/* TCP does not talk to broadcast or multicast addresses. */
	if (rt->rt_flags & (RTCF_MULTICAST | RTCF_BROADCAST)) {
		ip_rt_put(rt);
		return -ENETUNREACH;
	}
	if (!tsk->saddr)
		tsk->saddr = fl4.saddr;
	if (!tsk->daddr)
		tsk->daddr = fl4.daddr;
	sk_dst_set(sk, &rt->dst);	/* takes over our reference */
	return 0;
}

/*
 * The MSS to announce for a route of path MTU @mtu: the MTU minus the
 * IPv4 and TCP headers (20 + 20), like Linux's advertised MSS.  An IPv4
 * packet is at most 65535 bytes long (its Total Length field, RFC 791),
 * so loopback's MTU of 65536 gives 65495, as in Linux, not 65496.
 */
static u16 tcplab_mtu_mss(u32 mtu)
{
	u32 hdrs = sizeof(struct iphdr) + sizeof(struct tcphdr);

	mtu = min_t(u32, mtu, IPV4_MAX_PMTU);
	mtu -= min_t(u32, mtu, hdrs);
	return max_t(u32, mtu, TL_MSS_MIN);
}

/* The MSS to announce for @sk's route; TL_MSS_DEFAULT if it has none yet. */
u16 tcplab_route_mss(struct sock *sk)
{
	struct dst_entry *dst;
	u32 mtu = 0;

	rcu_read_lock();
	dst = __sk_dst_get(sk);
	if (dst)
		mtu = dst_mtu(dst);
	rcu_read_unlock();

	if (!mtu)
		return TL_MSS_DEFAULT;
	return tcplab_mtu_mss(mtu);
}

/*
 * Add the IPv4 header in front of the TCP segment at skb->data (transport
 * header set), fill in the TCP checksum and send it.  @tos is the IPv4
 * TOS byte (IP_TOS; RFC 2474's DSCP in its upper six bits, RFC 3168's
 * ECN field below, which tcplab leaves at Not-ECT).  Consumes @skb and
 * the reference on @dst.  Returns 0 or -errno.
 */
static int tcplab_ip_send(struct net *net, struct sk_buff *skb,
			  struct dst_entry *dst, __be32 saddr, __be32 daddr,
			  u8 tos)
{
	unsigned int len = skb->len;
	struct tcphdr *th = tcp_hdr(skb);
	struct iphdr *iph;
	int err;

	th->check = 0;
	if (skb_is_gso(skb) ||
	    (tcplab_knob(net, TCPLAB_KNOB_CSUM_OFFLOAD) &&
	     len > (unsigned int)th->doff * 4)) {
		/*
		 * Segments with payload: the device (or, if it cannot,
		 * validate_xmit_skb()) sums the payload, as for Linux TCP;
		 * lo and veth hand the skb on with CHECKSUM_PARTIAL and the
		 * receiver trusts it.  We fill in the pseudo-header sum.
		 */
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = offsetof(struct tcphdr, check);
		th->check = ~csum_tcpudp_magic(saddr, daddr, len, IPPROTO_TCP,
					       0);
	} else {
		skb->ip_summed = CHECKSUM_NONE;
		th->check = csum_tcpudp_magic(saddr, daddr, len, IPPROTO_TCP,
					      skb_checksum(skb, 0, len, 0));
	}

	iph = skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->tos = tos;
	iph->tot_len = htons(skb->len);
	iph->frag_off = htons(IP_DF);	/* path MTU discovery, like TCP */
	iph->ttl = ip4_dst_hoplimit(dst);
	iph->protocol = IPPROTO_TCP;
	iph->saddr = saddr;
	iph->daddr = daddr;
	/* as nf_reject_iphdr_put(); one ID per segment of a GSO skb */
	ip_select_ident_segs(net, skb, NULL,
			     skb_is_gso(skb) ? skb_shinfo(skb)->gso_segs : 1);
	ip_send_check(iph);

	skb->protocol = htons(ETH_P_IP);
	memset(skb->cb, 0, sizeof(skb->cb));	/* IPCB() for the IP layer */
	skb_dst_set(skb, dst);

	err = ip_local_out(net, NULL, skb);
	if (unlikely(err > 0))
		err = net_xmit_errno(err);	/* NET_XMIT_CN is 0 */
	return err;
}

/*
 * Build the TCP header of @seg into @buf.  If header and payload would
 * not fit in @room bytes (the path MTU less the IP header), leave out
 * SACK blocks until they do, as Linux sizes its SACK option to the
 * current MSS.  Returns the header length or -errno.
 */
static int tcplab_build_header(u8 *buf, const struct tl_seg_out *seg,
			       int room)
{
	struct tl_seg_out trimmed;
	int hlen;

	hlen = tl_seg_out_build(buf, TL_TCP_HDR_MAX, seg);
	if (hlen < 0 || hlen + (int)seg->data_len <= room ||
	    !(seg->opts.present & TL_OPTF_SACK))
		return hlen;

	trimmed = *seg;
	while (hlen + (int)seg->data_len > room && trimmed.opts.nr_sack) {
		if (!--trimmed.opts.nr_sack)
			trimmed.opts.present &= ~TL_OPTF_SACK;
		hlen = tl_seg_out_build(buf, TL_TCP_HDR_MAX, &trimmed);
		if (hlen < 0)
			break;
	}
	return hlen;
}

/* A new skb with room for all headers and @len bytes of payload. */
static struct sk_buff *tcplab_alloc_skb(unsigned int len)
{
	struct sk_buff *skb = alloc_skb(MAX_TCP_HEADER + len, GFP_ATOMIC);

	if (skb)
		skb_reserve(skb, MAX_TCP_HEADER);
	return skb;
}

/*
 * The write queue skb that holds sequence @seq, or NULL.  New data is
 * sent in order, so the walk starts at the skb found last time (cleared
 * when that skb is freed) instead of walking the whole window every time.
 */
static struct sk_buff *tcplab_queue_find(struct sock *sk, u32 seq)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	struct sk_buff_head *queue = &sk->sk_write_queue;
	struct sk_buff *qskb = tsk->xmit_hint;

	if (!qskb || tl_seq_lt(seq, TCPLAB_SKB_CB(qskb)->seq))
		qskb = skb_peek(queue);
	for (; qskb && qskb != (struct sk_buff *)queue; qskb = qskb->next) {
		if (tl_seq_lt(seq, TCPLAB_SKB_CB(qskb)->end_seq)) {
			if (tl_seq_lt(seq, TCPLAB_SKB_CB(qskb)->seq))
				return NULL;
			tsk->xmit_hint = qskb;
			return qskb;
		}
	}
	return NULL;
}

/*
 * An skb whose data are the @len payload bytes from sequence @seq of
 * @sk's send queue, with at least @hdr_room bytes of headroom.
 */
static struct sk_buff *tcplab_payload_skb(struct sock *sk, u32 seq, u32 len,
					  unsigned int hdr_room)
{
	struct sk_buff_head *queue = &sk->sk_write_queue;
	struct sk_buff *qskb, *skb, *last = NULL;
	u32 copied = 0, off;

	if (!len)
		return tcplab_alloc_skb(0);

	qskb = tcplab_queue_find(sk, seq);
	if (WARN_ON_ONCE(!qskb))
		return NULL;

	/* Exactly this skb's payload: clone it, no copy. */
	if (seq == TCPLAB_SKB_CB(qskb)->seq && len == qskb->len &&
	    TCPLAB_SKB_CB(qskb)->end_seq - seq == len &&
	    skb_headroom(qskb) >= hdr_room) {
		if (unlikely(skb_cloned(qskb)))
			skb = pskb_copy(qskb, GFP_ATOMIC);
		else
			skb = skb_clone(qskb, GFP_ATOMIC);
		return skb;
	}

	/*
	 * Part of one skb, or several: a header-only skb whose frag_list
	 * holds clones of the queue skbs, trimmed to the range.  No copy.
	 */
	skb = tcplab_alloc_skb(0);
	if (!skb)
		return NULL;
	off = seq - TCPLAB_SKB_CB(qskb)->seq;
	while (copied < len) {
		const struct tcplab_skb_cb *cb = TCPLAB_SKB_CB(qskb);
		struct sk_buff *c;
		u32 n;

		if (WARN_ON_ONCE(qskb == (struct sk_buff *)queue ||
				 cb->end_seq - cb->seq != qskb->len ||
				 off >= qskb->len || skb_is_nonlinear(qskb)))
			goto fail;
		n = min_t(u32, len - copied, qskb->len - off);
		c = skb_clone(qskb, GFP_ATOMIC);
		if (!c)
			goto fail;
		__skb_pull(c, off);
		__skb_trim(c, n);
		c->next = NULL;
		if (last)
			last->next = c;
		else
			skb_shinfo(skb)->frag_list = c;
		last = c;
		skb->len += n;
		skb->data_len += n;
		skb->truesize += c->truesize;
		copied += n;
		off = 0;
		qskb = qskb->next;
	}
	return skb;

fail:
	kfree_skb(skb);
	return NULL;
}

/*
 * Send segment @seg of @sk's connection.  Socket lock held (owned by the
 * process, or bh_lock_sock() in softirq).  Returns 0 or -errno; a segment
 * that could not be sent is lost like one dropped on the way, and the
 * core's retransmission timer covers it.
 */
static int tcplab_xmit_one(struct sock *sk, const struct tl_seg_out *seg)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	struct net *net = sock_net(sk);
	u8 hdr[TL_TCP_HDR_MAX];
	struct dst_entry *dst;
	struct sk_buff *skb;
	int hlen, err;
	u32 seq;

	/*
	 * A socket without a peer (a listener) cannot send: its replies to a
	 * segment go out with tcplab_send_reset(), addressed from that skb.
	 */
	if (WARN_ON_ONCE(!tsk->daddr || !tsk->dport)) {
		err = -ENOTCONN;
		goto out_err;
	}

	dst = __sk_dst_check(sk, 0);
	if (!dst) {
		/* No route yet, or it went stale (routes changed). */
		err = tcplab_route(sk);
		if (err)
			return err;	/* counted by tcplab_route() */
		dst = __sk_dst_get(sk);
	}

	hlen = tcplab_build_header(hdr, seg,
				   (int)dst_mtu(dst) - (int)sizeof(struct iphdr));
	if (WARN_ON_ONCE(hlen < 0)) {
		err = hlen;
		goto out_err;
	}

	seq = seg->th.seq + !!(seg->th.flags & TL_TCP_SYN);
	skb = tcplab_payload_skb(sk, seq, seg->data_len,
				 hlen + sizeof(struct iphdr));
	if (!skb) {
		err = -ENOBUFS;
		goto out_err;
	}
	memcpy(skb_push(skb, hlen), hdr, hlen);
	skb_reset_transport_header(skb);
	skb->priority = READ_ONCE(sk->sk_priority);
	skb->mark = READ_ONCE(sk->sk_mark);

	tcplab_inc_stats(net, TCPLAB_MIB_SEGS_OUT);
	if (seg->th.flags & TL_TCP_RST)
		tcplab_inc_stats(net, TCPLAB_MIB_RST_OUT);
	err = tcplab_ip_send(net, skb, dst_clone(dst), tsk->saddr, tsk->daddr,
			     READ_ONCE(tsk->tos));
	if (err)
		goto out_err;
	return 0;

out_err:
	tcplab_inc_stats(net, TCPLAB_MIB_OUT_ERRORS);
	return err;
}

/*
 * GSO.  The core cuts the stream into segments of at most one MSS, and
 * that is what a learner sees (tracepoints, /proc).  Sending each one
 * through the IP stack on its own costs a route, netfilter and device
 * pass per 1448 bytes, where Linux TCP passes 64 KiB at once (TSO/GSO).
 * So consecutive full segments of one batch of actions that differ only
 * in their sequence numbers are gathered (tcplab_xmit()) and sent as one
 * GSO skb (tcplab_xmit_flush(), after the batch): a header-only head
 * whose frag_list holds clones of the write queue skbs, gso_size = MSS.
 * lo and veth carry it as it is; for other devices the stack cuts it into
 * the very segments the core made (skb_gso_segment()), on the wire
 * nothing changes.  Needs CHECKSUM_PARTIAL, so csum_offload=0 turns it
 * off.
 */
/* IPv4 total length is 16 bits. */
#define TCPLAB_GSO_MAX_PAYLOAD	(65535 - 60 - TL_TCP_HDR_MAX)

/*
 * The write queue skb that is exactly @seg's payload, if @seg may be
 * gathered into a GSO skb; else NULL.
 */
static struct sk_buff *tcplab_gso_candidate(struct sock *sk,
					    const struct tl_seg_out *seg)
{
	struct sk_buff *qskb;
	u32 seq = seg->th.seq;

	/*
	 * Not with SACK blocks: they make the header longer, and a segment
	 * of one MSS then exceeds the MTU (tcplab_build_header() trims them
	 * for single segments).
	 */
	if (!tcplab_knob(sock_net(sk), TCPLAB_KNOB_CSUM_OFFLOAD) || !seg->data_len ||
	    (seg->opts.present & TL_OPTF_SACK) ||
	    (seg->th.flags & (TL_TCP_SYN | TL_TCP_FIN | TL_TCP_RST |
			      TL_TCP_URG)))
		return NULL;
	qskb = tcplab_queue_find(sk, seq);
	/* exactly one queue skb: its clone is the segment's payload */
	if (qskb && TCPLAB_SKB_CB(qskb)->seq == seq &&
	    qskb->len == seg->data_len &&
	    TCPLAB_SKB_CB(qskb)->end_seq - seq == seg->data_len)
		return qskb;
	return NULL;
}

/*
 * How much one GSO skb may carry on @sk's route: the device's limits
 * (`ip link set DEV gso_max_segs N` / `gso_max_size B`, which Linux TCP
 * obeys too), and at most 64 segments.  *@max_segs < 2: no GSO.
 */
static void tcplab_gso_limits(struct sock *sk, u32 *max_segs, u32 *max_len)
{
	struct dst_entry *dst = __sk_dst_get(sk);
	u32 size;

	*max_segs = 64;
	*max_len = TCPLAB_GSO_MAX_PAYLOAD;
	if (!dst || !dst->dev)
		return;
	*max_segs = min_t(u32, *max_segs, READ_ONCE(dst->dev->gso_max_segs));
	size = READ_ONCE(dst->dev->gso_max_size);
	*max_len = size > MAX_TCP_HEADER ?
		   min_t(u32, *max_len, size - MAX_TCP_HEADER) : 0;
}

/* Can @seg follow what is gathered? */
static bool tcplab_gso_fits(const struct tcplab_gso *g,
			    const struct tl_seg_out *seg, u32 max_segs,
			    u32 max_len)
{
	const struct tl_seg_out *f = &g->first;

	/* every segment but the last is full, PSH only on the last */
	return !g->psh && g->len == g->segs * f->data_len &&
	       seg->th.seq == g->next_seq && seg->data_len <= f->data_len &&
	       g->len + seg->data_len <= max_len &&
	       g->segs < max_segs &&
	       seg->th.ack == f->th.ack && seg->th.wnd == f->th.wnd &&
	       seg->rtx == f->rtx &&
	       !memcmp(&seg->opts, &f->opts, sizeof(seg->opts));
}

void tcplab_xmit_flush(struct sock *sk)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	struct tcplab_gso *g = tsk->gso;
	struct net *net = sock_net(sk);
	u8 hdr[TL_TCP_HDR_MAX];
	struct tl_seg_out h;
	struct dst_entry *dst;
	struct sk_buff *skb, *p;
	int hlen, err;

	if (!g || !g->segs)
		return;
	if (g->segs == 1) {
		/* Nothing to gather: the plain path, PSH as the core set it. */
		kfree_skb(g->list);
		g->list = g->last = NULL;
		g->segs = 0;
		g->first.th.flags |= g->psh;
		tcplab_xmit_one(sk, &g->first);
		return;
	}

	h = g->first;
	h.th.flags |= g->psh;
	dst = __sk_dst_check(sk, 0);
	if (!dst && !tcplab_route(sk))
		dst = __sk_dst_get(sk);
	skb = dst ? tcplab_alloc_skb(0) : NULL;
	hlen = skb ? tl_seg_out_build(hdr, sizeof(hdr), &h) : -ENOMEM;
	if (hlen < 0) {
		kfree_skb(skb);
		kfree_skb_list(g->list);
		err = -ENOBUFS;
		goto out;
	}
	memcpy(skb_push(skb, hlen), hdr, hlen);
	skb_reset_transport_header(skb);
	skb_shinfo(skb)->frag_list = g->list;
	for (p = g->list; p; p = p->next) {
		skb->data_len += p->len;
		skb->len += p->len;
		skb->truesize += p->truesize;
	}
	skb_shinfo(skb)->gso_size = g->first.data_len;
	skb_shinfo(skb)->gso_segs = g->segs;
	skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
	skb->priority = READ_ONCE(sk->sk_priority);
	skb->mark = READ_ONCE(sk->sk_mark);
	atomic_long_add(g->segs, &tcplab_pernet(net)->mib[TCPLAB_MIB_SEGS_OUT]);
	err = tcplab_ip_send(net, skb, dst_clone(dst), tsk->saddr, tsk->daddr,
			     READ_ONCE(tsk->tos));
out:
	if (err)
		tcplab_inc_stats(net, TCPLAB_MIB_OUT_ERRORS);
	g->list = g->last = NULL;
	g->segs = 0;
}

/*
 * Send segment @seg of @sk's connection, or gather it for GSO; the
 * caller calls tcplab_xmit_flush() after its batch.  Socket lock held
 * (owned by the process, or bh_lock_sock() in softirq).  Returns 0 or
 * -errno; a segment that could not be sent is lost like one dropped on
 * the way, and the core's retransmission timer covers it.
 */
int tcplab_xmit(struct sock *sk, const struct tl_seg_out *seg)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);
	struct tcplab_gso *g = tsk->gso;
	struct sk_buff *qskb, *clone;
	u32 max_segs, max_len;

	tcplab_gso_limits(sk, &max_segs, &max_len);
	qskb = g && max_segs > 1 ? tcplab_gso_candidate(sk, seg) : NULL;
	if (!qskb) {
		tcplab_xmit_flush(sk);
		return tcplab_xmit_one(sk, seg);
	}
	/*
	 * Flushing may send a lone gathered segment through
	 * tcplab_xmit_one(), which moves tsk->xmit_hint to that segment's
	 * skb: clone the skb found above, never the hint.  (Cloning the
	 * hint sent the previous segment's bytes under this segment's
	 * sequence number whenever a retransmission followed new data.)
	 */
	if (g->segs && !tcplab_gso_fits(g, seg, max_segs, max_len))
		tcplab_xmit_flush(sk);

	clone = skb_clone(qskb, GFP_ATOMIC);
	if (!clone) {
		tcplab_xmit_flush(sk);
		return tcplab_xmit_one(sk, seg);
	}
	if (!g->segs) {
		g->first = *seg;
		g->first.th.flags &= ~TL_TCP_PSH;
		g->list = clone;
		g->len = 0;
		g->psh = 0;
	} else {
		g->last->next = clone;
	}
	clone->next = NULL;
	g->last = clone;
	g->segs++;
	g->len += seg->data_len;
	g->next_seq = seg->th.seq + seg->data_len;
	g->psh = seg->th.flags & TL_TCP_PSH;
	return 0;
}

/*
 * Replies to a segment that reached no connection: a reset from
 * tl_rst_reply(), or a listener's stateless SYN,ACK (tl_syncookie_synack()).
 * in_skb's IP header is still in place (ip_hdr()); addresses are swapped,
 * no socket is involved.  Like Linux TCP (tcp_v4_send_reset()), only
 * segments addressed to a local unicast address are answered.  Any
 * context.
 *
 * The route of a reply to @in_skb from our port @sport to its @dport,
 * with the MSS to announce on it in *@mss; NULL if no reply is due or
 * there is no route.  The caller passes it on to tcplab_reply_send().
 */
struct rtable *tcplab_reply_route(struct net *net, struct sk_buff *in_skb,
				  u16 sport, u16 dport, struct flowi4 *fl4,
				  u16 *mss)
{
	const struct iphdr *iph = ip_hdr(in_skb);
	struct rtable *in_rt = skb_rtable(in_skb);
	struct rtable *rt;

	if (in_rt && in_rt->rt_type != RTN_LOCAL)
		return NULL;

	rt = tcplab_route_flow(net, fl4, NULL,
			       IP4_REPLY_MARK(net, in_skb->mark),
			       iph->saddr, iph->daddr, htons(dport),
			       htons(sport), 0, 0);
	if (IS_ERR(rt)) {
		tcplab_inc_stats(net, TCPLAB_MIB_OUT_ERRORS);
		return NULL;
	}
	*mss = tcplab_mtu_mss(dst_mtu(&rt->dst));
	return rt;
}

/* Send @seg, the reply to @in_skb, on @rt; takes over its reference. */
void tcplab_reply_send(struct net *net, struct sk_buff *in_skb,
		       const struct tl_seg_out *seg, struct rtable *rt,
		       struct flowi4 *fl4)
{
	u8 hdr[TL_TCP_HDR_MAX];
	struct sk_buff *skb;
	int hlen;

	hlen = tl_seg_out_build(hdr, sizeof(hdr), seg);
	if (WARN_ON_ONCE(hlen < 0)) {
		ip_rt_put(rt);
		return;
	}

	skb = tcplab_alloc_skb(0);
	if (!skb) {
		ip_rt_put(rt);
		goto out_err;
	}
	memcpy(skb_push(skb, hlen), hdr, hlen);
	skb_reset_transport_header(skb);
	skb->mark = IP4_REPLY_MARK(net, in_skb->mark);

	tcplab_inc_stats(net, TCPLAB_MIB_SEGS_OUT);
	if (seg->th.flags & TL_TCP_RST)
		tcplab_inc_stats(net, TCPLAB_MIB_RST_OUT);
	if (tcplab_ip_send(net, skb, &rt->dst, fl4->saddr, fl4->daddr, 0))
		goto out_err;
	return;

out_err:
	tcplab_inc_stats(net, TCPLAB_MIB_OUT_ERRORS);
}

/* Answer @in_skb with @rst, a reset from tl_rst_reply(). */
void tcplab_send_reset(struct net *net, struct sk_buff *in_skb,
		       const struct tl_seg_out *rst)
{
	struct flowi4 fl4;
	struct rtable *rt;
	u16 mss;

	rt = tcplab_reply_route(net, in_skb, rst->th.sport, rst->th.dport,
				&fl4, &mss);
	if (rt)
		tcplab_reply_send(net, in_skb, rst, rt, &fl4);
}
