// The rules: id, severity, and the kernel fact behind each. One table; docs/lint-rules.md explains the same rules
// for readers (the language server links each finding's rule id there).

export type RuleId =
  | 'skb-free-after-send'
  | 'alloc-unchecked'
  | 'put-unchecked'
  | 'skb-leak'
  | 'payload-as-string'
  | 'missing-end'
  | 'error-without-extack';

export interface Rule {
  readonly id: RuleId;
  readonly severity: 'error' | 'warning' | 'hint';
  readonly title: string;
  readonly explanation: string;
}

export const RULES: readonly Rule[] = [
  {
    id: 'skb-free-after-send',
    severity: 'error',
    title: 'skb freed or used after netlink took it',
    explanation:
      'netlink_unicast(), nlmsg_unicast(), genlmsg_unicast(), genlmsg_reply(), rtnl_unicast(), rtnl_notify(), ' +
      'netlink_broadcast(), nlmsg_multicast(), genlmsg_multicast*(), genl_notify() and nlmsg_notify() own the skb ' +
      'from the call on, on success and on failure: netlink_unicast() frees it itself for an unknown port id, a ' +
      'filter drop or a full receive buffer. Freeing it afterwards (kfree_skb, nlmsg_free, consume_skb, kfree) is a ' +
      'double free, reading it a use after free, sending it again both. Free the skb yourself only on paths where ' +
      'it was never handed over; after a failed send, return the error.',
  },
  {
    id: 'alloc-unchecked',
    severity: 'error',
    title: 'skb allocation used without a NULL check',
    explanation:
      'nlmsg_new(), genlmsg_new() and alloc_skb() return NULL when memory is short (GFP_ATOMIC callers see it ' +
      'often). The first use of the result (nlmsg_put, skb_put, a dereference) then oopses. Check the result and ' +
      'return -ENOMEM (or go to the unwind that frees what came before).',
  },
  {
    id: 'put-unchecked',
    severity: 'error',
    title: 'header, nest or attribute put without checking for room',
    explanation:
      'nlmsg_put(), genlmsg_put() and nla_nest_start*() return NULL when the skb has no tailroom left, and ' +
      'nla_put*() returns -EMSGSIZE. A NULL header dereferenced oopses; an ignored nla_put*() failure sends a ' +
      'message silently missing that attribute (or, in a dump, drops it instead of continuing on the next skb). ' +
      'Check each and cancel the message (nlmsg_cancel/genlmsg_cancel) with -EMSGSIZE.',
  },
  {
    id: 'skb-leak',
    severity: 'warning',
    title: 'allocated skb leaked on a return path',
    explanation:
      'An skb from nlmsg_new()/genlmsg_new()/alloc_skb() belongs to the function until it is sent (the send takes ' +
      'it), freed (nlmsg_free/kfree_skb), returned or stored. A return that reaches none of these (typically an ' +
      'error return added between the allocation and the send) leaks the skb and its data.',
  },
  {
    id: 'payload-as-string',
    severity: 'warning',
    title: 'message payload read as a C string',
    explanation:
      'nlmsg_data(), genlmsg_data() and nla_data() point at bytes user space sent: nothing makes them ' +
      'NUL-terminated, and nlmsg_len()/nla_len() is their only bound. Printing them with %s or passing them to ' +
      'strlen/strcpy/strcmp/kstrto* reads past the message (into the next one or off the skb). Print with %.*s ' +
      'and the length, copy with nla_strscpy(), compare with nla_strcmp(), or declare the attribute NLA_NUL_STRING.',
  },
  {
    id: 'missing-end',
    severity: 'warning',
    title: 'message sent without nlmsg_end()/genlmsg_end()',
    explanation:
      'nlmsg_put() sets nlmsg_len to the header and fixed payload only; attributes added after it are counted ' +
      'only when nlmsg_end()/genlmsg_end() updates nlmsg_len. Sent without it, the receiver sees a message that ' +
      'ends before its attributes.',
  },
  {
    id: 'error-without-extack',
    severity: 'hint',
    title: 'validation error without an extack message',
    explanation:
      'A generic netlink doit or an rtnetlink handler that rejects a request with -EINVAL/-ERANGE can say why ' +
      'through extended ack (NL_SET_ERR_MSG*, GENL_SET_ERR_MSG*, NL_SET_BAD_ATTR*): user space (iproute2, ynl) ' +
      'prints it next to the error. Without it the user sees only "Invalid argument".',
  },
];

export const RULE_BY_ID: ReadonlyMap<RuleId, Rule> = new Map(RULES.map((r) => [r.id, r]));
