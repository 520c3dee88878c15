// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nlh_hex.h"
#include "nlh_line.h"
#include "nlh_socket.h"
#include "nlh_text.h"

#define NLH_TOKENS_MAX 8

struct nlh_tokens {
	char *tok[NLH_TOKENS_MAX];
	size_t len[NLH_TOKENS_MAX];
	int count;
	int too_many;
};

static const char *const nlh_command_names[] = {
	[NLH_CMD_XCHG] = "xchg",
	[NLH_CMD_SUBSCRIBE] = "subscribe",
	[NLH_CMD_UNSUBSCRIBE] = "unsubscribe",
	[NLH_CMD_OPTION] = "option",
	[NLH_CMD_INFO] = "info",
	[NLH_CMD_BENCH] = "bench",
	[NLH_CMD_SEND] = "send",
	[NLH_CMD_CLOSE] = "close",
	[NLH_CMD_PING] = "ping",
	[NLH_CMD_QUIT] = "quit",
};

/* Arguments after the command, and how they are spelled in error messages. */
static const struct {
	int args;
	const char *usage;
} nlh_command_shapes[] = {
	[NLH_CMD_XCHG] = { 3, "<protocol> <timeout_ms> <hex>" },
	[NLH_CMD_SUBSCRIBE] = { 2, "<protocol> <group>[,<group>...]" },
	[NLH_CMD_UNSUBSCRIBE] = { 2, "<protocol> <group>[,<group>...]" },
	[NLH_CMD_OPTION] = { 3, "<protocol> ext_ack|strict_chk|cap_ack 0|1" },
	[NLH_CMD_INFO] = { 0, "" },
	[NLH_CMD_BENCH] = { 4, "<protocol> <count> <timeout_ms> <hex>" },
	[NLH_CMD_SEND] = { 4, "<protocol> <count> <rcvbuf> <hex>" },
	[NLH_CMD_CLOSE] = { 1, "<protocol>|all" },
	[NLH_CMD_PING] = { 0, "" },
	[NLH_CMD_QUIT] = { 0, "" },
};

#define NLH_COMMAND_COUNT (sizeof(nlh_command_names) / sizeof(nlh_command_names[0]))

static int nlh_fail(char *why, size_t why_size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int nlh_fail(char *why, size_t why_size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, why_size, fmt, ap);
	va_end(ap);
	return -1;
}

static int nlh_is_id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == ':' || c == '-';
}

static int nlh_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int nlh_valid_id(const char *tok, size_t len)
{
	size_t i;

	if (len == 0 || len > NLH_ID_MAX || (len == 1 && tok[0] == '-'))
		return 0;
	for (i = 0; i < len; i++)
		if (!nlh_is_id_char(tok[i]))
			return 0;
	return 1;
}

void nlh_line_peek_id(const char *line, size_t len, char id[NLH_ID_MAX + 1])
{
	size_t n = 0;

	/* A NUL byte is no end here: it belongs to the token and makes the id invalid. */
	while (n < len && !nlh_is_blank(line[n]) && line[n] != '\r')
		n++;
	if (nlh_valid_id(line, n)) {
		memcpy(id, line, n);
		id[n] = '\0';
	} else {
		strcpy(id, "-");
	}
}

/* Split on runs of blanks, in place. A trailing '\r' (a client writing CRLF) is dropped. */
static void nlh_tokenize(char *line, struct nlh_tokens *t)
{
	size_t n = strlen(line);
	char *p = line;

	if (n > 0 && line[n - 1] == '\r')
		line[--n] = '\0';
	t->count = 0;
	t->too_many = 0;
	for (;;) {
		char *start;

		while (nlh_is_blank(*p))
			p++;
		if (*p == '\0')
			return;
		start = p;
		while (*p != '\0' && !nlh_is_blank(*p))
			p++;
		if (t->count == NLH_TOKENS_MAX) {
			t->too_many = 1;
			return;
		}
		t->tok[t->count] = start;
		t->len[t->count] = (size_t)(p - start);
		t->count++;
		if (*p != '\0')
			*p++ = '\0';
	}
}

