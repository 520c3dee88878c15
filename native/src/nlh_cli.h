/* SPDX-License-Identifier: MIT */
/* The one-shot commands: xchg, bench, send, monitor, info. Each returns the process exit status. */
#ifndef NLH_CLI_H
#define NLH_CLI_H

#include <stddef.h>
#include <stdio.h>

/* Exit statuses: 0 done (replies or not), 1 a system call failed, 2 bad arguments. */
#define NLH_EXIT_OK 0
#define NLH_EXIT_FAILURE 1
#define NLH_EXIT_USAGE 2

/* Run `nlhelper <argv[0]> ...`; @argv[0] is the command name. */
int nlh_cli_run(int argc, char **argv);

/*
 * "nlhelper <command>: <what is wrong>" and the usage hint on stderr, the text made printable; returns
 * NLH_EXIT_USAGE.
 */
int nlh_usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parse @value as a decimal number @min-@max into *@out; else a usage error naming @option. */
int nlh_cli_number(const char *command, const char *option, const char *value, unsigned long min,
		   unsigned long max, unsigned long *out);

/*
 * Append the comma-separated group numbers of @value (1-NLH_GROUP_MAX) to @groups (NLH_GROUPS_MAX entries,
 * *@count used); else a usage error naming @option.
 */
int nlh_cli_group_list(const char *command, const char *option, const char *value, unsigned int *groups,
		       size_t *count);

/* The usage text, for `nlhelper help` and usage errors. */
void nlh_cli_usage(FILE *out);

#endif
