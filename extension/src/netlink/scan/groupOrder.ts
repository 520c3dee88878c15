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

/** Does the ASCII text at [asciiStart, asciiStart + count) show the bytes read in this order? */
function asciiShows(text: string, groups: Groups, reversed: boolean, asciiStart: number): boolean {
  let k = asciiStart;
  for (let g = 0; g < groups.length; g += 2) {
    const start = groups[g] as number;
    const end = groups[g + 1] as number;
    for (let p = 0; p < end - start; p += 2) {
      const b = hexPairValue(text, reversed ? end - 2 - p : start + p);
      const c = text.charCodeAt(k++);
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

/** `asciiStart` is where the ASCII column would start (-1 when the line has none); it holds one character a byte. */
export function groupOrder(text: string, groups: Groups, asciiStart: number, lineEnd: number): GroupOrder {
  const width = (groups[1] as number) - (groups[0] as number);
  if (width < 4) return AS_READ;
  for (let g = 0; g < groups.length; g += 2) {
    if ((groups[g + 1] as number) - (groups[g] as number) !== width) return AS_READ;
  }
  if (groups[groups.length - 1] === lineEnd) return { reversed: true, width, shown: false };
  const count = (groups.length / 2) * (width / 2);
  if (asciiStart >= 0 && asciiStart + count <= lineEnd) {
    const asRead = asciiShows(text, groups, false, asciiStart);
    const reversed = asciiShows(text, groups, true, asciiStart);
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
