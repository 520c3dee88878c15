/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	genldemo.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_GENLDEMO_GEN_H
#define _LINUX_GENLDEMO_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/genldemo.h>

/* Common nested types */
extern const struct nla_policy genldemo_meta_nl_policy[GENLDEMO_A_META_NOTE + 1];

extern const struct nla_policy genldemo_get_nl_policy[GENLDEMO_A_ENTRY_ID + 1];

extern const struct nla_policy genldemo_set_nl_policy[GENLDEMO_A_ENTRY_META + 1];

/* Ops table for genldemo */
extern const struct genl_ops genldemo_nl_ops[2];

int genldemo_nl_get_doit(struct sk_buff *skb, struct genl_info *info);
int genldemo_nl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int genldemo_nl_set_doit(struct sk_buff *skb, struct genl_info *info);

enum {
	GENLDEMO_NLGRP_EVENTS,
};

#endif /* _LINUX_GENLDEMO_GEN_H */
