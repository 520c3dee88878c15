// The netlink lint in the editor, through the language server: the seed's textbook code (copied into the workspace
// by run-in-code-server.ts) shows rules 1 and 5 with their rule id, docs link and severity; netlink.lint.enabled
// turns them off and on; each quick fix, applied as the editor applies it, makes its diagnostic go.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, openFixture, waitFor } from '../helpers';
import { describe, it } from '../runner';

const SEED = 'seed-textbook.c';

function ruleOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

function lintDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'netlink lint');
}

function shown(uri: vscode.Uri): string {
  return lintDiagnostics(uri)
    .map((d) => `${d.range.start.line + 1}: ${ruleOf(d)}: ${d.message}`)
    .join('\n');
}

async function rulesShown(uri: vscode.Uri, rules: string[]): Promise<void> {
  await waitFor(
    `lint diagnostics ${rules.join(', ') || '(none)'}`,
    30_000,
    () => lintDiagnostics(uri).map(ruleOf).sort().join() === [...rules].sort().join(),
    () => shown(uri),
  );
}

describe('netlink lint in the editor', () => {
  it("the seed's textbook code is flagged by rules 1 and 5, and their quick fixes remove both", async () => {
    await activateExtension();
    await closeAllEditors();
    const doc = (await openFixture(SEED)).document;
    const lineOf = (needle: string): number =>
      doc
        .getText()
        .split('\n')
        .findIndex((l) => l.includes(needle));
    const netlink = vscode.workspace.getConfiguration('netlink');
    try {
      await rulesShown(doc.uri, ['payload-as-string', 'skb-free-after-send']);
      const byRule = new Map(lintDiagnostics(doc.uri).map((d) => [ruleOf(d), d]));
      const free = byRule.get('skb-free-after-send')!;
      const print = byRule.get('payload-as-string')!;
      assert.equal(free.range.start.line, lineOf('kfree_skb(skb_out); /* expect'));
      assert.equal(free.severity, vscode.DiagnosticSeverity.Error);
      assert.equal(print.range.start.line, lineOf('(char *)nlmsg_data(nlh)'));
      assert.equal(print.severity, vscode.DiagnosticSeverity.Warning);
      for (const d of [free, print]) {
        const target = typeof d.code === 'object' ? d.code.target : undefined;
        assert.equal(target?.scheme, 'file');
        assert.match(target?.path ?? '', /\/docs\/lint-rules\.md$/);
        assert.equal(target?.fragment, ruleOf(d));
      }

      await netlink.update('lint.enabled', false, vscode.ConfigurationTarget.Workspace);
      await rulesShown(doc.uri, []);
      await netlink.update('lint.enabled', undefined, vscode.ConfigurationTarget.Workspace);
      await rulesShown(doc.uri, ['payload-as-string', 'skb-free-after-send']);

      for (const rule of ['skb-free-after-send', 'payload-as-string']) {
        const d = lintDiagnostics(doc.uri).find((x) => ruleOf(x) === rule)!;
        const actions =
          (await vscode.commands.executeCommand<vscode.CodeAction[]>(
            'vscode.executeCodeActionProvider',
            doc.uri,
            d.range,
          )) ?? [];
        // The action for this diagnostic's range: the quick fix the server offers for it (its title names it).
        const fix = actions.find(
          (a) =>
            a.kind !== undefined &&
            vscode.CodeActionKind.QuickFix.contains(a.kind) &&
            a.title.startsWith(rule === 'skb-free-after-send' ? 'Remove kfree_skb()' : 'Print with %.*s'),
        );
        assert.ok(
          fix?.edit,
          `a quick fix for ${rule}; offered: ${actions.map((a) => `${a.title} (${a.kind?.value ?? 'no kind'}, edit: ${a.edit ? 'yes' : 'no'})`).join(' | ')}`,
        );
        assert.equal(await vscode.workspace.applyEdit(fix.edit), true);
        await rulesShown(doc.uri, rule === 'skb-free-after-send' ? ['payload-as-string'] : []);
      }
      const text = doc.getText();
      assert.match(text, /%\.\*s\\n", nlmsg_len\(nlh\), \(char \*\)nlmsg_data\(nlh\)\)/);
      assert.equal(lineOf('expect: skb-free-after-send'), -1);
      assert.ok(lineOf('kfree_skb(skb_out);') >= 0, 'the free on the path before the send stays');
    } finally {
      await netlink.update('lint.enabled', undefined, vscode.ConfigurationTarget.Workspace);
      await closeAllEditors();
    }
  }, 90_000);
});
