// TAP version 13 as kselftest writes it: a plan, `ok N - name` / `not ok N - name`, a YAML diagnostic block
// indented two spaces under a failure, `# SKIP reason`. Several suites (a kernel matrix) are subtests, each indented
// four spaces under a `# Subtest:` line and closed by its own test point in the outer plan.
import { stringify } from 'yaml';
import { escapeControls } from '../netlink/escape';
import { failed, visibleLines, type CaseReport, type SuiteReport } from './report';

/** A test point's description is one line, and `#` would start a directive there. */
function description(text: string): string {
  return escapeControls(text.replace(/\r?\n/g, ' ')).replace(/#/g, '\\#');
}

/** YAML (the yaml package quotes and escapes what needs it) between `---` and `...`, indented under the point. */
function diagnostic(c: CaseReport, indent: string): string[] {
  const doc: Record<string, string | number> = {
    message: visibleLines(c.message),
    severity: c.status === 'error' ? 'error' : 'fail',
    duration_ms: c.durationMs,
  };
  if (c.file !== undefined) doc.file = visibleLines(c.file);
  if (c.line !== undefined) doc.line = c.line;
  if (c.details) doc.details = visibleLines(c.details);
  const body = stringify(doc, { lineWidth: 0 }).replace(/\n$/, '').split('\n');
  return [`${indent}  ---`, ...body.map((l) => `${indent}  ${l}`), `${indent}  ...`];
}

function point(c: CaseReport, n: number, indent: string): string[] {
  const name = description(c.name);
  if (c.status === 'skip') return [`${indent}ok ${n} - ${name} # SKIP ${description(c.message)}`];
  if (!failed(c)) return [`${indent}ok ${n} - ${name}`];
  return [`${indent}not ok ${n} - ${name}`, ...diagnostic(c, indent)];
}

function suiteLines(s: SuiteReport, indent: string): string[] {
  return [`${indent}1..${s.cases.length}`, ...s.cases.flatMap((c, i) => point(c, i + 1, indent))];
}

/** The whole report: flat for one suite, one subtest per suite for several. Ends with a newline. */
export function formatTap(suites: readonly SuiteReport[]): string {
  const lines = ['TAP version 13'];
  if (suites.length === 1) lines.push(...suiteLines(suites[0]!, ''));
  else {
    lines.push(`1..${suites.length}`);
    suites.forEach((s, i) => {
      const bad = s.cases.filter(failed).length;
      lines.push(`    # Subtest: ${description(s.name)}`, ...suiteLines(s, '    '));
      lines.push(`${bad ? 'not ok' : 'ok'} ${i + 1} - ${description(s.name)}`);
      if (bad) lines.push('  ---', `  message: ${bad} of ${s.cases.length} failed`, '  ...');
    });
  }
  const all = suites.flatMap((s) => s.cases);
  const count = (st: CaseReport['status']): number => all.filter((c) => c.status === st).length;
  lines.push(`# pass ${count('pass')} fail ${count('fail')} error ${count('error')} skip ${count('skip')}`);
  return `${lines.join('\n')}\n`;
}
