// findHexRunAt: the run under the hover, found by reading only the lines around it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findHexRunAt, findHexRuns, type HexRun } from '../../extension/src/netlink/scan/index';

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

function same(a: HexRun | undefined, b: HexRun | undefined): void {
  assert.ok(a && b);
  assert.equal(a.start, b.start);
  assert.equal(a.end, b.end);
  assert.equal(a.form, b.form);
  assert.deepEqual(a.bytes, b.bytes);
  assert.deepEqual(a.byteStart, b.byteStart);
  assert.deepEqual(a.byteEnd, b.byteEnd);
}

const SPACED = [
  'Sent request:', // 0
  '[  12.345] nlmsg: 3c 00 00 00 10 00 05 03', // 1
  '[  12.346] nlmsg: 00 00 00 00 00 00 00 00', // 2
  '[  12.347] nlmsg: 11 00 00 00 ff ff ff ff', // 3
  '', // 4
  '[  12.400] nlmsg: 14 00 00 00 03 00 02 00', // 5
].join('\n');

describe('hover position in a multi-line run', () => {
  const first = findHexRunAt(SPACED, SPACED.indexOf('3c'));
  test('first byte', () => {
    assert.ok(first);
    assert.equal(first.bytes.length, 24);
    assert.equal(hex(first.bytes.subarray(16)), '11 00 00 00 ff ff ff ff');
  });
  test('middle line, last byte, between tokens, inside a continuation prefix, at the line end', () => {
    const probes = [
      SPACED.indexOf('00 00 00 00 00 00 00 00') + 4,
      SPACED.lastIndexOf('ff ff') + 4,
      SPACED.indexOf('10 00 05') + 2,
      SPACED.indexOf('12.346'),
      SPACED.indexOf('\n', SPACED.indexOf('12.346')),
    ];
    for (const p of probes) same(findHexRunAt(SPACED, p), first);
  });
  test('a blank line ends the run: the block below is its own run', () => {
    const second = findHexRunAt(SPACED, SPACED.indexOf('14 00'));
    assert.ok(second);
    assert.equal(hex(second.bytes), '14 00 00 00 03 00 02 00');
    assert.equal(second.start, SPACED.indexOf('14 00'));
  });
  test('a line without hex, or a blank line, gives nothing', () => {
    assert.equal(findHexRunAt(SPACED, 3), undefined);
    assert.equal(findHexRunAt(SPACED, SPACED.indexOf('\n\n') + 1), undefined);
    assert.equal(findHexRunAt(SPACED, -1), undefined);
    assert.equal(findHexRunAt(SPACED, SPACED.length + 1), undefined);
  });
  test('the hover matches what findHexRuns finds', () => {
    const runs = findHexRuns(SPACED);
    same(findHexRunAt(SPACED, SPACED.indexOf('3c')), runs[0]);
    same(findHexRunAt(SPACED, SPACED.indexOf('14 00')), runs[1]);
  });
});

test('hexdump with a gap in offsets: hovering after the gap returns only the second part', () => {
  const text = [
    '00000000  14 00 00 00 12 00 01 03  07 00 00 00 00 00 00 00  |................|',
    '00000010  61 62 63 64 65 66 67 68  09 0a 22 5c 20 7f ff 00  |abcdefgh.."\\ ...|',
    '00000040  01 02 03 04 05 06 07 08                           |........|',
    '00000048',
  ].join('\n');
  const before = findHexRunAt(text, 12);
  assert.ok(before);
  assert.equal(before.bytes.length, 32);
  const after = findHexRunAt(text, text.indexOf('01 02 03'));
  assert.ok(after);
  assert.equal(hex(after.bytes), '01 02 03 04 05 06 07 08');
  // The ASCII column and the offset belong to their line's run.
  same(findHexRunAt(text, text.indexOf('abcdefgh')), before);
  same(findHexRunAt(text, 3), before);
});

