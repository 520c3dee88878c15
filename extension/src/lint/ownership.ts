// The dataflow over one function's CFG: each tracked pointer's facts (state.ts) path by path, and the findings of
// rules 1-4, 6 and 7 where a statement meets a fact that makes it wrong. Runs to a fixpoint first, then once more
// over every node with its final state to report (so a finding reflects every path that reaches the statement).
import type { Cfg, CfgNode } from './cfg';
import type { FindingSet } from './findings';
import {
  CONDITION_WRAPPERS,
  FREES,
  HEADER_CANCELS,
  HEADER_ENDS,
  HEADER_PUTS,
  isAttrPut,
  isExtackSetter,
  MAY_TAKE_SKB,
  NULL_SAFE,
  PUTS,
  SENDS,
  SKB_ALLOCS,
  VALIDATION_ERRORS,
} from './kernelApi';
import { EXTACK, State } from './state';
import { child, position, unwrap, type SyntaxNode } from './syntax';
import { walk } from './walk';

export interface FunctionInfo {
  readonly text: string;
  /** Parameters and locals declared `struct sk_buff *`. */
  readonly skbParams: readonly string[];
  /** A generic netlink doit or rtnetlink handler: rule 7 applies. */
  readonly handler: boolean;
  /** Offset where an implicit return (the closing brace) is reported. */
  readonly endOffset: number;
  /** Variables this function uses as netlink messages (puts a header or attribute in, sends). */
  readonly netlinkSkbs: ReadonlySet<string>;
  /** Variables whose reference count the function manages itself (skb_get, refcount_inc of ->users): not followed. */
  readonly refcounted: ReadonlySet<string>;
  /** Line starts of the text (syntax.ts lineStarts). */
  readonly lines: readonly number[];
}

/** Transitions limit per function: a pathological body stops here instead of running long. */
const MAX_STEPS = 200_000;

export function analyzeOwnership(cfg: Cfg, info: FunctionInfo, out: FindingSet): void {
  const a = new Analyzer(info, out);
  const initial = new State();
  for (const p of info.skbParams)
    if (!info.refcounted.has(p)) initial.set(p, [{ own: 'none', nul: 'unk', msg: 'none', at: 0 }]);
  if (info.handler) initial.setFlags(EXTACK, ['unset']);
  const states: (State | undefined)[] = new Array<State | undefined>(cfg.nodes.length);
  states[cfg.entry] = initial;
  const work = [cfg.entry];
  const queued = new Set(work);
  let steps = 0;
  while (work.length > 0) {
    if (++steps > MAX_STEPS) break;
    const id = work.pop()!;
    queued.delete(id);
    const node = cfg.nodes[id]!;
    for (const [succ, s] of a.transfer(node, states[id]!, false)) {
      const prev = states[succ];
      if (!prev) states[succ] = s;
      else if (!prev.joinFrom(s)) continue;
      if (!queued.has(succ)) {
        queued.add(succ);
        work.push(succ);
      }
    }
  }
  for (const node of cfg.nodes) {
    const s = states[node.id];
    if (s) a.transfer(node, s, true);
  }
}

/** Calls after which their condition is known to hold (BUG_ON's is known false). */
const ASSERTS: ReadonlySet<string> = new Set([
  'BUG_ON',
  'KUNIT_ASSERT_NOT_NULL',
  'KUNIT_ASSERT_NOT_ERR_OR_NULL',
  'KUNIT_ASSERT_TRUE',
]);

class Analyzer {
  private report = false;
  constructor(
    private readonly info: FunctionInfo,
    private readonly out: FindingSet,
  ) {}

  private text(n: SyntaxNode): string {
    return this.info.text.slice(n.start, n.end);
  }

  private line(offset: number): number {
    return position(this.info.lines, offset).line;
  }

  private callName(call: SyntaxNode): string | undefined {
    const fn = child(call, 'function');
    return fn?.type === 'identifier' ? this.text(fn) : undefined;
  }

