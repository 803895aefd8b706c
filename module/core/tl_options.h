/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tl_options.h - TCP options (RFC 9293 Section 3.2, RFC 7323, RFC 2018).
 */
#ifndef _TCPLAB_CORE_OPTIONS_H
#define _TCPLAB_CORE_OPTIONS_H

#include "tl_types.h"

/* Option kinds (IANA "TCP Option Kind Numbers"). */
#define TL_OPT_EOL		0
#define TL_OPT_NOP		1
#define TL_OPT_MSS		2
#define TL_OPT_WSCALE		3
#define TL_OPT_SACK_PERM	4
#define TL_OPT_SACK		5
#define TL_OPT_TS		8

#define TL_OPT_MSS_LEN		4
#define TL_OPT_WSCALE_LEN	3
#define TL_OPT_SACK_PERM_LEN	2
#define TL_OPT_TS_LEN		10
#define TL_OPT_SACK_BASE_LEN	2
#define TL_OPT_SACK_BLOCK_LEN	8
/* Room the timestamp option takes on every segment (NOP NOP TS). */
#define TL_OPT_TS_SPACE		12

/* RFC 7323 Section 2.3: shift counts above 14 are treated as 14. */
#define TL_WSCALE_MAX		14
/* At most four SACK blocks fit in 40 bytes of option space (RFC 2018). */
#define TL_SACK_MAX_BLOCKS	4

/* Bits of tl_tcp_opts.present */
#define TL_OPTF_MSS		0x01
#define TL_OPTF_WSCALE		0x02
#define TL_OPTF_SACK_PERM	0x04
#define TL_OPTF_TS		0x08
#define TL_OPTF_SACK		0x10

struct tl_sack_block {
	u32 start;	/* first sequence number of the block */
	u32 end;	/* sequence number just after the block */
};

/*
 * Decoded options.  Only fields whose TL_OPTF_* bit is set in @present are
 * meaningful.  The parser records MSS, window scale and SACK-permitted
 * wherever they appear; it is the input path that uses them only on SYN
 * segments, as RFC 9293 Section 3.7.1 and RFC 7323 Section 2.2 require.
 */
struct tl_tcp_opts {
	u8 present;
	u8 wscale;		/* already clamped to TL_WSCALE_MAX */
	u16 mss;
	u32 tsval;
	u32 tsecr;
	u8 nr_sack;
	struct tl_sack_block sack[TL_SACK_MAX_BLOCKS];
};

enum tl_opt_err {
	TL_OPT_OK = 0,
	TL_OPT_ERR_TRUNCATED,	/* option runs past the end of the area */
	TL_OPT_ERR_BAD_LEN,	/* length < 2, or wrong for a known kind */
	TL_OPT_ERR_NR,
};

const char *tl_opt_err_name(enum tl_opt_err err);

/*
 * Decode the @len option bytes at @opt into @o (which is cleared first).
 * Unknown kinds with a sane length are skipped, as RFC 9293 Section 3.2
 * requires.  A malformed option stops the parse and returns the reason;
 * @o then holds the options decoded before it.  RFC 9293 Section 3.2
 * (MUST-7) asks receivers to "be prepared to handle an illegal option
 * length (e.g., zero)" and suggests resetting the connection; tcplab's
 * recommended glue policy is the gentler one Linux follows: count the
 * error and drop the segment.
 */
enum tl_opt_err tl_opts_parse(const u8 *opt, u32 len, struct tl_tcp_opts *o);

/*
 * Encode the options present in @o into @buf, padded with NOPs to a
 * multiple of 4 in the layout Linux uses (MSS, SACK-permitted+timestamps,
 * window scale, SACK blocks).  SACK blocks that do not fit in the 40 bytes
 * of option space are left out.  Returns the number of bytes written or
 * -ENOSPC if @buflen is too small.
 */
int tl_opts_build(u8 *buf, u32 buflen, const struct tl_tcp_opts *o);

#endif /* _TCPLAB_CORE_OPTIONS_H */
