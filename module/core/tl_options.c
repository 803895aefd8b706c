// SPDX-License-Identifier: GPL-2.0
/*
 * tl_options.c - decode and encode TCP options.
 *
 * Options are a TLV list (RFC 9293 Section 3.2): EOL and NOP are a single
 * byte, every other kind is kind, length (counting both bytes), data.
 */
#include "tl_types.h"
#include "tl_segment.h"
#include "tl_options.h"

static const char *const tl_opt_err_names[TL_OPT_ERR_NR] = {
	[TL_OPT_OK]		= "ok",
	[TL_OPT_ERR_TRUNCATED]	= "option truncated",
	[TL_OPT_ERR_BAD_LEN]	= "bad option length",
};

const char *tl_opt_err_name(enum tl_opt_err err)
{
	if ((unsigned int)err >= TL_OPT_ERR_NR)
		return "invalid";
	return tl_opt_err_names[err];
}

/* Decode one known option whose length byte is @olen; 0 or an error. */
static enum tl_opt_err tl_opt_decode(u8 kind, const u8 *p, u8 olen,
				     struct tl_tcp_opts *o)
{
	u8 i;

	switch (kind) {
	case TL_OPT_MSS:
		if (olen != TL_OPT_MSS_LEN)
			return TL_OPT_ERR_BAD_LEN;
		o->mss = tl_get_be16(p + 2);
		o->present |= TL_OPTF_MSS;
		break;
	case TL_OPT_WSCALE:
		if (olen != TL_OPT_WSCALE_LEN)
			return TL_OPT_ERR_BAD_LEN;
		/* RFC 7323 Section 2.3: "MUST use 14 instead" of larger. */
		o->wscale = min_t(u8, p[2], TL_WSCALE_MAX);
		o->present |= TL_OPTF_WSCALE;
		break;
	case TL_OPT_SACK_PERM:
		if (olen != TL_OPT_SACK_PERM_LEN)
			return TL_OPT_ERR_BAD_LEN;
		o->present |= TL_OPTF_SACK_PERM;
		break;
	case TL_OPT_TS:
		if (olen != TL_OPT_TS_LEN)
			return TL_OPT_ERR_BAD_LEN;
		o->tsval = tl_get_be32(p + 2);
		o->tsecr = tl_get_be32(p + 6);
		o->present |= TL_OPTF_TS;
		break;
	case TL_OPT_SACK:
		/* RFC 2018 Section 3: length is 2 + 8 * n, 1 <= n <= 4. */
		if (olen < TL_OPT_SACK_BASE_LEN + TL_OPT_SACK_BLOCK_LEN ||
		    (olen - TL_OPT_SACK_BASE_LEN) % TL_OPT_SACK_BLOCK_LEN ||
		    olen > TL_OPT_SACK_BASE_LEN +
			   TL_SACK_MAX_BLOCKS * TL_OPT_SACK_BLOCK_LEN)
			return TL_OPT_ERR_BAD_LEN;
		o->nr_sack = (olen - TL_OPT_SACK_BASE_LEN) / TL_OPT_SACK_BLOCK_LEN;
		for (i = 0; i < o->nr_sack; i++) {
			const u8 *b = p + TL_OPT_SACK_BASE_LEN +
				      i * TL_OPT_SACK_BLOCK_LEN;

			o->sack[i].start = tl_get_be32(b);
			o->sack[i].end = tl_get_be32(b + 4);
		}
		o->present |= TL_OPTF_SACK;
		break;
	default:
		/* RFC 9293 3.2: "MUST ignore options it does not implement" */
		break;
	}
	return TL_OPT_OK;
}

enum tl_opt_err tl_opts_parse(const u8 *opt, u32 len, struct tl_tcp_opts *o)
{
	u32 i = 0;

	memset(o, 0, sizeof(*o));
	while (i < len) {
		u8 kind = opt[i];
		u8 olen;
		enum tl_opt_err err;

		if (kind == TL_OPT_EOL)
			break;		/* the rest is padding */
		if (kind == TL_OPT_NOP) {
			i++;
			continue;
		}
		/*
		 * Every other kind has a length byte.  Check it before
		 * trusting it: a length below 2 would make us loop forever
		 * (0) or read the length byte as data (1); a length beyond
		 * the option area would read past the header.
		 */
		if (len - i < 2)
			return TL_OPT_ERR_TRUNCATED;
		olen = opt[i + 1];
		if (olen < 2)
			return TL_OPT_ERR_BAD_LEN;
		if (olen > len - i)
			return TL_OPT_ERR_TRUNCATED;
		err = tl_opt_decode(kind, opt + i, olen, o);
		if (err)
			return err;
		i += olen;
	}
	return TL_OPT_OK;
}

int tl_opts_build(u8 *buf, u32 buflen, const struct tl_tcp_opts *o)
{
	u8 tmp[TL_TCP_OPT_MAX];
	u32 n = 0;
	u8 i, nr_sack;

	if (o->present & TL_OPTF_MSS) {
		tmp[n++] = TL_OPT_MSS;
		tmp[n++] = TL_OPT_MSS_LEN;
		tl_put_be16(tmp + n, o->mss);
		n += 2;
	}
	if (o->present & TL_OPTF_TS) {
		/* SACK-permitted fills the two bytes NOPs would pad. */
		if (o->present & TL_OPTF_SACK_PERM) {
			tmp[n++] = TL_OPT_SACK_PERM;
			tmp[n++] = TL_OPT_SACK_PERM_LEN;
		} else {
			tmp[n++] = TL_OPT_NOP;
			tmp[n++] = TL_OPT_NOP;
		}
		tmp[n++] = TL_OPT_TS;
		tmp[n++] = TL_OPT_TS_LEN;
		tl_put_be32(tmp + n, o->tsval);
		tl_put_be32(tmp + n + 4, o->tsecr);
		n += 8;
	} else if (o->present & TL_OPTF_SACK_PERM) {
		tmp[n++] = TL_OPT_NOP;
		tmp[n++] = TL_OPT_NOP;
		tmp[n++] = TL_OPT_SACK_PERM;
		tmp[n++] = TL_OPT_SACK_PERM_LEN;
	}
	if (o->present & TL_OPTF_WSCALE) {
		tmp[n++] = TL_OPT_NOP;
		tmp[n++] = TL_OPT_WSCALE;
		tmp[n++] = TL_OPT_WSCALE_LEN;
		tmp[n++] = o->wscale;
	}
	if ((o->present & TL_OPTF_SACK) && o->nr_sack) {
		/* As many blocks as fit after NOP NOP kind len. */
		nr_sack = min_t(u8, o->nr_sack, TL_SACK_MAX_BLOCKS);
		while (nr_sack && n + 4 + nr_sack * TL_OPT_SACK_BLOCK_LEN >
				  TL_TCP_OPT_MAX)
			nr_sack--;
		if (nr_sack) {
			tmp[n++] = TL_OPT_NOP;
			tmp[n++] = TL_OPT_NOP;
			tmp[n++] = TL_OPT_SACK;
			tmp[n++] = TL_OPT_SACK_BASE_LEN +
				   nr_sack * TL_OPT_SACK_BLOCK_LEN;
			for (i = 0; i < nr_sack; i++) {
				tl_put_be32(tmp + n, o->sack[i].start);
				tl_put_be32(tmp + n + 4, o->sack[i].end);
				n += TL_OPT_SACK_BLOCK_LEN;
			}
		}
	}
	if (n > buflen)
		return -ENOSPC;
	if (n)
		memcpy(buf, tmp, n);
	return (int)n;
}