test('a C file with two arrays: hovering one returns that one only', () => {
  const text = [
    '#include <stdint.h>',
    '',
    '/* RTM_GETLINK dump request */',
    'static const uint8_t getlink[] = {',
    '\t0x20, 0x00, 0x00, 0x00, 0x12, 0x00, 0x01, 0x03,',
    '\t0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,',
    '\t0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,',
    '\t0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00',
    '};',
    'static const uint8_t ack[] = {',
    '\t0x24, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x01,',
    '\t0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,',
    '\t0x00, 0x00, 0x00, 0x00,',
    '};',
    'int main(void) { return sizeof getlink + sizeof ack; }',
  ].join('\n');
  const a = findHexRunAt(text, text.indexOf('0x12'));
  const b = findHexRunAt(text, text.indexOf('0x24') + 2);
  assert.ok(a && b);
  assert.equal(a.bytes.length, 32);
  assert.equal(a.bytes[0], 0x20);
  assert.equal(b.bytes.length, 20);
  assert.equal(b.bytes[0], 0x24);
  assert.ok(a.end < b.start);
  // Hovering the declaration line of the second array (no bytes on it) gives nothing rather than the first array.
  assert.equal(findHexRunAt(text, text.indexOf('ack[]')), undefined);
  same(findHexRunAt(text, text.lastIndexOf('0x00')), b);
});

test('a line with several runs: the one under the hover, else the nearest', () => {
  const text = 'a=3c 00 00 00 10 00 05 03 b="\\x14\\x00\\x00\\x00" c=0x01,0x02,0x03,0x04';
  assert.equal(findHexRunAt(text, text.indexOf('10 00'))?.form, 'spaced');
  assert.equal(findHexRunAt(text, text.indexOf('\\x14') + 1)?.form, 'escaped');
  assert.equal(findHexRunAt(text, text.indexOf('0x02'))?.form, 'c-array');
  assert.equal(findHexRunAt(text, 0)?.form, 'spaced');
  assert.equal(findHexRunAt(text, text.indexOf('=0x01'))?.form, 'c-array');
});

test('limits: maxLines and maxBytes cut the run and mark it truncated', () => {
  const line = '3c 00 00 00 10 00 05 03 00 00 00 00 00 00 00 00';
  const text = Array.from({ length: 100 }, () => line).join('\n');
  const full = findHexRunAt(text, text.length >> 1);
  assert.ok(full);
  assert.equal(full.bytes.length, 1600);
  assert.equal(full.truncated, undefined);
  const cut = findHexRunAt(text, text.length >> 1, { maxLines: 10 });
  assert.ok(cut);
  assert.equal(cut.bytes.length, 160);
  assert.equal(cut.truncated, true);
  const small = findHexRunAt(text, 10, { maxBytes: 64 });
  assert.ok(small);
  assert.ok(small.bytes.length <= 64);
  assert.equal(small.truncated, true);
});

test('every offset of a mixed document: the hover returns one of the runs findHexRuns finds', () => {
  const text = [
    'kernel: nlmsg 3c 00 00 00 10 00 05 03 00 00 00 00',
    '        00 00 00 00',
    'unsigned char m[] = {',
    '  0x14, 0x00, 0x00, 0x00, // len',
    '  0x03, 0x00, 0x02, 0x00 };',
    String.raw`recvmsg(3, ... iov_base="\24\0\0\0\3\0\2\0abc\0", iov_len=12}) = 12`,
    '00000000: 1400 0000 1200 0103  ........',
    '00000008: 0700 0000 0000 0000  ........',
    '0000000 14 00 00 00',
    '0000004 12 00 01 03',
    '0000010',
    '00000000  14 00 00 00 12 00 01 03  07 00 00 00 00 00 00 00  |................|',
    '*',
    '00000030  61 62 63 64                                       |abcd|',
    '00000034',
    'aa:bb:cc:dd:ee:ff:00:11:',
    '22:33',
    'payload 0x1400000012000103070000000000000000',
    'the end',
  ].join('\r\n');
  const runs = findHexRuns(text);
  assert.equal(runs.length, 8);
  let hits = 0;
  for (let offset = 0; offset <= text.length; offset++) {
    const run = findHexRunAt(text, offset);
    if (!run) continue;
    hits++;
    const match = runs.find((r) => r.start === run.start);
    assert.ok(match, `offset ${offset}: run at ${run.start} is not among findHexRuns`);
    same(run, match);
  }
  assert.ok(hits > text.length / 2);
});
