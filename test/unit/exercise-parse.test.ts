// Exercise files: the shipped kmod/exercises/nlreply.yaml reads cleanly; every kind of mistake is reported with
// its line and column, and the steps without mistakes are kept.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadExerciseFile, parseExerciseText } from '../../extension/src/exercise/loadFile';
import { parseExercise } from '../../extension/src/exercise/parse';
import type { ExerciseProblem, SendSpec } from '../../extension/src/exercise/types';
import { encodeSend } from '../../extension/src/exercise/encodeStep';
import { toHex } from '../../extension/src/netlink/index';

const SHIPPED = path.join(__dirname, '..', '..', 'kmod', 'exercises', 'nlreply.yaml');

function problems(text: string): readonly ExerciseProblem[] {
  return parseExercise(text, '/x/ex.yaml').problems;
}

/** Exactly one problem, at line:col, saying `re`. */
function one(text: string, line: number, col: number, re: RegExp): void {
  const p = problems(text);
  assert.equal(p.length, 1, JSON.stringify(p));
  assert.deepEqual([p[0]?.line, p[0]?.col], [line, col], JSON.stringify(p[0]));
  assert.match(p[0]?.message ?? '', re);
}

const HEAD = 'protocol: 31\nsteps:\n';

describe('the shipped nlreply exercise', () => {
  it('loads with its spec, five steps, no problems', async () => {
    const r = await loadExerciseFile(SHIPPED);
    assert.deepEqual(r.problems, []);
    const ex = r.exercise!;
    assert.equal(ex.name, 'nlreply');
    assert.equal(ex.protocol, 31);
    assert.equal(ex.family?.name, 'nlreply');
    assert.deepEqual(
      ex.steps.map((s) => s.expect.kind),
      ['reply', 'nothing', 'reply', 'reply', 'replies'],
    );
    assert.deepEqual(
      ex.steps.map((s) => s.timeoutMs),
      [1000, 800, 1000, 1000, 1000],
    );
  });

  it('encodes its sends as the module expects them (type 16, REQUEST|ACK, the seq, text NUL-terminated)', async () => {
    const ex = (await loadExerciseFile(SHIPPED)).exercise!;
    const hex = (s: SendSpec): string => toHex(encodeSend(s, { seq: 0 }));
    assert.equal(hex(ex.steps[0]!.send), '1000000010000500cdab341200000000');
    // "quiet\0": 22 bytes, padded to 24; flags REQUEST only.
    assert.equal(hex(ex.steps[1]!.send), '160000001000010005000000000000007175696574000000');
    assert.equal(hex(ex.steps[3]!.send), '140000001000050008000000000000006101ff62');
    assert.equal(
      hex(ex.steps[4]!.send),
      '16000000100005000900000000000000666972737400000010000000100005000a00000000000000',
    );
  });
});

