// Tying strace dumps to their syscall lines stays linear: a walk back from a dump stops at the dump before it, so
// a log of many dumps (or hostile text of dump rows with no syscall line at all) is walked once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findHexRuns } from '../../extension/src/netlink/scan/index';

const ROW = ' | 00000  14 00 00 00 03 00 02 00  01 00 00 00 29 0c 00 00  ............)... |';

describe('strace dumps tied to syscall lines', () => {
  it("a call's buffers all tie to its line, past the other buffers' rows", () => {
    const text = [
      'recvmsg(3, {msg_iov=[{iov_base=..., iov_len=16}, {iov_base=..., iov_len=16}], msg_iovlen=2}, 0) = 32',
      ' * 16 bytes in buffer 0',
      ROW,
      ' * 16 bytes in buffer 1',
      ROW,
    ].join('\n');
    const runs = findHexRuns(text);
    assert.deepEqual(
      runs.map((r) => [r.bytes.length, r.syscall?.line, r.syscall?.syscall]),
      [
        [16, 1, 'recvmsg'],
        [16, 1, 'recvmsg'],
      ],
    );
  });

  it('20,000 dumps with no syscall line: each untied, in linear time', () => {
    const text = Array.from({ length: 20_000 }, () => ROW).join('\n');
    const t0 = performance.now();
    const runs = findHexRuns(text);
    const ms = performance.now() - t0;
    assert.equal(runs.length, 20_000);
    assert.ok(runs.every((r) => r.syscall === undefined));
    // Walking back over every earlier row (up to 16,384 lines a dump) took 52 s here; linear takes about 1 s.
    assert.ok(ms < 5_000, `${ms} ms`);
  });

  it("20,000 decoding lines without strace's ' = ' each read within their line", () => {
    const text = Array.from({ length: 20_000 }, () => `a(1, {nlmsg_len=20}, 00:11:22:33:44:55)\n${ROW}`).join('\n');
    const t0 = performance.now();
    const runs = findHexRuns(text);
    const ms = performance.now() - t0;
    // The MACs of the decoding lines are left alone; every dump is tied to the line above it.
    assert.equal(runs.length, 20_000);
    assert.deepEqual(runs[5]!.syscall, { line: 11, syscall: 'a', fd: 1 });
    assert.ok(ms < 5_000, `${ms} ms`);
  });
});
