// `nlhelper serve` (native/PROTOCOL.md) against this machine's kernel, for the release and the ASan/UBSan build.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';

import { HelperSession, sanitizerReport, variants } from './helper-process';
import {
  GENL_ID_CTRL,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLM_F_ACK,
  NLM_F_REQUEST,
  RTM_DELADDR,
  RTM_NEWADDR,
  RTM_NEWLINK,
  RTNLGRP_IPV4_IFADDR,
  getFamily,
  getLink,
  getLinkDump,
  newLinkBogusKind,
  noop,
  parseError,
  parseMessageHex,
} from '../support/netlink-bytes';

const hex = (b: Buffer): string => b.toString('hex');
const isRoot = process.getuid?.() === 0;
const LINE_MAX = 1024 * 1024;
/** How soon a helper whose client went away must have exited. */
const STOP_BOUND_MS = 2000;

/** The hex of the `reply` lines, and the final line. */
function split(replyLines: string[]): { replies: string[]; final: string } {
  const final = replyLines[replyLines.length - 1];
  const replies = replyLines.slice(0, -1).map((l) => {
    assert.match(l, /^reply [0-9a-f]+$/);
    return l.slice('reply '.length);
  });
  return { replies, final };
}

interface InfoJson {
  sockets: Array<{ protocol: number; portid: number; role: string }>;
  kernelProtocols: number[];
}

