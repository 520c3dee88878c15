// Typed access to the extension's settings. The language server validates and reports bad values itself;
// here they are only collected and sent.
import * as vscode from 'vscode';
import type { ServerSettings } from './protocol/languageServer';

export function serverSettings(): ServerSettings {
  const c = vscode.workspace.getConfiguration('netlink');
  const trusted = vscode.workspace.isTrusted;
  return {
    defaultProtocol: c.get<string>('decoder.defaultProtocol', 'route'),
    // A restricted setting: untrusted, only the user's own folders (VS Code hides the workspace's; said here again).
    specFolders: trusted ? c.get<string[]>('decoder.specFolders', []) : c.inspect<string[]>('decoder.specFolders')?.globalValue ?? [],
    genlFamilyIds: c.get<Record<string, number>>('decoder.genlFamilyIds', {}),
    hoverLanguages: c.get<string[]>('hover.languages', ['*']),
    inlayHintsEnabled: c.get<boolean>('inlayHints.enabled', true),
    inlayHintLanguages: c.get<string[]>('inlayHints.languages', ['log', 'c', 'cpp', 'plaintext']),
    workspaceFolders: (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
    workspaceTrusted: trusted,
  };
}

/** True when a configuration change touches settings the language server uses. */
export function affectsServer(e: vscode.ConfigurationChangeEvent): boolean {
  return ['netlink.decoder', 'netlink.hover', 'netlink.inlayHints'].some((s) => e.affectsConfiguration(s));
}
