// Character classes shared by the form parsers. Everything works on UTF-16 code units (charCodeAt), so a scan
// never allocates substrings per character and stays linear in the text it reads.

/** Value of a hex digit, or -1. */
export function hexDigitValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

export function isHexCode(code: number): boolean {
  return hexDigitValue(code) >= 0;
}

export function isDecimalCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** [A-Za-z0-9_]: characters that glue a hex-looking token into a longer word. */
export function isWordCode(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

/** Horizontal whitespace inside a line. */
export function isBlankCode(code: number): boolean {
  return code === 32 || code === 9 || code === 11 || code === 12 || code === 13;
}

export function skipBlanks(text: string, i: number, end: number): number {
  while (i < end && isBlankCode(text.charCodeAt(i))) i++;
  return i;
}

/** End of the run of hex digits starting at i. */
export function hexWordEnd(text: string, i: number, end: number): number {
  while (i < end && isHexCode(text.charCodeAt(i))) i++;
  return i;
}

/** Value of the two hex digits at i (caller checked they are hex digits). */
export function hexPairValue(text: string, i: number): number {
  return (hexDigitValue(text.charCodeAt(i)) << 4) | hexDigitValue(text.charCodeAt(i + 1));
}

/** Does a two-digit hex token sit at i..i+2 (no check of what comes before)? */
export function isHexPairAt(text: string, i: number, end: number): boolean {
  return i + 1 < end && isHexCode(text.charCodeAt(i)) && isHexCode(text.charCodeAt(i + 1));
}
