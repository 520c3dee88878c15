// What the in-host suites share: the extension, the fixtures, hovers and waiting with a deadline.
import { readdirSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { NetlinkExtensionApi } from '../../extension/src/extension';
import { commandOf } from '../support/processes';

export const extensionId = 'netlink-workbench.netlink-workbench';

export async function activateExtension(): Promise<void> {
  await extensionApi();
}

/** Activates the extension and returns what activate() returned (undefined there means activation failed). */
export async function extensionApi(): Promise<NetlinkExtensionApi> {
  const ext = vscode.extensions.getExtension<NetlinkExtensionApi | undefined>(extensionId);
  if (!ext) throw new Error(`extension ${extensionId} is not loaded (extensionDevelopmentPath wrong?)`);
  const api = await ext.activate();
  if (!api) throw new Error("the extension's activation failed (the Netlink output channel says why)");
  return api;
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A file of the opened workspace (test/fixtures/e2e). */
function fixtureUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder open: the runner must open test/fixtures/e2e');
  return vscode.Uri.joinPath(folder.uri, name);
}

export async function openFixture(name: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(fixtureUri(name));
  return vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
}

/**
 * The position `offset` characters after the first `needle` on the first line at or below the first line containing
 * `anchor`. Tests find bytes by what is around them, not by line numbers that a fixture edit would shift.
 */
export function positionOf(doc: vscode.TextDocument, anchor: string, needle: string, offset = 0): vscode.Position {
  let line = 0;
  while (line < doc.lineCount && !doc.lineAt(line).text.includes(anchor)) line++;
  if (line === doc.lineCount) throw new Error(`${doc.uri.path}: no line contains "${anchor}"`);
  // On the anchor's own line, only what follows the anchor counts.
  let from = doc.lineAt(line).text.indexOf(anchor) + anchor.length;
  for (; line < doc.lineCount; line++, from = 0) {
    const col = doc.lineAt(line).text.indexOf(needle, from);
    if (col >= 0) return new vscode.Position(line, col + offset);
  }
  throw new Error(`${doc.uri.path}: no "${needle}" after "${anchor}"`);
}

function hoverContentText(c: vscode.MarkdownString | vscode.MarkedString): string {
  if (typeof c === 'string') return c;
  return c.value;
}

export async function hoverText(uri: vscode.Uri, pos: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos);
  return (hovers ?? []).flatMap((h) => h.contents.map(hoverContentText)).join('\n');
}

/**
 * Hover until the text contains every expected piece: the language server starts after activation, and the first
 * requests may come before it answers. Returns the last hover text; fails with it when the deadline passes.
 */
export async function hoverUntil(
  uri: vscode.Uri,
  pos: vscode.Position,
  expected: readonly (string | RegExp)[],
  timeoutMs = 30_000,
): Promise<string> {
  let text = '';
  await waitFor(
    `hover at ${uri.path}:${pos.line + 1}:${pos.character + 1}`,
    timeoutMs,
    async () => {
      text = await hoverText(uri, pos);
      return missing(text, expected).length === 0;
    },
    () => `missing ${missing(text, expected).join(', ')} in hover:\n${text || '(no hover)'}`,
  );
  return text;
}

export function missing(text: string, expected: readonly (string | RegExp)[]): string[] {
  return expected.filter((e) => (typeof e === 'string' ? !text.includes(e) : !e.test(text))).map(String);
}

export async function waitFor(
  what: string,
  timeoutMs: number,
  ok: () => Promise<boolean> | boolean,
  detail?: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ok()) return;
    if (Date.now() > deadline)
      throw new Error(`${what}: not reached within ${timeoutMs / 1000} s${detail ? `: ${detail()}` : ''}`);
    await delay(250);
  }
}

/** Wait for a visible editor other than `source` whose text has every expected piece (a decode result). */
export async function decodedEditor(
  source: vscode.Uri,
  expected: readonly (string | RegExp)[],
  timeoutMs = 20_000,
): Promise<vscode.TextEditor> {
  let found: vscode.TextEditor | undefined;
  const others = (): vscode.TextEditor[] =>
    vscode.window.visibleTextEditors.filter((e) => e.document.uri.toString() !== source.toString());
  await waitFor(
    'decoded document beside the editor',
    timeoutMs,
    () => {
      found = others().find((e) => missing(e.document.getText(), expected).length === 0);
      return found !== undefined;
    },
    () =>
      `visible editors: ${
        others()
          .map((e) => `${e.document.uri.toString()} (${e.document.getText().slice(0, 300)})`)
          .join('; ') || 'none'
      }`,
  );
  if (!found) throw new Error('unreachable: waitFor returned without a decoded editor');
  return found;
}

/**
 * Close every editor without saving: decode results are dirty untitled documents, and closing those normally
 * asks "Save?" in a dialog that nothing in a test answers.
 */
export async function closeAllEditors(): Promise<void> {
  for (let i = 0; i < 50 && vscode.window.tabGroups.all.some((g) => g.tabs.length > 0); i++) {
    const group = vscode.window.tabGroups.all.find((g) => g.tabs.length > 0);
    const tab = group?.activeTab ?? group?.tabs[0];
    if (!group || !tab) break;
    if (tab.input instanceof vscode.TabInputText) {
      await vscode.window.showTextDocument(tab.input.uri, { viewColumn: group.viewColumn, preserveFocus: false });
    }
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
}

/** Command lines of the QEMU processes under this extension host (the lab VM runs as a grandchild, under a sh). */
export function qemuUnderThisHost(): string[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses, the last ")" ends it.
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const underHost = (pid: number): boolean => {
    for (let p = parentOf.get(pid) ?? 0, hops = 0; p > 1 && hops < 64; p = parentOf.get(p) ?? 0, hops++)
      if (p === process.pid) return true;
    return false;
  };
  return [...parentOf.keys()]
    .filter(underHost)
    .map(commandOf)
    .filter((c) => c.includes('qemu-system'));
}
