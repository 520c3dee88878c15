// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "nlh_socket.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

/* Big enough for a dump part (the kernel fills up to 32 KiB); larger datagrams grow it. */
#define NLH_RECV_INITIAL 65536

static const struct {
	const char *name;
	int sockopt;
} nlh_socket_options[NLH_OPT_COUNT] = {
	[NLH_OPT_EXT_ACK] = { "ext_ack", NETLINK_EXT_ACK },
	[NLH_OPT_STRICT_CHK] = { "strict_chk", NETLINK_GET_STRICT_CHK },
	[NLH_OPT_CAP_ACK] = { "cap_ack", NETLINK_CAP_ACK },
};

const char *nlh_socket_option_name(int opt)
{
	if (opt < 0 || opt >= NLH_OPT_COUNT)
		return NULL;
	return nlh_socket_options[opt].name;
}

int nlh_socket_option_parse(const char *name)
{
	int i;

	for (i = 0; i < NLH_OPT_COUNT; i++)
		if (strcmp(name, nlh_socket_options[i].name) == 0)
			return i;
	return -1;
}

int nlh_socket_open(struct nlh_socket *s, int protocol, int rcvbuf)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	socklen_t addr_len = sizeof(addr);
	int one = 1;
	int err;

	s->fd = -1;
	s->protocol = protocol;
	s->portid = 0;
	s->last_groups = 0;
	s->buf = malloc(NLH_RECV_INITIAL);
	s->buf_size = NLH_RECV_INITIAL;
	if (!s->buf)
		return -ENOMEM;

	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
	if (s->fd < 0) {
		err = -errno;
		goto err_free_buf;
	}
	if (rcvbuf > 0 && setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) < 0) {
		err = -errno;
		goto err_close;
	}
	/* Older kernels lack it; replies then simply carry no ext-ack TLVs. */
	(void)setsockopt(s->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (bind(s->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    getsockname(s->fd, (struct sockaddr *)&addr, &addr_len) < 0) {
		err = -errno;
		goto err_close;
	}
	s->portid = addr.nl_pid;
	return 0;

err_close:
	close(s->fd);
	s->fd = -1;
err_free_buf:
	free(s->buf);
	s->buf = NULL;
	s->buf_size = 0;
	return err;
}

void nlh_socket_close(struct nlh_socket *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	free(s->buf);
	s->buf = NULL;
	s->buf_size = 0;
}

int nlh_socket_set_option(struct nlh_socket *s, int opt, int on)
{
	if (opt < 0 || opt >= NLH_OPT_COUNT)
		return -EINVAL;
	if (setsockopt(s->fd, SOL_NETLINK, nlh_socket_options[opt].sockopt, &on, sizeof(on)) < 0)
		return -errno;
	return 0;
}

int nlh_socket_join(struct nlh_socket *s, unsigned int group)
{
	if (setsockopt(s->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0)
		return -errno;
	return 0;
}

int nlh_socket_leave(struct nlh_socket *s, unsigned int group)
{
	if (setsockopt(s->fd, SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, &group, sizeof(group)) < 0)
		return -errno;
	return 0;
}

int nlh_socket_send(struct nlh_socket *s, const void *bytes, size_t len, int flags)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t sent;

	do {
		sent = sendto(s->fd, bytes, len, flags, (struct sockaddr *)&kernel, sizeof(kernel));
	} while (sent < 0 && errno == EINTR);
	if (sent < 0)
		return -errno;
	return 0;
}

ssize_t nlh_socket_recv(struct nlh_socket *s, int flags)
{
	struct sockaddr_nl from;
	struct iovec iov;
	struct msghdr mh;
	ssize_t len;

	for (;;) {
		/* MSG_TRUNC makes a peek report the datagram's real length, so nothing is ever cut. */
		len = recv(s->fd, s->buf, s->buf_size, flags | MSG_PEEK | MSG_TRUNC);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if ((size_t)len > s->buf_size) {
			uint8_t *bigger = realloc(s->buf, (size_t)len);

			if (!bigger)
				return -ENOMEM;
			s->buf = bigger;
			s->buf_size = (size_t)len;
			continue;
		}
		break;
	}
	/* The sender's address tells multicast (nl_groups set) from unicast answers. */
	do {
		memset(&from, 0, sizeof(from));
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = s->buf;
		iov.iov_len = s->buf_size;
		mh.msg_name = &from;
		mh.msg_namelen = sizeof(from);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		len = recvmsg(s->fd, &mh, flags);
	} while (len < 0 && errno == EINTR);
	if (len < 0)
		return -errno;
	s->last_groups = from.nl_groups;
	return len;
}
