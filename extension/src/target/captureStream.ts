// Live capture streams from a target: `nlhelper capture` (pcap through nlmon, as root: sudo -n when the target
// says useSudo) and `nlhelper monitor` (pcapng of multicast groups), each a long-running command on the target's
// ssh ControlMaster connection (native/PROTOCOL.md "Capture and monitor streams"). The bytes are handed on as they
// come (the codec's capture reader parses them); stop() closes the command's stdin, which ends the ssh channel's
// input: the helper stops, removes the nlmon interface it made, and exits. Every wait has a deadline.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { TargetError } from './errors';
import type { FileCheck } from './fileCheck';
import type { DeployedHelper } from './deploy';

/** What a stream needs of a target: its deployed helper and a way to run it (TargetSession has both). */
export interface StreamTarget {
  deployHelper(opts?: { signal?: AbortSignal }): Promise<DeployedHelper>;
  readonly connection: {
    spawn(argv: readonly string[], privileged?: boolean, check?: FileCheck): ChildProcessWithoutNullStreams;
  };
  explainHelperExit(check: FileCheck, code: number | null, stderr: string): Error | undefined;
  readonly target: { readonly name: string };
}

export interface StreamOptions {
  /** Stop after this many records (the helper's --count). */
  count?: number;
  /** Netlink bytes kept per record (16-1048576; the helper's default 262144). */
  snaplen?: number;
  /** From the start to the helper's ready line (ssh, sudo, loading nlmon included); default 30 s. */
  readyTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface CaptureOptions extends StreamOptions {
  /** Netlink protocols to keep (0-31); all when absent. */
  protocols?: readonly number[];
  /** Keep packets with a message whose nlmsg_pid is one of these ports. */
  ports?: readonly number[];
  /** ... or one of these processes' netlink ports (looked up on the target, again every 500 ms). */
  pids?: readonly number[];
  /** ... or the ports of processes with this command name (/proc/PID/comm). */
  comm?: string;
}

export interface MonitorOptions extends StreamOptions {
  protocol: number;
  /** Multicast group numbers (multicastGroups.ts turns names into them). */
  groups: readonly number[];
  /** SO_RCVBUF of the monitor's socket. */
  rcvbuf?: number;
  /** Run through sudo -n (generic-netlink groups flagged GENL_MCAST_CAP_*; rtnetlink's need no root). */
  privileged?: boolean;
}

export interface StreamEnd {
  /** The helper's exit status (0: stopped as asked), null when killed. */
  code: number | null;
  stderr: string;
}

export interface CaptureStream {
  /** Chunks of the stream in order; chunks that came before the first listener are replayed to it. */
  onData(listener: (chunk: Uint8Array) => void): void;
  /** Stops the helper (closes its input) and waits for its exit: SIGTERM after @deadlineMs, then SIGKILL. */
  stop(deadlineMs?: number): Promise<void>;
  /** Settles when the command has ended, however. */
  readonly done: Promise<StreamEnd>;
}

const DEFAULT_READY_MS = 30_000;
const DEFAULT_STOP_MS = 10_000;
const KILL_AFTER_TERM_MS = 2_000;
const STDERR_KEEP = 16 * 1024;
const EXIT_UNSUPPORTED = 3;

/** Helper option values, checked here so a wrong one is located before anything runs. */
function intIn(what: string, v: number, min: number, max: number): string {
  if (!Number.isInteger(v) || v < min || v > max)
    throw new TargetError('config', `${what}: ${String(v)} is not a whole number ${min}-${max}`);
  return String(v);
}

function commonArgs(o: StreamOptions, kind: string): string[] {
  const a: string[] = [];
  if (o.count !== undefined) a.push('--count', intIn(`${kind} count`, o.count, 1, 100_000_000));
  if (o.snaplen !== undefined) a.push('--snaplen', intIn(`${kind} snaplen`, o.snaplen, 16, 1_048_576));
  return a;
}

export function captureArgs(o: CaptureOptions): string[] {
  const a: string[] = ['capture'];
  (o.protocols ?? []).forEach((p, i) => a.push('--protocol', intIn(`capture protocols[${i}]`, p, 0, 31)));
  (o.ports ?? []).forEach((p, i) => a.push('--port', intIn(`capture ports[${i}]`, p, 1, 0xffffffff)));
  (o.pids ?? []).forEach((p, i) => a.push('--pid', intIn(`capture pids[${i}]`, p, 1, 4_194_304)));
  if (o.comm !== undefined) {
    if (!/^[^/\n\0]{1,15}$/.test(o.comm))
      throw new TargetError('config', `capture comm: ${JSON.stringify(o.comm)} is not a command name (1-15 bytes)`);
    a.push('--comm', o.comm);
  }
  return [...a, ...commonArgs(o, 'capture')];
}

export function monitorArgs(o: MonitorOptions): string[] {
  if (o.groups.length === 0) throw new TargetError('config', 'monitor groups: at least one group is needed');
  const a = ['monitor', '--protocol', intIn('monitor protocol', o.protocol, 0, 31)];
  o.groups.forEach((g, i) => a.push('--group', intIn(`monitor groups[${i}]`, g, 1, 1_048_576)));
  if (o.rcvbuf !== undefined) a.push('--rcvbuf', intIn('monitor rcvbuf', o.rcvbuf, 1, 64 * 1024 * 1024));
  return [...a, ...commonArgs(o, 'monitor')];
}

/** Starts `nlhelper capture` on the target; resolves once it captures (its interface is up and bound). */
export function startCapture(target: StreamTarget, options: CaptureOptions = {}): Promise<CaptureStream> {
  return startStream(target, captureArgs(options), true, /^capturing on /m, options);
}

/** Starts `nlhelper monitor` on the target; resolves once the groups are joined. */
export function startMonitor(target: StreamTarget, options: MonitorOptions): Promise<CaptureStream> {
  return startStream(target, monitorArgs(options), options.privileged ?? false, /^monitoring protocol /m, options);
}

/** The helper's own words for why it stopped early: its last "nlhelper ..." line. */
function helperMessage(stderr: string): string | undefined {
  const lines = stderr.split('\n').filter((l) => l.startsWith('nlhelper '));
  return lines[lines.length - 1];
}

async function startStream(
  target: StreamTarget,
  args: string[],
  privileged: boolean,
  ready: RegExp,
  options: StreamOptions,
): Promise<CaptureStream> {
  const name = target.target.name;
  const d = await target.deployHelper(options.signal ? { signal: options.signal } : {});
  const check: FileCheck = { file: d.binary, sha256: d.sha256 };
  const child = target.connection.spawn([d.binary, ...args], privileged, check);
  const stream = new RunningStream(child);
  const readyMs = options.readyTimeoutMs ?? DEFAULT_READY_MS;

  const failure = (end: StreamEnd): Error => {
    const explained = target.explainHelperExit(check, end.code, end.stderr);
    if (explained) return explained;
    const said = helperMessage(end.stderr) ?? end.stderr.trim().split('\n').slice(-1)[0] ?? '';
    if (end.code === EXIT_UNSUPPORTED) return new TargetError('unsupported', `target "${name}": ${said}`, end.stderr);
    return new TargetError(
      'helper',
      `target "${name}": nlhelper ${args[0]} ended before it ran (exit ${end.code ?? 'by signal'})${said ? `: ${said}` : ''}`,
      end.stderr,
    );
  };

  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (err?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (err) {
        void stream.stop(DEFAULT_STOP_MS).finally(() => reject(err));
      } else resolve();
    };
    const timer = setTimeout(
      () =>
        settle(
          new TargetError(
            'timeout',
            `target "${name}": nlhelper ${args[0]} was not ready within ${readyMs} ms`,
            stream.stderr,
          ),
        ),
      readyMs,
    );
    const onAbort = (): void =>
      settle(new TargetError('aborted', `nlhelper ${args[0]} on target "${name}" was cancelled`));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    stream.onStderr(() => {
      if (ready.test(stream.stderr)) settle();
    });
    void stream.done.then((end) => settle(failure(end)));
  });
  return stream;
}

