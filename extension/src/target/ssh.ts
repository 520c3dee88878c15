// One target's SSH connection through the system OpenSSH client. Every command rides one ControlMaster connection
// (a socket in a private folder), so only the first one pays for the handshake. The user's ssh config, agent,
// ProxyJump and known_hosts apply as they set them; only BatchMode (never a hidden prompt), the multiplexing and a
// connect timeout are ours. Remote commands are argument vectors, quoted in quote.ts and nowhere else.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { run, type RunResult } from '../process/run';
import { TargetError } from './errors';
import { checkedArgv, fileCheckRefusal, type FileCheck } from './fileCheck';
import { shellCommand, sshPathValue } from './quote';
import { diagnoseSsh, diagnoseSudo } from './sshDiagnose';

export interface SshTargetSpec {
  /** Target name, for messages. */
  readonly name: string;
  /** What the user wrote (for messages). */
  readonly displayDestination: string;
  /** The destination word given to ssh after `--`: `user@host`, `host` or a config alias. */
  readonly sshDestination: string;
  readonly port?: number;
  /** Local key file (absolute or ~/...). */
  readonly identityFile?: string;
  /** Local known_hosts for this target only; checked strictly. */
  readonly knownHostsFile?: string;
  /** Options placed before ours (ssh keeps the first value of an option): the lab's -F none, -i, HostKeyAlias... */
  readonly leadingOptions?: readonly string[];
  /** Privileged commands go through `sudo -n`. */
  readonly useSudo: boolean;
}

export interface SshClientOptions {
  /** Private (0700) folder for the ControlMaster sockets. */
  readonly controlDir: string;
  /** The ssh program (default `ssh` from PATH). */
  readonly sshPath?: string;
  /** An ssh config file instead of ~/.ssh/config (ssh -F). */
  readonly configFile?: string;
  /** Seconds the master stays up after its last command (ssh ControlPersist). */
  readonly controlPersistS?: number;
  readonly connectTimeoutS?: number;
  readonly log?: (line: string) => void;
}

export interface ExecOptions {
  timeoutMs: number;
  /** Bytes for the command's stdin (else it gets end of input at once). */
  input?: string | Uint8Array;
  signal?: AbortSignal;
  /** Needs root: wrapped in `sudo -n --` when the target says useSudo. */
  privileged?: boolean;
  /** Runs only while this file has this content (checked on the target in the same command: fileCheck.ts). */
  check?: FileCheck;
}

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * exec's commands report their exit status twice: as SSH's exit-status and as the last line of stderr (removed
 * again). ssh says 255 both when the command exits 255 and when ssh itself fails; the line tells them apart, and a
 * session the server closed without any status (dropbear does, see oneAtATime) has no line.
 */
const EXIT_MARK = 'nlwb-exit:';
const STATUS_SCRIPT = `"$@"; s=$?; printf '\\n${EXIT_MARK}%d\\n' "$s" >&2; exit "$s"`;
const STATUS_LINE = new RegExp(`\\n${EXIT_MARK}(\\d+)\\n$`);

/** The exit status from stderr's last line (and stderr without it), when the line is there. */
export function takeExitMark(r: RunResult): { result: RunResult; marked: boolean } {
  const m = STATUS_LINE.exec(r.stderr);
  if (!m) return { result: r, marked: false };
  return { result: { ...r, code: Number(m[1]), stderr: r.stderr.slice(0, m.index) }, marked: true };
}

export function expandLocalHome(p: string): string {
  return p === '~' ? os.homedir() : p.startsWith('~/') ? path.join(os.homedir(), p.slice(2)) : p;
}

export class SshConnection {
  /** Remote commands started (exec, upload, spawn): tests and logs see what a step cost. */
  commandCount = 0;
  private homeDir: string | undefined;
  private connecting: Promise<void> | undefined;
  /** Settles when the last exec queued so far has ended (see exec). */
  private execTail: Promise<void> = Promise.resolve();

