#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tcplab-bench-all: every tcplab-bench measurement for Linux TCP and tcplab,
# side by side in one run, with tcplab/Linux ratios (`make bench`, in the
# test VM).  Loopback (127.0.0.1) and a veth pair to a second network
# namespace (192.0.2.1 here, 192.0.2.2 there).  Prints; never fails a build.
# TCPLAB_TESTS (make bench TESTS=...) picks rows by name: mem, bulk_lo,
# rr_lo, cps_lo, bulk_veth, rr_veth, cps_veth, tls_lo, tls_veth, aead,
# lossy_veth.  TCPLAB_BENCH_ROUNDS: samples per TCP of the bulk, rr, cps,
# kTLS and aead rows (make bench ROUNDS=N; default 5).
BENCH=${BENCH:-tcplab-bench}
# TCPLAB_BENCH_PIN=1 (make bench PIN=1): tcplab-bench -p, the two ends of
# bulk, kTLS and lossy on different CPUs.
[ "${TCPLAB_BENCH_PIN:-0}" = 1 ] && BENCH="$BENCH -p"
NS=tcplab-bench-peer
LIMIT=${TCPLAB_BENCH_LIMIT:-240}	# seconds per measurement
OUT=/tmp/tcplab-bench.out
ROUNDS=${TCPLAB_BENCH_ROUNDS:-5}

setup_veth() {
	[ -e /var/run ] || { mkdir -p /var && ln -s /run /var/run; }
	/sbin/modprobe -q veth
	/usr/sbin/ip netns add $NS || return 1
	/usr/sbin/ip link add bench0 type veth peer name bench1 netns $NS || return 1
	/usr/sbin/ip addr add 192.0.2.1/24 dev bench0
	/usr/sbin/ip link set bench0 up
	/usr/sbin/ip -n $NS addr add 192.0.2.2/24 dev bench1
	/usr/sbin/ip -n $NS link set bench1 up
	/usr/sbin/ip -n $NS link set lo up
}

# Wait (up to 30 s) until tcplab holds no socket, e.g. in TIME-WAIT.
drain() {
	i=0
	while [ $i -lt 60 ]; do
		n=$(sed -n 's/^SocketsAllNamespaces: //p' /proc/net/tcplab_stats)
		[ "${n:-0}" = 0 ] && return 0
		sleep 0.5
		i=$((i + 1))
	done
}

# measure FAMILY TEST ADDR [-n NETNS]: the result line, or an error.  A
# measurement still running after LIMIT seconds is stopped, after a dump
# of the state of tcplab's sockets in both namespaces.
measure() {
	fam=$1 test=$2 addr=$3
	shift 3
	$BENCH "$@" "$fam" "$addr" "$test" > $OUT 2>&1 &
	pid=$!
	i=0
	while kill -0 $pid 2>/dev/null && [ $i -lt $LIMIT ]; do
		sleep 1
		i=$((i + 1))
	done
	if kill -0 $pid 2>/dev/null; then
		{
			echo "# $fam $test $addr: still running after ${LIMIT}s"
			cat /proc/net/tcplab /proc/net/tcplab_stats
			[ $# -gt 0 ] && /usr/sbin/ip netns exec $NS cat /proc/net/tcplab /proc/net/tcplab_stats
		} | sed 's/^/# /' >&2
		pkill -P $pid 2>/dev/null
		kill $pid
		echo "stopped after ${LIMIT}s"
	else
		wait $pid
		tail -n 1 $OUT
	fi
}

wanted() {
	[ -z "$TCPLAB_TESTS" ] && return 0
	echo ",$TCPLAB_TESTS," | grep -q ",$1,"
}

# run NAME LABEL TARGET TEST ADDR [NETNS]: one row of the table.  TARGET
# "min": tcplab/Linux should be >= 0.8; "max": <= 1.0.  Under TCG one
# sample per TCP is at the mercy of whatever else the host runs at that
# moment, so bulk, rr and cps take ROUNDS rounds, the order alternating
# (Linux first, then tcplab first, ...): each TCP's median, the ratio of
# the medians, then every sample.  mem is measured once (1000
# connections, and it is steady).
run() {
	wanted "$1" || return 0
	label=$2 target=$3 test=$4 addr=$5 ns=${6:+-n $6}
	rounds=$ROUNDS
	[ $test = mem ] && rounds=1
	lins= labs= unit= r=0
	while [ $r -lt $rounds ]; do
		for fam in $([ $((r % 2)) = 0 ] && echo inet tcplab || echo tcplab inet); do
			res=$(measure $fam "$test" "$addr" $ns)
			drain
			# "bulk 123.4 MiB/s"; anything else is an error.
			set -- $res
			if [ "$1" != "$test" ]; then
				printf "%-18s error: %s: %s\n" "$label" $fam "$res"
				return 0
			fi
			unit=$3
			if [ $fam = inet ]; then lins="$lins $2"; else labs="$labs $2"; fi
		done
		r=$((r + 1))
	done
	lin=$(median $lins) lab=$(median $labs)
	[ $rounds -gt 1 ] && unit="$unit (median)"
	awk -v label="$label" -v target="$target" -v a="$lin" -v b="$lab" -v unit="$unit" 'BEGIN {
		r = a ? b / a : 0
		met = target == "min" ? r >= 0.8 : r <= 1.0
		printf "%-18s %12s %12s  %-18s %6.2f  %s %s\n", label, a, b, unit, r,
			target == "min" ? ">= 0.8" : "<= 1.0", met ? "met" : "NOT met"
	}'
	[ $rounds -gt 1 ] && printf "%-18s %s; tcplab:%s\n" "  samples" "Linux:$lins" "$labs"
	return 0
}

