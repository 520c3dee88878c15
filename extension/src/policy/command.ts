// "Netlink: Show Family Policy": pick a generic family (the specs' families, or any name), ask the active
// target's kernel for its policy and show it beside the spec as a Markdown preview.
import * as vscode from 'vscode';
import type { Exchanger } from '../exchange/exchanger';
import type { FamilyRegistry } from '../netlink/index';
import { renderPolicyMarkdown } from '../netlink/render/policy';
import { fetchFamilyPolicy } from './familyPolicy';

const TIMEOUT_MS = 10_000;
const OTHER = 'Another family…';

export interface PolicyCommandDeps {
  readonly registry: () => FamilyRegistry;
  /** The active target's name and exchanger (after the trust gate); throws with the reason when there is none. */
  readonly target: () => Promise<{ readonly name: string; readonly exchanger: Exchanger }>;
  readonly log: vscode.LogOutputChannel;
}

/** The family to show: an argument (from another command or a test), else a quick pick. */
async function chooseFamily(registry: FamilyRegistry, arg: unknown): Promise<string | undefined> {
  if (typeof arg === 'string' && arg !== '') return arg;
  const names = [
    ...new Set([
      'nlctrl',
      ...registry
        .families()
        .filter((f) => f.genl)
        .map((f) => f.name),
    ]),
  ].sort();
  const picked = await vscode.window.showQuickPick([...names, OTHER], {
    title: 'Show the kernel policy of a generic netlink family',
    placeHolder: 'family',
  });
  if (picked !== OTHER) return picked;
  return vscode.window.showInputBox({
    title: 'Generic netlink family name',
    validateInput: (v) => (/^[\w.-]{1,15}$/.test(v) ? undefined : '1-15 letters, digits, _ . -'),
  });
}

export function createShowFamilyPolicy(deps: PolicyCommandDeps): (arg?: unknown) => Promise<void> {
  return async (arg?: unknown) => {
    const registry = deps.registry();
    const family = await chooseFamily(registry, arg);
    if (family === undefined) return;
    let target;
    try {
      target = await deps.target();
    } catch (e) {
      void vscode.window.showErrorMessage(`Netlink: no target to ask: ${(e as Error).message}`);
      return;
    }
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Policy of ${family} on ${target.name}` },
      () => fetchFamilyPolicy(target.exchanger, family, registry, TIMEOUT_MS),
    );
    if ('error' in result) {
      deps.log.warn(`show family policy: ${result.error}`);
      void vscode.window.showErrorMessage(`Netlink: ${result.error}`);
      return;
    }
    const mismatches = result.report.rows.filter((r) => r.mismatch).length;
    deps.log.info(`policy of ${family} (id ${result.familyId}) on ${target.name}: ${mismatches} disagreement(s)`);
    const doc = await vscode.workspace.openTextDocument({
      language: 'markdown',
      content: renderPolicyMarkdown(result.report, target.name, result.specSource),
    });
    await vscode.window.showTextDocument(doc, { preview: false });
    await vscode.commands.executeCommand('markdown.showPreviewToSide', doc.uri);
  };
}
