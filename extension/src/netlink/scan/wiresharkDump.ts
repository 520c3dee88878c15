// Wireshark's "Copy as Hex Dump" (and "Copy Bytes as Hex + ASCII Dump"):
//   0000   34 00 00 00 02 00 00 00 00 00 00 00 17 08 00 00   4...............
// From Wireshark's DataPrinter::hexTextDump: the offset as "%04x" (more digits past 0xffff) and two blanks, then
// every byte as " %02x" (so three blanks before the first), 16 a row, all one blank apart; with ASCII, three blanks
// and the characters (a short last row padded so the column lines up). Rows step by 16.
import { hexWordEnd, isBlankCode, isHexPairAt } from './chars';
import { dumpSegment } from './offsetDump';
import { newBytes, pushHexPair } from './segment';
import type { Segment } from './types';

const ROW_BYTES = 16;

/** A Wireshark hex dump row with its offset at `at`; else undefined. */
export function parseWiresharkRow(text: string, at: number, end: number): Segment | undefined {
  const offsetEnd = hexWordEnd(text, at, end);
  const n = offsetEnd - at;
  if (n < 4 || n > 8) return undefined;
  for (let k = 0; k < 3; k++) if (text.charCodeAt(offsetEnd + k) !== 32) return undefined;
  const bytes = newBytes();
  let j = offsetEnd + 3;
  for (let k = 0; k < ROW_BYTES; k++) {
    if (k > 0) {
      if (text.charCodeAt(j) !== 32) break;
      j++;
    }
    if (!isHexPairAt(text, j, end) || (j + 2 < end && !isBlankCode(text.charCodeAt(j + 2)))) break;
    pushHexPair(bytes, text, j);
    j += 2;
  }
  if (bytes.values.length === 0) return undefined;
  return dumpSegment('wireshark', text, at, offsetEnd, bytes, end);
}
