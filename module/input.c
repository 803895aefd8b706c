// SPDX-License-Identifier: GPL-2.0
/*
 * input.c - the netfilter hook that claims tcplab's segments.
 *
 * tcplab speaks real TCP (IPPROTO_TCP), so its segments arrive through
 * the IPv4 stack like Linux TCP's.  A hook at NF_INET_LOCAL_IN (after
 * reassembly, just before ip_local_deliver_finish() hands the packet to
 * tcp_v4_rcv()) looks every TCP segment up in tcplab's tables and steals
 * those that are tcplab's: segments for a tcplab connection or listener,
 * and segments for a port tcplab holds (answered with a RST when no
 * connection takes them).  Everything else is accepted untouched, so Linux
 * TCP gets it.
 *
 * Contract: the skb that tcplab_sk_rcv() (directly, or later through the
 * socket backlog) receives
 *  - is owned by the callee, which must consume or free it;
 *  - has skb->data at the TCP header (transport header set; the IPv4
 *    header is still in front of it: ip_hdr() is valid);
 *  - has the TCP header and all its options in the linear area
 *    (tcp_hdr(skb), th->doff * 4 bytes); the payload may be in fragments
 *    (never assume linear payload: use skb_copy_bits() & co.);
 *  - is exactly the segment: skb->len = TCP header + payload (trimmed to
 *    the IP total length).  A GRO-merged skb is one large segment with
 *    contiguous payload; skb->len is its length;
 *  - had its TCP checksum verified (or the device vouched for it);
 *  - passed tl_seg_parse() (header sane, doff within the segment, no
 *    contradictory flags) and tl_opts_parse() (options well formed), the
 *    IPsec policy and the socket's filter (which may have trimmed it);
 *  - has no owner (skb->sk), no conntrack reference and no dst, and
 *    skb->cb is zeroed;
 *  - may be a clone (a packet tap holds the data): treat data read-only.
 *
 * Priority.  The hook runs at NF_IP_PRI_CONNTRACK_CONFIRM - 1, the last
 * slot before conntrack's confirmation at LOCAL_IN:
 *  - after the filter, security, SELinux, and input NAT hooks, so
 *    tcplab's segments meet the same firewall as Linux TCP's.  That
 *    includes rules dropping packets conntrack marked INVALID (at
 *    PRE_ROUTING, whatever our priority): a tcplab connection behind such
 *    a rule sees exactly what a Linux TCP connection would;
 *  - before conntrack confirm (INT_MAX, the highest priority; hooks of
 *    equal priority run in registration order, which we do not control,
 *    so "after confirm" cannot be had).  A stolen skb would leave the
 *    conntrack entry its first packet created unconfirmed, forgotten
 *    with the skb: a connection opened to tcplab from another host would
 *    then be unknown to conntrack, and tcplab's SYN-ACK INVALID to it.  So
 *    the hook confirms the entry itself, through the nf_ct_hook that
 *    conntrack registers (no module dependency on nf_conntrack), and then
 *    drops the skb's reference as tcp_v4_rcv() does (nf_reset_ct()).
 *    Conntrack helpers run before us (priority 300); their event cache
 *    is delivered with the connection's next packet.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/filter.h>
#include <linux/ip.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/sizes.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/sock.h>
#include <net/xfrm.h>
#if IS_ENABLED(CONFIG_NF_CONNTRACK)
#include <net/netfilter/nf_conntrack.h>
#endif

#include "tcplab.h"

/*
 * Insert the skb's new conntrack entry into the conntrack table, as the
 * confirm hook we run before would.  False: conntrack wants it dropped.
 */
static bool tcplab_ct_confirm(struct sk_buff *skb)
{
#if IS_ENABLED(CONFIG_NF_CONNTRACK)
	const struct nf_ct_hook *ct_hook;
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct;
	int ret = NF_ACCEPT;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || nf_ct_is_confirmed(ct))
		return true;

	rcu_read_lock();
	ct_hook = rcu_dereference(nf_ct_hook);
	if (ct_hook && ct_hook->confirm)
		ret = ct_hook->confirm(skb);
	rcu_read_unlock();
	return ret == NF_ACCEPT;
