// Reading pcap and pcapng captures of netlink traffic, incrementally: bytes are pushed in chunks of any size and
// every record is handed to a sink as soon as its last byte arrives. Memory stays bounded: at most one partial
// record (or block) is buffered, a record larger than maxRecordBytes is skipped by counting (never buffered), and
// blocks the reader has no use for are skipped the same way. Nothing throws on any input: malformed bytes become
// problems located by file offset, and reading goes on wherever the framing allows (a record's own length),
// stopping with a problem where it does not (a pcapng block length that cannot be right).
import { linkLayer, type LinkLayer } from './linkLayer';

export type CaptureFormat = 'pcap' | 'pcapng';

export interface CaptureRecord {
  /** Record number in the file, from 0 (packets only; markers are not counted). */
  readonly index: number;
  /** File offset of the record's pcap header / pcapng block. */
  readonly offset: number;
  /** File offset of the netlink bytes (after the link-layer pseudo-header). */
  readonly dataOffset: number;
  /** Seconds since the epoch (fractional). */
  readonly time: number;
  /** Netlink protocol from the pseudo-header (undefined if the link type has none). */
  readonly protocol: number | undefined;
  /** 253 LINKTYPE_NETLINK, 113 LINUX_SLL, 276 LINUX_SLL2. */
  readonly linkType: number;
  /** The netlink bytes captured (may be a view into the pushed chunk: copy to keep). */
  readonly bytes: Uint8Array;
  /** Netlink bytes on the wire (> bytes.length when cut by the snaplen). */
  readonly originalLength: number;
  /** pcapng opt_comment, if any. */
  readonly comment?: string;
}

/** Not a packet: something the capturer reports in band. */
export interface CaptureMarker {
  readonly offset: number;
  readonly time: number | undefined;
  /** The monitor's receive buffer overflowed (ENOBUFS): events were lost. */
  readonly kind: 'overrun';
  readonly text: string;
  /** How many, when known. */
  readonly dropped?: number;
}

/** Malformed input, located; reading goes on where it can. */
export interface CaptureProblem {
  readonly offset: number;
  readonly record?: number;
  readonly message: string;
}

export interface CaptureSink {
  record(r: CaptureRecord): void;
  problem(p: CaptureProblem): void;
  marker?(m: CaptureMarker): void;
}

export interface CaptureReaderOptions {
  /** Largest record (pcap: captured length; pcapng: block length) read; larger ones are a problem and skipped. */
  readonly maxRecordBytes?: number;
}

export const DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;

const PCAP_GLOBAL_HEADER = 24;
const PCAP_RECORD_HEADER = 16;
const PCAPNG_MIN_BLOCK = 12;
/** What the first block needs to be recognised and its byte order known (type, length, byte-order magic). */
const PCAPNG_SHB_PROBE = 12;

const BT_SHB = 0x0a0d0d0a;
const BT_IDB = 1;
const BT_OPB = 2; // the obsolete Packet Block, still written by old tools
const BT_SPB = 3;
const BT_ISB = 5;
const BT_EPB = 6;

const OPT_ENDOFOPT = 0;
const OPT_COMMENT = 1;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;
const ISB_IFDROP = 5;

const OVERRUN_PREFIX = 'overrun:';

interface Interface {
  readonly linkType: number;
  readonly layer: LinkLayer | undefined;
  readonly snapLen: number;
  /** Timestamp units per second. */
  readonly unitsPerSecond: number;
  readonly tsOffset: number;
  unknownReported: boolean;
}

type State = 'start' | 'pcap-header' | 'pcap' | 'pcapng' | 'stopped';

const utf8 = new TextDecoder('utf-8');

/**
 * The incremental reader. Internally one step function parses one unit (the file header, a record, a block) from
 * a byte range and answers how many bytes it consumed, or that it needs more (a negative count: the unit's size,
 * as far as known). The push loop feeds it straight from the pushed chunk, and buffers only when a unit straddles
 * chunks, then tops the buffer up to exactly what the step asked for, so a unit is copied at most once.
 */
export class CaptureReader {
  private readonly sink: CaptureSink;
  private readonly maxRecordBytes: number;
  private state: State = 'start';
  private fmt: CaptureFormat | undefined;
  /** File offset of the next byte to parse (the start of the partial unit while one is buffered). */
  private pos = 0;
  private partial = new Uint8Array(0);
  private partialLen = 0;
  private need = 0;
  /** Bytes still to skip of a unit too large to buffer (or of no use), and where that unit started. */
  private skipLeft = 0;
  private skipStart = 0;
  private skipWhat = '';
  private recordIndex = 0;
  // pcap
  private le = true;
  private fracPerSecond = 1e6;
  private pcapIf: Interface | undefined;
  // pcapng: the current section's byte order and interfaces
  private interfaces: Interface[] = [];

