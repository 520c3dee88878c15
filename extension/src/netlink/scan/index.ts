// The hex scanner: finds bytes written as text (spaced or contiguous hex, C arrays, escaped strings, hexdump/xxd/od
// dumps, print_hex_dump's little-endian words, strace and Wireshark dumps, libmnl's mnl_nlmsg_fprintf output,
// colon-separated hex) and maps each byte back to where it is written.
// Pure TypeScript: no vscode, no node built-ins.
import { linesJoin, RunAssembler, type DraftRun } from './assemble';
import { isBlankCode, isHexCode, isWordCode } from './chars';
import { scanLine } from './line';
import { scanFilter } from './rules';
import { LineCounter, StraceCalls, StraceDecodeLines } from './straceSession';
import { parseHexStrict, type ParseHexResult } from './strict';
import type { HexRun, LineScan } from './types';

export type { HexForm, HexRun } from './types';
export type { StraceCall } from './straceSession';
export { straceCallText } from './straceSession';
export type { ParseHexResult } from './strict';

const DEFAULT_MAX_BYTES = 1 << 20;
const DEFAULT_MAX_LINES = 4096;
const DEFAULT_MIN_BYTES = 4;

export interface HexScanLimits {
  /** Bytes read around the hover before giving up (default 1 MiB); the run is then marked truncated. */
  readonly maxBytes?: number;
  /** Lines read around the hover (default 4096). */
  readonly maxLines?: number;
  /** Shorter runs are not returned (default 4). */
  readonly minBytes?: number;
}

const SCAN = { relaxed: false } as const;

function toHexRun(draft: DraftRun, truncated: boolean): HexRun {
  return {
    form: draft.form,
    bytes: draft.bytes,
    byteStart: draft.byteStart,
    byteEnd: draft.byteEnd,
    start: draft.start,
    end: draft.end,
    ...(draft.truncated || truncated ? { truncated: true } : {}),
    ...(draft.notes.length > 0 ? { notes: draft.notes } : {}),
  };
}

/** Rough byte count of a line, for the expansion budget. */
function lineBytes(line: LineScan): number {
  let n = line.mnl ? 4 : 0;
  for (const s of line.segments) n += s.values.length;
  return n;
}

/** Start of the line holding `at`, or -1 when it is more than `limit` characters back. */
function lineStartWithin(text: string, at: number, limit: number): number {
  const stop = Math.max(0, at - limit);
  for (let k = at - 1; k >= stop; k--) if (text.charCodeAt(k) === 10) return k + 1;
  return stop === 0 ? 0 : -1;
}

/** End of the line holding `at` (its '\n' or the text end), or -1 when it is more than `limit` characters on. */
function lineEndWithin(text: string, at: number, limit: number): number {
  const stop = Math.min(text.length, at + limit);
  for (let k = at; k < stop; k++) if (text.charCodeAt(k) === 10) return k;
  return stop === text.length ? text.length : -1;
}

/**
 * Start of the scan window inside a very long line: just after the first non-word character following `at` if one
 * is near, so no token is cut; otherwise (inside a huge contiguous blob) an even distance from where the blob's
 * digits begin, found within 4 Mi characters back, which keeps its byte pairs aligned.
 */
function windowStart(text: string, at: number, lineStart: number): number {
  for (let k = at; k < at + 256 && k < text.length; k++) {
    if (!isWordCode(text.charCodeAt(k))) return k + 1;
  }
  const stop = Math.max(lineStart, at - (1 << 22));
  let wordStart = at;
  while (wordStart > stop && isHexCode(text.charCodeAt(wordStart - 1))) wordStart--;
  return at - ((at - wordStart) % 2);
}

function windowEnd(text: string, at: number, from: number): number {
  for (let k = at; k > at - 256 && k > from; k--) {
    if (isBlankCode(text.charCodeAt(k - 1))) return k - 1;
  }
  return at - ((at - from) % 2);
}

