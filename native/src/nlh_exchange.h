/* SPDX-License-Identifier: MIT */
/*
 * One exchange: send a request buffer to the kernel and collect every reply message until each request in it
 * is answered, or until a deadline.
 *
 * A request (one message of the sent buffer; a buffer that holds no valid message counts as one) is answered by:
 *   - an NLMSG_ERROR (an ack or an error),
 *   - an NLMSG_DONE (end of a dump, or the nlreply module's reply),
 *   - a reply without NLM_F_MULTI, unless the request asked for NLM_F_ACK: then its ack still follows.
 * Parts with NLM_F_MULTI and multicast notifications (when the socket joined groups) never end a request.
 * Every message of every datagram read is passed on, including messages after the last answer in the same
 * datagram.
 */
#ifndef NLH_EXCHANGE_H
#define NLH_EXCHANGE_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "nlh_client.h"
#include "nlh_msg.h"
#include "nlh_socket.h"

enum nlh_exchange_end {
	NLH_END_DONE,		/* every request answered, no error */
	NLH_END_KERNEL_ERROR,	/* answered, and an NLMSG_ERROR / NLMSG_DONE reported an error */
	NLH_END_TIMEOUT,	/* the deadline passed first */
	NLH_END_SYSTEM_ERROR,	/* send / recv / poll failed */
	NLH_END_CLIENT_GONE,	/* watch->client went away while we waited: nobody wants the answers */
};

struct nlh_exchange_result {
	enum nlh_exchange_end end;
	int error;			/* positive errno for the two error ends */
	char text[NLH_EXTACK_MAX];	/* ext-ack text of a kernel error, or what failed for a system error */
	unsigned long replies;		/* messages received */
};

typedef void (*nlh_reply_fn)(void *ctx, const struct nlh_msg *msg);

/*
 * What to do while waiting: more descriptors to serve (serve mode keeps delivering subscription events
 * meanwhile), a call made before each wait (serve mode writes out what it has buffered, so answers to
 * earlier requests never wait behind a slow one), and a client to watch (serve mode stops waiting for answers
 * nobody will read).
 */
struct nlh_exchange_watch {
	struct pollfd *fds;
	nfds_t nfds;
	void (*ready)(void *ctx, nfds_t index);
	void (*before_wait)(void *ctx);	/* may be NULL */
	void *ctx;
	struct nlh_client *client;	/* may be NULL */
};

/*
 * Send @req (@req_len bytes, unchanged) on @s and wait up to @timeout_ms (0: only what is already queued) for
 * the answers; each reply message goes to @on_reply (may be NULL). @watch may be NULL. Fills @res.
 */
void nlh_exchange(struct nlh_socket *s, const uint8_t *req, size_t req_len, int timeout_ms,
		  nlh_reply_fn on_reply, void *ctx, const struct nlh_exchange_watch *watch,
		  struct nlh_exchange_result *res);

/*
 * Read and pass to @on_late every message already queued on @s (answers that came after an earlier timeout),
 * so they are not taken for answers to the next request. Returns the number of messages, or -errno.
 */
long nlh_exchange_drain(struct nlh_socket *s, nlh_reply_fn on_late, void *ctx);

#endif
