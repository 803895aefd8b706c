// SPDX-License-Identifier: GPL-2.0
/*
 * tl_ooo.c - sorted, merged list of held out-of-order sequence ranges.
 *
 * The list is tiny (a handful of entries), so plain array insertion and
 * removal are the clearest choice.
 */
#include "tl_types.h"
#include "tl_seq.h"
#include "tl_ooo.h"

void tl_ooo_init(struct tl_ooo *o, struct tl_seq_range *storage, u8 cap)
{
	o->r = storage;
	o->cap = storage ? cap : 0;
	o->n = 0;
	o->last = 0;
}

static void tl_ooo_remove(struct tl_ooo *o, u8 i)
{
	memmove(&o->r[i], &o->r[i + 1], (o->n - i - 1) * sizeof(o->r[0]));
	o->n--;
}

int tl_ooo_add(struct tl_ooo *o, u32 start, u32 end)
{
	/* LAB window: begin */
	u8 i = 0;

	/*
	 * Every comparison goes through tl_seq_*(): the ranges may straddle
	 * 2^32.  ->last is the range this data went into, the first SACK
	 * block of the next ACK (RFC 2018 4).
	 */
	if (!tl_seq_lt(start, end))
		return 0;

	/* Skip ranges that end before the new one starts (not touching). */
	while (i < o->n && tl_seq_lt(o->r[i].end, start))
		i++;

	if (i < o->n && tl_seq_leq(o->r[i].start, end)) {
		/* Overlaps or touches r[i]: grow r[i] ... */
		o->r[i].start = tl_seq_min(o->r[i].start, start);
		o->r[i].end = tl_seq_max(o->r[i].end, end);
		/* ... and swallow the following ranges it now reaches. */
		while (i + 1 < o->n && tl_seq_leq(o->r[i + 1].start, o->r[i].end)) {
			o->r[i].end = tl_seq_max(o->r[i].end, o->r[i + 1].end);
			tl_ooo_remove(o, i + 1);
		}
		o->last = i;
		return 0;
	}

	if (o->n == o->cap)
		return -ENOSPC;
	memmove(&o->r[i + 1], &o->r[i], (o->n - i) * sizeof(o->r[0]));
	o->r[i].start = start;
	o->r[i].end = end;
	o->n++;
	o->last = i;
	return 0;
	/* LAB window: end */
}

bool tl_ooo_new(const struct tl_ooo *o, u32 *start, u32 *end)
{
	u8 i;

	/* Ranges are sorted and never touch: one may hold each edge. */
	for (i = 0; i < o->n; i++) {
		if (tl_seq_leq(o->r[i].start, *start) &&
		    tl_seq_lt(*start, o->r[i].end))
			*start = o->r[i].end;
		if (tl_seq_lt(o->r[i].start, *end) &&
		    tl_seq_leq(*end, o->r[i].end))
			*end = o->r[i].start;
	}
	return tl_seq_lt(*start, *end);
}

bool tl_ooo_fits(const struct tl_ooo *o, u32 start, u32 end)
{
	u8 i;

	if (o->n < o->cap)
		return true;
	for (i = 0; i < o->n; i++)
		if (tl_seq_leq(o->r[i].start, end) &&
		    tl_seq_leq(start, o->r[i].end))
			return true;
	return false;
}

void tl_ooo_prune(struct tl_ooo *o, u32 seq)
{
	while (o->n && tl_seq_geq(o->r[o->n - 1].start, seq))
		o->n--;
	if (o->n && tl_seq_gt(o->r[o->n - 1].end, seq))
		o->r[o->n - 1].end = seq;
	if (o->last >= o->n)
		o->last = o->n ? o->n - 1 : 0;
}

u32 tl_ooo_advance(struct tl_ooo *o, u32 rcv_nxt)
{
	while (o->n && tl_seq_leq(o->r[0].start, rcv_nxt)) {
		/* A range reached by RCV.NXT is now in order: consume it. */
		rcv_nxt = tl_seq_max(rcv_nxt, o->r[0].end);
		tl_ooo_remove(o, 0);
	}
	o->last = 0;
	return rcv_nxt;
}

u8 tl_ooo_sack_blocks(const struct tl_ooo *o, struct tl_sack_block *blk,
		      u8 max)
{
	u8 i, n = 0;

	if (!o->n || !max)
		return 0;
	blk[n].start = o->r[o->last].start;
	blk[n].end = o->r[o->last].end;
	n++;
	for (i = 0; i < o->n && n < max; i++) {
		if (i == o->last)
			continue;
		blk[n].start = o->r[i].start;
		blk[n].end = o->r[i].end;
		n++;
	}
	return n;
}
