// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "nlh_capture.h"
#include "nlh_cli.h"
#include "nlh_errno.h"
#include "nlh_exchange.h"
#include "nlh_hex.h"
#include "nlh_info.h"
#include "nlh_line.h"
#include "nlh_loops.h"
#include "nlh_monitor.h"
#include "nlh_out.h"
#include "nlh_socket.h"
#include "nlh_text.h"

#define NLH_DEFAULT_TIMEOUT_MS 1000

/* Which options a command takes. */
enum {
	NLH_ARG_PROTOCOL = 1 << 0,
	NLH_ARG_TIMEOUT = 1 << 1,
	NLH_ARG_GROUPS = 1 << 2,
	NLH_ARG_COUNT = 1 << 3,
	NLH_ARG_NO_READ = 1 << 4,
	NLH_ARG_RCVBUF = 1 << 5,
	NLH_ARG_HEX = 1 << 6,
};

struct nlh_cli_args {
	const char *command;
	unsigned int seen;
	int protocol;
	int timeout_ms;
	unsigned int groups[NLH_GROUPS_MAX];
	size_t group_count;
	unsigned long count;
	int no_read;
	int rcvbuf;
	uint8_t *msg;
	size_t msg_len;
};

void nlh_cli_usage(FILE *out)
{
	fputs("usage:\n"
	      "  nlhelper xchg --protocol N [--timeout MS] [--groups G[,G...]] HEX\n"
	      "      send HEX (netlink messages, bytes as given) and print each reply message as hex, one a line;\n"
	      "      prints \"timeout\" on stderr when the answers are not complete within MS (default 1000)\n"
	      "  nlhelper bench --protocol N --count N [--timeout MS] HEX\n"
	      "      time N exchanges of HEX; prints {\"count\",\"seconds\",\"perSecond\",...} as JSON\n"
	      "  nlhelper send --protocol N --count N [--no-read] [--rcvbuf BYTES] HEX\n"
	      "      send HEX N times on one socket; with --no-read never read the replies, so the receive\n"
	      "      buffer fills and the kernel's replies fail; prints {\"sent\",\"failed\",...} as JSON\n"
	      "  nlhelper capture [--protocol N]... [--port ID]... [--pid PID]... [--comm NAME] [--count N]\n"
	      "                  [--snaplen BYTES] [--timeout MS]\n"
	      "      capture netlink traffic through an nlmon interface (needs CAP_NET_ADMIN and CONFIG_NLMON) as a\n"
	      "      pcap stream on stdout until stopped (signal, stdin closed, stdout closed, --count, --timeout);\n"
	      "      stderr says \"capturing on IF ...\" once it runs\n"
	      "  nlhelper monitor --protocol N --group G... [--rcvbuf BYTES] [--count N] [--snaplen BYTES]\n"
	      "                  [--timeout MS]\n"
	      "      multicast messages of the groups as a pcapng stream on stdout until stopped (as capture);\n"
	      "      stderr says \"monitoring protocol N (port id P)\" once the groups are joined\n"
	      "  nlhelper info\n"
	      "      print uname and /proc/net/netlink as JSON\n"
	      "  nlhelper serve\n"
	      "      answer the line protocol of native/PROTOCOL.md on stdin/stdout\n"
	      "  nlhelper --version | help\n"
	      "N protocol 0-31; HEX lowercase or uppercase digits without separators. Exit status: 0 done, 1 a system\n"
	      "call failed, 2 bad arguments, 3 (capture) the kernel has no nlmon.\n",
	      out);
}

/*
 * "nlhelper <command>: <what is wrong>" on stderr (@command NULL: the command itself is wrong). Messages quote
 * arguments as given, so the line is made printable the way the serve protocol's error lines are: no control
 * byte of an argument reaches the terminal.
 */
int nlh_usage_error(const char *command, const char *fmt, ...)
{
	char *text = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fputs("nlhelper: bad arguments (no memory to say which)\n", stderr);
	} else {
		nlh_text_printable(text);
		fprintf(stderr, "nlhelper%s%s: %s\n", command ? " " : "", command ? command : "", text);
	}
	free(text);
	fputs("(nlhelper help shows the usage)\n", stderr);
	return NLH_EXIT_USAGE;
}

