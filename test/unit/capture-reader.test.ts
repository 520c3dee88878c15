import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CaptureReader } from '../../extension/src/netlink/capture/reader';
import type { CaptureMarker, CaptureProblem, CaptureRecord } from '../../extension/src/netlink/capture/reader';
import { writePcap } from '../../extension/src/netlink/capture/pcapWriter';
import { recordDirection } from '../../extension/src/netlink/capture/direction';
import { loadFixture } from '../fixtures/load';
import { concat, PcapngBuilder, pcapFile, textOption, u64Option } from '../support/capture-build';
import type { Packet } from '../support/capture-build';

interface Seen {
  format: string | undefined;
  records: (Omit<CaptureRecord, 'bytes'> & { bytes: number[] })[];
  problems: CaptureProblem[];
  markers: CaptureMarker[];
}

/** Reads `file` pushed in the given chunk sizes (cycled), copying each record's bytes (they may be views). */
function read(file: Uint8Array, chunks: readonly number[] = [file.length || 1], maxRecordBytes?: number): Seen {
  const seen: Seen = { format: undefined, records: [], problems: [], markers: [] };
  const reader = new CaptureReader(
    {
      record: (r) => seen.records.push({ ...r, bytes: [...r.bytes] }),
      problem: (p) => seen.problems.push(p),
      marker: (m) => seen.markers.push(m),
    },
    maxRecordBytes === undefined ? undefined : { maxRecordBytes },
  );
  let p = 0;
  for (let i = 0; p < file.length; i++) {
    const n = chunks[i % chunks.length]!;
    reader.push(file.subarray(p, p + n));
    p += n;
  }
  reader.end();
  seen.format = reader.format;
  return seen;
}

// Real traffic of this machine's kernel: a link dump request and its replies (route), a genl family lookup.
const link = loadFixture('rtm-getlink-dump');
const genl = loadFixture('genl-getfamily-nlctrl');
const packets: Packet[] = [
  { time: 1765000000.25, protocol: 0, bytes: link.request },
  ...link.buffers.map((b, i) => ({ time: 1765000000.5 + i, protocol: 0, bytes: b })),
  { time: 1765000010, protocol: 16, bytes: genl.request },
  { time: 1765000010.000123, protocol: 16, bytes: genl.buffers[0]! },
];

function assertPackets(seen: Seen, expected: readonly Packet[], linkType = 253, timeTolerance = 1e-6): void {
  assert.deepEqual(seen.problems, []);
  assert.equal(seen.records.length, expected.length);
  seen.records.forEach((r, i) => {
    const e = expected[i]!;
    assert.equal(r.index, i);
    assert.equal(r.linkType, linkType);
    assert.equal(r.protocol, e.protocol);
    assert.deepEqual(r.bytes, [...e.bytes]);
    assert.equal(r.originalLength, e.originalLength ?? e.bytes.length);
    assert.ok(Math.abs(r.time - e.time) < timeTolerance, `record ${i}: time ${r.time}, expected ${e.time}`);
  });
}

describe('capture reader: pcap', () => {
  it("reads the codec's writer output (LINKTYPE_NETLINK, little-endian, microseconds) with offsets", () => {
    const file = writePcap(packets);
    const seen = read(file);
    assert.equal(seen.format, 'pcap');
    assertPackets(seen, packets);
    let offset = 24;
    for (const r of seen.records) {
      assert.equal(r.offset, offset);
      assert.equal(r.dataOffset, offset + 16 + 16);
      assert.deepEqual([...file.subarray(r.dataOffset, r.dataOffset + r.bytes.length)], r.bytes);
      offset += 16 + 16 + r.bytes.length;
    }
  });

  for (const [name, o] of [
    ['big-endian microseconds', { littleEndian: false }],
    ['little-endian nanoseconds', { nano: true }],
    ['big-endian nanoseconds', { littleEndian: false, nano: true }],
    ['LINUX_SLL', { linkType: 113 }],
    ['LINUX_SLL2', { linkType: 276 }],
  ] as const) {
    it(`reads ${name}`, () => {
      const lt = 'linkType' in o ? o.linkType : 253;
      const seen = read(pcapFile(packets, o));
      assertPackets(seen, packets, lt, 'nano' in o ? 1e-6 : 1e-6);
      assert.equal(seen.records[0]!.dataOffset, 24 + 16 + (lt === 276 ? 20 : 16));
    });
  }

  it('keeps nanoseconds (of a small time: a double since the epoch keeps only ~0.2 us)', () => {
    const seen = read(pcapFile([{ time: 5.123456789, protocol: 0, bytes: link.request }], { nano: true }));
    assert.equal(Math.round((seen.records[0]!.time % 1) * 1e9), 123456789);
  });

  it('reports a snaplen cut through originalLength', () => {
    const cut = {
      time: 1,
      protocol: 0,
      bytes: link.buffers[0]!.subarray(0, 100),
      originalLength: link.buffers[0]!.length,
    };
    const seen = read(pcapFile([cut], { snapLen: 116 }));
    assert.deepEqual(seen.problems, []);
    assert.equal(seen.records[0]!.bytes.length, 100);
    assert.equal(seen.records[0]!.originalLength, link.buffers[0]!.length);
  });
});

