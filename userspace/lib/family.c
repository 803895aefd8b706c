// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdio.h>

#include "tcplab.h"

int tcplab_family(void)
{
	FILE *f = fopen(TCPLAB_FAMILY_PARAM_PATH, "r");
	int family, n;

	if (!f)
		return -1;
	n = fscanf(f, "%d", &family);
	fclose(f);
	if (n != 1) {
		errno = EINVAL;
		return -1;
	}
	return family;
}
