/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcplab_test.h - helpers shared by the selftests (in the test VM).
 */
#ifndef _TCPLAB_TEST_H
#define _TCPLAB_TEST_H

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "tcplab.h"

/*
 * The test VM always has the module loaded, veth, netem, tls.ko, tracefs,
 * network namespaces and root: a test that finds one missing is running
 * in a broken image, and says so as a failure (a skip would let a broken
 * image pass).
 */
#define ENV_FAIL(fmt, ...)						\
	ASSERT_TRUE(false) TH_LOG("test environment: " fmt, ##__VA_ARGS__)

/*
 * SKIP, unless an EXPECT of this test already failed: the harness reports
 * a test by its last verdict, and a skip must never hide a failure.
 */
#define SKIP_UNLESS_FAILED(fmt, ...)					\
	do {								\
		if (_metadata->exit_code == KSFT_FAIL)			\
			return;						\
		SKIP(return, fmt, ##__VA_ARGS__);			\
	} while (0)

/* AF_TCPLAB as the loaded module registered it. */
#define TCPLAB_FAMILY_OR_FAIL(var)					\
	do {								\
		var = tcplab_family();					\
		if (var < 0)						\
			ENV_FAIL("tcplab module not loaded");		\
	} while (0)

/* Load tcplab.ko (TCPLAB_KO, set by the test VM) with @params. */
static inline int tcplab_load(const char *params)
{
	const char *ko = getenv("TCPLAB_KO");
	int fd, ret;

	if (!ko)
		return -ENOENT;
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params ? params : "", 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

/* Unload tcplab; -EWOULDBLOCK while anything holds it. */
static inline int tcplab_unload(void)
{
	return syscall(SYS_delete_module, "tcplab", O_NONBLOCK) ? -errno : 0;
}

/* Read "Key: value" from /proc/net/tcplab_stats; -1 if absent. */
static inline long tcplab_stat(const char *key)
{
	FILE *f = fopen(TCPLAB_PROC_STATS, "r");
	char name[64];
	long val, ret = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%63[^:]: %ld\n", name, &val) == 2) {
		if (!strcmp(name, key)) {
			ret = val;
			break;
		}
	}
	fclose(f);
	return ret;
}

/* The first line of @path (a sysfs or procfs file) into @buf; 0 or -1. */
static inline int tcplab_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f)
		return -1;
	ok = fgets(buf, len, f);
	fclose(f);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* Write @text to @path (a tracefs or sysfs file); 0 or -errno. */
static inline int tcplab_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

#define TCPLAB_TRACING "/sys/kernel/tracing"

/*
 * Tracepoints a test turns on: tcplab_trace_on() keeps the old value of
 * each enable file and tcplab_trace_restore() writes it back.  A test
 * calls the latter from its FIXTURE_TEARDOWN, which runs after a failed
 * assertion too, so a failure does not leave events on for the programs
 * that follow.
 */
#define TCPLAB_TRACE_MAX 4

struct tcplab_trace {
	int n;
	struct {
		char path[128];
		char old[4];
	} ev[TCPLAB_TRACE_MAX];
};

/* Turn on @event ("tcplab" for the group, "tcplab/NAME" for one); 0 or -errno. */
static inline int tcplab_trace_on(struct tcplab_trace *t, const char *event)
{
	char path[128], old[8];

	if (t->n == TCPLAB_TRACE_MAX)
		return -ENOSPC;
	snprintf(path, sizeof(path), TCPLAB_TRACING "/events/%s/enable", event);
	if (tcplab_read_line(path, old, sizeof(old)))
		return -ENOENT;
	snprintf(t->ev[t->n].path, sizeof(t->ev[t->n].path), "%s", path);
	/* A group's file reads "X" when its events differ: keep them off. */
	snprintf(t->ev[t->n].old, sizeof(t->ev[t->n].old), "%s",
		 strcmp(old, "1") ? "0" : "1");
	t->n++;
	return tcplab_write_file(path, "1");
}

/* Put back what tcplab_trace_on() changed, newest first. */
static inline void tcplab_trace_restore(struct tcplab_trace *t)
{
	while (t->n > 0) {
		t->n--;
		tcplab_write_file(t->ev[t->n].path, t->ev[t->n].old);
	}
}

/* A fixture that only holds the tracepoints a test turns on. */
#define TCPLAB_TRACE_FIXTURE(name)					\
	FIXTURE(name) {							\
		struct tcplab_trace t;					\
	};								\
	FIXTURE_SETUP(name)						\
	{								\
		self->t.n = 0;						\
	}								\
	FIXTURE_TEARDOWN(name)						\
	{								\
		tcplab_trace_restore(&self->t);				\
	}

/*
 * A module parameter, /sys/module/tcplab/parameters/@name: read into
 * @val (@len bytes, without the newline) or written.  0 or -errno.  A
 * test that writes one keeps the old value and writes it back in its
 * FIXTURE_TEARDOWN, which runs after a failed assertion too: the module
 * stays loaded for the programs that follow.
 */
static inline int tcplab_param_get(const char *name, char *val, size_t len)
{
	char path[96];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/module/tcplab/parameters/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, val, len - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	val[n] = 0;
	val[strcspn(val, "\n")] = 0;
	return 0;
}

static inline int tcplab_param_set(const char *name, const char *val)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/module/tcplab/parameters/%s", name);
	return tcplab_write_file(path, val);
}

/*
 * How much slower than the stock kernel this one runs
 * (TCPLAB_TIME_FACTOR, which the guest's runner measures on the debug
 * kernel; 1 elsewhere).  Upper bounds on time are multiplied by it.
 */
static inline int tcplab_time_factor(void)
{
	const char *s = getenv("TCPLAB_TIME_FACTOR");
	int k = s ? atoi(s) : 1;

	return k > 1 ? k : 1;
}

/* True if the runner's tier (TCPLAB_TIER: check, full, debug) is @name. */
static inline bool tcplab_tier_is(const char *name)
{
	const char *tier = getenv("TCPLAB_TIER");

	return tier && !strcmp(tier, name);
}

/*
 * Active objects of slab cache @name in /proc/slabinfo; -1 if absent.
 * On the debug kernel KASAN's quarantine keeps freed objects counted.
 */
static inline long tcplab_slab_active(const char *name)
{
	FILE *f = fopen("/proc/slabinfo", "r");
	char line[512], n[64];
	long active, ret = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %ld", n, &active) == 2 &&
		    !strcmp(n, name)) {
			ret = active;
			break;
		}
	}
	fclose(f);
	return ret;
}

/*
 * The harness's per-test time limits (30 s unless TEST_F_TIMEOUT says
 * otherwise), times TCPLAB_TIME_FACTOR: the guest's runner measures that
 * factor on the debug kernel, where everything is slower, not broken.
 */
#ifndef TEST_HARNESS_MAIN
#error "include kselftest_harness.h before tcplab_test.h"
#endif
static inline void tcplab_scale_timeouts(void)
{
	struct __fixture_metadata *f;
	struct __test_metadata *t;
	int k = tcplab_time_factor();

	if (k <= 1)
		return;
	for (f = __fixture_list; f; f = f->next)
		for (t = f->tests; t; t = t->next)
			t->timeout *= k;
}

#undef TEST_HARNESS_MAIN
#define TEST_HARNESS_MAIN						\
	int main(int argc, char **argv)					\
	{								\
		tcplab_scale_timeouts();				\
		return test_harness_run(argc, argv);			\
	}

#endif /* _TCPLAB_TEST_H */