describe('fields', () => {
  it("reads numbers in any notation, flag names in any table, type names of the protocol's family", () => {
    const r = parseExercise(
      `protocol: route
steps:
  - name: dump links
    send: {type: RTM_GETLINK, flags: [REQUEST, DUMP], seq: 0x10, header: "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"}
    expect: {reply: {type: RTM_NEWLINK, flags: MULTI, count: 2}}
  - name: new link
    send: {type: 16, flags: "REQUEST|ACK|CREATE|EXCL", attrs: [{type: 3, string: dummy0}, {type: 18, attrs: [{type: 1, string: dummy}]}, {type: 4, u32: 1500, netByteOrder: true}]}
    expect: ack
`,
      '/x/route.yaml',
    );
    assert.deepEqual(r.problems, []);
    const [dump, create] = r.exercise!.steps;
    assert.equal(dump?.send.kind === 'fields' && dump.send.type, 18);
    assert.equal(dump?.send.kind === 'fields' && dump.send.flags, 0x301);
    assert.equal(dump?.send.kind === 'fields' && dump.send.seq, 16);
    assert.deepEqual(dump?.expect, {
      kind: 'reply',
      count: 2,
      match: { type: 16, typeWritten: 'RTM_NEWLINK', flags: 2 },
    });
    assert.equal(create?.send.kind === 'fields' && create.send.flags, 0x605);
    assert.equal(create?.send.kind === 'fields' && create.send.seq, 2, 'seq defaults to the step number');
    const bytes = encodeSend(create!.send, { seq: 2 });
    // nlmsghdr, then IFLA_IFNAME "dummy0", IFLA_LINKINFO (nested) { IFLA_INFO_KIND "dummy" }, IFLA_MTU big-endian.
    assert.equal(
      toHex(bytes),
      [
        '34000000100005060200000000000000', // len 52, type 16, flags 0x605, seq 2, pid 0
        '0b00030064756d6d79300000', // IFLA_IFNAME "dummy0\0" + pad
        '10001280',
        '0a00010064756d6d79000000', // IFLA_LINKINFO | NLA_F_NESTED { IFLA_INFO_KIND "dummy\0" + pad }
        '08000440000005dc', // IFLA_MTU | NLA_F_NET_BYTEORDER, 1500 big-endian
      ].join(''),
    );
  });

  it('takes ${portid} in pid and text, ${seq} in expectations', () => {
    const r = parseExercise(
      `${HEAD}  - name: a
    send: {pid: "\${portid}", text: "from \${portid}", flags: 5}
    expect: {reply: {seq: "\${seq}", pid: 0, text: "/port \${portid}$/"}}
`,
      '/x/e.yaml',
    );
    assert.deepEqual(r.problems, []);
    const send = r.exercise!.steps[0]!.send;
    assert.equal(
      toHex(encodeSend(send, { seq: 1, portid: 77 })),
      '180000001000050001000000' + '4d000000' + '66726f6d20373700',
    );
    assert.throws(() => encodeSend(send, { seq: 1 }), /\$\{portid\} is not known here/);
  });

  it('expect: error by name, number or with a message; ack; nothing; replies in order', () => {
    const r = parseExercise(
      `${HEAD}  - name: a
    send: "1000000010000500"
    expect: {error: ENOENT}
  - name: b
    send: {flags: 5}
    expect: {error: -19}
  - name: c
    send: {flags: 5}
    expect: {error: {errno: EINVAL, message: "/unknown/i"}}
  - name: d
    send: {flags: 5}
    expect: {replies: [{type: NLMSG_ERROR, error: 0}, {type: 3}]}
`,
      '/x/e.yaml',
    );
    assert.deepEqual(r.problems, []);
    const e = r.exercise!.steps.map((s) => s.expect);
    assert.deepEqual(e[0], { kind: 'error', errno: 2 });
    assert.deepEqual(e[1], { kind: 'error', errno: 19 });
    assert.equal(e[2]?.kind === 'error' && e[2].message?.regex, true);
    assert.equal(e[3]?.kind === 'replies' && e[3].matches[0]?.errno, 0);
  });
});

