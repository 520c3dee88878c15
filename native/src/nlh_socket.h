/* SPDX-License-Identifier: MIT */
/* One AF_NETLINK socket: open on any protocol, options, multicast groups, send to the kernel, receive. */
#ifndef NLH_SOCKET_H
#define NLH_SOCKET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Socket options by name, as the serve protocol's `option` request spells them. */
enum nlh_socket_option {
	NLH_OPT_EXT_ACK,	/* NETLINK_EXT_ACK: error messages carry text and offsets */
	NLH_OPT_STRICT_CHK,	/* NETLINK_GET_STRICT_CHK: the kernel checks dump request headers strictly */
	NLH_OPT_CAP_ACK,	/* NETLINK_CAP_ACK: errors do not echo the whole request */
	NLH_OPT_COUNT
};

struct nlh_socket {
	int fd;			/* -1 when closed */
	int protocol;
	uint32_t portid;	/* assigned by the kernel at bind time */
	uint8_t *buf;		/* receive buffer, grown to the largest datagram seen */
	size_t buf_size;
	uint32_t last_groups;	/* nl_groups of the last datagram's sender: non-zero for multicast */
};

/* Name of @opt ("ext_ack", ...); NULL when out of range. Returns the option for @name, or -1. */
const char *nlh_socket_option_name(int opt);
int nlh_socket_option_parse(const char *name);

/*
 * Open and bind a socket on @protocol (port id chosen by the kernel), with NETLINK_EXT_ACK turned on when the
 * kernel knows it (it is only an improvement). @rcvbuf > 0 sets SO_RCVBUF (a small buffer fills fast).
 * Returns 0, or -errno (e.g. -EPROTONOSUPPORT when nothing in the kernel serves the protocol).
 */
int nlh_socket_open(struct nlh_socket *s, int protocol, int rcvbuf);
void nlh_socket_close(struct nlh_socket *s);

/* Turn @opt on or off. Returns 0 or -errno. */
int nlh_socket_set_option(struct nlh_socket *s, int opt, int on);

/* Join or leave multicast group @group (1-based). Returns 0 or -errno. */
int nlh_socket_join(struct nlh_socket *s, unsigned int group);
int nlh_socket_leave(struct nlh_socket *s, unsigned int group);

/* Send @len bytes as one datagram to the kernel (port id 0), exactly as given. Returns 0 or -errno. */
int nlh_socket_send(struct nlh_socket *s, const void *bytes, size_t len, int flags);

/*
 * Receive one datagram into s->buf, growing it first when the datagram is larger (datagrams are never cut).
 * @flags: MSG_DONTWAIT or 0. Returns its length, or -errno (-EAGAIN when nothing is queued with MSG_DONTWAIT,
 * -ENOBUFS when the kernel dropped messages because the receive buffer was full).
 */
ssize_t nlh_socket_recv(struct nlh_socket *s, int flags);

#endif
