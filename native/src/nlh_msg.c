// SPDX-License-Identifier: MIT
#include <string.h>

#include "nlh_msg.h"
#include "nlh_text.h"

#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED 0x100
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS 0x200
#endif
#define NLH_ATTR_MSG 1		/* NLMSGERR_ATTR_MSG */
#define NLH_ATTR_OFFS 2		/* NLMSGERR_ATTR_OFFS */
#define NLH_ALIGN(len) (((len) + 3u) & ~(size_t)3u)

void nlh_msg_iter_init(struct nlh_msg_iter *it, const uint8_t *buf, size_t len)
{
	it->pos = buf;
	it->left = len;
}

int nlh_msg_next(struct nlh_msg_iter *it, struct nlh_msg *msg)
{
	size_t step;

	if (it->left < sizeof(struct nlmsghdr))
		return 0;
	memcpy(&msg->hdr, it->pos, sizeof(msg->hdr));
	if (msg->hdr.nlmsg_len < sizeof(struct nlmsghdr) || msg->hdr.nlmsg_len > it->left)
		return 0;
	msg->bytes = it->pos;
	msg->len = msg->hdr.nlmsg_len;
	/* The last message may lack its padding. */
	step = NLH_ALIGN(msg->len);
	if (step > it->left)
		step = it->left;
	it->pos += step;
	it->left -= step;
	return 1;
}

size_t nlh_msg_iter_trailing(const struct nlh_msg_iter *it)
{
	return it->left;
}

size_t nlh_msg_count(const uint8_t *buf, size_t len)
{
	struct nlh_msg_iter it;
	struct nlh_msg msg;
	size_t n = 0;

	nlh_msg_iter_init(&it, buf, len);
	while (nlh_msg_next(&it, &msg))
		n++;
	return n;
}

static void nlh_msg_copy_text(char *out, const uint8_t *text, size_t len)
{
	size_t i;

	if (len > NLH_EXTACK_MAX - 1)
		len = NLH_EXTACK_MAX - 1;
	for (i = 0; i < len && text[i] != '\0'; i++)
		out[i] = nlh_text_char((char)text[i]);
	out[i] = '\0';
}

/* A negative errno from the kernel as a positive number; anything else (0, nonsense) as 0. */
static int nlh_msg_errno(int32_t error)
{
	if (error >= 0)
		return 0;
	return error == INT32_MIN ? INT32_MAX : -error;
}

/* Walk the ext-ack TLVs in [@pos, @end) and keep the text and the offset. */
static void nlh_msg_read_extack(const uint8_t *pos, const uint8_t *end, struct nlh_msg_status *st)
{
	while (end - pos >= 4) {
		uint16_t nla_len;
		uint16_t nla_type;

		memcpy(&nla_len, pos, 2);
		memcpy(&nla_type, pos + 2, 2);
		if (nla_len < 4 || nla_len > end - pos)
			return;
		nla_type &= NLA_TYPE_MASK;
		if (nla_type == NLH_ATTR_MSG) {
			nlh_msg_copy_text(st->text, pos + 4, nla_len - 4u);
		} else if (nla_type == NLH_ATTR_OFFS && nla_len >= 8) {
			memcpy(&st->offset, pos + 4, 4);
			st->has_offset = 1;
		}
		if (NLH_ALIGN(nla_len) >= (size_t)(end - pos))
			return;
		pos += NLH_ALIGN(nla_len);
	}
}

int nlh_msg_status(const struct nlh_msg *msg, struct nlh_msg_status *st)
{
	const uint8_t *end = msg->bytes + msg->len;
	const uint8_t *payload = msg->bytes + sizeof(struct nlmsghdr);
	size_t payload_len = msg->len - sizeof(struct nlmsghdr);
	int tlvs = msg->hdr.nlmsg_flags & NLM_F_ACK_TLVS;
	int32_t error = 0;

	memset(st, 0, sizeof(*st));
	if (msg->hdr.nlmsg_type == NLMSG_ERROR) {
		struct nlmsghdr request;
		size_t skip;

		if (payload_len < 4)
			return 1;
		memcpy(&error, payload, 4);
		st->error = nlh_msg_errno(error);
		if (!tlvs || payload_len < 4 + sizeof(request))
			return 1;
		/* The echoed request: its header always, its payload unless capped. */
		memcpy(&request, payload + 4, sizeof(request));
		skip = 4 + sizeof(request);
		if (!(msg->hdr.nlmsg_flags & NLM_F_CAPPED) && request.nlmsg_len > sizeof(request))
			skip += NLH_ALIGN((size_t)request.nlmsg_len - sizeof(request));
		if (skip < payload_len)
			nlh_msg_read_extack(payload + skip, end, st);
		return 1;
	}
	if (msg->hdr.nlmsg_type == NLMSG_DONE) {
		if (payload_len == 4 || (tlvs && payload_len >= 4)) {
			memcpy(&error, payload, 4);
			st->error = nlh_msg_errno(error);
			if (tlvs)
				nlh_msg_read_extack(payload + 4, end, st);
		}
		return 1;
	}
	return 0;
}
