// The "Load bytes" box: pasted text to bytes, or an error that says what is wrong and where (line and column,
// counted from 1, as an editor shows them), so the user can find the bad spot in a long paste.
import { parseHexText } from '../../../extension/src/netlink/scan/index';

export type LoadTextResult = { readonly bytes: Uint8Array } | { readonly error: string; readonly offset: number };

/** Line and column (both from 1) of the character at `offset` in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

export function parseLoadText(text: string): LoadTextResult {
  if (text.trim() === '') return { error: 'nothing to load: paste the message as hex first', offset: 0 };
  const r = parseHexText(text);
  if ('bytes' in r) return { bytes: r.bytes };
  const { line, column } = lineColumn(text, r.offset);
  return { error: `${r.error}, at line ${line}, column ${column}`, offset: r.offset };
}
