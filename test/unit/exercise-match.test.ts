// Judging replies: messages built with the codec's encoder in the shapes the kernel sends (the nlreply module's
// NLMSG_DONE with text, acks and errors with extended ack, rtnetlink and nlctrl replies with attributes),
// decoded like the runner decodes them, against expectations parsed from YAML.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadExerciseFile } from '../../extension/src/exercise/loadFile';
import { judge, type MatchVariables } from '../../extension/src/exercise/match';
import { parseXchgOutput } from '../../extension/src/exercise/oneShot';
import { parseExercise } from '../../extension/src/exercise/parse';
import { decodeReplies, exerciseRegistry } from '../../extension/src/exercise/runner';
import type { Exercise, Expectation } from '../../extension/src/exercise/types';
import {
  concatBytes,
  createRegistry,
  encodeAttrs,
  encodeMessage,
  encodeScalar,
  encodeString,
  toHex,
} from '../../extension/src/netlink/index';
import { ifinfomsg, nest, nlError, str, u32 } from './codec-build';

const SHIPPED = path.join(__dirname, '..', '..', 'kmod', 'exercises', 'nlreply.yaml');

/** The nlreply module's answer: NLMSG_DONE from port 0 with the request's seq and a NUL-terminated text. */
function moduleReply(seq: number, text: string): Uint8Array {
  return encodeMessage({ type: 3, flags: 0, seq, pid: 0 }, encodeString(text));
}

function expectOf(yamlExpect: string, protocol = 31): Expectation {
  const r = parseExercise(
    `protocol: ${protocol}\nsteps:\n  - name: s\n    send: {flags: 5}\n    expect: ${yamlExpect}\n`,
    '/x/e.yaml',
  );
  assert.deepEqual(r.problems, []);
  return r.exercise!.steps[0]!.expect;
}

function verdict(expect: Expectation, replies: Uint8Array[], vars: MatchVariables, protocol = 31, ex?: Exercise) {
  const registry = ex ? exerciseRegistry(ex) : createRegistry();
  return judge(expect, decodeReplies(replies, protocol, registry).views, vars, false, 1000);
}

describe("the shipped nlreply exercise against the module's reply shapes", () => {
  it('step 1 passes on one DONE from port 0 with our seq and our port in the text', async () => {
    const ex = (await loadExerciseFile(SHIPPED)).exercise!;
    const step = ex.steps[0]!;
    const v = verdict(
      step.expect,
      [moduleReply(0x1234abcd, 'message from port 4242 processed by kernel')],
      { seq: 0x1234abcd, portid: 4242 },
      31,
      ex,
    );
    assert.deepEqual(v, { pass: true, reasons: [], notes: [] });
  });

  it('step 1 fails, saying why, on another port, another seq, a second reply, or a reply from a process', async () => {
    const ex = (await loadExerciseFile(SHIPPED)).exercise!;
    const e = ex.steps[0]!.expect;
    const vars = { seq: 0x1234abcd, portid: 4242 };
    assert.deepEqual(
      verdict(e, [moduleReply(0x1234abcd, 'message from port 4243 processed by kernel')], vars, 31, ex).reasons,
      [
        'reply #0: text is "message from port 4243 processed by kernel", expected "message from port ${portid} processed by kernel"',
      ],
    );
    assert.deepEqual(verdict(e, [moduleReply(1, 'message from port 4242 processed by kernel')], vars, 31, ex).reasons, [
      'reply #0: seq is 1, expected 305441741 (${seq})',
    ]);
    const twice = verdict(
      e,
      [
        moduleReply(0x1234abcd, 'message from port 4242 processed by kernel'),
        moduleReply(0x1234abcd, 'message from port 4242 processed by kernel'),
      ],
      vars,
      31,
      ex,
    );
    assert.deepEqual(twice.reasons, ['expected 1 reply, got 2 replies']);
    const fromProcess = encodeMessage(
      { type: 3, flags: 0, seq: 0x1234abcd, pid: 99 },
      encodeString('message from port 4242 processed by kernel'),
    );
    assert.deepEqual(verdict(e, [fromProcess], vars, 31, ex).reasons, ['reply #0: pid is 99, expected 0']);
    assert.deepEqual(verdict(e, [], vars, 31, ex).reasons, ['expected 1 reply, got 0 replies']);
  });

  it('an exchanger that does not know its port id: ${portid} matches any number, and the verdict says so', async () => {
    const ex = (await loadExerciseFile(SHIPPED)).exercise!;
    const v = verdict(
      ex.steps[2]!.expect,
      [moduleReply(7, 'message from port 3151 processed by kernel: hello')],
      { seq: 7 },
      31,
      ex,
    );
    assert.equal(v.pass, true);
    assert.deepEqual(v.notes, ['${portid} is not known to this exchanger: it matched any number']);
    assert.equal(
      verdict(
        ex.steps[2]!.expect,
        [moduleReply(7, 'message from port x processed by kernel: hello')],
        { seq: 7 },
        31,
        ex,
      ).pass,
      false,
    );
  });

  it('"nothing" passes on silence only', async () => {
    const ex = (await loadExerciseFile(SHIPPED)).exercise!;
    assert.equal(verdict(ex.steps[1]!.expect, [], { seq: 5 }, 31, ex).pass, true);
    assert.deepEqual(
      verdict(
        ex.steps[1]!.expect,
        [moduleReply(5, 'message from port 1 processed by kernel: quiet')],
        { seq: 5 },
        31,
        ex,
      ).reasons,
      ['expected nothing within 1000 ms, got 1 reply'],
    );
  });

  it('replies in order, with regexes', async () => {
    const ex = (await loadExerciseFile(SHIPPED)).exercise!;
    const e = ex.steps[4]!.expect;
    const first = moduleReply(9, 'message from port 1 processed by kernel: first');
    const second = moduleReply(10, 'message from port 1 processed by kernel');
    assert.equal(verdict(e, [first, second], { seq: 9 }, 31, ex).pass, true);
    assert.deepEqual(verdict(e, [second, first], { seq: 9 }, 31, ex).reasons, [
      'reply #0: seq is 10, expected 9',
      'reply #0: text is "message from port 1 processed by kernel", expected /: first$/',
      'reply #1: seq is 9, expected 10',
      'reply #1: text is "message from port 1 processed by kernel: first", expected /processed by kernel$/',
    ]);
  });

  it("with the module's spec the reply decodes as text; the rendering shows it", async () => {
    const ex = (await loadExerciseFile(SHIPPED)).exercise!;
    const { all } = decodeReplies(
      [moduleReply(7, 'message from port 5 processed by kernel: hello')],
      31,
      exerciseRegistry(ex),
    );
    assert.equal(all[0]?.text, 'message from port 5 processed by kernel: hello');
    assert.equal(all[0]?.family, 'nlreply');
  });
});