function parseInfo(replyLines: string[]): InfoJson {
  assert.equal(replyLines.length, 2);
  assert.equal(replyLines[1], 'done');
  assert.match(replyLines[0], /^info \{/);
  return JSON.parse(replyLines[0].slice('info '.length)) as InfoJson;
}

for (const v of variants) {
  describe(`nlhelper serve, ${v.name}`, () => {
    let s: HelperSession;

    before(async () => {
      s = await HelperSession.start(v.binary);
    });

    after(async () => {
      const exit = await s.end();
      assert.equal(exit.code, 0, `exit ${exit.code} ${exit.signal}; stderr: ${s.stderr}`);
      if (v.sanitized) assert.equal(sanitizerReport(s.stderr), undefined, s.stderr);
    });

    test('says hello with the protocol version, answers ping', async () => {
      assert.equal(await s.hello, 'nlhelper 1 ready');
      assert.deepEqual(await s.request('p1 ping'), ['done']);
    });

    test('xchg: a dump comes back as one reply line per message, then done', async () => {
      const { replies, final } = split(await s.request(`d1 xchg 0 2000 ${hex(getLinkDump(11))}`));
      assert.equal(final, 'done');
      const msgs = replies.map(parseMessageHex);
      assert.ok(msgs.length >= 2);
      assert.ok(msgs.slice(0, -1).every((m) => m.type === RTM_NEWLINK && m.seq === 11));
      assert.equal(msgs[msgs.length - 1].type, NLMSG_DONE);
    });

    test('xchg: generic netlink reply and ack; uppercase hex accepted', async () => {
      const { replies, final } = split(
        await s.request(`g1 xchg 16 1000 ${hex(getFamily(12, 'nlctrl')).toUpperCase()}`),
      );
      assert.equal(final, 'done');
      assert.deepEqual(
        replies.map((r) => parseMessageHex(r).type),
        [GENL_ID_CTRL, NLMSG_ERROR],
      );
    });

    test('the exchange socket stays open across requests (same port id)', async () => {
      const first = parseInfo(await s.request('i1 info'));
      await s.request(`i2 xchg 0 1000 ${hex(getLink(1, 1))}`);
      const second = parseInfo(await s.request('i3 info'));
      const route = (info: InfoJson) => info.sockets.find((k) => k.protocol === 0 && k.role === 'xchg');
      assert.ok(route(first), JSON.stringify(first.sockets));
      assert.equal(route(second)?.portid, route(first)?.portid);
      assert.ok(first.kernelProtocols.includes(0));
    });

    test(
      'xchg: a kernel error ends with `error <errno> <ENAME> <ext-ack text>` after the reply',
      { skip: !isRoot && 'needs CAP_NET_ADMIN' },
      async () => {
        const { replies, final } = split(await s.request(`e1 xchg 0 1000 ${hex(newLinkBogusKind(13))}`));
        assert.equal(replies.length, 1);
        assert.equal(parseError(parseMessageHex(replies[0])).error, -95);
        assert.equal(final, 'error 95 EOPNOTSUPP Unknown device type');
      },
    );

    test('option strict_chk: a dump request with a bad header gets the strict-check ext-ack', async () => {
      const filtered = hex(getLinkDump(14, 1));
      assert.deepEqual(await s.request('o1 option 0 strict_chk 1'), ['done']);
      const strict = split(await s.request(`o2 xchg 0 1000 ${filtered}`));
      assert.match(strict.final, /^error 22 EINVAL .*device index/i);
      assert.deepEqual(await s.request('o3 option 0 strict_chk 0'), ['done']);
      const lax = split(await s.request(`o4 xchg 0 1000 ${filtered}`));
      assert.equal(lax.final, 'done', 'without strict checking the kernel ignores the index and dumps');
    });

    test('xchg: no answer ends in `timeout` after timeout_ms', async () => {
      const t0 = Date.now();
      assert.deepEqual(await s.request(`t1 xchg 0 250 ${hex(noop(15))}`), ['timeout']);
      assert.ok(Date.now() - t0 >= 240);
    });

    test('every malformed line gets exactly one error line and the helper keeps serving', async () => {
      const cases: Array<[string, string, RegExp]> = [
        ['', '-', /^error 22 EINVAL empty request line$/],
        ['   \t ', '-', /^error 22 EINVAL empty request line$/],
        ['-', '-', /bad request id "-"/],
        ['- ping', '-', /bad request id/],
        ['id$ ping', '-', /bad request id "id\$"/],
        ['a\u0001b ping', '-', /bad request id "a\?b"/],
        [`${'x'.repeat(65)} ping`, '-', /bad request id/],
        ['m1', 'm1', /missing command/],
        ['m2 frob', 'm2', /unknown command "frob"/],
        ['m3 xchg', 'm3', /xchg takes 3 arguments: <protocol> <timeout_ms> <hex>, got 0/],
        ['m4 xchg 0 100', 'm4', /got 2/],
        ['m5 xchg 0 100 00 extra', 'm5', /got 4/],
        ['m6 xchg 32 100 00', 'm6', /protocol "32" is not a number 0-31/],
        ['m7 xchg 0 -1 00', 'm7', /timeout_ms "-1" is not a number 0-600000/],
        ['m8 xchg 0 600001 00', 'm8', /timeout_ms "600001"/],
        ['m9 xchg 0 99999999999999999999999 00', 'm9', /timeout_ms "9+"/],
        ['m10 xchg 0 100 0', 'm10', /hex: odd number of digits \(1\)/],
        ['m11 xchg 0 100 0x00', 'm11', /hex: 'x' at digit 2 is not a hex digit/],
        ['m12 subscribe 0 0', 'm12', /group "0" is not a number 1-/],
        ['m13 subscribe 0 1,,2', 'm13', /group "" is not a number/],
        [`m14 subscribe 0 ${Array.from({ length: 33 }, (_, i) => i + 1).join(',')}`, 'm14', /more than 32 groups/],
        ['m15 option 0 nope 1', 'm15', /option "nope" is not one of ext_ack, strict_chk, cap_ack/],
        ['m16 option 0 ext_ack 2', 'm16', /option value "2" is not a number 0-1/],
        ['m17 close 99', 'm17', /protocol "99"/],
        ['m18 bench 0 0 100 00', 'm18', /count "0" is not a number 1-/],
        ['m19 send 0 1 99999999999 00', 'm19', /rcvbuf "9+" is not a number/],
        ['m20 ping extra', 'm20', /ping takes 0 arguments, got 1/],
        ['m21 ping a b c d e f g h i', 'm21', /ping takes 0 arguments, got more than 6/],
        ['m22 unsubscribe 30 1', 'm22', /^error 2 ENOENT no subscription on protocol 30$/],
      ];
      for (const [line, id, expected] of cases) {
        // Lines without a usable id are answered with the id `-`.
        const answer = s.waitFor(id, 5000);
        s.write(`${line}\n`);
        const got = await answer;
        assert.equal(got.length, 1, `${JSON.stringify(line)} -> ${JSON.stringify(got)}`);
        if (expected.source.startsWith('^error')) assert.match(got[0], expected);
        else assert.match(got[0], new RegExp(`^error 22 EINVAL .*${expected.source}`), JSON.stringify(line));
      }
      assert.deepEqual(await s.request('alive ping'), ['done']);
    });

    test('a NUL byte rejects the whole line: the part before it is never served as a request', async () => {
      // Each prefix before the NUL is a complete request (quit would end the session, xchg would reach the kernel).
      const cases: Array<[string, string, number]> = [
        ['nul1 quit\0 and more', 'nul1', 10],
        ['nul2 ping\0', 'nul2', 10],
        [`nul3 xchg 0 1000 ${hex(getLink(31, 1))}\0${hex(getLink(32, 1))}`, 'nul3', 17 + 2 * getLink(31, 1).length + 1],
        ['nu\0l4 ping', '-', 3],
      ];
      for (const [line, id, column] of cases) {
        const answer = s.waitFor(id, 5000);
        s.write(`${line}\n`);
        assert.deepEqual(
          await answer,
          [`error 22 EINVAL NUL byte at column ${column}: a request line is text`],
          JSON.stringify(line),
        );
      }
      assert.deepEqual(await s.request('after-nul ping'), ['done'], 'still serving after the quit that had a NUL');
    });

    test('CRLF line endings are accepted', async () => {
      s.write('crlf ping\r\n');
      assert.deepEqual(await s.waitFor('crlf'), ['done']);
    });

    test('an over-long line gets EMSGSIZE with its id; a line at the limit is accepted', async () => {
      s.write(`long1 xchg 0 100 ${'a'.repeat(LINE_MAX)}\n`);
      assert.deepEqual(await s.waitFor('long1', 10_000), [
        `error 90 EMSGSIZE request line longer than ${LINE_MAX} bytes`,
      ]);
      assert.deepEqual(await s.request('after-long ping'), ['done']);
      // Exactly LINE_MAX bytes: parsed; the kernel then refuses a 512 KiB datagram, so the error comes from send.
      const prefix = 'long22 xchg 0 100 '; // even count of hex digits after it
      const atLimit = prefix + '0'.repeat(LINE_MAX - prefix.length);
      assert.equal(atLimit.length, LINE_MAX);
      const answer = await s.request(atLimit, 10_000);
      assert.equal(answer.length, 1);
      assert.match(answer[0], /^error \d+ E[A-Z]+ send: /);
    });

    test(
      'subscribe: address changes on lo arrive as `* event` lines; unsubscribe stops them',
      { skip: !isRoot && 'needs CAP_NET_ADMIN' },
      async () => {
        const octets = [127, 78, (process.pid >> 8) & 0xff, (process.pid & 0xfe) + 1];
        const address = `${octets.join('.')}/8`;
        // Only events about this address count: something else on the machine may change addresses meanwhile.
        const ours = Buffer.from(octets).toString('hex');
        assert.deepEqual(await s.request(`s1 subscribe 0 ${RTNLGRP_IPV4_IFADDR}`), ['done']);
        const eventType = (line: string): number | undefined => {
          const m = /^\* event 0 ([0-9a-f]+)$/.exec(line);
          return m && m[1].includes(ours) ? parseMessageHex(m[1]).type : undefined;
        };
        try {
          execFileSync('ip', ['addr', 'add', address, 'dev', 'lo']);
        } finally {
          execFileSync('ip', ['addr', 'del', address, 'dev', 'lo']);
        }
        await s.waitForEvent((l) => eventType(l) === RTM_NEWADDR);
        await s.waitForEvent((l) => eventType(l) === RTM_DELADDR);
        const info = parseInfo(await s.request('s2 info'));
        assert.ok(info.sockets.some((k) => k.protocol === 0 && k.role === 'monitor'));
        assert.deepEqual(await s.request(`s3 unsubscribe 0 ${RTNLGRP_IPV4_IFADDR}`), ['done']);
        const before = s.events.length;
        execFileSync('ip', ['addr', 'add', address, 'dev', 'lo']);
        execFileSync('ip', ['addr', 'del', address, 'dev', 'lo']);
        assert.deepEqual(await s.request('s4 ping'), ['done']);
        await new Promise((r) => setTimeout(r, 200));
        assert.deepEqual(
          s.events.slice(before).filter((l) => eventType(l) !== undefined),
          [],
          'no events after unsubscribe',
        );
      },
    );

    test('subscribe to a group the protocol does not have is an error with errno', async () => {
      const answer = await s.request('s5 subscribe 16 1048576');
      assert.equal(answer.length, 1);
      assert.match(answer[0], /^error \d+ E[A-Z]+ group 1048576 on protocol 16: /);
    });

    test('send: a socket that never reads; bench: JSON result', async () => {
      const sent = await s.request(`n1 send 0 100 4096 ${hex(noop(1, NLM_F_REQUEST | NLM_F_ACK))}`);
      assert.equal(sent.length, 2);
      assert.equal(sent[1], 'done');
      const result = JSON.parse(sent[0].replace(/^result /, '')) as { sent: number; failed: number; portid: number };
      assert.equal(result.sent, 100);
      assert.equal(result.failed, 0);
      const bench = await s.request(`n2 bench 0 500 1000 ${hex(getLink(1, 1))}`, 30_000);
      assert.equal(bench[1], 'done');
      const b = JSON.parse(bench[0].replace(/^result /, '')) as {
        count: number;
        perSecond: number;
        timeouts: number;
        replies: number;
      };
      assert.equal(b.count, 500);
      assert.equal(b.timeouts, 0);
      assert.equal(b.replies, 500);
      assert.ok(b.perSecond > 0);
    });

    test('close all closes every socket', async () => {
      assert.deepEqual(await s.request('c1 close all'), ['done']);
      assert.deepEqual(parseInfo(await s.request('c2 info')).sockets, []);
      assert.deepEqual(split(await s.request(`c3 xchg 16 1000 ${hex(getFamily(2, 'nlctrl'))}`)).final, 'done');
      assert.deepEqual(await s.request('c4 close 16'), ['done']);
    });
  });

  describe(`nlhelper serve lifecycle, ${v.name}`, () => {
    test('quit answers done and exits 0', async () => {
      const s = await HelperSession.start(v.binary);
      assert.deepEqual(await s.request('q quit'), ['done']);
      const exit = await s.waitExit();
      assert.equal(exit.code, 0);
      if (v.sanitized) assert.equal(sanitizerReport(s.stderr), undefined, s.stderr);
    });

    test('a last line without newline is still served at end of input', async () => {
      const s = await HelperSession.start(v.binary);
      const answer = s.waitFor('last');
      s.write('last ping');
      const exit = await s.end();
      assert.deepEqual(await answer, ['done']);
      assert.equal(exit.code, 0);
      if (v.sanitized) assert.equal(sanitizerReport(s.stderr), undefined, s.stderr);
    });

    // A long request (about 1000 s on the old helper, which noticed nothing until its next write) and its client
    // going away while it runs: the helper must stop within STOP_BOUND_MS.
    const longRequests: Array<[string, string]> = [
      ['bench of 100,000,000 rounds', `lb bench 0 100000000 1000 ${hex(getLink(41, 1))}`],
      ['send of 100,000,000 datagrams', `ls send 0 100000000 0 ${hex(noop(42, NLM_F_REQUEST | NLM_F_ACK))}`],
      ['xchg waiting 600 s for an answer that never comes', `lx xchg 0 600000 ${hex(noop(43))}`],
    ];
    for (const [what, line] of longRequests) {
      test(`${what}: stops within ${STOP_BOUND_MS} ms of the client closing its input, exit 0, no final line`, async () => {
        const s = await HelperSession.start(v.binary);
        const id = line.split(' ', 1)[0];
        const answer = s.waitFor(id, 60_000).then(
          (l) => `final line ${JSON.stringify(l)}`,
          () => 'no final line',
        );
        s.write(`${line}\n`);
        await new Promise((r) => setTimeout(r, 500));
        const t0 = Date.now();
        const exit = await s.end(10_000);
        const ms = Date.now() - t0;
        assert.deepEqual(exit, { code: 0, signal: null }, `stderr: ${s.stderr}`);
        assert.ok(ms < STOP_BOUND_MS, `exited ${ms} ms after its input closed`);
        assert.equal(await answer, 'no final line');
        assert.match(s.stderr, new RegExp(`request ${id} stopped: its input ended`));
        if (v.sanitized) assert.equal(sanitizerReport(s.stderr), undefined, s.stderr);
      });
    }

    test(`a long bench stops within ${STOP_BOUND_MS} ms once nobody reads the output (input still open), exit 1`, async () => {
      const s = await HelperSession.start(v.binary);
      s.write(`ob bench 0 100000000 1000 ${hex(getLink(44, 1))}\n`);
      await new Promise((r) => setTimeout(r, 500));
      const t0 = Date.now();
      s.child.stdout.destroy();
      const killer = setTimeout(() => s.child.kill('SIGKILL'), 10_000);
      const exit = await s.waitExit();
      clearTimeout(killer);
      const ms = Date.now() - t0;
      assert.deepEqual(exit, { code: 1, signal: null }, `stderr: ${s.stderr}`);
      assert.ok(ms < STOP_BOUND_MS, `exited ${ms} ms after its output closed`);
      assert.match(s.stderr, /request ob stopped: nobody reads its output any more/);
      s.child.stdin.end();
      if (v.sanitized) assert.equal(sanitizerReport(s.stderr), undefined, s.stderr);
    });

    test('requests pipelined behind a long one are still served when the input closes right after them', async () => {
      const s = await HelperSession.start(v.binary);
      const bench = s.waitFor('pb', 60_000);
      const ping = s.waitFor('pp', 60_000);
      // One write, then end of input: the ping is queued (in the helper's buffer) while the bench runs.
      s.child.stdin.end(`pb bench 0 20000 1000 ${hex(getLink(45, 1))}\npp ping\n`);
      const b = await bench;
      assert.equal(b.length, 2, JSON.stringify(b));
      assert.equal((JSON.parse(b[0].replace(/^result /, '')) as { count: number }).count, 20000);
      assert.equal(b[1], 'done');
      assert.deepEqual(await ping, ['done']);
      assert.deepEqual(await s.waitExit(), { code: 0, signal: null });
      if (v.sanitized) assert.equal(sanitizerReport(s.stderr), undefined, s.stderr);
    });

    test('requests split across writes and several in one write', async () => {
      const s = await HelperSession.start(v.binary);
      const a = s.waitFor('w1');
      const b = s.waitFor('w2');
      const c = s.waitFor('w3');
      s.write('w1 pi');
      await new Promise((r) => setTimeout(r, 50));
      s.write('ng\nw2 ping\nw3 xchg 16 1000 ');
      await new Promise((r) => setTimeout(r, 50));
      s.write(`${hex(getFamily(3, 'nlctrl'))}\n`);
      assert.deepEqual(await a, ['done']);
      assert.deepEqual(await b, ['done']);
      assert.equal((await c).at(-1), 'done');
      const exit = await s.end();
      assert.equal(exit.code, 0);
      if (v.sanitized) assert.equal(sanitizerReport(s.stderr), undefined, s.stderr);
    });
  });
}