# median V...: the middle value (the lower middle of an even count).
median() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# run_tls NAME LABEL ADDR [NETNS]: a kTLS row.  Under TCG the AEAD
# dominates and one sample per TCP is at the mercy of whatever else the
# host runs at that moment, so ROUNDS rounds, the order alternating
# (Linux first, then tcplab first, ...), each TCP's median and the ratio
# of the medians (target >= 1.0); then every sample and the crypto driver
# each TCP's TLS_TX got (/proc/crypto).
run_tls() {
	wanted "$1" || return 0
	label=$2 addr=$3 ns=${4:+-n $4}
	lins= labs= ldrv= tdrv= r=0
	while [ $r -lt $ROUNDS ]; do
		for fam in $([ $((r % 2)) = 0 ] && echo inet tcplab || echo tcplab inet); do
			res=$(measure $fam tls "$addr" $ns)
			drain
			set -- $res
			if [ "$1" != tls ]; then
				printf "%-18s error: %s: %s\n" "$label" $fam "$res"
				return 0
			fi
			if [ $fam = inet ]; then
				lins="$lins $2" ldrv=$4
			else
				labs="$labs $2" tdrv=$4
			fi
		done
		r=$((r + 1))
	done
	lin=$(median $lins) lab=$(median $labs)
	awk -v label="$label" -v a="$lin" -v b="$lab" 'BEGIN {
		r = a ? b / a : 0
		met = r >= 1.0
		printf "%-18s %12s %12s  %-18s %6.2f  >= 1.0 %s\n", label, a, b,
			"MiB/s (median)", r, met ? "met" : "NOT met"
	}'
	printf "%-18s %s; tcplab:%s\n" "  samples" "Linux:$lins" "$labs"
	printf "%-18s %s; tcplab: %s\n" "  driver" "Linux: $ldrv" "$tdrv"
}

