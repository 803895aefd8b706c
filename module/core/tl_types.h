/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tl_types.h - the few types and helpers the sans-I/O core needs, so that
 * the same core/tl_*.c files build inside the kernel module and in userspace
 * (unit tests, fuzz targets).  Nothing here may depend on kernel objects:
 * no skbs, no locks, no timers, no allocation.
 */
#ifndef _TCPLAB_CORE_TYPES_H
#define _TCPLAB_CORE_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/kernel.h>
#else
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <errno.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#ifndef min_t
#define min_t(type, a, b) ((type)(a) < (type)(b) ? (type)(a) : (type)(b))
#define max_t(type, a, b) ((type)(a) > (type)(b) ? (type)(a) : (type)(b))
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#endif /* __KERNEL__ */

/* Big-endian loads and stores on byte buffers (wire formats). */
static inline u16 tl_get_be16(const u8 *p)
{
	return (u16)((p[0] << 8) | p[1]);
}

static inline u32 tl_get_be32(const u8 *p)
{
	return ((u32)p[0] << 24) | ((u32)p[1] << 16) | ((u32)p[2] << 8) | p[3];
}

static inline void tl_put_be16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static inline void tl_put_be32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static inline u64 tl_get_be64(const u8 *p)
{
	return ((u64)tl_get_be32(p) << 32) | tl_get_be32(p + 4);
}

static inline void tl_put_be64(u8 *p, u64 v)
{
	tl_put_be32(p, v >> 32);
	tl_put_be32(p + 4, (u32)v);
}

#endif /* _TCPLAB_CORE_TYPES_H */
