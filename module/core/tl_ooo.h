/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tl_ooo.h - out-of-order range tracker.
 *
 * The receiver may hold data that arrived beyond RCV.NXT (RFC 9293
 * Section 3.10.7.4 "seventh": segments with higher beginning sequence
 * numbers "may be held for later processing").  The glue keeps the bytes;
 * this tracker only remembers which sequence ranges are held, merged and
 * sorted, so that the core can tell when RCV.NXT reaches them and can
 * report them as SACK blocks (RFC 2018).
 *
 * Storage is an array owned by the caller; the tracker never allocates.
 * All ranges lie in the receive window, i.e. within 2^30 after RCV.NXT,
 * so ordinary sequence comparisons order them correctly.
 */
#ifndef _TCPLAB_CORE_OOO_H
#define _TCPLAB_CORE_OOO_H

#include "tl_types.h"
#include "tl_options.h"

struct tl_seq_range {
	u32 start;
	u32 end;	/* exclusive */
};

struct tl_ooo {
	struct tl_seq_range *r;	/* caller storage, sorted, disjoint */
	u8 cap;
	u8 n;
	u8 last;		/* index of the most recently changed range */
};

void tl_ooo_init(struct tl_ooo *o, struct tl_seq_range *storage, u8 cap);

/*
 * Record that [start, end) is held.  Overlapping and adjacent ranges are
 * merged.  Returns 0, or -ENOSPC when the range would need a new slot and
 * none is free: the caller must then not keep the data.
 */
int tl_ooo_add(struct tl_ooo *o, u32 start, u32 end);

/*
 * Cut [*start, *end) down to what is not held yet: a start inside a held
 * range moves to its end, an end inside one moves to its start.  Ranges
 * held wholly inside the result stay inside it (the new data covers
 * them).  Returns false when nothing of it is new: a duplicate.
 */
bool tl_ooo_new(const struct tl_ooo *o, u32 *start, u32 *end);

/* Can [start, end) be added without a free slot, or is one free? */
bool tl_ooo_fits(const struct tl_ooo *o, u32 start, u32 end);

/* Forget everything held from @seq on (the glue let that data go). */
void tl_ooo_prune(struct tl_ooo *o, u32 seq);

/*
 * RCV.NXT has advanced to @rcv_nxt.  Drop every range (or the part of
 * one) below it and, if a held range now starts at or below @rcv_nxt,
 * return the end of that range: the new RCV.NXT, with everything in
 * between now in order.  Returns @rcv_nxt if nothing became in order.
 */
u32 tl_ooo_advance(struct tl_ooo *o, u32 rcv_nxt);

static inline bool tl_ooo_empty(const struct tl_ooo *o)
{
	return o->n == 0;
}

/*
 * Fill up to @max SACK blocks, the most recently changed range first as
 * RFC 2018 Section 4 requires, then the others in sequence order.
 * Returns the number written.
 */
u8 tl_ooo_sack_blocks(const struct tl_ooo *o, struct tl_sack_block *blk,
		      u8 max);

#endif /* _TCPLAB_CORE_OOO_H */