int nlh_cli_number(const char *command, const char *option, const char *value, unsigned long min,
			  unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	const char *p;

	if (!*value || strlen(value) > 20)
		goto bad;
	for (p = value; *p; p++) {
		unsigned long digit = (unsigned long)(*p - '0');

		if (*p < '0' || *p > '9' || digit > max || v > (max - digit) / 10)
			goto bad;
		v = v * 10 + digit;
	}
	if (v < min)
		goto bad;
	*out = v;
	return 0;
bad:
	return nlh_usage_error(command, "%s \"%s\" is not a number %lu-%lu", option, value, min, max);
}

int nlh_cli_group_list(const char *command, const char *option, const char *value, unsigned int *groups,
		       size_t *count)
{
	char copy[512];
	char *tok = copy;
	unsigned long g;

	if (strlen(value) >= sizeof(copy))
		return nlh_usage_error(command, "%s \"%.40s...\" is too long", option, value);
	strcpy(copy, value);
	/* Split by hand: strtok would skip empty entries ("1,,2") instead of reporting them. */
	for (;;) {
		char *comma = strchr(tok, ',');

		if (comma)
			*comma = '\0';
		if (*count == NLH_GROUPS_MAX)
			return nlh_usage_error(command, "%s: more than %d groups", option, NLH_GROUPS_MAX);
		if (nlh_cli_number(command, option, tok, 1, NLH_GROUP_MAX, &g))
			return NLH_EXIT_USAGE;
		groups[(*count)++] = (unsigned int)g;
		if (!comma)
			return 0;
		tok = comma + 1;
	}
}

static int nlh_cli_groups(struct nlh_cli_args *a, const char *value)
{
	a->group_count = 0;
	return nlh_cli_group_list(a->command, "--groups", value, a->groups, &a->group_count);
}

static int nlh_cli_hex(struct nlh_cli_args *a, char *hex)
{
	size_t len = strlen(hex);
	size_t bad_at = 0;
	long n;

	if (len == 0)
		return nlh_usage_error(a->command, "HEX is empty");
	n = nlh_hex_decode(hex, len, (uint8_t *)hex, &bad_at);
	if (n < 0) {
		if (bad_at == len)
			return nlh_usage_error(a->command, "HEX has an odd number of digits (%zu)", len);
		return nlh_usage_error(a->command, "HEX: '%c' at digit %zu is not a hex digit", hex[bad_at],
				       bad_at + 1);
	}
	a->msg = (uint8_t *)hex;
	a->msg_len = (size_t)n;
	return 0;
}

