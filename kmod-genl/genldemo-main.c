// SPDX-License-Identifier: GPL-2.0
/*
 * genldemo: a generic netlink family serving a table of named counters.
 *
 * The family's messages are described by genldemo.yaml. From it the kernel's
 * ynl-gen-c generates the attribute policies and the ops table
 * (genldemo-nl.[ch]) and the uapi header (include/uapi/linux/genldemo.h);
 * this file holds what a generator cannot know: the table, the handlers the
 * ops table names, and the family's registration.
 *
 *  - GENLDEMO_CMD_GET, do:   one entry by GENLDEMO_A_ENTRY_ID, as attributes.
 *  - GENLDEMO_CMD_GET, dump: every entry; the table does not fit one reply
 *    buffer, so the dump comes in several parts (cb->args[0] is where the
 *    next part starts).
 *  - GENLDEMO_CMD_SET, do:   changes an entry (CAP_NET_ADMIN); the changed
 *    entry goes to the "events" multicast group as GENLDEMO_CMD_CHANGED.
 *
 * The attributes were validated against the op's policy before a handler runs
 * (ranges and lengths from the spec's `checks`); a handler checks only what
 * a policy cannot say: which attributes are required.
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <net/genetlink.h>

#include "genldemo-nl.h"

#define GENLDEMO_NOTE_LEN 31

struct genldemo_entry {
	char name[GENLDEMO_NAME_LEN + 1];
	char note[GENLDEMO_NOTE_LEN + 1];
	u32 value;
	u8 color;
	bool has_meta;
};

/* Entry id N is entries[N - 1]: the policy keeps ids in 1..GENLDEMO_MAX_ENTRIES. */
static struct genldemo_entry entries[GENLDEMO_MAX_ENTRIES];
/* parallel_ops: handlers run concurrently, so the table has its own lock. */
static DEFINE_MUTEX(entries_lock);

static const struct genl_multicast_group genldemo_mcgrps[] = {
	[GENLDEMO_NLGRP_EVENTS] = { .name = GENLDEMO_MCGRP_EVENTS, },
};

static struct genl_family genldemo_family;

static int genldemo_fill_entry(struct sk_buff *skb, u32 id)
{
	const struct genldemo_entry *e = &entries[id - 1];
	struct nlattr *meta;

	if (nla_put_u32(skb, GENLDEMO_A_ENTRY_ID, id) ||
	    nla_put_string(skb, GENLDEMO_A_ENTRY_NAME, e->name) ||
	    nla_put_u32(skb, GENLDEMO_A_ENTRY_VALUE, e->value))
		return -EMSGSIZE;
	if (!e->has_meta)
		return 0;
	meta = nla_nest_start(skb, GENLDEMO_A_ENTRY_META);
	if (!meta)
		return -EMSGSIZE;
	if (nla_put_u8(skb, GENLDEMO_A_META_COLOR, e->color) ||
	    nla_put_string(skb, GENLDEMO_A_META_NOTE, e->note)) {
		nla_nest_cancel(skb, meta);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, meta);
	return 0;
}

/* One entry as a message of its own: the reply to a get, or a notification. */
static struct sk_buff *genldemo_entry_msg(struct genl_info *info, u8 cmd,
					  u32 id)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(GENLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return ERR_PTR(-ENOMEM);
	if (info)
		hdr = genlmsg_put_reply(msg, info, &genldemo_family, 0, cmd);
	else
		hdr = genlmsg_put(msg, 0, 0, &genldemo_family, 0, cmd);
	if (!hdr || genldemo_fill_entry(msg, id)) {
		nlmsg_free(msg);
		return ERR_PTR(-EMSGSIZE);
	}
	genlmsg_end(msg, hdr);
	return msg;
}

