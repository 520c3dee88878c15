// The kernel functions the checks know, by what they do to an skb or a pointer. Facts from the kernel's headers
// (include/net/netlink.h, include/net/genetlink.h, include/linux/rtnetlink.h, net/netlink/af_netlink.c) as of 6.12.

/**
 * Functions that take ownership of the skb passed at the given argument position, on success and on failure
 * (netlink-facts.md: "Who owns an skb you send").
 */
export const SENDS: ReadonlyMap<string, number> = new Map([
  ['netlink_unicast', 1],
  ['nlmsg_unicast', 1],
  ['genlmsg_unicast', 1],
  ['genlmsg_reply', 0],
  ['rtnl_unicast', 0],
  ['rtnl_notify', 0],
  ['netlink_broadcast', 1],
  ['netlink_broadcast_filtered', 1],
  ['nlmsg_multicast', 1],
  ['nlmsg_multicast_filtered', 1],
  ['nlmsg_notify', 1],
  ['genlmsg_multicast', 1],
  ['genlmsg_multicast_netns', 2],
  ['genlmsg_multicast_allns', 1],
  ['genl_notify', 1],
]);

/** Functions that free the skb (or any pointer) passed first; all of them accept NULL. */
export const FREES: ReadonlySet<string> = new Set([
  'kfree_skb',
  'kfree_skb_reason',
  'nlmsg_free',
  'consume_skb',
  'kfree',
  'dev_kfree_skb',
  'dev_kfree_skb_any',
  'dev_kfree_skb_irq',
  'dev_consume_skb_any',
]);

/** skb allocators that return NULL on failure. */
export const SKB_ALLOCS: ReadonlySet<string> = new Set(['nlmsg_new', 'genlmsg_new', 'alloc_skb']);

/** Header and nest starts that return NULL when the skb has no room. */
export const PUTS: ReadonlySet<string> = new Set([
  'nlmsg_put',
  'nlmsg_put_answer',
  'genlmsg_put',
  'genlmsg_put_reply',
  'nla_nest_start',
  'nla_nest_start_noflag',
]);

/** Message header starts (after which attributes need an end before the send). */
export const HEADER_PUTS: ReadonlySet<string> = new Set([
  'nlmsg_put',
  'nlmsg_put_answer',
  'genlmsg_put',
  'genlmsg_put_reply',
]);
export const HEADER_ENDS: ReadonlySet<string> = new Set(['nlmsg_end', 'genlmsg_end']);
export const HEADER_CANCELS: ReadonlySet<string> = new Set(['nlmsg_cancel', 'genlmsg_cancel', 'nlmsg_trim']);

/** Adds an attribute to the skb given first; returns non-zero (-EMSGSIZE) when it does not fit. */
export function isAttrPut(name: string): boolean {
  return name === 'nla_put' || (name.startsWith('nla_put_') && name !== 'nla_put_failure') || name === 'nla_append';
}

/** Functions that accept a NULL pointer argument (so passing an unchecked one is no dereference). */
export const NULL_SAFE: ReadonlySet<string> = new Set([
  ...FREES,
  'nla_nest_cancel',
  'IS_ERR',
  'IS_ERR_OR_NULL',
  'PTR_ERR_OR_ZERO',
  'likely',
  'unlikely',
  'WARN_ON',
  'WARN_ON_ONCE',
  'BUG_ON',
]);

/** Macros that wrap a condition without changing its truth. */
export const CONDITION_WRAPPERS: ReadonlySet<string> = new Set(['likely', 'unlikely', 'WARN_ON', 'WARN_ON_ONCE']);

/**
 * Functions outside the tables that may keep or pass on an skb (queue it, transmit it, hand it to the stack or a
 * helper that sends): after one, the function no longer owns it for the leak check. By name, as the kernel names
 * them; an unknown filler (`*_fill_*`, `nla_put*`) does not match and leaves the skb owned.
 */
export const MAY_TAKE_SKB =
  /(send|unicast|multicast|mcast|notify|broadcast|reply|queue|xmit|(^|_)tx(_|$)|rcv|receive|netif_rx|gro_|enqueue|free|consume|drop|put_skb|skb_get|_tail|_head|deliver|complete|transmit|nfnetlink|ack)/;

/** Kernel macros that expand to a loop header; tree-sitter sees a call followed by the loop body. */
export function isIteratorMacro(name: string): boolean {
  return /(^|_)for_each(_|$)|_foreach(_|$)|^nla_for_each|^nlmsg_for_each|^hlist_for_each|^list_for_each/.test(name);
}

/** Accessors of a received message's payload: bytes from user space, not NUL-terminated. */
export const PAYLOADS: ReadonlySet<string> = new Set(['nlmsg_data', 'genlmsg_data', 'nla_data']);

/** printf-like functions: the index of their format argument. */
export function formatIndex(name: string): number | undefined {
  if (name === 'printk' || name === 'trace_printk' || name === 'panic') return 0;
  if (/^pr_(emerg|alert|crit|err|warn|warning|notice|info|debug|devel|cont)(_once|_ratelimited)?$/.test(name)) return 0;
  if (/^(dev|netdev|netif)_(emerg|alert|crit|err|warn|notice|info|dbg|printk)(_once|_ratelimited)?$/.test(name))
    return name.startsWith('netif_') ? 2 : 1;
  if (name === 'sprintf' || name === 'seq_printf' || name === 'kasprintf') return 1;
  if (name === 'snprintf' || name === 'scnprintf' || name === 'vsnprintf') return 2;
  if (name === 'NL_SET_ERR_MSG_FMT' || name === 'NL_SET_ERR_MSG_FMT_MOD') return 1;
  return undefined;
}

/** String functions that read until a NUL. */
export const STRING_READERS: ReadonlySet<string> = new Set([
  'strlen',
  'strcpy',
  'strcat',
  'strcmp',
  'strcasecmp',
  'strstr',
  'strchr',
  'strrchr',
  'strdup',
  'kstrdup',
  'strlcpy',
  'sscanf',
  'simple_strtoul',
  'simple_strtol',
  'simple_strtoull',
  'simple_strtoll',
]);

export function isStringReader(name: string): boolean {
  return STRING_READERS.has(name) || /^kstrto/.test(name);
}

/** Setting an ext-ack message or attribute. */
export function isExtackSetter(name: string): boolean {
  return /^(NL_SET_ERR_MSG|GENL_SET_ERR_MSG|NL_SET_BAD_ATTR|NL_SET_ERR_ATTR|NL_REQ_ATTR_CHECK|GENL_REQ_ATTR_CHECK)/.test(
    name,
  );
}

/** Errors a request's validation returns: the ones a user wants a reason for. */
export const VALIDATION_ERRORS: ReadonlySet<string> = new Set(['EINVAL', 'ERANGE']);
