// Growable typed arrays for a run's bytes and their source ranges: a run can hold megabytes, and JS number arrays
// would cost eight times the memory.

/** Bytes a sink starts with (9 bytes of arrays each); finish() trims a run that used less. */
const MIN_CAPACITY = 512;

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
    this.values = new Uint8Array(size);
    this.starts = new Uint32Array(size);
    this.ends = new Uint32Array(size);
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

  /** The arrays, trimmed: views when they are nearly full (no copy of a big run), copies otherwise. */
  finish(): { bytes: Uint8Array; byteStart: Uint32Array; byteEnd: Uint32Array } {
    const view = this.length * 4 >= this.values.length * 3;
    const cut = <T extends Uint8Array | Uint32Array>(a: T): T =>
      (view ? a.subarray(0, this.length) : a.slice(0, this.length)) as T;
    return { bytes: cut(this.values), byteStart: cut(this.starts), byteEnd: cut(this.ends) };
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
