// The host side of native/PROTOCOL.md: one long-lived `nlhelper serve` per target session, spoken to over the
// stdin/stdout of its ssh. Requests carry ids and may be pipelined (the helper answers them in order); replies are
// matched by id; `*` lines become events. When the process or its connection ends, every open request fails at
// once with a TargetError('helper-gone') and the next request starts a new process (subscriptions are replayed).
// The session is the Exchanger (exchange/exchanger.ts) over this protocol: an xchg the kernel answered with an
// error resolves with that error as data; its failures are TransportErrors.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import {
  TransportError,
  type ExchangeOptions,
  type ExchangeResult,
  type Exchanger,
  type TransportErrorKind,
} from '../exchange/exchanger';
import { kernelErrorIn } from '../exchange/kernelError';
import { TargetError, type TargetErrorKind } from './errors';

export interface HelperLauncher {
  /** Starts `nlhelper serve` (through ssh, or locally) with piped stdio. */
  start(): ChildProcessWithoutNullStreams;
  /** For messages: `target "lab"`. */
  readonly description: string;
  /** A specific error for an early exit (a host key or sudo problem found in stderr), else undefined. */
  explainExit?(code: number | null, stderr: string): Error | undefined;
}

export interface HelperSessionOptions {
  /** From start to the `nlhelper 1 ready` line (ssh connect + sudo included). */
  helloTimeoutMs?: number;
  /** Added to a request's own helper timeout before the host gives up on the transport. */
  transportMarginMs?: number;
  /** Requests written ahead of their answers (pipelining); more wait in a queue. */
  maxInFlight?: number;
  log?: (line: string) => void;
}

export type HelperEvent =
  | { kind: 'event' | 'late'; protocol: number; bytes: Uint8Array }
  | { kind: 'overrun'; protocol: number }
  | { kind: 'event-error'; protocol: number; errno: number; errnoName: string };

export interface HelperInfo {
  helper: string;
  version: number;
  pid: number;
  uid: number;
  uname?: { sysname: string; release: string; version: string; machine: string };
  sockets: { protocol: number; portid: number; role: string }[];
  kernelProtocols: number[];
  [key: string]: unknown;
}

export interface BenchResult {
  count: number;
  seconds: number;
  perSecond: number;
  replies: number;
  timeouts: number;
  kernelErrors: number;
}

export type SocketOption = 'ext_ack' | 'strict_chk' | 'cap_ack';

/**
 * The helper's `error` line for a request other than xchg (subscribe, option, close, info, bench): a failed system
 * call or a refused request. An xchg's error line is a kernel error in its result, or a TransportError.
 */
export class HelperRequestError extends Error {
  constructor(
    readonly errno: number,
    readonly errnoName: string,
    /** What failed, as the helper says it. */
    readonly text: string,
    readonly request: string,
  ) {
    super(helperErrorMessage(request, errno, errnoName, text));
    this.name = 'HelperRequestError';
  }
}

function helperErrorMessage(request: string, errno: number, errnoName: string, text: string): string {
  return `${request}: ${errnoName} (${errno})${text ? `: ${text}` : ''}`;
}

const TRANSPORT_KIND: Partial<Record<TargetErrorKind, TransportErrorKind>> = {
  'helper-gone': 'gone',
  'connection-lost': 'gone',
  timeout: 'timeout',
  aborted: 'aborted',
};

/**
 * A failure on the way to the target as the Exchanger contract throws it: the message kept, the TargetError as its
 * cause (a setting, a host key, sudo or a deployment that failed is `unavailable`).
 */
export function asTransportError(e: unknown): TransportError {
  if (e instanceof TransportError) return e;
  if (e instanceof TargetError)
    return new TransportError(TRANSPORT_KIND[e.kind] ?? 'unavailable', e.message, e.detail ?? '', { cause: e });
  return new TransportError('unavailable', e instanceof Error ? e.message : String(e), '', { cause: e });
}

