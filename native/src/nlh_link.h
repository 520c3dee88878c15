/* SPDX-License-Identifier: MIT */
/* The capture's nlmon interface, through rtnetlink: create (or find) it, set it up, remove it. */
#ifndef NLH_LINK_H
#define NLH_LINK_H

#include "nlh_msg.h"

/* How long the kernel may take per request (creating the first nlmon loads its module). */
#define NLH_LINK_TIMEOUT_MS 10000

struct nlh_link_error {
	int error;			/* positive errno */
	char text[NLH_EXTACK_MAX + 128];	/* what failed, for stderr */
};

/*
 * Create an nlmon interface named @name and set it up. *@created says whether it was created (1) or an nlmon
 * interface of that name existed already (0, left as it was found but set up). Returns its ifindex, or -1 with
 * @err filled: EOPNOTSUPP when the kernel has no nlmon link type, EPERM without CAP_NET_ADMIN, EEXIST when the
 * name belongs to an interface of another type, ETIMEDOUT when rtnetlink did not answer in time.
 */
int nlh_link_nlmon_up(const char *name, int *created, struct nlh_link_error *err);

/* Remove interface @ifindex. Returns 0 or -1 with @err filled. */
int nlh_link_delete(int ifindex, struct nlh_link_error *err);

#endif
