// The decoded tree as indented lines, shared by the text and Markdown renderers: one line a message header,
// a field group or an attribute, each attribute with its byte offset so a reader can find it in the hex.
import type { AttrValue, DecodedAttr, DecodedError, DecodedMessage } from '../types';
import { isScalar } from '../values';

export interface LineOptions {
  /** Binary values longer than this many bytes are cut with "…" (0 = never). */
  readonly maxValueBytes: number;
  /** At most this many attribute lines a message; the rest are counted (0 = all). */
  readonly maxAttrLines: number;
  /** Struct fields of struct-typed attributes one per line (else inline, cut to one line). */
  readonly expandStructs: boolean;
}

export const FULL: LineOptions = { maxValueBytes: 0, maxAttrLines: 0, expandStructs: true };
export const BRIEF: LineOptions = { maxValueBytes: 24, maxAttrLines: 60, expandStructs: false };

/** "RTM_NEWLINK len=1400 flags=NLM_F_MULTI seq=1 pid=4242" */
export function messageSummary(m: DecodedMessage): string {
  const type = m.command ? `${m.typeName} ${m.command}` : m.typeName;
  const flags = m.flagNames.length > 0 ? m.flagNames.join('|') : '0';
  return `${type} len=${m.length} flags=${flags} seq=${m.seq} pid=${m.pid}`;
}

export function hexText(hex: string, options: LineOptions): string {
  const bytes = hex.length / 2;
  if (bytes === 0) return '(empty)';
  if (options.maxValueBytes > 0 && bytes > options.maxValueBytes) return `${hex.slice(0, options.maxValueBytes * 2)}… (${bytes} bytes)`;
  return bytes > 8 ? `${hex} (${bytes} bytes)` : hex;
}

function attrValueText(a: DecodedAttr, options: LineOptions): string {
  const v = a.value;
  if (v === undefined) return '';
  if (typeof v === 'boolean') return 'true';
  if (a.kind === 'string') return JSON.stringify(v);
  const numeric = typeof v === 'number' || isScalar(a.kind) || a.kind === 'uint' || a.kind === 'sint';
  if (numeric && (typeof v === 'number' || /^-?\d+$/.test(v))) return a.valueName === undefined ? String(v) : `${v} (${a.valueName})`;
  // Binary (or a value that did not fit its type): a formatted form when there is one, else hex.
  return a.valueName ?? hexText(v, options);
}

/** "field=value (name)" for each field; the "<field>Name" companions are folded into their field. */
function fieldParts(fields: Readonly<Record<string, AttrValue>>, separator: string): string[] {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(fields)) {
    if (k.endsWith('Name') && k.slice(0, -4) in fields) continue;
    const name = fields[`${k}Name`];
    parts.push(`${k}${separator}${String(v)}${name !== undefined ? ` (${String(name)})` : ''}`);
  }
  return parts;
}

export function fieldsText(fields: Readonly<Record<string, AttrValue>>): string {
  return fieldParts(fields, '=').join(' ');
}

function cut(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export function attrLines(attrs: readonly DecodedAttr[], indent: string, options: LineOptions, budget: { left: number }): string[] {
  const out: string[] = [];
  for (const a of attrs) {
    budget.left--;
    if (budget.left < 0) continue;
    const flagMarks = `${a.nested ? ' nested' : ''}${a.netByteOrder ? ' net-byteorder' : ''}`;
    const at = `  @${a.offset} len ${a.length}${flagMarks}`;
    if (a.attrs) {
      const head = a.fields ? ` ${fieldsText(a.fields)}` : '';
      out.push(`${indent}${a.name}${head} {${a.attrs.length}}${at}`);
      out.push(...attrLines(a.attrs, `${indent}  `, options, budget));
    } else if (a.fields && a.kind !== 'bitfield32') {
      if (options.expandStructs) {
        out.push(`${indent}${a.name}${at}`);
        for (const part of fieldParts(a.fields, ' = ')) out.push(`${indent}    ${part}`);
      } else {
        out.push(`${indent}${a.name} = ${cut(fieldsText(a.fields), 100)}${at}`);
      }
    } else {
      out.push(`${indent}${a.name} = ${attrValueText(a, options)}${at}`);
    }
  }
  return out;
}

export function errorLines(e: DecodedError, indent: string, options: LineOptions): string[] {
  const out: string[] = [`${indent}error ${e.code} ${e.name}${e.message !== undefined ? `: ${e.message}` : ''}`];
  if (e.offset !== undefined) out.push(`${indent}blames offset ${e.offset}${e.attrPath ? ` → ${e.attrPath}` : ''}`);
  if (e.missType !== undefined) {
    const what = e.missTypeName !== undefined ? `${e.missTypeName} (type ${e.missType})` : `type ${e.missType}`;
    out.push(`${indent}missing attribute ${what}${e.missNest !== undefined ? ` in the nest at offset ${e.missNest}` : ''}`);
  }
  if (e.cookie !== undefined) out.push(`${indent}cookie ${e.cookie}`);
  if (e.policy) {
    out.push(`${indent}policy:`);
    out.push(...attrLines(e.policy, `${indent}  `, options, { left: Number.MAX_SAFE_INTEGER }));
  }
  if (e.request) {
    out.push(`${indent}request: ${messageSummary(e.request)}`);
    out.push(...bodyLines(e.request, `${indent}  `, options));
  }
  return out;
}

/** Everything under a message's summary line: fixed header, error, text, attributes, payload, problems. */
export function bodyLines(m: DecodedMessage, indent: string, options: LineOptions): string[] {
  const out: string[] = [];
  if (m.header && Object.keys(m.header).length > 0) out.push(`${indent}${fieldsText(m.header)}`);
  if (m.error) out.push(...errorLines(m.error, indent, options));
  if (m.text !== undefined) out.push(`${indent}text ${JSON.stringify(m.text)}`);
  if (m.attrs.length > 0) {
    const budget = { left: options.maxAttrLines > 0 ? options.maxAttrLines : Number.MAX_SAFE_INTEGER };
    out.push(...attrLines(m.attrs, indent, options, budget));
    if (budget.left < 0) out.push(`${indent}… ${-budget.left} more attributes`);
  }
  if (m.payloadHex !== undefined) out.push(`${indent}payload ${hexText(m.payloadHex, options)}`);
  for (const p of m.problems) out.push(`${indent}! @${p.offset}: ${p.message}`);
  return out;
}
