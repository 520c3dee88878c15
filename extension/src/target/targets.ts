// The target model: the configured targets plus the built-in lab, and per target one SSH connection and one
// helper session, created on first use and kept. State changes (unreachable / connected / module loaded) are
// reported through onDidChangeState. No vscode import: the extension's side is vscodeTargets.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deployHelper, type DeployedHelper } from './deploy';
import { TargetError } from './errors';
import { fileCheckRefusal, type FileCheck } from './fileCheck';
import { HelperSession } from './helperSession';
import { sshPathProblem } from './quote';
import { expandLocalHome, SshConnection, type ExecOptions, type ExecResult, type SshTargetSpec } from './ssh';
import { diagnoseSsh, diagnoseSudo } from './sshDiagnose';
import {
  DEFAULT_WORK_FOLDER,
  LAB_TARGET_NAME,
  parseDestination,
  SettingError,
  validateActiveTarget,
  type TargetConfig,
} from './validate';

/** What the lab VM gives the target layer while it runs (LabVm.sshArgs and its kernel headers). */
export interface LabEndpoint {
  /** ssh argv prefix: `ssh OPTIONS... -- user@host` (LabVm.sshArgs). */
  readonly sshArgs: readonly string[];
  /** Local headers of the guest's kernel, for local-headers module builds. */
  readonly headersDir?: string;
}

export interface ResolvedTarget extends TargetConfig {
  /** The built-in lab target. */
  readonly builtIn: boolean;
  /** Local kernel build folder (the lab's headers), for buildMode local-headers. */
  readonly localKernelBuildDir?: string;
}

/** A netlink.targets entry as the rest of the extension sees it. */
function resolvedTarget(c: TargetConfig): ResolvedTarget {
  return { ...c, builtIn: false, ...(c.headersDir ? { localKernelBuildDir: expandLocalHome(c.headersDir) } : {}) };
}

export type TargetStateKind = 'idle' | 'connecting' | 'connected' | 'unreachable';

export interface TargetState {
  readonly target: string;
  readonly kind: TargetStateKind;
  /** A sentence for a tooltip: the error, or what is running. */
  readonly detail?: string;
  /** Whether /sys/module/<module> exists on the target (known after a refresh). */
  readonly moduleLoaded?: boolean;
  readonly helper?: DeployedHelper;
  readonly error?: TargetError;
}

/** Settings of the ssh client itself (netlink.ssh.*), shared by every target. */
export interface SshClientSettings {
  /** The ssh program; default `ssh` from PATH. */
  readonly sshPath?: string;
  /** An ssh config file instead of ~/.ssh/config (not used for the lab). */
  readonly sshConfigFile?: string;
}

export interface TargetManagerOptions extends SshClientSettings {
  /** Root of the installed extension: native/ (sources) and dist/native/ (static builds) below it. */
  readonly extensionRoot: string;
  /** The running lab's endpoint, or undefined while it is stopped. */
  readonly lab?: () => LabEndpoint | undefined;
  /** The kernel module whose presence the state reports. */
  readonly moduleName?: string;
  readonly log?: (line: string) => void;
}

/** Splits LabVm.sshArgs (`ssh OPTIONS -- DEST`) into our ssh spec. */
export function specFromSshArgv(name: string, argv: readonly string[]): SshTargetSpec {
  const dash = argv.indexOf('--');
  if (dash < 1 || dash !== argv.length - 2)
    throw new TargetError('config', `target "${name}": unexpected ssh arguments ${JSON.stringify(argv)}`);
  const dest = argv[dash + 1] as string;
  return {
    name,
    displayDestination: `${dest} (lab VM)`,
    sshDestination: dest,
    leadingOptions: argv.slice(1, dash),
    useSudo: false,
  };
}

function specFromConfig(t: TargetConfig): SshTargetSpec {
  let d;
  try {
    d = parseDestination(t.destination);
  } catch (e) {
    throw new SettingError([{ path: `netlink.targets["${t.name}"].destination`, message: (e as Error).message }]);
  }
  return {
    name: t.name,
    displayDestination: t.destination,
    sshDestination: d.sshDestination,
    useSudo: t.useSudo,
    ...(d.port !== undefined ? { port: d.port } : {}),
    ...(t.identityFile ? { identityFile: t.identityFile } : {}),
    ...(t.knownHostsFile ? { knownHostsFile: t.knownHostsFile } : {}),
  };
}