export const PROTOCOL_VERSION = 1;
const HELLO = /^nlhelper (\d+) ready$/;
/** Lines a chatty login shell may print before the helper starts; more than this is not a helper. */
const MAX_JUNK_BEFORE_HELLO = 50;
const STDERR_KEEP = 4096;
const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
const EXIT_DRAIN_MS = 300;
const DEFAULT_MAX_IN_FLIGHT = 128;
const WATCHDOG_MS = 100;
const NEWLINE = 0x0a;
/** Longer than any line the helper writes (a reply is at most twice its request line's limit): a broken stream. */
const MAX_LINE_BYTES = 64 * 1024 * 1024;

interface Pending {
  readonly id: string;
  readonly command: string;
  /** The request line, newline included. */
  readonly line: string;
  readonly timeoutMs: number;
  /** An xchg, answered by the Exchanger contract (kernel error as data, failures as TransportError). */
  readonly xchg: boolean;
  /** Date.now() at the call, for elapsedMs. */
  readonly started: number;
  replies: Uint8Array[];
  data?: string;
  written: boolean;
  /** Date.now() past which the host gives up (set when written). */
  deadline: number;
  resolve: (r: RawResult) => void;
  reject: (e: Error) => void;
}

/** Any request's answer; an xchg's is its ExchangeResult as it is. */
interface RawResult extends ExchangeResult {
  readonly data?: string;
}

/** One helper process and what belongs to it: a new process gets a new Running. */
class Running {
  /** Every open request by id, written or still queued. */
  readonly pending = new Map<string, Pending>();
  /** Requests not yet written (the in-flight window was full). */
  readonly queue: Pending[] = [];
  inFlight = 0;
  watchdog: NodeJS.Timeout | undefined;
  /** Written ids whose caller gave up (abort): their lines are read and dropped. */
  readonly abandoned = new Set<string>();
  stderr = '';
  /** The unfinished last line of the previous chunk (a copy: the chunk itself is not kept). */
  partial: Buffer | undefined;
  helloSeen = false;
  hello: { resolve: () => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | undefined;
  junk: string[] = [];
  gone: Error | undefined;
  constructor(readonly child: ChildProcessWithoutNullStreams) {}
}

export class HelperSession implements Exchanger {
  private running: Running | undefined;
  private starting: Promise<Running> | undefined;
  private nextId = 1;
  private starts = 0;
  private disposed = false;
  private readonly eventListeners = new Set<(e: HelperEvent) => void>();
  private readonly exitListeners = new Set<(reason: Error) => void>();
  /** Replayed after a restart, so a subscriber keeps its events across a reconnect. */
  private readonly subscriptions = new Map<number, Set<number>>();
  private readonly options = new Map<string, { protocol: number; name: SocketOption; on: boolean }>();

  constructor(
    private readonly launcher: HelperLauncher,
    private readonly opts: HelperSessionOptions = {},
  ) {}

  /** True while a helper process is up. */
  get connected(): boolean {
    return !!this.running && !this.running.gone && this.running.helloSeen;
  }

  /** How many helper processes were started so far (a restart after a drop counts). */
  get startCount(): number {
    return this.starts;
  }

  onEvent(fn: (e: HelperEvent) => void): () => void {
    this.eventListeners.add(fn);
    return () => this.eventListeners.delete(fn);
  }

  /** Called when a running helper ends (not on dispose). */
  onExit(fn: (reason: Error) => void): () => void {
    this.exitListeners.add(fn);
    return () => this.exitListeners.delete(fn);
  }

