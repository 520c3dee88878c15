// SPDX-License-Identifier: MIT
#include <string.h>

#include "nlh_errno.h"
#include "nlh_loops.h"

double nlh_seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

enum nlh_exchange_end nlh_bench_run(struct nlh_socket *s, struct nlh_bench *b)
{
	struct nlh_client *client = b->watch ? b->watch->client : NULL;
	enum nlh_exchange_end end = NLH_END_DONE;
	struct nlh_exchange_result res;
	struct timespec t0;

	b->rounds = b->replies = b->timeouts = b->kernel_errors = 0;
	memset(&b->failure, 0, sizeof(b->failure));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (b->rounds < b->count) {
		/* Rounds answered inside sendmsg() never wait, so the exchange alone would not notice. */
		if (nlh_client_check_now(client)) {
			end = NLH_END_CLIENT_GONE;
			break;
		}
		b->rounds++;
		nlh_exchange(s, b->msg, b->msg_len, b->timeout_ms, NULL, NULL, b->watch, &res);
		b->replies += res.replies;
		if (res.end == NLH_END_SYSTEM_ERROR || res.end == NLH_END_CLIENT_GONE) {
			end = res.end;
			b->failure = res;
			break;
		}
		if (res.end == NLH_END_KERNEL_ERROR)
			b->kernel_errors++;
		if (res.end == NLH_END_TIMEOUT) {
			b->timeouts++;
			/* A late answer must not be taken for the next round's. */
			(void)nlh_exchange_drain(s, b->on_late, b->late_ctx);
		}
	}
	b->seconds = nlh_seconds_since(&t0);
	return end;
}

void nlh_bench_json(FILE *out, const struct nlh_bench *b)
{
	fprintf(out,
		"{\"count\":%lu,\"seconds\":%.6f,\"perSecond\":%.1f,\"replies\":%lu,\"timeouts\":%lu,\"kernelErrors\":%lu}\n",
		b->count, b->seconds, b->seconds > 0 ? (double)b->count / b->seconds : 0.0, b->replies, b->timeouts,
		b->kernel_errors);
}

enum nlh_exchange_end nlh_send_run(struct nlh_socket *s, struct nlh_send *p)
{
	enum nlh_exchange_end end = NLH_END_DONE;
	struct timespec t0;
	unsigned long i;
	int err;

	p->sent = p->failed = p->replies_read = 0;
	p->first_error = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < p->count; i++) {
		if (nlh_client_check_now(p->client)) {
			end = NLH_END_CLIENT_GONE;
			break;
		}
		err = nlh_socket_send(s, p->msg, p->msg_len, 0);
		if (err < 0) {
			p->failed++;
			if (!p->first_error)
				p->first_error = -err;
		} else {
			p->sent++;
		}
		if (p->read_back) {
			long n = nlh_exchange_drain(s, NULL, NULL);

			if (n > 0)
				p->replies_read += (unsigned long)n;
		}
	}
	p->seconds = nlh_seconds_since(&t0);
	return end;
}

void nlh_send_json(FILE *out, const struct nlh_send *p, const struct nlh_socket *s, int with_replies_read)
{
	fprintf(out, "{\"sent\":%lu,\"failed\":%lu,\"firstError\":\"%s\",", p->sent, p->failed,
		p->first_error ? nlh_errno_name(p->first_error) : "");
	if (with_replies_read)
		fprintf(out, "\"repliesRead\":%lu,", p->replies_read);
	fprintf(out, "\"portid\":%lu,\"seconds\":%.6f}\n", (unsigned long)s->portid, p->seconds);
}
