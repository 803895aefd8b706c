// SPDX-License-Identifier: GPL-2.0
/*
 * mem.c - memory shared by all tcplab sockets, and the orphan limit.
 *
 * What one socket may hold is bounded by its buffers (SO_RCVBUF and
 * SO_SNDBUF, conn.c and socket.c); what all of them hold together is
 * bounded here, the way struct proto's accounting bounds Linux TCP:
 *
 * - Every skb in a socket's queues is charged to tcplab_memory_allocated,
 *   in pages, through the socket's forward allocation: sk_rmem_schedule()
 *   and sk_wmem_schedule() reserve pages before an skb is queued,
 *   sk_mem_charge()/sk_mem_uncharge() use and give back what is reserved,
 *   and whole pages go back to the pool when a socket holds more than it
 *   uses.
 * - The socket core compares the pool with the "mem" parameter (pages:
 *   min, pressure, max, like net.ipv4.tcp_mem): above max a socket gets
 *   no more than its namespace's tcp_rmem[0]/tcp_wmem[0], so every
 *   connection can still move data, slowly.  Segments that do not fit are
 *   refused, not acknowledged, and the peer sends them again; a writer
 *   waits.
 * - The same core charges the memory cgroup of the process that made the
 *   socket, so a cgroup's memory.max bounds its tcplab sockets too; not
 *   a listener's children, made in softirq: Linux charges those at
 *   accept() with functions it does not export to modules.
 * - Orphans, connections the program has closed that still send or wait
 *   for a FIN (FIN-WAIT-1/2, CLOSING, LAST-ACK), are counted; above
 *   "max_orphans", or when the pool is over max, a socket closed with
 *   data to send is reset instead of orphaned, and an orphan whose
 *   retransmission timer fires is reset (tcp_check_oom()).  TIME-WAIT
 *   holds no data and is not counted, as Linux's TIME-WAIT sockets are
 *   not.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/percpu_counter.h>
#include <linux/swap.h>
#include <net/sock.h>

#include "tcplab.h"

atomic_long_t tcplab_memory_allocated = ATOMIC_LONG_INIT(0);
DEFINE_PER_CPU(int, tcplab_memory_per_cpu_fw_alloc);
struct percpu_counter tcplab_sockets_allocated;
unsigned long tcplab_memory_pressure;
static atomic_t tcplab_orphans = ATOMIC_INIT(0);

/* Pages; 0 0 0 until load, which sizes them as tcp_init_mem() does. */
long tcplab_sysctl_mem[3];

/* "min,pressure,max" (or with spaces, as sysctl writes tcp_mem). */
static int tcplab_mem_set(const char *val, const struct kernel_param *kp)
{
	char buf[96], *p, extra;
	long v[3];
	int i;

	if (strscpy(buf, val, sizeof(buf)) < 0)
		return -EINVAL;
	for (p = buf; *p; p++)
		if (*p == ',')
			*p = ' ';
	if (sscanf(buf, "%ld %ld %ld %c", &v[0], &v[1], &v[2], &extra) != 3 ||
	    v[0] < 1 || v[0] > v[1] || v[1] > v[2])
		return -EINVAL;
	for (i = 0; i < 3; i++)
		WRITE_ONCE(tcplab_sysctl_mem[i], v[i]);
	return 0;
}

static int tcplab_mem_get(char *buffer, const struct kernel_param *kp)
{
	return scnprintf(buffer, PAGE_SIZE, "%ld,%ld,%ld\n",
			 READ_ONCE(tcplab_sysctl_mem[0]),
			 READ_ONCE(tcplab_sysctl_mem[1]),
			 READ_ONCE(tcplab_sysctl_mem[2]));
}

static const struct kernel_param_ops tcplab_mem_ops = {
	.set	= tcplab_mem_set,
	.get	= tcplab_mem_get,
};
module_param_cb(mem, &tcplab_mem_ops, NULL, 0644);
MODULE_PARM_DESC(mem, "pages all tcplab sockets may hold: min,pressure,max with min <= pressure <= max (as net.ipv4.tcp_mem; default from free memory)");

/* -1 until load, which sizes it as tcp_init() does. */
static int tcplab_max_orphans = -1;
module_param_named(max_orphans, tcplab_max_orphans, int, 0644);
MODULE_PARM_DESC(max_orphans, "closed connections still sending that may live on (as net.ipv4.tcp_max_orphans; default from free memory)");

