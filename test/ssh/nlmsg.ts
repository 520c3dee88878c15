// The few netlink requests the ssh tier sends, built by hand here (no codec): their layout is the kernel's uapi.
export const NLM_F_REQUEST = 0x1;
export const NLM_F_ACK = 0x4;
export const NLM_F_EXCL = 0x200;
export const NLM_F_CREATE = 0x400;
export const NLM_F_DUMP = 0x300;
export const NLMSG_NOOP = 1;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const RTM_NEWLINK = 16;
export const RTM_GETLINK = 18;
export const RTM_NEWADDR = 20;
export const RTM_DELADDR = 21;
export const GENL_ID_CTRL = 0x10;
export const RTNLGRP_IPV4_IFADDR = 5;
const CTRL_CMD_GETFAMILY = 3;
const CTRL_ATTR_FAMILY_NAME = 2;
const IFLA_IFNAME = 3;
const IFLA_LINKINFO = 18;
const IFLA_INFO_KIND = 1;
const IFA_ADDRESS = 1;
const IFA_LOCAL = 2;
const NLA_F_NESTED = 0x8000;
const AF_INET = 2;

const pad4 = (n: number): number => (n + 3) & ~3;

export function message(type: number, flags: number, seq: number, payload: Buffer): Buffer {
  const b = Buffer.alloc(16 + pad4(payload.length));
  b.writeUInt32LE(16 + payload.length, 0);
  b.writeUInt16LE(type, 4);
  b.writeUInt16LE(flags, 6);
  b.writeUInt32LE(seq, 8);
  payload.copy(b, 16);
  return b;
}

export function attr(type: number, value: Buffer): Buffer {
  const b = Buffer.alloc(pad4(4 + value.length));
  b.writeUInt16LE(4 + value.length, 0);
  b.writeUInt16LE(type, 2);
  value.copy(b, 4);
  return b;
}

const cString = (s: string): Buffer => Buffer.from(`${s}\0`);

function ifinfomsg(index = 0): Buffer {
  const b = Buffer.alloc(16);
  b.writeInt32LE(index, 4);
  return b;
}

export const getLinkDump = (seq: number): Buffer => message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, seq, ifinfomsg());

export function getFamily(seq: number, name: string): Buffer {
  const genl = Buffer.from([CTRL_CMD_GETFAMILY, 1, 0, 0]);
  return message(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, seq, Buffer.concat([genl, attr(CTRL_ATTR_FAMILY_NAME, cString(name))]));
}

/** RTM_NEWLINK of a kind no kernel has: EOPNOTSUPP with the ext-ack text "Unknown device type" (needs CAP_NET_ADMIN). */
export function newLinkBogusKind(seq: number): Buffer {
  const linkinfo = attr(IFLA_LINKINFO | NLA_F_NESTED, attr(IFLA_INFO_KIND, cString('nlwb-bogus')));
  return message(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq,
    Buffer.concat([ifinfomsg(), attr(IFLA_IFNAME, cString('nlwbtest0')), linkinfo]));
}

/** NLMSG_NOOP without NLM_F_ACK: the kernel skips it silently, so the exchange can only time out. */
export const noAnswer = (seq: number): Buffer => message(NLMSG_NOOP, NLM_F_REQUEST, seq, Buffer.alloc(0));

/** Adds or deletes 127.0.0.x/32 on lo (ifindex 1): a real change that RTNLGRP_IPV4_IFADDR subscribers hear. */
export function loopbackAddr(type: typeof RTM_NEWADDR | typeof RTM_DELADDR, seq: number, lastOctet: number): Buffer {
  const ifa = Buffer.from([AF_INET, 32, 0, 0, 1, 0, 0, 0]); // family, prefixlen, flags, scope, index (u32 LE)
  const ip = Buffer.from([127, 0, 0, lastOctet]);
  const flags = NLM_F_REQUEST | NLM_F_ACK | (type === RTM_NEWADDR ? NLM_F_CREATE | NLM_F_EXCL : 0);
  return message(type, flags, seq, Buffer.concat([ifa, attr(IFA_LOCAL, ip), attr(IFA_ADDRESS, ip)]));
}

export interface Header {
  len: number;
  type: number;
  flags: number;
  seq: number;
}

export function header(b: Uint8Array): Header {
  const v = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  return { len: v.readUInt32LE(0), type: v.readUInt16LE(4), flags: v.readUInt16LE(6), seq: v.readUInt32LE(8) };
}

/** The error code of an NLMSG_ERROR message (0 = ack). */
export function errorCode(b: Uint8Array): number {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).readInt32LE(16);
}
