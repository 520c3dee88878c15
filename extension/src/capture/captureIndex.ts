// The host's index of one capture file: the worker's batches appended into growing columns, each message's
// conversation (netlink/capture/conversation.ts) worked out as it arrives. Numbers only, plus the sentences of
// problems and markers; the messages themselves stay in the file and are read back by offset.
import { ConversationTracker, type Conversation, type ConversationMessage } from '../netlink/capture/conversation';
import { messageDirection, type Direction } from '../netlink/capture/direction';
import {
  BIT_CODE,
  BIT_EXTACK,
  BIT_TRUNCATED,
  KIND_MARKER,
  KIND_MASK,
  KIND_MESSAGE,
  KIND_PROBLEM,
  type IndexBatch,
  type IndexColumns,
} from './indexBatch';

const ROLES = ['request', 'reply', 'done', 'ack', 'error', 'notification'] as const;
export type Role = (typeof ROLES)[number];

type Column = IndexColumns[keyof IndexColumns];

function grow<T extends Column>(a: T, need: number): T {
  if (need <= a.length) return a;
  const Ctor = a.constructor as new (n: number) => T;
  const b = new Ctor(Math.max(need, a.length * 2));
  (b as unknown as { set(x: ArrayLike<number>): void }).set(a as unknown as ArrayLike<number>);
  return b;
}

export class CaptureIndex {
  private cols: { -readonly [K in keyof IndexColumns]: IndexColumns[K] };
  private conv = new Int32Array(1024);
  private role = new Uint8Array(1024);
  private n = 0;
  private readonly texts = new Map<number, string>();
  private readonly tracker = new ConversationTracker();
  private readonly message: { -readonly [K in keyof ConversationMessage]: ConversationMessage[K] } & {
    errorCode: number | undefined;
  } = {
    row: 0,
    time: 0,
    protocol: undefined,
    type: 0,
    flags: 0,
    seq: 0,
    pid: 0,
    errorCode: undefined,
    extAck: false,
    truncated: false,
  };
  problems = 0;
  bytesRead = 0;

  constructor() {
    this.cols = {
      offset: new Float64Array(1024),
      length: new Uint32Array(1024),
      record: new Uint32Array(1024),
      time: new Float64Array(1024),
      protocol: new Int16Array(1024),
      type: new Uint16Array(1024),
      flags: new Uint16Array(1024),
      seq: new Uint32Array(1024),
      pid: new Uint32Array(1024),
      code: new Int32Array(1024),
      bits: new Uint8Array(1024),
      cmd: new Uint8Array(1024),
    };
  }

  get size(): number {
    return this.n;
  }

  get columns(): IndexColumns {
    return this.cols;
  }

  append(batch: IndexBatch): void {
    const start = this.n;
    const need = start + batch.count;
    for (const k of Object.keys(this.cols) as (keyof IndexColumns)[]) {
      const grown = grow(this.cols[k], need);
      (grown as unknown as { set(x: ArrayLike<number>, o: number): void }).set(
        batch.columns[k] as unknown as ArrayLike<number>,
        start,
      );
      (this.cols as Record<string, Column>)[k] = grown;
    }
    this.conv = grow(this.conv, need);
    this.role = grow(this.role, need);
    for (const [i, text] of batch.texts) this.texts.set(start + i, text);
    const c = this.cols;
    for (let i = start; i < need; i++) {
      this.n = i + 1;
      const kind = c.bits[i]! & KIND_MASK;
      if (kind !== KIND_MESSAGE) {
        if (kind === KIND_PROBLEM) this.problems++;
        // A marker (overrun) or a malformed stretch: whatever was open may have lost messages there.
        this.tracker.lost();
        this.conv[i] = -1;
        this.role[i] = 255;
        continue;
      }
      const bits = c.bits[i]!;
      // One object reused for every message: a capture has millions.
      const m = this.message;
      m.row = i;
      m.time = c.time[i]!;
      m.protocol = c.protocol[i]! < 0 ? undefined : c.protocol[i]!;
      m.type = c.type[i]!;
      m.flags = c.flags[i]!;
      m.seq = c.seq[i]!;
      m.pid = c.pid[i]!;
      m.errorCode = bits & BIT_CODE ? c.code[i]! : undefined;
      m.extAck = (bits & BIT_EXTACK) !== 0;
      m.truncated = (bits & BIT_TRUNCATED) !== 0;
      const mark = this.tracker.add(m);
      this.conv[i] = mark.conversation ?? -1;
      this.role[i] = ROLES.indexOf(mark.role);
    }
    this.bytesRead = batch.bytesRead;
  }

  /** The file is complete (not followed any more): open dumps never got their DONE. */
  end(): void {
    this.tracker.end();
  }

  kind(row: number): 'message' | 'problem' | 'marker' {
    const k = this.cols.bits[row]! & KIND_MASK;
    return k === KIND_PROBLEM ? 'problem' : k === KIND_MARKER ? 'marker' : 'message';
  }

  text(row: number): string | undefined {
    return this.texts.get(row);
  }

  direction(row: number): Direction {
    return messageDirection(this.cols.flags[row]!);
  }

  conversationOf(row: number): { conversation: Conversation; role: Role } | undefined {
    const id = this.conv[row]!;
    if (row >= this.n || id < 0) return undefined;
    const conversation = this.tracker.get(id);
    return conversation ? { conversation, role: ROLES[this.role[row]!]! } : undefined;
  }

  /** The first row of record `record` or a later one (the record column never decreases), undefined past the end. */
  rowOfRecord(record: number): number | undefined {
    const r = this.cols.record;
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (r[mid]! < record) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.n ? lo : undefined;
  }
}
