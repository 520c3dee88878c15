// SPDX-License-Identifier: MIT
#include <string.h>

#include "nlh_cli.h"
#include "nlh_stream_args.h"

/* Ports are 32-bit; pids up to the kernel's PID_MAX_LIMIT (4194304). */
#define NLH_PID_MAX 4194304UL

static int nlh_stream_value(struct nlh_stream_args *a, const char *name, const char *value)
{
	unsigned long v;

	if (strcmp(name, "--protocol") == 0) {
		if (nlh_cli_number(a->command, name, value, 0, NLH_PROTOCOL_COUNT - 1, &v))
			return NLH_EXIT_USAGE;
		a->protocols |= 1u << v;
		a->protocol = (int)v;
	} else if (strcmp(name, "--port") == 0) {
		if (nlh_cli_number(a->command, name, value, 1, UINT32_MAX, &v))
			return NLH_EXIT_USAGE;
		if (a->ports.fixed_count == NLH_PORTS_MAX)
			return nlh_usage_error(a->command, "more than %d --port options", NLH_PORTS_MAX);
		a->ports.fixed[a->ports.fixed_count].protocol = -1;
		a->ports.fixed[a->ports.fixed_count++].portid = (uint32_t)v;
	} else if (strcmp(name, "--pid") == 0) {
		if (nlh_cli_number(a->command, name, value, 1, NLH_PID_MAX, &v))
			return NLH_EXIT_USAGE;
		if (a->ports.pid_count == NLH_PORTS_PIDS_MAX)
			return nlh_usage_error(a->command, "more than %d --pid options", NLH_PORTS_PIDS_MAX);
		a->ports.pids[a->ports.pid_count++] = (long)v;
	} else if (strcmp(name, "--comm") == 0) {
		if (!*value || strlen(value) >= NLH_COMM_MAX || strchr(value, '/') || strchr(value, '\n'))
			return nlh_usage_error(a->command, "--comm \"%s\" is not a command name (1-%d bytes, as in "
					       "/proc/PID/comm)", value, NLH_COMM_MAX - 1);
		strcpy(a->ports.comm, value);
	} else if (strcmp(name, "--group") == 0 || strcmp(name, "--groups") == 0) {
		return nlh_cli_group_list(a->command, name, value, a->groups, &a->group_count);
	} else if (strcmp(name, "--count") == 0) {
		if (nlh_cli_number(a->command, name, value, 1, NLH_COUNT_MAX, &a->count))
			return NLH_EXIT_USAGE;
	} else if (strcmp(name, "--snaplen") == 0) {
		if (nlh_cli_number(a->command, name, value, 16, NLH_SNAPLEN_MAX, &a->snaplen))
			return NLH_EXIT_USAGE;
	} else if (strcmp(name, "--timeout") == 0) {
		if (nlh_cli_number(a->command, name, value, 1, NLH_TIMEOUT_MAX, &v))
			return NLH_EXIT_USAGE;
		a->timeout_ms = (int)v;
	} else if (strcmp(name, "--rcvbuf") == 0) {
		if (nlh_cli_number(a->command, name, value, 1, NLH_RCVBUF_MAX, &v))
			return NLH_EXIT_USAGE;
		a->rcvbuf = (int)v;
	}
	return 0;
}

int nlh_stream_args_parse(int argc, char **argv, unsigned int allowed, struct nlh_stream_args *a)
{
	/* Every option takes a value; `once` ones may be given one time only. */
	static const struct {
		const char *name;
		unsigned int needs;	/* 0: always allowed */
		int once;
	} options[] = {
		{ "--protocol", NLH_SARG_PROTOCOL | NLH_SARG_PROTOCOLS, 0 },
		{ "--port", NLH_SARG_PORT, 0 }, { "--pid", NLH_SARG_PORT, 0 }, { "--comm", NLH_SARG_PORT, 1 },
		{ "--group", NLH_SARG_GROUP, 0 }, { "--groups", NLH_SARG_GROUP, 0 },
		{ "--rcvbuf", NLH_SARG_RCVBUF, 1 }, { "--count", 0, 1 }, { "--snaplen", 0, 1 }, { "--timeout", 0, 1 },
	};
	const size_t n_options = sizeof(options) / sizeof(options[0]);
	unsigned int seen_once = 0;
	int i;

	memset(a, 0, sizeof(*a));
	a->command = argv[0];
	a->protocol = -1;
	a->snaplen = NLH_SNAPLEN_DEFAULT;
	a->timeout_ms = -1;
	for (i = 1; i < argc; i++) {
		char *arg = argv[i];
		char *value = NULL;
		char *eq;
		size_t o;

		if (strncmp(arg, "--", 2) != 0)
			return nlh_usage_error(a->command, "unexpected argument \"%s\"", arg);
		eq = strchr(arg, '=');
		if (eq) {
			*eq = '\0';
			value = eq + 1;
		}
		for (o = 0; o < n_options; o++)
			if (strcmp(arg, options[o].name) == 0)
				break;
		if (o == n_options || (options[o].needs && !(allowed & options[o].needs)))
			return nlh_usage_error(a->command, "unknown option \"%s\"", arg);
		if (options[o].once || (strcmp(arg, "--protocol") == 0 && !(allowed & NLH_SARG_PROTOCOLS))) {
			if (seen_once & (1u << o))
				return nlh_usage_error(a->command, "%s given twice", arg);
			seen_once |= 1u << o;
		}
		if (!value) {
			if (i + 1 >= argc)
				return nlh_usage_error(a->command, "%s needs a value", arg);
			value = argv[++i];
		}
		if (nlh_stream_value(a, arg, value))
			return NLH_EXIT_USAGE;
	}
	if ((allowed & NLH_SARG_PROTOCOL) && a->protocol < 0)
		return nlh_usage_error(a->command, "--protocol is required");
	if ((allowed & NLH_SARG_GROUP) && a->group_count == 0)
		return nlh_usage_error(a->command, "--group is required (one or more multicast group numbers)");
	return 0;
}
