// The Workspace Trust gate: everything that would run something on a target or boot the lab asks here first. In an
// untrusted workspace it refuses, tells the user why (with a way to manage trust) and remembers what it refused.
import * as vscode from 'vscode';
import type { TrustRefusal } from './commands';

export class TrustGate {
  private readonly refusals: string[] = [];

  constructor(private readonly log: vscode.LogOutputChannel) {}

  get trusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  /** True in a trusted workspace; else false, after telling the user why `refusal.action` is refused. */
  allows(refusal: TrustRefusal): boolean {
    if (vscode.workspace.isTrusted) return true;
    this.refusals.push(refusal.action);
    this.log.warn(`${refusal.action}: refused, the workspace is not trusted`);
    void vscode.window
      .showWarningMessage(
        `${refusal.action} is disabled in an untrusted workspace: ${refusal.because}. Trust the workspace to use ${refusal.toUse}.`,
        'Manage Workspace Trust',
      )
      .then((pick) => pick && vscode.commands.executeCommand('workbench.trust.manage'));
    return false;
  }

  /** What was refused so far, in order. */
  refused(): readonly string[] {
    return [...this.refusals];
  }
}