  constructor(sink: CaptureSink, options?: CaptureReaderOptions) {
    this.sink = sink;
    const max = options?.maxRecordBytes;
    this.maxRecordBytes = max !== undefined && max > 0 ? max : DEFAULT_MAX_RECORD_BYTES;
  }

  get format(): CaptureFormat | undefined {
    return this.fmt;
  }

  push(chunk: Uint8Array): void {
    let off = 0;
    while (off < chunk.length && !this.stopped()) {
      const avail = chunk.length - off;
      if (this.skipLeft > 0) {
        const n = Math.min(this.skipLeft, avail);
        this.skipLeft -= n;
        this.pos += n;
        off += n;
        continue;
      }
      if (this.partialLen > 0) {
        const take = Math.min(this.need - this.partialLen, avail);
        this.partial.set(chunk.subarray(off, off + take), this.partialLen);
        this.partialLen += take;
        off += take;
        if (this.partialLen < this.need) return;
        let r = this.step(this.partial, 0, this.partialLen, this.pos);
        // A step consumes the unit it asked for, or nothing when it only learnt the format (or stopped): then the
        // same bytes go to the next step.
        while (r >= 0 && r < this.partialLen && !this.stopped()) {
          this.partial.copyWithin(0, r, this.partialLen);
          this.partialLen -= r;
          this.pos += r;
          this.need = this.partialLen;
          r = this.step(this.partial, 0, this.partialLen, this.pos);
        }
        if (r < 0) {
          this.grow(-r);
          continue;
        }
        if (this.stopped()) return;
        this.pos += this.partialLen;
        this.partialLen = 0;
        // A large buffer is not kept for the next straddling unit: memory goes back to what the file needs now.
        if (this.partial.length > 1 << 16) this.partial = new Uint8Array(0);
        continue;
      }
      const r = this.step(chunk, off, avail, this.pos);
      if (r < 0) {
        this.partialLen = 0;
        this.grow(-r);
        this.partial.set(chunk.subarray(off), 0);
        this.partialLen = avail;
        return;
      }
      off += r;
      this.pos += r;
    }
  }

  end(): void {
    if (this.state === 'stopped') return;
    if (this.skipLeft > 0) {
      this.sink.problem({
        offset: this.skipStart,
        message: `the file ends inside ${this.skipWhat} (${this.skipLeft} bytes missing)`,
      });
    } else if (this.partialLen > 0) {
      const what = this.state === 'start' || this.state === 'pcap-header' ? 'the file header' : 'a truncated record';
      this.sink.problem({
        offset: this.pos,
        ...(this.state === 'pcap' || this.state === 'pcapng' ? { record: this.recordIndex } : {}),
        message: `${what}: ${this.partialLen} of ${this.need} bytes present at the end of the file`,
      });
    } else if (this.state === 'start') {
      this.sink.problem({ offset: 0, message: 'empty input: no pcap or pcapng header' });
    }
    this.partialLen = 0;
    this.partial = new Uint8Array(0);
    this.state = 'stopped';
  }

  /** A method, not a comparison in place: the state changes inside step(), which the compiler cannot see. */
  private stopped(): boolean {
    return this.state === 'stopped';
  }

  private grow(size: number): void {
    if (this.partial.length >= size) {
      this.need = size;
      return;
    }
    const next = new Uint8Array(size);
    next.set(this.partial.subarray(0, this.partialLen), 0);
    this.partial = next;
    this.need = size;
  }

  private stop(offset: number, message: string, record?: number): number {
    this.sink.problem(record === undefined ? { offset, message } : { offset, record, message });
    this.state = 'stopped';
    return 0;
  }

  /** Skips a unit of `total` bytes starting at `at`, of which `avail` are here. */
  private skip(at: number, total: number, avail: number, what: string): number {
    if (avail >= total) return total;
    this.skipLeft = total - avail;
    this.skipStart = at;
    this.skipWhat = what;
    return avail;
  }

