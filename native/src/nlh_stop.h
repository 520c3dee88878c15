/* SPDX-License-Identifier: MIT */
/*
 * When a streaming command (capture, monitor) stops: on SIGINT, SIGTERM or SIGHUP, when nobody reads its output
 * any more, or when its input ends (the host's ssh channel closed; the command never reads its input). Waiting
 * for a descriptor goes through here, so every wait also wakes for these, without a race against the signals:
 * they are blocked outside the wait (ppoll).
 */
#ifndef NLH_STOP_H
#define NLH_STOP_H

#include <signal.h>

#include "nlh_client.h"

struct nlh_stop {
	struct nlh_client client;
	sigset_t wait_mask;	/* the mask during a wait: the stop signals let through */
	int signal;		/* the stop signal received, 0 for none */
	const char *why;	/* once stopped: what happened, for stderr */
};

/* Block the stop signals (delivered only inside nlh_stop_wait), ignore SIGPIPE, watch stdin and stdout. */
void nlh_stop_init(struct nlh_stop *st);

enum nlh_wait {
	NLH_WAIT_READY,		/* @fd is readable */
	NLH_WAIT_TIMEOUT,
	NLH_WAIT_STOP,		/* stop: st->why says why */
	NLH_WAIT_ERROR,		/* ppoll failed: errno */
};

/* Wait up to @timeout_ms (-1: no limit) for @fd to be readable, or for a reason to stop. */
enum nlh_wait nlh_stop_wait(struct nlh_stop *st, int fd, int timeout_ms);

/* Whether a stop signal came or the client went (checked without waiting). */
int nlh_stop_now(struct nlh_stop *st);

#endif