  /** The node's successors and the state each gets. */
  transfer(node: CfgNode, input: State, report: boolean): [number, State][] {
    this.report = report;
    const s = input.clone();
    switch (node.kind) {
      case 'stmt':
        if (node.ast) this.statement(node.ast, s);
        return node.succ.map((n) => [n, s]);
      case 'cond': {
        if (!node.ast) return node.succ.map((n) => [n, s]);
        const { t, f } = this.condition(node.ast, s);
        const res: [number, State][] = [];
        if (t && !t.infeasible()) res.push([node.succ[0]!, t]);
        if (f && !f.infeasible() && node.succ[1] !== undefined) res.push([node.succ[1], f]);
        return res;
      }
      case 'return':
        this.returnAt(node.ast, s);
        return node.succ.map((n) => [n, s]);
      default:
        return node.succ.map((n) => [n, s]);
    }
  }

  private statement(n: SyntaxNode, s: State): void {
    if (n.type === 'declaration') {
      for (const d of n.children) {
        if (d.type !== 'init_declarator') continue;
        const name = this.declaredName(child(d, 'declarator'));
        const value = child(d, 'value');
        if (value) this.eval(value, s);
        if (name && value) this.assign(name, value, s);
      }
      return;
    }
    for (const c of n.children) this.eval(c, s);
  }

  private declaredName(d: SyntaxNode | undefined): string | undefined {
    let n = d;
    while (n && n.type !== 'identifier') n = child(n, 'declarator');
    return n ? this.text(n) : undefined;
  }

  /** Evaluates an expression for its effects, in C's order where it matters (arguments before the call). */
  private eval(n: SyntaxNode, s: State): void {
    switch (n.type) {
      case 'call_expression':
        return this.call(n, s);
      case 'assignment_expression': {
        const left = child(n, 'left');
        const right = child(n, 'right');
        if (right) this.eval(right, s);
        if (!left) return;
        const op = n.children.find((c) => c.field === 'operator');
        if (left.type === 'identifier' && right && op && this.text(op) === '=') this.assign(this.text(left), right, s);
        else {
          this.eval(left, s);
          // The length set by hand (((struct nlmsghdr *)skb->data)->nlmsg_len = skb->len): the message is ended.
          if (/nlmsg_len\s*$/.test(this.text(left)))
            for (const c of left.type === 'field_expression' ? [left] : [])
              walk(c, (x) => {
                if (x.type === 'identifier')
                  s.map(this.text(x), (f) => (f.msg === 'attrs' ? { ...f, msg: 'ended' } : f));
              });
          // Stored somewhere else (a field, through a pointer): no longer this function's to free.
          const r = right && unwrap(right);
          if (r?.type === 'identifier') this.escape(this.text(r), s);
        }
        return;
      }
      case 'field_expression': {
        const arg = child(n, 'argument');
        const op = n.children.find((c) => c.field === 'operator');
        if (arg) {
          const base = unwrap(arg);
          if (base.type === 'identifier' && op && this.text(op) === '->') this.use(this.text(base), n, s, 'deref');
          else this.eval(arg, s);
        }
        return;
      }
      case 'pointer_expression': {
        const arg = child(n, 'argument');
        const op = n.children.find((c) => c.field === 'operator');
        if (!arg) return;
        const base = unwrap(arg);
        if (op && this.text(op) === '&' && base.type === 'identifier') this.escape(this.text(base), s);
        else if (op && this.text(op) === '*' && base.type === 'identifier') this.use(this.text(base), n, s, 'deref');
        else this.eval(arg, s);
        return;
      }
      case 'subscript_expression': {
        const arg = child(n, 'argument');
        const base = arg && unwrap(arg);
        if (base?.type === 'identifier') this.use(this.text(base), n, s, 'deref');
        else if (arg) this.eval(arg, s);
        const idx = child(n, 'index');
        if (idx) this.eval(idx, s);
        return;
      }
      case 'conditional_expression': {
        const cond = child(n, 'condition');
        const cons = child(n, 'consequence');
        const alt = child(n, 'alternative');
        const branches = cond ? this.condition(cond, s) : { t: s.clone(), f: s.clone() };
        const t = branches.t ?? s.clone();
        const f = branches.f ?? s.clone();
        if (cons) this.eval(cons, t);
        if (alt) this.eval(alt, f);
        this.replace(s, t, f);
        return;
      }
      case 'binary_expression': {
        const op = n.children.find((c) => c.field === 'operator');
        const o = op && this.text(op);
        if (o === '&&' || o === '||') {
          const { t, f } = this.condition(n, s);
          this.replace(s, t ?? s.clone(), f ?? s.clone());
          return;
        }
        for (const c of n.children) if (c.field !== 'operator') this.eval(c, s);
        return;
      }
      case 'sizeof_expression':
      case 'alignof_expression':
      case 'string_literal':
      case 'concatenated_string':
      case 'number_literal':
      case 'char_literal':
      case 'identifier':
      case 'comment':
        return;
      default:
        for (const c of n.children) this.eval(c, s);
    }
  }

