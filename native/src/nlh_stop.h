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
#include <stdint.h>
#include <time.h>

#include "nlh_client.h"

struct nlh_stop {
	struct nlh_client client;
	sigset_t wait_mask;	/* the mask during a wait: the stop signals let through */
	int signal;		/* the stop signal received, 0 for none */
	const char *why;	/* once stopped: what happened, for stderr */
	int failed;		/* the stop is a failure (exit 1): output gone, poll failed */
	int timeout_ms;		/* --timeout: stop this long after init; -1 for none */
	struct timespec started;	/* CLOCK_MONOTONIC at init */
};

/*
 * Block the stop signals (delivered only inside nlh_stop_wait), ignore SIGPIPE, watch stdin and stdout; stop
 * after @timeout_ms (-1: no limit).
 */
void nlh_stop_init(struct nlh_stop *st, int timeout_ms);

/* Milliseconds since nlh_stop_init. */
long long nlh_stop_elapsed_ms(const struct nlh_stop *st);

/* Stop for a reason of the command's own (@failed: exit 1). Returns the exit status. */
int nlh_stop_because(struct nlh_stop *st, const char *why, int failed);

/* The exit status for the stop that happened: 1 when it was a failure, else 0. */
int nlh_stop_status(const struct nlh_stop *st);

/* The wall clock in nanoseconds since the epoch (a record's time when the kernel gives none). */
uint64_t nlh_now_ns(void);

enum nlh_wait {
	NLH_WAIT_READY,		/* @fd is readable */
	NLH_WAIT_TIMEOUT,	/* @wait_ms passed */
	NLH_WAIT_STOP,		/* stop (also when ppoll failed or --timeout passed): st->why says why */
};

/* Wait up to @wait_ms (-1: no limit; never past --timeout) for @fd to be readable, or for a reason to stop. */
enum nlh_wait nlh_stop_wait(struct nlh_stop *st, int fd, int wait_ms);

/* Whether a stop signal came or the client went (checked without waiting). */
int nlh_stop_now(struct nlh_stop *st);

#endif
