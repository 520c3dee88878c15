// Conversations in a capture: a request paired with its replies, a multi-part dump as one group ending at its
// NLMSG_DONE, and what went wrong with them (the kernel's error, an interrupted dump, a DONE that never came, lost
// messages). Works one message at a time over the capture's index, keeping only the conversations still open and a
// small summary of each: a capture of any length streams through it.
//
// Pairing rules (netlink-facts.md): a reply carries the requester's port in nlmsg_pid and the request's
// nlmsg_seq. A request may carry pid 0 (the kernel fills in the socket's port), so a reply whose (seq, pid) finds
// no request looks for a request with that seq and pid 0, which then takes the reply's port.
import { NLM_F_DUMP, NLM_F_DUMP_INTR, NLM_F_MULTI, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR } from '../constants';

/** The header fields of one netlink message in the capture, as the index holds them. */
export interface ConversationMessage {
  /** Position of the message in the index (the viewer's row), increasing. */
  readonly row: number;
  /** Seconds since the epoch. */
  readonly time: number;
  /** Netlink protocol; undefined when the capture's link type has none (then all pair as one protocol). */
  readonly protocol: number | undefined;
  readonly type: number;
  readonly flags: number;
  readonly seq: number;
  readonly pid: number;
  /** NLMSG_ERROR's (and an error-carrying DONE's) code: 0 for an ack, a negative errno for an error. */
  readonly errorCode?: number | undefined;
  /** The message carries an extended-ack message or offset. */
  readonly extAck?: boolean;
  /** The capture holds fewer bytes than the message had (cut by the snaplen). */
  readonly truncated?: boolean;
}

export type ConversationRole = 'request' | 'reply' | 'done' | 'ack' | 'error' | 'notification';

export interface Conversation {
  readonly id: number;
  /** The request's row; undefined for replies whose request is not in the capture. */
  readonly requestRow: number | undefined;
  readonly requestTime: number | undefined;
  readonly protocol: number | undefined;
  readonly seq: number;
  /** The requester's port (the replies' nlmsg_pid once one came). */
  readonly pid: number;
  /** The request asked for a dump, or a reply was one part of several (NLM_F_MULTI). */
  readonly dump: boolean;
  /** Replies so far (parts, DONE, ack or error). */
  readonly replies: number;
  readonly firstReplyRow: number | undefined;
  readonly lastRow: number;
  /** Milliseconds from the request to its first reply; undefined without both. */
  readonly latencyMs: number | undefined;
  /** Milliseconds from the request to its last reply (the whole dump). */
  readonly totalMs: number | undefined;
  /** The row of the NLMSG_DONE that ended the dump. */
  readonly doneRow: number | undefined;
  /** The conversation got its last reply (DONE, ack, error, or the one reply of a plain request). */
  readonly complete: boolean;
  /** A part carried NLM_F_DUMP_INTR: the dump saw the table change and may be inconsistent. */
  readonly dumpIntr: boolean;
  /** The capture ended (or the request was asked again) before the dump's DONE. */
  readonly noDone: boolean;
  /** Messages were lost while it was open (an overrun marker, a truncated read or record). */
  readonly lost: boolean;
  /** The kernel's error (negative errno) from an NLMSG_ERROR or DONE, 0 / undefined otherwise. */
  readonly errorCode: number | undefined;
  readonly extAck: boolean;
}

/** What `add` says about one message. */
export interface ConversationMark {
  readonly role: ConversationRole;
  /** The conversation it belongs to; undefined for a notification (no request, no reply). */
  readonly conversation: number | undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Conversations waiting for replies beyond this many are closed, oldest first (a bound on memory). */
export const MAX_OPEN_CONVERSATIONS = 4096;

function keyOf(protocol: number | undefined, seq: number, pid: number): string {
  return `${protocol ?? -1}:${seq}:${pid}`;
}

export class ConversationTracker {
  private readonly all: Mutable<Conversation>[] = [];
  /** Open conversations by protocol:seq:pid (a pid-0 request under pid 0 until its first reply). */
  private readonly open = new Map<string, Mutable<Conversation>>();

  constructor(private readonly maxOpen = MAX_OPEN_CONVERSATIONS) {}

  get size(): number {
    return this.all.length;
  }

