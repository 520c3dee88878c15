// nlhelper's streaming commands against this machine's kernel: `monitor` (pcapng: real RTNLGRP_LINK events, a
// real ENOBUFS overrun, the stop rules) and `capture` (pcap through nlmon: this kernel cannot load nlmon, so its
// clear refusal; a kernel that has it gets a real capture). Each test runs in its own network namespace
// (unshare -n), so links and addresses change there and never on this machine. Streams are read back with the
// codec's capture reader.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';

import {
  NLMSG_DONE,
  NLM_F_REQUEST,
  RTM_GETLINK,
  RTM_NEWLINK,
  IFLA_IFNAME,
  cStringAttr,
  getLinkDump,
  hex,
  parseAttrs,
} from '../support/netlink-bytes';
import { sanitizerReport, variants } from './helper-process';
import { StreamProcess, messagesOf, readBack, type ReadBack } from './stream-process';

const RTNLGRP_LINK = 1;
const RTNLGRP_IPV4_IFADDR = 5;
const OVERRUN = 'overrun: ENOBUFS, multicast events lost';
const NETNS = ['unshare', '-n', '--'];
const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'];

/** Whether this kernel can make an nlmon link (probed in a throwaway namespace). */
const kernelHasNlmon =
  spawnSync('unshare', ['-n', '--', 'ip', 'link', 'add', 'nlhprobe', 'type', 'nlmon'], { stdio: 'ignore' }).status ===
  0;

function inNetns(pid: number, argv: string[]): string {
  return execFileSync('nsenter', ['-t', String(pid), '-n', '--', ...argv], { encoding: 'utf8', timeout: 20_000 });
}

function u16(b: Uint8Array, at: number): number {
  return b[at] | (b[at + 1] << 8);
}

function msgType(b: Uint8Array): number {
  return u16(b, 4);
}

function linkName(b: Uint8Array): string | undefined {
  // nlmsghdr 16 + ifinfomsg 16, then the attributes
  return cStringAttr(parseAttrs(Buffer.from(b.subarray(32))).get(IFLA_IFNAME));
}

/** Read the stream so far until @done says so (or 10 s passed); the last read. */
async function until(p: StreamProcess, done: (r: ReadBack) => boolean): Promise<ReadBack> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const r = readBack(p.bytes());
    if (done(r) || Date.now() > deadline) return r;
    await new Promise((res) => setTimeout(res, 50));
  }
}

function assertClean(sanitized: boolean, p: StreamProcess): void {
  if (sanitized) assert.equal(sanitizerReport(p.stderr), undefined, p.stderr);
}

/** Each case exits 2 with its message and writes nothing on stdout. */
async function assertUsageErrors(binary: string, sanitized: boolean, cases: Array<[string[], RegExp]>): Promise<void> {
  for (const [args, message] of cases) {
    const p = StreamProcess.start(binary, args);
    const e = await p.exit();
    assertClean(sanitized, p);
    assert.equal(e.code, 2, `${args.join(' ')}: ${p.stderr}`);
    assert.match(p.stderr, message, args.join(' '));
    assert.equal(p.bytes().length, 0);
  }
}

function readAll(p: StreamProcess, format: 'pcap' | 'pcapng'): ReadBack {
  const r = readBack(p.bytes());
  assert.equal(r.format, format);
  assert.deepEqual(r.problems, [], 'the stream reads without problems');
  return r;
}