/* Parse argv[1..] for a command that takes @allowed and needs @required. Returns 0 or NLH_EXIT_USAGE. */
static int nlh_cli_parse(int argc, char **argv, unsigned int allowed, unsigned int required, struct nlh_cli_args *a)
{
	/* In the order "is required" is checked; min and max for the options that take a number. */
	static const struct {
		const char *name;
		unsigned int bit;
		unsigned long min;
		unsigned long max;
	} options[] = {
		{ "--protocol", NLH_ARG_PROTOCOL, 0, NLH_PROTOCOL_COUNT - 1 }, { "--count", NLH_ARG_COUNT, 1, NLH_COUNT_MAX },
		{ "--groups", NLH_ARG_GROUPS, 0, 0 }, { "--timeout", NLH_ARG_TIMEOUT, 0, NLH_TIMEOUT_MAX },
		{ "--no-read", NLH_ARG_NO_READ, 0, 0 }, { "--rcvbuf", NLH_ARG_RCVBUF, 1, NLH_RCVBUF_MAX },
	};
	const size_t n_options = sizeof(options) / sizeof(options[0]);
	unsigned long v;
	size_t o;
	int i;

	memset(a, 0, sizeof(*a));
	a->command = argv[0];
	a->timeout_ms = NLH_DEFAULT_TIMEOUT_MS;
	for (i = 1; i < argc; i++) {
		char *arg = argv[i];
		char *value = NULL;
		char *eq;

		if (strncmp(arg, "--", 2) != 0) {
			if (!(allowed & NLH_ARG_HEX))
				return nlh_usage_error(a->command, "unexpected argument \"%s\"", arg);
			if (a->seen & NLH_ARG_HEX)
				return nlh_usage_error(a->command, "one HEX argument only (second: \"%.40s\")", arg);
			a->seen |= NLH_ARG_HEX;
			if (nlh_cli_hex(a, arg))
				return NLH_EXIT_USAGE;
			continue;
		}
		eq = strchr(arg, '=');
		if (eq) {
			*eq = '\0';
			value = eq + 1;
		}
		for (o = 0; o < n_options; o++)
			if (strcmp(arg, options[o].name) == 0)
				break;
		if (o == n_options || !(allowed & options[o].bit))
			return nlh_usage_error(a->command, "unknown option \"%s\"", arg);
		if (a->seen & options[o].bit)
			return nlh_usage_error(a->command, "%s given twice", arg);
		a->seen |= options[o].bit;
		if (options[o].bit == NLH_ARG_NO_READ) {
			if (value)
				return nlh_usage_error(a->command, "--no-read takes no value");
			a->no_read = 1;
			continue;
		}
		if (!value) {
			if (i + 1 >= argc)
				return nlh_usage_error(a->command, "%s needs a value", arg);
			value = argv[++i];
		}
		if (options[o].bit == NLH_ARG_GROUPS) {
			if (nlh_cli_groups(a, value))
				return NLH_EXIT_USAGE;
			continue;
		}
		if (nlh_cli_number(a->command, arg, value, options[o].min, options[o].max, &v))
			return NLH_EXIT_USAGE;
		switch (options[o].bit) {
		case NLH_ARG_PROTOCOL:
			a->protocol = (int)v;
			break;
		case NLH_ARG_TIMEOUT:
			a->timeout_ms = (int)v;
			break;
		case NLH_ARG_COUNT:
			a->count = v;
			break;
		case NLH_ARG_RCVBUF:
			a->rcvbuf = (int)v;
			break;
		}
	}
	for (o = 0; o < n_options; o++)
		if ((required & options[o].bit) && !(a->seen & options[o].bit))
			return nlh_usage_error(a->command, "%s is required", options[o].name);
	if ((required & NLH_ARG_HEX) && !(a->seen & NLH_ARG_HEX))
		return nlh_usage_error(a->command, "the HEX argument (the message bytes) is missing");
	return 0;
}

/* Open the command's socket (with --rcvbuf when given) and join its --groups. Returns 0 or NLH_EXIT_FAILURE. */
static int nlh_cli_open(const struct nlh_cli_args *a, struct nlh_socket *s)
{
	size_t i;
	int err;

	err = nlh_socket_open(s, a->protocol, a->rcvbuf);
	if (err < 0) {
		fprintf(stderr, "nlhelper %s: socket(AF_NETLINK, protocol %d): %s\n", a->command, a->protocol,
			strerror(-err));
		return NLH_EXIT_FAILURE;
	}
	for (i = 0; i < a->group_count; i++) {
		err = nlh_socket_join(s, a->groups[i]);
		if (err < 0) {
			fprintf(stderr, "nlhelper %s: join group %u on protocol %d: %s\n", a->command, a->groups[i],
				a->protocol, strerror(-err));
			nlh_socket_close(s);
			return NLH_EXIT_FAILURE;
		}
	}
	return NLH_EXIT_OK;
}

static void nlh_cli_print_reply(void *ctx, const struct nlh_msg *msg)
{
	nlh_out_hex_line(ctx, "", msg->bytes, msg->len);
}

/*
 * The commands that talk to the kernel: nlh_cli_run parses their options, opens their socket and closes it after
 * them. Each returns the exit status.
 */