  private step(b: Uint8Array, s: number, avail: number, at: number): number {
    switch (this.state) {
      case 'start':
        return this.stepStart(b, s, avail, at);
      case 'pcap-header':
        return this.stepPcapHeader(b, s, avail);
      case 'pcap':
        return this.stepPcapRecord(b, s, avail, at);
      case 'pcapng':
        return this.stepBlock(b, s, avail, at);
      case 'stopped':
        return 0;
    }
  }

  private stepStart(b: Uint8Array, s: number, avail: number, at: number): number {
    if (avail < 4) return -4;
    if (b[s] === 0x0a && b[s + 1] === 0x0d && b[s + 2] === 0x0d && b[s + 3] === 0x0a) {
      this.fmt = 'pcapng';
      this.state = 'pcapng';
      return 0;
    }
    const magicLe = u32le(b, s);
    const magicBe = u32be(b, s);
    if (magicLe === 0xa1b2c3d4 || magicLe === 0xa1b23c4d) {
      this.le = true;
      this.fracPerSecond = magicLe === 0xa1b2c3d4 ? 1e6 : 1e9;
    } else if (magicBe === 0xa1b2c3d4 || magicBe === 0xa1b23c4d) {
      this.le = false;
      this.fracPerSecond = magicBe === 0xa1b2c3d4 ? 1e6 : 1e9;
    } else {
      return this.stop(
        at,
        `not a pcap or pcapng file (starts with ${hex4(b, s)}; pcap starts with d4 c3 b2 a1, pcapng with 0a 0d 0d 0a)`,
      );
    }
    this.fmt = 'pcap';
    this.state = 'pcap-header';
    return 0;
  }

  private stepPcapHeader(b: Uint8Array, s: number, avail: number): number {
    if (avail < PCAP_GLOBAL_HEADER) return -PCAP_GLOBAL_HEADER;
    const snapLen = this.u32(b, s + 16);
    // The upper bits of the link-type field carry FCS information (none for netlink): the type is the low 16.
    const linkType = this.u32(b, s + 20) & 0xffff;
    this.pcapIf = makeInterface(linkType, snapLen, 1, 0);
    this.state = 'pcap';
    return PCAP_GLOBAL_HEADER;
  }

  private stepPcapRecord(b: Uint8Array, s: number, avail: number, at: number): number {
    if (avail < PCAP_RECORD_HEADER) return -PCAP_RECORD_HEADER;
    const inclLen = this.u32(b, s + 8);
    const index = this.recordIndex;
    const total = PCAP_RECORD_HEADER + inclLen;
    if (inclLen > this.maxRecordBytes) {
      this.recordIndex++;
      this.sink.problem({
        offset: at,
        record: index,
        message: `record of ${inclLen} bytes is larger than the ${this.maxRecordBytes}-byte limit; skipped`,
      });
      return this.skip(at, total, avail, `record ${index}`);
    }
    if (avail < total) return -total;
    this.recordIndex++;
    const sec = this.u32(b, s);
    const frac = this.u32(b, s + 4);
    const origLen = this.u32(b, s + 12);
    this.emit(this.pcapIf!, index, at, s, b, s + PCAP_RECORD_HEADER, inclLen, origLen, sec + frac / this.fracPerSecond);
    return total;
  }

  private stepBlock(b: Uint8Array, s: number, avail: number, at: number): number {
    if (avail < 8) return -(b[s] === 0x0a ? PCAPNG_SHB_PROBE : 8);
    if (b[s] === 0x0a && b[s + 1] === 0x0d && b[s + 2] === 0x0d && b[s + 3] === 0x0a) {
      if (avail < PCAPNG_SHB_PROBE) return -PCAPNG_SHB_PROBE;
      if (u32le(b, s + 8) === 0x1a2b3c4d) this.le = true;
      else if (u32be(b, s + 8) === 0x1a2b3c4d) this.le = false;
      else return this.stop(at, `section header block without the byte-order magic 1a2b3c4d (found ${hex4(b, s + 8)})`);
    }
    const type = this.u32(b, s);
    const total = this.u32(b, s + 4);
    if (total < PCAPNG_MIN_BLOCK || total % 4 !== 0) {
      return this.stop(
        at,
        `block of type ${type} has length ${total} (a block is at least 12 bytes, a multiple of 4); the rest of the file cannot be framed`,
      );
    }
    const packet = type === BT_EPB || type === BT_SPB || type === BT_OPB;
    const used = packet || type === BT_SHB || type === BT_IDB || type === BT_ISB;
    if (!used) return this.skip(at, total, avail, `a block of type ${type}`);
    if (total > this.maxRecordBytes) {
      const record = packet ? this.recordIndex++ : undefined;
      this.sink.problem({
        offset: at,
        ...(record === undefined ? {} : { record }),
        message: `block of type ${type} of ${total} bytes is larger than the ${this.maxRecordBytes}-byte limit; skipped`,
      });
      return this.skip(at, total, avail, record === undefined ? `a block of type ${type}` : `record ${record}`);
    }
    if (avail < total) return -total;
    const trailer = this.u32(b, s + total - 4);
    if (trailer !== total) {
      return this.stop(
        at,
        `block of type ${type} has length ${total} at its start and ${trailer} at its end; the rest of the file cannot be framed`,
        packet ? this.recordIndex : undefined,
      );
    }
    const body = s + 8;
    const bodyEnd = s + total - 4;
    switch (type) {
      case BT_SHB:
        this.interfaces = [];
        break;
      case BT_IDB:
        this.readIdb(b, body, bodyEnd, at);
        break;
      case BT_ISB:
        this.readIsb(b, body, bodyEnd, at);
        break;
      default:
        this.readPacketBlock(type, b, body, bodyEnd, at);
    }
    return total;
  }

