// Reads one line into segments: which bytes it holds, in which forms, and how each segment may continue onto the
// next line. Linear in the line length: every parser either consumes what it read or is not retried on it.
import { parseCArray } from './cArray';
import { hexWordEnd, isBlankCode, isDecimalCode, isHexCode, isWordCode, skipBlanks } from './chars';
import { parseBareEscapes, parseQuoted } from './escaped';
import { parseMnlRow } from './mnl';
import { parseHexdumpOrOd, parseXxd } from './offsetDump';
import { parseStraceRow } from './straceDump';
import { parseWiresharkRow } from './wiresharkDump';
import { parseColon, parseContiguous, parseSpaced, tokenEndOk, tokenStartOk } from './plainHex';
import type { LineScan, MnlRow, ScanMode, Segment } from './types';

const NO_SEGMENTS: readonly Segment[] = [];

export function trimEnd(text: string, start: number, end: number): number {
  while (end > start && isBlankCode(text.charCodeAt(end - 1))) end--;
  return end;
}

/** Segment at i of the token loop, or undefined; `state.stringScanEnd` stops quotes inside read strings being retried. */
function segmentAt(
  text: string,
  i: number,
  lineStart: number,
  contentStart: number,
  lineEnd: number,
  mode: ScanMode,
  state: { stringScanEnd: number },
): Segment | undefined {
  const c = text.charCodeAt(i);
  const next = i + 1 < lineEnd ? text.charCodeAt(i + 1) : 0;
  const bytesPrefix = (c === 98 || c === 66) && (next === 34 || next === 39) && tokenStartOk(text, i, lineStart);
  if (c === 34 || c === 39 || bytesPrefix) {
    if (c === 39) {
      const item = parseCArray(text, i, contentStart, lineEnd);
      if (item) return item;
    }
    if (i < state.stringScanEnd) return undefined;
    const quoted = parseQuoted(text, i, lineEnd);
    state.stringScanEnd = quoted.scannedEnd;
    return quoted.segment;
  }
  if (c === 92) return parseBareEscapes(text, i, lineEnd);
  if (c === 123 || c === 40) return parseCArray(text, i, contentStart, lineEnd);
  if (!isHexCode(c) || !tokenStartOk(text, i, lineStart)) return undefined;
  if (c === 48 && (next | 32) === 120) {
    const digits = hexWordEnd(text, i + 2, lineEnd) - (i + 2);
    return digits <= 2
      ? parseCArray(text, i, contentStart, lineEnd)
      : parseContiguous(text, i + 2, true, contentStart, lineEnd, mode.relaxed);
  }
  const w = hexWordEnd(text, i, lineEnd);
  const n = w - i;
  if (n >= 4 && n <= 16) {
    const dump = parseXxd(text, i, lineStart, lineEnd) ?? parseHexdumpOrOd(text, i, lineEnd, false);
    if (dump) return dump;
  }
  if (n === 2) {
    if (w < lineEnd && text.charCodeAt(w) === 58) return parseColon(text, i, lineEnd);
    if (tokenEndOk(text, w, lineEnd)) return parseSpaced(text, i, lineStart, lineEnd);
    return undefined;
  }
  return parseContiguous(text, i, false, contentStart, lineEnd, mode.relaxed);
}

/** The hex word of 4 to 16 digits that ends the content, when a blank (or nothing) comes before it. */
function lastHexWord(text: string, contentStart: number, contentEnd: number): LineScan['lastWord'] {
  let k = contentEnd;
  while (k > contentStart && contentEnd - k <= 16 && isHexCode(text.charCodeAt(k - 1))) k--;
  const n = contentEnd - k;
  if (n < 4 || n > 16 || (k > contentStart && !isBlankCode(text.charCodeAt(k - 1)))) return undefined;
  return { digits: text.slice(k, contentEnd), start: k };
}

/** Scans the line [start, end) (end excludes the '\n'; a trailing '\r' is ignored). */
export function scanLine(text: string, start: number, end: number, mode: ScanMode): LineScan {
  const lineEnd = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
  const contentStart = skipBlanks(text, start, lineEnd);
  const contentEnd = trimEnd(text, contentStart, lineEnd);
  // One object shape for every line keeps the assembler's property reads monomorphic.
  const make = (
    segments: readonly Segment[],
    mnl?: MnlRow,
    squeeze?: boolean,
    lastWord?: LineScan['lastWord'],
    stray?: number,
  ): LineScan => ({
    start,
    end: lineEnd,
    contentStart,
    contentEnd,
    segments,
    mnl,
    squeeze,
    lastWord,
    stray,
  });
  if (contentStart >= contentEnd) return make(NO_SEGMENTS);
  const first = text.charCodeAt(contentStart);
  if (first === 124) {
    const row = parseStraceRow(text, contentStart, contentEnd);
    if (row) return make([row]);
  }
  if (first === 45 || first === 124) {
    const row = parseMnlRow(text, contentStart, contentEnd);
    if (row) return make(NO_SEGMENTS, row);
  }
  if (contentEnd - contentStart === 1 && first === 42) return make(NO_SEGMENTS, undefined, true);
  const lastWord = lastHexWord(text, contentStart, contentEnd);

  const dump =
    parseHexdumpOrOd(text, contentStart, contentEnd, true) ?? parseWiresharkRow(text, contentStart, contentEnd);
  if (dump) return make([dump], undefined, undefined, lastWord);

  const segments: Segment[] = [];
  let i = contentStart;
  if (isDecimalCode(first)) {
    // A line of plain decimals can only be the inside of a C array begun above.
    const list = parseCArray(text, contentStart, contentStart, contentEnd);
    if (list) {
      segments.push(list);
      i = list.tailEnd;
    }
  }
  const state = { stringScanEnd: contentStart };
  const stop = mode.stopAtStray === true;
  // stopAtStray: the first character since the last segment that belongs to no segment and that only a C
  // declaration around an array could excuse (a word, `[`, `=`, ...). Either stop leaves a gap the strict parse's
  // check must reject (strictGaps.ts): a character neither before nor after an array may hold, or stray text
  // before a run that is no array (no decimal list, the only kind of segment a run may drop, comes after text).
  let strayFrom = -1;
  while (i < contentEnd) {
    const seg = segmentAt(text, i, start, contentStart, contentEnd, mode, state);
    if (seg) {
      segments.push(seg);
      // Only an array may follow a declaration: stray text before any other form is an error.
      if (stop && strayFrom >= 0 && seg.family !== 'c-array')
        return make(segments, undefined, undefined, undefined, strayFrom);
      strayFrom = -1;
      if (seg.offsetDigits !== undefined) break; // a dump line owns the rest of its line
      i = seg.tailEnd > i ? seg.tailEnd : seg.end > i ? seg.end : i + 1;
      continue;
    }
    const c = text.charCodeAt(i);
    if (isWordCode(c)) {
      if (strayFrom < 0) strayFrom = i;
      while (i < contentEnd && isWordCode(text.charCodeAt(i))) i++;
    } else {
      if (stop && !isBlankCode(c)) {
        // Neither byte syntax nor declaration syntax: nothing can excuse it.
        if (!isDeclarationCode(c)) return make(segments, undefined, undefined, undefined, i);
        if (strayFrom < 0) strayFrom = i;
      }
      i++;
    }
  }
  return make(segments, undefined, undefined, lastWord);
}

/** `[ ] * = { } ; ,`: what a C declaration around an array adds besides words. */
function isDeclarationCode(c: number): boolean {
  return c === 91 || c === 93 || c === 42 || c === 61 || c === 123 || c === 125 || c === 59 || c === 44;
}