  /** s := t ∪ f (both branches of a conditional expression rejoin). */
  private replace(s: State, t: State, f: State): void {
    const joined = t.clone();
    joined.joinFrom(f);
    s.vars.clear();
    for (const [k, v] of joined.vars) s.vars.set(k, v);
  }

  private assign(name: string, value: SyntaxNode, s: State): void {
    if (this.info.refcounted.has(name)) return;
    const v = unwrap(value);
    if (v.type === 'call_expression') {
      const fn = this.callName(v);
      if (fn && SKB_ALLOCS.has(fn)) {
        const nofail = this.text(v).includes('__GFP_NOFAIL');
        s.set(name, [{ own: 'alloc', nul: nofail ? 'nonnull' : 'ua', msg: 'none', at: v.start }]);
        return;
      }
      if (fn && PUTS.has(fn)) {
        s.set(name, [{ own: 'none', nul: 'up', msg: 'none', at: v.start }]);
        return;
      }
    }
    if (v.type === 'identifier' && s.tracked(this.text(v)) && this.text(v) !== name) {
      // An alias takes over: the new name carries the facts, the old one is no longer followed for leaks.
      const from = this.text(v);
      s.set(name, s.facts(from));
      this.escape(from, s);
      return;
    }
    if (v.type === 'null' || (v.type === 'number_literal' && this.text(v) === '0')) {
      if (s.tracked(name)) s.set(name, [{ own: 'none', nul: 'null', msg: 'none', at: 0 }]);
      return;
    }
    if (s.tracked(name) || this.info.skbParams.includes(name))
      s.set(name, [{ own: 'none', nul: 'unk', msg: 'none', at: 0 }]);
  }

  /** The value leaves the function's hands (stored, returned, its address taken). */
  private escape(name: string, s: State): void {
    s.map(name, (f) => (f.own === 'alloc' ? { ...f, own: 'gone' } : f));
  }

  /**
   * `name` is used by `at`: a dereference or an argument of a function that is not NULL-safe. Reports use of an
   * unchecked result (rules 2, 3) and use after the skb was sent (rule 1); after the use, the pointer is taken as
   * non-NULL (a crash would have happened), so one missing check is reported once.
   */
  private use(name: string, at: SyntaxNode, s: State, how: 'deref' | 'arg'): void {
    if (!s.tracked(name)) return;
    for (const f of s.facts(name)) {
      if (f.nul === 'ua' || f.nul === 'up')
        this.find(
          f.nul === 'ua' ? 'alloc-unchecked' : 'put-unchecked',
          at,
          `'${name}' may be NULL here: the result of ${this.callAt(f.at)} (line ${this.line(f.at)}) is not checked`,
          f.at,
        );
      if (f.own === 'sent')
        this.find(
          'skb-free-after-send',
          at,
          `'${name}' is ${how === 'deref' ? 'read' : 'used'} after ${this.callAt(f.at)} (line ${this.line(f.at)}) took it: netlink owns the skb from the send on, even when it fails`,
        );
    }
    s.map(name, (f) => (f.nul === 'ua' || f.nul === 'up' ? { ...f, nul: 'nonnull' } : f));
  }

