// SPDX-License-Identifier: MIT
#include <errno.h>
#include <linux/sock_diag.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "nlh_cli.h"
#include "nlh_monitor.h"
#include "nlh_msg.h"
#include "nlh_pcap.h"
#include "nlh_socket.h"
#include "nlh_stop.h"
#include "nlh_stream_args.h"

#ifndef SO_MEMINFO
#define SO_MEMINFO 55
#endif
/* Datagrams read per wake before the stop conditions are looked at again. */
#define NLH_MONITOR_BATCH 64

struct nlh_monitor {
	struct nlh_stream_args a;
	struct nlh_stop stop;
	struct nlh_socket s;
	unsigned long written;		/* messages written */
	unsigned long overruns;
	long long drops_said;		/* the socket's drop count at the last overrun block */
};

/* Messages the kernel dropped on our socket so far (sk_drops: netlink_overrun counts each), -1 if unknown. */
static long long nlh_monitor_drops(const struct nlh_socket *s)
{
	uint32_t mem[SK_MEMINFO_VARS] = { 0 };
	socklen_t len = sizeof(mem);

	if (getsockopt(s->fd, SOL_SOCKET, SO_MEMINFO, mem, &len) < 0 || len <= SK_MEMINFO_DROPS * sizeof(mem[0]))
		return -1;
	return mem[SK_MEMINFO_DROPS];
}

/* The in-band overrun: an Interface Statistics Block with the events lost since the last one, when known. */
static int nlh_monitor_overrun(struct nlh_monitor *m)
{
	long long drops = nlh_monitor_drops(&m->s);
	long long lost = drops >= 0 && m->drops_said >= 0 ? drops - m->drops_said : -1;

	m->overruns++;
	m->drops_said = drops;
	return nlh_pcapng_stats(stdout, nlh_now_ns(), NLH_MONITOR_OVERRUN, lost);
}

/* Every message of the datagram in s->buf, one packet each. Returns 0 or the write's -errno. */
static int nlh_monitor_write(struct nlh_monitor *m, size_t len)
{
	struct nlh_pcap_packet p = { .time_ns = nlh_now_ns(), .pkttype = 0 /* PACKET_HOST */ };
	struct nlh_msg_iter it;
	struct nlh_msg msg;
	int err;

	p.protocol = (uint16_t)m->a.protocol;
	nlh_msg_iter_init(&it, m->s.buf, len);
	while (nlh_msg_next(&it, &msg)) {
		p.bytes = msg.bytes;
		p.original_len = msg.len;
		p.len = msg.len < m->a.snaplen ? msg.len : m->a.snaplen;
		err = nlh_pcapng_packet(stdout, &p);
		if (err)
			return err;
		m->written++;
		if (m->a.count && m->written >= m->a.count)
			return 0;
	}
	if (nlh_msg_iter_trailing(&it)) {
		/* Bytes that hold no message still reached us: kept as one packet, the reader shows them. */
		p.bytes = m->s.buf + len - nlh_msg_iter_trailing(&it);
		p.original_len = nlh_msg_iter_trailing(&it);
		p.len = p.original_len < m->a.snaplen ? p.original_len : m->a.snaplen;
		err = nlh_pcapng_packet(stdout, &p);
		if (!err)
			m->written++;
		return err;
	}
	return 0;
}

static int nlh_monitor_loop(struct nlh_monitor *m)
{
	for (;;) {
		int i;

		switch (nlh_stop_wait(&m->stop, m->s.fd, -1)) {
		case NLH_WAIT_STOP:
			return nlh_stop_status(&m->stop);
		case NLH_WAIT_TIMEOUT:
			continue;
		case NLH_WAIT_READY:
			break;
		}
		for (i = 0; i < NLH_MONITOR_BATCH; i++) {
			ssize_t len = nlh_socket_recv(&m->s, MSG_DONTWAIT);
			int err;

			if (len == -EAGAIN || len == -EINTR)
				break;
			if (len < 0 && len != -ENOBUFS) {
				fprintf(stderr, "nlhelper monitor: recv: %s\n", strerror((int)-len));
				return nlh_stop_because(&m->stop, "recv failed", 1);
			}
			/* Netlink sockets deliver no receive timestamp: the time of the read stands for the event's. */
			err = len == -ENOBUFS ? nlh_monitor_overrun(m) : nlh_monitor_write(m, (size_t)len);
			if (err)
				return nlh_stop_because(&m->stop, "its output failed (nobody reads it any more)", 1);
			if (m->a.count && m->written >= m->a.count)
				return nlh_stop_because(&m->stop, "--count reached", 0);
		}
	}
}

int nlh_monitor_run(int argc, char **argv)
{
	static struct nlh_monitor m;
	char if_name[32];
	size_t i;
	int status;
	int err;

	memset(&m, 0, sizeof(m));
	status = nlh_stream_args_parse(argc, argv, NLH_SARG_PROTOCOL | NLH_SARG_GROUP | NLH_SARG_RCVBUF, &m.a);
	if (status)
		return status;
	nlh_stop_init(&m.stop, m.a.timeout_ms);
	err = nlh_socket_open(&m.s, m.a.protocol, m.a.rcvbuf);
	if (err < 0) {
		fprintf(stderr, "nlhelper monitor: socket(AF_NETLINK, protocol %d): %s\n", m.a.protocol,
			strerror(-err));
		return NLH_EXIT_FAILURE;
	}
	for (i = 0; i < m.a.group_count; i++) {
		err = nlh_socket_join(&m.s, m.a.groups[i]);
		if (err < 0) {
			fprintf(stderr, "nlhelper monitor: join group %u on protocol %d: %s%s\n", m.a.groups[i],
				m.a.protocol, strerror(-err),
				err == -EPERM ? " (this group needs CAP_NET_ADMIN: run it as root or through sudo -n)" :
						"");
			nlh_socket_close(&m.s);
			return NLH_EXIT_FAILURE;
		}
	}
	m.drops_said = nlh_monitor_drops(&m.s);
	snprintf(if_name, sizeof(if_name), "netlink-%d", m.a.protocol);
	if (nlh_pcapng_header(stdout, (uint32_t)m.a.snaplen, if_name)) {
		nlh_socket_close(&m.s);
		return NLH_EXIT_FAILURE;
	}
	/* Tells a caller that the groups are joined: changes made from now on are seen. */
	fprintf(stderr, "monitoring protocol %d (port id %lu)\n", m.a.protocol, (unsigned long)m.s.portid);
	status = nlh_monitor_loop(&m);
	fprintf(stderr, "nlhelper monitor: stopped (%s): %lu messages written, %lu overruns\n",
		m.stop.why ? m.stop.why : "?", m.written, m.overruns);
	nlh_socket_close(&m.s);
	return status;
}
