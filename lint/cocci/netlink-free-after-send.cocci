/// An skb freed or used after netlink took it: netlink_unicast(), nlmsg_unicast(),
/// genlmsg_unicast(), genlmsg_reply(), rtnl_unicast(), rtnl_notify(), netlink_broadcast*(),
/// nlmsg_multicast*(), genlmsg_multicast*(), genl_notify() and nlmsg_notify() own the skb from
/// the call on, on success and on failure. Freeing it afterwards (on the error path, or at a
/// shared unwind label reached by goto) is a double free, reading it a use after free, sending
/// it again (a loop around one send) both. After a failed send, return the error.
///
/// Same rule as skb-free-after-send of Netlink Workbench's lint (docs/lint-rules.md).
// Confidence: High
// Copyright: (C) 2026 Netlink Workbench contributors. GPL-2.0
// Comments: An skb_get() or refcount_inc(&skb->users) before the send keeps a reference
//  for the caller (not reported).
//  Assigning the pointer after the send (skb = NULL) ends the check on that path.
// Options: --no-includes --include-headers

virtual report
virtual context
virtual org

// The send, by the argument position of the skb in each function.
@send@
expression skb, e1, e2;
identifier second = {netlink_unicast, nlmsg_unicast, genlmsg_unicast, netlink_broadcast,
	netlink_broadcast_filtered, nlmsg_multicast, nlmsg_multicast_filtered, nlmsg_notify,
	genlmsg_multicast, genlmsg_multicast_allns, genl_notify};
identifier first = {genlmsg_reply, rtnl_unicast, rtnl_notify};
position ps;
@@

(
second@ps(e1, skb, ...)
|
first@ps(skb, ...)
|
genlmsg_multicast_netns@ps(e1, e2, skb, ...)
)

// A reference taken before the send (skb_get, or ->users raised by hand as af_netlink.c does)
// is the caller's to drop.
@extra_ref exists@
expression send.skb;
position send.ps, ok;
identifier f;
@@

(
skb_get(skb)
|
refcount_inc(&skb->users)
)
...
f@ps@ok(...)

@after depends on !context && (report || org) exists@
expression send.skb, e;
position send.ps != extra_ref.ok;
position p;
identifier f, g, fld;
@@

f@ps(...)
...
(
skb = e
|
skb@p->fld
|
 *skb@p
|
g(..., skb@p, ...)
)

@after_context depends on context exists@
expression send.skb, e;
position send.ps != extra_ref.ok;
identifier f, g, fld;
@@

f@ps(...)
...
(
skb = e
|
* skb->fld
|
* *skb
|
* g(..., skb, ...)
)

@script:python depends on report@
ps << send.ps;
p << after.p;
@@

coccilib.report.print_report(p[0], "skb used or freed after it was sent on line %s: netlink owns it from the send on, on success and on failure" % ps[0].line)

@script:python depends on org@
ps << send.ps;
p << after.p;
@@

cocci.print_main("skb used or freed after its send", p)
cocci.print_secs("sent here", ps)
