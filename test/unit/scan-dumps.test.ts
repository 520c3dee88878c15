// Dump formats people paste from other tools: strace's buffer dumps and whole strace session logs (real strace 6.1
// output recorded in test/fixtures/text/), xxd -e's little-endian groups (real xxd output), the kernel's
// print_hex_dump() with group size 2, 4 and 8, and Wireshark's "Copy as Hex Dump". The last two are written here by
// the layout their sources print (lib/hexdump.c, Wireshark's DataPrinter::hexTextDump): this machine cannot load
// a module to print a real one, and Wireshark's copy is a GUI action.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createRegistry, decodeMessages } from '../../extension/src/netlink/index';
import { findHexRunAt, findHexRuns, parseHexText, type HexRun } from '../../extension/src/netlink/scan/index';
import { FIXTURE_DIR, loadFixture } from '../fixtures/load';

const TEXT = join(FIXTURE_DIR, 'text');
const read = (name: string): string => readFileSync(join(TEXT, name), 'utf8');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** The bytes the xxd fixtures were made from: the first 100 bytes of a real RTM_NEWLINK (README in fixtures). */
const NEWLINK = (loadFixture('rtm-getlink-dump').buffers[0] as Uint8Array).subarray(0, 100);

function only(text: string): HexRun {
  const runs = findHexRuns(text);
  assert.equal(
    runs.length,
    1,
    `expected one run, got ${runs.map((r) => `${r.form}@${r.start}:${r.bytes.length}`).join(', ')}`,
  );
  return runs[0] as HexRun;
}

