// SPDX-License-Identifier: GPL-2.0
/*
 * tl_csum.c - RFC 1071 Internet checksum, byte-at-a-time and therefore
 * independent of host endianness.  Clarity over speed: the kernel uses
 * its own optimised helpers.
 */
#include "tl_types.h"
#include "tl_csum.h"

#define TL_IPPROTO_TCP 6

u32 tl_csum_add(u32 sum, const u8 *buf, u32 len)
{
	u32 i;

	/*
	 * Sum 16-bit big-endian words.  Folding the carry back in as we go
	 * keeps the 32-bit accumulator from overflowing for any length.
	 */
	for (i = 0; i + 1 < len; i += 2) {
		sum += tl_get_be16(buf + i);
		sum = (sum & 0xffff) + (sum >> 16);
	}
	/* An odd trailing byte is padded with a zero byte (RFC 9293 3.1). */
	if (len & 1) {
		sum += (u32)buf[len - 1] << 8;
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return sum;
}

u16 tl_csum_fold(u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

u16 tl_csum_tcp_ipv4(u32 saddr, u32 daddr, const u8 *seg, u32 len)
{
	u8 pseudo[12];

	/*
	 * The IPv4 pseudo header (RFC 9293 Section 3.1): source address,
	 * destination address, zero, protocol, TCP length.
	 */
	tl_put_be32(pseudo, saddr);
	tl_put_be32(pseudo + 4, daddr);
	pseudo[8] = 0;
	pseudo[9] = TL_IPPROTO_TCP;
	tl_put_be16(pseudo + 10, (u16)len);

	return tl_csum_fold(tl_csum_add(tl_csum_add(0, pseudo, sizeof(pseudo)),
					seg, len));
}
