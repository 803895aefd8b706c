/* SPDX-License-Identifier: LGPL-2.1-or-later */
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

/*
 * --help and --version, answered the same way by every example: when
 * argv[1] is one of them, print "usage: NAME ARGS" or "NAME VERSION" on
 * stdout (NAME is argv[0] without its directory) and exit with status 0.
 * Otherwise return and leave the arguments to the program.
 */
void tcplab_std_options(int argc, char **argv, const char *args);

#endif /* _TCPLAB_USER_H */
