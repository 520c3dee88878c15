// A second reader for our captures: live netlink exchanges with this machine's kernel (nlhelper xchg: link,
// address and route dumps, a generic netlink family dump, kernel errors with echoed requests and an ext-ack),
// written as pcap by the codec's writer and as pcapng, are read by Debian's tshark (installed by run.sh) and by
// `decode --pcap --json`. For every nlmsghdr tshark finds, ours has the same length, type, flags, seq and port
// at the same place, and ours finds no header tshark does not: top-level messages and the requests echoed in
// NLMSG_ERROR alike.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { writePcap } from '../../extension/src/netlink/capture/pcapWriter';
import type { PcapRecordInput } from '../../extension/src/netlink/capture/pcapWriter';
import { PcapngBuilder } from '../support/capture-build';
import {
  GENL_ID_CTRL,
  NLM_F_DUMP,
  NLM_F_REQUEST,
  getFamily,
  getLink,
  getLinkDump,
  message,
  newLinkBogusKind,
} from '../support/netlink-bytes';
import { repoRoot, runHelper, variants } from './helper-process';

const CLI = path.join(repoRoot, 'extension/src/cli.ts');
const RTM_GETADDR = 22;
const RTM_GETROUTE = 26;
const CTRL_CMD_GETFAMILY = 3;
/** The pseudo-header before the netlink bytes in every record we write (LINKTYPE_NETLINK). */
const PSEUDO = 16;

interface Header {
  len: number;
  type: number;
  flags: number;
  seq: number;
  pid: number;
}

const dir = mkdtempSync(path.join(tmpdir(), 'capture-tshark-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Exchanges `request` with the kernel through nlhelper; the reply messages' bytes. */
async function exchange(protocol: number, request: Buffer): Promise<Buffer[]> {
  const r = await runHelper(variants[0]!.binary, [
    'xchg',
    '--protocol',
    String(protocol),
    '--timeout',
    '3000',
    request.toString('hex'),
  ]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => Buffer.from(l, 'hex'));
}

/** Records as a socket reads them: the request alone, then the replies packed up to three to a datagram. */
async function liveRecords(): Promise<PcapRecordInput[]> {
  let time = Date.now() / 1000;
  const out: PcapRecordInput[] = [];
  const add = async (protocol: number, request: Buffer): Promise<void> => {
    out.push({ time: (time += 0.001), protocol, bytes: request });
    const replies = await exchange(protocol, request);
    assert.ok(replies.length > 0);
    for (let i = 0; i < replies.length; i += 3)
      out.push({ time: (time += 0.001), protocol, bytes: Buffer.concat(replies.slice(i, i + 3)) });
  };
  await add(16, message(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_DUMP, 101, Buffer.from([CTRL_CMD_GETFAMILY, 1, 0, 0])));
  await add(16, getFamily(102, 'nlctrl'));
  await add(16, getFamily(103, 'no-such-family'));
  await add(0, getLinkDump(104));
  await add(0, message(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 105, Buffer.alloc(8)));
  await add(0, message(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, 106, Buffer.alloc(12)));
  await add(0, getLink(107, 0x7ffffff0));
  await add(0, newLinkBogusKind(108));
  return out;
}

const numberOf = (show: string): number => (show.startsWith('0x') ? parseInt(show, 16) : Number(show));

/** tshark's nlmsghdrs per frame (0-based record index), keyed by their offset in the netlink bytes. */
function tsharkHeaders(file: string): Map<number, Map<number, Header>> {
  const pdml = execFileSync('tshark', ['-r', file, '-T', 'pdml'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    timeout: 120_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const frames = new Map<number, Map<number, Header>>();
  for (const packet of pdml.split('<packet>').slice(1)) {
    const fields = new Map<string, string>();
    let frame = -1;
    const re = /<field name="([^"]*)"(?: showname="[^"]*")? size="(\d+)" pos="(\d+)" show="([^"]*)"/g;
    for (let m = re.exec(packet); m; m = re.exec(packet)) {
      const [, name, size, pos, show] = m;
      if (name === 'frame.number') frame = Number(show) - 1;
      // The first field at a position wins: tshark repeats the flags under a second name table.
      const key = `${pos}/${size}/${name!.startsWith('netlink.hdr_') ? name : 'type'}`;
      if (name !== '' && !fields.has(key)) fields.set(key, show!);
    }
    const headers = new Map<number, Header>();
    for (const [key, show] of fields) {
      const [pos, size, name] = key.split('/');
      if (name !== 'netlink.hdr_len' || size !== '4') continue;
      const p = Number(pos);
      const at = (q: number, s: number, n: string): number => {
        const v = fields.get(`${q}/${s}/${n}`);
        assert.ok(v !== undefined, `frame ${frame + 1}: no ${n} at ${q} for the header at ${p}`);
        return numberOf(v);
      };
      headers.set(p - PSEUDO, {
        len: numberOf(show),
        // The type is under the family's own name (netlink.hdr_type, netlink-route.nltype, genl.family_id, ...).
        type: fields.has(`${p + 4}/2/netlink.hdr_type`) ? at(p + 4, 2, 'netlink.hdr_type') : at(p + 4, 2, 'type'),
        flags: at(p + 6, 2, 'netlink.hdr_flags'),
        seq: at(p + 8, 4, 'netlink.hdr_seq'),
        pid: at(p + 12, 4, 'netlink.hdr_pid'),
      });
    }
    frames.set(frame, headers);
  }
  return frames;
}

