// Hover cost must not grow with the document: findHexRunAt reads only the lines of the run (and one more line on
// each side). Checked without clocks: a 50 MB document gives exactly the result of a small one holding the same
// run, and hovering far from any run finds nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findHexRunAt, type HexRun } from '../../extension/src/netlink/scan/index';

const FILLER =
  'Mar 12 10:00:01 host kernel: eth0: link is up at 1000 Mbps, full duplex, flow control rx/tx (id 0x1f)\n';

const RUN = [
  'nlreply: reply follows',
  '00000000  14 00 00 00 12 00 01 03  07 00 00 00 00 00 00 00  |................|',
  '00000010  61 62 63 64 65 66 67 68  09 0a 22 5c 20 7f ff     |abcdefgh.."\\ ..|',
  '0000001f',
  '',
].join('\n');

function shifted(run: HexRun | undefined, by: number): object | undefined {
  if (!run) return undefined;
  return {
    form: run.form,
    bytes: Array.from(run.bytes),
    byteStart: Array.from(run.byteStart, (v) => v - by),
    byteEnd: Array.from(run.byteEnd, (v) => v - by),
    start: run.start - by,
    end: run.end - by,
    truncated: run.truncated,
  };
}

test('a run after 50 MB of log lines hovers exactly like the same run in a small document', () => {
  const small = `${FILLER}\n${RUN}`;
  const prefix = FILLER.repeat(Math.ceil(50_000_000 / FILLER.length));
  const big = prefix + small;
  assert.ok(big.length > 50_000_000);
  const shift = prefix.length;
  for (const probe of ['14 00', '7f ff', 'abcdefgh', '00000010']) {
    const at = small.indexOf(probe) + 1;
    const expected = findHexRunAt(small, at);
    assert.ok(expected, probe);
    assert.equal(expected.bytes.length, 31);
    assert.deepEqual(shifted(findHexRunAt(big, at + shift), shift), shifted(expected, 0));
  }
  // In the middle of the log: the only candidates on the line (the "12", "0x1f") are too small to be a run.
  assert.equal(findHexRunAt(big, 25_000_000), undefined);
});

test('a run in the middle of a 50 MB document, between log lines on both sides', () => {
  const half = FILLER.repeat(Math.ceil(25_000_000 / FILLER.length));
  const big = `${half}\n${RUN}\n${half}`;
  const small = `${FILLER}\n${RUN}\n${FILLER}`;
  const shift = half.length - FILLER.length;
  const at = small.indexOf('09 0a');
  assert.deepEqual(shifted(findHexRunAt(big, at + shift), shift), shifted(findHexRunAt(small, at), 0));
});

test('a run inside one 20 MB line is read from a window around the hover', () => {
  const words = 'word '.repeat(2_000_000);
  const line = `${words}3c 00 00 00 10 00 05 03 ${words}`;
  const run = findHexRunAt(line, words.length + 4);
  assert.ok(run);
  assert.deepEqual(Array.from(run.bytes), [0x3c, 0, 0, 0, 0x10, 0, 5, 3]);
  assert.equal(run.start, words.length);
  assert.equal(run.truncated, undefined);
  assert.equal(findHexRunAt(line, 10), undefined);
});

test('a contiguous blob longer than the window is returned in part, marked truncated, byte pairs aligned', () => {
  const blob = '3c00'.repeat(2_000_000);
  const run = findHexRunAt(blob, 3_000_001);
  assert.ok(run);
  assert.equal(run.truncated, true);
  assert.ok(run.bytes.length > 1000);
  for (let i = 0; i < run.bytes.length; i++) {
    assert.equal(run.bytes[i], (run.byteStart[i] as number) % 4 === 0 ? 0x3c : 0);
  }
});

test('a run next to a 20 MB line: the long neighbour is not read, the run is whole', () => {
  const huge = 'word '.repeat(4_000_000);
  const small = `${RUN}tail`;
  const big = `${huge}\n${RUN}${huge}`;
  const at = small.indexOf('12 00');
  const shift = huge.length + 1;
  assert.deepEqual(shifted(findHexRunAt(big, at + shift), shift), shifted(findHexRunAt(small, at), 0));
});
