// Lints one C text: every function definition through the CFG + ownership dataflow (rules 1-4, 6, 7) and the
// syntactic checks (rule 5, ignored puts). A function the analysis refuses (too large) is skipped and reported as an
// input error with its place; the rest of the file is still checked.
import type { Parser } from 'web-tree-sitter';
import { CfgBuilder } from './cfg';
import { FindingSet, type Finding } from './findings';
import { checkIgnoredPuts } from './ignoredResults';
import { HEADER_PUTS, isAttrPut, SENDS } from './kernelApi';
import { analyzeOwnership } from './ownership';
import { parseC } from './parse';
import { checkPayloadStrings } from './payloadString';
import { child, LintInputError, lineStarts, type SyntaxNode } from './syntax';
import { walk } from './walk';

export interface LintOutput {
  readonly findings: Finding[];
  /** Parts of the input that were not checked, and why (located by offset). */
  readonly errors: LintInputError[];
  readonly lines: readonly number[];
  /** The syntax tree the findings were made on (quick fixes read it); absent when the text was refused. */
  readonly root?: SyntaxNode;
}

export function lintText(parser: Parser, text: string): LintOutput {
  const lines = lineStarts(text);
  let root: SyntaxNode;
  try {
    root = parseC(parser, text);
  } catch (e) {
    if (e instanceof LintInputError) return { findings: [], errors: [e], lines };
    throw e;
  }
  const out = new FindingSet();
  const errors: LintInputError[] = [];
  walk(root, (n) => {
    if (n.type !== 'function_definition') return;
    try {
      lintFunction(n, text, lines, out);
    } catch (e) {
      if (!(e instanceof LintInputError)) throw e;
      errors.push(e);
    }
    return false;
  });
  return { findings: out.list(), errors, lines, root };
}

function lintFunction(fn: SyntaxNode, text: string, lines: readonly number[], out: FindingSet): void {
  const body = child(fn, 'body');
  if (!body) return;
  const t = (n: SyntaxNode): string => text.slice(n.start, n.end);
  const params = parameters(fn, text);
  const skbNames = new Set(params.filter((p) => isSkbPointer(p.type, p.pointer)).map((p) => p.name));
  walk(body, (n) => {
    if (n.type !== 'declaration') return;
    const type = child(n, 'type');
    if (!type || !/\bsk_buff\b/.test(t(type))) return false;
    for (const d of n.children) {
      if (d.field !== 'declarator') continue;
      const { name, pointer } = declarator(d, text);
      if (name && pointer) skbNames.add(name);
    }
    return false;
  });
  const types = params.map((p) => p.type.replace(/\bconst\b|\s+/g, ' ').trim());
  const handler =
    params.length >= 2 &&
    isSkbPointer(params[0]!.type, params[0]!.pointer) &&
    ((params.length === 2 && /\bgenl_info\b/.test(types[1]!)) ||
      (params.length === 3 && /\bnlmsghdr\b/.test(types[1]!) && /\bnetlink_ext_ack\b/.test(types[2]!)));
  const { netlinkSkbs, refcounted } = skbUses(body, text);
  const cfg = new CfgBuilder(text).build(body);
  analyzeOwnership(
    cfg,
    { text, skbParams: [...skbNames], handler, endOffset: body.end - 1, lines, netlinkSkbs, refcounted },
    out,
  );
  checkPayloadStrings(body, text, out);
  checkIgnoredPuts(body, text, out);
}

/** Which variables the body uses as netlink messages, and which it takes extra references on. */
function skbUses(body: SyntaxNode, text: string): { netlinkSkbs: Set<string>; refcounted: Set<string> } {
  const netlinkSkbs = new Set<string>();
  const refcounted = new Set<string>();
  walk(body, (n) => {
    if (n.type !== 'call_expression') return;
    const fn = child(n, 'function');
    if (fn?.type !== 'identifier') return;
    const name = text.slice(fn.start, fn.end);
    const args = (child(n, 'arguments')?.children ?? []).filter((c) => c.type !== 'comment');
    const argText = (i: number): string | undefined => {
      const a = args[i];
      return a ? text.slice(a.start, a.end).trim() : undefined;
    };
    if (name === 'skb_get') {
      const a = argText(0);
      if (a) refcounted.add(a);
    } else if (name === 'refcount_inc' || name === 'refcount_inc_not_zero') {
      const m = /^&\s*\(?\s*([A-Za-z_]\w*)\s*->\s*users\s*\)?$/.exec(argText(0) ?? '');
      if (m) refcounted.add(m[1]!);
    }
    const pos = SENDS.get(name) ?? (HEADER_PUTS.has(name) || isAttrPut(name) ? 0 : undefined);
    const a = pos === undefined ? undefined : argText(pos);
    if (a && /^[A-Za-z_]\w*$/.test(a)) netlinkSkbs.add(a);
  });
  return { netlinkSkbs, refcounted };
}

function isSkbPointer(type: string, pointer: boolean): boolean {
  return pointer && /\bstruct\s+sk_buff\b/.test(type);
}

interface Param {
  readonly name: string;
  readonly type: string;
  readonly pointer: boolean;
}

function parameters(fn: SyntaxNode, text: string): Param[] {
  let d = child(fn, 'declarator');
  while (d && d.type !== 'function_declarator') d = child(d, 'declarator');
  const list = d && child(d, 'parameters');
  if (!list) return [];
  const out: Param[] = [];
  for (const p of list.children) {
    if (p.type !== 'parameter_declaration') continue;
    const type = child(p, 'type');
    const decl = child(p, 'declarator');
    if (!type || !decl) continue;
    const { name, pointer } = declarator(decl, text);
    if (name) out.push({ name, type: text.slice(type.start, type.end), pointer });
  }
  return out;
}

/** The declared name and whether it is a pointer (not a pointer to a function, not an array). */
function declarator(d: SyntaxNode, text: string): { name?: string; pointer: boolean } {
  let n: SyntaxNode | undefined = d;
  let pointer = false;
  while (n && n.type !== 'identifier') {
    if (n.type === 'pointer_declarator') pointer = true;
    if (n.type === 'function_declarator' || n.type === 'array_declarator') return { pointer: false };
    n = child(n, 'declarator');
  }
  return n ? { name: text.slice(n.start, n.end), pointer } : { pointer: false };
}
