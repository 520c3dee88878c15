// Joins line segments into runs. The same assembler serves findHexRuns (every line of the document, in order) and
// findHexRunAt (only the lines around the hovered one), so both find the same runs.
//
// Continuation rules, per family:
// - dump forms with offsets (hexdump, xxd, od -A): the next line's offset must equal this line's offset plus its
//   byte count (od's radix, octal/decimal/hex, is inferred); a `*` line repeats the line above until the next
//   offset; the closing offset-only line ends the run. A gap in offsets ends the run.
// - mnl_nlmsg_fprintf rows: every consecutive row belongs to the run; messages are rebuilt from header fields.
// - everything else: the segment must end its line (only its own trailing syntax after it) and the next line's
//   segment of the same family must start at that line's first non-blank character or at the same column (log
//   lines whose prefixes have the same width). A blank line, or any other line, ends the run.
import { ByteSink } from './byteSink';
import { MNL_FLAGS_NOTE } from './mnl';
import { reverseGroups } from './groupOrder';
import { offsetDelta } from './offsetDump';
import type { Family, HexForm, HexRun, LineScan, MnlRow, Segment } from './types';

/** A squeezed dump line never expands to more than this, whatever the offsets claim. */
const SQUEEZE_LIMIT = 1 << 20;

/** A run as the assembler finished it: the HexRun to come, with what the run-level rules and the strict parse read. */
export interface DraftRun extends HexRun {
  readonly family: Family | 'mnl';
  readonly truncated: boolean;
  readonly notes: readonly string[];
  /** Text ranges (flat start/end pairs) the run's syntax covers, for the strict parser's leftover check. */
  readonly spans: readonly number[];
  readonly decimalDigits: number;
  readonly letterDigits: number;
  readonly prefixed: boolean;
}

function isDumpFamily(f: Family | 'mnl'): boolean {
  return f === 'hexdump' || f === 'xxd' || f === 'od';
}

/**
 * Radices an od offset column may be in, most likely first: `od -Ax` pads hex offsets to 6 digits, plain `od`
 * (octal) and `od -Ad` (decimal) to 7. Consecutive lines narrow the choice; a `*` right after the first line cannot,
 * so the likeliest radix decides then.
 */
function odRadices(digits: string): number[] {
  return digits.length <= 6 ? [16] : digits.length === 7 ? [8, 10, 16] : [16, 8, 10];
}

interface MnlHeaderRow {
  readonly row: MnlRow;
}

/** What the run-level rules look at; known before a run's bytes are copied anywhere. */
export interface RunStats {
  readonly family: Family | 'mnl';
  readonly byteCount: number;
  readonly decimalDigits: number;
  readonly letterDigits: number;
  readonly prefixed: boolean;
}

/** Decides which finished runs are kept; the others are dropped at once (most lines of prose hold tiny ones). */
export type RunFilter = (stats: RunStats) => boolean;

/** Where a run's bytes go: its own ByteSink, or, for the strict parse, one array all runs share. */
export interface ByteOut {
  readonly length: number;
  push(value: number, start: number, end: number): void;
  /** Reverses bytes [from, to) in place (with their text ranges): a grouped dump's byte order settled late. */
  reverse(from: number, to: number): void;
}

/**
 * The strict parse's view of the runs, instead of drafts: every byte into one shared array, each span of text a
 * run's syntax covers as soon as the line holding it is fed, and a run's notes when it ends. Nothing is kept per
 * run, so many tiny runs cost no more memory than one long one.
 */
export interface RunStream {
  readonly bytes: ByteOut;
  span(start: number, end: number, family: Family | 'mnl'): void;
  runDone(truncated: boolean, notes: readonly string[]): void;
}

const NO_NOTES: readonly string[] = [];

/** Flat start/end pairs, as DraftRun.spans holds them; in a stream, handed on with the run's family. */
interface SpanOut {
  push(start: number, end: number): void;
}

