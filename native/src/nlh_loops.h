/* SPDX-License-Identifier: MIT */
/*
 * The long-running requests, shared by the one-shot commands and `nlhelper serve`: bench (timed exchanges) and
 * send (datagrams without waiting for answers). Both stop early when a watched client goes away (nlh_client.h).
 */
#ifndef NLH_LOOPS_H
#define NLH_LOOPS_H

#include <stdio.h>
#include <time.h>

#include "nlh_client.h"
#include "nlh_exchange.h"
#include "nlh_socket.h"

struct nlh_bench {
	/* What to run. */
	const uint8_t *msg;
	size_t msg_len;
	unsigned long count;
	int timeout_ms;
	const struct nlh_exchange_watch *watch;	/* may be NULL; its client is also looked at between rounds */
	nlh_reply_fn on_late;			/* answers that came after a round's timeout; may be NULL */
	void *late_ctx;
	/* What happened. */
	unsigned long rounds;			/* rounds begun (the failed one included) */
	unsigned long replies;
	unsigned long timeouts;
	unsigned long kernel_errors;
	double seconds;
	struct nlh_exchange_result failure;	/* for NLH_END_SYSTEM_ERROR: the round that failed */
};

/*
 * Run b->count exchanges of b->msg on @s, draining late answers after each timeout (so they are not taken for
 * the next round's). Returns NLH_END_DONE when every round ran (kernel errors and timeouts are counted, not an
 * end), NLH_END_SYSTEM_ERROR (b->failure) or NLH_END_CLIENT_GONE.
 */
enum nlh_exchange_end nlh_bench_run(struct nlh_socket *s, struct nlh_bench *b);

/* {"count","seconds","perSecond","replies","timeouts","kernelErrors"} and a newline. */
void nlh_bench_json(FILE *out, const struct nlh_bench *b);

struct nlh_send {
	/* What to send. */
	const uint8_t *msg;
	size_t msg_len;
	unsigned long count;
	int read_back;			/* read what came back after each send; 0: never read, the buffer fills */
	struct nlh_client *client;	/* may be NULL */
	/* What happened. */
	unsigned long sent;
	unsigned long failed;
	unsigned long replies_read;
	int first_error;		/* errno of the first failed send, 0 if none */
	double seconds;
};

/* Send p->msg p->count times on @s. Returns NLH_END_DONE or NLH_END_CLIENT_GONE. */
enum nlh_exchange_end nlh_send_run(struct nlh_socket *s, struct nlh_send *p);

/* {"sent","failed","firstError",["repliesRead",]"portid","seconds"} and a newline. */
void nlh_send_json(FILE *out, const struct nlh_send *p, const struct nlh_socket *s, int with_replies_read);

double nlh_seconds_since(const struct timespec *t0);

#endif