for (const v of variants) {
  describe(`nlhelper monitor (pcapng), ${v.name}`, () => {
    test('bad arguments: exit 2, a message naming the argument, nothing on stdout', async () => {
      const cases: Array<[string[], RegExp]> = [
        [['monitor', '--group', '1'], /--protocol is required/],
        [['monitor', '--protocol', '0'], /--group is required/],
        [['monitor', '--protocol', '0', '--protocol', '0', '--group', '1'], /--protocol given twice/],
        [['monitor', '--protocol', '0', '--group', '0'], /--group "0" is not a number 1-1048576/],
        [['monitor', '--protocol', '0', '--groups', '1,,2'], /--groups "" is not a number/],
        [['monitor', '--protocol', '0', '--group', '1', '--rcvbuf', '0'], /--rcvbuf "0" is not a number 1-/],
        [['monitor', '--protocol', '0', '--group', '1', '--port', '5'], /unknown option "--port"/],
        [['monitor', '--protocol', '0', '--group', '1', '--snaplen', '8'], /--snaplen "8" is not a number 16-/],
      ];
      await assertUsageErrors(v.binary, v.sanitized, cases);
    });

    test('RTNLGRP_LINK, not root: a link set up in the namespace arrives as RTM_NEWLINK "lo"; stdin EOF stops', async () => {
      const p = StreamProcess.start(
        v.binary,
        ['monitor', '--protocol', '0', '--group', String(RTNLGRP_LINK)],
        [...NETNS, ...NOBODY],
      );
      await p.ready(/monitoring protocol 0 \(port id \d+\)/);
      inNetns(p.child.pid ?? 0, ['ip', 'link', 'set', 'lo', 'up']);
      await until(p, (r) => r.records.length > 0);
      p.child.stdin.end();
      const e = await p.exit();
      assertClean(v.sanitized, p);
      assert.deepEqual(e, { code: 0, signal: null }, p.stderr);
      assert.match(p.stderr, /stopped \(its input ended\)/);
      const r = readAll(p, 'pcapng');
      assert.ok(r.records.length >= 1, 'the event was written while the monitor ran (live)');
      for (const rec of r.records) {
        assert.equal(rec.linkType, 253);
        assert.equal(rec.protocol, 0);
        assert.equal(rec.originalLength, rec.bytes.length);
      }
      const link = r.records.find((rec) => msgType(rec.bytes) === RTM_NEWLINK);
      assert.ok(link, `an RTM_NEWLINK among ${r.records.map((x) => msgType(x.bytes)).join(',')}`);
      assert.equal(linkName(link.bytes), 'lo');
      assert.ok(Math.abs(link.time - Date.now() / 1000) < 60, `a wall-clock time: ${link.time}`);
    });

    test('ENOBUFS: a burst into a tiny --rcvbuf gives an in-band overrun block with the count, and events go on', async () => {
      const p = StreamProcess.start(
        v.binary,
        ['monitor', '--protocol', '0', '--group', String(RTNLGRP_IPV4_IFADDR), '--group', '1', '--rcvbuf', '1'],
        NETNS,
      );
      await p.ready(/monitoring protocol 0/);
      const pid = p.child.pid ?? 0;
      inNetns(pid, ['ip', 'link', 'set', 'lo', 'up']);
      // One `ip -batch` process: hundreds of RTM_NEWADDR notifications faster than the monitor reads them.
      const batch = Array.from({ length: 600 }, (_, i) => `addr add 10.9.${i >> 7}.${(i & 0x7f) + 1}/32 dev lo`);
      execFileSync('nsenter', ['-t', String(pid), '-n', '--', 'ip', '-batch', '-'], {
        input: batch.join('\n') + '\n',
        timeout: 30_000,
      });
      // (execFileSync held the event loop: the stream is read from here on)
      const before = await until(p, (r) => r.markers.length >= 1);
      assert.ok(before.markers.length >= 1, `an overrun among ${before.records.length} records`);
      // After the overrun the monitor still delivers: one more change, seen after the marker.
      inNetns(pid, ['ip', 'link', 'set', 'lo', 'down']);
      const lastMarker = (r: ReadBack): number => r.markers[r.markers.length - 1].offset;
      await until(p, (r) => r.records.some((x) => x.offset > lastMarker(r) && msgType(x.bytes) === RTM_NEWLINK));
      p.child.kill('SIGTERM');
      const e = await p.exit();
      assertClean(v.sanitized, p);
      assert.deepEqual(e, { code: 0, signal: null }, p.stderr);
      assert.match(p.stderr, /stopped \(SIGTERM\)/);
      const r = readAll(p, 'pcapng');
      const m = r.markers[0];
      assert.equal(m.kind, 'overrun');
      assert.equal(m.text, OVERRUN);
      assert.ok((m.dropped ?? 0) >= 1, `the lost count is known (SO_MEMINFO drops): ${m.dropped}`);
      assert.ok(
        r.records.some((x) => x.offset > lastMarker(r) && msgType(x.bytes) === RTM_NEWLINK),
        'an event after the last overrun',
      );
    });

    test('stdout closed by its reader: the monitor stops (exit 1) without waiting for an event', async () => {
      const p = StreamProcess.start(v.binary, ['monitor', '--protocol', '0', '--group', String(RTNLGRP_LINK)], NETNS);
      await p.ready(/monitoring protocol 0/);
      p.child.stdout.destroy();
      const e = await p.exit(5000);
      assertClean(v.sanitized, p);
      assert.deepEqual(e, { code: 1, signal: null }, p.stderr);
      assert.match(p.stderr, /stopped \(nobody reads its output any more\)/);
    });
  });

  describe(`nlhelper capture (pcap through nlmon), ${v.name}`, () => {
    test('bad arguments: exit 2, a message naming the argument, nothing on stdout', async () => {
      const cases: Array<[string[], RegExp]> = [
        [['capture', '--protocol', '32'], /--protocol "32" is not a number 0-31/],
        [['capture', '--port', '0'], /--port "0" is not a number 1-4294967295/],
        [['capture', '--port', '4294967296'], /--port "4294967296" is not a number/],
        [['capture', '--pid', 'x'], /--pid "x" is not a number/],
        [['capture', '--comm', ''], /--comm "" is not a command name/],
        [['capture', '--comm', 'a-name-too-long-for-comm'], /--comm "a-name-too-long-for-comm" is not a command/],
        [['capture', '--comm', 'a', '--comm', 'b'], /--comm given twice/],
        [['capture', '--group', '1'], /unknown option "--group"/],
        [['capture', '--count', '0'], /--count "0" is not a number 1-/],
        [['capture', '--snaplen', '2000000'], /--snaplen "2000000" is not a number 16-1048576/],
        [['capture', 'eth0'], /unexpected argument "eth0"/],
        [['capture', '--timeout'], /--timeout needs a value/],
      ];
      await assertUsageErrors(v.binary, v.sanitized, cases);
    });

    test('without CAP_NET_ADMIN: a clear refusal naming the capability, exit 1, nothing on stdout', async () => {
      const p = StreamProcess.start(v.binary, ['capture'], [...NETNS, ...NOBODY]);
      const e = await p.exit();
      assertClean(v.sanitized, p);
      assert.deepEqual(e, { code: 1, signal: null }, p.stderr);
      assert.match(p.stderr, /creating the nlmon interface needs CAP_NET_ADMIN: run it as root or through sudo -n/);
      assert.equal(p.bytes().length, 0);
    });

    if (!kernelHasNlmon) {
      test('this kernel has no nlmon: exit 3 in bounded time, the message names CONFIG_NLMON', async () => {
        const started = Date.now();
        const p = StreamProcess.start(v.binary, ['capture', '--protocol', '0'], NETNS);
        const e = await p.exit(20_000);
        assertClean(v.sanitized, p);
        assert.deepEqual(e, { code: 3, signal: null }, p.stderr);
        assert.ok(Date.now() - started < 15_000, 'no hang');
        assert.match(p.stderr, /this kernel has no nlmon link type: netlink capture needs CONFIG_NLMON/);
        assert.match(p.stderr, /Unknown device type/, 'the kernel ext-ack is passed on');
        assert.equal(p.bytes().length, 0);
      });
    } else {
      test('this kernel has nlmon: a link dump in the namespace is captured, request and DONE', async () => {
        const p = StreamProcess.start(v.binary, ['capture', '--protocol', '0'], NETNS);
        await p.ready(/capturing on nlmon-nlh \(created/);
        const pid = p.child.pid ?? 0;
        const dump = getLinkDump(5150);
        inNetns(pid, [v.binary, 'xchg', '--protocol', '0', hex(dump)]);
        await new Promise((r) => setTimeout(r, 300));
        p.child.kill('SIGINT');
        const e = await p.exit();
        assertClean(v.sanitized, p);
        assert.deepEqual(e, { code: 0, signal: null }, p.stderr);
        const r = readAll(p, 'pcap');
        const msgs = r.records.flatMap((x) => messagesOf(x.bytes)).filter((m) => m.seq === 5150);
        assert.ok(
          msgs.some((m) => m.type === RTM_GETLINK && m.flags & NLM_F_REQUEST),
          'the request',
        );
        assert.ok(
          msgs.some((m) => m.type === NLMSG_DONE),
          'the DONE',
        );
      });
    }
  });
}
