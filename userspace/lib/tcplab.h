/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libtcplab: small helpers for programs that use tcplab sockets.
 */
#ifndef _TCPLAB_USER_H
#define _TCPLAB_USER_H

#include <linux/tcplab.h>

/*
 * The family number the loaded module registered: read from
 * /sys/module/tcplab/parameters/family, so programs keep working when the
 * module was loaded with family=N.  Returns -1 with errno set (ENOENT:
 * module not loaded) on failure.
 */
int tcplab_family(void);

#endif /* _TCPLAB_USER_H */
