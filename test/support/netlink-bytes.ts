// Netlink requests and answers for the native, ssh and lab tiers, built and read by hand from the kernel's uapi
// layout. Independent of the extension's codec on purpose: those tiers check the helper and the module against the
// kernel, not one of our codecs against another. A test can also make a message wrong on purpose (nlmsg()).
// The UI tests take the constants from here for the bytes they expect.
export const NLM_F_REQUEST = 0x1;
export const NLM_F_MULTI = 0x2;
export const NLM_F_ACK = 0x4;
export const NLM_F_DUMP = 0x300;
export const NLM_F_EXCL = 0x200;
export const NLM_F_CREATE = 0x400;

export const NLMSG_NOOP = 1;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;

export const RTM_NEWLINK = 16;
export const RTM_GETLINK = 18;
export const RTM_NEWADDR = 20;
export const RTM_DELADDR = 21;
export const RTM_GETADDR = 22;
export const IFA_LABEL = 3;
export const IFLA_IFNAME = 3;
export const IFLA_MTU = 4;
export const IFLA_OPERSTATE = 16;
export const IFLA_LINKINFO = 18;
export const IFLA_INFO_KIND = 1;
export const NLA_F_NESTED = 0x8000;
export const IFF_UP = 0x1;

export const GENL_ID_CTRL = 0x10;
export const CTRL_CMD_GETFAMILY = 3;
export const CTRL_ATTR_FAMILY_ID = 1;
export const CTRL_ATTR_FAMILY_NAME = 2;

export const RTNLGRP_IPV4_IFADDR = 5;

/** The nlreply module's protocol, and the conventional request type for it (the first above the control types). */
export const NLREPLY_PROTOCOL = 31;
export const REQUEST_TYPE = 16;

const IFA_ADDRESS = 1;
const IFA_LOCAL = 2;
const AF_INET = 2;
const NLMSGERR_ATTR_MSG = 1;
const NLM_F_CAPPED = 0x100;
const NLM_F_ACK_TLVS = 0x200;

const align4 = (n: number): number => (n + 3) & ~3;

export function cString(text: string): Buffer {
  return Buffer.concat([Buffer.from(text, 'utf8'), Buffer.alloc(1)]);
}

/** One attribute, padded to 4 bytes (nla_len excludes the padding). */
export function attr(type: number, payload: Buffer): Buffer {
  const out = Buffer.alloc(align4(4 + payload.length));
  out.writeUInt16LE(4 + payload.length, 0);
  out.writeUInt16LE(type, 2);
  payload.copy(out, 4);
  return out;
}

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

/** One message; defaults: the nlreply request type, NLM_F_REQUEST | NLM_F_ACK, seq and port id 0. */
export function nlmsg(spec: MsgSpec): Buffer {
  const payload =
    typeof spec.payload === 'string' ? Buffer.from(spec.payload, 'latin1') : (spec.payload ?? Buffer.alloc(0));
  const len = 16 + payload.length;
  const buf = Buffer.alloc(spec.pad === false ? len : align4(len));
  buf.writeUInt32LE(spec.lenField ?? len, 0);
  buf.writeUInt16LE(spec.type ?? REQUEST_TYPE, 4);
  buf.writeUInt16LE(spec.flags ?? NLM_F_REQUEST | NLM_F_ACK, 6);
  buf.writeUInt32LE(spec.seq ?? 0, 8);
  buf.writeUInt32LE(spec.pid ?? 0, 12);
  payload.copy(buf, 16);
  return buf;
}

/** One message with a correct nlmsg_len, port id 0, padded to 4 bytes. */
export function message(type: number, flags: number, seq: number, payload: Buffer): Buffer {
  return nlmsg({ type, flags, seq, payload });
}

export const hex = (...parts: Buffer[]): string => Buffer.concat(parts).toString('hex');

/** struct ifinfomsg: family, pad, type, index, flags, change. */
export function ifinfomsg(index = 0): Buffer {
  const out = Buffer.alloc(16);
  out.writeInt32LE(index, 4);
  return out;
}

export function getLinkDump(seq: number, index = 0): Buffer {
  return message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, seq, ifinfomsg(index));
}

export function getLink(seq: number, index: number): Buffer {
  return message(RTM_GETLINK, NLM_F_REQUEST, seq, ifinfomsg(index));
}

export function getFamily(seq: number, name: string): Buffer {
  const genl = Buffer.from([CTRL_CMD_GETFAMILY, 1, 0, 0]);
  return message(
    GENL_ID_CTRL,
    NLM_F_REQUEST | NLM_F_ACK,
    seq,
    Buffer.concat([genl, attr(CTRL_ATTR_FAMILY_NAME, cString(name))]),
  );
}

/** RTM_NEWLINK for a link kind no kernel has: EOPNOTSUPP with the ext-ack "Unknown device type" (needs CAP_NET_ADMIN). */
export function newLinkBogusKind(seq: number): Buffer {
  const linkinfo = attr(IFLA_LINKINFO | NLA_F_NESTED, attr(IFLA_INFO_KIND, cString('nlh-bogus')));
  return message(
    RTM_NEWLINK,
    NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
    seq,
    Buffer.concat([ifinfomsg(), attr(IFLA_IFNAME, cString('nlhtest0')), linkinfo]),
  );
}

