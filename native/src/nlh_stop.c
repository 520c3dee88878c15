// SPDX-License-Identifier: MIT
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nlh_stop.h"

static volatile sig_atomic_t nlh_stop_signal;

static void nlh_stop_handler(int sig)
{
	nlh_stop_signal = sig;
}

void nlh_stop_init(struct nlh_stop *st, int timeout_ms)
{
	static const int signals[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	sigset_t block;
	size_t i;

	memset(st, 0, sizeof(*st));
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&block);
	sa.sa_handler = nlh_stop_handler;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
		sigaction(signals[i], &sa, NULL);
		sigaddset(&block, signals[i]);
	}
	/* A reader that went away shows as EPIPE from the write, so the interface is still removed. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigprocmask(SIG_BLOCK, &block, &st->wait_mask);
	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		sigdelset(&st->wait_mask, signals[i]);
	nlh_client_init(&st->client, STDIN_FILENO, STDOUT_FILENO);
	nlh_client_begin(&st->client, 0);
	st->timeout_ms = timeout_ms;
	clock_gettime(CLOCK_MONOTONIC, &st->started);
}

long long nlh_stop_elapsed_ms(const struct nlh_stop *st)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)(now.tv_sec - st->started.tv_sec) * 1000 + (now.tv_nsec - st->started.tv_nsec) / 1000000;
}

int nlh_stop_because(struct nlh_stop *st, const char *why, int failed)
{
	st->why = why;
	st->failed = failed;
	return nlh_stop_status(st);
}

int nlh_stop_status(const struct nlh_stop *st)
{
	return st->failed || st->client.state == NLH_CLIENT_OUTPUT_GONE;
}

uint64_t nlh_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int nlh_stop_judge(struct nlh_stop *st, const struct pollfd *client_fds)
{
	if (nlh_stop_signal) {
		st->signal = nlh_stop_signal;
		st->why = nlh_stop_signal == SIGINT ? "SIGINT" : nlh_stop_signal == SIGTERM ? "SIGTERM" : "SIGHUP";
		return 1;
	}
	if (client_fds && nlh_client_gone(&st->client, client_fds)) {
		st->why = nlh_client_state_text(st->client.state);
		return 1;
	}
	return 0;
}

enum nlh_wait nlh_stop_wait(struct nlh_stop *st, int fd, int wait_ms)
{
	struct pollfd fds[1 + NLH_CLIENT_FDS];
	struct timespec ts, *tsp = NULL;
	int timeout_ms = wait_ms;
	int n;

	if (nlh_stop_judge(st, NULL))
		return NLH_WAIT_STOP;
	if (st->timeout_ms >= 0) {
		long long left = st->timeout_ms - nlh_stop_elapsed_ms(st);

		if (left <= 0) {
			nlh_stop_because(st, "--timeout passed", 0);
			return NLH_WAIT_STOP;
		}
		if (timeout_ms < 0 || left < timeout_ms)
			timeout_ms = (int)left;
	}
	fds[0].fd = fd;
	fds[0].events = POLLIN;
	fds[0].revents = 0;
	nlh_client_pollfds(&st->client, fds + 1);
	if (timeout_ms >= 0) {
		ts.tv_sec = timeout_ms / 1000;
		ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000L;
		tsp = &ts;
	}
	n = ppoll(fds, 1 + NLH_CLIENT_FDS, tsp, &st->wait_mask);
	if (n < 0 && errno != EINTR) {
		fprintf(stderr, "nlhelper: poll: %s\n", strerror(errno));
		nlh_stop_because(st, "poll failed", 1);
		return NLH_WAIT_STOP;
	}
	if (nlh_stop_judge(st, n > 0 ? fds + 1 : NULL))
		return NLH_WAIT_STOP;
	if (n > 0 && (fds[0].revents & (POLLIN | POLLERR | POLLHUP)))
		return NLH_WAIT_READY;
	return NLH_WAIT_TIMEOUT;
}

int nlh_stop_now(struct nlh_stop *st)
{
	struct pollfd fds[NLH_CLIENT_FDS];
	sigset_t pending;

	/* A blocked stop signal is pending until the next wait: take it here too. */
	if (sigpending(&pending) == 0 &&
	    (sigismember(&pending, SIGINT) || sigismember(&pending, SIGTERM) || sigismember(&pending, SIGHUP))) {
		struct timespec zero = { 0, 0 };

		ppoll(NULL, 0, &zero, &st->wait_mask);
	}
	nlh_client_pollfds(&st->client, fds);
	if (poll(fds, NLH_CLIENT_FDS, 0) > 0)
		return nlh_stop_judge(st, fds);
	return nlh_stop_judge(st, NULL);
}
