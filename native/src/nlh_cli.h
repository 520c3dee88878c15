/* SPDX-License-Identifier: MIT */
/* The one-shot commands: xchg, bench, send, monitor, info. Each returns the process exit status. */
#ifndef NLH_CLI_H
#define NLH_CLI_H

#include <stdio.h>

/* Exit statuses: 0 done (replies or not), 1 a system call failed, 2 bad arguments. */
#define NLH_EXIT_OK 0
#define NLH_EXIT_FAILURE 1
#define NLH_EXIT_USAGE 2

/* Run `nlhelper <argv[0]> ...`; @argv[0] is the command name. */
int nlh_cli_run(int argc, char **argv);

/* The usage text, for `nlhelper help` and usage errors. */
void nlh_cli_usage(FILE *out);

#endif
