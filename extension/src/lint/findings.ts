// What a check reports, and how a finding is placed in the text.
import type { RuleId } from './rules';

export interface Finding {
  readonly rule: RuleId;
  /** UTF-16 offsets of the code the finding is about. */
  readonly start: number;
  readonly end: number;
  readonly message: string;
  /**
   * Offset of the call the finding traces back to, where the quick fix needs it (fixes.ts): the allocation of an
   * unchecked result. Not part of the CLI's output.
   */
  readonly origin?: number;
}

/** A finding placed in a file: 1-based lines and columns, end exclusive (column after the last character). */
export interface LocatedFinding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly rule: RuleId;
  readonly severity: 'error' | 'warning' | 'hint';
  readonly message: string;
}

/** Collects findings once each (the dataflow's last pass can visit a statement from several states). */
export class FindingSet {
  private readonly seen = new Map<string, Finding>();
  add(f: Finding): void {
    const key = `${f.rule}:${f.start}:${f.end}`;
    if (!this.seen.has(key)) this.seen.set(key, f);
  }
  list(): Finding[] {
    return [...this.seen.values()].sort((a, b) => a.start - b.start || a.rule.localeCompare(b.rule));
  }
}