  /** A netlink message's skb: from nlmsg_new/genlmsg_new, or one this function puts a header or attribute in or sends. */
  private netlinkSkb(v: string, allocAt: number): boolean {
    const fn = this.callAt(allocAt);
    return fn === 'nlmsg_new()' || fn === 'genlmsg_new()' || this.info.netlinkSkbs.has(v);
  }

  private callAt(offset: number): string {
    const m = /^[A-Za-z_]\w*/.exec(this.info.text.slice(offset, offset + 64));
    return m ? `${m[0]}()` : 'the call';
  }

  private find(
    rule:
      'skb-free-after-send' | 'alloc-unchecked' | 'put-unchecked' | 'skb-leak' | 'missing-end' | 'error-without-extack',
    at: SyntaxNode | { start: number; end: number },
    message: string,
    origin?: number,
  ): void {
    if (this.report)
      this.out.add({ rule, start: at.start, end: at.end, message, ...(origin !== undefined ? { origin } : {}) });
  }

  private call(n: SyntaxNode, s: State): void {
    const fn = this.callName(n);
    const argsNode = child(n, 'arguments');
    const args = argsNode ? argsNode.children.filter((c) => c.type !== 'comment') : [];
    if (!fn) {
      const f = child(n, 'function');
      if (f) this.eval(f, s);
    }
    const ident = (i: number): string | undefined => {
      const a = args[i];
      if (!a) return undefined;
      const u = unwrap(a);
      return u.type === 'identifier' ? this.text(u) : undefined;
    };
    // Arguments first; plain identifiers are judged below, by what this call does with them.
    for (const a of args) if (unwrap(a).type !== 'identifier') this.eval(a, s);
    if (fn === undefined) {
      // A call through a function pointer (ops->send(skb)): anything may happen to the skb there.
      for (let i = 0; i < args.length; i++) {
        const v = ident(i);
        if (v) {
          this.use(v, args[i]!, s, 'arg');
          this.escape(v, s);
        }
      }
      return;
    }
    if (ASSERTS.has(fn)) {
      // BUG_ON(!p), KUNIT_ASSERT_NOT_NULL(test, p): past the call the condition holds (or the kernel stopped).
      const cond = fn === 'BUG_ON' ? args[0] : args[1];
      if (cond) {
        const r = this.condition(cond, s);
        const holds = fn === 'BUG_ON' ? r.f : r.t;
        if (holds) this.replace(s, holds, holds);
      }
      return;
    }
    if (isExtackSetter(fn)) s.setFlags(EXTACK, ['set']);
    else if (s.tracked(EXTACK) && /\bextack\b|\binfo\b/.test(argsNode ? this.text(argsNode) : ''))
      // A helper handed the extack (or the genl_info that carries it) may have set a message.
      s.setFlags(EXTACK, [...new Set([...s.flags(EXTACK)].map((x) => (x === 'unset' ? 'maybe' : x)))]);

    const sendPos = SENDS.get(fn);
    if (sendPos !== undefined) {
      const v = ident(sendPos);
      args.forEach((_, i) => {
        const w = ident(i);
        if (w && i !== sendPos) this.use(w, args[i]!, s, 'arg');
      });
      if (!v || !s.tracked(v)) return;
      for (const f of s.facts(v)) {
        if (f.own === 'sent')
          this.find(
            'skb-free-after-send',
            n,
            `'${v}' is sent again after ${this.callAt(f.at)} (line ${this.line(f.at)}) took it: netlink owns the skb from the first send on`,
          );
        else if (f.own === 'freed') this.find('skb-free-after-send', n, `'${v}' is sent after it was freed`);
        if (f.msg === 'attrs')
          this.find(
            'missing-end',
            n,
            `'${v}' is sent with attributes added after the header but no nlmsg_end()/genlmsg_end(): nlmsg_len does not count them`,
          );
        if (f.nul === 'ua')
          this.find(
            'alloc-unchecked',
            args[sendPos]!,
            `'${v}' may be NULL here: the result of ${this.callAt(f.at)} (line ${this.line(f.at)}) is not checked`,
            f.at,
          );
      }
      s.map(v, (f) => (f.nul === 'null' ? f : { own: 'sent', nul: 'nonnull', msg: 'none', at: n.start }));
      return;
    }
    if (FREES.has(fn)) {
      const v = ident(0);
      if (!v || !s.tracked(v)) return;
      for (const f of s.facts(v))
        if (f.own === 'sent' && f.nul !== 'null')
          this.find(
            'skb-free-after-send',
            n,
            `${fn}(${v}) after ${this.callAt(f.at)} (line ${this.line(f.at)}) took the skb: a double free (netlink frees it itself when the send fails)`,
          );
      s.map(v, (f) => (f.own === 'sent' ? f : { ...f, own: 'freed' }));
      return;
    }
    if (fn === 'skb_get') {
      const v = ident(0);
      // An extra reference: the count, not this function, decides when it goes; no longer followed.
      if (v) s.vars.delete(v);
      return;
    }
    const skb = ident(0);
    if (HEADER_PUTS.has(fn) && skb) {
      this.use(skb, args[0]!, s, 'arg');
      s.map(skb, (f) => (f.msg === 'none' || f.msg === 'ended' ? { ...f, msg: 'hdr' } : f));
      return;
    }
    if ((isAttrPut(fn) || fn === 'nla_nest_start' || fn === 'nla_nest_start_noflag') && skb) {
      this.use(skb, args[0]!, s, 'arg');
      s.map(skb, (f) => (f.msg === 'hdr' ? { ...f, msg: 'attrs' } : f));
      return;
    }
    if (HEADER_ENDS.has(fn) && skb) {
      this.use(skb, args[0]!, s, 'arg');
      const hdr = ident(1);
      if (hdr) this.use(hdr, args[1]!, s, 'arg');
      s.map(skb, (f) => ({ ...f, msg: 'ended' }));
      return;
    }
    if (HEADER_CANCELS.has(fn) && skb) {
      this.use(skb, args[0]!, s, 'arg');
      s.map(skb, (f) => ({ ...f, msg: 'none' }));
      return;
    }
    const nullSafe = NULL_SAFE.has(fn);
    // A macro (NF_HOOK, ...) may expand to anything, a send among it.
    const takes = MAY_TAKE_SKB.test(fn) || /^[A-Z0-9_]+$/.test(fn);
    for (let i = 0; i < args.length; i++) {
      const v = ident(i);
      if (!v) continue;
      if (!nullSafe) this.use(v, args[i]!, s, 'arg');
      if (takes) this.escape(v, s);
      // A finished message handed to a helper: it is there to be sent (hwsim_mcast_config_msg(skb, info)).
      else s.map(v, (f) => (f.own === 'alloc' && f.msg === 'ended' ? { ...f, own: 'gone' } : f));
    }
  }

