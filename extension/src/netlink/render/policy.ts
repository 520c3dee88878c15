// "Show Family Policy" as Markdown: the ops and the policy index each request is validated with, then one table
// of attributes (kernel policy beside the spec), disagreements first. Every name from the kernel or a spec file is
// escaped as in the hover (markdownText), so nothing in a spec can become a link or break a table.
import type { PolicyReport, PolicyRow } from '../policy';
import { markdownText } from './markdown';

function cell(s: string): string {
  return markdownText(s);
}

function row(r: PolicyRow): string {
  return `| ${cell(r.path)} | ${r.policyIndex} | ${cell(r.kernel)} | ${cell(r.spec)} | ${r.mismatch ? `**${cell(r.mismatch)}**` : 'agrees'} |`;
}

export function renderPolicyMarkdown(report: PolicyReport, target: string, specSource: string | undefined): string {
  const out: string[] = [`# Policy of ${cell(report.family)} on ${cell(target)}`, ''];
  if (report.error !== undefined) {
    out.push(
      report.error === 'EOPNOTSUPP'
        ? `The kernel refused CTRL_CMD_GETPOLICY (EOPNOTSUPP): policy dumps came with Linux 5.10.`
        : `The kernel answered ${cell(report.error)}.`,
      '',
    );
  }
  out.push(
    specSource
      ? `Compared with the spec ${cell(specSource)}: types, \`checks\`, the ranges an enum or flags type implies, and the attributes each request lists.`
      : 'No spec is known for this family: the kernel policy is shown with numbers only.',
    '',
  );
  const mismatches = report.rows.filter((r) => r.mismatch);
  out.push(
    `${mismatches.length} disagreement${mismatches.length === 1 ? '' : 's'} in ${report.rows.length} attributes.`,
    '',
  );
  out.push('## Operations', '', '| cmd | operation | do policy | dump policy |', '|---|---|---|---|');
  for (const op of report.ops) out.push(`| ${op.cmd} | ${cell(op.name)} | ${op.do ?? ''} | ${op.dump ?? ''} |`);
  if (report.specOpsNotInKernel.length > 0)
    out.push(
      '',
      `Operations of the spec this kernel does not list (not built into it or newer than it, or registered without a policy): ${report.specOpsNotInKernel.map(cell).join(', ')}.`,
    );
  out.push('', '## Attributes', '', '| attribute | policy | kernel | spec | verdict |', '|---|---|---|---|---|');
  for (const r of [...mismatches, ...report.rows.filter((x) => !x.mismatch)]) out.push(row(r));
  if (report.problems.length > 0) {
    out.push('', '## Problems reading the reply', '');
    for (const p of report.problems) out.push(`- ${cell(p)}`);
  }
  return `${out.join('\n')}\n`;
}
