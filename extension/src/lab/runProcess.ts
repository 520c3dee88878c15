// Runs one child process from an argument vector (never through a shell) with a mandatory timeout.
import { spawn } from 'node:child_process';
import { LabError } from './errors';

export interface RunOptions {
  timeoutMs: number;
  input?: string | Buffer;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

export interface RunResult {
  /** Exit code, or null when the process was ended by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
  timedOut: boolean;
}

export function runProcess(argv: readonly string[], opts: RunOptions): Promise<RunResult> {
  const [file, ...args] = argv;
  if (!file) return Promise.reject(new Error('runProcess: empty argv'));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const kill = (): void => {
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, opts.timeoutMs);
    const onAbort = (): void => kill();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    // A child that exits without reading its stdin makes our write fail with EPIPE: that is not our error.
    child.stdin.on('error', () => undefined);
    child.on('error', (e) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      reject(new LabError('run', `cannot start ${file}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      const stdoutBytes = Buffer.concat(out);
      resolve({
        code,
        signal,
        stdout: stdoutBytes.toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        stdoutBytes,
        timedOut,
      });
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

/** runProcess that throws a LabError naming `where` unless the command exits 0. */
export async function runChecked(where: string, argv: readonly string[], opts: RunOptions): Promise<RunResult> {
  const r = await runProcess(argv, opts);
  if (r.timedOut) throw new LabError(where, `${argv.join(' ')} timed out after ${opts.timeoutMs} ms`, r.stderr);
  if (r.code !== 0) {
    throw new LabError(where, `${argv.join(' ')} failed (${r.code ?? r.signal})`, r.stderr || r.stdout);
  }
  return r;
}
