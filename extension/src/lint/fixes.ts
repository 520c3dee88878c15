// Quick fixes for the findings whose repair is mechanical: delete the free after a send (skb-free-after-send), add
// the NULL check after an allocation (alloc-unchecked), print a payload with %.*s and its length
// (payload-as-string). Each is offered only where the edit is certainly right; elsewhere there is none.
import type { Finding } from './findings';
import { FREES, formatIndex, PAYLOADS, SKB_ALLOCS } from './kernelApi';
import { conversions } from './payloadString';
import { child, unwrap, type SyntaxNode } from './syntax';

/** Replace text[start, end) by newText (UTF-16 offsets into the text the finding came from). */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

export interface QuickFix {
  readonly title: string;
  /** Non-overlapping, in text order. */
  readonly edits: readonly TextEdit[];
}

/** The length function that bounds each payload accessor. */
const PAYLOAD_LENGTH: ReadonlyMap<string, string> = new Map([
  ['nlmsg_data', 'nlmsg_len'],
  ['genlmsg_data', 'genlmsg_len'],
  ['nla_data', 'nla_len'],
]);

export function quickFix(root: SyntaxNode, text: string, f: Finding): QuickFix | undefined {
  switch (f.rule) {
    case 'skb-free-after-send':
      return removeFree(root, text, f);
    case 'alloc-unchecked':
      return f.origin === undefined ? undefined : addNullCheck(root, text, f.origin);
    case 'payload-as-string':
      return boundedPrint(root, text, f);
    default:
      return undefined;
  }
}

/** The deepest node that covers [start, end). */
function nodeAt(root: SyntaxNode, start: number, end: number): SyntaxNode {
  let n = root;
  for (;;) {
    const c = n.children.find((k) => k.start <= start && k.end >= end && k.end > k.start);
    if (!c) return n;
    n = c;
  }
}

function ancestor(n: SyntaxNode, test: (a: SyntaxNode) => boolean): SyntaxNode | undefined {
  for (let a: SyntaxNode | null = n; a; a = a.parent) if (test(a)) return a;
  return undefined;
}

function callName(n: SyntaxNode, text: string): string | undefined {
  const fn = child(n, 'function');
  return fn?.type === 'identifier' ? text.slice(fn.start, fn.end) : undefined;
}

