/* SPDX-License-Identifier: MIT */
/*
 * `nlhelper monitor`: the multicast messages of some groups of one protocol, as a live pcapng stream on stdout
 * (native/PROTOCOL.md "Capture and monitor streams"). When the kernel drops events because the receive buffer
 * was full (recv says ENOBUFS), an Interface Statistics Block says so in band and the monitor goes on.
 */
#ifndef NLH_MONITOR_H
#define NLH_MONITOR_H

/* The comment of the statistics block written on an overrun (CAPTURE-API.md). */
#define NLH_MONITOR_OVERRUN "overrun: ENOBUFS, multicast events lost"

/* Run `nlhelper monitor ...`; @argv[0] is "monitor". Returns the exit status. */
int nlh_monitor_run(int argc, char **argv);

#endif
