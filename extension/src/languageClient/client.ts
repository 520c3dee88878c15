// The language client: starts dist/server.js over IPC for every file type, keeps its settings current, and
// the decode commands' functions that open a report beside the editor.
import * as vscode from 'vscode';
import type { LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import { type BoundedText, MAX_HEX_TEXT_BYTES, readBoundedText } from '../boundedRead';
import type { Config } from '../config';
import type { DecodeResult } from '../protocol/languageServer';
import { DecodeRequest, SettingsNotification } from '../protocol/languageServer';

/**
 * Decode reports as read-only documents of their own scheme: they open beside the editor like a file, and closing
 * one never asks to save it (an untitled document would).
 */
class DecodedReports implements vscode.TextDocumentContentProvider {
  static readonly scheme = 'netlink-decoded';
  private readonly reports = new Map<string, string>();
  private count = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.reports.get(uri.toString()) ?? '(this decode report is gone: run the decode command again)';
  }

  add(source: string, report: string): vscode.Uri {
    const name = source.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'bytes';
    const uri = vscode.Uri.from({
      scheme: DecodedReports.scheme,
      path: `/${name}.decoded.txt`,
      query: String(++this.count),
    });
    this.reports.set(uri.toString(), report);
    return uri;
  }

  forget(uri: vscode.Uri): void {
    this.reports.delete(uri.toString());
  }
}

/** The decoder's side of the host: start() the server; the rest are the decode commands. */
export interface Decoder {
  start(): Promise<void>;
  decodeSelection(): Promise<DecodeResult | undefined>;
  decodeFile(uri?: vscode.Uri): Promise<DecodeResult | undefined>;
}

export function createDecoder(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, config: Config): Decoder {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Every file type: hex shows up in logs, C, Python, Markdown, plain text... (narrowed by netlink.hover.languages)
    documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
    initializationOptions: config.settings.decoder,
    outputChannel: log,
  };
  const client = new LanguageClient('netlink', 'Netlink Decoder', serverOptions, clientOptions);
  const reports = new DecodedReports();
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(DecodedReports.scheme, reports),
    vscode.workspace.onDidCloseTextDocument((d) => d.uri.scheme === DecodedReports.scheme && reports.forget(d.uri)),
    client,
    // The group holds the workspace's folders and trust too: the server reads the workspace's specs only once it
    // is told the workspace is trusted; and the module folder, whose specs it loads.
    config.onDidChange(
      (e) => e.affects('decoder') && void client.sendNotification(SettingsNotification, config.settings.decoder),
    ),
  );
  return {
    start: () => client.start(),
    decodeSelection: () => decodeCommand(client, reports, 'selection'),
    decodeFile: (uri?: vscode.Uri) => decodeCommand(client, reports, 'file', uri),
  };
}

/**
 * A file to decode: its editor's text when open, else read here with the bounded reader (a FIFO or a link to a
 * device named in a command's argument must not hang the extension host); other schemes through VS Code.
 */
async function fileText(uri: vscode.Uri): Promise<BoundedText> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return { text: open.getText() };
  if (uri.scheme === 'file') return readBoundedText(uri.fsPath, { maxBytes: MAX_HEX_TEXT_BYTES });
  return { text: (await vscode.workspace.openTextDocument(uri)).getText() };
}

async function decodeCommand(
  client: LanguageClient,
  reports: DecodedReports,
  what: 'selection' | 'file',
  uri?: vscode.Uri,
): Promise<DecodeResult | undefined> {
  let text: string;
  let source: string;
  if (uri) {
    source = vscode.workspace.asRelativePath(uri);
    const read = await fileText(uri);
    if ('error' in read) {
      void vscode.window.showErrorMessage(`Netlink: ${source}: ${read.error}`);
      return undefined;
    }
    text = read.text;
  } else {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showWarningMessage('Netlink: open an editor with hex bytes first.');
      return undefined;
    }
    const sel = editor.selection;
    const useSelection = what === 'selection' && !sel.isEmpty;
    text = useSelection ? editor.document.getText(sel) : editor.document.getText();
    source = `${vscode.workspace.asRelativePath(editor.document.uri)}${useSelection ? `:${sel.start.line + 1}-${sel.end.line + 1}` : ''}`;
  }
  const result = await client.sendRequest(DecodeRequest, { text, source });
  const doc = await vscode.workspace.openTextDocument(reports.add(source, result.report));
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  if (result.runs === 0) void vscode.window.showInformationMessage('Netlink: no hex bytes found.');
  return result;
}