/** NLMSG_NOOP without NLM_F_ACK: the kernel skips control messages silently, so nothing ever answers. */
export function noop(seq: number, flags = NLM_F_REQUEST): Buffer {
  return message(NLMSG_NOOP, flags, seq, Buffer.alloc(0));
}

/** Adds or deletes 127.0.0.x/32 on lo (ifindex 1): a real change that RTNLGRP_IPV4_IFADDR subscribers hear. */
export function loopbackAddr(type: typeof RTM_NEWADDR | typeof RTM_DELADDR, seq: number, lastOctet: number): Buffer {
  const ifa = Buffer.from([AF_INET, 32, 0, 0, 1, 0, 0, 0]); // family, prefixlen, flags, scope, index (u32 LE)
  const ip = Buffer.from([127, 0, 0, lastOctet]);
  const flags = NLM_F_REQUEST | NLM_F_ACK | (type === RTM_NEWADDR ? NLM_F_CREATE | NLM_F_EXCL : 0);
  return message(type, flags, seq, Buffer.concat([ifa, attr(IFA_LOCAL, ip), attr(IFA_ADDRESS, ip)]));
}

export interface ParsedMessage {
  len: number;
  type: number;
  flags: number;
  seq: number;
  pid: number;
  payload: Buffer;
}

function parseBytes(bytes: Buffer, len: number): ParsedMessage {
  return {
    len,
    type: bytes.readUInt16LE(4),
    flags: bytes.readUInt16LE(6),
    seq: bytes.readUInt32LE(8),
    pid: bytes.readUInt32LE(12),
    payload: bytes.subarray(16, len),
  };
}

/** The header of a reply the helper handed over as bytes. */
export function header(b: Uint8Array): ParsedMessage {
  const bytes = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  return parseBytes(bytes, bytes.readUInt32LE(0));
}

/** The error code of an NLMSG_ERROR message (0 = ack). */
export function errorCode(b: Uint8Array): number {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).readInt32LE(16);
}

/** One message given as hex, exactly: throws when the hex or the length field is wrong (the helper's contract). */
export function parseMessageHex(hexText: string): ParsedMessage {
  if (!/^(?:[0-9a-f]{2})+$/.test(hexText)) throw new Error(`not lowercase contiguous hex: ${hexText.slice(0, 40)}`);
  const bytes = Buffer.from(hexText, 'hex');
  if (bytes.length < 16) throw new Error(`message shorter than a header: ${bytes.length} bytes`);
  const len = bytes.readUInt32LE(0);
  if (len !== bytes.length) throw new Error(`nlmsg_len ${len} but ${bytes.length} bytes`);
  return parseBytes(bytes, len);
}

/** One message from hex that may carry padding after nlmsg_len (what nlhelper prints per reply line). */
export function parseOne(hexText: string): ParsedMessage {
  const bytes = Buffer.from(hexText.trim(), 'hex');
  if (bytes.length < 16) throw new Error(`reply shorter than a header: ${hexText}`);
  const len = bytes.readUInt32LE(0);
  if (len < 16 || len > bytes.length) throw new Error(`reply length ${len} does not fit its ${bytes.length} bytes`);
  return parseBytes(bytes, len);
}

/** Attributes in @buf by type (last one wins), nesting and byte-order bits cleared. */
export function parseAttrs(buf: Buffer): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  let pos = 0;
  while (pos + 4 <= buf.length) {
    const len = buf.readUInt16LE(pos);
    const type = buf.readUInt16LE(pos + 2) & 0x3fff;
    if (len < 4 || pos + len > buf.length) break;
    out.set(type, buf.subarray(pos + 4, pos + len));
    pos += align4(len);
  }
  return out;
}

/** For an NLMSG_ERROR: the (negative) error and the ext-ack message text, if any. */
export function parseError(msg: ParsedMessage): { error: number; text: string | undefined } {
  if (msg.type !== NLMSG_ERROR) throw new Error(`type ${msg.type} is not NLMSG_ERROR`);
  const error = msg.payload.readInt32LE(0);
  const requestLen = msg.payload.readUInt32LE(4);
  let tlvStart = 4 + 16;
  if (!(msg.flags & NLM_F_CAPPED)) tlvStart += align4(requestLen - 16);
  let text: string | undefined;
  if (msg.flags & NLM_F_ACK_TLVS) {
    const raw = parseAttrs(msg.payload.subarray(tlvStart)).get(NLMSGERR_ATTR_MSG);
    if (raw) text = raw.toString('utf8').replace(/\0+$/, '');
  }
  return { error, text };
}

export function cStringAttr(value: Buffer | undefined): string | undefined {
  return value?.toString('utf8').replace(/\0+$/, '');
}

/** The nlreply module's reply text: the payload up to its terminating NUL (which must be there). */
export function replyText(m: ParsedMessage): string {
  const nul = m.payload.indexOf(0);
  if (nul < 0) throw new Error(`reply text is not NUL-terminated: ${m.payload.toString('hex')}`);
  return m.payload.toString('latin1', 0, nul);
}