  private readIdb(b: Uint8Array, body: number, end: number, at: number): void {
    if (end - body < 8) {
      this.sink.problem({ offset: at, message: 'interface description block shorter than its 8 fixed bytes' });
      // Still an interface: later packets name it by number, so the numbering must not shift.
      this.interfaces.push(makeInterface(-1, 0, 1e6, 0));
      return;
    }
    const linkType = this.u16(b, body);
    const snapLen = this.u32(b, body + 4);
    let unitsPerSecond = 1e6;
    let tsOffset = 0;
    this.options(b, body + 8, end, at, (code, vs, ve) => {
      if (code === IF_TSRESOL && ve - vs >= 1) {
        const r = b[vs]!;
        // High bit clear: 10^-r seconds; set: 2^-(r & 0x7f). Beyond what a double holds, the default stays.
        const upsec = r & 0x80 ? 2 ** (r & 0x7f) : 10 ** r;
        if (Number.isFinite(upsec) && upsec > 0 && (r & 0x7f) <= 64) unitsPerSecond = upsec;
      } else if (code === IF_TSOFFSET && ve - vs >= 8) {
        tsOffset = this.u64(b, vs);
      }
    });
    this.interfaces.push(makeInterface(linkType, snapLen, unitsPerSecond, tsOffset));
  }

  private readIsb(b: Uint8Array, body: number, end: number, at: number): void {
    if (end - body < 12) {
      this.sink.problem({ offset: at, message: 'interface statistics block shorter than its 12 fixed bytes' });
      return;
    }
    const ifc = this.interfaces[this.u32(b, body)];
    const time = ifc ? this.time(ifc, b, body + 4) : undefined;
    let text: string | undefined;
    let dropped: number | undefined;
    this.options(b, body + 12, end, at, (code, vs, ve) => {
      if (code === OPT_COMMENT) text = joinComment(text, utf8.decode(b.subarray(vs, ve)));
      else if (code === ISB_IFDROP && ve - vs >= 8) dropped = this.u64(b, vs);
    });
    if (text === undefined || !text.startsWith(OVERRUN_PREFIX) || !this.sink.marker) return;
    this.sink.marker({
      offset: at,
      time,
      kind: 'overrun',
      text,
      ...(dropped === undefined ? {} : { dropped }),
    });
  }

  private readPacketBlock(type: number, b: Uint8Array, body: number, end: number, at: number): void {
    const index = this.recordIndex++;
    let ifId: number;
    let capLen: number;
    let origLen: number;
    let data: number;
    let tsAt = -1;
    const fixed = type === BT_SPB ? 4 : 20;
    if (end - body < fixed) {
      this.sink.problem({ offset: at, record: index, message: `packet block shorter than its ${fixed} fixed bytes` });
      return;
    }
    if (type === BT_SPB) {
      ifId = 0;
      origLen = this.u32(b, body);
      data = body + 4;
      const ifc = this.interfaces[0];
      // A simple packet block has no captured length: it is the original one, cut at the snaplen.
      capLen = Math.min(origLen, end - data, ifc && ifc.snapLen > 0 ? ifc.snapLen : origLen);
    } else {
      ifId = type === BT_EPB ? this.u32(b, body) : this.u16(b, body);
      tsAt = body + 4;
      capLen = this.u32(b, body + 12);
      origLen = this.u32(b, body + 16);
      data = body + 20;
    }
    const ifc = this.interfaces[ifId];
    if (!ifc) {
      this.sink.problem({
        offset: at,
        record: index,
        message: `packet on interface ${ifId}, which no interface description block defined`,
      });
      return;
    }
    if (capLen > end - data) {
      this.sink.problem({
        offset: at,
        record: index,
        message: `captured length ${capLen} runs past the block's end (${end - data} bytes of data)`,
      });
      return;
    }
    let comment: string | undefined;
    if (type !== BT_SPB) {
      this.options(b, data + pad4(capLen), end, at, (code, vs, ve) => {
        if (code === OPT_COMMENT) comment = joinComment(comment, utf8.decode(b.subarray(vs, ve)));
      });
    }
    const time = tsAt >= 0 ? this.time(ifc, b, tsAt) : 0;
    this.emit(ifc, index, at, body - 8, b, data, capLen, origLen, time, comment);
  }

