// The bench's frame: sections register themselves (`section(name, fn)` in a test/bench/*.bench.ts file), run.ts
// runs them in turn and prints one results table. A section reports rows: a metric, its value and unit.

export interface BenchRow {
  readonly section: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  readonly note?: string;
}

export interface Reporter {
  /** One result line, e.g. row('ours', 1.2e6, 'msg/s'). */
  row(metric: string, value: number, unit: string, note?: string): void;
  /** Free text printed under the table (what was measured, why a figure is missing). */
  note(text: string): void;
}

export interface Section {
  readonly name: string;
  readonly run: (report: Reporter) => void | Promise<void>;
}

const registered: Section[] = [];

/** Registers a bench section; run.ts runs them in the order their files are loaded (file name order). */
export function section(name: string, run: Section['run']): void {
  if (registered.some((s) => s.name === name)) throw new Error(`bench section "${name}" registered twice`);
  registered.push({ name, run });
}

export function sections(): readonly Section[] {
  return registered;
}

export interface Timing {
  /** Seconds of each timed round. */
  readonly rounds: readonly number[];
  readonly median: number;
  readonly best: number;
}

export function summarize(rounds: readonly number[]): Timing {
  if (rounds.length === 0) throw new Error('no timed rounds');
  const sorted = [...rounds].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { rounds, median, best: sorted[0]! };
}

/** Wall-clock timing plus the CPU time this process used in the same rounds. */
export interface Measured extends Timing {
  /**
   * User + system CPU seconds of the process (GC threads included). On a shared machine this moves far less
   * than wall time, which also counts the time other processes held the CPU.
   */
  readonly cpu: Timing;
}

/** Runs `fn` `warmup` times untimed (JIT, caches), then `rounds` times timed. */
export function measure(fn: () => void, opts: { warmup?: number; rounds?: number } = {}): Measured {
  const warmup = opts.warmup ?? 2;
  const rounds = opts.rounds ?? 5;
  for (let i = 0; i < warmup; i++) fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    fn();
    wall.push(Number(process.hrtime.bigint() - t0) / 1e9);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
  }
  return { ...summarize(wall), cpu: summarize(cpu) };
}

function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(3);
}

/** Plain-text table of the rows, columns padded. */
export function formatTable(rows: readonly BenchRow[]): string {
  const cells = rows.map((r) => [r.section, r.metric, formatValue(r.value), r.unit, r.note ?? '']);
  const head = ['section', 'metric', 'value', 'unit', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]): string =>
    c
      .map((s, i) => (i === 2 ? s.padStart(widths[i]!) : s.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
