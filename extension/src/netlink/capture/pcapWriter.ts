// Writing classic pcap for LINKTYPE_NETLINK: the global header, then one record per netlink datagram with the
// 16-byte cooked pseudo-header nlmon's captures carry. Pure: returns bytes, the caller writes them where it likes
// (an exported selection, a test capture). Little-endian, microsecond timestamps, like nlhelper capture.
import { LINKTYPE_NETLINK } from './linkLayer';

export const PCAP_GLOBAL_HEADER_LENGTH = 24;
export const PCAP_RECORD_HEADER_LENGTH = 16;
export const NETLINK_PSEUDO_HEADER_LENGTH = 16;
const ARPHRD_NETLINK = 824;
/** What nlmon's packets look like to a packet socket (every one, both directions). */
const PACKET_OUTGOING = 4;
const DEFAULT_SNAPLEN = 262144;

export interface PcapRecordInput {
  /** Seconds since the epoch (fractional; kept to the microsecond). */
  readonly time: number;
  /** The netlink protocol, written into the pseudo-header. */
  readonly protocol: number;
  /** The netlink bytes (one datagram: one or several messages). */
  readonly bytes: Uint8Array;
  /** Bytes on the wire, when the capture cut them (default: bytes.length). */
  readonly originalLength?: number;
}

export function pcapGlobalHeader(snapLen = DEFAULT_SNAPLEN): Uint8Array {
  const out = new Uint8Array(PCAP_GLOBAL_HEADER_LENGTH);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0xa1b2c3d4, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setUint32(16, snapLen, true);
  v.setUint32(20, LINKTYPE_NETLINK, true);
  return out;
}

/** One record: pcap record header, pseudo-header, netlink bytes. */
export function pcapRecord(r: PcapRecordInput): Uint8Array {
  const captured = NETLINK_PSEUDO_HEADER_LENGTH + r.bytes.length;
  const out = new Uint8Array(PCAP_RECORD_HEADER_LENGTH + captured);
  const v = new DataView(out.buffer);
  let sec = Math.floor(r.time);
  let usec = Math.round((r.time - sec) * 1e6);
  if (usec >= 1e6) {
    sec += 1;
    usec -= 1e6;
  }
  v.setUint32(0, sec >>> 0, true);
  v.setUint32(4, usec, true);
  v.setUint32(8, captured, true);
  v.setUint32(12, NETLINK_PSEUDO_HEADER_LENGTH + (r.originalLength ?? r.bytes.length), true);
  const p = PCAP_RECORD_HEADER_LENGTH;
  v.setUint16(p, PACKET_OUTGOING, false);
  v.setUint16(p + 2, ARPHRD_NETLINK, false);
  v.setUint16(p + 14, r.protocol & 0xffff, false);
  out.set(r.bytes, p + NETLINK_PSEUDO_HEADER_LENGTH);
  return out;
}

/** A whole capture file in one buffer (for small ones: an exported selection, a test). */
export function writePcap(records: Iterable<PcapRecordInput>, snapLen = DEFAULT_SNAPLEN): Uint8Array {
  const parts: Uint8Array[] = [pcapGlobalHeader(snapLen)];
  let total = PCAP_GLOBAL_HEADER_LENGTH;
  for (const r of records) {
    const rec = pcapRecord(r);
    parts.push(rec);
    total += rec.length;
  }
  const out = new Uint8Array(total);
  let p = 0;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}