  private emit(
    ifc: Interface,
    index: number,
    at: number,
    unitStart: number,
    b: Uint8Array,
    data: number,
    capLen: number,
    origLen: number,
    time: number,
    comment?: string,
  ): void {
    const layer = ifc.layer;
    if (!layer) {
      if (!ifc.unknownReported) {
        ifc.unknownReported = true;
        this.sink.problem({
          offset: at,
          record: index,
          message: `link type ${ifc.linkType} is not a netlink capture (253 NETLINK, 113 LINUX_SLL, 276 LINUX_SLL2); its records are skipped`,
        });
      }
      return;
    }
    if (capLen < layer.headerLength) {
      this.sink.problem({
        offset: at,
        record: index,
        message: `record of ${capLen} bytes is shorter than the ${layer.headerLength}-byte ${layer.name} pseudo-header`,
      });
      return;
    }
    const start = data + layer.headerLength;
    const rec: CaptureRecord = {
      index,
      offset: at,
      dataOffset: at + (start - unitStart),
      time,
      protocol: layer.protocol(b, data),
      linkType: ifc.linkType,
      bytes: b.subarray(start, data + capLen),
      originalLength: Math.max(0, origLen - layer.headerLength),
      ...(comment === undefined ? {} : { comment }),
    };
    this.sink.record(rec);
  }

  /** Walks pcapng options [start, end), calling `each` with the value's range; a broken option list is a problem. */
  private options(
    b: Uint8Array,
    start: number,
    end: number,
    at: number,
    each: (code: number, valueStart: number, valueEnd: number) => void,
  ): void {
    let p = start;
    while (p + 4 <= end) {
      const code = this.u16(b, p);
      const len = this.u16(b, p + 2);
      if (code === OPT_ENDOFOPT) return;
      if (p + 4 + len > end) {
        this.sink.problem({ offset: at, message: `option ${code} of ${len} bytes runs past the end of its block` });
        return;
      }
      each(code, p + 4, p + 4 + len);
      p += 4 + pad4(len);
    }
  }

  private time(ifc: Interface, b: Uint8Array, p: number): number {
    const units = this.u32(b, p) * 4294967296 + this.u32(b, p + 4);
    return units / ifc.unitsPerSecond + ifc.tsOffset;
  }

  private u16(b: Uint8Array, p: number): number {
    return this.le ? b[p]! | (b[p + 1]! << 8) : (b[p]! << 8) | b[p + 1]!;
  }

  private u32(b: Uint8Array, p: number): number {
    return this.le ? u32le(b, p) : u32be(b, p);
  }

  private u64(b: Uint8Array, p: number): number {
    return this.le ? u32le(b, p + 4) * 4294967296 + u32le(b, p) : u32be(b, p) * 4294967296 + u32be(b, p + 4);
  }
}

function makeInterface(linkType: number, snapLen: number, unitsPerSecond: number, tsOffset: number): Interface {
  return { linkType, layer: linkLayer(linkType), snapLen, unitsPerSecond, tsOffset, unknownReported: false };
}

function joinComment(previous: string | undefined, next: string): string {
  return previous === undefined ? next : `${previous}\n${next}`;
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

function u32le(b: Uint8Array, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}

function u32be(b: Uint8Array, p: number): number {
  return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
}

function hex4(b: Uint8Array, p: number): string {
  const out: string[] = [];
  for (let i = p; i < p + 4 && i < b.length; i++) out.push(b[i]!.toString(16).padStart(2, '0'));
  return out.join(' ');
}
