// The control-flow graph of one C function, built backwards from its end: each statement is turned into nodes whose
// successor is what follows it. if/else, switch (with fall-through), while/do/for, break/continue, goto and labels,
// returns, and the kernel's iterator macros (`list_for_each_entry(...) { }`: tree-sitter sees a call whose `;` is
// missing, followed by the body) as loops. `#if` / `#ifdef` inside a body becomes a choice between its branches.
import { child, LintInputError, type SyntaxNode } from './syntax';
import { isIteratorMacro } from './kernelApi';

export type CfgKind =
  /** Evaluates `ast` (an expression, a declaration, a loop macro's call). */
  | 'stmt'
  /** Evaluates `ast` as a condition: succ[0] when true, succ[1] when false. */
  | 'cond'
  /** Any of the successors (a switch's cases, a preprocessor branch, a macro loop's body or exit). */
  | 'choice'
  /** A return statement (`ast`), or the end of the body (`ast` the closing brace's body, implicit return). */
  | 'return'
  /** Nothing to evaluate: labels, loop heads, the entry. */
  | 'nop'
  | 'exit';

export interface CfgNode {
  readonly id: number;
  kind: CfgKind;
  ast: SyntaxNode | null;
  succ: number[];
}

export interface Cfg {
  readonly nodes: CfgNode[];
  readonly entry: number;
  readonly exit: number;
}

interface Ctx {
  breakTo: number | null;
  continueTo: number | null;
  /** Label name -> its node (created when first seen, by a goto or by the label). */
  labels: Map<string, number>;
}

/** A CFG can only be so large: a body with more statements than this is refused (bounded time per function). */
export const MAX_CFG_NODES = 100_000;

export class CfgBuilder {
  readonly nodes: CfgNode[] = [];
  constructor(private readonly text: string) {}

  private add(kind: CfgKind, ast: SyntaxNode | null, succ: number[]): number {
    if (this.nodes.length >= MAX_CFG_NODES)
      throw new LintInputError(`function body of more than ${MAX_CFG_NODES} statements`, ast?.start ?? 0);
    const id = this.nodes.length;
    this.nodes.push({ id, kind, ast, succ });
    return id;
  }

  private label(ctx: Ctx, name: string): number {
    let id = ctx.labels.get(name);
    if (id === undefined) {
      id = this.add('nop', null, []);
      ctx.labels.set(name, id);
    }
    return id;
  }

  /** The graph of a function_definition's body. */
  build(body: SyntaxNode): Cfg {
    const exit = this.add('exit', null, []);
    const end = this.add('return', body, [exit]);
    const ctx: Ctx = { breakTo: null, continueTo: null, labels: new Map() };
    const first = this.stmt(body, end, ctx);
    const entry = this.add('nop', null, [first]);
    // A goto to a label that does not exist (a parse error): treat it as the end.
    for (const id of ctx.labels.values()) if (this.nodes[id]!.succ.length === 0) this.nodes[id]!.succ.push(end);
    return { nodes: this.nodes, entry, exit };
  }

  /** Statements of a block, with iterator macros paired with the statement that is their body. */
  private sequence(stmts: readonly SyntaxNode[], next: number, ctx: Ctx): number {
    const items: { stmt: SyntaxNode; body?: SyntaxNode }[] = [];
    for (let i = 0; i < stmts.length; i++) {
      const s = stmts[i]!;
      if (s.type === 'comment') continue;
      const body = stmts[i + 1];
      if (body && this.isMacroLoopHeader(s)) {
        items.push({ stmt: s, body });
        i++;
      } else items.push({ stmt: s });
    }
    let at = next;
    for (let i = items.length - 1; i >= 0; i--) {
      const it = items[i]!;
      at = it.body ? this.macroLoop(it.stmt, it.body, at, ctx) : this.stmt(it.stmt, at, ctx);
    }
    return at;
  }

  private isMacroLoopHeader(s: SyntaxNode): boolean {
    if (s.type !== 'expression_statement') return false;
    if (!s.children.some((c) => c.missing)) return false;
    const call = s.children[0];
    if (call?.type !== 'call_expression') return false;
    const fn = child(call, 'function');
    return fn?.type === 'identifier' && isIteratorMacro(this.text.slice(fn.start, fn.end));
  }

  private macroLoop(header: SyntaxNode, body: SyntaxNode, next: number, ctx: Ctx): number {
    const head = this.add('stmt', header.children[0]!, []);
    const choice = this.add('choice', null, []);
    this.nodes[head]!.succ.push(choice);
    const bodyEntry = this.stmt(body, head, { ...ctx, breakTo: next, continueTo: head });
    this.nodes[choice]!.succ.push(bodyEntry, next);
    return head;
  }

