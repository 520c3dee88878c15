// The decode commands open the decoded text in a document beside the editor.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, decodedEditor, openFixture, positionOf } from '../helpers';
import { describe, it } from '../runner';

describe('decode commands', () => {
  it('netlink.decodeSelection decodes the selected request bytes', async () => {
    await activateExtension();
    await closeAllEditors();
    const editor = await openFixture('rtnetlink.c');
    const doc = editor.document;
    const start = positionOf(doc, 'getlink_lo_request', '0x20');
    const end = positionOf(doc, 'getlink_lo_request', '};');
    editor.selection = new vscode.Selection(start, end);
    await vscode.commands.executeCommand('netlink.decodeSelection');
    const decoded = await decodedEditor(doc.uri, ['RTM_GETLINK', 'NLM_F_REQUEST']);
    // Only the selection: the reply array further down must not be in the result.
    assert.doesNotMatch(decoded.document.getText(), /RTM_NEWLINK/);
    assert.notEqual(decoded.viewColumn, editor.viewColumn, 'decoded text should open beside the source editor');
    // A read-only report: closing it never asks to save.
    assert.equal(decoded.document.uri.scheme, 'netlink-decoded');
    assert.equal(decoded.document.isDirty, false);
  });

  it('netlink.decodeFile decodes every message in the log', async () => {
    await activateExtension();
    await closeAllEditors();
    const editor = await openFixture('kernel.log');
    await vscode.commands.executeCommand('netlink.decodeFile');
    await decodedEditor(editor.document.uri, ['NLMSG_ERROR', 'ENODEV', 'RTM_GETLINK']);
  });
});
