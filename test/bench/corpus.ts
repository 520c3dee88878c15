// The benches' input: real rtnetlink dump replies of this machine's kernel (the RTM_NEWLINK / NEWADDR / NEWROUTE
// messages of the fixtures, captured by test/fixtures/capture.py), repeated to the size a bench needs.
import { loadFixture } from '../fixtures/load';

export const SOURCES = ['rtm-getlink-dump', 'rtm-getaddr-dump', 'rtm-getroute-dump'];

/** Data messages (type >= 0x10) of the source fixtures, framed here by nlmsg_len, independent of the decoder. */
export function sampleMessages(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const name of SOURCES) {
    for (const buf of loadFixture(name).buffers) {
      const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      for (let off = 0; off + 16 <= buf.length;) {
        const len = view.getUint32(off, true);
        if (len < 16 || off + len > buf.length) throw new Error(`${name}: bad nlmsg_len ${len} at ${off}`);
        if (view.getUint16(off + 4, true) >= 0x10) out.push(buf.subarray(off, off + ((len + 3) & ~3)));
        off += (len + 3) & ~3;
      }
    }
  }
  if (out.length === 0) throw new Error('no rtnetlink data messages in the fixtures');
  return out;
}

/** `count` messages: the sample repeated in order. */
export function repeatMessages(count: number): Uint8Array[] {
  const sample = sampleMessages();
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) out.push(sample[i % sample.length] as Uint8Array);
  return out;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Spaced hex, 16 bytes a line, as people paste it (and as `decode` reads it from stdin). */
export function spacedHex(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const row: string[] = [];
    for (let k = off; k < off + 16 && k < bytes.length; k++) row.push(HEX[bytes[k] as number] as string);
    lines.push(row.join(' '));
  }
  return `${lines.join('\n')}\n`;
}

/** hexdump -C of one buffer (offsets from 0, ASCII column, closing offset line; no `*` squeezing). */
export function hexdumpC(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    let hex = '';
    let ascii = '';
    for (let k = 0; k < 16; k++) {
      const b = bytes[off + k];
      hex += (k === 8 ? ' ' : '') + (b === undefined ? '   ' : `${HEX[b]} `);
      if (b !== undefined) ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex} |${ascii}|`);
  }
  lines.push(bytes.length.toString(16).padStart(8, '0'));
  return `${lines.join('\n')}\n`;
}