static int nlh_cli_xchg(const struct nlh_cli_args *a, struct nlh_socket *s)
{
	struct nlh_exchange_result res;

	nlh_exchange(s, a->msg, a->msg_len, a->timeout_ms, nlh_cli_print_reply, stdout, NULL, &res);
	nlh_out_flush(stdout);
	switch (res.end) {
	case NLH_END_DONE:
		return NLH_EXIT_OK;
	case NLH_END_TIMEOUT:
		fputs("timeout\n", stderr);
		return NLH_EXIT_OK;
	case NLH_END_KERNEL_ERROR:
		/* The kernel answered: the error is in the printed replies; this line is for people. */
		fprintf(stderr, "error %d %s%s%s\n", res.error, nlh_errno_name(res.error), res.text[0] ? " " : "",
			res.text);
		return NLH_EXIT_OK;
	case NLH_END_SYSTEM_ERROR:
	case NLH_END_CLIENT_GONE:	/* no client is watched here */
		break;
	}
	fprintf(stderr, "nlhelper xchg: %s\n", res.text);
	return NLH_EXIT_FAILURE;
}

static int nlh_cli_bench(const struct nlh_cli_args *a, struct nlh_socket *s)
{
	/* No client to watch: whoever started us stops us with a signal. */
	struct nlh_bench b = { .msg = a->msg, .msg_len = a->msg_len, .count = a->count, .timeout_ms = a->timeout_ms };

	if (nlh_bench_run(s, &b) != NLH_END_DONE) {
		fprintf(stderr, "nlhelper bench: round %lu: %s\n", b.rounds, b.failure.text);
		return NLH_EXIT_FAILURE;
	}
	nlh_bench_json(stdout, &b);
	nlh_out_flush(stdout);
	return NLH_EXIT_OK;
}

static int nlh_cli_send(const struct nlh_cli_args *a, struct nlh_socket *s)
{
	struct nlh_send p = { .msg = a->msg, .msg_len = a->msg_len, .count = a->count, .read_back = !a->no_read };

	(void)nlh_send_run(s, &p);
	nlh_send_json(stdout, &p, s, 1);
	nlh_out_flush(stdout);
	return NLH_EXIT_OK;
}

static int nlh_cli_info(int argc, char **argv)
{
	if (argc > 1)
		return nlh_usage_error(argv[0], "takes no arguments");
	nlh_info_write(stdout, NULL, 0);
	fputc('\n', stdout);
	nlh_out_flush(stdout);
	return NLH_EXIT_OK;
}

int nlh_cli_run(int argc, char **argv)
{
	/* Each command's options (allowed, then required among them). */
	static const struct {
		const char *name;
		unsigned int allowed;
		unsigned int required;
		int (*run)(const struct nlh_cli_args *a, struct nlh_socket *s);
	} commands[] = {
		{ "xchg", NLH_ARG_PROTOCOL | NLH_ARG_TIMEOUT | NLH_ARG_GROUPS | NLH_ARG_HEX,
		  NLH_ARG_PROTOCOL | NLH_ARG_HEX, nlh_cli_xchg },
		{ "bench", NLH_ARG_PROTOCOL | NLH_ARG_TIMEOUT | NLH_ARG_COUNT | NLH_ARG_HEX,
		  NLH_ARG_PROTOCOL | NLH_ARG_COUNT | NLH_ARG_HEX, nlh_cli_bench },
		{ "send", NLH_ARG_PROTOCOL | NLH_ARG_COUNT | NLH_ARG_NO_READ | NLH_ARG_RCVBUF | NLH_ARG_HEX,
		  NLH_ARG_PROTOCOL | NLH_ARG_COUNT | NLH_ARG_HEX, nlh_cli_send },
	};
	struct nlh_cli_args a;
	struct nlh_socket s;
	size_t i;
	int status;

	if (strcmp(argv[0], "info") == 0)
		return nlh_cli_info(argc, argv);
	if (strcmp(argv[0], "capture") == 0)
		return nlh_capture_run(argc, argv);
	if (strcmp(argv[0], "monitor") == 0)
		return nlh_monitor_run(argc, argv);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			break;
	if (i == sizeof(commands) / sizeof(commands[0]))
		return nlh_usage_error(NULL, "unknown command \"%s\"", argv[0]);
	status = nlh_cli_parse(argc, argv, commands[i].allowed, commands[i].required, &a);
	if (status)
		return status;
	status = nlh_cli_open(&a, &s);
	if (status)
		return status;
	status = commands[i].run(&a, &s);
	nlh_socket_close(&s);
	return status;
}
