// SPDX-License-Identifier: MIT
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nlh_errno.h"
#include "nlh_exchange.h"
#include "nlh_info.h"
#include "nlh_line.h"
#include "nlh_loops.h"
#include "nlh_out.h"
#include "nlh_serve.h"
#include "nlh_socket.h"
#include "nlh_text.h"

/*
 * Output is written when the server is about to wait (for input, or for the kernel inside an exchange), not after
 * every request: a client that pipelines its requests gets the answers in few large writes.
 */
#define NLH_OUT_BUFFER (256 * 1024)

struct nlh_server {
	FILE *out;
	/* Sockets stay open across requests, one of each kind per protocol; fd -1 when closed. */
	struct nlh_socket xchg[NLH_PROTOCOL_COUNT];
	struct nlh_socket monitor[NLH_PROTOCOL_COUNT];
	/*
	 * The last exchange on the protocol's socket ended before all its answers came (timeout, failed call):
	 * they may still arrive, so the next exchange drains them first. Clean ends skip that extra recv().
	 */
	int unsettled[NLH_PROTOCOL_COUNT];
	/* Subscriptions watched while an exchange waits (index -> protocol). */
	struct pollfd watch[NLH_PROTOCOL_COUNT];
	int watch_protocol[NLH_PROTOCOL_COUNT];
	nfds_t watch_count;
	/* Input: one request line at most NLH_LINE_MAX bytes, plus its newline. */
	char *line;
	size_t line_len;
	int discarding;		/* inside an over-long line: drop bytes up to its newline */
	char discard_id[NLH_ID_MAX + 1];
	int quit;
	int status;		/* exit status once quit is set */
	/* Watched during long requests: a client that went away stops them (nlh_client.h). */
	struct nlh_client client;
	const char *id;		/* request being answered, for the reply callbacks */
};

