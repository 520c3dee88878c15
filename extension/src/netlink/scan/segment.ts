// What every form parser does on its way to a Segment: collect bytes with the text range each is written in, then
// return them in the one Segment shape. Every field is always set, so the assembler's property reads see one
// object shape whatever the form.
import { hexPairValue, isDecimalCode } from './chars';
import type { Segment, SegmentBytes } from './types';

export function newBytes(): SegmentBytes {
  return { values: [], starts: [], ends: [] };
}

export function pushByte(into: SegmentBytes, value: number, start: number, end: number): void {
  into.values.push(value);
  into.starts.push(start);
  into.ends.push(end);
}

/** The two hex digits at i (the caller checked them) as one byte. */
export function pushHexPair(into: SegmentBytes, text: string, i: number): void {
  pushByte(into, hexPairValue(text, i), i, i + 2);
}

/** How many of the two-digit hex tokens' digits are 0-9, for a segment of such tokens. */
export function decimalDigitsOf(text: string, bytes: SegmentBytes): number {
  let n = 0;
  for (const s of bytes.starts) {
    if (isDecimalCode(text.charCodeAt(s))) n++;
    if (isDecimalCode(text.charCodeAt(s + 1))) n++;
  }
  return n;
}

/**
 * A Segment's fields as a parser knows them; what is left out takes its default (false, 0, undefined).
 * `decimalDigits` is for forms of two-digit hex tokens only (decimalDigitsOf): the tokens' other digits are letters.
 */
export type SegmentParts = Pick<Segment, 'form' | 'family' | 'start' | 'end' | 'tailEnd' | 'tailOpen'> &
  Partial<
    Pick<
      Segment,
      'headClosed' | 'decimalDigits' | 'prefixed' | 'weak' | 'truncated' | 'offsetDigits' | 'groupDigits' | 'orderShown'
    >
  > & {
    readonly bytes: SegmentBytes;
  };

export function makeSegment(p: SegmentParts): Segment {
  const { values, starts, ends } = p.bytes;
  const decimalDigits = p.decimalDigits ?? 0;
  return {
    form: p.form,
    family: p.family,
    start: p.start,
    end: p.end,
    tailEnd: p.tailEnd,
    tailOpen: p.tailOpen,
    headClosed: p.headClosed === true,
    values,
    starts,
    ends,
    decimalDigits,
    letterDigits: p.decimalDigits === undefined ? 0 : values.length * 2 - decimalDigits,
    prefixed: p.prefixed,
    weak: p.weak,
    truncated: p.truncated,
    offsetDigits: p.offsetDigits,
    groupDigits: p.groupDigits,
    orderShown: p.orderShown,
  };
}