class RunningStream implements CaptureStream {
  stderr = '';
  readonly done: Promise<StreamEnd>;
  private readonly early: Uint8Array[] = [];
  private readonly listeners: Array<(chunk: Uint8Array) => void> = [];
  private readonly stderrListeners: Array<() => void> = [];
  private exited = false;

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (chunk: Buffer) => {
      const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      if (this.listeners.length === 0) this.early.push(bytes);
      for (const l of this.listeners) l(bytes);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      this.stderr = (this.stderr + text).slice(-STDERR_KEEP);
      for (const l of this.stderrListeners) l();
    });
    // The helper may be gone before stop() writes anything: a closed pipe is not an error here.
    child.stdin.on('error', () => undefined);
    this.done = new Promise((resolve) => {
      child.on('close', (code) => {
        this.exited = true;
        resolve({ code, stderr: this.stderr });
      });
      child.on('error', (err) => {
        this.exited = true;
        resolve({ code: null, stderr: `${this.stderr}${err.message}\n` });
      });
    });
  }

  onData(listener: (chunk: Uint8Array) => void): void {
    this.listeners.push(listener);
    if (this.listeners.length === 1) for (const c of this.early.splice(0)) listener(c);
  }

  onStderr(listener: () => void): void {
    this.stderrListeners.push(listener);
  }

  async stop(deadlineMs = DEFAULT_STOP_MS): Promise<void> {
    if (!this.exited) {
      // The end of input travels to the helper as the ssh channel's EOF: it stops and cleans up.
      this.child.stdin.end();
      const term = setTimeout(() => {
        this.child.kill('SIGTERM');
      }, deadlineMs);
      const kill = setTimeout(() => this.child.kill('SIGKILL'), deadlineMs + KILL_AFTER_TERM_MS);
      try {
        await this.done;
      } finally {
        clearTimeout(term);
        clearTimeout(kill);
      }
    }
  }
}