  private stmt(s: SyntaxNode, next: number, ctx: Ctx): number {
    switch (s.type) {
      case 'compound_statement':
        return this.sequence(s.children, next, ctx);
      case 'expression_statement':
      case 'declaration':
        return s.children.length === 0 || s.children.every((c) => c.missing) ? next : this.add('stmt', s, [next]);
      case 'if_statement': {
        const cond = child(s, 'condition');
        const cons = child(s, 'consequence');
        const alt = child(s, 'alternative');
        const t = cons ? this.stmt(cons, next, ctx) : next;
        const f = alt ? this.stmt(alt, next, ctx) : next;
        return cond ? this.add('cond', cond, [t, f]) : this.add('choice', null, [t, f]);
      }
      case 'else_clause':
        return this.sequence(s.children, next, ctx);
      case 'while_statement': {
        const head = this.add('cond', child(s, 'condition') ?? null, []);
        const body = child(s, 'body');
        const b = body ? this.stmt(body, head, { ...ctx, breakTo: next, continueTo: head }) : head;
        this.loopHead(head, b, next);
        return head;
      }
      case 'do_statement': {
        const head = this.add('cond', child(s, 'condition') ?? null, []);
        const body = child(s, 'body');
        const b = body ? this.stmt(body, head, { ...ctx, breakTo: next, continueTo: head }) : head;
        this.loopHead(head, b, next);
        return b;
      }
      case 'for_statement': {
        const cond = child(s, 'condition');
        const head = this.add(cond ? 'cond' : 'choice', cond ?? null, []);
        const update = s.children.find((c) => c.field === 'update');
        const cont = update ? this.add('stmt', update, [head]) : head;
        const body = child(s, 'body');
        const b = body ? this.stmt(body, cont, { ...ctx, breakTo: next, continueTo: cont }) : cont;
        // A `for (;;)` leaves only through break, return or goto.
        if (cond) this.loopHead(head, b, next);
        else this.nodes[head]!.succ.push(b);
        const init = child(s, 'initializer');
        return init ? this.add('stmt', init, [head]) : head;
      }
      case 'switch_statement': {
        const body = child(s, 'body');
        const inner: Ctx = { ...ctx, breakTo: next };
        const choice = this.add('choice', null, []);
        const cases = body ? body.children.filter((c) => c.type === 'case_statement') : [];
        let fall = next;
        let hasDefault = false;
        const entries: number[] = [];
        for (let i = cases.length - 1; i >= 0; i--) {
          const c = cases[i]!;
          if (!child(c, 'value')) hasDefault = true;
          fall = this.sequence(
            c.children.filter((x) => x.field !== 'value'),
            fall,
            inner,
          );
          entries.unshift(fall);
        }
        this.nodes[choice]!.succ.push(...entries);
        if (!hasDefault) this.nodes[choice]!.succ.push(next);
        const cond = child(s, 'condition');
        return cond ? this.add('stmt', cond, [choice]) : choice;
      }
      case 'break_statement':
        return ctx.breakTo ?? next;
      case 'continue_statement':
        return ctx.continueTo ?? next;
      case 'return_statement':
        // The exit is the first node made (build()).
        return this.add('return', s, [0]);
      case 'goto_statement': {
        const l = child(s, 'label');
        return l ? this.label(ctx, this.text.slice(l.start, l.end)) : next;
      }
      case 'labeled_statement': {
        const l = child(s, 'label');
        const inner = this.sequence(
          s.children.filter((c) => c.field !== 'label'),
          next,
          ctx,
        );
        if (!l) return inner;
        const id = this.label(ctx, this.text.slice(l.start, l.end));
        this.nodes[id]!.succ = [inner];
        return id;
      }
      case 'preproc_if':
      case 'preproc_ifdef':
      case 'preproc_elif':
      case 'preproc_elifdef':
      case 'preproc_else': {
        const alt = child(s, 'alternative');
        const body = s.children.filter(
          (c) => c.field !== 'alternative' && c.field !== 'condition' && c.field !== 'name' && c.type !== 'identifier',
        );
        const t = this.sequence(body, next, ctx);
        if (s.type === 'preproc_else') return t;
        const f = alt ? this.stmt(alt, next, ctx) : next;
        return this.add('choice', null, [t, f]);
      }
      case 'attributed_statement':
        return this.sequence(
          s.children.filter((c) => c.type !== 'attribute_declaration'),
          next,
          ctx,
        );
      case 'comment':
      case 'preproc_call':
      case 'preproc_def':
      case 'preproc_function_def':
      case 'preproc_include':
      case 'type_definition':
        return next;
      default:
        // ERROR nodes and anything unexpected: evaluated for their calls, in order.
        return this.add('stmt', s, [next]);
    }
  }

  private loopHead(head: number, body: number, next: number): void {
    this.nodes[head]!.succ.push(body, next);
  }
}
