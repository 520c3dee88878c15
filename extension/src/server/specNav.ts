// Go to definition, find references, hover and completion for open YNL spec documents: the LSP side of
// specIndex.ts / specHover.ts / specCompletion.ts. One index per document version, built on the first request
// and dropped when the document changes or closes. Offsets become positions through the TextDocument, which
// counts UTF-16 code units as LSP does (and as the yaml package's offsets into a JS string do).
import {
  CompletionItemKind,
  MarkupKind,
  type CompletionItem,
  type Connection,
  type Hover,
  type HoverParams,
  type Location,
  type TextDocuments,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { loadYnlSpec } from '../netlink/ynl/index';
import type { FamilyDef } from '../netlink/types';
import { MAX_SPEC_BYTES } from '../specs/specFiles';
import { findSpecSchema, type SchemaPlaces } from '../specs/specSchemas';
import { specCompletions, type SpecCompletionItem } from './specCompletion';
import { ynlProtocolOf, type SpecProtocol } from './specDiagnostics';
import { specHoverAt } from './specHover';
import { SpecIndex } from './specIndex';
import { pathOf } from './specWatch';

interface Indexed {
  readonly version: number;
  readonly protocol: SpecProtocol;
  readonly index: SpecIndex;
  /** The loader's view (attribute type numbers, enum values), for hovers only: loaded on the first one. */
  family?: FamilyDef | null;
}

export interface SpecNavigation {
  /** The hover for a spec document, or null when the document is no spec or nothing defined is there. */
  hover(params: HoverParams): Hover | null;
}

const COMPLETION_KINDS: Readonly<Record<SpecCompletionItem['kind'], CompletionItemKind>> = {
  'attribute set': CompletionItemKind.Module,
  attribute: CompletionItemKind.Field,
  enum: CompletionItemKind.Enum,
  struct: CompletionItemKind.Struct,
  'struct member': CompletionItemKind.Field,
  const: CompletionItemKind.Constant,
  'sub-message': CompletionItemKind.Class,
  operation: CompletionItemKind.Function,
  'multicast group': CompletionItemKind.Event,
  type: CompletionItemKind.TypeParameter,
};

export function serveSpecNavigation(
  documents: TextDocuments<TextDocument>,
  connection: Connection,
  places: () => SchemaPlaces,
): SpecNavigation {
  const cache = new Map<string, Indexed>();

  const indexed = (uri: string): { doc: TextDocument; spec: Indexed } | undefined => {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    let spec = cache.get(uri);
    if (spec?.version !== doc.version) {
      const text = doc.getText();
      const protocol = text.length <= MAX_SPEC_BYTES ? ynlProtocolOf(text) : undefined;
      if (protocol === undefined) {
        cache.delete(uri);
        return undefined;
      }
      spec = { version: doc.version, protocol, index: SpecIndex.build(text) };
      cache.set(uri, spec);
    }
    return { doc, spec };
  };

  /** A handler's answer, or `fallback` when it throws: a bug here must not end the server. */
  const guarded = <T>(what: string, uri: string, fallback: T, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      connection.console.error(`spec ${what} in ${uri}: ${String((e as Error).stack ?? e)}`);
      return fallback;
    }
  };

  const location = (doc: TextDocument, start: number, end: number): Location => ({
    uri: doc.uri,
    range: { start: doc.positionAt(start), end: doc.positionAt(end) },
  });

  connection.onDefinition((params) =>
    guarded('definition', params.textDocument.uri, null, () => {
      const found = indexed(params.textDocument.uri);
      if (!found) return null;
      const symbol = found.spec.index.symbolAt(found.doc.offsetAt(params.position));
      return symbol ? location(found.doc, symbol.start, symbol.end) : null;
    }),
  );

  connection.onReferences((params) =>
    guarded('references', params.textDocument.uri, null, () => {
      const found = indexed(params.textDocument.uri);
      if (!found) return null;
      const offset = found.doc.offsetAt(params.position);
      return found.spec.index
        .referencesAt(offset, params.context.includeDeclaration)
        .map((o) => location(found.doc, o.start, o.end));
    }),
  );

  connection.onCompletion((params) =>
    guarded('completion', params.textDocument.uri, null, () => {
      const found = indexed(params.textDocument.uri);
      if (!found) return null;
      const { doc, spec } = found;
      const schema = findSpecSchema(spec.protocol, pathOf(doc.uri), places())?.body;
      const answer = specCompletions(spec.index, doc.getText(), doc.offsetAt(params.position), schema);
      if (!answer) return null;
      const range = { start: doc.positionAt(answer.start), end: doc.positionAt(answer.end) };
      return answer.items.map((item): CompletionItem => ({
        label: item.label,
        kind: COMPLETION_KINDS[item.kind],
        detail: item.detail ?? (item.kind === 'type' ? `type (${spec.protocol} schema)` : item.kind),
        textEdit: { range, newText: item.label },
      }));
    }),
  );

  documents.onDidClose((e) => cache.delete(e.document.uri));

  return {
    hover: (params) =>
      guarded('hover', params.textDocument.uri, null, () => {
        const found = indexed(params.textDocument.uri);
        if (!found) return null;
        const { doc, spec } = found;
        if (spec.family === undefined) spec.family = loadYnlSpec(doc.getText(), doc.uri).family ?? null;
        const answer = specHoverAt(spec.index, spec.family ?? undefined, doc.offsetAt(params.position));
        if (!answer) return null;
        return {
          contents: { kind: MarkupKind.Markdown, value: answer.markdown },
          range: { start: doc.positionAt(answer.start), end: doc.positionAt(answer.end) },
        };
      }),
  };
}
