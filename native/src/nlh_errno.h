/* SPDX-License-Identifier: MIT */
/* Symbolic errno names ("EINVAL") for the serve protocol, without relying on glibc's strerrorname_np (2.32+). */
#ifndef NLH_ERRNO_H
#define NLH_ERRNO_H

/* Name of the positive errno @err, e.g. "ENOENT"; "EUNKNOWN" for a number not in the table. */
const char *nlh_errno_name(int err);

#endif
