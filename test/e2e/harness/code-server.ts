// Starts code-server (under Node 24) on 127.0.0.1 with a throwaway HOME, user data and extensions folder, and
// with everything that would reach the internet switched off. Stops it by process group.
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { freeLoopbackPort } from '../../support/loopbackPort';
import { delay, onCleanup, trackGroup } from './cleanup';
import { tail } from './exec';
import { codeServerEntry, node24Bin, runsRoot } from './paths';

/** The user settings that, with the flags and EXTENSIONS_GALLERY='{}', make code-server send nothing out. */
export const offlineSettings: Readonly<Record<string, unknown>> = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  // Tests hover and read; a short delay keeps them fast. No tips, no trust prompts, no restored windows.
  'editor.hover.delay': 100,
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'window.restoreWindows': 'none',
  'workbench.enableExperiments': false,
  'git.enabled': false,
  // The secondary side bar (chat) takes a third of the window and covers long lines.
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'editor.minimap.enabled': false,
};

export interface RunDirs {
  root: string;
  home: string;
  userDataDir: string;
  extensionsDir: string;
  tmp: string;
  log: string;
}

/**
 * Fresh folders for one code-server run under .cache/e2e/runs/<name>: code-server writes under HOME, XDG_* and
 * TMPDIR, so all point here. `keepUserData` keeps the user data of the previous run of that name (settings,
 * workspace storage such as the builder's history) and starts the rest anew.
 */
export function makeRunDirs(name: string, opts: { keepUserData?: boolean } = {}): RunDirs {
  const root = join(runsRoot, name);
  if (opts.keepUserData && existsSync(root)) {
    for (const entry of readdirSync(root))
      if (entry !== 'user-data') rmSync(join(root, entry), { recursive: true, force: true });
  } else {
    rmSync(root, { recursive: true, force: true });
  }
  const dirs: RunDirs = {
    root,
    home: join(root, 'home'),
    userDataDir: join(root, 'user-data'),
    extensionsDir: join(root, 'extensions'),
    tmp: join(root, 'tmp'),
    log: join(root, 'code-server.log'),
  };
  for (const d of [dirs.home, dirs.userDataDir, dirs.extensionsDir, dirs.tmp]) mkdirSync(d, { recursive: true });
  return dirs;
}

export interface CodeServerOptions {
  dirs: RunDirs;
  /** Folder opened by default (the URL's ?folder= overrides it). */
  workspace: string;
  port?: number;
  /** Needed for in-host suites: lets the page receive the extension host's exit code. */
  smokeTestDriver?: boolean;
  settings?: Record<string, unknown>;
  /**
   * Machine settings (Machine/settings.json, "Remote [code-server]" in the settings editor): a code-server window is
   * a remote one, so settings of "scope": "machine" are read from here and not from the user settings above.
   */
  machineSettings?: Record<string, unknown>;
  /**
   * Keep Workspace Trust on (no --disable-workspace-trust): with `security.workspace.trust.enabled: true` in
   * `settings`, a folder nobody trusted in this fresh user data opens untrusted.
   */
  workspaceTrust?: boolean;
  /** Extra environment for code-server and so for the extension host it starts. */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}

export interface CodeServer {
  port: number;
  /** http://127.0.0.1:PORT */
  origin: string;
  dirs: RunDirs;
  stop(): Promise<void>;
  /** The end of code-server's log, for error messages. */
  logTail(lines?: number): string;
}

export function childEnv(dirs: RunDirs, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HOME: dirs.home,
    XDG_CONFIG_HOME: join(dirs.home, '.config'),
    XDG_DATA_HOME: join(dirs.home, '.local', 'share'),
    XDG_CACHE_HOME: join(dirs.home, '.cache'),
    TMPDIR: dirs.tmp,
    // An empty gallery: no marketplace queries at all.
    EXTENSIONS_GALLERY: '{}',
    ...extra,
  };
}

/**
 * The settings a kept user data holds, {} when there are none. A file that is not plain JSON (VS Code allows
 * comments) is kept beside as settings.json.<time>.bak, and said so, rather than lost.
 */
function previousSettings(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // not plain JSON: set aside below
  }
  const kept = `${file}.${new Date().toISOString().replace(/[:.]/g, '-')}.bak`;
  renameSync(file, kept);
  console.warn(
    `${file} is not a plain JSON object; it is kept as ${kept} and the run starts from the harness's settings`,
  );
  return {};
}

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  const { dirs } = opts;
  const port = opts.port ?? (await freeLoopbackPort());
  const settingsDir = join(dirs.userDataDir, 'User');
  mkdirSync(settingsDir, { recursive: true });
  // On top of what a kept user data already has (a person's own settings stay), ours win.
  const settingsFile = join(settingsDir, 'settings.json');
  writeFileSync(
    settingsFile,
    JSON.stringify({ ...previousSettings(settingsFile), ...offlineSettings, ...opts.settings }, null, 2),
  );
  if (opts.machineSettings) {
    const machineFile = join(dirs.userDataDir, 'Machine', 'settings.json');
    mkdirSync(dirname(machineFile), { recursive: true });
    writeFileSync(machineFile, JSON.stringify({ ...previousSettings(machineFile), ...opts.machineSettings }, null, 2));
  }

  const args = [
    codeServerEntry,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir',
    dirs.userDataDir,
    '--extensions-dir',
    dirs.extensionsDir,
    ...(opts.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    opts.workspace,
  ];
  const logFd = openSync(dirs.log, 'a');
  // Detached: its own process group, which also holds the extension host and the language server.
  const child = spawn(node24Bin, args, {
    env: childEnv(dirs, opts.env),
    stdio: ['ignore', logFd, logFd],
    detached: true,
  });
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`code-server did not start (${node24Bin})`);
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  const untrack = trackGroup(pid);

  const logTail = (lines = 30): string => {
    try {
      return tail(readFileSync(dirs.log, 'utf8'), lines);
    } catch {
      return '(no log)';
    }
  };

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    unregister();
    signalGroup(pid, 'SIGTERM');
    for (let i = 0; i < 50 && groupAlive(pid); i++) await delay(100);
    signalGroup(pid, 'SIGKILL');
    untrack();
  };
  const unregister = onCleanup(stop);

  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exited !== undefined) {
      await stop();
      throw new Error(`code-server exited (code ${exited}) before it was ready; log ${dirs.log}:\n${logTail()}`);
    }
    if (await healthy(origin)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server not ready on ${origin}/healthz within the timeout; log ${dirs.log}:\n${logTail()}`);
    }
    await delay(200);
  }
  return { port, origin, dirs, stop, logTail };
}

async function healthy(origin: string): Promise<boolean> {
  try {
    const res = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

function signalGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    /* group already gone */
  }
}

/** Is any process of the group still there (kill 0 probes without signalling)? */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
