// SPDX-License-Identifier: GPL-2.0
/*
 * sysctl_test: /proc/sys/net/tcplab/, the module parameters per network
 * namespace (module/sysctl.c).
 *
 * Two namespaces (wire_util.h's hosts A and B) and the root one: every
 * file is there in each and shows its module parameter until written;
 * a value written in A stays A's (B and the root follow the parameter
 * still); bad values and unprivileged writers are refused and change
 * nothing; and the values act, per namespace: TIME-WAIT lasts 2 * A's
 * MSL in A and 2 * the parameter's in B, a socket made in A gets A's
 * congestion control, a connection in A gives up after A's SYN
 * retries.  Nothing is written in the root namespace, whose files would
 * keep their values until the module is unloaded; A and B, with their
 * files, are deleted after each test.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tcplab_test.h"
#include "wire_util.h"

#define SYSCTL_DIR "/proc/sys/net/tcplab/"

/* The per-namespace settings and the module parameters they follow. */
static const char * const knobs[] = {
	"msl_ms", "delack_min_ms", "csum_offload", "rto_min_ms", "rto_max_ms",
	"rto_initial_ms", "syn_retries", "data_retries", "congestion_control",
};
#define NKNOBS (sizeof(knobs) / sizeof(knobs[0]))

/* Parameters the tests change, restored by the teardown. */
static const char * const saved_params[] = {
	"msl_ms", "congestion_control", "syn_retries", "rto_initial_ms",
};
#define NSAVED (sizeof(saved_params) / sizeof(saved_params[0]))

/*
 * Read the sysctl @name in namespace @nsfd into @val; 0 or -errno.  The
 * caller stays in its namespace.
 */
static int knob_get(const struct wire *w, int nsfd, const char *name,
		    char *val, size_t len)
{
	char path[96];
	int err;

	snprintf(path, sizeof(path), SYSCTL_DIR "%s", name);
	if (wire_enter(nsfd))
		return -errno;
	err = tcplab_read_line(path, val, len);
	wire_enter(w->root);
	return err;
}

/* Write @val to the sysctl @name of namespace @nsfd; 0 or -errno. */
static int knob_set(const struct wire *w, int nsfd, const char *name,
		    const char *val)
{
	char path[96];
	ssize_t n;
	int fd, err = 0;

	snprintf(path, sizeof(path), SYSCTL_DIR "%s", name);
	if (wire_enter(nsfd))
		return -errno;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
	} else {
		n = write(fd, val, strlen(val));
		if (n < 0)
			err = -errno;
		else if ((size_t)n != strlen(val))
			err = -EIO;
		close(fd);
	}
	wire_enter(w->root);
	return err;
}

/* A parameter as its sysctl shows it: bools are Y/N there, 1/0 here. */
static void param_as_sysctl(const char *name, char *val, size_t len)
{
	char p[64];

	if (tcplab_param_get(name, p, sizeof(p))) {
		snprintf(val, len, "?");
		return;
	}
	if (!strcmp(name, "csum_offload"))
		snprintf(val, len, "%d", p[0] == 'Y' || p[0] == '1');
	else if (!strcmp(name, "delack_min_ms") && atol(p) > 200)
		snprintf(val, len, "200");	/* the bound both apply */
	else
		snprintf(val, len, "%s", p);
}

FIXTURE(knobs)
{
	struct wire w;
	char saved[NSAVED][64];
	bool have[NSAVED];
};

FIXTURE_SETUP(knobs)
{
	const char *why = NULL;
	unsigned int i;
	int rc;

	TCPLAB_FAMILY_OR_FAIL(rc);
	for (i = 0; i < NSAVED; i++)
		self->have[i] = !tcplab_param_get(saved_params[i], self->saved[i],
						  sizeof(self->saved[i]));
	rc = wire_up(&self->w, &why);
	if (rc > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, rc) TH_LOG("%s", why);
}

FIXTURE_TEARDOWN(knobs)
{
	unsigned int i;

	wire_down(&self->w);
	for (i = 0; i < NSAVED; i++)
		if (self->have[i])
			tcplab_param_set(saved_params[i], self->saved[i]);
}

