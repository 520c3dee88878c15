// Runs a program with an argument vector (never a shell) and a hard timeout; output is kept for error messages.
import { spawn } from 'node:child_process';
import { trackGroup } from './cleanup';

export interface ExecOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Stream the child's output to ours (long installs show progress). */
  inherit?: boolean;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function exec(cmd: string, args: readonly string[], opts: ExecOptions): Promise<ExecResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    // Ctrl-C does not reach a detached child: make sure our exit takes its group down with it.
    const untrack = child.pid !== undefined ? trackGroup(child.pid) : (): void => undefined;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (opts.inherit) process.stdout.write(c);
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (opts.inherit) process.stderr.write(c);
    });
    // Kill the whole group: npm and apt start children that would outlive a plain kill.
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      reject(
        new Error(`${cmd} ${args.join(' ')}: timed out after ${opts.timeoutMs / 1000} s\n${tail(stderr || stdout)}`),
      );
    }, opts.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      untrack();
      reject(new Error(`${cmd}: cannot start: ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      untrack();
      resolvePromise({ code: code ?? 1, stdout, stderr });
    });
  });
}

/** Like exec, but a non-zero exit is an error that quotes the end of the output. */
export async function execOk(cmd: string, args: readonly string[], opts: ExecOptions): Promise<ExecResult> {
  const r = await exec(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.code}\n${tail(r.stderr || r.stdout)}`);
  return r;
}

export function tail(text: string, lines = 25): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
