/// A message header, nest or attribute put without checking for room: nlmsg_put(),
/// nlmsg_put_answer(), genlmsg_put(), genlmsg_put_reply() and nla_nest_start*() return NULL
/// when the hdr has no tailroom left, and nla_put*() returns -EMSGSIZE. A NULL header
/// dereferenced (or handed to nlmsg_end/genlmsg_end/nla_nest_end) oopses; an ignored nla_put*()
/// failure sends a message silently missing that attribute. Check each and cancel the message
/// (nlmsg_cancel/genlmsg_cancel) with -EMSGSIZE.
///
/// Same rule as put-unchecked of Netlink Workbench's lint (docs/lint-rules.md).
// Confidence: High
// Copyright: (C) 2026 Netlink Workbench contributors. GPL-2.0
// Comments: Functions that accept NULL (the skb frees, nla_nest_cancel, IS_ERR*, WARN_ON*,
//  BUG_ON, likely/unlikely) are no use; returning or storing the pointer is none either.
// Options: --no-includes --include-headers

virtual report
virtual context
virtual org

@start@
expression hdr;
identifier putter = {nlmsg_put, nlmsg_put_answer, genlmsg_put, genlmsg_put_reply,
	nla_nest_start, nla_nest_start_noflag};
position ph;
@@

hdr = putter@ph(...)

// Starts tested in the condition that makes them.
@checked_here@
expression start.hdr;
identifier start.putter;
position start.ph, ok;
@@

(
 (hdr = putter@ph@ok(...)) == NULL
|
 (hdr = putter@ph@ok(...)) != NULL
|
 !(hdr = putter@ph@ok(...))
)

@use depends on !context && (report || org) exists@
expression start.hdr, e;
identifier start.putter;
identifier nullsafe = {kfree_skb, kfree_skb_reason, nlmsg_free, consume_skb, kfree,
	dev_kfree_skb, dev_kfree_skb_any, dev_kfree_skb_irq, dev_consume_skb_any, nla_nest_cancel,
	IS_ERR, IS_ERR_OR_NULL, PTR_ERR_OR_ZERO, likely, unlikely, WARN_ON, WARN_ON_ONCE, BUG_ON};
position start.ph != checked_here.ok;
position p;
identifier f, fld;
@@

hdr = putter@ph(...)
... when != hdr = e
(
hdr == NULL
|
hdr != NULL
|
!hdr
|
nullsafe(..., hdr, ...)
|
hdr@p->fld
|
 *hdr@p
|
f(..., hdr@p, ...)
)

@use_context depends on context exists@
identifier f, fld;
expression start.hdr, e;
identifier start.putter;
identifier nullsafe = {kfree_skb, kfree_skb_reason, nlmsg_free, consume_skb, kfree,
	dev_kfree_skb, dev_kfree_skb_any, dev_kfree_skb_irq, dev_consume_skb_any, nla_nest_cancel,
	IS_ERR, IS_ERR_OR_NULL, PTR_ERR_OR_ZERO, likely, unlikely, WARN_ON, WARN_ON_ONCE, BUG_ON};
position start.ph != checked_here.ok;
@@

hdr = putter@ph(...)
... when != hdr = e
(
hdr == NULL
|
hdr != NULL
|
!hdr
|
nullsafe(..., hdr, ...)
|
* hdr->fld
|
* *hdr
|
* f(..., hdr, ...)
)

@script:python depends on report@
ph << start.ph;
p << use.p;
@@

coccilib.report.print_report(p[0], "header or nest from line %s used without a NULL check: it is NULL when the skb has no room" % ph[0].line)

@script:python depends on org@
ph << start.ph;
p << use.p;
@@

cocci.print_main("header or nest used without a NULL check", p)
cocci.print_secs("put here", ph)

// A put whose result nobody looks at: an attribute's -EMSGSIZE, a header's or nest's NULL.
@ignored@
identifier attrput =~ "^(nla_put|nla_put_.*|nla_append|nlmsg_put|nlmsg_put_answer|genlmsg_put|genlmsg_put_reply|nla_nest_start|nla_nest_start_noflag)$";
position pi;
@@

(
nla_put_failure(...);
|
attrput@pi(...);
)

@ignored_context depends on context@
position ignored.pi;
identifier attrput;
@@

* attrput@pi(...);

@script:python depends on report@
pi << ignored.pi;
@@

coccilib.report.print_report(pi[0], "put's result ignored: when the skb has no room the message goes out without it")

@script:python depends on org@
pi << ignored.pi;
@@

cocci.print_main("put's result ignored", pi)
