// The commonest input of all, read straight from its UTF-8 bytes: nothing but two-digit hex tokens between blanks
// and newlines (spaced hex, `od -An -tx1`, xxd -p -c1 style). For such input the strict text parse
// (parseHexText) gives exactly these bytes: every line is a spaced line (strict.ts pushSpacedLine) and there is
// nothing else to check. Reading the bytes skips decoding megabytes into a string and the per-line scan; any
// other byte (a letter beyond f, `0x`, a colon, an offset column, a BOM, non-ASCII) gives undefined and the caller
// takes the text path, which knows every form.
import { hexDigitValue, isBlankCode } from './chars';

/** Per byte: its hex digit value, SEPARATOR for a blank (chars.ts isBlankCode) or the newline, or -1. */
const SEPARATOR = -2;
const CLASS = Int8Array.from({ length: 256 }, (_, c) => (c === 0x0a || isBlankCode(c) ? SEPARATOR : hexDigitValue(c)));

/** The bytes `text` (UTF-8) spells when it is only spaced two-digit hex tokens; undefined otherwise or if empty. */
export function parseSpacedHexBytes(text: Uint8Array): Uint8Array | undefined {
  // At most one byte per three characters of text (two digits and a separator), plus a last token.
  const out = new Uint8Array(Math.floor(text.length / 3) + 1);
  let n = 0;
  let i = 0;
  const len = text.length;
  while (i < len) {
    const hi = CLASS[text[i]!]!;
    if (hi === SEPARATOR) {
      i++;
      continue;
    }
    if (hi < 0 || i + 1 === len) return undefined;
    const lo = CLASS[text[i + 1]!]!;
    if (lo < 0) return undefined;
    if (i + 2 < len && CLASS[text[i + 2]!] !== SEPARATOR) return undefined;
    out[n++] = (hi << 4) | lo;
    i += 3;
  }
  return n === 0 ? undefined : out.subarray(0, n);
}
