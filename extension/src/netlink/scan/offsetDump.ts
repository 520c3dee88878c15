// Dump lines with an offset column:
//   hexdump -C  `00000000  3c 00 00 00 10 00 05 03  00 00 00 00 00 00 00 00  |<...............|`
//   od -Ax -tx1 `000000 3c 00 00 00 ...`  (plain `od -tx1` prints octal offsets, -Ad decimal ones)
//   xxd         `00000000: 3c00 0000 1000 0503 0000 0000 0000 0000  <...............`
//               (also the kernel's print_hex_dump with DUMP_PREFIX_OFFSET/ADDRESS, after any log prefix)
// The offset and ASCII columns are never bytes; the assembler joins lines only while offsets are consecutive.
// xxd groups are read in text order, as xxd prints them; little-endian groups (xxd -e, print_hex_dump with a group
// size of 2, 4 or 8 on little-endian machines) are swapped back (groupOrder.ts decides which a line is).
import { hexWordEnd, isBlankCode, isHexPairAt, skipBlanks } from './chars';
import { groupOrder } from './groupOrder';
import { tokenEndOk, tokenStartOk } from './plainHex';
import { makeSegment, newBytes, pushHexPair } from './segment';
import type { Segment, SegmentBytes } from './types';

type DumpForm = 'hexdump' | 'xxd' | 'od' | 'strace' | 'wireshark' | 'le-groups';

/** A dump line's segment: strace and Wireshark rows join by offsets like hexdump -C ones, so share its family. */
export function dumpSegment(
  form: DumpForm,
  text: string,
  offsetStart: number,
  offsetEnd: number,
  bytes: SegmentBytes,
  lineEnd: number,
  /** Where the line's dump syntax starts, when something comes before the offset (strace's "| "). */
  start = offsetStart,
): Segment {
  return makeSegment({
    form,
    family: form === 'od' || form === 'xxd' ? form : form === 'le-groups' ? 'xxd' : 'hexdump',
    start,
    end: bytes.ends[bytes.ends.length - 1] as number,
    // The ASCII column and padding belong to the line; dump lines join by offsets, not by what ends them.
    tailEnd: lineEnd,
    tailOpen: true,
    bytes,
    offsetDigits: text.slice(offsetStart, offsetEnd),
  });
}

/**
 * hexdump -C (offset of 8+ digits, two blanks) or od (6 to 8 digits, one blank) with the offset at `at`.
 * `odAllowed` is false mid-line, where one blank after a number is too weak a sign.
 */
export function parseHexdumpOrOd(text: string, at: number, lineEnd: number, odAllowed: boolean): Segment | undefined {
  const w = hexWordEnd(text, at, lineEnd);
  const n = w - at;
  if (n < 6 || n > 16) return undefined;
  const first = skipBlanks(text, w, lineEnd);
  const gap = first - w;
  let form: DumpForm;
  let maxGap: number;
  if (n >= 8 && gap === 2) {
    form = 'hexdump';
    maxGap = 2; // hexdump -C puts two blanks after the eighth byte
  } else if (odAllowed && n <= 8 && gap === 1) {
    form = 'od';
    maxGap = 1;
  } else {
    return undefined;
  }
  const bytes = newBytes();
  let j = first;
  while (isHexPairAt(text, j, lineEnd) && tokenEndOk(text, j + 2, lineEnd)) {
    pushHexPair(bytes, text, j);
    const k = skipBlanks(text, j + 2, lineEnd);
    if (k === j + 2 || k - (j + 2) > maxGap) break;
    j = k;
  }
  if (bytes.values.length === 0) return undefined;
  return dumpSegment(form, text, at, w, bytes, lineEnd);
}

/**
 * xxd / print_hex_dump: `OFFSET: ` then groups of an even number of hex digits separated by single blanks; two
 * blanks start the ASCII column. `at` is the start of a 4-to-16-digit word.
 */
export function parseXxd(text: string, at: number, lineStart: number, lineEnd: number): Segment | undefined {
  if (!tokenStartOk(text, at, lineStart)) return undefined;
  const w = hexWordEnd(text, at, lineEnd);
  const n = w - at;
  if (n < 4 || n > 16 || w + 2 >= lineEnd || text.charCodeAt(w) !== 58 || text.charCodeAt(w + 1) !== 32) {
    return undefined;
  }
  const groups: number[] = [];
  let j = w + 2;
  for (;;) {
    const g = hexWordEnd(text, j, lineEnd);
    const len = g - j;
    if (len < 2 || len % 2 !== 0 || (g < lineEnd && !isBlankCode(text.charCodeAt(g)))) break;
    groups.push(j, g);
    if (g + 1 >= lineEnd || text.charCodeAt(g) !== 32 || isBlankCode(text.charCodeAt(g + 1))) break;
    j = g + 1;
  }
  if (groups.length === 0) return undefined;
  const order = groupOrder(text, groups, w + 2, lineEnd);
  const reversed = order.reversed;
  const bytes = newBytes();
  for (let g = 0; g < groups.length; g += 2) {
    const start = groups[g] as number;
    const end = groups[g + 1] as number;
    if (reversed) for (let p = end - 2; p >= start; p -= 2) pushHexPair(bytes, text, p);
    else for (let p = start; p < end; p += 2) pushHexPair(bytes, text, p);
  }
  const seg = dumpSegment(reversed ? 'le-groups' : 'xxd', text, at, w, bytes, lineEnd);
  return order.width === 0 ? seg : { ...seg, groupDigits: order.width, orderShown: order.shown };
}

const OFFSET_MASK = 2 ** 48;

/** Offset value in `radix`, from its last 12 digits (addresses from print_hex_dump exceed 2^53); NaN if invalid. */
function offsetValue(digits: string, radix: number): number {
  const tail = digits.length > 12 ? digits.slice(-12) : digits;
  for (let k = 0; k < tail.length; k++) {
    const c = tail.charCodeAt(k);
    const v = c <= 57 ? c - 48 : (c | 32) - 87;
    if (v < 0 || v >= radix) return NaN;
  }
  return parseInt(tail, radix);
}

/** Distance from offset a to offset b in `radix` (modulo 2^48 so wrapping addresses still compare). */
export function offsetDelta(a: string, b: string, radix: number): number {
  const va = offsetValue(a, radix);
  const vb = offsetValue(b, radix);
  if (Number.isNaN(va) || Number.isNaN(vb)) return NaN;
  let d = vb - va;
  if (radix === 16 && d < 0 && (a.length > 12 || b.length > 12)) d += OFFSET_MASK;
  return d;
}
