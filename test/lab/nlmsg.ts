// Netlink message bytes for the lab tests, built by hand so a test can also make them wrong on purpose
// (a length that lies, no padding, no NUL). Layout: len u32, type u16, flags u16, seq u32, pid u32, host order.

export const NLM_F_REQUEST = 0x1;
export const NLM_F_ACK = 0x4;
export const NLMSG_DONE = 3;
export const NLREPLY_PROTOCOL = 31;
/** The conventional request type for the nlreply module (the first above the control types). */
export const REQUEST_TYPE = 16;

export interface MsgSpec {
  type?: number;
  flags?: number;
  seq?: number;
  pid?: number;
  payload?: Buffer | string;
  /** Write this into nlmsg_len instead of the true length (for malformed messages). */
  lenField?: number;
  /** Pad to 4 bytes (default true); false leaves an unaligned tail like a sloppy sender. */
  pad?: boolean;
}

export function nlmsg(spec: MsgSpec): Buffer {
  const payload = typeof spec.payload === 'string' ? Buffer.from(spec.payload, 'latin1') : (spec.payload ?? Buffer.alloc(0));
  const len = 16 + payload.length;
  const buf = Buffer.alloc(spec.pad === false ? len : (len + 3) & ~3);
  buf.writeUInt32LE(spec.lenField ?? len, 0);
  buf.writeUInt16LE(spec.type ?? REQUEST_TYPE, 4);
  buf.writeUInt16LE(spec.flags ?? NLM_F_REQUEST | NLM_F_ACK, 6);
  buf.writeUInt32LE(spec.seq ?? 0, 8);
  buf.writeUInt32LE(spec.pid ?? 0, 12);
  payload.copy(buf, 16);
  return buf;
}

export const hex = (...parts: Buffer[]): string => Buffer.concat(parts).toString('hex');

export interface ParsedMsg {
  len: number;
  type: number;
  flags: number;
  seq: number;
  pid: number;
  payload: Buffer;
}

/** Parses exactly one message from hex (what nlhelper prints per reply line). */
export function parseOne(hexText: string): ParsedMsg {
  const b = Buffer.from(hexText.trim(), 'hex');
  if (b.length < 16) throw new Error(`reply shorter than a header: ${hexText}`);
  const len = b.readUInt32LE(0);
  if (len < 16 || len > b.length) throw new Error(`reply length ${len} does not fit its ${b.length} bytes`);
  return {
    len,
    type: b.readUInt16LE(4),
    flags: b.readUInt16LE(6),
    seq: b.readUInt32LE(8),
    pid: b.readUInt32LE(12),
    payload: b.subarray(16, len),
  };
}

/** The module's reply text: the payload up to its terminating NUL (which must be there). */
export function replyText(m: ParsedMsg): string {
  const nul = m.payload.indexOf(0);
  if (nul < 0) throw new Error(`reply text is not NUL-terminated: ${m.payload.toString('hex')}`);
  return m.payload.toString('latin1', 0, nul);
}
