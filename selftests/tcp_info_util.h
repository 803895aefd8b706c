/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcp_info_util.h - struct tcp_info as the kernel fills it: glibc's
 * struct (up to tcpi_total_retrans) followed by the counters Linux added
 * later, in the kernel's uapi layout.
 */
#ifndef _TCP_INFO_UTIL_H
#define _TCP_INFO_UTIL_H

#include <stdint.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

struct tl_tcp_info {
	struct tcp_info b;
	uint64_t pacing_rate, max_pacing_rate;
	uint64_t bytes_acked, bytes_received;
	uint32_t segs_out, segs_in;
	uint32_t notsent_bytes, min_rtt;
	uint32_t data_segs_in, data_segs_out;
};

static inline int tl_get_info(int fd, struct tl_tcp_info *ti)
{
	socklen_t len = sizeof(*ti);

	memset(ti, 0, sizeof(*ti));
	return getsockopt(fd, SOL_TCP, TCP_INFO, ti, &len);
}

#define TL_INFINITE_SSTHRESH	0x7fffffffU

#endif /* _TCP_INFO_UTIL_H */
