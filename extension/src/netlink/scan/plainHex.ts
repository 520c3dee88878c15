// Bare hex written as text: spaced two-digit tokens, colon-separated tokens and contiguous blobs.
//
// Token boundaries are what keep prose, times and addresses out: a token may not be glued to a word character, nor
// follow '.', '-', ':', '\\', '%', '#', '$' or '&' (decimals, dates, times, IPv6 groups, escapes, URL escapes,
// colours, shell variables, entities); it may not be followed by a word character, ':' or '-', nor by '.' that goes
// on with a word character (a version number or an IP address).
import { hexWordEnd, isBlankCode, isHexCode, isHexPairAt, isWordCode, skipBlanks } from './chars';
import { decimalDigitsOf, makeSegment, newBytes, pushHexPair } from './segment';
import type { Segment } from './types';

export function tokenStartOk(text: string, i: number, lineStart: number): boolean {
  if (i <= lineStart) return true;
  const p = text.charCodeAt(i - 1);
  return (
    !isWordCode(p) &&
    p !== 46 && // .
    p !== 45 && // -
    p !== 58 && // :
    p !== 92 && // backslash
    p !== 37 && // %
    p !== 35 && // #
    p !== 36 && // $
    p !== 38 // &
  );
}

export function tokenEndOk(text: string, j: number, lineEnd: number): boolean {
  if (j >= lineEnd) return true;
  const c = text.charCodeAt(j);
  if (isWordCode(c) || c === 58 || c === 45) return false;
  if (c === 46 && j + 1 < lineEnd && isWordCode(text.charCodeAt(j + 1))) return false;
  return true;
}

/** Spaced hex at i (a two-digit token already known to start there): tokens separated by blanks. */
export function parseSpaced(text: string, i: number, lineStart: number, lineEnd: number): Segment {
  const bytes = newBytes();
  let singleSpaced = true;
  let j = i;
  for (;;) {
    pushHexPair(bytes, text, j);
    const k = skipBlanks(text, j + 2, lineEnd);
    if (k === j + 2 || k >= lineEnd) break;
    if (!isHexPairAt(text, k, lineEnd) || !tokenEndOk(text, k + 2, lineEnd)) break;
    if (k - (j + 2) !== 1 || text.charCodeAt(j + 2) !== 32) singleSpaced = false;
    j = k;
  }
  const end = j + 2;
  const tailEnd = skipBlanks(text, end, lineEnd);
  // `od -An -tx1` prints every byte as " %02x": exactly one space before each token, from the line start.
  const od = singleSpaced && i === lineStart + 1 && text.charCodeAt(lineStart) === 32;
  return makeSegment({
    form: od ? 'od' : 'spaced',
    family: 'spaced',
    start: i,
    end,
    tailEnd,
    tailOpen: tailEnd >= lineEnd,
    bytes,
    decimalDigits: decimalDigitsOf(text, bytes),
  });
}

/**
 * Colon-separated tokens `3c:00:10` at i. Needs at least two tokens here; a trailing ':' at the end of the line
 * (a wrapped dump) leaves the segment open. Returns undefined when the tokens run into a longer group (IPv6).
 */
export function parseColon(text: string, i: number, lineEnd: number): Segment | undefined {
  const bytes = newBytes();
  let j = i;
  for (;;) {
    pushHexPair(bytes, text, j);
    const c = j + 2;
    if (
      c < lineEnd &&
      text.charCodeAt(c) === 58 &&
      isHexPairAt(text, c + 1, lineEnd) &&
      !(c + 3 < lineEnd && isHexCode(text.charCodeAt(c + 3)))
    ) {
      j = c + 1;
      continue;
    }
    break;
  }
  if (bytes.values.length < 2) return undefined;
  const end = j + 2;
  let tailEnd = end;
  if (end < lineEnd && text.charCodeAt(end) === 58) {
    // Only a line-final ':' (wrapped output) may follow; "aa:bb:cc:xyz" is something else.
    const after = skipBlanks(text, end + 1, lineEnd);
    if (after < lineEnd && !isBlankCode(text.charCodeAt(end + 1))) return undefined;
    tailEnd = after >= lineEnd ? lineEnd : end;
  } else if (!tokenEndOk(text, end, lineEnd)) {
    return undefined;
  }
  tailEnd = skipBlanks(text, tailEnd, lineEnd);
  return makeSegment({
    form: 'colon',
    family: 'colon',
    start: i,
    end,
    tailEnd,
    tailOpen: tailEnd >= lineEnd,
    bytes,
    decimalDigits: decimalDigitsOf(text, bytes),
  });
}

/**
 * Contiguous hex whose digits start at `digitsStart` (after `0x` when `prefixed`). Needs an even digit count and a
 * clean end. Outside relaxed mode a blob shorter than 8 digits counts only when it is the whole line (the last piece
 * of a wrapped blob); the run-level rules decide the rest.
 */
export function parseContiguous(
  text: string,
  digitsStart: number,
  prefixed: boolean,
  contentStart: number,
  lineEnd: number,
  relaxed: boolean,
): Segment | undefined {
  const wordEnd = hexWordEnd(text, digitsStart, lineEnd);
  const n = wordEnd - digitsStart;
  if (n < 2 || n % 2 !== 0 || !tokenEndOk(text, wordEnd, lineEnd)) return undefined;
  const start = prefixed ? digitsStart - 2 : digitsStart;
  const tailEnd = skipBlanks(text, wordEnd, lineEnd);
  if (!relaxed && n < 8 && !(start === contentStart && tailEnd >= lineEnd)) return undefined;
  const bytes = newBytes();
  for (let p = digitsStart; p < wordEnd; p += 2) pushHexPair(bytes, text, p);
  return makeSegment({
    form: 'contiguous',
    family: 'contiguous',
    start,
    end: wordEnd,
    tailEnd,
    tailOpen: tailEnd >= lineEnd,
    bytes,
    decimalDigits: decimalDigitsOf(text, bytes),
    prefixed,
  });
}