  /**
   * Sends bytes as one datagram on `protocol` and collects the answers (PROTOCOL.md "When an xchg is complete").
   * Calls may overlap: they are pipelined (up to maxInFlight written ahead) and answered in order.
   */
  exchange(protocol: number, bytes: Uint8Array, options: ExchangeOptions): Promise<ExchangeResult> {
    const { timeoutMs, signal } = options;
    try {
      checkProtocol(protocol);
      checkTimeout(timeoutMs);
      if (bytes.length === 0) throw new RangeError('exchange: no bytes to send');
    } catch (e) {
      return Promise.reject(new TransportError('invalid', (e as Error).message));
    }
    const hex = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
    // The result object is the request's own: no extra promise per exchange on the hot path.
    return this.request(`xchg ${protocol} ${timeoutMs} ${hex}`, timeoutMs + this.margin, signal, true);
  }

  /** The port id of the exchange socket on `protocol`; undefined before its first use opens it. */
  async portId(protocol: number): Promise<number | undefined> {
    try {
      // A restarted helper has a new socket: ask every time.
      const info = await this.info();
      return info.sockets.find((s) => s.protocol === protocol && s.role === 'xchg')?.portid;
    } catch (e) {
      throw asTransportError(e);
    }
  }

  async subscribe(protocol: number, groups: readonly number[]): Promise<void> {
    checkProtocol(protocol);
    checkGroups(groups);
    await this.request(`subscribe ${protocol} ${groups.join(',')}`);
    const set = this.subscriptions.get(protocol) ?? new Set<number>();
    for (const g of groups) set.add(g);
    this.subscriptions.set(protocol, set);
  }

  async unsubscribe(protocol: number, groups: readonly number[]): Promise<void> {
    checkProtocol(protocol);
    checkGroups(groups);
    await this.request(`unsubscribe ${protocol} ${groups.join(',')}`);
    const set = this.subscriptions.get(protocol);
    for (const g of groups) set?.delete(g);
    if (set?.size === 0) this.subscriptions.delete(protocol);
  }

  async setOption(protocol: number, name: SocketOption, on: boolean): Promise<void> {
    checkProtocol(protocol);
    await this.request(`option ${protocol} ${name} ${on ? 1 : 0}`);
    this.options.set(`${protocol} ${name}`, { protocol, name, on });
  }

  /**
   * Closes the running helper's sockets of `protocol` (or all of them); they reopen on next use, with new port ids.
   * A socket of a module's own protocol holds a reference on that module: rmmod needs it closed. Subscriptions of
   * the protocol end. Starts no helper: without one there is nothing to close.
   */
  async closeSockets(protocol: number | 'all'): Promise<void> {
    if (protocol !== 'all') checkProtocol(protocol);
    if (!this.connected) return;
    await this.request(`close ${protocol}`);
    if (protocol === 'all') this.subscriptions.clear();
    else this.subscriptions.delete(protocol);
  }

  async info(): Promise<HelperInfo> {
    const r = await this.request('info');
    return JSON.parse(r.data ?? 'null') as HelperInfo;
  }

  /** The helper times `count` exchanges itself: the rate without any transport in between. */
  async bench(
    protocol: number,
    count: number,
    timeoutMs: number,
    bytes: Uint8Array,
    overallTimeoutMs = 120_000,
  ): Promise<BenchResult> {
    checkProtocol(protocol);
    checkTimeout(timeoutMs);
    if (!Number.isInteger(count) || count < 1 || count > 100_000_000)
      throw new RangeError(`bench count ${count} is not 1-100000000`);
    const r = await this.request(
      `bench ${protocol} ${count} ${timeoutMs} ${Buffer.from(bytes).toString('hex')}`,
      overallTimeoutMs,
    );
    return JSON.parse(r.data ?? 'null') as BenchResult;
  }

  async ping(timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): Promise<void> {
    await this.request('ping', timeoutMs);
  }

  /** Starts the helper now (otherwise the first request does). */
  async start(): Promise<void> {
    await this.ensureRunning();
  }

