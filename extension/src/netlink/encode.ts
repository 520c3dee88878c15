// Building netlink bytes: nlmsghdr with its length filled in, attributes (nested ones included) padded to 4
// bytes, scalar payloads in host (little-endian) or network byte order. Used by the builder, tests and tools.
import { NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_HDRLEN, NLMSG_HDRLEN, nlAlign } from './constants';
import type { ScalarKind } from './types';
import { scalarWidth } from './values';

export interface HeaderInput {
  readonly type: number;
  readonly flags: number;
  readonly seq: number;
  readonly pid: number;
}

export interface AttrInput {
  readonly type: number;
  readonly payload?: Uint8Array;
  /** Children: the payload becomes their encoding and NLA_F_NESTED is set. */
  readonly attrs?: readonly AttrInput[];
  readonly netByteOrder?: boolean;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** nlmsghdr + payload, nlmsg_len = 16 + payload length (padding is not counted, as the kernel does). */
export function encodeMessage(header: HeaderInput, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const len = NLMSG_HDRLEN + payload.length;
  const out = new Uint8Array(nlAlign(len));
  const v = new DataView(out.buffer);
  v.setUint32(0, len, true);
  v.setUint16(4, header.type, true);
  v.setUint16(6, header.flags, true);
  v.setUint32(8, header.seq >>> 0, true);
  v.setUint32(12, header.pid >>> 0, true);
  out.set(payload, NLMSG_HDRLEN);
  return out;
}

/** Attributes, each padded to 4 bytes; nested inputs get NLA_F_NESTED. */
export function encodeAttrs(attrs: readonly AttrInput[]): Uint8Array {
  return concatBytes(attrs.map(encodeAttr));
}

export function encodeAttr(attr: AttrInput): Uint8Array {
  const payload = attr.attrs ? encodeAttrs(attr.attrs) : (attr.payload ?? new Uint8Array(0));
  const len = NLA_HDRLEN + payload.length;
  if (len > 0xffff)
    throw new RangeError(`attribute type ${attr.type} would be ${len} bytes; nla_len holds at most 65535`);
  const out = new Uint8Array(nlAlign(len));
  const v = new DataView(out.buffer);
  v.setUint16(0, len, true);
  v.setUint16(
    2,
    (attr.type & 0x3fff) | (attr.attrs ? NLA_F_NESTED : 0) | (attr.netByteOrder ? NLA_F_NET_BYTEORDER : 0),
    true,
  );
  out.set(payload, NLA_HDRLEN);
  return out;
}

/** A scalar's bytes; throws RangeError when the value does not fit the kind (callers validate first). */
export function encodeScalar(kind: ScalarKind, value: number | bigint | string, bigEndian = false): Uint8Array {
  const width = scalarWidth(kind)!;
  const out = new Uint8Array(width);
  const v = new DataView(out.buffer);
  const le = !bigEndian;
  const big = BigInt(value);
  const bits = BigInt(width * 8);
  const signed = kind.startsWith('s');
  const min = signed ? -(1n << (bits - 1n)) : 0n;
  const max = signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
  if (big < min || big > max) throw new RangeError(`${String(value)} does not fit ${kind} (${min}..${max})`);
  switch (kind) {
    case 'u8':
      v.setUint8(0, Number(big));
      break;
    case 's8':
      v.setInt8(0, Number(big));
      break;
    case 'u16':
      v.setUint16(0, Number(big), le);
      break;
    case 's16':
      v.setInt16(0, Number(big), le);
      break;
    case 'u32':
      v.setUint32(0, Number(big), le);
      break;
    case 's32':
      v.setInt32(0, Number(big), le);
      break;
    case 'u64':
      v.setBigUint64(0, big, le);
      break;
    case 's64':
      v.setBigInt64(0, big, le);
      break;
  }
  return out;
}

/** A NUL-terminated string payload (NLA_NUL_STRING, and what the kernel sends for NLA_STRING). */
export function encodeString(text: string): Uint8Array {
  const utf8 = new TextEncoder().encode(text);
  const out = new Uint8Array(utf8.length + 1);
  out.set(utf8);
  return out;
}