#else
	return true;
#endif
}

/*
 * Hand @skb (validated, data at the TCP header) to @sk, Linux TCP style:
 * process it now unless a process owns the socket, else queue it on the
 * backlog for release_sock().  Consumes @skb.
 */
static bool tcplab_deliver(struct net *net, struct sock *sk,
			   struct sk_buff *skb, bool may_reopen)
{
	/*
	 * The backlog limit of tcp_add_backlog(): sk_add_backlog() counts
	 * the receive queue too, and a process that owns the socket while it
	 * sends (not reading) has a full window there, so leave room for the
	 * ACKs and the window's worth of data that arrive meanwhile.  With
	 * rcvbuf + sndbuf, bulk transfers on loopback (64 KiB segments with
	 * 128 KiB of truesize) lost ACKs.
	 */
	u64 limit = ((u64)READ_ONCE(sk->sk_rcvbuf) << 1) +
		    (READ_ONCE(sk->sk_sndbuf) >> 1) + SZ_64K;

	bh_lock_sock_nested(sk);
	if (!sock_owned_by_user(sk)) {
		/* A SYN that reopens a TIME-WAIT connection: not consumed. */
		if (may_reopen && tcplab_tw_reopen(sk, skb)) {
			bh_unlock_sock(sk);
			return true;
		}
		tcplab_sk_rcv(sk, skb);
	} else if (unlikely(sk_add_backlog(sk, skb,
					   min_t(u64, limit, UINT_MAX)))) {
		bh_unlock_sock(sk);
		tcplab_inc_stats(net, TCPLAB_MIB_BACKLOG_DROP);
		kfree_skb(skb);
		return false;
	}
	bh_unlock_sock(sk);
	return false;
}

/*
 * A segment tcplab claimed: for @sk (a reference we own, NULL if there
 * is no socket but tcplab holds the port).  Checks it, then delivers it
 * or answers it with a RST.  Consumes @skb and the reference on @sk.
 */
