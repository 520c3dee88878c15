// The decoded tree as indented lines, shared by the text and Markdown renderers: one line a message header,
// a field group or an attribute, each attribute with its byte offset so a reader can find it in the hex.
// Every string from the bytes or from a spec file goes through escape.ts, so each line is one line of plain text
// with no control character, whatever the capture held. Lines are appended to the caller's array (never spread
// into push: a message can hold tens of thousands of attributes).
import { cutText, escapeText, quoteText } from '../escape';
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
  return `${escapeText(type)} len=${m.length} flags=${escapeText(flags)} seq=${m.seq} pid=${m.pid}`;
}

function hexText(hex: string, options: LineOptions): string {
  const bytes = hex.length / 2;
  if (bytes === 0) return '(empty)';
  if (options.maxValueBytes > 0 && bytes > options.maxValueBytes)
    return `${hex.slice(0, options.maxValueBytes * 2)}… (${bytes} bytes)`;
  return bytes > 8 ? `${hex} (${bytes} bytes)` : hex;
}

function attrValueText(a: DecodedAttr, options: LineOptions): string {
  const v = a.value;
  if (v === undefined) return '';
  if (typeof v === 'boolean') return 'true';
  if (a.kind === 'string') return quoteText(String(v));
  const numeric = typeof v === 'number' || isScalar(a.kind) || a.kind === 'uint' || a.kind === 'sint';
  if (numeric && (typeof v === 'number' || /^-?\d+$/.test(v)))
    return a.valueName === undefined ? String(v) : `${v} (${escapeText(a.valueName)})`;
  // Binary (or a value that did not fit its type): a formatted form when there is one, else hex.
  return a.valueName !== undefined ? escapeText(a.valueName) : hexText(v, options);
}

/** "field=value (name)" for each field; the "<field>Name" companions are folded into their field. */
function fieldParts(fields: Readonly<Record<string, AttrValue>>, separator: string): string[] {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(fields)) {
    if (k.endsWith('Name') && k.slice(0, -4) in fields) continue;
    const name = fields[`${k}Name`];
    parts.push(
      `${escapeText(k)}${separator}${escapeText(String(v))}${name !== undefined ? ` (${escapeText(String(name))})` : ''}`,
    );
  }
  return parts;
}

export function fieldsText(fields: Readonly<Record<string, AttrValue>>): string {
  return fieldParts(fields, '=').join(' ');
}

/** Appends a line per attribute (nested ones indented) while `budget.left` lasts; the rest only count down. */
function appendAttrLines(
  out: string[],
  attrs: readonly DecodedAttr[],
  indent: string,
  options: LineOptions,
  budget: { left: number },
): void {
  for (const a of attrs) {
    budget.left--;
    if (budget.left < 0) continue;
    const name = escapeText(a.name);
    const flagMarks = `${a.nested ? ' nested' : ''}${a.netByteOrder ? ' net-byteorder' : ''}`;
    const at = `  @${a.offset} len ${a.length}${flagMarks}`;
    if (a.attrs) {
      const head = a.fields ? ` ${fieldsText(a.fields)}` : '';
      out.push(`${indent}${name}${head} {${a.attrs.length}}${at}`);
      appendAttrLines(out, a.attrs, `${indent}  `, options, budget);
    } else if (a.fields && a.kind !== 'bitfield32') {
      if (options.expandStructs) {
        out.push(`${indent}${name}${at}`);
        for (const part of fieldParts(a.fields, ' = ')) out.push(`${indent}    ${part}`);
      } else {
        out.push(`${indent}${name} = ${cutText(fieldsText(a.fields), 100)}${at}`);
      }
    } else {
      out.push(`${indent}${name} = ${attrValueText(a, options)}${at}`);
    }
  }
}

function appendErrorLines(out: string[], e: DecodedError, indent: string, options: LineOptions): void {
  out.push(
    `${indent}error ${e.code} ${escapeText(e.name)}${e.message !== undefined ? `: ${escapeText(e.message)}` : ''}`,
  );
  if (e.offset !== undefined)
    out.push(`${indent}blames offset ${e.offset}${e.attrPath ? ` → ${escapeText(e.attrPath)}` : ''}`);
  if (e.missType !== undefined) {
    const what =
      e.missTypeName !== undefined ? `${escapeText(e.missTypeName)} (type ${e.missType})` : `type ${e.missType}`;
    out.push(
      `${indent}missing attribute ${what}${e.missNest !== undefined ? ` in the nest at offset ${e.missNest}` : ''}`,
    );
  }
  if (e.cookie !== undefined) out.push(`${indent}cookie ${escapeText(e.cookie)}`);
  if (e.policy) {
    out.push(`${indent}policy:`);
    appendAttrLines(out, e.policy, `${indent}  `, options, { left: Number.MAX_SAFE_INTEGER });
  }
  if (e.request) {
    out.push(`${indent}request: ${messageSummary(e.request)}`);
    appendBodyLines(out, e.request, `${indent}  `, options);
  }
}

/** Everything under a message's summary line: fixed header, error, text, attributes, payload, problems. */
export function appendBodyLines(out: string[], m: DecodedMessage, indent: string, options: LineOptions): void {
  if (m.header && Object.keys(m.header).length > 0) out.push(`${indent}${fieldsText(m.header)}`);
  if (m.error) appendErrorLines(out, m.error, indent, options);
  if (m.text !== undefined) out.push(`${indent}text ${quoteText(m.text)}`);
  if (m.attrs.length > 0) {
    const budget = { left: options.maxAttrLines > 0 ? options.maxAttrLines : Number.MAX_SAFE_INTEGER };
    appendAttrLines(out, m.attrs, indent, options, budget);
    if (budget.left < 0) out.push(`${indent}… ${-budget.left} more attributes`);
  }
  if (m.payloadHex !== undefined) out.push(`${indent}payload ${hexText(m.payloadHex, options)}`);
  for (const p of m.problems) out.push(`${indent}! @${p.offset}: ${escapeText(p.message)}`);
}
