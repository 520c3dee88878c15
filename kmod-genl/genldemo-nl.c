// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	genldemo.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "genldemo-nl.h"

#include <uapi/linux/genldemo.h>

/* Common nested types */
const struct nla_policy genldemo_meta_nl_policy[GENLDEMO_A_META_NOTE + 1] = {
	[GENLDEMO_A_META_COLOR] = NLA_POLICY_MAX(NLA_U8, 7),
	[GENLDEMO_A_META_NOTE] = { .type = NLA_NUL_STRING, .len = 31, },
};

/* GENLDEMO_CMD_GET - do */
const struct nla_policy genldemo_get_nl_policy[GENLDEMO_A_ENTRY_ID + 1] = {
	[GENLDEMO_A_ENTRY_ID] = NLA_POLICY_RANGE(NLA_U32, 1, GENLDEMO_MAX_ENTRIES),
};

/* GENLDEMO_CMD_SET - do */
const struct nla_policy genldemo_set_nl_policy[GENLDEMO_A_ENTRY_META + 1] = {
	[GENLDEMO_A_ENTRY_ID] = NLA_POLICY_RANGE(NLA_U32, 1, GENLDEMO_MAX_ENTRIES),
	[GENLDEMO_A_ENTRY_NAME] = { .type = NLA_NUL_STRING, .len = GENLDEMO_NAME_LEN, },
	[GENLDEMO_A_ENTRY_VALUE] = { .type = NLA_U32, },
	[GENLDEMO_A_ENTRY_META] = NLA_POLICY_NESTED(genldemo_meta_nl_policy),
};

/* Ops table for genldemo */
const struct genl_ops genldemo_nl_ops[2] = {
	{
		.cmd		= GENLDEMO_CMD_GET,
		.doit		= genldemo_nl_get_doit,
		.dumpit		= genldemo_nl_get_dumpit,
		.policy		= genldemo_get_nl_policy,
		.maxattr	= GENLDEMO_A_ENTRY_ID,
	},
	{
		.cmd		= GENLDEMO_CMD_SET,
		.doit		= genldemo_nl_set_doit,
		.policy		= genldemo_set_nl_policy,
		.maxattr	= GENLDEMO_A_ENTRY_META,
		.flags		= GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group genldemo_nl_mcgrps[] = {
	[GENLDEMO_NLGRP_EVENTS] = { "events", },
};
