// A trusted workspace's own spec files decode its families: the kernel tree's Documentation/netlink/specs at once,
// a folder named by a workspace setting once set. The counterpart of trust.suite.ts, where the same files of an
// untrusted workspace are not read (run-in-code-server.ts puts them into both workspaces).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, decodedEditor, hoverUntil, openFixture, positionOf } from '../helpers';
import { describe, it } from '../runner';
import { KERNEL_TREE_FAMILY, LOG_ANCHORS, LOG_FILE, SETTING_FAMILY, SETTING_SPEC_FOLDER } from '../workspace-specs';

describe("a trusted workspace's spec files", () => {
  it("its kernel tree's specs and a spec folder its settings name decode in hovers and decode reports", async () => {
    await activateExtension();
    assert.equal(vscode.workspace.isTrusted, true);
    await closeAllEditors();
    const doc = (await openFixture(LOG_FILE)).document;
    await hoverUntil(doc.uri, positionOf(doc, LOG_ANCHORS.kernelTree, '10 00', 1), [
      'hello',
      KERNEL_TREE_FAMILY,
      'text "hi"',
    ]);
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) throw new Error('no workspace folder');
    const netlink = vscode.workspace.getConfiguration('netlink');
    await netlink.update(
      'decoder.specFolders',
      [vscode.Uri.joinPath(folder.uri, SETTING_SPEC_FOLDER).fsPath],
      vscode.ConfigurationTarget.Workspace,
    );
    try {
      await hoverUntil(doc.uri, positionOf(doc, LOG_ANCHORS.setting, '10 00', 1), ['hello', SETTING_FAMILY]);
      await vscode.commands.executeCommand('netlink.decodeFile');
      await decodedEditor(doc.uri, [
        new RegExp(`hello .*\\[${KERNEL_TREE_FAMILY}\\]`),
        new RegExp(`hello .*\\[${SETTING_FAMILY}\\]`),
      ]);
    } finally {
      await netlink.update('decoder.specFolders', undefined, vscode.ConfigurationTarget.Workspace);
      await closeAllEditors();
    }
  }, 60_000);
});