function args(call: SyntaxNode): SyntaxNode[] {
  return (child(call, 'arguments')?.children ?? []).filter((c) => c.type !== 'comment');
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The whitespace a statement's line starts with. */
function indentOf(text: string, offset: number): string {
  return /^[ \t]*/.exec(text.slice(lineStartOf(text, offset), offset))![0];
}

/** A statement in a block (so deleting it or adding one after it leaves the block's syntax intact). */
function inBlock(stmt: SyntaxNode | undefined): stmt is SyntaxNode {
  return stmt !== undefined && stmt.parent?.type === 'compound_statement';
}

function removeFree(root: SyntaxNode, text: string, f: Finding): QuickFix | undefined {
  const call = ancestor(nodeAt(root, f.start, f.end), (a) => a.type === 'call_expression');
  const name = call && callName(call, text);
  if (!call || !name || !FREES.has(name)) return undefined;
  const stmt = call.parent;
  if (stmt?.type !== 'expression_statement' || stmt.start !== call.start || !inBlock(stmt)) return undefined;
  // Alone on its line (a comment after it is about it): the whole line goes; else only the statement and the
  // blanks after it.
  const lineStart = lineStartOf(text, stmt.start);
  const rest = /^[ \t]*(?:\/\*[^\n]*?\*\/[ \t]*|\/\/[^\n]*)?(\r?\n)/.exec(text.slice(stmt.end));
  const blanks = /^[ \t]*/.exec(text.slice(stmt.end))![0].length;
  const edit =
    /^[ \t]*$/.test(text.slice(lineStart, stmt.start)) && rest
      ? { start: lineStart, end: stmt.end + rest[0].length, newText: '' }
      : { start: stmt.start, end: stmt.end + blanks, newText: '' };
  return { title: `Remove ${name}(): netlink already owns the skb`, edits: [edit] };
}

function addNullCheck(root: SyntaxNode, text: string, origin: number): QuickFix | undefined {
  const call = ancestor(nodeAt(root, origin, origin + 1), (a) => a.type === 'call_expression' && a.start === origin);
  const name = call && callName(call, text);
  if (!call || !name || !SKB_ALLOCS.has(name)) return undefined;
  let variable: SyntaxNode | undefined;
  let stmt: SyntaxNode | undefined;
  const holder = call.parent;
  if (holder?.type === 'assignment_expression' && child(holder, 'right') === call) {
    variable = child(holder, 'left');
    stmt = holder.parent ?? undefined;
    if (stmt?.type !== 'expression_statement') return undefined;
  } else if (holder?.type === 'init_declarator' && child(holder, 'value') === call) {
    variable = child(holder, 'declarator');
    while (variable && variable.type !== 'identifier') variable = child(variable, 'declarator');
    stmt = holder.parent ?? undefined;
    if (stmt?.type !== 'declaration') return undefined;
  }
  if (variable?.type !== 'identifier' || !inBlock(stmt)) return undefined;
  const ret = failureReturn(
    ancestor(stmt, (a) => a.type === 'function_definition'),
    text,
  );
  if (ret === undefined) return undefined;
  const v = text.slice(variable.start, variable.end);
  const indent = indentOf(text, stmt.start);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return {
    title: `Check '${v}' for NULL and ${ret === 'return;' ? 'return' : 'return -ENOMEM'}`,
    edits: [{ start: stmt.end, end: stmt.end, newText: `${eol}${indent}if (!${v})${eol}${indent}\t${ret}` }],
  };
}

/** How the function gives up: `return -ENOMEM;` for an int-like result, `return;` for void; else no fix. */
function failureReturn(fn: SyntaxNode | undefined, text: string): string | undefined {
  const type = fn && child(fn, 'type');
  const decl = fn && child(fn, 'declarator');
  if (!type || decl?.type !== 'function_declarator') return undefined; // a pointer result wants NULL or ERR_PTR
  const t = text.slice(type.start, type.end).trim();
  if (t === 'void') return 'return;';
  // Signed only: -ENOMEM in an unsigned result would read as a large count.
  if (/^(?:signed\s+)?(?:int|long|long\s+int|ssize_t)$/.test(t)) return 'return -ENOMEM;';
  return undefined;
}

function boundedPrint(root: SyntaxNode, text: string, f: Finding): QuickFix | undefined {
  const arg = nodeAt(root, f.start, f.end);
  if (arg.start !== f.start || arg.end !== f.end || arg.parent?.type !== 'argument_list') return undefined;
  const call = arg.parent.parent;
  const name = call ? callName(call, text) : undefined;
  const fi = name === undefined ? undefined : formatIndex(name);
  if (!call || fi === undefined) return undefined;
  const payload = unwrap(arg);
  const accessor = payload.type === 'call_expression' ? callName(payload, text) : undefined;
  const length = accessor === undefined ? undefined : PAYLOAD_LENGTH.get(accessor);
  const of = payload.type === 'call_expression' ? args(payload) : [];
  if (!length || !PAYLOADS.has(accessor!) || of.length !== 1) return undefined;
  const list = args(call);
  const format = list[fi];
  const k = list.indexOf(arg);
  if (!format || k <= fi) return undefined;
  // The format's literals joined, as payloadString.ts reads them, each with where it starts in the text.
  const u = unwrap(format);
  const literals = u.type === 'string_literal' ? [u] : u.children.filter((c) => c.type === 'string_literal');
  const joined = literals.map((l) => text.slice(l.start, l.end)).join('');
  const conv = conversions(joined).find((c) => c.unboundedString && fi + 1 + c.argIndex === k);
  if (!conv) return undefined;
  const spec = /^%[-+ #0]*(?:\*|\d+)?s/.exec(joined.slice(conv.textOffset));
  if (!spec) return undefined; // a length modifier (%ls): not a byte string
  let at = conv.textOffset + spec[0].length - 1; // the 's'
  let source: number | undefined;
  for (const l of literals) {
    const len = l.end - l.start;
    if (at < len) {
      source = l.start + at;
      break;
    }
    at -= len;
  }
  if (source === undefined) return undefined;
  const lengthCall = `${length}(${text.slice(of[0]!.start, of[0]!.end)})`;
  return {
    title: `Print with %.*s and ${lengthCall}`,
    edits: [
      { start: source, end: source, newText: '.*' },
      { start: arg.start, end: arg.start, newText: `${lengthCall}, ` },
    ],
  };
}