  /** Asks the helper to quit, then kills it if it lingers. Open requests fail. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const r = this.running;
    this.running = undefined;
    if (!r || r.gone) return;
    const exited = new Promise<void>((res) => r.child.once('close', () => res()));
    this.fail(r, new TargetError('helper-gone', `the helper session of ${this.launcher.description} was closed`));
    try {
      r.child.stdin.end('q quit\n');
    } catch {
      // already closed
    }
    const timer = setTimeout(() => r.child.kill('SIGKILL'), 2_000);
    await exited;
    clearTimeout(timer);
  }

  private get margin(): number {
    return this.opts.transportMarginMs ?? 10_000;
  }

  private get window(): number {
    return Math.max(1, this.opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
  }

  private request(
    command: string,
    timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
    signal?: AbortSignal,
    xchg = false,
  ): Promise<RawResult> {
    const started = Date.now();
    if (signal?.aborted)
      return Promise.reject(
        failure(xchg, new TargetError('aborted', `${verbOf(command)} on ${this.launcher.description} was cancelled`)),
      );
    const r = this.running;
    if (r && r.helloSeen && !r.gone && !this.disposed) return this.send(r, command, timeoutMs, signal, xchg, started);
    return this.ensureRunning().then(
      (running) => this.send(running, command, timeoutMs, signal, xchg, started),
      (e: Error) => Promise.reject(failure(xchg, e)),
    );
  }

  private send(
    r: Running,
    command: string,
    timeoutMs: number,
    signal?: AbortSignal,
    xchg = false,
    started = Date.now(),
  ): Promise<RawResult> {
    if (r.gone) return Promise.reject(failure(xchg, r.gone));
    const id = `r${this.nextId++}`;
    const verb = verbOf(command);
    return new Promise<RawResult>((resolve, reject) => {
      const p: Pending = {
        id,
        command: verb,
        line: `${id} ${command}\n`,
        timeoutMs,
        xchg,
        started,
        replies: [],
        written: false,
        deadline: 0,
        resolve,
        reject,
      };
      if (signal) {
        const onAbort = (): void => this.abandon(r, p);
        signal.addEventListener('abort', onAbort, { once: true });
        p.resolve = (v) => {
          signal.removeEventListener('abort', onAbort);
          resolve(v);
        };
        p.reject = (e) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        };
      }
      r.pending.set(id, p);
      r.queue.push(p);
      this.pump(r);
    });
  }

  /**
   * Writes queued requests. Once the window is full, the next batch goes out when half of it has been answered:
   * many requests per write keeps the syscalls and SSH packets per exchange low.
   */
  private pump(r: Running): void {
    if (r.gone || r.queue.length === 0) return;
    const max = this.window;
    if (r.inFlight > 0 && r.inFlight > max >> 1) return;
    const n = Math.min(r.queue.length, max - r.inFlight);
    if (n <= 0) return;
    const batch = r.queue.splice(0, n);
    let text = '';
    const now = Date.now();
    for (const p of batch) {
      text += p.line;
      p.written = true;
      p.deadline = now + p.timeoutMs;
    }
    this.watch(r);
    r.inFlight += n;
    // Requests made in the same tick leave together (cork until the tick ends).
    if (!r.child.stdin.writableCorked) {
      r.child.stdin.cork();
      process.nextTick(() => r.child.stdin.uncork());
    }
    r.child.stdin.write(text, 'latin1');
  }

  /**
   * One watchdog per process instead of a timer per request: every WATCHDOG_MS it looks at the written requests.
   * The helper answers in order, so one that does not answer holds up every later request: start over.
   */
  private watch(r: Running): void {
    if (r.watchdog) return;
    r.watchdog = setInterval(() => {
      if (r.gone) return;
      const now = Date.now();
      for (const p of r.pending.values()) {
        if (!p.written) break;
        if (now > p.deadline) {
          this.kill(
            r,
            new TargetError(
              'timeout',
              `the helper on ${this.launcher.description} did not answer "${p.command}" within ${p.timeoutMs} ms; its session was restarted`,
            ),
          );
          return;
        }
      }
      if (r.inFlight === 0 && r.watchdog) {
        clearInterval(r.watchdog);
        r.watchdog = undefined;
      }
    }, WATCHDOG_MS);
    r.watchdog.unref();
  }

