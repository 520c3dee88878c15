// The extension host's family registry (the builder's): the same sources as the language server's — settings'
// spec folders, a kernel tree in a trusted workspace, the bundled module spec — rebuilt when those settings or the
// workspace's trust change.
import * as vscode from 'vscode';
import { affectsServer, serverSettings } from '../config';
import type { FamilyRegistry } from '../netlink/index';
import { registryFor } from './specFiles';

export class HostRegistry implements vscode.Disposable {
  private cached: FamilyRegistry | undefined;
  private readonly subscription: vscode.Disposable;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly distDir: string, private readonly log: vscode.LogOutputChannel) {
    this.subscription = vscode.Disposable.from(
      vscode.workspace.onDidChangeConfiguration((e) => affectsServer(e) && this.invalidate()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.invalidate()),
      // serverSettings() says whether the workspace is trusted: its specs load once it is.
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.invalidate()),
    );
  }

  get(): FamilyRegistry {
    if (!this.cached) {
      const loaded = registryFor(serverSettings(), this.distDir);
      for (const p of loaded.problems) this.log.warn(`spec: ${p}`);
      this.cached = loaded.registry;
    }
    return this.cached;
  }

  private invalidate(): void {
    this.cached = undefined;
    this.changed.fire();
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
