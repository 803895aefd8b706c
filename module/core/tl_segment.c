// SPDX-License-Identifier: GPL-2.0
/*
 * tl_segment.c - TCP header parse/validate/build (RFC 9293 Section 3.1).
 */
#include "tl_types.h"
#include "tl_segment.h"

static const char *const tl_seg_err_names[TL_SEG_ERR_NR] = {
	[TL_SEG_OK]		= "ok",
	[TL_SEG_ERR_SHORT]	= "short header",
	[TL_SEG_ERR_DOFF_SMALL]	= "data offset below 5",
	[TL_SEG_ERR_DOFF_BEYOND] = "data offset beyond segment",
	[TL_SEG_ERR_NO_FLAGS]	= "no control bits",
	[TL_SEG_ERR_SYN_RST]	= "SYN and RST",
	[TL_SEG_ERR_SYN_FIN]	= "SYN and FIN",
};

const char *tl_seg_err_name(enum tl_seg_err err)
{
	if ((unsigned int)err >= TL_SEG_ERR_NR)
		return "invalid";
	return tl_seg_err_names[err];
}

enum tl_seg_err tl_seg_parse(const u8 *buf, u32 len, struct tl_tcphdr *th)
{
	if (len < TL_TCP_HDR_MIN)
		return TL_SEG_ERR_SHORT;

	th->sport = tl_get_be16(buf);
	th->dport = tl_get_be16(buf + 2);
	th->seq = tl_get_be32(buf + 4);
	th->ack = tl_get_be32(buf + 8);
	/* Data Offset is the top 4 bits of byte 12; the rest is reserved. */
	th->doff = buf[12] >> 4;
	th->flags = buf[13];
	th->wnd = tl_get_be16(buf + 14);
	th->csum = tl_get_be16(buf + 16);
	th->urp = tl_get_be16(buf + 18);

	/* The header is at least the five fixed words (Section 3.1). */
	if (th->doff < TL_TCP_HDR_MIN / 4)
		return TL_SEG_ERR_DOFF_SMALL;
	if (tl_seg_hdr_len(th) > len)
		return TL_SEG_ERR_DOFF_BEYOND;

	/*
	 * Combinations no conforming TCP sends.  RFC 9293 does not list them
	 * explicitly, but a SYN opens and a RST or FIN ends a connection, so
	 * together they are contradictory.  Like Linux connection tracking
	 * (tcp_valid_flags[] in nf_conntrack_proto_tcp.c) we refuse them up
	 * front, before they can reach the state machine.  A segment with no
	 * bits at all is only ever a port scan.
	 */
	if (!(th->flags & (TL_TCP_FIN | TL_TCP_SYN | TL_TCP_RST | TL_TCP_PSH |
			   TL_TCP_ACK | TL_TCP_URG)))
		return TL_SEG_ERR_NO_FLAGS;
	if ((th->flags & (TL_TCP_SYN | TL_TCP_RST)) == (TL_TCP_SYN | TL_TCP_RST))
		return TL_SEG_ERR_SYN_RST;
	if ((th->flags & (TL_TCP_SYN | TL_TCP_FIN)) == (TL_TCP_SYN | TL_TCP_FIN))
		return TL_SEG_ERR_SYN_FIN;

	return TL_SEG_OK;
}

u32 tl_seg_build(u8 *buf, u32 buflen, const struct tl_tcphdr *th,
		 const u8 *opt, u32 optlen)
{
	u32 hlen = TL_TCP_HDR_MIN + optlen;

	if (optlen % 4 || optlen > TL_TCP_OPT_MAX || buflen < hlen)
		return 0;

	tl_put_be16(buf, th->sport);
	tl_put_be16(buf + 2, th->dport);
	tl_put_be32(buf + 4, th->seq);
	tl_put_be32(buf + 8, th->ack);
	buf[12] = (u8)((hlen / 4) << 4);
	buf[13] = th->flags;
	tl_put_be16(buf + 14, th->wnd);
	tl_put_be16(buf + 16, th->csum);
	tl_put_be16(buf + 18, th->urp);
	if (optlen)
		memcpy(buf + TL_TCP_HDR_MIN, opt, optlen);
	return hlen;
}
