// Publishes YNL spec diagnostics (specDiagnostics.ts) for open documents that are specs: on open and as one
// types (debounced per document), cleared when a document closes or stops being a spec.
import { fileURLToPath } from 'node:url';
import { DiagnosticSeverity, type Connection, type Diagnostic, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { findSpecSchema, type SchemaPlaces } from '../specs/specSchemas';
import { MAX_SPEC_BYTES } from '../specs/specFiles';
import { specDiagnostics, ynlProtocolOf } from './specDiagnostics';

const DEBOUNCE_MS = 300;

/** The file path of a file: URI; undefined for other schemes (untitled documents) and malformed URIs. */
export function pathOf(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

export function watchSpecDocuments(
  documents: TextDocuments<TextDocument>,
  connection: Connection,
  places: () => SchemaPlaces,
): void {
  const timers = new Map<string, NodeJS.Timeout>();
  const published = new Set<string>();

  const publish = (doc: TextDocument): void => {
    const text = doc.getText();
    const protocol = text.length <= MAX_SPEC_BYTES ? ynlProtocolOf(text) : undefined;
    if (protocol === undefined) {
      if (published.delete(doc.uri)) void connection.sendDiagnostics({ uri: doc.uri, diagnostics: [] });
      return;
    }
    const path = pathOf(doc.uri);
    const schema = findSpecSchema(protocol, path, places());
    const diagnostics: Diagnostic[] = specDiagnostics(text, path ?? doc.uri, schema).map((d) => ({
      range: { start: { line: d.line, character: d.character }, end: { line: d.endLine, character: d.endCharacter } },
      severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
      source: d.source === 'ynl' ? 'netlink (YNL loader)' : `netlink (${schema?.path ?? 'schema'})`,
      message: d.message,
    }));
    published.add(doc.uri);
    void connection.sendDiagnostics({ uri: doc.uri, diagnostics });
  };

  const schedule = (doc: TextDocument): void => {
    clearTimeout(timers.get(doc.uri));
    timers.set(
      doc.uri,
      setTimeout(() => {
        timers.delete(doc.uri);
        const current = documents.get(doc.uri);
        if (!current) return;
        try {
          publish(current);
        } catch (e) {
          connection.console.error(`spec diagnostics for ${doc.uri}: ${String((e as Error).stack ?? e)}`);
        }
      }, DEBOUNCE_MS),
    );
  };

  documents.onDidChangeContent((e) => schedule(e.document));
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    timers.delete(e.document.uri);
    if (published.delete(e.document.uri)) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });
}
