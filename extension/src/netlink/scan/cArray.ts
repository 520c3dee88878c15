// C initialisers: `{ 0x3c, (__u8)0x00, '\x10', 0, /* len */ ... }`, across lines.
//
// Items are 0xH / 0xHH constants, char literals, and decimals 0..255 (C code mixes `0` into hex arrays). A list made
// only of decimals is "weak": it continues an array begun on a line above but never starts one, so "1, 2, 3" in prose
// is not a byte run. Items are separated by commas (or blanks between 0x constants); casts and comments between
// them are skipped. A `{` starts a new run (two arrays one after the other stay apart), a `}` ends it.
import { hexDigitValue, isDecimalCode, isWordCode, skipBlanks } from './chars';
import { readEscape } from './escaped';
import { makeSegment, newBytes, pushByte } from './segment';
import type { Segment } from './types';

/** Skips blanks and comments; a `//` comment (or an unclosed block comment) runs to the line end. */
function skipGap(text: string, i: number, lineEnd: number): number {
  for (;;) {
    i = skipBlanks(text, i, lineEnd);
    if (i + 1 < lineEnd && text.charCodeAt(i) === 47) {
      const n = text.charCodeAt(i + 1);
      if (n === 47) return lineEnd;
      if (n === 42) {
        const close = text.indexOf('*/', i + 2);
        i = close < 0 || close >= lineEnd ? lineEnd : close + 2;
        continue;
      }
    }
    return i;
  }
}

/** A cast like `(char)`, `(__u8)` or `(unsigned char)` at i; returns the position after it. */
function skipCast(text: string, i: number, lineEnd: number): number | undefined {
  let j = skipBlanks(text, i + 1, lineEnd);
  let words = 0;
  while (j < lineEnd && isWordCode(text.charCodeAt(j))) {
    while (j < lineEnd && isWordCode(text.charCodeAt(j))) j++;
    words++;
    j = skipBlanks(text, j, lineEnd);
  }
  if (words === 0 || words > 3 || j >= lineEnd || text.charCodeAt(j) !== 41) return undefined;
  return skipBlanks(text, j + 1, lineEnd);
}

interface Item {
  readonly value: number;
  readonly start: number;
  readonly end: number;
  /** 0x constant or char literal (a decimal is weak). */
  readonly strong: boolean;
  readonly hex: boolean;
}

/** A 0x constant of one or two digits (a longer one is no byte and ends the array). */
function readHexItem(text: string, i: number, lineEnd: number): Item | undefined {
  if (i + 2 >= lineEnd || text.charCodeAt(i) !== 48 || (text.charCodeAt(i + 1) | 32) !== 120) return undefined;
  const d1 = hexDigitValue(text.charCodeAt(i + 2));
  if (d1 < 0) return undefined;
  const d2 = i + 3 < lineEnd ? hexDigitValue(text.charCodeAt(i + 3)) : -1;
  const end = d2 < 0 ? i + 3 : i + 4;
  if (end < lineEnd && isWordCode(text.charCodeAt(end))) return undefined;
  return { value: d2 < 0 ? d1 : (d1 << 4) | d2, start: i, end, strong: true, hex: true };
}

function readItem(text: string, i: number, lineEnd: number): Item | undefined {
  if (i >= lineEnd) return undefined;
  const c = text.charCodeAt(i);
  if (c === 48 && i + 1 < lineEnd && (text.charCodeAt(i + 1) | 32) === 120) return readHexItem(text, i, lineEnd);
  if (c === 39) {
    // Char literal: one character or one escape between single quotes.
    let value: number;
    let j: number;
    if (i + 1 < lineEnd && text.charCodeAt(i + 1) === 92) {
      const esc = readEscape(text, i + 1, lineEnd);
      if (!esc) return undefined;
      value = esc.value;
      j = esc.end;
    } else {
      if (i + 1 >= lineEnd) return undefined;
      value = text.charCodeAt(i + 1);
      if (value > 255 || value === 39) return undefined;
      j = i + 2;
    }
    if (j >= lineEnd || text.charCodeAt(j) !== 39) return undefined;
    return { value, start: i, end: j + 1, strong: true, hex: false };
  }
  if (isDecimalCode(c)) {
    let j = i;
    let value = 0;
    while (j < lineEnd && isDecimalCode(text.charCodeAt(j)) && j - i < 4) {
      value = value * 10 + (text.charCodeAt(j) - 48);
      j++;
    }
    // A leading zero would be octal in C; 256 and up are not bytes.
    if (j - i > 3 || value > 255 || (c === 48 && j - i > 1)) return undefined;
    if (j < lineEnd && isWordCode(text.charCodeAt(j))) return undefined;
    return { value, start: i, end: j, strong: false, hex: false };
  }
  return undefined;
}

function readCastItem(text: string, i: number, lineEnd: number): Item | undefined {
  if (i < lineEnd && text.charCodeAt(i) === 40) {
    const after = skipCast(text, i, lineEnd);
    return after === undefined ? undefined : readItem(text, after, lineEnd);
  }
  return readItem(text, i, lineEnd);
}

/**
 * A C byte list at i: i is at `{`, `(`, a quote, `0x`, or (for a weak list) at the line's first digit.
 * Returns undefined when no item is there, or for a weak list that does not fill its line up to a comma.
 */
export function parseCArray(text: string, i: number, contentStart: number, lineEnd: number): Segment | undefined {
  const braced = text.charCodeAt(i) === 123;
  let j = braced ? skipGap(text, i + 1, lineEnd) : i;
  const bytes = newBytes();
  let strong = false;
  let commas = 0;
  let closed = false;
  let end = i;
  let tailEnd = i;
  for (;;) {
    const item = readCastItem(text, j, lineEnd);
    if (!item) break;
    pushByte(bytes, item.value, item.start, item.end);
    strong ||= item.strong;
    end = item.end;
    tailEnd = item.end;
    let k = skipGap(text, item.end, lineEnd);
    if (k < lineEnd && text.charCodeAt(k) === 44) {
      commas++;
      k = skipGap(text, k + 1, lineEnd);
      tailEnd = k;
      j = k;
      continue;
    }
    if (k < lineEnd && text.charCodeAt(k) === 125) {
      closed = true;
      end = k + 1;
      // `};` or `},` after the closing brace belongs to the declaration.
      let t = skipBlanks(text, k + 1, lineEnd);
      if (t < lineEnd && (text.charCodeAt(t) === 59 || text.charCodeAt(t) === 44)) t++;
      tailEnd = skipGap(text, t, lineEnd);
      break;
    }
    // Blank-separated 0x constants ("0x3c 0x00") are a list too.
    if (item.hex && k > item.end && readHexItem(text, k, lineEnd)) {
      j = k;
      continue;
    }
    tailEnd = k;
    break;
  }
  if (bytes.values.length === 0) return undefined;
  const tailOpen = !closed && tailEnd >= lineEnd;
  if (!strong && (braced || i !== contentStart || commas === 0 || !(tailOpen || closed))) return undefined;
  return makeSegment({
    form: 'c-array',
    family: 'c-array',
    start: i,
    end,
    tailEnd,
    tailOpen,
    headClosed: braced,
    bytes,
    weak: !strong,
  });
}