  /** A condition's effects, then the state on its true and false sides (null: that side cannot happen). */
  condition(n: SyntaxNode, s: State): { t: State | null; f: State | null } {
    if (n.type === 'parenthesized_expression') {
      // (a /* comment */) has two children: the expression is the one that is not a comment.
      const inner = n.children.filter((c) => c.type !== 'comment');
      if (inner.length === 1) return this.condition(inner[0]!, s);
    }
    const e = n;
    if (e.type === 'unary_expression') {
      const op = e.children.find((c) => c.field === 'operator');
      const arg = child(e, 'argument');
      if (op && this.text(op) === '!' && arg) {
        const r = this.condition(arg, s);
        return { t: r.f, f: r.t };
      }
    }
    if (e.type === 'binary_expression') {
      const op = e.children.find((c) => c.field === 'operator');
      const o = op && this.text(op);
      const left = child(e, 'left');
      const right = child(e, 'right');
      if ((o === '&&' || o === '||') && left && right) {
        const l = this.condition(left, s);
        if (o === '&&') {
          const r = l.t ? this.condition(right, l.t) : { t: null, f: null };
          return { t: r.t, f: join(l.f, r.f) };
        }
        const r = l.f ? this.condition(right, l.f) : { t: null, f: null };
        return { t: join(l.t, r.t), f: r.f };
      }
      if ((o === '==' || o === '!=') && left && right) {
        const isNull = (x: SyntaxNode): boolean =>
          unwrap(x).type === 'null' || (unwrap(x).type === 'number_literal' && this.text(unwrap(x)) === '0');
        const other = isNull(right) ? left : isNull(left) ? right : undefined;
        if (other) {
          const r = this.condition(other, s);
          return o === '==' ? { t: r.f, f: r.t } : r;
        }
      }
    }
    if (e.type === 'call_expression') {
      const fn = this.callName(e);
      const first = child(e, 'arguments')?.children[0];
      if (fn && first && CONDITION_WRAPPERS.has(fn)) return this.condition(first, s);
      if ((fn === 'IS_ERR_OR_NULL' || fn === 'IS_ERR') && first && unwrap(first).type === 'identifier') {
        const v = this.text(unwrap(first));
        const t = s.clone();
        const f = s.clone();
        t.map(v, (x) => (x.nul === 'nonnull' ? null : { ...x, nul: 'null' }));
        if (fn === 'IS_ERR_OR_NULL') f.map(v, (x) => (x.nul === 'null' ? null : { ...x, nul: 'nonnull' }));
        return { t, f };
      }
    }
    // A value tested for truth: evaluate it, then refine the variable it names.
    this.eval(e, s);
    let target = unwrap(e);
    if (target.type === 'assignment_expression') {
      const l = child(target, 'left');
      if (l) target = l;
    }
    if (target.type !== 'identifier') return { t: s, f: s.clone() };
    const v = this.text(target);
    const t = s.clone();
    const f = s.clone();
    t.map(v, (x) => (x.nul === 'null' ? null : { ...x, nul: 'nonnull' }));
    f.map(v, (x) => (x.nul === 'nonnull' ? null : { ...x, nul: 'null' }));
    return { t, f };
  }

