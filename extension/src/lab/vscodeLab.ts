// The lab VM inside VS Code: the start / stop commands' functions with progress and cancellation, its state in the
// status bar, its boot log in the Netlink output channel, and the VM stopped when the extension deactivates.
// Other features get the running VM through `current()` (the built-in target `lab`).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../commands';
import type { Config } from '../config';
import { LAB_HOST_PACKAGES, LabState, LabVm, ensurePackages } from './index';

export class LabController implements vscode.Disposable {
  private vm: LabVm | undefined;
  private starting: Promise<LabVm> | undefined;
  private state: LabState = LabState.Stopped;
  private detail = '';
  private readonly status: vscode.StatusBarItem;
  private readonly changed = new vscode.EventEmitter<LabState>();
  /** Fires on every state change (the target layer shows the lab target's state from it). */
  readonly onDidChangeState = this.changed.event;

  constructor(
    readonly cacheDir: string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.status = vscode.window.createStatusBarItem('netlink.lab', vscode.StatusBarAlignment.Left, 10);
    this.status.name = 'Netlink Lab VM';
    this.render();
    this.status.show();
  }

  static register(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, config: Config): LabController {
    const cacheDir = process.env.NETLINK_CACHE || path.join(context.globalStorageUri.fsPath, 'cache');
    const lab = new LabController(cacheDir, log);
    context.subscriptions.push(lab);
    // autoStart boots QEMU and installs packages: a machine-scoped, restricted setting, and honoured only in a trusted
    // workspace whatever scope says it (an untrusted one waits until it is trusted, then the setting is read again).
    if (vscode.workspace.isTrusted) {
      if (config.settings.lab.autoStart) void lab.startLab();
    } else {
      context.subscriptions.push(
        config.onDidChange((e) => e.trustGranted && config.settings.lab.autoStart && void lab.startLab()),
      );
    }
    return lab;
  }

  /** netlink.copyLabSshCommand */
  async copyLabSshCommand(): Promise<void> {
    const vm = this.current();
    if (!vm) return void vscode.window.showWarningMessage('Netlink: the lab VM is not running.');
    await vscode.env.clipboard.writeText(vm.sshCommandLine);
    void vscode.window.showInformationMessage(`Copied: ${vm.sshCommandLine}`);
  }

  /** The lab's state as the status bar shows it. */
  currentState(): LabState {
    return this.state;
  }

  current(): LabVm | undefined {
    return this.state === LabState.Ready ? this.vm : undefined;
  }

  /** The running VM, booting it first when needed (used by the `lab` target on first use). */
  async ensure(token?: vscode.CancellationToken): Promise<LabVm> {
    const running = this.current();
    if (running) return running;
    // Every way to a boot passes here: the command, autoStart and the lab target.
    if (!vscode.workspace.isTrusted)
      throw new Error('starting the lab VM needs a trusted workspace (it runs QEMU and installs packages)');
    if (!this.starting) this.starting = this.boot(token).finally(() => (this.starting = undefined));
    return this.starting;
  }

  /**
   * netlink.startLab (and autoStart): boots with progress and cancellation. The command passed the table's trust
   * gate, autoStart asked; ensure() refuses an untrusted workspace whatever the way.
   */
  async startLab(): Promise<LabVm | undefined> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Netlink lab VM', cancellable: true },
      async (progress, token) => {
        const sub = this.onDidChangeState(() => progress.report({ message: this.detail || this.state }));
        try {
          const vm = await this.ensure(token);
          void vscode.window.showInformationMessage(
            `Netlink lab VM ready in ${vm.bootSeconds.toFixed(1)} s (kernel ${vm.kernelRelease}).`,
          );
          return vm;
        } catch (e) {
          const open = await vscode.window.showErrorMessage(`Netlink lab VM: ${(e as Error).message}`, 'Open Output');
          if (open) this.log.show();
          return undefined;
        } finally {
          sub.dispose();
        }
      },
    );
  }

  private async boot(token?: vscode.CancellationToken): Promise<LabVm> {
    const abort = new AbortController();
    const cancel = token?.onCancellationRequested(() => abort.abort());
    const log = (line: string): void => this.log.info(`lab: ${line}`);
    try {
      this.setState(LabState.Booting, 'checking packages');
      await ensurePackages(LAB_HOST_PACKAGES, log);
      const vm = await LabVm.start({
        cacheDir: this.cacheDir,
        log,
        signal: abort.signal,
        onState: (state, detail) => this.setState(state, detail ?? ''),
      });
      vm.on('state', (state: LabState, detail?: string) => this.setState(state, detail ?? ''));
      this.vm = vm;
      this.setState(LabState.Ready, `ssh port ${vm.port}`);
      log(`ready in ${vm.bootSeconds.toFixed(1)} s: ${vm.sshCommandLine}`);
      return vm;
    } catch (e) {
      this.setState(LabState.Failed, (e as Error).message);
      throw e;
    } finally {
      cancel?.dispose();
    }
  }

  /** netlink.stopLab */
  async stopLab(): Promise<void> {
    const vm = this.vm;
    this.vm = undefined;
    if (vm) await vm.stop();
    this.setState(LabState.Stopped, '');
  }

  private setState(state: LabState, detail: string): void {
    this.state = state;
    this.detail = detail;
    this.render();
    this.changed.fire(state);
  }

  private render(): void {
    const icon = {
      [LabState.Stopped]: '$(vm-outline)',
      [LabState.Booting]: '$(sync~spin)',
      [LabState.Ready]: '$(vm-running)',
      [LabState.Failed]: '$(error)',
    }[this.state];
    this.status.text = `${icon} lab: ${this.state}`;
    this.status.tooltip = `Netlink lab VM: ${this.state}${this.detail ? ` — ${this.detail}` : ''}\nClick to ${this.state === LabState.Ready ? 'stop' : 'start'} it.`;
    this.status.command = this.state === LabState.Ready ? COMMANDS.stopLab.id : COMMANDS.startLab.id;
  }

  dispose(): void {
    void this.vm?.stop();
    this.status.dispose();
    this.changed.dispose();
  }
}
