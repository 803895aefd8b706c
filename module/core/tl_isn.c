// SPDX-License-Identifier: GPL-2.0
/*
 * tl_isn.c - RFC 6528 ISN composition.
 */
#include "tl_types.h"
#include "tl_isn.h"

u32 tl_isn_compose(u64 now_us, u32 f)
{
	/* Unsigned addition: both terms are taken modulo 2^32 as intended. */
	return tl_isn_clock(now_us) + f;
}
