// Names in YNL spec files through VS Code's own provider commands: go to definition, find references, hover and
// completion answered by the language server for the kernel's netdev.yaml and for the unit tests' fixture (names
// after non-ASCII text on their lines, where a column counted in anything but UTF-16 would be off).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, hoverUntil, openFixture, positionOf, waitFor } from '../helpers';
import { describe, it } from '../runner';
import { NAV_FIXTURE_SPEC, NAV_KERNEL_SPEC } from '../workspace-specs';

type Target = vscode.Location | vscode.LocationLink;

function targetOf(t: Target): { uri: vscode.Uri; range: vscode.Range } {
  return 'targetUri' in t ? { uri: t.targetUri, range: t.targetSelectionRange ?? t.targetRange } : t;
}

/** The definitions at `pos`, asked until the server answers (it starts after activation). */
async function definitionsUntil(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Location[]> {
  let found: vscode.Location[] = [];
  await waitFor(`definition at ${doc.uri.path}:${pos.line + 1}:${pos.character + 1}`, 30_000, async () => {
    const answer = await vscode.commands.executeCommand<Target[]>('vscode.executeDefinitionProvider', doc.uri, pos);
    found = (answer ?? []).map(targetOf).map((t) => new vscode.Location(t.uri, t.range));
    return found.length > 0;
  });
  return found;
}

async function references(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Location[]> {
  return (
    (await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', doc.uri, pos)) ?? []
  );
}

async function completionLabels(doc: vscode.TextDocument, pos: vscode.Position): Promise<string[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>(
    'vscode.executeCompletionItemProvider',
    doc.uri,
    pos,
  );
  return (list?.items ?? []).map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
}

/** The position `into` characters after the first `needle` of the document. */
function at(doc: vscode.TextDocument, needle: string, into: number): vscode.Position {
  const i = doc.getText().indexOf(needle);
  if (i < 0) throw new Error(`${doc.uri.path}: no "${needle}"`);
  return doc.positionAt(i + into);
}

const lineText = (doc: vscode.TextDocument, l: vscode.Location): string => doc.lineAt(l.range.start.line).text.trim();

describe('names in YNL spec files', () => {
  it("netdev.yaml: definition, references, hover and completion of the kernel's own spec", async () => {
    await activateExtension();
    const doc = (await openFixture(NAV_KERNEL_SPEC)).document;
    try {
      const nested = at(doc, 'nested-attributes: page-pool-info', 22);
      const [def] = await definitionsUntil(doc, nested);
      assert.equal(def?.uri.toString(), doc.uri.toString());
      assert.equal(doc.getText(def!.range), 'page-pool-info');
      assert.equal(lineText(doc, def!), 'name: page-pool-info');

      // References of the xdp-act enum: its definition and each `enum: xdp-act`.
      const uses = doc
        .getText()
        .split('\n')
        .filter((l) => /^\s*enum: xdp-act\s*$/.test(l)).length;
      assert.ok(uses >= 1);
      const refs = await references(doc, at(doc, 'enum: xdp-act', 7));
      assert.equal(refs.length, uses + 1, refs.map((r) => lineText(doc, r)).join('; '));
      for (const r of refs) assert.equal(doc.getText(r.range), 'xdp-act');
      assert.ok(refs.some((r) => lineText(doc, r) === 'name: xdp-act'));

      await hoverUntil(doc.uri, at(doc, 'enum: xdp-act', 8), ['enum', '| 0x1 | basic |', '| 0x2 | redirect |']);
      await hoverUntil(doc.uri, at(doc, 'attribute-set: dev\n', 16), ['attribute set', '| 1 | ifindex | u32 |']);

      const sets = await completionLabels(doc, at(doc, 'nested-attributes: page-pool-info', 19));
      for (const name of ['dev', 'page-pool', 'page-pool-info', 'queue', 'qstats'])
        assert.ok(sets.includes(name), `${name} in ${sets.join(', ')}`);
      assert.ok(!sets.includes('xdp-act'), 'an enum is no attribute set');
      // `type:` of an attribute: the values of the workspace's genetlink.yaml schema.
      const types = await completionLabels(doc, positionOf(doc, 'name: ifindex', 'type: u32', 6));
      for (const t of ['u32', 'nest', 'indexed-array', 'binary'])
        assert.ok(types.includes(t), `${t} in ${types.join(', ')}`);
    } finally {
      await closeAllEditors();
    }
  }, 90_000);

  it('names after non-ASCII text on their line are placed by UTF-16 columns', async () => {
    await activateExtension();
    const doc = (await openFixture(NAV_FIXTURE_SPEC)).document;
    try {
      const use = positionOf(doc, 'Grüße 😀', 'nested-attributes: inner', 20);
      const [def] = await definitionsUntil(doc, use);
      assert.equal(doc.getText(def!.range), 'inner');
      assert.equal(lineText(doc, def!), '- name: inner');
      const refs = await references(doc, def!.range.start);
      assert.equal(refs.length, 2);
      for (const r of refs) assert.equal(doc.getText(r.range), 'inner');
      const onEmojiLine = refs.find((r) => doc.lineAt(r.range.start.line).text.includes('😀'));
      assert.ok(onEmojiLine, 'the use on the line with the emoji');
      await hoverUntil(doc.uri, use, ['attribute set', 'quoted\\-name']);
      const flow = await completionLabels(doc, at(doc, 'attributes: [ label', 14));
      const attributes = ['colour', 'flags', 'inner-nest', 'label'];
      assert.deepEqual(flow.filter((l) => attributes.includes(l)).sort(), attributes);
    } finally {
      await closeAllEditors();
    }
  }, 60_000);
});
