// Runs a local program (ssh, always without a local shell) with a hard deadline and AbortSignal cancellation.
import { spawn } from 'node:child_process';

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
}

export interface ChildOptions {
  timeoutMs: number;
  input?: string | Uint8Array;
  signal?: AbortSignal;
}

/** After SIGTERM, a process still there this long later gets SIGKILL. */
const KILL_GRACE_MS = 2_000;
/** How long output may still arrive after the process exited. */
const EXIT_DRAIN_MS = 1_000;

export function runChild(program: string, args: readonly string[], opts: ChildOptions): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      resolve({ code: null, signal: null, stdout: Buffer.alloc(0), stderr: '', timedOut: false, aborted: true });
      return;
    }
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    let timedOut = false;
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (): void => {
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
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    // The remote side may exit before reading all input (EPIPE): the exit status tells what happened.
    child.stdin.on('error', () => undefined);
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
    const finish = (): void => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (err) => {
      finish();
      reject(err);
    });
    let settled = false;
    const settle = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      finish();
      resolve({ code, signal, stdout: Buffer.concat(out), stderr, timedOut, aborted });
    };
    child.on('close', settle);
    // An ssh multiplexing client hands its stdio to the master: after the client exits (killed on a timeout), the
    // pipes stay open until the remote command ends. Output is drained for a moment, then the pipes are let go.
    child.on('exit', (code, signal) => {
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        settle(code, signal);
      }, timedOut || aborted ? 0 : EXIT_DRAIN_MS).unref();
    });
  });
}