describe('capture reader: pcapng', () => {
  for (const le of [true, false]) {
    it(`reads a ${le ? 'little' : 'big'}-endian section: IDBs with link types and if_tsresol, EPB, SPB, comments, unknown blocks`, () => {
      const b = new PcapngBuilder(le)
        .shb([textOption(4, 'netlink workbench test')])
        .idb(253)
        .idb(276, 9)
        .block(0x0bad, Uint8Array.of(1, 2, 3, 4, 5)) // unknown block type: skipped
        .epb(0, 253, { ...packets[0]!, comment: 'the request' })
        .epb(1, 276, packets[1]!, 1e9)
        .block(4, new Uint8Array(4)) // a name resolution block: of no use here
        .spb(253, packets[2]!)
        .epb(0, 253, packets[3]!);
      const seen = read(b.bytes());
      assert.equal(seen.format, 'pcapng');
      assert.deepEqual(seen.problems, []);
      assert.deepEqual(
        seen.records.map((r) => [r.index, r.linkType, r.protocol, r.comment]),
        [
          [0, 253, 0, 'the request'],
          [1, 276, 0, undefined],
          [2, 253, 0, undefined],
          [3, 253, 0, undefined],
        ],
      );
      assert.deepEqual(seen.records[1]!.bytes, [...packets[1]!.bytes]);
      assert.ok(Math.abs(seen.records[1]!.time - packets[1]!.time) < 1e-6);
      assert.ok(Math.abs(seen.records[3]!.time - packets[3]!.time) < 1e-6);
      assert.equal(seen.records[2]!.time, 0, 'a simple packet block has no timestamp');
    });
  }

  it('reports an ISB with an overrun comment as a marker, with isb_ifdrop', () => {
    const b = new PcapngBuilder()
      .shb()
      .idb(253)
      .epb(0, 253, packets[0]!)
      .isb(0, 1765000001.5, [textOption(1, 'overrun: ENOBUFS, multicast events lost'), u64Option(5, 17, true)])
      .isb(0, 1765000002, [textOption(1, 'just statistics')])
      .epb(0, 253, packets[1]!);
    const seen = read(b.bytes());
    assert.deepEqual(seen.problems, []);
    assert.equal(seen.records.length, 2);
    assert.deepEqual(
      seen.records.map((r) => r.index),
      [0, 1],
    );
    assert.equal(seen.markers.length, 1);
    const m = seen.markers[0]!;
    assert.equal(m.kind, 'overrun');
    assert.equal(m.text, 'overrun: ENOBUFS, multicast events lost');
    assert.equal(m.dropped, 17);
    assert.ok(Math.abs(m.time! - 1765000001.5) < 1e-6);
  });

  it('starts over with a second section in the other byte order', () => {
    const file = concat([
      new PcapngBuilder(true).shb().idb(253).epb(0, 253, packets[0]!).bytes(),
      new PcapngBuilder(false).shb().idb(113).epb(0, 113, packets[1]!).bytes(),
    ]);
    const seen = read(file);
    assert.deepEqual(seen.problems, []);
    assert.deepEqual(
      seen.records.map((r) => [r.index, r.linkType]),
      [
        [0, 253],
        [1, 113],
      ],
    );
  });
});