/* Every file, in every namespace, shows its parameter and follows it. */
TEST_F(knobs, follow_the_parameters)
{
	int ns[3] = { self->w.root, self->w.a, self->w.b };
	char want[64], got[64], old[64];
	unsigned int i, j;

	for (i = 0; i < NKNOBS; i++) {
		param_as_sysctl(knobs[i], want, sizeof(want));
		for (j = 0; j < 3; j++) {
			ASSERT_EQ(0, knob_get(&self->w, ns[j], knobs[i], got, sizeof(got)))
				TH_LOG("%s in namespace %u", knobs[i], j);
			EXPECT_STREQ(want, got) TH_LOG("%s in namespace %u", knobs[i], j);
		}
	}
	ASSERT_EQ(0, tcplab_param_get("msl_ms", old, sizeof(old)));
	ASSERT_EQ(0, tcplab_param_set("msl_ms", "1234"));
	ASSERT_EQ(0, tcplab_param_set("congestion_control", "reno"));
	for (j = 0; j < 3; j++) {
		ASSERT_EQ(0, knob_get(&self->w, ns[j], "msl_ms", got, sizeof(got)));
		EXPECT_STREQ("1234", got);
		ASSERT_EQ(0, knob_get(&self->w, ns[j], "congestion_control", got,
				      sizeof(got)));
		EXPECT_STREQ("reno", got);
	}
}

/* A's value is A's: B and the root namespace still follow the parameter. */
TEST_F(knobs, a_namespace_keeps_its_own)
{
	char got[64];

	ASSERT_EQ(0, knob_set(&self->w, self->w.a, "msl_ms", "1000"));
	ASSERT_EQ(0, knob_set(&self->w, self->w.a, "congestion_control", "reno"));
	ASSERT_EQ(0, tcplab_param_set("msl_ms", "4321"));
	ASSERT_EQ(0, tcplab_param_set("congestion_control", "cubic"));
	ASSERT_EQ(0, knob_get(&self->w, self->w.a, "msl_ms", got, sizeof(got)));
	EXPECT_STREQ("1000", got);
	ASSERT_EQ(0, knob_get(&self->w, self->w.a, "congestion_control", got,
			      sizeof(got)));
	EXPECT_STREQ("reno", got);
	ASSERT_EQ(0, knob_get(&self->w, self->w.b, "msl_ms", got, sizeof(got)));
	EXPECT_STREQ("4321", got);
	ASSERT_EQ(0, knob_get(&self->w, self->w.root, "msl_ms", got, sizeof(got)));
	EXPECT_STREQ("4321", got);
	ASSERT_EQ(0, knob_get(&self->w, self->w.b, "congestion_control", got,
			      sizeof(got)));
	EXPECT_STREQ("cubic", got);
}

/* Bad values: the errno Linux's own sysctls give, and nothing changes. */
TEST_F(knobs, bad_values_change_nothing)
{
	static const struct {
		const char *name, *val;
		int err;
	} bad[] = {
		{ "msl_ms", "abc", -EINVAL },
		{ "msl_ms", "0", -EINVAL },
		{ "msl_ms", "3600001", -EINVAL },
		{ "msl_ms", "99999999999999999999", -EINVAL },
		{ "delack_min_ms", "201", -EINVAL },
		{ "delack_min_ms", "-1", -EINVAL },
		{ "csum_offload", "2", -EINVAL },
		{ "rto_min_ms", "0", -EINVAL },
		{ "syn_retries", "-2", -EINVAL },
		{ "data_retries", "256", -EINVAL },
		{ "congestion_control", "nope", -ENOENT },
	};
	char before[64], after[64];
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_EQ(0, knob_get(&self->w, self->w.a, bad[i].name, before,
				      sizeof(before)));
		EXPECT_EQ(bad[i].err, knob_set(&self->w, self->w.a, bad[i].name,
					       bad[i].val))
			TH_LOG("%s <- %s", bad[i].name, bad[i].val);
		ASSERT_EQ(0, knob_get(&self->w, self->w.a, bad[i].name, after,
				      sizeof(after)));
		EXPECT_STREQ(before, after) TH_LOG("%s <- %s", bad[i].name, bad[i].val);
	}
	/* The bounds themselves are accepted. */
	EXPECT_EQ(0, knob_set(&self->w, self->w.a, "msl_ms", "3600000"));
	EXPECT_EQ(0, knob_set(&self->w, self->w.a, "delack_min_ms", "0"));
	EXPECT_EQ(0, knob_set(&self->w, self->w.a, "data_retries", "-1"));
}

