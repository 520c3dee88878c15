// nlhelper capture and monitor in the lab kernel (Debian's, nlmon and dummy as modules the kernel loads on demand
// through busybox modprobe): a capture holds the nlreply module's request and reply and a whole rtnetlink dump,
// and removes its interface when it stops; a multicast monitor sees a link made in the VM; a kernel that cannot
// load nlmon gets the clear refusal. One VM boot for the file; the tests run in order.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CaptureReader, type CaptureRecord } from '../../extension/src/netlink/capture/reader';
import { startCapture } from '../../extension/src/target/captureStream';
import { TargetManager } from '../../extension/src/target/targets';
import { validateTargets } from '../../extension/src/target/validate';
import type { LabVm } from '../../extension/src/lab/labVm';
import {
  GUEST_HELPER,
  GUEST_KO,
  REPO,
  guest,
  guestSh,
  installModuleAndHelper,
  labAsSshTarget,
  startLab,
} from './labFixture';
import {
  NLMSG_DONE,
  NLM_F_ACK,
  NLM_F_MULTI,
  NLM_F_REQUEST,
  RTM_GETLINK,
  RTM_NEWLINK,
  REQUEST_TYPE,
  getLinkDump,
  hex,
  nlmsg,
  replyText,
  type ParsedMessage,
} from '../support/netlink-bytes';
import { messagesOf, readBack, type ReadBack, type WireMessage } from '../native/stream-process';

/**
 * nlreply's protocol here: 5 (NETLINK_NFLOG, unused since ULOG left the kernel). nlmon only taps the protocols
 * netlink_filter_tap lists (0, 2, 4, 5, 6, 10, 12, 16): at its default 31 nothing of nlreply would be captured.
 */
const P = 5;
const RTNLGRP_LINK = 1;

/**
 * Runs a stream command in the background in the guest with its output in files, waits (bounded) for its ready
 * line, runs the given commands ($1 = the stream command's arguments as one word list, the rest as "$@" lines to
 * sh -c), stops it with SIGINT, and prints: its exit status, its stderr, whether nlmon-nlh is still there, and
 * its stream as hex.
 */
const STREAM_SCRIPT = `
ready=$1; shift
cmd=$1; shift
set -f
$cmd >/tmp/s.out 2>/tmp/s.err </dev/null &
pid=$!
i=0
while ! grep -q "$ready" /tmp/s.err; do
  i=$((i + 1))
  if [ $i -gt 300 ] || ! kill -0 $pid 2>/dev/null; then break; fi
  sleep 0.1
done
for step in "$@"; do sh -c "$step" >/dev/null || echo "step failed: $step" >&2; done
sleep 0.5
kill -INT $pid 2>/dev/null
wait $pid
echo "exit $?"
if ip link show nlmon-nlh >/dev/null 2>&1; then echo "interface present"; else echo "interface gone"; fi
echo "--- stderr"
cat /tmp/s.err
echo "--- stream"
od -An -v -tx1 /tmp/s.out | tr -d ' \\n'
echo
`;

interface StreamRun {
  exit: number;
  interfaceGone: boolean;
  stderr: string;
  stream: ReadBack;
}

async function runStream(vm: LabVm, ready: string, cmd: string[], steps: string[]): Promise<StreamRun> {
  const out = await guestSh(vm, STREAM_SCRIPT, [ready, cmd.join(' '), ...steps], 120_000);
  const m = /^exit (\d+)\ninterface (present|gone)\n--- stderr\n([\s\S]*?)--- stream\n([0-9a-f]*)\n?$/.exec(out);
  assert.ok(m, `unexpected script output:\n${out}`);
  return {
    exit: Number(m[1]),
    interfaceGone: m[2] === 'gone',
    stderr: m[3],
    stream: readBack(Buffer.from(m[4], 'hex')),
  };
}

function allMessages(r: ReadBack): WireMessage[] {
  return r.records.flatMap((rec) => messagesOf(rec.bytes));
}

function asParsed(m: WireMessage): ParsedMessage {
  const b = Buffer.from(m.bytes);
  return { len: b.length, type: m.type, flags: m.flags, seq: m.seq, pid: m.pid, payload: b.subarray(16) };
}

