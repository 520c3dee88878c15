// The VS Code side of targets, kept thin: settings in, a status bar item, the target quick pick and the connect /
// disconnect commands' functions. Everything that talks to a target lives in targets.ts (no vscode there).
import * as vscode from 'vscode';
import { COMMANDS } from '../commands';
import type { Config } from '../config';
import type { TrustGate } from '../trust';
import { TargetError } from './errors';
import { TargetManager, type LabEndpoint, type TargetSession, type TargetState } from './targets';
import { LAB_TARGET_NAME } from './validate';

export interface TargetsUiOptions {
  /** Root of the installed extension (context.extensionPath). */
  extensionRoot: string;
  /** The running lab's ssh endpoint (LabVm.sshArgs, headersDir), undefined while it is stopped. */
  lab: () => LabEndpoint | undefined;
  log: vscode.LogOutputChannel;
  config: Config;
  /** Says whether the workspace is trusted (targets are not contacted until it is). */
  trust: TrustGate;
}

/** What other features get: the manager, the active session, and the target commands' functions. */
export interface TargetsService {
  readonly manager: TargetManager;
  /** The active target's session; throws TargetError (e.g. lab-not-running) with a message to show. */
  activeSession(): TargetSession;
  /** netlink.selectTarget: the quick pick; the pick becomes netlink.activeTarget and is connected. */
  selectTarget(): Promise<void>;
  /** netlink.connectTarget */
  connectTarget(): Promise<void>;
  /** netlink.disconnectTarget */
  disconnectTarget(): Promise<void>;
  /** Call when the lab VM starts or stops: the lab target's connection follows its endpoint. */
  labChanged(): void;
  /** Call after insmod / rmmod on the active target: the status bar shows whether `moduleName` is loaded. */
  moduleChanged(moduleName: string): void;
  /** The target status bar item as shown (for tests: the item itself cannot be read back through the API). */
  status(): { readonly text: string; readonly tooltip: string };
}

/** What the tooltip calls each state. */
const STATE_WORD: Record<TargetState['kind'], string> = {
  idle: 'not connected',
  connecting: 'connecting',
  connected: 'connected',
  unreachable: 'unreachable',
};

const STATE_ICON: Record<TargetState['kind'], string> = {
  idle: '$(circle-outline)',
  connecting: '$(sync~spin)',
  connected: '$(pass)',
  unreachable: '$(error)',
};

export function registerTargets(context: vscode.ExtensionContext, opts: TargetsUiOptions): TargetsService {
  const { log, config, trust } = opts;
  const manager = new TargetManager({ extensionRoot: opts.extensionRoot, lab: opts.lab, log: (l) => log.info(l) });
  context.subscriptions.push({ dispose: () => void manager.dispose() });

  const status = vscode.window.createStatusBarItem('netlink.target', vscode.StatusBarAlignment.Left, 50);
  status.name = 'Netlink Target';
  status.command = COMMANDS.selectTarget.id;
  context.subscriptions.push(status);

  const showStatus = (): void => {
    const name = manager.activeTarget;
    const st = manager.state(name);
    const module = st.moduleLoaded ? ' $(package)' : '';
    status.text = `${STATE_ICON[st.kind]} ${name}${module}`;
    const untrusted = trust.trusted ? '' : '\n\nUntrusted workspace: targets are not contacted.';
    // The state word first (the icon alone says little), then what the last attempt said.
    const detail = st.detail && st.detail !== st.kind ? `: ${st.detail}` : '';
    status.tooltip = `Netlink target "${name}" ${STATE_WORD[st.kind]}${detail}${untrusted}\n\nClick to choose a target.`;
    status.backgroundColor =
      st.kind === 'unreachable' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    status.show();
  };
  context.subscriptions.push({ dispose: manager.onDidChangeState(() => showStatus()) });

  /** The targets' settings (validated, their problems reported by the Config) into the manager. */
  const applySettings = async (): Promise<void> => {
    const s = config.settings.targets;
    await manager.setClientSettings({ sshPath: s.sshPath, sshConfigFile: s.sshConfigFile });
    await manager.setTargets(s.targets, s.activeTarget);
    showStatus();
  };
  const reapply = (): void => {
    applySettings().catch((e: unknown) => log.error(`target settings: ${(e as Error).message}`));
  };
  reapply();
  // Trust granted: the workspace's own target settings count now, and the status bar stops saying they do not.
  context.subscriptions.push(config.onDidChange((e) => (e.affects('targets') || e.trustGranted) && reapply()));

  const reportError = (e: unknown): void => {
    const err = e instanceof Error ? e : new Error(String(e));
    log.error(err.message);
    if (err instanceof TargetError && err.detail) log.error(err.detail);
    const actions = err instanceof TargetError && err.kind === 'config' ? ['Open Settings'] : ['Show Log'];
    void vscode.window.showErrorMessage(err.message, ...actions).then((pick) => {
      if (pick === 'Open Settings')
        void vscode.commands.executeCommand('workbench.action.openSettings', 'netlink.targets');
      else if (pick === 'Show Log') log.show();
    });
  };

  // Callers are past the trust gate: the commands through their table entry, labChanged() by asking it.
  const connect = async (name: string): Promise<void> => {
    const st = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Netlink: connecting to ${name}`, cancellable: false },
      () => manager.refresh(name, { startHelper: true }),
    );
    if (st.error) reportError(st.error);
  };

  async function selectTarget(): Promise<void> {
    const items = manager.list().map((t) => {
      const st = manager.state(t.name);
      return {
        label: `${t.name === manager.activeTarget ? '$(check) ' : ''}${t.name}`,
        name: t.name,
        description: t.builtIn ? 'built-in QEMU lab VM' : t.destination,
        detail: st.detail ?? (t.builtIn && !opts.lab() ? 'not running (Netlink: Start Lab VM)' : st.kind),
      };
    });
    const pick = await vscode.window.showQuickPick(items, {
      title: 'Netlink target',
      placeHolder: 'Where modules are built and messages are sent',
    });
    if (!pick) return;
    await config.setActiveTarget(pick.name);
    await applySettings();
    if (trust.trusted && (pick.name !== LAB_TARGET_NAME || opts.lab())) await connect(pick.name);
  }

  return {
    manager,
    activeSession: () => manager.session(),
    selectTarget,
    connectTarget: () => connect(manager.activeTarget).catch(reportError),
    disconnectTarget: () => manager.disconnect(manager.activeTarget).catch(reportError),
    labChanged: () => {
      if (manager.activeTarget === LAB_TARGET_NAME && opts.lab() && trust.trusted)
        void connect(LAB_TARGET_NAME).catch(reportError);
      else if (!opts.lab()) void manager.disconnect(LAB_TARGET_NAME);
      showStatus();
    },
    moduleChanged: (moduleName) => {
      // The module command just used the connection: looking again is one more command over it.
      void manager
        .refresh(manager.activeTarget, { module: moduleName })
        .catch((e: unknown) => log.warn(`target state after a module change: ${(e as Error).message}`));
    },
    status: () => ({
      text: status.text,
      tooltip: typeof status.tooltip === 'string' ? status.tooltip : (status.tooltip?.value ?? ''),
    }),
  };
}
