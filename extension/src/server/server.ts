// The language server: hovers over hex anywhere, inlay hints where messages start, decode requests for the
// "decode selection / file" commands, diagnostics, definitions, references, hovers and completion in YNL spec files
// (specWatch.ts, specNav.ts), and netlink lint diagnostics with quick fixes on C files (lintWatch.ts). Imports the codec and the linter only (no vscode, no target code).
import {
  CodeActionKind,
  createConnection,
  InlayHint,
  InlayHintKind,
  MarkupKind,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { FamilyRegistry } from '../netlink/index';
import type { ProtocolSetting } from '../netlink/infer';
import { parseProtocolSetting } from '../netlink/protocols';
import { findHexRuns } from '../netlink/scan/index';
import { decodeRunIn, hoverAt, messageStarts } from './hover';
import { decodeReport } from './report';
import type { DecodeParams, DecodeResult, ServerSettings } from '../protocol/languageServer';
import { DecodeRequest, DEFAULT_SETTINGS, SettingsNotification } from '../protocol/languageServer';
import { registryFor } from '../specs/specFiles';
import { languageMatches, validateSettings } from './settings';
import { watchLintDocuments } from './lintWatch';
import { watchSpecDocuments } from './specWatch';
import { serveSpecNavigation } from './specNav';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

let settings: ServerSettings = DEFAULT_SETTINGS;
let registry: FamilyRegistry | undefined;

function currentRegistry(): FamilyRegistry {
  if (!registry) {
    const loaded = registryFor(settings, __dirname);
    registry = loaded.registry;
    for (const p of loaded.problems) connection.console.warn(`spec: ${p}`);
    connection.console.info(`decoder ready: ${loaded.specCount} YNL spec(s) loaded`);
  }
  return registry;
}

function applySettings(raw: unknown): void {
  const { settings: next, warnings } = validateSettings(raw);
  for (const w of warnings) connection.console.warn(w);
  if (warnings.length > 0) void connection.window.showWarningMessage(`Netlink: ${warnings.join('; ')}`);
  settings = next;
  registry = undefined; // reloaded lazily with the new spec folders
}

function protocolOf(override?: string): ProtocolSetting {
  const p = parseProtocolSetting(override ?? settings.defaultProtocol);
  return 'error' in p ? 'auto' : p.protocol;
}

connection.onInitialize((params) => {
  applySettings(params.initializationOptions);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      completionProvider: {},
      inlayHintProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    },
  };
});

connection.onNotification(SettingsNotification, (raw: unknown) => {
  applySettings(raw);
  void connection.languages.inlayHint.refresh().catch(() => undefined);
  lint.refresh();
});

connection.onHover((params) => {
  // In a YNL spec, a name's hover; hex in it (a comment's example message) still decodes elsewhere on the line.
  const spec = specNav.hover(params);
  if (spec) return spec;
  const doc = documents.get(params.textDocument.uri);
  if (!doc || !languageMatches(settings.hoverLanguages, doc.languageId)) return null;
  try {
    const answer = hoverAt(doc.getText(), doc.offsetAt(params.position), protocolOf(), currentRegistry());
    if (!answer) return null;
    return {
      contents: { kind: MarkupKind.Markdown, value: answer.markdown },
      range: { start: doc.positionAt(answer.start), end: doc.positionAt(answer.end) },
    };
  } catch (e) {
    // A decoder bug must not kill hovers for the session: log it with the position.
    connection.console.error(
      `hover at ${params.textDocument.uri}:${params.position.line + 1}: ${String((e as Error).stack ?? e)}`,
    );
    return null;
  }
});

/** Most bytes of visible text scanned for inlay hints: the visible range is small, this bounds a huge one. */
const INLAY_SCAN_LIMIT = 2 * 1024 * 1024;

connection.languages.inlayHint.on((params) => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc || !settings.inlayHintsEnabled || !languageMatches(settings.inlayHintLanguages, doc.languageId)) return [];
  const start = doc.offsetAt({ line: params.range.start.line, character: 0 });
  const end = Math.min(doc.offsetAt({ line: params.range.end.line + 1, character: 0 }), start + INLAY_SCAN_LIMIT);
  const text = doc.getText().slice(start, end);
  const hints: InlayHint[] = [];
  const reg = currentRegistry();
  const protocol = protocolOf();
  for (const run of findHexRuns(text, 16)) {
    const { messages } = decodeRunIn(text, run, protocol, reg, 256);
    if (messages.length === 0 || messages[0]!.length < 16) continue;
    const seenLines = new Set<number>();
    for (const [offset, label] of messageStarts(run, messages)) {
      const line = doc.positionAt(start + offset).line;
      if (seenLines.has(line)) continue;
      seenLines.add(line);
      const lineText = doc
        .getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } })
        .replace(/\r?\n$/, '');
      hints.push({
        position: { line, character: lineText.length },
        label: label,
        kind: InlayHintKind.Type,
        paddingLeft: true,
      });
    }
  }
  return hints;
});

connection.onRequest(DecodeRequest, (params: DecodeParams): DecodeResult =>
  decodeReport(
    params.text,
    params.source,
    protocolOf(params.protocol),
    params.protocol !== undefined,
    currentRegistry(),
  ),
);

watchSpecDocuments(documents, connection, () => settings);
const specNav = serveSpecNavigation(documents, connection, () => settings);
const lint = watchLintDocuments(documents, connection, () => settings, __dirname);
documents.listen(connection);
connection.listen();
