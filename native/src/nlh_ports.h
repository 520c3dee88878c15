/* SPDX-License-Identifier: MIT */
/*
 * The netlink port ids a capture filters on: given ones, and those of processes (by pid or command name),
 * found by matching the socket inodes in /proc/PID/fd (links "socket:[INODE]") with the Inode column of
 * /proc/net/netlink. Resolved again from time to time, so sockets a process opens later are seen too.
 */
#ifndef NLH_PORTS_H
#define NLH_PORTS_H

#include <stddef.h>
#include <stdint.h>

#define NLH_PORTS_MAX 1024		/* port ids kept; more are ignored (said once on stderr) */
#define NLH_PORTS_PIDS_MAX 64		/* --pid options */
#define NLH_COMM_MAX 16			/* TASK_COMM_LEN: /proc/PID/comm is at most 15 bytes */

struct nlh_port {
	int protocol;			/* -1: any protocol (a --port given by number) */
	uint32_t portid;
};

struct nlh_ports {
	struct nlh_port fixed[NLH_PORTS_MAX];	/* --port */
	size_t fixed_count;
	long pids[NLH_PORTS_PIDS_MAX];		/* --pid */
	size_t pid_count;
	char comm[NLH_COMM_MAX];		/* --comm, "" for none */
	struct nlh_port found[NLH_PORTS_MAX];	/* the processes' sockets at the last resolve */
	size_t found_count;
	int overflow_said;
};

/* Whether any port filter is set (--port, --pid or --comm). */
int nlh_ports_active(const struct nlh_ports *p);

/* Whether there are processes to resolve (--pid or --comm). */
int nlh_ports_by_process(const struct nlh_ports *p);

/* Look the processes' netlink sockets up again. Returns the number of port ids found. */
size_t nlh_ports_resolve(struct nlh_ports *p);

/* Whether port @portid on @protocol is one of the filter's. */
int nlh_ports_match(const struct nlh_ports *p, int protocol, uint32_t portid);

#endif
