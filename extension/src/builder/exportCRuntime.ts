// The fixed part of an exported C program (exportC.ts writes the request and main() around it): the socket, the
// exchange with its receive loop, the ext-ack reader and the reply printer. Kept as C text so the generated file
// reads like a hand-written one; every line here compiles under gcc -Wall -Wextra -Werror -std=c11 (a native test
// builds it).

/** Includes, ABI constants older headers may lack, outcomes and exit statuses. */
export const C_PRELUDE = String.raw`#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include <linux/netlink.h>
`;

export const C_COMPAT = String.raw`
/* The kernel's ABI values (include/uapi/linux/netlink.h), for C libraries whose headers predate them. */
#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif
#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED 0x100
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS 0x200
#endif
/* enum nlmsgerr_attrs: enumerators cannot be tested with #ifndef, so the numbers under names of our own. */
#define EXTACK_MSG 1       /* NLMSGERR_ATTR_MSG: the kernel's text */
#define EXTACK_OFFS 2      /* NLMSGERR_ATTR_OFFS: u32, offset in the request of what was wrong */
#define EXTACK_POLICY 4    /* NLMSGERR_ATTR_POLICY: nested, the policy rule that was broken */
#define EXTACK_MISS_TYPE 5 /* NLMSGERR_ATTR_MISS_TYPE: u32, type of a missing attribute */
#define EXTACK_MISS_NEST 6 /* NLMSGERR_ATTR_MISS_NEST: u32, offset of the nest that lacks it */

/*
 * Receive buffer: the kernel builds dump replies in skbs of up to 32 KiB (more when the reader's buffer is
 * larger), so 32 KiB avoids a resize in the common case; receive() grows it for any bigger datagram.
 */
#define RECV_BUF_MIN 32768

enum outcome { COMPLETE, KERNEL_ERROR, TIMED_OUT, SYSTEM_ERROR };
/* Exit statuses, one per outcome (and 4 for a bad command line). */
static const int exit_status[] = { [COMPLETE] = 0, [KERNEL_ERROR] = 1, [TIMED_OUT] = 2, [SYSTEM_ERROR] = 3 };
`;