static void nlh_serve_error(struct nlh_server *srv, const char *id, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* `<id> error <errno> <ENAME> <text>`; the text is one line of printable ASCII (may be empty). */
static void nlh_serve_error(struct nlh_server *srv, const char *id, int err, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	nlh_text_printable(text);
	fprintf(srv->out, "%s error %d %s%s%s\n", id, err, nlh_errno_name(err), text[0] ? " " : "", text);
}

static void nlh_serve_rebuild_watch(struct nlh_server *srv)
{
	int p;

	srv->watch_count = 0;
	for (p = 0; p < NLH_PROTOCOL_COUNT; p++) {
		if (srv->monitor[p].fd < 0)
			continue;
		srv->watch[srv->watch_count].fd = srv->monitor[p].fd;
		srv->watch[srv->watch_count].events = POLLIN;
		srv->watch[srv->watch_count].revents = 0;
		srv->watch_protocol[srv->watch_count] = p;
		srv->watch_count++;
	}
}

/* Deliver what a subscription socket has queued as `* event` lines. */
static void nlh_serve_events(struct nlh_server *srv, int protocol)
{
	struct nlh_socket *s = &srv->monitor[protocol];
	struct nlh_msg_iter it;
	struct nlh_msg msg;
	char prefix[32];

	if (s->fd < 0)
		return;
	snprintf(prefix, sizeof(prefix), "* event %d ", protocol);
	for (;;) {
		ssize_t len = nlh_socket_recv(s, MSG_DONTWAIT);

		if (len == -EAGAIN)
			break;
		if (len == -ENOBUFS) {
			/* Events came faster than we read them; some are lost, later ones still arrive. */
			fprintf(srv->out, "* overrun %d\n", protocol);
			continue;
		}
		if (len < 0) {
			nfds_t i;

			/*
			 * Anything else would repeat on every poll: give the subscription up. Clearing the fd in
			 * the watch list also stops a running exchange from polling it (poll skips fd -1).
			 */
			fprintf(srv->out, "* event-error %d %d %s\n", protocol, (int)-len,
				nlh_errno_name((int)-len));
			nlh_socket_close(s);
			for (i = 0; i < srv->watch_count; i++)
				if (srv->watch_protocol[i] == protocol)
					srv->watch[i].fd = -1;
			break;
		}
		nlh_msg_iter_init(&it, s->buf, (size_t)len);
		while (nlh_msg_next(&it, &msg))
			nlh_out_hex_line(srv->out, prefix, msg.bytes, msg.len);
	}
	nlh_out_flush(srv->out);
}

static void nlh_serve_watch_ready(void *ctx, nfds_t index)
{
	struct nlh_server *srv = ctx;

	nlh_serve_events(srv, srv->watch_protocol[index]);
}

static void nlh_serve_before_wait(void *ctx)
{
	struct nlh_server *srv = ctx;

	nlh_out_flush(srv->out);
}

/* Open @s as nlh_socket_open does. Returns 0, or -1 after replying to request @id with the error. */
static int nlh_serve_open(struct nlh_server *srv, struct nlh_socket *s, int protocol, int rcvbuf, const char *id)
{
	int err = nlh_socket_open(s, protocol, rcvbuf);

	if (err < 0) {
		nlh_serve_error(srv, id, -err, "socket(AF_NETLINK, protocol %d): %s", protocol, strerror(-err));
		return -1;
	}
	return 0;
}

/* The socket of @kind for @protocol, opened on first use. Returns NULL after replying with the error. */
static struct nlh_socket *nlh_serve_socket(struct nlh_server *srv, struct nlh_socket *table, int protocol,
					   const char *id)
{
	struct nlh_socket *s = &table[protocol];

	if (s->fd >= 0)
		return s;
	if (nlh_serve_open(srv, s, protocol, 0, id) < 0)
		return NULL;
	if (table == srv->monitor)
		nlh_serve_rebuild_watch(srv);
	return s;
}

static void nlh_serve_reply(void *ctx, const struct nlh_msg *msg)
{
	struct nlh_server *srv = ctx;

	fprintf(srv->out, "%s reply ", srv->id);
	nlh_out_hex_line(srv->out, "", msg->bytes, msg->len);
}

struct nlh_late_ctx {
	FILE *out;
	char prefix[32];
};

static void nlh_serve_late(void *ctx, const struct nlh_msg *msg)
{
	struct nlh_late_ctx *late = ctx;

	nlh_out_hex_line(late->out, late->prefix, msg->bytes, msg->len);
}

static void nlh_serve_late_init(struct nlh_server *srv, int protocol, struct nlh_late_ctx *late)
{
	late->out = srv->out;
	snprintf(late->prefix, sizeof(late->prefix), "* late %d ", protocol);
}

/* Answers to earlier requests that arrived after their timeout go out as `* late`, not as this request's. */
static void nlh_serve_drain(struct nlh_server *srv, struct nlh_socket *s)
{
	struct nlh_late_ctx late;

	nlh_serve_late_init(srv, s->protocol, &late);
	(void)nlh_exchange_drain(s, nlh_serve_late, &late);
}

/*
 * The client went away during request @id: it gets no final line, and the server stops as after end of input
 * (exit 0), or as after a failed write (exit 1) when nobody reads the output any more.
 */
static void nlh_serve_client_gone(struct nlh_server *srv, const char *id)
{
	fprintf(stderr, "nlhelper serve: request %s stopped: %s\n", id, nlh_client_state_text(srv->client.state));
	srv->quit = 1;
	srv->status = srv->client.state == NLH_CLIENT_OUTPUT_GONE ? 1 : 0;
}

static void nlh_serve_end(struct nlh_server *srv, const char *id, const struct nlh_exchange_result *res)
{
	switch (res->end) {
	case NLH_END_DONE:
		fprintf(srv->out, "%s done\n", id);
		break;
	case NLH_END_TIMEOUT:
		fprintf(srv->out, "%s timeout\n", id);
		break;
	case NLH_END_KERNEL_ERROR:
	case NLH_END_SYSTEM_ERROR:
		nlh_serve_error(srv, id, res->error, "%s", res->text);
		break;
	case NLH_END_CLIENT_GONE:
		nlh_serve_client_gone(srv, id);
		break;
	}
}

static void nlh_serve_xchg(struct nlh_server *srv, const struct nlh_request *req)
{
	struct nlh_exchange_watch watch = {
		.fds = srv->watch, .nfds = srv->watch_count, .ready = nlh_serve_watch_ready,
		.before_wait = nlh_serve_before_wait, .ctx = srv, .client = &srv->client,
	};
	struct nlh_exchange_result res;
	struct nlh_socket *s;

	s = nlh_serve_socket(srv, srv->xchg, req->protocol, req->id);
	if (!s)
		return;
	if (srv->unsettled[req->protocol])
		nlh_serve_drain(srv, s);
	srv->id = req->id;
	nlh_exchange(s, req->msg, req->msg_len, req->timeout_ms, nlh_serve_reply, srv, &watch, &res);
	srv->unsettled[req->protocol] = res.end == NLH_END_TIMEOUT || res.end == NLH_END_SYSTEM_ERROR;
	nlh_serve_end(srv, req->id, &res);
}

static void nlh_serve_bench(struct nlh_server *srv, const struct nlh_request *req)
{
	struct nlh_exchange_watch watch = {
		.fds = srv->watch, .nfds = srv->watch_count, .ready = nlh_serve_watch_ready, .ctx = srv,
		.client = &srv->client,
	};
	struct nlh_late_ctx late;
	struct nlh_socket *s;
	struct nlh_bench b;

	s = nlh_serve_socket(srv, srv->xchg, req->protocol, req->id);
	if (!s)
		return;
	/* Seconds of work ahead: what earlier requests answered goes out first. */
	nlh_out_flush(srv->out);
	nlh_serve_drain(srv, s);
	nlh_serve_late_init(srv, req->protocol, &late);
	b = (struct nlh_bench){
		.msg = req->msg, .msg_len = req->msg_len, .count = req->count, .timeout_ms = req->timeout_ms,
		.watch = &watch, .on_late = nlh_serve_late, .late_ctx = &late,
	};
	switch (nlh_bench_run(s, &b)) {
	case NLH_END_DONE:
		fprintf(srv->out, "%s result ", req->id);
		nlh_bench_json(srv->out, &b);
		fprintf(srv->out, "%s done\n", req->id);
		break;
	case NLH_END_SYSTEM_ERROR:
		srv->unsettled[req->protocol] = 1;
		nlh_serve_error(srv, req->id, b.failure.error, "bench round %lu: %s", b.rounds, b.failure.text);
		break;
	case NLH_END_CLIENT_GONE:
		nlh_serve_client_gone(srv, req->id);
		break;
	case NLH_END_KERNEL_ERROR:
	case NLH_END_TIMEOUT:
		/* Counted per round, never the end of a bench. */
		break;
	}
}

static void nlh_serve_send(struct nlh_server *srv, const struct nlh_request *req)
{
	struct nlh_socket s;
	struct nlh_send p;

	nlh_out_flush(srv->out);
	/* A socket of its own that never reads, so its receive buffer fills and the kernel's unicasts fail. */
	if (nlh_serve_open(srv, &s, req->protocol, req->rcvbuf, req->id) < 0)
		return;
	p = (struct nlh_send){
		.msg = req->msg, .msg_len = req->msg_len, .count = req->count, .client = &srv->client,
	};
	if (nlh_send_run(&s, &p) == NLH_END_CLIENT_GONE) {
		nlh_socket_close(&s);
		nlh_serve_client_gone(srv, req->id);
		return;
	}
	fprintf(srv->out, "%s result ", req->id);
	nlh_send_json(srv->out, &p, &s, 0);
	nlh_socket_close(&s);
	fprintf(srv->out, "%s done\n", req->id);
}

static void nlh_serve_subscribe(struct nlh_server *srv, const struct nlh_request *req)
{
	struct nlh_socket *s;
	size_t i;
	int err;

	if (req->command == NLH_CMD_UNSUBSCRIBE && srv->monitor[req->protocol].fd < 0) {
		nlh_serve_error(srv, req->id, ENOENT, "no subscription on protocol %d", req->protocol);
		return;
	}
	s = nlh_serve_socket(srv, srv->monitor, req->protocol, req->id);
	if (!s)
		return;
	for (i = 0; i < req->group_count; i++) {
		err = req->command == NLH_CMD_SUBSCRIBE ? nlh_socket_join(s, req->groups[i]) :
							    nlh_socket_leave(s, req->groups[i]);
		if (err < 0) {
			nlh_serve_error(srv, req->id, -err, "group %u on protocol %d: %s%s", req->groups[i],
					req->protocol, strerror(-err),
					i ? " (the groups before it are done)" : "");
			return;
		}
	}
	fprintf(srv->out, "%s done\n", req->id);
}

static void nlh_serve_option(struct nlh_server *srv, const struct nlh_request *req)
{
	struct nlh_socket *s;
	int err;

	s = nlh_serve_socket(srv, srv->xchg, req->protocol, req->id);
	if (!s)
		return;
	err = nlh_socket_set_option(s, req->option, req->option_on);
	if (err < 0) {
		nlh_serve_error(srv, req->id, -err, "%s on protocol %d: %s", nlh_socket_option_name(req->option),
				req->protocol, strerror(-err));
		return;
	}
	fprintf(srv->out, "%s done\n", req->id);
}

static void nlh_serve_info(struct nlh_server *srv, const struct nlh_request *req)
{
	struct nlh_info_socket sockets[2 * NLH_PROTOCOL_COUNT];
	size_t n = 0;
	int p;

	for (p = 0; p < NLH_PROTOCOL_COUNT; p++) {
		if (srv->xchg[p].fd >= 0)
			sockets[n++] = (struct nlh_info_socket){ p, srv->xchg[p].portid, "xchg" };
		if (srv->monitor[p].fd >= 0)
			sockets[n++] = (struct nlh_info_socket){ p, srv->monitor[p].portid, "monitor" };
	}
	fprintf(srv->out, "%s info ", req->id);
	nlh_info_write(srv->out, sockets, n);
	fprintf(srv->out, "\n%s done\n", req->id);
}

static void nlh_serve_close(struct nlh_server *srv, const struct nlh_request *req)
{
	int p;

	for (p = 0; p < NLH_PROTOCOL_COUNT; p++) {
		if (req->protocol >= 0 && p != req->protocol)
			continue;
		nlh_socket_close(&srv->xchg[p]);
		nlh_socket_close(&srv->monitor[p]);
		srv->unsettled[p] = 0;
	}
	nlh_serve_rebuild_watch(srv);
	fprintf(srv->out, "%s done\n", req->id);
}

/* @more: the input buffer holds bytes after this line (more requests, or the start of one). */
static void nlh_serve_line(struct nlh_server *srv, char *line, size_t len, int more)
{
	struct nlh_request req;
	char why[256];

	nlh_client_begin(&srv->client, more);

	if (nlh_line_parse(line, len, &req, why, sizeof(why)) < 0) {
		nlh_serve_error(srv, req.id, EINVAL, "%s", why);
		return;
	}
	switch (req.command) {
	case NLH_CMD_XCHG:
		nlh_serve_xchg(srv, &req);
		break;
	case NLH_CMD_SUBSCRIBE:
	case NLH_CMD_UNSUBSCRIBE:
		nlh_serve_subscribe(srv, &req);
		break;
	case NLH_CMD_OPTION:
		nlh_serve_option(srv, &req);
		break;
	case NLH_CMD_INFO:
		nlh_serve_info(srv, &req);
		break;
	case NLH_CMD_BENCH:
		nlh_serve_bench(srv, &req);
		break;
	case NLH_CMD_SEND:
		nlh_serve_send(srv, &req);
		break;
	case NLH_CMD_CLOSE:
		nlh_serve_close(srv, &req);
		break;
	case NLH_CMD_PING:
		fprintf(srv->out, "%s done\n", req.id);
		break;
	case NLH_CMD_QUIT:
		fprintf(srv->out, "%s done\n", req.id);
		srv->quit = 1;
		break;
	}
}

/* Handle every complete line in the input buffer; keep the rest for the next read. */
static void nlh_serve_lines(struct nlh_server *srv, size_t scan_from)
{
	size_t start = 0;
	char *nl;

	while (!srv->quit &&
	       (nl = memchr(srv->line + scan_from, '\n', srv->line_len - scan_from)) != NULL) {
		size_t end = (size_t)(nl - srv->line);

		*nl = '\0';
		if (srv->discarding) {
			srv->discarding = 0;
			nlh_serve_error(srv, srv->discard_id, EMSGSIZE, "request line longer than %d bytes",
					NLH_LINE_MAX);
		} else {
			nlh_serve_line(srv, srv->line + start, end - start, end + 1 < srv->line_len);
		}
		start = end + 1;
		scan_from = start;
	}
	/*
	 * Every complete line is answered: the next step is waiting for input, so write the answers out. Unless
	 * nobody reads them any more: then we are on the way out, and the failed write would only end us sooner.
	 */
	if (srv->client.state != NLH_CLIENT_OUTPUT_GONE)
		nlh_out_flush(srv->out);
	memmove(srv->line, srv->line + start, srv->line_len - start);
	srv->line_len -= start;
	if (srv->line_len > NLH_LINE_MAX) {
		/* No newline within the limit: remember the id for the error, drop the bytes up to the newline. */
		if (!srv->discarding)
			nlh_line_peek_id(srv->line, srv->line_len, srv->discard_id);
		srv->discarding = 1;
		srv->line_len = 0;
	}
}

/* Returns 1 to go on, 0 at end of input, -1 on a read error. */
static int nlh_serve_read(struct nlh_server *srv, int in_fd)
{
	size_t before = srv->line_len;
	ssize_t n;

	n = read(in_fd, srv->line + srv->line_len, NLH_LINE_MAX + 1 - srv->line_len);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : -1;
	if (n == 0) {
		/* A last line without its newline is still a request. */
		if (srv->line_len > 0 && !srv->discarding) {
			srv->line[srv->line_len++] = '\n';
			nlh_serve_lines(srv, before);
		} else if (srv->discarding) {
			srv->line[0] = '\n';
			srv->line_len = 1;
			nlh_serve_lines(srv, 0);
		}
		return 0;
	}
	srv->line_len += (size_t)n;
	nlh_serve_lines(srv, before);
	return 1;
}

int nlh_serve(int in_fd, FILE *out)
{
	struct nlh_server *srv;
	int status = 0;
	int p;

	/* A client that goes away must end us through a write error, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	srv = calloc(1, sizeof(*srv));
	if (!srv || !(srv->line = malloc(NLH_LINE_MAX + 2))) {
		fprintf(stderr, "nlhelper: serve: out of memory\n");
		free(srv);
		return 1;
	}
	srv->out = out;
	nlh_client_init(&srv->client, in_fd, fileno(out));
	/* Before any output on the stream, as setvbuf() requires; on failure stdio's own buffer still works. */
	(void)setvbuf(out, NULL, _IOFBF, NLH_OUT_BUFFER);
	for (p = 0; p < NLH_PROTOCOL_COUNT; p++) {
		srv->xchg[p].fd = -1;
		srv->monitor[p].fd = -1;
	}
	fprintf(out, "nlhelper %d ready\n", NLH_PROTOCOL_VERSION);
	nlh_out_flush(out);

	while (!srv->quit) {
		struct pollfd fds[1 + NLH_PROTOCOL_COUNT];
		nfds_t i;
		int r;

		fds[0].fd = in_fd;
		fds[0].events = POLLIN;
		for (i = 0; i < srv->watch_count; i++)
			fds[1 + i] = srv->watch[i];
		if (poll(fds, 1 + srv->watch_count, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "nlhelper: serve: poll: %s\n", strerror(errno));
			status = 1;
			break;
		}
		for (i = 0; i < srv->watch_count; i++)
			if (fds[1 + i].revents)
				nlh_serve_events(srv, srv->watch_protocol[i]);
		if (!fds[0].revents)
			continue;
		r = nlh_serve_read(srv, in_fd);
		if (r <= 0) {
			if (r < 0) {
				fprintf(stderr, "nlhelper: serve: read: %s\n", strerror(errno));
				status = 1;
			}
			break;
		}
	}
	for (p = 0; p < NLH_PROTOCOL_COUNT; p++) {
		nlh_socket_close(&srv->xchg[p]);
		nlh_socket_close(&srv->monitor[p]);
	}
	if (!status)
		status = srv->status;
	free(srv->line);
	free(srv);
	return status;
}
