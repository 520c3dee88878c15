// What a CLI exercise run reports, before it is written as TAP or JUnit: one suite per target (or lab kernel), one
// case per exercise step, plus cases for what came before the steps (a build, a file that does not parse).
import type { StepResult } from '../exercise/runner';
import { escapeControls } from '../netlink/escape';
import type { Exercise } from '../exercise/types';

/** `error`: the step could not be run (no connection, build failed...): says nothing about the module. */
export type CaseStatus = 'pass' | 'fail' | 'error' | 'skip';

export interface CaseReport {
  readonly name: string;
  /** The exercise file (JUnit classname). */
  readonly group: string;
  readonly status: CaseStatus;
  /** One paragraph: why it failed, what passed, or why it was skipped. */
  readonly message: string;
  /** What was sent and what came back, decoded; build output. */
  readonly details: string;
  readonly durationMs: number;
  readonly file?: string;
  readonly line?: number;
}

export interface SuiteReport {
  /** "lab 6.1 (6.1.0-57-amd64)", "target pi"... */
  readonly name: string;
  readonly cases: readonly CaseReport[];
  readonly durationMs: number;
}

export function caseOfStep(ex: Exercise, r: StepResult): CaseReport {
  return {
    name: `${ex.name}: ${r.step.name}`,
    group: ex.source,
    status: r.status,
    message: r.message,
    details: r.details,
    durationMs: r.durationMs,
    file: ex.source,
    line: r.step.line,
  };
}

export function failed(c: CaseReport): boolean {
  return c.status === 'fail' || c.status === 'error';
}

export function anyFailed(suites: readonly SuiteReport[]): boolean {
  return suites.some((s) => s.cases.some(failed));
}

/** Multi-line text with every control character but the line breaks made visible (escape.ts): safe for a terminal. */
export function visibleLines(s: string): string {
  return s
    .split('\n')
    .map((l) => escapeControls(l.replace(/\r$/, '')))
    .join('\n');
}