  constructor(
    readonly spec: SshTargetSpec,
    private readonly opts: SshClientOptions,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  private get ssh(): string {
    return this.opts.sshPath ?? 'ssh';
  }

  /** Every ssh option we pass, in order, without the destination. */
  sshOptions(): string[] {
    const s = this.spec;
    const o: string[] = [...(s.leadingOptions ?? [])];
    if (this.opts.configFile) o.push('-F', expandLocalHome(this.opts.configFile));
    // As -o values (quote.ts): ssh splits option values at blanks and expands %-tokens when it loads the files.
    // (-i would check the unexpanded name first and so cannot take a path with a %.) validate.ts rejects what an
    // option value cannot carry (`"`, `\`, `${`) in these paths.
    if (s.identityFile) o.push('-o', `IdentityFile=${sshPathValue(expandLocalHome(s.identityFile))}`);
    if (s.knownHostsFile) {
      o.push(
        '-o',
        `UserKnownHostsFile=${sshPathValue(expandLocalHome(s.knownHostsFile))}`,
        '-o',
        'StrictHostKeyChecking=yes',
      );
    }
    if (s.port !== undefined) o.push('-p', String(s.port));
    o.push(
      '-T',
      '-o',
      'BatchMode=yes',
      '-o',
      'ControlMaster=auto',
      // Quoted like the paths above: a TMPDIR with a blank must not split it (targets.ts picks a folder it can carry).
      '-o',
      `ControlPath=${sshPathValue(this.opts.controlDir, '/%C')}`,
      '-o',
      `ControlPersist=${this.opts.controlPersistS ?? 120}`,
      '-o',
      `ConnectTimeout=${this.opts.connectTimeoutS ?? 10}`,
      // A tool connection needs no port forwards; the user's LocalForward lines would clash with their own session.
      '-o',
      'ClearAllForwardings=yes',
      // A silently dead network is noticed within ~45 s even when no request is open.
      '-o',
      'ServerAliveInterval=15',
      '-o',
      'ServerAliveCountMax=3',
    );
    return o;
  }

  /** The full ssh argv (program first) that runs argv on the target; the file check goes outside sudo. */
  commandArgv(argv: readonly string[], privileged = false, statusLine = false, check?: FileCheck): string[] {
    const wrapped = privileged && this.spec.useSudo ? ['sudo', '-n', '--', ...argv] : [...argv];
    const checked = check ? checkedArgv(check, wrapped) : wrapped;
    const remote = statusLine ? ['sh', '-c', STATUS_SCRIPT, 'sh', ...checked] : checked;
    return [this.ssh, ...this.sshOptions(), '--', this.spec.sshDestination, shellCommand(remote)];
  }

  private diagnose(r: RunResult, what: string, argv: readonly string[], opts: ExecOptions, ranRemotely: boolean): void {
    const { privileged = false, timeoutMs } = opts;
    if (r.aborted) throw new TargetError('aborted', `${what} on target "${this.name}" was cancelled`);
    if (r.timedOut) {
      throw new TargetError(
        'timeout',
        `${what} on target "${this.name}" did not finish within ${timeoutMs} ms and was stopped: ${shellCommand(argv)}`,
        r.stderr,
      );
    }
    if (r.code === 255 && !ranRemotely) {
      const e = diagnoseSsh(r.stderr, {
        target: this.name,
        destination: this.spec.displayDestination,
        knownHostsFile: this.spec.knownHostsFile,
      });
      if (e) throw e;
    }
    if (privileged && this.spec.useSudo && r.code !== 0) {
      const e = diagnoseSudo(r.stderr, {
        target: this.name,
        program: argv[0] ?? '',
        ...(this.spec.sshDestination.includes('@') ? { user: this.spec.sshDestination.split('@')[0] } : {}),
      });
      if (e) throw e;
    }
    if (opts.check) {
      const e = fileCheckRefusal(r.code, r.stderr, opts.check, this.name, privileged);
      if (e) throw e;
    }
  }

  /**
   * Runs argv on the target. Resolves with its exit status and output (a failing remote command is not an error);
   * throws TargetError for ssh failures (host key, login, network), sudo refusals, timeouts and cancellation.
   */
  async exec(argv: readonly string[], opts: ExecOptions): Promise<ExecResult> {
    return this.oneAtATime(() => this.execNow(argv, opts), argv, opts.signal);
  }

  /**
   * Commands run one after the other, never side by side: dropbear (the lab's server, common on small targets)
   * closes some of the sessions that start while another one ends, with no output and no exit status, and ssh
   * then reports 255 as if the connection had failed. The queue wait does not count against a command's timeout;
   * a cancelled waiter leaves the queue in order. The helper session (spawn) is long-lived and not queued.
   */
  private async oneAtATime<T>(command: () => Promise<T>, argv: readonly string[], signal?: AbortSignal): Promise<T> {
    const previous = this.execTail;
    let release!: () => void;
    this.execTail = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      if (signal) {
        let onAbort: (() => void) | undefined;
        const aborted = new Promise<never>((_, reject) => {
          onAbort = () =>
            reject(
              new TargetError('aborted', `${shellCommand(argv.slice(0, 1))} on target "${this.name}" was cancelled`),
            );
          if (signal.aborted) onAbort();
          else signal.addEventListener('abort', onAbort, { once: true });
        });
        try {
          await Promise.race([previous, aborted]);
        } finally {
          if (onAbort) signal.removeEventListener('abort', onAbort);
        }
      } else {
        await previous;
      }
      return await command();
    } finally {
      // After a cancelled wait the next command still waits for the one before this.
      void previous.then(release);
    }
  }

