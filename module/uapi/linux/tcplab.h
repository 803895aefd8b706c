/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * tcplab UAPI: the one header shared by the kernel module and userspace.
 *
 * tcplab registers its own socket family.  Addresses are ordinary
 * struct sockaddr_in (sin_family = AF_INET; AF_TCPLAB is accepted too).
 */
#ifndef _UAPI_LINUX_TCPLAB_H
#define _UAPI_LINUX_TCPLAB_H

/*
 * Default family number.  22 is AF_SNA, a number Linux reserves but no
 * in-tree family registers (checked for 6.1 and 6.12).  The module
 * parameter "family" picks another one; userspace should ask the loaded
 * module (/sys/module/tcplab/parameters/family) rather than trust this
 * constant, see tcplab_family() in userspace/lib.
 */
#define TCPLAB_FAMILY_DEFAULT	22
#ifndef AF_TCPLAB
#define AF_TCPLAB		TCPLAB_FAMILY_DEFAULT
#define PF_TCPLAB		AF_TCPLAB
#endif

/* Where the loaded module says which family number it registered. */
#define TCPLAB_FAMILY_PARAM_PATH "/sys/module/tcplab/parameters/family"

/* Per network namespace files. */
#define TCPLAB_PROC_SOCKETS	"/proc/net/tcplab"
#define TCPLAB_PROC_STATS	"/proc/net/tcplab_stats"

/*
 * Receive memory of a connection (skb truesize of its in-order and
 * out-of-order queues, SO_MEMINFO's rmem_alloc) stays within SO_RCVBUF
 * plus this slack: room for one more large segment when the queues
 * are nearly full.
 */
#define TCPLAB_RCVBUF_SLACK	65536

#endif /* _UAPI_LINUX_TCPLAB_H */
