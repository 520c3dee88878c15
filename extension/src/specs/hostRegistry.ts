// The extension host's family registry (the builder's): the same sources as the language server's — settings'
// spec folders, a kernel tree in a trusted workspace, the bundled module spec — rebuilt when those settings or the
// workspace's trust change.
import * as vscode from 'vscode';
import type { Config } from '../config';
import type { FamilyRegistry } from '../netlink/index';
import { registryFor } from './specFiles';

export class HostRegistry implements vscode.Disposable {
  private cached: FamilyRegistry | undefined;
  private readonly subscription: vscode.Disposable;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly distDir: string,
    private readonly log: vscode.LogOutputChannel,
    private readonly config: Config,
  ) {
    // The decoder group holds the workspace's folders and whether it is trusted: its specs load once it is.
    // The decoder group holds the module folder too (its specs are loaded): a new folder changes it.
    this.subscription = config.onDidChange((e) => e.affects('decoder') && this.invalidate());
  }

  get(): FamilyRegistry {
    if (!this.cached) {
      const loaded = registryFor(this.config.settings.decoder, this.distDir);
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