/** The run that covers `offset` or, failing that, the nearest one on the same line. */
function pickRun(drafts: DraftRun[], offset: number, lineStart: number, lineEnd: number): DraftRun | undefined {
  let best: DraftRun | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const d of drafts) {
    if (d.start > lineEnd || d.end < lineStart) continue;
    const distance = offset < d.start ? d.start - offset : offset >= d.end ? offset - d.end + 1 : 0;
    if (distance < bestDistance || (distance === bestDistance && best && d.bytes.length > best.bytes.length)) {
      best = d;
      bestDistance = distance;
    }
  }
  return best;
}

interface Neighbours {
  /** Which way to read, and how far: at most `lineLimit` lines, while the bytes read in all stay within budget. */
  readonly up: boolean;
  readonly lineLimit: number;
  readonly byteBudget: number;
  /** Bytes read before this walk (they count against the budget). */
  readonly bytes: number;
}

interface NeighbourLines {
  /** Nearest first. */
  readonly lines: LineScan[];
  /** A limit stopped the walk while the run still went on: the run may be longer than what was read. */
  readonly cut: boolean;
  readonly bytes: number;
}

/**
 * The lines above or below `from` (whose line ends at `fromEnd` in the text: scanLine may have dropped a '\r')
 * that continue its run, read one at a time.
 */
function readNeighbours(
  text: string,
  from: LineScan,
  fromEnd: number,
  maxLineChars: number,
  walk: Neighbours,
): NeighbourLines {
  const lines: LineScan[] = [];
  let bytes = walk.bytes;
  let edge = from;
  let edgeEnd = fromEnd;
  for (;;) {
    if (walk.up ? edge.start === 0 : edgeEnd >= text.length) return { lines, cut: false, bytes };
    const start = walk.up ? lineStartWithin(text, edge.start - 1, maxLineChars) : edgeEnd + 1;
    const end = walk.up ? edge.start - 1 : lineEndWithin(text, start, maxLineChars);
    if (start < 0 || end < 0) {
      // A neighbour too long to read is left out; the run may have gone on into it only if it reaches that edge of
      // its line.
      const reaches = walk.up
        ? edge.segments[0]?.start === edge.contentStart
        : edge.segments[edge.segments.length - 1]?.tailOpen === true;
      return { lines, cut: edge.mnl !== undefined || reaches, bytes };
    }
    const line = scanLine(text, start, end, SCAN);
    if (!(walk.up ? linesJoin(line, edge) : linesJoin(edge, line))) return { lines, cut: false, bytes };
    const n = lineBytes(line);
    if (lines.length >= walk.lineLimit || bytes + n > walk.byteBudget) return { lines, cut: true, bytes };
    lines.push(line);
    bytes += n;
    edge = line;
    edgeEnd = end;
  }
}

/**
 * The run that covers `offset` (or is on the same line), reading only the lines of that run: never the whole
 * document. Starting at the hovered line it reads line by line up and down while the lines continue the run, at
 * most `maxLines` lines and about `maxBytes` bytes; a run cut by those limits is marked `truncated`.
 * Returns undefined when no run of at least `minBytes` bytes touches the line, or when `offset` is outside the text.
 */
