// SPDX-License-Identifier: GPL-2.0
/*
 * tl_sack.c - the SACK scoreboard of RFC 6675 Section 3: "a data
 * structure ... to track the SACK information received from the peer".
 *
 * It is kept as a short sorted list of disjoint sequence ranges, all above
 * SND.UNA.  Every SACK block of every ACK is merged in (RFC 2018 Section
 * 4: the first block is the most recent, but each block is information);
 * the cumulative ACK trims it.  Nothing here ever frees send buffer: "the
 * data sender MUST NOT discard data ... until ... cumulatively
 * acknowledged" (RFC 2018 Section 8), the scoreboard only steers which
 * bytes are sent again.
 */
#include "tl_types.h"
#include "tl_seq.h"
#include "tl_sack.h"

static void tl_sack_insert(struct tl_sack_sb *sb, u32 start, u32 end)
{
	u8 i = 0, j;

	/* Find the first range that ends at or after @start. */
	while (i < sb->n && tl_seq_lt(sb->r[i].end, start))
		i++;
	/* Absorb every range that overlaps or touches [start, end). */
	j = i;
	while (j < sb->n && tl_seq_leq(sb->r[j].start, end)) {
		start = tl_seq_min(start, sb->r[j].start);
		end = tl_seq_max(end, sb->r[j].end);
		j++;
	}
	if (j > i) {
		/* Ranges i..j-1 collapse into one at i. */
		sb->r[i].start = start;
		sb->r[i].end = end;
		memmove(&sb->r[i + 1], &sb->r[j],
			(sb->n - j) * sizeof(sb->r[0]));
		sb->n -= j - i - 1;
		return;
	}
	if (sb->n == TL_SACK_SB_MAX) {
		/*
		 * Full: forget the highest range.  Losing SACK information
		 * is safe - those bytes merely count as not SACKed and may be
		 * sent again.
		 */
		if (i == sb->n)
			return;
		sb->n--;
	}
	memmove(&sb->r[i + 1], &sb->r[i], (sb->n - i) * sizeof(sb->r[0]));
	sb->r[i].start = start;
	sb->r[i].end = end;
	sb->n++;
}

u32 tl_sack_update(struct tl_sack_sb *sb, u32 una, u32 snd_max,
		   const struct tl_sack_block *blk, u8 nblk)
{
	u32 before = tl_sack_bytes(sb);
	u8 k;

	for (k = 0; k < nblk; k++) {
		u32 s = blk[k].start, e = blk[k].end;

		if (!tl_seq_lt(s, e) || tl_seq_gt(e, snd_max) ||
		    !tl_seq_gt(e, una))
			continue;
		if (tl_seq_lt(s, una))
			s = una;
		tl_sack_insert(sb, s, e);
	}
	return tl_sack_bytes(sb) - before;
}

void tl_sack_ack(struct tl_sack_sb *sb, u32 una)
{
	u8 i = 0;

	while (i < sb->n && tl_seq_leq(sb->r[i].end, una))
		i++;
	if (i) {
		memmove(&sb->r[0], &sb->r[i], (sb->n - i) * sizeof(sb->r[0]));
		sb->n -= i;
	}
	if (sb->n && tl_seq_lt(sb->r[0].start, una))
		sb->r[0].start = una;
}

u32 tl_sack_bytes_above(const struct tl_sack_sb *sb, u32 seq, u8 *ranges)
{
	u32 bytes = 0;
	u8 i, n = 0;

	for (i = 0; i < sb->n; i++) {
		if (!tl_seq_gt(sb->r[i].end, seq))
			continue;
		n++;
		bytes += sb->r[i].end - tl_seq_max(sb->r[i].start, seq + 1);
	}
	if (ranges)
		*ranges = n;
	return bytes;
}

u32 tl_sack_bytes(const struct tl_sack_sb *sb)
{
	u32 bytes = 0;
	u8 i;

	for (i = 0; i < sb->n; i++)
		bytes += sb->r[i].end - sb->r[i].start;
	return bytes;
}

bool tl_sack_has(const struct tl_sack_sb *sb, u32 seq)
{
	u8 i;

	for (i = 0; i < sb->n; i++)
		if (tl_seq_geq(seq, sb->r[i].start) &&
		    tl_seq_lt(seq, sb->r[i].end))
			return true;
	return false;
}

bool tl_sack_is_lost(const struct tl_sack_sb *sb, u32 seq, u32 mss)
{
	u8 ranges;
	u32 bytes = tl_sack_bytes_above(sb, seq, &ranges);

	return ranges >= TL_DUPTHRESH || bytes > (TL_DUPTHRESH - 1) * mss;
}

bool tl_sack_next_hole(const struct tl_sack_sb *sb, u32 from, u32 end,
		       u32 *start, u32 *hend)
{
	u8 i;

	for (i = 0; i < sb->n && tl_seq_lt(from, end); i++) {
		if (tl_seq_leq(sb->r[i].end, from))
			continue;
		if (tl_seq_lt(from, sb->r[i].start)) {
			*start = from;
			*hend = tl_seq_min(sb->r[i].start, end);
			return true;
		}
		from = sb->r[i].end;	/* inside a SACKed range: skip it */
	}
	if (!tl_seq_lt(from, end))
		return false;
	*start = from;
	*hend = end;
	return true;
}
