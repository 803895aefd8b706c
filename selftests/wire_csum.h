/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wire_csum.h: the Internet checksum (RFC 1071) of the packets the
 * selftests build themselves, in one place for the programs that use
 * wire_util.h and for the wire script runner, which does not.
 */
#ifndef TCPLAB_WIRE_CSUM_H
#define TCPLAB_WIRE_CSUM_H

#include <stddef.h>
#include <stdint.h>

static inline uint32_t wire_csum_add(uint32_t sum, const void *buf,
				     size_t len)
{
	const unsigned char *p = buf;

	while (len > 1) {
		sum += (p[0] << 8) | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += p[0] << 8;
	return sum;
}

static inline uint16_t wire_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

#endif
