// SPDX-License-Identifier: MIT
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nlh_capture.h"
#include "nlh_cli.h"
#include "nlh_link.h"
#include "nlh_msg.h"
#include "nlh_pcap.h"
#include "nlh_stop.h"
#include "nlh_stream_args.h"

/* How often the processes of --pid / --comm are looked up again (sockets they open later count from then). */
#define NLH_CAPTURE_RESOLVE_MS 500
/* The packet socket's receive buffer: a dump bursts faster than a slow ssh reader takes it. */
#define NLH_CAPTURE_RCVBUF (8 * 1024 * 1024)
/* Packets read per wake before the stop conditions are looked at again. */
#define NLH_CAPTURE_BATCH 64
#define NLH_EXIT_UNSUPPORTED 3

struct nlh_capture {
	struct nlh_stream_args a;
	struct nlh_stop stop;
	int fd;
	uint8_t *buf;
	unsigned long seen;	/* packets read */
	unsigned long written;	/* packets that passed the filters */
	int out_error;		/* the write that failed (-errno), 0 while the output is fine */
};

/* Whether a packet of @protocol passes the filters: some message in it carries one of the ports. */
static int nlh_capture_wanted(const struct nlh_capture *c, int protocol, const uint8_t *bytes, size_t len)
{
	struct nlh_msg_iter it;
	struct nlh_msg msg;

	if (c->a.protocols && !(c->a.protocols & (1u << (protocol & 31))))
		return 0;
	if (!nlh_ports_active(&c->a.ports))
		return 1;
	nlh_msg_iter_init(&it, bytes, len);
	while (nlh_msg_next(&it, &msg))
		if (nlh_ports_match(&c->a.ports, protocol, msg.hdr.nlmsg_pid))
			return 1;
	return 0;
}

/* Read one packet and write it out when it passes. Returns 1 for a packet, 0 when none is queued, -1 on error. */
static int nlh_capture_one(struct nlh_capture *c)
{
	union {
		struct cmsghdr align;
		uint8_t buf[CMSG_SPACE(sizeof(struct timespec))];
	} control;
	struct sockaddr_ll from;
	struct iovec iov = { .iov_base = c->buf, .iov_len = c->a.snaplen };
	struct msghdr mh = {
		.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf, .msg_controllen = sizeof(control.buf),
	};
	struct nlh_pcap_packet p = { 0 };
	struct cmsghdr *cm;
	ssize_t n;

	n = recvmsg(c->fd, &mh, MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	c->seen++;
	p.time_ns = 0;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
			p.time_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
		}
	}
	if (!p.time_ns)
		p.time_ns = nlh_now_ns();
	p.pkttype = from.sll_pkttype;
	p.protocol = ntohs(from.sll_protocol);
	p.bytes = c->buf;
	p.original_len = (size_t)n;
	p.len = (size_t)n < c->a.snaplen ? (size_t)n : c->a.snaplen;
	if (!nlh_capture_wanted(c, p.protocol, p.bytes, p.len))
		return 1;
	c->out_error = nlh_pcap_record(stdout, &p);
	if (!c->out_error)
		c->written++;
	return 1;
}

