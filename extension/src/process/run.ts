// The one way the extension runs a short-lived program on this machine (make, apt-get, dpkg-deb, cpio, ssh, ...):
// an argument vector, never a shell, with a mandatory deadline. Long-lived children with owners of their own (QEMU
// in lab/ownedProcess.ts, the helper session's ssh) are started elsewhere.
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';

export interface RunOptions {
  /** Past this, the program is stopped (SIGTERM, SIGKILL after KILL_GRACE_MS) and the result says timedOut. */
  timeoutMs: number;
  /** Written to stdin, which is then closed; without it stdin is closed at once (the program reads end of file). */
  input?: string | Uint8Array;
  cwd?: string;
  /** Default: this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** Stops the program as a timeout does (the result says aborted); already aborted: nothing is started. */
  signal?: AbortSignal;
  /** Each line of stdout and stderr as it arrives, without its newline, in arrival order (as a terminal shows them). */
  onLine?: (line: string) => void;
  /** Keep stdout and stderr together, in arrival order, as `output` (off by default: stdout may be megabytes of binary). */
  interleaved?: boolean;
}

export interface RunResult {
  /** Exit code, null when the program was ended by a signal (or never started: aborted before). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  /** stdout and stderr in arrival order; '' unless `interleaved` was asked for. */
  output: string;
  timedOut: boolean;
  aborted: boolean;
}

/** The program could not be started at all (not found, not executable, a bad cwd): nothing ran. */
export class ProcessStartError extends Error {
  constructor(
    readonly program: string,
    reason: string,
  ) {
    super(program ? `cannot start ${program}: ${reason}` : `cannot start: ${reason}`);
    this.name = 'ProcessStartError';
  }
}

/** A program still there this long after SIGTERM gets SIGKILL: SIGTERM first lets make delete half-written targets. */
export const KILL_GRACE_MS = 2_000;
/**
 * How long output may still arrive after the program exited. Normally the pipes close with it; they stay open when
 * something it started still holds them. That is how an ssh multiplexing client works (it hands its stdio to the
 * ControlMaster, which keeps them until the remote command ends, even after the client was killed on a timeout),
 * and any program that leaves a background child behind does the same. Without this bound such a run would last
 * as long as that other process, timeout or not.
 */
export const EXIT_DRAIN_MS = 1_000;

/** Runs argv[0] with the rest as its arguments. Rejects only with ProcessStartError; every other end is a result. */
export function run(argv: readonly string[], opts: RunOptions): Promise<RunResult> {
  const [program, ...args] = argv;
  if (!program) return Promise.reject(new ProcessStartError('', 'the command is empty'));
  if (opts.signal?.aborted) {
    return Promise.resolve({
      code: null,
      signal: null,
      stdout: Buffer.alloc(0),
      stderr: '',
      output: '',
      timedOut: false,
      aborted: true,
    });
  }
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const text = new StringDecoder('utf8');
    let output = '';
    let partial = '';
    let timedOut = false;
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;

    const interleave = (chunk: Buffer): void => {
      if (!opts.onLine && !opts.interleaved) return;
      const s = text.write(chunk);
      if (opts.interleaved) output += s;
      if (!opts.onLine) return;
      const lines = (partial + s).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) opts.onLine(l);
    };
    const stop = (): void => {
      if (killTimer) return;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, opts.timeoutMs);
    const onAbort = (): void => {
      aborted = true;
      stop();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    /** The program is gone: nothing is left to time out, cancel or kill. */
    const gone = (): void => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', onAbort);
    };

    let settled = false;
    const settle = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      gone();
      const rest = text.end();
      if (opts.interleaved) output += rest;
      if (opts.onLine && partial + rest) opts.onLine(partial + rest);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString('utf8'),
        output,
        timedOut,
        aborted,
      });
    };

    child.stdout.on('data', (c: Buffer) => {
      out.push(c);
      interleave(c);
    });
    child.stderr.on('data', (c: Buffer) => {
      err.push(c);
      interleave(c);
    });
    // A program that exits without reading all its input makes our write fail (EPIPE): its exit status says why.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input);
    child.on('error', (e) => {
      // Only a failed start rejects; a failed kill of a running program is followed by its exit as usual.
      if (child.pid !== undefined || settled) return;
      settled = true;
      gone();
      reject(new ProcessStartError(program, e.message));
    });
    child.on('close', settle);
    child.on('exit', (code, signal) => {
      gone();
      // A stopped program's output is moot: let the pipes go at once.
      setTimeout(
        () => {
          child.stdout.destroy();
          child.stderr.destroy();
          settle(code, signal);
        },
        timedOut || aborted ? 0 : EXIT_DRAIN_MS,
      ).unref();
    });
  });
}

/** A failed run as one sentence (what ran and how it ended) plus what the program said, for the caller's error. */
export interface RunFailure {
  readonly message: string;
  /** stderr (stdout when stderr is empty); '' when the program never started. */
  readonly detail: string;
}

/** Builds the caller's own error type from a failure, so users see the step that failed in the caller's words. */
export type FailureError = (failure: RunFailure) => Error;

/** run() that must end with exit 0: anything else (not started, timed out, cancelled, failed) throws toError's error. */
export async function runChecked(argv: readonly string[], opts: RunOptions, toError: FailureError): Promise<RunResult> {
  let r: RunResult;
  try {
    r = await run(argv, opts);
  } catch (e) {
    if (e instanceof ProcessStartError) throw toError({ message: e.message, detail: '' });
    throw e;
  }
  const command = argv.join(' ');
  if (r.aborted) throw toError({ message: `${command} was cancelled`, detail: r.stderr });
  if (r.timedOut) throw toError({ message: `${command} timed out after ${opts.timeoutMs} ms`, detail: r.stderr });
  if (r.code !== 0)
    throw toError({
      message: `${command} failed (${r.code ?? r.signal})`,
      detail: r.stderr || r.stdout.toString('utf8'),
    });
  return r;
}