describe('acks and errors', () => {
  const request = encodeMessage({ type: 16, flags: 5, seq: 3, pid: 0 });

  it('ack: an NLMSG_ERROR with error 0', () => {
    assert.equal(
      verdict(expectOf('ack', 0), [nlError(0, request, { capped: true, seq: 3 })], { seq: 3 }, 0).pass,
      true,
    );
    assert.deepEqual(verdict(expectOf('ack', 0), [nlError(2, request, { seq: 3 })], { seq: 3 }, 0).reasons, [
      'expected an ack, got the error ENOENT',
    ]);
    assert.deepEqual(verdict(expectOf('ack', 0), [], { seq: 3 }, 0).reasons, [
      'expected an ack (NLMSG_ERROR with error 0), got 0 replies without one',
    ]);
  });

  it('error by errno, and its extended-ack message', () => {
    const withMsg = nlError(22, request, { seq: 3, tlvs: [str(1, 'Unknown device type')] });
    assert.equal(verdict(expectOf('{error: EINVAL}', 0), [withMsg], { seq: 3 }, 0).pass, true);
    assert.equal(
      verdict(expectOf('{error: {errno: 22, message: "/unknown device/i"}}', 0), [withMsg], { seq: 3 }, 0).pass,
      true,
    );
    assert.deepEqual(
      verdict(expectOf('{error: {errno: EINVAL, message: "something else"}}', 0), [withMsg], { seq: 3 }, 0).reasons,
      ['error message is "Unknown device type", expected "something else"'],
    );
    assert.deepEqual(verdict(expectOf('{error: ENODEV}', 0), [withMsg], { seq: 3 }, 0).reasons, [
      'expected the error ENODEV, got EINVAL',
    ]);
    assert.deepEqual(
      verdict(expectOf('{error: ENODEV}', 0), [nlError(0, request, { capped: true })], { seq: 3 }, 0).reasons,
      ['expected the error ENODEV, got 1 reply'],
    );
  });

  it('a reply field "error" matches acks (0) and errors by errno', () => {
    const e = expectOf('{replies: [{type: NLMSG_ERROR, error: ACK, seq: "${seq}"}]}', 0);
    assert.equal(verdict(e, [nlError(0, request, { capped: true, seq: 3 })], { seq: 3 }, 0).pass, true);
    assert.deepEqual(verdict(e, [nlError(1, request, { seq: 3 })], { seq: 3 }, 0).reasons, [
      'reply #0: error is EPERM, expected ACK',
    ]);
  });
});

