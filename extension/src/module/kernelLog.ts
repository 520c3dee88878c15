// The target's kernel log: read once, or followed. Following polls `dmesg` (busybox's has no --follow, and a
// runner returns a command's output only when it ends) and shows what is new since the last read, found by
// the last lines already seen; when those scrolled out of the ring buffer between two reads, it says so.
import { firstLine, KmodError, type RemoteRunner } from './remote';

const TIMEOUT_MS = 30_000;
/** Lines fetched per poll: more new lines than this within one interval are reported as a gap. */
const POLL_TAIL_LINES = 400;
/** How many of the last seen lines must match to find the place again (timestamps make them unique). */
const ANCHOR_LINES = 5;
const MAX_FAILURES = 3;

// Fixed script; the line count is a positional parameter. dmesg's failure (e.g. no permission) is the status.
const TAIL_SCRIPT = 'out=$(dmesg) || exit $?; printf "%s\\n" "$out" | tail -n "$1"';

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export async function readKernelLog(
  runner: RemoteRunner,
  opts: { signal?: AbortSignal; tailLines?: number } = {},
): Promise<string[]> {
  const argv =
    opts.tailLines === undefined
      ? ['dmesg']
      : ['sh', '-c', TAIL_SCRIPT, 'sh', String(Math.max(1, Math.floor(opts.tailLines)))];
  const r = await runner.exec(argv, { timeoutMs: TIMEOUT_MS, signal: opts.signal, privileged: true });
  if (r.code !== 0) {
    const said = (r.stderr || r.stdout).trim();
    const hint = /not permitted|denied/i.test(said)
      ? ' (reading the kernel log needs root here: kernel.dmesg_restrict is on)'
      : '';
    throw new KmodError(`dmesg failed: ${firstLine(said) || `exit ${r.code}`}${hint}`, said);
  }
  return splitLines(r.stdout);
}

export interface NewLines {
  readonly lines: string[];
  /** The lines seen last were not found: some lines between the two reads may be missing. */
  readonly gap: boolean;
}

/** Lines of `current` after the `seen` tail (the last lines shown before). Pure. */
export function newKernelLogLines(seen: readonly string[], current: readonly string[]): NewLines {
  if (seen.length === 0) return { lines: [...current], gap: false };
  const anchor = seen.slice(-ANCHOR_LINES);
  for (let end = current.length - 1; end >= anchor.length - 1; end--) {
    let match = true;
    for (let k = 0; k < anchor.length && match; k++) {
      match = current[end - k] === anchor[anchor.length - 1 - k];
    }
    if (match) return { lines: current.slice(end + 1), gap: false };
  }
  // A shorter tail at the start of `current` (the ring buffer rolled over, or dmesg -c cleared it).
  return { lines: [...current], gap: true };
}

export interface FollowOptions {
  readonly intervalMs?: number;
  /** Lines of the first read (the whole log when absent). */
  readonly initialLines?: number;
  readonly onLines: (lines: readonly string[], gap: boolean) => void;
  /** A read failed; after three in a row the follower stops and `done` rejects. */
  readonly onError?: (error: Error) => void;
}

/** Polls the kernel log until stop() (or an abort of `signal`); `done` settles when it has stopped. */
export class KernelLogFollower {
  private seen: string[] = [];
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();
  private failures = 0;
  private settle!: { resolve: () => void; reject: (e: Error) => void };
  readonly done: Promise<void>;

  constructor(
    private readonly runner: RemoteRunner,
    private readonly opts: FollowOptions,
    signal?: AbortSignal,
  ) {
    this.done = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    // Nobody has to await `done` for a stop to be quiet.
    this.done.catch(() => undefined);
    signal?.addEventListener('abort', () => this.stop(), { once: true });
    void this.poll(true);
  }

  get following(): boolean {
    return !this.stopped;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort();
    this.settle.resolve();
  }

  private async poll(first: boolean): Promise<void> {
    if (this.stopped) return;
    try {
      const lines = await readKernelLog(this.runner, {
        signal: this.abort.signal,
        tailLines: first ? this.opts.initialLines : POLL_TAIL_LINES,
      });
      if (this.stopped) return;
      this.failures = 0;
      const fresh = newKernelLogLines(this.seen, lines);
      if (fresh.lines.length > 0) {
        this.seen = [...this.seen, ...fresh.lines].slice(-ANCHOR_LINES);
        this.opts.onLines(fresh.lines, fresh.gap);
      }
    } catch (e) {
      if (this.stopped) return;
      this.failures++;
      const error = e instanceof Error ? e : new Error(String(e));
      this.opts.onError?.(error);
      if (this.failures >= MAX_FAILURES) {
        this.stopped = true;
        this.settle.reject(
          new KmodError(`stopped following the kernel log after ${MAX_FAILURES} failed reads: ${error.message}`),
        );
        return;
      }
    }
    this.timer = setTimeout(() => void this.poll(false), this.opts.intervalMs ?? 1000);
  }
}
