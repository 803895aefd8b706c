// SPDX-License-Identifier: GPL-2.0
/*
 * guest-exit CODE: power the test VM off with an exit status the host can
 * read.  QEMU's isa-debug-exit device (port 0xf4) ends QEMU with status
 * (CODE << 1) | 1 when CODE is written to it.  /dev/port is not built
 * into Debian's kernels, so we write the port directly (ioperm + outb).
 * Built static: it must work even when the initramfs has no libc.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>

#define DEBUG_EXIT_PORT 0xf4

int main(int argc, char **argv)
{
	int code = argc > 1 ? atoi(argv[1]) : 1;

	if (ioperm(DEBUG_EXIT_PORT, 4, 1)) {
		perror("guest-exit: ioperm");
		return 1;
	}
	outb((unsigned char)code, DEBUG_EXIT_PORT);
	/* Only reached without the device (e.g. a VM started by hand). */
	fprintf(stderr, "guest-exit: no isa-debug-exit device\n");
	return 1;
}
