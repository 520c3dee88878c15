// The VS Code side of targets, kept thin: settings in, a status bar item, the target quick pick, connect /
// disconnect commands, and Workspace Trust. Everything that talks to a target lives in targets.ts (no vscode there).
import * as vscode from 'vscode';
import { TargetError } from './errors';
import { TargetManager, type LabEndpoint, type TargetSession, type TargetState } from './targets';
import { formatProblem, LAB_TARGET_NAME, validateActiveTarget, validateTargets, type SettingProblem } from './validate';

export interface TargetsUiOptions {
  /** Root of the installed extension (context.extensionPath). */
  extensionRoot: string;
  /** The running lab's ssh endpoint (LabVm.sshArgs, headersDir), undefined while it is stopped. */
  lab: () => LabEndpoint | undefined;
  log: vscode.LogOutputChannel;
}

/** What other features get: the manager, the active session, and the trust gate they must pass first. */
export interface TargetsService {
  readonly manager: TargetManager;
  /** The active target's session; throws TargetError (e.g. lab-not-running) with a message to show. */
  activeSession(): TargetSession;
  /** False (after telling the user why) in an untrusted workspace; `action` names what was refused. */
  requireTrust(action: string): boolean;
  /** Call when the lab VM starts or stops: the lab target's connection follows its endpoint. */
  labChanged(): void;
  /** Call after insmod / rmmod on the active target: the status bar shows whether `moduleName` is loaded. */
  moduleChanged(moduleName: string): void;
  /** The target status bar item as shown (for tests: the item itself cannot be read back through the API). */
  status(): { readonly text: string; readonly tooltip: string };
  /** What the trust gate refused so far, in order (each time the user was told why). */
  refusedActions(): readonly string[];
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
  const { log } = opts;
  const manager = new TargetManager({ extensionRoot: opts.extensionRoot, lab: opts.lab, log: (l) => log.info(l) });
  context.subscriptions.push({ dispose: () => void manager.dispose() });

  const status = vscode.window.createStatusBarItem('netlink.target', vscode.StatusBarAlignment.Left, 50);
  status.name = 'Netlink Target';
  status.command = 'netlink.selectTarget';
  context.subscriptions.push(status);

  const refused: string[] = [];
  const requireTrust = (action: string): boolean => {
    if (vscode.workspace.isTrusted) return true;
    refused.push(action);
    log.warn(`${action}: refused, the workspace is not trusted`);
    void vscode.window.showWarningMessage(
      `${action} is disabled in an untrusted workspace: it runs ssh and programs on a machine that this workspace's ` +
      'settings could choose. Trust the workspace to use targets.',
      'Manage Workspace Trust',
    ).then((pick) => pick && vscode.commands.executeCommand('workbench.trust.manage'));
    return false;
  };

  const showStatus = (): void => {
    const name = manager.activeTarget;
    const st = manager.state(name);
    const module = st.moduleLoaded ? ' $(package)' : '';
    status.text = `${STATE_ICON[st.kind]} ${name}${module}`;
    const trust = vscode.workspace.isTrusted ? '' : '\n\nUntrusted workspace: targets are not contacted.';
    // The state word first (the icon alone says little), then what the last attempt said.
    const detail = st.detail && st.detail !== st.kind ? `: ${st.detail}` : '';
    status.tooltip = `Netlink target "${name}" ${STATE_WORD[st.kind]}${detail}${trust}\n\nClick to choose a target.`;
    status.backgroundColor = st.kind === 'unreachable' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    status.show();
  };
  context.subscriptions.push({ dispose: manager.onDidChangeState(() => showStatus()) });

