/* SPDX-License-Identifier: MIT */
/* The options of the streaming commands, `capture` and `monitor`: several take repeated values. */
#ifndef NLH_STREAM_ARGS_H
#define NLH_STREAM_ARGS_H

#include <stdint.h>

#include "nlh_line.h"
#include "nlh_ports.h"

#define NLH_SNAPLEN_DEFAULT 262144UL	/* netlink bytes kept per packet */
#define NLH_SNAPLEN_MAX 1048576UL

enum {
	NLH_SARG_PROTOCOL = 1 << 0,	/* --protocol N */
	NLH_SARG_PROTOCOLS = 1 << 1,	/* --protocol N, repeatable */
	NLH_SARG_PORT = 1 << 2,		/* --port ID, --pid PID (repeatable), --comm NAME */
	NLH_SARG_GROUP = 1 << 3,	/* --group G (repeatable), --groups G[,G...] */
	NLH_SARG_RCVBUF = 1 << 4,	/* --rcvbuf BYTES */
};

struct nlh_stream_args {
	const char *command;
	uint32_t protocols;		/* bit per protocol; 0: all */
	int protocol;			/* the last --protocol given, -1 for none */
	struct nlh_ports ports;
	unsigned int groups[NLH_GROUPS_MAX];
	size_t group_count;
	unsigned long count;		/* stop after this many packets; 0: no limit */
	unsigned long snaplen;
	int timeout_ms;			/* stop after this long; -1: no limit */
	int rcvbuf;			/* 0: default */
};

/*
 * Parse argv[1..] (argv[0] is the command) for the options @allowed (NLH_SARG_*; --count, --snaplen and
 * --timeout always). Returns 0 or NLH_EXIT_USAGE (after the message).
 */
int nlh_stream_args_parse(int argc, char **argv, unsigned int allowed, struct nlh_stream_args *a);

#endif
