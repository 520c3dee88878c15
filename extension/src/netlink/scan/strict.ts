// parseHexText: the whole input must be bytes in the supported forms. Runs are found by the same line scanner in
// relaxed mode (any even hex word counts); then every character outside the runs' syntax must be blank, apart from
// a C declaration around an array (`unsigned char msg[] = {` ... `};`). The first stray character is the error.
//
// Bounded for any input: the text is read line by line and checked as it is read (strictGaps.ts), and a line stops
// at a character nothing can excuse (ScanMode.stopAtStray), so an error near the start is reported without reading
// the rest. The bytes of all runs go straight into one array; nothing is kept per run or per span.
import { RunAssembler, type ByteOut, type RunStream } from './assemble';
import type { Family } from './types';
import { hexDigitValue, isBlankCode, skipBlanks } from './chars';
import { scanLine, trimEnd } from './line';
import { GapCheck, type StrayError } from './strictGaps';

export type ParseHexResult =
  | { readonly bytes: Uint8Array; readonly truncated?: boolean; readonly notes?: readonly string[] }
  | { readonly error: string; readonly offset: number };

/** One growable byte array for every run (the text positions the scanner passes are not needed here). */
class Bytes implements ByteOut {
  private values = new Uint8Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const next = new Uint8Array(this.values.length * 2);
      next.set(this.values);
      this.values = next;
    }
    this.values[this.length++] = value;
  }

  reverse(from: number, to: number): void {
    this.values.subarray(from, to).reverse();
  }

  finish(): Uint8Array {
    return this.values.slice(0, this.length);
  }

  /**
   * The fast path for the commonest input: when [from, to) (a line's content, trimmed) is nothing but two-digit
   * hex tokens between blanks, writes their bytes and returns true; otherwise writes nothing and returns false.
   * Such a line reads the same through the scanner (a spaced segment, or od -An), so the strict parse may take it
   * without building a segment: no object and no array per line or per byte.
   */
  pushSpacedLine(text: string, from: number, to: number): boolean {
    const mark = this.length;
    let k = from;
    while (k < to) {
      const hi = hexDigitValue(text.charCodeAt(k));
      const lo = k + 1 < to ? hexDigitValue(text.charCodeAt(k + 1)) : -1;
      if (hi < 0 || lo < 0 || (k + 2 < to && !isBlankCode(text.charCodeAt(k + 2)))) {
        this.length = mark;
        return false;
      }
      this.push((hi << 4) | lo);
      k = skipBlanks(text, k + 2, to);
    }
    return this.length > mark;
  }
}

/** What the assembler streams: bytes, the spans of the line being fed (start, end, is-array triples), notes. */
class StrictOutput implements RunStream {
  readonly bytes = new Bytes();
  readonly notes: string[] = [];
  truncated = false;
  lineSpans: number[] = [];

  span(start: number, end: number, family: Family | 'mnl'): void {
    this.lineSpans.push(start, end, family === 'c-array' ? 1 : 0);
  }

  runDone(truncated: boolean, notes: readonly string[]): void {
    this.truncated ||= truncated;
    for (const n of notes) if (!this.notes.includes(n)) this.notes.push(n);
  }

  /** The line's spans in text order (a line's runs are not always fed left to right), checked against the gaps. */
  checkLine(gaps: GapCheck): StrayError | undefined {
    const s = this.lineSpans;
    this.lineSpans = [];
    if (s.length === 0) return undefined;
    const order = Array.from({ length: s.length / 3 }, (_, k) => k * 3);
    if (order.length > 1) order.sort((a, b) => (s[a] as number) - (s[b] as number));
    for (const k of order) {
      const error = gaps.span(s[k] as number, s[k + 1] as number, s[k + 2] === 1);
      if (error) return error;
    }
    return undefined;
  }
}

export function parseHexStrict(text: string): ParseHexResult {
  // A line stops early only where the check must then fail (see scanLine), so the second parse is never needed;
  // it is there so that a future change to the scanner could cost time, never a wrong answer.
  return parseLines(text, true) ?? (parseLines(text, false) as ParseHexResult);
}

/** undefined when a line stopped early and the text up to the stop held no error after all (see above). */
function parseLines(text: string, stopAtStray: boolean): ParseHexResult | undefined {
  const out = new StrictOutput();
  const gaps = new GapCheck(text);
  const assembler = new RunAssembler(Number.POSITIVE_INFINITY, () => true, out);
  const mode = { relaxed: true, stopAtStray };
  for (let s = 0; ;) {
    const nl = text.indexOf('\n', s);
    const e = nl < 0 ? text.length : nl;
    const contentStart = skipBlanks(text, s, e);
    const contentEnd = trimEnd(text, contentStart, e);
    if (contentStart < contentEnd && out.bytes.pushSpacedLine(text, contentStart, contentEnd)) {
      // What the scanner would do with the line: end the open run (its notes), then one span over the tokens.
      assembler.endRun();
      const error = gaps.span(contentStart, contentEnd, false) ?? gaps.upTo(e);
      if (error) return error;
      if (nl < 0) break;
      s = nl + 1;
      continue;
    }
    const line = scanLine(text, s, e, mode);
    assembler.feed(line);
    const error = out.checkLine(gaps);
    if (error) return error;
    if (line.stray !== undefined) return gaps.upTo(line.stray + 1);
    const pending = gaps.upTo(e);
    if (pending) return pending;
    if (nl < 0) break;
    s = nl + 1;
  }
  assembler.finish();
  const error = gaps.end();
  if (error) return error;
  if (out.bytes.length === 0) return { error: 'no hex bytes found', offset: 0 };
  return {
    bytes: out.bytes.finish(),
    ...(out.truncated ? { truncated: true } : {}),
    ...(out.notes.length > 0 ? { notes: out.notes } : {}),
  };
}
