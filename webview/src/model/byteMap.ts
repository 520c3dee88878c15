// Which field produced each byte, and which bytes each field produced: the two directions of the highlight
// between the hex view and the form. Spans arrive outer before inner (an attribute before its length, type and
// children), so the innermost span owns a byte.
import type { ByteSpan } from './encode';

export class ByteMap {
  private readonly owner: Int32Array;
  private readonly byField = new Map<string, ByteSpan[]>();

  constructor(
    readonly length: number,
    readonly spans: readonly ByteSpan[],
  ) {
    this.owner = new Int32Array(length).fill(-1);
    spans.forEach((s, i) => {
      for (let k = Math.max(0, s.start); k < Math.min(length, s.end); k++) this.owner[k] = i;
      const list = this.byField.get(s.field);
      if (list) list.push(s);
      else this.byField.set(s.field, [s]);
    });
  }

  /** The innermost span holding byte `offset`, undefined outside the message. */
  spanAt(offset: number): ByteSpan | undefined {
    if (!(offset >= 0 && offset < this.length)) return undefined;
    const i = this.owner[offset]!;
    return i < 0 ? undefined : this.spans[i];
  }

  /** The byte range a form field covers (from its first to its last byte), undefined when it has none. */
  rangeOf(field: string): { start: number; end: number } | undefined {
    const list = this.byField.get(field);
    if (!list || list.length === 0) return undefined;
    let start = Number.POSITIVE_INFINITY;
    let end = 0;
    for (const s of list) {
      if (s.end <= s.start) continue;
      start = Math.min(start, s.start);
      end = Math.max(end, s.end);
    }
    return end > start ? { start, end } : undefined;
  }

  /** The form field whose bytes hold `offset` (for an ext-ack offset or the cursor in the hex view). */
  fieldAt(offset: number): string | undefined {
    return this.spanAt(offset)?.field;
  }
}