class RunBuilder {
  /** The run's own bytes and their text ranges; absent when the bytes go to a stream. */
  private readonly own: ByteSink | undefined;
  private readonly sink: ByteOut;
  private readonly spans: SpanOut;
  readonly notes: string[] = [];
  start: number;
  end: number;
  truncated = false;
  /** maxBytes reached: nothing more is added. */
  full = false;
  decimalDigits = 0;
  letterDigits = 0;
  prefixed = false;
  tailOpen = false;
  lastColumn = 0;
  // Dump state.
  lastOffset = '';
  lastSegment: Segment | undefined;
  radices: number[];
  squeezeStart = -1;
  // Grouped dump lines (xxd, print_hex_dump): the order the ASCII column showed, and the lines read before it was
  // known (flat: sink start, byte count, group bytes, read reversed 1/0), to turn round if they guessed wrong.
  groupsReversed: boolean | undefined;
  private guessed: number[] = [];
  // mnl state.
  private header: MnlHeaderRow[] = [];
  private messageStart = -1;
  private messageLen = 0;

  constructor(
    public form: HexForm,
    readonly family: Family | 'mnl',
    start: number,
    private readonly maxBytes: number,
    capacity: number,
    private readonly stream?: RunStream,
  ) {
    if (stream) {
      this.sink = stream.bytes;
      this.spans = { push: (s, e) => stream.span(s, e, family) };
    } else {
      this.own = new ByteSink(Math.min(capacity, maxBytes));
      this.sink = this.own;
      this.spans = [];
    }
    this.start = start;
    this.end = start;
    this.radices = [16];
  }

  private push(value: number, start: number, end: number): void {
    if (this.full) return;
    if (this.sink.length >= this.maxBytes) {
      this.full = true;
      this.truncated = true;
      return;
    }
    this.sink.push(value, start, end);
  }

  private note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  append(seg: Segment, line: LineScan): void {
    const at = this.sink.length;
    for (let k = 0; k < seg.values.length; k++) {
      this.push(seg.values[k] as number, seg.starts[k] as number, seg.ends[k] as number);
    }
    if (seg.groupDigits !== undefined) this.settleGroups(seg, at);
    this.end = seg.end;
    this.spans.push(seg.start, seg.tailEnd);
    this.decimalDigits += seg.decimalDigits;
    this.letterDigits += seg.letterDigits;
    if (seg.truncated) this.truncated = true;
    this.tailOpen = seg.tailOpen;
    this.lastColumn = seg.start - line.start;
    if (seg.offsetDigits !== undefined) {
      if (!this.lastSegment && seg.family === 'od') this.radices = odRadices(seg.offsetDigits);
      this.lastOffset = seg.offsetDigits;
      this.lastSegment = seg;
    }
  }

  /** One rule for a whole dump: every grouped line in the order the first line with a telling ASCII column showed. */
  private settleGroups(seg: Segment, at: number): void {
    const reversed = seg.form === 'le-groups';
    const size = (seg.groupDigits as number) / 2;
    const to = this.sink.length;
    if (seg.orderShown) {
      if (this.groupsReversed !== undefined) return;
      this.groupsReversed = reversed;
      this.form = seg.form;
      const g = this.guessed;
      for (let k = 0; k < g.length; k += 4) {
        const from = g[k] as number;
        if ((g[k + 3] === 1) !== reversed)
          reverseGroups(this.sink, from, from + (g[k + 1] as number), g[k + 2] as number);
      }
      this.guessed = [];
      return;
    }
    if (this.groupsReversed === undefined) this.guessed.push(at, to - at, size, reversed ? 1 : 0);
    else if (this.groupsReversed !== reversed) reverseGroups(this.sink, at, to, size);
  }

  /**
   * Can the dump line `seg` join (its offset follows, after a pending `*` by whole repeats of the line above)?
   * Then the repeats are added; the caller appends `seg` itself after what comes before it on its line.
   */
  continuesDump(seg: Segment): boolean {
    const step = this.offsetStep(seg.offsetDigits as string);
    if (!step) return false;
    return this.expandSqueeze(step);
  }

  /** The closing offset-only line (under the offsets, or alone): accepted when it is where the data ends. */
  terminate(line: LineScan): boolean {
    const word = line.lastWord;
    if (!word || (word.start !== line.contentStart && word.start - line.start !== this.lastColumn)) return false;
    const step = this.offsetStep(word.digits);
    if (!step) return false;
    if (!this.expandSqueeze(step)) return true;
    this.spans.push(word.start, line.contentEnd);
    return true;
  }

