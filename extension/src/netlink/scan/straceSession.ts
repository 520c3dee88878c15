// A whole strace session log (`strace -e trace=%net -e read=all -e write=all`, with or without -f / -t / -tt):
// syscall lines, strace's own decoding of the netlink messages inside them, and the buffer dumps after them
// (straceDump.ts). The dumps are the bytes; each is tied to the syscall line above it. strace's decoding lines are
// left alone when a dump follows them: the MAC addresses and `"\x00\x01..."` attribute payloads they print are
// pieces of the message dumped below, not messages of their own. (Without a dump, a payload strace printed as a
// string is all there is of the message body, and stays a run.)

/** The syscall a strace dump belongs to. */
export interface StraceCall {
  /** 1-based line number of the syscall line. */
  readonly line: number;
  /** The syscall's name, e.g. "sendmsg". */
  readonly syscall: string;
  /** Its first argument when that is a number (the socket). */
  readonly fd?: number;
  /** What strace printed after " = " (e.g. "52", or "-1 ENOBUFS (No buffer space available)"). */
  readonly result?: string;
}

// Optional pid (-f: "1234  ", or "[pid  1234] "), optional time (-t, -tt, -ttt, -r), then the call or its resumption.
const SYSCALL_LINE = /[ \t]*(?:\[pid +\d+\] +|\d+ +)?(?:\d[\d:.]* +)?(?:<\.\.\. ([a-z_0-9]+) resumed>|([a-z_0-9]+)\()/y;
const BUFFER_LINE = /[ \t]*\* \d+ bytes in buffer \d+[ \t\r]*$/my;
const MAX_RESULT = 80;
/** How far back a dump looks for its syscall line: the rows of the call's other buffers lie between. */
const MAX_LINES_BACK = 1 << 14;

interface CallHead {
  readonly syscall: string;
  readonly fd?: number;
  readonly result?: string;
}

/** The last " = " in [start, end), or -1: searched within the line only (lastIndexOf would read on past its start). */
function lastEquals(text: string, start: number, end: number): number {
  for (let k = end - 3; k >= start; k--) {
    if (text.charCodeAt(k + 1) === 61 && text.charCodeAt(k) === 32 && text.charCodeAt(k + 2) === 32) return k;
  }
  return -1;
}

function callAt(text: string, start: number, end: number): CallHead | undefined {
  SYSCALL_LINE.lastIndex = start;
  const m = SYSCALL_LINE.exec(text);
  if (!m || m.index !== start || SYSCALL_LINE.lastIndex > end) return undefined;
  const syscall = (m[1] ?? m[2]) as string;
  let fd: number | undefined;
  if (m[2] !== undefined) {
    let k = SYSCALL_LINE.lastIndex;
    let v = 0;
    while (k < end && text.charCodeAt(k) >= 48 && text.charCodeAt(k) <= 57 && k - SYSCALL_LINE.lastIndex < 9)
      v = v * 10 + text.charCodeAt(k++) - 48;
    if (k > SYSCALL_LINE.lastIndex && (text.charCodeAt(k) === 44 || text.charCodeAt(k) === 41)) fd = v;
  }
  const eq = lastEquals(text, start, end);
  const result = eq >= 0 ? text.slice(eq + 3, Math.min(end, eq + 3 + MAX_RESULT)).trimEnd() : undefined;
  return { syscall, ...(fd !== undefined ? { fd } : {}), ...(result ? { result } : {}) };
}

/**
 * Recognises strace's decoding lines as the lines are read in order: a syscall line that holds a decoded netlink
 * header (`nlmsg_len=`) and is followed by strace's dump of the same bytes. Linear over the text: the marker is
 * searched for once per occurrence, not once per line.
 */
export class StraceDecodeLines {
  private next = -2;

  constructor(private readonly text: string) {}

  /** Is the line [start, end) one of strace's decoding lines? Lines must be asked about in text order. */
  has(start: number, end: number): boolean {
    if (this.next === -1) return false;
    if (this.next < start) this.next = this.text.indexOf('nlmsg_len=', start);
    if (this.next < 0 || this.next >= end) return false;
    return dumpFollows(this.text, end) && callAt(this.text, start, end) !== undefined;
  }
}

/** Does the line after the one ending at `end` start a strace dump (" | 00000  " or " * N bytes in buffer K")? */
function dumpFollows(text: string, end: number): boolean {
  let k = end + 1;
  while (k < text.length && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
  const c = text.charCodeAt(k);
  return (c === 124 || c === 42) && text.charCodeAt(k + 1) === 32;
}

/** Start of the line before the one starting at `lineStart`, or -1 at the text's start. */
function previousLineStart(text: string, lineStart: number): number {
  if (lineStart <= 0) return -1;
  if (lineStart === 1) return 0;
  const nl = text.lastIndexOf('\n', lineStart - 2);
  return nl + 1;
}

type FoundCall = (CallHead & { lineStart: number }) | undefined;

/**
 * Finds the syscall line above each strace dump, asked in text order: back over the rows and " * N bytes in buffer
 * K" lines of the same call. A walk that reaches the previous dump has the previous dump's answer, so the text
 * between two dumps is walked once, however many dumps there are.
 */
export class StraceCalls {
  private previousStart = -1;
  private previous: FoundCall;

  constructor(private readonly text: string) {}

  /** The call of the dump starting at `dumpStart`; its line number is for the caller to count from `lineStart`. */
  before(dumpStart: number): FoundCall {
    const found = this.walk(dumpStart);
    this.previousStart = dumpStart;
    this.previous = found;
    return found;
  }

  private walk(dumpStart: number): FoundCall {
    const text = this.text;
    let ls = text.lastIndexOf('\n', dumpStart - 1) + 1;
    for (let n = 0; n < MAX_LINES_BACK; n++) {
      ls = previousLineStart(text, ls);
      if (ls < 0) return undefined;
      if (ls <= this.previousStart) return this.previous;
      let le = text.indexOf('\n', ls);
      if (le < 0) le = text.length;
      let c = ls;
      while (c < le && (text.charCodeAt(c) === 32 || text.charCodeAt(c) === 9)) c++;
      if (text.charCodeAt(c) === 124) continue; // a dump row of the call's previous buffer
      BUFFER_LINE.lastIndex = ls;
      if (BUFFER_LINE.test(text) && BUFFER_LINE.lastIndex <= le) continue;
      const call = callAt(text, ls, le);
      return call ? { ...call, lineStart: ls } : undefined;
    }
    return undefined;
  }
}

/** `recvmsg(3, ...) = 52`: a syscall line, shortened, for run headers (the caller escapes it where it is shown). */
export function straceCallText(call: StraceCall): string {
  const fd = call.fd !== undefined ? `${call.fd}, ` : '';
  return `${call.syscall}(${fd}...)${call.result !== undefined ? ` = ${call.result}` : ''}`;
}

/** Counts lines forward from a known position: runs are tied in text order, so the whole text is read once. */
export class LineCounter {
  private pos = 0;
  private line = 1;

  constructor(private readonly text: string) {}

  /** 1-based line number of `offset` (offsets asked for must not decrease). */
  lineOf(offset: number): number {
    for (let k = this.text.indexOf('\n', this.pos); k >= 0 && k < offset; k = this.text.indexOf('\n', k + 1))
      this.line++;
    this.pos = offset;
    return this.line;
  }
}