  private returnAt(ast: SyntaxNode | null, s: State): void {
    const isEnd = !ast || ast.type !== 'return_statement';
    const value = !isEnd && ast ? ast.children.find((c) => c.type !== 'comment') : undefined;
    if (value) {
      this.eval(value, s);
      // Whatever the returned value is made from (the skb itself, a wrapper around it) leaves with it.
      walk(value, (n) => {
        if (n.type === 'identifier') this.escape(this.text(n), s);
      });
    }
    const where = isEnd ? { start: this.info.endOffset, end: this.info.endOffset + 1 } : ast!;
    for (const [v] of s.vars) {
      if (v === EXTACK) continue;
      for (const f of s.facts(v))
        if (f.own === 'alloc' && f.nul !== 'null' && this.netlinkSkb(v, f.at))
          this.find(
            'skb-leak',
            where,
            `'${v}' allocated by ${this.callAt(f.at)} (line ${this.line(f.at)}) is neither sent, freed, returned nor stored on this path`,
          );
    }
    if (value && s.tracked(EXTACK) && s.flags(EXTACK).has('unset')) {
      const u = unwrap(value);
      const arg = u.type === 'unary_expression' ? child(u, 'argument') : undefined;
      const op = u.type === 'unary_expression' ? u.children.find((c) => c.field === 'operator') : undefined;
      if (arg && op && this.text(op) === '-' && arg.type === 'identifier' && VALIDATION_ERRORS.has(this.text(arg)))
        this.find(
          'error-without-extack',
          ast!,
          `returns -${this.text(arg)} without an extack message on this path: user space sees only the errno`,
        );
    }
  }
}

function join(a: State | null, b: State | null): State | null {
  if (!a) return b;
  if (!b) return a;
  const j = a.clone();
  j.joinFrom(b);
  return j;
}