describe('attributes', () => {
  it('matches decoded rtnetlink attributes by name, number and nested path', () => {
    const link = encodeMessage(
      { type: 16, flags: 2, seq: 1, pid: 0 },
      concatBytes([ifinfomsg(7), encodeAttrs([str(3, 'dummy0'), u32(4, 1500), nest(18, [str(1, 'dummy')])])]),
    );
    const ok = expectOf(
      '{reply: {type: RTM_NEWLINK, flags: MULTI, attrs: {IFLA_IFNAME: dummy0, "4": 1500, IFLA_LINKINFO.IFLA_INFO_KIND: "/^dum/", IFLA_LINKINFO: true}}}',
      0,
    );
    assert.deepEqual(verdict(ok, [link], { seq: 1 }, 0), { pass: true, reasons: [], notes: [] });
    const bad = expectOf('{reply: {attrs: {IFLA_IFNAME: eth0, IFLA_MTU: 9000, IFLA_ADDRESS: true}}}', 0);
    assert.deepEqual(verdict(bad, [link], { seq: 1 }, 0).reasons, [
      'reply #0: attribute IFLA_IFNAME is "dummy0", expected eth0',
      'reply #0: attribute IFLA_MTU is 1500, expected 9000',
      'reply #0: attribute IFLA_ADDRESS is absent, expected present',
    ]);
  });

  it('matches nlctrl family replies (generic netlink) by attribute name', () => {
    const family = encodeMessage(
      { type: 0x10, flags: 0, seq: 4, pid: 0 },
      concatBytes([
        new Uint8Array([1, 2, 0, 0]), // genlmsghdr: CTRL_CMD_NEWFAMILY, version 2
        encodeAttrs([{ type: 1, payload: encodeScalar('u16', 0x10) }, str(2, 'nlctrl')]),
      ]),
    );
    const e = expectOf('{reply: {type: 16, attrs: {CTRL_ATTR_FAMILY_NAME: nlctrl, CTRL_ATTR_FAMILY_ID: 16}}}', 16);
    assert.equal(verdict(e, [family], { seq: 4 }, 16).pass, true);
  });
});

describe('decoded strings in the reasons', () => {
  // U+202E (right-to-left override) reorders what follows it on screen; U+009B (C1 CSI) and ESC start terminal
  // escape sequences. A reason quotes them as escapes, whichever part of the reply they came in.
  const hostile = 'ok\u202e\u009b31m\u001b]0;x\u0007';
  const shown = '"ok\\u{202e}\\x9b31m\\x1b]0;x\\x07"';

  it('in a text payload, an attribute value and an extended-ack message', () => {
    const text = verdict(expectOf('{reply: {text: fine}}'), [moduleReply(1, hostile)], { seq: 1 });
    assert.deepEqual(text.reasons, [`reply #0: text is ${shown}, expected "fine"`]);
    const link = encodeMessage(
      { type: 16, flags: 2, seq: 1, pid: 0 },
      concatBytes([ifinfomsg(7), encodeAttrs([str(3, hostile)])]),
    );
    const attr = verdict(expectOf('{reply: {attrs: {IFLA_IFNAME: eth0}}}', 0), [link], { seq: 1 }, 0);
    assert.deepEqual(attr.reasons, [`reply #0: attribute IFLA_IFNAME is ${shown}, expected eth0`]);
    const request = encodeMessage({ type: 16, flags: 5, seq: 3, pid: 0 });
    const error = verdict(
      expectOf('{error: {errno: EINVAL, message: fine}}', 0),
      [nlError(22, request, { seq: 3, tlvs: [str(1, hostile)] })],
      { seq: 3 },
      0,
    );
    assert.deepEqual(error.reasons, [`error message is ${shown}, expected "fine"`]);
  });
});

describe('nlhelper xchg output', () => {
  it('one reply message per line; "timeout" on stderr means incomplete', () => {
    const hex = toHex(moduleReply(1, 'hi'));
    const r = parseXchgOutput(`${hex}\n${hex}\n`, '');
    assert.equal(r.replies.length, 2);
    assert.equal(toHex(r.replies[0]!), hex);
    assert.equal(r.outcome, 'done');
    assert.deepEqual(parseXchgOutput('', 'timeout\n'), { replies: [], outcome: 'timeout', elapsedMs: 0 });
    assert.equal(parseXchgOutput(`${hex}\n`, 'error 2 ENOENT\n').outcome, 'done');
  });

  it('refuses lines that are no message', () => {
    assert.throws(() => parseXchgOutput('abc\n', ''), /line 1/);
    assert.throws(() => parseXchgOutput('00112233\n', ''), /no reply message/);
  });

  it('the fixture-free sanity check: the encoder builds what the kernel sends for the module', () => {
    // Same bytes as a reply captured from the lab kernel: len 0x3c, NLMSG_DONE, seq 0x1234abcd, pid 0.
    const text = 'message from port 1234 processed by kernel';
    const b = moduleReply(0x1234abcd, text);
    assert.equal(toHex(b.subarray(0, 16)), '3b00000003000000cdab341200000000');
    assert.equal(Buffer.from(b.subarray(16, 16 + text.length)).toString(), text);
    assert.ok(readFileSync(SHIPPED, 'utf8').includes('processed by kernel'));
  });
});
