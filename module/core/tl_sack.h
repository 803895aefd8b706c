/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tl_sack.h - the sender's SACK scoreboard (RFC 2018, RFC 6675 Section 2
 * and 4): which sequence ranges above SND.UNA the peer reported holding.
 */
#ifndef _TCPLAB_CORE_SACK_H
#define _TCPLAB_CORE_SACK_H

#include "tl_types.h"
#include "tl_options.h"
#include "tl_ooo.h"

/* Ranges remembered; when full, the highest range is forgotten. */
#define TL_SACK_SB_MAX		16
/* RFC 6675 Section 2: DupThresh, "SHOULD be 3" (as in RFC 5681). */
#define TL_DUPTHRESH		3

struct tl_sack_sb {
	u8 n;
	struct tl_seq_range r[TL_SACK_SB_MAX];	/* sorted, disjoint */
};

static inline void tl_sack_clear(struct tl_sack_sb *sb)
{
	sb->n = 0;
}

/*
 * Merge the SACK blocks of an ACK.  Blocks must lie in (@una, @snd_max]
 * (RFC 2018 says the rest are invalid, RFC 6675 Section 5 ignores them;
 * a D-SACK below SND.UNA is thereby ignored too).  Returns the number of
 * bytes newly marked SACKed.
 */
u32 tl_sack_update(struct tl_sack_sb *sb, u32 una, u32 snd_max,
		   const struct tl_sack_block *blk, u8 nblk);

/* The cumulative ACK moved to @una: forget what lies below it. */
void tl_sack_ack(struct tl_sack_sb *sb, u32 una);

/* Bytes SACKed above @seq, and how many SACKed ranges lie above it. */
u32 tl_sack_bytes_above(const struct tl_sack_sb *sb, u32 seq, u8 *ranges);

/* Total bytes SACKed. */
u32 tl_sack_bytes(const struct tl_sack_sb *sb);

/* Is @seq inside a SACKed range? */
bool tl_sack_has(const struct tl_sack_sb *sb, u32 seq);

/*
 * RFC 6675 Section 4, IsLost(SeqNum): "returns true when either DupThresh
 * discontiguous SACKed sequences have arrived above 'SeqNum' or more than
 * (DupThresh - 1) * SMSS bytes with sequence numbers greater than
 * 'SeqNum' have been SACKed."
 */
bool tl_sack_is_lost(const struct tl_sack_sb *sb, u32 seq, u32 mss);

/*
 * The first not-SACKed range ("hole") at or after @from and below @end:
 * true with [*start, *hend) filled, false if there is none.
 */
bool tl_sack_next_hole(const struct tl_sack_sb *sb, u32 from, u32 end,
		       u32 *start, u32 *hend);

#endif /* _TCPLAB_CORE_SACK_H */