function loginUser(sshDestination: string): { user?: string } {
  const at = sshDestination.lastIndexOf('@');
  return at > 0 ? { user: sshDestination.slice(0, at) } : {};
}

/** One target's connection, helper deployment and helper session. */
export class TargetSession {
  private deployed: DeployedHelper | undefined;
  private deploying: Promise<DeployedHelper> | undefined;
  private helperSession: HelperSession | undefined;

  constructor(
    readonly target: ResolvedTarget,
    readonly connection: SshConnection,
    private readonly paths: { nativeDir: string; staticDir: string },
    private readonly log: (line: string) => void,
    /** The lab's ssh argv this session was made for (a new boot has another port). */
    readonly labKey?: string,
  ) {}

  exec(argv: readonly string[], opts: ExecOptions): Promise<ExecResult> {
    return this.connection.exec(argv, opts);
  }

  /** Deploys the helper once per session (a content-hash cache on the target makes repeats cheap). */
  deployHelper(opts: { signal?: AbortSignal; force?: boolean } = {}): Promise<DeployedHelper> {
    if (this.deployed && !opts.force) return Promise.resolve(this.deployed);
    this.deploying ??= deployHelper(this.connection, {
      ...this.paths,
      workFolder: this.target.workFolder,
      helperBuild: this.target.helperBuild,
      log: this.log,
      ...(opts.signal ? { signal: opts.signal } : {}),
    })
      .then((d) => {
        this.deployed = d;
        return d;
      })
      .finally(() => {
        this.deploying = undefined;
      });
    return this.deploying;
  }

  /** Closes the helper's netlink sockets (they hold a module of their protocol loaded); none runs: nothing to do. */
  async closeHelperSockets(): Promise<void> {
    await this.helperSession?.closeSockets('all');
  }

  get deployedHelper(): DeployedHelper | undefined {
    return this.deployed;
  }

  /** The helper session (deployed and started on first use; restarted by its next request after a drop). */
  async helper(opts: { signal?: AbortSignal } = {}): Promise<HelperSession> {
    if (this.helperSession) return this.helperSession;
    const d = await this.deployHelper(opts);
    if (this.helperSession) return this.helperSession;
    const conn = this.connection;
    const t = this.target;
    // The binary runs as root only while it has the content it was deployed with (checked at every start).
    const check = { file: d.binary, sha256: d.sha256 };
    const session = new HelperSession(
      {
        description: `target "${t.name}"`,
        start: () => conn.spawn([d.binary, 'serve'], true, check),
        explainExit: (code, stderr) => this.explainHelperExit(check, code, stderr),
      },
      { log: this.log },
    );
    this.helperSession = session;
    await session.start();
    return session;
  }

  /**
   * Why a helper command run through spawn (checked, privileged) ended early, from its exit status and stderr: ssh
   * (host key, login), the file check, sudo -n; undefined when none of them is the cause.
   */
  explainHelperExit(check: FileCheck, code: number | null, stderr: string): Error | undefined {
    const t = this.target;
    const conn = this.connection;
    return (
      (code === 255
        ? diagnoseSsh(stderr, {
            target: t.name,
            destination: conn.spec.displayDestination,
            ...(t.knownHostsFile ? { knownHostsFile: t.knownHostsFile } : {}),
          })
        : undefined) ??
      fileCheckRefusal(code, stderr, check, t.name, true) ??
      (t.useSudo
        ? diagnoseSudo(stderr, { target: t.name, program: check.file, ...loginUser(conn.spec.sshDestination) })
        : undefined)
    );
  }

  async dispose(): Promise<void> {
    await this.helperSession?.dispose();
    this.helperSession = undefined;
    await this.connection.close();
  }
}

