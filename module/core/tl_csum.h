/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tl_csum.h - portable Internet checksum (RFC 1071) with the IPv4 pseudo
 * header of RFC 9293 Section 3.1.
 *
 * This is the reference implementation for the unit tests and the fuzz
 * targets.  The kernel glue uses csum_tcpudp_magic()/csum_partial() (which
 * are arch-optimised and understand checksum offload) instead; the tests
 * pin both to the same known answers.
 */
#ifndef _TCPLAB_CORE_CSUM_H
#define _TCPLAB_CORE_CSUM_H

#include "tl_types.h"

/*
 * Add @len bytes at @buf (big-endian 16-bit words) into the 32-bit @sum.
 * When summing a buffer in pieces, every piece but the last must have an
 * even length so the 16-bit words stay aligned.
 */
u32 tl_csum_add(u32 sum, const u8 *buf, u32 len);

/* Fold the carries of @sum into 16 bits and return the one's complement. */
u16 tl_csum_fold(u32 sum);

/*
 * Checksum of a TCP segment (header with its checksum field, plus
 * payload: @len bytes at @seg) over the IPv4 pseudo header.  @saddr and
 * @daddr are host-order IPv4 addresses.  To fill in a segment, zero the
 * checksum field and store the result big-endian at offset 16; to verify a
 * received segment, the result over the whole segment must be 0.
 */
u16 tl_csum_tcp_ipv4(u32 saddr, u32 daddr, const u8 *seg, u32 len);

#endif /* _TCPLAB_CORE_CSUM_H */
