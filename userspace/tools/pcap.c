// SPDX-License-Identifier: GPL-2.0
/*
 * tcplab-pcap: write what crosses one network interface, both ways, to
 * a pcap file that Wireshark, tshark and tcpdump read.
 *
 *   tcplab-pcap [-c COUNT] [-s SNAPLEN] -w FILE IFACE
 *
 * It runs in the network namespace it is started in (ip netns exec) and
 * stops at SIGINT or SIGTERM, or after COUNT frames; the file's header is
 * on disk before the first frame can arrive, so a script may wait for a
 * non-empty file before it starts the traffic.
 *
 * Checksums: a frame that leaves through a device with checksum offload
 * (veth among them) is seen here before anything filled in its TCP or
 * UDP checksum; the kernel marks it (TP_STATUS_CSUMNOTREADY) and the
 * field holds only the pseudo-header's part.  Such frames are written
 * with the checksum a real wire would carry, computed here, so that a
 * capture tool that checks checksums flags only real errors: a segment
 * that tcplab itself got wrong is written as it was sent.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tcplab_version.h"

#define PCAP_MAGIC_NS	0xa1b23c4dU	/* nanosecond timestamps */
#define LINKTYPE_ETHERNET 1
#define FRAME_MAX	65536

struct pcap_file_hdr {
	uint32_t magic;
	uint16_t major, minor;
	int32_t thiszone;
	uint32_t sigfigs, snaplen, linktype;
};

struct pcap_rec_hdr {
	uint32_t sec, nsec, caplen, len;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* --help: on stdout, status 0; a usage error: on stderr, status 2. */
static void usage(FILE *f, int status)
{
	fprintf(f,
		"usage: tcplab-pcap [-c COUNT] [-s SNAPLEN] -w FILE IFACE\n"
		"       tcplab-pcap --help | --version\n"
		"Writes the frames IFACE sends and receives to FILE (pcap) until\n"
		"SIGINT/SIGTERM or COUNT frames; SNAPLEN bytes of each (65535).\n");
	exit(status);
}

/* A positive number in [1, max], or -1. */
static long number(const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > max)
		return -1;
	return v;
}

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * Fill in the TCP or UDP checksum of an IPv4 or IPv6 frame whose
 * checksum the kernel left to the device.  @len is what was captured;
 * a frame cut short by the snap length is left alone.
 */
static void fill_csum(uint8_t *f, size_t len)
{
	size_t l3 = ETH_HLEN, l4, tot, off;
	uint32_t sum = 0;
	uint16_t proto = (uint16_t)(f[12] << 8 | f[13]), c;
	uint8_t ipproto;

	if (len < l3 + 20)
		return;
	if (proto == ETH_P_IP && (f[l3] >> 4) == 4) {
		l4 = l3 + (f[l3] & 0xf) * 4;
		tot = (size_t)(f[l3 + 2] << 8 | f[l3 + 3]);
		if (tot < l4 - l3 || l3 + tot > len)
			return;
		tot -= l4 - l3;
		ipproto = f[l3 + 9];
		sum = sum16(f + l3 + 12, 8, 0);
	} else if (proto == ETH_P_IPV6 && len >= l3 + 40) {
		l4 = l3 + 40;
		tot = (size_t)(f[l3 + 4] << 8 | f[l3 + 5]);
		if (l4 + tot > len)
			return;
		ipproto = f[l3 + 6];
		sum = sum16(f + l3 + 8, 32, 0);
	} else {
		return;
	}
	if (ipproto == IPPROTO_TCP && tot >= 20)
		off = 16;
	else if (ipproto == IPPROTO_UDP && tot >= 8)
		off = 6;
	else
		return;
	sum += ipproto + (uint32_t)tot;
	f[l4 + off] = 0;
	f[l4 + off + 1] = 0;
	c = fold(sum16(f + l4, tot, sum));
	if (ipproto == IPPROTO_UDP && !c)
		c = 0xffff;
	f[l4 + off] = (uint8_t)(c >> 8);
	f[l4 + off + 1] = (uint8_t)c;
}

/*
 * One frame from @fd into @out: 1 written, 2 skipped, 0 nothing waiting,
 * -1 error.  On a loopback device every frame passes twice, out and back
 * in: only the incoming copy is kept, as tcpdump does.
 */