  private abandon(r: Running, p: Pending): void {
    if (!r.pending.has(p.id)) return;
    r.pending.delete(p.id);
    if (p.written)
      r.abandoned.add(p.id); // its lines still come; inFlight drops at its final line
    else r.queue.splice(r.queue.indexOf(p), 1);
    p.reject(failure(p.xchg, new TargetError('aborted', `${p.command} on ${this.launcher.description} was cancelled`)));
  }

  private ensureRunning(): Promise<Running> {
    if (this.disposed)
      return Promise.reject(
        new TargetError('helper-gone', `the helper session of ${this.launcher.description} is closed`),
      );
    if (this.running && !this.running.gone && this.running.helloSeen) return Promise.resolve(this.running);
    this.starting ??= this.launch().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async launch(): Promise<Running> {
    const restart = this.starts > 0;
    this.starts++;
    const child = this.launcher.start();
    const r = new Running(child);
    this.running = r;
    const helloMs = this.opts.helloTimeoutMs ?? 30_000;
    const hello = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.kill(
          r,
          new TargetError(
            'helper',
            `the helper on ${this.launcher.description} did not start within ${helloMs} ms`,
            r.stderr,
          ),
        );
      }, helloMs);
      r.hello = { resolve, reject, timer };
    });
    child.stdout.on('data', (chunk: Buffer) => this.onData(r, chunk));
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      r.stderr = (r.stderr + c).slice(-STDERR_KEEP);
    });
    child.stdin.on('error', () => undefined); // a write after the end: the exit handler reports it
    // 'close' comes once stdout is drained, so a reply written just before the exit is still read. A process whose
    // pipes stay open after it exited (a grandchild holding them) is given up on shortly after 'exit'.
    child.on('close', (code) => this.ended(r, code));
    child.on('exit', (code) => setTimeout(() => this.ended(r, code), EXIT_DRAIN_MS).unref());
    child.on('error', (e) =>
      this.kill(r, new TargetError('helper', `could not start ssh for ${this.launcher.description}: ${e.message}`)),
    );
    await hello;
    if (restart) {
      this.opts.log?.(`helper on ${this.launcher.description} restarted`);
      for (const o of this.options.values())
        await this.send(r, `option ${o.protocol} ${o.name} ${o.on ? 1 : 0}`, DEFAULT_REQUEST_TIMEOUT_MS);
      for (const [protocol, groups] of this.subscriptions) {
        if (groups.size > 0)
          await this.send(r, `subscribe ${protocol} ${[...groups].join(',')}`, DEFAULT_REQUEST_TIMEOUT_MS);
      }
    }
    return r;
  }

  /**
   * Splits stdout into lines. The chunk stays bytes: each line becomes its own string, so no line keeps a whole
   * chunk alive and only an unfinished line is ever copied twice (this is the hot path of pipelined exchanges).
   */
  private onData(r: Running, chunk: Buffer): void {
    let start = 0;
    if (r.partial) {
      const nl = chunk.indexOf(NEWLINE);
      if (nl < 0) {
        r.partial = Buffer.concat([r.partial, chunk]);
        if (r.partial.length > MAX_LINE_BYTES) this.badLine(r, r.partial.toString('latin1', 0, 200));
        return;
      }
      const first = Buffer.concat([r.partial, chunk.subarray(0, nl + 1)]);
      r.partial = undefined;
      this.onLineAt(r, first, 0, first.length - 1);
      if (r.gone) return;
      start = nl + 1;
    }
    for (let nl = chunk.indexOf(NEWLINE, start); nl >= 0; nl = chunk.indexOf(NEWLINE, start)) {
      this.onLineAt(r, chunk, start, nl);
      if (r.gone) return;
      start = nl + 1;
    }
    if (start < chunk.length) r.partial = Buffer.from(chunk.subarray(start));
    this.pump(r);
  }

  /** The line in bytes [start, nl) of `buf`; a \r before the \n is ignored. */
  private onLineAt(r: Running, buf: Buffer, start: number, nl: number): void {
    const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
    const line = buf.toString('latin1', start, end);
    if (!r.helloSeen) this.onHelloLine(r, line);
    else this.onLine(r, line);
  }

  private onHelloLine(r: Running, line: string): void {
    const m = HELLO.exec(line);
    if (!m) {
      r.junk.push(line);
      if (r.junk.length > MAX_JUNK_BEFORE_HELLO) {
        this.kill(
          r,
          new TargetError(
            'helper',
            `${this.launcher.description} printed no "nlhelper N ready" line; first lines: ${r.junk.slice(0, 3).join(' | ')}`,
          ),
        );
      }
      return;
    }
    if (Number(m[1]) !== PROTOCOL_VERSION) {
      this.kill(
        r,
        new TargetError(
          'helper',
          `the helper on ${this.launcher.description} speaks protocol ${m[1]}, this extension ${PROTOCOL_VERSION}: redeploy it`,
        ),
      );
      return;
    }
    if (r.junk.length > 0)
      this.opts.log?.(`${this.launcher.description}: ignored before the helper's hello: ${r.junk.join(' | ')}`);
    r.helloSeen = true;
    const h = r.hello;
    r.hello = undefined;
    if (h) {
      clearTimeout(h.timer);
      h.resolve();
    }
  }

  private onLine(r: Running, line: string): void {
    if (line.startsWith('* ')) {
      this.onAsync(line);
      return;
    }
    const sp = line.indexOf(' ');
    if (sp <= 0) return this.badLine(r, line);
    const id = line.slice(0, sp);
    const sp2 = line.indexOf(' ', sp + 1);
    const kind = sp2 < 0 ? line.slice(sp + 1) : line.slice(sp + 1, sp2);
    const final = kind === 'done' || kind === 'timeout' || kind === 'error';
    const p = r.pending.get(id);
    if (!p) {
      if (r.abandoned.has(id)) {
        if (final) {
          r.abandoned.delete(id);
          r.inFlight--;
        }
        return;
      }
      // `-` is the helper's id for a line it could not parse at all: ours never are, so this is a real fault.
      return this.badLine(r, line);
    }
    const rest = sp2 < 0 ? '' : line.slice(sp2 + 1);
    if (kind === 'reply') {
      p.replies.push(Buffer.from(rest, 'hex'));
      return;
    }
    if (kind === 'info' || kind === 'result') {
      p.data = rest;
      return;
    }
    if (!final) return this.badLine(r, line);
    r.pending.delete(id);
    r.inFlight--;
    if (kind !== 'error') {
      const outcome = kind === 'timeout' ? 'timeout' : 'done';
      p.resolve(
        p.data === undefined
          ? { replies: p.replies, outcome, elapsedMs: Date.now() - p.started }
          : { replies: p.replies, outcome, elapsedMs: Date.now() - p.started, data: p.data },
      );
      return;
    }
    const m = /^(\d+) (\S+) ?(.*)$/.exec(rest);
    if (!m) {
      p.reject(
        failure(p.xchg, new TargetError('helper', `malformed error line from the helper: ${line.slice(0, 200)}`)),
      );
      return;
    }
    const errno = Number(m[1]);
    const name = m[2] as string;
    const text = m[3] ?? '';
    const request = `${p.command} on ${this.launcher.description}`;
    if (!p.xchg) {
      p.reject(new HelperRequestError(errno, name, text, request));
      return;
    }
    // The kernel's error is the exchange's answer; any other error line is a system call that failed on the target.
    const kernelError = kernelErrorIn(p.replies, errno, name, text);
    if (kernelError) p.resolve({ replies: p.replies, outcome: 'done', kernelError, elapsedMs: Date.now() - p.started });
    else p.reject(new TransportError('unavailable', helperErrorMessage(request, errno, name, text)));
  }

  private onAsync(line: string): void {
    const f = line.split(' ');
    const protocol = Number(f[2]);
    let e: HelperEvent | undefined;
    if ((f[1] === 'event' || f[1] === 'late') && f[3]) e = { kind: f[1], protocol, bytes: Buffer.from(f[3], 'hex') };
    else if (f[1] === 'overrun') e = { kind: 'overrun', protocol };
    else if (f[1] === 'event-error') e = { kind: 'event-error', protocol, errno: Number(f[3]), errnoName: f[4] ?? '' };
    if (!e) {
      this.opts.log?.(`${this.launcher.description}: unknown asynchronous line ignored: ${line.slice(0, 120)}`);
      return;
    }
    for (const fn of this.eventListeners) fn(e);
  }

  private badLine(r: Running, line: string): void {
    this.kill(
      r,
      new TargetError(
        'helper',
        `the helper on ${this.launcher.description} sent a line this extension does not understand: ${line.slice(0, 200)}`,
      ),
    );
  }

  /** The process ended (stdout closed or exit): every open request fails now. */
  private ended(r: Running, code: number | null): void {
    if (r.gone) return;
    const explained = code !== null ? this.launcher.explainExit?.(code, r.stderr) : undefined;
    const open = [...new Set([...r.pending.values()].map((p) => p.command))];
    const tail = r.stderr.trim().split('\n').slice(-2).join(' / ');
    const reason = new TargetError(
      'helper-gone',
      `the helper on ${this.launcher.description} ${r.helloSeen ? 'stopped' : 'did not start'}` +
        `${code !== null ? ` (exit ${code})` : ''}${open.length ? ` while ${open.join(', ')} was open` : ''}` +
        `${explained ? `: ${explained.message}` : tail ? `: ${tail}` : ''}. The next request starts it again.`,
      r.stderr,
    );
    this.fail(r, !r.helloSeen && explained ? explained : reason);
    if (!this.disposed) for (const fn of this.exitListeners) fn(reason);
  }

  private kill(r: Running, reason: Error): void {
    if (r.gone) return;
    this.fail(r, reason);
    r.child.kill('SIGKILL');
  }

  private fail(r: Running, reason: Error): void {
    if (r.gone) return;
    r.gone = reason;
    if (this.running === r) this.running = undefined;
    if (r.hello) {
      clearTimeout(r.hello.timer);
      r.hello.reject(reason);
      r.hello = undefined;
    }
    if (r.watchdog) clearInterval(r.watchdog);
    r.watchdog = undefined;
    for (const p of r.pending.values()) p.reject(failure(p.xchg, reason));
    r.pending.clear();
    r.queue.length = 0;
  }
}

/** A request's failure as its caller is promised it: a TransportError for an xchg, else as it is. */
function failure(xchg: boolean, e: Error): Error {
  return xchg ? asTransportError(e) : e;
}

/** The request's command word (`xchg`, `info`, ...), for messages. */
function verbOf(command: string): string {
  const sp = command.indexOf(' ');
  return sp < 0 ? command : command.slice(0, sp);
}

function checkProtocol(p: number): void {
  if (!Number.isInteger(p) || p < 0 || p > 31) throw new RangeError(`netlink protocol ${p} is not 0-31`);
}

function checkTimeout(ms: number): void {
  if (!Number.isInteger(ms) || ms < 0 || ms > 600_000) throw new RangeError(`timeout ${ms} ms is not 0-600000`);
}

function checkGroups(groups: readonly number[]): void {
  if (groups.length === 0 || groups.length > 32)
    throw new RangeError(`give 1-32 multicast groups, not ${groups.length}`);
  for (const g of groups)
    if (!Number.isInteger(g) || g < 1 || g > 1048576) throw new RangeError(`multicast group ${g} is not 1-1048576`);
}
