// SPDX-License-Identifier: GPL-2.0
/*
 * tls_seq.c - TLS record sequence numbers; see tls_seq.h for the rules.
 */
#include "tl_types.h"
#include "tls_seq.h"

#define TL_TLS_SEQ_MAX	((u64)~0ULL)

void tl_tls_seq_init(struct tl_tls_seq *s, u64 first)
{
	s->next = first;
	s->exhausted = false;
}

int tl_tls_seq_take(struct tl_tls_seq *s, u64 *seq)
{
	if (s->exhausted)
		return -EBADMSG;

	*seq = s->next;
	/*
	 * 2^64 - 1 is a valid sequence number and is used once; only the
	 * increment after it would wrap.
	 */
	if (s->next == TL_TLS_SEQ_MAX)
		s->exhausted = true;
	else
		s->next++;
	return 0;
}

u64 tl_tls_seq_peek(const struct tl_tls_seq *s)
{
	return s->exhausted ? 0 : s->next;
}

bool tl_tls_be_increment(u8 *ctr, unsigned int len)
{
	unsigned int i;

	/* least significant byte last: carry from the end towards the front */
	for (i = len; i > 0; i--) {
		ctr[i - 1]++;
		if (ctr[i - 1] != 0)
			return false;
	}
	return true;
}