void tcplab_enter_memory_pressure(struct sock *sk)
{
	if (!READ_ONCE(tcplab_memory_pressure)) {
		WRITE_ONCE(tcplab_memory_pressure, 1);
		tcplab_inc_stats(sock_net(sk), TCPLAB_MIB_MEMORY_PRESSURES);
	}
}

void tcplab_leave_memory_pressure(struct sock *sk)
{
	if (READ_ONCE(tcplab_memory_pressure))
		WRITE_ONCE(tcplab_memory_pressure, 0);
}

/*
 * Pages in use: the pool plus what each CPU holds back from it (the
 * socket core returns pages to the pool in batches).
 */
long tcplab_mem_pages(void)
{
	long pages = atomic_long_read(&tcplab_memory_allocated);
	int cpu;

	for_each_possible_cpu(cpu)
		pages += per_cpu(tcplab_memory_per_cpu_fw_alloc, cpu);
	return pages;
}

int tcplab_orphan_count(void)
{
	return atomic_read(&tcplab_orphans);
}

/* The program closed @sk, which lives on alone: count it. */
void tcplab_orphan_add(struct sock *sk)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);

	if (!tsk->orphan_counted) {
		tsk->orphan_counted = true;
		atomic_inc(&tcplab_orphans);
	}
}

/* @sk reached TIME-WAIT or CLOSED, or is freed: no longer an orphan. */
void tcplab_orphan_del(struct sock *sk)
{
	struct tcplab_sock *tsk = tcplab_sk(sk);

	if (tsk->orphan_counted) {
		tsk->orphan_counted = false;
		atomic_dec(&tcplab_orphans);
	}
}

/*
 * tcp_check_oom(): is there no room for @sk as an orphan?  Too many
 * orphans, itself included, or data queued while the pool is over max.
 */
bool tcplab_orphan_oom(struct sock *sk)
{
	int orphans = atomic_read(&tcplab_orphans) +
		      !tcplab_sk(sk)->orphan_counted;

	if (orphans > max(READ_ONCE(tcplab_max_orphans), 0)) {
		net_info_ratelimited("too many orphaned sockets (max_orphans %d)\n",
				     READ_ONCE(tcplab_max_orphans));
		return true;
	}
	if (sk->sk_wmem_queued > SOCK_MIN_SNDBUF &&
	    sk_memory_allocated(sk) > sk_prot_mem_limits(sk, 2)) {
		net_info_ratelimited("out of memory: consider raising the mem parameter\n");
		return true;
	}
	return false;
}

/* Let go of a send queue skb: its bytes are acknowledged or dropped. */
void tcplab_wmem_free_skb(struct sock *sk, struct sk_buff *skb)
{
	sk_wmem_queued_add(sk, -skb->truesize);
	sk_mem_uncharge(sk, skb->truesize);
	kfree_skb(skb);
}

int tcplab_mem_init(void)
{
	unsigned long limit, buckets;
	int err;

	err = percpu_counter_init(&tcplab_sockets_allocated, 0, GFP_KERNEL);
	if (err)
		return err;
	/* tcp_init_mem(): 1/16 of the free buffer pages, at least 128. */
	limit = max(nr_free_buffer_pages() / 16, 128UL);
	if (!tcplab_sysctl_mem[2]) {	/* not given at load */
		tcplab_sysctl_mem[0] = limit / 4 * 3;
		tcplab_sysctl_mem[1] = limit;
		tcplab_sysctl_mem[2] = tcplab_sysctl_mem[0] * 2;
	}
	/*
	 * tcp_init(): half the established hash's buckets, which Linux sizes
	 * at one per 32 pages of memory (alloc_large_system_hash(), scale
	 * 17 with 4 KiB pages), at least 128.
	 */
	if (tcplab_max_orphans < 0) {
		buckets = roundup_pow_of_two(max(totalram_pages() >> 5, 1UL));
		tcplab_max_orphans = max(buckets / 2, 128UL);
	}
	return 0;
}

void tcplab_mem_exit(void)
{
	WARN_ON_ONCE(atomic_read(&tcplab_orphans));
	percpu_counter_destroy(&tcplab_sockets_allocated);
}
