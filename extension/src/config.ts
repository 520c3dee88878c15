// The settings in VS Code: read once per change (a settings edit, the workspace's folders, trust granted), bad
// values reported once with where they are, and an event naming the groups that changed, so each feature follows
// what it uses. Restricted settings (settings.ts) are read from the user's and machine's settings only while the
// workspace is untrusted: VS Code already hides the workspace's values then; this says it again where it matters.
// The two settings the extension writes are written here too.
import * as vscode from 'vscode';
import {
  changedGroups,
  parseSettings,
  SETTINGS,
  type SettingGroup,
  type Settings,
  type SettingsProblem,
  type SettingKey,
} from './settings';

export type { Settings, SettingGroup } from './settings';

export interface ConfigChange {
  /** The groups whose values differ from the last reading. */
  readonly groups: ReadonlySet<SettingGroup>;
  /** The workspace was trusted just now (restricted settings and the workspace's files count from here on). */
  readonly trustGranted: boolean;
  affects(group: SettingGroup): boolean;
}

function fileFolders(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}

export class Config implements vscode.Disposable {
  private current: Settings;
  private problems: readonly SettingsProblem[] = [];
  private reported = '';
  private readonly changed = new vscode.EventEmitter<ConfigChange>();
  /** Fires after a change was read, when a group's values differ or the workspace became trusted. */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.current = this.read();
    this.subscriptions = vscode.Disposable.from(
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('netlink') && this.reread(false)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.reread(false)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.reread(true)),
    );
  }

  /** The settings as last read. */
  get settings(): Settings {
    return this.current;
  }

  /** What is wrong with them, as last reported ("netlink.targets[1].destination: ..."). */
  problemTexts(): readonly string[] {
    return this.problems.map((p) => p.text);
  }

  /** Sets netlink.activeTarget: the workspace's choice when a folder is open, else the user's. */
  async setActiveTarget(name: string): Promise<void> {
    const scope = vscode.workspace.workspaceFolders?.length
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
    await this.write('activeTarget', name, scope);
  }

  /** Sets netlink.module.folder in the workspace's settings. */
  async setModuleFolder(folder: string): Promise<void> {
    await this.write('module.folder', folder, vscode.ConfigurationTarget.Workspace);
  }

  private async write(key: SettingKey, value: unknown, scope: vscode.ConfigurationTarget): Promise<void> {
    await vscode.workspace.getConfiguration('netlink').update(key, value, scope);
    // Read now: whoever wrote goes on with the new value, whenever VS Code's change event comes.
    this.reread(false);
  }

  private read(): Settings {
    const c = vscode.workspace.getConfiguration('netlink');
    const trusted = vscode.workspace.isTrusted;
    const read = (key: SettingKey): unknown => {
      if (trusted || !SETTINGS[key].restricted) return c.get(key);
      const i = c.inspect(key);
      return i?.globalValue ?? i?.defaultValue;
    };
    const { settings, problems } = parseSettings({ read, workspaceFolders: fileFolders(), trusted });
    this.report(problems);
    return settings;
  }

  private reread(trustGranted: boolean): void {
    const before = this.current;
    this.current = this.read();
    const groups = changedGroups(before, this.current);
    if (groups.size === 0 && !trustGranted) return;
    this.changed.fire({ groups, trustGranted, affects: (g) => groups.has(g) });
  }

  /** Each new set of problems once: in the log, and in one warning with a way to the first bad setting. */
  private report(problems: readonly SettingsProblem[]): void {
    this.problems = problems;
    const text = problems.map((p) => p.text).join('; ');
    if (text && text !== this.reported) {
      for (const p of problems) this.log.warn(p.text);
      const first = problems[0]?.key;
      void vscode.window
        .showWarningMessage(`Netlink settings: ${text}`, 'Open Settings')
        .then(
          (pick) =>
            pick &&
            vscode.commands.executeCommand('workbench.action.openSettings', first ? `netlink.${first}` : 'netlink'),
        );
    }
    this.reported = text;
  }

  dispose(): void {
    this.subscriptions.dispose();
    this.changed.dispose();
  }
}
