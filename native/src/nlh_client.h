/* SPDX-License-Identifier: MIT */
/*
 * Is the client of `nlhelper serve` still there? Checked while a long request runs (bench, send, an xchg waiting
 * for its answers), so a helper whose client went away stops instead of running on as root until its next write.
 *
 * The client is gone when
 *   - its end of our output is closed (a pipe without reader: POLLERR; a socket: POLLHUP): no answer can arrive;
 *   - its end of our input is closed (POLLHUP, or POLLRDHUP on a socket) and no request bytes are left to serve,
 *     neither read by the server already nor still waiting in the kernel (FIONREAD, which consumes nothing).
 * A client that pipelines requests and then closes its input is not gone: what it sent is served, its answers
 * written. Readable input is never taken for a goodbye, and nothing is read here.
 */
#ifndef NLH_CLIENT_H
#define NLH_CLIENT_H

#include <poll.h>

enum nlh_client_state {
	NLH_CLIENT_HERE,
	NLH_CLIENT_INPUT_ENDED,	/* input closed, nothing more to serve */
	NLH_CLIENT_OUTPUT_GONE,	/* nobody reads our output any more */
};

#define NLH_CLIENT_FDS 2

struct nlh_client {
	int in_fd;		/* -1: not watched */
	int out_fd;		/* -1: not watched */
	int in_pending;		/* the server holds request bytes it has not served yet */
	int in_ignored;		/* input ended while requests were pending: no longer a sign, and not polled */
	enum nlh_client_state state;
	long long next_check_ms;	/* for nlh_client_check_now(): when to look again */
};

/* Watch @in_fd and @out_fd (either may be -1). */
void nlh_client_init(struct nlh_client *c, int in_fd, int out_fd);

/*
 * Before a request: whether the server still holds unserved request bytes (complete lines after this one, or
 * the start of one). Resets what a previous request learnt about the input.
 */
void nlh_client_begin(struct nlh_client *c, int in_pending);

/* The pollfds to add to a wait (fd -1 where not watched): they wake only when the client goes, never on data. */
void nlh_client_pollfds(const struct nlh_client *c, struct pollfd fds[NLH_CLIENT_FDS]);

/* Judge the revents of those pollfds. Returns nonzero once the client is gone (c->state says how). */
int nlh_client_gone(struct nlh_client *c, const struct pollfd fds[NLH_CLIENT_FDS]);

/*
 * For loops that do not wait (rounds answered inside sendmsg, sends): poll without waiting, at most every few
 * milliseconds. Returns nonzero once the client is gone. @c may be NULL (nothing watched: the one-shot commands).
 */
int nlh_client_check_now(struct nlh_client *c);

/* "input ended" / "output closed", for messages. */
const char *nlh_client_state_text(enum nlh_client_state state);

#endif
