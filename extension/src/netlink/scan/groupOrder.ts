// Which way round the bytes of a grouped dump line are written. xxd prints groups in memory order (`3c00 0000`);
// the kernel's print_hex_dump() with a group size of 2, 4 or 8 prints each group as one native-endian number
// (lib/hexdump.c: "%4.4x" / "%8.8x" / "%16.16llx" of get_unaligned(ptr + j)), so on a little-endian machine the
// bytes of every group appear reversed (`0000003c`), and so does `xxd -e`. The ASCII column, printed in memory
// order by all of them, decides when it can. A line with no ASCII column at all is print_hex_dump's (ascii false):
// xxd always prints one. Otherwise, when the column cannot tell, 8- and 16-digit groups are taken as little-endian
// words (xxd's default group is 4 digits) and 4-digit groups as xxd's; the run settles it (assemble.ts).
import { hexPairValue } from './chars';

/** Flat [start, end) pairs of the groups' digits. */
export type Groups = readonly number[];

/**
 * Does the ASCII text from `asciiStart` show the bytes read in this order? Past `lineEnd` it reads blanks: the
 * line was trimmed, and only a printed space (byte 0x20) can have been cut from the column's end.
 */
function asciiShows(text: string, groups: Groups, reversed: boolean, asciiStart: number, lineEnd: number): boolean {
  let k = asciiStart;
  for (let g = 0; g < groups.length; g += 2) {
    const start = groups[g] as number;
    const end = groups[g + 1] as number;
    for (let p = 0; p < end - start; p += 2) {
      const b = hexPairValue(text, reversed ? end - 2 - p : start + p);
      const c = k < lineEnd ? text.charCodeAt(k) : 32;
      k++;
      if (b >= 0x20 && b < 0x7f ? c !== b : c !== 46) return false;
    }
  }
  return true;
}

export interface GroupOrder {
  /** The groups are little-endian words to reverse. */
  readonly reversed: boolean;
  /** The digits of every group, when all groups have the same width of 4 or more; else 0 (read as they are). */
  readonly width: number;
  /** The ASCII column showed the order; otherwise `reversed` is the guess by width, for the run to overrule. */
  readonly shown: boolean;
}

const AS_READ: GroupOrder = { reversed: false, width: 0, shown: false };

/**
 * Where the ASCII column starts, one character a byte: xxd and print_hex_dump both put it at the same column for
 * rows of 16 or 32 bytes (lib/hexdump.c: rowsize * 2 + rowsize / groupsize + 1 after the hex's start), so a short
 * last row's column lines up with the full rows'. -1 when no such column is there.
 */
function asciiColumn(text: string, hexStart: number, groups: Groups, width: number, lineEnd: number): number {
  const count = (groups.length / 2) * (width / 2);
  const hexEnd = groups[groups.length - 1] as number;
  for (const row of [16, 32]) {
    if (count > row) continue;
    const at = hexStart + row * 2 + row / (width / 2) + 1;
    if (at >= hexEnd + 2 && at <= lineEnd && text.charCodeAt(at - 1) === 32 && text.charCodeAt(at - 2) === 32)
      return at;
  }
  return -1;
}

/** `hexStart`: where the line's first group starts. */
export function groupOrder(text: string, groups: Groups, hexStart: number, lineEnd: number): GroupOrder {
  const width = (groups[1] as number) - (groups[0] as number);
  if (width < 4) return AS_READ;
  for (let g = 0; g < groups.length; g += 2) {
    if ((groups[g + 1] as number) - (groups[g] as number) !== width) return AS_READ;
  }
  if (groups[groups.length - 1] === lineEnd) return { reversed: true, width, shown: false };
  const asciiStart = asciiColumn(text, hexStart, groups, width, lineEnd);
  if (asciiStart >= 0) {
    const asRead = asciiShows(text, groups, false, asciiStart, lineEnd);
    const reversed = asciiShows(text, groups, true, asciiStart, lineEnd);
    if (asRead !== reversed) return { reversed, width, shown: true };
  }
  return { reversed: width >= 8, width, shown: false };
}

/** Reverses the bytes of every `size`-byte group of [from, to) in place (a run overruling a line's guess). */
export function reverseGroups(
  out: { reverse(from: number, to: number): void },
  from: number,
  to: number,
  size: number,
): void {
  for (let k = from; k + size <= to; k += size) out.reverse(k, k + size);
}
