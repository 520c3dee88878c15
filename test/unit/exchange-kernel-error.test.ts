// Which reply carried the kernel's error (exchange/kernelError.ts), read from real kernel answers (6.18 captures),
// and `nlhelper xchg`'s output as an ExchangeResult (exercise/oneShot.ts): the error is data, not a throw.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TransportError } from '../../extension/src/exchange/exchanger';
import { kernelErrorIn, replyErrno } from '../../extension/src/exchange/kernelError';
import { parseXchgOutput } from '../../extension/src/exercise/oneShot';
import { toHex } from '../../extension/src/netlink/index';
import { loadFixture } from '../fixtures/load';

/** The only message of a one-message fixture (one recv buffer holding one message). */
const only = (name: string): Uint8Array => loadFixture(name).buffers[0]!;
/** The last message of a fixture's last buffer: a dump's NLMSG_DONE (20 bytes). */
const doneOf = (name: string): Uint8Array => loadFixture(name).buffers.at(-1)!.slice(-20);

describe("replyErrno: the error a reply reports, by the helper's rule", () => {
  it('NLMSG_ERROR with a negative error: its errno; an ack: 0', () => {
    assert.equal(replyErrno(only('rtm-newlink-unknown-kind')), 95);
    assert.equal(replyErrno(only('genl-getfamily-enoent')), 2);
    assert.equal(replyErrno(only('rtm-getlink-enodev-capped')), 19);
    assert.equal(replyErrno(only('rtm-newlink-ack')), 0);
  });

  it('NLMSG_DONE carrying an error with ext-ack TLVs: its errno; a plain end of dump: 0', () => {
    assert.equal(replyErrno(only('rtm-getaddr-strict-refused')), 22);
    const done = doneOf('rtm-getlink-dump');
    assert.equal(new DataView(done.buffer, done.byteOffset).getUint16(4, true), 3, 'the fixture ends with NLMSG_DONE');
    assert.equal(replyErrno(done), 0);
  });

  it('a data reply, or a message too short for an error, reports none', () => {
    assert.equal(replyErrno(only('genl-getfamily-nlctrl')), 0);
    assert.equal(replyErrno(only('rtm-newlink-unknown-kind').subarray(0, 19)), 0);
  });
});

describe("kernelErrorIn: the helper's error line matched to its message", () => {
  it('points at the first reply reporting that errno, among others', () => {
    const nack = only('rtm-newlink-unknown-kind');
    const replies = [only('genl-getfamily-nlctrl'), nack, only('genl-getfamily-enoent')];
    const k = kernelErrorIn(replies, 95, 'EOPNOTSUPP', 'Unknown device type');
    assert.deepEqual(k, { errno: 95, name: 'EOPNOTSUPP', message: 'Unknown device type', bytes: nack });
    assert.equal(k?.bytes, nack, 'the reply itself, not a copy');
  });

  it('none when no reply reports an error first, or another one (a system call failed on the target)', () => {
    assert.equal(kernelErrorIn([only('rtm-newlink-ack')], 93, 'EPROTONOSUPPORT', 'socket'), undefined);
    assert.equal(kernelErrorIn([], 105, 'ENOBUFS', 'recv'), undefined);
    assert.equal(kernelErrorIn([only('genl-getfamily-enoent')], 105, 'ENOBUFS', 'recv'), undefined);
  });
});

describe('parseXchgOutput: nlhelper xchg printed it', () => {
  it("the kernel's error line on stderr is the result's kernelError, with the reply it names", () => {
    const nack = only('rtm-newlink-unknown-kind');
    const r = parseXchgOutput(`${toHex(nack)}\n`, 'error 95 EOPNOTSUPP Unknown device type\n', 12);
    assert.deepEqual(r, {
      replies: [nack],
      outcome: 'done',
      kernelError: { errno: 95, name: 'EOPNOTSUPP', message: 'Unknown device type', bytes: nack },
      elapsedMs: 12,
    });
    const quiet = parseXchgOutput('', 'error 2 ENOENT\n', 1);
    assert.equal(quiet.kernelError, undefined, "no reply carries it: not claimed as the kernel's");
  });

  it('timeout on stderr; a line that is no message is a TransportError', () => {
    assert.deepEqual(parseXchgOutput('', 'timeout\n', 5), { replies: [], outcome: 'timeout', elapsedMs: 5 });
    assert.throws(
      () => parseXchgOutput('zz\n', ''),
      (e: unknown) => e instanceof TransportError && /line 1/.test(e.message),
    );
  });
});
