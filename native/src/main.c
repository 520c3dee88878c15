// SPDX-License-Identifier: MIT
/*
 * nlhelper: the user-space side of Netlink Workbench on a target. It sends netlink bytes exactly as given and
 * hands back every reply as hex, one-shot from the command line or as a long-lived server on stdin/stdout
 * (native/PROTOCOL.md).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nlh_cli.h"
#include "nlh_line.h"
#include "nlh_serve.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		nlh_cli_usage(stderr);
		return NLH_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("nlhelper %d\n", NLH_PROTOCOL_VERSION);
		return NLH_EXIT_OK;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		nlh_cli_usage(stdout);
		return NLH_EXIT_OK;
	}
	if (strcmp(argv[1], "serve") == 0) {
		if (argc > 2) {
			fprintf(stderr, "nlhelper serve: takes no arguments\n");
			return NLH_EXIT_USAGE;
		}
		return nlh_serve(STDIN_FILENO, stdout);
	}
	return nlh_cli_run(argc - 1, argv + 1);
}