  squeeze(line: LineScan): boolean {
    if (this.squeezeStart >= 0 || !this.lastSegment) return false;
    this.squeezeStart = line.contentStart;
    this.spans.push(line.contentStart, line.contentEnd);
    return true;
  }

  /** Lines repeated by a pending `*`, or undefined when the offset does not follow. Narrows od's radix. */
  private offsetStep(next: string): { repeats: number } | undefined {
    const count = this.lastSegment?.values.length ?? 0;
    if (count === 0) return undefined;
    const kept: number[] = [];
    let repeats = -1;
    for (const radix of this.radices) {
      const d = offsetDelta(this.lastOffset, next, radix);
      if (Number.isNaN(d)) continue;
      let r: number;
      if (this.squeezeStart < 0) {
        if (d !== count) continue;
        r = 0;
      } else {
        if (d % count !== 0 || d / count < 2) continue;
        r = d / count - 1;
      }
      if (repeats < 0) repeats = r;
      if (r === repeats) kept.push(radix);
    }
    if (kept.length === 0) return undefined;
    this.radices = kept;
    return { repeats };
  }

  private expandSqueeze(step: { repeats: number }): boolean {
    if (this.squeezeStart < 0) return true;
    const seg = this.lastSegment as Segment;
    const total = step.repeats * seg.values.length;
    const star = this.squeezeStart;
    this.squeezeStart = -1;
    if (total > SQUEEZE_LIMIT || this.sink.length + total > this.maxBytes) {
      this.truncated = true;
      this.note(`a squeezed line (*) stands for ${total} bytes, more than the scanner expands`);
      return false;
    }
    for (let r = 0; r < step.repeats; r++) {
      for (const v of seg.values) this.push(v, star, star + 1);
    }
    this.end = star + 1;
    return true;
  }

  addMnl(line: LineScan): void {
    const row = line.mnl as MnlRow;
    this.spans.push(line.contentStart, line.contentEnd);
    this.end = line.contentEnd;
    switch (row.kind) {
      case 'rule':
        return;
      case 'len':
        this.finishMnlMessage();
        this.header = [{ row }];
        return;
      case 'type':
      case 'seq':
      case 'pid': {
        const expected = ['len', 'type', 'seq', 'pid'][this.header.length];
        if (expected !== row.kind) {
          this.header = [];
          this.note('an mnl header is incomplete; its fields were left out');
          return;
        }
        this.header.push({ row });
        if (row.kind === 'pid') this.emitMnlHeader();
        return;
      }
      case 'data':
        this.checkMnlOrphan();
        for (let k = 0; k < 4; k++) this.push(row.values[k] as number, row.starts[k] as number, row.ends[k] as number);
        return;
      case 'attr':
        this.checkMnlOrphan();
        this.push(row.len & 0xff, row.lenStart, row.lenEnd);
        this.push(row.len >> 8, row.lenStart, row.lenEnd);
        this.push(row.type & 0xff, row.typeStart, row.typeEnd);
        this.push(row.type >> 8, row.typeStart, row.typeEnd);
        return;
    }
  }

  private checkMnlOrphan(): void {
    if (this.header.length > 0 && this.header.length < 4) {
      this.header = [];
      this.note('an mnl header is incomplete; its fields were left out');
    }
    if (this.messageStart < 0) this.note('mnl rows before the first header are read as bytes without a header');
  }

  private pushLe(value: number, size: number, start: number, end: number): void {
    for (let k = 0; k < size; k++) this.push(Math.floor(value / 2 ** (8 * k)) & 0xff, start, end);
  }

  private emitMnlHeader(): void {
    const [len, type, seq, pid] = this.header.map((h) => h.row);
    this.header = [];
    if (len?.kind !== 'len' || type?.kind !== 'type' || seq?.kind !== 'seq' || pid?.kind !== 'pid') return;
    this.messageStart = this.sink.length;
    this.messageLen = len.value;
    this.pushLe(len.value, 4, len.start, len.end);
    this.pushLe(type.type, 2, type.typeStart, type.typeEnd);
    this.pushLe(type.flags, 2, type.flagsStart, type.flagsEnd);
    this.pushLe(seq.value, 4, seq.start, seq.end);
    this.pushLe(pid.value, 4, pid.start, pid.end);
    this.note(MNL_FLAGS_NOTE);
  }

