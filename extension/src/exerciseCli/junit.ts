// JUnit XML as CI systems read it (GitHub Actions reporters, GitLab, Jenkins): <testsuites> with one <testsuite>
// per target or lab kernel, one <testcase> per step, <failure> for a step that failed, <error> for one that could
// not run, <skipped/>. Text is escaped for XML 1.0, which cannot carry most control characters even as references.
import { visibleLines, type CaseReport, type SuiteReport } from './report';

/** Control characters become visible escapes (escape.ts), then the five XML specials become references. */
export function xmlText(s: string): string {
  return visibleLines(s).replace(
    /[&<>"']/g,
    (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`,
  );
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function counts(cases: readonly CaseReport[]): string {
  const n = (st: CaseReport['status']): number => cases.filter((c) => c.status === st).length;
  return `tests="${cases.length}" failures="${n('fail')}" errors="${n('error')}" skipped="${n('skip')}"`;
}

function testcase(c: CaseReport, suite: string): string[] {
  const where = `${c.file !== undefined ? ` file="${xmlText(c.file)}"` : ''}${c.line !== undefined ? ` line="${c.line}"` : ''}`;
  const open = `    <testcase classname="${xmlText(`${suite}.${c.group}`)}" name="${xmlText(c.name)}" time="${seconds(c.durationMs)}"${where}`;
  const message = xmlText(c.message.split('\n')[0] ?? '');
  switch (c.status) {
    case 'pass':
      return [`${open}/>`];
    case 'skip':
      return [`${open}>`, `      <skipped message="${message}"/>`, '    </testcase>'];
    case 'fail':
    case 'error': {
      const tag = c.status === 'fail' ? 'failure' : 'error';
      return [
        `${open}>`,
        `      <${tag} message="${message}">${xmlText(`${c.message}\n\n${c.details}`)}</${tag}>`,
        '    </testcase>',
      ];
    }
  }
}

export function formatJunit(suites: readonly SuiteReport[]): string {
  const all = suites.flatMap((s) => s.cases);
  const total = suites.reduce((ms, s) => ms + s.durationMs, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="netlink exercises" ${counts(all)} time="${seconds(total)}">`,
  ];
  for (const s of suites) {
    lines.push(`  <testsuite name="${xmlText(s.name)}" ${counts(s.cases)} time="${seconds(s.durationMs)}">`);
    for (const c of s.cases) lines.push(...testcase(c, s.name));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