/* The packet socket, bound to @ifindex only (protocol 0 until bound: nothing of other interfaces queues). */
static int nlh_capture_socket(int ifindex)
{
	struct sockaddr_ll addr = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = ifindex };
	int size = NLH_CAPTURE_RCVBUF;
	int one = 1;
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	/* As root the limit of net.core.rmem_max does not apply; otherwise take what SO_RCVBUF gives. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

static int nlh_capture_setup_failed(const struct nlh_link_error *err)
{
	switch (err->error) {
	case EOPNOTSUPP:
	case ENOENT:
		fprintf(stderr,
			"nlhelper capture: this kernel has no nlmon link type: netlink capture needs CONFIG_NLMON "
			"(=y, or =m with the nlmon module installed where modprobe finds it) (%s)\n",
			err->text);
		return NLH_EXIT_UNSUPPORTED;
	case EPERM:
	case EACCES:
		fprintf(stderr,
			"nlhelper capture: creating the nlmon interface needs CAP_NET_ADMIN: run it as root or "
			"through sudo -n (%s)\n",
			err->text);
		return NLH_EXIT_FAILURE;
	default:
		fprintf(stderr, "nlhelper capture: %s\n", err->text);
		return NLH_EXIT_FAILURE;
	}
}

/* Read and write until a stop. Returns the exit status; c->stop.why says why it stopped. */
static int nlh_capture_loop(struct nlh_capture *c)
{
	long long next_resolve = 0;

	for (;;) {
		int wait_ms = -1;
		int i;

		if (nlh_ports_by_process(&c->a.ports)) {
			long long elapsed = nlh_stop_elapsed_ms(&c->stop);

			if (elapsed >= next_resolve) {
				nlh_ports_resolve(&c->a.ports);
				next_resolve = elapsed + NLH_CAPTURE_RESOLVE_MS;
			}
			wait_ms = (int)(next_resolve - elapsed);
		}
		switch (nlh_stop_wait(&c->stop, c->fd, wait_ms)) {
		case NLH_WAIT_STOP:
			return nlh_stop_status(&c->stop);
		case NLH_WAIT_TIMEOUT:
			continue;
		case NLH_WAIT_READY:
			break;
		}
		for (i = 0; i < NLH_CAPTURE_BATCH; i++) {
			int r = nlh_capture_one(c);

			if (r < 0) {
				fprintf(stderr, "nlhelper capture: recv: %s\n", strerror(errno));
				return nlh_stop_because(&c->stop, errno == ENETDOWN || errno == ENXIO ?
							"the interface went away" : "recv failed", 1);
			}
			if (c->out_error)
				return nlh_stop_because(&c->stop, "its output failed (nobody reads it any more)", 1);
			if (c->a.count && c->written >= c->a.count)
				return nlh_stop_because(&c->stop, "--count reached", 0);
			if (r == 0)
				break;
		}
	}
}

int nlh_capture_run(int argc, char **argv)
{
	static struct nlh_capture c;
	struct nlh_link_error err = { 0 };
	struct tpacket_stats stats = { 0 };
	socklen_t stats_len = sizeof(stats);
	int created = 0;
	int ifindex;
	int status;

	memset(&c, 0, sizeof(c));
	status = nlh_stream_args_parse(argc, argv, NLH_SARG_PROTOCOLS | NLH_SARG_PORT, &c.a);
	if (status)
		return status;
	c.buf = malloc(c.a.snaplen);
	if (!c.buf) {
		fputs("nlhelper capture: no memory for the snaplen\n", stderr);
		return NLH_EXIT_FAILURE;
	}
	/* From here the stop signals wait for the loop: the interface is always removed. */
	nlh_stop_init(&c.stop, c.a.timeout_ms);
	ifindex = nlh_link_nlmon_up(NLH_CAPTURE_IFNAME, &created, &err);
	if (ifindex < 0) {
		free(c.buf);
		return nlh_capture_setup_failed(&err);
	}
	c.fd = nlh_capture_socket(ifindex);
	if (c.fd < 0) {
		fprintf(stderr, "nlhelper capture: packet socket on %s: %s%s\n", NLH_CAPTURE_IFNAME, strerror(errno),
			errno == EPERM ? " (needs CAP_NET_RAW: run it as root or through sudo -n)" : "");
		status = NLH_EXIT_FAILURE;
		goto out_link;
	}
	c.out_error = nlh_pcap_header(stdout, (uint32_t)c.a.snaplen);
	if (c.out_error) {
		status = nlh_stop_because(&c.stop, "its output failed", 1);
		goto out_socket;
	}
	/* Tells a caller that from now on traffic is captured. */
	fprintf(stderr, "capturing on %s (%s, ifindex %d)\n", NLH_CAPTURE_IFNAME, created ? "created" : "reused",
		ifindex);
	status = nlh_capture_loop(&c);
	if (getsockopt(c.fd, SOL_PACKET, PACKET_STATISTICS, &stats, &stats_len) < 0)
		stats.tp_drops = 0;
	fprintf(stderr, "nlhelper capture: stopped (%s): %lu packets seen, %lu written, %u dropped by the kernel\n",
		c.stop.why ? c.stop.why : "?", c.seen, c.written, stats.tp_drops);
out_socket:
	close(c.fd);
out_link:
	if (created && nlh_link_delete(ifindex, &err) < 0) {
		fprintf(stderr, "nlhelper capture: %s\n", err.text);
		status = NLH_EXIT_FAILURE;
	}
	free(c.buf);
	return status;
}
