// Large pcap captures of real netlink traffic for the bench and the memory tests: the kernel fixtures' requests
// and recv() buffers (real rtnetlink and generic netlink exchanges of this machine's kernel), repeated in
// order as LINKTYPE_NETLINK records through the codec's pcap writer, each round with its own sequence numbers
// and later timestamps. Written to a file in ~1 MiB pieces, never held whole.
import { closeSync, openSync, writeSync } from 'node:fs';
import { pcapGlobalHeader, pcapRecord } from '../../extension/src/netlink/capture/pcapWriter';
import { fixtureNames, loadFixture } from '../fixtures/load';

interface Exchange {
  readonly protocol: number;
  readonly records: readonly Uint8Array[];
}

/** Every fixture exchange: the request record, then one record per recv() buffer. */
function exchanges(): Exchange[] {
  return fixtureNames().map((name) => {
    const f = loadFixture(name);
    return { protocol: f.protocol, records: [f.request, ...f.buffers] };
  });
}

/** A copy of a record with every message's nlmsg_seq moved by `delta` (the kernel echoes a request's seq). */
function withSeq(bytes: Uint8Array, delta: number): Uint8Array {
  const out = new Uint8Array(bytes);
  const v = new DataView(out.buffer);
  for (let p = 0; p + 16 <= out.length;) {
    const len = v.getUint32(p, true);
    v.setUint32(p + 8, (v.getUint32(p + 8, true) + delta) >>> 0, true);
    if (len < 16) break;
    p += (len + 3) & ~3;
  }
  return out;
}

export interface CorpusFile {
  readonly bytes: number;
  readonly records: number;
}

/** Writes a capture of at least `targetBytes` to `path`. */
export function writeCaptureCorpus(path: string, targetBytes: number, start = 1765000000): CorpusFile {
  const source = exchanges();
  const fd = openSync(path, 'w');
  let written = 0;
  let records = 0;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const put = (b: Uint8Array): void => {
    pending.push(b);
    pendingBytes += b.length;
    if (pendingBytes >= 1 << 20) flush();
  };
  const flush = (): void => {
    const buf = Buffer.concat(pending, pendingBytes);
    writeSync(fd, buf);
    written += buf.length;
    pending = [];
    pendingBytes = 0;
  };
  try {
    put(pcapGlobalHeader());
    let time = start;
    for (let round = 0; written + pendingBytes < targetBytes; round++) {
      for (const x of source) {
        for (const r of x.records) {
          time += 0.000137;
          put(pcapRecord({ time, protocol: x.protocol, bytes: round === 0 ? r : withSeq(r, round) }));
          records++;
        }
      }
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return { bytes: written, records };
}
