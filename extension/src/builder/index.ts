// The message builder feature: its view and the function of its command, wired by extension.ts with registerBuilder().
import * as vscode from 'vscode';
import type { LoadRequest } from '../protocol/webview';
import { parseHexText } from '../netlink/scan/index';
import { toHex } from '../netlink/index';
import { BUILDER_VIEW_ID, BuilderViewProvider, type BuilderDeps } from './provider';

export type { BuilderDeps, BuilderTarget } from './provider';
export { BUILDER_VIEW_ID } from './provider';

/** Argument of `netlink.openInBuilder` when called from code (hover links, tests) instead of an editor. */
export interface OpenInBuilderArgs {
  readonly hex: string;
  readonly protocol?: number;
  readonly source?: string;
}

function isArgs(x: unknown): x is OpenInBuilderArgs {
  return typeof x === 'object' && x !== null && typeof (x as Record<string, unknown>)['hex'] === 'string';
}

/** The bytes to open: from the argument, else the editor's selection (or the line under the cursor). */
function loadRequestFrom(arg: unknown): LoadRequest | { error: string } {
  let text: string;
  let source: string;
  let protocol: number | undefined;
  if (isArgs(arg)) {
    text = arg.hex;
    source = arg.source ?? 'command argument';
    const p = arg.protocol;
    if (p !== undefined && (!Number.isInteger(p) || p < 0 || p > 31))
      return { error: `protocol ${String(p)} is not 0-31` };
    protocol = p;
  } else {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return { error: 'select hex bytes in an editor first' };
    const sel = editor.selection;
    const range = sel.isEmpty ? editor.document.lineAt(sel.active.line).range : sel;
    text = editor.document.getText(range);
    source = `${vscode.workspace.asRelativePath(editor.document.uri)}:${range.start.line + 1}`;
  }
  const parsed = parseHexText(text);
  if ('error' in parsed)
    return { error: `no netlink bytes in ${source}: ${parsed.error} (at character ${parsed.offset + 1})` };
  return { hex: toHex(parsed.bytes), source, ...(protocol !== undefined ? { protocol } : {}) };
}

/** The registered feature: dispose it on deactivation; refresh() after the families or the target changed. */
export interface BuilderFeature extends vscode.Disposable {
  refresh(): void;
  /** netlink.openInBuilder: the bytes of `arg` ({hex, protocol?, source?}), else of the editor's selection. */
  openInBuilder(arg?: unknown): Promise<void>;
}

export function registerBuilder(deps: BuilderDeps): BuilderFeature {
  const provider = new BuilderViewProvider(deps);
  const registrations = vscode.Disposable.from(
    provider,
    vscode.window.registerWebviewViewProvider(BUILDER_VIEW_ID, provider),
  );
  async function openInBuilder(arg?: unknown): Promise<void> {
    const request = loadRequestFrom(arg);
    if ('error' in request) {
      void vscode.window.showErrorMessage(`Netlink: ${request.error}`);
      return;
    }
    provider.load(request);
    await vscode.commands.executeCommand(`${BUILDER_VIEW_ID}.focus`);
  }
  return { dispose: () => void registrations.dispose(), refresh: () => provider.refresh(), openInBuilder };
}