/**
 * Where the ControlMaster folder goes: the OS temp folder, unless a socket path below it would be too long. ssh
 * binds `<dir>/<%C: 40 hex>.<16 random>`, and a socket path holds at most 103 bytes on macOS, 107 on Linux; with
 * "nlwb-ssh-XXXXXX" that leaves 29 bytes for the temp folder (a long TMPDIR, as macOS and test runners set, fails
 * every connection with "too long for Unix domain socket"). /tmp is then used, as it is for a temp folder that
 * ControlPath cannot carry (a double quote, a backslash, "${": quote.ts). The folder is made by mkdtemp: new, ours,
 * mode 0700, never one that was there before.
 */
export function controlSocketBase(tmp = os.tmpdir()): string {
  const fits = Buffer.byteLength(tmp) + '/nlwb-ssh-XXXXXX/'.length + 40 + 1 + 16 <= 103;
  return fits && !sshPathProblem(tmp) ? tmp : '/tmp';
}

export class TargetManager {
  private configs: TargetConfig[] = [];
  private active = LAB_TARGET_NAME;
  private readonly sessions = new Map<string, TargetSession>();
  private readonly states = new Map<string, TargetState>();
  private readonly listeners = new Set<(s: TargetState) => void>();
  /** Private folder for the ControlMaster sockets: only this user can reach the masters. */
  readonly controlDir = mkdtempSync(path.join(controlSocketBase(), 'nlwb-ssh-'));

  private client: SshClientSettings;
  /** The module the last refresh looked for (the one the module commands loaded or unloaded last). */
  private lastModule: string | undefined;

  constructor(private readonly opts: TargetManagerOptions) {
    this.client = {
      ...(opts.sshPath ? { sshPath: opts.sshPath } : {}),
      ...(opts.sshConfigFile ? { sshConfigFile: opts.sshConfigFile } : {}),
    };
  }

  /** New ssh client settings: every session is closed (the next use reconnects with them). */
  async setClientSettings(settings: SshClientSettings): Promise<void> {
    const next = {
      ...(settings.sshPath ? { sshPath: settings.sshPath } : {}),
      ...(settings.sshConfigFile ? { sshConfigFile: settings.sshConfigFile } : {}),
    };
    if (JSON.stringify(next) === JSON.stringify(this.client)) return;
    this.client = next;
    await Promise.all([...this.sessions.keys()].map((n) => this.disconnect(n)));
  }

  private get log(): (line: string) => void {
    return this.opts.log ?? ((): void => undefined);
  }

  /** New settings (already validated): sessions of changed or removed targets are closed. */
  async setTargets(configs: readonly TargetConfig[], active: string): Promise<void> {
    const problem = validateActiveTarget(
      active,
      configs.map((c) => c.name),
    );
    if (problem) throw new SettingError([problem]);
    const before = new Map(this.configs.map((c) => [c.name, JSON.stringify(c)]));
    this.configs = [...configs];
    this.active = active || LAB_TARGET_NAME;
    const after = new Map(this.configs.map((c) => [c.name, JSON.stringify(c)]));
    for (const [name, json] of before) {
      if (after.get(name) !== json) await this.closeSession(name);
    }
    this.emit(this.state(this.active));
  }

  get activeTarget(): string {
    return this.active;
  }

  /** The lab first, then the configured targets. */
  list(): ResolvedTarget[] {
    return [this.labTarget(), ...this.configs.map(resolvedTarget)];
  }

  private labTarget(): ResolvedTarget {
    const lab = this.opts.lab?.();
    return {
      name: LAB_TARGET_NAME,
      destination: 'lab VM',
      useSudo: false,
      workFolder: DEFAULT_WORK_FOLDER,
      buildMode: 'local-headers',
      helperBuild: 'auto',
      builtIn: true,
      ...(lab?.headersDir ? { localKernelBuildDir: lab.headersDir } : {}),
    };
  }

  state(name = this.active): TargetState {
    return this.states.get(name) ?? { target: name, kind: 'idle' };
  }

