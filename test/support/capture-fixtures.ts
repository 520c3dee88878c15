// Capture files made of the real kernel exchanges in test/fixtures (request, then each recv() buffer as one
// record, as nlmon sees them), written with the codec's pcap writer: for the viewer's tests and the bench.
import { writePcap, type PcapRecordInput } from '../../extension/src/netlink/capture/pcapWriter';
import { loadFixture } from '../fixtures/load';

/** Real exchanges of this machine's kernel, in this order in `fixtureCapture()`. */
export const CAPTURE_FIXTURES = [
  'rtm-getlink-dump',
  'genl-getfamily-enoent',
  'rtm-getaddr-strict-refused',
  'rtm-newlink-ack',
  'genl-getfamily-dump',
  'rtm-getroute-dump',
] as const;

/** The records of the fixtures' exchanges, the request's port filled in from its replies (as nlmon shows it). */
export function fixtureRecords(t0 = 1_765_000_000, names: readonly string[] = CAPTURE_FIXTURES): PcapRecordInput[] {
  const out: PcapRecordInput[] = [];
  let t = t0;
  for (const name of names) {
    const f = loadFixture(name);
    out.push({ time: t, protocol: f.protocol, bytes: f.request });
    for (const b of f.buffers) {
      t += 0.000137;
      out.push({ time: t, protocol: f.protocol, bytes: b });
    }
    t += 0.25;
  }
  return out;
}

export function fixtureCapture(): Uint8Array {
  return writePcap(fixtureRecords());
}
