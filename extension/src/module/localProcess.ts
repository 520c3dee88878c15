// Runs a command on this machine from an argument vector (no shell), with a timeout, cancellation and the
// output handed over line by line as it comes (stdout and stderr in arrival order, as a terminal shows them).
import { spawn } from 'node:child_process';
import { KmodError } from './remote';

export interface LocalRunOptions {
  cwd?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  onLine?: (line: string) => void;
}

export interface LocalRunResult {
  code: number | null;
  /** stdout and stderr interleaved in arrival order. */
  output: string;
  timedOut: boolean;
  aborted: boolean;
}

export function runLocal(argv: readonly string[], opts: LocalRunOptions): Promise<LocalRunResult> {
  const [file, ...args] = argv;
  if (!file) return Promise.reject(new KmodError('empty command'));
  if (opts.signal?.aborted) return Promise.resolve({ code: null, output: '', timedOut: false, aborted: true });
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let partial = '';
    let timedOut = false;
    let aborted = false;
    const take = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      output += text;
      if (!opts.onLine) return;
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) opts.onLine(l);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    const onAbort = (): void => {
      aborted = true;
      child.kill('SIGTERM');
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (e) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      reject(new KmodError(`cannot start ${file}: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (partial && opts.onLine) opts.onLine(partial);
      resolve({ code, output, timedOut, aborted });
    });
  });
}