/* Only root (of the namespace's user namespace) may write; anyone reads. */
TEST_F(knobs, unprivileged_writer_refused)
{
	struct passwd *pw = getpwnam("nobody");
	uid_t uid = pw ? pw->pw_uid : 65534;
	char got[64];
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int err;

		if (wire_enter(self->w.a) || setgid(uid) || setuid(uid))
			_exit(10);
		err = tcplab_read_line(SYSCTL_DIR "msl_ms", got, sizeof(got));
		if (err)
			_exit(11);
		err = open(SYSCTL_DIR "msl_ms", O_WRONLY);
		_exit(err < 0 && errno == EACCES ? 0 : 12);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("10: setup, 11: nobody cannot read, 12: nobody may write");
}

/*
 * A TIME-WAIT of the connection of client @c to listener @l, in
 * namespace @nsfd (connected over its own address): the client closes
 * first.  Returns the client's local "ip:port" in @name.
 */
static int time_wait_in(struct __test_metadata *_metadata,
			const struct wire *w, int nsfd, const char *ip,
			int family, char *name, size_t len)
{
	struct sockaddr_in sin = wire_sin(ip, 0), me;
	socklen_t sl = sizeof(sin);
	int l, c, s;

	l = wire_socket(w, nsfd, family, SOCK_STREAM, 0);
	c = wire_socket(w, nsfd, family, SOCK_STREAM, 0);
	if (l < 0 || c < 0)
		return -1;
	if (bind(l, (struct sockaddr *)&sin, sizeof(sin)) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&sin, &sl) ||
	    connect(c, (struct sockaddr *)&sin, sizeof(sin)))
		return -1;
	s = accept(l, NULL, NULL);
	sl = sizeof(me);
	if (s < 0 || getsockname(c, (struct sockaddr *)&me, &sl))
		return -1;
	snprintf(name, len, "%s:%u", ip, ntohs(me.sin_port));
	close(c);	/* FIN-WAIT-1, FIN-WAIT-2 ... */
	close(s);	/* ... TIME-WAIT */
	close(l);
	return 0;
}

/*
 * Seconds until the row of @name leaves namespace @nsfd, polled every
 * 20 ms for at most @limit seconds from @t0; -1 when it stays or on an
 * error.
 */
static double row_gone_after(const struct wire *w, int nsfd, const char *name,
			     double t0, double limit)
{
	struct wire_row r;
	int found;

	while (wire_now() - t0 < limit) {
		found = wire_row_find(w, nsfd, name, NULL, &r);
		if (found < 0)
			return -1;
		if (!found)
			return wire_now() - t0;
		usleep(20000);
	}
	return -1;
}

/*
 * TIME-WAIT lasts 2 * MSL of the namespace the connection lives in: A's
 * own 500 ms, B's the parameter's 3000 ms.
 */