/** receive(), exchange() and their helpers; reply_fn is what exchange() calls for each message of ours. */
export const C_EXCHANGE = String.raw`
struct receiver {
	int fd;
	unsigned char *buf;
	size_t size;
};

typedef void (*reply_fn)(const struct nlmsghdr *nlh, void *ctx);

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#define RECV_TIMEOUT (-2)

/*
 * One whole datagram into r->buf, waiting at most timeout_ms. A datagram longer than the buffer would be cut
 * (MSG_TRUNC), so its size is asked first: with MSG_PEEK | MSG_TRUNC, recv() returns the real length and leaves
 * the datagram queued. Returns its length, RECV_TIMEOUT, or -1 with errno set.
 */
static ssize_t receive(struct receiver *r, int timeout_ms, struct sockaddr_nl *from)
{
	struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
	struct iovec iov;
	struct msghdr mh;
	ssize_t len;
	int ready;

	do /* a signal cuts poll() short; waiting the whole timeout again is good enough here */
		ready = poll(&pfd, 1, timeout_ms);
	while (ready < 0 && errno == EINTR);
	if (ready < 0)
		return -1;
	if (ready == 0)
		return RECV_TIMEOUT;
	len = recv(r->fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
	if (len < 0)
		return -1;
	if ((size_t)len > r->size) {
		unsigned char *bigger = realloc(r->buf, (size_t)len);

		if (!bigger)
			return -1;
		r->buf = bigger;
		r->size = (size_t)len;
	}
	iov.iov_base = r->buf;
	iov.iov_len = r->size;
	memset(&mh, 0, sizeof(mh));
	mh.msg_name = from;
	mh.msg_namelen = sizeof(*from);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	len = recvmsg(r->fd, &mh, 0);
	if (len >= 0 && (mh.msg_flags & MSG_TRUNC)) {
		errno = EMSGSIZE; /* cannot happen after the peek; a careful reader still checks */
		return -1;
	}
	return len;
}

/* Text from the kernel or a module, printed with anything unprintable as \xNN. */
static void print_text(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
			putchar(p[i]);
		else
			printf("\\x%02x", p[i]);
	}
}

/*
 * The extended ack: TLVs from byte 'start' of the message to its end, present when the kernel set
 * NLM_F_ACK_TLVS (the socket asked for them with NETLINK_EXT_ACK). An offset into our own request is named.
 */
/* NLMSGERR_ATTR_POLICY: the rule the attribute broke, as nlctrl describes policies (NL_POLICY_TYPE_ATTR_*). */
static void print_policy(const unsigned char *p, size_t len)
{
	static const char *const names[] = { NULL,	  "type",	"min value", "max value",
					     "min value", "max value", "min length", "max length" };
	size_t pos = 0;

	while (pos + NLA_HDRLEN <= len) {
		struct nlattr a;
		unsigned int type;
		size_t value_len;

		memcpy(&a, p + pos, sizeof(a));
		if (a.nla_len < NLA_HDRLEN || a.nla_len > len - pos)
			return;
		type = a.nla_type & NLA_TYPE_MASK;
		value_len = a.nla_len - NLA_HDRLEN;
		printf("  ext-ack policy: %s", type < sizeof(names) / sizeof(names[0]) && names[type] ? names[type] : "attribute");
		if (value_len == sizeof(uint32_t)) {
			uint32_t v;

			memcpy(&v, p + pos + NLA_HDRLEN, sizeof(v));
			printf(" %u", v);
		} else if (value_len == sizeof(uint64_t)) {
			uint64_t v;

			memcpy(&v, p + pos + NLA_HDRLEN, sizeof(v));
			if (type == 2 || type == 3) /* NL_POLICY_TYPE_ATTR_MIN/MAX_VALUE_S: signed */
				printf(" %lld", (long long)(int64_t)v);
			else
				printf(" %llu", (unsigned long long)v);
		}
		printf(" (NL_POLICY_TYPE_ATTR %u)\n", type);
		pos += NLA_ALIGN(a.nla_len);
	}
}

static void print_ext_ack(const struct nlmsghdr *nlh, size_t start, const struct nlmsghdr *req)
{
	const unsigned char *msg = (const unsigned char *)nlh;
	size_t pos = NLMSG_ALIGN(start);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	while (pos + NLA_HDRLEN <= nlh->nlmsg_len) {
		struct nlattr a;
		const unsigned char *value = msg + pos + NLA_HDRLEN;
		size_t value_len;
		uint32_t u32 = 0;

		memcpy(&a, msg + pos, sizeof(a));
		if (a.nla_len < NLA_HDRLEN || a.nla_len > nlh->nlmsg_len - pos)
			break;
		value_len = a.nla_len - NLA_HDRLEN;
		if (value_len >= sizeof(u32))
			memcpy(&u32, value, sizeof(u32));
		switch (a.nla_type & NLA_TYPE_MASK) {
		case EXTACK_MSG:
			printf("  ext-ack message: ");
			print_text(value, strnlen((const char *)value, value_len));
			printf("\n");
			break;
		case EXTACK_OFFS:
			printf("  ext-ack offset: byte %u of the request", u32);
			if (req == &request.nlh && request_part(u32))
				printf(", %s", request_part(u32));
			printf("\n");
			break;
		case EXTACK_POLICY:
			print_policy(value, value_len);
			break;
		case EXTACK_MISS_TYPE:
			printf("  ext-ack: attribute type %u is missing\n", u32);
			break;
		case EXTACK_MISS_NEST:
			printf("  ext-ack: ... in the nest at byte %u of the request\n", u32);
			break;
		default:
			printf("  ext-ack attribute %u, %zu bytes\n", a.nla_type & NLA_TYPE_MASK, value_len);
		}
		pos += NLA_ALIGN(a.nla_len);
	}
}

/* NLMSG_ERROR: error 0 is the ack, a negative errno the kernel's refusal. */
static enum outcome report_error(const struct nlmsghdr *nlh, const struct nlmsghdr *req)
{
	struct nlmsgerr err;
	size_t tlvs;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(err))) {
		fprintf(stderr, "an NLMSG_ERROR of %u bytes is too short for struct nlmsgerr\n", nlh->nlmsg_len);
		return KERNEL_ERROR;
	}
	memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
	/* The ext-ack TLVs follow the echoed request: its header only when capped, else all of it. */
	tlvs = NLMSG_LENGTH(sizeof(err));
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && err.msg.nlmsg_len > sizeof(struct nlmsghdr))
		tlvs += err.msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (err.error == 0) {
		printf("ack: the kernel accepted the request\n");
		print_ext_ack(nlh, tlvs, req);
		return COMPLETE;
	}
	printf("error %d: %s\n", -err.error, strerror(-err.error));
	print_ext_ack(nlh, tlvs, req);
	return KERNEL_ERROR;
}

/* NLMSG_DONE ending a dump: an int error (0 when the dump went well), then ext-ack TLVs. */
static enum outcome report_done(const struct nlmsghdr *nlh, const struct nlmsghdr *req)
{
	int error = 0;

	if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(error)))
		memcpy(&error, NLMSG_DATA(nlh), sizeof(error));
	if (error == 0) {
		printf("done: the dump is complete\n");
		print_ext_ack(nlh, NLMSG_LENGTH(sizeof(error)), req);
		return COMPLETE;
	}
	printf("error %d ending the dump: %s\n", -error, strerror(-error));
	print_ext_ack(nlh, NLMSG_LENGTH(sizeof(error)), req);
	return KERNEL_ERROR;
}

/*
 * Sends the request (req_len bytes, as composed even when nlmsg_len says otherwise) and reads until the exchange
 * is complete: an NLMSG_ERROR (error or ack), an NLMSG_DONE
 * (the end of a dump, or a module's whole answer), or a reply without NLM_F_MULTI when no ack was asked for.
 * Every message of every datagram is looked at (a dump's last data and its DONE can share one); messages whose
 * seq is not the request's are someone else's and skipped. on_reply sees each message of ours.
 */
static enum outcome exchange(struct receiver *r, const struct nlmsghdr *req, size_t req_len, int timeout_ms,
			     reply_fn on_reply, void *ctx)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK }; /* nl_pid 0: the kernel */
	int want_ack = (req->nlmsg_flags & NLM_F_ACK) != 0;
	long long deadline = now_ms() + timeout_ms;
	unsigned int ours = 0;

	if (sendto(r->fd, req, req_len, 0, (const struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		perror("sendto");
		return SYSTEM_ERROR;
	}
	for (;;) {
		long long left = deadline - now_ms();
		struct sockaddr_nl from;
		const struct nlmsghdr *nlh;
		ssize_t got = receive(r, left > 0 ? (int)left : 0, &from);
		/*
		 * Signed, because NLMSG_NEXT steps past the end after an unpadded last message and the walk must
		 * then stop; wider than nlmsg_len's u32, so NLMSG_OK's comparison is exact (and clang does not warn).
		 */
		long long len;

		if (got == RECV_TIMEOUT) {
			fprintf(stderr, "timeout: %s within %d ms%s\n", ours ? "the answer was not complete" : "no answer",
				timeout_ms,
				want_ack ? "" : " (the request has no NLM_F_ACK: a kernel that accepts it may send nothing)");
			return TIMED_OUT;
		}
		if (got < 0) {
			perror("recv");
			return SYSTEM_ERROR;
		}
		if (from.nl_pid != 0) {
			fprintf(stderr, "skipped a datagram from port %u: not from the kernel\n", from.nl_pid);
			continue;
		}
		len = got;
		for (nlh = (const struct nlmsghdr *)r->buf; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != req->nlmsg_seq) {
				fprintf(stderr, "skipped a message with seq %u (ours is %u)\n", nlh->nlmsg_seq,
					req->nlmsg_seq);
				continue;
			}
			ours++;
			on_reply(nlh, ctx);
			if (nlh->nlmsg_type == NLMSG_ERROR)
				return report_error(nlh, req);
			if (nlh->nlmsg_type == NLMSG_DONE)
				return (nlh->nlmsg_flags & NLM_F_MULTI) ? report_done(nlh, req) : COMPLETE;
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				printf("note: NLM_F_DUMP_INTR, the data changed during the dump; repeat it for a consistent view\n");
			if (!(nlh->nlmsg_flags & NLM_F_MULTI) && !want_ack)
				return COMPLETE;
		}
		if (len > 0)
			fprintf(stderr, "%lld bytes at the end of a datagram are not a whole message\n", len);
	}
}
`;