  finishMnlMessage(): void {
    if (this.messageStart < 0) return;
    const shown = this.sink.length - this.messageStart;
    const aligned = (this.messageLen + 3) & ~3;
    if (shown !== aligned && !this.full) {
      this.note(
        `the message at byte ${this.messageStart} says ${this.messageLen} bytes but the output shows ${shown} ` +
          '(mnl_nlmsg_fprintf skips attribute headers of type 0)',
      );
    }
    this.messageStart = -1;
  }

  stats(): RunStats {
    return {
      family: this.family,
      byteCount: this.sink.length,
      decimalDigits: this.decimalDigits,
      letterDigits: this.letterDigits,
      prefixed: this.prefixed,
    };
  }

  /** What only the run's end can tell: an mnl message or header left open, a `*` line without an offset after it. */
  private settle(): void {
    if (this.family === 'mnl') {
      this.finishMnlMessage();
      if (this.header.length > 0) this.note('an mnl header is incomplete; its fields were left out');
    }
    if (this.squeezeStart >= 0) {
      this.truncated = true;
      this.note('a squeezed line (*) has no offset after it, so its repeats are unknown');
    }
  }

  /** Ends a streamed run: its notes to the stream. */
  endStream(): void {
    this.settle();
    this.stream?.runDone(this.truncated, this.notes);
  }

  draft(): DraftRun {
    this.settle();
    return {
      form: this.form,
      family: this.family,
      ...(this.own as ByteSink).finish(),
      start: this.start,
      end: this.end,
      truncated: this.truncated,
      notes: this.notes,
      spans: this.spans as number[],
      decimalDigits: this.decimalDigits,
      letterDigits: this.letterDigits,
      prefixed: this.prefixed,
    };
  }
}

/**
 * Can segment `s` continue a run of `family`? The same family, or the last piece of a wrapped contiguous blob that
 * happens to be two digits long (which alone reads as a spaced token).
 */
function familyFits(family: Family | 'mnl', s: Segment, line: LineScan): boolean {
  if (s.family === family) return true;
  return (
    family === 'contiguous' &&
    s.family === 'spaced' &&
    s.values.length === 1 &&
    s.start === line.contentStart &&
    s.end === line.contentEnd
  );
}

/** Index of the segment of `line` that continues a run whose last segment ended its line, or -1. */
function continuingIndex(family: Family | 'mnl', column: number, line: LineScan): number {
  for (let k = 0; k < line.segments.length; k++) {
    const s = line.segments[k] as Segment;
    if (!familyFits(family, s, line) || s.headClosed || s.offsetDigits !== undefined) continue;
    if (s.start === line.contentStart || s.start - line.start === column) return k;
  }
  return -1;
}

/**
 * Could line `b` continue a run that goes through line `a` (the line above)? A superset of what the assembler
 * accepts, and only from the two lines, so the hover can stop expanding exactly where the assembler would split.
 */
export function linesJoin(a: LineScan, b: LineScan): boolean {
  if (a.mnl && b.mnl) return true;
  const aLast = a.segments[a.segments.length - 1];
  if (a.squeeze || aLast?.offsetDigits !== undefined) {
    const bLast = b.segments[b.segments.length - 1];
    return b.squeeze === true || b.lastWord !== undefined || bLast?.offsetDigits !== undefined;
  }
  if (!aLast || !aLast.tailOpen) return false;
  return continuingIndex(aLast.family, aLast.start - a.start, b) >= 0;
}

export class RunAssembler {
  private current: RunBuilder | undefined;
  private readonly drafts: DraftRun[] = [];

  /** With a `stream`, runs go there as they are read and finish() returns no drafts; a stream takes every run and
   *  every byte (maxBytes and keep are for drafts). */
  constructor(
    private readonly maxBytes: number,
    private readonly keep: RunFilter,
    private readonly stream?: RunStream,
  ) {}

