// `decode --pcap` as a user runs it (node on extension/src/cli.ts): captures of the kernel fixtures' real traffic
// written with the codec's pcap writer (and as pcapng), JSON Lines whose objects are decode --json's plus the
// record's fields, stdin, the filters, located problems, refused FIFOs, and a reader that goes away early.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { writePcap } from '../../extension/src/netlink/capture/pcapWriter';
import type { PcapRecordInput } from '../../extension/src/netlink/capture/pcapWriter';
import { decodeMessages, toHex } from '../../extension/src/netlink/index';
import { loadFixture } from '../fixtures/load';
import { PcapngBuilder, textOption, u64Option } from '../support/capture-build';

const CLI = join(__dirname, '../../extension/src/cli.ts');
const run = (args: string[], input?: Uint8Array) =>
  spawnSync(process.execPath, ['--import', 'tsx', CLI, 'decode', ...args], {
    input,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    timeout: 120_000,
  });

const dir = mkdtempSync(join(tmpdir(), 'cli-pcap-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Real exchanges: a genl family dump (binds netdev's id), a netdev dump, a link dump, an error reply.
const sources = ['genl-getfamily-dump', 'genl-netdev-dev-get-dump', 'rtm-getlink-dump', 'rtm-getlink-enodev-capped'];
const records: PcapRecordInput[] = [];
let t = 1765000000;
for (const name of sources) {
  const f = loadFixture(name);
  records.push({ time: (t += 0.25), protocol: f.protocol, bytes: f.request });
  for (const b of f.buffers) records.push({ time: (t += 0.25), protocol: f.protocol, bytes: b });
}
const pcap = join(dir, 'real.pcap');
writeFileSync(pcap, writePcap(records));

interface Line {
  record?: number;
  time?: number;
  direction?: string;
  protocol?: number;
  problem?: string;
  marker?: string;
  offset: number;
  type: number;
  typeName: string;
  family?: string;
  seq: number;
  pid: number;
  flags: number;
  error?: { code: number };
}
const jsonLines = (stdout: string): Line[] =>
  stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Line);

describe('decode --pcap', () => {
  const all = run(['--pcap', pcap, '--json']);
  const lines = jsonLines(all.stdout);

  it('prints one JSON object per message: decode --json of the record plus record, time, direction, protocol', () => {
    assert.equal(all.status, 0, all.stderr);
    assert.equal(all.stderr, '');
    let expected = 0;
    records.forEach((r, index) => {
      // What decode --json prints for these bytes (its array, parsed): one run spawned, the rest in process.
      const plain = JSON.parse(JSON.stringify(decodeMessages(r.bytes, { protocol: r.protocol }))) as object[];
      if (index === 0)
        assert.deepEqual(JSON.parse(run(['--json', '--protocol', String(r.protocol), toHex(r.bytes)]).stdout), plain);
      const ours = lines.filter((l) => l.record === index);
      assert.equal(ours.length, plain.length, `record ${index}`);
      ours.forEach((l, i) => {
        const { record, time, direction, protocol, ...message } = l;
        assert.equal(record, index);
        assert.equal(time, r.time);
        assert.equal(protocol, r.protocol);
        assert.equal(direction, l.flags & 1 ? 'to-kernel' : 'to-user');
        // The genl family's name: bound from the dump seen earlier in the capture, not in a lone decode.
        if (l.family === undefined && l.typeName === 'netdev') return;
        assert.deepEqual(message, plain[i]);
      });
      expected += plain.length;
    });
    assert.equal(lines.length, expected);
    assert.ok(lines.some((l) => l.direction === 'to-kernel') && lines.some((l) => l.direction === 'to-user'));
  });

  it('binds genl family ids from the nlctrl replies earlier in the capture', () => {
    const netdev = loadFixture('genl-netdev-dev-get-dump').genlFamily!;
    const named = lines.filter((l) => l.protocol === 16 && l.type === netdev.id);
    assert.ok(named.length > 1);
    for (const l of named) assert.equal(l.typeName, 'netdev');
    // Without the family dump before it, the same record has only the id.
    const f = loadFixture('genl-netdev-dev-get-dump');
    const alone = writePcap([f.request, ...f.buffers].map((bytes) => ({ time: 1, protocol: 16, bytes })));
    const lone = jsonLines(run(['--pcap', '-', '--json', '--type', String(netdev.id)], alone).stdout);
    assert.equal(lone.length, named.length);
    for (const l of lone) assert.equal(l.typeName, `genl family 0x${netdev.id.toString(16)}`);
  });

  it('reads stdin with -, the same as the file', () => {
    const r = run(['--pcap', '-', '--json'], writePcap(records));
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, all.stdout);
  });

  it('reads the same traffic as pcapng (big-endian, nanosecond interface), with comments and an overrun marker', () => {
    const b = new PcapngBuilder(false).shb().idb(253, 9);
    records.forEach((r, i) => {
      b.epb(0, 253, { ...r, ...(i === 0 ? { comment: 'first' } : {}) }, 1e9);
      if (i === 3)
        b.isb(0, r.time, [textOption(1, 'overrun: ENOBUFS, multicast events lost'), u64Option(5, 9, false)], 1e9);
    });
    const ng = jsonLines(run(['--pcap', '-', '--json'], b.bytes()).stdout);
    const markers = ng.filter((l) => l.marker !== undefined);
    assert.equal(markers.length, 1);
    assert.deepEqual(
      { ...markers[0], offset: 0 },
      {
        marker: 'overrun',
        offset: 0,
        time: records[3]!.time,
        text: 'overrun: ENOBUFS, multicast events lost',
        dropped: 9,
      },
    );
    const messages = ng.filter((l) => l.marker === undefined);
    assert.equal(messages.length, lines.length);
    assert.equal((messages[0] as unknown as { comment: string }).comment, 'first');
    messages.forEach((l, i) => assert.equal(l.seq, lines[i]!.seq));
  });

  it('text: a record line (index, time, direction, protocol) before the renderer blocks', () => {
    const r = run(['--pcap', pcap]);
    assert.equal(r.status, 0, r.stderr);
    const heads = r.stdout.split('\n').filter((l) => l.startsWith('== record '));
    assert.equal(heads.length, records.length);
    assert.match(
      heads[0]!,
      /^== record 0 {2}2025-12-06T05:46:40\.250000Z {2}to-kernel {2}generic \(16\) {2}offset 24$/,
    );
    assert.ok(r.stdout.includes('#0 @0 NLMSG_ERROR'));
  });

  it('filters: protocol, family, type by name and number, port, seq, errors, text', () => {
    const count = (...args: string[]): Line[] => {
      const r = run(['--pcap', pcap, '--json', ...args]);
      assert.equal(r.status, 0, r.stderr);
      return jsonLines(r.stdout);
    };
    const route = count('--filter-protocol', 'route');
    assert.deepEqual(
      route,
      lines.filter((l) => l.protocol === 0),
    );
    assert.deepEqual(
      count('--family', 'netdev'),
      lines.filter((l) => l.typeName === 'netdev'),
    );
    const newlink = count('--type', 'rtm_newlink');
    assert.ok(newlink.length >= 4);
    assert.deepEqual(
      newlink,
      lines.filter((l) => l.typeName === 'RTM_NEWLINK'),
    );
    assert.deepEqual(
      count('--type', '3'),
      lines.filter((l) => l.type === 3),
    );
    const seq = lines.find((l) => l.typeName === 'RTM_NEWLINK')!.seq;
    assert.deepEqual(
      count('--seq', String(seq)),
      lines.filter((l) => l.seq === seq),
    );
    const port = lines.find((l) => l.pid !== 0)!.pid;
    assert.deepEqual(
      count('--port', String(port), '--filter-protocol', '0'),
      route.filter((l) => l.pid === port),
    );
    const errors = count('--errors-only');
    assert.deepEqual(
      errors.map((l) => [l.typeName, l.error!.code]),
      [['NLMSG_ERROR', -19]],
    );
    const lo = count('--grep', 'IFB1', '--type', 'RTM_NEWLINK');
    assert.equal(lo.length, 1);
    assert.equal(count('--grep', 'no such text anywhere').length, 0);
  });

  it('refuses filters without --pcap, and hex arguments with it', () => {
    const r = run(['--seq', '1', '00']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^netlink-decode: the filters .* need --pcap\n$/);
    assert.equal(run(['--pcap', pcap, 'abcd']).status, 2);
    assert.match(run(['--pcap', pcap, '--port', 'x']).stderr, /--port takes a number/);
  });
});