# lossy_veth: 64 MiB over the veth pair with 1% segment loss (the sending side)
# and 20 ms RTT (10 ms netem delay each way); both TCPs use CUBIC (their
# defaults).  Prints goodput, the ratio (target >= 0.7) and how many
# segments each sender retransmitted (TCP_INFO tcpi_total_retrans).
run_lossy() {
	wanted lossy_veth || return 0
	TC=/usr/sbin/tc
	/sbin/modprobe -q sch_netem
	# One segment per packet, so that netem's 1% means segments (it
	# drops whole packets, and a GSO packet holds up to 44 of them).
	/usr/sbin/ip link set dev bench0 gso_max_segs 1
	/usr/sbin/ip -n $NS link set dev bench1 gso_max_segs 1
	$TC qdisc add dev bench0 root netem delay 10ms loss 1% &&
	/usr/sbin/ip netns exec $NS $TC qdisc add dev bench1 root netem delay 10ms || {
		echo "lossy veth         error: cannot set up netem"
		return 0
	}
	lin=$(measure inet lossy 192.0.2.2 -n /var/run/netns/$NS)
	drain
	lab=$(measure tcplab lossy 192.0.2.2 -n /var/run/netns/$NS)
	drain
	$TC qdisc del dev bench0 root
	/usr/sbin/ip netns exec $NS $TC qdisc del dev bench1 root
	/usr/sbin/ip link set dev bench0 gso_max_segs 65535
	/usr/sbin/ip -n $NS link set dev bench1 gso_max_segs 65535
	echo "$lin|$lab" | awk -F'|' '
	{
		split($1, a, " "); split($2, b, " ")
		if (a[1] != "lossy" || b[1] != "lossy") {
			printf "%-18s error: Linux: %s; tcplab: %s\n", "lossy veth 1%", $1, $2
			exit
		}
		r = a[2] ? b[2] / a[2] : 0
		met = (r >= 0.7)
		printf "%-18s %12s %12s  %-18s %6.2f  %s %s\n", "lossy veth 1%", a[2], b[2], a[3], r,
			">= 0.7", met ? "met" : "NOT met"
		printf "%-18s %12s %12s  %s\n", "  retransmits", a[4], b[4], "segments"
	}'
}

echo "tcplab vs Linux TCP on $(uname -r), $(nproc) CPUs; both ends of every"
echo "connection use the family measured.  Higher is better except mem."
echo
printf "%-18s %12s %12s  %-18s %6s  %s\n" test "Linux TCP" tcplab unit ratio "target"
# Memory first, while no TIME-WAIT socket of either TCP is being freed.
sleep 2
run mem "mem (idle conn)" max mem 127.0.0.1
run bulk_lo "bulk loopback" min bulk 127.0.0.1
run rr_lo "rr loopback" min rr 127.0.0.1
run cps_lo "cps loopback" min cps 127.0.0.1
run_tls tls_lo "bulk+kTLS loopback" 127.0.0.1
if setup_veth; then
	run bulk_veth "bulk veth" min bulk 192.0.2.2 /var/run/netns/$NS
	run rr_veth "rr veth" min rr 192.0.2.2 /var/run/netns/$NS
	run cps_veth "cps veth" min cps 192.0.2.2 /var/run/netns/$NS
	run_tls tls_veth "bulk+kTLS veth" 192.0.2.2 /var/run/netns/$NS
	run_lossy
	/usr/sbin/ip netns del $NS
else
	echo "veth: cannot set up the veth pair; skipped"
fi
if wanted aead; then
	# The ceiling for the kTLS rows: the AEAD alone, no TCP.
	drv=$(awk '/^name/ { n = $3 } /^driver/ && n == "gcm(aes)" { print $3; exit }' /proc/crypto)
	vals= r=0
	while [ $r -lt $ROUNDS ]; do
		vals="$vals $(measure inet aead 127.0.0.1 | awk '{ print $2 }')"
		r=$((r + 1))
	done
	printf "%-18s %12s  (AF_ALG, driver %s; median of%s)\n" "aead ceiling" \
		"$(median $vals)" "${drv:-?}" "$vals"
fi
echo
echo "mem: growth of /proc/meminfo Slab per connection with 1000 open (both ends)."
echo "bulk: 64 MiB in 64 KiB send()s; rr: 10000 1-byte round trips;"
echo "cps: 2000 connect/accept/close; bulk, rr and cps: median of $ROUNDS"
echo "  interleaved rounds."
echo "bulk+kTLS: bulk with TLS 1.3 AES-128-GCM records (Linux kTLS vs tcplab TLS),"
echo "  median of $ROUNDS interleaved rounds;"
echo "aead ceiling: AES-128-GCM alone through AF_ALG, MiB/s of 16 KiB records."
echo "lossy: 64 MiB bulk, 1% loss, 20 ms RTT, CUBIC; retransmits of the sender."
