/* SPDX-License-Identifier: MIT */
/*
 * Walking the netlink messages in a buffer, and reading what NLMSG_ERROR / NLMSG_DONE report.
 *
 *   |<------------- nlmsg_len ------------->|<- pad ->|<---- next message ...
 *   +--------------+-----------------------+---------+
 *   | nlmsghdr 16B | payload               | to 4B   |
 *   +--------------+-----------------------+---------+
 *
 * Buffers may come from anywhere (a hex string decoded in place, a fuzzer), so headers are copied out rather
 * than read through casts that assume alignment.
 */
#ifndef NLH_MSG_H
#define NLH_MSG_H

#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

/* Ext-ack text is cut to this many bytes (with NUL); the kernel's messages are short. */
#define NLH_EXTACK_MAX 256

struct nlh_msg_iter {
	const uint8_t *pos;
	size_t left;
};

struct nlh_msg {
	struct nlmsghdr hdr;	/* copy of the header */
	const uint8_t *bytes;	/* the whole message, header included */
	size_t len;		/* hdr.nlmsg_len, checked to be within the buffer */
};

/* What an NLMSG_ERROR or NLMSG_DONE message says. */
struct nlh_msg_status {
	int error;			/* positive errno, 0 for an ack or a plain DONE */
	int has_offset;
	uint32_t offset;		/* NLMSGERR_ATTR_OFFS: byte offset into the request */
	char text[NLH_EXTACK_MAX];	/* NLMSGERR_ATTR_MSG, non-printable bytes replaced by '?'; "" if none */
};

void nlh_msg_iter_init(struct nlh_msg_iter *it, const uint8_t *buf, size_t len);

/*
 * Fill @msg with the next message and return 1; return 0 at the end of the buffer. A header whose nlmsg_len is
 * below 16 or beyond the buffer ends the walk: nlh_msg_iter_trailing() then says how many bytes were left.
 */
int nlh_msg_next(struct nlh_msg_iter *it, struct nlh_msg *msg);

/* Bytes after the last complete message that do not form one (0 for a well-formed buffer). */
size_t nlh_msg_iter_trailing(const struct nlh_msg_iter *it);

/* Number of complete messages in @buf. */
size_t nlh_msg_count(const uint8_t *buf, size_t len);

/*
 * For NLMSG_ERROR and NLMSG_DONE fill @st and return 1; return 0 for any other message. A message too short to
 * carry its error number reads as error 0; malformed ext-ack attributes are skipped, never read past the end.
 * A DONE is read as carrying an error only when it is exactly the 4-byte error or flags NLM_F_ACK_TLVS, since
 * some protocols (the nlreply module) put text there.
 */
int nlh_msg_status(const struct nlh_msg *msg, struct nlh_msg_status *st);

#endif
