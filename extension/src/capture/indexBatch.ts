// The capture index as columns of numbers: one entry per netlink message (a record can hold many: a dump's skb),
// per malformed stretch of the file, and per in-band marker. The index worker fills a batch from the reader's
// callbacks and posts it (the arrays are transferred, not copied); the host appends batches to its CaptureIndex.
// Only numbers: a 1 GB capture's index is tens of bytes a message, never the messages.
import type { CaptureMarker, CaptureProblem, CaptureRecord } from '../netlink/capture/reader';
import { NLM_F_ACK_TLVS, NLMSG_DONE, NLMSG_ERROR, NLMSG_HDRLEN, nlAlign } from '../netlink/index';

/** Entry kinds and bits, in the `bits` column. */
export const KIND_MESSAGE = 0;
export const KIND_PROBLEM = 1;
export const KIND_MARKER = 2;
export const KIND_MASK = 3;
/** An NLMSG_ERROR, or a DONE long enough for an error code: `code` holds it. */
export const BIT_CODE = 4;
/** An error or DONE with extended-ack TLVs (NLM_F_ACK_TLVS). */
export const BIT_EXTACK = 8;
/** The capture holds fewer of the message's bytes than it had (snaplen). */
export const BIT_TRUNCATED = 16;

export interface IndexColumns {
  /** File offset of the message, problem or marker. */
  readonly offset: Float64Array;
  /** Message bytes captured (nlmsg_len, cut to what the record holds). */
  readonly length: Uint32Array;
  readonly record: Uint32Array;
  /** Seconds since the epoch; NaN when unknown. */
  readonly time: Float64Array;
  /** Netlink protocol; -1 when the link type carries none. */
  readonly protocol: Int16Array;
  readonly type: Uint16Array;
  readonly flags: Uint16Array;
  readonly seq: Uint32Array;
  readonly pid: Uint32Array;
  readonly code: Int32Array;
  readonly bits: Uint8Array;
  /** Generic netlink command (the byte after the nlmsghdr), 0 otherwise. */
  readonly cmd: Uint8Array;
}

export interface IndexBatch {
  readonly count: number;
  readonly columns: IndexColumns;
  /** Sentences of problems and markers, by position in the batch. */
  readonly texts: readonly (readonly [number, string])[];
  /** Bytes of the file consumed so far (the reader's position after this batch). */
  readonly bytesRead: number;
}

function allocate(n: number): IndexColumns {
  return {
    offset: new Float64Array(n),
    length: new Uint32Array(n),
    record: new Uint32Array(n),
    time: new Float64Array(n),
    protocol: new Int16Array(n),
    type: new Uint16Array(n),
    flags: new Uint16Array(n),
    seq: new Uint32Array(n),
    pid: new Uint32Array(n),
    code: new Int32Array(n),
    bits: new Uint8Array(n),
    cmd: new Uint8Array(n),
  };
}

/** The columns' first `n` entries, in new arrays of exactly that size. */
export function sliceColumns(c: IndexColumns, n: number): IndexColumns {
  return {
    offset: c.offset.slice(0, n),
    length: c.length.slice(0, n),
    record: c.record.slice(0, n),
    time: c.time.slice(0, n),
    protocol: c.protocol.slice(0, n),
    type: c.type.slice(0, n),
    flags: c.flags.slice(0, n),
    seq: c.seq.slice(0, n),
    pid: c.pid.slice(0, n),
    code: c.code.slice(0, n),
    bits: c.bits.slice(0, n),
    cmd: c.cmd.slice(0, n),
  };
}

/** The transferable buffers of a batch's columns. */
export function columnBuffers(c: IndexColumns): ArrayBuffer[] {
  return Object.values(c).map((a: ArrayBufferView) => a.buffer as ArrayBuffer);
}

/** Collects entries from the reader's callbacks; `take()` hands them over as a batch and starts a new one. */
export class BatchBuilder {
  private cols: IndexColumns;
  private n = 0;
  private texts: [number, string][] = [];
  /** The last packet record seen: problems and markers without one sort after it (the column never decreases). */
  private lastRecord = 0;

  constructor(capacity = 8192) {
    this.cols = allocate(capacity);
  }

