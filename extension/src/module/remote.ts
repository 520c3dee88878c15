// What the module commands need from a target, as small interfaces: the SSH target and the lab VM both satisfy
// them, and extension.ts hands one in. Nothing here knows about SSH, sudo or QEMU.

export interface RemoteExecOptions {
  timeoutMs: number;
  input?: string | Buffer;
  signal?: AbortSignal;
  /** The command needs root (insmod, rmmod, dmesg): a runner with sudo wraps it; others ignore the hint. */
  privileged?: boolean;
  /**
   * Run only while this file on the target has this content (sha256, lower-case hex), checked there in the same
   * command before any sudo; a runner refuses with an error otherwise. The SSH runner does (target/fileCheck.ts).
   */
  check?: { readonly file: string; readonly sha256: string };
}

export interface RemoteExecResult {
  /** Exit code, null when the command was ended by a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs argument vectors on the target (quoted by the runner, never by us) and copies files to it. */
export interface RemoteRunner {
  exec(argv: readonly string[], opts: RemoteExecOptions): Promise<RemoteExecResult>;
  copyTo(localPath: string, remotePath: string): Promise<void>;
}

export type BuildMode = 'remote' | 'local-headers';

/** A runner plus what the module commands need to know about the target. */
export interface ModuleTarget extends RemoteRunner {
  /** For messages ("lab", an SSH alias...). */
  readonly name?: string;
  /** Absolute folder on the target where uploads and builds go (created 0700 when missing; used only when ours alone). */
  readonly workFolder: string;
  /** Kernel build tree on the target; default /lib/modules/$(uname -r)/build. */
  readonly kernelBuildDir?: string;
  /** Local copy of the target kernel's build tree (headers), for `local-headers` builds. */
  readonly headersDir?: string;
  /** Without headersDir: fetches the headers of the kernel the target runs (a Debian kernel) and says where. */
  readonly fetchHeaders?: (signal?: AbortSignal) => Promise<string>;
  readonly buildMode: BuildMode;
}

/** An error of a module command with the target's own words (stderr) kept apart from our sentence. */
export class KmodError extends Error {
  constructor(
    message: string,
    readonly detail = '',
  ) {
    super(message);
    this.name = 'KmodError';
  }
}

/** Runs argv and throws a KmodError unless it exits 0. */
export async function execChecked(
  runner: RemoteRunner,
  argv: readonly string[],
  opts: RemoteExecOptions,
  what: string,
): Promise<RemoteExecResult> {
  const r = await runner.exec(argv, opts);
  if (r.code !== 0) {
    const said = (r.stderr || r.stdout).trim();
    throw new KmodError(`${what} failed (exit ${r.code ?? 'by signal'})${said ? `: ${firstLine(said)}` : ''}`, said);
  }
  return r;
}

export function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.trim();
}

/** Absolute POSIX path on the target, one line, no NUL: anything else is refused before it reaches a command. */
export function checkRemotePath(p: string, what: string): string {
  if (!p.startsWith('/') || /[\0\n\r]/.test(p)) {
    throw new KmodError(`${what} must be an absolute path on one line, got ${JSON.stringify(p)}`);
  }
  return p.replace(/\/+$/, '') || '/';
}
