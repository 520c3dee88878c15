// The language client: starts dist/server.js over IPC for every file type, keeps its settings current, and
// offers the decode commands that open a report beside the editor.
import * as vscode from 'vscode';
import type { LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import { affectsServer, serverSettings } from '../config';
import type { DecodeResult } from '../server/protocol';
import { DecodeRequest, SettingsNotification } from '../server/protocol';

export async function startDecoder(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): Promise<LanguageClient> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Every file type: hex shows up in logs, C, Python, Markdown, plain text... (narrowed by netlink.hover.languages)
    documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
    initializationOptions: serverSettings(),
    outputChannel: log,
  };
  const client = new LanguageClient('netlink', 'Netlink Decoder', serverOptions, clientOptions);
  await client.start();
  context.subscriptions.push(
    client,
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsServer(e)) void client.sendNotification(SettingsNotification, serverSettings());
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void client.sendNotification(SettingsNotification, serverSettings())),
    vscode.commands.registerCommand('netlink.decodeSelection', () => decodeCommand(client, 'selection')),
    vscode.commands.registerCommand('netlink.decodeFile', (uri?: vscode.Uri) => decodeCommand(client, 'file', uri)),
  );
  return client;
}

async function decodeCommand(client: LanguageClient, what: 'selection' | 'file', uri?: vscode.Uri): Promise<DecodeResult | undefined> {
  let text: string;
  let source: string;
  if (uri) {
    const doc = await vscode.workspace.openTextDocument(uri);
    text = doc.getText();
    source = vscode.workspace.asRelativePath(uri);
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
  const doc = await vscode.workspace.openTextDocument({ content: result.report, language: 'plaintext' });
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  if (result.runs === 0) void vscode.window.showInformationMessage('Netlink: no hex bytes found.');
  return result;
}