describe('capture reader: chunking', () => {
  const files: [string, Uint8Array][] = [
    ['pcap', writePcap(packets.slice(0, 3))],
    [
      'pcapng',
      new PcapngBuilder(false)
        .shb()
        .idb(253)
        .epb(0, 253, { ...packets[0]!, comment: 'c' })
        .block(99, new Uint8Array(40))
        .isb(0, 5, [textOption(1, 'overrun: x')])
        .epb(0, 253, packets[4]!)
        .bytes(),
    ],
  ];
  for (const [name, file] of files) {
    it(`${name}: the same records for a split at every byte and for 1-, 3- and 7-byte chunks`, () => {
      const whole = read(file);
      assert.ok(whole.records.length >= 2);
      for (let cut = 1; cut < file.length; cut++) assert.deepEqual(read(file, [cut, file.length]), whole, `cut ${cut}`);
      for (const n of [1, 3, 7]) assert.deepEqual(read(file, [n]), whole, `${n}-byte chunks`);
    });
  }
});

describe('capture reader: hostile input', () => {
  const file = writePcap(packets.slice(0, 3));

  it('an empty input and a foreign file are one located problem each', () => {
    assert.deepEqual(read(new Uint8Array(0)).problems, [
      { offset: 0, message: 'empty input: no pcap or pcapng header' },
    ]);
    const seen = read(new TextEncoder().encode('GIF89a and then some'));
    assert.equal(seen.problems.length, 1);
    assert.match(seen.problems[0]!.message, /not a pcap or pcapng file \(starts with 47 49 46 38/);
    assert.equal(seen.format, undefined);
  });

  it('a file cut inside a record: the records before it, then the cut located', () => {
    for (const cut of [10, 30, file.length - 1]) {
      const seen = read(file.subarray(0, cut));
      assert.equal(seen.problems.length, 1, `cut ${cut}`);
      const p = seen.problems[0]!;
      if (cut < 24) assert.match(p.message, /the file header: 10 of 24 bytes/);
      else {
        assert.match(p.message, /truncated record/);
        assert.equal(p.record, seen.records.length);
      }
    }
    const lastStart = 24 + 32 + packets[0]!.bytes.length + 32 + packets[1]!.bytes.length;
    assert.deepEqual(read(file.subarray(0, file.length - 1)).problems[0]!.offset, lastStart);
  });

  it('a record shorter than the pseudo-header is a problem; the next record is read', () => {
    const bad = pcapFile([packets[0]!, packets[1]!]);
    // Record 0's captured length 8: its header says 8 bytes, so the next record starts 8 bytes after its header.
    const rec0 = new Uint8Array(bad.subarray(24, 24 + 16));
    new DataView(rec0.buffer).setUint32(8, 8, true);
    const forged = concat([
      bad.subarray(0, 24),
      rec0,
      new Uint8Array(8),
      bad.subarray(24 + 32 + packets[0]!.bytes.length),
    ]);
    const seen = read(forged);
    assert.deepEqual(seen.problems, [
      { offset: 24, record: 0, message: 'record of 8 bytes is shorter than the 16-byte NETLINK pseudo-header' },
    ]);
    assert.deepEqual(
      seen.records.map((r) => r.index),
      [1],
    );
  });

  it('a giant captured length is skipped without buffering, in bounded time; the end is located', () => {
    const header = file.subarray(0, 24);
    const rec = new Uint8Array(16);
    new DataView(rec.buffer).setUint32(8, 0xfffffff0, true);
    const started = Date.now();
    const seen = read(concat([header, rec, new Uint8Array(1000)]), [7]);
    assert.ok(Date.now() - started < 1000);
    assert.equal(seen.problems.length, 2);
    assert.match(
      seen.problems[0]!.message,
      /record of 4294967280 bytes is larger than the 16777216-byte limit; skipped/,
    );
    assert.deepEqual(seen.problems[1], {
      offset: 24,
      message: 'the file ends inside record 0 (4294966280 bytes missing)',
    });
  });

  it('a record over maxRecordBytes is skipped and reading goes on', () => {
    const seen = read(file, [5], 200);
    const big = packets.slice(0, 3).filter((p) => p.bytes.length + 16 > 200).length;
    assert.equal(seen.problems.length, big);
    assert.equal(seen.records.length, 3 - big);
    assert.ok(big > 0 && seen.records.length > 0);
  });

  it('an unknown link type is one problem per interface, not one per record', () => {
    const seen = read(pcapFile(packets, { linkType: 1 }));
    assert.equal(seen.records.length, 0);
    assert.equal(seen.problems.length, 1);
    assert.match(seen.problems[0]!.message, /link type 1 is not a netlink capture/);
  });

  it('pcapng: a wrong block length stops reading with a located problem', () => {
    const good = new PcapngBuilder().shb().idb(253).epb(0, 253, packets[0]!).bytes();
    for (const [len, re] of [
      [7, /length 7 \(a block is at least 12 bytes, a multiple of 4\)/],
      [14, /length 14/],
      [28, /length 28 at its start and \d+ at its end/],
    ] as const) {
      const bad = concat([good, new PcapngBuilder().epb(0, 253, packets[1]!).bytes(), good.subarray(good.length - 40)]);
      new DataView(bad.buffer).setUint32(good.length + 4, len, true);
      const seen = read(bad);
      assert.equal(seen.records.length, 1);
      assert.equal(seen.problems.length, 1, String(len));
      assert.equal(seen.problems[0]!.offset, good.length);
      assert.match(seen.problems[0]!.message, re);
    }
  });

  it('pcapng: a giant unknown block is skipped by counting; packets on undefined interfaces and bad options are located', () => {
    const b = new PcapngBuilder().shb().idb(253);
    const giant = new Uint8Array(8);
    new DataView(giant.buffer).setUint32(0, 0x40000000, true);
    new DataView(giant.buffer).setUint32(4, 0xfffffff0, true);
    const seen = read(concat([b.bytes(), giant, new Uint8Array(100)]), [9]);
    assert.equal(seen.problems.length, 1);
    assert.match(seen.problems[0]!.message, /the file ends inside a block of type 1073741824/);

    const orphan = read(new PcapngBuilder().shb().idb(253).epb(3, 253, packets[0]!).epb(0, 253, packets[1]!).bytes());
    assert.equal(orphan.problems.length, 1);
    assert.match(orphan.problems[0]!.message, /interface 3, which no interface description block defined/);
    assert.equal(orphan.problems[0]!.record, 0);
    assert.deepEqual(
      orphan.records.map((r) => r.index),
      [1],
    );

    const badOption = new PcapngBuilder().shb().idb(253).block(6, new Uint8Array(24)).bytes();
    const broken = read(
      concat([
        badOption.subarray(0, badOption.length - 4 - 4),
        Uint8Array.of(1, 0, 200, 0),
        badOption.subarray(badOption.length - 4),
      ]),
    );
    // The block's own framing is intact (its length is unchanged): only the option is wrong.
    assert.ok(broken.problems.some((p) => /option 1 of 200 bytes runs past the end of its block/.test(p.message)));
  });

  it('never throws on random bytes and stays within bounded time', () => {
    let seed = 7;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const pcapng = new PcapngBuilder().shb().idb(253).epb(0, 253, packets[1]!).bytes();
    const started = Date.now();
    for (let i = 0; i < 2000; i++) {
      const base = i % 2 ? file : pcapng;
      const mutated = new Uint8Array(base);
      for (let k = 0; k < 1 + (rnd() % 8); k++) mutated[rnd() % mutated.length] = rnd() & 0xff;
      const seen = read(mutated.subarray(0, rnd() % (mutated.length + 1)), [1 + (rnd() % 64)]);
      for (const r of seen.records) assert.ok(r.bytes.length <= mutated.length);
    }
    assert.ok(Date.now() - started < 20000);
  });
});

describe('direction', () => {
  it('a request goes to the kernel, a reply to user space', () => {
    assert.equal(recordDirection(link.request), 'to-kernel');
    assert.equal(recordDirection(link.buffers[0]!), 'to-user');
    assert.equal(recordDirection(new Uint8Array(3)), 'to-user');
  });
});
