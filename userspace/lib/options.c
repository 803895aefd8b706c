// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcplab.h"
#include "tcplab_version.h"

void tcplab_std_options(int argc, char **argv, const char *args)
{
	const char *name, *slash;

	if (argc < 2)
		return;
	slash = strrchr(argv[0], '/');
	name = slash ? slash + 1 : argv[0];
	if (!strcmp(argv[1], "--version")) {
		printf("%s %s\n", name, TCPLAB_VERSION);
		exit(0);
	}
	if (!strcmp(argv[1], "--help")) {
		printf("usage: %s%s%s\n", name, *args ? " " : "", args);
		exit(0);
	}
}