export function findHexRunAt(text: string, offset: number, limits: HexScanLimits = {}): HexRun | undefined {
  const maxBytes = Math.max(1, limits.maxBytes ?? DEFAULT_MAX_BYTES);
  const maxLines = Math.max(1, limits.maxLines ?? DEFAULT_MAX_LINES);
  const minBytes = limits.minBytes ?? DEFAULT_MIN_BYTES;
  if (!(offset >= 0 && offset <= text.length)) return undefined;
  // A huge single line (minified data, a long blob) is read only in a window around the hover: 256 Ki characters
  // hold a run of over 40 KiB even in C-array form, and reading more would make the hover cost grow with the line.
  // Even its ends are searched for only that far.
  const maxLineChars = Math.max(1 << 16, Math.min(maxBytes * 8, 1 << 18));
  const lineStart = lineStartWithin(text, offset, maxLineChars);
  const lineEnd = lineEndWithin(text, offset, maxLineChars);
  if (lineStart < 0 || lineEnd < 0 || lineEnd - lineStart > maxLineChars) {
    const half = maxLineChars >> 1;
    const knownStart = lineStart < 0 ? 0 : lineStart;
    const knownEnd = lineEnd < 0 ? text.length : lineEnd;
    const from = offset - half > knownStart ? windowStart(text, offset - half, knownStart) : knownStart;
    const to = offset + half < knownEnd ? windowEnd(text, offset + half, from) : knownEnd;
    const assembler = new RunAssembler(maxBytes, scanFilter(minBytes));
    assembler.feed(scanLine(text, from, Math.max(from, to), SCAN));
    const pick = pickRun(assembler.finish(), offset, from, to);
    if (!pick) return undefined;
    // Only a run that reaches an edge of the window may go on beyond it.
    const cut = (from > knownStart && pick.start <= from + 1) || (to < knownEnd && pick.end >= to - 1);
    return toHexRun(pick, cut);
  }

  const hovered = scanLine(text, lineStart, lineEnd, SCAN);
  if (hovered.segments.length === 0 && !hovered.mnl && !hovered.squeeze && hovered.lastWord === undefined)
    return undefined;

  // Up to half the lines and bytes above the hovered line; below, whatever that left.
  const up = readNeighbours(text, hovered, lineEnd, maxLineChars, {
    up: true,
    lineLimit: (maxLines - 1) >> 1,
    byteBudget: maxBytes >> 1,
    bytes: lineBytes(hovered),
  });
  const down = readNeighbours(text, hovered, lineEnd, maxLineChars, {
    up: false,
    lineLimit: maxLines - 1 - up.lines.length,
    byteBudget: maxBytes,
    bytes: up.bytes,
  });
  const assembler = new RunAssembler(maxBytes, scanFilter(minBytes));
  for (let k = up.lines.length - 1; k >= 0; k--) assembler.feed(up.lines[k] as LineScan);
  assembler.feed(hovered);
  for (const line of down.lines) assembler.feed(line);
  const pick = pickRun(assembler.finish(), offset, lineStart, lineEnd);
  if (!pick) return undefined;
  const top = up.lines[up.lines.length - 1] ?? hovered;
  const bottom = down.lines[down.lines.length - 1] ?? hovered;
  const cut = (up.cut && pick.start <= top.end) || (down.cut && pick.end >= bottom.start);
  return toHexRun(pick, cut);
}

/**
 * All runs in `text` (for the CLI and "decode file"), in order, in one pass over the lines (linear time).
 * Runs shorter than `minBytes` (default 4) are skipped.
 */
export function findHexRuns(text: string, minBytes: number = DEFAULT_MIN_BYTES): HexRun[] {
  const assembler = new RunAssembler(Number.POSITIVE_INFINITY, scanFilter(minBytes));
  const straceLines = new StraceDecodeLines(text);
  for (let s = 0; ;) {
    const nl = text.indexOf('\n', s);
    const e = nl < 0 ? text.length : nl;
    const line = scanLine(text, s, e, SCAN);
    // strace's decoding of a message it also dumps: its MACs and "\x.." payloads are no messages of their own.
    if (line.segments.length > 0 && straceLines.has(s, e))
      assembler.feed({ ...line, segments: [], lastWord: undefined });
    else assembler.feed(line);
    if (nl < 0) break;
    s = nl + 1;
  }
  const runs: HexRun[] = [];
  const lines = new LineCounter(text);
  const calls = new StraceCalls(text);
  for (const d of assembler.finish()) {
    const run = toHexRun(d, false);
    const call = d.form === 'strace' ? calls.before(d.start) : undefined;
    if (call) {
      const { lineStart, ...head } = call;
      runs.push({ ...run, syscall: { line: lines.lineOf(lineStart), ...head } });
    } else runs.push(run);
  }
  return runs;
}

/**
 * Strict parse of a whole user-given hex string (CLI args, builder input) in any of the forms above. Every
 * non-blank character must belong to the bytes' syntax (a C declaration around an array is allowed). Never throws:
 * returns `{ error, offset }` at the first character that is not part of a byte (odd digit counts, stray
 * characters), or `{ error: 'no hex bytes found', offset: 0 }` for blank input.
 */
export function parseHexText(text: string): ParseHexResult {
  return parseHexStrict(text);
}
export { parseSpacedHexBytes } from './spacedBytes';