/** The reply printer: header fields, the payload as a hex dump, and as text when it is text. */
export const C_PRINT = String.raw`
/* nlmsg_flags by name; bits above 0xff mean different things by message kind, named here for acks and errors. */
static void print_flags(uint16_t type, uint16_t flags)
{
	static const struct {
		uint16_t bit;
		const char *name;
	} common[] = {
		{ NLM_F_REQUEST, "REQUEST" }, { NLM_F_MULTI, "MULTI" },	    { NLM_F_ACK, "ACK" },
		{ NLM_F_ECHO, "ECHO" },	      { NLM_F_DUMP_INTR, "DUMP_INTR" }, { 0x20, "DUMP_FILTERED" },
	};
	static const struct {
		uint16_t bit;
		const char *name;
	} ack[] = { { NLM_F_CAPPED, "CAPPED" }, { NLM_F_ACK_TLVS, "ACK_TLVS" } };
	const char *sep = "";

	printf("0x%x", flags);
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
		if (flags & common[i].bit) {
			printf("%s%s", *sep ? sep : " (", common[i].name);
			sep = "|";
			flags &= (uint16_t)~common[i].bit;
		}
	}
	for (size_t i = 0; (type == NLMSG_ERROR || type == NLMSG_DONE) && i < sizeof(ack) / sizeof(ack[0]); i++) {
		if (flags & ack[i].bit) {
			printf("%s%s", *sep ? sep : " (", ack[i].name);
			sep = "|";
			flags &= (uint16_t)~ack[i].bit;
		}
	}
	if (flags)
		printf("%s0x%x", *sep ? sep : " (", flags);
	if (*sep || flags)
		printf(")");
}

/* True when the payload is text (printable, then optional NULs), as the reference module nlreply answers. */
static int is_text(const unsigned char *p, size_t len)
{
	size_t i = 0;

	while (i < len && ((p[i] >= 0x20 && p[i] < 0x7f) || p[i] == '\t' || p[i] == '\n'))
		i++;
	if (i == 0)
		return 0;
	while (i < len && p[i] == 0)
		i++;
	return i == len;
}

static void hex_dump(const unsigned char *p, size_t len)
{
	for (size_t line = 0; line < len; line += 16) {
		printf("  %04zx ", line);
		for (size_t i = line; i < line + 16; i++) {
			if (i < len)
				printf(" %02x", p[i]);
			else
				printf("   ");
		}
		printf("  ");
		for (size_t i = line; i < line + 16 && i < len; i++)
			putchar(p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '.');
		printf("\n");
	}
}

static void print_reply(const struct nlmsghdr *nlh, void *ctx)
{
	unsigned int *count = ctx;
	const unsigned char *payload = NLMSG_DATA(nlh);
	size_t payload_len = nlh->nlmsg_len - NLMSG_HDRLEN;

	++*count;
	printf("reply %u: len %u type %u (%s) flags ", *count, nlh->nlmsg_len, nlh->nlmsg_type,
	       type_name(nlh->nlmsg_type));
	print_flags(nlh->nlmsg_type, nlh->nlmsg_flags);
	printf(" seq %u pid %u\n", nlh->nlmsg_seq, nlh->nlmsg_pid);
	print_payload_header(nlh);
	hex_dump(payload, payload_len);
	if (nlh->nlmsg_type != NLMSG_ERROR && is_text(payload, payload_len)) {
		printf("  text: \"");
		print_text(payload, strnlen((const char *)payload, payload_len));
		printf("\"\n");
	}
}
`;

