// A trusted workspace's own spec files decode its families: the kernel tree's Documentation/netlink/specs at once,
// a folder named by a workspace setting once set. The counterpart of trust.suite.ts, where the same files of an
// untrusted workspace are not read (run-in-code-server.ts puts them into both workspaces).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  activateExtension,
  closeAllEditors,
  decodedEditor,
  hoverUntil,
  openFixture,
  positionOf,
  waitFor,
} from '../helpers';
import { describe, it } from '../runner';
import {
  BROKEN_SPEC,
  KERNEL_TREE_FAMILY,
  LOG_ANCHORS,
  LOG_FILE,
  SETTING_FAMILY,
  SETTING_SPEC_FOLDER,
} from '../workspace-specs';

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

  it("a YNL spec with mistakes gets the kernel schema's and the loader's diagnostics, each on its line", async () => {
    await activateExtension();
    const doc = (await openFixture(BROKEN_SPEC)).document;
    const lineOf = (needle: string): number =>
      doc
        .getText()
        .split('\n')
        .findIndex((l) => l.includes(needle));
    const shown = (): string =>
      vscode.languages
        .getDiagnostics(doc.uri)
        .map((d) => `${d.range.start.line}: ${d.source ?? ''}: ${d.message}`)
        .join('\n');
    try {
      await waitFor(
        'spec diagnostics',
        30_000,
        () => {
          const all = vscode.languages.getDiagnostics(doc.uri);
          const schema = all.find((d) => d.message.includes('"docs" is not a key the schema allows here'));
          const loader = all.find((d) => d.message.includes('unknown attribute set "nosuchset"'));
          return (
            schema?.range.start.line === lineOf('docs:') &&
            (schema.source ?? '').includes('netlink-raw.yaml') &&
            loader?.range.start.line === lineOf('attribute-set: nosuchset')
          );
        },
        shown,
      );
    } finally {
      await closeAllEditors();
    }
  }, 60_000);
});
