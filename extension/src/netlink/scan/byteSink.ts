// Growable typed arrays for a run's bytes and their source ranges: a run can hold megabytes, and JS number arrays
// would cost eight times the memory.

/** Bytes a sink starts with (9 bytes of arrays each); finish() trims a run that used less. */
const MIN_CAPACITY = 512;

/**
 * Arrays of finished sinks whose bytes were copied out, for the next sink: a log of 17,000 dumps made and regrew
 * 17,000 sets of arrays, a fifth of Decode File's time and most of its garbage. Bounded: a few sets, none over
 * POOLED_MAX_CAPACITY bytes (1.2 MB kept at most).
 */
interface Arrays {
  readonly values: Uint8Array;
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
}
const POOL_SIZE = 8;
const POOLED_MAX_CAPACITY = 16 * 1024;
const pool: Arrays[] = [];

export class ByteSink {
  private values: Uint8Array;
  private starts: Uint32Array;
  private ends: Uint32Array;
  length = 0;

  /**
   * `capacity`: the expected size, the first segment's. At least MIN_CAPACITY: a dump's first line is 16 bytes of
   * a message of hundreds, and doubling from 16 regrew every run's three arrays six times.
   */
  constructor(capacity: number) {
    const size = Math.max(MIN_CAPACITY, capacity);
    const spare = pool.length > 0 && (pool[pool.length - 1] as Arrays).values.length >= size ? pool.pop() : undefined;
    // A spare set holds an earlier run's bytes: only [0, length) is ever read, and length starts at 0.
    this.values = spare?.values ?? new Uint8Array(size);
    this.starts = spare?.starts ?? new Uint32Array(size);
    this.ends = spare?.ends ?? new Uint32Array(size);
  }

  push(value: number, start: number, end: number): void {
    if (this.length === this.values.length) this.grow();
    this.values[this.length] = value;
    this.starts[this.length] = start;
    this.ends[this.length] = end;
    this.length++;
  }

  reverse(from: number, to: number): void {
    this.values.subarray(from, to).reverse();
    this.starts.subarray(from, to).reverse();
    this.ends.subarray(from, to).reverse();
  }

  valueAt(i: number): number {
    return this.values[i] as number;
  }

  /**
   * The arrays, trimmed: views when they are nearly full (no copy of a big run), copies otherwise; then the
   * copied-from arrays go to the pool. The sink is not used after this.
   */
  finish(): { bytes: Uint8Array; byteStart: Uint32Array; byteEnd: Uint32Array } {
    const view = this.length * 4 >= this.values.length * 3;
    const cut = <T extends Uint8Array | Uint32Array>(a: T): T =>
      (view ? a.subarray(0, this.length) : a.slice(0, this.length)) as T;
    const out = { bytes: cut(this.values), byteStart: cut(this.starts), byteEnd: cut(this.ends) };
    if (!view && pool.length < POOL_SIZE && this.values.length <= POOLED_MAX_CAPACITY)
      pool.push({ values: this.values, starts: this.starts, ends: this.ends });
    return out;
  }

  private grow(): void {
    const size = this.values.length * 2;
    const values = new Uint8Array(size);
    values.set(this.values);
    const starts = new Uint32Array(size);
    starts.set(this.starts);
    const ends = new Uint32Array(size);
    ends.set(this.ends);
    this.values = values;
    this.starts = starts;
    this.ends = ends;
  }
}