describe('capture and monitor in the lab kernel', () => {
  let vm: LabVm;

  before(async () => {
    vm = await startLab();
    await installModuleAndHelper(vm);
  });

  after(async () => {
    await vm?.stop();
  });

  test('no nlmon module to load: exit 3 with the CONFIG_NLMON message, at once, no interface left', async () => {
    // The module file hidden: the kernel's request_module("rtnl-link-nlmon") finds nothing, as on a kernel
    // built without CONFIG_NLMON.
    const out = await guestSh(
      vm,
      `ko=$(find /lib/modules -name 'nlmon.ko*' | head -1)
[ -n "$ko" ] || { echo "no nlmon.ko in the guest"; exit 1; }
mv "$ko" /tmp/nlmon.hidden
start=$(date +%s)
"$1" capture </dev/null >/tmp/c.out 2>/tmp/c.err
echo "exit $? after $(( $(date +%s) - start ))s bytes $(wc -c </tmp/c.out)"
mv /tmp/nlmon.hidden "$ko"
ip link show nlmon-nlh >/dev/null 2>&1 && echo "interface present"
cat /tmp/c.err`,
      [GUEST_HELPER],
    );
    const m = /^exit (\d+) after (\d+)s bytes (\d+)\n/.exec(out);
    assert.ok(m, out);
    assert.equal(m[1], '3', out);
    assert.ok(Number(m[2]) < 10, `no hang: ${m[2]} s`);
    assert.equal(m[3], '0', 'nothing on stdout');
    assert.doesNotMatch(out, /interface present/);
    assert.match(out, /this kernel has no nlmon link type: netlink capture needs CONFIG_NLMON/);
  });

  test('nlreply ACK request and an rtnetlink dump: request and DONE with matching seq and port; interface removed', async () => {
    await guest(vm, ['insmod', GUEST_KO, `protocol=${P}`]);
    const ask = nlmsg({ type: REQUEST_TYPE, flags: NLM_F_REQUEST | NLM_F_ACK, seq: 0x5eed, payload: 'cap\0' });
    const dump = getLinkDump(0xd0d0);
    const r = await runStream(
      vm,
      '^capturing on nlmon-nlh (created',
      [GUEST_HELPER, 'capture', '--protocol', String(P), '--protocol', '0'],
      [
        `${GUEST_HELPER} xchg --protocol ${P} --timeout 3000 ${hex(ask)}`,
        `${GUEST_HELPER} xchg --protocol 0 --timeout 3000 ${hex(dump)}`,
      ],
    );
    assert.equal(r.exit, 0, r.stderr);
    assert.ok(r.interfaceGone, 'the capture removed the interface it created');
    assert.match(r.stderr, /stopped \(SIGINT\)/);
    assert.equal(r.stream.format, 'pcap');
    assert.deepEqual(r.stream.problems, []);
    for (const rec of r.stream.records) assert.equal(rec.linkType, 253);
    const msgs = allMessages(r.stream);

    // nlreply: the request (as sent: NLM_F_REQUEST, port 0 written by nlhelper) and its DONE, whose port is the
    // requester's (the reply text names the same port).
    const nl = r.stream.records.filter((rec) => rec.protocol === P).flatMap((rec) => messagesOf(rec.bytes));
    const req = nl.find((m) => m.seq === 0x5eed && m.flags & NLM_F_REQUEST);
    const done = nl.find((m) => m.seq === 0x5eed && m.type === NLMSG_DONE);
    assert.ok(req, `the request on protocol ${P}: ${JSON.stringify(nl.map((m) => [m.type, m.seq]))}`);
    assert.ok(done, 'its NLMSG_DONE');
    assert.equal(req.type, REQUEST_TYPE);
    // nlreply answers from port 0 with nlmsg_pid 0 (see nlreply.test.ts) and names the requester in its text;
    // the capture shows both sides of that conversation.
    assert.equal(done.pid, 0);
    const named = /^message from port ([1-9]\d*) processed by kernel: cap$/.exec(replyText(asParsed(done)));
    assert.ok(named, replyText(asParsed(done)));
    assert.ok(nl.indexOf(req) < nl.indexOf(done), 'the request before its reply');

    // The dump: the request, parts with NLM_F_MULTI, and its DONE, all with the request's seq, replies to one port.
    const d = msgs.filter((m) => m.seq === 0xd0d0);
    const dreq = d.find((m) => m.type === RTM_GETLINK && m.flags & NLM_F_REQUEST);
    const parts = d.filter((m) => m.type === RTM_NEWLINK);
    const ddone = d.filter((m) => m.type === NLMSG_DONE);
    assert.ok(dreq, 'the dump request');
    assert.ok(parts.length >= 2, `lo and eth0 at least: ${parts.length}`);
    for (const p of parts) assert.ok(p.flags & NLM_F_MULTI);
    assert.equal(ddone.length, 1, 'one DONE');
    assert.equal(d[d.length - 1].type, NLMSG_DONE, 'the dump ends at DONE');
    assert.equal(new Set([...parts, ...ddone].map((m) => m.pid)).size, 1, 'all replies to one port');
    assert.ok(d.indexOf(dreq) < d.indexOf(parts[0]), 'the request before its replies');
  });

  test('a second capture finds no leftover interface and captures again (the module stays loaded)', async () => {
    const r = await runStream(
      vm,
      '^capturing on nlmon-nlh (created',
      [GUEST_HELPER, 'capture', '--count', '1'],
      [`${GUEST_HELPER} xchg --protocol 0 --timeout 3000 ${hex(getLinkDump(7))}`],
    );
    assert.ok(r.interfaceGone, r.stderr);
    assert.match(r.stderr, /stopped \(--count reached\)/);
    assert.equal(r.stream.records.length, 1);
  });

  test('monitor RTNLGRP_LINK: a dummy link made in the VM arrives as RTM_NEWLINK "nlhdummy0"', async () => {
    const r = await runStream(
      vm,
      '^monitoring protocol 0',
      [GUEST_HELPER, 'monitor', '--protocol', '0', '--group', String(RTNLGRP_LINK)],
      ['ip link add nlhdummy0 type dummy', 'ip link del nlhdummy0'],
    );
    assert.equal(r.exit, 0, r.stderr);
    assert.equal(r.stream.format, 'pcapng');
    assert.deepEqual(r.stream.problems, []);
    const names = r.stream.records
      .filter((rec) => messagesOf(rec.bytes)[0]?.type === RTM_NEWLINK)
      .map((rec) => Buffer.from(rec.bytes).toString('latin1'));
    assert.ok(
      names.some((n) => n.includes('nlhdummy0')),
      `an RTM_NEWLINK for nlhdummy0 among ${r.stream.records.length} events; stderr ${r.stderr}`,
    );
  });

  test('the host side: startCapture on the lab as an SSH target captures a dump live, stop() removes the interface', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'lab-capture-'));
    const { targets, problems } = validateTargets([
      { name: 'vm', ...labAsSshTarget(vm, tmp), helperBuild: 'static', workFolder: '/root/netlink-work' },
    ]);
    assert.deepEqual(problems, []);
    const manager = new TargetManager({ extensionRoot: REPO });
    try {
      await manager.setTargets(targets, 'vm');
      const session = manager.session('vm');
      const stream = await startCapture(session, { protocols: [0] });
      const records: CaptureRecord[] = [];
      const reader = new CaptureReader({
        record: (r) => records.push({ ...r, bytes: r.bytes.slice() }),
        problem: (pr) => assert.fail(`${pr.offset}: ${pr.message}`),
      });
      stream.onData((c) => reader.push(c));
      assert.match(await guest(vm, ['ip', 'link', 'show', 'nlmon-nlh']), /nlmon-nlh/);
      const helper = await session.helper();
      const answer = await helper.exchange(0, getLinkDump(0xcafe), { timeoutMs: 5000 });
      assert.equal(answer.outcome, 'done');
      const seen = (): WireMessage[] =>
        records.flatMap((r) => messagesOf(r.bytes)).filter((m) => m.seq === 0xcafe && m.type === NLMSG_DONE);
      const deadline = Date.now() + 10_000;
      while (seen().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal(seen().length, 1, 'the DONE of the dump arrived while the capture ran (live)');
      await stream.stop();
      reader.end();
      const end = await stream.done;
      assert.equal(end.code, 0, end.stderr);
      assert.match(end.stderr, /stopped \(its input ended\)/);
      const msgs = records.flatMap((r) => messagesOf(r.bytes)).filter((m) => m.seq === 0xcafe);
      assert.ok(
        msgs.some((m) => m.type === RTM_GETLINK && m.flags & NLM_F_REQUEST),
        'the request',
      );
      const r = await vm.exec(['ip', 'link', 'show', 'nlmon-nlh'], { timeoutMs: 30_000 });
      assert.notEqual(r.code, 0, 'the interface is gone after stop()');
    } finally {
      await manager.dispose();
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
