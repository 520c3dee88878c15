// SPDX-License-Identifier: MIT
#include <sys/ioctl.h>
#include <time.h>

#include "nlh_client.h"

/* How often a loop that never waits looks at the client: well under a second, a few syscalls per second. */
#define NLH_CLIENT_CHECK_MS 50

static long long nlh_client_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void nlh_client_init(struct nlh_client *c, int in_fd, int out_fd)
{
	c->in_fd = in_fd;
	c->out_fd = out_fd;
	c->in_pending = 0;
	c->in_ignored = 0;
	c->state = NLH_CLIENT_HERE;
	c->next_check_ms = 0;
}

void nlh_client_begin(struct nlh_client *c, int in_pending)
{
	c->in_pending = in_pending;
	c->in_ignored = 0;
}

void nlh_client_pollfds(const struct nlh_client *c, struct pollfd fds[NLH_CLIENT_FDS])
{
	/*
	 * No POLLIN: pipelined requests waiting to be read must not wake every wait. POLLHUP and POLLERR are
	 * reported whatever the events; POLLRDHUP is how a socket says its peer stopped writing.
	 */
	fds[0].fd = c->in_ignored ? -1 : c->in_fd;
	fds[0].events = POLLRDHUP;
	fds[0].revents = 0;
	fds[1].fd = c->out_fd;
	fds[1].events = 0;
	fds[1].revents = 0;
}

/* Request bytes still queued in the kernel on @fd, looked at without reading them. */
static int nlh_client_input_waiting(int fd)
{
	int n = 0;

	/* A descriptor that cannot tell (not a pipe, socket or tty) counts as holding more: stopping is worse. */
	if (ioctl(fd, FIONREAD, &n) < 0)
		return 1;
	return n > 0;
}

int nlh_client_gone(struct nlh_client *c, const struct pollfd fds[NLH_CLIENT_FDS])
{
	if (c->state != NLH_CLIENT_HERE)
		return 1;
	if (fds[1].fd >= 0 && (fds[1].revents & (POLLERR | POLLHUP))) {
		c->state = NLH_CLIENT_OUTPUT_GONE;
		return 1;
	}
	if (fds[0].fd >= 0 && (fds[0].revents & (POLLHUP | POLLRDHUP | POLLERR))) {
		if (c->in_pending || nlh_client_input_waiting(fds[0].fd)) {
			/* The client said all it will say, and it is still to be served: go on, and stop polling. */
			c->in_ignored = 1;
			return 0;
		}
		c->state = NLH_CLIENT_INPUT_ENDED;
		return 1;
	}
	return 0;
}

int nlh_client_check_now(struct nlh_client *c)
{
	struct pollfd fds[NLH_CLIENT_FDS];
	long long now;

	if (!c)
		return 0;
	if (c->state != NLH_CLIENT_HERE)
		return 1;
	now = nlh_client_now_ms();
	if (now < c->next_check_ms)
		return 0;
	c->next_check_ms = now + NLH_CLIENT_CHECK_MS;
	nlh_client_pollfds(c, fds);
	if (poll(fds, NLH_CLIENT_FDS, 0) <= 0)
		return 0;
	return nlh_client_gone(c, fds);
}

const char *nlh_client_state_text(enum nlh_client_state state)
{
	switch (state) {
	case NLH_CLIENT_HERE:
		break;
	case NLH_CLIENT_INPUT_ENDED:
		return "its input ended";
	case NLH_CLIENT_OUTPUT_GONE:
		return "nobody reads its output any more";
	}
	return "it is there";
}
