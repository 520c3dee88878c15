// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "nlh_exchange.h"

/* Descriptors of a watch polled alongside the socket (serve mode: one subscription socket per protocol). */
#define NLH_WATCH_MAX 64

/* Which request is waiting for its answer; requests are answered in the order they were sent. */
struct nlh_pending {
	struct nlh_msg_iter requests;
	size_t left;		/* requests not answered yet */
	int wants_ack;		/* the current one carries NLM_F_ACK */
};

static void nlh_pending_advance(struct nlh_pending *p)
{
	struct nlh_msg req;

	p->wants_ack = nlh_msg_next(&p->requests, &req) && (req.hdr.nlmsg_flags & NLM_F_ACK);
}

static void nlh_pending_init(struct nlh_pending *p, const uint8_t *req, size_t req_len)
{
	nlh_msg_iter_init(&p->requests, req, req_len);
	p->left = nlh_msg_count(req, req_len);
	if (p->left == 0)
		p->left = 1;	/* bytes that are no message: the first reply of any kind answers them */
	nlh_pending_advance(p);
}

static void nlh_pending_answered(struct nlh_pending *p)
{
	if (p->left > 0)
		p->left--;
	nlh_pending_advance(p);
}

static long long nlh_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void nlh_exchange_fail(struct nlh_exchange_result *res, int err, const char *what)
{
	res->end = NLH_END_SYSTEM_ERROR;
	res->error = err;
	snprintf(res->text, sizeof(res->text), "%s: %s", what, strerror(err));
}

/* Pass every message of the datagram in s->buf on, and account for the answers among them. */
static void nlh_exchange_take(struct nlh_socket *s, size_t len, struct nlh_pending *pending,
			      nlh_reply_fn on_reply, void *ctx, struct nlh_exchange_result *res)
{
	struct nlh_msg_iter it;
	struct nlh_msg msg;
	struct nlh_msg_status st;

	nlh_msg_iter_init(&it, s->buf, len);
	while (nlh_msg_next(&it, &msg)) {
		res->replies++;
		if (on_reply)
			on_reply(ctx, &msg);
		/* Notifications for groups the socket joined are passed on but answer nothing. */
		if (s->last_groups)
			continue;
		if (nlh_msg_status(&msg, &st)) {
			/* The first error is the one to report; later ones usually follow from it. */
			if (st.error && res->end != NLH_END_KERNEL_ERROR) {
				res->end = NLH_END_KERNEL_ERROR;
				res->error = st.error;
				memcpy(res->text, st.text, sizeof(res->text));
			}
			nlh_pending_answered(pending);
		} else if (!(msg.hdr.nlmsg_flags & NLM_F_MULTI) && !pending->wants_ack) {
			nlh_pending_answered(pending);
		}
	}
}

void nlh_exchange(struct nlh_socket *s, const uint8_t *req, size_t req_len, int timeout_ms,
		  nlh_reply_fn on_reply, void *ctx, const struct nlh_exchange_watch *watch,
		  struct nlh_exchange_result *res)
{
	long long deadline = nlh_now_ms() + timeout_ms;
	struct nlh_pending pending;
	struct pollfd fds[1 + NLH_WATCH_MAX + NLH_CLIENT_FDS];
	struct pollfd *client_fds = NULL;
	nfds_t watched = 0;
	nfds_t nfds;
	nfds_t i;
	int err;

	memset(res, 0, sizeof(*res));
	res->end = NLH_END_DONE;
	nlh_pending_init(&pending, req, req_len);

	err = nlh_socket_send(s, req, req_len, 0);
	if (err < 0) {
		nlh_exchange_fail(res, -err, "send");
		return;
	}

	if (watch && watch->nfds > 0)
		watched = watch->nfds < NLH_WATCH_MAX ? watch->nfds : NLH_WATCH_MAX;
	nfds = 1 + watched;
	if (watch && watch->client) {
		client_fds = &fds[nfds];
		nfds += NLH_CLIENT_FDS;
	}
	while (pending.left > 0) {
		long long wait;
		ssize_t len;
		int ready;

		/*
		 * Most kernel families answer inside sendmsg(), so the answer is usually queued already: try
		 * to read before paying for a poll().
		 */
		len = nlh_socket_recv(s, MSG_DONTWAIT);
		if (len >= 0) {
			nlh_exchange_take(s, (size_t)len, &pending, on_reply, ctx, res);
			continue;
		}
		if (len != -EAGAIN) {
			nlh_exchange_fail(res, (int)-len, "recv");
			return;
		}
		if (watch && watch->before_wait)
			watch->before_wait(watch->ctx);
		wait = deadline - nlh_now_ms();

		fds[0].fd = s->fd;
		fds[0].events = POLLIN;
		for (i = 0; i < watched; i++)
			fds[1 + i] = watch->fds[i];
		if (client_fds)
			nlh_client_pollfds(watch->client, client_fds);
		ready = poll(fds, nfds, wait > 0 ? (int)wait : 0);
		if (ready < 0) {
			if (errno == EINTR)
				continue;
			nlh_exchange_fail(res, errno, "poll");
			return;
		}
		for (i = 0; i < watched; i++)
			if (fds[1 + i].revents)
				watch->ready(watch->ctx, i);
		if (client_fds && nlh_client_gone(watch->client, client_fds)) {
			res->end = NLH_END_CLIENT_GONE;
			return;
		}
		if (!(fds[0].revents & (POLLIN | POLLERR)) && wait <= 0) {
			res->end = NLH_END_TIMEOUT;
			return;
		}
	}
}

long nlh_exchange_drain(struct nlh_socket *s, nlh_reply_fn on_late, void *ctx)
{
	struct nlh_msg_iter it;
	struct nlh_msg msg;
	long n = 0;

	for (;;) {
		ssize_t len = nlh_socket_recv(s, MSG_DONTWAIT);

		if (len == -EAGAIN)
			return n;
		/* An overrun here only means late answers were lost: the socket is usable again. */
		if (len == -ENOBUFS)
			continue;
		if (len < 0)
			return len;
		nlh_msg_iter_init(&it, s->buf, (size_t)len);
		while (nlh_msg_next(&it, &msg)) {
			n++;
			if (on_late)
				on_late(ctx, &msg);
		}
	}
}