int genldemo_nl_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	u32 id;

	/* Sets the ext-ack's missing-attribute type for the caller. */
	if (GENL_REQ_ATTR_CHECK(info, GENLDEMO_A_ENTRY_ID))
		return -EINVAL;
	id = nla_get_u32(info->attrs[GENLDEMO_A_ENTRY_ID]);

	mutex_lock(&entries_lock);
	msg = genldemo_entry_msg(info, GENLDEMO_CMD_GET, id);
	mutex_unlock(&entries_lock);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	return genlmsg_reply(msg, info);
}

int genldemo_nl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	unsigned long id;
	void *hdr;

	mutex_lock(&entries_lock);
	/* cb->args[0]: the last id sent in an earlier part of this dump. */
	for (id = cb->args[0] + 1; id <= GENLDEMO_MAX_ENTRIES; id++) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &genldemo_family,
				  NLM_F_MULTI, GENLDEMO_CMD_GET);
		if (!hdr)
			break;
		if (genldemo_fill_entry(skb, id)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = id;
	}
	mutex_unlock(&entries_lock);
	/* A non-empty part asks for another; an empty one ends the dump. */
	return skb->len;
}

static int genldemo_set_meta(struct genldemo_entry *e, const struct nlattr *nest,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[GENLDEMO_A_META_MAX + 1];
	int err;

	err = nla_parse_nested(tb, GENLDEMO_A_META_MAX, nest,
			       genldemo_meta_nl_policy, extack);
	if (err)
		return err;
	if (tb[GENLDEMO_A_META_COLOR])
		e->color = nla_get_u8(tb[GENLDEMO_A_META_COLOR]);
	if (tb[GENLDEMO_A_META_NOTE])
		nla_strscpy(e->note, tb[GENLDEMO_A_META_NOTE], sizeof(e->note));
	e->has_meta = true;
	return 0;
}

int genldemo_nl_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct genldemo_entry *e;
	struct sk_buff *msg;
	int err = 0;
	u32 id;

	if (GENL_REQ_ATTR_CHECK(info, GENLDEMO_A_ENTRY_ID))
		return -EINVAL;
	id = nla_get_u32(info->attrs[GENLDEMO_A_ENTRY_ID]);
	e = &entries[id - 1];

	mutex_lock(&entries_lock);
	if (info->attrs[GENLDEMO_A_ENTRY_META])
		err = genldemo_set_meta(e, info->attrs[GENLDEMO_A_ENTRY_META],
					info->extack);
	if (!err && info->attrs[GENLDEMO_A_ENTRY_NAME])
		nla_strscpy(e->name, info->attrs[GENLDEMO_A_ENTRY_NAME],
			    sizeof(e->name));
	if (!err && info->attrs[GENLDEMO_A_ENTRY_VALUE])
		e->value = nla_get_u32(info->attrs[GENLDEMO_A_ENTRY_VALUE]);
	msg = err ? NULL : genldemo_entry_msg(NULL, GENLDEMO_CMD_CHANGED, id);
	mutex_unlock(&entries_lock);
	if (err)
		return err;
	/* The change is made; a notification that cannot be built is lost, not the change. */
	if (!IS_ERR(msg))
		genlmsg_multicast(&genldemo_family, msg, 0,
				  GENLDEMO_NLGRP_EVENTS, GFP_KERNEL);
	return 0;
}

static struct genl_family genldemo_family __ro_after_init = {
	.name		= GENLDEMO_FAMILY_NAME,
	.version	= GENLDEMO_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= genldemo_nl_ops,
	.n_ops		= ARRAY_SIZE(genldemo_nl_ops),
	.mcgrps		= genldemo_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(genldemo_mcgrps),
};

static int __init genldemo_init(void)
{
	u32 id;

	for (id = 1; id <= GENLDEMO_MAX_ENTRIES; id++) {
		snprintf(entries[id - 1].name, sizeof(entries[id - 1].name),
			 "entry-%u", id);
		entries[id - 1].value = id * 10;
	}
	return genl_register_family(&genldemo_family);
}

static void __exit genldemo_exit(void)
{
	genl_unregister_family(&genldemo_family);
}

module_init(genldemo_init);
module_exit(genldemo_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Generic netlink family template: a table of named counters");
