// Netlink lint diagnostics (extension/src/lint/) for open C documents: on open and as one types (debounced per
// document), cleared when a document closes or leaves the setting's scope; quick fixes (lint/fixes.ts) as code
// actions. Only open documents are linted, one at a time on the server's thread, so a hover waits at most for one
// lint (a 3,000-line file takes well under 100 ms; larger texts than MAX_LINT_CHARS are not linted as one types).
import { isAbsolute, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  DiagnosticSeverity,
  type CodeAction,
  type Connection,
  type Diagnostic,
  type TextDocuments,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Parser } from 'web-tree-sitter';
import type { Finding } from '../lint/findings';
import { quickFix } from '../lint/fixes';
import { lintText, type LintOutput } from '../lint/lint';
import { cParser } from '../lint/parse';
import { RULES_DOC } from '../lint/report';
import { RULE_BY_ID } from '../lint/rules';
import { wasmFiles } from '../lint/wasmFiles';
import type { ServerSettings } from '../protocol/languageServer';
import { pathOf } from './specWatch';

const DEBOUNCE_MS = 300;
/** Larger documents are not linted in the editor (about 25,000 lines of C; the CLI lints them). */
export const MAX_LINT_CHARS = 1024 * 1024;
export const LINT_SOURCE = 'netlink lint';

const SEVERITY = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  hint: DiagnosticSeverity.Hint,
} as const;

/** What a diagnostic carries back to the code action request: its finding's place in the linted text. */
interface FindingRef {
  readonly start: number;
  readonly end: number;
}

function within(path: string, folder: string): boolean {
  const r = relative(folder, path);
  return r !== '' && !r.startsWith('..') && !isAbsolute(r);
}

/** Whether the settings put this document in the lint's scope. */
export function lintsDocument(settings: ServerSettings, uri: string, languageId: string): boolean {
  if (!settings.lintEnabled) return false;
  const path = pathOf(uri);
  if (languageId !== 'c' && !/\.[ch]$/.test(path ?? uri)) return false;
  if (settings.lintFiles === 'all') return true;
  return path !== undefined && settings.workspaceFolders.some((f) => within(path, f));
}

/** The rule's section of docs/lint-rules.md in the installed extension (the VSIX ships it next to dist/). */
export function ruleHref(extensionRoot: string, rule: string): string {
  return `${pathToFileURL(join(extensionRoot, RULES_DOC)).href}#${rule}`;
}

export function watchLintDocuments(
  documents: TextDocuments<TextDocument>,
  connection: Connection,
  settings: () => ServerSettings,
  bundleDir: string,
): { refresh(): void } {
  const timers = new Map<string, NodeJS.Timeout>();
  /** The last lint of each published document, for its code actions (valid while the version matches). */
  const linted = new Map<string, { version: number; output: LintOutput }>();
  let parser: Parser | undefined;
  let loading: Promise<Parser> | undefined;

  const clear = (uri: string): void => {
    if (linted.delete(uri)) void connection.sendDiagnostics({ uri, diagnostics: [] });
  };

  const diagnostic = (doc: TextDocument, f: Finding): Diagnostic => {
    const rule = RULE_BY_ID.get(f.rule)!;
    const data: FindingRef = { start: f.start, end: f.end };
    return {
      range: { start: doc.positionAt(f.start), end: doc.positionAt(f.end) },
      severity: SEVERITY[rule.severity],
      code: f.rule,
      codeDescription: { href: ruleHref(join(bundleDir, '..'), f.rule) },
      source: LINT_SOURCE,
      message: f.message,
      data,
    };
  };

  const lint = (doc: TextDocument, p: Parser): LintOutput => {
    const output = lintText(p, doc.getText());
    linted.set(doc.uri, { version: doc.version, output });
    for (const e of output.errors)
      connection.console.warn(`lint ${doc.uri}: not checked at offset ${e.offset}: ${e.message}`);
    return output;
  };

  const publish = (doc: TextDocument, p: Parser): void => {
    if (!lintsDocument(settings(), doc.uri, doc.languageId) || doc.getText().length > MAX_LINT_CHARS) {
      clear(doc.uri);
      return;
    }
    const output = lint(doc, p);
    void connection.sendDiagnostics({
      uri: doc.uri,
      version: doc.version,
      diagnostics: output.findings.map((f) => diagnostic(doc, f)),
    });
  };

  /** Runs `then` with the parser, loading the WASM the first time; a failed load is reported once per attempt. */
  const withParser = (then: (p: Parser) => void): void => {
    if (parser) {
      then(parser);
      return;
    }
    loading ??= cParser(wasmFiles(bundleDir));
    loading.then(
      (p) => {
        parser = p;
        then(p);
      },
      (e: unknown) => {
        loading = undefined;
        connection.console.error(`lint: the C parser did not load: ${String((e as Error).stack ?? e)}`);
      },
    );
  };

  const schedule = (doc: TextDocument): void => {
    clearTimeout(timers.get(doc.uri));
    if (!lintsDocument(settings(), doc.uri, doc.languageId)) {
      timers.delete(doc.uri);
      clear(doc.uri);
      return;
    }
    timers.set(
      doc.uri,
      setTimeout(() => {
        timers.delete(doc.uri);
        withParser((p) => {
          const current = documents.get(doc.uri);
          if (!current) return;
          try {
            publish(current, p);
          } catch (e) {
            connection.console.error(`lint ${doc.uri}: ${String((e as Error).stack ?? e)}`);
          }
        });
      }, DEBOUNCE_MS),
    );
  };

  documents.onDidChangeContent((e) => schedule(e.document));
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    timers.delete(e.document.uri);
    clear(e.document.uri);
  });

  connection.onCodeAction((params): CodeAction[] => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc || !parser) return [];
    const ours = params.context.diagnostics.filter((d) => d.source === LINT_SOURCE);
    if (ours.length === 0) return [];
    let last = linted.get(doc.uri);
    // Diagnostics of an older text: lint the current one (its findings are what the client will show next).
    if (!last || last.version !== doc.version) {
      if (!lintsDocument(settings(), doc.uri, doc.languageId) || doc.getText().length > MAX_LINT_CHARS) return [];
      last = { version: doc.version, output: lint(doc, parser) };
    }
    const { output } = last;
    const actions: CodeAction[] = [];
    for (const d of ours) {
      // The client hands back each diagnostic's data; a client that does not is matched by the range.
      const ref = (d.data as FindingRef | undefined) ?? {
        start: doc.offsetAt(d.range.start),
        end: doc.offsetAt(d.range.end),
      };
      const f = output.findings.find((x) => x.rule === d.code && x.start === ref.start && x.end === ref.end);
      const fix = f && output.root && quickFix(output.root, doc.getText(), f);
      if (!fix) continue;
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: true,
        edit: {
          changes: {
            [doc.uri]: fix.edits.map((e) => ({
              range: { start: doc.positionAt(e.start), end: doc.positionAt(e.end) },
              newText: e.newText,
            })),
          },
        },
      });
    }
    return actions;
  });

  return {
    /** Settings changed: re-lint (or clear) every open document. */
    refresh: () => {
      for (const doc of documents.all()) schedule(doc);
    },
  };
}