/* Decimal without sign, at most @max. Returns 0, or -1 when it is not one. */
static int nlh_parse_uint(const char *tok, size_t len, unsigned long max, unsigned long *out)
{
	unsigned long value = 0;
	size_t i;

	if (len == 0 || len > 20)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned long digit = (unsigned long)(tok[i] - '0');

		if (tok[i] < '0' || tok[i] > '9')
			return -1;
		if (digit > max || value > (max - digit) / 10)
			return -1;
		value = value * 10 + digit;
	}
	*out = value;
	return 0;
}

static int nlh_arg_uint(const struct nlh_tokens *t, int i, const char *name, unsigned long min,
			unsigned long max, unsigned long *out, char *why, size_t why_size)
{
	char q[NLH_TEXT_QUOTE_SIZE];

	if (nlh_parse_uint(t->tok[i], t->len[i], max, out) < 0 || *out < min)
		return nlh_fail(why, why_size, "%s \"%s\" is not a number %lu-%lu", name,
				nlh_text_quote(t->tok[i], t->len[i], q), min, max);
	return 0;
}

static int nlh_arg_protocol(const struct nlh_tokens *t, int i, struct nlh_request *req, char *why,
			    size_t why_size)
{
	unsigned long v;

	if (nlh_arg_uint(t, i, "protocol", 0, NLH_PROTOCOL_COUNT - 1, &v, why, why_size) < 0)
		return -1;
	req->protocol = (int)v;
	return 0;
}

static int nlh_arg_timeout(const struct nlh_tokens *t, int i, struct nlh_request *req, char *why,
			   size_t why_size)
{
	unsigned long v;

	if (nlh_arg_uint(t, i, "timeout_ms", 0, NLH_TIMEOUT_MAX, &v, why, why_size) < 0)
		return -1;
	req->timeout_ms = (int)v;
	return 0;
}

static int nlh_arg_hex(const struct nlh_tokens *t, int i, struct nlh_request *req, char *why,
		       size_t why_size)
{
	size_t bad_at = 0;
	long n;

	if (t->len[i] == 0)
		return nlh_fail(why, why_size, "hex: empty");
	n = nlh_hex_decode(t->tok[i], t->len[i], (uint8_t *)t->tok[i], &bad_at);
	if (n < 0) {
		if (bad_at == t->len[i])
			return nlh_fail(why, why_size, "hex: odd number of digits (%zu)", t->len[i]);
		return nlh_fail(why, why_size, "hex: '%c' at digit %zu is not a hex digit",
				nlh_text_char(t->tok[i][bad_at]), bad_at + 1);
	}
	req->msg = (uint8_t *)t->tok[i];
	req->msg_len = (size_t)n;
	return 0;
}