  get size(): number {
    return this.n;
  }

  /** The netlink messages of one packet record. */
  record(r: CaptureRecord): void {
    const b = r.bytes;
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const cut = b.length < r.originalLength;
    this.lastRecord = r.index;
    let pos = 0;
    while (pos < b.length) {
      const left = b.length - pos;
      const len = left >= NLMSG_HDRLEN ? view.getUint32(pos, true) : 0;
      if (left < NLMSG_HDRLEN || len < NLMSG_HDRLEN) {
        // Only bytes cut by the snaplen are expected here; anything else is a malformed record.
        const what =
          left < NLMSG_HDRLEN
            ? `${left} byte${left === 1 ? '' : 's'}, too few for a 16-byte nlmsghdr`
            : `nlmsg_len ${len} is less than the 16-byte header`;
        this.problem({ offset: r.dataOffset + pos, record: r.index, message: `record ${r.index}: ${what}` }, r.time);
        return;
      }
      const i = this.slot();
      const c = this.cols;
      const type = view.getUint16(pos + 4, true);
      const flags = view.getUint16(pos + 6, true);
      c.offset[i] = r.dataOffset + pos;
      c.length[i] = Math.min(len, left);
      c.record[i] = r.index;
      c.time[i] = r.time;
      c.protocol[i] = r.protocol ?? -1;
      c.type[i] = type;
      c.flags[i] = flags;
      c.seq[i] = view.getUint32(pos + 8, true);
      c.pid[i] = view.getUint32(pos + 12, true);
      let bits = KIND_MESSAGE;
      if ((type === NLMSG_ERROR || type === NLMSG_DONE) && Math.min(len, left) >= NLMSG_HDRLEN + 4) {
        bits |= BIT_CODE;
        c.code[i] = view.getInt32(pos + NLMSG_HDRLEN, true);
        if (flags & NLM_F_ACK_TLVS) bits |= BIT_EXTACK;
      } else c.code[i] = 0;
      if (len > left && cut) bits |= BIT_TRUNCATED;
      c.bits[i] = bits;
      c.cmd[i] = left > NLMSG_HDRLEN ? b[pos + NLMSG_HDRLEN]! : 0;
      if (len > left) {
        if (!cut)
          this.problem(
            {
              offset: r.dataOffset + pos,
              record: r.index,
              message: `record ${r.index}: nlmsg_len ${len} runs past the record's ${left} bytes`,
            },
            r.time,
          );
        return;
      }
      pos += nlAlign(len);
    }
  }

  problem(p: CaptureProblem, time?: number): void {
    const i = this.entry(KIND_PROBLEM, p.offset, p.record ?? this.lastRecord, time);
    this.texts.push([i, p.message]);
  }

  marker(m: CaptureMarker): void {
    const i = this.entry(KIND_MARKER, m.offset, this.lastRecord, m.time);
    this.texts.push([i, m.dropped !== undefined ? `${m.text} (${m.dropped} dropped)` : m.text]);
  }

  take(bytesRead: number): IndexBatch {
    const batch: IndexBatch = { count: this.n, columns: sliceColumns(this.cols, this.n), texts: this.texts, bytesRead };
    this.n = 0;
    this.texts = [];
    return batch;
  }

  private entry(kind: number, offset: number, record: number, time: number | undefined): number {
    const i = this.slot();
    const c = this.cols;
    c.offset[i] = offset;
    c.length[i] = 0;
    c.record[i] = record;
    c.time[i] = time ?? Number.NaN;
    c.protocol[i] = -1;
    c.type[i] = 0;
    c.flags[i] = 0;
    c.seq[i] = 0;
    c.pid[i] = 0;
    c.code[i] = 0;
    c.bits[i] = kind;
    c.cmd[i] = 0;
    return i;
  }

  private slot(): number {
    if (this.n === this.cols.offset.length) {
      const bigger = allocate(this.cols.offset.length * 2);
      for (const k of Object.keys(bigger) as (keyof IndexColumns)[])
        (bigger[k] as Float64Array).set(this.cols[k] as unknown as ArrayLike<number>);
      this.cols = bigger;
    }
    return this.n++;
  }
}