static int one_frame(int fd, FILE *out, uint32_t snaplen, bool loopback)
{
	static uint8_t frame[FRAME_MAX];
	union {
		struct cmsghdr c;
		char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	} ctl;
	struct iovec iov = { .iov_base = frame, .iov_len = sizeof(frame) };
	struct sockaddr_ll from;
	struct msghdr msg = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct pcap_rec_hdr rec;
	struct cmsghdr *c;
	struct timespec ts;
	ssize_t n;

	n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (loopback && from.sll_pkttype == PACKET_OUTGOING)
		return 2;
	clock_gettime(CLOCK_REALTIME, &ts);
	rec.len = (uint32_t)n;
	rec.caplen = n > (ssize_t)sizeof(frame) ? (uint32_t)sizeof(frame) : (uint32_t)n;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		struct tpacket_auxdata aux;

		if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA)
			continue;
		memcpy(&aux, CMSG_DATA(c), sizeof(aux));
		if (aux.tp_status & TP_STATUS_CSUMNOTREADY)
			fill_csum(frame, rec.caplen);
	}
	if (rec.caplen > snaplen)
		rec.caplen = snaplen;
	rec.sec = (uint32_t)ts.tv_sec;
	rec.nsec = (uint32_t)ts.tv_nsec;
	if (fwrite(&rec, sizeof(rec), 1, out) != 1 ||
	    fwrite(frame, rec.caplen, 1, out) != 1)
		return -1;
	return 1;
}

int main(int argc, char **argv)
{
	struct pcap_file_hdr h = {
		.magic = PCAP_MAGIC_NS, .major = 2, .minor = 4,
		.snaplen = 65535, .linktype = LINKTYPE_ETHERNET,
	};
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	const char *path = NULL;
	long count = 0, frames = 0;
	bool loopback;
	struct ifreq ifr;
	struct sigaction sa;
	int opt, fd, one = 1, r;
	FILE *out;

	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};

	while ((opt = getopt_long(argc, argv, "c:s:w:h", lo, NULL)) != -1) {
		switch (opt) {
		case 'c':
			count = number(optarg, 1L << 30);
			if (count < 0) {
				fprintf(stderr, "tcplab-pcap: bad count '%s'\n", optarg);
				return 2;
			}
			break;
		case 's':
			r = (int)number(optarg, 65535);
			if (r < 64) {
				fprintf(stderr, "tcplab-pcap: snap length must be 64 to 65535\n");
				return 2;
			}
			h.snaplen = (uint32_t)r;
			break;
		case 'w':
			path = optarg;
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 'V':
			printf("tcplab-pcap %s\n", TCPLAB_VERSION);
			return 0;
		default:
			usage(stderr, 2);
		}
	}
	if (!path || optind != argc - 1)
		usage(stderr, 2);
	sll.sll_ifindex = (int)if_nametoindex(argv[optind]);
	if (!sll.sll_ifindex) {
		fprintf(stderr, "tcplab-pcap: no interface %s in this namespace\n",
			argv[optind]);
		return 1;
	}
	sll.sll_protocol = htons(ETH_P_ALL);
	/* Protocol 0: nothing is queued until bind() names the interface. */
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) ||
	    setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one))) {
		perror("tcplab-pcap: packet socket");
		return 1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[optind]);
	loopback = !ioctl(fd, SIOCGIFFLAGS, &ifr) && (ifr.ifr_flags & IFF_LOOPBACK);
	out = fopen(path, "w");
	if (!out) {
		perror(path);
		return 1;
	}
	/* A signal from now on ends the capture cleanly. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* The header is on disk once the socket sees frames: see above. */
	if (fwrite(&h, sizeof(h), 1, out) != 1 || fflush(out)) {
		perror(path);
		return 1;
	}

	while (!count || frames < count) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		r = one_frame(fd, out, h.snaplen, loopback);
		if (r < 0) {
			perror("tcplab-pcap");
			return 1;
		}
		frames += r == 1;
		if (r)
			continue;
		if (stop)
			break;	/* stopped, and nothing is left queued */
		poll(&p, 1, 200);
	}
	if (fclose(out)) {
		perror(path);
		return 1;
	}
	close(fd);
	fprintf(stderr, "tcplab-pcap: %ld frame%s\n", frames, frames == 1 ? "" : "s");
	return 0;
}