  feed(line: LineScan): void {
    const cur = this.current;
    if (line.mnl) {
      if (!cur || cur.family !== 'mnl') {
        this.close();
        this.current = new RunBuilder('mnl', 'mnl', line.contentStart, this.maxBytes, 256, this.stream);
      }
      (this.current as RunBuilder).addMnl(line);
      return;
    }
    if (cur && !cur.full) {
      if (isDumpFamily(cur.family)) {
        if (line.squeeze && cur.squeeze(line)) return;
        const last = line.segments[line.segments.length - 1];
        if (last && last.offsetDigits !== undefined && last.family === cur.family && cur.continuesDump(last)) {
          // In text order: a stream (the strict parse) takes the bytes as they come.
          this.emitEach(line, 0, line.segments.length - 1);
          cur.append(last, line);
          return;
        }
        if (cur.terminate(line)) {
          this.close();
          // The offset itself may have read as contiguous hex; what comes before it (a log prefix) is its own.
          const wordStart = (line.lastWord as { start: number }).start;
          this.emitEach(line, 0, line.segments.filter((s) => s.start < wordStart).length);
          return;
        }
      } else if (cur.family !== 'mnl' && cur.tailOpen) {
        const idx = continuingIndex(cur.family, cur.lastColumn, line);
        if (idx >= 0) {
          this.emitEach(line, 0, idx);
          cur.append(line.segments[idx] as Segment, line);
          if (idx < line.segments.length - 1 || !cur.tailOpen) {
            this.close();
            this.fresh(line, idx + 1);
          }
          return;
        }
      }
    }
    this.close();
    this.fresh(line, 0);
  }

  /** Closes the open run and returns every run, in text order. */
  finish(): DraftRun[] {
    this.close();
    return this.drafts.sort((x, y) => x.start - y.start);
  }

  private fresh(line: LineScan, from: number): void {
    const n = line.segments.length;
    for (let k = from; k < n; k++) {
      const seg = line.segments[k] as Segment;
      if (k === n - 1 && !seg.weak && (seg.tailOpen || seg.offsetDigits !== undefined)) {
        this.current = this.builderFor(seg, line);
      } else {
        this.emitAlone(seg, line);
      }
    }
  }

  /** Segments [from, to) of a line that belong to no open run, each a run of its own. */
  private emitEach(line: LineScan, from: number, to: number): void {
    for (let k = from; k < to; k++) this.emitAlone(line.segments[k] as Segment, line);
  }

  private emitAlone(seg: Segment, line: LineScan): void {
    if (seg.weak) return;
    if (this.stream) {
      // No builder for a run of one segment: a line can hold 100,000s of them.
      const bytes = this.stream.bytes;
      for (let k = 0; k < seg.values.length; k++)
        bytes.push(seg.values[k] as number, seg.starts[k] as number, seg.ends[k] as number);
      this.stream.span(seg.start, seg.tailEnd, seg.family);
      this.stream.runDone(seg.truncated === true, NO_NOTES);
      return;
    }
    const stats: RunStats = {
      family: seg.family,
      byteCount: Math.min(seg.values.length, this.maxBytes),
      decimalDigits: seg.decimalDigits,
      letterDigits: seg.letterDigits,
      prefixed: seg.prefixed === true,
    };
    if (!this.keep(stats)) return;
    this.deliver(this.builderFor(seg, line));
  }

  private deliver(run: RunBuilder): void {
    if (this.stream) run.endStream();
    else this.drafts.push(run.draft());
  }

  private builderFor(seg: Segment, line: LineScan): RunBuilder {
    const builder = new RunBuilder(seg.form, seg.family, seg.start, this.maxBytes, seg.values.length, this.stream);
    builder.prefixed = seg.prefixed === true;
    builder.append(seg, line);
    return builder;
  }

  /** Ends the open run (a line that cannot continue it was read without a LineScan: the strict parse's fast path). */
  endRun(): void {
    this.close();
  }

  private close(): void {
    const cur = this.current;
    this.current = undefined;
    if (cur && this.keep(cur.stats())) this.deliver(cur);
  }
}