/** Opening the socket: EXT_ACK always, STRICT_CHK when STRICT_CHECK says so. */
export const C_OPEN = String.raw`
/* A netlink socket of NETLINK_PROTOCOL, bound (the kernel picks our port id), asking for extended acks. */
static int open_socket(void)
{
	struct sockaddr_nl self = { .nl_family = AF_NETLINK };
	socklen_t self_len = sizeof(self);
	int one = 1;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_PROTOCOL);

	if (fd < 0) {
		fprintf(stderr, "socket(AF_NETLINK, %s): %s%s\n", PROTOCOL_NAME, strerror(errno),
			errno == EPROTONOSUPPORT ? " (no kernel part serves this protocol: is its module loaded?)" : "");
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&self, sizeof(self)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&self, &self_len) < 0) {
		perror("bind");
		close(fd);
		return -1;
	}
	printf("netlink socket %s, our port id %u\n", PROTOCOL_NAME, self.nl_pid);
	/* Extended ack: errors (and some acks) carry the kernel's text and the offset of what it refused. */
	if (setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) < 0)
		perror("setsockopt NETLINK_EXT_ACK (continuing without the kernel's error texts)");
#if STRICT_CHECK
	if (setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof(one)) < 0)
		perror("setsockopt NETLINK_GET_STRICT_CHK (continuing with lax checking)");
#endif
	return fd;
}
`;

