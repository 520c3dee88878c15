// Rule payload-as-string: a received payload (nlmsg_data / genlmsg_data / nla_data, directly or through a local
// that holds it) printed with an unbounded %s or handed to a function that reads to a NUL. Syntactic, per function.
import type { FindingSet } from './findings';
import { formatIndex, isStringReader, PAYLOADS } from './kernelApi';
import { child, unwrap, type SyntaxNode } from './syntax';
import { walk } from './walk';

/** One printf conversion: which argument (after the format) it reads, and whether it is an unbounded %s. */
interface Conversion {
  readonly argIndex: number;
  readonly unboundedString: boolean;
  /** Offsets of the conversion in the format's text (for the %s -> %.*s fix). */
  readonly textOffset: number;
}

const CONVERSION = /%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?(hh|h|ll|l|L|z|j|t)?([a-zA-Z%])/g;

export function conversions(format: string): Conversion[] {
  const out: Conversion[] = [];
  let arg = 0;
  for (const m of format.matchAll(CONVERSION)) {
    if (m[5] === '%') continue;
    if (m[2] === '*') arg++;
    if (m[3] === '*') arg++;
    out.push({ argIndex: arg, unboundedString: m[5] === 's' && m[3] === undefined, textOffset: m.index });
    arg++;
  }
  return out;
}

export function checkPayloadStrings(body: SyntaxNode, text: string, out: FindingSet): void {
  const t = (n: SyntaxNode): string => text.slice(n.start, n.end);
  const callName = (n: SyntaxNode): string | undefined => {
    const fn = child(n, 'function');
    return fn?.type === 'identifier' ? t(fn) : undefined;
  };
  const isPayloadCall = (n: SyntaxNode): boolean => {
    const u = unwrap(n);
    if (u.type !== 'call_expression') return false;
    const name = callName(u);
    return name !== undefined && PAYLOADS.has(name);
  };
  // Locals that hold a payload pointer (initialised or assigned from one).
  const aliases = new Set<string>();
  walk(body, (n) => {
    if (n.type === 'init_declarator') {
      const value = child(n, 'value');
      let d = child(n, 'declarator');
      while (d && d.type !== 'identifier') d = child(d, 'declarator');
      if (d && value && isPayloadCall(value)) aliases.add(t(d));
    } else if (n.type === 'assignment_expression') {
      const l = child(n, 'left');
      const r = child(n, 'right');
      if (l?.type === 'identifier' && r && isPayloadCall(r)) aliases.add(t(l));
    }
  });
  const isPayload = (n: SyntaxNode): boolean => {
    const u = unwrap(n);
    return isPayloadCall(u) || (u.type === 'identifier' && aliases.has(t(u)));
  };
  const describe = (n: SyntaxNode): string => {
    const u = unwrap(n);
    return u.type === 'identifier' ? `'${t(u)}' (a message payload)` : `${callName(u) ?? 'the payload'}()`;
  };

  walk(body, (n) => {
    if (n.type !== 'call_expression') return;
    const name = callName(n);
    if (!name) return;
    const args = (child(n, 'arguments')?.children ?? []).filter((c) => c.type !== 'comment');
    const fi = formatIndex(name);
    if (fi !== undefined) {
      const format = args[fi];
      if (!format) return;
      const literal = formatText(format, text);
      if (literal === undefined) return;
      for (const c of conversions(literal)) {
        const arg = args[fi + 1 + c.argIndex];
        if (c.unboundedString && arg && isPayload(arg))
          out.add({
            rule: 'payload-as-string',
            start: arg.start,
            end: arg.end,
            message: `${describe(arg)} printed with %s: the payload is not NUL-terminated; use %.*s with its length`,
          });
      }
      return;
    }
    if (isStringReader(name))
      for (const a of args)
        if (isPayload(a))
          out.add({
            rule: 'payload-as-string',
            start: a.start,
            end: a.end,
            message: `${describe(a)} passed to ${name}(), which reads to a NUL the payload need not have; bound it by its length (nla_strscpy, nla_strcmp, %.*s)`,
          });
  });
}

/** The text of a format argument made of string literals (macros such as KERN_INFO between them are skipped). */
function formatText(n: SyntaxNode, text: string): string | undefined {
  const u = unwrap(n);
  if (u.type === 'string_literal') return text.slice(u.start, u.end);
  if (u.type === 'concatenated_string')
    return u.children
      .filter((c) => c.type === 'string_literal')
      .map((c) => text.slice(c.start, c.end))
      .join('');
  return undefined;
}
