// Which captured messages to show: the one filter of the CLI (`decode --pcap` options) and the capture viewer's
// filter box. Two stages, so a large capture is decoded only where it could match: `recordCouldMatch` looks at
// the raw nlmsghdrs of a record (protocol, type number, port, seq) before anything is decoded; `messageMatches`
// decides on the decoded message (family, type by name, errors, text in decoded fields).
import { NLMSG_HDRLEN, nlAlign } from '../constants';
import type { AttrValue, DecodedAttr, DecodedMessage } from '../types';

export interface CaptureFilter {
  /** The netlink protocol of the record's pseudo-header. */
  readonly protocol?: number;
  /** The family that decoded the message ("rtnetlink", "nlctrl", a genl family by its bound name). */
  readonly family?: string;
  /** Message type: a number (nlmsg_type), or a name (RTM_NEWLINK, NLMSG_ERROR, a genl command), any case. */
  readonly type?: string;
  /** nlmsg_pid: the user socket's port (the sender's in a request, the receiver's in a reply). */
  readonly port?: number;
  readonly seq?: number;
  /** Only NLMSG_ERROR with a nonzero error, and NLMSG_DONE carrying one. */
  readonly errorsOnly?: boolean;
  /** Text in a decoded field (names, values, value names, error text), any case. */
  readonly grep?: string;
}

/** True when the filter holds no condition (everything matches, nothing needs a check). */
export function isEmptyFilter(f: CaptureFilter): boolean {
  return (
    f.protocol === undefined &&
    f.family === undefined &&
    f.type === undefined &&
    f.port === undefined &&
    f.seq === undefined &&
    !f.errorsOnly &&
    (f.grep === undefined || f.grep === '')
  );
}

function typeNumber(f: CaptureFilter): number | undefined {
  return f.type !== undefined && /^\d+$/.test(f.type) ? Number(f.type) : undefined;
}

/** One raw header against the header-only conditions. */
export function headerMatches(f: CaptureFilter, type: number, pid: number, seq: number): boolean {
  if (f.port !== undefined && pid !== f.port) return false;
  if (f.seq !== undefined && seq !== f.seq) return false;
  const n = typeNumber(f);
  return n === undefined || type === n;
}

/**
 * Whether any message of a record could match, from its protocol and raw headers alone: false means none can,
 * so the record need not be decoded. A record whose headers cannot be walked is left to the decoder.
 */
export function recordCouldMatch(f: CaptureFilter, protocol: number | undefined, bytes: Uint8Array): boolean {
  if (f.protocol !== undefined && protocol !== f.protocol) return false;
  if (f.port === undefined && f.seq === undefined && typeNumber(f) === undefined) return true;
  let p = 0;
  while (p + NLMSG_HDRLEN <= bytes.length) {
    const len = u32(bytes, p);
    if (headerMatches(f, bytes[p + 4]! | (bytes[p + 5]! << 8), u32(bytes, p + 12), u32(bytes, p + 8))) return true;
    if (len < NLMSG_HDRLEN) return false;
    p += nlAlign(len);
  }
  return false;
}

/** The whole filter on one decoded message of a record on `protocol`. */
export function messageMatches(f: CaptureFilter, protocol: number | undefined, m: DecodedMessage): boolean {
  if (f.protocol !== undefined && protocol !== f.protocol) return false;
  if (!headerMatches(f, m.type, m.pid, m.seq)) return false;
  if (f.type !== undefined && typeNumber(f) === undefined) {
    const want = f.type.toLowerCase();
    if (m.typeName.toLowerCase() !== want && m.command?.toLowerCase() !== want) return false;
  }
  if (f.family !== undefined) {
    const want = f.family.toLowerCase();
    // A genl family bound by id but without a definition has only its name, in typeName.
    if (m.family?.toLowerCase() !== want && m.typeName.toLowerCase() !== want) return false;
  }
  if (f.errorsOnly && (m.error === undefined || m.error.code === 0)) return false;
  if (f.grep !== undefined && f.grep !== '' && !mentions(m, f.grep.toLowerCase())) return false;
  return true;
}

/** Whether a decoded field of the message contains `needle` (lower case); walks without building one string. */
function mentions(m: DecodedMessage, needle: string): boolean {
  const has = (v: AttrValue | undefined): boolean => v !== undefined && String(v).toLowerCase().includes(needle);
  if (has(m.typeName) || has(m.command) || has(m.family) || has(m.text)) return true;
  if (m.flagNames.some(has)) return true;
  if (m.header && fieldsMention(m.header, has)) return true;
  if (attrsMention(m.attrs, has)) return true;
  const e = m.error;
  if (e) {
    if (has(e.name) || has(e.message) || has(e.attrPath) || has(e.missTypeName)) return true;
    if (e.request && mentions(e.request, needle)) return true;
  }
  return false;
}

function fieldsMention(fields: Readonly<Record<string, AttrValue>>, has: (v: AttrValue) => boolean): boolean {
  for (const k in fields) if (has(k) || has(fields[k]!)) return true;
  return false;
}

function attrsMention(attrs: readonly DecodedAttr[], has: (v: AttrValue | undefined) => boolean): boolean {
  for (const a of attrs) {
    if (has(a.name) || has(a.value) || has(a.valueName)) return true;
    if (a.fields && fieldsMention(a.fields, has)) return true;
    if (a.attrs && attrsMention(a.attrs, has)) return true;
  }
  return false;
}

function u32(b: Uint8Array, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}