TEST_F_TIMEOUT(knobs, time_wait_per_namespace, 60)
{
	int family = tcplab_family(), k = tcplab_time_factor();
	char a_name[64], b_name[64];
	struct wire_row r;
	double t0, ta, tb;

	ASSERT_EQ(0, tcplab_param_set("msl_ms", "3000"));
	ASSERT_EQ(0, knob_set(&self->w, self->w.a, "msl_ms", "500"));
	ASSERT_EQ(0, time_wait_in(_metadata, &self->w, self->w.a, WIRE_ADDR_A,
				  family, a_name, sizeof(a_name)));
	ASSERT_EQ(0, time_wait_in(_metadata, &self->w, self->w.b, WIRE_ADDR_B,
				  family, b_name, sizeof(b_name)));
	t0 = wire_now();
	ta = row_gone_after(&self->w, self->w.a, a_name, t0, 1.0 + 4.0 * k);
	/* B's connection is still there then, in TIME-WAIT. */
	ASSERT_EQ(1, wire_row_find(&self->w, self->w.b, b_name, NULL, &r));
	EXPECT_STREQ("TIME-WAIT", r.state);
	tb = row_gone_after(&self->w, self->w.b, b_name, t0, 6.0 + 4.0 * k);
	TH_LOG("TIME-WAIT ended after %.2f s in A (msl_ms 500 there), %.2f s in B (the parameter, 3000)",
	       ta, tb);
	EXPECT_GE(ta, 0.9);
	EXPECT_LE(ta, 1.0 + 4.0 * k);
	EXPECT_GE(tb, 5.9);
}

/* A socket made in A gets A's congestion control; one in B the default. */
TEST_F(knobs, congestion_control_per_namespace)
{
	int family = tcplab_family(), fa, fb;
	char name[16];
	socklen_t len;

	ASSERT_EQ(0, tcplab_param_set("congestion_control", "cubic"));
	ASSERT_EQ(0, knob_set(&self->w, self->w.a, "congestion_control", "reno\n"));
	fa = wire_socket(&self->w, self->w.a, family, SOCK_STREAM, 0);
	fb = wire_socket(&self->w, self->w.b, family, SOCK_STREAM, 0);
	ASSERT_LE(0, fa);
	ASSERT_LE(0, fb);
	len = sizeof(name);
	ASSERT_EQ(0, getsockopt(fa, IPPROTO_TCP, TCP_CONGESTION, name, &len));
	EXPECT_STREQ("reno", name);
	len = sizeof(name);
	ASSERT_EQ(0, getsockopt(fb, IPPROTO_TCP, TCP_CONGESTION, name, &len));
	EXPECT_STREQ("cubic", name);
	close(fa);
	close(fb);
}

/*
 * A's SYN retries and RTO bounds: B answers nothing (netem drops all it
 * sends), so a connect from A gives up after 1 retry, 100 + 200 ms,
 * where the parameters' values would take 1 + 2 s for one retry and
 * minutes for the default six.  Kernel timers keep time on the debug
 * kernel too, so the bound is not scaled.
 */
TEST_F_TIMEOUT(knobs, syn_retries_per_namespace, 60)
{
	struct sockaddr_in sin = wire_sin(WIRE_ADDR_B, 9);
	int family = tcplab_family(), fd, rc, err;
	char old[32];
	double t0, t;

	ASSERT_EQ(0, tcplab_param_set("syn_retries", "-1"));
	ASSERT_EQ(0, tcplab_param_set("rto_initial_ms", "1000"));
	ASSERT_EQ(0, tcplab_param_get("rto_min_ms", old, sizeof(old)));
	ASSERT_EQ(200, atoi(old)) TH_LOG("this test expects rto_min_ms=200");
	ASSERT_EQ(0, knob_set(&self->w, self->w.a, "syn_retries", "1"));
	ASSERT_EQ(0, knob_set(&self->w, self->w.a, "rto_initial_ms", "100"));
	ASSERT_EQ(0, knob_set(&self->w, self->w.a, "rto_min_ms", "50"));
	ASSERT_EQ(0, wire_sh(WIRE_TC " -n " WIRE_NS_B " qdisc add dev " WIRE_DEV_B
			     " root netem loss 100%%"));
	fd = wire_socket(&self->w, self->w.a, family, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	t0 = wire_now();
	rc = connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	err = errno;
	t = wire_now() - t0;
	close(fd);
	EXPECT_EQ(-1, rc);
	EXPECT_EQ(ETIMEDOUT, err) TH_LOG("connect: %s", strerror(err));
	TH_LOG("connect gave up after %.2f s (syn_retries 1, rto_initial_ms 100, rto_min_ms 50 in A)",
	       t);
	EXPECT_GE(t, 0.25);
	EXPECT_LT(t, 2.5);
}

TEST_HARNESS_MAIN
