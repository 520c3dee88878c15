// The exercise CLI (`node dist/cli.js exercise run ...`) as the tiers' tests run it: a child process whose output
// is collected, stopped at a deadline; and the YAML block a TAP point carries.
import { spawn, type ChildProcess } from 'node:child_process';
import { parse } from 'yaml';

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliRunOptions {
  readonly cwd: string;
  readonly timeoutMs: number;
  readonly env?: NodeJS.ProcessEnv;
  /** Sent at the deadline: SIGKILL unless said (a lab run gets SIGINT, so that the CLI stops its VM). */
  readonly timeoutSignal?: NodeJS.Signals;
  /** Sees stderr as it comes (to interrupt at the right moment). */
  readonly onStderr?: (all: string, child: ChildProcess) => void;
  /** Holds the child while it runs: an after hook kills what a failed test left. */
  readonly running?: Set<ChildProcess>;
}

/** Runs `node CLI ARGS...`; rejects when it has not ended by the deadline. */
export function runCli(cli: string, args: readonly string[], opts: CliRunOptions): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: opts.cwd,
      ...(opts.env ? { env: opts.env } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    opts.running?.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      opts.onStderr?.(stderr, child);
    });
    const timer = setTimeout(() => {
      child.kill(opts.timeoutSignal ?? 'SIGKILL');
      reject(new Error(`exercise run did not end within ${opts.timeoutMs / 1000} s\n${stderr}`));
    }, opts.timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      opts.running?.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The YAML block under the TAP point at line `at` (indented as that line is: a subtest's too). */
export function tapYamlAt(lines: readonly string[], at: number): Record<string, unknown> {
  const indent = /^ */.exec(lines[at] ?? '')?.[0] ?? '';
  if (lines[at + 1] !== `${indent}  ---`) throw new Error(`no YAML block under line ${at}: ${lines[at + 1]}`);
  const end = lines.indexOf(`${indent}  ...`, at);
  const body = lines.slice(at + 2, end).map((l) => l.slice(indent.length + 2));
  return parse(body.join('\n')) as Record<string, unknown>;
}