  private async execNow(argv: readonly string[], opts: ExecOptions): Promise<ExecResult> {
    const full = this.commandArgv(argv, opts.privileged ?? false, true, opts.check);
    this.commandCount++;
    this.opts.log?.(`[${this.name}] ${shellCommand(argv)}`);
    const child = await run(full, {
      timeoutMs: opts.timeoutMs,
      ...(opts.input !== undefined ? { input: opts.input } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    // A status line means the command ran and ended there, whatever ssh's own exit status says.
    const { result: r, marked } = takeExitMark(child);
    this.diagnose(r, shellCommand(argv.slice(0, 1)), argv, opts, marked);
    return { code: r.code, stdout: r.stdout.toString('utf8'), stderr: r.stderr };
  }

  /** exec that must succeed (exit 0); the error says what failed and shows stderr. */
  async run(argv: readonly string[], opts: ExecOptions): Promise<string> {
    const r = await this.exec(argv, opts);
    if (r.code !== 0) {
      throw new TargetError(
        'deploy',
        `target "${this.name}": ${shellCommand(argv)} failed (exit ${r.code ?? 'by signal'}): ${r.stderr.trim().split('\n').slice(-3).join(' / ')}`,
        r.stderr,
      );
    }
    return r.stdout;
  }

  /** Opens (or checks) the master connection: the first command, serialized so two callers do not race for it. */
  async connect(opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    this.connecting ??= (async () => {
      // sh and its echo, not printenv: POSIX has no printenv, and the lab's busybox does not ship one.
      const out = await this.run(['sh', '-c', 'echo "$HOME"'], {
        timeoutMs: opts.timeoutMs ?? 30_000,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      this.homeDir = out.trim() || undefined;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /** A connect() has succeeded before (the home folder is known). */
  get connectedOnce(): boolean {
    return this.homeDir !== undefined;
  }

  /** The remote user's home folder (from the first connect). */
  async home(): Promise<string> {
    if (this.homeDir === undefined) await this.connect();
    if (!this.homeDir) throw new TargetError('deploy', `target "${this.name}": the remote login has no HOME`);
    return this.homeDir;
  }

  /** Writes bytes (or a local file) to remotePath atomically (a .part file renamed into place) with the given mode. */
  async upload(
    source: string | Uint8Array,
    remotePath: string,
    opts: { mode?: string; timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<void> {
    const mode = opts.mode ?? '644';
    if (!/^[0-7]{3,4}$/.test(mode)) throw new Error(`upload mode ${JSON.stringify(mode)} is not an octal mode`);
    const bytes = typeof source === 'string' ? await readFile(source) : source;
    // The path reaches the script only as "$1": never parsed by the remote shell.
    const script = 'cat > "$1.part" && chmod "$2" "$1.part" && mv -f "$1.part" "$1"';
    await this.run(['sh', '-c', script, 'sh', remotePath, mode], {
      timeoutMs: opts.timeoutMs ?? 60_000,
      input: bytes,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }

  /**
   * Starts a long-lived remote process (the helper) with pipes to its stdin/stdout/stderr. Its ssh rides the
   * master connection; when the process or the connection ends, the child closes. With `check`, it starts only
   * while that file has that content (else it exits at once: fileCheckRefusal reads why).
   */
  spawn(argv: readonly string[], privileged = false, check?: FileCheck): ChildProcessWithoutNullStreams {
    const full = this.commandArgv(argv, privileged, false, check);
    this.commandCount++;
    this.opts.log?.(`[${this.name}] ${shellCommand(argv)} (session)`);
    return spawn(full[0] as string, full.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  }

  /** Pid of the running master connection, or undefined when none is up (ssh -O check). */
  async masterPid(timeoutMs = 5_000): Promise<number | undefined> {
    const r = await run([this.ssh, ...this.sshOptions(), '-O', 'check', '--', this.spec.sshDestination], { timeoutMs });
    const m = /Master running \(pid=(\d+)\)/.exec(r.stderr);
    return m ? Number(m[1]) : undefined;
  }

  /** Closes the master connection (and with it every session on it). */
  async close(timeoutMs = 5_000): Promise<void> {
    this.homeDir = undefined;
    await run([this.ssh, ...this.sshOptions(), '-O', 'exit', '--', this.spec.sshDestination], { timeoutMs }).catch(
      () => undefined,
    );
  }
}
