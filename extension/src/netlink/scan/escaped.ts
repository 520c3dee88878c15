// Escaped byte strings: strace (`"\x14\x00abc"`, or octal `"\24\0\0\0"` without -x), C string literals, Python
// bytes reprs (`b'<\x00'`) and bare `\x3c\x00` sequences.
//
// A quoted string counts as bytes only when it holds at least one numeric escape (\xHH or octal): every netlink
// message has zero bytes in its header, and this keeps ordinary strings such as "done\n" out. Inside such a string
// every plain character is a byte too, as strace prints printable bytes as themselves.
import { hexDigitValue, skipBlanks } from './chars';
import { makeSegment, newBytes, pushByte } from './segment';
import type { Segment, SegmentBytes } from './types';

export interface EscapeRead {
  readonly value: number;
  readonly end: number;
  /** \xHH or octal: says "this is binary data". */
  readonly numeric: boolean;
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  n: 10,
  t: 9,
  r: 13,
  v: 11,
  f: 12,
  a: 7,
  b: 8,
  e: 27,
  '\\': 92,
  '"': 34,
  "'": 39,
  '?': 63,
};

/** The escape starting with the backslash at j; undefined when it is not one strace, C or Python would print. */
export function readEscape(text: string, j: number, lineEnd: number): EscapeRead | undefined {
  if (j + 1 >= lineEnd) return undefined;
  const e = text.charCodeAt(j + 1);
  if (e === 120 /* x */) {
    // Exactly one or two digits: strace and Python always print two, and "\x3cabc" means 0x3c then "abc".
    const d1 = j + 2 < lineEnd ? hexDigitValue(text.charCodeAt(j + 2)) : -1;
    if (d1 < 0) return undefined;
    const d2 = j + 3 < lineEnd ? hexDigitValue(text.charCodeAt(j + 3)) : -1;
    return d2 < 0 ? { value: d1, end: j + 3, numeric: true } : { value: (d1 << 4) | d2, end: j + 4, numeric: true };
  }
  if (e >= 48 && e <= 55) {
    let value = 0;
    let k = j + 1;
    while (k < lineEnd && k < j + 4) {
      const c = text.charCodeAt(k);
      if (c < 48 || c > 55) break;
      value = value * 8 + (c - 48);
      k++;
    }
    return value > 255 ? undefined : { value, end: k, numeric: true };
  }
  const simple = SIMPLE_ESCAPES[String.fromCharCode(e)];
  return simple === undefined ? undefined : { value: simple, end: j + 2, numeric: false };
}

/** One quoted piece from the quote at q; returns where it ended, or undefined when it holds something that is not a byte. */
function readPiece(
  text: string,
  q: number,
  lineEnd: number,
  into: SegmentBytes,
): { end: number; closed: boolean; numeric: boolean } | undefined {
  const quote = text.charCodeAt(q);
  let numeric = false;
  let j = q + 1;
  while (j < lineEnd) {
    const c = text.charCodeAt(j);
    if (c === quote) return { end: j + 1, closed: true, numeric };
    if (c === 92) {
      const esc = readEscape(text, j, lineEnd);
      if (!esc) return undefined;
      pushByte(into, esc.value, j, esc.end);
      numeric ||= esc.numeric;
      j = esc.end;
      continue;
    }
    if (c > 255) return undefined;
    pushByte(into, c, j, j + 1);
    j++;
  }
  return { end: lineEnd, closed: false, numeric };
}

/** A quote (or Python's b-prefixed quote) at i. */
function quoteAt(text: string, i: number, lineEnd: number): { quote: number; prefix: number } | undefined {
  if (i >= lineEnd) return undefined;
  const c = text.charCodeAt(i);
  if (c === 34 || c === 39) return { quote: i, prefix: 0 };
  if ((c === 98 || c === 66) && i + 1 < lineEnd) {
    const n = text.charCodeAt(i + 1);
    if (n === 34 || n === 39) return { quote: i + 1, prefix: 1 };
  }
  return undefined;
}

export interface QuotedResult {
  readonly segment: Segment | undefined;
  /** Everything up to here was read as string pieces (so a later quote inside need not be tried again). */
  readonly scannedEnd: number;
}

/**
 * A quoted string at i (`"`, `'`, or Python's `b"`/`b'`), joined with the pieces that follow it after blanks only
 * (C concatenation, strace/Python line splitting). strace's `...` right after the closing quote marks a cut string.
 */
export function parseQuoted(text: string, i: number, lineEnd: number): QuotedResult {
  const bytes = newBytes();
  let numeric = false;
  let at = i;
  let end = i;
  let closed = false;
  for (;;) {
    const q = quoteAt(text, at, lineEnd);
    if (!q) break;
    const piece = readPiece(text, q.quote, lineEnd, bytes);
    if (!piece) return { segment: undefined, scannedEnd: Math.max(at + 1, end) };
    numeric ||= piece.numeric;
    end = piece.end;
    closed = piece.closed;
    if (!closed) break;
    const next = skipBlanks(text, end, lineEnd);
    if (next === end || !quoteAt(text, next, lineEnd)) break;
    at = next;
  }
  if (!numeric || bytes.values.length === 0) return { segment: undefined, scannedEnd: end };
  let tailEnd = end;
  let truncated = false;
  if (closed && text.startsWith('...', end)) {
    truncated = true;
    tailEnd = end + 3;
  }
  tailEnd = skipBlanks(text, tailEnd, lineEnd);
  const tailOpen = closed && !truncated && tailEnd >= lineEnd;
  return {
    segment: makeSegment({ form: 'escaped', family: 'escaped', start: i, end, tailEnd, tailOpen, bytes, truncated }),
    scannedEnd: end,
  };
}

/** Bare numeric escapes at i (`\x3c\x00` outside quotes, as `echo -e` takes them). */
export function parseBareEscapes(text: string, i: number, lineEnd: number): Segment | undefined {
  const bytes = newBytes();
  let j = i;
  while (j < lineEnd && text.charCodeAt(j) === 92) {
    const esc = readEscape(text, j, lineEnd);
    if (!esc || !esc.numeric) break;
    pushByte(bytes, esc.value, j, esc.end);
    j = esc.end;
  }
  if (bytes.values.length === 0) return undefined;
  const tailEnd = skipBlanks(text, j, lineEnd);
  const tailOpen = tailEnd >= lineEnd;
  return makeSegment({ form: 'escaped', family: 'escaped', start: i, end: j, tailEnd, tailOpen, bytes });
}