  let reported = '';
  const readSettings = async (): Promise<void> => {
    const c = vscode.workspace.getConfiguration('netlink');
    const { targets, problems } = validateTargets(c.get<unknown>('targets', []));
    const active = c.get<unknown>('activeTarget', LAB_TARGET_NAME);
    const activeProblem = validateActiveTarget(active, targets.map((t) => t.name));
    const all: SettingProblem[] = [...problems, ...(activeProblem ? [activeProblem] : [])];
    await manager.setClientSettings({ sshPath: c.get<string>('ssh.path', '') || undefined, sshConfigFile: c.get<string>('ssh.configFile', '') || undefined });
    await manager.setTargets(targets, activeProblem || typeof active !== 'string' ? LAB_TARGET_NAME : active);
    const text = all.map(formatProblem).join('\n');
    if (text && text !== reported) {
      for (const p of all) log.warn(formatProblem(p));
      void vscode.window.showWarningMessage(`Netlink target settings: ${all.map(formatProblem).join('; ')}`, 'Open Settings')
        .then((pick) => pick && vscode.commands.executeCommand('workbench.action.openSettings', 'netlink.targets'));
    }
    reported = text;
    showStatus();
  };
  const reread = (): void => {
    readSettings().catch((e: unknown) => log.error(`target settings: ${(e as Error).message}`));
  };
  reread();
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('netlink.targets') || e.affectsConfiguration('netlink.activeTarget') || e.affectsConfiguration('netlink.ssh')) reread();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => reread()),
  );

  const reportError = (e: unknown): void => {
    const err = e instanceof Error ? e : new Error(String(e));
    log.error(err.message);
    if (err instanceof TargetError && err.detail) log.error(err.detail);
    const actions = err instanceof TargetError && err.kind === 'config' ? ['Open Settings'] : ['Show Log'];
    void vscode.window.showErrorMessage(err.message, ...actions).then((pick) => {
      if (pick === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'netlink.targets');
      else if (pick === 'Show Log') log.show();
    });
  };

  const connect = async (name: string): Promise<void> => {
    if (!requireTrust(`Connecting to target "${name}"`)) return;
    const st = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Netlink: connecting to ${name}`, cancellable: false },
      () => manager.refresh(name, { startHelper: true }),
    );
    if (st.error) reportError(st.error);
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('netlink.selectTarget', async () => {
      // The choice is a restricted setting: an untrusted workspace's value is ignored, so picking would do nothing.
      if (!requireTrust('Choosing a target')) return;
      const items = manager.list().map((t) => {
        const st = manager.state(t.name);
        return {
          label: `${t.name === manager.activeTarget ? '$(check) ' : ''}${t.name}`,
          name: t.name,
          description: t.builtIn ? 'built-in QEMU lab VM' : t.destination,
          detail: st.detail ?? (t.builtIn && !opts.lab() ? 'not running (Netlink: Start Lab VM)' : st.kind),
        };
      });
      const pick = await vscode.window.showQuickPick(items, { title: 'Netlink target', placeHolder: 'Where modules are built and messages are sent' });
      if (!pick) return;
      // The workspace's choice when a folder is open, else the user's.
      const scope = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
      await vscode.workspace.getConfiguration('netlink').update('activeTarget', pick.name, scope);
      await readSettings();
      if (vscode.workspace.isTrusted && (pick.name !== LAB_TARGET_NAME || opts.lab())) await connect(pick.name);
    }),
    vscode.commands.registerCommand('netlink.connectTarget', () => connect(manager.activeTarget).catch(reportError)),
    vscode.commands.registerCommand('netlink.disconnectTarget', () => manager.disconnect(manager.activeTarget).catch(reportError)),
  );

  return {
    manager,
    activeSession: () => manager.session(),
    requireTrust,
    labChanged: () => {
      if (manager.activeTarget === LAB_TARGET_NAME && opts.lab() && vscode.workspace.isTrusted) void connect(LAB_TARGET_NAME).catch(reportError);
      else if (!opts.lab()) void manager.disconnect(LAB_TARGET_NAME);
      showStatus();
    },
    moduleChanged: (moduleName) => {
      // The module command just used the connection: looking again is one more command over it.
      void manager.refresh(manager.activeTarget, { module: moduleName }).catch((e: unknown) => log.warn(`target state after a module change: ${(e as Error).message}`));
    },
    refusedActions: () => [...refused],
    status: () => ({ text: status.text, tooltip: typeof status.tooltip === 'string' ? status.tooltip : (status.tooltip?.value ?? '') }),
  };
}
