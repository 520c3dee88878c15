// The commonest input of all, read straight from its UTF-8 bytes: nothing but two-digit hex tokens between blanks
// and newlines (spaced hex, `od -An -tx1`, xxd -p -c1 style). For such input the strict text parse
// (parseHexText) gives exactly these bytes: every line is a spaced line (strict.ts pushSpacedLine) and there is
// nothing else to check. Reading the bytes skips decoding megabytes into a string and the per-line scan; any
// other byte (a letter beyond f, `0x`, a colon, an offset column, a BOM, non-ASCII) gives undefined and the caller
// takes the text path, which knows every form.

/** Value of an ASCII hex digit byte, or -1; 256 entries so that any byte indexes it. */
const HEX_VALUE = new Int8Array(256).fill(-1);
for (let c = 0; c < 10; c++) HEX_VALUE[0x30 + c] = c;
for (let c = 0; c < 6; c++) {
  HEX_VALUE[0x61 + c] = 10 + c;
  HEX_VALUE[0x41 + c] = 10 + c;
}

/** Blanks within a line (as chars.ts isBlankCode) and the newline between lines. */
function isSeparator(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x09 || b === 0x0b || b === 0x0c || b === 0x0d;
}

/** The bytes `text` (UTF-8) spells when it is only spaced two-digit hex tokens; undefined otherwise or if empty. */
export function parseSpacedHexBytes(text: Uint8Array): Uint8Array | undefined {
  // At most one byte per three characters of text (two digits and a separator), plus a last token.
  const out = new Uint8Array(Math.floor(text.length / 3) + 1);
  let n = 0;
  let i = 0;
  const len = text.length;
  while (i < len) {
    const c = text[i]!;
    if (isSeparator(c)) {
      i++;
      continue;
    }
    const hi = HEX_VALUE[c]!;
    const lo = i + 1 < len ? HEX_VALUE[text[i + 1]!]! : -1;
    if (hi < 0 || lo < 0) return undefined;
    if (i + 2 < len && !isSeparator(text[i + 2]!)) return undefined;
    out[n++] = (hi << 4) | lo;
    i += 3;
  }
  return n === 0 ? undefined : out.subarray(0, n);
}