describe('located problems', () => {
  it('YAML syntax', () => {
    one(`${HEAD}  - name: a\n    send: {flags: 5\n    expect: nothing\n`, 5, 5, /^YAML: /);
  });

  it('the top level', () => {
    one('steps:\n  - name: a\n', 1, 1, /missing "protocol"/);
    one('protocol: 99\nsteps: []\n', 1, 11, /protocol 99 is out of range/);
    one('protocol: 31\n', 1, 1, /missing "steps"/);
    one('protocol: 31\nsteps: nothing\n', 2, 8, /missing "steps"/);
    one('- just\n- a list\n', 1, 1, /the exercise file must be a mapping/);
    one(
      `protocol: 31\ntimeoutMs: 0\nsteps:\n  - {name: a, send: {flags: 5}, expect: nothing}\n`,
      2,
      12,
      /timeoutMs must be 1-600000/,
    );
  });

  it('an unknown key, at the key', () => {
    const p = problems(`${HEAD}  - name: a\n    send: {flags: 5, sequence: 3}\n    expect: nothing\n`);
    assert.deepEqual(
      p.map((x) => [x.line, x.col, x.step]),
      [[4, 22, 0]],
    );
    assert.match(p[0]!.message, /unknown key "sequence" in send \(known: type, cmd, flags, seq/);
  });

  it('values', () => {
    const step = (send: string, expect = 'nothing'): string =>
      `${HEAD}  - name: a\n    send: ${send}\n    expect: ${expect}\n`;
    one(step('{flags: [REQUEST, FROB]}'), 4, 29, /send\.flags: unknown flag "FROB"/);
    one(step('{type: RTM_NOPE}'), 4, 18, /unknown message type "RTM_NOPE"/);
    one(step('{seq: -1}'), 4, 17, /send\.seq must be 0-4294967295/);
    one(step('{hex: "12 3"}'), 4, 17, /send\.hex must be hex digits/);
    one(step('zz'), 4, 11, /send \(hex of the whole datagram\) must be hex digits/);
    one(step('{text: a, hex: "00"}'), 4, 11, /give one of text, hex, attrs \(got text and hex\)/);
    one(step('{text: "${port}"}'), 4, 18, /unknown variable \$\{port\} \(known: \$\{portid\}, \$\{seq\}\)/);
    one(step('{attrs: [{type: 1, u8: 256}]}'), 4, 34, /send\.attrs\[0\]\.u8: 256 does not fit u8/);
    one(step('{attrs: [{type: 1, u8: 1, string: x}]}'), 4, 20, /give exactly one value .*got 2/);
    one(step('{flags: 5}', 'maybe'), 5, 13, /"maybe" is not an expectation/);
    one(step('{flags: 5}', '{error: EFROB}'), 5, 21, /unknown errno "EFROB"/);
    one(step('{flags: 5}', '{error: 0}'), 5, 21, /errno 0 is an ack/);
    one(step('{flags: 5}', '{reply: {text: "/(unclosed/"}}'), 5, 28, /Unterminated group|Invalid regular expression/);
    one(step('{flags: 5}', '{reply: {count: 0}}'), 5, 29, /count must be 1-100000/);
    one(step('{flags: 5}', '{reply: {seq: "${portid}"}}'), 5, 27, /takes a number or \$\{seq\}/);
    one(
      step('{flags: 5}', '{ack: true, nothing: true}'),
      5,
      13,
      /exactly one of nothing, ack, error, reply, replies \(got ack, nothing\)/,
    );
  });

  it('step names: required and unique', () => {
    one(`${HEAD}  - send: {flags: 5}\n    expect: nothing\n`, 3, 5, /step 1: missing "name"/);
    one(
      `${HEAD}  - {name: a, send: {flags: 5}, expect: nothing}\n  - {name: a, send: {flags: 5}, expect: ack}\n`,
      4,
      5,
      /"a" is used twice/,
    );
  });

  it('keeps the good steps of a file with a bad one, and says which step the problem is in', () => {
    const r = parseExercise(
      `${HEAD}  - {name: good, send: {flags: 5}, expect: ack}
  - {name: bad, send: {flags: 5}, expect: sometimes}
  - {name: also good, send: {flags: 1}, expect: nothing}
`,
      '/x/e.yaml',
    );
    assert.deepEqual(
      r.exercise?.steps.map((s) => s.name),
      ['good', 'also good'],
    );
    assert.deepEqual(
      r.problems.map((p) => [p.line, p.step]),
      [[4, 1]],
    );
  });

  it('a key given twice in a mapping, at the second one', () => {
    one(
      `${HEAD}  - name: a\n    send: {flags: 5}\n    send: {flags: 1}\n    expect: ack\n`,
      5,
      5,
      /^YAML: Map keys must be unique/,
    );
  });

  it('as many problems as a hostile file holds: every one reported, none of them crashes the parse', () => {
    // 160,000 problems: more than a spread into push() can pass as arguments (the call stack overflows near 125,000).
    const p = problems('- {[]: }\n'.repeat(160_000));
    assert.equal(p.length, 160_001);
    assert.deepEqual(p[0], { line: 1, col: 4, message: 'keys must be plain words' });
    assert.deepEqual(p[p.length - 1], { line: 1, col: 1, message: 'the exercise file must be a mapping, not a list' });
  });

  it('a spec that cannot be read, at the spec line', () => {
    const r = parseExerciseText(
      `protocol: 31\nspec: ./missing.yaml\nsteps:\n  - {name: a, send: {flags: 5}, expect: ack}\n`,
      '/nonexistent/dir/e.yaml',
    );
    assert.equal(r.problems.length, 1);
    assert.deepEqual([r.problems[0]?.line, r.problems[0]?.col], [2, 7]);
    assert.match(
      r.problems[0]!.message,
      /spec \.\/missing\.yaml: \/nonexistent\/dir\/missing\.yaml: cannot read \(ENOENT\)/,
    );
    assert.equal(r.exercise?.steps.length, 1);
  });
});
