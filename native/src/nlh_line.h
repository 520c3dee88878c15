/* SPDX-License-Identifier: MIT */
/* Parsing one request line of the serve protocol (native/PROTOCOL.md). Pure: no I/O, no allocation. */
#ifndef NLH_LINE_H
#define NLH_LINE_H

#include <stddef.h>
#include <stdint.h>

#define NLH_PROTOCOL_VERSION 1
#define NLH_LINE_MAX (1024 * 1024)	/* bytes per request line, newline excluded */
#define NLH_ID_MAX 64
#define NLH_GROUPS_MAX 32
#define NLH_TIMEOUT_MAX 600000		/* ms: nothing waits longer than 10 minutes */
#define NLH_COUNT_MAX 100000000UL
#define NLH_GROUP_MAX 1048576U
#define NLH_RCVBUF_MAX (64 * 1024 * 1024)
#define NLH_PROTOCOL_COUNT 32		/* MAX_LINKS: protocols are 0-31 */

enum nlh_command {
	NLH_CMD_XCHG,
	NLH_CMD_SUBSCRIBE,
	NLH_CMD_UNSUBSCRIBE,
	NLH_CMD_OPTION,
	NLH_CMD_INFO,
	NLH_CMD_BENCH,
	NLH_CMD_SEND,
	NLH_CMD_CLOSE,
	NLH_CMD_PING,
	NLH_CMD_QUIT,
};

struct nlh_request {
	char id[NLH_ID_MAX + 1];	/* "-" when the line has no usable id */
	enum nlh_command command;
	int protocol;			/* 0-31; -1 for `close all` */
	int timeout_ms;
	unsigned long count;
	int rcvbuf;			/* send: SO_RCVBUF, 0 for the default */
	unsigned int groups[NLH_GROUPS_MAX];
	size_t group_count;
	int option;			/* enum nlh_socket_option */
	int option_on;
	uint8_t *msg;			/* decoded in place inside the line */
	size_t msg_len;
};

/*
 * Parse the @len bytes at @line (without the newline; line[len] must be a NUL; modified in place, and req->msg
 * points into it). A NUL byte inside the line makes it malformed. Returns 0, or -1 with a one-line reason in
 * @why (printable ASCII only) and req->id set to the line's id, or to "-" when even that is unusable.
 */
int nlh_line_parse(char *line, size_t len, struct nlh_request *req, char *why, size_t why_size);

/* Copy the id at the start of @line (up to the first blank) into @id if it is a valid id, else "-". */
void nlh_line_peek_id(const char *line, size_t len, char id[NLH_ID_MAX + 1]);

#endif
