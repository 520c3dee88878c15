/* SPDX-License-Identifier: MIT */
/* What the helper knows about the system it runs on: uname and the netlink sockets in /proc/net/netlink. */
#ifndef NLH_INFO_H
#define NLH_INFO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define NLH_PROC_NETLINK "/proc/net/netlink"

struct nlh_proc_row {
	int protocol;
	unsigned long portid;
	char groups[16];
	long rmem;
	long wmem;
	long drops;
	unsigned long inode;
};

/*
 * One data line of /proc/net/netlink:
 *   sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode
 * Returns 1 when it parsed (the header line does not).
 */
int nlh_proc_parse(const char *line, struct nlh_proc_row *row);

/* A socket the helper holds open (serve mode), listed in the info so a client can learn its port ids. */
struct nlh_info_socket {
	int protocol;
	uint32_t portid;
	const char *role;	/* "xchg" or "monitor" */
};

/*
 * Write one JSON object, no newline:
 *   {"helper":"nlhelper","version":1,"pid":N,"uid":N,
 *    "uname":{"sysname":..,"release":..,"version":..,"machine":..},
 *    "kernelProtocols":[0,4,...],        protocols with a kernel socket (port id 0): 31 when nlreply is loaded
 *    "netlink":[{"protocol":N,"portid":N,"groups":"00000000","rmem":N,"wmem":N,"drops":N,"inode":N},...],
 *    "sockets":[{"protocol":N,"portid":N,"role":"xchg"},...]}
 * A /proc/net/netlink that cannot be read gives "netlink":[] and "netlinkError":"<reason>".
 */
void nlh_info_write(FILE *out, const struct nlh_info_socket *sockets, size_t socket_count);

#endif
