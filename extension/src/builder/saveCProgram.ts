// "Export as C Program" on the host: the program for the bytes the builder (or a history entry) sent over,
// written where the user says through a save dialog, then opened. The program itself is exportC.ts's (pure).
import * as vscode from 'vscode';
import { fromHex, type FamilyRegistry } from '../netlink/index';
import type { ExportCMessage } from '../protocol/webview';
import { exportCFileName, exportCProgram } from './exportC';

/** The save dialog; tests hand in the file to write instead. */
export type PickTarget = (suggested: string) => Thenable<vscode.Uri | undefined>;

function askWhere(suggested: string): Thenable<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return vscode.window.showSaveDialog({
    title: 'Export as C Program',
    saveLabel: 'Export',
    filters: { 'C source': ['c'] },
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, suggested) } : {}),
  });
}

/** Writes the program and opens it; returns where, or undefined when cancelled or refused (the user is told). */
export async function saveCProgram(
  message: ExportCMessage,
  registry: FamilyRegistry,
  pickTarget: PickTarget = askWhere,
): Promise<vscode.Uri | undefined> {
  const bytes = fromHex(message.hex);
  const program = bytes
    ? exportCProgram({
        protocol: message.protocol,
        bytes,
        summary: message.summary,
        registry,
        origin: message.origin,
        timeoutMs: message.timeoutMs,
        ...(message.genlFamily ? { genlFamily: message.genlFamily } : {}),
      })
    : { error: 'the request is not hex' };
  if ('error' in program) {
    void vscode.window.showErrorMessage(`Netlink: cannot export as a C program: ${program.error}`);
    return undefined;
  }
  const target = await pickTarget(exportCFileName(message.summary));
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(program.text));
  await vscode.window.showTextDocument(target, { preview: false });
  vscode.window.setStatusBarMessage(
    `Netlink: wrote ${vscode.workspace.asRelativePath(target)} (build it with gcc -Wall -Wextra)`,
    5000,
  );
  return target;
}