static void tcplab_rcv(struct net *net, struct sk_buff *skb, struct sock *sk,
		       unsigned int hook)
{
	struct tl_tcp_opts opts;
	struct tl_seg_out rst;
	struct tl_tcphdr th;
	unsigned int ihl, hlen;
	const struct tcphdr *tcph;
	int dif, sdif;
	u32 len;

	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb)
		goto out_put;
	/* For a second lookup below, once skb->cb has been cleared. */
	dif = inet_iif(skb);
	sdif = inet_sdif(skb);

	/* Exactly the datagram: no link-layer padding behind it. */
	ihl = ip_hdrlen(skb);
	len = ntohs(ip_hdr(skb)->tot_len);
	if (len < ihl || skb->len < len) {
		tcplab_inc_stats(net, TCPLAB_MIB_MALFORMED);
		goto drop;
	}
	if (pskb_trim_rcsum(skb, len))
		goto drop;

	if (nf_ip_checksum(skb, hook, ihl, IPPROTO_TCP)) {
		tcplab_inc_stats(net, TCPLAB_MIB_BAD_CSUM);
		goto drop;
	}

	/* Header and options linear, then let the core judge them. */
	if (!pskb_may_pull(skb, ihl + sizeof(struct tcphdr))) {
		tcplab_inc_stats(net, TCPLAB_MIB_MALFORMED);
		goto drop;
	}
	tcph = (const struct tcphdr *)(skb->data + ihl);
	hlen = tcph->doff * 4;
	if (hlen > sizeof(struct tcphdr) && hlen <= len - ihl &&
	    !pskb_may_pull(skb, ihl + hlen))
		goto drop;	/* out of memory */
	if (tl_seg_parse(skb->data + ihl, len - ihl, &th) != TL_SEG_OK ||
	    tl_opts_parse(skb->data + ihl + TL_TCP_HDR_MIN,
			  tl_seg_hdr_len(&th) - TL_TCP_HDR_MIN,
			  &opts) != TL_OPT_OK) {
		tcplab_inc_stats(net, TCPLAB_MIB_MALFORMED);
		goto drop;
	}

	if (!tcplab_ct_confirm(skb))
		goto drop;
	nf_reset_ct(skb);

	__skb_pull(skb, ihl);
	skb_reset_transport_header(skb);
	tcplab_inc_stats(net, TCPLAB_MIB_SEGS_IN);
	if (th.flags & TL_TCP_RST)
		tcplab_inc_stats(net, TCPLAB_MIB_RST_IN);

	if (!sk) {
		/*
		 * RFC 9293 3.10.7.1: the port is ours, no connection.  A RST
		 * is dropped unanswered (and not counted as NoSocketResets).
		 */
		if (tl_rst_reply(&th, skb->len - hlen, &rst)) {
			tcplab_inc_stats(net, TCPLAB_MIB_NO_SOCKET);
			tcplab_send_reset(net, skb, &rst);
		}
		consume_skb(skb);
		return;
	}

	skb_orphan(skb);	/* no early-demux owner: it is ours now */
	/*
	 * What tcp_v4_rcv() asks before a socket sees a segment: the IPsec
	 * policy, then the socket's filter (SO_ATTACH_FILTER, cgroup BPF),
	 * which may drop the segment or trim its payload, never its header.
	 */
	if (!xfrm4_policy_check(sk, XFRM_POLICY_IN, skb) ||
	    sk_filter_trim_cap(sk, skb, hlen)) {
		tcplab_inc_stats(net, TCPLAB_MIB_FILTER_DROP);
		goto drop;
	}
	skb_dst_drop(skb);
	memset(skb->cb, 0, sizeof(skb->cb));
	if (tcplab_deliver(net, sk, skb, true)) {
		/* The TIME-WAIT connection is gone: now the listener's SYN. */
		bool owned;

		sock_put(sk);
		sk = tcplab_lookup(net, ip_hdr(skb)->saddr, htons(th.sport),
				   ip_hdr(skb)->daddr, htons(th.dport), dif, sdif,
				   &owned);
		if (!sk) {
			kfree_skb(skb);
			return;
		}
		tcplab_deliver(net, sk, skb, false);
	}
	sock_put(sk);
	return;

drop:
	kfree_skb(skb);
out_put:
	if (sk)
		sock_put(sk);
}

static unsigned int tcplab_nf_local_in(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	__be16 _ports[2];
	const __be16 *ports;
	struct sock *sk;
	bool owned;

	/*
	 * Only unicast TCP (tcp_v4_rcv() drops the rest); fragments are
	 * reassembled before LOCAL_IN, but be sure.
	 */
	if (iph->protocol != IPPROTO_TCP || ip_is_fragment(iph) ||
	    skb->pkt_type != PACKET_HOST)
		return NF_ACCEPT;

	/* skb->data is at the IP header here. */
	ports = skb_header_pointer(skb, ip_hdrlen(skb), sizeof(_ports),
				   _ports);
	if (!ports)
		return NF_ACCEPT;	/* too short: Linux TCP drops it */

	sk = tcplab_lookup(state->net, iph->saddr, ports[0],
			   iph->daddr, ports[1], inet_iif(skb), inet_sdif(skb),
			   &owned);
	if (!sk && !owned)
		return NF_ACCEPT;

	/* Ours from here on: every path consumes the skb. */
	tcplab_rcv(state->net, skb, sk, state->hook);
	return NF_STOLEN;
}

static const struct nf_hook_ops tcplab_nf_ops = {
	.hook		= tcplab_nf_local_in,
	.pf		= NFPROTO_IPV4,
	.hooknum	= NF_INET_LOCAL_IN,
	.priority	= NF_IP_PRI_CONNTRACK_CONFIRM - 1,
};

int tcplab_input_net_init(struct net *net)
{
	return nf_register_net_hook(net, &tcplab_nf_ops);
}

void tcplab_input_net_exit(struct net *net)
{
	nf_unregister_net_hook(net, &tcplab_nf_ops);
}