  onDidChangeState(fn: (s: TargetState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(s: TargetState): void {
    this.states.set(s.target, s);
    for (const fn of this.listeners) fn(s);
  }

  /** The session of a target (default: the active one), created on first use. */
  session(name = this.active): TargetSession {
    const paths = {
      nativeDir: path.join(this.opts.extensionRoot, 'native'),
      staticDir: path.join(this.opts.extensionRoot, 'dist', 'native'),
    };
    const client = {
      controlDir: this.controlDir,
      log: this.log,
      ...(this.client.sshPath ? { sshPath: this.client.sshPath } : {}),
    };
    if (name === LAB_TARGET_NAME) {
      const lab = this.opts.lab?.();
      if (!lab)
        throw new TargetError(
          'lab-not-running',
          'the lab VM is not running: start it with "Netlink: Start Lab VM" (or pick another target)',
        );
      const key = lab.sshArgs.join('\0');
      const have = this.sessions.get(name);
      if (have && have.labKey === key) return have;
      if (have) void this.closeSession(name);
      // The lab's own options (-F none, its key and pinned known_hosts) come first; the user's ssh config is not used.
      const s = new TargetSession(
        this.labTarget(),
        new SshConnection(specFromSshArgv(name, lab.sshArgs), client),
        paths,
        this.log,
        key,
      );
      this.sessions.set(name, s);
      return s;
    }
    const have = this.sessions.get(name);
    if (have) return have;
    const config = this.configs.find((c) => c.name === name);
    if (!config)
      throw new TargetError(
        'config',
        `no target named "${name}" (netlink.targets has ${this.configs.map((c) => c.name).join(', ') || 'none'})`,
      );
    const s = new TargetSession(
      resolvedTarget(config),
      new SshConnection(specFromConfig(config), {
        ...client,
        ...(this.client.sshConfigFile ? { configFile: this.client.sshConfigFile } : {}),
      }),
      paths,
      this.log,
    );
    this.sessions.set(name, s);
    return s;
  }

  /** Connects (or checks the connection), looks for the module, and reports the new state. */
  async refresh(
    name = this.active,
    opts: { signal?: AbortSignal; timeoutMs?: number; startHelper?: boolean; module?: string } = {},
  ): Promise<TargetState> {
    this.emit({ ...this.state(name), target: name, kind: 'connecting', detail: 'connecting' });
    try {
      const s = this.session(name);
      // Once connected, the module check below is the reachability check too: one remote command, not two.
      if (!s.connection.connectedOnce) await s.connection.connect(opts);
      const module = opts.module ?? this.lastModule ?? this.opts.moduleName ?? 'nlreply';
      this.lastModule = module;
      const r = await s.exec(['test', '-d', `/sys/module/${module}`], {
        timeoutMs: opts.timeoutMs ?? 15_000,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      // test says 0 or 1; anything else is ssh failing in a way it did not explain (exec's status line is missing).
      if (r.code !== 0 && r.code !== 1)
        throw new TargetError(
          'unreachable',
          `target "${name}" did not answer (ssh exit ${r.code ?? 'by signal'})${r.stderr.trim() ? `: ${r.stderr.trim()}` : ''}`,
        );
      if (opts.startHelper) await s.helper(opts.signal ? { signal: opts.signal } : {});
      const st: TargetState = {
        target: name,
        kind: 'connected',
        moduleLoaded: r.code === 0,
        detail:
          `connected to ${s.connection.spec.displayDestination}${r.code === 0 ? `, ${module} loaded` : ''}` +
          `${s.deployedHelper ? `, helper ${s.deployedHelper.how === 'static' ? 'static build' : 'built there'} (${s.deployedHelper.arch})` : ''}`,
        ...(s.deployedHelper ? { helper: s.deployedHelper } : {}),
      };
      this.emit(st);
      return st;
    } catch (e) {
      const err = e instanceof TargetError ? e : new TargetError('unreachable', (e as Error).message);
      const st: TargetState = { target: name, kind: 'unreachable', detail: err.message, error: err };
      this.emit(st);
      return st;
    }
  }

  /** Closes a target's helper session and master connection; its state goes back to idle. */
  async disconnect(name = this.active): Promise<void> {
    await this.closeSession(name);
    this.emit({ target: name, kind: 'idle' });
  }

  private async closeSession(name: string): Promise<void> {
    const s = this.sessions.get(name);
    this.sessions.delete(name);
    this.states.delete(name);
    await s?.dispose();
  }

  /** Closes every session and master connection and removes the socket folder. */
  async dispose(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((n) => this.closeSession(n)));
    this.listeners.clear();
    rmSync(this.controlDir, { recursive: true, force: true });
  }
}
