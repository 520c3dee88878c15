// Findings placed in files and written out: the text line (`file:line:col: rule: message`), the JSON object, and
// SARIF 2.1.0 (for code scanning). Pure: the CLI and the tests share it.
import { escapeControls } from '../netlink/escape';
import type { Finding, LocatedFinding } from './findings';
import { RULE_BY_ID, RULES } from './rules';
import { position } from './syntax';

/** Where the rules are explained, in the extension's sources (the project has no published URL to link to). */
export const RULES_DOC = 'docs/lint-rules.md';

export function locate(file: string, lines: readonly number[], f: Finding): LocatedFinding {
  const s = position(lines, f.start);
  const e = position(lines, f.end);
  return {
    file,
    line: s.line,
    column: s.column,
    endLine: e.line,
    endColumn: e.column,
    rule: f.rule,
    severity: RULE_BY_ID.get(f.rule)!.severity,
    message: f.message,
  };
}

/** Control characters of the path and message escaped: no file name reaches a terminal as a control sequence. */
export function textLine(f: LocatedFinding): string {
  return `${escapeControls(f.file)}:${f.line}:${f.column}: ${f.rule}: ${escapeControls(f.message)}`;
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', hint: 'note' } as const;

/** A file path as a SARIF artifact URI: relative paths stay relative (to the run's working folder). */
function artifactUri(file: string): string {
  const posix = file.split('\\').join('/');
  return posix.startsWith('/') ? `file://${encodeURI(posix)}` : encodeURI(posix);
}

export interface SarifLog {
  readonly $schema: string;
  readonly version: '2.1.0';
  readonly runs: readonly {
    readonly tool: { readonly driver: SarifDriver };
    readonly results: readonly SarifResult[];
  }[];
}

interface SarifDriver {
  readonly name: string;
  readonly rules: readonly {
    readonly id: string;
    readonly name: string;
    readonly shortDescription: { readonly text: string };
    readonly fullDescription: { readonly text: string };
    readonly help: { readonly text: string };
    readonly defaultConfiguration: { readonly level: string };
  }[];
}

interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: string;
  readonly message: { readonly text: string };
  readonly locations: readonly {
    readonly physicalLocation: {
      readonly artifactLocation: { readonly uri: string };
      readonly region: { startLine: number; startColumn: number; endLine: number; endColumn: number };
    };
  }[];
}

export function sarif(findings: readonly LocatedFinding[]): SarifLog {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'netlink-lint',
            rules: RULES.map((r) => ({
              id: r.id,
              name: r.id,
              shortDescription: { text: r.title },
              fullDescription: { text: r.explanation },
              help: { text: `${RULES_DOC}#${r.id}` },
              defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: RULES.findIndex((r) => r.id === f.rule),
          level: SARIF_LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: artifactUri(f.file) },
                region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
              },
            },
          ],
        })),
      },
    ],
  };
}
