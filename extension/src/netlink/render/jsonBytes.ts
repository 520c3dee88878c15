// JSON of decode results written straight into UTF-8 byte buffers: the same bytes as JSON.stringify(value) or
// JSON.stringify(value, null, 2) (a unit test holds it to that on every fixture and on fuzzed decodes), without
// building the text as a string first. The CLI's --json output spends most of its time there otherwise: the
// string of a batch, its copy when spliced, its UTF-8 encoding and the garbage of all three.
//
// What it covers is what decode results hold: plain objects (own enumerable keys in their order, undefined
// members left out), arrays (undefined as null), strings, numbers (non-finite as null), booleans and null.
// Nothing in them has toJSON, and none of their keys is an integer-like string (those JSON.stringify would order
// first): decoded names are identifiers. Attributes, the objects of which a decode makes millions, take a path of
// their own (attr()) that reads their fixed members without enumerating keys; anything else goes through the
// general walk.
import { concatBytes } from '../encode';
import type { DecodedAttr } from '../types';

/** Receives each full buffer; the writer does not touch a handed-over buffer again. */
export type ByteSink = (bytes: Uint8Array) => void;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const HEX_DIGITS = '0123456789abcdef';
/** Worst case per UTF-16 unit: `\u001f` is 6 bytes. */
const MAX_BYTES_PER_UNIT = 6;
/** Text up to this long is encoded by the loop here; longer by TextEncoder (whose call costs more than short text). */
const SHORT_TEXT = 64;
const textEncoder = new TextEncoder();
/** Attribute members in the order attrs.ts creates them: the fast path writes them without looking at keys. */
const ATTR_KEYS = [
  'type',
  'name',
  'kind',
  'offset',
  'length',
  'nested',
  'netByteOrder',
  'value',
  'valueName',
  'attrs',
  'fields',
] as const;

function asciiBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export class JsonBytesWriter {
  private buf: Uint8Array;
  private pos = 0;
  /** Buffers the sink is done with, filled again before new memory is taken (fresh pages cost faults). */
  private readonly spare: Uint8Array[] = [];
  /** Per nesting level: `,` then the indentation then `"key":` (and a space when indented), per key seen. */
  private readonly members: Map<string, Uint8Array>[] = [];
  /** Per nesting level: the attribute members' separators and keys, in ATTR_KEYS order. */
  private readonly attrMembers: Uint8Array[][] = [];
  /** Per nesting level: an attribute's constant runs (see attr()). */
  private readonly attrSegments: AttrSegments[] = [];
  /** Per nesting level: `,` then the newline and indentation (just `,` when compact). */
  private readonly separators: Uint8Array[] = [];

  /**
   * `indent`: 0 for JSON.stringify(v), 2 for JSON.stringify(v, null, 2). `bufferBytes`: the size of the buffers
   * handed to `sink` (each full one as it fills, the last by flush()).
   */
  constructor(
    private readonly sink: ByteSink,
    private readonly indent: 0 | 2 = 0,
    private readonly bufferBytes = 256 * 1024,
  ) {
    this.buf = new Uint8Array(bufferBytes);
  }

  /** Bytes written and not yet handed to the sink. */
  get pending(): number {
    return this.pos;
  }

  /** Gives back a buffer the sink received, once its bytes are written out: the writer fills it again. */
  recycle(bytes: Uint8Array): void {
    if (bytes.buffer.byteLength === this.bufferBytes && this.spare.length < 4)
      this.spare.push(new Uint8Array(bytes.buffer, 0, this.bufferBytes));
  }

  /** Hands what is written so far to the sink (nothing when empty) and starts a new buffer. */
  flush(): void {
    if (this.pos === 0) return;
    const full = this.buf.subarray(0, this.pos);
    this.buf = this.spare.pop() ?? new Uint8Array(this.bufferBytes);
    this.pos = 0;
    this.sink(full);
  }

  /** Any text, as UTF-8 (a lone surrogate as U+FFFD, as Buffer writes it): for the parts around the JSON. */
  text(s: string): void {
    this.room(s.length * 3);
    if (s.length > SHORT_TEXT) {
      // The engine's encoder: a rendered message's text is long, and it copies ASCII runs at memory speed.
      this.pos += textEncoder.encodeInto(s, this.buf.subarray(this.pos)).written;
      return;
    }
    let p = this.pos;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) this.buf[p++] = c;
      else {
        p = this.utf8Unit(s, i, c, p, false);
        if (isHigh(c) && isLow(s.charCodeAt(i + 1))) i++;
      }
    }
    this.pos = p;
  }

  /** One JSON value whose inner lines are indented for nesting `level`; undefined writes `null`. */
  value(v: unknown, level = 0): void {
    switch (typeof v) {
      case 'string':
        this.string(v);
        return;
      case 'number':
        this.number(v);
        return;
      case 'boolean':
        this.ascii(v ? 'true' : 'false');
        return;
      case 'object':
        if (v === null) this.ascii('null');
        else if (Array.isArray(v)) this.array(v, level);
        else this.object(v as Readonly<Record<string, unknown>>, level);
        return;
      default:
        this.ascii('null');
    }
  }

  /**
   * `{` and the members of `prefix`, then those of `o`, then `}`: what JSON.stringify({...prefix, ...o}) writes
   * when no key is in both, without the merged object.
   */
  merged(prefix: object, o: object, level = 0): void {
    const first = this.members_(prefix as Readonly<Record<string, unknown>>, level + 1, true);
    this.closeObject(this.members_(o as Readonly<Record<string, unknown>>, level + 1, first), level);
  }

  private attr(a: DecodedAttr, level: number): void {
    const inner = level + 1;
    const k = this.attrMembers[inner] ?? this.makeAttrMembers(inner);
    const seg = this.attrSegments[inner] ?? this.makeAttrSegments(inner, k);
    // Runs of constant text joined: `{"type":`, then `,"kind":"<kind>","offset":` (one per kind) and the two
    // booleans with their keys (four variants): one copy each instead of four to six calls.
    this.bytesFrom(seg.open, 0);
    this.number(a.type);
    // `,"name":"<name>","kind":"<kind>","offset":` is one run per name: a family's attributes are a few hundred
    // names, each of one kind, written millions of times over.
    const named = seg.names.get(a.name);
    if (named !== undefined && named.kind === a.kind) this.bytesFrom(named.bytes, 0);
    else this.nameAndKind(seg, k, a.name, a.kind);
    this.number(a.offset);
    this.bytesFrom(k[4]!, 0);
    this.number(a.length);
    this.bytesFrom(seg.flags[(a.nested ? 2 : 0) | (a.netByteOrder ? 1 : 0)]!, 0);
    const value = a.value;
    if (value !== undefined) {
      this.bytesFrom(k[7]!, 0);
      if (typeof value === 'number') this.number(value);
      else if (typeof value === 'string') this.string(value);
      else this.value(value, inner);
    }
    if (a.valueName !== undefined) {
      this.bytesFrom(k[8]!, 0);
      this.string(a.valueName);
    }
    if (a.attrs !== undefined) {
      this.bytesFrom(k[9]!, 0);
      this.array(a.attrs, inner);
    }
    if (a.fields !== undefined) {
      this.bytesFrom(k[10]!, 0);
      this.object(a.fields, inner);
    }
    this.close(0x7d, level);
  }

  private array(list: readonly unknown[], level: number): void {
    if (list.length === 0) {
      this.ascii('[]');
      return;
    }
    this.byte(0x5b);
    const inner = level + 1;
    const sep = this.separator(inner);
    for (let i = 0; i < list.length; i++) {
      this.bytesFrom(sep, i === 0 ? 1 : 0);
      const v = list[i];
      if (v !== null && typeof v === 'object' && isDecodedAttr(v)) this.attr(v as DecodedAttr, inner);
      else this.value(v, inner);
    }
    this.close(0x5d, level);
  }

  private object(o: Readonly<Record<string, unknown>>, level: number): void {
    this.closeObject(this.members_(o, level + 1, true), level);
  }

  /** Writes the members of `o` (after `{` when `first`); returns whether none was written, i.e. still first. */
  private members_(o: Readonly<Record<string, unknown>>, level: number, first: boolean): boolean {
    for (const key in o) {
      const v = o[key];
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      if (first) this.byte(0x7b);
      this.bytesFrom(this.member(key, level), first ? 1 : 0);
      first = false;
      this.value(v, level);
    }
    return first;
  }

  private closeObject(empty: boolean, level: number): void {
    if (empty) this.ascii('{}');
    else this.close(0x7d, level);
  }

  private close(bracket: number, level: number): void {
    if (this.indent !== 0) this.bytesFrom(this.separator(level), 1);
    this.byte(bracket);
  }

  private separator(level: number): Uint8Array {
    let sep = this.separators[level];
    if (sep === undefined) {
      sep = asciiBytes(this.indent === 0 ? ',' : `,\n${' '.repeat(level * this.indent)}`);
      this.separators[level] = sep;
    }
    return sep;
  }

  private member(key: string, level: number): Uint8Array {
    let byKey = this.members[level];
    if (byKey === undefined) {
      byKey = new Map();
      this.members[level] = byKey;
    }
    let b = byKey.get(key);
    if (b === undefined) {
      const sep = this.separator(level);
      b = concatBytes([sep, textEncoder.encode(`${JSON.stringify(key)}:${this.indent === 0 ? '' : ' '}`)]);
      byKey.set(key, b);
    }
    return b;
  }

  private makeAttrMembers(level: number): Uint8Array[] {
    const k = ATTR_KEYS.map((key) => this.member(key, level));
    this.attrMembers[level] = k;
    return k;
  }

  private makeAttrSegments(level: number, k: readonly Uint8Array[]): AttrSegments {
    const bool = (b: boolean): Uint8Array => asciiBytes(b ? 'true' : 'false');
    const seg: AttrSegments = {
      open: concatBytes([asciiBytes('{'), k[0]!.subarray(1)]),
      kinds: new Map(),
      names: new Map(),
      flags: [0, 1, 2, 3].map((f) => concatBytes([k[5]!, bool((f & 2) !== 0), k[6]!, bool((f & 1) !== 0)])),
    };
    this.attrSegments[level] = seg;
    return seg;
  }

  /**
   * Writes `,"name":"<name>","kind":"<kind>","offset":` the long way, and keeps it as one run for the next
   * attribute of that name (unless the cache is full: a hostile spec can name any number of attributes).
   */
  private nameAndKind(seg: AttrSegments, k: readonly Uint8Array[], name: string, kind: string): void {
    let kindRun = seg.kinds.get(kind);
    if (kindRun === undefined) {
      kindRun = concatBytes([k[2]!, textEncoder.encode(JSON.stringify(kind)), k[3]!]);
      if (seg.kinds.size < MAX_KIND_SEGMENTS) seg.kinds.set(kind, kindRun);
    }
    // Room for all of it first, so that no buffer is handed over between `start` and the end of the run.
    this.room(k[1]!.length + name.length * MAX_BYTES_PER_UNIT + 2 + kindRun.length);
    const start = this.pos;
    this.bytesFrom(k[1]!, 0);
    this.string(name);
    this.bytesFrom(kindRun, 0);
    if (seg.names.size < MAX_NAME_SEGMENTS && name.length <= MAX_NAME_LENGTH)
      seg.names.set(name, { kind, bytes: this.buf.slice(start, this.pos) });
  }

  private number(n: number): void {
    if (n >= 0 && n <= 0x7fffffff && (n | 0) === n) {
      if (this.pos + 10 > this.buf.length) this.room(10);
      const buf = this.buf;
      if (n < 10) {
        buf[this.pos++] = 0x30 + n;
        return;
      }
      let p = this.pos + (n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : n < 100000 ? 5 : digitCount(n));
      this.pos = p;
      for (let t = n; t > 0; t = (t / 10) | 0) buf[--p] = 0x30 + (t % 10);
      return;
    }
    // Negative, fractional, large or non-finite: the engine's own formatting, which JSON uses.
    this.ascii(Number.isFinite(n) ? String(n) : 'null');
  }

  private string(s: string): void {
    const n = s.length;
    if (this.pos + n * MAX_BYTES_PER_UNIT + 2 > this.buf.length) this.room(n * MAX_BYTES_PER_UNIT + 2);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = QUOTE;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x20 && c < 0x80) {
        if (c === QUOTE || c === BACKSLASH) buf[p++] = BACKSLASH;
        buf[p++] = c;
      } else if (c < 0x20) p = escapeControl(buf, p, c);
      else {
        p = this.utf8Unit(s, i, c, p, true);
        if (isHigh(c) && isLow(s.charCodeAt(i + 1))) i++;
      }
    }
    buf[p++] = QUOTE;
    this.pos = p;
  }

  /**
   * Writes the character at s[i] (c >= 0x80) at p and returns the new position. A surrogate pair is one code
   * point of 4 bytes; a lone surrogate is `\udXXX` in JSON (as JSON.stringify writes it), U+FFFD in text.
   */
  private utf8Unit(s: string, i: number, c: number, p: number, json: boolean): number {
    const buf = this.buf;
    if (c < 0x800) {
      buf[p++] = 0xc0 | (c >> 6);
      buf[p++] = 0x80 | (c & 0x3f);
      return p;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (isHigh(c) && isLow(next)) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        buf[p++] = 0xf0 | (cp >> 18);
        buf[p++] = 0x80 | ((cp >> 12) & 0x3f);
        buf[p++] = 0x80 | ((cp >> 6) & 0x3f);
        buf[p++] = 0x80 | (cp & 0x3f);
        return p;
      }
      if (json) {
        buf[p++] = BACKSLASH;
        return hexUnit(buf, p, c);
      }
      c = 0xfffd;
    }
    buf[p++] = 0xe0 | (c >> 12);
    buf[p++] = 0x80 | ((c >> 6) & 0x3f);
    buf[p++] = 0x80 | (c & 0x3f);
    return p;
  }

  /** ASCII text known to need no escaping (literals, numbers). */
  private ascii(s: string): void {
    if (this.pos + s.length > this.buf.length) this.room(s.length);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** b[from..]: separators, keys and the constant runs between values. */
  private bytesFrom(b: Uint8Array, from: number): void {
    if (this.pos + b.length > this.buf.length) this.room(b.length);
    const buf = this.buf;
    if (from === 0 && b.length > LONG_RUN) {
      buf.set(b, this.pos);
      this.pos += b.length;
      return;
    }
    let p = this.pos;
    for (let i = from; i < b.length; i++) buf[p++] = b[i]!;
    this.pos = p;
  }

  private byte(b: number): void {
    if (this.pos === this.buf.length) this.room(1);
    this.buf[this.pos++] = b;
  }

  /** Makes room for `n` more bytes: hands a full buffer over, or grows one that a single long string needs. */
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = new Uint8Array(n);
  }
}

