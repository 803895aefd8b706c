// SPDX-License-Identifier: GPL-2.0
/*
 * harness_check: a failed ASSERT still runs FIXTURE_TEARDOWN.
 *
 * The selftests put back what they change (module parameters, tracepoint
 * enables, sysctls, namespaces) in their teardowns; that is only true if
 * the harness, as built with the selftests' own CFLAGS, runs a teardown
 * after an assertion fails.  Run on the host by `make -C selftests
 * harness-check`, which expects the one test here to fail and its
 * teardown to have written the file named by HARNESS_MARKER.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kselftest_harness.h"

FIXTURE(marker) {
	const char *path;
};

FIXTURE_SETUP(marker)
{
	self->path = getenv("HARNESS_MARKER");
	ASSERT_NE(NULL, self->path);
}

FIXTURE_TEARDOWN(marker)
{
	FILE *f = fopen(self->path, "w");

	if (f) {
		fputs("teardown ran\n", f);
		fclose(f);
	}
}

TEST_F(marker, assertion_fails)
{
	ASSERT_EQ(0, 1) TH_LOG("planted failure: the teardown must still run");
}

TEST_HARNESS_MAIN
