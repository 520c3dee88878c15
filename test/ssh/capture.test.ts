// Capture streams over SSH against this machine's kernel: `nlhelper monitor` started on the target through its
// ControlMaster, read live with the codec's capture reader, stopped by closing its input (the helper sees the ssh
// channel's end); group names resolved for rtnetlink and, through the helper session's Exchanger, for nlctrl.
// `nlhelper capture` needs nlmon, which this machine's kernel cannot load: its clear refusal as a typed error.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CaptureReader, type CaptureRecord } from '../../extension/src/netlink/capture/reader';
import { captureArgs, startCapture, startMonitor } from '../../extension/src/target/captureStream';
import { TargetError } from '../../extension/src/target/errors';
import { genlFamilyGroups, resolveMulticastGroups } from '../../extension/src/target/multicastGroups';
import type { TargetSession } from '../../extension/src/target/targets';
import { RTM_NEWADDR, RTNLGRP_IPV4_IFADDR, header } from '../support/netlink-bytes';
import { sleep, useRemote, type Remote } from './fixture';
import { PLAIN_USER } from './sshd';

let remote: Remote;
let session: TargetSession;
let plainWork: string;
const kernelHasNlmon =
  spawnSync('unshare', ['-n', '--', 'ip', 'link', 'add', 'nlhprobe', 'type', 'nlmon'], { stdio: 'ignore' }).status ===
  0;

before(async () => {
  remote = await useRemote();
  const m = await remote.manager([remote.target('capture', { helperBuild: 'static' })]);
  session = m.session();
  plainWork = mkdtempSync(path.join(os.tmpdir(), 'nlwb-ssh-plain-'));
  const uid = Number(execFileSync('id', ['-u', PLAIN_USER], { encoding: 'utf8' }).trim());
  chownSync(plainWork, uid, uid);
});
after(async () => {
  await remote.release();
  rmSync(plainWork, { recursive: true, force: true });
});

async function rejection(p: Promise<unknown>): Promise<TargetError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.ok(e instanceof TargetError, `a TargetError, got ${String(e)}`);
  return e;
}

describe('capture streams over SSH', () => {
  test('monitor by group name: an address added on lo arrives live; stop() ends it through its input', async () => {
    const groups = await resolveMulticastGroups({ protocol: 0, groups: ['RTNLGRP_IPV4_IFADDR'] });
    assert.deepEqual(groups, [RTNLGRP_IPV4_IFADDR]);
    const stream = await startMonitor(session, { protocol: 0, groups });
    const records: CaptureRecord[] = [];
    const problems: string[] = [];
    const reader = new CaptureReader({
      record: (r) => records.push({ ...r, bytes: r.bytes.slice() }),
      problem: (p) => problems.push(p.message),
    });
    stream.onData((chunk) => reader.push(chunk));
    const address = `127.78.${(process.pid >> 8) & 0xff}.${(process.pid & 0xfe) + 1}/8`;
    try {
      execFileSync('ip', ['addr', 'add', address, 'dev', 'lo']);
    } finally {
      execFileSync('ip', ['addr', 'del', address, 'dev', 'lo']);
    }
    const deadline = Date.now() + 10_000;
    while (records.length < 2 && Date.now() < deadline) await sleep(50);
    assert.ok(records.length >= 1, 'the event arrived while the monitor ran');
    assert.equal(reader.format, 'pcapng');
    assert.equal(header(records[0].bytes).type, RTM_NEWADDR);
    assert.equal(records[0].protocol, 0);
    const t = Date.now();
    await stream.stop();
    assert.ok(Date.now() - t < 5_000, 'stopped through its input, not by the deadline');
    reader.end();
    assert.deepEqual(problems, []);
    const end = await stream.done;
    assert.equal(end.code, 0, end.stderr);
    assert.match(end.stderr, /stopped \(its input ended\)/);
  });

  test("nlctrl's groups by name through the helper session (the Exchanger): notify", async () => {
    const helper = await session.helper();
    const groups = await genlFamilyGroups(helper, 'nlctrl');
    assert.ok(
      groups.some((g) => g.name === 'notify' && g.id === 16),
      JSON.stringify(groups),
    );
    assert.deepEqual(
      await resolveMulticastGroups({ protocol: 16, family: 'nlctrl', groups: ['notify'] }, { exchanger: helper }),
      [16],
    );
    const e = await rejection(
      resolveMulticastGroups({ protocol: 16, family: 'nlctrl', groups: ['notify', 'nope'] }, { exchanger: helper }),
    );
    assert.match(e.message, /groups\[1\]: "nope" is not a multicast group here \(known: notify\)/);
  });

  test('bad group names and options are located errors before anything runs', async () => {
    const e = await rejection(resolveMulticastGroups({ protocol: 0, groups: ['link', 'RTNLGRP_BOGUS'] }));
    assert.match(e.message, /^groups\[1\]: "RTNLGRP_BOGUS" is not a multicast group here/);
    assert.equal(e.kind, 'config');
    assert.throws(() => captureArgs({ protocols: [0, 32] }), /capture protocols\[1\]: 32 is not a whole number 0-31/);
    assert.throws(() => captureArgs({ comm: 'a/b' }), /capture comm: "a\/b" is not a command name/);
    assert.deepEqual(captureArgs({ protocols: [0], comm: "it's;rm -f x", count: 3 }), [
      'capture',
      '--protocol',
      '0',
      '--comm',
      "it's;rm -f x",
      '--count',
      '3',
    ]);
  });

  if (!kernelHasNlmon) {
    test('capture on a kernel without nlmon: TargetError "unsupported" naming CONFIG_NLMON, in bounded time', async () => {
      const t = Date.now();
      const e = await rejection(startCapture(session, { protocols: [0] }));
      assert.equal(e.kind, 'unsupported');
      assert.match(
        e.message,
        /^target "capture": nlhelper capture: this kernel has no nlmon link type: .*CONFIG_NLMON/,
      );
      assert.ok(Date.now() - t < 20_000);
    });
  } else {
    test('capture on this kernel (it has nlmon): a dump is captured live', async () => {
      const stream = await startCapture(session, { protocols: [0] });
      const records: CaptureRecord[] = [];
      const reader = new CaptureReader({ record: (r) => records.push(r), problem: () => undefined });
      stream.onData((c) => reader.push(c));
      execFileSync('ip', ['link', 'show']);
      await sleep(500);
      await stream.stop();
      assert.ok(records.length > 0);
      assert.equal((await stream.done).code, 0);
    });
  }

  test('capture as a login whose sudo wants a password: the sudo message, not a hang', async () => {
    const m = await remote.manager([
      remote.target('plain', {
        destination: `${PLAIN_USER}@127.0.0.1:${remote.sshd.port}`,
        useSudo: true,
        workFolder: plainWork,
        helperBuild: 'static',
      }),
    ]);
    const t = Date.now();
    const e = await rejection(startCapture(m.session()));
    assert.equal(e.kind, 'sudo-password');
    assert.match(e.message, /sudo wants a password to run .*nlhelper/);
    assert.ok(Date.now() - t < 20_000);
  });
});
