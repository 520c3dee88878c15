// The walkthrough's progress: a real event (the lab booted, a module built, a reply received...) sets its step's
// context key, and the step completes on `onContext:<key>` (package.json). Keys only ever go true, for the session;
// VS Code keeps a completed step completed.
import * as vscode from 'vscode';
import { WALKTHROUGH_KEYS, type WalkthroughStep } from './steps';

export class WalkthroughProgress {
  private readonly done = new Set<WalkthroughStep>();

  constructor(private readonly log: vscode.LogOutputChannel) {}

  mark(step: WalkthroughStep | undefined): void {
    if (!step || this.done.has(step)) return;
    this.done.add(step);
    this.log.info(`walkthrough: ${step}`);
    void vscode.commands.executeCommand('setContext', WALKTHROUGH_KEYS[step], true);
  }
}
