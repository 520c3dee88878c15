// Folded dumps: a multi-part dump is one group in the table, from its first row (the request, or the first part
// when the request is not in the capture) to its NLMSG_DONE; folded, only that first row stays and the group's
// other rows leave the view. Works over whatever view the table shows (every row, or a filter's matches), as
// positions -> rows, and keeps up with it as the index grows: rows are only ever appended, and a row's
// conversation never changes once it is indexed, so each base position is looked at once.
import type { Conversation } from '../netlink/capture/conversation';

/** What the fold needs of the index: the conversation a row belongs to. */
export interface FoldIndex {
  conversationOf(row: number): { conversation: Conversation } | undefined;
}

/** The group's first row: its request, or its first reply when the request is not in the capture. */
export function groupFirstRow(c: Conversation): number | undefined {
  return c.requestRow ?? c.firstReplyRow;
}

/** A conversation shown as a group that can fold: a dump with more than its first row. */
export function isFoldable(c: Conversation): boolean {
  return c.dump && c.replies + (c.requestRow === undefined ? 0 : 1) > 1;
}

export class FoldedView {
  private readonly folded = new Set<number>();
  private rows = new Uint32Array(1024);
  private n = 0;
  /** Base positions looked at so far. */
  private checked = 0;

  /** Whether any group is folded (otherwise the base view is the view). */
  get active(): boolean {
    return this.folded.size > 0;
  }

  isFolded(conversation: number): boolean {
    return this.folded.has(conversation);
  }

  /** Folds or unfolds a group; the view is worked out again from the start. */
  toggle(conversation: number): void {
    if (!this.folded.delete(conversation)) this.folded.add(conversation);
    this.reset();
  }

  /** The base view changed (another filter): its positions are looked at again. */
  reset(): void {
    this.n = 0;
    this.checked = 0;
  }

  /** Rows in the folded view once it has caught up with the base view's `baseCount` positions. */
  count(index: FoldIndex, baseCount: number, baseRowAt: (position: number) => number | undefined): number {
    for (; this.checked < baseCount; this.checked++) {
      const row = baseRowAt(this.checked);
      if (row === undefined) break;
      if (this.hides(index, row)) continue;
      if (this.n === this.rows.length) {
        const next = new Uint32Array(this.rows.length * 2);
        next.set(this.rows);
        this.rows = next;
      }
      this.rows[this.n++] = row;
    }
    return this.n;
  }

  /** The row at `position` of the folded view (as far as count() has brought it). */
  rowAt(position: number): number | undefined {
    return position < this.n ? this.rows[position] : undefined;
  }

  /** The first position holding row `row` or a later one (rows increase along the view). */
  positionOf(row: number): number | undefined {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rows[mid]! < row) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.n ? lo : undefined;
  }

  private hides(index: FoldIndex, row: number): boolean {
    const c = index.conversationOf(row)?.conversation;
    return c !== undefined && this.folded.has(c.id) && groupFirstRow(c) !== row;
  }
}