  get(id: number): Conversation | undefined {
    return this.all[id];
  }

  /** Adds the next message (rows in increasing order). */
  add(m: ConversationMessage): ConversationMark {
    if (m.flags & NLM_F_REQUEST) return this.request(m);
    const key = keyOf(m.protocol, m.seq, m.pid);
    let c = this.open.get(key);
    if (!c) {
      const anonymous = this.open.get(keyOf(m.protocol, m.seq, 0));
      if (anonymous && anonymous.replies === 0) {
        this.open.delete(keyOf(m.protocol, m.seq, 0));
        anonymous.pid = m.pid;
        this.open.set(key, anonymous);
        c = anonymous;
      }
    }
    const control = m.type === NLMSG_DONE || m.type === NLMSG_ERROR;
    const multi = (m.flags & NLM_F_MULTI) !== 0;
    if (!c) {
      // A reply without its request in the capture: still a group when it is a dump's part or its end.
      if (!multi && !control) return { role: 'notification', conversation: undefined };
      c = this.start(m, undefined);
      this.open.set(key, c);
    }
    this.reply(c, m, multi);
    const role: ConversationRole =
      m.type === NLMSG_DONE ? 'done' : m.type === NLMSG_ERROR ? (m.errorCode ? 'error' : 'ack') : 'reply';
    const ends =
      m.type === NLMSG_DONE ||
      m.type === NLMSG_ERROR ||
      // A plain request's one reply ends it; so does a reply to a request that did not ask for an ack.
      (!c.dump && !multi);
    if (ends) {
      c.complete = true;
      this.open.delete(key);
    }
    return { role, conversation: c.id };
  }

  /** Messages were lost here (an overrun marker, a truncated record): every open conversation may miss some. */
  lost(): void {
    for (const c of this.open.values()) c.lost = true;
  }

  /** The capture ended: dumps still open never got their DONE. Open conversations stay readable. */
  end(): void {
    for (const c of this.open.values()) if (c.dump) c.noDone = true;
    this.open.clear();
  }

  private request(m: ConversationMessage): ConversationMark {
    const key = keyOf(m.protocol, m.seq, m.pid);
    const previous = this.open.get(key);
    if (previous) this.close(key, previous); // the same seq asked again: the earlier one got no (more) answer
    const c = this.start(m, m.row);
    c.dump = (m.flags & NLM_F_DUMP) === NLM_F_DUMP;
    this.open.set(key, c);
    if (this.open.size > this.maxOpen) {
      const [oldestKey, oldest] = this.open.entries().next().value as [string, Mutable<Conversation>];
      this.close(oldestKey, oldest);
    }
    return { role: 'request', conversation: c.id };
  }

  private close(key: string, c: Mutable<Conversation>): void {
    if (c.dump) c.noDone = true;
    this.open.delete(key);
  }

  private start(m: ConversationMessage, requestRow: number | undefined): Mutable<Conversation> {
    const c: Mutable<Conversation> = {
      id: this.all.length,
      requestRow,
      requestTime: requestRow === undefined ? undefined : m.time,
      protocol: m.protocol,
      seq: m.seq,
      pid: m.pid,
      dump: false,
      replies: 0,
      firstReplyRow: undefined,
      lastRow: m.row,
      latencyMs: undefined,
      totalMs: undefined,
      doneRow: undefined,
      complete: false,
      dumpIntr: false,
      noDone: false,
      lost: false,
      errorCode: undefined,
      extAck: false,
    };
    this.all.push(c);
    return c;
  }

  private reply(c: Mutable<Conversation>, m: ConversationMessage, multi: boolean): void {
    c.replies++;
    c.firstReplyRow ??= m.row;
    c.lastRow = m.row;
    if (multi) c.dump = true;
    if (m.flags & NLM_F_DUMP_INTR) c.dumpIntr = true;
    if (m.truncated) c.lost = true;
    if (m.type === NLMSG_DONE) c.doneRow = m.row;
    if (m.errorCode !== undefined && m.errorCode !== 0) c.errorCode = m.errorCode;
    if (m.extAck) c.extAck = true;
    if (c.requestTime !== undefined) {
      const ms = Math.max(0, (m.time - c.requestTime) * 1000);
      c.latencyMs ??= ms;
      c.totalMs = ms;
    }
  }
}