interface OurMessage extends Header {
  record: number;
  offset: number;
  length: number;
  error?: { request?: OurMessage };
}

/** Ours per record: every message's header, and the header of the request an NLMSG_ERROR echoes. */
function ourHeaders(file: string): Map<number, Map<number, Header>> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'decode', '--pcap', file, '--json'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const records = new Map<number, Map<number, Header>>();
  const put = (record: number, m: OurMessage): void => {
    const headers = records.get(record) ?? new Map<number, Header>();
    records.set(record, headers);
    headers.set(m.offset, { len: m.length, type: m.type, flags: m.flags, seq: m.seq, pid: m.pid });
  };
  for (const line of r.stdout.split('\n').filter((l) => l !== '')) {
    const m = JSON.parse(line) as OurMessage;
    put(m.record, m);
    if (m.error?.request) put(m.record, m.error.request);
  }
  return records;
}

describe('tshark reads our captures of live kernel traffic the way we do', async () => {
  const records = await liveRecords();
  const pcap = path.join(dir, 'live.pcap');
  writeFileSync(pcap, writePcap(records));
  const ng = new PcapngBuilder(true).shb().idb(253, 9);
  for (const r of records) ng.epb(0, 253, r, 1e9);
  const pcapng = path.join(dir, 'live.pcapng');
  writeFileSync(pcapng, ng.bytes());

  for (const [name, file] of [
    ['pcap (the codec writer)', pcap],
    ['pcapng', pcapng],
  ] as const) {
    test(`${name}: every header agrees (length, type, flags, seq, port)`, () => {
      const theirs = tsharkHeaders(file);
      const ours = ourHeaders(file);
      assert.equal(theirs.size, records.length, 'tshark saw every record');
      let compared = 0;
      let echoed = 0;
      for (let i = 0; i < records.length; i++) {
        const t = theirs.get(i)!;
        const o = ours.get(i);
        assert.ok(o, `record ${i}: ours decoded nothing`);
        assert.deepEqual(
          [...o.entries()].sort((a, b) => a[0] - b[0]),
          [...t.entries()].sort((a, b) => a[0] - b[0]),
          `record ${i}`,
        );
        compared += t.size;
        for (const h of o.values()) if (h.type === 2) echoed++;
      }
      // Enough to mean something: every dump's parts, three errors each echoing its request.
      assert.ok(compared > 30, `${compared} headers compared`);
      assert.ok(echoed >= 3, `${echoed} error messages`);
    });
  }
});
