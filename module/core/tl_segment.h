/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tl_segment.h - the TCP header (RFC 9293 Section 3.1): parse and validate
 * it from bytes, and build it into bytes.
 *
 * The parsed form keeps every field in host byte order.  Options are left
 * in place: tl_seg_parse() reports where they are and tl_opts_parse()
 * (tl_options.h) decodes them.
 */
#ifndef _TCPLAB_CORE_SEGMENT_H
#define _TCPLAB_CORE_SEGMENT_H

#include "tl_types.h"

/* Control bits, as they sit in byte 13 of the header. */
#define TL_TCP_FIN	0x01
#define TL_TCP_SYN	0x02
#define TL_TCP_RST	0x04
#define TL_TCP_PSH	0x08
#define TL_TCP_ACK	0x10
#define TL_TCP_URG	0x20
#define TL_TCP_ECE	0x40
#define TL_TCP_CWR	0x80

#define TL_TCP_HDR_MIN	20	/* Data Offset 5 */
#define TL_TCP_HDR_MAX	60	/* Data Offset 15 */
#define TL_TCP_OPT_MAX	(TL_TCP_HDR_MAX - TL_TCP_HDR_MIN)

struct tl_tcphdr {
	u16 sport;
	u16 dport;
	u32 seq;
	u32 ack;
	u8 doff;	/* header length in 32-bit words, 5..15 */
	u8 flags;	/* TL_TCP_* */
	u16 wnd;	/* raw field, not scaled */
	u16 csum;
	u16 urp;
};

/*
 * Why a segment was rejected.  The values are dense and start at 1 so the
 * glue can use them directly as an index into a counter array of size
 * TL_SEG_ERR_NR.
 */
enum tl_seg_err {
	TL_SEG_OK = 0,
	TL_SEG_ERR_SHORT,	/* fewer than 20 bytes */
	TL_SEG_ERR_DOFF_SMALL,	/* Data Offset < 5 */
	TL_SEG_ERR_DOFF_BEYOND,	/* Data Offset points past the segment */
	TL_SEG_ERR_NO_FLAGS,	/* no control bit set at all ("null scan") */
	TL_SEG_ERR_SYN_RST,	/* SYN together with RST */
	TL_SEG_ERR_SYN_FIN,	/* SYN together with FIN */
	TL_SEG_ERR_NR,
};

const char *tl_seg_err_name(enum tl_seg_err err);

/*
 * Parse and validate the fixed header of the @len bytes at @buf.  On
 * success returns TL_SEG_OK and fills @th; the options are then the
 * (th->doff * 4 - 20) bytes at buf + 20 and the payload starts at
 * buf + th->doff * 4.  The checksum is not verified here (see tl_csum.h):
 * the kernel glue verifies it with the hardware-assisted helpers before
 * parsing.
 */
enum tl_seg_err tl_seg_parse(const u8 *buf, u32 len, struct tl_tcphdr *th);

/* Header length in bytes of a parsed header. */
static inline u32 tl_seg_hdr_len(const struct tl_tcphdr *th)
{
	return (u32)th->doff * 4;
}

/*
 * Write the header @th followed by @optlen bytes of options (@optlen must
 * be a multiple of 4 and at most 40) into @buf.  th->doff is ignored and
 * computed from @optlen.  Returns the number of bytes written, or 0 if the
 * options are malformed or @buflen is too small.
 */
u32 tl_seg_build(u8 *buf, u32 buflen, const struct tl_tcphdr *th,
		 const u8 *opt, u32 optlen);

#endif /* _TCPLAB_CORE_SEGMENT_H */
