// Capture files for the reader's tests, written by hand from the pcap and pcapng layouts (independent of the
// reader under test; the LINKTYPE_NETLINK pcap of the codec's own writer is checked against tshark in the native
// tier). Every variant the reader must accept: both byte orders, micro and nano seconds, the three link types,
// pcapng blocks with options, and whatever a test needs to break on purpose.
export interface Packet {
  readonly time: number;
  readonly protocol: number;
  readonly bytes: Uint8Array;
  /** Netlink bytes on the wire, when a snaplen cut them. */
  readonly originalLength?: number;
  readonly comment?: string;
}

const pad4 = (n: number): number => (n + 3) & ~3;

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let p = 0;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

/** The link-layer pseudo-header for a netlink packet of `protocol`. */
export function pseudoHeader(linkType: number, protocol: number): Uint8Array {
  if (linkType === 276) {
    const h = new Uint8Array(20);
    const v = new DataView(h.buffer);
    v.setUint16(0, protocol, false);
    v.setUint32(4, 7, false); // interface index
    v.setUint16(8, 824, false); // ARPHRD_NETLINK
    h[10] = 4; // PACKET_OUTGOING
    return h;
  }
  const h = new Uint8Array(16);
  const v = new DataView(h.buffer);
  v.setUint16(0, 4, false);
  v.setUint16(2, 824, false);
  v.setUint16(14, protocol, false);
  return h;
}

export interface PcapOptions {
  readonly littleEndian?: boolean;
  readonly nano?: boolean;
  readonly linkType?: number;
  readonly snapLen?: number;
}

export function pcapFile(packets: readonly Packet[], o: PcapOptions = {}): Uint8Array {
  const le = o.littleEndian ?? true;
  const linkType = o.linkType ?? 253;
  const header = new Uint8Array(24);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, o.nano ? 0xa1b23c4d : 0xa1b2c3d4, le);
  hv.setUint16(4, 2, le);
  hv.setUint16(6, 4, le);
  hv.setUint32(16, o.snapLen ?? 262144, le);
  hv.setUint32(20, linkType, le);
  const parts: Uint8Array[] = [header];
  for (const p of packets) {
    const ph = pseudoHeader(linkType, p.protocol);
    const rh = new Uint8Array(16);
    const rv = new DataView(rh.buffer);
    const sec = Math.floor(p.time);
    rv.setUint32(0, sec, le);
    rv.setUint32(4, Math.round((p.time - sec) * (o.nano ? 1e9 : 1e6)), le);
    rv.setUint32(8, ph.length + p.bytes.length, le);
    rv.setUint32(12, ph.length + (p.originalLength ?? p.bytes.length), le);
    parts.push(rh, ph, p.bytes);
  }
  return concat(parts);
}

export interface Option {
  readonly code: number;
  readonly value: Uint8Array;
}

export const textOption = (code: number, text: string): Option => ({ code, value: new TextEncoder().encode(text) });

export function u64Option(code: number, n: number, le: boolean): Option {
  const value = new Uint8Array(8);
  new DataView(value.buffer).setBigUint64(0, BigInt(n), le);
  return { code, value };
}

/** Writes pcapng blocks in one byte order. */
export class PcapngBuilder {
  private readonly parts: Uint8Array[] = [];
  constructor(readonly le = true) {}

  block(type: number, body: Uint8Array, options: readonly Option[] = []): this {
    const opts = this.options(options);
    const total = 12 + pad4(body.length) + opts.length;
    const out = new Uint8Array(total);
    const v = new DataView(out.buffer);
    v.setUint32(0, type, this.le);
    v.setUint32(4, total, this.le);
    out.set(body, 8);
    out.set(opts, 8 + pad4(body.length));
    v.setUint32(total - 4, total, this.le);
    this.parts.push(out);
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.parts.push(bytes);
    return this;
  }

  shb(options: readonly Option[] = []): this {
    const body = new Uint8Array(16);
    const v = new DataView(body.buffer);
    v.setUint32(0, 0x1a2b3c4d, this.le);
    v.setUint16(4, 1, this.le);
    v.setUint16(6, 0, this.le);
    v.setBigInt64(8, -1n, this.le);
    return this.block(0x0a0d0d0a, body, options);
  }

  idb(linkType: number, tsresol?: number, snapLen = 0): this {
    const body = new Uint8Array(8);
    const v = new DataView(body.buffer);
    v.setUint16(0, linkType, this.le);
    v.setUint32(4, snapLen, this.le);
    const opts = tsresol === undefined ? [] : [{ code: 9, value: Uint8Array.of(tsresol) }];
    return this.block(1, body, opts);
  }

  /** An enhanced packet block; `unitsPerSecond` (a multiple of 1e6) must match the interface's if_tsresol. */
  epb(iface: number, linkType: number, p: Packet, unitsPerSecond = 1e6): this {
    const data = concat([pseudoHeader(linkType, p.protocol), p.bytes]);
    const body = new Uint8Array(20 + pad4(data.length));
    const v = new DataView(body.buffer);
    const units = BigInt(Math.round(p.time * 1e6)) * BigInt(Math.round(unitsPerSecond / 1e6));
    v.setUint32(0, iface, this.le);
    v.setUint32(4, Number(units >> 32n), this.le);
    v.setUint32(8, Number(units & 0xffffffffn), this.le);
    v.setUint32(12, data.length, this.le);
    v.setUint32(16, data.length - p.bytes.length + (p.originalLength ?? p.bytes.length), this.le);
    body.set(data, 20);
    return this.block(6, body, p.comment === undefined ? [] : [textOption(1, p.comment)]);
  }

  spb(linkType: number, p: Packet): this {
    const data = concat([pseudoHeader(linkType, p.protocol), p.bytes]);
    const body = new Uint8Array(4 + data.length);
    new DataView(body.buffer).setUint32(0, data.length, this.le);
    body.set(data, 4);
    return this.block(3, body);
  }

  isb(iface: number, time: number, options: readonly Option[], unitsPerSecond = 1e6): this {
    const body = new Uint8Array(12);
    const v = new DataView(body.buffer);
    const units = BigInt(Math.round(time * 1e6)) * BigInt(Math.round(unitsPerSecond / 1e6));
    v.setUint32(0, iface, this.le);
    v.setUint32(4, Number(units >> 32n), this.le);
    v.setUint32(8, Number(units & 0xffffffffn), this.le);
    return this.block(5, body, options);
  }

  bytes(): Uint8Array {
    return concat(this.parts);
  }

  private options(options: readonly Option[]): Uint8Array {
    if (options.length === 0) return new Uint8Array(0);
    const parts: Uint8Array[] = [];
    for (const o of options) {
      const h = new Uint8Array(4 + pad4(o.value.length));
      const v = new DataView(h.buffer);
      v.setUint16(0, o.code, this.le);
      v.setUint16(2, o.value.length, this.le);
      h.set(o.value, 4);
      parts.push(h);
    }
    parts.push(new Uint8Array(4)); // opt_endofopt
    return concat(parts);
  }
}
