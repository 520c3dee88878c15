// strace's own buffer dumps (`-e read=FD` / `-e write=FD`, and `-x`-less sessions with read=all/write=all):
//    | 00000  34 00 00 00 02 00 00 00  00 00 00 00 17 08 00 00  4............... |
// strace prints each row as " | %05x  " (the offset grows past five digits for big buffers), 16 two-digit bytes with
// one blank between them and two after the eighth, then the 16-character ASCII column (blanks are printable, so it
// may hold some) and " |". A short last row pads the bytes with blanks. Rows are never prefixed (not by -f's pid,
// not by -tt's time), and offsets restart at 0 for every buffer, so each buffer is a run of its own.
import { hexWordEnd, isBlankCode, isHexPairAt } from './chars';
import { dumpSegment } from './offsetDump';
import { newBytes, pushHexPair } from './segment';
import type { Segment } from './types';

const ROW_BYTES = 16;

/** A strace dump row whose content starts at `at` (its '|') and ends at `end` (its closing '|'); else undefined. */
export function parseStraceRow(text: string, at: number, end: number): Segment | undefined {
  if (text.charCodeAt(at) !== 124 || text.charCodeAt(at + 1) !== 32 || text.charCodeAt(end - 1) !== 124) return;
  const offsetStart = at + 2;
  const offsetEnd = hexWordEnd(text, offsetStart, end);
  const n = offsetEnd - offsetStart;
  if (n < 5 || n > 16 || text.charCodeAt(offsetEnd) !== 32 || text.charCodeAt(offsetEnd + 1) !== 32) return;
  const bytes = newBytes();
  let j = offsetEnd + 2;
  for (let k = 0; k < ROW_BYTES; k++) {
    if (k > 0) {
      // One blank between bytes, two after the eighth; anything else is the padding before the ASCII column.
      const gap = k === 8 ? 2 : 1;
      for (let g = 0; g < gap; g++) if (text.charCodeAt(j + g) !== 32) return finish();
      j += gap;
    }
    if (!isHexPairAt(text, j, end) || !isBlankCode(text.charCodeAt(j + 2))) return finish();
    pushHexPair(bytes, text, j);
    j += 2;
  }
  return finish();

  function finish(): Segment | undefined {
    if (bytes.values.length === 0) return undefined;
    return dumpSegment('strace', text, offsetStart, offsetEnd, bytes, end, at);
  }
}