/** CTRL_CMD_GETFAMILY by name, for programs whose family id is only known at run time. */
export const C_RESOLVE = String.raw`
struct family_lookup {
	int found;
	uint16_t id;
};

/* The CTRL_ATTR_FAMILY_ID attribute of nlctrl's CTRL_CMD_NEWFAMILY answer. */
static void family_id_of(const struct nlmsghdr *nlh, void *ctx)
{
	struct family_lookup *lookup = ctx;
	const unsigned char *msg = (const unsigned char *)nlh;
	size_t pos = NLMSG_LENGTH(GENL_HDRLEN);

	if (nlh->nlmsg_type != GENL_ID_CTRL)
		return;
	while (pos + NLA_HDRLEN <= nlh->nlmsg_len) {
		struct nlattr a;

		memcpy(&a, msg + pos, sizeof(a));
		if (a.nla_len < NLA_HDRLEN || a.nla_len > nlh->nlmsg_len - pos)
			return;
		if ((a.nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID && a.nla_len >= NLA_HDRLEN + sizeof(uint16_t)) {
			memcpy(&lookup->id, msg + pos + NLA_HDRLEN, sizeof(lookup->id));
			lookup->found = 1;
		}
		pos += NLA_ALIGN(a.nla_len);
	}
}

/*
 * A generic netlink family's id: the kernel hands ids out when families register, so they differ between
 * kernels and boots; nlctrl (GENL_ID_CTRL) answers CTRL_CMD_GETFAMILY with the id for the name.
 */
static enum outcome resolve_family(struct receiver *r, const char *name, int timeout_ms, uint16_t *id)
{
	struct {
		struct nlmsghdr nlh;
		struct genlmsghdr genl;
		unsigned char attrs[NLA_HDRLEN + NLA_ALIGN(GENL_NAMSIZ)];
	} req;
	struct family_lookup lookup = { 0, 0 };
	struct nlattr name_attr;
	size_t name_len = strlen(name) + 1;
	enum outcome outcome;

	if (name_len > GENL_NAMSIZ) {
		fprintf(stderr, "family name \"%s\" is longer than GENL_NAMSIZ - 1\n", name);
		return SYSTEM_ERROR;
	}
	memset(&req, 0, sizeof(req));
	name_attr.nla_type = CTRL_ATTR_FAMILY_NAME;
	name_attr.nla_len = (uint16_t)(NLA_HDRLEN + name_len);
	memcpy(req.attrs, &name_attr, sizeof(name_attr));
	memcpy(req.attrs + NLA_HDRLEN, name, name_len);
	req.nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN + NLA_ALIGN(name_attr.nla_len));
	req.nlh.nlmsg_type = GENL_ID_CTRL;
	req.nlh.nlmsg_flags = NLM_F_REQUEST;
	req.nlh.nlmsg_seq = (uint32_t)time(NULL);
	req.genl.cmd = CTRL_CMD_GETFAMILY;
	req.genl.version = 1;
	outcome = exchange(r, &req.nlh, req.nlh.nlmsg_len, timeout_ms, family_id_of, &lookup);
	if (outcome != COMPLETE)
		return outcome;
	if (!lookup.found) {
		fprintf(stderr, "nlctrl's answer for \"%s\" has no CTRL_ATTR_FAMILY_ID\n", name);
		return KERNEL_ERROR;
	}
	*id = lookup.id;
	return COMPLETE;
}
`;
