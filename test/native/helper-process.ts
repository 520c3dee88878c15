// Running nlhelper from the tests: one-shot commands, and a serve session that routes reply lines by request id.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const nativeBuild = path.join(repoRoot, 'native', 'build');

export interface HelperVariant {
  name: string;
  binary: string;
  /** ASan/UBSan build: its stderr must not carry a sanitizer report. */
  sanitized: boolean;
}

/** The builds run.sh makes; tests fail (not skip) when one is missing, since run.sh builds them all. */
export const staticBinary = path.join(nativeBuild, 'static', 'nlhelper');
export const variants: HelperVariant[] = [
  { name: 'release', binary: path.join(nativeBuild, 'nlhelper'), sanitized: false },
  { name: 'debug (ASan+UBSan)', binary: path.join(nativeBuild, 'debug', 'nlhelper'), sanitized: true },
  // What the VSIX ships (musl libc, not glibc): every test of the other builds runs against it too.
  { name: 'static (musl)', binary: staticBinary, sanitized: false },
];
export const fuzzBinary = path.join(nativeBuild, 'fuzz', 'nlhelper-fuzz');

export function requireBinary(binary: string): string {
  if (!existsSync(binary))
    throw new Error(`${binary} is missing: build it with \`bash test/native/run.sh\` or make -C native`);
  return binary;
}

/** Sanitizer reports that must never appear on stderr. */
export function sanitizerReport(stderr: string): string | undefined {
  const m =
    /(ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer)[^\n]*/.exec(
      stderr,
    );
  return m?.[0];
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Run a one-shot command with a hard deadline (the process is killed past it). */
export function runHelper(binary: string, args: string[], timeoutMs = 20_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(requireBinary(binary), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.length > 0);
}

const FINAL = /^(?:done|timeout|error)(?: |$)/;

interface Waiter {
  id: string;
  resolve: (lines: string[]) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** A running `nlhelper serve`. Reply lines are grouped by id; `*` lines are collected as events. */
export class HelperSession {
  readonly events: string[] = [];
  stderr = '';
  private readonly byId = new Map<string, string[]>();
  private readonly waiters: Waiter[] = [];
  private readonly eventListeners: Array<() => void> = [];
  private partial = '';
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly hello: Promise<string>;

  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    let helloResolve: (line: string) => void = () => undefined;
    let helloReject: (err: Error) => void = () => undefined;
    this.hello = new Promise((res, rej) => {
      helloResolve = res;
      helloReject = rej;
    });
    let first = true;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (this.partial + chunk).split('\n');
      this.partial = parts.pop() ?? '';
      for (const line of parts) {
        if (first) {
          first = false;
          helloResolve(line);
          continue;
        }
        this.route(line);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (this.stderr += c));
    this.exited = new Promise((resolve) => {
      child.on('close', (code, signal) => {
        helloReject(new Error(`helper exited before its hello (code ${code}, stderr ${this.stderr})`));
        for (const w of this.waiters.splice(0)) {
          clearTimeout(w.timer);
          w.reject(new Error(`helper exited (code ${code}) while request ${w.id} was open; stderr: ${this.stderr}`));
        }
        resolve({ code, signal });
      });
    });
  }

  static async start(binary: string, helloTimeoutMs = 5000): Promise<HelperSession> {
    const child = spawn(requireBinary(binary), ['serve'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const session = new HelperSession(child);
    const timer = setTimeout(() => child.kill('SIGKILL'), helloTimeoutMs);
    try {
      await session.hello;
    } finally {
      clearTimeout(timer);
    }
    return session;
  }

  private route(line: string): void {
    if (line.startsWith('* ')) {
      this.events.push(line);
      for (const l of this.eventListeners.splice(0)) l();
      return;
    }
    const space = line.indexOf(' ');
    const id = space < 0 ? line : line.slice(0, space);
    const rest = space < 0 ? '' : line.slice(space + 1);
    const list = this.byId.get(id) ?? [];
    list.push(rest);
    this.byId.set(id, list);
    if (FINAL.test(rest)) {
      const i = this.waiters.findIndex((w) => w.id === id);
      if (i >= 0) {
        const [w] = this.waiters.splice(i, 1);
        clearTimeout(w.timer);
        this.byId.delete(id);
        w.resolve(list);
      }
    }
  }

  /** Write raw bytes (tests of framing). */
  write(data: string | Buffer): void {
    this.child.stdin.write(data);
  }

  /**
   * Wait for the lines of request @id up to and including its final line (without the id prefix). Lines that
   * already arrived count.
   */
  waitFor(id: string, timeoutMs = 10_000): Promise<string[]> {
    const have = this.byId.get(id);
    if (have && have.length > 0 && FINAL.test(have[have.length - 1])) {
      this.byId.delete(id);
      return Promise.resolve(have);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.findIndex((w) => w.id === id);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(
          new Error(
            `no final line for request ${id} within ${timeoutMs} ms; got ${JSON.stringify(this.byId.get(id) ?? [])}`,
          ),
        );
      }, timeoutMs);
      this.waiters.push({ id, resolve, reject, timer });
    });
  }

  /** Send one request line (the newline is added) and wait for its lines. */
  request(line: string, timeoutMs = 10_000): Promise<string[]> {
    const id = line.split(/[ \t]/, 1)[0];
    const result = this.waitFor(id, timeoutMs);
    this.write(`${line}\n`);
    return result;
  }

  /** Wait until an event line matching @match has arrived (or arrives). */
  async waitForEvent(match: (line: string) => boolean, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no matching event within ${timeoutMs} ms; events: ${JSON.stringify(this.events.map((e) => e.slice(0, 60)))}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.eventListeners.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Close stdin and wait for the exit (killed after @timeoutMs). */
  async end(timeoutMs = 5000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  waitExit(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.exited;
  }
}
