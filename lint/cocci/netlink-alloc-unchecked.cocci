/// An skb allocation used without a NULL check: nlmsg_new(), genlmsg_new() and alloc_skb()
/// return NULL when memory is short (GFP_ATOMIC callers see it often). The first use of the
/// result (nlmsg_put, skb_put, a dereference) then oopses. Check the result and return -ENOMEM.
///
/// Same rule as alloc-unchecked of Netlink Workbench's lint (docs/lint-rules.md).
// Confidence: High
// Copyright: (C) 2026 Netlink Workbench contributors. GPL-2.0
// Comments: Functions that accept NULL (the skb frees, nla_nest_cancel, IS_ERR*, WARN_ON*,
//  BUG_ON, likely/unlikely) are no use; returning or storing the pointer is none either.
//  __GFP_NOFAIL allocations are not reported.
// Options: --no-includes --include-headers

virtual report
virtual context
virtual org

@alloc@
expression skb;
identifier allocator = {nlmsg_new, genlmsg_new, alloc_skb};
position pa;
@@

skb = allocator@pa(...)

// Allocations that cannot fail, and ones tested in the condition that makes them.
@checked_here@
expression alloc.skb;
identifier alloc.allocator;
position alloc.pa, ok;
@@

(
allocator@pa@ok(..., <+... __GFP_NOFAIL ...+>)
|
 (skb = allocator@pa@ok(...)) == NULL
|
 (skb = allocator@pa@ok(...)) != NULL
|
 !(skb = allocator@pa@ok(...))
)

@use depends on !context && (report || org) exists@
expression alloc.skb, e;
identifier alloc.allocator;
identifier nullsafe = {kfree_skb, kfree_skb_reason, nlmsg_free, consume_skb, kfree,
	dev_kfree_skb, dev_kfree_skb_any, dev_kfree_skb_irq, dev_consume_skb_any, nla_nest_cancel,
	IS_ERR, IS_ERR_OR_NULL, PTR_ERR_OR_ZERO, likely, unlikely, WARN_ON, WARN_ON_ONCE, BUG_ON};
position alloc.pa != checked_here.ok;
position p;
identifier f, fld;
@@

skb = allocator@pa(...)
... when != skb = e
(
skb == NULL
|
skb != NULL
|
!skb
|
nullsafe(..., skb, ...)
|
skb@p->fld
|
 *skb@p
|
f(..., skb@p, ...)
)

@use_context depends on context exists@
identifier f, fld;
expression alloc.skb, e;
identifier alloc.allocator;
identifier nullsafe = {kfree_skb, kfree_skb_reason, nlmsg_free, consume_skb, kfree,
	dev_kfree_skb, dev_kfree_skb_any, dev_kfree_skb_irq, dev_consume_skb_any, nla_nest_cancel,
	IS_ERR, IS_ERR_OR_NULL, PTR_ERR_OR_ZERO, likely, unlikely, WARN_ON, WARN_ON_ONCE, BUG_ON};
position alloc.pa != checked_here.ok;
@@

skb = allocator@pa(...)
... when != skb = e
(
skb == NULL
|
skb != NULL
|
!skb
|
nullsafe(..., skb, ...)
|
* skb->fld
|
* *skb
|
* f(..., skb, ...)
)

@script:python depends on report@
pa << alloc.pa;
p << use.p;
@@

coccilib.report.print_report(p[0], "skb from line %s used without a NULL check: the allocation returns NULL when memory is short" % pa[0].line)

@script:python depends on org@
pa << alloc.pa;
p << use.p;
@@

cocci.print_main("skb used without a NULL check", p)
cocci.print_secs("allocated here", pa)