/** An attribute's constant runs at one nesting level: the opening, per kind its key run, the boolean pairs. */
interface AttrSegments {
  readonly open: Uint8Array;
  readonly kinds: Map<string, Uint8Array>;
  /** Per attribute name: the run from `,"name":` to `"offset":`, for the kind it was first written with. */
  readonly names: Map<string, { readonly kind: string; readonly bytes: Uint8Array }>;
  /** Indexed by (nested ? 2 : 0) | (netByteOrder ? 1 : 0). */
  readonly flags: readonly Uint8Array[];
}

/** Longer runs are copied by set() (a memcpy); shorter ones by a loop, which costs less than set()'s call. */
const LONG_RUN = 24;

/** Kinds whose runs are kept per level: the decoder's kinds are a few dozen. */
const MAX_KIND_SEGMENTS = 64;

/** Names whose runs are kept per level (all of rtnetlink's are ~600), and the longest name kept. */
const MAX_NAME_SEGMENTS = 4096;
const MAX_NAME_LENGTH = 64;

function digitCount(n: number): number {
  let digits = 1;
  for (let t = n; t >= 10; t = (t / 10) | 0) digits++;
  return digits;
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/**
 * Whether `o` is a decoded attribute (the only result object with `netByteOrder`). Its members are written in the
 * order of DecodedAttr in types.ts, which is the order attrs.ts creates them in: the unit test holds that to
 * JSON.stringify on every fixture and on fuzzed decodes.
 */
function isDecodedAttr(o: object): boolean {
  return 'netByteOrder' in o;
}

function escapeControl(buf: Uint8Array, p: number, c: number): number {
  buf[p++] = BACKSLASH;
  switch (c) {
    case 0x08:
      buf[p++] = 0x62; // b
      return p;
    case 0x09:
      buf[p++] = 0x74; // t
      return p;
    case 0x0a:
      buf[p++] = 0x6e; // n
      return p;
    case 0x0c:
      buf[p++] = 0x66; // f
      return p;
    case 0x0d:
      buf[p++] = 0x72; // r
      return p;
    default:
      return hexUnit(buf, p, c);
  }
}

/** `uXXXX` (lowercase, as JSON.stringify writes it), after the backslash. */
function hexUnit(buf: Uint8Array, p: number, c: number): number {
  buf[p++] = 0x75; // u
  buf[p++] = HEX_DIGITS.charCodeAt((c >> 12) & 0xf);
  buf[p++] = HEX_DIGITS.charCodeAt((c >> 8) & 0xf);
  buf[p++] = HEX_DIGITS.charCodeAt((c >> 4) & 0xf);
  buf[p++] = HEX_DIGITS.charCodeAt(c & 0xf);
  return p;
}