static int nlh_arg_groups(const struct nlh_tokens *t, int i, struct nlh_request *req, char *why,
			  size_t why_size)
{
	const char *p = t->tok[i];
	const char *end = p + t->len[i];
	char q[NLH_TEXT_QUOTE_SIZE];

	req->group_count = 0;
	for (;;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		size_t len = comma ? (size_t)(comma - p) : (size_t)(end - p);
		unsigned long g;

		if (req->group_count == NLH_GROUPS_MAX)
			return nlh_fail(why, why_size, "more than %d groups", NLH_GROUPS_MAX);
		if (nlh_parse_uint(p, len, NLH_GROUP_MAX, &g) < 0 || g == 0)
			return nlh_fail(why, why_size, "group \"%s\" is not a number 1-%u",
					nlh_text_quote(p, len, q), NLH_GROUP_MAX);
		req->groups[req->group_count++] = (unsigned int)g;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

static int nlh_parse_args(const struct nlh_tokens *t, struct nlh_request *req, char *why, size_t why_size)
{
	unsigned long v;
	char q[NLH_TEXT_QUOTE_SIZE];

	switch (req->command) {
	case NLH_CMD_XCHG:
		return nlh_arg_protocol(t, 2, req, why, why_size) ||
		       nlh_arg_timeout(t, 3, req, why, why_size) ||
		       nlh_arg_hex(t, 4, req, why, why_size) ? -1 : 0;
	case NLH_CMD_SUBSCRIBE:
	case NLH_CMD_UNSUBSCRIBE:
		return nlh_arg_protocol(t, 2, req, why, why_size) ||
		       nlh_arg_groups(t, 3, req, why, why_size) ? -1 : 0;
	case NLH_CMD_OPTION:
		if (nlh_arg_protocol(t, 2, req, why, why_size))
			return -1;
		req->option = nlh_socket_option_parse(t->tok[3]);
		if (req->option < 0)
			return nlh_fail(why, why_size,
					"option \"%s\" is not one of ext_ack, strict_chk, cap_ack",
					nlh_text_quote(t->tok[3], t->len[3], q));
		if (nlh_arg_uint(t, 4, "option value", 0, 1, &v, why, why_size))
			return -1;
		req->option_on = (int)v;
		return 0;
	case NLH_CMD_BENCH:
		if (nlh_arg_protocol(t, 2, req, why, why_size) ||
		    nlh_arg_uint(t, 3, "count", 1, NLH_COUNT_MAX, &req->count, why, why_size) ||
		    nlh_arg_timeout(t, 4, req, why, why_size))
			return -1;
		return nlh_arg_hex(t, 5, req, why, why_size);
	case NLH_CMD_SEND:
		if (nlh_arg_protocol(t, 2, req, why, why_size) ||
		    nlh_arg_uint(t, 3, "count", 1, NLH_COUNT_MAX, &req->count, why, why_size) ||
		    nlh_arg_uint(t, 4, "rcvbuf", 0, NLH_RCVBUF_MAX, &v, why, why_size))
			return -1;
		req->rcvbuf = (int)v;
		return nlh_arg_hex(t, 5, req, why, why_size);
	case NLH_CMD_CLOSE:
		if (strcmp(t->tok[2], "all") == 0) {
			req->protocol = -1;
			return 0;
		}
		return nlh_arg_protocol(t, 2, req, why, why_size);
	case NLH_CMD_INFO:
	case NLH_CMD_PING:
	case NLH_CMD_QUIT:
		return 0;
	}
	return nlh_fail(why, why_size, "internal error: command %d has no parser", (int)req->command);
}

int nlh_line_parse(char *line, size_t len, struct nlh_request *req, char *why, size_t why_size)
{
	const char *nul = memchr(line, '\0', len);
	struct nlh_tokens t;
	size_t c;
	char q[NLH_TEXT_QUOTE_SIZE];

	memset(req, 0, sizeof(*req));
	strcpy(req->id, "-");
	/* C string handling below would stop at the NUL and serve what comes before it as the whole request. */
	if (nul) {
		nlh_line_peek_id(line, len, req->id);
		return nlh_fail(why, why_size, "NUL byte at column %zu: a request line is text",
				(size_t)(nul - line) + 1);
	}
	nlh_tokenize(line, &t);
	if (t.count == 0)
		return nlh_fail(why, why_size, "empty request line");
	if (!nlh_valid_id(t.tok[0], t.len[0]))
		return nlh_fail(why, why_size,
				"bad request id \"%s\": 1-%d characters of A-Z a-z 0-9 _ . : - (not \"-\" alone)",
				nlh_text_quote(t.tok[0], t.len[0], q), NLH_ID_MAX);
	memcpy(req->id, t.tok[0], t.len[0] + 1);
	if (t.count < 2)
		return nlh_fail(why, why_size, "missing command");
	for (c = 0; c < NLH_COMMAND_COUNT; c++)
		if (strcmp(t.tok[1], nlh_command_names[c]) == 0)
			break;
	if (c == NLH_COMMAND_COUNT)
		return nlh_fail(why, why_size,
				"unknown command \"%s\" (expected xchg, subscribe, unsubscribe, option, info, bench, send, close, ping or quit)",
				nlh_text_quote(t.tok[1], t.len[1], q));
	req->command = (enum nlh_command)c;
	if (t.too_many || t.count - 2 != nlh_command_shapes[c].args)
		return nlh_fail(why, why_size, "%s takes %d argument%s%s%s, got %s%d", nlh_command_names[c],
				nlh_command_shapes[c].args, nlh_command_shapes[c].args == 1 ? "" : "s",
				nlh_command_shapes[c].args ? ": " : "", nlh_command_shapes[c].usage,
				t.too_many ? "more than " : "", t.count - 2);
	return nlh_parse_args(&t, req, why, why_size);
}
