/* SPDX-License-Identifier: MIT */
/* `nlhelper serve`: the long-lived line protocol on stdin/stdout specified in native/PROTOCOL.md. */
#ifndef NLH_SERVE_H
#define NLH_SERVE_H

#include <stdio.h>

/*
 * Serve requests from @in_fd until end of input or `quit`; replies and events go to @out. Returns the exit
 * status: 0 after end of input or quit, 1 when reading fails.
 */
int nlh_serve(int in_fd, FILE *out);

#endif