describe('decode --pcap: bad input', () => {
  it('a truncated capture: the records before the cut, then the cut located on stderr and in the JSON lines', () => {
    const bytes = writePcap(records.slice(0, 3));
    const cutAt = bytes.length - 10;
    const file = join(dir, 'cut.pcap');
    writeFileSync(file, bytes.subarray(0, cutAt));
    const r = run(['--pcap', file, '--json']);
    assert.equal(r.status, 0);
    const lastOffset = 24 + 32 * 2 + records[0]!.bytes.length + records[1]!.bytes.length;
    assert.equal(
      r.stderr,
      `netlink-decode: ${file}: offset ${lastOffset}: record 2: a truncated record: ${cutAt - lastOffset} of ${bytes.length - lastOffset} bytes present at the end of the file\n`,
    );
    const out = jsonLines(r.stdout);
    assert.deepEqual(out[out.length - 1], {
      problem: `a truncated record: ${cutAt - lastOffset} of ${bytes.length - lastOffset} bytes present at the end of the file`,
      offset: lastOffset,
      record: 2,
    });
    assert.deepEqual(new Set(out.slice(0, -1).map((l) => l.record)), new Set([0, 1]));
  });

  it('a file that is no capture, a missing file and a FIFO exit 2 with one line', () => {
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'hello, these are notes\n');
    const r = run(['--pcap', text]);
    assert.equal(r.status, 2);
    assert.match(
      r.stderr,
      /^netlink-decode: .*notes\.txt: offset 0: not a pcap or pcapng file \(starts with 68 65 6c 6c/,
    );
    assert.equal(r.stdout, '');
    const missing = run(['--pcap', join(dir, 'nope.pcap')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nope\.pcap: cannot read \(ENOENT\)\n$/);
    const fifo = join(dir, 'fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const started = Date.now();
    const f = run(['--pcap', fifo]);
    assert.equal(f.status, 2);
    assert.match(f.stderr, /fifo: not a regular file \(a FIFO\)\n$/);
    assert.ok(Date.now() - started < 30_000);
  });

  it('ends quietly when the reader closes the pipe early (| head)', async () => {
    const big = join(dir, 'big.pcap');
    const many: PcapRecordInput[] = [];
    for (let i = 0; i < 200; i++) for (const r of records) many.push(r);
    writeFileSync(big, writePcap(many));
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'decode', '--pcap', big, '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    assert.equal(status, 0, stderr);
    assert.equal(stderr, '');
  });
});