describe('strace', () => {
  const registry = createRegistry();

  test('a session log (ip link show lo): one run per dumped buffer, tied to its syscall line, decoded cleanly', () => {
    const text = read('ip-link-show-lo.strace');
    const lines = text.split('\n');
    const runs = findHexRuns(text);
    assert.deepEqual(
      runs.map((r) => [r.form, r.bytes.length, r.syscall?.syscall, r.syscall?.fd]),
      [
        ['strace', 32, 'sendto', 3],
        ['strace', 52, 'recvmsg', 3],
        ['strace', 48, 'sendmsg', 4],
        ['strace', 1100, 'recvmsg', 4],
        ['strace', 48, 'sendmsg', 3],
        ['strace', 1468, 'recvmsg', 3],
      ],
    );
    for (const run of runs) {
      const call = run.syscall!;
      const line = lines[call.line - 1]!;
      // The syscall line says how many bytes went through and what the first message's header held.
      assert.equal(Number(call.result), run.bytes.length, line.slice(0, 80));
      const m = /nlmsg_len=(\d+), nlmsg_type=(\w+)/.exec(line)!;
      const messages = decodeMessages(run.bytes, { protocol: 0, registry });
      assert.equal(messages[0]!.length, Number(m[1]));
      assert.equal(messages[0]!.typeName, m[2]);
      assert.deepEqual(
        messages.flatMap((x) => x.problems),
        [],
      );
    }
  });

  test("strace's decoding lines above a dump are left alone (their MACs and \\x strings are no messages)", () => {
    const text = read('ip-link-show-lo.strace');
    const decodingLine = text.split('\n').findIndex((l) => l.includes('IFLA_ADDRESS}, 00:00:00:00:00:00'));
    assert.ok(decodingLine > 0);
    for (const run of findHexRuns(text)) assert.equal(run.form, 'strace');
  });

  test('strace -f -tt of a python RTM_GETLINK dump: pid and time prefixes, several messages a buffer', () => {
    const text = read('getlink-dump.strace');
    const runs = findHexRuns(text);
    assert.deepEqual(
      runs.map((r) => [r.bytes.length, r.syscall?.syscall, r.syscall?.result]),
      [
        [32, 'sendto', '32'],
        [2952, 'recvfrom', '2952'],
        [2996, 'recvfrom', '2996'],
        [20, 'recvfrom', '20'],
      ],
    );
    const types = runs.map((r) => decodeMessages(r.bytes, { protocol: 0, registry }).map((m) => m.typeName));
    assert.deepEqual(types, [
      ['RTM_GETLINK'],
      ['RTM_NEWLINK', 'RTM_NEWLINK'],
      ['RTM_NEWLINK', 'RTM_NEWLINK'],
      ['NLMSG_DONE'],
    ]);
    assert.match(
      text.split('\n')[runs[3]!.syscall!.line - 1]!,
      /^\d+ +[\d:.]+ recvfrom\(3, \[\{nlmsg_len=20, nlmsg_type=NLMSG_DONE/,
    );
  });

  test('a dump row maps each byte to its two digits; the ASCII column is not bytes', () => {
    const text = read('ip-link-show-lo.strace');
    const at = text.indexOf(' | 00010  00 00 00 00');
    const run = findHexRunAt(text, at + 10)!;
    assert.equal(run.form, 'strace');
    assert.equal(run.bytes.length, 32);
    assert.equal(text.slice(run.byteStart[16], run.byteEnd[16]), '00');
    assert.equal(run.byteStart[16], at + 10);
  });
});

/** print_hex_dump(level, prefix, DUMP_PREFIX_OFFSET, 16, groupsize, buf, len, ascii) on a little-endian machine. */
function printHexDump(bytes: Uint8Array, groupsize: number, ascii: boolean, prefix: string): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const row = bytes.subarray(i, i + 16);
    // lib/hexdump.c: a row whose length is not a multiple of the group size is printed byte by byte.
    const gs = row.length % groupsize === 0 ? groupsize : 1;
    const groups: string[] = [];
    for (let g = 0; g < row.length; g += gs) {
      groups.push(
        Array.from(row.subarray(g, g + gs))
          .reverse()
          .map((b) => b.toString(16).padStart(2, '0'))
          .join(''),
      );
    }
    let line = groups.join(' ');
    if (ascii) {
      line = line.padEnd(16 * 2 + 16 / gs + 1);
      line += Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    }
    lines.push(`${prefix}${i.toString(16).padStart(8, '0')}: ${line}`);
  }
  return lines.join('\n');
}

describe('little-endian groups', () => {
  test('xxd -e, -e -g2 and -e -g8 (real output): the groups are swapped back', () => {
    for (const [file, length] of [
      ['newlink-xxd-e.txt', 100],
      ['newlink-xxd-e-g2.txt', 100],
      ['newlink-xxd-e-g8.txt', 96],
    ] as const) {
      const run = only(read(file));
      assert.equal(run.form, 'le-groups', file);
      assert.equal(hex(run.bytes), hex(NEWLINK.subarray(0, length)), file);
      assert.equal(hex((parseHexText(read(file)) as { bytes: Uint8Array }).bytes), hex(NEWLINK.subarray(0, length)));
    }
  });

  test('plain xxd keeps its groups in text order', () => {
    const run = only(read('newlink-xxd.txt'));
    assert.equal(run.form, 'xxd');
    assert.equal(hex(run.bytes), hex(NEWLINK));
  });

  test('plain xxd whose ASCII column ends in a printed space (cut by trimming) keeps its text order', () => {
    const text = [
      '00000000: 0000 0000 0000 0000 0000 0000 0000 0000  ................',
      '00000010: 0020                                     . ',
    ].join('\n');
    assert.equal(hex(only(text).bytes), `${'00'.repeat(17)}20`);
    assert.equal(hex((parseHexText(text) as { bytes: Uint8Array }).bytes), `${'00'.repeat(17)}20`);
  });

  test('print_hex_dump with group size 2, 4 and 8, with and without ASCII, after a kernel log prefix', () => {
    const msg = NEWLINK.subarray(0, 52);
    for (const gs of [2, 4, 8]) {
      for (const ascii of [true, false]) {
        const text = printHexDump(msg, gs, ascii, '[   12.345678] nlreply: ');
        const run = only(text);
        assert.equal(hex(run.bytes), hex(msg), `groupsize ${gs} ascii ${ascii}\n${text}`);
      }
    }
  });

  test('each byte maps to its own two digits inside the word', () => {
    const text = printHexDump(NEWLINK.subarray(0, 16), 4, true, '');
    const run = findHexRunAt(text, 12)!;
    // "00000000: 000005bc ...": byte 0 (0xbc) is written last in the first word.
    assert.equal(text.slice(run.byteStart[0], run.byteEnd[0]), 'bc');
    assert.equal(run.byteStart[0], 16);
    assert.equal(run.byteStart[3], 10);
  });
});

/** Wireshark's "Copy as Hex Dump" (showASCII) or "...as Hex Dump" without it. */
function wiresharkDump(bytes: Uint8Array, showAscii: boolean): string {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const row = bytes.subarray(off, off + 16);
    let line = `${off.toString(16).padStart(4, '0')}  ${Array.from(row, (b) => ` ${b.toString(16).padStart(2, '0')}`).join('')}`;
    if (showAscii) {
      line += ' '.repeat(3 + (16 - row.length) * 3);
      line += Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    }
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}

describe('Wireshark hex dump', () => {
  test('with and without the ASCII column: one run, the offsets and the text not bytes', () => {
    for (const ascii of [true, false]) {
      const text = wiresharkDump(NEWLINK, ascii);
      const run = only(text);
      assert.equal(run.form, 'wireshark');
      assert.equal(hex(run.bytes), hex(NEWLINK));
      assert.equal(run.byteStart[0], 7);
    }
  });
});
