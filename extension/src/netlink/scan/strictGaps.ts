// The strict parse's rule for the text between runs: it must be blank, or a C declaration next to an array
// (`unsigned char msg[] = {` before one, `};` after one). Checked as the spans arrive, line by line, so the first
// stray character is reported as soon as the text up to it is read, and nothing per span is kept.
import { quoteText } from '../escape';
import { hexWordEnd, isBlankCode, isWordCode } from './chars';

export interface StrayError {
  readonly error: string;
  readonly offset: number;
}

function isSpace(code: number): boolean {
  return isBlankCode(code) || code === 10;
}

/** Words, blanks and `[ ] * = {`: what may stand before an array (`static const unsigned char msg[] = {`). */
function isPrefixCode(c: number): boolean {
  return isWordCode(c) || isSpace(c) || c === 91 || c === 93 || c === 42 || c === 61 || c === 123;
}

/** `}`, `;`, `,`: what may follow an array. */
function isSuffixCode(c: number): boolean {
  return isSpace(c) || c === 125 || c === 59 || c === 44;
}

/** A C declaration before an array: prefix characters only, ending with '=' or '{'. */
function isDeclarationPrefix(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (!isPrefixCode(text.charCodeAt(k))) return false;
  let last = to - 1;
  while (last >= from && isSpace(text.charCodeAt(last))) last--;
  const c = text.charCodeAt(last);
  return c === 61 || c === 123;
}

function isDeclarationSuffix(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (!isSuffixCode(text.charCodeAt(k))) return false;
  return true;
}

function quoteSnippet(text: string, from: number, to: number): string {
  const s = text.slice(from, Math.min(to, from + 24));
  return quoteText(to - from > 24 ? `${s}...` : s);
}

/** Why the word at p is not part of any byte run, and where exactly: the first character that is wrong. */
function describeStray(text: string, p: number): StrayError {
  const c = text.charCodeAt(p);
  const wordChar = (w: number): boolean => w < text.length && isWordCode(text.charCodeAt(w));
  const unexpectedAt = (w: number): StrayError => ({
    error: `unexpected character ${quoteText(text[w] as string)} in ${quoteSnippet(text, p, w + 1)}`,
    offset: w,
  });
  const oddDigits = (n: number, end: number): StrayError => ({
    error: `odd number of hex digits (${n}) in ${quoteSnippet(text, p, end)}: every byte needs two`,
    offset: p,
  });
  if (c === 48 && (text.charCodeAt(p + 1) | 32) === 120) {
    const w = hexWordEnd(text, p + 2, text.length);
    const n = w - (p + 2);
    // "0x4g": the g is wrong, not the x.
    if (wordChar(w)) return unexpectedAt(w);
    if (n % 2 === 1 && n > 2) return oddDigits(n, w);
    if (n === 0) return { error: '"0x" without hex digits', offset: p };
  }
  const w = hexWordEnd(text, p, text.length);
  if (w > p) {
    if (wordChar(w)) return unexpectedAt(w);
    const n = w - p;
    if (n % 2 === 1) return oddDigits(n, w);
  }
  if (c === 34 || c === 39)
    return { error: 'a quoted string counts as bytes only with at least one \\x or octal escape', offset: p };
  return { error: `unexpected character ${quoteText(String.fromCodePoint(text.codePointAt(p) ?? c))}`, offset: p };
}

/**
 * Walks the text in order: `span` for each span of run syntax (in text order), `upTo` when a line is done, `end`
 * at the end of the text. Each returns the first stray character as an error, or undefined.
 */
export class GapCheck {
  /** End of the text covered so far. */
  private pos = 0;
  private beforeIsArray = false;
  // The gap after pos, read up to `readTo`: its first non-blank character and whether it can still be a
  // declaration before an array or after one.
  private readTo = 0;
  private first = -1;
  private prefixOk = true;
  private suffixOk = true;

  constructor(private readonly text: string) {}

  /** A span of a run's syntax; `isArray` when the run is a C array. */
  span(start: number, end: number, isArray: boolean): StrayError | undefined {
    if (start > this.pos) {
      this.read(start);
      const p = this.first;
      if (p >= 0) {
        const declPrefix = isArray && isDeclarationPrefix(this.text, p, start);
        const declSuffix = this.beforeIsArray && isArray && isDeclarationSuffix(this.text, p, start);
        if (!declPrefix && !declSuffix) return describeStray(this.text, p);
      }
    }
    if (end > this.pos) this.pos = end;
    this.beforeIsArray = isArray;
    this.readTo = this.pos;
    this.first = -1;
    this.prefixOk = true;
    this.suffixOk = true;
    return undefined;
  }

  /** The text up to `to` is read and holds no more spans: an error now if no span to come could excuse it. */
  upTo(to: number): StrayError | undefined {
    this.read(to);
    if (this.first >= 0 && !this.prefixOk && !(this.suffixOk && this.beforeIsArray))
      return describeStray(this.text, this.first);
    return undefined;
  }

  /** The end of the text: what follows the last run may only close its array. */
  end(): StrayError | undefined {
    const to = this.text.length;
    this.read(to);
    const p = this.first;
    if (p >= 0 && !(this.beforeIsArray && isDeclarationSuffix(this.text, p, to))) return describeStray(this.text, p);
    return undefined;
  }

  private read(to: number): void {
    const text = this.text;
    for (let k = Math.max(this.readTo, this.pos); k < to; k++) {
      const c = text.charCodeAt(k);
      if (isSpace(c)) continue;
      if (this.first < 0) this.first = k;
      if (!isPrefixCode(c)) this.prefixOk = false;
      if (!isSuffixCode(c)) this.suffixOk = false;
    }
    if (to > this.readTo) this.readTo = to;
  }
}
