// nlhelper's one-shot commands against this machine's kernel (NETLINK_ROUTE and NETLINK_GENERIC), for the
// release build and the ASan/UBSan build.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { describe, test } from 'node:test';

import { lines, runHelper, sanitizerReport, staticBinary, variants, type RunResult } from './helper-process';
import { readBack } from './stream-process';
import {
  CTRL_ATTR_FAMILY_ID,
  CTRL_ATTR_FAMILY_NAME,
  GENL_ID_CTRL,
  IFLA_IFNAME,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLM_F_ACK,
  NLM_F_MULTI,
  NLM_F_REQUEST,
  RTM_NEWADDR,
  RTM_NEWLINK,
  RTNLGRP_IPV4_IFADDR,
  cStringAttr,
  getFamily,
  getLink,
  getLinkDump,
  header,
  newLinkBogusKind,
  message,
  noop,
  parseAttrs,
  parseError,
  parseMessageHex,
} from '../support/netlink-bytes';

const hex = (b: Buffer): string => b.toString('hex');
const isRoot = process.getuid?.() === 0;

function clean(variantSanitized: boolean, r: RunResult): void {
  if (variantSanitized) assert.equal(sanitizerReport(r.stderr), undefined, r.stderr);
  assert.equal(r.signal, null, `killed by ${r.signal}; stderr: ${r.stderr}`);
}

/** A protocol number no kernel socket serves here (31 unless something took it). */
async function unusedProtocol(binary: string): Promise<number> {
  const info = JSON.parse((await runHelper(binary, ['info'])).stdout) as { kernelProtocols: number[] };
  for (let p = 31; p > 0; p--) if (!info.kernelProtocols.includes(p)) return p;
  throw new Error('every protocol has a kernel socket');
}

