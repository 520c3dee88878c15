// parseHexText: the whole input must be bytes in the supported forms. Runs are found by the same line scanner in
// relaxed mode (any even hex word counts); then every character outside the runs' syntax must be blank, apart from
// a C declaration around an array (`unsigned char msg[] = {` ... `};`). The first stray character is the error.
import { RunAssembler, type DraftRun } from './assemble';
import { hexWordEnd, isBlankCode, isWordCode } from './chars';
import { scanLine } from './line';

export type ParseHexResult =
  | { readonly bytes: Uint8Array; readonly truncated?: boolean; readonly notes?: readonly string[] }
  | { readonly error: string; readonly offset: number };

function isSpace(code: number): boolean {
  return isBlankCode(code) || code === 10;
}

function quoteSnippet(text: string, from: number, to: number): string {
  const s = text.slice(from, Math.min(to, from + 24));
  return JSON.stringify(to - from > 24 ? `${s}...` : s);
}

/** Why the word at p is not part of any byte run, and where exactly: the first character that is wrong. */
function describeStray(text: string, p: number): { readonly error: string; readonly offset: number } {
  const c = text.charCodeAt(p);
  const wordChar = (w: number): boolean => w < text.length && isWordCode(text.charCodeAt(w));
  const unexpectedAt = (w: number): { error: string; offset: number } => ({
    error: `unexpected character ${JSON.stringify(text[w])} in ${quoteSnippet(text, p, w + 1)}`,
    offset: w,
  });
  const oddDigits = (n: number, end: number): { error: string; offset: number } => ({
    error: `odd number of hex digits (${n}) in ${quoteSnippet(text, p, end)}: every byte needs two`,
    offset: p,
  });
  if (c === 48 && (text.charCodeAt(p + 1) | 32) === 120) {
    const w = hexWordEnd(text, p + 2, text.length);
    const n = w - (p + 2);
    // "0x4g": the g is wrong, not the x.
    if (wordChar(w)) return unexpectedAt(w);
    if (n % 2 === 1 && n > 2) return oddDigits(n, w);
    if (n === 0) return { error: '"0x" without hex digits', offset: p };
  }
  const w = hexWordEnd(text, p, text.length);
  if (w > p) {
    if (wordChar(w)) return unexpectedAt(w);
    const n = w - p;
    if (n % 2 === 1) return oddDigits(n, w);
  }
  if (c === 34 || c === 39) return { error: 'a quoted string counts as bytes only with at least one \\x or octal escape', offset: p };
  return { error: `unexpected character ${JSON.stringify(String.fromCodePoint(text.codePointAt(p) ?? c))}`, offset: p };
}

/** A C declaration before an array: `static const unsigned char msg[] = {` (any words, brackets, '=', '{'). */
function isDeclarationPrefix(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (!(isWordCode(c) || isSpace(c) || c === 91 || c === 93 || c === 42 || c === 61 || c === 123)) return false;
  }
  let last = to - 1;
  while (last >= from && isSpace(text.charCodeAt(last))) last--;
  const c = text.charCodeAt(last);
  return c === 61 || c === 123; // ends with '=' or '{'
}

/** What may follow an array: `}`, `};`, `,`. */
function isDeclarationSuffix(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (!(isSpace(c) || c === 125 || c === 59 || c === 44)) return false;
  }
  return true;
}

interface Span {
  readonly start: number;
  readonly end: number;
  readonly draft: DraftRun;
}

export function parseHexStrict(text: string): ParseHexResult {
  const assembler = new RunAssembler(Number.POSITIVE_INFINITY, () => true);
  const mode = { relaxed: true };
  for (let s = 0; ; ) {
    const nl = text.indexOf('\n', s);
    const e = nl < 0 ? text.length : nl;
    assembler.feed(scanLine(text, s, e, mode));
    if (nl < 0) break;
    s = nl + 1;
  }
  const drafts = assembler.finish();
  const spans: Span[] = [];
  for (const draft of drafts) {
    for (let k = 0; k + 1 < draft.spans.length; k += 2) {
      spans.push({ start: draft.spans[k] as number, end: draft.spans[k + 1] as number, draft });
    }
  }
  spans.sort((a, b) => a.start - b.start);
  // Walk the gaps between spans; each must be blank or a C declaration next to an array.
  let pos = 0;
  let before: Span | undefined;
  for (let k = 0; k <= spans.length; k++) {
    const span = spans[k];
    const gapEnd = span ? span.start : text.length;
    if (gapEnd > pos) {
      let p = pos;
      while (p < gapEnd && isSpace(text.charCodeAt(p))) p++;
      if (p < gapEnd) {
        const declPrefix = span?.draft.family === 'c-array' && isDeclarationPrefix(text, p, gapEnd);
        const declSuffix =
          before?.draft.family === 'c-array' && (span === undefined || span.draft.family === 'c-array')
            ? isDeclarationSuffix(text, p, gapEnd)
            : false;
        if (!declPrefix && !declSuffix) return describeStray(text, p);
      }
    }
    if (!span) break;
    pos = Math.max(pos, span.end);
    before = span;
  }
  let total = 0;
  for (const d of drafts) total += d.bytes.length;
  if (total === 0) return { error: 'no hex bytes found', offset: 0 };
  const bytes = new Uint8Array(total);
  let at = 0;
  let truncated = false;
  const notes: string[] = [];
  for (const d of drafts) {
    bytes.set(d.bytes, at);
    at += d.bytes.length;
    truncated ||= d.truncated;
    for (const n of d.notes) if (!notes.includes(n)) notes.push(n);
  }
  return {
    bytes,
    ...(truncated ? { truncated } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
}
