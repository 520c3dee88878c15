// Where a compiler diagnostic should be underlined: from gcc's column to the end of the token there (an
// identifier, a number, or a single character), so Problems shows the word, not a zero-width mark. Pure.

export interface Span {
  /** 0-based. */
  readonly line: number;
  readonly start: number;
  readonly end: number;
}

/** gcc (10 and later) counts display columns: a tab moves to the next multiple of 8 (-ftabstop=8). */
const TABSTOP = 8;

/** Character index of a 1-based display column. */
export function indexOfDisplayColumn(text: string, col1: number): number {
  let col = 1;
  for (let i = 0; i < text.length; i++) {
    if (col >= col1) return i;
    col = text[i] === '\t' ? col + TABSTOP - ((col - 1) % TABSTOP) : col + 1;
  }
  return text.length;
}

export function diagnosticSpan(lines: readonly string[], line1: number, col1: number): Span {
  const line = Math.max(0, line1 - 1);
  const text = lines[line] ?? '';
  if (col1 <= 1 && text.trim()) {
    // No column (or column 1): the line's text, without its indentation.
    return { line, start: text.length - text.trimStart().length, end: text.trimEnd().length };
  }
  const start = indexOfDisplayColumn(text, col1);
  const rest = text.slice(start);
  const token = /^[A-Za-z0-9_]+/.exec(rest)?.[0].length ?? (rest.length > 0 ? 1 : 0);
  return { line, start, end: start + token };
}