for (const v of variants) {
  describe(`nlhelper CLI, ${v.name}`, () => {
    test('xchg: RTM_GETLINK dump arrives in full, every part printed, NLMSG_DONE last', async () => {
      const r = await runHelper(v.binary, ['xchg', '--protocol', '0', '--timeout', '2000', hex(getLinkDump(4242))]);
      clean(v.sanitized, r);
      assert.equal(r.code, 0, r.stderr);
      const msgs = lines(r.stdout).map(parseMessageHex);
      assert.ok(msgs.length >= 2, `at least one link and the DONE, got ${msgs.length}`);
      for (const m of msgs.slice(0, -1)) {
        assert.equal(m.type, RTM_NEWLINK);
        assert.ok(m.flags & NLM_F_MULTI, 'dump parts carry NLM_F_MULTI');
        assert.equal(m.seq, 4242);
      }
      const done = msgs[msgs.length - 1];
      assert.equal(done.type, NLMSG_DONE);
      assert.equal(done.seq, 4242);
      assert.equal(done.payload.readInt32LE(0), 0);
      const names = msgs.slice(0, -1).map((m) => cStringAttr(parseAttrs(m.payload.subarray(16)).get(IFLA_IFNAME)));
      assert.ok(names.includes('lo'), `links: ${names.join(', ')}`);
      assert.equal(r.stderr, '');
    });

    test('xchg: nlctrl CTRL_CMD_GETFAMILY "nlctrl" gives the family (id 16) and then the ack', async () => {
      const r = await runHelper(v.binary, ['xchg', '--protocol', '16', hex(getFamily(7, 'nlctrl'))]);
      clean(v.sanitized, r);
      assert.equal(r.code, 0, r.stderr);
      const msgs = lines(r.stdout).map(parseMessageHex);
      assert.equal(msgs.length, 2);
      assert.equal(msgs[0].type, GENL_ID_CTRL);
      const attrs = parseAttrs(msgs[0].payload.subarray(4));
      assert.equal(cStringAttr(attrs.get(CTRL_ATTR_FAMILY_NAME)), 'nlctrl');
      assert.equal(attrs.get(CTRL_ATTR_FAMILY_ID)?.readUInt16LE(0), GENL_ID_CTRL);
      assert.equal(msgs[1].type, NLMSG_ERROR);
      assert.equal(parseError(msgs[1]).error, 0);
      assert.equal(msgs[1].seq, 7);
    });

    test('xchg: two requests in one datagram are both answered', async () => {
      const noSuchFamily = message(0x7fff, NLM_F_REQUEST, 2, Buffer.from([1, 1, 0, 0]));
      const both = Buffer.concat([getFamily(1, 'nlctrl'), noSuchFamily]);
      const r = await runHelper(v.binary, ['xchg', '--protocol', '16', hex(both)]);
      clean(v.sanitized, r);
      const msgs = lines(r.stdout).map(parseMessageHex);
      // Generic netlink answers the first with the family and an ack, and rejects the second (no family has
      // id 0x7fff) with an error: all three arrive before the helper stops.
      assert.deepEqual(
        msgs.map((m) => [m.type, m.seq]),
        [
          [GENL_ID_CTRL, 1],
          [NLMSG_ERROR, 1],
          [NLMSG_ERROR, 2],
        ],
      );
      assert.ok(parseError(msgs[2]).error < 0);
    });

    test(
      'xchg: an error reply carries the ext-ack text; stderr names it',
      { skip: !isRoot && 'needs CAP_NET_ADMIN' },
      async () => {
        const r = await runHelper(v.binary, ['xchg', '--protocol', '0', hex(newLinkBogusKind(9))]);
        clean(v.sanitized, r);
        assert.equal(r.code, 0, 'the kernel answered, so the exchange itself succeeded');
        const msgs = lines(r.stdout).map(parseMessageHex);
        assert.equal(msgs.length, 1);
        const err = parseError(msgs[0]);
        assert.equal(err.error, -95);
        assert.match(err.text ?? '', /unknown device type/i);
        assert.match(r.stderr, /^error 95 EOPNOTSUPP Unknown device type\n$/i);
      },
    );

    test('xchg: no reply within the timeout prints nothing, says "timeout" on stderr, exits 0', async () => {
      const r = await runHelper(v.binary, ['xchg', '--protocol', '0', '--timeout', '300', hex(noop(3))]);
      clean(v.sanitized, r);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, 'timeout\n');
      assert.ok(r.ms >= 280 && r.ms < 5000, `took ${r.ms} ms`);
    });

    test('xchg: bytes that are no message are sent as given', async () => {
      // 8 bytes: too short for a header; rtnetlink ignores them, so this ends in a timeout, not an error.
      const r = await runHelper(v.binary, ['xchg', '--protocol', '0', '--timeout', '200', '0102030405060708']);
      clean(v.sanitized, r);
      assert.equal(r.code, 0);
      assert.equal(r.stderr, 'timeout\n');
    });

    test('xchg: a protocol nothing serves fails with exit 1 and the reason', async () => {
      const protocol = await unusedProtocol(v.binary);
      const r = await runHelper(v.binary, [
        'xchg',
        '--protocol',
        String(protocol),
        hex(noop(1, NLM_F_REQUEST | NLM_F_ACK)),
      ]);
      clean(v.sanitized, r);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`socket\\(AF_NETLINK, protocol ${protocol}\\): Protocol not supported`));
    });

    test('bad arguments exit 2 with a message that names the problem', async () => {
      const cases: Array<[string[], RegExp]> = [
        [[], /usage/],
        [['frob'], /unknown command "frob"/],
        [['xchg', '00'], /--protocol is required/],
        [['xchg', '--protocol', '0'], /HEX argument .* is missing/],
        [['xchg', '--protocol', '32', '00'], /--protocol "32" is not a number 0-31/],
        [['xchg', '--protocol', '-1', '00'], /unknown option|is not a number/],
        [['xchg', '--protocol', 'x', '00'], /--protocol "x" is not a number 0-31/],
        [['xchg', '--protocol', '0', '--timeout', '600001', '00'], /--timeout "600001" is not a number 0-600000/],
        [['xchg', '--protocol', '0', '--timeout'], /--timeout needs a value/],
        [['xchg', '--protocol', '0', '0g'], /'g' at digit 2 is not a hex digit/],
        [['xchg', '--protocol', '0', 'abc'], /odd number of digits \(3\)/],
        [['xchg', '--protocol', '0', '00', '00'], /one HEX argument only/],
        [['xchg', '--protocol', '0', '--protocol', '0', '00'], /--protocol given twice/],
        [['xchg', '--protocol', '0', '--count', '1', '00'], /unknown option "--count"/],
        [['xchg', '--protocol', '0', '--groups', '1,,2', '00'], /--groups "" is not a number 1-/],
        [['bench', '--protocol', '0', '00'], /--count is required/],
        [['bench', '--protocol', '0', '--count', '0', '00'], /--count "0" is not a number 1-/],
        [['send', '--protocol', '0', '--count', '1', '--no-read=1', '00'], /--no-read takes no value/],
        [['monitor', '--groups', '1'], /--protocol is required/],
        [['monitor', '--protocol', '0', '--timeout', '10'], /--group is required/],
        [['info', 'x'], /takes no arguments/],
        [['serve', 'x'], /takes no arguments/],
      ];
      for (const [args, message] of cases) {
        const r = await runHelper(v.binary, args);
        clean(v.sanitized, r);
        assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}, stderr ${r.stderr}`);
        assert.match(r.stderr, message, args.join(' '));
        assert.equal(r.stdout, '', args.join(' '));
      }
    });

    test('bad arguments are quoted printable: control bytes of an argument never reach stderr', async () => {
      const esc = '\u001b[2J\u001b]0;owned\u0007';
      const cases: Array<[string[], string]> = [
        [['xchg', '--protocol', `1${esc}`, '00'], 'nlhelper xchg: --protocol "1?[2J?]0;owned?" is not a number 0-31'],
        [['xchg', '--protocol', '0', `0${esc}`], "nlhelper xchg: HEX: '?' at digit 2 is not a hex digit"],
        [['bench', `--frob${esc}`], 'nlhelper bench: unknown option "--frob?[2J?]0;owned?"'],
        [
          ['send', '--protocol', '0', `--count=${esc}`, '00'],
          'nlhelper send: --count "?[2J?]0;owned?" is not a number 1-100000000',
        ],
        [
          ['monitor', '--protocol', '0', '--groups', `1,\t2${esc}`, '--timeout', '1'],
          'nlhelper monitor: --groups "?2?[2J?]0;owned?" is not a number 1-1048576',
        ],
        [['monitor', `x${esc}`], 'nlhelper monitor: unexpected argument "x?[2J?]0;owned?"'],
        [
          ['xchg', '--protocol', '0', '00', `\r${esc}`],
          'nlhelper xchg: one HEX argument only (second: "??[2J?]0;owned?")',
        ],
        [[`fr${esc}ob`], 'nlhelper: unknown command "fr?[2J?]0;owned?ob"'],
      ];
      for (const [args, message] of cases) {
        const r = await runHelper(v.binary, args);
        clean(v.sanitized, r);
        assert.equal(r.code, 2, `${JSON.stringify(args)}: exit ${r.code}, stderr ${r.stderr}`);
        assert.equal(lines(r.stderr)[0], message, JSON.stringify(args));
        assert.doesNotMatch(
          r.stderr,
          /[\u0000-\u0009\u000b-\u001f\u007f]/,
          `raw control bytes on stderr for ${JSON.stringify(args)}`,
        );
      }
    });

    test('--version and help', async () => {
      const version = await runHelper(v.binary, ['--version']);
      assert.equal(version.stdout, 'nlhelper 1\n');
      const help = await runHelper(v.binary, ['help']);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /nlhelper xchg --protocol N/);
    });

    test('info: uname and /proc/net/netlink as JSON', async () => {
      const r = await runHelper(v.binary, ['info']);
      clean(v.sanitized, r);
      assert.equal(r.code, 0);
      const info = JSON.parse(r.stdout) as {
        helper: string;
        version: number;
        uname: { sysname: string; release: string; machine: string };
        kernelProtocols: number[];
        netlink: Array<{ protocol: number; portid: number; groups: string }>;
      };
      assert.equal(info.helper, 'nlhelper');
      assert.equal(info.version, 1);
      assert.equal(info.uname.sysname, 'Linux');
      assert.equal(info.uname.release, execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim());
      assert.ok(
        info.kernelProtocols.includes(0) && info.kernelProtocols.includes(16),
        JSON.stringify(info.kernelProtocols),
      );
      assert.ok(info.netlink.some((row) => row.protocol === 0 && row.portid === 0));
      assert.ok(info.netlink.every((row) => /^[0-9a-f]{8}$/.test(row.groups)));
    });

    test('bench: times N rtnetlink exchanges in-process', async (t) => {
      const r = await runHelper(v.binary, [
        'bench',
        '--protocol',
        '0',
        '--count',
        '2000',
        '--timeout',
        '1000',
        hex(getLink(1, 1)),
      ]);
      clean(v.sanitized, r);
      assert.equal(r.code, 0, r.stderr);
      const result = JSON.parse(r.stdout) as {
        count: number;
        seconds: number;
        perSecond: number;
        replies: number;
        timeouts: number;
        kernelErrors: number;
      };
      assert.equal(result.count, 2000);
      assert.equal(result.replies, 2000, 'one RTM_NEWLINK per RTM_GETLINK of lo');
      assert.equal(result.timeouts, 0);
      assert.equal(result.kernelErrors, 0);
      assert.ok(result.seconds > 0 && result.perSecond > 0);
      t.diagnostic(`${v.name}: ${result.perSecond.toFixed(0)} RTM_GETLINK(lo) exchanges/s`);
    });

    test('send: N requests without reading the answers', async () => {
      const r = await runHelper(v.binary, [
        'send',
        '--protocol',
        '0',
        '--count',
        '300',
        '--no-read',
        '--rcvbuf',
        '4096',
        hex(noop(1, NLM_F_REQUEST | NLM_F_ACK)),
      ]);
      clean(v.sanitized, r);
      assert.equal(r.code, 0, r.stderr);
      const result = JSON.parse(r.stdout) as { sent: number; failed: number; repliesRead: number; portid: number };
      assert.equal(result.sent, 300);
      assert.equal(result.failed, 0);
      assert.equal(result.repliesRead, 0);
      assert.ok(result.portid > 0);
      const reading = await runHelper(v.binary, [
        'send',
        '--protocol',
        '0',
        '--count',
        '50',
        hex(noop(1, NLM_F_REQUEST | NLM_F_ACK)),
      ]);
      const readResult = JSON.parse(reading.stdout) as { sent: number; repliesRead: number };
      assert.equal(readResult.sent, 50);
      assert.equal(readResult.repliesRead, 50, 'without --no-read the acks are read as they come');
    });

    test(
      'monitor: an address added on lo arrives as RTM_NEWADDR, in a pcapng stream',
      { skip: !isRoot && 'needs CAP_NET_ADMIN' },
      async () => {
        const address = `127.77.${(process.pid >> 8) & 0xff}.${(process.pid & 0xfe) + 1}/8`;
        const child = spawn(
          v.binary,
          ['monitor', '--protocol', '0', '--groups', String(RTNLGRP_IPV4_IFADDR), '--timeout', '8000', '--count', '1'],
          {
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        const stdout: Buffer[] = [];
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => stdout.push(c));
        const ready = new Promise<void>((resolve) => {
          child.stderr.setEncoding('utf8').on('data', (c: string) => {
            stderr += c;
            if (stderr.includes('monitoring protocol 0')) resolve();
          });
        });
        const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
        await ready;
        try {
          execFileSync('ip', ['addr', 'add', address, 'dev', 'lo']);
        } finally {
          execFileSync('ip', ['addr', 'del', address, 'dev', 'lo']);
        }
        assert.equal(await exited, 0);
        if (v.sanitized) assert.equal(sanitizerReport(stderr), undefined, stderr);
        const r = readBack(Buffer.concat(stdout));
        assert.equal(r.format, 'pcapng');
        assert.deepEqual(r.problems, []);
        assert.equal(r.records.length, 1, '--count 1 stops after one message');
        assert.equal(header(r.records[0].bytes).type, RTM_NEWADDR);
      },
    );
  });
}

describe('nlhelper static build', () => {
  test('the static binary is static and exchanges like the others', async () => {
    // A dynamic executable has a program interpreter (ld-linux); a static one has none.
    const headers = execFileSync('readelf', ['--program-headers', staticBinary], { encoding: 'utf8' });
    assert.doesNotMatch(headers, /INTERP/);
    const r = await runHelper(staticBinary, ['xchg', '--protocol', '16', hex(getFamily(5, 'nlctrl'))]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      lines(r.stdout).map((l) => parseMessageHex(l).type),
      [GENL_ID_CTRL, NLMSG_ERROR],
    );
  });

  test('ack flag stays as given: a NOOP with NLM_F_ACK is acked', async () => {
    const r = await runHelper(staticBinary, ['xchg', '--protocol', '0', hex(noop(77, NLM_F_REQUEST | NLM_F_ACK))]);
    const msgs = lines(r.stdout).map(parseMessageHex);
    assert.equal(msgs.length, 1);
    assert.equal(msgs[0].type, NLMSG_ERROR);
    assert.equal(msgs[0].seq, 77);
    assert.equal(parseError(msgs[0]).error, 0);
  });
});
